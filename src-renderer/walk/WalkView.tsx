import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ApiError, WalkStep, WalkWindow } from '@contract';
import type { ViewProps } from '../app/viewProps';
import { call, formatValue, tuple } from '../app/api';
import { CopyButton, ErrorBox, Flag } from '../app/common';
import { ByteGrid, type Highlight } from '../bytes/ByteGrid';

const WINDOW = 512;
const INDEX_NAMES = ['i', 'j', 'k', 'l', 'm', 'n', 'p', 'q'];

function presets(ndim: number): string[] {
  if (ndim === 0) return ['a', 'a[np.newaxis]'];
  if (ndim === 1) return ['a', 'a[::-1]', 'a[::2]', 'a[np.newaxis, :]', 'np.broadcast_to(a, (3,) + a.shape)'];
  return ['a', 'a.T', 'a[:, ::-1]', 'a[::-1]', 'a[::2, ::2]', 'a[np.newaxis]', `np.broadcast_to(a, (2,) + a.shape)`];
}

/** One term of the offset sum, coloured when the stride is negative or zero. */
function Term({ name, i, s }: { name: string; i: number; s: number }) {
  const cls = s < 0 ? 'neg' : s === 0 ? 'zero' : '';
  return (
    <span className={`term ${cls}`} title={s < 0 ? 'negative stride: this axis walks backwards' : s === 0 ? 'zero stride: every index of this axis is the same bytes' : ''}>
      {name}·s{INDEX_NAMES.indexOf(name)} = {i}·({s})
    </span>
  );
}

export function Arithmetic({ step, w }: { step: WalkStep; w: WalkWindow }) {
  const v = w.view;
  const names = v.shape.map((_, k) => INDEX_NAMES[k] ?? `i${k}`);
  return (
    <div className="arith" data-testid="walk-arith">
      <div className="arith-formula">
        offset = base{names.map((n, k) => ` + ${n}·s${k}`).join('')}
      </div>
      <div className="arith-values">
        offset = {v.offset}
        {names.map((n, k) => (
          <span key={k}>
            {' + '}
            <Term name={n} i={step.index[k]} s={v.strides[k]} />
          </span>
        ))}{' '}
        = <b data-testid="walk-offset">{step.offset}</b>
      </div>
      <div className="muted">
        file byte {step.fileOffset} = data start {v.dataOffset} + {step.offset}
      </div>
    </div>
  );
}

