/**
 * A hex + ASCII grid over a whole file, 16 bytes a row, fast on multi-GiB files.
 *
 * The rows are drawn on one <canvas> by GridEngine (gridEngine.ts): per frame one pass over the ~30 visible rows,
 * no DOM nodes per row or per byte. Scrolling is native (an empty spacer in a scroll container, paged for files
 * taller than an element may be); bytes come from main in cached windows fetched ahead of the viewport, and a
 * frame never waits for them. React only mounts the elements and hands the engine the cursor and highlights.
 *
 * The canvas is opaque to tests and screen readers, so the grid also keeps a hidden live region describing the
 * cursor byte (`<testId>-status`), data-first-row / data-last-row / data-loaded on the scroll element, and a probe
 * (`element.__byteGrid`, see ByteGridProbe) that e2e specs use to click a byte's cell and read what was drawn.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ArraySummary } from '@contract';
import { call } from '../app/api';
import { getSettings, subscribeSettings, formatOffset } from '../app/settings';
import { BYTES_PER_ROW, GridEngine, PAGE_ROWS, ROW_HEIGHT, type Highlight } from './gridEngine';

export { BYTES_PER_ROW, ROW_HEIGHT, makeByteClass, type Highlight, type ByteGridProbe } from './gridEngine';

export interface ByteGridProps {
  summary: ArraySummary;
  cursor: number | null;
  onSelect: (fileOffset: number) => void;
  highlights?: Highlight[];
  /** Scroll so this offset is visible whenever `revealSeq` changes. */
  reveal?: { offset: number; seq: number };
  /** Pixels, or 'fill': as tall as the element around the grid leaves room for (followed on resize). */
  height: number | 'fill';
  /** The selected range [anchor, cursor] (either order); Shift+arrows and dragging extend it from the anchor. */
  anchor?: number | null;
  onSelectRange?: (anchor: number, cursor: number) => void;
  /** A short description of a byte for the hover tooltip (its element, field, header part). */
  describe?: (fileOffset: number) => string;
  testId?: string;
  /** Called once the first visible bytes are painted (bench). */
  onFirstPaint?: () => void;
}

const NO_HIGHLIGHTS: Highlight[] = [];

