/**
 * The Tour and the console agree with the panes they point at, on the SIMULATION (pinned, as e2e/console.spec.ts):
 * step 4's walk pane walks the very view whose strides the card names (NumPy:
 * np.array([[0, 1], [2, 3]], dtype=np.int32).strides == (8, 4)); steps 5 and 6 set the one data model Reinterpret
 * and the console share (LLP64, then LP64); a console `.contents` / `p[i]` read lights the bytes C read in the
 * Bytes pane and moves the cursor there. At 1320×900 and 900×700, screenshots in the light and the dark theme.
 */
import type { Page } from '@playwright/test';
import { test, expect, type AppHandle } from './fixtures';
import { TOUR } from '../src-main/playground/tour';

test.beforeAll(() => {
  process.env.STRIDESCOPE_E2E_CONSOLE = 'simulation';
});
test.afterAll(() => {
  delete process.env.STRIDESCOPE_E2E_CONSOLE;
});

const SIZES = [
  { name: '1320', width: 1320, height: 900 },
  { name: '900', width: 900, height: 700 },
] as const;

async function shoot(app: AppHandle, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await app.page.emulateMedia({ colorScheme: scheme });
    await app.screenshot(`${name}-${scheme}`);
  }
  await app.page.emulateMedia({ colorScheme: 'light' });
}

async function openConsole(page: Page): Promise<void> {
  await page.getByTestId('toggle-console').click();
  await expect(page.getByTestId('console-view')).toBeVisible();
}

async function type(page: Page, source: string): Promise<void> {
  const inputs = page.locator('[data-testid=console-log] [data-kind=input]');
  const before = await inputs.count();
  const box = page.getByTestId('console-input');
  await box.click();
  await box.fill(source);
  await box.press('Enter');
  await expect(inputs).toHaveCount(before + 1);
}

const stepOf = (id: string) => TOUR.findIndex((s) => s.id === id);

