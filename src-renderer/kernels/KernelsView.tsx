import { useEffect, useState } from 'react';
import type { ApiError, KernelInfo } from '@contract';
import type { ViewProps } from '../app/viewProps';
import { call, formatValue } from '../app/api';
import { CopyButton, ErrorBox } from '../app/common';
import { useArrayStore, usePaneState } from '../state/arrayStore';
import { JobProgressBar } from '../app/JobProgress';

/** Run a C kernel on the current view: the prototype, the arguments passed, the result, and which implementation ran. */
export function KernelsView({ summary: s }: ViewProps) {
  const [kernels, setKernels] = useState<KernelInfo[]>([]);
  const [listError, setError] = useState<ApiError | null>(null);
  // the choice and the last run live in the array's shared state: a run still going finishes there across tab switches
  const store = useArrayStore();
  const [pane, update] = usePaneState(s);
  const { kernel, expression: expr, last } = pane.kernels;
  const setKernel = (k: string) => update((p) => ({ kernels: { ...p.kernels, kernel: k } }));
  const setExpr = (e: string) => update((p) => ({ kernels: { ...p.kernels, expression: e } }));
  const run = last?.state === 'done' ? last.run : null;
  const error = listError ?? (last?.state === 'failed' ? last.error : null);
  const running = last?.state === 'running';

  useEffect(() => {
    void call((api) => api.listKernels()).then((r) => (r.ok ? setKernels(r.value) : setError(r.error)));
  }, []);

  const go = () => store.runKernel(s, kernel, expr);

  const info = kernels.find((k) => k.name === kernel);
  return (
    <div className="kernels-view" data-testid="kernels-view">
      <div className="controls">
        <label>
          kernel{' '}
          <select value={kernel} onChange={(e) => setKernel(e.target.value)} data-testid="kernel-name">
            {kernels.map((k) => (
              <option key={k.name} value={k.name}>
                {k.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          on{' '}
          <input
            value={expr}
            onChange={(e) => setExpr(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && void go()}
            spellCheck={false}
            size={30}
            data-testid="kernel-expr"
          />
        </label>
        <button className="primary" onClick={() => void go()} disabled={running} data-testid="kernel-run">
          {running ? 'Running…' : 'Run'}
        </button>
      </div>
      <JobProgressBar kind="kernel" />
      {info ? (
        <p>
          <code className="proto">{info.prototype}</code> — <span className="muted">{info.description}</span>
        </p>
      ) : null}
      <ErrorBox error={error} />
      {run ? (
        <section className="card wide" data-testid="kernel-result">
          <h3>
            {run.kernel} = <code data-testid="kernel-value">{formatValue(run.result)}</code>{' '}
            <CopyButton text={formatValue(run.result)} />
          </h3>
          <p>
            <span className={`badge ${run.implementation}`} data-testid="kernel-impl">
              {run.implementation === 'native' ? 'native C (koffi)' : 'TypeScript fallback'}
            </span>{' '}
            {run.fallbackReason ? <span className="muted">{run.fallbackReason}</span> : null}{' '}
            <span className="muted">{run.elapsedMs.toFixed(3)} ms</span>
          </p>
          <p>
            <code className="proto">{run.prototype}</code>
          </p>
          <table className="grid-table" data-testid="kernel-args">
            <thead>
              <tr>
                <th>argument</th>
                <th>value passed</th>
              </tr>
            </thead>
            <tbody>
              {run.args.map((a) => (
                <tr key={a.name}>
                  <td>
                    <code>{a.name}</code>
                  </td>
                  <td>
                    <code>{a.value}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
  );
}
