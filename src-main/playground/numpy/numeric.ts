/**
 * The arithmetic NumPy does on arrays, over core NDArrays: reading elements into flat typed arrays, dtype
 * promotion (NumPy 2's rules, NEP 50 "weak" Python scalars), element-wise binary/unary ufuncs with
 * broadcasting, casts (astype), byteswap and sum — each result a NEW allocation (OwnedMemory), as NumPy
 * allocates a new array for every `a + b`.
 *
 * Speed: values travel as Float64Array when every value is exactly representable (all dtypes but 64-bit
 * integers beyond 2^53); 64-bit integers that are not take the BigInt path. Integer results are exact and wrap
 * as C does; a 1e6-element `a + b` is a few milliseconds.
 */
import { DType } from '../../core/dtype';
import { halfToNumber, numberToHalf } from '../../core/floats';
import { carry, type Cursor } from '../../core/iterate';
import { cStrides, isCContiguous, size as shapeSize } from '../../core/layout';
import { OwnedMemory, budgetScratch } from '../../core/memory';
import { NDArray } from '../../core/ndarray';
import type { CanonicalModelName } from '../../core/ctypeModel';
import { PyException, typeError, valueError } from '../runtime/errors';
import { fastBinary } from './fastufunc';

// ================================================================ dtypes per data model

/** NumPy's default integer (np.int_ == np.intp in NumPy 2): 8 bytes except on ILP32. */
export function defaultIntDType(model: CanonicalModelName): DType {
  return DType.parse(model === 'ILP32' ? 'int32' : 'int64');
}

/** C long (np.long, 'l'): 8 bytes only on LP64. */
export function longDType(model: CanonicalModelName, unsigned = false): DType {
  return DType.parse(`${unsigned ? 'u' : 'i'}${model === 'LP64' ? 8 : 4}`);
}

