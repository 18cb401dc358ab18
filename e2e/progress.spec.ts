/**
 * A long kernel runs off main's event loop: over a 6 GiB sparse file (a real .npy header, then ftruncate: the OS
 * hands back zero pages), `sum` shows a progress bar with Cancel in the Kernels pane; while it runs, the console (a
 * pane kept open next to it) still answers; Cancel stops the kernel and the pane says it was cancelled.
 */
import { closeSync, ftruncateSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DType } from '../src-main/core/dtype';
import { npyHeaderBytes } from '../src-main/formats/npy';
import { test, expect, GENERATED } from './fixtures';

const GiB = 1024 ** 3;
const NAME = 'sparse-6GiB-kernel-f8.npy';
const PATH = join(GENERATED, NAME);

test.beforeAll(() => {
  mkdirSync(GENERATED, { recursive: true });
  const header = npyHeaderBytes(DType.parse('<f8'), [(6 * GiB) / 8], false);
  const fd = openSync(PATH, 'w');
  writeSync(fd, header);
  ftruncateSync(fd, header.length + 6 * GiB);
  closeSync(fd);
});
test.afterAll(() => rmSync(PATH, { force: true }));

test('a long kernel shows a progress bar, the console answers meanwhile, and Cancel stops it', async ({ app }) => {
  test.setTimeout(120_000);
  const { page } = app;
  await app.drop(PATH);
  await expect(page.getByTestId('array-label')).toHaveText(NAME);
  await app.tab('kernels');
  await page.getByTestId('kernel-name').selectOption('sum');
  await page.getByTestId('kernel-expr').fill('a');
  await page.getByTestId('kernel-run').click();
  const bar = page.getByTestId('progress-kernel');
  await expect(bar).toBeVisible({ timeout: 20_000 });
  await expect(bar).toContainText(`sum over ${NAME}`);
  await expect(page.getByTestId('kernel-run')).toBeDisabled();
  // another pane answers while the kernel runs
  await page.getByTestId('toggle-console').click();
  const box = page.getByTestId('console-input');
  await box.fill('6 * 7');
  await box.press('Enter');
  await expect(page.getByTestId('console-log')).toContainText('42');
  await expect(bar).toBeVisible();
  const pct = Number((await page.getByTestId('progress-kernel-bar').getAttribute('value')) ?? '0');
  expect(pct).toBeLessThan(100);
  await app.screenshot('kernel-progress');
  await page.getByTestId('progress-kernel-cancel').click();
  await expect(page.getByTestId('error')).toContainText('cancelled');
  await expect(bar).toHaveCount(0);
  await expect(page.getByTestId('kernel-run')).toBeEnabled();
});
