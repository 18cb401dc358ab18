/**
 * np.sum: NumPy's pairwise summation for floats (numpy/_core/src/umath/loops_utils.h.src pairwise_sum, blocks of
 * 128 with 8 partial sums), exact wrapping sums for integers, and the result dtype NumPy picks per data model.
 */
import { DType } from '../../core/dtype';
import { halfToNumber, numberToHalf } from '../../core/floats';
import { NDArray } from '../../core/ndarray';
import type { DataModelName } from '../../core/ctypeModel';
import { PyException } from '../runtime/errors';
import { defaultIntDType, isIntKind, native } from './dtypes';
import { arrayFromBigInts, arrayFromNumbers, bigValues, maxAbs, readFlat, TWO53 } from './flat';

/** numpy's pairwise summation of doubles (the loop it uses for contiguous float reductions). */
export function pairwiseSum(
  a: Float64Array,
  start: number,
  n: number,
  stride: number,
  round: (x: number) => number,
): number {
  if (n < 8) {
    let res = round(-0);
    for (let i = 0; i < n; i++) res = round(res + a[start + i * stride]);
    return res;
  }
  if (n <= 128) {
    const r = new Array<number>(8);
    for (let k = 0; k < 8; k++) r[k] = a[start + k * stride];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k] = round(r[k] + a[start + (i + k) * stride]);
    let res = round(round(round(r[0] + r[1]) + round(r[2] + r[3])) + round(round(r[4] + r[5]) + round(r[6] + r[7])));
    for (; i < n; i++) res = round(res + a[start + i * stride]);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return round(pairwiseSum(a, start, n2, stride, round) + pairwiseSum(a, start + n2 * stride, n - n2, stride, round));
}

/** The dtype NumPy's sum gives: small ints widen to the default (u)int; floats keep theirs. */
export function sumDType(d: DType, model: DataModelName): DType {
  const di = defaultIntDType(model);
  if (d.kind === 'b') return di;
  if (d.kind === 'i') return d.itemsize < di.itemsize ? di : native(d);
  if (d.kind === 'u') return d.itemsize < di.itemsize ? DType.parse(`u${di.itemsize}`) : native(d);
  return native(d);
}

/** `arr.sum(axis)`: axis null sums everything (a 0-d result). */
export function sum(arr: NDArray, axis: number | null, dtypeOut: DType, label: string): NDArray {
  const fl = readFlat(arr);
  const shape = arr.shape;
  const nd = shape.length;
  let ax: number | null = axis;
  if (ax !== null) {
    if (ax < -nd || ax >= nd)
      throw new PyException('AxisError', `axis ${axis} is out of bounds for array of dimension ${nd}`);
    if (ax < 0) ax += nd;
  }
  const outShape = ax === null ? [] : shape.filter((_, i) => i !== ax);
  const outer = ax === null ? 1 : shape.slice(0, ax).reduce((p, q) => p * q, 1);
  const len = ax === null ? fl.f.length : shape[ax];
  const inner = ax === null ? 1 : shape.slice(ax + 1).reduce((p, q) => p * q, 1);
  if (isIntKind(dtypeOut)) {
    const bits = dtypeOut.itemsize * 8;
    const vals = fl.exact && maxAbs(fl.f) * Math.max(1, len) < TWO53 ? null : bigValues(fl);
    if (vals === null) {
      const r = new Float64Array(outer * inner);
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < inner; i++) {
          let s = 0;
          for (let k = 0; k < len; k++) s += fl.f[(o * len + k) * inner + i];
          r[o * inner + i] = s;
        }
      return arrayFromNumbers(dtypeOut, outShape, r, label);
    }
    const r = new Array<bigint>(outer * inner);
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        let s = 0n;
        for (let k = 0; k < len; k++) s += vals[(o * len + k) * inner + i];
        r[o * inner + i] = dtypeOut.kind === 'u' ? BigInt.asUintN(bits, s) : BigInt.asIntN(bits, s);
      }
    return arrayFromBigInts(dtypeOut, outShape, r, label);
  }
  const round =
    dtypeOut.itemsize === 4
      ? Math.fround
      : dtypeOut.itemsize === 2
        ? (x: number) => halfToNumber(numberToHalf(x))
        : (x: number) => x;
  const r = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    // an empty sum is the identity +0.0 (NumPy's reduce starts from it; pairwise_sum's -0.0 only meets real items)
    if (inner === 1) r[o] = len === 0 ? 0 : pairwiseSum(fl.f, o * len, len, 1, round);
    else
      for (let i = 0; i < inner; i++) {
        // reducing over an outer axis: NumPy adds whole rows, element by element, in order
        let s = fl.f[o * len * inner + i];
        for (let k = 1; k < len; k++) s = round(s + fl.f[(o * len + k) * inner + i]);
        r[o * inner + i] = len === 0 ? 0 : s;
      }
  }
  return arrayFromNumbers(dtypeOut, outShape, r, label);
}
