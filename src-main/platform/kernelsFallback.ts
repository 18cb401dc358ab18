/**
 * The kernels of native/kernels.c, in TypeScript, over a Memory (bounded windows copied out with
 * `memory.read`, decoded with DataView). This is what answers when the native library is missing
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
import { type DType, NATIVE_BYTE_ORDER, halfToNumber, numberToHalf } from '../core/dtype';

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
  return { code, cName, kind, itemsize: dtype.itemsize, littleEndian: order === '<', byteswap: dtype.itemsize > 1 && order !== NATIVE_BYTE_ORDER };
}

// ------------------------------------------------------------------------------------------------ iteration

export const MAX_DIMS = 64;

/** A view reduced to runs: the last axis is the run; offsets in bytes from memory byte 0. */
export interface Runs {
  size: number;
  base: number;
  shape: number[];
  strides: number[];
}

/** sk_prepare: see kernels.h for the two orders. */
export function prepareRuns(shape: readonly number[], strides: readonly number[], offset: number, order: 'logical' | 'memory'): Runs {
  if (shape.length > MAX_DIMS) throw new UnsupportedError(`the kernels take at most ${MAX_DIMS} dimensions, got ${shape.length}`);
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
  const runs = r.size / n;
  const idx = new Array<number>(nd).fill(0);
  let p = r.base;
  for (let k = 0; k < runs; k++) {
    fn(p, n, s);
    for (let d = nd - 2; d >= 0; d--) {
      p += r.strides[d];
      if (++idx[d] < r.shape[d]) break;
      p -= r.strides[d] * r.shape[d];
      idx[d] = 0;
    }
  }
}

// ------------------------------------------------------------------------------------------------ windows

/** Bytes read from the memory per window. */
export const WINDOW_BYTES = 4 << 20;

/**
 * A cache of one bounded window of the memory, refilled along a run. `at(p)` makes sure the `width` bytes at
 * byte offset p are in the window and returns their position in `bytes`/`view`.
 */
class WindowReader {
  bytes: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(new ArrayBuffer(0));
  private f64cache: Float64Array | null = null;
  private f32cache: Float32Array | null = null;
  private start = 0;
  private end = 0;
  private runP = 0;
  private runN = 0;
  private runS = 0;

  constructor(
    private readonly memory: Memory,
    private readonly width: number,
  ) {}

  get stride(): number {
    return this.runS;
  }

  /** The window as float64 / float32 in this machine's order (the window buffer starts at byte 0). */
  f64(): Float64Array {
    return (this.f64cache ??= new Float64Array(this.bytes.buffer, 0, this.bytes.byteLength >> 3));
  }
  f32(): Float32Array {
    return (this.f32cache ??= new Float32Array(this.bytes.buffer, 0, this.bytes.byteLength >> 2));
  }

  /** True when elements [i, i+n) of the run are all inside the window (after `at(i)`). */
  holds(o0: number, n: number): boolean {
    return this.runS > 0 && o0 + (n - 1) * this.runS + this.width <= this.bytes.length;
  }

  setRun(p: number, n: number, s: number): void {
    this.runP = p;
    this.runN = n;
    this.runS = s;
  }

  /** Position in `bytes` of element i of the current run. */
  at(i: number): number {
    const q = this.runP + i * this.runS;
    if (q >= this.start && q + this.width <= this.end) return q - this.start;
    this.fill(i);
    return q - this.start;
  }

