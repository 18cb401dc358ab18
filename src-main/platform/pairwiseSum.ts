/**
 * NumPy's pairwise summation of one run of floats (numpy/_core/src/umath/loops_utils.h.src, pairwise_sum): 8 partial
 * sums, blocks of 128, split at n/2 - (n/2)%8, and its complex variant; float32/float16 rounded with Math.fround after
 * every operation, so a sum is bit-identical to native/kernels.c's. Values are loaded from a WindowReader's window
 * through typed arrays when aligned, DataView otherwise.
 */
import { halfToNumber } from '../core/floats';
import { HOST_LE, type WindowReader } from './kernelWindows';

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
export function loadValues(
  r: WindowReader,
  code: number,
  i0: number,
  n: number,
  dst: Float64Array | Float32Array,
): void {
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
export function pairwiseReal(r: WindowReader, code: number, i0: number, n: number): number {
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
export const CRES = new Float64Array(2);

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
export function pairwiseComplex(r: WindowReader, code: number, i0: number, m: number): void {
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
