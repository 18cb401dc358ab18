/**
 * A view expression's `.copy()` steps, planned first and filled afterwards.
 *
 * A view expression never reads element values: `a[::2].copy().T[1:]` is layout arithmetic (O(ndim)) around the
 * one step that costs O(size), the copy. `planViewExpr` evaluates the whole expression at once, giving each
 * `.copy()` a freshly allocated, still empty, C-ordered destination (what NumPy's copy answers: same dtype and
 * shape, C strides, OWNDATA), and returns the steps that fill them, in evaluation order (a later step may copy out of
 * an earlier step's destination, so they must run in that order). The caller runs the steps however it may block:
 * `fillCopies` here at once (the CLI, tests), or the app's main process off its event loop (api/viewCopies.ts: the
 * native copy kernel on a worker thread, or the parts below with a yield between them).
 *
 * Errors come before any byte is copied: a view NumPy refuses, a copy over the limit, an allocation refused.
 */
import { cStrides } from './layout';
import type { OwnedMemory } from './memory';
import { NDArray } from './ndarray';
import { evaluateViewExpr } from './viewexpr';

export interface CopyStep {
  /** the view being copied (its memory is read) */
  source: NDArray;
  /** the copy: a C-ordered array on fresh memory, filled by running the step */
  target: NDArray;
}

export interface ViewPlan {
  /** the expression's value; when `copies` is not empty, valid only once every step has run */
  view: NDArray;
  copies: CopyStep[];
}

export interface PlanOptions {
  /** Largest `.copy()` allowed, in bytes. */
  maxCopyBytes?: number;
  /** Make the memory of a copy of `nbytes` bytes (the caller charges its budget here, before allocating). */
  allocate: (nbytes: number, label: string) => OwnedMemory;
}

/** The empty C-ordered copy of `a` on `memory` (`memory.size === a.nbytes`), shaped as NumPy's `a.copy()`. */
export function emptyCopyOf(a: NDArray, memory: OwnedMemory): NDArray {
  return new NDArray({
    memory,
    dtype: a.dtype,
    shape: a.shape,
    // NumPy gives freshly allocated empty arrays zero strides
    strides: a.size === 0 ? a.shape.map(() => 0) : cStrides(a.shape, a.itemsize),
    offset: 0,
    base: null,
    ownsData: true,
    label: memory.label,
  });
}

/** Evaluate `src` with every `.copy()` allocated but not yet filled (see the header). */
export function planViewExpr(src: string, names: Record<string, NDArray>, options: PlanOptions): ViewPlan {
  const copies: CopyStep[] = [];
  const view = evaluateViewExpr(src, names, {
    maxCopyBytes: options.maxCopyBytes,
    copy: (a) => {
      const target = emptyCopyOf(a, options.allocate(a.nbytes, `${a.label}.copy()`));
      copies.push({ source: a, target });
      return target;
    },
  });
  return { view, copies };
}

/**
 * The source in C order cut into parts of at most `unitBytes` (a part is never smaller than one element): each part
 * is a view of the source, `at` is where its bytes go in the copy. Leading-axis slices when a row fits, else each
 * row on its own, recursively; so a copy is about nbytes / unitBytes parts (at most twice that).
 */
export function* copyParts(source: NDArray, unitBytes: number): Generator<{ part: NDArray; at: number }> {
  yield* parts(source, Math.max(1, Math.floor(unitBytes)), 0);
}

function* parts(a: NDArray, unit: number, at: number): Generator<{ part: NDArray; at: number }> {
  const nbytes = a.nbytes;
  if (nbytes === 0) return;
  if (nbytes <= unit || a.ndim === 0) {
    yield { part: a, at };
    return;
  }
  const rows = a.shape[0];
  const rowBytes = nbytes / rows;
  if (rowBytes <= unit) {
    const perPart = Math.max(1, Math.floor(unit / rowBytes));
    for (let i = 0; i < rows; i += perPart) {
      const stop = Math.min(rows, i + perPart);
      yield { part: a.index({ start: i, stop, step: 1 }), at: at + i * rowBytes };
    }
    return;
  }
  for (let i = 0; i < rows; i++) yield* parts(a.index(i), unit, at + i * rowBytes);
}

/** Fill one step's copy at once, on this thread. */
export function fillCopy(step: CopyStep): void {
  const out = targetBytes(step);
  for (const { part, at } of copyParts(step.source, 1 << 30)) out.set(part.toBytes('C'), at);
}

/** Run every step of a plan at once and answer its view (what evaluateViewExpr answers). */
export function fillCopies(plan: ViewPlan): NDArray {
  for (const step of plan.copies) fillCopy(step);
  return plan.view;
}

/** The bytes of a step's destination, to write the copy into. */
export function targetBytes(step: CopyStep): Uint8Array {
  return (step.target.memory as OwnedMemory).view().subarray(0, step.target.nbytes);
}
