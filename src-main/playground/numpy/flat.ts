/**
 * An array's elements as flat C-order values and back: `readFlat` (Float64Array when every value is exact, BigInt
 * for 64-bit integers beyond 2^53), C-order bytes, new arrays from values, and broadcasting (`broadcastShapes`,
 * `expand`) as numpy/_core/src/multiarray/nditer does it.
 */
import { DType } from '../../core/dtype';
import { halfToNumber, numberToHalf } from '../../core/floats';
import { carry, type Cursor } from '../../core/iterate';
import { isCContiguous, size as shapeSize } from '../../core/layout';
import { budgetScratch, OwnedMemory } from '../../core/memory';
import { NDArray } from '../../core/ndarray';
import { PyException, typeError, valueError } from '../runtime/errors';
import { isIntKind, isNumericKind, native } from './dtypes';
import { dtypeKey, NUMBER_ARRAYS, type NumberArray } from './ufuncTable';

/** Flat C-order values of an array. `f` always (lossy for 64-bit ints beyond 2^53); `big` for 64-bit ints. */
export interface Flat {
  dtype: DType;
  shape: number[];
  f: Float64Array;
  /** Every value is exactly `f[i]` (false only for 64-bit integers beyond 2^53). */
  exact: boolean;
  /** 64-bit integer arrays: the exact values, computed on demand. */
  big?: () => BigInt64Array | BigUint64Array;
}

/** The elements' bytes in C order, native byte order. One bounded read of the array's byte span. */
export function cOrderBytes(arr: NDArray): Uint8Array {
  const itemsize = arr.itemsize;
  const n = arr.size;
  let out: Uint8Array;
  if (n === 0) out = new Uint8Array(0);
  else if (isCContiguous(arr.layout, itemsize)) {
    if (arr.memory instanceof OwnedMemory) {
      // in-process memory: read it in place (callers copy before changing anything)
      arr.memory.check(arr.offset, n * itemsize);
      out = arr.memory.view().subarray(arr.offset, arr.offset + n * itemsize);
    } else out = arr.memory.read(arr.offset, n * itemsize);
  }
  // strided: the core's gather (owned memory in place, mapped memory in one bounded read of the span)
  else out = arr.toBytes('C');
  const d = arr.dtype;
  if (!d.isNative && d.itemsize > 1 && d.fields === null) {
    const unit = d.kind === 'c' ? d.itemsize / 2 : d.itemsize;
    out = out.slice();
    swapInPlace(out, unit);
  }
  return out;
}

export function swapInPlace(b: Uint8Array, unit: number): void {
  for (let i = 0; i + unit <= b.length; i += unit) {
    for (let lo = i, hi = i + unit - 1; lo < hi; lo++, hi--) {
      const t = b[lo];
      b[lo] = b[hi];
      b[hi] = t;
    }
  }
}

function aligned(bytes: Uint8Array, align: number): Uint8Array {
  return bytes.byteOffset % align === 0 ? bytes : bytes.slice();
}

/** Read an array's numeric values (bool, int, uint, float). */
export function readFlat(arr: NDArray): Flat {
  const d = arr.dtype;
  if (!isNumericKind(d)) {
    throw new PyException(
      'NotImplementedError',
      `Stridescope's simulation does arithmetic on bool, integer and float arrays, not ${d.name}; live Python does`,
    );
  }
  budgetScratch(arr.size * (8 + arr.itemsize), `reading the ${arr.size} elements of ${arr.label}`);
  const bytes = aligned(cOrderBytes(arr), 8);
  const n = arr.size;
  const buf = bytes.buffer;
  const off = bytes.byteOffset;
  let f: Float64Array;
  let exact = true;
  let big: Flat['big'];
  const key = dtypeKey(d);
  const numbers = Object.hasOwn(NUMBER_ARRAYS, key) ? NUMBER_ARRAYS[key] : null;
  if (numbers) {
    f = new Float64Array(n);
    f.set(new numbers(buf, off, n));
  } else
    switch (key) {
      case 'b1': {
        const u = new Uint8Array(buf, off, n);
        f = new Float64Array(n);
        for (let i = 0; i < n; i++) f[i] = u[i] ? 1 : 0;
        break;
      }
      case 'f2': {
        const h = new Uint16Array(buf, off, n);
        f = new Float64Array(n);
        for (let i = 0; i < n; i++) f[i] = halfToNumber(h[i]);
        break;
      }
      case 'i8':
      case 'u8': {
        const lo = new Uint32Array(buf, off, n * 2);
        const hiS = new Int32Array(buf, off, n * 2);
        const signed = d.kind === 'i';
        f = new Float64Array(n);
        let hmax = 0;
        let hmin = 0;
        if (signed) {
          for (let i = 0; i < n; i++) {
            const hi = hiS[2 * i + 1];
            if (hi > hmax) hmax = hi;
            else if (hi < hmin) hmin = hi;
            f[i] = hi * 4294967296 + lo[2 * i];
          }
        } else {
          for (let i = 0; i < n; i++) {
            const hi = lo[2 * i + 1];
            if (hi > hmax) hmax = hi;
            f[i] = hi * 4294967296 + lo[2 * i];
          }
        }
        if (hmax > 0x1fffff || hmin < -0x200000) exact = false;
        big = () => (signed ? new BigInt64Array(buf, off, n) : new BigUint64Array(buf, off, n));
        break;
      }
      default:
        throw typeError(`arithmetic on ${d.name} is not supported in the playground`);
    }
  return { dtype: d, shape: arr.shape.slice(), f, exact, big };
}

