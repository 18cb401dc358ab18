/**
 * The byte grid over a 4 GiB file (sparse: a real .npy header, then ftruncate): the canvas grid pages through
 * 268 million rows; jumps, keys and the position slider reach the end, and every cell drawn there is a real byte.
 */
import { closeSync, ftruncateSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DType } from '../src-main/core/dtype';
import { npyHeaderBytes } from '../src-main/formats/npy';
import { test, expect, GENERATED } from './fixtures';

const GiB = 1024 ** 3;
const NAME = 'sparse-4GiB-f8.npy';
const PATH = join(GENERATED, NAME);
let headerLength = 0;

test.beforeAll(() => {
  mkdirSync(GENERATED, { recursive: true });
  const header = npyHeaderBytes(DType.parse('<f8'), [(4 * GiB) / 8], false);
  headerLength = header.length;
  const fd = openSync(PATH, 'w');
  writeSync(fd, header);
  ftruncateSync(fd, header.length + 4 * GiB);
  closeSync(fd);
});
test.afterAll(() => rmSync(PATH, { force: true }));

test('a 4 GiB file: jump to its last byte, page with the keyboard, drag the position slider', async ({ app }) => {
  const { page } = app;
  const size = headerLength + 4 * GiB;
  await app.drop(PATH);
  await expect(page.getByTestId('array-label')).toHaveText(NAME);
  await app.tab('bytes');
  const grid = page.getByTestId('byte-grid');
  await expect(grid).toHaveAttribute('data-rows', String(Math.ceil(size / 16)));
  await expect.poll(() => app.cellText(0)).toBe('93');
  // the last byte, by offset: the last element a[536870911]
  const last = size - 1;
  await page.getByTestId('jump-offset').fill(String(last));
  await page.getByTestId('jump-offset').press('Enter');
  await expect.poll(() => app.cellText(last)).toBe('00');
  await expect(page.getByTestId('element-index')).toHaveText(`x[${(4 * GiB) / 8 - 1}]`);
  await expect(page.getByTestId('byte-grid-status')).toContainText(
    `cursor at byte ${last} (0x${last.toString(16)}) = 00; array data`,
  );
  // keyboard: PageUp moves the cursor a screen up, the grid follows; Ctrl+Home goes back to byte 0
  await grid.focus();
  await page.keyboard.press('PageUp');
  // a page is the rows the grid shows less one; the grid is as tall as the window leaves it
  const rowsPerPage = Math.floor((await grid.evaluate((el) => el.clientHeight)) / 20) - 1;
  // the byte pane writes offsets as the offset switch says (hex by default) with the other spelling beside it
  await expect(page.getByTestId('byte-info')).toContainText(`(${last - 16 * rowsPerPage})`);
  await expect.poll(() => app.cellText(last - 16 * rowsPerPage)).toBe('00');
  await page.keyboard.press('Control+Home');
  await expect(page.getByTestId('byte-info')).toContainText('byte 0x0 (0)');
  await expect.poll(() => app.cellText(0)).toBe('93');
  // the slider: to the middle of the file; wheel-size scrolls from there stay on real bytes
  const slider = page.getByTestId('file-slider');
  const max = Number(await slider.getAttribute('max'));
  await slider.fill(String(Math.floor(max / 2)));
  await expect(grid).toHaveAttribute('data-first-row', String(Math.floor(max / 2)));
  for (let k = 0; k < 5; k++) await grid.evaluate((el) => (el.scrollTop += 400));
  // the grid draws on the next animation frame: let it, before reading where it is
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const first = Number(await grid.getAttribute('data-first-row'));
  expect(first).toBeGreaterThan(Math.floor(max / 2));
  await expect(grid).toHaveAttribute('data-loaded', 'true');
  await expect.poll(() => app.cellText(first * 16)).toBe('00');
  // a click there: element index from the offset
  const off = first * 16 + 3;
  await app.clickByte(off);
  await expect(page.getByTestId('element-index')).toHaveText(`x[${Math.floor((off - headerLength) / 8)}]`);
  await expect(page.getByTestId('byte-element')).toContainText(`byte ${(off - headerLength) % 8} of 8`);
  await app.screenshot('bytes-4GiB');
});
