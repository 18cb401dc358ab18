/**
 * View expressions over an open array (`a[::2]`, `x.T`, `a.view('<u2')`): the Walk, Kernels and C pointer panes name
 * what they look at this way. The expression is evaluated by core/viewexpr over the array under its names; a copy it
 * asks for is bounded by LIMITS.maxViewCopyBytes.
 */
import type { NDArray } from '../core/ndarray';
import { evaluateViewExpr } from '../core/viewexpr';
import { nameOf } from './presentation';
import type { OpenedArray } from './sessionRegistry';
import { LIMITS } from './contract';

/** A view expression over the open array: `x` (the seed's name) and `a` both name it, and so does its console name. */
export function view(o: OpenedArray, expression: string): NDArray {
  if (expression === 'a' || expression === 'x' || expression === nameOf(o)) return o.array;
  return evaluateViewExpr(
    expression,
    { [nameOf(o)]: o.array, x: o.array, a: o.array },
    { maxCopyBytes: LIMITS.maxViewCopyBytes },
  );
}
