/**
 * What a binary ufunc is called with and answers: the operator, its operands (arrays or Python scalars), the
 * result, and Python's floor division / remainder on numbers (shared by the generic and the fast loops).
 */
import { NDArray } from '../../core/ndarray';

export type BinOp =
  '+' | '-' | '*' | '/' | '//' | '%' | '**' | '<' | '<=' | '>' | '>=' | '==' | '!=' | '&' | '|' | '^' | '<<' | '>>';

/** One operand of a ufunc: an array (strong dtype) or a Python scalar (weak, NEP 50). */
export type Operand = { kind: 'array'; arr: NDArray } | { kind: 'py'; value: bigint | number | boolean };

/** Warnings a ufunc raised (NumPy's floating point error reports), in NumPy's order. */
export interface UfuncResult {
  arr: NDArray;
  warnings: string[];
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

/** A comparison operator on two numbers (ints as BigInt or numbers, floats as numbers), as Python and NumPy compare. */
export function compareNumbers(op: BinOp, a: number | bigint, b: number | bigint): boolean {
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
