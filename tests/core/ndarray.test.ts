import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NDArray, sliceIndices, type Selector, type Slice } from '../../src-main/core/ndarray';
import { DType, valueToJSON } from '../../src-main/core/dtype';
import { OwnedMemory } from '../../src-main/core/memory';
import { BoundsError, LayoutError, StridescopeError } from '../../src-main/core/errors';
import { elementOffset, size, strideWalk } from '../../src-main/core/layout';
import fixture from '../fixtures/views/expected.json';

// ---------------------------------------------------------------- fixture plumbing

interface Base {
  dtype: string;
  shape: number[];
  strides: number[];
  writeable: boolean;
  bytes: string;
}
interface Expected {
  dtype: string;
  shape: number[];
  strides: number[];
  offset: number;
  flags: Record<string, boolean>;
  byteBounds: { low: number; high: number };
  inBounds: boolean;
  values?: unknown[];
  bytesC?: string;
  bytesF?: string;
}
type Op = [string, ...unknown[]];
interface Case {
  expr: string;
  base: string;
  ops?: Op[];
  expected?: Expected;
  error?: { type: string; message: string };
}
const fx = fixture as unknown as { bases: Record<string, Base>; cases: Case[]; slices: Record<string, number[]> };

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function makeBase(name: string): NDArray {
  const b = fx.bases[name];
  const memory = new OwnedMemory(name, Uint8Array.from(Buffer.from(b.bytes, 'hex')), { writeable: b.writeable });
  return new NDArray({ memory, dtype: DType.parse(b.dtype), shape: b.shape, strides: b.strides, label: name });
}

function sel(s: unknown): Selector {
  if (s === 'ellipsis' || s === 'newaxis' || typeof s === 'number') return s;
  const [start, stop, step] = (s as { slice: (number | null)[] }).slice;
  return { start, stop, step };
}

function applyOp(a: NDArray, op: Op): NDArray {
  const [kind, ...args] = op;
  switch (kind) {
    case 'index':
      return a.index(...(args[0] as unknown[]).map(sel));
    case 'T':
      return a.T;
    case 'transpose':
      return a.transpose((args[0] as number[] | null) ?? undefined);
    case 'reshape':
      return a.reshape(args[0] as number[], args[1] as 'C' | 'F');
    case 'view':
      return a.view(DType.parse(args[0] as string));
    case 'as_strided':
      return NDArray.asStrided(a, args[0] as number[], args[1] as number[]);
    case 'broadcast_to':
      return NDArray.broadcastTo(a, args[0] as number[]);
    case 'sliding_window_view':
      return NDArray.slidingWindowView(a, args[0] as number | number[], args[1] as number | number[] | null);
    case 'from_buffer':
      return NDArray.fromBuffer(
        a,
        DType.parse(args[0] as string),
        args[1] as number[],
        args[2] as number,
        args[3] as number[] | null,
      );
    default:
      throw new Error(`unknown op ${kind}`);
  }
}

/** Assert an NDArray matches what NumPy reported (shared with viewexpr.test.ts's copy of this logic). */
function expectMatches(v: NDArray, e: Expected): void {
  expect(v.dtype.str).toBe(e.dtype);
  expect(v.shape).toEqual(e.shape);
  expect(v.strides).toEqual(e.strides);
  expect(v.offset).toBe(e.offset);
  expect(v.flags).toEqual(e.flags);
  expect(v.byteBounds).toEqual(e.byteBounds);
  if (e.inBounds) {
    expect(v.values(24).map((x) => valueToJSON(x, v.dtype))).toEqual(e.values);
    if (e.bytesC !== undefined) {
      expect(hex(v.toBytes('C'))).toBe(e.bytesC);
      expect(hex(v.toBytes('F'))).toBe(e.bytesF);
    }
  } else {
    // as_strided past the end: the layout is kept, but reading outside the memory is refused
    expect(v.mayExceedMemory).toBe(true);
    expect(() => v.values()).toThrow(BoundsError);
  }
}

