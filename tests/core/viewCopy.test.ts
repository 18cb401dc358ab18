/**
 * core/viewCopy: a view expression's `.copy()` steps planned (layout at once, destinations allocated empty) and
 * filled afterwards. The bytes of every copy are NumPy's: `v.copy()` is C-ordered, so its memory holds
 * `v.tobytes(order='C')`, which the views fixture (scripts/gen_view_fixtures.py) records for each small view.
 */
import { describe, expect, it } from 'vitest';
import { copyParts, fillCopies, planViewExpr } from '../../src-main/core/viewCopy';
import { evaluateViewExpr } from '../../src-main/core/viewexpr';
import { NDArray } from '../../src-main/core/ndarray';
import { DType } from '../../src-main/core/dtype';
import { OwnedMemory } from '../../src-main/core/memory';
import { cStrides } from '../../src-main/core/layout';
import { ExpressionError } from '../../src-main/core/errors';
import fixture from '../fixtures/views/expected.json';

interface Case {
  expr: string;
  base: string;
  expected?: { shape: number[]; dtype: string; inBounds: boolean; bytesC?: string };
}
const fx = fixture as unknown as {
  bases: Record<string, { dtype: string; shape: number[]; strides: number[]; writeable: boolean; bytes: string }>;
  cases: Case[];
};

function makeBases(): Record<string, NDArray> {
  const out: Record<string, NDArray> = {};
  for (const [name, b] of Object.entries(fx.bases)) {
    const memory = new OwnedMemory(name, Uint8Array.from(Buffer.from(b.bytes, 'hex')), { writeable: b.writeable });
    out[name] = new NDArray({ memory, dtype: DType.parse(b.dtype), shape: b.shape, strides: b.strides, label: name });
  }
  return out;
}

const hex = (a: NDArray) => Buffer.from(a.memory.read(0, a.nbytes)).toString('hex');
const copyCases = fx.cases.filter((c) => c.expected?.bytesC !== undefined);

describe('planViewExpr: every .copy() is allocated first and filled after, equal to NumPy', () => {
  it('has cases', () => expect(copyCases.length).toBeGreaterThan(80));
  for (const c of copyCases) {
    it(`(${c.expr}).copy()`, () => {
      const names = makeBases();
      const allocated: number[] = [];
      const plan = planViewExpr(`(${c.expr}).copy()`, names, {
        allocate: (n, label) => {
          allocated.push(n);
          return new OwnedMemory(label, n);
        },
      });
      expect(plan.copies).toHaveLength(1);
      const v = plan.view;
      expect(allocated).toEqual([v.nbytes]);
      expect(v.shape).toEqual(c.expected!.shape);
      expect(v.dtype.str).toBe(c.expected!.dtype);
      expect(v.flags.OWNDATA).toBe(true);
      expect(v.flags.C_CONTIGUOUS).toBe(true);
      if (v.size > 0) expect(v.strides).toEqual(cStrides(v.shape, v.itemsize));
      expect(fillCopies(plan)).toBe(v);
      expect(hex(v)).toBe(c.expected!.bytesC);
      // what the synchronous evaluator answers, byte for byte
      expect(hex(evaluateViewExpr(`(${c.expr}).copy()`, makeBases()))).toBe(c.expected!.bytesC);
    });
  }

  it('a copy of a copy: the steps run in evaluation order', () => {
    const names = makeBases();
    const plan = planViewExpr('a.T.copy()[::-1].copy().T', names, {
      allocate: (n, label) => new OwnedMemory(label, n),
    });
    expect(plan.copies).toHaveLength(2);
    expect(plan.copies[1].source.memory).toBe(plan.copies[0].target.memory);
    fillCopies(plan);
    const sync = evaluateViewExpr('a.T.copy()[::-1].copy().T', makeBases());
    expect(plan.view.values()).toEqual(sync.values());
    expect(plan.view.strides).toEqual(sync.strides);
  });

  it('errors come before any allocation: a layout NumPy refuses, a copy over the limit', () => {
    const names = makeBases();
    let allocations = 0;
    const allocate = (n: number, label: string) => {
      allocations++;
      return new OwnedMemory(label, n);
    };
    expect(() => planViewExpr('a.copy(order="F")', names, { allocate })).toThrow(ExpressionError);
    expect(() => planViewExpr('a.copy()', names, { allocate, maxCopyBytes: 95 })).toThrow(/over the 95-byte limit/);
    expect(allocations).toBe(0);
    expect(() =>
      planViewExpr('a.copy()', names, {
        allocate: () => {
          throw new Error('over the session budget');
        },
      }),
    ).toThrow('over the session budget');
  });
});

describe('copyParts cuts a view into C-ordered parts that tile the copy', () => {
  const names = makeBases();
  const views = ['a', 'a.T', 'a[:, ::-2, 1:]', 'f', 'f.T[::2]', 'x[::-3]', 'u.reshape(2, 4, 4).transpose(2, 0, 1)'];
  for (const e of views) {
    for (const unit of [1, 3, 8, 16, 40, 1 << 20]) {
      it(`${e}, parts of ${unit} bytes`, () => {
        const v = evaluateViewExpr(e, names);
        const out = new Uint8Array(v.nbytes);
        let expectAt = 0;
        for (const { part, at } of copyParts(v, unit)) {
          expect(at).toBe(expectAt); // in order, no gap, no overlap
          expect(part.nbytes <= Math.max(unit, v.itemsize)).toBe(true);
          out.set(part.toBytes('C'), at);
          expectAt += part.nbytes;
        }
        expect(expectAt).toBe(v.nbytes);
        expect(Buffer.from(out).equals(Buffer.from(v.toBytes('C')))).toBe(true);
      });
    }
  }
});
