/**
 * The console on live Python, in Chromium over the real handlers: the header names the Python and NumPy versions,
 * the seed's dangling pointer prints what Python printed and then Stridescope's warning with the bytes C read
 * (screenshot e2e/artifacts/<mode>-live-dangling.png), and a console array's Bytes are the child's bytes.
 * Needs python3 with NumPy (CI installs it).
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

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
  for (const line of ['import numpy as np', 'import ctypes', 'a = np.arange(3, dtype=np.int32)', 'b = np.ones(3, dtype=np.int32)', 'p = (a+b).ctypes.data']) await type(page, line);
  await expect(page.getByTestId('console-backend')).toHaveText(/^Python 3\.\d+\.\d+ · NumPy \d+\.\d+/);
  await type(page, 'ctypes.cast(p, ctypes.POINTER(ctypes.c_int)).contents');
  const log = page.getByTestId('console-log');
  await expect(log).toContainText(/c_int\(-?\d+\)/);
  await expect(log).toContainText(/\[stridescope\] lifetime: ctypes\.cast\(\.\.\.\) reads 0x[0-9a-f]+, inside the temporary `a\+b` \(taken at statement 5: `p = \(a\+b\)\.ctypes\.data`\), freed at statement 5: C read ([0-9a-f]{2} ){3}[0-9a-f]{2}/);
  await app.screenshot('live-dangling');
});
