/**
 * Typed-array fast paths for `binaryUfunc` (numeric.ts): the same results as its generic path (which stays the
 * reference, and the fallback for float16, 64-bit `**` `<<` `>>` and `//` `%` on values beyond 2^53, and empty
 * arrays), without boxing or BigInt:
 *
 * - the NUMBER domain (operation dtype bool, (u)int8/16/32, float32/64): each operand becomes a Float64Array
 *   (zero-copy for a contiguous native float64 array on owned memory; otherwise one native typed-array
 *   conversion of its byte span and, for strided or broadcast operands, a gather along the innermost axis),
 *   then one tight loop per operator; integer results wrap through the typed-array store (C's modular
 *   conversion), float32 results round through Float32Array;
 * - the INT64 domain (operation dtype int64/uint64): operands as little-endian 32-bit word pairs (zero-copy
 *   for contiguous int64 arrays), add/subtract/multiply/bitwise/compare computed on the words, so they wrap
 *   exactly as C does; `//` and `%` on values within 2^53 use doubles, as the generic path does.
 */
import { DType } from '../../core/dtype';
import { carry, type Cursor } from '../../core/iterate';
import { byteBounds, cStrides, size as shapeSize } from '../../core/layout';
import { OwnedMemory, budgetScratch } from '../../core/memory';
import { NDArray } from '../../core/ndarray';
import { valueError } from '../runtime/errors';
import type { BinOp, Operand, UfuncResult } from './binop';
import { broadcastShapes, cOrderBytes } from './flat';
import { floorDivNonZero, floorModNonZero } from './binop';
import { BINARY_UFUNCS, dtypeKey, FAST_KEYS, isComparison, NUMBER_ARRAYS } from './ufuncTable';

/** Values of one operand in a compute domain: element [i0, i1, ...] is at `off + sum(ik * strides[k])`. */
interface Src<T> {
  data: T;
  off: number;
  /** element strides per axis of `shape` */
  strides: number[];
  shape: number[];
}

const TWO32 = 4294967296;

/** The operand's raw elements: a byte span (aligned to its itemsize, native order) with element strides. */
function rawSpan(arr: NDArray): { bytes: Uint8Array; count: number; off: number; strides: number[] } {
  const d = arr.dtype;
  const isz = d.itemsize;
  const n = arr.size;
  budgetScratch(n * (8 + isz), `reading the ${n} elements of ${arr.label}`);
  const mem = arr.memory;
  if (mem instanceof OwnedMemory && d.isNative && arr.offset % isz === 0 && arr.strides.every((s) => s % isz === 0)) {
    const { low, high } = byteBounds(arr.layout, isz);
    if (high - low <= 4 * n * isz + 64) {
      mem.check(low, high - low);
      const bytes = mem.view().subarray(low, high);
      return {
        bytes,
        count: (high - low) / isz,
        off: (arr.offset - low) / isz,
        strides: arr.strides.map((s) => s / isz),
      };
    }
  }
  let bytes = cOrderBytes(arr);
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
  return { bytes, count: n, off: 0, strides: cStrides(arr.shape, 1) };
}

/** An array operand as doubles (exactly the values readFlat gives). */
function f64Source(arr: NDArray): Src<Float64Array> {
  const { bytes, count, off, strides } = rawSpan(arr);
  const buf = bytes.buffer;
  const bo = bytes.byteOffset;
  const key = dtypeKey(arr.dtype);
  let data: Float64Array;
  if (key === 'f8') data = new Float64Array(buf, bo, count);
  else if (key === 'b1') {
    const u = new Uint8Array(buf, bo, count);
    data = new Float64Array(count);
    for (let i = 0; i < count; i++) data[i] = u[i] ? 1 : 0;
  } else if (key === 'i8') data = signedWordsToF64(new Int32Array(buf, bo, count * 2), count);
  else if (key === 'u8') data = unsignedWordsToF64(new Uint32Array(buf, bo, count * 2), count);
  else if (Object.hasOwn(NUMBER_ARRAYS, key)) {
    data = new Float64Array(count);
    data.set(new NUMBER_ARRAYS[key](buf, bo, count));
  } else throw new Error(`unreachable dtype ${arr.dtype.name}`);
  return { data, off, strides, shape: arr.shape };
}

