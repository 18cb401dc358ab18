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

// ------------------------------------------------------------------------------------------------ windows

/** Bytes copied out of the memory per window (at most; a window never spans more than the run needs). */
export const WINDOW_BYTES = 1 << 20;

/**
 * Where the kernels get bytes from: the contents of memory bytes [offset, offset+length), already checked by the
 * provider (alive, inside, a mapped file still long enough). The result may be a buffer the provider reuses on
 * its next call, and the kernels may modify it (they byte-swap windows in place). The default is
 * `memory.read` (a fresh, checked copy per window); nativeKernels passes a reused buffer filled by one guarded
 * native memcpy for file mappings.
 */
export type WindowFetch = (offset: number, length: number) => Uint8Array;

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

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Reverse each `unit`-byte group of `count` elements of `width` bytes at byte positions 0, step, 2*step, ... of
 * `b` (b.byteOffset is 0). Fast path: one DataView load in the stored order and one store in this machine's
 * order per group (V8 compiles both to a load + bswap; measured ~3x faster than swapping 32-bit words by hand).
 * Going through a float keeps every non-NaN value bit for bit; a NaN stays a NaN (its payload does not matter
 * to any kernel result: sums, min/max and counts only see "NaN").
 */
function swapInPlace(b: Uint8Array, count: number, step: number, width: number, unit: number): void {
  const dv = new DataView(b.buffer, 0, b.byteLength);
  // literal byte-order flags in each loop: V8 then emits a plain load + bswap (a variable flag costs ~60% more)
  if (unit === 8 && step === width) {
    const e = count * width;
    if (HOST_LE) for (let o = 0; o < e; o += 8) dv.setFloat64(o, dv.getFloat64(o, false), true);
    else for (let o = 0; o < e; o += 8) dv.setFloat64(o, dv.getFloat64(o, true), false);
    return;
  }
  if (unit === 4 && step === width) {
    const e = count * width;
    if (HOST_LE) for (let o = 0; o < e; o += 4) dv.setFloat32(o, dv.getFloat32(o, false), true);
    else for (let o = 0; o < e; o += 4) dv.setFloat32(o, dv.getFloat32(o, true), false);
    return;
  }
  if (unit === 8 && width === 8) {
    const e = count * step;
    if (HOST_LE) for (let o = 0; o < e; o += step) dv.setFloat64(o, dv.getFloat64(o, false), true);
    else for (let o = 0; o < e; o += step) dv.setFloat64(o, dv.getFloat64(o, true), false);
    return;
  }
  if (unit === 4 && width === 4) {
    const e = count * step;
    if (HOST_LE) for (let o = 0; o < e; o += step) dv.setFloat32(o, dv.getFloat32(o, false), true);
    else for (let o = 0; o < e; o += step) dv.setFloat32(o, dv.getFloat32(o, true), false);
    return;
  }
  const from = !HOST_LE;
  for (let j = 0, q = 0; j < count; j++, q += step) {
    for (let g = q; g < q + width; g += unit) {
      if (unit === 8) dv.setFloat64(g, dv.getFloat64(g, from), HOST_LE);
      else if (unit === 4) dv.setFloat32(g, dv.getFloat32(g, from), HOST_LE);
      else if (unit === 2) dv.setUint16(g, dv.getUint16(g, from), HOST_LE);
      else {
        for (let x = g, y = g + unit - 1; x < y; x++, y--) {
          const t = b[x];
          b[x] = b[y];
          b[y] = t;
        }
      }
    }
  }
}

/**
 * A cache of one bounded window of the memory, refilled along a run. `at(i)` makes sure element i of the run
 * is in the window and returns its position in `bytes`; `span(i, n)` does the same for n elements at once.
 *
 * With `swapUnit` > 0 (a byte-swapped dtype) the run's elements are byte-swapped in the window as it is filled,
 * so typed arrays over it read this machine's order — unless the run's elements overlap (|stride| < itemsize),
 * where swapping in place would mix neighbours: then nothing is swapped and `le` says how to decode.
 */