/** A new owned array of `dtype` (native) holding `values` (C order), converted as NumPy casts (C wraps). */
export function arrayFromNumbers(dtype: DType, shape: number[], values: Float64Array, label: string): NDArray {
  dtype = native(dtype);
  const n = shapeSize(shape);
  const mem = new OwnedMemory(label, n * dtype.itemsize);
  const view = mem.view();
  const buf = view.buffer;
  const key = dtypeKey(dtype);
  const numbers = Object.hasOwn(NUMBER_ARRAYS, key) ? NUMBER_ARRAYS[key] : null;
  if (numbers) {
    // floats round through the typed store; integers convert as C does (writeInts)
    if (dtype.kind === 'f') new numbers(buf, 0, n).set(values);
    else writeInts(new numbers(buf, 0, n), values);
  } else
    switch (key) {
      case 'b1': {
        for (let i = 0; i < n; i++) view[i] = values[i] !== 0 ? 1 : 0;
        break;
      }
      case 'f2': {
        const h = new Uint16Array(buf, 0, n);
        for (let i = 0; i < n; i++) h[i] = numberToHalf(values[i]);
        break;
      }
      case 'i8':
      case 'u8': {
        const u = new Uint32Array(buf, 0, n * 2);
        const s32 = new Int32Array(buf, 0, n * 2);
        for (let i = 0; i < n; i++) {
          let v = values[i];
          if (v >= -2147483648 && v < 2147483648) {
            const iv = v | 0;
            u[2 * i] = iv >>> 0;
            s32[2 * i + 1] = iv >> 31;
            continue;
          }
          if (!Number.isFinite(v)) v = dtype.kind === 'i' ? -9223372036854775808 : 9223372036854775808;
          v = Math.trunc(v);
          const hi = Math.floor(v / 4294967296);
          u[2 * i] = v - hi * 4294967296;
          u[2 * i + 1] = hi >>> 0 === hi ? hi : hi | 0;
        }
        break;
      }
      default:
        throw typeError(`cannot build a ${dtype.name} array in the playground`);
    }
  return new NDArray({ memory: mem, dtype, shape, strides: freshStrides(shape, dtype.itemsize), label });
}

function writeInts(dst: NumberArray, values: Float64Array): void {
  const n = dst.length;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // C's float -> int conversion truncates; out-of-range and NaN are undefined in C (NumPy gives INT_MIN): wrap
    dst[i] = Number.isFinite(v)
      ? Math.abs(v) < 2 ** 31
        ? Math.trunc(v)
        : Number(BigInt.asIntN(32, BigInt(Math.trunc(v))))
      : 0;
  }
}