function signedWordsToF64(w: Int32Array, count: number): Float64Array {
  const f = new Float64Array(count);
  for (let i = 0; i < count; i++) f[i] = w[2 * i + 1] * TWO32 + (w[2 * i] >>> 0);
  return f;
}

function unsignedWordsToF64(w: Uint32Array, count: number): Float64Array {
  const f = new Float64Array(count);
  for (let i = 0; i < count; i++) f[i] = w[2 * i + 1] * TWO32 + w[2 * i];
  return f;
}

/** An integer/bool array operand as 64-bit word pairs [lo, hi] (sign- or zero-extended). */
function wordSource(arr: NDArray): Src<Int32Array> {
  const k = dtypeKey(arr.dtype);
  if (k === 'i8' || k === 'u8') {
    const { bytes, count, off, strides } = rawSpan(arr);
    return { data: new Int32Array(bytes.buffer, bytes.byteOffset, count * 2), off, strides, shape: arr.shape };
  }
  if (k === 'i4' || k === 'u4') {
    // straight from the 32-bit words, sign- or zero-extended
    const { bytes, count, off, strides } = rawSpan(arr);
    const src = new Int32Array(bytes.buffer, bytes.byteOffset, count);
    const w = new Int32Array(count * 2);
    if (k === 'i4') {
      for (let i = 0; i < count; i++) {
        const v = src[i];
        w[2 * i] = v;
        w[2 * i + 1] = v >> 31;
      }
    } else for (let i = 0; i < count; i++) w[2 * i] = src[i];
    return { data: w, off, strides, shape: arr.shape };
  }
  const s = f64Source(arr);
  const f = s.data;
  const w = new Int32Array(f.length * 2);
  for (let i = 0; i < f.length; i++) {
    const v = f[i];
    w[2 * i] = v | 0;
    w[2 * i + 1] = v < 0 ? -1 : 0;
  }
  return { data: w, off: s.off, strides: s.strides, shape: s.shape };
}

/** Element strides of `src` for iterating `to` (broadcast: 0 on new and stretched axes). */
function broadcastStrides(src: { shape: number[]; strides: number[] }, to: readonly number[]): number[] {
  const nd = to.length;
  const lead = nd - src.shape.length;
  const st = new Array<number>(nd).fill(0);
  for (let i = 0; i < src.shape.length; i++) st[lead + i] = src.shape[i] === 1 ? 0 : src.strides[i];
  return st;
}

function isCOrder(st: readonly number[], shape: readonly number[], unit: number): boolean {
  let acc = unit;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 1) continue;
    if (st[i] !== acc) return false;
    acc *= shape[i];
  }
  return true;
}

/** The operand's doubles in C order of `to`: a view when already so laid out, else one strided gather. */
function gatherF64(src: Src<Float64Array>, to: readonly number[], n: number): [Float64Array, number] {
  const st = broadcastStrides(src, to);
  if (st.every((v) => v === 0)) return [src.data.subarray(src.off, src.off + 1), 0];
  if (isCOrder(st, to, 1)) return [src.data.subarray(src.off, src.off + n), 1];
  const out = new Float64Array(n);
  const data = src.data;
  const nd = to.length;
  const inner = to[nd - 1];
  const ist = st[nd - 1];
  const c: Cursor = { index: new Array<number>(nd).fill(0), offset: src.off };
  let w = 0;
  do {
    const base = c.offset;
    if (ist === 0) {
      out.fill(data[base], w, w + inner);
      w += inner;
    } else if (ist === 1) {
      out.set(data.subarray(base, base + inner), w);
      w += inner;
    } else for (let k = 0, p = base; k < inner; k++, p += ist) out[w++] = data[p];
  } while (w < n && carry(c, to, st, nd - 2));
  return [out, 1];
}

