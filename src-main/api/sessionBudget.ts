/**
 * The session's memory budget: JS-owned bytes the renderer can make main allocate (inflated .npz members, contiguous
 * copies). Charged BEFORE allocating, released when the array closes; over the budget the call fails with
 * "over the session budget (N of M used)" instead of growing main's heap until the OS kills it.
 * (The console's built-in interpreter keeps its own AllocationBudget, core/memory.ts, for its arrays.)
 */
import { UnsupportedError } from '../core/errors';
import { LIMITS } from './contract';

function mib(n: number): string {
  return `${(n / 2 ** 20).toFixed(n < 2 ** 20 ? 3 : 1)} MiB`;
}

export class SessionBudget {
  private usedBytes = 0;

  constructor(readonly limitBytes: number = LIMITS.sessionBudgetBytes) {}

  get used(): number {
    return this.usedBytes;
  }

  get remaining(): number {
    return Math.max(0, this.limitBytes - this.usedBytes);
  }

  /** Reserve `bytes` for `what`; throws when that would pass the budget. Returns the release function. */
  charge(bytes: number, what: string): () => void {
    if (!Number.isFinite(bytes) || bytes < 0) throw new UnsupportedError(`${what}: cannot reserve ${bytes} bytes`);
    if (this.usedBytes + bytes > this.limitBytes) {
      throw new UnsupportedError(
        `${what} needs ${mib(bytes)}: over the session budget (${mib(this.usedBytes)} of ${mib(this.limitBytes)} used); close arrays to free memory`,
      );
    }
    this.usedBytes += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.usedBytes -= bytes;
    };
  }
}
