/**
 * The data inspector docked beside the byte grid (as in ImHex / HxD): what the bytes at the cursor read as.
 * First the array's own dtype (the element the cursor is in, and its field), then every C type at the cursor in
 * both byte orders under a chosen data model, each with a bar of 16 cells showing which bytes it covers.
 * The values come from main's reinterpret (core/reinterpret: the same decoding the Reinterpret pane and the CLI
 * use, checked against ctypes / NumPy fixtures); nothing is decoded here.
 */
import { useEffect, useState } from 'react';
import type { ApiError, ArraySummary, DataModelId, ReinterpretResult } from '@contract';
import { call, formatValue } from '../app/api';
import { ErrorBox } from '../app/common';
import { formatOffset, useSettings } from '../app/settings';

const MODELS: { id: DataModelId; label: string }[] = [
  { id: 'lp64', label: 'LP64 (Linux, macOS)' },
  { id: 'llp64', label: 'LLP64 (Windows)' },
  { id: 'ilp32', label: 'ILP32 (32-bit)' },
];

/** The C type whose reading is the dtype's own (same kind and size), to mark its row. */
function ownType(s: ArraySummary): string | null {
  const { kind, itemsize } = s.dtype;
  if (kind === 'f') return itemsize === 4 ? 'c_float' : itemsize === 8 ? 'c_double' : itemsize === 2 ? 'float16' : null;
  if (kind === 'c') return itemsize === 8 ? 'complex64' : itemsize === 16 ? 'complex128' : null;
  const ints: Record<number, [string, string]> = {
    1: ['c_byte', 'c_ubyte'],
    2: ['c_short', 'c_ushort'],
    4: ['c_int', 'c_uint'],
    8: ['c_longlong', 'c_ulonglong'],
  };
  if ((kind === 'i' || kind === 'u') && ints[itemsize]) return ints[itemsize][kind === 'i' ? 0 : 1];
  return null;
}

function Coverage({ size, available }: { size: number; available: number }) {
  const cells = Math.min(16, Math.max(size, 1));
  return (
    <span className="coverage" aria-label={`covers ${size} bytes`}>
      {Array.from({ length: 16 }, (_, i) => (
        <i key={i} className={i < Math.min(cells, available) ? 'on' : i < cells ? 'short' : ''} />
      ))}
    </span>
  );
}

export function DataInspector({ summary: s, cursor }: { summary: ArraySummary; cursor: number | null }) {
  const settings = useSettings();
  const [model, setModel] = useState<DataModelId>(s.platformModel);
  const [r, setR] = useState<ReinterpretResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    if (cursor === null) return setR(null);
    let live = true;
    void call((api) => api.reinterpret(s.id, cursor, model)).then((res) => {
      if (!live) return;
      if (res.ok) {
        setR(res.value);
        setError(null);
      } else setError(res.error);
    });
    return () => {
      live = false;
    };
  }, [s.id, cursor, model]);

  if (cursor === null) return <p className="muted">Click a byte: the inspector reads the bytes from there.</p>;
  const own = ownType(s);
  const available = Math.min(16, s.fileSize - cursor);
  const el = r?.element;
  const native = s.dtype.byteorder === '|' ? null : s.dtype.byteorder === '>' ? 'be' : 'le';

  return (
    <section className="inspector" data-testid="inspector" data-offset={cursor}>
      <ErrorBox error={error} />
      <div className="inspector-own" data-testid="inspector-own">
        <div className="muted">this array · {s.dtype.str}</div>
        {el ? (
          <>
            <code data-testid="inspector-element">
              x[{el.index.join(', ')}] = {el.text}
              {el.field ? ` · field '${el.field.name}'` : ''}
            </code>
            <div className="muted">
              byte {el.byteInElement} of {s.dtype.itemsize}
              {el.byteInElement ? ` · element starts at ${formatOffset(el.fileOffset, settings.offsetFormat)}` : ''}
            </div>
          </>
        ) : (
          <span className="muted">not inside an element</span>
        )}
      </div>
      <label className="inspector-model">
        data model{' '}
        <select value={model} onChange={(e) => setModel(e.target.value as DataModelId)} data-testid="inspector-model">
          {MODELS.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      <table className="inspector-table" data-testid="inspector-table">
        <thead>
          <tr>
            <th>type</th>
            <th>bytes</th>
            <th title="little-endian (x86, ARM)">LE{native === 'le' ? ' ·' : ''}</th>
            <th title="big-endian (network order)">BE{native === 'be' ? ' ·' : ''}</th>
          </tr>
        </thead>
        <tbody>
          {r
            ? Object.entries(r.values).map(([name, v]) => (
                <tr key={name} className={name === own ? 'own' : ''} data-testid={`inspect-${name}`}>
                  <th>
                    {name}
                    <span className="muted"> {v.size}</span>
                  </th>
                  <td>
                    <Coverage size={v.size} available={available} />
                  </td>
                  <td className={native === 'le' && name === own ? 'native' : ''} data-testid={`inspect-${name}-le`}>
                    {v.le === null ? <span className="muted">past end</span> : formatValue(v.le)}
                  </td>
                  <td className={native === 'be' && name === own ? 'native' : ''} data-testid={`inspect-${name}-be`}>
                    {v.be === null ? <span className="muted">past end</span> : formatValue(v.be)}
                  </td>
                </tr>
              ))
            : null}
        </tbody>
      </table>
      {r?.warnings.length ? <p className="muted small">{r.warnings.join(' · ')}</p> : null}
    </section>
  );
}
