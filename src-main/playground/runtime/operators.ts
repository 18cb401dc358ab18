/**
 * Python's operators in the playground: binary (`a + b`, `T * 3` for ctypes array types), unary (`-a`, `~a`, `not a`)
 * and comparisons (`<`, `==`, `is`, `in`). Where a NumPy array or scalar takes part they are NumPy's ufuncs
 * (numpy/ufuncs.ts), with their RuntimeWarnings and results adopted by the session; otherwise Python's own
 * arithmetic (pyops.ts).
 */
import type { NDArray } from '../../core/ndarray';
import { arrayFromPy, NpScalar, PyArray, PyDType, toDType } from '../numpy/arrays';
import { arrayType, PyCArrayType, PyCSimpleType } from '../ctypes/cobjects';
import { PyException, typeError } from './errors';
import { binaryUfunc, unaryUfunc } from '../numpy/ufuncs';
import { type BinOp, compareNumbers, type Operand } from '../numpy/binop';
import { type Ctx, pyEquals, PyList, PyTuple, type PyValue, truthy, typeName } from './objects';
import { identical, NOT_IMPLEMENTED, pyArith } from './pyops';

/** What the operators need of the interpreter: its context, and Python's iteration (for `in`). */
export interface OperatorContext extends Ctx {
  iterate(v: PyValue): PyValue[];
}

/** np.asarray(list) for a list/tuple operand next to an array. */
function toArrayValue(v: PyValue, ctx: Ctx): NDArray {
  const arr = arrayFromPy(v, null, ctx, ctx.label);
  ctx.adopt(arr);
  return arr;
}

function operand(v: PyValue): Operand | null {
  if (v instanceof PyArray) return { kind: 'array', arr: v.arr };
  if (v instanceof NpScalar) return { kind: 'array', arr: v.toArray() };
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return { kind: 'py', value: v };
  if (v instanceof PyList || v instanceof PyTuple) return null;
  return null;
}

/** `a.dtype == np.int32`, `== 'int32'`: NumPy turns the other side into a dtype (False when it cannot). */
function sameDType(l: PyValue, r: PyValue, ctx: Ctx): boolean {
  try {
    return toDType(l, ctx).equals(toDType(r, ctx));
  } catch {
    return false; // not a dtype (a PyException, or the dtype parser's own error for an unknown name)
  }
}

function isNumpy(v: PyValue): boolean {
  return v instanceof PyArray || v instanceof NpScalar;
}

function ufunc(op: BinOp, l: PyValue, r: PyValue, ctx: OperatorContext): PyValue {
  let a = operand(l);
  let b = operand(r);
  // lists and tuples next to an array become arrays (np.asarray)
  if (!a && (l instanceof PyList || l instanceof PyTuple)) a = { kind: 'array', arr: toArrayValue(l, ctx) };
  if (!b && (r instanceof PyList || r instanceof PyTuple)) b = { kind: 'array', arr: toArrayValue(r, ctx) };
  if (!a || !b) return NOT_IMPLEMENTED;
  const scalarResult =
    !(l instanceof PyArray) &&
    !(r instanceof PyArray) &&
    (a.kind !== 'array' || a.arr.ndim === 0) &&
    (b.kind !== 'array' || b.arr.ndim === 0);
  const res = binaryUfunc(op, a, b, ctx.modelName, ctx.label);
  const scalarOps = (l instanceof NpScalar || r instanceof NpScalar) && scalarResult;
  for (const w of res.warnings)
    ctx.warn('RuntimeWarning', scalarOps ? w.replace(/encountered in /, 'encountered in scalar ') : w);
  if (scalarResult || (res.arr.ndim === 0 && !(l instanceof PyArray || r instanceof PyArray)))
    return new NpScalar(res.arr.dtype, res.arr.get([]));
  if (res.arr.ndim === 0) return new NpScalar(res.arr.dtype, res.arr.get([]));
  ctx.adopt(res.arr);
  return PyArray.wrap(res.arr);
}

