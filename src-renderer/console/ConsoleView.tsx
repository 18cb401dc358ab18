import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type {
  ApiError,
  ConsoleRunResult,
  ConsoleSessionInfo,
  DataModelId,
  TourPaneName,
  TourStepInfo,
} from '@contract';
import { call } from '../app/api';
import { ErrorBox } from '../app/common';
import { useDataModel } from '../state/arrayStore';
import { continues, echo, normaliseOutput } from './repl';

const MODELS: { name: DataModelId; label: string }[] = [
  { name: 'lp64', label: 'LP64 (Linux, macOS: long = 8 bytes)' },
  { name: 'llp64', label: 'LLP64 (64-bit Windows: long = 4 bytes)' },
  { name: 'ilp32', label: 'ILP32 (32-bit: long = 4 bytes)' },
];

type Line =
  | { kind: 'input'; text: string }
  | { kind: 'output'; text: string; error: boolean }
  | { kind: 'note'; text: string }
  | { kind: 'setup'; text: string }
  | { kind: 'banner'; text: string };

export interface ConsoleViewProps {
  /** A run finished: the app lists the session's arrays, drops closed ones, and follows `follow` (a name). */
  onResult: (r: ConsoleRunResult, follow: string | null) => void;
  /** A fresh session (reset, model switch, tour step). */
  onSession: (s: ConsoleSessionInfo) => void;
  /** The tour points at a pane (and at an array of the session to show in it, and the view the walk pane shows). */
  point: (pane: TourPaneName, arrayName: string | null, view?: { walk?: string }) => void;
  /** The platform's own data model (the shared setting's default). */
  platformModel?: DataModelId;
}

const MAX_LINES = 2000;
const MAX_HISTORY = 500;

/** The name an assignment statement binds (`x = ...`), if it is one. */
function assigned(source: string): string | null {
  const m = /^\s*([A-Za-z_]\w*)\s*=(?!=)/.exec(source);
  return m ? m[1] : null;
}

/** The last array the run bound by assignment: the other panes follow it. */
function followOf(r: ConsoleRunResult): string | null {
  const arrays = new Set(r.session.arrays.map((a) => a.name));
  for (const input of [...r.inputs].reverse()) {
    for (const st of [...input.statements].reverse()) {
      const n = assigned(st.source);
      if (n && !st.error && arrays.has(n)) return n;
    }
  }
  return null;
}

/**
 * The playground's console: type Python at `>>>`, see what Python prints. Up/Down walk the history, Enter runs
 * (or continues with `...` while brackets are open), Shift+Enter adds a line; a pasted script runs input by input
 * as the REPL would. The model switch starts a fresh session under LP64 / LLP64 / ILP32. The Tour types the seed
 * page's examples in and points at the pane that shows each one.
 */
