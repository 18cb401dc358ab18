/**
 * The bounds of the app's built-in simulated console (api/console.ts). It runs each input synchronously on main's
 * thread, in a tree-walking interpreter over TypeScript arrays (about 0.1–1 µs an element, 10–100× NumPy), so
 * "main never stalls more than 50 ms" needs both:
 *   - a size bound on each operation: arrays of at most `budget.maxBytes` bytes alive (so one operation touches at
 *     most that many bytes, and the interpreter needs up to 16 bytes of working memory an element: np.arange(32768) is the
 *     largest int64 range), `budget.maxItems` Python values built at once
 *     (list(range(n)), a.tolist()), `budget.maxIntDigits` digits in one int;
 *   - a work bound on each input: `workMs` of CPU time, checked at every expression node (playground/runtime/
 *     workLimit.ts), after which the input raises TimeoutError.
 * Measured with tests/app/eventLoopBound.test.ts (the console's worst statements at these sizes); the live console
 * runs real NumPy in its own process and has none of these bounds.
 */
import type { BudgetLimits } from '../core/memory';

const MiB = 1024 * 1024;

/** Said with every refusal and TimeoutError of the simulation. */
export const SIMULATION_ADVICE =
  "the built-in simulation runs on the app's main thread and handles small arrays only (512 KiB, e.g. 32768 int64 elements); with Python and NumPy installed the console runs real NumPy, without these limits";

export const SIMULATION_BOUNDS: { budget: BudgetLimits; workMs: number } = {
  budget: { maxBytes: MiB / 2, maxItems: 1 << 15, maxIntDigits: 20_000, advice: SIMULATION_ADVICE },
  workMs: 20,
};
