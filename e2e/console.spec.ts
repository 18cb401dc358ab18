/**
 * The console pane on the SIMULATION (the built-in interpreter used where no Python with NumPy exists; pinned
 * here, labelled in every title): the seed page's examples typed in, checked against the golden transcript real
 * Python printed (tests/fixtures/playground/expected.json, cases 'seed' on LP64 and 'seed_llp64'); the
 * other panes following the console; the temporary-array refusal in the Lifetime pane; and the tour.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, ROOT } from './fixtures';
import { normalise } from '../tests/playground/normalise';
import { TOUR } from '../src-main/playground/tour';

type Case = { name: string; model: 'lp64' | 'llp64'; inputs: { line: number; source: string; output: string }[] };
const cases = (
  JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'playground', 'expected.json'), 'utf8')) as { cases: Case[] }
).cases;

test.beforeAll(() => {
  process.env.STRIDESCOPE_E2E_CONSOLE = 'simulation';
});
test.afterAll(() => {
  delete process.env.STRIDESCOPE_E2E_CONSOLE;
});

async function openConsole(page: Page): Promise<void> {
  await page.getByTestId('toggle-console').click();
  await expect(page.getByTestId('console-view')).toBeVisible();
}

/** Type one input at `>>>` and press Enter; wait until the console has echoed it. */
async function type(page: Page, source: string, keys = false): Promise<void> {
  const inputs = page.locator('[data-testid=console-log] [data-kind=input]');
  const before = await inputs.count();
  const box = page.getByTestId('console-input');
  await box.click();
  if (keys) await box.pressSequentially(source, { delay: 0 });
  else await box.fill(source);
  await box.press('Enter');
  await expect(inputs).toHaveCount(before + 1);
}

/** The console's log as [echoed input, printed output] pairs. */
async function transcript(page: Page): Promise<{ input: string; output: string }[]> {
  const lines = await page
    .locator('[data-testid=console-log] .console-line')
    .evaluateAll((els) => els.map((e) => ({ kind: (e as HTMLElement).dataset.kind ?? '', text: e.textContent ?? '' })));
  const out: { input: string; output: string }[] = [];
  for (const l of lines) {
    if (l.kind === 'input') out.push({ input: l.text, output: '' });
    else if (l.kind === 'output' && out.length) out[out.length - 1].output += l.text + '\n';
  }
  return out;
}

for (const name of ['seed', 'seed_llp64'] as const) {
  test(`simulation: the seed page typed into the console prints what Python printed (${name})`, async ({ app }) => {
    const { page } = app;
    const c = cases.find((k) => k.name === name)!;
    await openConsole(page);
    if (c.model !== 'lp64') {
      await page.getByTestId('console-model').selectOption(c.model);
      await expect(page.locator('[data-testid=console-log] [data-kind=banner]').last()).toContainText(
        `fresh session: ${c.model.toUpperCase()} (`,
      );
    }
    // key by key on LP64 (real keystrokes into the textarea), filled on LLP64
    for (const input of c.inputs) await type(page, input.source, c.model === 'lp64');
    const got = await transcript(page);
    expect(got.map((g) => g.input)).toEqual(c.inputs.map((i) => `>>> ${i.source}`));
    for (let k = 0; k < c.inputs.length; k++) {
      expect(normalise(got[k].output), `>>> ${c.inputs[k].source}`).toBe(normalise(c.inputs[k].output));
    }
    // the seed's values, as the page shows them on LLP64 and as Linux NumPy prints them on LP64
    const text = (await page.getByTestId('console-log').textContent())!;
    expect(text).toContain(c.model === 'llp64' ? 'c_longlong(4294967296)' : 'c_long(4294967296)');
    // the other panes follow the console: x is the array shown
    await expect(page.getByTestId('array-label')).toHaveText('x (console)');
    await expect(page.getByTestId('values')).toHaveText('0, 1, 2, 3');
    await expect(page.getByTestId('strides')).toHaveText('(8, 4)');
    await app.screenshot(`console-${name}`);
    await app.tab('bytes');
    await expect.poll(() => app.cellText(4)).toBe('01');
    await expect.poll(() => app.cellText(8)).toBe('02');
  });
}