export function ByteGrid({
  summary,
  cursor,
  onSelect,
  highlights = NO_HIGHLIGHTS,
  reveal,
  height: heightProp,
  anchor = null,
  onSelectRange,
  describe,
  testId = 'byte-grid',
  onFirstPaint,
}: ByteGridProps) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const dragRef = useRef<number | null>(null);
  const [tip, setTip] = useState<{ x: number; y: number; text: string } | null>(null);
  const fill = heightProp === 'fill';
  const height = fill ? 400 : heightProp;
  const scrollRef = useRef<HTMLDivElement>(null);
  const spacerRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const headRef = useRef<HTMLCanvasElement>(null);
  const sliderRef = useRef<HTMLInputElement>(null);
  const statusRef = useRef<HTMLDivElement>(null);
  const engineRef = useRef<GridEngine | null>(null);
  const firstPaintRef = useRef(onFirstPaint);
  firstPaintRef.current = onFirstPaint;

  const size = summary.fileSize;
  const rows = Math.max(1, Math.ceil(size / BYTES_PER_ROW));
  const id = summary.id;

  useLayoutEffect(() => {
    const engine = new GridEngine(
      {
        scroller: scrollRef.current!,
        spacer: spacerRef.current!,
        canvas: canvasRef.current!,
        head: headRef.current!,
        slider: sliderRef.current,
        status: statusRef.current,
      },
      {
        summary,
        height,
        fetch: async (offset, length) => {
          const r = await call((api) => api.readBytes(id, offset, length));
          return r.ok ? r.value.hex : null;
        },
        onFirstPaint: () => firstPaintRef.current?.(),
      },
    );
    engineRef.current = engine;
    engine.setOffsetFormat(getSettings().offsetFormat);
    let theme = getSettings().theme;
    const offSettings = subscribeSettings(() => {
      const now = getSettings();
      engine.setOffsetFormat(now.offsetFormat);
      if (now.theme !== theme) {
        theme = now.theme;
        engine.refreshStyle();
      }
    });
    // 'fill': the grid takes the height its container leaves (the byte pane fills the window)
    let observer: ResizeObserver | null = null;
    const wrap = wrapRef.current;
    if (fill && wrap && typeof ResizeObserver === 'function') {
      const fit = () => {
        const body = wrap.querySelector('.byte-grid-body') as HTMLElement | null;
        const box = wrap.parentElement;
        if (!body || !box) return;
        const used = body.getBoundingClientRect().top - box.getBoundingClientRect().top;
        const slider = wrap.querySelector('.file-slider') as HTMLElement | null;
        engine.setHeight(box.clientHeight - used - (slider?.offsetHeight ?? 0) - 8);
      };
      observer = new ResizeObserver(fit);
      if (wrap.parentElement) observer.observe(wrap.parentElement);
      fit();
    }
    return () => {
      offSettings();
      observer?.disconnect();
      engine.dispose();
      engineRef.current = null;
    };
    // The parents key the grid by array id; a new summary object for the same array changes nothing drawn.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id, height, fill]);

  useLayoutEffect(() => {
    const selection =
      anchor !== null && cursor !== null ? { from: Math.min(anchor, cursor), to: Math.max(anchor, cursor) + 1 } : null;
    engineRef.current?.setMarks(cursor, highlights, selection);
  }, [cursor, anchor, highlights, id, height]);

  useEffect(() => {
    const up = () => {
      dragRef.current = null;
    };
    window.addEventListener('mouseup', up);
    return () => window.removeEventListener('mouseup', up);
  }, []);

  useLayoutEffect(() => {
    if (reveal) engineRef.current?.scrollToRow(Math.floor(reveal.offset / BYTES_PER_ROW), 'center');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [reveal?.seq, id, height]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    const cur = cursor ?? 0;
    const visibleRows = engineRef.current?.pageRows() ?? Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
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
    else if (e.key === 'End')
      next = e.ctrlKey ? size - 1 : Math.min(size - 1, cur - (cur % BYTES_PER_ROW) + BYTES_PER_ROW - 1);
    if (next === null) return;
    e.preventDefault();
    next = Math.max(0, Math.min(size - 1, next));
    if (e.shiftKey && onSelectRange) onSelectRange(anchor ?? cur, next);
    else onSelect(next);
    engineRef.current?.scrollToRow(Math.floor(next / BYTES_PER_ROW), 'auto');
  };

  const onMouseDown = (e: React.MouseEvent) => {
    if (e.button !== 0) return;
    const f = engineRef.current?.offsetAt(e.clientX, e.clientY) ?? null;
    if (f === null) return;
    if (e.shiftKey && onSelectRange && cursor !== null) onSelectRange(anchor ?? cursor, f);
    else onSelect(f);
    dragRef.current = e.shiftKey && anchor !== null ? anchor : e.shiftKey && cursor !== null ? cursor : f;
    scrollRef.current?.focus({ preventScroll: true });
  };

  const onMouseMove = (e: React.MouseEvent) => {
    const f = engineRef.current?.offsetAt(e.clientX, e.clientY) ?? null;
    if (f !== null && dragRef.current !== null && e.buttons & 1 && onSelectRange && f !== cursor)
      onSelectRange(dragRef.current, f);
    if (f === null || !describe) return setTip(null);
    const r = wrapRef.current!.getBoundingClientRect();
    setTip({ x: e.clientX - r.left + 14, y: e.clientY - r.top + 16, text: `${formatOffset(f)} · ${describe(f)}` });
  };

  return (
    <div className="byte-grid-wrap" ref={wrapRef} onMouseLeave={() => setTip(null)}>
      <canvas ref={headRef} className="byte-grid-head" aria-hidden />
      <div className="byte-grid-body">
        <div
          ref={scrollRef}
          className="byte-grid"
          style={{ height }}
          tabIndex={0}
          role="application"
          aria-roledescription="byte grid"
          aria-label={`Bytes of the file, ${size.toLocaleString()} bytes, 16 a row (arrow keys, Page Up/Down, Home/End move the cursor)`}
          aria-describedby={`${testId}-status`}
          onKeyDown={onKeyDown}
          onMouseDown={onMouseDown}
          onMouseMove={onMouseMove}
          data-testid={testId}
        >
          <div ref={spacerRef} className="byte-grid-spacer" />
        </div>
        <canvas ref={canvasRef} className="byte-grid-canvas" aria-hidden data-testid={`${testId}-canvas`} />
      </div>
      {rows > PAGE_ROWS ? (
        <input
          ref={sliderRef}
          className="file-slider"
          type="range"
          min={0}
          max={rows - 1}
          defaultValue={0}
          step={1}
          aria-label="Position in file"
          data-testid="file-slider"
        />
      ) : null}
      {tip ? (
        <div className="grid-tip" style={{ left: tip.x, top: tip.y }} role="tooltip" data-testid={`${testId}-tip`}>
          {tip.text}
        </div>
      ) : null}
      <div
        ref={statusRef}
        id={`${testId}-status`}
        className="sr-only"
        role="status"
        aria-live="polite"
        data-testid={`${testId}-status`}
      />
    </div>
  );
}