export function ConsoleView({ onResult, onSession, point, platformModel }: ConsoleViewProps) {
  // the one data model Reinterpret, the console and the Tour share; the session runs it from its next reset
  const [model, setModel] = useDataModel(platformModel ?? 'lp64');
  const [lines, setLines] = useState<Line[]>([]);
  const [text, setText] = useState('');
  const [session, setSession] = useState<ConsoleSessionInfo | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [steps, setSteps] = useState<TourStepInfo[] | null>(null);
  const [stepIndex, setStepIndex] = useState<number | null>(null);
  const [stepState, setStepState] = useState<'idle' | 'running' | 'match' | 'differs'>('idle');
  const history = useRef<string[]>([]);
  const historyPos = useRef<number | null>(null);
  const draft = useRef('');
  const logRef = useRef<HTMLDivElement | null>(null);
  const inputRef = useRef<HTMLTextAreaElement | null>(null);
  const cancelTyping = useRef(false);

  const append = useCallback((more: Line[]) => {
    setLines((prev) => {
      const next = [...prev, ...more];
      return next.length > MAX_LINES ? next.slice(next.length - MAX_LINES) : next;
    });
  }, []);

  useLayoutEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);

  useEffect(() => {
    void call((api) => api.consoleSession()).then((r) => {
      if (r.ok) {
        setSession(r.value);
        onSession(r.value);
      } else setError(r.error);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const show = useCallback(
    (r: ConsoleRunResult, kind: 'input' | 'setup' = 'input') => {
      const out: Line[] = [];
      for (const input of r.inputs) {
        out.push(
          kind === 'setup' ? { kind: 'setup', text: echo(input.text) } : { kind: 'input', text: echo(input.text) },
        );
        if (input.output) out.push({ kind: 'output', text: input.output.replace(/\n$/, ''), error: input.raised });
        for (const st of input.statements) for (const n of st.notes) out.push({ kind: 'note', text: n });
      }
      append(out);
      setSession(r.session);
    },
    [append],
  );

  /** Run text as typed at `>>>` (several lines: input by input). */
  const run = useCallback(
    async (source: string): Promise<ConsoleRunResult | null> => {
      const r = await call((api) => api.consoleRun(source));
      if (!r.ok) {
        append([{ kind: 'input', text: echo(source) }]);
        setError(r.error);
        return null;
      }
      setError(null);
      for (const input of r.value.inputs) {
        if (history.current[history.current.length - 1] !== input.text) history.current.push(input.text);
      }
      if (history.current.length > MAX_HISTORY) history.current.splice(0, history.current.length - MAX_HISTORY);
      show(r.value);
      onResult(r.value, followOf(r.value));
      return r.value;
    },
    [append, onResult, show],
  );

  const submit = async () => {
    if (busy) return;
    const source = text;
    setText('');
    historyPos.current = null;
    if (source.trim() === '') {
      append([{ kind: 'input', text: '>>> ' }]);
      return;
    }
    setBusy(true);
    try {
      await run(source);
    } finally {
      setBusy(false);
      inputRef.current?.focus();
    }
  };

  const reset = async (model: DataModelId | undefined, ctypes?: boolean) => {
    const r = await call((api) =>
      api.consoleReset({ ...(model ? { model } : {}), ...(ctypes !== undefined ? { ctypes } : {}) }),
    );
    if (!r.ok) return setError(r.error);
    setError(null);
    setSession(r.value);
    onSession(r.value);
    append([
      {
        kind: 'banner',
        text: `# fresh session: ${MODELS.find((m) => m.name === r.value.model)?.label ?? r.value.model}${r.value.ctypes ? '' : ', without the ctypes module'}`,
      },
    ]);
  };

  const onKey = (e: React.KeyboardEvent<HTMLTextAreaElement>) => {
    const el = e.currentTarget;
    // Ctrl+C while a statement runs (and no text selected to copy): KeyboardInterrupt, as at the prompt
    if (busy && e.key === 'c' && e.ctrlKey && el.selectionStart === el.selectionEnd) {
      e.preventDefault();
      void call((api) => api.consoleInterrupt());
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      // inside open brackets Enter continues the input (`...`), as Python's console does
      if (continues(text) && !text.endsWith('\n\n')) return;
      e.preventDefault();
      void submit();
      return;
    }
    const firstLine = el.value.lastIndexOf('\n', el.selectionStart - 1) === -1;
    const lastLine = el.value.indexOf('\n', el.selectionEnd) === -1;
    if (e.key === 'ArrowUp' && firstLine && history.current.length) {
      e.preventDefault();
      if (historyPos.current === null) {
        draft.current = text;
        historyPos.current = history.current.length;
      }
      historyPos.current = Math.max(0, historyPos.current - 1);
      setText(history.current[historyPos.current]);
    } else if (e.key === 'ArrowDown' && lastLine && historyPos.current !== null) {
      e.preventDefault();
      historyPos.current++;
      if (historyPos.current >= history.current.length) {
        historyPos.current = null;
        setText(draft.current);
      } else setText(history.current[historyPos.current]);
    }
  };

  // ---- the tour

  const loadSteps = async () => {
    if (steps) return steps;
    const r = await call((api) => api.tourSteps());
    if (!r.ok) {
      setError(r.error);
      return null;
    }
    setSteps(r.value);
    return r.value;
  };

  /** Type one line into the input, a character at a time, then run it (as a learner would). */
  const typeAndRun = async (code: string): Promise<ConsoleRunResult | null> => {
    const delay = Math.max(2, Math.min(12, Math.floor(500 / Math.max(1, code.length))));
    for (let i = 1; i <= code.length; i++) {
      if (cancelTyping.current) break;
      setText(code.slice(0, i));
      await new Promise((res) => setTimeout(res, delay));
    }
    setText('');
    return run(code);
  };

  const runStep = async (index: number) => {
    const all = await loadSteps();
    if (!all || busy) return;
    const step = all[index];
    setStepIndex(index);
    // the step's model (LP64 / LLP64) is everyone's: Reinterpret shows what the card says
    setModel(step.model);
    setStepState('running');
    setBusy(true);
    cancelTyping.current = false;
    try {
      const r = await call((api) => api.tourRun({ id: step.id }));
      if (!r.ok) {
        setError(r.error);
        setStepState('idle');
        return;
      }
      setError(null);
      append([
        {
          kind: 'banner',
          text: `# tour ${index + 1}/${all.length}: ${step.title} — ${step.model.toUpperCase()}${step.ctypes ? '' : ', no ctypes module'}`,
        },
      ]);
      onSession(r.value.setup.session);
      show(r.value.setup, 'setup');
      onResult(r.value.setup, followOf(r.value.setup));
      let printed = '';
      let last: ConsoleRunResult | null = null;
      for (const code of step.code) {
        const out = await typeAndRun(code);
        if (!out) break;
        printed += out.output;
        last = out;
      }
      const onLive = (last ?? r.value.setup).session.backend?.kind === 'live';
      const asExpected =
        onLive && step.expectedLive
          ? new RegExp(step.expectedLive).test(normaliseOutput(printed))
          : normaliseOutput(printed) === step.expected;
      setStepState(asExpected ? 'match' : 'differs');
      const names = (last ?? r.value.setup).session.arrays.map((a) => a.name);
      point(
        step.pane,
        names.includes('x') ? 'x' : names.includes('c') ? 'c' : (names[0] ?? null),
        step.walk ? { walk: step.walk } : undefined,
      );
    } finally {
      setBusy(false);
    }
  };

  const step = steps && stepIndex !== null ? steps[stepIndex] : null;

  return (
    <div className="console-view" data-testid="console-view">
      <div className="console-bar">
        <strong>Console</strong>
        <span
          className="badge"
          data-testid="console-backend"
          title={
            session?.backend?.kind === 'live'
              ? `${session.backend.executable ?? 'python'} (pid ${session.backend.pid ?? '?'}); panes read its memory by ${session.backend.readPath ?? '…'}`
              : `Stridescope's built-in model of NumPy and ctypes${session?.backend?.reason ? `: ${session.backend.reason}` : ''}`
          }
        >
          {session?.backend?.kind === 'live'
            ? `Python ${session.backend.python} · NumPy ${session.backend.numpy}`
            : 'simulation'}
        </span>
        <button
          onClick={() => void call((api) => api.consoleInterrupt())}
          disabled={!busy}
          data-testid="console-stop"
          title="Stop the running statement (KeyboardInterrupt, as Ctrl+C)"
        >
          Stop
        </button>
        <button
          onClick={() =>
            void call((api) => api.consoleRestart()).then((r) => {
              if (!r.ok) return setError(r.error);
              setSession(r.value);
              onSession(r.value);
              append([{ kind: 'banner', text: '# restarted: a new Python' }]);
            })
          }
          disabled={busy}
          data-testid="console-restart"
          title="A new Python process (every name forgotten)"
        >
          Restart
        </button>
        <label>
          model{' '}
          <select
            data-testid="console-model"
            value={model}
            disabled={busy}
            onChange={(e) => {
              const m = e.target.value as DataModelId;
              setModel(m);
              void reset(m, session?.ctypes ?? true);
            }}
            title="The C data model (what c_long means), shared with Reinterpret: changing it starts a fresh session under it"
          >
            {MODELS.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        {session && session.model !== model ? (
          <span
            className="badge"
            data-testid="console-model-pending"
            title="The data model was changed elsewhere (Reinterpret); Reset starts a session under it"
          >
            session runs {session.model.toUpperCase()} · Reset for {model.toUpperCase()}
          </span>
        ) : null}
        {session && !session.ctypes ? (
          <span
            className="badge"
            data-testid="console-no-ctypes"
            title="NumPy's fallback when the ctypes module is missing"
          >
            no ctypes
          </span>
        ) : null}
        <button
          onClick={() => void reset(model, true)}
          disabled={busy}
          data-testid="console-reset"
          title="Forget every name: a fresh interpreter (under the shared data model)"
        >
          Reset
        </button>
        <button
          onClick={() => {
            if (stepIndex === null) void runStep(0);
            else setStepIndex(null);
          }}
          disabled={busy}
          className={stepIndex !== null ? 'preset active' : 'preset'}
          data-testid="tour-toggle"
          title="Step through the seed page (numpy.ndarray.ctypes), typing each example in"
        >
          Tour
        </button>
      </div>
      {step && steps ? (
        <section className="tour-card" data-testid="tour-card" aria-live="polite">
          <div className="tour-head">
            <b data-testid="tour-title">
              {stepIndex! + 1}/{steps.length} · {step.title}
            </b>
            <span className={`tour-state ${stepState}`} data-testid="tour-state">
              {stepState === 'running'
                ? 'typing…'
                : stepState === 'match'
                  ? '✓ as the seed page says'
                  : stepState === 'differs'
                    ? '✗ differs from the expected output'
                    : ''}
            </span>
          </div>
          <blockquote className="tour-seed">{step.seed}</blockquote>
          <p className="tour-explain">
            {step.explain}{' '}
            <span className="muted">(see the {step.pane === 'console' ? 'console' : `${step.pane} pane`})</span>
          </p>
          <div className="tour-nav">
            <button
              disabled={busy || stepIndex === 0}
              onClick={() => void runStep(stepIndex! - 1)}
              data-testid="tour-prev"
            >
              ◀ Previous
            </button>
            <button disabled={busy} onClick={() => void runStep(stepIndex!)} data-testid="tour-again">
              Again
            </button>
            <button
              disabled={busy || stepIndex === steps.length - 1}
              onClick={() => void runStep(stepIndex! + 1)}
              data-testid="tour-next"
            >
              Next ▶
            </button>
            <button
              disabled={!busy}
              onClick={() => {
                cancelTyping.current = true;
              }}
              className="link"
            >
              skip typing
            </button>
          </div>
        </section>
      ) : null}
      <div
        className="console-log"
        ref={logRef}
        data-testid="console-log"
        role="log"
        aria-label="Console output"
        onClick={() => inputRef.current?.focus()}
      >
        {lines.length === 0 ? (
          <div className="console-welcome muted">
            Python {'>>>'} on Stridescope&apos;s model of NumPy and ctypes. Try <code>import numpy as np</code>, then{' '}
            <code>x = np.array([[0, 1], [2, 3]], dtype=np.int32)</code> — or press Tour.
            {session ? (
              <div>Files: relative names live in {session.cwd}; np.save and np.memmap write only there.</div>
            ) : null}
          </div>
        ) : null}
        {lines.map((l, i) => (
          <pre
            key={i}
            className={`console-line ${l.kind}${l.kind === 'output' && l.error ? ' error' : ''}`}
            data-kind={l.kind}
          >
            {l.text}
          </pre>
        ))}
      </div>
      <ErrorBox error={error} onDismiss={() => setError(null)} />
      <div className="console-input">
        <span className="prompt" aria-hidden="true">
          {text.includes('\n') ? '...' : '>>>'}
        </span>
        <textarea
          ref={inputRef}
          data-testid="console-input"
          aria-label="Python input"
          spellCheck={false}
          autoComplete="off"
          rows={Math.min(8, Math.max(1, text.split('\n').length))}
          value={text}
          disabled={false}
          onChange={(e) => {
            setText(e.target.value);
            historyPos.current = null;
          }}
          onKeyDown={onKey}
          placeholder={busy ? '' : 'Python: Enter runs · Shift+Enter new line · ↑/↓ history'}
        />
      </div>
    </div>
  );
}