test('simulation: history (Up/Down), a multi-line paste run input by input, errors shown in place', async ({ app }) => {
  const { page } = app;
  await openConsole(page);
  await type(page, 'import numpy as np');
  await type(page, 'y = np.arange(6, dtype=np.int16).reshape(2, 3)');
  const box = page.getByTestId('console-input');
  await box.press('ArrowUp');
  await expect(box).toHaveValue('y = np.arange(6, dtype=np.int16).reshape(2, 3)');
  await box.press('ArrowUp');
  await expect(box).toHaveValue('import numpy as np');
  await box.press('ArrowDown');
  await box.press('ArrowDown');
  await expect(box).toHaveValue('');
  // a pasted script: three inputs, the second spanning two lines inside brackets
  await box.fill('y.T\nz = np.array([1,\n   2])\nnope + 1');
  await box.press('Enter');
  await expect(page.locator('[data-testid=console-log] [data-kind=input]')).toHaveCount(5);
  const got = await transcript(page);
  expect(got.slice(2).map((g) => g.input)).toEqual(['>>> y.T', '>>> z = np.array([1,\n...    2])', '>>> nope + 1']);
  expect(got[2].output).toBe('array([[0, 3],\n       [1, 4],\n       [2, 5]], dtype=int16)\n');
  expect(got[4].output).toContain("NameError: name 'nope' is not defined");
  await expect(page.locator('[data-testid=console-log] .console-line.output.error')).toHaveCount(1);
  // z is the array the panes show now
  await expect(page.getByTestId('array-label')).toHaveText('z (console)');
  // Enter inside open brackets continues the input instead of running it
  await box.pressSequentially('np.zeros((2,');
  await box.press('Enter');
  await box.pressSequentially('2))');
  await box.press('Enter');
  await expect(page.locator('[data-testid=console-log] [data-kind=input]')).toHaveCount(6);
  expect((await transcript(page))[5]).toEqual({
    input: '>>> np.zeros((2,\n... 2))',
    output: 'array([[0., 0.],\n       [0., 0.]])\n',
  });
});

test('simulation: the temporary-array refusal shows as a lifetime warning; the safe spellings do not', async ({
  app,
}) => {
  const { page } = app;
  await openConsole(page);
  for (const s of [
    'import numpy as np',
    'import ctypes',
    'a = np.arange(4, dtype=np.int32)',
    'b = np.ones(4, dtype=np.int32)',
    'c = a+b',
    'ct = (a+b).ctypes',
  ])
    await type(page, s);
  await type(page, 'ctypes.cast(c.ctypes.data, ctypes.POINTER(ctypes.c_int))[3]');
  await type(page, 'ctypes.cast(ct.data, ctypes.POINTER(ctypes.c_int))[2]');
  await app.tab('lifetime');
  await expect(page.getByTestId('scenario-console')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('lifetime-allocations')).toContainText('a+b');
  await expect(page.getByTestId('lifetime-holds')).toContainText('ct');
  await expect(page.getByTestId('lifetime-warnings')).toHaveCount(0);
  await type(page, 'p = (a+b).ctypes.data');
  await type(page, 'ctypes.cast(p, ctypes.POINTER(ctypes.c_int)).contents');
  const got = await transcript(page);
  expect(got.map((g) => g.output).join('')).toBe(
    '4\n3\n' + TOUR.find((s) => s.id === 'temporary')!.expected.replace('statement 5 (line 5', 'statement 9 (line 9'),
  );
  await expect(page.locator('[data-testid=console-log] .console-line.output.error')).toHaveCount(1);
  const warnings = page.getByTestId('lifetime-warnings');
  await expect(warnings).toContainText(
    'was refused: ctypes.cast(p, ctypes.POINTER(ctypes.c_int)) pointed into the temporary `a+b`, freed at the end of statement 9 (line 9: `p = (a+b).ctypes.data`)',
  );
  await expect(warnings.locator('li')).toHaveCount(2);
  await expect(page.getByTestId('lifetime-allocations').locator('tr.state-freed')).toHaveCount(1);
  await expect(page.getByTestId('lifetime-holds')).toContainText('keeps nothing alive');
  await app.screenshot('console-lifetime');
});

test('simulation: the tour steps through the seed page, typing each example and pointing at its pane', async ({
  app,
}) => {
  test.setTimeout(120_000);
  const { page } = app;
  await openConsole(page);
  await page.getByTestId('tour-toggle').click();
  for (let k = 0; k < TOUR.length; k++) {
    const step = TOUR[k];
    await expect(page.getByTestId('tour-title')).toContainText(`${k + 1}/${TOUR.length} · ${step.title}`);
    await expect(page.getByTestId('tour-state')).toHaveText('✓ as the seed page says', { timeout: 20_000 });
    if (step.pane !== 'console')
      await expect(page.getByTestId(`tab-${step.pane}`)).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('console-model')).toHaveValue(String(step.model).toLowerCase());
    if (step.id === 'temporary') {
      await expect(page.getByTestId('lifetime-warnings')).toContainText(
        'pointed into the temporary `a+b`, freed at the end of statement 5',
      );
      await app.screenshot('tour-temporary');
    }
    if (step.id === 'data_as-llp64') await app.screenshot('tour-data_as-llp64');
    if (step.id === 'strides') await app.screenshot('tour-strides');
    if (step.id === 'no-ctypes') await expect(page.getByTestId('console-no-ctypes')).toBeVisible();
    if (k < TOUR.length - 1) await page.getByTestId('tour-next').click();
  }
  await app.screenshot('tour-end');
});