/** A dtype spec string resolved under the data model: the platform-dependent names first, then DType.parse. */
export function parseDTypeString(spec: string, model: CanonicalModelName): DType {
  const m = /^([<>=|]?)(.*)$/.exec(spec)!;
  const order = m[1];
  const body = m[2];
  const intp = model === 'ILP32' ? 4 : 8;
  const long = model === 'LP64' ? 8 : 4;
  const table: Record<string, string> = {
    int: `i${intp}`, int_: `i${intp}`, intp: `i${intp}`, p: `i${intp}`, n: `i${intp}`,
    uint: `u${intp}`, uintp: `u${intp}`, P: `u${intp}`, N: `u${intp}`,
    long: `i${long}`, l: `i${long}`, ulong: `u${long}`, L: `u${long}`,
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

const native = (d: DType): DType => (d.isNative ? d : d.newByteOrder('<'));

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

/** Flat C-order values of an array. `f` always (lossy for 64-bit ints beyond 2^53); `big` for 64-bit ints. */
export interface Flat {
  dtype: DType;
  shape: number[];
  f: Float64Array;
  /** Every value is exactly `f[i]` (false only for 64-bit integers beyond 2^53). */
  exact: boolean;
  /** 64-bit integer arrays: the exact values, computed on demand. */
  big?: () => BigInt64Array | BigUint64Array;
}

/** The elements' bytes in C order, native byte order. One bounded read of the array's byte span. */
export function cOrderBytes(arr: NDArray): Uint8Array {
  const itemsize = arr.itemsize;
  const n = arr.size;
  let out: Uint8Array;
  if (n === 0) out = new Uint8Array(0);
  else if (isCContiguous(arr.layout, itemsize)) {
    if (arr.memory instanceof OwnedMemory) {
      // in-process memory: read it in place (callers copy before changing anything)
      arr.memory.check(arr.offset, n * itemsize);
      out = arr.memory.view().subarray(arr.offset, arr.offset + n * itemsize);
    } else out = arr.memory.read(arr.offset, n * itemsize);
  }
  // strided: the core's gather (owned memory in place, mapped memory in one bounded read of the span)
  else out = arr.toBytes('C');
  const d = arr.dtype;
  if (!d.isNative && d.itemsize > 1 && d.fields === null) {
    const unit = d.kind === 'c' ? d.itemsize / 2 : d.itemsize;
    out = out.slice();
    swapInPlace(out, unit);
  }
  return out;
}

export function swapInPlace(b: Uint8Array, unit: number): void {
  for (let i = 0; i + unit <= b.length; i += unit) {
    for (let lo = i, hi = i + unit - 1; lo < hi; lo++, hi--) {
      const t = b[lo];
      b[lo] = b[hi];
      b[hi] = t;
    }
  }
}

function aligned(bytes: Uint8Array, align: number): Uint8Array {
  return bytes.byteOffset % align === 0 ? bytes : bytes.slice();
}

/** Read an array's numeric values (bool, int, uint, float). */
export function readFlat(arr: NDArray): Flat {
  const d = arr.dtype;
  if (!isNumericKind(d)) {
    throw typeError(`Stridescope's playground does arithmetic on bool, integer and float arrays, not ${d.name}`);
  }
  budgetScratch(arr.size * (8 + arr.itemsize), `reading the ${arr.size} elements of ${arr.label}`);
  const bytes = aligned(cOrderBytes(arr), 8);
  const n = arr.size;
  const buf = bytes.buffer;
  const off = bytes.byteOffset;
  let f: Float64Array;
  let exact = true;
  let big: Flat['big'];
  switch (d.kind === 'b' ? 'b1' : `${d.kind}${d.itemsize}`) {
    case 'b1': {
      const u = new Uint8Array(buf, off, n);
      f = new Float64Array(n);
      for (let i = 0; i < n; i++) f[i] = u[i] ? 1 : 0;
      break;
    }
    case 'i1':
      f = new Float64Array(new Int8Array(buf, off, n));
      break;
    case 'u1':
      f = new Float64Array(new Uint8Array(buf, off, n));
      break;
    case 'i2':
      f = new Float64Array(new Int16Array(buf, off, n));
      break;
    case 'u2':
      f = new Float64Array(new Uint16Array(buf, off, n));
      break;
    case 'i4':
      f = new Float64Array(new Int32Array(buf, off, n));
      break;
    case 'u4':
      f = new Float64Array(new Uint32Array(buf, off, n));
      break;
    case 'f4':
      f = new Float64Array(new Float32Array(buf, off, n));
      break;
    case 'f8':
      f = new Float64Array(n);
      f.set(new Float64Array(buf, off, n));
      break;
    case 'f2': {
      const h = new Uint16Array(buf, off, n);
      f = new Float64Array(n);
      for (let i = 0; i < n; i++) f[i] = halfToNumber(h[i]);
      break;
    }
    case 'i8':
    case 'u8': {
      const lo = new Uint32Array(buf, off, n * 2);
      const hiS = new Int32Array(buf, off, n * 2);
      const signed = d.kind === 'i';
      f = new Float64Array(n);
      let hmax = 0;
      let hmin = 0;
      if (signed) {
        for (let i = 0; i < n; i++) {
          const hi = hiS[2 * i + 1];
          if (hi > hmax) hmax = hi;
          else if (hi < hmin) hmin = hi;
          f[i] = hi * 4294967296 + lo[2 * i];
        }
      } else {
        for (let i = 0; i < n; i++) {
          const hi = lo[2 * i + 1];
          if (hi > hmax) hmax = hi;
          f[i] = hi * 4294967296 + lo[2 * i];
        }
      }
      if (hmax > 0x1fffff || hmin < -0x200000) exact = false;
      big = () => (signed ? new BigInt64Array(buf, off, n) : new BigUint64Array(buf, off, n));
      break;
    }
    default:
      throw typeError(`arithmetic on ${d.name} is not supported in the playground`);
  }
  return { dtype: d, shape: arr.shape.slice(), f, exact, big };
}

/** A new owned array of `dtype` (native) holding `values` (C order), converted as NumPy casts (C wraps). */
export function arrayFromNumbers(dtype: DType, shape: number[], values: Float64Array, label: string): NDArray {
  dtype = native(dtype);
  const n = shapeSize(shape);
  const mem = new OwnedMemory(label, n * dtype.itemsize);
  const view = mem.view();
  const buf = view.buffer;
  switch (dtype.kind === 'b' ? 'b1' : `${dtype.kind}${dtype.itemsize}`) {
    case 'b1': {
      for (let i = 0; i < n; i++) view[i] = values[i] !== 0 ? 1 : 0;
      break;
    }
    case 'i1':
      writeInts(new Int8Array(buf, 0, n), values);
      break;
    case 'u1':
      writeInts(new Uint8Array(buf, 0, n), values);
      break;
    case 'i2':
      writeInts(new Int16Array(buf, 0, n), values);
      break;
    case 'u2':
      writeInts(new Uint16Array(buf, 0, n), values);
      break;
    case 'i4':
      writeInts(new Int32Array(buf, 0, n), values);
      break;
    case 'u4':
      writeInts(new Uint32Array(buf, 0, n), values);
      break;
    case 'f4':
      new Float32Array(buf, 0, n).set(values);
      break;
    case 'f8':
      new Float64Array(buf, 0, n).set(values);
      break;
    case 'f2': {
      const h = new Uint16Array(buf, 0, n);
      for (let i = 0; i < n; i++) h[i] = numberToHalf(values[i]);
      break;
    }
    case 'i8':
    case 'u8': {
      const u = new Uint32Array(buf, 0, n * 2);
      const s32 = new Int32Array(buf, 0, n * 2);
      for (let i = 0; i < n; i++) {
        let v = values[i];
        if (v >= -2147483648 && v < 2147483648) {
          const iv = v | 0;
          u[2 * i] = iv >>> 0;
          s32[2 * i + 1] = iv >> 31;
          continue;
        }
        if (!Number.isFinite(v)) v = dtype.kind === 'i' ? -9223372036854775808 : 9223372036854775808;
        v = Math.trunc(v);
        const hi = Math.floor(v / 4294967296);
        u[2 * i] = v - hi * 4294967296;
        u[2 * i + 1] = hi >>> 0 === hi ? hi : hi | 0;
      }
      break;
    }
    default:
      throw typeError(`cannot build a ${dtype.name} array in the playground`);
  }
  return new NDArray({ memory: mem, dtype, shape, label });
}

function writeInts(dst: Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array, values: Float64Array): void {
  const n = dst.length;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // C's float -> int conversion truncates; out-of-range and NaN are undefined in C (NumPy gives INT_MIN): wrap
    dst[i] = Number.isFinite(v) ? (Math.abs(v) < 2 ** 31 ? Math.trunc(v) : Number(BigInt.asIntN(32, BigInt(Math.trunc(v))))) : 0;
  }
}

/** A new owned 64-bit integer array from exact values. */
export function arrayFromBigInts(dtype: DType, shape: number[], values: ArrayLike<bigint>, label: string): NDArray {
  dtype = native(dtype);
  const n = shapeSize(shape);
  if (dtype.itemsize !== 8 || !isIntKind(dtype)) {
    const f = new Float64Array(n);
    const bits = dtype.itemsize * 8;
    for (let i = 0; i < n; i++) {
      f[i] = dtype.kind === 'b' ? (values[i] !== 0n ? 1 : 0) : isIntKind(dtype) ? Number(dtype.kind === 'i' ? BigInt.asIntN(bits, values[i]) : BigInt.asUintN(bits, values[i])) : Number(values[i]);
    }
    return arrayFromNumbers(dtype, shape, f, label);
  }
  const mem = new OwnedMemory(label, n * 8);
  const buf = mem.view().buffer;
  const dst = dtype.kind === 'i' ? new BigInt64Array(buf, 0, n) : new BigUint64Array(buf, 0, n);
  for (let i = 0; i < n; i++) dst[i] = dtype.kind === 'i' ? BigInt.asIntN(64, values[i]) : BigInt.asUintN(64, values[i]);
  return new NDArray({ memory: mem, dtype, shape, label });
}

/** Exact values of an int array as bigints (any int kind). */
export function bigValues(fl: Flat): ArrayLike<bigint> {
  if (fl.big) return fl.big();
  const out = new Array<bigint>(fl.f.length);
  for (let i = 0; i < fl.f.length; i++) out[i] = BigInt(fl.f[i]);
  return out;
}

// ================================================================ broadcasting

export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const nd = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < nd; i++) {
    const x = a[a.length - nd + i] ?? 1;
    const y = b[b.length - nd + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw valueError(
        `operands could not be broadcast together with shapes ${shapeStr(a)} ${shapeStr(b)} `,
      );
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}

function shapeStr(s: readonly number[]): string {
  return `(${s.join(',')}${s.length === 1 ? ',' : ''})`;
}

/** Expand C-order values of shape `from` to shape `to` (broadcast). Returns the input when shapes match. */
export function expand<T extends { length: number; [i: number]: any }>(src: T, from: readonly number[], to: readonly number[], make: (n: number) => T): T {
  if (from.length === to.length && from.every((d, i) => d === to[i])) return src;
  const nd = to.length;
  const st = new Array<number>(nd).fill(0);
  let acc = 1;
  for (let i = from.length - 1; i >= 0; i--) {
    const j = nd - from.length + i;
    st[j] = from[i] === 1 ? 0 : acc;
    acc *= from[i];
  }
  const n = shapeSize(to);
  const out = make(n);
  if (n === 0) return out;
  if (nd === 0) {
    out[0] = src[0];
    return out;
  }
  const inner = to[nd - 1];
  const innerSt = st[nd - 1];
  const c: Cursor = { index: new Array<number>(nd).fill(0), offset: 0 };
  let w = 0;
  do {
    let p = c.offset;
    for (let k = 0; k < inner; k++, p += innerSt) out[w++] = src[p];
  } while (w < n && carry(c, to, st, nd - 2));
  return out;
}

// ================================================================ ufuncs

export type BinOp = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '<' | '<=' | '>' | '>=' | '==' | '!=' | '&' | '|' | '^' | '<<' | '>>';

const UFUNC_NAME: Record<BinOp, string> = {
  '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide', '//': 'floor_divide', '%': 'remainder', '**': 'power',
  '<': 'less', '<=': 'less_equal', '>': 'greater', '>=': 'greater_equal', '==': 'equal', '!=': 'not_equal',
  '&': 'bitwise_and', '|': 'bitwise_or', '^': 'bitwise_xor', '<<': 'left_shift', '>>': 'right_shift',
};
const UFUNC_FULLNAME: Record<BinOp, string> = { ...UFUNC_NAME, '/': 'true_divide' };

/** One operand of a ufunc: an array (strong dtype) or a Python scalar (weak, NEP 50). */
export type Operand =
  | { kind: 'array'; arr: NDArray }
  | { kind: 'py'; value: bigint | number | boolean };

const COMPARE = new Set<BinOp>(['<', '<=', '>', '>=', '==', '!=']);

function intRange(d: DType): [bigint, bigint] {
  const bits = BigInt(d.itemsize * 8);
  return d.kind === 'u' ? [0n, (1n << bits) - 1n] : [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
}

/** The dtype a weak Python scalar takes next to an array of dtype `d` (NEP 50), checking int range. */
function weakDType(v: bigint | number | boolean, d: DType, model: CanonicalModelName): DType {
  if (typeof v === 'boolean') return d.kind === 'b' ? d : d;
  if (typeof v === 'bigint') {
    if (d.kind === 'b') return defaultIntDType(model);
    if (isIntKind(d)) {
      const [lo, hi] = intRange(d);
      if (v < lo || v > hi) throw new PyException('OverflowError', `Python integer ${v} out of bounds for ${d.name}`);
    }
    return native(d);
  }
  if (d.kind === 'f') return native(d);
  return DType.parse('float64');
}

function pyScalarDType(v: bigint | number | boolean, model: CanonicalModelName): DType {
  if (typeof v === 'boolean') return DType.parse('bool');
  if (typeof v === 'bigint') return defaultIntDType(model);
  return DType.parse('float64');
}

/** Warnings a ufunc raised (NumPy's floating point error reports), in NumPy's order. */
export interface UfuncResult {
  arr: NDArray;
  warnings: string[];
}

/** The operation dtype and result dtype of `a op b`. */
export function resolveBinary(op: BinOp, a: Operand, b: Operand, model: CanonicalModelName): { opType: DType; outType: DType } {
  let da: DType;
  let db: DType;
  if (a.kind === 'array' && b.kind === 'array') {
    da = a.arr.dtype;
    db = b.arr.dtype;
  } else if (a.kind === 'array' && b.kind === 'py') {
    da = a.arr.dtype;
    db = weakDType(b.value, da, model);
  } else if (a.kind === 'py' && b.kind === 'array') {
    db = b.arr.dtype;
    da = weakDType(a.value, db, model);
  } else {
    da = pyScalarDType((a as { value: bigint | number | boolean }).value, model);
    db = pyScalarDType((b as { value: bigint | number | boolean }).value, model);
  }
  for (const d of [da, db]) if (!isNumericKind(d)) throw ufuncTypeError(op, da, db);
  let t = promoteTypes(da, db);
  const bool = DType.parse('bool');
  if (COMPARE.has(op)) return { opType: t, outType: bool };
  if (op === '&' || op === '|' || op === '^' || op === '<<' || op === '>>') {
    if (t.kind === 'f') throw ufuncTypeError(op, da, db);
    if (t.kind === 'b' && (op === '<<' || op === '>>')) t = DType.parse('int8');
    return { opType: t, outType: t };
  }
  if (op === '/') {
    if (t.kind !== 'f') t = DType.parse('float64');
    return { opType: t, outType: t };
  }
  if (t.kind === 'b') {
    if (op === '-') {
      throw typeError('numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.');
    }
    if (op === '//' || op === '%' || op === '**') t = DType.parse('int8');
  }
  return { opType: t, outType: t };
}

function ufuncTypeError(op: BinOp, a: DType, b: DType): PyException {
  void a;
  void b;
  return new PyException(
    'TypeError',
    `ufunc '${UFUNC_NAME[op]}' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''`,
  );
}

function flatOf(o: Operand, model: CanonicalModelName): Flat {
  if (o.kind === 'array') return readFlat(o.arr);
  const v = o.value;
  const f = new Float64Array(1);
  f[0] = typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
  const exact = typeof v !== 'bigint' || (v <= 2n ** 53n && v >= -(2n ** 53n));
  const dtype = pyScalarDType(v, model);
  return { dtype, shape: [], f, exact, big: typeof v === 'bigint' ? () => BigInt64Array.of(BigInt.asIntN(64, v)) : undefined };
}

const TWO53 = 2 ** 53;

/**
 * `a op b` as NumPy computes it: broadcast, promote, compute, wrap integers, report division by zero and
 * invalid values as NumPy's RuntimeWarnings.
 */
export function binaryUfunc(op: BinOp, a: Operand, b: Operand, model: CanonicalModelName, label: string): UfuncResult {
  const { opType, outType } = resolveBinary(op, a, b, model);
  return fastBinary(op, a, b, opType, outType, label) ?? binaryUfuncGeneric(op, a, b, model, label);
}

/**
 * The generic (reference) implementation of `binaryUfunc`: flat double / BigInt values. `fastBinary`
 * (fastufunc.ts) gives the same results on typed arrays for everything but float16, empty arrays and the
 * 64-bit integer operations it hands back here.
 */
export function binaryUfuncGeneric(op: BinOp, a: Operand, b: Operand, model: CanonicalModelName, label: string): UfuncResult {
  const { opType, outType } = resolveBinary(op, a, b, model);
  const fa = flatOf(a, model);
  const fb = flatOf(b, model);
  const shape = broadcastShapes(fa.shape, fb.shape);
  const n = shapeSize(shape);
  const mk = (k: number) => new Float64Array(k);
  const warnings = new Set<string>();
  let divZero = false;
  let invalid = false;
  let overflow = false;
  const name = UFUNC_NAME[op];
  const intOp = isIntKind(opType) || opType.kind === 'b';

  const finish = (): string[] => {
    const out: string[] = [];
    if (divZero) out.push(`divide by zero encountered in ${name}`);
    if (overflow) out.push(`overflow encountered in ${name}`);
    if (invalid) out.push(`invalid value encountered in ${name}`);
    void warnings;
    return out;
  };

  // integer ops need exact values: take the BigInt path when any operand is not exact in doubles,
  // or when // % ** or << >> could leave the safe range
  const bigInputs = !fa.exact || !fb.exact;
  if (intOp && !COMPARE.has(op)) {
    if (!bigInputs && op !== '**' && op !== '<<' && op !== '>>' && !(op === '*' && (maxAbs(fa.f) * maxAbs(fb.f) >= TWO53))) {
      const x = expand(fa.f, fa.shape, shape, mk);
      const y = expand(fb.f, fb.shape, shape, mk);
      const r = new Float64Array(n);
      switch (op) {
        case '+':
          if (opType.kind === 'b') for (let i = 0; i < n; i++) r[i] = x[i] || y[i] ? 1 : 0;
          else for (let i = 0; i < n; i++) r[i] = x[i] + y[i];
          break;
        case '-':
          for (let i = 0; i < n; i++) r[i] = x[i] - y[i];
          break;
        case '*':
          for (let i = 0; i < n; i++) r[i] = x[i] * y[i];
          break;
        case '//':
          for (let i = 0; i < n; i++) {
            if (y[i] === 0) {
              divZero = true;
              r[i] = 0;
            } else r[i] = floorDivInt(x[i], y[i]);
          }
          break;
        case '%':
          for (let i = 0; i < n; i++) {
            if (y[i] === 0) {
              divZero = true;
              r[i] = 0;
            } else {
              const m = x[i] % y[i];
              r[i] = m !== 0 && m < 0 !== y[i] < 0 ? m + y[i] : m;
            }
          }
          break;
        case '&':
        case '|':
        case '^': {
          const need64 = opType.itemsize > 4 && (maxAbs(x) > 2 ** 31 || maxAbs(y) > 2 ** 31);
          if (need64) return bigPath();
          for (let i = 0; i < n; i++) r[i] = op === '&' ? x[i] & y[i] : op === '|' ? x[i] | y[i] : x[i] ^ y[i];
          if (opType.kind === 'u') for (let i = 0; i < n; i++) if (r[i] < 0) r[i] += 2 ** 32;
          break;
        }
      }
      if (opType.itemsize === 8 && maxAbs(r) >= TWO53) return bigPath();
      return { arr: arrayFromNumbers(outType, shape, r, label), warnings: finish() };
    }
    return bigPath();
  }

  function bigPath(): UfuncResult {
    const xa = expand(Array.from(bigValues(fa)), fa.shape, shape, (k) => new Array<bigint>(k));
    const ya = expand(Array.from(bigValues(fb)), fb.shape, shape, (k) => new Array<bigint>(k));
    const bits = opType.itemsize * 8;
    const wrap = (v: bigint): bigint => (opType.kind === 'u' ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v));
    const r = new Array<bigint>(n);
    for (let i = 0; i < n; i++) {
      const x = xa[i];
      const y = ya[i];
      let v: bigint;
      switch (op) {
        case '+':
          v = x + y;
          break;
        case '-':
          v = x - y;
          break;
        case '*':
          v = x * y;
          break;
        case '//':
          if (y === 0n) {
            divZero = true;
            v = 0n;
          } else {
            v = x / y;
            if (x % y !== 0n && x < 0n !== y < 0n) v -= 1n;
          }
          break;
        case '%':
          if (y === 0n) {
            divZero = true;
            v = 0n;
          } else {
            v = x % y;
            if (v !== 0n && v < 0n !== y < 0n) v += y;
          }
          break;
        case '**':
          if (y < 0n) throw valueError('Integers to negative integer powers are not allowed.');
          v = powWrap(x, y, bits);
          break;
        case '&':
          v = x & y;
          break;
        case '|':
          v = x | y;
          break;
        case '^':
          v = x ^ y;
          break;
        case '<<':
          v = y >= BigInt(bits) || y < 0n ? 0n : x << y;
          break;
        case '>>':
          v = y >= BigInt(bits) || y < 0n ? (x < 0n ? -1n : 0n) : x >> y;
          break;
        default:
          throw new Error(`unreachable ${op}`);
      }
      r[i] = opType.kind === 'b' ? (v !== 0n ? 1n : 0n) : wrap(v);
    }
    return { arr: arrayFromBigInts(outType, shape, r, label), warnings: finish() };
  }

  if (COMPARE.has(op)) {
    const r = new Float64Array(n);
    if (bigInputs && isIntKind(opType)) {
      const xa = expand(Array.from(bigValues(fa)), fa.shape, shape, (k) => new Array<bigint>(k));
      const ya = expand(Array.from(bigValues(fb)), fb.shape, shape, (k) => new Array<bigint>(k));
      for (let i = 0; i < n; i++) r[i] = cmp(op, xa[i], ya[i]) ? 1 : 0;
    } else {
      const x = expand(fa.f, fa.shape, shape, mk);
      const y = expand(fb.f, fb.shape, shape, mk);
      const xr = roundTo(x, opType);
      const yr = roundTo(y, opType);
      for (let i = 0; i < n; i++) r[i] = cmp(op, xr[i], yr[i]) ? 1 : 0;
    }
    return { arr: arrayFromNumbers(outType, shape, r, label), warnings: [] };
  }

  // floating point
  const x = roundTo(expand(fa.f, fa.shape, shape, mk), opType);
  const y = roundTo(expand(fb.f, fb.shape, shape, mk), opType);
  const r = new Float64Array(n);
  switch (op) {
    case '+':
      for (let i = 0; i < n; i++) r[i] = x[i] + y[i];
      break;
    case '-':
      for (let i = 0; i < n; i++) r[i] = x[i] - y[i];
      break;
    case '*':
      for (let i = 0; i < n; i++) r[i] = x[i] * y[i];
      break;
    case '/':
      for (let i = 0; i < n; i++) {
        const q = x[i] / y[i];
        if (y[i] === 0) {
          if (x[i] === 0) invalid = true;
          else if (!Number.isNaN(x[i])) divZero = true;
        }
        r[i] = q;
      }
      break;
    case '//':
      for (let i = 0; i < n; i++) {
        const [q, dz, inv] = floorDivFloat(x[i], y[i]);
        if (dz) divZero = true;
        if (inv) invalid = true;
        r[i] = q;
      }
      break;
    case '%':
      for (let i = 0; i < n; i++) {
        const a0 = x[i];
        const b0 = y[i];
        if (b0 === 0) {
          if (!Number.isNaN(a0)) invalid = true;
          r[i] = NaN;
          continue;
        }
        r[i] = floorModNonZero(a0, b0);
      }
      break;
    case '**':
      for (let i = 0; i < n; i++) {
        const v = x[i] ** y[i];
        if (Number.isNaN(v) && !Number.isNaN(x[i]) && !Number.isNaN(y[i])) invalid = true;
        r[i] = x[i] === 1 ? 1 : v;
      }
      break;
  }
  const out = roundTo(r, outType);
  if (op !== '/' && op !== '//' && op !== '%') {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(out[i]) && !Number.isNaN(out[i]) && Number.isFinite(x[i]) && Number.isFinite(y[i])) {
        overflow = true;
        break;
      }
    }
  }
  return { arr: arrayFromNumbers(outType, shape, out, label), warnings: finish() };
}

