import { useEffect, useState } from 'react';
import type { JobProgress } from '@contract';
import { bridge, call } from './api';

/**
 * Progress of work main runs off its event loop (a kernel over a large view, inflating an .npz member, a view expression's
 * `.copy()`, a byte search), with
 * Cancel. Main reports only jobs that run longer than ~150 ms, so short work never flashes a bar. The call that
 * started a cancelled job answers kind 'cancelled' in its own pane.
 */
export function JobProgressBar({ kind }: { kind: JobProgress['kind'] }) {
  const [job, setJob] = useState<JobProgress | null>(null);
  useEffect(() => {
    let off: (() => void) | undefined;
    try {
      off = bridge().onProgress((p) => {
        if (p.kind !== kind) return;
        setJob(p.state === 'running' ? p : null);
      });
    } catch {
      // no bridge: nothing reports progress
    }
    return () => off?.();
  }, [kind]);
  if (!job) return null;
  const pct = job.total > 0 ? Math.floor((100 * job.done) / job.total) : 0;
  return (
    <div className="job-progress" role="status" data-testid={`progress-${kind}`}>
      <span className="muted">{job.label}</span>{' '}
      <progress max={100} value={pct} aria-label={`${job.label}: ${pct}%`} data-testid={`progress-${kind}-bar`} />{' '}
      <span>{pct}%</span>{' '}
      <button onClick={() => void call((api) => api.cancel(job.jobId))} data-testid={`progress-${kind}-cancel`}>
        Cancel
      </button>
    </div>
  );
}
