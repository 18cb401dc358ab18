/**
 * A virtualized hex + ASCII grid over a whole file, 16 bytes a row.
 *
 * @tanstack/react-virtual materializes one measurement per row, so it cannot hold the 268 million rows of a 4 GiB
 * file. The grid therefore virtualizes a sliding PAGE of rows (at most 65,536 = 1 MiB of bytes) and moves the page
 * under the scroll position as the user nears its edges (shifting scrollTop by the same amount, so scrolling is
 * seamless); a file-position slider and jump-to-offset reach anywhere directly. Bytes are fetched from main in
 * aligned 4 KiB chunks, only for the rows on screen, and cached (bounded).
 */
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ArraySummary } from '../../src-main/api/contract';
import { call } from '../app/api';

export const BYTES_PER_ROW = 16;
export const ROW_HEIGHT = 20;
const PAGE_ROWS = 65536;
const EDGE_ROWS = 512;
const CHUNK = 4096;
const MAX_CHUNKS = 512;

export interface Highlight {
  from: number;
  to: number; // exclusive
  className: string;
}

export interface ByteGridProps {
  summary: ArraySummary;
  cursor: number | null;
  onSelect: (fileOffset: number) => void;
  highlights?: Highlight[];
  /** Scroll so this offset is visible whenever `revealSeq` changes. */
  reveal?: { offset: number; seq: number };
  height: number;
  testId?: string;
  /** Called once the first visible bytes are painted (bench). */
  onFirstPaint?: () => void;
}

function hex2(b: number): string {
  return b < 16 ? '0' + b.toString(16) : b.toString(16);
}

function decodeHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** The colour classes of one byte: header part, element parity / start, struct field or padding. */
export function makeByteClass(s: ArraySummary): (offset: number) => string {
  const parts = s.header ? s.header.parts.filter((p) => p.name !== 'data') : [];
  const itemsize = s.dtype.itemsize;
  const fields = s.dtype.fields;
  const dataEnd = s.dataOffset + s.nbytes;
  return (f) => {
    for (const p of parts) if (f >= p.offset && f < p.offset + p.length) return `hdr-${p.name}`;
    if (f < s.dataOffset || f >= dataEnd || itemsize === 0) return 'outside';
    const rel = f - s.dataOffset;
    const k = Math.floor(rel / itemsize);
    const b = rel - k * itemsize;
    let cls = k % 2 ? 'el-b' : 'el-a';
    if (b === 0) cls += ' el-start';
    if (fields) {
      const i = fields.findIndex((fl) => b >= fl.offset && b < fl.offset + fl.size);
      cls += i >= 0 ? ` field-${i % 6}` : ' pad';
      if (i >= 0 && fields[i].offset === b) cls += ' field-start';
    }
    return cls;
  };
}

