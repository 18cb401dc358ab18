/**
 * Work main runs off its event loop (a kernel on koffi's worker thread, an .npz member inflated in slices):
 * each gets a job id, reports progress as events (`onProgress`, pushed to the renderer as EVENT_PROGRESS) and can be
 * cancelled by id through the contract's `cancel(jobId)`.
 *
 * Short jobs stay quiet: the first event goes out once a job has run ~150 ms (the renderer shows a progress bar only
 * for work the user would notice, ~200 ms), then at most every 50 ms, and a last event says how it ended.
 */
import { CancelledError } from '../core/errors';
import type { JobId, JobProgress } from './contract';

const QUIET_MS = 150;
const EVERY_MS = 50;

export interface Job {
  id: JobId;
  signal: AbortSignal;
  /** bytes done so far (never decreasing) */
  progress(done: number): void;
  /** the job ended: report how (only when it was reported running) and forget it */
  end(state: JobProgress['state']): void;
}

export class JobTable {
  private readonly running = new Map<JobId, { abort: AbortController }>();
  private next = 1;

  constructor(private readonly sink: (p: JobProgress) => void = () => {}) {}

  start(kind: JobProgress['kind'], label: string, total: number): Job {
    const id = `j${this.next++}`;
    const abort = new AbortController();
    this.running.set(id, { abort });
    const t0 = performance.now();
    let lastSent = -Infinity;
    let sentAny = false;
    let done = 0;
    const send = (state: JobProgress['state']) => {
      sentAny = true;
      lastSent = performance.now();
      this.sink({ jobId: id, kind, label, done, total, state });
    };
    return {
      id,
      signal: abort.signal,
      progress: (d) => {
        done = Math.max(done, Math.min(d, total));
        const now = performance.now();
        if (now - t0 >= QUIET_MS && now - lastSent >= EVERY_MS) send('running');
      },
      end: (state) => {
        this.running.delete(id);
        if (state === 'done') done = total;
        if (sentAny || performance.now() - t0 >= QUIET_MS) send(state);
      },
    };
  }

  /** Cancel a running job; false when no such job runs (finished, or never started). */
  cancel(id: JobId): boolean {
    const j = this.running.get(id);
    if (!j) return false;
    j.abort.abort();
    return true;
  }

  cancelAll(): void {
    for (const j of this.running.values()) j.abort.abort();
  }

  /** Run `work` as a job, ending it with the state its outcome implies. */
  async run<T>(kind: JobProgress['kind'], label: string, total: number, work: (job: Job) => Promise<T>): Promise<T> {
    const job = this.start(kind, label, total);
    try {
      const out = await work(job);
      job.end('done');
      return out;
    } catch (e) {
      job.end(e instanceof CancelledError ? 'cancelled' : 'failed');
      throw e;
    }
  }
}