  private fill(i: number): void {
    const { runP: p, runN: n, runS: s, width: w } = this;
    let lo: number;
    let hi: number;
    if (s === 0) {
      lo = p;
      hi = p + w;
    } else {
      const span = Math.abs(s);
      const k = Math.max(0, Math.min(n - 1 - i, Math.floor((WINDOW_BYTES - w) / span)));
      const a = p + i * s;
      const b = p + (i + k) * s;
      lo = Math.min(a, b);
      hi = Math.max(a, b) + w;
    }
    this.bytes = this.memory.read(lo, hi - lo);
    if (this.bytes.byteOffset !== 0) this.bytes = this.bytes.slice(); // typed views below assume byte 0
    this.f64cache = null;
    this.f32cache = null;
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    this.start = lo;
    this.end = hi;
  }
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

// ------------------------------------------------------------------------------------------------ float sums

type Loader = (r: WindowReader, i0: number, n: number, dst: Float64Array) => void;

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function floatLoader(t: NumericType): Loader {
  const le = t.littleEndian;
  const hostOrder = le === HOST_LE;
  switch (t.code) {
    case 11:
      return (r, i0, n, dst) => {
        const o0 = r.at(i0);
        const s = r.stride;
        if (hostOrder && (s & 7) === 0 && (o0 & 7) === 0 && r.holds(o0, n)) {
          // fast path: a typed view of the window (same values as DataView, fewer checks)
          const f64 = r.f64();
          const step = s >> 3;
          let idx = o0 >> 3;
          for (let k = 0; k < n; k++, idx += step) dst[k] = f64[idx];
          return;
        }
        for (let k = 0; k < n; k++) {
          const o = r.at(i0 + k);
          dst[k] = r.view.getFloat64(o, le);
        }
      };
    case 10:
      return (r, i0, n, dst) => {
        const o0 = r.at(i0);
        const s = r.stride;
        if (hostOrder && (s & 3) === 0 && (o0 & 3) === 0 && r.holds(o0, n)) {
          const f32 = r.f32();
          const step = s >> 2;
          let idx = o0 >> 2;
          for (let k = 0; k < n; k++, idx += step) dst[k] = f32[idx];
          return;
        }
        for (let k = 0; k < n; k++) {
          const o = r.at(i0 + k);
          dst[k] = r.view.getFloat32(o, le);
        }
      };
    case 9:
      return (r, i0, n, dst) => {
        for (let k = 0; k < n; k++) {
          const o = r.at(i0 + k);
          dst[k] = halfToNumber(r.view.getUint16(o, le));
        }
      };
    case 13:
      return (r, i0, n, dst) => {
        for (let k = 0; k < n; k++) {
          const o = r.at(i0 + k);
          dst[2 * k] = r.view.getFloat64(o, le);
          dst[2 * k + 1] = r.view.getFloat64(o + 8, le);
        }
      };
    case 12:
      return (r, i0, n, dst) => {
        for (let k = 0; k < n; k++) {
          const o = r.at(i0 + k);
          dst[2 * k] = r.view.getFloat32(o, le);
          dst[2 * k + 1] = r.view.getFloat32(o + 4, le);
        }
      };
    default:
      throw new Error(`no float loader for code ${t.code}`);
  }
}

/** NumPy's pairwise sum in double precision (mirror of SK_PAIRWISE with ACC = double). */
function pairwise64(r: WindowReader, load: Loader, i0: number, n: number, buf: Float64Array): number {
  if (n < 8) {
    load(r, i0, n, buf);
    let res = 0;
    for (let k = 0; k < n; k++) res += buf[k];
    return res;
  }
  if (n <= 128) {
    load(r, i0, n, buf);
    let r0 = buf[0], r1 = buf[1], r2 = buf[2], r3 = buf[3], r4 = buf[4], r5 = buf[5], r6 = buf[6], r7 = buf[7];
    let i = 8;
    const end = n - (n % 8);
    for (; i < end; i += 8) {
      r0 += buf[i];
      r1 += buf[i + 1];
      r2 += buf[i + 2];
      r3 += buf[i + 3];
      r4 += buf[i + 4];
      r5 += buf[i + 5];
      r6 += buf[i + 6];
      r7 += buf[i + 7];
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += buf[i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  const lo = pairwise64(r, load, i0, n2, buf);
  const hi = pairwise64(r, load, i0 + n2, n - n2, buf);
  return lo + hi;
}

const f = Math.fround;

/** The same in float32 arithmetic (every operation rounded with Math.fround). */
function pairwise32(r: WindowReader, load: Loader, i0: number, n: number, buf: Float64Array): number {
  if (n < 8) {
    load(r, i0, n, buf);
    let res = 0;
    for (let k = 0; k < n; k++) res = f(res + buf[k]);
    return res;
  }
  if (n <= 128) {
    load(r, i0, n, buf);
    let r0 = buf[0], r1 = buf[1], r2 = buf[2], r3 = buf[3], r4 = buf[4], r5 = buf[5], r6 = buf[6], r7 = buf[7];
    let i = 8;
    const end = n - (n % 8);
    for (; i < end; i += 8) {
      r0 = f(r0 + buf[i]);
      r1 = f(r1 + buf[i + 1]);
      r2 = f(r2 + buf[i + 2]);
      r3 = f(r3 + buf[i + 3]);
      r4 = f(r4 + buf[i + 4]);
      r5 = f(r5 + buf[i + 5]);
      r6 = f(r6 + buf[i + 6]);
      r7 = f(r7 + buf[i + 7]);
    }
    let res = f(f(f(r0 + r1) + f(r2 + r3)) + f(f(r4 + r5) + f(r6 + r7)));
    for (; i < n; i++) res = f(res + buf[i]);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  const lo = pairwise32(r, load, i0, n2, buf);
  const hi = pairwise32(r, load, i0 + n2, n - n2, buf);
  return f(lo + hi);
}

/** NumPy's complex pairwise sum (mirror of SK_CPAIRWISE); `single` = float32 arithmetic. Returns [re, im]. */
function cpairwise(r: WindowReader, load: Loader, i0: number, m: number, buf: Float64Array, single: boolean): [number, number] {
  const add = single ? (a: number, b: number) => f(a + b) : (a: number, b: number) => a + b;
  if (m < 4) {
    load(r, i0, m, buf);
    let re = 0;
    let im = 0;
    for (let k = 0; k < m; k++) {
      re = add(re, buf[2 * k]);
      im = add(im, buf[2 * k + 1]);
    }
    return [re, im];
  }
  if (m <= 64) {
    load(r, i0, m, buf);
    const acc = [buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7]];
    let i = 4;
    const end = m - (m % 4);
    for (; i < end; i += 4) {
      for (let j = 0; j < 4; j++) {
        acc[2 * j] = add(acc[2 * j], buf[2 * (i + j)]);
        acc[2 * j + 1] = add(acc[2 * j + 1], buf[2 * (i + j) + 1]);
      }
    }
    let re = add(add(acc[0], acc[2]), add(acc[4], acc[6]));
    let im = add(add(acc[1], acc[3]), add(acc[5], acc[7]));
    for (; i < m; i++) {
      re = add(re, buf[2 * i]);
      im = add(im, buf[2 * i + 1]);
    }
    return [re, im];
  }
  const k = (m - (m % 8)) / 2;
  const [r1, i1] = cpairwise(r, load, i0, k, buf, single);
  const [r2, i2] = cpairwise(r, load, i0 + k, m - k, buf, single);
  return [add(r1, r2), add(i1, i2)];
}

function floatSum(view: KernelView, t: NumericType): KernelValue {
  const runs = prepareRuns(view.shape, view.strides, view.offset, 'memory');
  const reader = new WindowReader(view.memory, t.itemsize);
  const load = floatLoader(t);
  const buf = new Float64Array(256);
  if (t.kind === 'complex') {
    const single = t.code === 12;
    let ar = 0;
    let ai = 0;
    forEachRun(runs, (p, n, s) => {
      reader.setRun(p, n, s);
      const [rr, ri] = cpairwise(reader, load, 0, n, buf, single);
      ar = single ? f(ar + rr) : ar + rr;
      ai = single ? f(ai + ri) : ai + ri;
    });
    return { type: 'complex', re: ar, im: ai };
  }
  let acc = 0;
  forEachRun(runs, (p, n, s) => {
    reader.setRun(p, n, s);
    if (t.code === 11) acc += pairwise64(reader, load, 0, n, buf);
    else if (t.code === 10) acc = f(acc + pairwise32(reader, load, 0, n, buf));
    else acc = halfToNumber(numberToHalf(f(acc + pairwise32(reader, load, 0, n, buf))));
  });
  return { type: 'float', value: acc };
}

// ------------------------------------------------------------------------------------------------ element scans

/** min / max / count_nan / count_nonzero over floats and complex (mirror of SK_FLOAT_REDUCE / SK_COMPLEX_REDUCE). */
function floatScan(view: KernelView, t: NumericType, op: ReductionName): KernelValue {
  const runs = prepareRuns(view.shape, view.strides, view.offset, 'memory');
  if ((op === 'min' || op === 'max') && runs.size === 0) throw emptyReductionError(op);
  const reader = new WindowReader(view.memory, t.itemsize);
  const load = floatLoader(t);
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
      load(reader, i0, m, buf);
      for (let k = 0; k < m; k++) {
        const vr = complex ? buf[2 * k] : buf[k];
        const vi = complex ? buf[2 * k + 1] : 0;
        const isNaN = vr !== vr || vi !== vi;
        if (op === 'count_nan') count += isNaN ? 1 : 0;
        else if (op === 'count_nonzero') count += vr !== 0 || vi !== 0 ? 1 : 0;
        else if (nan) continue;
        else if (isNaN) {
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
function intScan(view: KernelView, t: NumericType, op: ReductionName): KernelValue {
  const runs = prepareRuns(view.shape, view.strides, view.offset, 'memory');
  const signed = t.kind === 'int';
  const resultType = t.kind === 'uint' ? 'uint' : 'int';
  if (op === 'count_nan') return { type: 'int', value: 0n };
  if ((op === 'min' || op === 'max') && runs.size === 0) throw emptyReductionError(op);
  const reader = new WindowReader(view.memory, t.itemsize);
  const le = t.littleEndian;
  const wide = t.itemsize === 8;
  // narrow (<= 4 bytes) values as exact numbers
  const get: (dv: DataView, o: number) => number =
    t.code === 0 ? (dv, o) => (dv.getUint8(o) !== 0 ? 1 : 0)
    : t.code === 1 ? (dv, o) => dv.getInt8(o)
    : t.code === 2 ? (dv, o) => dv.getUint8(o)
    : t.code === 3 ? (dv, o) => dv.getInt16(o, le)
    : t.code === 4 ? (dv, o) => dv.getUint16(o, le)
    : t.code === 5 ? (dv, o) => dv.getInt32(o, le)
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
          } else if (op === 'min' ? hi < bestHi || (hi === bestHi && lo < bestLo) : hi > bestHi || (hi === bestHi && lo > bestLo)) {
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
export function reduceFallback(op: ReductionName, view: KernelView): KernelValue {
  const t = numericType(view.dtype);
  if (t.kind === 'float' || t.kind === 'complex') return op === 'sum' ? floatSum(view, t) : floatScan(view, t, op);
  return intScan(view, t, op);
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
function forEachElementBytes(view: KernelView, fn: (bytes: Uint8Array, start: number, end: number) => void): void {
  const w = view.dtype.itemsize;
  const runs = prepareRuns(view.shape, view.strides, view.offset, 'logical');
  if (w === 0 || runs.size === 0) return;
  const reader = new WindowReader(view.memory, w);
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
export function checksumFallback(view: KernelView): bigint {
  const h = new Fnv1a64();
  forEachElementBytes(view, (b, s, e) => h.update(b, s, e));
  return h.digest();
}

/** sk_copy_contiguous: the element bytes in logical order (np.ascontiguousarray(a).tobytes()). */
export function contiguousCopyFallback(view: KernelView, maxBytes = 1 << 30): Uint8Array {
  let size = 1;
  for (const d of view.shape) size *= d;
  const nbytes = size * view.dtype.itemsize;
  if (nbytes > maxBytes) throw new BoundsError(`a contiguous copy of ${nbytes} bytes is larger than the ${maxBytes}-byte limit`);
  const out = new Uint8Array(nbytes);
  let w = 0;
  forEachElementBytes(view, (b, s, e) => {
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