for (const size of SIZES) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.beforeEach(async ({ app }) => {
      await app.page.setViewportSize({ width: size.width, height: size.height });
    });

    test('Tour step 4 walks the view its card describes; steps 5 and 6 set the shared data model', async ({ app }) => {
      test.setTimeout(120_000);
      const { page } = app;
      await openConsole(page);
      await page.getByTestId('tour-toggle').click();
      const strides = stepOf('strides');
      for (let k = 0; k < strides; k++) {
        await expect(page.getByTestId('tour-state')).toHaveText('✓ as the seed page says', { timeout: 20_000 });
        await page.getByTestId('tour-next').click();
      }
      await expect(page.getByTestId('tour-title')).toContainText(
        `${strides + 1}/${TOUR.length} · ${TOUR[strides].title}`,
      );
      await expect(page.getByTestId('tour-state')).toHaveText('✓ as the seed page says', { timeout: 20_000 });
      await expect(page.getByTestId('tab-walk')).toHaveAttribute('aria-selected', 'true');
      // the walk pane shows x itself (not the default x[:, ::-1], whose strides are (8, -4))
      await expect(page.getByTestId('walk-expr')).toHaveValue('x');
      await expect(page.getByTestId('walk-strides')).toHaveText('(8, 4)');
      await expect(page.getByTestId('tour-card')).toContainText('(8, 4)');
      await shoot(app, `tour-step4-walk-${size.name}`);

      // the Walk pane, shown before the step, follows the step too (it was on another view)
      await page.getByTestId('walk-expr').fill('x[:, ::-1]');
      await page.getByTestId('walk-run').click();
      await expect(page.getByTestId('walk-strides')).toHaveText('(8, -4)');
      await page.getByTestId('tour-again').click();
      await expect(page.getByTestId('tour-state')).toHaveText('✓ as the seed page says', { timeout: 20_000 });
      await expect(page.getByTestId('walk-expr')).toHaveValue('x');
      await expect(page.getByTestId('walk-strides')).toHaveText('(8, 4)');

      // step 5: LLP64 — Reinterpret and the console both on it
      await page.getByTestId('tour-next').click();
      await expect(page.getByTestId('tour-state')).toHaveText('✓ as the seed page says', { timeout: 20_000 });
      await expect(page.getByTestId('tab-reinterpret')).toHaveAttribute('aria-selected', 'true');
      await expect(page.getByTestId('model')).toHaveValue('llp64');
      await expect(page.getByTestId('console-model')).toHaveValue('llp64');
      // step 6: "here long is 8 bytes" — Reinterpret is back on LP64
      await page.getByTestId('tour-next').click();
      await expect(page.getByTestId('tour-title')).toContainText(TOUR[stepOf('data_as-lp64')].title);
      await expect(page.getByTestId('tour-state')).toHaveText('✓ as the seed page says', { timeout: 20_000 });
      await expect(page.getByTestId('tab-reinterpret')).toHaveAttribute('aria-selected', 'true');
      await expect(page.getByTestId('model')).toHaveValue('lp64');
      await expect(page.getByTestId('console-model')).toHaveValue('lp64');
      await shoot(app, `tour-step6-reinterpret-${size.name}`);

      // one setting: switching Reinterpret's model shows in the console (which offers a Reset under it)
      await page.getByTestId('model').selectOption('ilp32');
      await expect(page.getByTestId('console-model')).toHaveValue('ilp32');
      await expect(page.getByTestId('console-model-pending')).toContainText('session runs LP64');
    });

    test('a console .contents read lights the bytes C read in the Bytes pane and moves the cursor there', async ({
      app,
    }) => {
      const { page } = app;
      await openConsole(page);
      // the simulation starts empty (live Python starts with the seed's x): define it as the seed page does
      for (const line of ['import numpy as np', 'import ctypes', 'x = np.array([[0, 1], [2, 3]], dtype=np.int32)'])
        await type(page, line);
      // LP64: c_long is 8 bytes — x[0, 0] and x[0, 1]
      await type(page, 'x.ctypes.data_as(ctypes.POINTER(ctypes.c_long)).contents');
      await expect(page.locator('[data-testid=console-log] [data-kind=output]').last()).toHaveText(
        'c_long(4294967296)',
      );
      await page.getByTestId('tab-bytes').click();
      const info = await page.getByTestId('bytes-facts').textContent();
      // the offset switch writes hex by default ('data at 0xc0'), decimal when switched: Number() reads both
      const base = Number(/data at (0x[0-9a-f]+|\d+)/.exec(info ?? '')![1]);
      await expect(page.getByTestId('byte-grid-status')).toContainText(String(base));
      // the bytes C read have their own grid kind, colour and legend entry (not the walk's current step)
      for (let b = base; b < base + 8; b++) await expect.poll(() => app.cellClasses(b)).toContain('hl-read');
      await expect.poll(() => app.cellClasses(base + 8)).not.toContain('hl-read');
      expect(await app.cellClasses(base)).not.toContain('hl-current');
      await expect(page.getByTestId('legend-read')).toContainText('C read');
      await shoot(app, `console-contents-bytes-${size.name}`);
      // p[3]: x[1, 1], bytes 12..16 of x
      await type(page, 'p = x.ctypes.data_as(ctypes.POINTER(ctypes.c_int))');
      await type(page, 'p[3]');
      await expect(page.locator('[data-testid=console-log] [data-kind=output]').last()).toHaveText('3');
      for (let b = base + 12; b < base + 16; b++) await expect.poll(() => app.cellClasses(b)).toContain('hl-read');
      await expect.poll(() => app.cellClasses(base + 11)).not.toContain('hl-read');
      await expect.poll(() => app.cellClasses(base)).not.toContain('hl-read');
      // one statement, two reads: both are lit (the last statement's reads, all of them), the cursor on the last
      await type(page, 'p[0], p[2]');
      await expect(page.locator('[data-testid=console-log] [data-kind=output]').last()).toHaveText('(0, 2)');
      await expect(page.getByTestId('byte-grid-status')).toContainText(`cursor at byte ${base + 8} `);
      for (const b of [base, base + 3, base + 8, base + 11])
        await expect.poll(() => app.cellClasses(b)).toContain('hl-read');
      for (const b of [base + 4, base + 7, base + 12])
        await expect.poll(() => app.cellClasses(b)).not.toContain('hl-read');
      await shoot(app, `console-two-reads-bytes-${size.name}`);
    });
  });
}
