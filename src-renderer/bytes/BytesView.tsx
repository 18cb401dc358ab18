import { useEffect, useMemo, useState } from 'react';
import type { ApiError, ByteLocation } from '@contract';
import type { ViewProps } from '../app/viewProps';
import { call, formatValue, hexOffset, parseOffset, tuple } from '../app/api';
import { CopyButton, ErrorBox } from '../app/common';
import { ByteGrid, type Highlight } from './ByteGrid';
import { usePaneState } from '../state/arrayStore';

/** The whole file as hex + ASCII; click a byte to see its element and field, or jump to an offset or an index. */
export function BytesView({ summary: s, cursor, setCursor, goto }: ViewProps) {
  const [loc, setLoc] = useState<ByteLocation | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [offsetText, setOffsetText] = useState('');
  const [indexText, setIndexText] = useState('');
  const [reveal, setReveal] = useState({ offset: cursor ?? s.dataOffset, seq: 0 });
  // the store's selection (a console pointer read's bytes), lit as what C reads now while the cursor is inside it
  const [{ selection }] = usePaneState(s);

  useEffect(() => {
    if (cursor === null) return setLoc(null);
    let live = true;
    void call((api) => api.locateByte(s.id, cursor)).then((r) => {
      if (!live) return;
      if (r.ok) {
        setLoc(r.value);
        setError(null);
      } else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [s.id, cursor]);

  const jump = (offset: number) => {
    setCursor(offset);
    setReveal((r) => ({ offset, seq: r.seq + 1 }));
  };

  const jumpOffset = () => {
    const n = parseOffset(offsetText);
    if (n === null || n >= s.fileSize) {
      setError({ kind: 'argument', message: `'${offsetText}' is not an offset in this file (0 … ${s.fileSize - 1}; decimal or 0x hex)`, offset: null });
      return;
    }
    setError(null);
    jump(n);
  };

  const jumpIndex = async () => {
    const parts = indexText.replace(/[()[\]\s]/g, '').split(',').filter((p) => p !== '');
    const index = parts.map((p) => Number(p));
    if (parts.some((p) => !/^[0-9]+$/.test(p))) {
      setError({ kind: 'argument', message: `'${indexText}' is not an index tuple like 1, 0`, offset: null });
      return;
    }
    const r = await call((api) => api.locateIndex(s.id, index));
    if (!r.ok) return setError(r.error);
    setError(null);
    jump(r.value.fileOffset);
  };

  const highlights = useMemo<Highlight[]>(() => {
    const el = loc?.element;
    const read: Highlight[] = selection && cursor !== null && cursor >= selection.from && cursor < selection.to ? [{ from: selection.from, to: selection.to, className: 'hl-current' }] : [];
    if (!el) return read;
    const hs: Highlight[] = [{ from: el.fileOffset, to: el.fileOffset + s.dtype.itemsize, className: 'hl-element' }, ...read];
    if (el.field) hs.push({ from: el.fileOffset + el.field.offset, to: el.fileOffset + el.field.offset + el.field.size, className: 'hl-field' });
    return hs;
  }, [loc, s.dtype.itemsize, selection, cursor]);

  return (
    <div className="bytes-view" data-testid="bytes-view">
      <div className="controls">
        <label>
          offset{' '}
          <input
            value={offsetText}
            onChange={(e) => setOffsetText(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && jumpOffset()}
            placeholder="128 or 0x80"
            data-testid="jump-offset"
            size={12}
          />
        </label>
        <button onClick={jumpOffset}>Go</button>
        <label>
          index{' '}
          <input
            value={indexText}
            onChange={(e) => setIndexText(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && void jumpIndex()}
            placeholder={s.shape.map((_, i) => i % 2).join(', ') || '()'}
            data-testid="jump-index"
            size={12}
          />
        </label>
        <button onClick={() => void jumpIndex()} data-testid="jump-index-go">
          Go
        </button>
        <button onClick={() => jump(s.dataOffset)}>Data start</button>
        <span className="muted">
          {s.fileSize.toLocaleString()} bytes · data at {s.dataOffset} · itemsize {s.dtype.itemsize}
        </span>
      </div>
      <ErrorBox error={error} />
      <div className="bytes-layout">
        <ByteGrid key={s.id} summary={s} cursor={cursor} onSelect={setCursor} highlights={highlights} reveal={reveal} height={520} />
        <aside className="byte-info" data-testid="byte-info">
          {cursor === null ? (
            <p className="muted">Click a byte.</p>
          ) : (
            <>
              <h3>
                byte {cursor} <span className="muted">({hexOffset(cursor)})</span>
              </h3>
              {loc?.region === 'header' ? (
                <p data-testid="byte-region">
                  in the .npy header: <b>{loc.headerPart}</b>
                </p>
              ) : loc?.region === 'outside' ? (
                <p data-testid="byte-region">not part of any element</p>
              ) : loc?.element ? (
                <div data-testid="byte-element">
                  <p>
                    element <code data-testid="element-index">a[{loc.element.index.join(', ')}]</code>
                  </p>
                  <p>
                    byte {loc.element.byteInElement} of {s.dtype.itemsize}; element starts at {loc.element.fileOffset}
                  </p>
                  {loc.element.field ? (
                    <p data-testid="element-field">
                      field <b>{loc.element.field.name}</b> ({loc.element.field.str}, bytes {loc.element.field.offset}–{loc.element.field.offset + loc.element.field.size - 1})
                    </p>
                  ) : s.dtype.fields ? (
                    <p>padding between fields</p>
                  ) : null}
                  <p>
                    value <code data-testid="element-value">{formatValue(loc.element.value)}</code> <CopyButton text={formatValue(loc.element.value)} />
                  </p>
                  <p>
                    <button className="link" onClick={() => setIndexText(loc.element!.index.join(', '))}>
                      index {tuple(loc.element.index)} → back to this byte
                    </button>
                  </p>
                </div>
              ) : null}
              <p>
                <button className="link" onClick={() => goto('reinterpret', cursor)}>
                  Reinterpret these bytes →
                </button>
              </p>
            </>
          )}
          <div className="legend">
            <span className="hx el-a">element</span> <span className="hx el-b">next</span> <span className="hx hdr-dict">header</span>{' '}
            <span className="hx cursor">cursor</span>
          </div>
        </aside>
      </div>
    </div>
  );
}