function cmp(op: BinOp, a: number | bigint, b: number | bigint): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    default:
      return a !== b;
  }
}

function maxAbs(f: Float64Array): number {
  let m = 0;
  for (let i = 0; i < f.length; i++) {
    const v = Math.abs(f[i]);
    if (v > m) m = v;
  }
  return m;
}

/** Round values to the precision of a float dtype (float32/float16 results are computed in double). */
function roundTo(f: Float64Array, d: DType): Float64Array {
  if (d.kind !== 'f' || d.itemsize === 8) return f;
  const out = new Float64Array(f.length);
  if (d.itemsize === 4) for (let i = 0; i < f.length; i++) out[i] = Math.fround(f[i]);
  else for (let i = 0; i < f.length; i++) out[i] = halfToNumber(numberToHalf(f[i]));
  return out;
}

function floorDivInt(a: number, b: number): number {
  const q = Math.trunc(a / b);
  return a % b !== 0 && a < 0 !== b < 0 ? q - 1 : q;
}

/** numpy's npy_floor_divide for doubles: [result, divide-by-zero, invalid]. */
function floorDivFloat(a: number, b: number): [number, boolean, boolean] {
  if (b === 0) {
    if (a === 0 || Number.isNaN(a)) return [NaN, false, !Number.isNaN(a)];
    return [a / b, true, false];
  }
  return [floorDivNonZero(a, b), false, false];
}