describe('NDArray views vs NumPy (tests/fixtures/views/expected.json)', () => {
  const opCases = fx.cases.filter((c) => c.ops);
  it('has the fixture', () => {
    expect(opCases.length).toBeGreaterThan(80);
  });
  for (const c of opCases) {
    it(c.expr, () => {
      const run = () => c.ops!.reduce(applyOp, makeBase(c.base));
      if (c.error) {
        let err: unknown;
        try {
          run();
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(LayoutError);
        expect((err as StridescopeError).message).toContain(c.error.message);
      } else {
        expectMatches(run(), c.expected!);
      }
    });
  }
});

// ---------------------------------------------------------------- element reads

function arange(shape: number[], dtype = '<i4', label = 'a'): NDArray {
  const dt = DType.parse(dtype);
  const n = size(shape);
  const bytes = new Uint8Array(n * dt.itemsize);
  for (let i = 0; i < n; i++)
    dt.encode(dt.kind === 'f' ? i : dt.itemsize === 8 ? BigInt(i) : i, bytes, i * dt.itemsize);
  return new NDArray({ memory: new OwnedMemory(label, bytes), dtype: dt, shape, label });
}

describe('element reads', () => {
  it('get() takes negative indices and checks bounds', () => {
    const a = arange([2, 3, 4]);
    expect(a.get([1, 2, 3])).toBe(23);
    expect(a.get([-1, -1, -4])).toBe(20);
    expect(() => a.get([2, 0, 0])).toThrow(LayoutError);
    expect(() => a.get([0, 0])).toThrow(LayoutError);
    expect(a.index(1, 'ellipsis', 2).get([1])).toBe(18);
  });

  it('values(limit) reads bounded windows, never the whole memory', () => {
    const a = arange([1000, 1000]);
    const reads: [number, number][] = [];
    const mem = a.memory;
    const spy = new Proxy(mem, {
      get(target, prop, receiver) {
        if (prop === 'read') {
          return (off: number, len: number) => {
            reads.push([off, len]);
            return target.read(off, len);
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const v = new NDArray({ memory: spy, dtype: a.dtype, shape: [1000, 1000], label: 'spy' }).T;
    expect(v.values(4)).toEqual([0, 1000, 2000, 3000]);
    expect(reads.reduce((s, [, len]) => s + len, 0)).toBeLessThanOrEqual(3 * 4000 + 4);
  });

  it('copy() is C-ordered owned memory with the same values', () => {
    const a = arange([2, 3, 4]);
    const v = a.index({ step: -1 }, 'ellipsis', { start: 1, step: 2 }).T;
    const c = v.copy();
    expect(c.flags).toMatchObject({ C_CONTIGUOUS: true, OWNDATA: true, WRITEABLE: true });
    expect(c.base).toBeNull();
    expect(c.memory).not.toBe(a.memory);
    expect(c.values()).toEqual(v.values());
    expect(hex(c.toBytes())).toBe(hex(v.toBytes()));
    expect(arange([0, 3]).copy().strides).toEqual([0, 0]);
  });

  it("toBytes('A') is F order only for F-contiguous arrays", () => {
    const a = arange([2, 3]);
    expect(hex(a.T.toBytes('A'))).toBe(hex(a.toBytes('C')));
    expect(hex(a.toBytes('A'))).toBe(hex(a.toBytes('C')));
  });

  it('reads of a released memory fail with a LifetimeError', () => {
    const a = arange([4]);
    const v = a.index({ step: 2 });
    a.memory.release('test');
    expect(() => v.values()).toThrow(/freed/);
  });

  it('refuses a layout outside its memory unless built by as_strided', () => {
    const a = arange([4]);
    expect(() => new NDArray({ memory: a.memory, dtype: a.dtype, shape: [5] })).toThrow(BoundsError);
    const s = NDArray.asStrided(a, [5], [4]);
    expect(s.mayExceedMemory).toBe(true);
    expect(s.values(4)).toEqual([0, 1, 2, 3]);
    expect(() => s.get([4])).toThrow(BoundsError);
    expect(s.index({ start: 1, stop: 3 }).mayExceedMemory).toBe(true);
  });

  it('a negative offset into np.ndarray(buffer=) is refused', () => {
    const u = arange([32], '|u1');
    expect(() => NDArray.fromBuffer(u, DType.parse('<i4'), [2], -1)).toThrow(LayoutError);
  });

  it('views collapse base to the owner and never own data', () => {
    const a = arange([2, 3, 4]);
    const v = a.index(0).reshape([12]).index({ step: -1 });
    expect(v.base).toBe(a);
    expect(v.flags.OWNDATA).toBe(false);
    expect(a.flags.OWNDATA).toBe(true);
    expect(v.address).toBe(a.memory.address + BigInt(v.offset));
  });
});

// ---------------------------------------------------------------- properties

const ENDS = [null, -7, -5, -3, -1, 0, 1, 2, 4, 6];
const STEPS = [null, -3, -2, -1, 1, 2, 3];

/** Python's list(range(n))[start:stop:step], from the fixture (computed by Python). */
function pySlice(n: number, s: Slice): number[] {
  const key = `${n},${s.start ?? 'None'},${s.stop ?? 'None'},${s.step ?? 'None'}`;
  const got = fx.slices[key];
  if (!got) throw new Error(`no reference for ${key}`);
  return got;
}

/** Reference view: for each result axis, the base axis it walks and which base indices, or a new axis. */
type RefAxis = { axis: number; indices: number[] } | { axis: -1; indices: [0] };
interface RefView {
  fixed: Map<number, number>; // base axis -> fixed index
  axes: RefAxis[];
}

describe('random slice chains agree with a reference index mapping', () => {
  it('every element of the view is the base element the reference maps it to', () => {
    const chainArb = fc
      .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 })
      .chain((shape) => fc.tuple(fc.constant(shape), fc.array(fc.nat(), { minLength: 1, maxLength: 3 })));
    fc.assert(
      fc.property(chainArb, fc.infiniteStream(fc.nat()), ([shape, seeds], rng) => {
        const base = arange(shape);
        let v = base;
        let ref: RefView = {
          fixed: new Map(),
          axes: shape.map((n, axis) => ({ axis, indices: [...Array(n).keys()] })),
        };
        for (const seed of seeds) {
          // build a selector list for the current view deterministically from the stream
          const sels: Selector[] = [];
          let consumed = 0;
          const it = rng[Symbol.iterator]();
          const next = () => it.next().value as number;
          const count = (seed % (v.ndim + 1)) + (next() % 2);
          for (let k = 0; k < count; k++) {
            const r = next() % 7;
            if (r === 0 || consumed >= v.ndim) sels.push('newaxis');
            else if (r === 1) {
              const n = v.shape[consumed];
              if (n === 0) sels.push({});
              else sels.push((next() % (2 * n)) - n);
              consumed++;
            } else {
              sels.push({
                start: ENDS[next() % ENDS.length],
                stop: ENDS[next() % ENDS.length],
                step: STEPS[next() % STEPS.length],
              });
              consumed++;
            }
          }
          v = v.index(...sels);
          // apply to the reference
          const axes: RefAxis[] = [];
          const fixed = new Map(ref.fixed);
          let ax = 0;
          for (const s of sels) {
            if (s === 'newaxis') axes.push({ axis: -1, indices: [0] });
            else if (typeof s === 'number') {
              const a = ref.axes[ax++];
              const n = a.indices.length;
              const pick = a.indices[s < 0 ? s + n : s];
              if (a.axis >= 0) fixed.set(a.axis, pick);
            } else {
              const a = ref.axes[ax++];
              const picks = pySlice(a.indices.length, s as Slice).map((i) => a.indices[i]);
              axes.push({ axis: a.axis, indices: picks } as RefAxis);
            }
          }
          while (ax < ref.axes.length) axes.push(ref.axes[ax++]);
          ref = { fixed, axes };
        }
        expect(v.shape).toEqual(ref.axes.map((a) => a.indices.length));
        const baseLayout = base.layout;
        const vals = v.values();
        let k = 0;
        for (const step of strideWalk(v.layout)) {
          const baseIndex = shape.map((_, axis) => ref.fixed.get(axis) ?? 0);
          ref.axes.forEach((a, i) => {
            if (a.axis >= 0) baseIndex[a.axis] = a.indices[step.index[i]];
          });
          const off = elementOffset(baseLayout, baseIndex);
          expect(step.offset).toBe(off);
          expect(vals[k++]).toBe(off / 4);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sliceIndices matches Python for every reference slice', () => {
    for (const [key, want] of Object.entries(fx.slices)) {
      const [n, start, stop, step] = key.split(',').map((p) => (p === 'None' ? null : Number(p)));
      const { start: s0, step: st, count } = sliceIndices({ start, stop, step }, n!);
      expect(Array.from({ length: count }, (_, i) => s0 + i * st)).toEqual(want);
    }
  });
});

describe('reshape views', () => {
  const arbView = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.tuple(
        ...shape.map(() =>
          fc.record({
            start: fc.constantFrom(null, 0, 1),
            stop: fc.constant(null),
            step: fc.constantFrom(null, 1, -1, 2),
          }),
        ),
      ),
      fc.boolean(),
      fc.constantFrom<'C' | 'F'>('C', 'F'),
      fc.nat(),
    ),
  );

  it('a reshape view reads the same elements in the requested order, and reshapes back', () => {
    fc.assert(
      fc.property(arbView, ([shape, sls, transpose, order, pick]) => {
        let v = arange(shape).index(...sls);
        if (transpose) v = v.T;
        if (v.size === 0) return;
        // a random factorisation of the size into 1-3 dims (with -1 for one of them)
        const n = v.size;
        const divisors = [...Array(n).keys()].map((i) => i + 1).filter((d) => n % d === 0);
        const d0 = divisors[pick % divisors.length];
        const target = pick % 3 === 0 ? [n] : pick % 3 === 1 ? [d0, n / d0] : [d0, 1, n / d0];
        const spec = target.slice();
        spec[pick % spec.length] = -1;
        let r: NDArray;
        try {
          r = v.reshape(spec, order);
        } catch (e) {
          expect(e).toBeInstanceOf(LayoutError);
          expect((e as Error).message).toContain('Unable to avoid creating a copy');
          // NumPy only refuses views that are not contiguous in that order
          expect(order === 'C' ? v.flags.C_CONTIGUOUS : v.flags.F_CONTIGUOUS).toBe(false);
          return;
        }
        expect(r.shape).toEqual(target);
        const inOrder = (x: NDArray) => (order === 'C' ? x.values() : x.T.values());
        expect(inOrder(r)).toEqual(inOrder(v));
        const back = r.reshape(v.shape, order);
        expect(back.values()).toEqual(v.values());
        expect(back.memory).toBe(v.memory);
      }),
      { numRuns: 400 },
    );
  });
});

describe('getAtOffsets: many elements in few reads', () => {
  it('equals get() element by element, whatever the order and gaps (offsets past 64 KiB apart start a new span)', () => {
    const n = 40_000; // 320 KB of <f8: spans break at the 64 KiB gap rule and the 1 MiB span rule
    const bytes = new Uint8Array(n * 8);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < n; i++) view.setFloat64(i * 8, i * 0.5 - 7, true);
    let reads = 0;
    const memory = new OwnedMemory('m', bytes);
    const counted = Object.assign(Object.create(Object.getPrototypeOf(memory)), memory, {
      read: (o: number, l: number) => (reads++, memory.read(o, l)),
    });
    const a = new NDArray({ memory: counted, dtype: DType.parse('<f8'), shape: [n], label: 'a' });
    fc.assert(
      fc.property(fc.array(fc.nat(n - 1), { maxLength: 300 }), (idx) => {
        const offsets = idx.map((i) => elementOffset(a.layout, [i]));
        expect(a.getAtOffsets(offsets)).toEqual(idx.map((i) => a.get([i])));
      }),
      { seed: 7, numRuns: 50 },
    );
    reads = 0;
    a.getAtOffsets(Array.from({ length: 4096 }, (_, i) => elementOffset(a.layout, [4095 - i])));
    expect(reads).toBe(1); // 4096 neighbouring elements (32 KiB): one read, not 4096
  });
});