class WindowReader {
  bytes: Uint8Array = new Uint8Array(0);
  /** The little-endian flag to decode the window's elements with (after swapping: this machine's order). */
  le: boolean;
  private dv: DataView | null = null;
  private f64c: Float64Array | null = null;
  private f32c: Float32Array | null = null;
  private u16c: Uint16Array | null = null;
  private start = 0;
  private end = 0;
  private runP = 0;
  private runN = 0;
  private runS = 0;
  private swapRun = false;

  constructor(
    private readonly fetch: WindowFetch,
    private readonly width: number,
    private readonly storedLE = HOST_LE,
    private readonly swapUnit = 0,
    private readonly windowBytes = WINDOW_BYTES,
  ) {
    this.le = storedLE;
  }

  get stride(): number {
    return this.runS;
  }

  get view(): DataView {
    return (this.dv ??= new DataView(this.bytes.buffer, 0, this.bytes.byteLength));
  }

  /** Typed views of the whole window buffer (it starts at byte 0; callers stay inside the window). */
  f64(): Float64Array {
    return (this.f64c ??= new Float64Array(this.bytes.buffer, 0, this.bytes.buffer.byteLength >> 3));
  }
  f32(): Float32Array {
    return (this.f32c ??= new Float32Array(this.bytes.buffer, 0, this.bytes.buffer.byteLength >> 2));
  }
  u16(): Uint16Array {
    return (this.u16c ??= new Uint16Array(this.bytes.buffer, 0, this.bytes.buffer.byteLength >> 1));
  }

  setRun(p: number, n: number, s: number): void {
    this.runP = p;
    this.runN = n;
    this.runS = s;
    if (this.swapUnit > 0) {
      // a swapped window holds one run's elements swapped: never reuse it for another run
      this.start = 0;
      this.end = 0;
      this.swapRun = s === 0 || Math.abs(s) >= this.width;
      this.le = this.swapRun ? HOST_LE : this.storedLE;
    }
  }

  /** Position in `bytes` of element i of the current run. */
  at(i: number): number {
    const q = this.runP + i * this.runS;
    if (q >= this.start && q + this.width <= this.end) return q - this.start;
    this.fill(i);
    return q - this.start;
  }

  /**
   * Position in `bytes` of element i0 with elements [i0, i0+n) of the current run all in the window (refilled
   * from i0 if needed), or -1 when they cannot be in one window (negative or too large a stride).
   */
  span(i0: number, n: number): number {
    const s = this.runS;
    if (s < 0) return -1;
    const q = this.runP + i0 * s;
    const need = (n - 1) * s + this.width;
    if (q >= this.start && q + need <= this.end) return q - this.start;
    if (need > this.windowBytes) return -1;
    this.fill(i0);
    return q - this.start;
  }

