/**
 * Gathering a strided layout's elements into C order: the copy every `toBytes` / `copy()` of a non-contiguous
 * view is made of, one run along the innermost axis at a time (core/iterate.ts).
 */
import { size as shapeSize } from './layout';
import { carry, type Cursor } from './iterate';

/**
 * Copy the elements of the layout (`shape`, byte `strides`, element [0,...] at byte `base` of `src`) into
 * `out` in C order: a tight loop along the innermost axis — one `set` per contiguous run, else 4- or 2-byte
 * word copies when everything is word-aligned, else bytes.
 */
export function gatherStrided(
  src: Uint8Array,
  base: number,
  shape: readonly number[],
  strides: readonly number[],
  itemsize: number,
  out: Uint8Array,
): void {
  const nd = shape.length;
  const n = shapeSize(shape);
  if (n === 0) return;
  if (nd === 0) {
    out.set(src.subarray(base, base + itemsize), 0);
    return;
  }
  // drop length-1 axes (any stride) so the innermost axis is a real one
  const dims: number[] = [];
  const st: number[] = [];
  for (let i = 0; i < nd; i++) {
    if (shape[i] !== 1) {
      dims.push(shape[i]);
      st.push(strides[i]);
    }
  }
  if (dims.length === 0) {
    dims.push(1);
    st.push(itemsize);
  }
  const m = dims.length;
  const inner = dims[m - 1];
  const innerStride = st[m - 1];
  const runBytes = inner * itemsize;
  const contiguousRun = innerStride === itemsize;
  const unit = itemsize % 4 === 0 ? 4 : itemsize % 2 === 0 ? 2 : 1;
  let wordAligned = unit > 1 && src.byteOffset % unit === 0 && base % unit === 0 && out.byteOffset % unit === 0;
  for (let i = 0; i < m && wordAligned; i++) if (st[i] % unit !== 0) wordAligned = false;
  const words = itemsize / unit;
  let s32: Uint32Array | undefined;
  let d32: Uint32Array | undefined;
  let s16: Uint16Array | undefined;
  let d16: Uint16Array | undefined;
  if (wordAligned && unit === 4) {
    s32 = new Uint32Array(src.buffer, src.byteOffset, src.byteLength >> 2);
    d32 = new Uint32Array(out.buffer, out.byteOffset, out.byteLength >> 2);
  } else if (wordAligned && unit === 2) {
    s16 = new Uint16Array(src.buffer, src.byteOffset, src.byteLength >> 1);
    d16 = new Uint16Array(out.buffer, out.byteOffset, out.byteLength >> 1);
  }
  const c: Cursor = { index: new Array<number>(m).fill(0), offset: base };
  let w = 0;
  do {
    const rowBase = c.offset;
    if (contiguousRun && runBytes >= 32) {
      out.set(src.subarray(rowBase, rowBase + runBytes), w);
      w += runBytes;
    } else if (s32 && d32) {
      const ws = innerStride >> 2;
      let p = rowBase >> 2;
      let q = w >> 2;
      if (words === 1) for (let k = 0; k < inner; k++, p += ws) d32[q++] = s32[p];
      else if (words === 2) {
        for (let k = 0; k < inner; k++, p += ws) {
          d32[q++] = s32[p];
          d32[q++] = s32[p + 1];
        }
      } else for (let k = 0; k < inner; k++, p += ws) for (let t = 0; t < words; t++) d32[q++] = s32[p + t];
      w += runBytes;
    } else if (s16 && d16) {
      const ws = innerStride >> 1;
      let p = rowBase >> 1;
      let q = w >> 1;
      if (words === 1) for (let k = 0; k < inner; k++, p += ws) d16[q++] = s16[p];
      else for (let k = 0; k < inner; k++, p += ws) for (let t = 0; t < words; t++) d16[q++] = s16[p + t];
      w += runBytes;
    } else {
      let p = rowBase;
      for (let k = 0; k < inner; k++, p += innerStride) for (let t = 0; t < itemsize; t++) out[w++] = src[p + t];
    }
  } while (carry(c, dims, st, m - 2));
}
