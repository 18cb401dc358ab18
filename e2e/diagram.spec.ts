/**
 * The array diagram, the watchable walk, the shared per-array state and NumPy's printing, driven as a user would
 * at 1320×900 and 900×700, in the light and the dark theme. Expected values: NumPy (tests/fixtures/values and
 * tests/fixtures/npy, written by numpy) and the seed's 2×2 int32 example.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, FIXTURES, GENERATED, ROOT, hexOff, type AppHandle } from './fixtures';

const VALUES = join(ROOT, 'tests', 'fixtures', 'values');
const values = JSON.parse(readFileSync(join(VALUES, 'expected.json'), 'utf8')) as {
  arrays: Record<
    string,
    {
      dtypeRepr: string;
      elements: string[];
      views: { expression: string; offset: number; strides: number[]; elements: string[] }[];
    }
  >;
};
// the structured file is dropped like any file (the bridge finds dropped names in GENERATED)
mkdirSync(GENERATED, { recursive: true });
copyFileSync(join(VALUES, 'rec.npy'), join(GENERATED, 'rec.npy'));

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

/** The data start of the example's .npy image: the Array pane's header table says where data begins. */
async function dataStart(app: AppHandle): Promise<number> {
  return Number(await app.page.getByTestId('strip-box').first().getAttribute('data-offset'));
}