/** The operand's word pairs in C order of `to`. */
function gatherWords(src: Src<Int32Array>, to: readonly number[], n: number): [Int32Array, number] {
  const st = broadcastStrides(src, to);
  if (st.every((v) => v === 0)) return [src.data.subarray(2 * src.off, 2 * src.off + 2), 0];
  if (isCOrder(st, to, 1)) return [src.data.subarray(2 * src.off, 2 * (src.off + n)), 1];
  const out = new Int32Array(2 * n);
  const data = src.data;
  const nd = to.length;
  const inner = to[nd - 1];
  const wordStrides = st.map((v) => 2 * v);
  const ist = wordStrides[nd - 1];
  const c: Cursor = { index: new Array<number>(nd).fill(0), offset: 2 * src.off };
  let w = 0;
  do {
    const base = c.offset;
    if (ist === 2) {
      out.set(data.subarray(base, base + 2 * inner), w);
      w += 2 * inner;
    } else {
      for (let k = 0, p = base; k < inner; k++, p += ist) {
        out[w++] = data[p];
        out[w++] = data[p + 1];
      }
    }
  } while (w < 2 * n && carry(c, to, wordStrides, nd - 2));
  return [out, 1];
}

function pyNumber(v: bigint | number | boolean): number {
  return typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
}

function scalarSrc<T>(data: T): Src<T> {
  return { data, off: 0, strides: [], shape: [] };
}

/** Exactness as the generic path judges it (readFlat / flatOf): every value within +-2^53. */
function exactOperand(o: Operand): boolean {
  if (o.kind === 'py') return typeof o.value !== 'bigint' || (o.value <= 2n ** 53n && o.value >= -(2n ** 53n));
  const k = dtypeKey(o.arr.dtype);
  if (k !== 'i8' && k !== 'u8') return true;
  const w = wordSource(o.arr);
  const d = w.data;
  let hmax = 0;
  let hmin = 0;
  if (k === 'i8') {
    for (let i = 1; i < d.length; i += 2) {
      const hi = d[i];
      if (hi > hmax) hmax = hi;
      else if (hi < hmin) hmin = hi;
    }
  } else {
    for (let i = 1; i < d.length; i += 2) {
      const hi = d[i] >>> 0;
      if (hi > hmax) hmax = hi;
    }
  }
  // (a strided view's span may hold elements outside the view: the check then only errs towards "inexact")
  return !(hmax > 0x1fffff || hmin < -0x200000);
}

/**
 * `a op b` on typed arrays, or null when the generic path must do it. `opType`/`outType` come from
 * resolveBinary (which has already refused what NumPy refuses).
 */
export function fastBinary(
  op: BinOp,
  a: Operand,
  b: Operand,
  opType: DType,
  outType: DType,
  label: string,
): UfuncResult | null {
  if (a.kind !== 'array' && b.kind !== 'array') return null;
  for (const o of [a, b]) if (o.kind === 'array' && !FAST_KEYS.has(dtypeKey(o.arr.dtype))) return null;
  const opKey = dtypeKey(opType);
  if (!FAST_KEYS.has(opKey) || !FAST_KEYS.has(dtypeKey(outType))) return null;
  if (a.kind === 'array' && a.arr.size === 0) return null;
  if (b.kind === 'array' && b.arr.size === 0) return null;
  if (opKey === 'i8' || opKey === 'u8') {
    const int64 = BINARY_UFUNCS[op].int64;
    if (int64 === 'words') return int64Binary(op, a, b, opType, outType, label);
    if (int64 === 'doubles-within-2^53' && exactOperand(a) && exactOperand(b))
      return numberBinary(op, a, b, opType, outType, label);
    return null;
  }
  // a Python int beyond 2^53 next to a <=32-bit integer dtype (a bool array on ILP32): exact values needed
  if (opType.kind !== 'f' && (!exactOperand(a) || !exactOperand(b))) return null;
  return numberBinary(op, a, b, opType, outType, label);
}