export function ByteGrid({ summary, cursor, onSelect, highlights = [], reveal, height, testId = 'byte-grid', onFirstPaint }: ByteGridProps) {
  const size = summary.fileSize;
  const rows = Math.max(1, Math.ceil(size / BYTES_PER_ROW));
  const count = Math.min(rows, PAGE_ROWS);
  const [base, setBase] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const cache = useRef(new Map<number, Uint8Array>());
  const pending = useRef(new Set<number>());
  const [, setVersion] = useState(0);
  const painted = useRef(false);
  const byteClass = useMemo(() => makeByteClass(summary), [summary]);

  // A different array: forget its bytes.
  useEffect(() => {
    cache.current.clear();
    pending.current.clear();
    painted.current = false;
    setBase(0);
    scrollRef.current?.scrollTo({ top: 0 });
  }, [summary.id]);

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const firstRow = items.length ? base + items[0].index : base;
  const lastRow = items.length ? base + items[items.length - 1].index : base;

  // Fetch the chunks of the visible rows.
  useEffect(() => {
    const from = Math.floor((firstRow * BYTES_PER_ROW) / CHUNK);
    const to = Math.floor(Math.min(size - 1, (lastRow + 1) * BYTES_PER_ROW - 1) / CHUNK);
    const id = summary.id;
    for (let c = from; c <= to && c >= 0; c++) {
      if (cache.current.has(c) || pending.current.has(c)) continue;
      pending.current.add(c);
      void call((api) => api.readBytes(id, c * CHUNK, Math.min(CHUNK, size - c * CHUNK))).then((r) => {
        pending.current.delete(c);
        if (!r.ok) return;
        if (cache.current.size >= MAX_CHUNKS) {
          const oldest = cache.current.keys().next().value as number;
          cache.current.delete(oldest);
        }
        cache.current.set(c, decodeHex(r.value.hex));
        setVersion((v) => v + 1);
      });
    }
  }, [firstRow, lastRow, size, summary.id]);

  const byteAt = (f: number): number | undefined => {
    const chunk = cache.current.get(Math.floor(f / CHUNK));
    return chunk ? chunk[f % CHUNK] : undefined;
  };

  useEffect(() => {
    if (!painted.current && items.length && byteAt(firstRow * BYTES_PER_ROW) !== undefined) {
      painted.current = true;
      onFirstPaint?.();
    }
  });

  /** Move the virtualized page so `row` is inside it, then scroll to it. */
  const scrollToRow = useCallback(
    (row: number, align: 'center' | 'auto' = 'center') => {
      const r = Math.max(0, Math.min(rows - 1, row));
      let b = base;
      if (r < base || r >= base + count) {
        b = Math.max(0, Math.min(rows - count, r - Math.floor(count / 2)));
        flushSync(() => setBase(b));
      }
      virtualizer.scrollToIndex(r - b, { align });
    },
    [base, count, rows, virtualizer],
  );

  useLayoutEffect(() => {
    if (reveal) scrollToRow(Math.floor(reveal.offset / BYTES_PER_ROW), 'center');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [reveal?.seq, summary.id]);

  // Slide the page when the scroll position nears its edges.
  const onScroll = () => {
    const el = scrollRef.current;
    if (!el || rows <= count) return;
    const top = el.scrollTop;
    const visible = Math.ceil(el.clientHeight / ROW_HEIGHT);
    if (top < EDGE_ROWS * ROW_HEIGHT && base > 0) {
      const shift = Math.min(base, count / 2);
      flushSync(() => setBase(base - shift));
      el.scrollTop = top + shift * ROW_HEIGHT;
    } else if (top > (count - visible - EDGE_ROWS) * ROW_HEIGHT && base + count < rows) {
      const shift = Math.min(rows - count - base, count / 2);
      flushSync(() => setBase(base + shift));
      el.scrollTop = top - shift * ROW_HEIGHT;
    }
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const cur = cursor ?? 0;
    const visibleRows = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowLeft: -1,
      ArrowRight: 1,
      ArrowUp: -BYTES_PER_ROW,
      ArrowDown: BYTES_PER_ROW,
      PageUp: -BYTES_PER_ROW * visibleRows,
      PageDown: BYTES_PER_ROW * visibleRows,
    };
    let next: number | null = null;
    if (e.key in moves) next = cur + moves[e.key];
    else if (e.key === 'Home') next = e.ctrlKey ? 0 : cur - (cur % BYTES_PER_ROW);
    else if (e.key === 'End') next = e.ctrlKey ? size - 1 : Math.min(size - 1, cur - (cur % BYTES_PER_ROW) + BYTES_PER_ROW - 1);
    if (next === null) return;
    e.preventDefault();
    next = Math.max(0, Math.min(size - 1, next));
    onSelect(next);
    scrollToRow(Math.floor(next / BYTES_PER_ROW), 'auto');
  };

  const onClick = (e: React.MouseEvent) => {
    const el = (e.target as HTMLElement).closest('[data-off]');
    if (!el) return;
    onSelect(Number(el.getAttribute('data-off')));
    scrollRef.current?.focus({ preventScroll: true });
  };

  return (
    <div className="byte-grid-wrap">
      <div className="byte-grid-head" aria-hidden>
        <span className="off-col">offset</span>
        <span className="hex-col">
          {Array.from({ length: BYTES_PER_ROW }, (_, i) => (
            <span key={i} className="hx">
              {hex2(i)}
            </span>
          ))}
        </span>
        <span className="ascii-col">ASCII</span>
      </div>
      <div
        ref={scrollRef}
        className="byte-grid"
        style={{ height }}
        tabIndex={0}
        role="grid"
        aria-label="Bytes of the file (arrow keys move the cursor)"
        aria-rowcount={rows}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        onClick={onClick}
        data-testid={testId}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = base + item.index;
            const start = row * BYTES_PER_ROW;
            const chunk = cache.current.get(Math.floor(start / CHUNK));
            // Per-row marks (cursor, highlights) as a string, so unchanged rows skip rendering entirely.
            let marks = '';
            if (cursor !== null && cursor >= start && cursor < start + BYTES_PER_ROW) marks += `c${cursor - start};`;
            for (const h of highlights) {
              if (h.to > start && h.from < start + BYTES_PER_ROW) marks += `${Math.max(h.from, start) - start}-${Math.min(h.to, start + BYTES_PER_ROW) - start}:${h.className};`;
            }
            return <ByteRow key={row} row={row} top={item.start} size={size} chunk={chunk} byteClass={byteClass} marks={marks} />;
          })}
        </div>
      </div>
      {rows > count ? (
        <input
          className="file-slider"
          type="range"
          min={0}
          max={rows - 1}
          value={firstRow}
          aria-label="Position in file"
          onChange={(e) => scrollToRow(Number(e.target.value), 'auto')}
          data-testid="file-slider"
        />
      ) : null}
    </div>
  );
}

