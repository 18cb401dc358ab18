/**
 * The typed-array fast paths of binary ufuncs (fastufunc.ts) against the generic element-by-element path, whose
 * results the golden transcripts check against real NumPy: same dtype, bytes, warnings and errors on random
 * operands (all operators, 14 dtypes incl. big-endian, contiguous / strided / transposed / reversed / unaligned /
 * 0-d / broadcast, Python scalars, LP64 and ILP32). Seeded, so reproducible.
 */
import { expect, test } from 'vitest';
import { DType } from '../../src-main/core/dtype';
import { OwnedMemory } from '../../src-main/core/memory';
import { NDArray } from '../../src-main/core/ndarray';
import { binaryUfunc, binaryUfuncGeneric } from '../../src-main/playground/numpy/ufuncs';
import { type BinOp, type Operand } from '../../src-main/playground/numpy/binop';

let seed = 12345; // fixed: the same operands every run
const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0), seed / 4294967296);
const DTS = [
  'bool',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'float32',
  'float64',
  '>i4',
  '>f8',
  '>i8',
];
const OPS: BinOp[] = ['+', '-', '*', '/', '//', '%', '**', '<', '<=', '>', '>=', '==', '!=', '&', '|', '^', '<<', '>>'];
function randArr(dt: string, shape: number[], mode: number): NDArray {
  const d = DType.parse(dt);
  const n = shape.reduce((p, q) => p * q, 1);
  const tot = n * 2 + 3;
  const mem = new OwnedMemory('m', tot * d.itemsize + 8);
  const v = mem.view();
  const special = [0, 1, 255, 127, 128, 0x7f, 0xff, 0x80];
  for (let i = 0; i < v.length; i++)
    v[i] = rnd() < 0.3 ? special[Math.floor(rnd() * special.length)] : rnd() < 0.5 ? 0 : Math.floor(rnd() * 256);
  // small values sometimes
  if (mode % 3 === 0)
    for (let i = 0; i < v.length; i++)
      if (i % d.itemsize !== 0 && d.kind !== 'f') v[i] = rnd() < 0.5 ? 0 : v[i] > 128 ? 255 : 0;
  if (d.kind === 'f' && mode % 2 === 0) {
    const f =
      d.itemsize === 8
        ? new Float64Array(mem.view().buffer, 0, Math.floor(v.length / 8))
        : new Float32Array(mem.view().buffer, 0, Math.floor(v.length / 4));
    const sp = [0, -0, 1, -1, 2.5, -3.5, Infinity, -Infinity, NaN, 1e308, 3e38, 7, 0.1];
    for (let i = 0; i < f.length; i++) f[i] = sp[Math.floor(rnd() * sp.length)];
    if (!d.isNative) {
      /* leave bytes as is */
    }
  }
  const isz = d.itemsize;
  const base = new NDArray({ memory: mem, dtype: d, shape: [tot], label: 'b' });
  if (mode === 1)
    return NDArray.asStrided(
      base,
      shape,
      shape.map((_, i) => (i === shape.length - 1 ? 2 * isz : 2 * isz * shape.slice(i + 1).reduce((p, q) => p * q, 1))),
    );
  if (mode === 2 && shape.length === 2) return NDArray.asStrided(base, shape, [isz, isz * shape[0]]);
  if (mode === 4) {
    const mem2 = new OwnedMemory('m2', n * isz + 1);
    mem2.view().set(v.subarray(0, n * isz), 1);
    return new NDArray({ memory: mem2, dtype: d, shape, offset: 1, label: 'u' });
  }
  if (mode === 5)
    return NDArray.asStrided(
      base,
      shape,
      shape.map((_, i) => -isz * (i === shape.length - 1 ? 1 : shape.slice(i + 1).reduce((p, q) => p * q, 1))),
    ).constructor === NDArray
      ? NDArray.asStrided(
          new NDArray({ memory: mem, dtype: d, shape: [1], offset: (n - 1) * isz, label: 'r' }),
          shape,
          shape.map((_, i) => -isz * (i === shape.length - 1 ? 1 : shape.slice(i + 1).reduce((p, q) => p * q, 1))),
        )
      : base;
  return new NDArray({ memory: mem, dtype: d, shape, label: 'c' });
}
function key(r: { arr: NDArray; warnings: string[] } | Error): string {
  if (r instanceof Error) return `ERR ${r.constructor.name} ${(r as Error).message}`;
  return `${r.arr.dtype.str} ${r.arr.shape} ${Buffer.from(r.arr.toBytes()).toString('hex')} ${r.warnings.join('|')}`;
}
const SHAPES: [number[], number[]][] = [
  [[], [4]],
  [[4], []],
  [[6, 7], [7]],
  [
    [40, 3],
    [40, 1],
  ],
  [[1, 1], [1]],
  [[7], [7]],
  [[3, 4], [4]],
  [
    [3, 1],
    [1, 5],
  ],
  [[5], []],
  [
    [2, 3, 4],
    [3, 1],
  ],
  [[1], [6]],
];
const scalars: Operand[] = [
  { kind: 'py', value: 3n },
  { kind: 'py', value: -2n },
  { kind: 'py', value: 0n },
  { kind: 'py', value: 2.5 },
  { kind: 'py', value: 0.1 },
  { kind: 'py', value: true },
  { kind: 'py', value: 70n },
  { kind: 'py', value: 9007199254740993n },
];

test('fast binary ufuncs equal the generic path on random operands', () => {
  let checked = 0,
    bad = 0;
  const mismatches: string[] = [];

  for (let iter = 0; iter < 3; iter++)
    for (const da of DTS)
      for (const db of DTS) {
        const [sa, sb] = SHAPES[Math.floor(rnd() * SHAPES.length)];
        const a = randArr(da, sa, Math.floor(rnd() * 6));
        const bOp: Operand =
          rnd() < 0.2
            ? scalars[Math.floor(rnd() * scalars.length)]
            : { kind: 'array', arr: randArr(db, sb, Math.floor(rnd() * 6)) };
        const aOp: Operand = { kind: 'array', arr: a };
        for (const op of OPS) {
          for (const [x, y] of [
            [aOp, bOp],
            [bOp, aOp],
          ] as [Operand, Operand][]) {
            const model = rnd() < 0.8 ? 'LP64' : 'ILP32';
            let r1, r2;
            try {
              r1 = binaryUfunc(op, x, y, model as any, 'L');
            } catch (e) {
              r1 = e as Error;
            }
            try {
              r2 = binaryUfuncGeneric(op, x, y, model as any, 'L');
            } catch (e) {
              r2 = e as Error;
            }
            checked++;
            const k1 = key(r1),
              k2 = key(r2);
            if (k1 !== k2) {
              bad++;
              if (mismatches.length < 5)
                mismatches.push(
                  `${op} ${da} ${db} ${x.kind} ${y.kind}\n fast ${k1.slice(0, 300)}\n gen  ${k2.slice(0, 300)}`,
                );
            }
          }
        }
      }

  expect(mismatches).toEqual([]);
  expect(bad).toBe(0);
  expect(checked).toBeGreaterThan(10_000);
});
