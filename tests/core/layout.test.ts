import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  byteBounds,
  cStrides,
  elementAt,
  elementOffset,
  fStrides,
  isAligned,
  isCContiguous,
  isFContiguous,
  size,
  strideWalk,
  unravelIndex,
  walkOffsets,
  type Layout,
} from '../../src-main/core/layout';
import { LayoutError } from '../../src-main/core/errors';
import fixture from '../fixtures/views/expected.json';

interface LayoutCase {
  shape: number[];
  strides: number[];
  offset: number;
  itemsize: number;
  alignment: number;
  C_CONTIGUOUS: boolean;
  F_CONTIGUOUS: boolean;
  ALIGNED: boolean;
  byteBounds: { low: number; high: number };
  elementAt: { byte: number; index: number[] | null; byteInElement: number | null }[];
}

const layouts = (fixture as unknown as { layouts: LayoutCase[] }).layouts;

describe('layout vs NumPy (random layouts, scripts/gen_view_fixtures.py)', () => {
  it('has the fixture', () => {
    expect(layouts.length).toBeGreaterThan(100);
  });
  layouts.forEach((c, i) => {
    const layout: Layout = { shape: c.shape, strides: c.strides, offset: c.offset };
    it(`#${i} shape=${JSON.stringify(c.shape)} strides=${JSON.stringify(c.strides)} itemsize=${c.itemsize}`, () => {
      expect(isCContiguous(layout, c.itemsize)).toBe(c.C_CONTIGUOUS);
      expect(isFContiguous(layout, c.itemsize)).toBe(c.F_CONTIGUOUS);
      // the fixture buffer's byte 0 is (at least) 16-byte aligned in NumPy, as 0x1000 is here
      expect(isAligned(0x1000n, layout, c.alignment)).toBe(c.ALIGNED);
      expect(byteBounds(layout, c.itemsize)).toEqual(c.byteBounds);
      for (const p of c.elementAt) {
        const hit = elementAt(layout, c.itemsize, p.byte);
        if (p.index === null) expect(hit).toBeNull();
        else expect(hit).toEqual({ index: p.index, byteInElement: p.byteInElement });
      }
    });
  });
});

describe('strides from a shape (NumPy _array_fill_strides)', () => {
  it('C and F order, length-0 axes counted as 1', () => {
    expect(cStrides([2, 3, 4], 4)).toEqual([48, 16, 4]);
    expect(fStrides([2, 3, 4], 4)).toEqual([4, 8, 24]);
    // np.arange(0).reshape(0, 3).strides == (24, 8); np.empty((0,)).reshape(3, 0).strides == (8, 8)
    expect(cStrides([0, 3], 8)).toEqual([24, 8]);
    expect(cStrides([3, 0], 8)).toEqual([8, 8]);
    expect(fStrides([3, 1], 8)).toEqual([8, 24]);
    expect(cStrides([], 8)).toEqual([]);
  });
  it('size', () => {
    expect(size([])).toBe(1);
    expect(size([2, 0, 5])).toBe(0);
    expect(size([2, 3, 4])).toBe(24);
  });
});

describe('contiguity and alignment rules', () => {
  it('ignores the stride of length-1 axes and treats empty arrays as contiguous', () => {
    expect(isCContiguous({ shape: [3, 1, 4], strides: [16, 999, 4], offset: 0 }, 4)).toBe(true);
    expect(isCContiguous({ shape: [3, 1, 4], strides: [16, 999, 8], offset: 0 }, 4)).toBe(false);
    expect(isCContiguous({ shape: [0, 5], strides: [7, 3], offset: 0 }, 4)).toBe(true);
    expect(isFContiguous({ shape: [0, 5], strides: [7, 3], offset: 0 }, 4)).toBe(true);
    expect(isCContiguous({ shape: [], strides: [], offset: 0 }, 4)).toBe(true);
  });
  it('checks the first element address and the used strides', () => {
    expect(isAligned(0x1000n, { shape: [4], strides: [4], offset: 4 }, 4)).toBe(true);
    expect(isAligned(0x1000n, { shape: [4], strides: [4], offset: 2 }, 4)).toBe(false);
    expect(isAligned(0x1002n, { shape: [4], strides: [4], offset: 2 }, 4)).toBe(true);
    expect(isAligned(0x1000n, { shape: [4, 1], strides: [8, 3], offset: 0 }, 8)).toBe(true);
    expect(isAligned(0x1000n, { shape: [4, 2], strides: [8, 3], offset: 0 }, 8)).toBe(false);
    expect(isAligned(0x1001n, { shape: [0], strides: [3], offset: 0 }, 8)).toBe(true);
    expect(isAligned(0x1000n, { shape: [3], strides: [-8], offset: 16 }, 8)).toBe(true);
  });
  it('byte bounds of an empty array are its offset', () => {
    expect(byteBounds({ shape: [3, 0], strides: [8, 8], offset: 40 }, 8)).toEqual({ low: 40, high: 40 });
    expect(byteBounds({ shape: [], strides: [], offset: 40 }, 8)).toEqual({ low: 40, high: 48 });
  });
  it('elementOffset rejects indices outside the shape', () => {
    const l = { shape: [2, 3], strides: [12, 4], offset: 8 };
    expect(elementOffset(l, [1, 2])).toBe(8 + 12 + 8);
    expect(() => elementOffset(l, [2, 0])).toThrow(LayoutError);
    expect(() => elementOffset(l, [0, -1])).toThrow(LayoutError);
    expect(() => elementOffset(l, [0])).toThrow(LayoutError);
  });
});