function newOut(outType: DType, shape: number[], label: string): { mem: OwnedMemory; arr: () => NDArray } {
  const dtype = outType.isNative ? outType : outType.newByteOrder('<');
  const n = shapeSize(shape);
  const mem = new OwnedMemory(label, n * dtype.itemsize);
  return { mem, arr: () => new NDArray({ memory: mem, dtype, shape, label }) };
}

function numberBinary(op: BinOp, a: Operand, b: Operand, opType: DType, outType: DType, label: string): UfuncResult {
  const isF32 = opType.kind === 'f' && opType.itemsize === 4;
  const round = (v: number): number => (isF32 ? Math.fround(v) : v);
  const sa = a.kind === 'array' ? f64Source(a.arr) : scalarSrc(Float64Array.of(round(pyNumber(a.value))));
  const sb =
    b.kind === 'array'
      ? a.kind === 'array' && a.arr === b.arr
        ? sa
        : f64Source(b.arr)
      : scalarSrc(Float64Array.of(round(pyNumber(b.value))));
  const shape = broadcastShapes(sa.shape, sb.shape);
  const n = shapeSize(shape);
  // a single value (Python scalar, 0-d or all-broadcast operand) is read with step 0, not expanded
  const sameOperand = a.kind === 'array' && b.kind === 'array' && a.arr === b.arr;
  const [x, xs] = gatherF64(sa, shape, n);
  const [y, ys] = sameOperand ? [x, xs] : gatherF64(sb, shape, n);
  let divZero = false;
  let invalid = false;
  let overflow = false;

  if (isComparison(op)) {
    const out = newOut(outType, shape, label);
    const r = out.mem.view();
    switch (op) {
      case '<':
        for (let i = 0; i < n; i++) r[i] = x[i * xs] < y[i * ys] ? 1 : 0;
        break;
      case '<=':
        for (let i = 0; i < n; i++) r[i] = x[i * xs] <= y[i * ys] ? 1 : 0;
        break;
      case '>':
        for (let i = 0; i < n; i++) r[i] = x[i * xs] > y[i * ys] ? 1 : 0;
        break;
      case '>=':
        for (let i = 0; i < n; i++) r[i] = x[i * xs] >= y[i * ys] ? 1 : 0;
        break;
      case '==':
        for (let i = 0; i < n; i++) r[i] = x[i * xs] === y[i * ys] ? 1 : 0;
        break;
      default:
        for (let i = 0; i < n; i++) r[i] = x[i * xs] !== y[i * ys] ? 1 : 0;
    }
    return { arr: out.arr(), warnings: [] };
  }

  const outKey = dtypeKey(outType);
  const out = newOut(outType, shape, label);
  const outBuf = out.mem.view().buffer;
  // results go straight into the new array where the typed store is the conversion NumPy does (float32
  // rounds; int32/uint32 wrap); int64 results (`//` `%` within 2^53) are doubles converted in place after
  const r =
    outKey === 'f8' || outKey === 'i8' || outKey === 'u8'
      ? new Float64Array(outBuf, 0, n)
      : outKey === 'f4'
        ? new Float32Array(outBuf, 0, n)
        : outKey === 'i4' || outKey === 'u4'
          ? new Int32Array(outBuf, 0, n)
          : new Float64Array(n);

  if (opType.kind !== 'f') {
    // integers (and bool) of at most 32 bits, or int64 `//` `%` within 2^53: exact in doubles
    const bits = opType.itemsize * 8;
    const unsigned = opType.kind === 'u';
    switch (op) {
      case '+':
        if (opType.kind === 'b') for (let i = 0; i < n; i++) r[i] = x[i * xs] || y[i * ys] ? 1 : 0;
        else for (let i = 0; i < n; i++) r[i] = x[i * xs] + y[i * ys];
        break;
      case '-':
        for (let i = 0; i < n; i++) r[i] = x[i * xs] - y[i * ys];
        break;
      case '*':
        if (bits === 32) for (let i = 0; i < n; i++) r[i] = Math.imul(x[i * xs], y[i * ys]);
        else for (let i = 0; i < n; i++) r[i] = x[i * xs] * y[i * ys];
        break;
      case '//':
        for (let i = 0; i < n; i++) {
          const p = x[i * xs];
          const q = y[i * ys];
          if (q === 0) {
            divZero = true;
            r[i] = 0;
          } else {
            // one division: trunc(p / q) is the exact quotient for |p| <= 2^53, so p - t * q is the exact remainder
            const t = Math.trunc(p / q);
            r[i] = p - t * q !== 0 && p < 0 !== q < 0 ? t - 1 : t;
          }
        }
        break;
      case '%':
        for (let i = 0; i < n; i++) {
          const p = x[i * xs];
          const q = y[i * ys];
          if (q === 0) {
            divZero = true;
            r[i] = 0;
          } else {
            const m = p - Math.trunc(p / q) * q;
            r[i] = m !== 0 && m < 0 !== q < 0 ? m + q : m;
          }
        }
        break;
      case '&':
        for (let i = 0; i < n; i++) r[i] = x[i * xs] & y[i * ys];
        break;
      case '|':
        for (let i = 0; i < n; i++) r[i] = x[i * xs] | y[i * ys];
        break;
      case '^':
        for (let i = 0; i < n; i++) r[i] = x[i * xs] ^ y[i * ys];
        break;
      case '<<':
        for (let i = 0; i < n; i++) {
          const s = y[i * ys];
          r[i] = s >= bits || s < 0 ? 0 : x[i * xs] << s;
        }
        break;
      case '>>':
        for (let i = 0; i < n; i++) {
          const s = y[i * ys];
          const v = x[i * xs];
          if (s >= bits || s < 0) r[i] = v < 0 ? -1 : 0;
          else r[i] = unsigned ? v >>> s : v >> s;
        }
        break;
      case '**': {
        for (let i = 0; i < n; i++)
          if (y[i * ys] < 0) throw valueError('Integers to negative integer powers are not allowed.');
        for (let i = 0; i < n; i++) {
          let acc = 1;
          let base = x[i * xs] | 0;
          let e = y[i * ys] >>> 0;
          while (e > 0) {
            if (e & 1) acc = Math.imul(acc, base);
            base = Math.imul(base, base);
            e >>>= 1;
          }
          r[i] = acc;
        }
        break;
      }
      default:
        throw new Error(`unreachable ${op}`);
    }
    if (outKey === 'i8' || outKey === 'u8') doublesToInt64InPlace(r as Float64Array, n);
    else if (outKey !== 'i4' && outKey !== 'u4') storeNumbers(outKey, out.mem, r as Float64Array, n);
    return { arr: out.arr(), warnings: finish(op, divZero, overflow, invalid) };
  }

  // floating point (float32 operands are exact in doubles; + - * / rounded once to float32 are IEEE float32)
  switch (op) {
    case '+':
      for (let i = 0; i < n; i++) r[i] = x[i * xs] + y[i * ys];
      break;
    case '-':
      for (let i = 0; i < n; i++) r[i] = x[i * xs] - y[i * ys];
      break;
    case '*':
      for (let i = 0; i < n; i++) r[i] = x[i * xs] * y[i * ys];
      break;
    case '/':
      for (let i = 0; i < n; i++) {
        const p = x[i * xs];
        const q = y[i * ys];
        if (q === 0) {
          if (p === 0) invalid = true;
          else if (p === p) divZero = true;
        }
        r[i] = p / q;
      }
      break;
    case '//':
      for (let i = 0; i < n; i++) {
        const p = x[i * xs];
        const q = y[i * ys];
        if (q === 0) {
          if (p === 0 || p !== p) {
            if (p === p) invalid = true;
            r[i] = NaN;
          } else {
            divZero = true;
            r[i] = p / q;
          }
          continue;
        }
        r[i] = floorDivNonZero(p, q); // numpy's npy_floor_divide
      }
      break;
    case '%':
      for (let i = 0; i < n; i++) {
        const p = x[i * xs];
        const q = y[i * ys];
        if (q === 0) {
          if (p === p) invalid = true;
          r[i] = NaN;
          continue;
        }
        r[i] = floorModNonZero(p, q); // numpy's npy_remainder
      }
      break;
    case '**':
      for (let i = 0; i < n; i++) {
        const p = x[i * xs];
        const q = y[i * ys];
        const v = p ** q;
        if (v !== v && p === p && q === q) invalid = true;
        r[i] = p === 1 ? 1 : v;
      }
      break;
    default:
      throw new Error(`unreachable ${op}`);
  }
  const res = r as Float64Array | Float32Array;
  if (op !== '/' && op !== '//' && op !== '%') {
    for (let i = 0; i < n; i++) {
      const v = res[i];
      if ((v === Infinity || v === -Infinity) && Number.isFinite(x[i * xs]) && Number.isFinite(y[i * ys])) {
        overflow = true;
        break;
      }
    }
  }
  return { arr: out.arr(), warnings: finish(op, divZero, overflow, invalid) };
}