  private fill(i: number): void {
    const { runP: p, runN: n, runS: s, width: w } = this;
    let lo: number;
    let hi: number;
    let count = 1;
    if (s === 0) {
      lo = p;
      hi = p + w;
    } else {
      const span = Math.abs(s);
      const k = Math.max(0, Math.min(n - 1 - i, Math.floor((this.windowBytes - w) / span)));
      const a = p + i * s;
      const b = p + (i + k) * s;
      lo = Math.min(a, b);
      hi = Math.max(a, b) + w;
      count = k + 1;
    }
    let bytes = this.fetch(lo, hi - lo);
    if (bytes.byteOffset !== 0) bytes = bytes.slice(); // typed views assume the window starts at byte 0
    if (bytes.buffer !== this.bytes.buffer) {
      this.f64c = null;
      this.f32c = null;
      this.u16c = null;
    }
    this.bytes = bytes;
    this.dv = null;
    this.start = lo;
    this.end = hi;
    // the window starts at an element of this run and holds `count` of them, |s| apart
    if (this.swapRun) swapInPlace(bytes, count, s === 0 ? w : Math.abs(s), w, this.swapUnit);
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

// ------------------------------------------------------------------------------------------------ loads

const f = Math.fround;

let halfTable: Float32Array | undefined;
/** float16 bits -> value, for all 65536 patterns (exact in float32). */
function halves(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToNumber(h);
  }
  return halfTable;
}

/** The reader's `le` says the window's elements are in this machine's order (typed arrays may read them). */
const typedOK = (r: WindowReader, pos: number, s: number, part: number): boolean =>
  pos >= 0 && r.le === HOST_LE && (pos & (part - 1)) === 0 && (s & (part - 1)) === 0;

/**
 * Values of elements [i0, i0+n) of the current run into dst (complex: re, im interleaved): typed-array copies
 * when the window allows, DataView per element otherwise (unaligned, overlapping or too sparse runs).
 */
function loadValues(r: WindowReader, code: number, i0: number, n: number, dst: Float64Array | Float32Array): void {
  const part = code === 11 || code === 13 ? 8 : code === 9 ? 2 : 4;
  const pos = r.span(i0, n);
  const s = r.stride;
  if (typedOK(r, pos, s, part)) {
    const a = part === 8 ? r.f64() : part === 4 ? r.f32() : r.u16();
    const st = s / part;
    let i = pos / part;
    if (code === 9) {
      const h = halves();
      for (let k = 0; k < n; k++, i += st) dst[k] = h[a[i]];
    } else if (code === 12 || code === 13) {
      for (let k = 0; k < n; k++, i += st) {
        dst[2 * k] = a[i];
        dst[2 * k + 1] = a[i + 1];
      }
    } else {
      for (let k = 0; k < n; k++, i += st) dst[k] = a[i];
    }
    return;
  }
  const le = r.le;
  for (let k = 0; k < n; k++) {
    const o = r.at(i0 + k);
    const dv = r.view;
    switch (code) {
      case 11:
        dst[k] = dv.getFloat64(o, le);
        break;
      case 10:
        dst[k] = dv.getFloat32(o, le);
        break;
      case 9:
        dst[k] = halfToNumber(dv.getUint16(o, le));
        break;
      case 13:
        dst[2 * k] = dv.getFloat64(o, le);
        dst[2 * k + 1] = dv.getFloat64(o + 8, le);
        break;
      default:
        dst[2 * k] = dv.getFloat32(o, le);
        dst[2 * k + 1] = dv.getFloat32(o + 4, le);
    }
  }
}

// ------------------------------------------------------------------------------------------------ float sums

/*
 * NumPy's pairwise sum (mirror of SK_PAIRWISE / SK_CPAIRWISE, see kernels.h), leaves summed straight from a
 * typed array over the window: `a[i]`, `a[i + st]`, ... for n elements (st in array elements; 0 = broadcast).
 */

/** Leaf in double precision. */
function leaf64(a: Float64Array, i: number, st: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let k = 0; k < n; k++, i += st) res += a[i];
    return res;
  }
  const s2 = 2 * st,
    s3 = 3 * st,
    s4 = 4 * st,
    s5 = 5 * st,
    s6 = 6 * st,
    s7 = 7 * st,
    s8 = 8 * st;
  let r0 = a[i],
    r1 = a[i + st],
    r2 = a[i + s2],
    r3 = a[i + s3],
    r4 = a[i + s4],
    r5 = a[i + s5],
    r6 = a[i + s6],
    r7 = a[i + s7];
  const end = n - (n % 8);
  let k = 8;
  i += s8;
  if (st === 1) {
    for (; k < end; k += 8, i += 8) {
      r0 += a[i];
      r1 += a[i + 1];
      r2 += a[i + 2];
      r3 += a[i + 3];
      r4 += a[i + 4];
      r5 += a[i + 5];
      r6 += a[i + 6];
      r7 += a[i + 7];
    }
  } else {
    for (; k < end; k += 8, i += s8) {
      r0 += a[i];
      r1 += a[i + st];
      r2 += a[i + s2];
      r3 += a[i + s3];
      r4 += a[i + s4];
      r5 += a[i + s5];
      r6 += a[i + s6];
      r7 += a[i + s7];
    }
  }
  let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
  for (; k < n; k++, i += st) res += a[i];
  return res;
}

