/**
 * Layout: shape + strides + offset and nothing else (scijs `ndarray` style).
 *
 * Strides and offset are in BYTES; `offset` is the position of element [0, 0, ...] measured from byte 0 of
 * the Memory the array sits on. Everything here is pure arithmetic on those three things plus an itemsize:
 * NumPy's contiguity rules, alignment, byte bounds, index <-> offset, and the walk over elements in logical
 * C order (the order `a.flat` visits them).
 */
import { LayoutError } from './errors';
import { carry, type Cursor } from './iterate';

export interface Layout {
  shape: number[];
  strides: number[];
  offset: number;
}

/** Number of elements: the product of the shape (1 for a 0-d array). */
export function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * C-order strides as NumPy fills them for a view over existing data (`_array_fill_strides`): the last axis
 * moves by one item, and a length-0 axis counts as length 1 when computing the axes before it.
 */
export function cStrides(shape: readonly number[], itemsize: number): number[] {
  const out = new Array<number>(shape.length);
  let s = itemsize;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    if (shape[i] !== 0) s *= shape[i];
  }
  return out;
}

/** Fortran-order strides (first axis moves by one item), same length-0 rule as `cStrides`. */
export function fStrides(shape: readonly number[], itemsize: number): number[] {
  const out = new Array<number>(shape.length);
  let s = itemsize;
  for (let i = 0; i < shape.length; i++) {
    out[i] = s;
    if (shape[i] !== 0) s *= shape[i];
  }
  return out;
}

/**
 * NumPy's C_CONTIGUOUS (relaxed strides): axes of length 1 are ignored whatever their stride,
 * and an array with no elements is contiguous.
 */
export function isCContiguous(layout: Layout, itemsize: number): boolean {
  const { shape, strides } = layout;
  if (shape.some((d) => d === 0)) return true;
  let sd = itemsize;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i];
    if (d !== 1) {
      if (strides[i] !== sd) return false;
      sd *= d;
    }
  }
  return true;
}

/** NumPy's F_CONTIGUOUS, same relaxed rules as `isCContiguous`. */
export function isFContiguous(layout: Layout, itemsize: number): boolean {
  const { shape, strides } = layout;
  if (shape.some((d) => d === 0)) return true;
  let sd = itemsize;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d !== 1) {
      if (strides[i] !== sd) return false;
      sd *= d;
    }
  }
  return true;
}

/**
 * NumPy's ALIGNED (`raw_array_is_aligned`): the first element's address and every stride that is actually
 * used (axes longer than 1) are multiples of `alignment`. An array with no elements is aligned.
 * `address` is the address of the MEMORY's byte 0; the layout's offset is added here.
 */
export function isAligned(address: bigint, layout: Layout, alignment: number): boolean {
  if (alignment === 1) return true;
  if (alignment < 1) return false;
  const { shape, strides } = layout;
  for (let i = 0; i < shape.length; i++) if (shape[i] === 0) return true;
  const a = BigInt(alignment);
  if ((((address + BigInt(layout.offset)) % a) + a) % a !== 0n) return false;
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] > 1 && strides[i] % alignment !== 0) return false;
  }
  return true;
}

/**
 * Like `np.byte_bounds`, relative to the memory's byte 0: [low, high) covers every byte any element can
 * touch. An array with no elements has low = high = offset.
 */
export function byteBounds(layout: Layout, itemsize: number): { low: number; high: number } {
  const { shape, strides, offset } = layout;
  if (size(shape) === 0) return { low: offset, high: offset };
  let low = offset;
  let high = offset;
  for (let i = 0; i < shape.length; i++) {
    const span = (shape[i] - 1) * strides[i];
    if (span < 0) low += span;
    else high += span;
  }
  return { low, high: high + itemsize };
}

/** Byte offset (from memory byte 0) of the element at `index`; every index must be in [0, shape). */
export function elementOffset(layout: Layout, index: readonly number[]): number {
  const { shape, strides } = layout;
  if (index.length !== shape.length) {
    throw new LayoutError(`an index of ${index.length} numbers was given for an array with ${shape.length} dimensions`);
  }
  let off = layout.offset;
  for (let i = 0; i < shape.length; i++) {
    const k = index[i];
    if (!Number.isInteger(k) || k < 0 || k >= shape[i]) {
      throw new LayoutError(`index ${k} is out of bounds for axis ${i} with size ${shape[i]}`);
    }
    off += k * strides[i];
  }
  return off;
}

/** The multi-index of flat position `flat` in logical C order. */
export function unravelIndex(shape: readonly number[], flat: number): number[] {
  const index = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i];
    if (d === 0) return index;
    index[i] = rest % d;
    rest = Math.floor(rest / d);
  }
  return index;
}

function checkWalkRange(total: number, start: number, count: number): void {
  if (!Number.isInteger(start) || start < 0 || start > total) {
    throw new LayoutError(`walk start ${start} is outside [0, ${total}]`);
  }
  if (!Number.isInteger(count) || count < 0)
    throw new LayoutError(`walk count ${count} must be a non-negative integer`);
}

/**
 * Every element in logical C order (the order of `a.flat`), from flat position `start`, at most `count` of
 * them: its index (a fresh array each step) and byte offset from memory byte 0.
 */
