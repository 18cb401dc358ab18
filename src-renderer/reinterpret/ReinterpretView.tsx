import { useCallback, useEffect, useState } from 'react';
import type { ApiError, CTypeName, DataModelId, PointerResult, ReinterpretResult } from '@contract';
import type { ViewProps } from '../app/viewProps';
import { call, formatValue, parseOffset } from '../app/api';
import { CopyButton, ErrorBox } from '../app/common';
import { useDataModel, usePaneState } from '../state/arrayStore';
import { formatOffset, useSettings } from '../app/settings';

const MODELS: DataModelId[] = ['lp64', 'llp64', 'ilp32'];
/** The contract's C_TYPES, in its order (the renderer imports only the contract's types; the check below fails to
 *  compile if a C type is added there and not here). */
const CTYPES = [
  'c_byte',
  'c_ubyte',
  'c_short',
  'c_ushort',
  'c_int',
  'c_uint',
  'c_long',
  'c_ulong',
  'c_longlong',
  'c_ulonglong',
  'c_float',
  'c_double',
] as const satisfies readonly CTypeName[];
const EVERY_CTYPE_LISTED: Exclude<CTypeName, (typeof CTYPES)[number]> extends never ? true : false = true;
void EVERY_CTYPE_LISTED;
const MODEL_TEXT: Record<DataModelId, string> = {
  lp64: 'LP64 (Linux, macOS): long = 8 bytes',
  llp64: 'LLP64 (64-bit Windows): long = 4 bytes',
  ilp32: 'ILP32 (32-bit): long = 4 bytes',
};

interface SeedRow {
  model: DataModelId;
  long: PointerResult;
  longlong: PointerResult;
}

