/**
 * NumPy's element-wise ufuncs on arrays, over core NDArrays: binary operators with broadcasting, NumPy 2's type
 * resolution (NEP 50 "weak" Python scalars), and unary minus/plus/invert — each result a NEW allocation
 * (OwnedMemory), as NumPy allocates a new array for every `a + b`. `binaryUfunc` tries the typed-array loops of
 * fastufunc.ts first and falls back to the generic loop here.
 *
 * Speed: values travel as Float64Array when every value is exactly representable (all dtypes but 64-bit
 * integers beyond 2^53); 64-bit integers that are not take the BigInt path. Integer results are exact and wrap
 * as C does; a 1e6-element `a + b` is a few milliseconds.
 */
import { DType } from '../../core/dtype';
import { halfToNumber, numberToHalf } from '../../core/floats';
import { size as shapeSize } from '../../core/layout';
import { NDArray } from '../../core/ndarray';
import type { DataModelName } from '../../core/ctypeModel';
import { PyException, typeError, valueError } from '../runtime/errors';
import { fastBinary } from './fastufunc';
import {
  arrayFromBigInts,
  arrayFromNumbers,
  bigValues,
  broadcastShapes,
  expand,
  type Flat,
  maxAbs,
  readFlat,
  TWO53,
} from './flat';
import { type BinOp, compareNumbers, floorDivNonZero, floorModNonZero, type Operand, type UfuncResult } from './binop';
import { BINARY_UFUNCS, isComparison } from './ufuncTable';
import { defaultIntDType, isIntKind, isNumericKind, native, promoteTypes } from './dtypes';
import { arrayFromFlat } from './casting';

// ================================================================ dtypes per data model

