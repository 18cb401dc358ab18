/**
 * The kernels of native/kernels.c, in TypeScript, over a Memory: bounded windows (WINDOW_BYTES) copied out
 * — `memory.read`, or a caller's WindowFetch that copies into one reused buffer — and read through typed arrays
 * when the elements are aligned in the window (byte-swapped dtypes: the window is swapped in place first),
 * through DataView otherwise. This is what answers when the native library is missing
 * (NumPy's "the ctypes attribute still returns something useful"), and it is always tested against C.
 *
 * Same results as C, by construction rather than by tolerance:
 * - the same iteration orders (kernels.h: LOGICAL for walk/checksum/copy, MEMORY — flip negative strides,
 *   stable sort by stride, coalesce — for reductions), computed by `prepareRuns` exactly as `sk_prepare`;
 * - the same float summation: NumPy's pairwise sum per run (8 partial sums, blocks of 128, split at
 *   n/2 - (n/2)%8; complex: NumPy's complex variant), runs added to an accumulator that starts at +0.0;
 *   float32/float16 arithmetic is reproduced with Math.fround after every operation, float16 accumulators
 *   are rounded to float16 after each run. So float results are bit-identical to C, not merely close;
 * - integer sums wrap modulo 2^64 (kept exact with 32-bit halves and BigInt), so they are bit-identical too;
 * - min/max: the first element seeds, replaced only when strictly smaller/larger; any NaN wins (the first);
 *   complex lexicographic. count_nan / count_nonzero as in C.
 * - checksum: FNV-1a 64 over the element bytes in logical order (64-bit arithmetic on 32-bit halves).
 */
import { ArgumentError, BoundsError, UnsupportedError } from '../core/errors';
import type { Memory } from '../core/memory';
import { type DType, NATIVE_BYTE_ORDER } from '../core/dtype';
import { halfToNumber, numberToHalf } from '../core/floats';
import { forEachRun, prepareRuns } from '../core/iterate';
import { HOST_LE, WINDOW_BYTES, WindowReader, type WindowFetch } from './kernelWindows';
import { CRES, loadValues, pairwiseComplex, pairwiseReal } from './pairwiseSum';

export const KERNEL_NAMES = ['sum', 'min', 'max', 'count_nan', 'count_nonzero', 'checksum', 'contiguous_copy'] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];
export type ReductionName = 'sum' | 'min' | 'max' | 'count_nan' | 'count_nonzero';

