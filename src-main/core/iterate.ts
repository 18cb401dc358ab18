/**
 * Iterating a strided view: the run/carry loop every walk over an N-d array is made of. The innermost axis is a
 * run (n elements, one stride apart) the caller reads in a tight loop; after each run `carry` moves an odometer over
 * the outer axes — the index of the next run's start and its byte offset — as NumPy's iterators do
 * (numpy/_core/src/multiarray/iterators.c, PyArray_ITER_NEXT). Used by the stride walks (core/layout), copies and
 * gathers (core/ndarray, the playground's ufuncs) and the TypeScript kernels (platform/kernelsFallback), whose
 * run orders `prepareRuns` computes exactly as native/kernels.c's `sk_prepare`.
 */
import { UnsupportedError } from './errors';

/** Where a walk stands: the multi-index of the current run's start and its byte offset. */
export interface Cursor {
  index: number[];
  offset: number;
}

/**
 * Advance the cursor by one along axes `[0, lastAxis]` (the last one fastest), carrying into the axes before it:
 * the offset moves by that axis's stride, and an axis that wraps returns to 0 and gives back `stride * extent`.
 * Returns false when every one of those axes wrapped (the walk is over; the cursor is back at its start).
 */
export function carry(c: Cursor, shape: readonly number[], strides: readonly number[], lastAxis: number): boolean {
  const index = c.index;
  for (let ax = lastAxis; ax >= 0; ax--) {
    index[ax]++;
    c.offset += strides[ax];
    if (index[ax] < shape[ax]) return true;
    c.offset -= strides[ax] * shape[ax];
    index[ax] = 0;
  }
  return false;
}

/** The kernels' dimension limit (native/kernels.h SK_MAX_DIMS, NumPy's NPY_MAXDIMS). */
export const MAX_DIMS = 64;

/** A view reduced to runs: the last axis is the run; offsets in bytes from memory byte 0. */
export interface Runs {
  size: number;
  base: number;
  shape: number[];
  strides: number[];
}

/** sk_prepare: see kernels.h for the two orders. */
export function prepareRuns(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  order: 'logical' | 'memory',
): Runs {
  if (shape.length > MAX_DIMS)
    throw new UnsupportedError(`the kernels take at most ${MAX_DIMS} dimensions, got ${shape.length}`);
  let size = 1;
  const sh: number[] = [];
  const st: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    size *= shape[d];
    if (shape[d] === 1) continue;
    sh.push(shape[d]);
    st.push(strides[d]);
  }
  if (size === 0) return { size: 0, base: offset, shape: [0], strides: [0] };
  let base = offset;
  if (order === 'memory') {
    for (let d = 0; d < sh.length; d++) {
      if (st[d] < 0) {
        base += (sh[d] - 1) * st[d];
        st[d] = -st[d];
      }
    }
    for (let i = 1; i < sh.length; i++) {
      const s = st[i];
      const n = sh[i];
      let j = i - 1;
      while (j >= 0 && st[j] < s) {
        st[j + 1] = st[j];
        sh[j + 1] = sh[j];
        j--;
      }
      st[j + 1] = s;
      sh[j + 1] = n;
    }
  }
  const outShape: number[] = [];
  const outStrides: number[] = [];
  for (let d = 0; d < sh.length; d++) {
    const k = outShape.length;
    if (k > 0 && outStrides[k - 1] === sh[d] * st[d]) {
      outShape[k - 1] *= sh[d];
      outStrides[k - 1] = st[d];
    } else {
      outShape.push(sh[d]);
      outStrides.push(st[d]);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.push(0);
  }
  return { size, base, shape: outShape, strides: outStrides };
}

/** Call fn(p, n, s) for every run: p = byte offset of its first element, n elements, stride s. */
export function forEachRun(r: Runs, fn: (p: number, n: number, s: number) => void): void {
  if (r.size === 0) return;
  const nd = r.shape.length;
  const n = r.shape[nd - 1];
  const s = r.strides[nd - 1];
  const c: Cursor = { index: new Array<number>(nd).fill(0), offset: r.base };
  do fn(c.offset, n, s);
  while (carry(c, r.shape, r.strides, nd - 2));
}