/** numpy's npy_remainder for doubles when the divisor is not zero: the result takes the divisor's sign. */
export function floorModNonZero(a: number, b: number): number {
  const m = a % b;
  if (m !== 0) return m < 0 !== b < 0 ? m + b : m;
  return b < 0 ? -0 : 0;
}

/** numpy's npy_floor_divide for doubles when the divisor is not zero (shared with the fast paths in fastufunc.ts). */
export function floorDivNonZero(a: number, b: number): number {
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) {
    mod += b;
    div -= 1;
  }
  if (div === 0) return a / b < 0 ? -0 : 0;
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}

function powWrap(x: bigint, y: bigint, bits: number): bigint {
  let r = 1n;
  let base = BigInt.asUintN(bits, x);
  let e = y;
  const mask = (1n << BigInt(bits)) - 1n;
  while (e > 0n) {
    if (e & 1n) r = (r * base) & mask;
    base = (base * base) & mask;
    e >>= 1n;
  }
  return r;
}

/** Unary minus / plus / invert / abs. */
export function unaryUfunc(op: '-' | '+' | '~', arr: NDArray, label: string): NDArray {
  const d = arr.dtype;
  if (op === '+') {
    if (d.kind === 'b') throw typeError("ufunc 'positive' did not contain a loop with signature matching types <class 'numpy.dtypes.BoolDType'> -> None");
    return arrayFromFlat(readFlat(arr), d, label);
  }
  const fl = readFlat(arr);
  if (op === '-') {
    if (d.kind === 'b') throw typeError('The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.');
    if (!fl.exact || (isIntKind(d) && d.itemsize === 8)) {
      const b = bigValues(fl);
      const r = Array.from(b, (v) => -v);
      return arrayFromBigInts(d, arr.shape, r, label);
    }
    const r = new Float64Array(fl.f.length);
    for (let i = 0; i < r.length; i++) r[i] = -fl.f[i];
    return arrayFromNumbers(d, arr.shape, r, label);
  }
  if (d.kind === 'f') throw typeError("ufunc 'invert' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''");
  if (d.kind === 'b') {
    const r = new Float64Array(fl.f.length);
    for (let i = 0; i < r.length; i++) r[i] = fl.f[i] ? 0 : 1;
    return arrayFromNumbers(d, arr.shape, r, label);
  }
  const b = bigValues(fl);
  return arrayFromBigInts(d, arr.shape, Array.from(b, (v) => ~v), label);
}

