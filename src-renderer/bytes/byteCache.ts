/**
 * The byte grid's cache: a file's bytes fetched from main in aligned WINDOW-byte windows, kept in an LRU of
 * MAX_WINDOWS, the windows around the viewport fetched first and the next ones ahead in the scroll direction, at
 * most MAX_IN_FLIGHT requests at a time, requests for positions already left behind dropped. Nobody waits on it:
 * a reader gets `undefined` for a byte not here yet, and `onArrive(window)` says when one lands.
 */

/** Bytes per fetched window (512 rows, ~20 screens). */
export const WINDOW = 8192;
const MAX_WINDOWS = 128;
const MAX_IN_FLIGHT = 3;

/** Main's readBytes as hex, or null when it failed (the window stays missing and is asked again later). */
export type Fetch = (offset: number, length: number) => Promise<string | null>;

const HEX_VALUE = (() => {
  const t = new Uint8Array(128);
  for (let i = 0; i < 10; i++) t[48 + i] = i;
  for (let i = 0; i < 6; i++) t[97 + i] = t[65 + i] = 10 + i;
  return t;
})();

export function decodeHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0, j = 0; i < out.length; i++, j += 2)
    out[i] = (HEX_VALUE[hex.charCodeAt(j)] << 4) | HEX_VALUE[hex.charCodeAt(j + 1)];
  return out;
}

export class ByteWindowCache {
  private cache = new Map<number, Uint8Array>();
  private pending = new Set<number>();
  private queue: number[] = [];
  private inFlight = 0;
  private wanted = new Set<number>();
  private disposed = false;

  constructor(
    private readonly size: number,
    private readonly fetch: Fetch,
    private readonly onArrive: (window: number) => void,
  ) {}

  dispose(): void {
    this.disposed = true;
  }

  /** The window holding byte `f`, or undefined while it loads. */
  window(w: number): Uint8Array | undefined {
    return this.cache.get(w);
  }

  byteAt(f: number): number | undefined {
    const w = Math.floor(f / WINDOW);
    const win = this.cache.get(w);
    if (!win) return undefined;
    const i = f - w * WINDOW;
    return i < win.length ? win[i] : undefined;
  }

  /** Ask for the windows covering bytes [firstByte, lastByte], then one ahead in direction `dir` and one behind. */
  want(firstByte: number, lastByte: number, dir: number): void {
    const nWindows = Math.ceil(this.size / WINDOW);
    const a = Math.floor(firstByte / WINDOW);
    const b = Math.floor(Math.min(this.size - 1, lastByte) / WINDOW);
    const order: number[] = [];
    for (let w = a; w <= b; w++) order.push(w);
    const ahead = dir >= 0 ? [b + 1, a - 1] : [a - 1, b + 1];
    for (const w of ahead) if (w >= 0 && w < nWindows) order.push(w);
    this.wanted = new Set(order);
    // visible windows jump the queue; what was queued for an earlier position is dropped
    this.queue = order.filter((w) => !this.cache.has(w) && !this.pending.has(w));
    for (const w of order) {
      const hit = this.cache.get(w);
      if (hit) {
        // LRU: touch
        this.cache.delete(w);
        this.cache.set(w, hit);
      }
    }
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length) {
      const w = this.queue.shift()!;
      if (!this.wanted.has(w) || this.cache.has(w) || this.pending.has(w)) continue;
      this.pending.add(w);
      this.inFlight++;
      const off = w * WINDOW;
      const len = Math.min(WINDOW, this.size - off);
      void this.fetch(off, len)
        .then((hex) => {
          if (this.disposed || hex === null) return;
          if (this.cache.size >= MAX_WINDOWS) this.cache.delete(this.cache.keys().next().value as number);
          this.cache.set(w, decodeHex(hex));
          this.onArrive(w);
        })
        .finally(() => {
          this.pending.delete(w);
          this.inFlight--;
          if (!this.disposed) this.pump();
        });
    }
  }
}