/** Store doubles into an owned bool/int/float32 buffer with the typed-array conversion (C's wrap for ints). */
function storeNumbers(key: string, mem: OwnedMemory, r: Float64Array, n: number): void {
  const buf = mem.view().buffer;
  if (key === 'b1') {
    const u = new Uint8Array(buf, 0, n);
    for (let i = 0; i < n; i++) u[i] = r[i] !== 0 ? 1 : 0;
  } else if (Object.hasOwn(NUMBER_ARRAYS, key)) new NUMBER_ARRAYS[key](buf, 0, n).set(r);
  else throw new Error(`unreachable output ${key}`);
}

function finish(op: BinOp, divZero: boolean, overflow: boolean, invalid: boolean): string[] {
  const name = BINARY_UFUNCS[op].name;
  const out: string[] = [];
  if (divZero) out.push(`divide by zero encountered in ${name}`);
  if (overflow) out.push(`overflow encountered in ${name}`);
  if (invalid) out.push(`invalid value encountered in ${name}`);
  return out;
}

function scalarWords(v: bigint | number | boolean): Int32Array {
  const big = typeof v === 'bigint' ? BigInt.asIntN(64, v) : BigInt(typeof v === 'boolean' ? (v ? 1 : 0) : v);
  const w = new Int32Array(2);
  w[0] = Number(BigInt.asIntN(32, big));
  w[1] = Number(BigInt.asIntN(32, big >> 32n));
  return w;
}

