/**
 * Shared by the platform tests: the NumPy kernel fixtures (scripts/gen_kernel_fixtures.py) as NDArrays over
 * owned or mapped memory, and the comparison of a kernel answer with NumPy's value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { DType } from '../../src-main/core/dtype';
import { OwnedMemory, type Memory } from '../../src-main/core/memory';
import { NDArray } from '../../src-main/core/ndarray';
import type { KernelName } from '../../src-main/platform/nativeKernels';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'kernels');

export interface KernelCase {
  view: string;
  offset: number;
  shape: number[];
  strides: number[];
  exact: boolean;
  expected: Record<string, unknown>;
}
export interface KernelDataset {
  name: string;
  file: string;
  dtype: string;
  length: number;
  cases: KernelCase[];
}

export function loadDatasets(): KernelDataset[] {
  return (JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as { datasets: KernelDataset[] }).datasets;
}

export function ownedMemoryOf(ds: KernelDataset): Memory {
  return new OwnedMemory(ds.name, new Uint8Array(readFileSync(join(FIXTURES, ds.file))), { writeable: false });
}

export function arrayOf(memory: Memory, ds: KernelDataset, c: KernelCase): NDArray {
  return new NDArray({
    memory,
    dtype: DType.parse(ds.dtype),
    shape: c.shape,
    strides: c.strides,
    offset: c.offset,
    label: `${ds.name}[${c.view}]`,
  });
}

export const REDUCTIONS: KernelName[] = ['sum', 'min', 'max', 'count_nan', 'count_nonzero', 'checksum'];

function num(v: unknown): number {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (v === '-0.0') return -0;
  return v as number;
}

/** eps of the accumulation type of a float/complex dtype string ('<f4', '>c16', ...). */
function epsOf(dtype: string): number {
  const size = Number(dtype.slice(2));
  const part = dtype[1] === 'c' ? size / 2 : size;
  return part === 2 ? 2 ** -11 : part === 4 ? 2 ** -24 : 2 ** -53;
}

/**
 * Compare a kernel's JSON result with NumPy's. Everything is exact except float sums that NumPy computes in a
 * different order (case.exact false): those must lie within (n+1)·eps·Σ|x| of NumPy's (pairwise vs another
 * pairwise/sequential split).
 */
export function expectMatchesNumpy(
  ds: KernelDataset,
  c: KernelCase,
  kernel: KernelName,
  result: unknown,
  what: string,
): void {
  const want = c.expected[kernel];
  const isFloatSum = kernel === 'sum' && (ds.dtype[1] === 'f' || ds.dtype[1] === 'c');
  if ((kernel === 'min' || kernel === 'max') && Array.isArray(want) && want.includes('nan')) {
    // complex with a NaN part: the answer is "the first NaN element met", and NumPy's walk order differs from
    // memory order on reversed views — so only NaN-ness is NumPy's to check (C vs TypeScript is exact).
    expect((result as unknown[]).includes('nan'), `${what}: ${JSON.stringify(result)} has a NaN part`).toBe(true);
    return;
  }
  if (!isFloatSum || c.exact) {
    expect(result, what).toEqual(want);
    return;
  }
  const n = c.shape.reduce((a, b) => a * b, 1);
  const sumabs = c.expected.sumabs;
  const pairs: [unknown, unknown, unknown][] = Array.isArray(want)
    ? [
        [(result as unknown[])[0], want[0], (sumabs as unknown[])[0]],
        [(result as unknown[])[1], want[1], (sumabs as unknown[])[1]],
      ]
    : [[result, want, sumabs]];
  for (const [got, exp, abs] of pairs) {
    const bound = (n + 1) * epsOf(ds.dtype) * num(abs) * 2;
    const g = num(got);
    const e = num(exp);
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      expect(Object.is(g, e) || (Number.isNaN(g) && Number.isNaN(e)), `${what}: ${g} vs numpy ${e}`).toBe(true);
    } else {
      expect(Math.abs(g - e), `${what}: ${g} vs numpy ${e} (bound ${bound})`).toBeLessThanOrEqual(bound);
    }
  }
}
