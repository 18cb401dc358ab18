/**
 * View expressions as the handlers evaluate them: the layout at once (core/viewCopy's planViewExpr: O(ndim) per
 * step), and each `.copy()` (up to LIMITS.maxViewCopyBytes) off main's event loop as a job with progress and cancel
 * (platform/copyInto: the native copy kernel on a worker thread, else a TypeScript copy that yields every ~8 ms).
 *
 * Each copy is charged to the session budget BEFORE its memory is allocated; the charge is held until the caller
 * releases the view (the end of the call that asked for it: a view's copy is never kept).
 *
 * Why plan-then-copy rather than an asynchronous evaluator: views never read values, so the whole expression can
 * be checked and laid out first (every error comes before any work), the evaluator stays synchronous and shared
 * with the CLI and the tests, and the core stays pure (it never learns how, or on which thread, bytes are copied).
 */
import { OwnedMemory } from '../core/memory';
import type { NDArray } from '../core/ndarray';
import { planViewExpr } from '../core/viewCopy';
import { copyIntoAsync } from '../platform/copyInto';
import { LIMITS } from './contract';
import type { JobTable } from './jobs';
import type { SessionBudget } from './sessionBudget';

export interface ViewCopyContext {
  budget: SessionBudget;
  jobs: JobTable;
  /** the TypeScript copy even when the native library is loaded (tests) */
  forceFallback?: boolean;
}

/** A view and what it holds of the session budget (its copies): call release() when done with the view. */
export interface HeldView {
  view: NDArray;
  release(): void;
}

/** Evaluate `expression` over `names`; `.copy()` steps run off main as one job labelled with `label`. */
export async function evaluateViewOffMain(
  expression: string,
  names: Record<string, NDArray>,
  label: string,
  ctx: ViewCopyContext,
): Promise<HeldView> {
  const releases: (() => void)[] = [];
  const release = () => {
    for (const r of releases.splice(0)) r();
  };
  try {
    const plan = planViewExpr(expression, names, {
      maxCopyBytes: LIMITS.maxViewCopyBytes,
      allocate(nbytes, what) {
        const give = ctx.budget.charge(nbytes, what);
        releases.push(give);
        return new OwnedMemory(what, nbytes);
      },
    });
    if (plan.copies.length > 0) {
      const total = plan.copies.reduce((n, s) => n + s.target.nbytes, 0);
      await ctx.jobs.run('copy', `${expression} over ${label}`, total, async (job) => {
        let before = 0;
        for (const step of plan.copies) {
          await copyIntoAsync(step.source, step.target.memory as OwnedMemory, {
            signal: job.signal,
            onProgress: (done) => job.progress(before + done),
            forceFallback: ctx.forceFallback,
          });
          before += step.target.nbytes;
        }
      });
    }
    return { view: plan.view, release };
  } catch (e) {
    release();
    throw e;
  }
}