/** The view a kernel runs over: what NDArray provides (structurally, so tests can pass plain objects). */
export interface KernelView {
  memory: Memory;
  dtype: DType;
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

// ------------------------------------------------------------------------------------------------ dtype codes

export type NumericKind = 'bool' | 'int' | 'uint' | 'float' | 'complex';

export interface NumericType {
  /** enum sk_dtype */
  code: number;
  /** 'SK_FLOAT64' */
  cName: string;
  kind: NumericKind;
  itemsize: number;
  /** stored bytes are little-endian (DataView's flag); true for 1-byte types */
  littleEndian: boolean;
  /** the byteswap argument of the C kernels: stored order differs from this machine's */
  byteswap: boolean;
}

const CODES: Record<string, [number, string, NumericKind]> = {
  b1: [0, 'SK_BOOL', 'bool'],
  i1: [1, 'SK_INT8', 'int'],
  u1: [2, 'SK_UINT8', 'uint'],
  i2: [3, 'SK_INT16', 'int'],
  u2: [4, 'SK_UINT16', 'uint'],
  i4: [5, 'SK_INT32', 'int'],
  u4: [6, 'SK_UINT32', 'uint'],
  i8: [7, 'SK_INT64', 'int'],
  u8: [8, 'SK_UINT64', 'uint'],
  f2: [9, 'SK_FLOAT16', 'float'],
  f4: [10, 'SK_FLOAT32', 'float'],
  f8: [11, 'SK_FLOAT64', 'float'],
  c8: [12, 'SK_COMPLEX64', 'complex'],
  c16: [13, 'SK_COMPLEX128', 'complex'],
};

/** The kernels' numeric type for a dtype, or an UnsupportedError saying why the reductions cannot run. */
export function numericType(dtype: DType): NumericType {
  const entry = dtype.fields || dtype.subarray ? undefined : CODES[`${dtype.kind}${dtype.itemsize}`];
  if (!entry) {
    throw new UnsupportedError(
      `the reduction kernels take numeric dtypes (bool, int8..int64, uint8..uint64, float16/32/64, complex64/128), not ${dtype.name} ('${dtype.str}')`,
    );
  }
  const [code, cName, kind] = entry;
  const order = dtype.byteorder === '|' ? NATIVE_BYTE_ORDER : dtype.byteorder;
  return {
    code,
    cName,
    kind,
    itemsize: dtype.itemsize,
    littleEndian: order === '<',
    byteswap: dtype.itemsize > 1 && order !== NATIVE_BYTE_ORDER,
  };
}

// ------------------------------------------------------------------------------------------------ iteration

// The iteration orders (prepareRuns / forEachRun) live in core/iterate, shared with walks, gathers and ufuncs.

export interface FallbackOptions {
  fetch?: WindowFetch;
  /** Window size in bytes (default WINDOW_BYTES; tests make it tiny to cross window edges). */
  windowBytes?: number;
}

function fetchOf(view: KernelView, opts: FallbackOptions | undefined): WindowFetch {
  if (opts?.fetch) return opts.fetch;
  const memory = view.memory;
  return (offset, length) => memory.read(offset, length);
}

function windowBytesOf(opts: FallbackOptions | undefined): number {
  const w = opts?.windowBytes;
  return w !== undefined && Number.isSafeInteger(w) && w > 0 ? w : WINDOW_BYTES;
}

// ------------------------------------------------------------------------------------------------ results

/** A kernel's raw result (before JSON spelling). */
export type KernelValue =
  | { type: 'int'; value: bigint }
  | { type: 'uint'; value: bigint }
  | { type: 'float'; value: number }
  | { type: 'complex'; re: number; im: number }
  | { type: 'bool'; value: boolean }
  | { type: 'copy'; nbytes: number; checksum: bigint };

export function emptyReductionError(name: string): ArgumentError {
  const op = name === 'min' ? 'minimum' : 'maximum';
  return new ArgumentError(`zero-size array to reduction operation ${op} which has no identity`);
}

/** float32 rounding: float32 and float16 sums are rounded after every operation, as C does. */
const f = Math.fround;

/** The swap unit of a numeric type's elements for WindowReader (0 when stored in this machine's order). */
function swapUnitOf(t: NumericType): number {
  return t.byteswap ? (t.kind === 'complex' ? t.itemsize / 2 : t.itemsize) : 0;
}

function floatSum(view: KernelView, t: NumericType, fetch: WindowFetch, windowBytes: number): KernelValue {
  const runs = prepareRuns(view.shape, view.strides, view.offset, 'memory');
  const reader = new WindowReader(fetch, t.itemsize, t.littleEndian, swapUnitOf(t), windowBytes);
  if (t.kind === 'complex') {
    const single = t.code === 12;
    let ar = 0;
    let ai = 0;
    forEachRun(runs, (p, n, s) => {
      reader.setRun(p, n, s);
      pairwiseComplex(reader, t.code, 0, n);
      ar = single ? f(ar + CRES[0]) : ar + CRES[0];
      ai = single ? f(ai + CRES[1]) : ai + CRES[1];
    });
    return { type: 'complex', re: ar, im: ai };
  }
  let acc = 0;
  forEachRun(runs, (p, n, s) => {
    reader.setRun(p, n, s);
    const r = pairwiseReal(reader, t.code, 0, n);
    if (t.code === 11) acc += r;
    else if (t.code === 10) acc = f(acc + r);
    else acc = halfToNumber(numberToHalf(f(acc + r)));
  });
  return { type: 'float', value: acc };
}

// ------------------------------------------------------------------------------------------------ element scans

/** min / max / count_nan / count_nonzero over floats and complex (mirror of SK_FLOAT_REDUCE / SK_COMPLEX_REDUCE). */
function floatScan(
  view: KernelView,
  t: NumericType,
  op: ReductionName,
  fetch: WindowFetch,
  windowBytes: number,
): KernelValue {
  const runs = prepareRuns(view.shape, view.strides, view.offset, 'memory');
  if ((op === 'min' || op === 'max') && runs.size === 0) throw emptyReductionError(op);
  const reader = new WindowReader(fetch, t.itemsize, t.littleEndian, swapUnitOf(t), windowBytes);
  const buf = new Float64Array(2 * 1024);
  const complex = t.kind === 'complex';
  let count = 0;
  let first = true;
  let nan = false;
  let br = 0;
  let bi = 0;
  forEachRun(runs, (p, n, s) => {
    reader.setRun(p, n, s);
    for (let i0 = 0; i0 < n; i0 += 1024) {
      const m = Math.min(1024, n - i0);
      loadValues(reader, t.code, i0, m, buf);
      if (op === 'count_nan' || op === 'count_nonzero') {
        const nz = op === 'count_nonzero';
        if (complex) {
          for (let k = 0; k < 2 * m; k += 2) {
            const vr = buf[k];
            const vi = buf[k + 1];
            count += (nz ? vr !== 0 || vi !== 0 : vr !== vr || vi !== vi) ? 1 : 0;
          }
        } else {
          for (let k = 0; k < m; k++) {
            const v = buf[k];
            count += (nz ? v !== 0 : v !== v) ? 1 : 0;
          }
        }
        continue;
      }
      for (let k = 0; k < m && !nan; k++) {
        const vr = complex ? buf[2 * k] : buf[k];
        const vi = complex ? buf[2 * k + 1] : 0;
        if (vr !== vr || vi !== vi) {
          nan = true;
          br = vr;
          bi = vi;
        } else if (first) {
          br = vr;
          bi = vi;
          first = false;
        } else if (op === 'min' ? vr < br || (vr === br && vi < bi) : vr > br || (vr === br && vi > bi)) {
          br = vr;
          bi = vi;
        }
      }
    }
  });
  if (op === 'count_nan' || op === 'count_nonzero') return { type: 'int', value: BigInt(count) };
  if (complex) return { type: 'complex', re: br, im: bi };
  return { type: 'float', value: nan ? NaN : br };
}

const TWO32 = 4294967296;

/** Every reduction over bool / signed / unsigned integers (mirror of SK_INT_REDUCE). */
function intScan(
  view: KernelView,
  t: NumericType,
  op: ReductionName,
  fetch: WindowFetch,
  windowBytes: number,
): KernelValue {
  const runs = prepareRuns(view.shape, view.strides, view.offset, 'memory');
  const signed = t.kind === 'int';
  const resultType = t.kind === 'uint' ? 'uint' : 'int';
  if (op === 'count_nan') return { type: 'int', value: 0n };
  if ((op === 'min' || op === 'max') && runs.size === 0) throw emptyReductionError(op);
  const reader = new WindowReader(fetch, t.itemsize, t.littleEndian, 0, windowBytes);
  const le = t.littleEndian;
  const wide = t.itemsize === 8;
  // narrow (<= 4 bytes) values as exact numbers
  const get: (dv: DataView, o: number) => number =
    t.code === 0
      ? (dv, o) => (dv.getUint8(o) !== 0 ? 1 : 0)
      : t.code === 1
        ? (dv, o) => dv.getInt8(o)
        : t.code === 2
          ? (dv, o) => dv.getUint8(o)
          : t.code === 3
            ? (dv, o) => dv.getInt16(o, le)
            : t.code === 4
              ? (dv, o) => dv.getUint16(o, le)
              : t.code === 5
                ? (dv, o) => dv.getInt32(o, le)
                : (dv, o) => dv.getUint32(o, le);
  const loOff = le ? 0 : 4;
  const hiOff = le ? 4 : 0;

  let total = 0n; // wrapping sum, flushed from `part`
  let part = 0;
  let partHi = 0;
  let count = 0;
  let first = true;
  let best = 0; // narrow
  let bestHi = 0; // wide: (hi, lo), hi signed for int64
  let bestLo = 0;
  let sinceFlush = 0;
  const flush = () => {
    total = BigInt.asUintN(64, total + BigInt(part) + (BigInt(partHi) << 32n));
    part = 0;
    partHi = 0;
    sinceFlush = 0;
  };

  forEachRun(runs, (p, n, s) => {
    reader.setRun(p, n, s);
    for (let i = 0; i < n; i++) {
      const o = reader.at(i);
      const dv = reader.view;
      if (wide) {
        const lo = dv.getUint32(o + loOff, le);
        const hiU = dv.getUint32(o + hiOff, le);
        if (op === 'sum') {
          part += lo;
          partHi += hiU;
          if (++sinceFlush === 1 << 20) flush();
        } else if (op === 'count_nonzero') {
          count += lo !== 0 || hiU !== 0 ? 1 : 0;
        } else {
          const hi = signed ? hiU | 0 : hiU;
          if (first) {
            bestHi = hi;
            bestLo = lo;
            first = false;
          } else if (
            op === 'min' ? hi < bestHi || (hi === bestHi && lo < bestLo) : hi > bestHi || (hi === bestHi && lo > bestLo)
          ) {
            bestHi = hi;
            bestLo = lo;
          }
        }
      } else {
        const v = get(dv, o);
        if (op === 'sum') {
          part += v;
          if (++sinceFlush === 1 << 20) flush();
        } else if (op === 'count_nonzero') {
          count += v !== 0 ? 1 : 0;
        } else if (first) {
          best = v;
          first = false;
        } else if (op === 'min' ? v < best : v > best) {
          best = v;
        }
      }
    }
  });
  if (op === 'count_nonzero') return { type: 'int', value: BigInt(count) };
  if (op === 'sum') {
    flush();
    return { type: resultType, value: resultType === 'int' ? BigInt.asIntN(64, total) : total };
  }
  if (t.kind === 'bool') return { type: 'bool', value: best !== 0 };
  if (wide) {
    const bits = (BigInt(bestHi >>> 0) << 32n) | BigInt(bestLo);
    return { type: resultType, value: signed ? BigInt.asIntN(64, bits) : bits };
  }
  return { type: resultType, value: BigInt(best) };
}

/** sum, min, max, count_nan, count_nonzero of a numeric view. */
export function reduceFallback(op: ReductionName, view: KernelView, opts?: FallbackOptions): KernelValue {
  const t = numericType(view.dtype);
  const fetch = fetchOf(view, opts);
  const wb = windowBytesOf(opts);
  if (t.kind === 'float' || t.kind === 'complex')
    return op === 'sum' ? floatSum(view, t, fetch, wb) : floatScan(view, t, op, fetch, wb);
  return intScan(view, t, op, fetch, wb);
}

// ------------------------------------------------------------------------------------------------ bytes in logical order

export const FNV_OFFSET_BASIS = 0xcbf29ce484222325n;

/** Incremental FNV-1a 64 on two 32-bit halves (prime 2^40 + 0x1b3). */
export class Fnv1a64 {
  private lo = 0x84222325;
  private hi = 0xcbf29ce4;

