/**
 * The Bytes view's search: a query as the bytes it stands for — hex ("93 4e 55", "0x934e55", "\x93NUMPY") or a
 * value of the array's own dtype written as that dtype stores it (byte order and width included: 42 in an '>i2'
 * array is 00 2a) — then core/byteSearch over the byte space. A value search matches only element starts.
 */
import { ArgumentError, CancelledError } from '../core/errors';
import type { DType, Value } from '../core/dtype';
import { findBytes, type ByteSearchOutcome } from '../core/byteSearch';
import { LIMITS, type ByteSearchRequest, type ByteSearchResult } from './contract';

/** Hex digits, spaces, commas, optional 0x / \x prefixes. */
export function hexPattern(query: string): Uint8Array {
  const digits = query.replace(/0x|\\x/gi, '').replace(/[\s,]/g, '');
  if (!/^[0-9a-f]*$/i.test(digits) || digits.length === 0 || digits.length % 2) {
    throw new ArgumentError(
      `'${query}' is not a hex byte pattern`,
      "pairs of hex digits, e.g. '93 4e 55' or '0x934e55'",
    );
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function parseValue(query: string, dtype: DType): Value {
  const t = query.trim();
  switch (dtype.kind) {
    case 'b':
      if (/^(True|1)$/.test(t)) return true;
      if (/^(False|0)$/.test(t)) return false;
      break;
    case 'i':
    case 'u':
    case 'm':
    case 'M':
      if (/^[-+]?[0-9]+$/.test(t)) return BigInt(t);
      break;
    case 'f': {
      const special: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity, '+inf': Infinity };
      if (t.toLowerCase() in special) return special[t.toLowerCase()];
      if (t !== '' && Number.isFinite(Number(t))) return Number(t);
      break;
    }
    case 'S': {
      const m = /^b?(['"])(.*)\1$/.exec(t);
      const text = m ? m[2] : t;
      if (/^[\x20-\x7e]*$/.test(text)) return text;
      break;
    }
    default:
      throw new ArgumentError(`search by value is not available for dtype ${dtype.str}`, 'a hex byte pattern');
  }
  throw new ArgumentError(
    `'${query}' is not a value of dtype ${dtype.str}`,
    dtype.kind === 'f' ? 'a number, nan or inf' : dtype.kind === 'b' ? 'True or False' : 'an integer',
  );
}

/** A value as the bytes an element of `dtype` holding it has (NaN matches only NumPy's default NaN bits). */
export function valuePattern(query: string, dtype: DType): Uint8Array {
  if (dtype.fields || dtype.subarray)
    throw new ArgumentError(`search by value is not available for structured dtype ${dtype.str}`, 'a hex byte pattern');
  const out = new Uint8Array(dtype.itemsize);
  let value = parseValue(query, dtype);
  if (dtype.kind === 'S' && typeof value === 'string') {
    // a shorter string is stored NUL-padded: search for its characters only
    const bytes = new TextEncoder().encode(value);
    if (bytes.length > dtype.itemsize)
      throw new ArgumentError(`'${value}' is longer than ${dtype.str}'s ${dtype.itemsize} bytes`);
    return bytes.length ? bytes : new Uint8Array(dtype.itemsize);
  }
  if (typeof value === 'bigint' && dtype.kind === 'u' && value < 0n)
    throw new ArgumentError(`${value} is negative; dtype ${dtype.str} is unsigned`, 'a non-negative integer');
  if (typeof value === 'bigint' && dtype.itemsize < 8) value = Number(value);
  dtype.encode(value, out, 0);
  return out;
}

export interface SearchSpace {
  size: number;
  read(offset: number, length: number): Uint8Array;
  dataOffset: number;
  dataEnd: number;
  dtype: DType;
}

/** What one search looks for: the pattern's bytes (and as hex), which matches count (a value search: only whole
 *  elements of the data), and where it starts. */
function searchPlan(space: SearchSpace, req: ByteSearchRequest) {
  const pattern = req.mode === 'hex' ? hexPattern(req.query) : valuePattern(req.query, space.dtype);
  const itemsize = space.dtype.itemsize;
  const accept =
    req.mode === 'value' && itemsize > 0
      ? (f: number) =>
          f >= space.dataOffset && f + pattern.length <= space.dataEnd && (f - space.dataOffset) % itemsize === 0
      : undefined;
  let hex = '';
  for (const b of pattern) hex += b.toString(16).padStart(2, '0');
  return { pattern, hex, accept, from: Math.min(req.from, Math.max(0, space.size - 1)) };
}

export function searchByteSpace(space: SearchSpace, req: ByteSearchRequest): ByteSearchResult {
  const { pattern, hex, accept, from } = searchPlan(space, req);
  const r = findBytes({
    size: space.size,
    read: space.read,
    pattern,
    from,
    direction: req.direction,
    maxBytes: LIMITS.maxSearchBytes,
    accept,
  });
  return { pattern: hex, ...r };
}

/** Bytes one synchronous step of `searchByteSpaceAsync` looks at. A step is one read (a mapped file's bytes cost
 *  ~15 ms a MiB here) and Buffer's native search; only matches `accept` refuses cost JavaScript (a value search whose
 *  bytes sit at every misaligned offset: ~50 ns each). 64 KiB keeps a step near 1–2 ms. */
export const SEARCH_STEP_BYTES = 64 * 1024;

/**
 * searchByteSpace without holding main's event loop: the same answer, found in steps of SEARCH_STEP_BYTES with a
 * yield to the event loop between them; `signal` stops it between steps (CancelledError).
 */
export async function searchByteSpaceAsync(
  space: SearchSpace,
  req: ByteSearchRequest,
  opts: { signal?: AbortSignal; onProgress?: (searched: number) => void; stepBytes?: number } = {},
): Promise<ByteSearchResult> {
  const STEP = opts.stepBytes ?? SEARCH_STEP_BYTES;
  const { pattern, hex, accept, from } = searchPlan(space, req);
  const step = (at: number, maxBytes: number) => findStep(space, pattern, at, req.direction, maxBytes, accept);
  const pause = async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (opts.signal?.aborted) throw new CancelledError('the byte search was cancelled');
  };
  if (req.direction === 'forward') {
    const limit = from + LIMITS.maxSearchBytes;
    for (let at = from; ;) {
      const r = step(at, Math.min(STEP, limit - at));
      if (r.found !== null || r.complete || r.searchedTo >= limit || r.searchedTo <= at)
        return { pattern: hex, ...r, searchedFrom: Math.min(from, r.searchedFrom) };
      at = r.searchedTo;
      opts.onProgress?.(at - from);
      await pause();
    }
  }
  let top: number | null = null; // one past the first match start looked at
  const bottom = (t: number) => Math.max(0, t - LIMITS.maxSearchBytes);
  for (let at = from; ;) {
    const r = step(at, top === null ? STEP : Math.min(STEP, at - bottom(top) + 1));
    top ??= r.searchedTo;
    if (r.found !== null || r.complete || r.searchedFrom <= bottom(top) || r.searchedFrom > at)
      return { pattern: hex, ...r, searchedTo: top };
    at = r.searchedFrom - 1;
    opts.onProgress?.(top - r.searchedFrom);
    await pause();
  }
}

/** core/byteSearch's findBytes (same answers) over one read, matching with Buffer's native indexOf / lastIndexOf. */
function findStep(
  space: SearchSpace,
  pattern: Uint8Array,
  from: number,
  direction: 'forward' | 'backward',
  maxBytes: number,
  accept: ((offset: number) => boolean) | undefined,
): ByteSearchOutcome {
  const m = pattern.length;
  const lastStart = space.size - m;
  const pat = Buffer.from(pattern.buffer, pattern.byteOffset, m);
  const bytes = (offset: number, length: number) => {
    const b = space.read(offset, length);
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  };
  if (direction === 'forward') {
    const start = Math.max(0, from);
    const stop = Math.min(lastStart + 1, start + maxBytes);
    if (start < stop) {
      const n = stop - start;
      const buf = bytes(start, n + m - 1);
      // Buffer's lastIndexOf skips (Boyer–Moore–Horspool) where indexOf walks byte by byte (~7 ns a byte when the
      // pattern's first byte is everywhere): ask it first whether the step holds a match at all
      if (buf.lastIndexOf(pat, n - 1) < 0)
        return { found: null, searchedFrom: start, searchedTo: stop, complete: stop >= lastStart + 1 };
      for (let i = buf.indexOf(pat, 0); i >= 0 && i < n; i = buf.indexOf(pat, i + 1)) {
        if (!accept || accept(start + i))
          return { found: start + i, searchedFrom: start, searchedTo: start + i + 1, complete: false };
      }
    }
    return { found: null, searchedFrom: start, searchedTo: Math.max(start, stop), complete: stop >= lastStart + 1 };
  }
  const top = Math.min(lastStart, from);
  const bottom = Math.max(0, top - maxBytes + 1);
  if (top >= bottom) {
    const buf = bytes(bottom, top - bottom + m);
    for (let i = buf.lastIndexOf(pat, top - bottom); i >= 0; i = i > 0 ? buf.lastIndexOf(pat, i - 1) : -1) {
      if (!accept || accept(bottom + i))
        return { found: bottom + i, searchedFrom: bottom + i, searchedTo: top + 1, complete: false };
    }
  }
  return { found: null, searchedFrom: bottom, searchedTo: Math.max(bottom, top + 1), complete: bottom === 0 };
}
