/**
 * The byte pane as a hex editor (a data inspector that follows the cursor, range selection and copy, search, the
 * structure tree) and the calm layout around it (offset switch, console dock, narrow windows), at 1320×900 and
 * 900×700. Expected values come from NumPy / zipfile (tests/fixtures/npy/expected.json,
 * tests/fixtures/bytes/expected.json). The last spec saves every pane in both themes and both sizes to
 * e2e/artifacts/ for a person to look at.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, FIXTURES, ROOT } from './fixtures';

const npy = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')).npy as Record<
  string,
  { first: number[]; data_offset: number; file_size: number }
>;
const bytesExpected = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'bytes', 'expected.json'), 'utf8'));
const I4 = npy['i4.npy'];
const SIZES = [
  { width: 1320, height: 900 },
  { width: 900, height: 700 },
];

async function openBytes(
  app: { drop(p: string): Promise<void>; tab(n: 'bytes'): Promise<void>; page: Page },
  file: string,
) {
  await app.drop(join(FIXTURES, file));
  await expect(app.page.locator('.array-chip.current .chip-label')).toContainText(file.replace('.npz', ''));
  await app.tab('bytes');
  await expect(app.page.getByTestId('byte-grid')).toHaveAttribute('data-loaded', 'true');
}

for (const size of SIZES) {
  const at = `${size.width}×${size.height}`;

  test(`${at}: select a range with Shift+arrows and copy it as a C array`, async ({ app }) => {
    const { page } = app;
    await page.setViewportSize(size);
    await openBytes(app, 'i4.npy');
    await app.clickByte(I4.data_offset);
    for (let i = 0; i < 7; i++) await page.keyboard.press('Shift+ArrowRight');
    await expect(page.getByTestId('selection-range')).toContainText('8 bytes');
    expect(await app.cellClasses(I4.data_offset + 3)).toContain('selected');
    await page.getByTestId('copy-c').click();
    // the page's origin has no clipboard in the chromium bridge: the app says so and shows the text it copied
    const text = await page.getByTestId('copy-text').textContent();
    const le = (v: number) =>
      [0, 1, 2, 3].map((k) => '0x' + (((v >>> 0) >>> (8 * k)) & 0xff).toString(16).padStart(2, '0'));
    expect(text).toBe(`unsigned char bytes[8] = {\n    ${[...le(I4.first[0]), ...le(I4.first[1])].join(', ')}\n};`);
    await expect(page.getByTestId('copy-result')).toHaveAttribute('data-copy-state', /copied|failed/);
    // drag selects too: from the first data byte to the 16th (the copy scrolled the narrow page down: back up)
    await page.getByTestId('byte-grid').scrollIntoViewIfNeeded();
    const a = await page.evaluate(
      (o) => (document.querySelector('[data-testid=byte-grid]') as any).__byteGrid.cellCenter(o),
      I4.data_offset,
    );
    const b = await page.evaluate(
      (o) => (document.querySelector('[data-testid=byte-grid]') as any).__byteGrid.cellCenter(o),
      I4.data_offset + 15,
    );
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 4 });
    await page.mouse.up();
    await expect(page.getByTestId('selection-range')).toContainText('16 bytes');
    await page.getByTestId('copy-python').click();
    await expect(page.getByTestId('copy-text')).toHaveText(/^b'.*'$/);
  });

  test(`${at}: the inspector follows the cursor and reads what NumPy stored`, async ({ app }) => {
    const { page } = app;
    await page.setViewportSize(size);
    await openBytes(app, 'i4.npy');
    for (const k of [1, 5]) {
      await app.clickByte(I4.data_offset + 4 * k);
      await expect(page.getByTestId('inspector')).toHaveAttribute('data-offset', String(I4.data_offset + 4 * k));
      await expect(page.getByTestId('inspect-c_int-le')).toHaveText(String(I4.first[k]));
      await expect(page.getByTestId('inspector-element')).toContainText(`= ${I4.first[k]}`);
    }
    // the keyboard moves it too
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('inspector')).toHaveAttribute('data-offset', String(I4.data_offset + 21));
    // hovering a byte says what it is
    const c = await page.evaluate(() =>
      (document.querySelector('[data-testid=byte-grid]') as any).__byteGrid.cellCenter(2),
    );
    await page.mouse.move(c.x, c.y);
    await expect(page.getByTestId('byte-grid-tip')).toContainText('.npy header: magic');
  });

  test(`${at}: search finds a value of the dtype and a hex pattern`, async ({ app }) => {
    const { page } = app;
    await page.setViewportSize(size);
    await openBytes(app, 'i4.npy');
    const want = bytesExpected.search.find((s: any) => s.file === 'i4.npy' && s.mode === 'value');
    await page.getByTestId('search-query').fill(want.query);
    await page.getByTestId('search-next').click();
    await expect(page.getByTestId('search-status')).toContainText(`at 0x${want.found.toString(16)}`);
    await expect(page.getByTestId('inspector-element')).toContainText(`= ${want.query}`);
    await page.getByTestId('search-mode').selectOption('hex');
    await page.getByTestId('search-query').fill('93 4e 55 4d');
    await page.getByTestId('search-query').press('Shift+Enter');
    await expect(page.getByTestId('search-status')).toContainText('at 0x0');
    await expect(page.getByTestId('byte-region')).toContainText('magic');
  });

  test(`${at}: the structure tree of a .npy and of an .npz`, async ({ app }) => {
    const { page } = app;
    await page.setViewportSize(size);
    await openBytes(app, 'struct_aligned.npy');
    const tree = page.getByTestId('structure-tree');
    for (const label of ['.npy header', 'magic', 'dict', 'data', 'element 0'])
      await expect(tree.locator(`[data-label="${label}"]`)).toHaveCount(1);
    await tree.locator('[data-label="magic"] button.tree-label').click();
    await expect(page.getByTestId('selection-range')).toContainText('6 bytes');
    await openBytes(app, 'stored.npz');
    const z = bytesExpected.zip['stored.npz'];
    await expect(tree.locator('[data-label="central directory"]')).toHaveCount(1);
    await expect(tree.locator('[data-label="end of central directory"]')).toContainText(`0x${z.eocd.toString(16)}`);
    for (const m of z.members)
      await expect(tree.locator(`[data-label="local file header · ${m.name}"]`)).toContainText(
        `0x${m.headerOffset.toString(16)}`,
      );
    // the open member's data holds its .npy tree
    await expect(tree.locator('[data-label=".npy header"]')).toHaveCount(1);
  });

  test(`${at}: layout — nothing clipped, ASCII column on screen, grid fills the height, console beside or below`, async ({
    app,
  }) => {
    const { page } = app;
    await page.setViewportSize(size);
    await openBytes(app, 'i4.npy');
    const grid = (await page.getByTestId('byte-grid-canvas').boundingBox())!;
    const side = (await page.getByTestId('byte-side').boundingBox())!;
    expect(grid.x + grid.width).toBeLessThanOrEqual(size.width);
    expect(side.x + side.width).toBeLessThanOrEqual(size.width);
    expect(side.width).toBeGreaterThan(250);
    if (size.width > 1100) expect(side.x).toBeGreaterThanOrEqual(grid.x + grid.width);
    else expect(side.y).toBeGreaterThanOrEqual(grid.y + grid.height - 1);
    const ascii = await page.evaluate(
      (o) => (document.querySelector('[data-testid=byte-grid]') as any).__byteGrid.cellCenter(o, 'ascii'),
      15,
    );
    expect(ascii.x).toBeLessThan(size.width);
    // the grid is not a fixed 520 px: it takes what the window leaves
    expect(grid.height).toBeGreaterThan(size.height * 0.4);
    // open arrays stay one toolbar row however many there are
    const before = (await page.locator('.toolbar').boundingBox())!.height;
    const tabsBefore = (await page.locator('.tabs-row').boundingBox())!.height;
    for (const f of ['f8.npy', 'i2.npy', 'u8.npy', 'be_i4.npy', 'c16.npy']) await app.drop(join(FIXTURES, f));
    await expect(page.locator('.array-chip.current .chip-label')).toHaveText('c16.npy');
    expect((await page.locator('.toolbar').boundingBox())!.height).toBe(before);
    expect((await page.locator('.tabs-row').boundingBox())!.height).toBe(tabsBefore);
    const strip = (await page.locator('.open-arrays').boundingBox())!;
    expect(strip.x + strip.width).toBeLessThanOrEqual(size.width);
    // the console opens beside (wide) or under (narrow) the pane, resizes by its splitter, and collapses
    await page.getByTestId('toggle-console').click();
    const dock = page.getByTestId('console-dock');
    const d0 = (await dock.boundingBox())!;
    // the pane is narrower with the console beside it: the info panel goes under the grid rather than clip it,
    // and the ASCII column stays on screen, left of the console
    await page.getByTestId('tab-bytes').click();
    await expect
      .poll(async () => {
        const g = (await page.getByTestId('byte-grid-canvas').boundingBox())!;
        const sd = (await page.getByTestId('byte-side').boundingBox())!;
        return sd.x >= g.x + g.width || sd.y >= g.y + g.height - 1;
      })
      .toBe(true);
    const asciiOpen = await page.evaluate(
      (o) => (document.querySelector('[data-testid=byte-grid]') as any).__byteGrid.cellCenter(o, 'ascii'),
      15,
    );
    if (size.width > 1100) expect(asciiOpen.x).toBeLessThan(d0.x);
    const s = (await page.getByTestId('console-splitter').boundingBox())!;
    await page.mouse.move(s.x + s.width / 2, s.y + s.height / 2);
    await page.mouse.down();
    if (size.width > 1100) await page.mouse.move(s.x - 100, s.y + s.height / 2, { steps: 4 });
    else await page.mouse.move(s.x + s.width / 2, s.y - 60, { steps: 4 });
    await page.mouse.up();
    const d1 = (await dock.boundingBox())!;
    if (size.width > 1100) expect(d1.width).toBeGreaterThan(d0.width + 50);
    else expect(d1.height).toBeGreaterThan(d0.height + 30);
    await page.getByTestId('console-collapse').click();
    await expect(dock).toBeHidden();
  });

  test(`${at}: one offset switch writes offsets in decimal everywhere in the byte pane`, async ({ app }) => {
    const { page } = app;
    await page.setViewportSize(size);
    await openBytes(app, 'i4.npy');
    await app.clickByte(I4.data_offset + 4);
    await expect(page.getByTestId('bytes-facts')).toContainText(`data at 0x${I4.data_offset.toString(16)}`);
    await page.getByTestId('offsets-dec').click();
    await expect(page.getByTestId('bytes-facts')).toContainText(`data at ${I4.data_offset} `);
    await expect(page.getByTestId('byte-info').locator('h3')).toContainText(`byte ${I4.data_offset + 4}`);
    await expect(page.getByTestId('structure-tree').locator('[data-label="data"]')).toContainText(
      `${I4.data_offset} ·`,
    );
    await expect(page.getByTestId('selection-range')).toContainText(`${I4.data_offset + 4} … ${I4.data_offset + 4}`);
    // the setting survives a reload (localStorage)
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem('stridescope.settings')!).offsetFormat)).toBe(
      'dec',
    );
  });
}

test('every pane in both themes at both sizes, saved to e2e/artifacts/', async ({ app }) => {
  test.setTimeout(180_000);
  const { page } = app;
  await app.drop(join(FIXTURES, 'struct_aligned.npy'));
  await expect(page.getByTestId('array-label')).toHaveText('struct_aligned.npy');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const size of SIZES) {
      await page.setViewportSize(size);
      for (const t of ['array', 'bytes', 'walk', 'reinterpret', 'lifetime', 'kernels'] as const) {
        await app.tab(t);
        if (t === 'bytes') {
          await expect(page.getByTestId('byte-grid')).toHaveAttribute('data-loaded', 'true');
          await app.clickByte(npy['struct_aligned.npy'] ? npy['struct_aligned.npy'].data_offset + 9 : 137);
        }
        await page.waitForTimeout(150);
        await app.screenshot(`pane-${t}-${scheme}-${size.width}`);
      }
      await page.getByTestId('toggle-console').click();
      await expect(page.getByTestId('console-dock')).toBeVisible();
      await page.waitForTimeout(300);
      await app.screenshot(`pane-console-${scheme}-${size.width}`);
      await page.getByTestId('toggle-console').click();
    }
  }
});

test('the theme setting pins dark or light over the OS, and the canvas grid repaints in it', async ({ app }) => {
  const { page } = app;
  await page.emulateMedia({ colorScheme: 'light' });
  await openBytes(app, 'i4.npy');
  // a pixel of the grid's background: the offset column's left margin on the last drawn row
  const pixel = () =>
    page.evaluate(() => {
      const c = document.querySelector('[data-testid=byte-grid-canvas]') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(2, c.height - 4, 1, 1).data;
      return '#' + [d[0], d[1], d[2]].map((x) => x.toString(16).padStart(2, '0')).join('');
    });
  const cssBg = () => page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bg').trim());
  expect(await cssBg()).toBe('#ffffff');
  await expect.poll(pixel).toBe('#ffffff');
  await page.getByTestId('theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await cssBg()).toBe('#1e1f22');
  await expect.poll(pixel).toBe('#1e1f22');
  // following the OS again: the OS says dark now
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByTestId('theme').selectOption('system');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);
  await expect.poll(pixel).toBe('#1e1f22');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(pixel).toBe('#ffffff');
});

test('with nothing open, the empty state teaches three ways in: drop, the example, the tour', async ({ app }) => {
  const { page } = app;
  await expect(page.locator('.array-chip')).toHaveCount(1);
  await page.locator('.array-chip .chip-close').click();
  const empty = page.getByTestId('empty-state');
  await expect(empty).toContainText('Drop a .npy, .npz or raw binary file');
  await app.screenshot('empty-state');
  await page.getByTestId('empty-open-example').click();
  await expect(page.getByTestId('array-label')).toContainText('x = np.array([[0, 1], [2, 3]], dtype=np.int32)');
  await page.locator('.array-chip .chip-close').click();
  await page.getByTestId('empty-start-tour').click();
  await expect(page.getByTestId('console-dock')).toBeVisible();
  await expect(page.getByTestId('tour-card')).toBeVisible();
});
