/**
 * The console on live Python, in Chromium over the real handlers: the header names the Python and NumPy versions,
 * the seed's dangling pointer prints what Python printed and then Stridescope's warning with the bytes C read
 * (screenshot e2e/artifacts/<mode>-live-dangling.png), and a console array's Bytes are the child's bytes.
 * Needs python3 with NumPy (CI installs it).
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { TOUR } from '../src-main/playground/tour';

test.beforeAll(() => {
  process.env.STRIDESCOPE_E2E_CONSOLE = 'live';
});
test.afterAll(() => {
  delete process.env.STRIDESCOPE_E2E_CONSOLE;
});

async function type(page: Page, source: string): Promise<void> {
  const inputs = page.locator('[data-testid=console-log] [data-kind=input]');
  const before = await inputs.count();
  const box = page.getByTestId('console-input');
  await box.click();
  await box.fill(source);
  await box.press('Enter');
  await expect(inputs).toHaveCount(before + 1, { timeout: 20_000 });
}

test('live Python: versions in the header; the dangling pointer shows what C read', async ({ app }) => {
  const page = app.page;
  await page.getByTestId('toggle-console').click();
  await expect(page.getByTestId('console-view')).toBeVisible();
  for (const line of [
    'import numpy as np',
    'import ctypes',
    'a = np.arange(3, dtype=np.int32)',
    'b = np.ones(3, dtype=np.int32)',
    'p = (a+b).ctypes.data',
  ])
    await type(page, line);
  await expect(page.getByTestId('console-backend')).toHaveText(/^Python 3\.\d+\.\d+ · NumPy \d+\.\d+/);
  await type(page, 'ctypes.cast(p, ctypes.POINTER(ctypes.c_int)).contents');
  const log = page.getByTestId('console-log');
  await expect(log).toContainText(/c_int\(-?\d+\)/);
  await expect(log).toContainText(
    /\[stridescope\] lifetime: ctypes\.cast\(\.\.\.\) reads 0x[0-9a-f]+, inside the temporary `a\+b` \(taken at statement 5: `p = \(a\+b\)\.ctypes\.data`\), freed at statement 5: C read ([0-9a-f]{2} ){3}[0-9a-f]{2}/,
  );
  await app.screenshot('live-dangling');
});

test("live Python: the console starts with the seed's x; the Lifetime pane lists the process's buffers and the dangling read", async ({
  app,
}) => {
  const page = app.page;
  await page.getByTestId('toggle-console').click();
  await type(page, 'x');
  const log = page.getByTestId('console-log');
  await expect(log).toContainText('array([[0, 1],');
  for (const line of [
    'a = np.arange(3, dtype=np.int32)',
    'b = np.ones(3, dtype=np.int32)',
    'c = a+b',
    'q = ctypes.cast(c.ctypes.data, ctypes.POINTER(ctypes.c_int))',
    'q[1]',
    'del c',
    'q[1]',
  ])
    await type(page, line);
  // the read through q after `del c`: Python printed what was there; Stridescope says which buffer and what C read
  await expect(log).toContainText(
    /\[stridescope\] lifetime: pointer\[1\] reads 0x[0-9a-f]+, inside array `c` \(taken at statement 5: `q = ctypes\.cast\(c\.ctypes\.data, ctypes\.POINTER\(ctypes\.c_int\)\)`\), freed at statement 7[^:]*: C read ([0-9a-f]{2} ){3}[0-9a-f]{2}/,
  );
  await app.screenshot('live-dangling-later');
  await app.tab('lifetime');
  await expect(page.getByTestId('lifetime-allocations')).toContainText('x');
  await expect(page.getByTestId('lifetime-allocations').locator('tr.state-freed')).toHaveCount(1);
  await expect(page.getByTestId('lifetime-warnings')).toContainText('pointer[1] reads');
  await app.screenshot('live-lifetime');
});

test('live Python: the Tour runs on the real Python (LLP64 and no-ctypes steps simulated, said so), each card as the seed page says', async ({
  app,
}) => {
  test.setTimeout(180_000);
  const { page } = app;
  await page.getByTestId('toggle-console').click();
  await page.getByTestId('tour-toggle').click();
  const total = TOUR.length;
  for (let k = 0; k < total; k++) {
    const step = TOUR[k];
    await expect(page.getByTestId('tour-title')).toContainText(`${k + 1}/${total} · ${step.title}`);
    await expect(page.getByTestId('tour-state')).toHaveText('✓ as the seed page says', { timeout: 30_000 });
    const live = String(step.model) === 'LP64' && step.ctypes !== false;
    await expect(page.getByTestId('console-backend')).toHaveText(live ? /^Python 3\./ : /simulation/);
    if (step.id === 'temporary') {
      await expect(page.getByTestId('console-log')).toContainText(
        /freed at statement 5[^:]*: C read ([0-9a-f]{2} ){3}[0-9a-f]{2}/,
      );
      await app.screenshot('live-tour-temporary');
    }
    if (k < total - 1) await page.getByTestId('tour-next').click();
  }
});
