/**
 * Python's operators on its own values (int, float, bool, str, bytes, tuple, list), as CPython's
 * Objects/longobject.c, floatobject.c and the sequence types define them: `NOT_IMPLEMENTED` when an operator does
 * not apply, so the evaluator can try NumPy and ctypes the way Python tries __radd__.
 */
import { budgetIntDigits, budgetItems } from '../../core/memory';
import { PyArray } from '../numpy/arrays';
import { PyException, typeError, valueError } from './errors';
import type { BinOp } from '../numpy/binop';
import { type Ctx, PyList, PyObject, PyTuple, type PyValue, typeName } from './objects';

export const NOT_IMPLEMENTED = new (class extends PyObject {
  get typeName(): string {
    return 'NotImplementedType';
  }
})();

export function identical(a: PyValue, b: PyValue): boolean {
  if (a === b) return true;
  if (a instanceof PyArray && b instanceof PyArray) return a === b;
  return false;
}

/** Python's arithmetic on int/float/bool/str/tuple/list; NOT_IMPLEMENTED when it does not apply. */
export function pyArith(op: BinOp, l: PyValue, r: PyValue, _ctx: Ctx): PyValue {
  const asNum = (v: PyValue): bigint | number | null =>
    typeof v === 'boolean' ? (v ? 1n : 0n) : typeof v === 'bigint' || typeof v === 'number' ? v : null;
  const a = asNum(l);
  const b = asNum(r);
  if (a !== null && b !== null) {
    if (typeof a === 'bigint' && typeof b === 'bigint') {
      switch (op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          if (a !== 0n && b !== 0n)
            budgetIntDigits(a.toString(16).length * 1.21 + b.toString(16).length * 1.21, 'this product');
          return a * b;
        case '/':
          if (b === 0n) throw new PyException('ZeroDivisionError', 'division by zero');
          return Number(a) / Number(b);
        case '//':
        case '%': {
          if (b === 0n)
            throw new PyException(
              'ZeroDivisionError',
              op === '//' ? 'integer division or modulo by zero' : 'integer modulo by zero',
            );
          let q = a / b;
          if (a % b !== 0n && a < 0n !== b < 0n) q -= 1n;
          return op === '//' ? q : a - q * b;
        }
        case '**':
          if (b < 0n) {
            if (a === 0n) throw new PyException('ZeroDivisionError', '0.0 cannot be raised to a negative power');
            return Number(a) ** Number(b);
          }
          if (a !== 0n && a !== 1n && a !== -1n)
            budgetIntDigits(Number(b) * Math.log10(Math.abs(Number(a)) || 2), 'this power');
          return a ** b;
        case '<<':
          if (b < 0n) throw valueError('negative shift count');
          if (a !== 0n) budgetIntDigits((Number(b) + a.toString(16).length * 4) * Math.LOG10E * Math.LN2, 'this shift');
          return a << b;
        case '>>':
          if (b < 0n) throw valueError('negative shift count');
          return a >> b;
        case '&':
          return typeof l === 'boolean' && typeof r === 'boolean' ? l && r : a & b;
        case '|':
          return typeof l === 'boolean' && typeof r === 'boolean' ? l || r : a | b;
        case '^':
          return typeof l === 'boolean' && typeof r === 'boolean' ? l !== r : a ^ b;
      }
      return NOT_IMPLEMENTED;
    }
    const x = Number(a);
    const y = Number(b);
    switch (op) {
      case '+':
        return x + y;
      case '-':
        return x - y;
      case '*':
        return x * y;
      case '/':
        if (y === 0) throw new PyException('ZeroDivisionError', 'float division by zero');
        return x / y;
      case '//':
        if (y === 0) throw new PyException('ZeroDivisionError', 'float floor division by zero');
        return Math.floor(x / y);
      case '%': {
        if (y === 0) throw new PyException('ZeroDivisionError', 'float modulo');
        const m = x % y;
        return m !== 0 && m < 0 !== y < 0 ? m + y : m;
      }
      case '**':
        if (x === 0 && y < 0) throw new PyException('ZeroDivisionError', '0.0 cannot be raised to a negative power');
        return x ** y;
    }
    return NOT_IMPLEMENTED;
  }
  if (op === '+') {
    const lenOf = (v: PyValue): number =>
      typeof v === 'string' || v instanceof Uint8Array
        ? v.length
        : v instanceof PyList || v instanceof PyTuple
          ? v.items.length
          : 0;
    budgetItems(lenOf(l) + lenOf(r), 'this concatenation');
    if (typeof l === 'string' && typeof r === 'string') return l + r;
    if (typeof l === 'string') throw typeError(`can only concatenate str (not "${typeName(r)}") to str`);
    if (l instanceof PyList && !(r instanceof PyList))
      throw typeError(`can only concatenate list (not "${typeName(r)}") to list`);
    if (l instanceof PyTuple && !(r instanceof PyTuple))
      throw typeError(`can only concatenate tuple (not "${typeName(r)}") to tuple`);
    if (l instanceof Uint8Array && r instanceof Uint8Array) {
      const o = new Uint8Array(l.length + r.length);
      o.set(l);
      o.set(r, l.length);
      return o;
    }
    if (l instanceof PyTuple && r instanceof PyTuple) return new PyTuple([...l.items, ...r.items]);
    if (l instanceof PyList && r instanceof PyList) return new PyList([...l.items, ...r.items]);
  }
  if (op === '*') {
    const [s, n] = typeof r === 'bigint' ? [l, Number(r)] : typeof l === 'bigint' ? [r, Number(l)] : [null, 0];
    const unit = typeof s === 'string' ? s.length : s instanceof PyList || s instanceof PyTuple ? s.items.length : 0;
    if (unit > 0 && n > 0) budgetItems(unit * n, 'this repetition');
    if (typeof s === 'string') return s.repeat(Math.max(0, n));
    if (s instanceof PyTuple) return new PyTuple(Array.from({ length: Math.max(0, n) }, () => s.items).flat());
    if (s instanceof PyList) return new PyList(Array.from({ length: Math.max(0, n) }, () => s.items).flat());
  }
  if (op === '%' && typeof l === 'string') return NOT_IMPLEMENTED;
  return NOT_IMPLEMENTED;
}