/** The bytes at the cursor as every C type, both byte orders; data_as(POINTER(T)) reads; the seed's long vs longlong. */
export function ReinterpretView({ summary: s, cursor, setCursor, openExample }: ViewProps) {
  // one data model for Reinterpret, the console and the Tour; the pointer form's state is the array's
  const [model, setModel] = useDataModel(s.platformModel);
  const [pane, update] = usePaneState(s);
  const { ctype, index, expression: ptrExpr } = pane.reinterpret;
  const setCtype = (c: CTypeName) => update((p) => ({ reinterpret: { ...p.reinterpret, ctype: c } }));
  const setIndex = (i: number) => update((p) => ({ reinterpret: { ...p.reinterpret, index: i } }));
  const setPtrExpr = (e: string) => update((p) => ({ reinterpret: { ...p.reinterpret, expression: e } }));
  const fmt = useSettings().offsetFormat;
  const [offsetText, setOffsetText] = useState(formatOffset(cursor ?? s.dataOffset, fmt));
  const [result, setResult] = useState<ReinterpretResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [ptr, setPtr] = useState<PointerResult | null>(null);
  const [ptrError, setPtrError] = useState<ApiError | null>(null);
  const [seed, setSeed] = useState<SeedRow[] | null>(null);

  const offset = cursor ?? s.dataOffset;
  useEffect(() => setOffsetText(formatOffset(offset, fmt)), [offset, fmt]);

  useEffect(() => {
    let live = true;
    void call((api) => api.reinterpret(s.id, offset, model)).then((r) => {
      if (!live) return;
      if (r.ok) {
        setResult(r.value);
        setError(null);
      } else {
        setResult(null);
        setError(r.error);
      }
    });
    return () => {
      live = false;
    };
  }, [s.id, offset, model]);

  const readPointer = useCallback(async () => {
    const r = await call((api) => api.pointer({ id: s.id, expression: ptrExpr, ctype, model, index }));
    if (r.ok) {
      setPtr(r.value);
      setPtrError(null);
    } else {
      setPtr(null);
      setPtrError(r.error);
    }
  }, [s.id, ptrExpr, ctype, model, index]);

  const runSeed = async () => {
    let id = s.id;
    if (s.source !== 'example') {
      const ex = await openExample();
      if (!ex) return;
      id = ex.id;
    }
    const rows: SeedRow[] = [];
    for (const m of MODELS) {
      const long = await call((api) => api.pointer({ id, expression: 'a', ctype: 'c_long', model: m, index: 0 }));
      const longlong = await call((api) =>
        api.pointer({ id, expression: 'a', ctype: 'c_longlong', model: m, index: 0 }),
      );
      if (!long.ok) return setPtrError(long.error);
      if (!longlong.ok) return setPtrError(longlong.error);
      rows.push({ model: m, long: long.value, longlong: longlong.value });
    }
    setSeed(rows);
  };

  const go = () => {
    const n = parseOffset(offsetText);
    if (n === null || n >= s.fileSize) {
      setError({
        kind: 'argument',
        message: `'${offsetText}' is not an offset in this file (0 … ${s.fileSize - 1})`,
        offset: null,
      });
      return;
    }
    setCursor(n);
  };

  return (
    <div className="reinterpret-view" data-testid="reinterpret-view">
      <div className="controls">
        <label>
          offset{' '}
          <input
            value={offsetText}
            onChange={(e) => setOffsetText(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && go()}
            size={12}
            data-testid="reinterpret-offset"
          />
        </label>
        <button onClick={go}>Read</button>
        <button onClick={() => setCursor(Math.max(0, offset - 1))} aria-label="Previous byte">
          −1
        </button>
        <button onClick={() => setCursor(Math.min(s.fileSize - 1, offset + 1))} aria-label="Next byte">
          +1
        </button>
        <label>
          model{' '}
          <select value={model} onChange={(e) => setModel(e.target.value as DataModelId)} data-testid="model">
            {MODELS.map((m) => (
              <option key={m} value={m}>
                {MODEL_TEXT[m]}
              </option>
            ))}
          </select>
        </label>
        <button className="primary" onClick={() => void runSeed()} data-testid="seed-example">
          Seed example: c_long vs c_longlong
        </button>
      </div>
      <ErrorBox error={error} />

      {seed ? (
        <section className="card wide seed" data-testid="seed-result">
          <h3>
            x = np.array([[0, 1], [2, 3]], dtype=np.int32) —{' '}
            <span className="muted">the seed page's example, under each data model</span>
          </h3>
          <table className="grid-table">
            <thead>
              <tr>
                <th>model</th>
                <th>x.ctypes.data_as(POINTER(c_long)).contents</th>
                <th>x.ctypes.data_as(POINTER(c_longlong)).contents</th>
              </tr>
            </thead>
            <tbody>
              {seed.map((r) => (
                <tr key={r.model} data-testid={`seed-${r.model}`}>
                  <td>{MODEL_TEXT[r.model]}</td>
                  <td>
                    <code data-testid={`seed-${r.model}-long`}>{r.long.repr}</code>{' '}
                    <span className="muted">bytes {r.long.bytes}</span>
                  </td>
                  <td>
                    <code data-testid={`seed-${r.model}-longlong`}>{r.longlong.repr}</code>{' '}
                    <span className="muted">bytes {r.longlong.bytes}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted">
            c_longlong reads 8 bytes: the int32 elements 0 and 1 side by side, little-endian, so 1·2³² + 0 = 4294967296.
            c_long reads 4 bytes where long is 4 (LLP64, ILP32) and 8 where it is 8 (LP64 — where ctypes makes
            c_longlong an alias of c_long, so its repr says c_long).
          </p>
        </section>
      ) : null}

      {result ? (
        <section className="card wide">
          <h3>
            bytes at {formatOffset(result.offset, fmt)}:{' '}
            <code data-testid="reinterpret-bytes">{result.bytes.replace(/(..)/g, '$1 ').trim()}</code>{' '}
            {result.element ? (
              <span className="muted">
                (byte {result.element.byteInElement} of element [{result.element.index.join(', ')}])
              </span>
            ) : null}
          </h3>
          {result.warnings.length ? (
            <ul className="warnings" data-testid="reinterpret-warnings">
              {result.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          ) : null}
          <table className="grid-table" data-testid="reinterpret-table">
            <thead>
              <tr>
                <th>type</th>
                <th>size</th>
                <th>little-endian (x86-64, arm64)</th>
                <th>big-endian</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(result.values).map(([name, v]) => (
                <tr key={name} data-testid={`rt-${name}`}>
                  <td>
                    <code>{name}</code>
                  </td>
                  <td>{v.size}</td>
                  <td>
                    <code data-testid={`rt-${name}-le`}>{formatValue(v.le)}</code>{' '}
                    {v.le !== null ? <CopyButton text={formatValue(v.le)} /> : null}
                  </td>
                  <td>
                    <code>{formatValue(v.be)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      <section className="card wide" data-testid="pointer-panel">
        <h3>data_as(POINTER(T))</h3>
        <div className="controls">
          <label>
            array{' '}
            <input
              value={ptrExpr}
              onChange={(e) => setPtrExpr(e.target.value)}
              size={18}
              spellCheck={false}
              aria-label="View expression"
            />
          </label>
          <label>
            T{' '}
            <select value={ctype} onChange={(e) => setCtype(e.target.value as CTypeName)} data-testid="pointer-ctype">
              {CTYPES.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label>
            index{' '}
            <input
              type="number"
              value={index}
              onChange={(e) => setIndex(Number(e.target.value) || 0)}
              style={{ width: '5em' }}
              data-testid="pointer-index"
            />
          </label>
          <button onClick={() => void readPointer()} data-testid="pointer-read">
            Read
          </button>
        </div>
        <ErrorBox error={ptrError} />
        {ptr ? (
          <div className="pointer-result">
            <pre className="repl" data-testid="pointer-repl">
              <span className="prompt">&gt;&gt;&gt; </span>
              {ptr.python}
              {'\n'}
              {ptr.repr}
            </pre>
            <p>
              read {ptr.size} bytes <code>{ptr.bytes}</code> at {ptr.address} (file byte{' '}
              {formatOffset(ptr.fileOffset, fmt)}) under {ptr.model.toUpperCase()}{' '}
              <CopyButton text={String(ptr.value)} label="copy value" />
            </p>
            {ptr.warnings.length ? (
              <ul className="warnings" data-testid="pointer-warnings">
                {ptr.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
      </section>
    </div>
  );
}
