/**
 * A bound on the work of one console input. The app's built-in simulation runs each input synchronously on the
 * main process's thread (the one that answers the window), so an input that computes for seconds would freeze the
 * app: the interpreter checks this limit as it evaluates each expression node and raises Python's `TimeoutError`
 * once the input has used `limitMs` of CPU time. (CPU time, not wall time: a loaded machine that descheduled the
 * process must not make a small input fail.) One node is one operation, whose size the memory budget bounds
 * (core/memory AllocationBudget), so an input holds the thread for about `limitMs` plus one operation at most.
 */
import { PyException } from './errors';

/** CPU time of this process (user + system), in ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export class WorkLimit {
  private start = 0;
  private checks = 0;

  constructor(
    readonly limitMs: number,
    /** what to add to the TimeoutError's message (e.g. how to get real NumPy) */
    private readonly advice = '',
  ) {}

  /** An input starts. */
  begin(): void {
    this.checks = 0;
    this.start = cpuMs();
  }

  /** Throws TimeoutError once the input has used more than the limit (the clock is read every 16th call). */
  check(): void {
    if ((++this.checks & 15) !== 0) return;
    const used = cpuMs() - this.start;
    if (used > this.limitMs) {
      throw new PyException(
        'TimeoutError',
        `this input was stopped after ${Math.round(used)} ms of work (the limit is ${this.limitMs} ms)${this.advice ? `; ${this.advice}` : ''}`,
      );
    }
  }
}
