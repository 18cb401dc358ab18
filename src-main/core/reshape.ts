/**
 * Reshape arithmetic on a layout, after NumPy's numpy/_core/src/multiarray/shape.c: resolving the one `-1`
 * dimension (`_fix_unknown_dimension`), the strides of a reshape that needs no copy (`_attempt_nocopy_reshape`),
 * and how NumPy prints a shape in its messages (`convert_shape_to_string`). Pure functions of shapes and strides.
 */
import { LayoutError } from './errors';

/** NumPy's convert_shape_to_string: "(2,3)", "(5,)", "()", negative dims print as "newaxis" (leading ones dropped). */
export function shapeString(dims: readonly number[]): string {
  let i = 0;
  while (i < dims.length && dims[i] < 0) i++;
  if (i === dims.length) return '()';
  let s = String(dims[i++]);
  for (; i < dims.length; i++) s += dims[i] < 0 ? ',newaxis' : `,${dims[i]}`;
  return dims.length === 1 ? `(${s},)` : `(${s})`;
}

/** NumPy's _fix_unknown_dimension: resolve one negative entry; sizes must match. */
export function fixUnknownDimension(shape: readonly number[], total: number): number[] {
  const dims = shape.slice();
  let unknown = -1;
  let known = 1;
  const mismatch = () => new LayoutError(`cannot reshape array of size ${total} into shape ${shapeString(shape)}`);
  for (let i = 0; i < dims.length; i++) {
    if (dims[i] < 0) {
      if (unknown !== -1) throw new LayoutError('can only specify one unknown dimension');
      unknown = i;
    } else {
      known *= dims[i];
    }
  }
  if (unknown >= 0) {
    if (known === 0 || total % known !== 0) throw mismatch();
    dims[unknown] = total / known;
  } else if (known !== total) {
    throw mismatch();
  }
  return dims;
}

/**
 * NumPy's _attempt_nocopy_reshape: the new strides when `newdims` can view the old data without a copy,
 * else null. Axes of length 1 are dropped first; groups of old axes whose product equals a group of new
 * axes must be contiguous among themselves (in the requested order).
 */
export function attemptNocopyReshape(
  shape: readonly number[],
  strides: readonly number[],
  itemsize: number,
  newdims: readonly number[],
  isFOrder: boolean,
): number[] | null {
  const olddims: number[] = [];
  const oldstrides: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] !== 1) {
      olddims.push(shape[i]);
      oldstrides.push(strides[i]);
    }
  }
  const oldnd = olddims.length;
  const newnd = newdims.length;
  const newstrides = new Array<number>(newnd).fill(0);
  let oi = 0;
  let oj = 1;
  let ni = 0;
  let nj = 1;
  while (ni < newnd && oi < oldnd) {
    let np = newdims[ni];
    let op = olddims[oi];
    while (np !== op) {
      if (np < op) {
        if (nj >= newnd) return null; // sizes differ: cannot happen after fixUnknownDimension
        np *= newdims[nj++];
      } else {
        if (oj >= oldnd) return null;
        op *= olddims[oj++];
      }
    }
    for (let ok = oi; ok < oj - 1; ok++) {
      if (isFOrder) {
        if (oldstrides[ok + 1] !== olddims[ok] * oldstrides[ok]) return null;
      } else if (oldstrides[ok] !== olddims[ok + 1] * oldstrides[ok + 1]) {
        return null;
      }
    }
    if (isFOrder) {
      newstrides[ni] = oldstrides[oi];
      for (let nk = ni + 1; nk < nj; nk++) newstrides[nk] = newstrides[nk - 1] * newdims[nk - 1];
    } else {
      newstrides[nj - 1] = oldstrides[oj - 1];
      for (let nk = nj - 1; nk > ni; nk--) newstrides[nk - 1] = newstrides[nk] * newdims[nk];
    }
    ni = nj++;
    oi = oj++;
  }
  let lastStride = ni >= 1 ? newstrides[ni - 1] : itemsize;
  if (isFOrder && ni >= 1) lastStride *= newdims[ni - 1];
  for (let nk = ni; nk < newnd; nk++) newstrides[nk] = lastStride;
  return newstrides;
}