export function* strideWalk(layout: Layout, start = 0, count?: number): Generator<{ index: number[]; offset: number }> {
  const { shape, strides } = layout;
  const total = size(shape);
  const n = count === undefined ? total - start : count;
  checkWalkRange(total, start, n);
  const end = Math.min(total, start + n);
  if (end <= start) return;
  const c: Cursor = { index: unravelIndex(shape, start), offset: layout.offset };
  for (let i = 0; i < shape.length; i++) c.offset += c.index[i] * strides[i];
  for (let k = start; k < end; k++) {
    yield { index: c.index.slice(), offset: c.offset };
    carry(c, shape, strides, shape.length - 1);
  }
}

/**
 * The fast path of `strideWalk`: byte offsets only, `count` of them (fewer at the end of the array) from
 * flat position `start`, written into `out` (allocated when absent or too small). No per-element allocation.
 * The returned array has exactly as many entries as were walked (a subarray of `out` when it is larger).
 */
export function walkOffsets(layout: Layout, start: number, count: number, out?: Float64Array): Float64Array {
  const { shape, strides } = layout;
  const total = size(shape);
  checkWalkRange(total, start, count);
  const n = Math.max(0, Math.min(total - start, count));
  const dst = out && out.length >= n ? out : new Float64Array(n);
  if (n === 0) return dst.subarray(0, 0);
  const nd = shape.length;
  if (nd === 0) {
    dst[0] = layout.offset;
    return dst.subarray(0, 1);
  }
  const index = unravelIndex(shape, start);
  const c: Cursor = { index, offset: layout.offset };
  for (let i = 0; i < nd - 1; i++) c.offset += index[i] * strides[i];
  const inner = shape[nd - 1];
  const innerStride = strides[nd - 1];
  let j = index[nd - 1];
  let w = 0;
  while (w < n) {
    // run along the innermost axis
    let run = inner - j;
    if (run > n - w) run = n - w;
    let off = c.offset + j * innerStride;
    for (let r = 0; r < run; r++) {
      dst[w++] = off;
      off += innerStride;
    }
    j = 0;
    if (w >= n) break;
    carry(c, shape, strides, nd - 2);
  }
  return n === dst.length ? dst : dst.subarray(0, n);
}

/**
 * Which element holds byte `byteOffset` (from memory byte 0), or null when no element covers it.
 * When elements overlap (zero strides, as_strided), the first one in logical C order is returned.
 *
 * Search: a depth-first walk over the axes in order, trying each axis's indices in increasing order, where
 * each axis only tries the index range that can still reach the byte given the reachable span of the axes
 * after it (and a gcd test on their strides). The first hit is therefore the first element in C order.
 */
export function elementAt(
  layout: Layout,
  itemsize: number,
  byteOffset: number,
): { index: number[]; byteInElement: number } | null {
  const { shape, strides } = layout;
  const nd = shape.length;
  if (size(shape) === 0 || itemsize <= 0) return null;
  // element start e must satisfy byteOffset - itemsize < e <= byteOffset
  const lo = byteOffset - itemsize + 1 - layout.offset;
  const hi = byteOffset - layout.offset;
  // reachable span and stride gcd of the axes from k on
  const minRest = new Array<number>(nd + 1).fill(0);
  const maxRest = new Array<number>(nd + 1).fill(0);
  const gcdRest = new Array<number>(nd + 1).fill(0);
  for (let k = nd - 1; k >= 0; k--) {
    const span = (shape[k] - 1) * strides[k];
    minRest[k] = minRest[k + 1] + Math.min(0, span);
    maxRest[k] = maxRest[k + 1] + Math.max(0, span);
    gcdRest[k] = shape[k] > 1 ? gcd(gcdRest[k + 1], Math.abs(strides[k])) : gcdRest[k + 1];
  }
  const index = new Array<number>(nd).fill(0);

  const reachable = (k: number, cur: number): boolean => {
    const a = lo - cur;
    const b = hi - cur;
    if (b < minRest[k] || a > maxRest[k]) return false;
    const g = gcdRest[k];
    if (g === 0) return a <= 0 && 0 <= b;
    // some multiple of g lies in [a, b]
    return Math.floor(b / g) * g >= a;
  };

  const search = (k: number, cur: number): boolean => {
    if (k === nd) return lo <= cur && cur <= hi;
    if (!reachable(k, cur)) return false;
    const s = strides[k];
    const n = shape[k];
    let first = 0;
    let last = n - 1;
    if (s === 0 || n === 1) {
      last = 0; // index 0 is the first of the equivalent choices
    } else {
      // need cur + i*s + [minRest, maxRest] to meet [lo, hi]
      const a = lo - cur - maxRest[k + 1];
      const b = hi - cur - minRest[k + 1];
      let iLo: number;
      let iHi: number;
      if (s > 0) {
        iLo = Math.ceil(a / s);
        iHi = Math.floor(b / s);
      } else {
        iLo = Math.ceil(b / s);
        iHi = Math.floor(a / s);
      }
      first = Math.max(first, iLo);
      last = Math.min(last, iHi);
    }
    for (let i = first; i <= last; i++) {
      index[k] = i;
      if (search(k + 1, cur + i * s)) return true;
    }
    index[k] = 0;
    return false;
  };

  if (!search(0, 0)) return null;
  let start = layout.offset;
  for (let k = 0; k < nd; k++) start += index[k] * strides[k];
  return { index: index.slice(), byteInElement: byteOffset - start };
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}
