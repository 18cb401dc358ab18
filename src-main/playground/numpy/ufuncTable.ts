/**
 * The one dispatch table of the simulated binary ufuncs, consulted by the generic (reference) path (ufuncs.ts,
 * flat.ts) and the typed fast path (fastufunc.ts):
 *
 * - per operator: NumPy's ufunc name, its family (how NumPy resolves its types: comparisons answer bool, bitwise and
 *   shift ops refuse floats, true division answers float) and how the fast path computes it on int64/uint64 operands;
 * - per dtype: the typed array that holds its elements (bool, (u)int8/16/32, float32/64; float16 and 64-bit integers
 *   need conversions of their own, written where they are read).
 *
 * Adding an operator or a dtype is one row here; the paths' loops stay where they are (one tight loop per operator,
 * which is what keeps them fast).
 */
import type { DType } from '../../core/dtype';
import type { BinOp } from './binop';

/** How NumPy resolves the types of an operator (numpy/_core/code_generators/generate_umath.py's type signatures). */
export type UfuncFamily = 'arithmetic' | 'true_divide' | 'compare' | 'bitwise' | 'shift';

export interface BinaryUfunc {
  /** NumPy's name for it (`np.add` is `+`): what its warnings and type errors say. */
  name: string;
  family: UfuncFamily;
  /**
   * On int64/uint64 operands the fast path computes it exactly on 32-bit word pairs ('words'), in doubles when every
   * value is within 2^53 ('doubles-within-2^53'), or leaves it to the generic path ('generic').
   */
  int64: 'words' | 'doubles-within-2^53' | 'generic';
}

export const BINARY_UFUNCS: Readonly<Record<BinOp, BinaryUfunc>> = {
  '+': { name: 'add', family: 'arithmetic', int64: 'words' },
  '-': { name: 'subtract', family: 'arithmetic', int64: 'words' },
  '*': { name: 'multiply', family: 'arithmetic', int64: 'words' },
  '/': { name: 'divide', family: 'true_divide', int64: 'generic' },
  '//': { name: 'floor_divide', family: 'arithmetic', int64: 'doubles-within-2^53' },
  '%': { name: 'remainder', family: 'arithmetic', int64: 'doubles-within-2^53' },
  '**': { name: 'power', family: 'arithmetic', int64: 'generic' },
  '<': { name: 'less', family: 'compare', int64: 'words' },
  '<=': { name: 'less_equal', family: 'compare', int64: 'words' },
  '>': { name: 'greater', family: 'compare', int64: 'words' },
  '>=': { name: 'greater_equal', family: 'compare', int64: 'words' },
  '==': { name: 'equal', family: 'compare', int64: 'words' },
  '!=': { name: 'not_equal', family: 'compare', int64: 'words' },
  '&': { name: 'bitwise_and', family: 'bitwise', int64: 'words' },
  '|': { name: 'bitwise_or', family: 'bitwise', int64: 'words' },
  '^': { name: 'bitwise_xor', family: 'bitwise', int64: 'words' },
  '<<': { name: 'left_shift', family: 'shift', int64: 'generic' },
  '>>': { name: 'right_shift', family: 'shift', int64: 'generic' },
};

/** NumPy's name of the ufunc behind a Python operator (undefined for what is not a binary ufunc). */
export function ufuncName(op: string): string | undefined {
  return Object.hasOwn(BINARY_UFUNCS, op) ? BINARY_UFUNCS[op as BinOp].name : undefined;
}

export function isComparison(op: BinOp): boolean {
  return BINARY_UFUNCS[op].family === 'compare';
}

/** A dtype's key in the tables: `b1` for bool, else kind and itemsize (`i4`, `f8`). */
export function dtypeKey(d: DType): string {
  return d.kind === 'b' ? 'b1' : `${d.kind}${d.itemsize}`;
}

/** A typed array whose elements are numbers (Int8Array … Float64Array). */
export interface NumberArray {
  [i: number]: number;
  readonly length: number;
  set(values: ArrayLike<number>): void;
}

/** Its constructor over an existing buffer. */
type NumberArrayConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => NumberArray;

/** The typed array of each dtype whose every value is a double (bool is read and written as 0/1 bytes apart). */
export const NUMBER_ARRAYS: Readonly<Record<string, NumberArrayConstructor>> = {
  i1: Int8Array,
  u1: Uint8Array,
  i2: Int16Array,
  u2: Uint16Array,
  i4: Int32Array,
  u4: Uint32Array,
  f4: Float32Array,
  f8: Float64Array,
};

/** The dtypes the typed fast path computes on: those of NUMBER_ARRAYS, bool, and 64-bit integers (as word pairs). */
export const FAST_KEYS: ReadonlySet<string> = new Set(['b1', ...Object.keys(NUMBER_ARRAYS), 'i8', 'u8']);
