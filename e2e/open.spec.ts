/**
 * Opening what is not a plain .npy: an .npz's members (stored ones mapped in place, deflated ones inflated), and a
 * raw binary file through the raw-file form (numpy.memmap's dtype, shape, offset, order, mode).
 * Ground truth: tests/fixtures/npy/expected.json, written by NumPy (np.load / np.memmap on the same files).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, FIXTURES, hexOff } from './fixtures';

interface NpzMemberExpect {
  name: string;
  compressed: boolean;
  compressed_size: number;
  size: number;
  data_offset: number;
  npy_data_offset: number;
  shape: number[];
  first: unknown[];
  fortran_order: boolean;
  dtype_str: string;
}
interface RawExpect {
  ok: boolean;
  file: string;
  dtype: unknown;
  shape: number[] | null;
  offset: number;
  order: 'C' | 'F';
  mode: string;
  first?: unknown[];
  strides?: number[];
  error?: string;
}
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  npz: Record<string, { members: NpzMemberExpect[] }>;
  raw: Record<string, RawExpect>;
};
const tuple = (xs: number[]) => (xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`);

test('an .npz lists its members; stored ones are mapped in place, and any member opens from the list', async ({
  app,
}) => {
  const { page } = app;
  const members = expected.npz['stored.npz'].members;
  await app.drop(join(FIXTURES, 'stored.npz'));
  // the first member opens by default
  await expect(page.getByTestId('array-label')).toHaveText(`stored.npz:${members[0].name}`);
  const picker = page.getByTestId('npz-members');
  await expect(picker.getByTestId('npz-member')).toHaveCount(members.length);
  for (const m of members) {
    const row = picker.locator(`[data-member="${m.name}"]`);
    await expect(row).toContainText('stored');
    await expect(row.getByTestId('npz-member-where')).toContainText(`mapped in place at byte ${hexOff(m.data_offset)}`);
  }
  // the open member also says where its data is: the .npy's start in the zip + its header
  const a = members[0];
  await expect(picker.locator(`[data-member="${a.name}"]`).getByTestId('npz-member-where')).toHaveText(
    `mapped in place at byte ${hexOff(a.data_offset)} · data at byte ${hexOff(a.data_offset + a.npy_data_offset)}`,
  );
  await expect(page.getByText('memory-mapped from the file (mmap)')).toBeVisible();
  await expect(page.getByTestId('values')).toHaveText((a.first as number[]).join(', '));
  // open b.npy (Fortran order, <f8) from the list
  const b = members.find((m) => m.name === 'b.npy')!;
  await picker.getByTestId('npz-open-b.npy').click();
  await expect(page.getByTestId('array-label')).toHaveText('stored.npz:b.npy');
  await expect(page.getByTestId('shape')).toHaveText(tuple(b.shape));
  await expect(page.getByTestId('dtype-str')).toHaveText(b.dtype_str);
  await expect(page.getByTestId('flag-F_CONTIGUOUS')).toHaveText('F_CONTIGUOUS: True');
  await expect(page.getByTestId('header-data')).toContainText(
    `data starts at byte ${hexOff(b.data_offset + b.npy_data_offset)}`,
  );
  await expect(page.getByTestId('npz-members').locator('[data-member="b.npy"]')).toHaveAttribute(
    'aria-current',
    'true',
  );
  // the Bytes view shows the member's data where it lies inside the zip: b's first element (0.0) at its data start
  await app.tab('bytes');
  const dataStart = b.data_offset + b.npy_data_offset;
  await app.clickByte(dataStart);
  await expect(page.getByTestId('element-index')).toHaveText('x[0, 0]');
  const zip = readFileSync(join(FIXTURES, 'stored.npz'));
  await expect.poll(() => app.cellText(dataStart + 8)).toBe(zip[dataStart + 8].toString(16).padStart(2, '0'));
  // picking the first member again switches to the array already open instead of opening it twice
  await app.tab('array');
  await page.getByTestId('npz-members').getByTestId(`npz-open-${a.name}`).click();
  await expect(page.getByTestId('array-label')).toHaveText(`stored.npz:${a.name}`);
  await expect(page.locator('.array-chip')).toHaveCount(3); // example, a.npy, b.npy
  // c.npy: unicode
  const c = members.find((m) => m.name === 'c.npy')!;
  await page.getByTestId('npz-open-c.npy').click();
  await expect(page.getByTestId('array-label')).toHaveText('stored.npz:c.npy');
  await expect(page.getByTestId('values')).toHaveText((c.first as string[]).join(', '));
  await app.screenshot('npz-stored');
});

test('a deflated .npz member is inflated into memory', async ({ app }) => {
  const { page } = app;
  const members = expected.npz['deflated.npz'].members;
  await app.drop(join(FIXTURES, 'deflated.npz'));
  await expect(page.getByTestId('array-label')).toHaveText(`deflated.npz:${members[0].name}`);
  const picker = page.getByTestId('npz-members');
  await expect(picker.getByTestId('npz-member')).toHaveCount(members.length);
  for (const m of members) {
    const row = picker.locator(`[data-member="${m.name}"]`);
    await expect(row).toContainText('deflated');
    await expect(row).toContainText(
      `${m.compressed_size.toLocaleString('en-US')} → ${m.size.toLocaleString('en-US')} bytes`,
    );
    await expect(row.getByTestId('npz-member-where')).toHaveText('inflated into memory');
  }
  await expect(page.getByText('owned buffer in the main process')).toBeVisible();
  const s = members.find((m) => m.name === 'b.npy')!;
  await picker.getByTestId('npz-open-b.npy').click();
  await expect(page.getByTestId('array-label')).toHaveText('deflated.npz:b.npy');
  await expect(page.getByTestId('shape')).toHaveText(tuple(s.shape));
  // b.npy is float64: the pane prints values as NumPy does (str(np.float64(1)) is '1.0')
  await expect(page.getByTestId('values')).toHaveText(
    (s.first as number[]).map((v) => (Number.isInteger(v) ? `${v}.0` : String(v))).join(', '),
  );
  await app.screenshot('npz-deflated');
});

test('a raw binary file asks for dtype, shape, offset, order and mode in place, then opens like numpy.memmap', async ({
  app,
}) => {
  const { page } = app;
  const bad = expected.raw['i2_offset5_none'];
  const good = expected.raw['i2_offset4_2d_F'];
  await expect(page.getByTestId('shape')).toHaveText('(2, 2)'); // the example
  await app.drop(join(FIXTURES, good.file));
  const form = page.getByTestId('raw-form');
  await expect(form).toBeVisible();
  await expect(form).toContainText(`${good.file} is neither a .npy nor an .npz`);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(page.getByTestId('shape')).toHaveText('(2, 2)'); // the example is still shown under the form
  // the mode offers only what never writes through the mapping
  await expect(form.getByTestId('raw-mode').locator('option')).toHaveText(['r (read-only)', 'c (copy-on-write)']);
  // numpy: np.memmap(raw_i2.bin, '<i2', offset=5) fails: 81 bytes are not a multiple of 2. The error stays in the form.
  await form.getByTestId('raw-dtype').fill(String(bad.dtype));
  await form.getByTestId('raw-offset').fill(String(bad.offset));
  await form.getByTestId('raw-open').click();
  await expect(form.getByTestId('error')).toContainText('not a multiple of the data-type size');
  await expect(form).toBeVisible();
  // numpy: np.memmap(raw_i2.bin, '<i2', mode='r', offset=4, shape=(5, 8), order='F')
  await form.getByTestId('raw-dtype').fill(String(good.dtype));
  await form.getByTestId('raw-offset').fill('0x' + good.offset.toString(16));
  await form.getByTestId('raw-shape').fill(good.shape!.join(', '));
  await form.getByTestId('raw-order').selectOption(good.order);
  await form.getByTestId('raw-mode').selectOption(good.mode);
  await app.screenshot('raw-form');
  await form.getByTestId('raw-open').click();
  await expect(form).toHaveCount(0);
  await expect(page.getByTestId('array-label')).toHaveText(good.file);
  await expect(page.getByTestId('shape')).toHaveText(tuple(good.shape!));
  await expect(page.getByTestId('strides')).toHaveText(tuple(good.strides!));
  await expect(page.getByTestId('flag-F_CONTIGUOUS')).toHaveText('F_CONTIGUOUS: True');
  await expect(page.getByTestId('values')).toContainText((good.first as number[]).join(', '));
  await expect(page.getByText(`raw binary, data from byte ${hexOff(good.offset)}`)).toBeVisible();
  await expect(page.getByText("mode 'r': read-only")).toBeVisible();
  await app.screenshot('raw-opened');
  // the bytes view: element (0, 1) of an F-order (5, 8) <i2 array is the 6th item in the file: offset + 5*2
  await app.tab('bytes');
  const off = good.offset + 5 * 2;
  await app.clickByte(off + 1);
  await expect(page.getByTestId('element-index')).toHaveText('x[0, 1]');
  await expect(page.getByTestId('element-value')).toHaveText(String((good.first as number[])[1]));
  await expect(page.getByTestId('byte-element')).toContainText('byte 1 of 2');
});

test('a raw file in copy-on-write mode, with the shape left for numpy to infer', async ({ app }) => {
  const { page } = app;
  const want = expected.raw['i2_offset6_none'];
  await app.drop(join(FIXTURES, want.file));
  const form = page.getByTestId('raw-form');
  await form.getByTestId('raw-dtype').fill(String(want.dtype));
  await form.getByTestId('raw-offset').fill(String(want.offset));
  await form.getByTestId('raw-mode').selectOption('c');
  await form.getByTestId('raw-open').click();
  await expect(page.getByTestId('array-label')).toHaveText(want.file);
  await expect(page.getByTestId('shape')).toHaveText(tuple(want.shape!));
  await expect(page.getByTestId('values')).toContainText((want.first as number[]).join(', '));
  await expect(page.getByText("mode 'c': copy-on-write")).toBeVisible();
  // Cancel leaves the current array as it was
  await app.drop(join(FIXTURES, want.file));
  await expect(form).toBeVisible();
  await form.getByTestId('raw-cancel').click();
  await expect(form).toHaveCount(0);
  await expect(page.getByTestId('shape')).toHaveText(tuple(want.shape!));
});

test('Open… (the native dialog) and the recent list bring a raw file to the raw form too, as a drop does', async ({
  app,
}) => {
  const { page } = app;
  const good = expected.raw['i2_offset4_2d_F'];
  const rawPath = join(FIXTURES, good.file);
  await expect(page.getByTestId('shape')).toHaveText('(2, 2)'); // the example
  // the dialog answers a raw file: no error, the form, the example still shown under it
  await app.answerDialog(rawPath);
  await page.getByTestId('open-dialog').click();
  const form = page.getByTestId('raw-form');
  await expect(form).toBeVisible();
  await expect(form).toContainText(`${good.file} is neither a .npy nor an .npz`);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(page.getByTestId('shape')).toHaveText('(2, 2)');
  // numpy: np.memmap(raw_i2.bin, '<i2', mode='r', offset=4, shape=(5, 8), order='F')
  await form.getByTestId('raw-dtype').fill(String(good.dtype));
  await form.getByTestId('raw-offset').fill(String(good.offset));
  await form.getByTestId('raw-shape').fill(good.shape!.join(', '));
  await form.getByTestId('raw-order').selectOption(good.order);
  await form.getByTestId('raw-open').click();
  await expect(form).toHaveCount(0);
  await expect(page.getByTestId('array-label')).toHaveText(good.file);
  await expect(page.getByTestId('strides')).toHaveText(tuple(good.strides!));
  await expect(page.getByTestId('values')).toContainText((good.first as number[]).join(', '));
  // a .npy from the dialog opens directly
  await app.answerDialog(join(FIXTURES, 'i4.npy'));
  await page.getByTestId('open-dialog').click();
  await expect(page.getByTestId('array-label')).toHaveText('i4.npy');
  // the raw file, picked again from the recent list, asks again (a path alone does not say how to map it)
  await page.getByTestId('recent').selectOption(rawPath);
  await expect(form).toBeVisible();
  await expect(page.getByTestId('error')).toHaveCount(0);
  await form.getByTestId('raw-cancel').click();
  await expect(page.getByTestId('array-label')).toHaveText('i4.npy');
  // a cancelled dialog changes nothing
  await app.answerDialog(null);
  await page.getByTestId('open-dialog').click();
  await expect(form).toHaveCount(0);
  await expect(page.getByTestId('error')).toHaveCount(0);
  await expect(page.getByTestId('array-label')).toHaveText('i4.npy');
});
