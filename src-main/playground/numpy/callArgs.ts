/**
 * How the simulated NumPy module functions read their arguments and hand back arrays: a module function object
 * (`np.zeros` repr as `<function zeros>`), a shape argument, an optional dtype argument, and a new array adopted by
 * the session (its lifetime registered) before Python sees it.
 */
import { DType } from '../../core/dtype';
import { NDArray } from '../../core/ndarray';
import { PyArray, toDType } from './arrays';
import { intSequence, PyBuiltin, type Ctx, type NativeFn, type PyValue } from '../runtime/objects';

/** A module-level function (`np.zeros`): repr `<function zeros>`, qualified name `qual`. */
export function moduleFunction(name: string, f: NativeFn, qual = name): PyBuiltin {
  return new PyBuiltin(name, f, null, 'function', qual);
}

export function shapeArg(v: PyValue, ctx: Ctx): number[] {
  return intSequence(v, 'shape', ctx);
}

export function optDType(v: PyValue | undefined, ctx: Ctx, dflt: () => DType): DType {
  return v === undefined || v === null ? dflt() : toDType(v, ctx);
}

export function newArray(arr: NDArray, ctx: Ctx): PyArray {
  ctx.adopt(arr);
  return PyArray.wrap(arr);
}
