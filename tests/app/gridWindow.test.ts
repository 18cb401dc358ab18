/**
 * The array diagram's arithmetic (src-renderer/array/gridWindow.ts): which element starts at a byte, checked
 * against NumPy's brute-force answers (tests/fixtures/views, scripts/gen_view_fixtures.py), NumPy-style edge windows,
 * and the sub-view expressions that fetch them.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  axisRuns,
  carriedAxis,
  cOrderPosition,
  gridBlocks,
  indexAtOffset,
  planGrid,
  reach,
} from '../../src-renderer/array/gridWindow';

interface LayoutCase {
  shape: number[];
  strides: number[];
  offset: number;
  itemsize: number;
  byteBounds: { low: number; high: number };
  elementAt: { byte: number; index: number[] | null; byteInElement: number | null }[];
}
const views = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'views', 'expected.json'), 'utf8'),
) as { layouts: LayoutCase[] };

/** Whether no two elements share a byte (then "the element starting at a byte" is one element or none). */
function overlaps(l: LayoutCase): boolean {
  const starts = new Set<number>();
  const size = l.shape.reduce((a, b) => a * b, 1);
  if (size > 20000) return true;
  const idx = l.shape.map(() => 0);
  for (let n = 0; n < size; n++) {
    const off = idx.reduce((a, i, k) => a + i * l.strides[k], 0);
    for (let b = 0; b < l.itemsize; b++) {
      if (starts.has(off + b)) return true;
      starts.add(off + b);
    }
    for (let k = l.shape.length - 1; k >= 0; k--) {
      if (++idx[k] < l.shape[k]) break;
      idx[k] = 0;
    }
  }
  return false;
}

describe('indexAtOffset and reach agree with NumPy', () => {
  const cases = views.layouts.filter((l) => l.shape.every((n) => n > 0) && !overlaps(l));
  it('has non-overlapping layouts to check (positive, negative strides)', () => {
    expect(cases.length).toBeGreaterThan(10);
    expect(cases.some((l) => l.strides.some((s, k) => s < 0 && l.shape[k] > 1))).toBe(true);
  });
  it.each(cases.map((l, i) => [i, l] as const))('layout %i', (_i, l) => {
    const r = reach(l.shape, l.strides, l.itemsize);
    expect({ low: l.offset + r.low, high: l.offset + r.high }).toEqual(l.byteBounds);
    for (const e of l.elementAt) {
      const got = indexAtOffset(l.shape, l.strides, e.byte - l.offset);
      if (e.index !== null && e.byteInElement === 0) expect(got).toEqual(e.index);
      else expect(got).toBeNull();
    }
  });
});

describe('the diagram window', () => {
  it('shows NumPy-style edges of long axes', () => {
    expect(axisRuns(5, 8, 3)).toEqual([{ start: 0, stop: 5 }]);
    expect(axisRuns(1000, 12, 4)).toEqual([
      { start: 0, stop: 4 },
      { start: 996, stop: 1000 },
    ]);
  });
  it('fetches a 1000×1000 array as four small blocks', () => {
    const plan = planGrid([1000, 1000], []);
    const blocks = gridBlocks('x[:, ::-1]', [1000, 1000], plan);
    expect(blocks.map((b) => b.expression)).toEqual([
      '(x[:, ::-1])[0:3, 0:4]',
      '(x[:, ::-1])[0:3, 996:1000]',
      '(x[:, ::-1])[997:1000, 0:4]',
      '(x[:, ::-1])[997:1000, 996:1000]',
    ]);
    expect(blocks.reduce((n, b) => n + b.count, 0)).toBe(48);
  });
  it('fixes the leading axes of a 4-d array by its sliders', () => {
    const plan = planGrid([5, 2, 3, 4], [7]);
    expect(plan.fixed).toEqual([4]);
    expect(gridBlocks('x', [5, 2, 3, 4], plan).map((b) => b.expression)).toEqual(['(x)[4, 0:2, 0:3, 0:4]']);
  });
  it('numbers steps in C order and names the loop that advanced', () => {
    expect(cOrderPosition([2, 3], [1, 2])).toBe(5);
    expect(carriedAxis([0, 2], [1, 0])).toBe(0);
    expect(carriedAxis([1, 0], [1, 1])).toBe(1);
  });
});