function intRange(d: DType): [bigint, bigint] {
  const bits = BigInt(d.itemsize * 8);
  return d.kind === 'u' ? [0n, (1n << bits) - 1n] : [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
}

/** The dtype a weak Python scalar takes next to an array of dtype `d` (NEP 50), checking int range. */
function weakDType(v: bigint | number | boolean, d: DType, model: DataModelName): DType {
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

function pyScalarDType(v: bigint | number | boolean, model: DataModelName): DType {
  if (typeof v === 'boolean') return DType.parse('bool');
  if (typeof v === 'bigint') return defaultIntDType(model);
  return DType.parse('float64');
}

/** The operation dtype and result dtype of `a op b`. */
export function resolveBinary(
  op: BinOp,
  a: Operand,
  b: Operand,
  model: DataModelName,
): { opType: DType; outType: DType } {
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
  const family = BINARY_UFUNCS[op].family;
  if (family === 'compare') return { opType: t, outType: bool };
  if (family === 'bitwise' || family === 'shift') {
    if (t.kind === 'f') throw ufuncTypeError(op, da, db);
    if (t.kind === 'b' && family === 'shift') t = DType.parse('int8');
    return { opType: t, outType: t };
  }
  if (family === 'true_divide') {
    if (t.kind !== 'f') t = DType.parse('float64');
    return { opType: t, outType: t };
  }
  if (t.kind === 'b') {
    if (op === '-') {
      throw typeError(
        'numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead.',
      );
    }
    if (op === '//' || op === '%' || op === '**') t = DType.parse('int8');
  }
  return { opType: t, outType: t };
}

function ufuncTypeError(op: BinOp, _a: DType, _b: DType): PyException {
  return new PyException(
    'TypeError',
    `ufunc '${BINARY_UFUNCS[op].name}' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''`,
  );
}

function flatOf(o: Operand, model: DataModelName): Flat {
  if (o.kind === 'array') return readFlat(o.arr);
  const v = o.value;
  const f = new Float64Array(1);
  f[0] = typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
  const exact = typeof v !== 'bigint' || (v <= 2n ** 53n && v >= -(2n ** 53n));
  const dtype = pyScalarDType(v, model);
  return {
    dtype,
    shape: [],
    f,
    exact,
    big: typeof v === 'bigint' ? () => BigInt64Array.of(BigInt.asIntN(64, v)) : undefined,
  };
}

/**
 * `a op b` as NumPy computes it: broadcast, promote, compute, wrap integers, report division by zero and
 * invalid values as NumPy's RuntimeWarnings.
 */
export function binaryUfunc(op: BinOp, a: Operand, b: Operand, model: DataModelName, label: string): UfuncResult {
  const { opType, outType } = resolveBinary(op, a, b, model);
  return fastBinary(op, a, b, opType, outType, label) ?? binaryUfuncGeneric(op, a, b, model, label);
}

/**
 * The generic (reference) implementation of `binaryUfunc`: flat double / BigInt values. `fastBinary`
 * (fastufunc.ts) gives the same results on typed arrays for everything but float16, empty arrays and the
 * 64-bit integer operations it hands back here.
 */
export function binaryUfuncGeneric(
  op: BinOp,
  a: Operand,
  b: Operand,
  model: DataModelName,
  label: string,
): UfuncResult {
  const { opType, outType } = resolveBinary(op, a, b, model);
  const fa = flatOf(a, model);
  const fb = flatOf(b, model);
  const shape = broadcastShapes(fa.shape, fb.shape);
  const n = shapeSize(shape);
  const mk = (k: number) => new Float64Array(k);
  let divZero = false;
  let invalid = false;
  let overflow = false;
  const name = BINARY_UFUNCS[op].name;
  const intOp = isIntKind(opType) || opType.kind === 'b';

  const finish = (): string[] => {
    const out: string[] = [];
    if (divZero) out.push(`divide by zero encountered in ${name}`);
    if (overflow) out.push(`overflow encountered in ${name}`);
    if (invalid) out.push(`invalid value encountered in ${name}`);
    return out;
  };

  // integer ops need exact values: take the BigInt path when any operand is not exact in doubles,
  // or when // % ** or << >> could leave the safe range
  const bigInputs = !fa.exact || !fb.exact;
  if (intOp && !isComparison(op)) {
    if (
      !bigInputs &&
      op !== '**' &&
      op !== '<<' &&
      op !== '>>' &&
      !(op === '*' && maxAbs(fa.f) * maxAbs(fb.f) >= TWO53)
    ) {
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

  if (isComparison(op)) {
    const r = new Float64Array(n);
    if (bigInputs && isIntKind(opType)) {
      const xa = expand(Array.from(bigValues(fa)), fa.shape, shape, (k) => new Array<bigint>(k));
      const ya = expand(Array.from(bigValues(fb)), fb.shape, shape, (k) => new Array<bigint>(k));
      for (let i = 0; i < n; i++) r[i] = compareNumbers(op, xa[i], ya[i]) ? 1 : 0;
    } else {
      const x = expand(fa.f, fa.shape, shape, mk);
      const y = expand(fb.f, fb.shape, shape, mk);
      const xr = roundTo(x, opType);
      const yr = roundTo(y, opType);
      for (let i = 0; i < n; i++) r[i] = compareNumbers(op, xr[i], yr[i]) ? 1 : 0;
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
    if (d.kind === 'b')
      throw typeError(
        "ufunc 'positive' did not contain a loop with signature matching types <class 'numpy.dtypes.BoolDType'> -> None",
      );
    return arrayFromFlat(readFlat(arr), d, label);
  }
  const fl = readFlat(arr);
  if (op === '-') {
    if (d.kind === 'b')
      throw typeError(
        'The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead.',
      );
    if (!fl.exact || (isIntKind(d) && d.itemsize === 8)) {
      const b = bigValues(fl);
      const r = Array.from(b, (v) => -v);
      return arrayFromBigInts(d, arr.shape, r, label);
    }
    const r = new Float64Array(fl.f.length);
    for (let i = 0; i < r.length; i++) r[i] = -fl.f[i];
    return arrayFromNumbers(d, arr.shape, r, label);
  }
  if (d.kind === 'f')
    throw typeError(
      "ufunc 'invert' not supported for the input types, and the inputs could not be safely coerced to any supported types according to the casting rule ''safe''",
    );
  if (d.kind === 'b') {
    const r = new Float64Array(fl.f.length);
    for (let i = 0; i < r.length; i++) r[i] = fl.f[i] ? 0 : 1;
    return arrayFromNumbers(d, arr.shape, r, label);
  }
  const b = bigValues(fl);
  return arrayFromBigInts(
    d,
    arr.shape,
    Array.from(b, (v) => ~v),
    label,
  );
}
