import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError, WalkStep, WalkWindow } from '@contract';
import type { ViewProps } from '../app/viewProps';
import { call, tuple } from '../app/api';
import { CopyButton, ErrorBox, Flag } from '../app/common';
import { ArrayDiagram } from '../array/ArrayDiagram';
import { usePaneState, EXAMPLE_NAME } from '../state/arrayStore';
import { formatOffset, useSettings } from '../app/settings';

const WINDOW = 512;
const INDEX_NAMES = ['i', 'j', 'k', 'l', 'm', 'n', 'p', 'q'];
const indexName = (k: number) => INDEX_NAMES[k] ?? `i${k}`;
/** A number as a formula shows it: negatives in parentheses with a true minus sign, `2·(−4)`. */
const signed = (x: number) => (x < 0 ? `(−${-x})` : String(x));

/** Views worth walking; the broadcast one spells the shape out (a view expression has no tuple `+`). */
function presets(shape: readonly number[]): string[] {
  const x = EXAMPLE_NAME;
  const ndim = shape.length;
  if (ndim === 0) return [x, `${x}[np.newaxis]`];
  if (ndim === 1)
    return [x, `${x}[::-1]`, `${x}[::2]`, `${x}[np.newaxis, :]`, `np.broadcast_to(${x}, (3, ${shape[0]}))`];
  return [
    x,
    `${x}.T`,
    `${x}[:, ::-1]`,
    `${x}[::-1]`,
    `${x}[::2, ::2]`,
    `np.broadcast_to(${x}, (2, ${shape.join(', ')}))`,
  ];
}

/**
 * `offset = base + i·s0 + j·s1 = 12 + 0·16 + 2·(−4) = 4`: the formula once, then the numbers, then the answer.
 * A negative stride's term is marked (the walk goes back), a zero stride's too (the same bytes again).
 */
export function Arithmetic({ step, w }: { step: WalkStep; w: WalkWindow }) {
  const v = w.view;
  const fmt = useSettings().offsetFormat;
  return (
    <div className="arith" data-testid="walk-arith">
      <span className="arith-formula">offset = base{v.shape.map((_, k) => ` + ${indexName(k)}·s${k}`).join('')}</span>{' '}
      <span className="arith-values">
        = {formatOffset(v.offset, fmt)}
        {v.shape.map((_, k) => {
          const s = v.strides[k];
          const cls = s < 0 ? 'neg' : s === 0 ? 'zero' : '';
          return (
            <span
              key={k}
              className={`term ${cls} axis-${k % 4}`}
              title={
                s < 0
                  ? 'negative stride: this axis walks backwards'
                  : s === 0
                    ? 'zero stride: every index of this axis is the same bytes'
                    : ''
              }
            >
              {' + '}
              {step.index[k]}·{signed(s)}
            </span>
          );
        })}{' '}
        = <b data-testid="walk-offset">{formatOffset(step.offset, fmt)}</b>
      </span>
      <div className="muted">
        file byte {formatOffset(step.fileOffset, fmt)} = data start {formatOffset(v.dataOffset, fmt)} +{' '}
        {formatOffset(step.offset, fmt)}
      </div>
    </div>
  );
}

/** The nested loops of the walk, counting: `for i in range(2):  i = 0` — the innermost runs fastest. */
function Loops({ step, w }: { step: WalkStep; w: WalkWindow }) {
  const v = w.view;
  const fmt = useSettings().offsetFormat;
  return (
    <pre className="loops" data-testid="walk-loops">
      {v.shape.map((n, k) => (
        <span key={k} className={`axis-${k % 4}`}>
          {'  '.repeat(k)}for {indexName(k)} in range({n}):{'  '}
          <span className="cnt" data-testid={`walk-loop-${k}`}>
            {indexName(k)} = {step.index[k]}
          </span>
          {'\n'}
        </span>
      ))}
      {'  '.repeat(v.shape.length)}visit {w.view.expression}[{step.index.join(', ')}] at offset{' '}
      {formatOffset(step.offset, fmt)}
    </pre>
  );
}