/** int64 / uint64 + - * & | ^ and comparisons on 32-bit word pairs (exact, wrapping like C). */
function int64Binary(op: BinOp, a: Operand, b: Operand, opType: DType, outType: DType, label: string): UfuncResult {
  const sa = a.kind === 'array' ? wordSource(a.arr) : scalarSrc(scalarWords(a.value));
  const sb = b.kind === 'array' ? wordSource(b.arr) : scalarSrc(scalarWords(b.value));
  const shape = broadcastShapes(sa.shape, sb.shape);
  const n = shapeSize(shape);
  const [x, xs] = gatherWords(sa, shape, n);
  const [y, ys] = gatherWords(sb, shape, n);
  const out = newOut(outType, shape, label);
  if (isComparison(op)) {
    const r = out.mem.view();
    const signed = opType.kind === 'i';
    // -1 / 0 / 1 per element, then the comparison
    for (let i = 0; i < n; i++) {
      const xh = x[2 * i * xs + 1];
      const yh = y[2 * i * ys + 1];
      let c: number;
      if (xh !== yh) {
        c = signed ? (xh < yh ? -1 : 1) : xh >>> 0 < yh >>> 0 ? -1 : 1;
      } else {
        const xl = x[2 * i * xs] >>> 0;
        const yl = y[2 * i * ys] >>> 0;
        c = xl < yl ? -1 : xl > yl ? 1 : 0;
      }
      r[i] = c;
    }
    switch (op) {
      case '<':
        for (let i = 0; i < n; i++) r[i] = r[i] === 255 ? 1 : 0;
        break;
      case '<=':
        for (let i = 0; i < n; i++) r[i] = r[i] !== 1 ? 1 : 0;
        break;
      case '>':
        for (let i = 0; i < n; i++) r[i] = r[i] === 1 ? 1 : 0;
        break;
      case '>=':
        for (let i = 0; i < n; i++) r[i] = r[i] !== 255 ? 1 : 0;
        break;
      case '==':
        for (let i = 0; i < n; i++) r[i] = r[i] === 0 ? 1 : 0;
        break;
      default:
        for (let i = 0; i < n; i++) r[i] = r[i] !== 0 ? 1 : 0;
    }
    return { arr: out.arr(), warnings: [] };
  }
  const r = new Int32Array(out.mem.view().buffer, 0, 2 * n);
  switch (op) {
    case '+':
      for (let i = 0; i < 2 * n; i += 2) {
        const lo = (x[i * xs] >>> 0) + (y[i * ys] >>> 0);
        r[i] = lo | 0;
        r[i + 1] = (x[i * xs + 1] + y[i * ys + 1] + (lo > 0xffffffff ? 1 : 0)) | 0;
      }
      break;
    case '-':
      for (let i = 0; i < 2 * n; i += 2) {
        const lo = (x[i * xs] >>> 0) - (y[i * ys] >>> 0);
        r[i] = lo | 0;
        r[i + 1] = (x[i * xs + 1] - y[i * ys + 1] - (lo < 0 ? 1 : 0)) | 0;
      }
      break;
    case '*':
      for (let i = 0; i < 2 * n; i += 2) {
        const al = x[i * xs];
        const bl = y[i * ys];
        // low 64 bits of (ah:al) * (bh:bl) = al*bl + ((ah*bl + al*bh) << 32)
        const a0 = al & 0xffff;
        const a1 = al >>> 16;
        const b0 = bl & 0xffff;
        const b1 = bl >>> 16;
        const p00 = a0 * b0;
        const p01 = a0 * b1;
        const p10 = a1 * b0;
        const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
        const hiProd = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
        r[i] = Math.imul(al, bl);
        r[i + 1] = (hiProd + Math.imul(x[i * xs + 1], bl) + Math.imul(al, y[i * ys + 1])) | 0;
      }
      break;
    case '&':
      for (let i = 0; i < 2 * n; i += 2) {
        r[i] = x[i * xs] & y[i * ys];
        r[i + 1] = x[i * xs + 1] & y[i * ys + 1];
      }
      break;
    case '|':
      for (let i = 0; i < 2 * n; i += 2) {
        r[i] = x[i * xs] | y[i * ys];
        r[i + 1] = x[i * xs + 1] | y[i * ys + 1];
      }
      break;
    case '^':
      for (let i = 0; i < 2 * n; i += 2) {
        r[i] = x[i * xs] ^ y[i * ys];
        r[i + 1] = x[i * xs + 1] ^ y[i * ys + 1];
      }
      break;
    default:
      throw new Error(`unreachable ${op}`);
  }
  return { arr: out.arr(), warnings: [] };
}

/** Integer-valued doubles within 2^53 -> int64 words, element by element over the same bytes. */
function doublesToInt64InPlace(f: Float64Array, n: number): void {
  const w = new Int32Array(f.buffer, f.byteOffset, 2 * n);
  for (let i = 0; i < n; i++) {
    const v = f[i];
    const hi = Math.floor(v / TWO32);
    w[2 * i] = (v - hi * TWO32) | 0;
    w[2 * i + 1] = hi;
  }
}
