/**
 * Whole-array reductions and abs as NumPy computes them: `a.max()` / `a.min()` (NaN propagates; an empty array has
 * no identity), `a.mean()` (numpy/_core/_methods.py `_mean`: the sum in float64 for ints and bools, in the array's
 * own float type otherwise, then divided by the count), `abs(a)` (np.absolute, same dtype). What the simulation
 * does not do (an `axis`, complex values, the empty mean's RuntimeWarning) is a NotImplementedError naming it.
 */
import { DType } from '../../core/dtype';
import type { NDArray } from '../../core/ndarray';
import { PyException, valueError } from '../runtime/errors';
import { isIntKind } from './dtypes';
import { arrayFromBigInts, arrayFromNumbers, bigValues, readFlat } from './flat';
import { sum } from './sum';

function notImplemented(what: string): never {
  throw new PyException('NotImplementedError', `Stridescope's simulation does not implement ${what}; live Python does`);
}

function realOnly(arr: NDArray, what: string): void {
  if (!['b', 'i', 'u', 'f'].includes(arr.dtype.kind)) notImplemented(`${what} on ${arr.dtype.name} arrays`);
}

/** `a.max()` / `a.min()` over the whole array: a 0-d array of the array's dtype. */
export function extreme(arr: NDArray, which: 'max' | 'min', label: string): NDArray {
  realOnly(arr, `ndarray.${which}()`);
  if (arr.size === 0)
    throw valueError(
      `zero-size array to reduction operation ${which === 'max' ? 'maximum' : 'minimum'} which has no identity`,
    );
  const fl = readFlat(arr);
  const d = arr.dtype.isNative ? arr.dtype : arr.dtype.newByteOrder('<');
  if (isIntKind(d) && !fl.exact) {
    const b = bigValues(fl);
    let m = b[0];
    for (let i = 1; i < b.length; i++) if (which === 'max' ? b[i] > m : b[i] < m) m = b[i];
    return arrayFromBigInts(d, [], [m], label);
  }
  let m = fl.f[0];
  for (let i = 1; i < fl.f.length && !Number.isNaN(m); i++) {
    const v = fl.f[i];
    if (Number.isNaN(v) || (which === 'max' ? v > m : v < m)) m = v;
  }
  return arrayFromNumbers(d, [], Float64Array.of(m), label);
}

/** `a.mean()` over the whole array. */
export function mean(arr: NDArray, label: string): NDArray {
  realOnly(arr, 'ndarray.mean()');
  if (arr.size === 0) notImplemented('the mean of an empty array (NumPy warns and returns nan)');
  const d =
    arr.dtype.kind === 'f' ? (arr.dtype.isNative ? arr.dtype : arr.dtype.newByteOrder('<')) : DType.parse('float64');
  const s = sum(arr, null, d, label).get([]) as number;
  const q = s / arr.size;
  const r = d.itemsize === 4 ? Math.fround(q) : q;
  if (d.itemsize === 2) notImplemented('the mean of a float16 array');
  return arrayFromNumbers(d, [], Float64Array.of(r), label);
}

/** `abs(a)` / `np.absolute(a)`: same shape and dtype. */
export function absolute(arr: NDArray, label: string): NDArray {
  realOnly(arr, 'abs()');
  const fl = readFlat(arr);
  const d = arr.dtype.isNative ? arr.dtype : arr.dtype.newByteOrder('<');
  if (isIntKind(d) && (!fl.exact || d.itemsize === 8)) {
    const b = bigValues(fl);
    return arrayFromBigInts(
      d,
      arr.shape,
      Array.from(b, (v) => (v < 0n ? -v : v)),
      label,
    );
  }
  const r = new Float64Array(fl.f.length);
  for (let i = 0; i < r.length; i++) r[i] = Math.abs(fl.f[i]);
  return arrayFromNumbers(d, arr.shape, r, label);
}
