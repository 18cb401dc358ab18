/**
 * One kernel call over a view of an open array, run as a job off main's event loop (progress, cancel) by the native
 * library, or its TypeScript fallback, on all CPUs but one. A contiguous copy is JS-owned memory: bounded like a view
 * expression's `.copy()` and charged to the session budget while it runs.
 */
import { availableParallelism } from 'node:os';
import { ArgumentError, UnsupportedError } from '../core/errors';
import type { NDArray } from '../core/ndarray';
import { type KernelName } from '../platform/nativeKernels';
import { runKernelAsync } from '../platform/kernelsAsync';
import type { JobTable } from './jobs';
import type { SessionBudget } from './sessionBudget';
import type { OpenedArray } from './sessionRegistry';
import { LIMITS, type KernelRun } from './contract';

/** Threads a kernel may use: all CPUs but one, which stays with main's event loop. */
const KERNEL_THREADS = Math.max(1, availableParallelism() - 1);

/** Run kernel `name` over `w`, a view of `o`; the answer names the call, its result and which implementation ran. */
export async function runKernelOnView(
  o: OpenedArray,
  name: KernelName,
  w: NDArray,
  jobs: JobTable,
  budget: SessionBudget,
): Promise<KernelRun> {
  if (w.size > LIMITS.maxKernelElements) {
    throw new ArgumentError(
      `the view has ${w.size} elements; a kernel call here visits at most ${LIMITS.maxKernelElements}`,
    );
  }
  const total = w.size * w.itemsize;
  let release = () => {};
  if (name === 'contiguous_copy') {
    // the copy is JS-owned memory: bounded like a view expression's .copy() and charged to the session
    if (total > LIMITS.maxViewCopyBytes) {
      throw new UnsupportedError(
        `contiguous_copy of ${total} bytes: a copy here is at most ${LIMITS.maxViewCopyBytes} bytes (LIMITS.maxViewCopyBytes)`,
      );
    }
    release = budget.charge(total, 'contiguous_copy');
  }
  let answer;
  try {
    answer = await jobs.run('kernel', `${name} over ${o.label}`, total, (job) =>
      // one CPU stays with main (and the window): the kernel splits over the others
      runKernelAsync(name, w, {
        signal: job.signal,
        onProgress: (done) => job.progress(done),
        pollMs: 50,
        threads: KERNEL_THREADS,
      }),
    );
  } finally {
    release();
  }
  return {
    kernel: answer.kernel,
    prototype: answer.call.prototype,
    args: Object.entries(answer.call.args).map(([k, val]) => ({
      name: k,
      value: Array.isArray(val) ? `[${val.join(', ')}]` : String(val),
    })),
    result: answer.result,
    implementation: answer.implementation,
    fallbackReason:
      answer.implementation === 'native'
        ? null
        : (answer.fallbackReason ?? 'the native kernel library is not available'),
    elapsedMs: answer.seconds * 1e3,
  };
}