export function WalkView({ summary: s, cursor, setCursor, goto }: ViewProps) {
  const fmt = useSettings().offsetFormat;
  const [pane, update] = usePaneState(s);
  const [expr, setExpr] = useState(pane.walk.expression);
  const [walk, setWalk] = useState<WalkWindow | null>(null);
  const [pos, setPos] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  /** The expression that failed after a walk was shown: the walk below belongs to another expression. */
  const [staleFor, setStaleFor] = useState<string | null>(null);
  const restored = useRef(false);

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
    async (expression: string, at = 0) => {
      setPlaying(false);
      const start = Math.max(0, at - 1);
      const w = await load(expression, start);
      if (w) {
        setWalk(w);
        setStaleFor(null);
        const target = Math.min(at, Math.max(0, w.view.size - 1));
        setPos(target);
        update(() => ({ walk: { expression, step: target } }));
      } else {
        setStaleFor(expression);
      }
    },
    [load, update],
  );

  // on mount (and when another array is shown): the walk this array had, at the step it was on
  useEffect(() => {
    restored.current = false;
    setWalk(null);
    setExpr(pane.walk.expression);
    void run(pane.walk.expression, pane.walk.step).then(() => {
      restored.current = true;
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [s.id]);

  // the Tour asked for a view while this pane is shown: walk it from the start
  const requested = pane.walk.requested;
  useEffect(() => {
    if (requested === undefined || !restored.current) return;
    setExpr(pane.walk.expression);
    void run(pane.walk.expression, pane.walk.step);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [requested]);

  const size = walk?.view.size ?? 0;
  const local = walk ? pos - walk.start : -1;
  const step = walk && local >= 0 && local < walk.steps.length ? walk.steps[local] : null;
  const prev = walk && local - 1 >= 0 && local - 1 < walk.steps.length ? walk.steps[local - 1] : null;

  const goTo = useCallback(
    async (n: number) => {
      if (!walk || size === 0) return;
      const target = Math.max(0, Math.min(size - 1, n));
      if (target < walk.start || target >= walk.start + walk.steps.length) {
        const w = await load(walk.view.expression, Math.max(0, target - 1));
        if (!w) return;
        setWalk(w);
      }
      setPos(target);
      update((p) => ({ walk: { ...p.walk, step: target } }));
    },
    [walk, size, load, update],
  );

  // each step moves the cursor every pane shares
  useEffect(() => {
    if (step && restored.current && cursor !== step.fileOffset) setCursor(step.fileOffset);
    // eslint-disable-next-line react-hooks/exhaustive-deps
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

  const onKey = (e: React.KeyboardEvent) => {
    if ((e.target as HTMLElement).tagName === 'INPUT' && (e.target as HTMLInputElement).type !== 'range') return;
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
            aria-label={`View expression on ${EXAMPLE_NAME} (the open array; a is the same array)`}
            title={`${EXAMPLE_NAME} is the open array (a is another name for it)`}
            data-testid="walk-expr"
            size={34}
          />
        </label>
        <button onClick={() => void run(expr)} data-testid="walk-run">
          Walk
        </button>
        {presets(s.shape).map((p) => (
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
      {staleFor !== null && walk ? (
        <p className="stale-note" data-testid="walk-stale">
          <code>{staleFor}</code> failed — the walk below is still the one of <code>{walk.view.expression}</code>{' '}
          (stale).
        </p>
      ) : null}
      {v && walk ? (
        <div className={staleFor !== null ? 'walk-stale' : ''} data-stale={staleFor !== null}>
          <div className="walk-info">
            <span>
              shape <code data-testid="walk-shape">{tuple(v.shape)}</code>
            </span>
            <span>
              strides <code data-testid="walk-strides">{tuple(v.strides)}</code>
            </span>
            <span>
              base offset <code>{formatOffset(v.offset, fmt)}</code>
            </span>
            <span>
              {v.size} elements of <code data-testid="walk-dtype">{v.dtypeRepr}</code>
            </span>
            <Flag name="C_CONTIGUOUS" on={v.flags.C_CONTIGUOUS} />
            <Flag name="F_CONTIGUOUS" on={v.flags.F_CONTIGUOUS} />
            {v.strides.some((x) => x < 0) ? (
              <span className="badge neg">negative stride: walks backwards in memory</span>
            ) : null}
            {v.strides.some((x) => x === 0) ? (
              <span className="badge zero">zero stride: elements share bytes</span>
            ) : null}
          </div>
          <p className="muted">
            Logical C order: the last index changes fastest.{' '}
            {v.flags.C_CONTIGUOUS
              ? 'This view is C-contiguous, so each step moves one item forward.'
              : v.flags.F_CONTIGUOUS
                ? 'This view is Fortran-contiguous: in C order the walk jumps by a whole column.'
                : 'This view is neither C- nor Fortran-contiguous: the jumps come from the strides.'}
          </p>
          <div className="step-controls walk-scrub">
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
            <input
              type="range"
              min={0}
              max={Math.max(0, size - 1)}
              value={pos}
              onChange={(e) => void goTo(Number(e.target.value))}
              aria-label="Step of the walk"
              data-testid="walk-scrub"
            />
            <span data-testid="walk-pos">
              step {pos + 1} / {size}
            </span>
          </div>
          <div className="walk-body">
            <ArrayDiagram
              summary={s}
              expression={v.expression}
              shape={v.shape}
              strides={v.strides}
              offset={v.offset}
              viewItemsize={v.itemsize}
              mode="walk"
              cursor={step?.fileOffset ?? null}
              steps={walk.steps}
              pos={pos}
              onSelect={(_off, cell) => {
                if (cell) void goTo(cell.n);
              }}
              testId="walk-diagram"
            />
            {step ? (
              <div className="walk-step" data-testid="walk-step">
                <Loops step={step} w={walk} />
                <div>
                  index <code data-testid="walk-index">{tuple(step.index)}</code> value{' '}
                  <code data-testid="walk-value">{step.text}</code> <CopyButton text={step.text} />
                  {jump !== null ? (
                    <span className={`jump ${jump < 0 ? 'neg' : jump === 0 ? 'zero' : ''}`} data-testid="walk-jump">
                      jump {jump >= 0 ? '+' : ''}
                      {jump} bytes
                    </span>
                  ) : null}
                  <button className="link" onClick={() => goto('bytes', step.fileOffset)}>
                    show in Bytes →
                  </button>
                </div>
                <Arithmetic step={step} w={walk} />
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
                      <tr
                        key={st.n}
                        className={st.n === pos ? 'current' : ''}
                        onClick={() => void goTo(st.n)}
                        data-testid="walk-row"
                      >
                        <td>{st.n}</td>
                        <td>
                          <code>{tuple(st.index)}</code>
                        </td>
                        <td data-testid="walk-row-offset">{formatOffset(st.offset, fmt)}</td>
                        <td>
                          <code>{st.text}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </div>
        </div>
      ) : null}
    </div>
  );
}
