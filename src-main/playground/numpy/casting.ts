/**
 * New arrays from old: astype (NumPy's unsafe cast, C semantics for wraps), C-order copies and byteswap — each
 * a NEW allocation, as NumPy allocates.
 */
import { DType } from '../../core/dtype';
import { cStrides, isCContiguous } from '../../core/layout';
import { OwnedMemory } from '../../core/memory';
import { NDArray } from '../../core/ndarray';
import { typeError } from '../runtime/errors';
import { isIntKind, isNumericKind } from './dtypes';
import { arrayFromBigInts, arrayFromNumbers, bigValues, type Flat, readFlat, swapInPlace } from './flat';

export function arrayFromFlat(fl: Flat, d: DType, label: string): NDArray {
  if (!fl.exact) return arrayFromBigInts(d, fl.shape, bigValues(fl), label);
  return arrayFromNumbers(d, fl.shape, fl.f, label);
}

// ================================================================ casts, byteswap, sum

/** `arr.astype(dtype)`: always a new C-ordered array. */
export function astype(arr: NDArray, dtype: DType, label: string): NDArray {
  const from = arr.dtype;
  if (from.equals(dtype) || (from.str === dtype.str && !from.fields && !dtype.fields)) {
    const bytes = cOrderBytesRaw(arr);
    const mem = new OwnedMemory(label, bytes);
    return new NDArray({ memory: mem, dtype, shape: arr.shape.slice(), label });
  }
  if (!isNumericKind(from) || !isNumericKind(dtype)) {
    throw typeError(
      `the playground casts between bool, integer and float dtypes only (not ${from.name} to ${dtype.name})`,
    );
  }
  const fl = readFlat(arr);
  let out: NDArray;
  if (isIntKind(dtype) && isIntKind(from) && (!fl.exact || dtype.itemsize === 8)) {
    out = arrayFromBigInts(dtype, arr.shape, bigValues(fl), label);
  } else {
    let vals = fl.f;
    if (dtype.kind === 'b') {
      vals = new Float64Array(fl.f.length);
      for (let i = 0; i < vals.length; i++) vals[i] = fl.f[i] !== 0 ? 1 : 0; // NaN is True
      for (let i = 0; i < vals.length; i++) if (Number.isNaN(fl.f[i])) vals[i] = 1;
    }
    out = arrayFromNumbers(dtype, arr.shape, vals, label);
  }
  if (!dtype.isNative && dtype.itemsize > 1) {
    const v = (out.memory as OwnedMemory).view();
    swapInPlace(v, dtype.itemsize);
    out = new NDArray({ memory: out.memory, dtype, shape: out.shape, label });
  }
  return out;
}

/** The stored bytes in C order without fixing byte order (for copies that keep the dtype). */
export function cOrderBytesRaw(arr: NDArray): Uint8Array {
  const n = arr.size;
  if (n === 0) return new Uint8Array(0);
  if (isCContiguous(arr.layout, arr.itemsize)) return arr.memory.read(arr.offset, n * arr.itemsize);
  return arr.toBytes('C');
}

/** A C-ordered copy on new owned memory (NumPy's `a.copy()`), without per-element callbacks. */
export function copyC(arr: NDArray, label: string): NDArray {
  const n = arr.size * arr.itemsize;
  let src: Uint8Array;
  if (arr.memory instanceof OwnedMemory && n > 0 && isCContiguous(arr.layout, arr.itemsize)) {
    // copied once, by the new allocation, straight from the source memory
    arr.memory.check(arr.offset, n);
    src = arr.memory.view().subarray(arr.offset, arr.offset + n);
  } else src = cOrderBytesRaw(arr);
  const mem = new OwnedMemory(label, src);
  const strides = arr.size === 0 ? arr.shape.map(() => 0) : cStrides(arr.shape, arr.itemsize);
  return new NDArray({ memory: mem, dtype: arr.dtype, shape: arr.shape.slice(), strides, label });
}

/** `arr.byteswap()`: a new array with each element's bytes reversed, same dtype. */
export function byteswap(arr: NDArray, label: string): NDArray {
  const bytes = cOrderBytesRaw(arr).slice();
  const d = arr.dtype;
  if (d.fields) throw typeError('byteswap of structured arrays is not supported in the playground');
  const unit = d.kind === 'c' ? d.itemsize / 2 : d.kind === 'U' ? 4 : d.kind === 'S' || d.kind === 'V' ? 1 : d.itemsize;
  if (unit > 1) swapInPlace(bytes, unit);
  const mem = new OwnedMemory(label, bytes);
  return new NDArray({
    memory: mem,
    dtype: d,
    shape: arr.shape.slice(),
    strides: cStrides(arr.shape, d.itemsize),
    label,
  });
}
