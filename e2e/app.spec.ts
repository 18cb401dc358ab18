/**
 * Stridescope end to end: the built renderer, the real handlers, real files and mappings.
 * Ground truth comes from NumPy: tests/fixtures/npy/expected.json (written by numpy), and the seed page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, FIXTURES, hexOff } from './fixtures';

interface NpyExpect {
  shape: number[];
  strides: number[];
  first: unknown[];
  data_offset: number;
  header_len: number;
  header_text: string;
  version: number[];
  dtype_str: string;
  file_size: number;
}
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  npy: Record<string, NpyExpect>;
};
const I4 = expected.npy['i4.npy'];
const I4_PATH = join(FIXTURES, 'i4.npy');

const tuple = (xs: number[]) => (xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`);

test("the built-in example (the seed page's 2x2 int32 array) is shown on start", async ({ app }) => {
  const { page } = app;
  await expect(page.getByTestId('array-label')).toContainText('x = np.array([[0, 1], [2, 3]], dtype=np.int32)');
  await expect(page.getByTestId('dtype-str')).toHaveText('<i4');
  await expect(page.getByTestId('shape')).toHaveText('(2, 2)');
  await expect(page.getByTestId('strides')).toHaveText('(8, 4)');
  await expect(page.getByTestId('values')).toHaveText('0, 1, 2, 3');
  await expect(page.getByTestId('flag-C_CONTIGUOUS')).toHaveText('C_CONTIGUOUS: True');
  await expect(page.getByTestId('flag-F_CONTIGUOUS')).toHaveText('F_CONTIGUOUS: False');
  const address = (await page.getByTestId('address').textContent())!;
  expect(address).toMatch(/^0x[0-9a-f]+$/);
  expect(BigInt(address)).toBeGreaterThan(0x10000n);
  // x.ctypes as NumPy prints it: data is the same address in decimal; shape/strides are c_intp arrays.
  const repl = (await page.getByTestId('ctypes-repl').textContent())!;
  expect(repl).toContain(`x.ctypes.data\n${BigInt(address).toString()}`);
  expect(repl).toMatch(/x\.ctypes\.shape\n<numpy\._core\._internal\.c_long_Array_2 object at 0x[0-9a-f]+>/);
  expect(repl).toContain('list(x.ctypes.strides)\n[8, 4]');
  expect(repl).toContain(`c_void_p(${BigInt(address).toString()})`);
  await app.screenshot('array');
});

test('dropping a .npy (a real DataTransfer drop) opens it, memory-mapped', async ({ app }) => {
  const { page } = app;
  await app.drop(I4_PATH);
  await expect(page.getByTestId('array-label')).toHaveText('i4.npy');
  await expect(page.getByTestId('shape')).toHaveText(tuple(I4.shape));
  await expect(page.getByTestId('strides')).toHaveText(tuple(I4.strides));
  await expect(page.getByTestId('dtype-str')).toHaveText(I4.dtype_str);
  await expect(page.getByTestId('values')).toHaveText((I4.first as number[]).join(', '));
  await expect(page.getByText('memory-mapped from the file (mmap)')).toBeVisible();
  // the recent-files list remembers it
  await expect(page.getByTestId('recent').locator('option', { hasText: 'i4.npy' })).toHaveCount(1);
});

test('the .npy header is broken down into magic, version, HEADER_LEN, dict, padding and data', async ({ app }) => {
  const { page } = app;
  await app.drop(I4_PATH);
  const hb = page.getByTestId('header-breakdown');
  await expect(hb).toBeVisible();
  await expect(hb.getByTestId('header-magic')).toContainText('\\x93NUMPY');
  await expect(hb.getByTestId('header-magic')).toContainText('0x0–0x5');
  await expect(hb.getByTestId('header-version')).toContainText(I4.version.join('.'));
  await expect(hb.getByTestId('header-header_len')).toContainText(String(I4.header_len));
  await expect(hb.getByTestId('header-header_len')).toContainText('0x8–0x9');
  const dictText = I4.header_text.trimEnd();
  await expect(hb.getByTestId('header-dict')).toContainText(dictText);
  await expect(hb.getByTestId('header-dict')).toContainText(`0xa–${hexOff(10 + dictText.length - 1)}`);
  await expect(hb.getByTestId('header-data')).toContainText(`data starts at byte ${hexOff(I4.data_offset)}`);
  await app.screenshot('array-npy-header');
});

test('clicking a byte shows its element, and an index leads back to its bytes', async ({ app }) => {
  const { page } = app;
  await app.drop(I4_PATH);
  await expect(page.getByTestId('array-label')).toHaveText('i4.npy');
  await app.tab('bytes');
  const grid = page.getByTestId('byte-grid');
  const status = page.getByTestId('byte-grid-status');
  // element 5 in C order is index (1, 1); click its third byte (a real click on the canvas cell)
  const flat = 5;
  const off = I4.data_offset + flat * 4 + 2;
  await app.clickByte(off);
  await expect(page.getByTestId('element-index')).toHaveText('x[1, 1]');
  await expect(page.getByTestId('element-value')).toHaveText(String(I4.first[flat]));
  await expect(page.getByTestId('byte-element')).toContainText('byte 2 of 4');
  // the hex cell shows the real byte of the file; the hidden live region says so too
  const file = readFileSync(I4_PATH);
  const hx = (o: number) => file[o].toString(16).padStart(2, '0');
  await expect.poll(() => app.cellText(I4.data_offset + flat * 4)).toBe(hx(I4.data_offset + flat * 4));
  await expect(status).toContainText(`cursor at byte ${off} (0x${off.toString(16)}) = ${hx(off)}`);
  // the element's bytes are outlined, the clicked one is the cursor
  expect(await app.cellClasses(off)).toEqual(expect.arrayContaining(['hl-element', 'cursor']));
  expect(await app.cellClasses(I4.data_offset + flat * 4)).toEqual(
    expect.arrayContaining(['el-b', 'el-start', 'hl-element']),
  );
  // header bytes are header bytes (clicked in the ASCII column this time: the 'M' of \x93NUMPY)
  await app.clickByte(3, { area: 'ascii' });
  await expect(page.getByTestId('byte-region')).toContainText('magic');
  await expect(status).toContainText("cursor at byte 3 (0x3) = 4d 'M'; header magic");
  // and back: index (2, 3) -> its first byte
  await page.getByTestId('jump-index').fill('2, 3');
  await page.getByTestId('jump-index-go').click();
  const target = I4.data_offset + (2 * I4.shape[1] + 3) * 4;
  await expect(page.getByTestId('byte-info')).toContainText(`(${target})`);
  await expect(page.getByTestId('element-index')).toHaveText('x[2, 3]');
  await expect.poll(() => app.cellClasses(target)).toContain('cursor');
  await expect(status).toContainText(`cursor at byte ${target}`);
  // keyboard: ArrowRight moves the cursor one byte, ArrowUp a row
  await grid.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('byte-info')).toContainText(`(${target + 1})`);
  await page.keyboard.press('ArrowUp');
  const up = target + 1 - 16;
  await expect(page.getByTestId('byte-info')).toContainText(`(${up})`);
  await expect(status).toContainText(`cursor at byte ${up} (0x${up.toString(16)}) = ${hx(up)}`);
  // jump to an offset (hex) far down: the grid scrolls there and draws the real bytes
  const far = file.length - 5;
  await page.getByTestId('jump-offset').fill('0x' + far.toString(16));
  await page.getByTestId('jump-offset').press('Enter');
  await expect(page.getByTestId('byte-info')).toContainText(`(${far})`);
  await expect.poll(() => app.cellText(far)).toBe(hx(far));
  await app.clickByte(I4.data_offset + flat * 4 + 2);
  await expect(page.getByTestId('element-index')).toHaveText('x[1, 1]');
  await app.screenshot('bytes');
});

test('a stride walk over a[:, ::-1] visits the right byte offsets', async ({ app }) => {
  const { page } = app;
  await app.drop(I4_PATH);
  await expect(page.getByTestId('array-label')).toHaveText('i4.npy');
  await app.tab('walk');
  await page.getByTestId('walk-expr').fill('a[:, ::-1]');
  await page.getByTestId('walk-run').click();
  const [rows, cols] = I4.shape;
  const [s0, s1] = I4.strides;
  await expect(page.getByTestId('walk-shape')).toHaveText(tuple([rows, cols]));
  await expect(page.getByTestId('walk-strides')).toHaveText(tuple([s0, -s1]));
  // NumPy's a[:, ::-1] starts at the last column: base = (cols-1)*s1, strides (s0, -s1).
  const base = (cols - 1) * s1;
  const table = page.getByTestId('walk-table');
  // offsets as the app writes them by default (hex, the offset switch): Number() reads 0x…
  const offsets = await table.getByTestId('walk-row-offset').allTextContents();
  const want: number[] = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) want.push(base + i * s0 + j * -s1);
  expect(offsets.map(Number)).toEqual(want.slice(0, offsets.length));
  expect(offsets.length).toBeGreaterThanOrEqual(rows * cols > 24 ? 24 : rows * cols);
  // independent check from the data: i4.npy holds C-order values v = first[k], so element k sits at k*4
  const values = (I4.first as number[]).map(String);
  const walkValues = await table.locator('tr[data-testid=walk-row] td:nth-child(4)').allTextContents();
  walkValues.forEach((v, n) => expect(values.indexOf(v) * 4).toBe(Number(offsets[n])));
  // step to (0, 2): offset = base + 0*s0 + 2*(-s1), a jump of -s1 bytes
  await page.getByTestId('walk-next').click();
  await page.getByTestId('walk-next').click();
  await expect(page.getByTestId('walk-index')).toHaveText('(0, 2)');
  await expect(page.getByTestId('walk-offset')).toHaveText(hexOff(base - 2 * s1));
  await expect(page.getByTestId('walk-jump')).toHaveText(`jump ${-s1} bytes`);
  // one formula, then the numbers, then the answer (negative strides in parentheses with a true minus)
  await expect(page.getByTestId('walk-arith')).toContainText(
    `offset = base + i·s0 + j·s1 = ${hexOff(base)} + 0·${s0} + 2·(−${s1}) = ${hexOff(base - 2 * s1)}`,
  );
  // the walk's current element is marked in the memory strip
  await expect(page.locator(`[data-testid=walk-diagram] [data-testid=strip-box].current`)).toHaveAttribute(
    'data-offset',
    String(I4.data_offset + base - 2 * s1),
  );
  await app.screenshot('walk');
});

test("the seed page's c_long vs c_longlong values are one click away", async ({ app }) => {
  const { page } = app;
  await app.drop(I4_PATH); // start elsewhere: the button brings the example back
  await expect(page.getByTestId('array-label')).toHaveText('i4.npy');
  await app.tab('reinterpret');
  await page.getByTestId('seed-example').click();
  const seed = page.getByTestId('seed-result');
  // From the seed: x.ctypes.data_as(POINTER(c_long)).contents -> c_long(0); ...(POINTER(c_longlong)).contents -> c_longlong(4294967296)
  await expect(seed.getByTestId('seed-llp64-long')).toHaveText('c_long(0)');
  await expect(seed.getByTestId('seed-llp64-longlong')).toHaveText('c_longlong(4294967296)');
  await expect(seed.getByTestId('seed-ilp32-long')).toHaveText('c_long(0)');
  await expect(seed.getByTestId('seed-ilp32-longlong')).toHaveText('c_longlong(4294967296)');
  // LP64: long is 8 bytes, and ctypes makes c_longlong an alias of c_long
  await expect(seed.getByTestId('seed-lp64-long')).toHaveText('c_long(4294967296)');
  await expect(seed.getByTestId('seed-lp64-longlong')).toHaveText('c_long(4294967296)');
  await expect(page.getByTestId('array-label')).toHaveCount(0); // still on the Reinterpret view
  // the table at the cursor: the example's data start, 8 bytes 00 00 00 00 01 00 00 00
  await expect(page.getByTestId('reinterpret-bytes')).toContainText('00 00 00 00 01 00 00 00');
  await expect(page.getByTestId('rt-c_longlong-le')).toHaveText('4294967296');
  await expect(page.getByTestId('rt-c_int-le')).toHaveText('0');
  await app.screenshot('reinterpret');
});

test('the lifetime view warns about an address into a freed temporary', async ({ app }) => {
  const { page } = app;
  await app.tab('lifetime');
  await page.getByTestId('scenario-temporary-address').click();
  await expect(page.getByTestId('lifetime-warnings')).toContainText(
    'p pointed into the temporary `a+b`, freed after statement 3',
  );
  await expect(page.getByTestId('lifetime-allocations')).toContainText('freed');
  await expect(page.getByTestId('lifetime-holds')).toContainText('keeps nothing alive');
  await app.screenshot('lifetime');
  // the ctypes object keeps its array alive: reading through it works
  await page.getByTestId('scenario-ctypes-keeps-alive').click();
  await expect(page.getByTestId('lifetime-statements')).toContainText('read 33 (a+b is alive)');
});

test('a malformed file shows its error in place and the window stays usable', async ({ app }) => {
  const { page } = app;
  await expect(page.getByTestId('shape')).toHaveText('(2, 2)');
  await app.drop(join(FIXTURES, 'bad', 'bad_magic.npy'));
  const err = page.getByTestId('error');
  await expect(err).toBeVisible();
  await expect(err).toContainText('format error');
  await expect(err).toContainText('at byte 0');
  await expect(err).toContainText('magic');
  // the previous array is still shown and every view still works
  await expect(page.getByTestId('shape')).toHaveText('(2, 2)');
  await app.screenshot('error');
  await app.tab('bytes');
  await expect.poll(() => app.cellText(128)).toBe('00');
  await app.drop(I4_PATH);
  await expect(err).toHaveCount(0);
  await app.tab('array');
  await expect(page.getByTestId('array-label')).toHaveText('i4.npy');
});

test('a kernel runs on the current view and shows its C call', async ({ app }) => {
  const { page } = app;
  await app.drop(I4_PATH);
  await expect(page.getByTestId('array-label')).toHaveText('i4.npy');
  await app.tab('kernels');
  await page.getByTestId('kernel-name').selectOption('sum');
  await page.getByTestId('kernel-expr').fill('a[:, ::-1]');
  await page.getByTestId('kernel-run').click();
  const sum = (I4.first as number[]).reduce((x, y) => x + y, 0);
  await expect(page.getByTestId('kernel-value')).toHaveText(String(sum));
  await expect(page.getByTestId('kernel-result')).toContainText('sk_reduce_ex');
  await expect(page.getByTestId('kernel-impl')).toBeVisible();
  await app.screenshot('kernels');
});

test('a copy that fails says so (this test origin has no clipboard: not a secure context)', async ({ app }) => {
  test.skip(app.mode !== 'chromium', 'Electron grants the clipboard write to its own page');
  const { page } = app;
  await expect(page.getByTestId('address')).toBeVisible();
  const button = page.getByTestId('address').locator('xpath=following-sibling::button[1]');
  await button.click();
  await expect(button).toHaveText('copy failed');
  await expect(button).toHaveAttribute('title', /^Copy failed: /);
});

test("text dropped into the console input is left to the input; a dropped file is the window's", async ({ app }) => {
  const { page } = app;
  await page.getByTestId('toggle-console').click();
  const input = page.getByTestId('console-input');
  await expect(input).toBeVisible();
  const prevented = await input.evaluate((el) => {
    const fire = (dt: DataTransfer) => {
      const e = new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });
      el.dispatchEvent(e);
      return e.defaultPrevented;
    };
    const text = new DataTransfer();
    text.setData('text/plain', 'x.strides');
    const file = new DataTransfer();
    file.items.add(new File([new Uint8Array(4)], 'not-on-disk.bin'));
    return { text: fire(text), file: fire(file) };
  });
  expect(prevented).toEqual({ text: false, file: true });
});