/** Leaf in float32 arithmetic (every operation rounded with Math.fround; inputs are float32 values). */
function leaf32(a: Float32Array, i: number, st: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let k = 0; k < n; k++, i += st) res = f(res + a[i]);
    return res;
  }
  const s2 = 2 * st,
    s3 = 3 * st,
    s4 = 4 * st,
    s5 = 5 * st,
    s6 = 6 * st,
    s7 = 7 * st,
    s8 = 8 * st;
  let r0 = a[i],
    r1 = a[i + st],
    r2 = a[i + s2],
    r3 = a[i + s3],
    r4 = a[i + s4],
    r5 = a[i + s5],
    r6 = a[i + s6],
    r7 = a[i + s7];
  const end = n - (n % 8);
  let k = 8;
  for (i += s8; k < end; k += 8, i += s8) {
    r0 = f(r0 + a[i]);
    r1 = f(r1 + a[i + st]);
    r2 = f(r2 + a[i + s2]);
    r3 = f(r3 + a[i + s3]);
    r4 = f(r4 + a[i + s4]);
    r5 = f(r5 + a[i + s5]);
    r6 = f(r6 + a[i + s6]);
    r7 = f(r7 + a[i + s7]);
  }
  let res = f(f(f(r0 + r1) + f(r2 + r3)) + f(f(r4 + r5) + f(r6 + r7)));
  for (; k < n; k++, i += st) res = f(res + a[i]);
  return res;
}

/** Leaf over float16 bits (each converted exactly through the table), float32 arithmetic. */
function leaf16(a: Uint16Array, h: Float32Array, i: number, st: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let k = 0; k < n; k++, i += st) res = f(res + h[a[i]]);
    return res;
  }
  const s2 = 2 * st,
    s3 = 3 * st,
    s4 = 4 * st,
    s5 = 5 * st,
    s6 = 6 * st,
    s7 = 7 * st,
    s8 = 8 * st;
  let r0 = h[a[i]],
    r1 = h[a[i + st]],
    r2 = h[a[i + s2]],
    r3 = h[a[i + s3]],
    r4 = h[a[i + s4]],
    r5 = h[a[i + s5]],
    r6 = h[a[i + s6]],
    r7 = h[a[i + s7]];
  const end = n - (n % 8);
  let k = 8;
  for (i += s8; k < end; k += 8, i += s8) {
    r0 = f(r0 + h[a[i]]);
    r1 = f(r1 + h[a[i + st]]);
    r2 = f(r2 + h[a[i + s2]]);
    r3 = f(r3 + h[a[i + s3]]);
    r4 = f(r4 + h[a[i + s4]]);
    r5 = f(r5 + h[a[i + s5]]);
    r6 = f(r6 + h[a[i + s6]]);
    r7 = f(r7 + h[a[i + s7]]);
  }
  let res = f(f(f(r0 + r1) + f(r2 + r3)) + f(f(r4 + r5) + f(r6 + r7)));
  for (; k < n; k++, i += st) res = f(res + h[a[i]]);
  return res;
}

const BUF64 = new Float64Array(2 * 1024);
const BUF32 = new Float32Array(2 * 1024);