interface ByteRowProps {
  row: number;
  top: number;
  size: number;
  /** the 4 KiB chunk holding this row (undefined while it loads) */
  chunk: Uint8Array | undefined;
  byteClass: (offset: number) => string;
  /** "c<i>;" for the cursor, "<from>-<to>:<class>;" for highlights, relative to the row */
  marks: string;
}

/** One row: offset, 16 hex cells, 16 ASCII cells. Memoized: scrolling renders only rows that appear. */
const ByteRow = memo(function ByteRow({ row, top, size, chunk, byteClass, marks }: ByteRowProps) {
  const start = row * BYTES_PER_ROW;
  const extra: string[] = new Array(BYTES_PER_ROW).fill('');
  if (marks) {
    for (const m of marks.split(';')) {
      if (!m) continue;
      if (m[0] === 'c') extra[Number(m.slice(1))] += ' cursor';
      else {
        const [range, cls] = m.split(':');
        const [a, b] = range.split('-').map(Number);
        for (let i = a; i < b; i++) extra[i] += ' ' + cls;
      }
    }
  }
  const cells = [];
  const ascii = [];
  for (let i = 0; i < BYTES_PER_ROW; i++) {
    const f = start + i;
    if (f >= size) break;
    const b = chunk ? chunk[f % CHUNK] : undefined;
    const cls = byteClass(f) + extra[i];
    cells.push(
      <span key={i} className={`hx ${cls}`} data-off={f}>
        {b === undefined ? '··' : hex2(b)}
      </span>,
    );
    ascii.push(
      <span key={i} className={`as ${cls}`} data-off={f}>
        {b === undefined ? ' ' : b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.'}
      </span>,
    );
  }
  return (
    <div className="byte-row" role="row" aria-rowindex={row + 1} style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }} data-row={row}>
      <span className="off-col">{start.toString(16).padStart(10, '0')}</span>
      <span className="hex-col">{cells}</span>
      <span className="ascii-col">{ascii}</span>
    </div>
  );
});
