import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ApiError, ByteLocation } from '@contract';
import type { ViewProps } from '../app/viewProps';
import { call, copyText, parseOffset, tuple } from '../app/api';
import { CopyButton, ErrorBox } from '../app/common';
import { formatOffset, otherOffset, useSettings } from '../app/settings';
import { ByteGrid, makeByteClass, type Highlight } from './ByteGrid';
import { decodeHex } from './byteCache';
import { COPY_FORMATS, formatBytes, type CopyFormat } from './copyFormats';
import { DataInspector } from './DataInspector';
import { StructureTree } from './StructureTree';
import { ByteSearchBar } from './ByteSearchBar';
import { usePaneState } from '../state/arrayStore';

/** Most bytes one copy takes (one readBytes window). */
const MAX_COPY = 1024 * 1024;

/**
 * The whole file as hex + ASCII, with what a hex editor docks beside it: a data inspector following the cursor,
 * the selected range and its copy (hex, C array, Python bytes), search, the file's structure tree and a legend.
 */
export function BytesView({ summary: s, info, cursor, setCursor, goto }: ViewProps) {
  const settings = useSettings();
  const fmt = settings.offsetFormat;
  const [loc, setLoc] = useState<ByteLocation | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [offsetText, setOffsetText] = useState('');
  const [indexText, setIndexText] = useState('');
  const [reveal, setReveal] = useState({ offset: cursor ?? s.dataOffset, seq: 0 });
  /** the other end of the selected range; null: nothing selected but the cursor byte */
  const [anchor, setAnchor] = useState<number | null>(null);
  const [copied, setCopied] = useState<{
    format: CopyFormat;
    text: string;
    bytes: number;
    failed: string | null;
  } | null>(null);
  // the bytes C read in the console's last statement, lit while the cursor is inside one of them
  const [{ reads }] = usePaneState(s);

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
    setAnchor(null);
    setCursor(offset);
    setReveal((r) => ({ offset, seq: r.seq + 1 }));
  };

  const selectRange = useCallback(
    (from: number, to: number) => {
      // [from, to): anchor at the first byte, cursor on the last
      setAnchor(from);
      setCursor(Math.max(from, to - 1));
      setReveal((r) => ({ offset: from, seq: r.seq + 1 }));
    },
    [setCursor],
  );

  const jumpOffset = () => {
    const n = parseOffset(offsetText);
    if (n === null || n >= s.fileSize) {
      setError({
        kind: 'argument',
        message: `'${offsetText}' is not an offset in this file (0 … ${s.fileSize - 1}; decimal or 0x hex)`,
        offset: null,
      });
      return;
    }
    setError(null);
    jump(n);
  };

  const jumpIndex = async () => {
    const parts = indexText
      .replace(/[()[\]\s]/g, '')
      .split(',')
      .filter((p) => p !== '');
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
    const read: Highlight[] =
      cursor !== null && reads.some((r) => cursor >= r.from && cursor < r.to)
        ? reads.map((r) => ({ from: r.from, to: r.to, className: 'hl-read' }))
        : [];
    if (!el) return read;
    const hs: Highlight[] = [
      { from: el.fileOffset, to: el.fileOffset + s.dtype.itemsize, className: 'hl-element' },
      ...read,
    ];
    if (el.field)
      hs.push({
        from: el.fileOffset + el.field.offset,
        to: el.fileOffset + el.field.offset + el.field.size,
        className: 'hl-field',
      });
    return hs;
  }, [loc, s.dtype.itemsize, reads, cursor]);

  const sel =
    cursor === null
      ? null
      : anchor === null
        ? { from: cursor, to: cursor + 1 }
        : { from: Math.min(anchor, cursor), to: Math.max(anchor, cursor) + 1 };
  const selLength = sel ? sel.to - sel.from : 0;

  const copy = async (format: CopyFormat) => {
    if (!sel) return;
    const n = Math.min(selLength, MAX_COPY, info?.limits.maxBytesWindow ?? MAX_COPY);
    const r = await call((api) => api.readBytes(s.id, sel.from, n));
    if (!r.ok) return setError(r.error);
    const text = formatBytes(decodeHex(r.value.hex), format);
    const done = await copyText(text);
    setCopied({ format, text, bytes: n, failed: done.ok ? null : done.reason });
  };

  // the grid's hover tooltip: what a byte is, from the same classes the grid paints with
  const byteClass = useMemo(() => makeByteClass(s), [s]);
  const describe = useCallback(
    (f: number) => {
      const cls = byteClass(f);
      if (cls.startsWith('hdr-')) return `.npy header: ${cls.slice(4)}`;
      if (cls === 'outside') return 'not part of the array';
      const rel = f - s.dataOffset;
      const k = Math.floor(rel / s.dtype.itemsize);
      const b = rel - k * s.dtype.itemsize;
      const field = s.dtype.fields?.find((fl) => b >= fl.offset && b < fl.offset + fl.size);
      return `element #${k} (C order in memory), byte ${b} of ${s.dtype.itemsize}${field ? `, field ${field.name} (${field.str})` : s.dtype.fields ? ', padding' : ''}`;
    },
    [byteClass, s],
  );

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
            size={10}
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
            size={8}
          />
        </label>
        <button onClick={() => void jumpIndex()} data-testid="jump-index-go">
          Go
        </button>
        <button onClick={() => jump(s.dataOffset)}>Data start</button>
        <ByteSearchBar summary={s} cursor={cursor} onFound={selectRange} />
      </div>
      <p className="muted bytes-facts" data-testid="bytes-facts">
        {s.fileSize.toLocaleString('en-US')} bytes · data at {formatOffset(s.dataOffset, fmt)} · itemsize{' '}
        {s.dtype.itemsize} · Shift+arrows or drag select a range
      </p>
      <ErrorBox error={error} />
      <div className="bytes-layout">
        <div className="bytes-main">
          <ByteGrid
            key={s.id}
            summary={s}
            cursor={cursor}
            onSelect={(f) => {
              setAnchor(null);
              setCursor(f);
            }}
            anchor={anchor}
            onSelectRange={(a, c) => {
              setAnchor(a);
              setCursor(c);
            }}
            describe={describe}
            highlights={highlights}
            reveal={reveal}
            height="fill"
          />
        </div>
        <aside className="byte-side" data-testid="byte-side">
          <section className="byte-info" data-testid="byte-info">
            {cursor === null ? (
              <p className="muted">Click a byte.</p>
            ) : (
              <>
                <h3>
                  byte {formatOffset(cursor, fmt)} <span className="muted">({otherOffset(cursor, fmt)})</span>
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
                      element <code data-testid="element-index">x[{loc.element.index.join(', ')}]</code> · byte{' '}
                      {loc.element.byteInElement} of {s.dtype.itemsize}
                    </p>
                    {loc.element.field ? (
                      <p data-testid="element-field">
                        field <b>{loc.element.field.name}</b> ({loc.element.field.str}, bytes {loc.element.field.offset}
                        –{loc.element.field.offset + loc.element.field.size - 1})
                      </p>
                    ) : s.dtype.fields ? (
                      <p>padding between fields</p>
                    ) : null}
                    <p>
                      value <code data-testid="element-value">{loc.element.text}</code>{' '}
                      <CopyButton text={loc.element.text} />
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
          </section>
          <details open className="side-section">
            <summary>Inspector</summary>
            <DataInspector summary={s} cursor={cursor} />
          </details>
          <details open className="side-section">
            <summary>Selection</summary>
            {sel ? (
              <div className="selection" data-testid="selection">
                <p data-testid="selection-range">
                  {formatOffset(sel.from, fmt)} … {formatOffset(sel.to - 1, fmt)} · {selLength.toLocaleString('en-US')}{' '}
                  byte{selLength === 1 ? '' : 's'}
                  {selLength > MAX_COPY ? (
                    <span className="muted"> (a copy takes the first {MAX_COPY.toLocaleString('en-US')})</span>
                  ) : null}
                </p>
                <div className="copy-row">
                  copy as{' '}
                  {COPY_FORMATS.map((c) => (
                    <button key={c.format} onClick={() => void copy(c.format)} data-testid={`copy-${c.format}`}>
                      {c.label}
                    </button>
                  ))}
                </div>
                {copied ? (
                  <div
                    className="copied"
                    data-testid="copy-result"
                    data-copy-state={copied.failed ? 'failed' : 'copied'}
                  >
                    <p className={copied.failed ? 'copy-failed-text' : 'muted'} role="status">
                      {copied.failed
                        ? `Copy failed (${copied.failed}): the text is below, select it and copy it yourself.`
                        : `Copied ${copied.bytes.toLocaleString('en-US')} bytes as ${COPY_FORMATS.find((c) => c.format === copied.format)!.label}.`}
                    </p>
                    <pre className="copy-text" data-testid="copy-text">
                      {copied.text.length > 4000 ? copied.text.slice(0, 4000) + '\n…' : copied.text}
                    </pre>
                  </div>
                ) : null}
              </div>
            ) : (
              <p className="muted">Click a byte, then Shift+click, Shift+arrows or drag.</p>
            )}
          </details>
          <details open className="side-section">
            <summary>Structure</summary>
            <StructureTree summary={s} cursor={cursor} onPick={selectRange} />
          </details>
          <Legend summary={s} reads={reads.length > 0} />
        </aside>
      </div>
    </div>
  );
}

/** What each colour means; the swatches use the same variables as the grid and the structure tree. */
function Legend({ summary: s, reads }: Pick<ViewProps, 'summary'> & { reads: boolean }) {
  const fields = s.dtype.fields ?? [];
  return (
    <div className="legend" data-testid="bytes-legend" aria-label="Colour legend">
      <span>
        <i className="swatch sw-el-a" />
        <i className="swatch sw-el-b" /> elements
      </span>
      {s.header ? (
        <span>
          <i className="swatch sw-header" /> .npy header
        </span>
      ) : null}
      {s.npz ? (
        <span>
          <i className="swatch sw-zip" /> zip records
        </span>
      ) : null}
      {fields.map((f, i) => (
        <span key={f.name}>
          <i className={`swatch sw-field-${i % 8}`} /> {f.name}
        </span>
      ))}
      {fields.length ? (
        <span>
          <i className="swatch sw-padding" /> padding
        </span>
      ) : null}
      <span>
        <i className="swatch sw-selection" /> selection
      </span>
      <span>
        <i className="swatch sw-cursor" /> cursor
      </span>
      {reads ? (
        <span data-testid="legend-read">
          <i className="swatch sw-read" /> C read (console)
        </span>
      ) : null}
    </div>
  );
}
