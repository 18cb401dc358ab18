/**
 * Search the byte space: a hex pattern, or a value of the array's dtype (main writes it as the dtype stores it and
 * matches element starts only). Next / previous from the cursor; a search that looked at its limit without a
 * match says how far it got and goes on from there when asked again.
 */
import { useState } from 'react';
import type { ApiError, ArraySummary, ByteSearchResult } from '@contract';
import { call } from '../app/api';
import { ErrorBox } from '../app/common';
import { formatOffset, useSettings } from '../app/settings';

export function ByteSearchBar({
  summary: s,
  cursor,
  onFound,
}: {
  summary: ArraySummary;
  cursor: number | null;
  onFound: (from: number, to: number) => void;
}) {
  const { offsetFormat } = useSettings();
  const [mode, setMode] = useState<'hex' | 'value'>('value');
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<ByteSearchResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const run = async (direction: 'forward' | 'backward') => {
    if (!query.trim()) return;
    const here = cursor ?? 0;
    // go on from where the last unfinished search stopped, else from just past (before) the cursor
    const from =
      direction === 'forward'
        ? result && !result.complete && result.found === null
          ? result.searchedTo
          : here + 1
        : Math.max(0, here - 1);
    const r = await call((api) =>
      api.searchBytes({ id: s.id, mode, query, from: Math.min(from, s.fileSize - 1), direction }),
    );
    if (!r.ok) {
      setError(r.error);
      setResult(null);
      return;
    }
    setError(null);
    setResult(r.value);
    if (r.value.found !== null) onFound(r.value.found, r.value.found + r.value.pattern.length / 2);
  };

  return (
    <div className="byte-search" role="search">
      <select
        value={mode}
        onChange={(e) => setMode(e.target.value as 'hex' | 'value')}
        aria-label="Search for"
        data-testid="search-mode"
      >
        <option value="value">value ({s.dtype.str})</option>
        <option value="hex">hex bytes</option>
      </select>
      <input
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setResult(null);
        }}
        onKeyDown={(e) => e.key === 'Enter' && void run(e.shiftKey ? 'backward' : 'forward')}
        placeholder={mode === 'hex' ? '93 4e 55' : s.dtype.kind === 'f' ? '1.5' : '42'}
        aria-label="Search query"
        data-testid="search-query"
        size={14}
      />
      <button onClick={() => void run('backward')} title="previous match (Shift+Enter)" aria-label="Find previous">
        ↑
      </button>
      <button
        onClick={() => void run('forward')}
        title="next match (Enter)"
        aria-label="Find next"
        data-testid="search-next"
      >
        ↓
      </button>
      <span className="muted" data-testid="search-status" role="status">
        {result
          ? result.found !== null
            ? `${result.pattern.match(/../g)!.join(' ')} at ${formatOffset(result.found, offsetFormat)}`
            : result.complete
              ? `${result.pattern.match(/../g)!.join(' ')}: no ${result.searchedFrom === 0 && result.searchedTo >= s.fileSize - 1 ? '' : 'further '}match`
              : `no match in ${formatOffset(result.searchedFrom, offsetFormat)} … ${formatOffset(result.searchedTo, offsetFormat)} — ↓ searches on`
          : ''}
      </span>
      {error ? <ErrorBox error={error} onDismiss={() => setError(null)} /> : null}
    </div>
  );
}
