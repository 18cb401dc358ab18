/**
 * Find a byte pattern in a byte space too large to hold (a 4 GiB mapping): read it in CHUNK-sized pieces that
 * overlap by pattern length − 1, so a match across a chunk edge is found once; forward or backward from an offset;
 * at most `maxBytes` looked at per call (the caller continues from `searchedTo`). `accept` filters matches (a value
 * search takes only element starts).
 */
import { ArgumentError } from './errors';

const CHUNK = 4 * 1024 * 1024;

export interface ByteSearchOutcome {
  found: number | null;
  /** [searchedFrom, searchedTo): the match starts looked at */
  searchedFrom: number;
  searchedTo: number;
  complete: boolean;
}

export interface ByteSearchInput {
  size: number;
  read(offset: number, length: number): Uint8Array;
  pattern: Uint8Array;
  from: number;
  direction: 'forward' | 'backward';
  maxBytes: number;
  accept?: (offset: number) => boolean;
}

function matchesAt(chunk: Uint8Array, i: number, pattern: Uint8Array): boolean {
  for (let k = 1; k < pattern.length; k++) if (chunk[i + k] !== pattern[k]) return false;
  return true;
}

export function findBytes({
  size,
  read,
  pattern,
  from,
  direction,
  maxBytes,
  accept,
}: ByteSearchInput): ByteSearchOutcome {
  const m = pattern.length;
  if (m === 0) throw new ArgumentError('the search pattern is empty', 'at least one byte');
  const lastStart = size - m; // the last offset a match may start at
  if (direction === 'forward') {
    const start = Math.max(0, from);
    const stop = Math.min(lastStart + 1, start + maxBytes); // exclusive
    for (let c = start; c < stop; c += CHUNK) {
      const n = Math.min(CHUNK, stop - c);
      const chunk = read(c, n + m - 1);
      for (let i = chunk.indexOf(pattern[0]); i >= 0 && i < n; i = chunk.indexOf(pattern[0], i + 1)) {
        if (matchesAt(chunk, i, pattern) && (!accept || accept(c + i)))
          return { found: c + i, searchedFrom: start, searchedTo: c + i + 1, complete: false };
      }
    }
    return { found: null, searchedFrom: start, searchedTo: Math.max(start, stop), complete: stop >= lastStart + 1 };
  }
  const top = Math.min(lastStart, from); // inclusive
  const bottom = Math.max(0, top - maxBytes + 1);
  for (let c = top + 1; c > bottom; c -= CHUNK) {
    const lo = Math.max(bottom, c - CHUNK);
    const n = c - lo;
    const chunk = read(lo, n + m - 1);
    for (let i = chunk.lastIndexOf(pattern[0], n - 1); i >= 0; i = i > 0 ? chunk.lastIndexOf(pattern[0], i - 1) : -1) {
      if (matchesAt(chunk, i, pattern) && (!accept || accept(lo + i)))
        return { found: lo + i, searchedFrom: lo + i, searchedTo: top + 1, complete: false };
    }
  }
  return { found: null, searchedFrom: bottom, searchedTo: Math.max(bottom, top + 1), complete: bottom === 0 };
}
