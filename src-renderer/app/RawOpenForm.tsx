import { useState } from 'react';
import type { ApiError, ArraySummary, OpenRequest, RawOpenOptions } from '@contract';
import { parseOffset } from './api';
import { ErrorBox } from './common';

/**
 * The file an open error asks raw options for ("this file is neither .npy nor .npz: tell me how to map it"), or
 * null. Whichever way the file arrived — drop, dialog, menu, recent list, command line — this error is the same and
 * names the file, so the app shows the raw form for all of them.
 */
export function rawOptionsFileOf(e: ApiError): { path: string; grant: string } | null {
  const wanted = e.kind === 'argument' && typeof e.expected === 'string' && e.expected.includes('dtype (raw)');
  return wanted && typeof e.file === 'string' && e.file !== '' && typeof e.grant === 'string'
    ? { path: e.file, grant: e.grant }
    : null;
}

const DTYPES = [
  'u1',
  'i1',
  '<i2',
  '<u2',
  '<i4',
  '<u4',
  '<i8',
  '<f2',
  '<f4',
  '<f8',
  '>i2',
  '>i4',
  '>f4',
  '>f8',
  '<c8',
  '<c16',
  'S4',
  '<U2',
  'bool',
];

/**
 * The raw-file form, shown in place when an opened file is neither .npy nor .npz: how to map it, like
 * numpy.memmap(path, dtype, mode, offset, shape, order). Only the modes that never write ('r', 'c') are offered.
 * Errors from main (offset past the end, a size that is not a multiple of the itemsize, ...) stay in the form.
 */
export function RawOpenForm({
  path,
  grant,
  open,
  onCancel,
}: {
  /** for display: the granted file's path */
  path: string;
  /** what the form opens: the grant main handed out with the raw-options error */
  grant: string;
  open: (request: OpenRequest) => Promise<{ ok: true; value: ArraySummary } | { ok: false; error: ApiError }>;
  onCancel: () => void;
}) {
  const [dtype, setDtype] = useState('u1');
  const [shape, setShape] = useState('');
  const [offset, setOffset] = useState('0');
  const [order, setOrder] = useState<'C' | 'F'>('C');
  const [mode, setMode] = useState<'r' | 'c'>('r');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const name = path.split(/[\\/]/).pop() ?? path;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const raw: RawOpenOptions = { dtype: dtype.trim(), order, mode };
    if (raw.dtype === '') return setError({ kind: 'argument', message: 'give a dtype, e.g. <i2 or u1', offset: null });
    const off = parseOffset(offset === '' ? '0' : offset);
    if (off === null)
      return setError({
        kind: 'argument',
        message: `'${offset}' is not a byte offset (decimal or 0x hex)`,
        offset: null,
      });
    raw.offset = off;
    const shapeText = shape.replace(/[()[\]\s]/g, '');
    if (shapeText !== '') {
      const parts = shapeText.split(',').filter((p) => p !== '');
      if (parts.some((p) => !/^[0-9]+$/.test(p)))
        return setError({ kind: 'argument', message: `'${shape}' is not a shape like 5, 8`, offset: null });
      raw.shape = parts.map(Number);
    }
    setBusy(true);
    try {
      const r = await open({ grant, raw });
      if (!r.ok) setError(r.error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="raw-form card" data-testid="raw-form" aria-labelledby="raw-form-title">
      <h3 id="raw-form-title">
        <code>{name}</code> is neither a .npy nor an .npz
      </h3>
      <p className="muted">
        Open its bytes as an array, like <code>numpy.memmap(path, dtype, mode, offset, shape, order)</code>. Leave the
        shape empty for as many elements as fit after the offset.
      </p>
      <form onSubmit={(e) => void submit(e)}>
        <label>
          dtype{' '}
          <input
            value={dtype}
            onChange={(e) => setDtype(e.target.value)}
            list="raw-dtypes"
            size={8}
            spellCheck={false}
            data-testid="raw-dtype"
            required
          />
          <datalist id="raw-dtypes">
            {DTYPES.map((d) => (
              <option key={d} value={d} />
            ))}
          </datalist>
        </label>
        <label>
          shape{' '}
          <input
            value={shape}
            onChange={(e) => setShape(e.target.value)}
            placeholder="e.g. 5, 8 (empty: all)"
            size={14}
            data-testid="raw-shape"
          />
        </label>
        <label>
          offset{' '}
          <input
            value={offset}
            onChange={(e) => setOffset(e.target.value)}
            placeholder="0 or 0x10"
            size={8}
            data-testid="raw-offset"
          />
        </label>
        <label>
          order{' '}
          <select value={order} onChange={(e) => setOrder(e.target.value as 'C' | 'F')} data-testid="raw-order">
            <option value="C">C (row-major)</option>
            <option value="F">F (column-major)</option>
          </select>
        </label>
        <label>
          mode{' '}
          <select value={mode} onChange={(e) => setMode(e.target.value as 'r' | 'c')} data-testid="raw-mode">
            <option value="r">r (read-only)</option>
            <option value="c">c (copy-on-write)</option>
          </select>
        </label>
        <button type="submit" className="primary" disabled={busy} data-testid="raw-open">
          {busy ? 'Opening…' : 'Open as raw'}
        </button>
        <button type="button" onClick={onCancel} data-testid="raw-cancel">
          Cancel
        </button>
      </form>
      <ErrorBox error={error} />
    </section>
  );
}