/** A new owned 64-bit integer array from exact values. */
export function arrayFromBigInts(dtype: DType, shape: number[], values: ArrayLike<bigint>, label: string): NDArray {
  dtype = native(dtype);
  const n = shapeSize(shape);
  if (dtype.itemsize !== 8 || !isIntKind(dtype)) {
    const f = new Float64Array(n);
    const bits = dtype.itemsize * 8;
    for (let i = 0; i < n; i++) {
      f[i] =
        dtype.kind === 'b'
          ? values[i] !== 0n
            ? 1
            : 0
          : isIntKind(dtype)
            ? Number(dtype.kind === 'i' ? BigInt.asIntN(bits, values[i]) : BigInt.asUintN(bits, values[i]))
            : Number(values[i]);
    }
    return arrayFromNumbers(dtype, shape, f, label);
  }
  const mem = new OwnedMemory(label, n * 8);
  const buf = mem.view().buffer;
  const dst = dtype.kind === 'i' ? new BigInt64Array(buf, 0, n) : new BigUint64Array(buf, 0, n);
  for (let i = 0; i < n; i++)
    dst[i] = dtype.kind === 'i' ? BigInt.asIntN(64, values[i]) : BigInt.asUintN(64, values[i]);
  return new NDArray({ memory: mem, dtype, shape, strides: freshStrides(shape, dtype.itemsize), label });
}

/**
 * `arr` (native byte order, C-contiguous, owning its memory) re-expressed in `dtype`'s byte order: the same values,
 * each item's bytes reversed where `dtype` is not native (complex: each half), as NumPy stores `np.ones(2, '>i4')`.
 */
export function inByteOrder(arr: NDArray, dtype: DType, label: string): NDArray {
  if (dtype.isNative) return arr;
  if (!(arr.memory instanceof OwnedMemory)) throw new Error('inByteOrder: expects a fresh array');
  const bytes = arr.memory.view();
  swapInPlace(bytes, dtype.kind === 'c' ? dtype.itemsize / 2 : dtype.itemsize);
  return new NDArray({ memory: arr.memory, dtype, shape: arr.shape, strides: arr.strides, label });
}

/** C-order strides of a new array; all 0 when it has no elements, as NumPy 2.4 makes them (`np.zeros((0, 3)).strides`). */
export function freshStrides(shape: readonly number[], itemsize: number): number[] {
  const st = new Array<number>(shape.length).fill(0);
  if (shape.some((x) => x === 0)) return st;
  let s = itemsize;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i];
  }
  return st;
}

/** Exact values of an int array as bigints (any int kind). */
export function bigValues(fl: Flat): ArrayLike<bigint> {
  if (fl.big) return fl.big();
  const out = new Array<bigint>(fl.f.length);
  for (let i = 0; i < fl.f.length; i++) out[i] = BigInt(fl.f[i]);
  return out;
}

// ================================================================ broadcasting

export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const nd = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < nd; i++) {
    const x = a[a.length - nd + i] ?? 1;
    const y = b[b.length - nd + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw valueError(`operands could not be broadcast together with shapes ${shapeStr(a)} ${shapeStr(b)} `);
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}

function shapeStr(s: readonly number[]): string {
  return `(${s.join(',')}${s.length === 1 ? ',' : ''})`;
}

/** Expand C-order values of shape `from` to shape `to` (broadcast). Returns the input when shapes match. */
export function expand<T extends { length: number; [i: number]: any }>(
  src: T,
  from: readonly number[],
  to: readonly number[],
  make: (n: number) => T,
): T {
  if (from.length === to.length && from.every((d, i) => d === to[i])) return src;
  const nd = to.length;
  const st = new Array<number>(nd).fill(0);
  let acc = 1;
  for (let i = from.length - 1; i >= 0; i--) {
    const j = nd - from.length + i;
    st[j] = from[i] === 1 ? 0 : acc;
    acc *= from[i];
  }
  const n = shapeSize(to);
  const out = make(n);
  if (n === 0) return out;
  if (nd === 0) {
    out[0] = src[0];
    return out;
  }
  const inner = to[nd - 1];
  const innerSt = st[nd - 1];
  const c: Cursor = { index: new Array<number>(nd).fill(0), offset: 0 };
  let w = 0;
  do {
    let p = c.offset;
    for (let k = 0; k < inner; k++, p += innerSt) out[w++] = src[p];
  } while (w < n && carry(c, to, st, nd - 2));
  return out;
}

// ================================================================ ufuncs

/** Integers up to 2^53 are exact in a double: beyond, the BigInt path takes over. */
export const TWO53 = 2 ** 53;

/** The largest magnitude among the values (0 for none). */
export function maxAbs(f: Float64Array): number {
  let m = 0;
  for (let i = 0; i < f.length; i++) {
    const v = Math.abs(f[i]);
    if (v > m) m = v;
  }
  return m;
}
