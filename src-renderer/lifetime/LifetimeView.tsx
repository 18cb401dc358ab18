import { useEffect, useState } from 'react';
import type { ApiError, LifetimeReport, LifetimeScenarioName } from '@contract';
import type { ViewProps } from '../app/viewProps';
import { call } from '../app/api';
import { ErrorBox } from '../app/common';

type Shown = LifetimeScenarioName | null | 'console';

const SCENARIOS: { name: Shown; label: string; text: string }[] = [
  {
    name: 'console',
    label: 'Console',
    text: 'what the console has allocated: Python’s reference counts, who holds what, and every refused read of freed memory',
  },
  {
    name: null,
    label: 'This session',
    text: 'the arrays open in the app: the example’s buffer and every file mapping',
  },
  { name: 'temporary-address', label: 'p = (a+b).ctypes.data', text: 'a bare integer address keeps nothing alive' },
  { name: 'ctypes-keeps-alive', label: 'ct = (a+b).ctypes', text: 'the ctypes object keeps its array alive' },
  {
    name: 'pointer-keeps-alive',
    label: 'ptr = (a+b).ctypes.data_as(…)',
    text: 'a data_as pointer keeps the array alive (modern NumPy)',
  },
  {
    name: 'closed-mapping',
    label: 'p = m.ctypes.data; del m',
    text: 'an address into a file mapping that was unmapped',
  },
];

/** Allocations (live, freed, mapped, closed), who holds what, and the warnings a learner should read. */
export function LifetimeView({ summary, consoleRev }: ViewProps) {
  const [scenario, setScenario] = useState<Shown>(summary.source === 'playground' ? 'console' : 'temporary-address');
  const [report, setReport] = useState<LifetimeReport | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    void call((api) => (scenario === 'console' ? api.consoleLifetime() : api.lifetime(scenario))).then((r) => {
      if (!live) return;
      if (r.ok) {
        setReport(r.value);
        setError(null);
      } else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [scenario, summary.id, consoleRev]);

  const labelOf = (id: string) => report?.allocations.find((a) => a.id === id)?.label ?? id;

  return (
    <div className="lifetime-view" data-testid="lifetime-view">
      <div className="controls" role="radiogroup" aria-label="Scenario">
        {SCENARIOS.map((s) => (
          <button
            key={s.name ?? 'session'}
            role="radio"
            aria-checked={scenario === s.name}
            className={scenario === s.name ? 'preset active' : 'preset'}
            onClick={() => setScenario(s.name)}
            title={s.text}
            data-testid={`scenario-${s.name ?? 'session'}`}
          >
            {s.label}
          </button>
        ))}
      </div>
      <p className="muted">{SCENARIOS.find((s) => s.name === scenario)?.text}</p>
      <ErrorBox error={error} />
      {report ? (
        <>
          {report.warnings.length ? (
            <ul className="warnings big" data-testid="lifetime-warnings">
              {report.warnings.map((w, i) => (
                <li key={i}>
                  ⚠ {w.message}
                  {w.address ? <span className="muted"> (address {w.address})</span> : null}
                </li>
              ))}
            </ul>
          ) : null}
          {report.statements.length ? (
            <section className="card wide">
              <h3>statements</h3>
              <ol className="statements" data-testid="lifetime-statements">
                {report.statements.map((st) => (
                  <li key={st.n}>
                    <code>{st.source}</code>
                    <div className="muted">{st.effect}</div>
                  </li>
                ))}
              </ol>
            </section>
          ) : null}
          <section className="card wide">
            <h3>allocations</h3>
            <table className="grid-table" data-testid="lifetime-allocations">
              <thead>
                <tr>
                  <th>id</th>
                  <th>label</th>
                  <th>kind</th>
                  <th>state</th>
                  <th>address</th>
                  <th>size</th>
                  <th>refs</th>
                  <th>released</th>
                </tr>
              </thead>
              <tbody>
                {report.allocations.map((a) => (
                  <tr key={a.id} className={`state-${a.state}`}>
                    <td>{a.id}</td>
                    <td>{a.label}</td>
                    <td>{a.kind}</td>
                    <td>
                      <span className={`badge state-${a.state}`}>{a.state}</span>
                    </td>
                    <td>
                      <code>{a.address}</code>
                    </td>
                    <td>{a.size}</td>
                    <td>{a.refcount}</td>
                    <td>{a.releasedBy ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card wide">
            <h3>who holds what</h3>
            <ul className="holds" data-testid="lifetime-holds">
              {report.holds.map((h, i) => (
                <li key={i} className={h.keepsAlive ? '' : 'weak'}>
                  <b>{h.holder}</b> {h.keepsAlive ? '━━▶' : '┄┄▷'} {labelOf(h.allocation)}{' '}
                  <span className="muted">
                    ({h.kind}
                    {h.keepsAlive ? ', keeps it alive' : ', keeps nothing alive'})
                  </span>
                </li>
              ))}
            </ul>
          </section>
        </>
      ) : null}
    </div>
  );
}