  update(bytes: Uint8Array, start = 0, end = bytes.length): void {
    let lo = this.lo;
    let hi = this.hi;
    for (let i = start; i < end; i++) {
      lo = (lo ^ bytes[i]) >>> 0;
      const t = lo * 0x1b3; // < 2^41: exact
      const tlo = t >>> 0;
      const carry = Math.floor(t / TWO32);
      hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
      lo = tlo;
    }
    this.lo = lo;
    this.hi = hi;
  }

  digest(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}

/** Visit the view's element bytes in logical order, in contiguous pieces: fn(bytes, start, end). */
function forEachElementBytes(
  view: KernelView,
  opts: FallbackOptions | undefined,
  fn: (bytes: Uint8Array, start: number, end: number) => void,
): void {
  const w = view.dtype.itemsize;
  const runs = prepareRuns(view.shape, view.strides, view.offset, 'logical');
  if (w === 0 || runs.size === 0) return;
  const reader = new WindowReader(fetchOf(view, opts), w, HOST_LE, 0, windowBytesOf(opts));
  forEachRun(runs, (p, n, s) => {
    reader.setRun(p, n, s);
    if (s === w) {
      // contiguous run: whole windows at a time
      let i = 0;
      while (i < n) {
        const o = reader.at(i);
        const avail = Math.min(n - i, Math.floor((reader.bytes.length - o) / w));
        fn(reader.bytes, o, o + avail * w);
        i += avail;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const o = reader.at(i);
        fn(reader.bytes, o, o + w);
      }
    }
  });
}

/** sk_checksum: FNV-1a 64 of the element bytes in logical order. */
export function checksumFallback(view: KernelView, opts?: FallbackOptions): bigint {
  const h = new Fnv1a64();
  forEachElementBytes(view, opts, (b, s, e) => h.update(b, s, e));
  return h.digest();
}

/** sk_copy_contiguous: the element bytes in logical order (np.ascontiguousarray(a).tobytes()). */
export function contiguousCopyFallback(view: KernelView, maxBytes = 1 << 30, opts?: FallbackOptions): Uint8Array {
  let size = 1;
  for (const d of view.shape) size *= d;
  const nbytes = size * view.dtype.itemsize;
  if (nbytes > maxBytes)
    throw new BoundsError(`a contiguous copy of ${nbytes} bytes is larger than the ${maxBytes}-byte limit`);
  const out = new Uint8Array(nbytes);
  let w = 0;
  forEachElementBytes(view, opts, (b, s, e) => {
    out.set(b.subarray(s, e), w);
    w += e - s;
  });
  return out;
}

/** sk_byteswap_inplace: reverse each `unit`-byte group of every element (logical order; overlaps swap again). */
export function byteswapFallback(view: KernelView, unit: number): void {
  const w = view.dtype.itemsize;
  if (unit <= 0 || w % unit !== 0) throw new ArgumentError(`byteswap unit ${unit} does not divide itemsize ${w}`);
  const runs = prepareRuns(view.shape, view.strides, view.offset, 'logical');
  if (runs.size === 0 || w === 0 || unit === 1) return;
  forEachRun(runs, (p, n, s) => {
    for (let i = 0; i < n; i++) {
      const q = p + i * s;
      const item = view.memory.read(q, w);
      for (let g = 0; g < w; g += unit) item.subarray(g, g + unit).reverse();
      view.memory.write(q, item);
    }
  });
}