function arrayFromFlat(fl: Flat, d: DType, label: string): NDArray {
  if (!fl.exact) return arrayFromBigInts(d, fl.shape, bigValues(fl), label);
  return arrayFromNumbers(d, fl.shape, fl.f, label);
}

// ================================================================ casts, byteswap, sum

/** `arr.astype(dtype)`: always a new C-ordered array. */
export function astype(arr: NDArray, dtype: DType, label: string): NDArray {
  const from = arr.dtype;
  if (from.equals(dtype) || (from.str === dtype.str && !from.fields && !dtype.fields)) {
    const bytes = arr.memory.kind === 'owned' || true ? cOrderBytesRaw(arr) : new Uint8Array(0);
    const mem = new OwnedMemory(label, bytes);
    return new NDArray({ memory: mem, dtype, shape: arr.shape.slice(), label });
  }
  if (!isNumericKind(from) || !isNumericKind(dtype)) {
    throw typeError(`the playground casts between bool, integer and float dtypes only (not ${from.name} to ${dtype.name})`);
  }
  const fl = readFlat(arr);
  let out: NDArray;
  if (isIntKind(dtype) && isIntKind(from) && (!fl.exact || dtype.itemsize === 8)) {
    out = arrayFromBigInts(dtype, arr.shape, bigValues(fl), label);
  } else {
    let vals = fl.f;
    if (dtype.kind === 'b') {
      vals = new Float64Array(fl.f.length);
      for (let i = 0; i < vals.length; i++) vals[i] = fl.f[i] !== 0 ? 1 : 0; // NaN is True
      for (let i = 0; i < vals.length; i++) if (Number.isNaN(fl.f[i])) vals[i] = 1;
    }
    out = arrayFromNumbers(dtype, arr.shape, vals, label);
  }
  if (!dtype.isNative && dtype.itemsize > 1) {
    const v = (out.memory as OwnedMemory).view();
    swapInPlace(v, dtype.itemsize);
    out = new NDArray({ memory: out.memory, dtype, shape: out.shape, label });
  }
  return out;
}

