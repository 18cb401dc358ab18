/**
 * NumPy's dtype rules the playground's arithmetic needs: the default integer per data model (np.int_ / np.long),
 * dtype strings as np.dtype() reads them, and promotion (NumPy 2's promote_types; NEP 50 for Python scalars is in
 * ufuncs.ts).
 */
import { DType } from '../../core/dtype';
import type { DataModelName } from '../../core/ctypeModel';

/** NumPy's default integer (np.int_ == np.intp in NumPy 2): 8 bytes except on ILP32. */
export function defaultIntDType(model: DataModelName): DType {
  return DType.parse(model === 'ILP32' ? 'int32' : 'int64');
}

/** C long (np.long, 'l'): 8 bytes only on LP64. */
export function longDType(model: DataModelName, unsigned = false): DType {
  return DType.parse(`${unsigned ? 'u' : 'i'}${model === 'LP64' ? 8 : 4}`);
}

/** A dtype spec string resolved under the data model: the platform-dependent names first, then DType.parse. */
export function parseDTypeString(spec: string, model: DataModelName): DType {
  const m = /^([<>=|]?)(.*)$/.exec(spec)!;
  const order = m[1];
  const body = m[2];
  const intp = model === 'ILP32' ? 4 : 8;
  const long = model === 'LP64' ? 8 : 4;
  const table: Record<string, string> = {
    int: `i${intp}`,
    int_: `i${intp}`,
    intp: `i${intp}`,
    p: `i${intp}`,
    n: `i${intp}`,
    uint: `u${intp}`,
    uintp: `u${intp}`,
    P: `u${intp}`,
    N: `u${intp}`,
    long: `i${long}`,
    l: `i${long}`,
    ulong: `u${long}`,
    L: `u${long}`,
  };
  if (Object.prototype.hasOwnProperty.call(table, body)) return DType.parse(order + table[body]);
  return DType.parse(spec);
}

export function isIntKind(d: DType): boolean {
  return d.kind === 'i' || d.kind === 'u';
}

export function isNumericKind(d: DType): boolean {
  return d.kind === 'b' || d.kind === 'i' || d.kind === 'u' || d.kind === 'f';
}

export const native = (d: DType): DType => (d.isNative ? d : d.newByteOrder('<'));

/** np.promote_types for bool/int/uint/float (native result). */
export function promoteTypes(a: DType, b: DType): DType {
  a = native(a);
  b = native(b);
  if (a.kind === 'b') return b;
  if (b.kind === 'b') return a;
  const fl = (n: number) => DType.parse(`f${n}`);
  if (a.kind === b.kind) return a.itemsize >= b.itemsize ? a : b;
  if (a.kind === 'f' || b.kind === 'f') {
    const [f, i] = a.kind === 'f' ? [a, b] : [b, a];
    const need = i.itemsize === 1 ? 2 : i.itemsize === 2 ? 4 : 8;
    return fl(Math.max(need, f.itemsize));
  }
  // int with uint
  const [s, u] = a.kind === 'i' ? [a, b] : [b, a];
  if (u.itemsize < s.itemsize) return s;
  if (u.itemsize === 8) return fl(8);
  return DType.parse(`i${u.itemsize * 2}`);
}

// ================================================================ element IO
