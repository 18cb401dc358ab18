/**
 * View expressions over an open array (`a[::2]`, `x.T`, `a.view('<u2')`): the Walk, Kernels and C pointer panes name
 * what they look at this way. The expression is laid out at once by core (O(ndim) per step); each `.copy()` it asks
 * for (at most LIMITS.maxViewCopyBytes) runs off main's event loop as a job, charged to the session budget until the
 * caller has answered (api/viewCopies).
 */
import type { NDArray } from '../core/ndarray';
import { nameOf } from './presentation';
import type { OpenedArray } from './sessionRegistry';
import { evaluateViewOffMain, type HeldView, type ViewCopyContext } from './viewCopies';

/**
 * Use a view expression over the open array: `x` (the seed's name) and `a` both name it, and so does its console
 * name. The view (and any copy it made) lives until `use` has answered.
 */
export async function withView<T>(
  o: OpenedArray,
  expression: string,
  ctx: ViewCopyContext,
  use: (w: NDArray) => T | Promise<T>,
): Promise<T> {
  if (expression === 'a' || expression === 'x' || expression === nameOf(o)) return use(o.array);
  const held: HeldView = await evaluateViewOffMain(
    expression,
    { [nameOf(o)]: o.array, x: o.array, a: o.array },
    o.label,
    ctx,
  );
  try {
    return await use(held.view);
  } finally {
    held.release();
  }
}