for (const size of SIZES) {
  test.describe(`at ${size.width}×${size.height}`, () => {
    test.beforeEach(async ({ app }) => {
      await app.page.setViewportSize({ width: size.width, height: size.height });
    });

    test('hovering a cell lights its bytes in the memory strip, and the reverse; C and F order differ', async ({
      app,
    }) => {
      const { page } = app;
      const diagram = page.getByTestId('array-diagram');
      await expect(diagram.getByTestId('diagram-cell')).toHaveCount(4);
      const base = await dataStart(app);
      // x = [[0, 1], [2, 3]] int32, C order: x[1, 0] is the third element in memory, bytes base+8 .. base+11
      const cell = diagram.locator('[data-testid=diagram-cell][data-index="1,0"]');
      await expect(cell).toHaveAttribute('data-offset', String(base + 8));
      await cell.hover();
      const box = diagram.locator(`[data-testid=strip-box][data-offset="${base + 8}"]`);
      await expect(box).toHaveClass(/\blit\b/);
      await expect(diagram.locator('[data-testid=strip-box].lit')).toHaveCount(1);
      await expect(cell).toContainText('2');
      await expect(cell).toContainText('@2');
      // the reverse: a memory box lights the cell it holds
      await diagram.locator(`[data-testid=strip-box][data-offset="${base + 4}"]`).hover();
      await expect(diagram.locator('[data-testid=diagram-cell][data-index="0,1"]')).toHaveClass(/\blit\b/);
      await shoot(app, `diagram-array-${size.name}`);

      // Fortran order (numpy: shape (3, 4), strides (2, 6)): x[1, 0] is the SECOND element in memory
      await app.drop(join(FIXTURES, 'f_order_2d_i2.npy'));
      await expect(page.getByTestId('array-label')).toHaveText('f_order_2d_i2.npy');
      await expect(diagram.getByTestId('diagram-cell')).toHaveCount(12);
      const fbase = await dataStart(app);
      await expect(diagram.locator('[data-testid=diagram-cell][data-index="1,0"]')).toHaveAttribute(
        'data-offset',
        String(fbase + 2),
      );
      await expect(diagram.locator('[data-testid=diagram-cell][data-index="1,0"]')).toContainText('@1');
      await expect(diagram.locator('[data-testid=diagram-cell][data-index="0,1"]')).toContainText('@3');
      await expect(diagram.locator(`[data-testid=strip-box][data-offset="${fbase + 2}"]`)).toContainText('(1, 0)');
      await shoot(app, `diagram-fortran-${size.name}`);

      // 3-D (numpy: shape (2, 3, 4)): stacked grids, one per index of axis 0
      await app.drop(join(FIXTURES, 'c_order_3d.npy'));
      await expect(page.getByTestId('array-label')).toHaveText('c_order_3d.npy');
      await expect(diagram.getByTestId('diagram-cell')).toHaveCount(24);
      await expect(diagram.getByText('x[1, :, :]')).toHaveCount(1);
      const cbase = (
        JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')).npy['c_order_3d.npy'] as {
          data_offset: number;
        }
      ).data_offset;
      await expect(diagram.locator('[data-testid=diagram-cell][data-index="1,2,3"]')).toHaveAttribute(
        'data-offset',
        String(cbase + 96 + 2 * 32 + 3 * 8),
      );
      await shoot(app, `diagram-3d-${size.name}`);
    });

    test('x[:, ::-1] walks the example: scrub, loops, formula, arcs, and the shared cursor follows', async ({
      app,
    }) => {
      const { page } = app;
      await app.tab('walk');
      await page.getByTestId('walk-expr').fill('x[:, ::-1]');
      await page.getByTestId('walk-run').click();
      await expect(page.getByTestId('walk-strides')).toHaveText('(8, -4)');
      const diagram = page.getByTestId('walk-diagram');
      await expect(diagram.getByTestId('diagram-cell')).toHaveCount(4);
      // scrub to the third step: index (1, 0), offset = 4 + 1·8 + 0·(−4) = 12
      await page.getByTestId('walk-scrub').fill('2');
      await expect(page.getByTestId('walk-pos')).toHaveText('step 3 / 4');
      await expect(page.getByTestId('walk-index')).toHaveText('(1, 0)');
      await expect(page.getByTestId('walk-loop-0')).toHaveText('i = 1');
      await expect(page.getByTestId('walk-loop-1')).toHaveText('j = 0');
      await expect(page.getByTestId('walk-arith')).toContainText(
        'offset = base + i·s0 + j·s1 = 0x4 + 1·8 + 0·(−4) = 0xc',
      );
      await expect(page.getByTestId('walk-value')).toHaveText('3');
      // each element painted with its step number; the current one marked
      await expect(diagram.locator('[data-testid=diagram-cell].current')).toHaveAttribute('data-index', '1,0');
      await expect(diagram.locator('[data-testid=diagram-cell][data-index="0,1"]')).toContainText('0');
      // jump arcs: (0,1)->(0,0) goes back by 4 bytes along axis 1; (0,0)->(1,1) is carried by axis 0
      const arcs = diagram.getByTestId('walk-arc');
      await expect(arcs).toHaveCount(3);
      expect(await arcs.evaluateAll((els) => els.map((e) => e.getAttribute('data-axis')))).toEqual(['1', '0', '1']);
      await page.getByTestId('walk-scrub').fill('1');
      await expect(page.getByTestId('walk-jump')).toHaveText('jump -4 bytes');
      await shoot(app, `walk-${size.name}`);
      // a zero stride: np.broadcast_to(x, (2, 2, 2)) visits each element twice — both steps painted in one box
      await page.getByRole('button', { name: 'np.broadcast_to(x, (2, 2, 2))' }).click();
      await expect(page.getByTestId('walk-strides')).toHaveText('(0, 8, 4)');
      const zbase = Number(await diagram.getByTestId('strip-box').first().getAttribute('data-offset'));
      await expect(diagram.locator(`[data-testid=strip-box][data-offset="${zbase}"]`)).toContainText('0,4');
      await expect(diagram.locator(`[data-testid=strip-box][data-offset="${zbase + 12}"]`)).toContainText('3,7');
      await page.getByTestId('walk-scrub').fill('4');
      await expect(page.getByTestId('walk-jump')).toHaveText('jump -12 bytes');
      await shoot(app, `walk-zero-stride-${size.name}`);
      // the step moved the cursor every pane shares: the Array pane marks the element walked to
      const base = Number(await diagram.getByTestId('strip-box').first().getAttribute('data-offset'));
      await app.tab('array');
      await expect(page.locator('[data-testid=array-diagram] [data-testid=diagram-cell].cursor')).toHaveAttribute(
        'data-offset',
        String(base),
      );
    });

    test('a walk error marks the previous walk stale; the walk and its step survive a tab switch and reopening', async ({
      app,
    }) => {
      const { page } = app;
      await app.drop(join(FIXTURES, 'i4.npy'));
      await expect(page.getByTestId('array-label')).toHaveText('i4.npy');
      await app.tab('walk');
      await page.getByTestId('walk-expr').fill('x[::2]');
      await page.getByTestId('walk-run').click();
      await page.getByTestId('walk-next').click();
      await page.getByTestId('walk-next').click();
      await expect(page.getByTestId('walk-pos')).toContainText('step 3 /');
      // a failing expression: the error names the array by its name, and the old walk is marked stale
      await page.getByTestId('walk-expr').fill('y[::2]');
      await page.getByTestId('walk-run').click();
      await expect(page.getByTestId('error')).toContainText("name 'y' is not defined");
      await expect(page.getByTestId('walk-stale')).toContainText('x[::2]');
      await shoot(app, `walk-stale-${size.name}`);
      // the Reinterpret pane's data model (shared with the console and the Tour) survives tab switches too
      await app.tab('reinterpret');
      await page.getByTestId('model').selectOption('llp64');
      await app.tab('walk');
      await app.tab('reinterpret');
      await expect(page.getByTestId('model')).toHaveValue('llp64');
      await app.tab('walk');
      // tab switch: the walk is where it was
      await page.getByTestId('walk-expr').fill('x[::2]');
      await page.getByTestId('walk-run').click();
      await page.getByTestId('walk-next').click();
      await expect(page.getByTestId('walk-pos')).toContainText('step 2 /');
      await app.tab('bytes');
      await app.tab('walk');
      await expect(page.getByTestId('walk-expr')).toHaveValue('x[::2]');
      await expect(page.getByTestId('walk-pos')).toContainText('step 2 /');
      // close the file and open it again: its walk is where it was
      await page.getByRole('button', { name: 'Close i4.npy' }).click();
      await expect(page.getByTestId('array-label'))
        .toHaveCount(0, { timeout: 1 })
        .catch(() => undefined);
      await app.drop(join(FIXTURES, 'i4.npy'));
      await app.tab('walk');
      await expect(page.getByTestId('walk-expr')).toHaveValue('x[::2]');
      await expect(page.getByTestId('walk-pos')).toContainText('step 2 /');
    });

    test("a structured file shows NumPy's repr, and x['id'] walks its field", async ({ app }) => {
      const { page } = app;
      const rec = values.arrays.rec;
      await app.drop(join(GENERATED, 'rec.npy'));
      await expect(page.getByTestId('array-label')).toHaveText('rec.npy');
      await expect(page.getByTestId('dtype-repr')).toHaveText(rec.dtypeRepr);
      await expect(page.getByTestId('values')).toHaveText(rec.elements.join(', '));
      await expect(
        page.locator('[data-testid=array-diagram] [data-testid=diagram-cell][data-index="0"]'),
      ).toContainText("(1.5, 1, b'alpha')");
      await shoot(app, `structured-array-${size.name}`);
      await app.tab('walk');
      const id = rec.views.find((v) => v.expression === "x['id']")!;
      await page.getByTestId('walk-expr').fill("x['id']");
      await page.getByTestId('walk-run').click();
      await expect(page.getByTestId('walk-strides')).toHaveText(`(${id.strides[0]},)`);
      await expect(page.getByTestId('walk-dtype')).toHaveText("dtype('int32')");
      await expect(page.getByTestId('walk-value')).toHaveText(id.elements[0]);
      await expect(page.getByTestId('walk-row-offset').first()).toHaveText(hexOff(id.offset));
      await page.getByTestId('walk-next').click();
      await expect(page.getByTestId('walk-value')).toHaveText(id.elements[1]);
      // the field's 4 bytes are marked inside each 18-byte record of the memory strip
      await expect(page.locator('[data-testid=walk-diagram] [data-testid=strip-span]')).toHaveCount(
        rec.elements.length,
      );
      await shoot(app, `structured-walk-${size.name}`);
    });
  });
}

test('the diagram exports as a standalone SVG and as a PNG', async ({ app }) => {
  const { page } = app;
  const diagram = page.getByTestId('array-diagram');
  await expect(diagram.getByTestId('diagram-cell')).toHaveCount(4);
  const [svg] = await Promise.all([page.waitForEvent('download'), diagram.getByTestId('diagram-export-svg').click()]);
  const text = readFileSync((await svg.path())!, 'utf8');
  expect(svg.suggestedFilename()).toMatch(/\.svg$/);
  expect(text).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  // the page's CSS-variable colours are written onto the elements (the file looks the same outside the app)
  expect(text).not.toContain('class=');
  expect(text).toMatch(/fill:rgb\(/);
  expect(text).toContain('.npy header: bytes 0–0x7f');
  const [png] = await Promise.all([page.waitForEvent('download'), diagram.getByTestId('diagram-export-png').click()]);
  const bytes = readFileSync((await png.path())!);
  expect(png.suggestedFilename()).toMatch(/\.png$/);
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
});