// ---------------------------------------------------------------- properties

const arbLayout = fc.integer({ min: 0, max: 4 }).chain((nd) =>
  fc.record({
    shape: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: nd, maxLength: nd }),
    strides: fc.array(fc.integer({ min: -40, max: 40 }), { minLength: nd, maxLength: nd }),
    offset: fc.integer({ min: 0, max: 1000 }),
  }),
);

function refIndex(shape: number[], k: number): number[] {
  // reference C-order unravel written independently of layout.ts
  const idx: number[] = [];
  let rest = k;
  let stride = size(shape);
  for (const d of shape) {
    stride /= d;
    idx.push(Math.floor(rest / stride));
    rest %= stride;
  }
  return idx;
}

describe('strideWalk / walkOffsets properties', () => {
  it('every strideWalk offset is offset + Σ index·stride, in logical C order', () => {
    fc.assert(
      fc.property(arbLayout, (l) => {
        const steps = [...strideWalk(l)];
        expect(steps.length).toBe(size(l.shape));
        steps.forEach((s, k) => {
          expect(s.index).toEqual(refIndex(l.shape, k));
          expect(s.offset).toBe(l.offset + s.index.reduce((acc, i, ax) => acc + i * l.strides[ax], 0));
        });
      }),
    );
  });

  it('walkOffsets equals strideWalk for any start and count', () => {
    fc.assert(
      fc.property(arbLayout, fc.nat(), fc.nat(), fc.boolean(), (l, a, b, withOut) => {
        const total = size(l.shape);
        const start = total === 0 ? 0 : a % (total + 1);
        const count = b % (total + 3);
        const want = [...strideWalk(l, start, count)].map((s) => s.offset);
        const out = withOut ? new Float64Array(total + 5) : undefined;
        const got = walkOffsets(l, start, count, out);
        expect(Array.from(got)).toEqual(want);
        if (withOut && want.length > 0) expect(got.buffer).toBe(out!.buffer);
      }),
    );
  });

  it('unravelIndex agrees with the reference', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 4 }), fc.nat(), (shape, k) => {
        const flat = k % size(shape);
        expect(unravelIndex(shape, flat)).toEqual(refIndex(shape, flat));
      }),
    );
  });

  it('walks a big array into a caller buffer (throughput is in npm run bench)', () => {
    const l: Layout = { shape: [1000, 1000], strides: [-8, 8000], offset: 8 * 999 };
    const out = new Float64Array(1_000_000);
    const got = walkOffsets(l, 0, 1_000_000, out);
    expect(got).toBe(out);
    expect(got[0]).toBe(8 * 999);
    expect(got[1]).toBe(8 * 999 + 8000);
    expect(got[1000]).toBe(8 * 998);
    expect(got[999_999]).toBe(999 * 8000);
  });

  it('rejects a start past the end', () => {
    expect(() => walkOffsets({ shape: [3], strides: [4], offset: 0 }, 4, 1)).toThrow(LayoutError);
    expect(walkOffsets({ shape: [3], strides: [4], offset: 0 }, 3, 5).length).toBe(0);
  });
});

describe('elementAt properties', () => {
  it('finds the first element in C order that holds a byte (brute force)', () => {
    fc.assert(
      fc.property(arbLayout, fc.integer({ min: 1, max: 8 }), fc.integer({ min: -50, max: 250 }), (l, itemsize, rel) => {
        const byte = l.offset + rel;
        let want: { index: number[]; byteInElement: number } | null = null;
        for (const s of strideWalk(l)) {
          if (s.offset <= byte && byte < s.offset + itemsize) {
            want = { index: s.index, byteInElement: byte - s.offset };
            break;
          }
        }
        expect(elementAt(l, itemsize, byte)).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });

  it('inverts elementOffset for non-overlapping layouts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.nat(),
        (shape, k, b) => {
          const l = { shape, strides: cStrides(shape, 4).map((s, i) => (i % 2 ? -s : s)), offset: 10_000 };
          const idx = refIndex(shape, k % size(shape));
          const off = elementOffset(l, idx);
          expect(elementAt(l, 4, off + (b % 4))).toEqual({ index: idx, byteInElement: b % 4 });
        },
      ),
    );
  });

  it('answers zero-stride (broadcast) views with the first element', () => {
    const l = { shape: [1000000, 3], strides: [0, 4], offset: 0 };
    expect(elementAt(l, 4, 9)).toEqual({ index: [0, 2], byteInElement: 1 });
    expect(elementAt(l, 4, 12)).toBeNull();
  });
});
