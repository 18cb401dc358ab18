/**
 * The kernels' windows: bounded copies (WINDOW_BYTES) of the memory a run of elements lies in, fetched by
 * `memory.read` or a caller's WindowFetch, byte-swapped in place when the dtype is not in this machine's order, and
 * read by WindowReader through typed arrays when aligned, DataView otherwise.
 */

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

/** This machine stores numbers little-endian. */
export const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Reverse each `unit`-byte group of `count` elements of `width` bytes at byte positions 0, step, 2*step, ... of
 * `b` (b.byteOffset is 0). Packed groups go through Buffer's swap16/32/64 (C++); strided ones through one DataView
 * load in the stored order and one store in this machine's order per group (V8 compiles both to a load + bswap;
 * measured ~3x faster than swapping 32-bit words by hand).
 * Going through a float keeps every non-NaN value bit for bit; a NaN stays a NaN (its payload does not matter
 * to any kernel result: sums, min/max and counts only see "NaN").
 */
function swapInPlace(b: Uint8Array, count: number, step: number, width: number, unit: number): void {
  const dv = new DataView(b.buffer, 0, b.byteLength);
  // literal byte-order flags in each loop: V8 then emits a plain load + bswap (a variable flag costs ~60% more)
  // packed groups: Node's Buffer swap (C++, every bit kept, NaN payloads too) — 1.6x the DataView loop here
  if ((unit === 8 || unit === 4 || unit === 2) && step === width) {
    const packed = Buffer.from(b.buffer, b.byteOffset, count * width);
    if (unit === 8) packed.swap64();
    else if (unit === 4) packed.swap32();
    else packed.swap16();
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
export class WindowReader {
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