export function WalkView({ summary: s, setCursor, goto }: ViewProps) {
  const [expr, setExpr] = useState(s.ndim >= 2 ? 'a[:, ::-1]' : 'a[::-1]');
  const [walk, setWalk] = useState<WalkWindow | null>(null);
  const [pos, setPos] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [reveal, setReveal] = useState({ offset: s.dataOffset, seq: 0 });

  const load = useCallback(
    async (expression: string, start: number): Promise<WalkWindow | null> => {
      const r = await call((api) => api.walk(s.id, expression, start, WINDOW));
      if (!r.ok) {
        setError(r.error);
        return null;
      }
      setError(null);
      return r.value;
    },
    [s.id],
  );

  const run = useCallback(
    async (expression: string) => {
      setPlaying(false);
      const w = await load(expression, 0);
      if (w) {
        setWalk(w);
        setPos(0);
      }
    },
    [load],
  );

  useEffect(() => {
    void run(expr);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [s.id]);

  const size = walk?.view.size ?? 0;
  const local = walk ? pos - walk.start : -1;
  const step = walk && local >= 0 && local < walk.steps.length ? walk.steps[local] : null;
  const prev = walk && local - 1 >= 0 && local - 1 < walk.steps.length ? walk.steps[local - 1] : null;

  const goTo = useCallback(
    async (n: number) => {
      if (!walk || size === 0) return;
      const target = Math.max(0, Math.min(size - 1, n));
      if (target < walk.start || target >= walk.start + walk.steps.length) {
        const start = Math.max(0, target - 1);
        const w = await load(walk.view.expression, start);
        if (!w) return;
        setWalk(w);
      }
      setPos(target);
    },
    [walk, size, load],
  );

  useEffect(() => {
    if (step) {
      setReveal((r) => ({ offset: step.fileOffset, seq: r.seq + 1 }));
    }
  }, [step?.fileOffset, step?.n]);

  useEffect(() => {
    if (!playing) return;
    const t = setInterval(() => {
      if (pos + 1 >= size) {
        setPlaying(false);
        return;
      }
      void goTo(pos + 1);
    }, 600);
    return () => clearInterval(t);
  }, [playing, pos, size, goTo]);

  const highlights = useMemo<Highlight[]>(() => {
    const hs: Highlight[] = [];
    const itemsize = walk?.view.itemsize ?? s.dtype.itemsize;
    if (prev) hs.push({ from: prev.fileOffset, to: prev.fileOffset + itemsize, className: 'hl-prev' });
    if (step) hs.push({ from: step.fileOffset, to: step.fileOffset + itemsize, className: 'hl-current' });
    return hs;
  }, [step, prev, walk, s.dtype.itemsize]);

  const onKey = (e: React.KeyboardEvent) => {
    if ((e.target as HTMLElement).tagName === 'INPUT') return;
    if (e.key === 'ArrowRight') void goTo(pos + 1);
    else if (e.key === 'ArrowLeft') void goTo(pos - 1);
    else if (e.key === 'Home') void goTo(0);
    else if (e.key === 'End') void goTo(size - 1);
    else if (e.key === ' ') setPlaying((p) => !p);
    else return;
    e.preventDefault();
  };

  const v = walk?.view;
  const jump = step && prev ? step.offset - prev.offset : null;
  const visible = walk ? walk.steps.slice(Math.max(0, local - 8), Math.max(0, local - 8) + 24) : [];

  return (
    <div className="walk-view" data-testid="walk-view" onKeyDown={onKey}>
      <div className="controls">
        <label>
          view{' '}
          <input
            className="expr"
            value={expr}
            onChange={(e) => setExpr(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && void run(expr)}
            spellCheck={false}
            aria-label="View expression on a"
            data-testid="walk-expr"
            size={40}
          />
        </label>
        <button onClick={() => void run(expr)} data-testid="walk-run">
          Walk
        </button>
        {presets(s.ndim).map((p) => (
          <button
            key={p}
            className="preset"
            onClick={() => {
              setExpr(p);
              void run(p);
            }}
          >
            {p}
          </button>
        ))}
      </div>
      <ErrorBox error={error} />
      {v && walk ? (
        <>
          <div className="walk-info">
            <span>
              shape <code data-testid="walk-shape">{tuple(v.shape)}</code>
            </span>
            <span>
              strides <code data-testid="walk-strides">{tuple(v.strides)}</code>
            </span>
            <span>
              base offset <code>{v.offset}</code>
            </span>
            <span>{v.size} elements</span>
            <Flag name="C_CONTIGUOUS" on={v.flags.C_CONTIGUOUS} />
            <Flag name="F_CONTIGUOUS" on={v.flags.F_CONTIGUOUS} />
            {v.strides.some((x) => x < 0) ? <span className="badge neg">negative stride: walks backwards in memory</span> : null}
            {v.strides.some((x) => x === 0) ? <span className="badge zero">zero stride: elements share bytes</span> : null}
          </div>
          <p className="muted">
            Logical C order: the last index changes fastest.{' '}
            {v.flags.C_CONTIGUOUS
              ? 'This view is C-contiguous, so each step moves one item forward.'
              : v.flags.F_CONTIGUOUS
                ? 'This view is Fortran-contiguous: in C order the walk jumps by a whole column.'
                : 'This view is neither C- nor Fortran-contiguous: the jumps come from the strides.'}
          </p>
          <div className="step-controls">
            <button onClick={() => void goTo(0)} aria-label="First element">
              |◀
            </button>
            <button onClick={() => void goTo(pos - 1)} aria-label="Previous element" data-testid="walk-prev">
              ◀
            </button>
            <button onClick={() => setPlaying((p) => !p)} data-testid="walk-play">
              {playing ? 'Pause' : 'Animate'}
            </button>
            <button onClick={() => void goTo(pos + 1)} aria-label="Next element" data-testid="walk-next">
              ▶
            </button>
            <button onClick={() => void goTo(size - 1)} aria-label="Last element">
              ▶|
            </button>
            <input type="range" min={0} max={Math.max(0, size - 1)} value={pos} onChange={(e) => void goTo(Number(e.target.value))} aria-label="Step" />
            <span data-testid="walk-pos">
              step {pos + 1} / {size}
            </span>
          </div>
          {step ? (
            <div className="walk-step" data-testid="walk-step">
              <div>
                index <code data-testid="walk-index">{tuple(step.index)}</code> value <code>{formatValue(step.value)}</code>{' '}
                <CopyButton text={formatValue(step.value)} />
                {jump !== null ? (
                  <span className={`jump ${jump < 0 ? 'neg' : jump === 0 ? 'zero' : ''}`} data-testid="walk-jump">
                    jump {jump >= 0 ? '+' : ''}
                    {jump} bytes
                  </span>
                ) : null}
                <button
                  className="link"
                  onClick={() => {
                    setCursor(step.fileOffset);
                    goto('bytes', step.fileOffset);
                  }}
                >
                  show in Bytes →
                </button>
              </div>
              <Arithmetic step={step} w={walk} />
            </div>
          ) : null}
          <div className="walk-layout">
            <table className="grid-table steps" data-testid="walk-table">
              <thead>
                <tr>
                  <th>#</th>
                  <th>index</th>
                  <th>offset</th>
                  <th>value</th>
                </tr>
              </thead>
              <tbody>
                {visible.map((st) => (
                  <tr key={st.n} className={st.n === pos ? 'current' : ''} onClick={() => void goTo(st.n)} data-testid="walk-row">
                    <td>{st.n}</td>
                    <td>
                      <code>{tuple(st.index)}</code>
                    </td>
                    <td data-testid="walk-row-offset">{st.offset}</td>
                    <td>
                      <code>{formatValue(st.value)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <ByteGrid key={s.id} summary={s} cursor={step?.fileOffset ?? null} onSelect={setCursor} highlights={highlights} reveal={reveal} height={300} testId="walk-grid" />
          </div>
        </>
      ) : null}
    </div>
  );
}