/** Pairwise sum of elements [i0, i0+n) of the current run of a real float type (code 9, 10, 11). */
function pairwiseReal(r: WindowReader, code: number, i0: number, n: number): number {
  if (n > 128) {
    let n2 = Math.floor(n / 2);
    n2 -= n2 % 8;
    const lo = pairwiseReal(r, code, i0, n2);
    const hi = pairwiseReal(r, code, i0 + n2, n - n2);
    return code === 11 ? lo + hi : f(lo + hi);
  }
  const pos = r.span(i0, n);
  const s = r.stride;
  if (code === 11) {
    if (typedOK(r, pos, s, 8)) return leaf64(r.f64(), pos >> 3, s >> 3, n);
    loadValues(r, code, i0, n, BUF64);
    return leaf64(BUF64, 0, 1, n);
  }
  if (code === 10) {
    if (typedOK(r, pos, s, 4)) return leaf32(r.f32(), pos >> 2, s >> 2, n);
    loadValues(r, code, i0, n, BUF32);
    return leaf32(BUF32, 0, 1, n);
  }
  if (typedOK(r, pos, s, 2)) return leaf16(r.u16(), halves(), pos >> 1, s >> 1, n);
  loadValues(r, code, i0, n, BUF32); // float16 values are exact in float32
  return leaf32(BUF32, 0, 1, n);
}

/** Complex results of cpairwise: [re, im] (module scratch, read right after each call). */
const CRES = new Float64Array(2);

const add64 = (x: number, y: number): number => x + y;
const add32 = (x: number, y: number): number => f(x + y);

/** Complex leaf (m <= 64 elements; parts at a[i], a[i+1]; element stride st in array elements). */
function cleaf(a: Float64Array | Float32Array, i: number, st: number, m: number, single: boolean): void {
  const add = single ? add32 : add64;
  if (m < 4) {
    let re = 0;
    let im = 0;
    for (let k = 0; k < m; k++, i += st) {
      re = add(re, a[i]);
      im = add(im, a[i + 1]);
    }
    CRES[0] = re;
    CRES[1] = im;
    return;
  }
  const s2 = 2 * st,
    s3 = 3 * st,
    s4 = 4 * st;
  let r0 = a[i],
    r1 = a[i + 1],
    r2 = a[i + st],
    r3 = a[i + st + 1],
    r4 = a[i + s2],
    r5 = a[i + s2 + 1],
    r6 = a[i + s3],
    r7 = a[i + s3 + 1];
  const end = m - (m % 4);
  let k = 4;
  for (i += s4; k < end; k += 4, i += s4) {
    r0 = add(r0, a[i]);
    r1 = add(r1, a[i + 1]);
    r2 = add(r2, a[i + st]);
    r3 = add(r3, a[i + st + 1]);
    r4 = add(r4, a[i + s2]);
    r5 = add(r5, a[i + s2 + 1]);
    r6 = add(r6, a[i + s3]);
    r7 = add(r7, a[i + s3 + 1]);
  }
  let re = add(add(r0, r2), add(r4, r6));
  let im = add(add(r1, r3), add(r5, r7));
  for (; k < m; k++, i += st) {
    re = add(re, a[i]);
    im = add(im, a[i + 1]);
  }
  CRES[0] = re;
  CRES[1] = im;
}

/** NumPy's complex pairwise sum of elements [i0, i0+m) of the current run (code 12, 13) into CRES. */
function pairwiseComplex(r: WindowReader, code: number, i0: number, m: number): void {
  const single = code === 12;
  if (m > 64) {
    const k = (m - (m % 8)) / 2;
    pairwiseComplex(r, code, i0, k);
    const r1 = CRES[0];
    const i1 = CRES[1];
    pairwiseComplex(r, code, i0 + k, m - k);
    CRES[0] = single ? f(r1 + CRES[0]) : r1 + CRES[0];
    CRES[1] = single ? f(i1 + CRES[1]) : i1 + CRES[1];
    return;
  }
  const part = single ? 4 : 8;
  const pos = r.span(i0, m);
  const s = r.stride;
  if (typedOK(r, pos, s, part)) {
    if (single) cleaf(r.f32(), pos >> 2, s >> 2, m, true);
    else cleaf(r.f64(), pos >> 3, s >> 3, m, false);
    return;
  }
  const buf = single ? BUF32 : BUF64;
  loadValues(r, code, i0, m, buf);
  cleaf(buf, 0, 2, m, single);
}

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