/** `l op r` (BinOp, or `@`, which the playground refuses). */
export function binaryOperator(op: BinOp | '@', l: PyValue, r: PyValue, ctx: OperatorContext): PyValue {
  if (op === '@')
    throw new PyException('NotImplementedError', 'matrix multiplication (@) is not supported in the playground');
  if (isNumpy(l) || isNumpy(r)) {
    const v = ufunc(op, l, r, ctx);
    if (v !== NOT_IMPLEMENTED) return v;
  }
  // ctypes: T * n makes an array type
  if (op === '*') {
    const t =
      l instanceof PyCSimpleType || l instanceof PyCArrayType
        ? l
        : r instanceof PyCSimpleType || r instanceof PyCArrayType
          ? r
          : null;
    const n = t === l ? r : l;
    if (t && (typeof n === 'bigint' || typeof n === 'boolean')) return arrayType(t, Number(n), '__main__', ctx);
  }
  const res = pyArith(op, l, r, ctx);
  if (res !== NOT_IMPLEMENTED) return res;
  throw typeError(`unsupported operand type(s) for ${op}: '${typeName(l)}' and '${typeName(r)}'`);
}

/** `op v` for `- + ~ not`. */
export function unaryOperator(op: '-' | '+' | '~' | 'not', v: PyValue, ctx: OperatorContext): PyValue {
  if (op === 'not') return !truthy(v, ctx);
  if (v instanceof PyArray) {
    const r = unaryUfunc(op, v.arr, ctx.label);
    if (r.ndim === 0) return new NpScalar(r.dtype, r.get([]));
    ctx.adopt(r);
    return PyArray.wrap(r);
  }
  if (v instanceof NpScalar) {
    const r = unaryUfunc(op, v.toArray(), ctx.label);
    return new NpScalar(r.dtype, r.get([]));
  }
  if (typeof v === 'boolean') v = v ? 1n : 0n;
  if (typeof v === 'bigint') return op === '-' ? -v : op === '+' ? v : ~v;
  if (typeof v === 'number') {
    if (op === '~') throw typeError("bad operand type for unary ~: 'float'");
    return op === '-' ? -v : v;
  }
  throw typeError(`bad operand type for unary ${op}: '${typeName(v)}'`);
}

/** One comparison of a chain: `l op r` for `< <= > >= == != is is not in not in`. */
export function compareOperator(op: string, l: PyValue, r: PyValue, ctx: OperatorContext): PyValue {
  switch (op) {
    case 'is':
      return identical(l, r);
    case 'is not':
      return !identical(l, r);
    case 'in':
    case 'not in': {
      const items = ctx.iterate(r);
      const found = items.some((x) => pyEquals(x, l));
      return op === 'in' ? found : !found;
    }
  }
  if (isNumpy(l) || isNumpy(r)) {
    const v = ufunc(op as BinOp, l, r, ctx);
    if (v !== NOT_IMPLEMENTED) return v;
  }
  if ((op === '==' || op === '!=') && (l instanceof PyDType || r instanceof PyDType)) {
    return (op === '==') === sameDType(l, r, ctx);
  }
  if (op === '==') return pyEquals(l, r);
  if (op === '!=') return !pyEquals(l, r);
  const num = (v: PyValue): number | bigint | null =>
    typeof v === 'boolean' ? (v ? 1n : 0n) : typeof v === 'bigint' || typeof v === 'number' ? v : null;
  const a = num(l);
  const b = num(r);
  if (a !== null && b !== null && (op === '<' || op === '<=' || op === '>' || op === '>='))
    return compareNumbers(op, a, b);
  if (typeof l === 'string' && typeof r === 'string') {
    return op === '<' ? l < r : op === '<=' ? l <= r : op === '>' ? l > r : l >= r;
  }
  throw typeError(`'${op}' not supported between instances of '${typeName(l)}' and '${typeName(r)}'`);
}
