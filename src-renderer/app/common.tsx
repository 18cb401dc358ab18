import { useState } from 'react';
import type { ApiError } from '@contract';
import { copyText } from './api';
import { formatOffset, useSettings } from './settings';

/** An error from main, shown where it happened (never a blank window). */
export function ErrorBox({ error, onDismiss }: { error: ApiError | null; onDismiss?: () => void }) {
  const fmt = useSettings().offsetFormat;
  if (!error) return null;
  return (
    <div className="error" role="alert" data-testid="error">
      <strong className="error-kind">{error.kind} error</strong>
      {error.offset !== null && error.offset !== undefined ? (
        <span className="error-offset">
          {' '}
          at byte {formatOffset(error.offset, fmt)}
          {/* main's message writes offsets in decimal: the same byte in its spelling */}
          {fmt === 'hex' ? ` (${error.offset})` : ''}
        </span>
      ) : null}
      {error.column !== undefined ? <span className="error-offset"> at column {error.column}</span> : null}
      <div className="error-message">{error.message}</div>
      {error.expected ? <div className="error-expected">expected: {error.expected}</div> : null}
      {onDismiss ? (
        <button className="link" onClick={onDismiss} aria-label="Dismiss error">
          dismiss
        </button>
      ) : null}
    </div>
  );
}

/** A copy button that says what happened: "copied", or "copy failed" with the reason (never a silent failure). */
export function CopyButton({ text, label = 'copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<{ done: 'copied' } | { done: 'failed'; reason: string } | null>(null);
  const title = `Copy ${text.length > 60 ? text.slice(0, 60) + '…' : text}`;
  return (
    <button
      className={state?.done === 'failed' ? 'copy copy-failed' : 'copy'}
      title={state?.done === 'failed' ? `Copy failed: ${state.reason}` : title}
      data-copy-state={state?.done ?? 'idle'}
      onClick={() => {
        void copyText(text).then((r) => {
          setState(r.ok ? { done: 'copied' } : { done: 'failed', reason: r.reason });
          setTimeout(() => setState(null), r.ok ? 1200 : 4000);
        });
      }}
    >
      {state === null ? label : state.done === 'copied' ? 'copied' : 'copy failed'}
    </button>
  );
}

export function Flag({ name, on }: { name: string; on: boolean }) {
  return (
    <span className={`flag ${on ? 'on' : 'off'}`} data-testid={`flag-${name}`}>
      {name}: {on ? 'True' : 'False'}
    </span>
  );
}