/** The stored bytes in C order without fixing byte order (for copies that keep the dtype). */
export function cOrderBytesRaw(arr: NDArray): Uint8Array {
  const n = arr.size;
  if (n === 0) return new Uint8Array(0);
  if (isCContiguous(arr.layout, arr.itemsize)) return arr.memory.read(arr.offset, n * arr.itemsize);
  return arr.toBytes('C');
}

/** A C-ordered copy on new owned memory (NumPy's `a.copy()`), without per-element callbacks. */
export function copyC(arr: NDArray, label: string): NDArray {
  const n = arr.size * arr.itemsize;
  let src: Uint8Array;
  if (arr.memory instanceof OwnedMemory && n > 0 && isCContiguous(arr.layout, arr.itemsize)) {
    // copied once, by the new allocation, straight from the source memory
    arr.memory.check(arr.offset, n);
    src = arr.memory.view().subarray(arr.offset, arr.offset + n);
  } else src = cOrderBytesRaw(arr);
  const mem = new OwnedMemory(label, src);
  const strides = arr.size === 0 ? arr.shape.map(() => 0) : cStrides(arr.shape, arr.itemsize);
  return new NDArray({ memory: mem, dtype: arr.dtype, shape: arr.shape.slice(), strides, label });
}

/** `arr.byteswap()`: a new array with each element's bytes reversed, same dtype. */
export function byteswap(arr: NDArray, label: string): NDArray {
  const bytes = cOrderBytesRaw(arr).slice();
  const d = arr.dtype;
  if (d.fields) throw typeError('byteswap of structured arrays is not supported in the playground');
  const unit = d.kind === 'c' ? d.itemsize / 2 : d.kind === 'U' ? 4 : d.kind === 'S' || d.kind === 'V' ? 1 : d.itemsize;
  if (unit > 1) swapInPlace(bytes, unit);
  const mem = new OwnedMemory(label, bytes);
  return new NDArray({ memory: mem, dtype: d, shape: arr.shape.slice(), strides: cStrides(arr.shape, d.itemsize), label });
}

/** numpy's pairwise summation of doubles (the loop it uses for contiguous float reductions). */
export function pairwiseSum(a: Float64Array, start: number, n: number, stride: number, round: (x: number) => number): number {
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
export function sumDType(d: DType, model: CanonicalModelName): DType {
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
    if (ax < -nd || ax >= nd) throw new PyException('AxisError', `axis ${axis} is out of bounds for array of dimension ${nd}`);
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
  const round = dtypeOut.itemsize === 4 ? Math.fround : dtypeOut.itemsize === 2 ? (x: number) => halfToNumber(numberToHalf(x)) : (x: number) => x;
  const r = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    if (inner === 1) r[o] = pairwiseSum(fl.f, o * len, len, 1, round);
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
