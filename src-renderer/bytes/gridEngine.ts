/**
 * The byte grid's engine, outside React: one <canvas> draws the visible hex + ASCII rows, a scroll container with
 * an empty spacer gives native scrolling (wheel, keyboard, scrollbar), and nothing in the DOM changes per frame.
 * It ties three parts together:
 *  - paging (gridPaging.ts): a spacer of at most PAGE_ROWS rows standing for a slice of a file of any size;
 *  - bytes (byteCache.ts): aligned windows fetched from main, cached, prefetched in the scroll direction; a frame
 *    never waits for IPC (missing bytes are drawn as placeholders "··", and the grid repaints when they arrive);
 *  - painting (gridPaint.ts): one pass per animation frame (requestAnimationFrame, coalesced).
 * Tests and assistive tech: the canvas is opaque, so the grid keeps a hidden live region describing the cursor
 * byte, data-first-row / data-last-row / data-loaded on the scroll element, and a small probe object
 * (`element.__byteGrid`) that answers what was last drawn in a cell and where a byte's cell is on screen.
 */
import type { ArraySummary } from '@contract';
import { ByteWindowCache, WINDOW, type Fetch } from './byteCache';
import { RowPaging, ROW_HEIGHT, type RowAlign } from './gridPaging';
import {
  BYTES_PER_ROW,
  fieldMap,
  hatchPattern,
  headerParts,
  HEX_STRINGS,
  makeByteClass,
  markKind,
  measureLayout,
  paintHead,
  paintRows,
  readPalette,
  type HeaderPart,
  type Layout,
  type Mark,
  type Palette,
} from './gridPaint';

export { makeByteClass, BYTES_PER_ROW } from './gridPaint';
export { ROW_HEIGHT, PAGE_ROWS } from './gridPaging';

const FONT_PX = 13;

export interface Highlight {
  from: number;
  to: number; // exclusive
  className: string;
}

export interface GridElements {
  scroller: HTMLDivElement;
  spacer: HTMLDivElement;
  canvas: HTMLCanvasElement;
  head: HTMLCanvasElement;
  slider: HTMLInputElement | null;
  status: HTMLElement | null;
}

export interface GridOptions {
  summary: ArraySummary;
  height: number;
  fetch: Fetch;
  onFirstPaint?: () => void;
}

/** What tests (and the bench) may ask the grid: the probe on `scroller.__byteGrid`. */
export interface ByteGridProbe {
  /** Text drawn in the byte's hex cell by the last paint ('··' while loading), null when not on screen. */
  cellText(offset: number): string | null;
  /** Centre of the byte's hex (or ASCII) cell in client coordinates, null when not on screen. */
  cellCenter(offset: number, area?: 'hex' | 'ascii'): { x: number; y: number } | null;
  /** The colour classes of a byte as the DOM grid named them: 'el-a el-start', 'hl-current', 'cursor', ... */
  classesAt(offset: number): string[];
  firstRow(): number;
  lastRow(): number;
  /** every visible byte drawn from real data */
  loaded(): boolean;
  /** Main-thread milliseconds of the last draws (up to 1024), oldest first; `reset` empties the record. */
  drawTimes(reset?: boolean): number[];
  rows: number;
}

export class GridEngine implements ByteGridProbe {
  readonly rows: number;
  readonly size: number;
  private readonly paging: RowPaging;
  private readonly bytes: ByteWindowCache;
  private raf = 0;
  private disposed = false;
  private painted = false;
  private layout!: Layout;
  private palette!: Palette;
  private ctx: CanvasRenderingContext2D;
  private dpr = 1;
  private cssHeight: number;
  private font = '';
  private boldFont = '';
  private padPattern: CanvasPattern | null = null;
  private cursor: number | null = null;
  private selection: { from: number; to: number } | null = null;
  private offsetFormat: 'hex' | 'dec' = 'hex';
  private marks: Mark[] = [];
  private drawn = new Map<number, string>();
  private first = 0;
  private last = 0;
  private allLoaded = false;
  private attrs = { first: -1, last: -1, loaded: '' };
  private statusText = '';
  private parts: HeaderPart[] = [];
  private fieldOf: Int16Array | null = null;
  private lastDir = 1;
  private lastFirstRow = 0;
  private times: number[] = [];
  private readonly byteClass: (offset: number) => string;
  private media: MediaQueryList | null = null;
  private readonly onTheme = () => {
    this.setupStyle();
    this.drawHead();
    this.requestDraw();
  };

  constructor(
    private readonly el: GridElements,
    private readonly opts: GridOptions,
  ) {
    const s = opts.summary;
    this.size = s.fileSize;
    this.rows = Math.max(1, Math.ceil(s.fileSize / BYTES_PER_ROW));
    this.paging = new RowPaging(this.rows);
    this.cssHeight = opts.height;
    this.byteClass = makeByteClass(s);
    this.bytes = new ByteWindowCache(s.fileSize, opts.fetch, this.onArrive);
    this.ctx = el.canvas.getContext('2d', { alpha: false })!;
    this.parts = headerParts(s);
    this.fieldOf = fieldMap(s);
    this.setupStyle();
    el.spacer.style.height = `${this.paging.spacerHeight()}px`;
    el.scroller.style.height = `${opts.height}px`;
    this.sizeCanvases();
    this.drawHead();
    el.scroller.addEventListener('scroll', this.onScroll, { passive: true });
    if (el.slider) el.slider.addEventListener('input', this.onSlider);
    this.media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
    this.media?.addEventListener('change', this.onTheme);
    (el.scroller as unknown as { __byteGrid: ByteGridProbe }).__byteGrid = this;
    el.scroller.dataset.rows = String(this.rows);
    this.requestDraw();
  }

  dispose(): void {
    this.disposed = true;
    this.bytes.dispose();
    cancelAnimationFrame(this.raf);
    this.el.scroller.removeEventListener('scroll', this.onScroll);
    this.el.slider?.removeEventListener('input', this.onSlider);
    this.media?.removeEventListener('change', this.onTheme);
    delete (this.el.scroller as unknown as { __byteGrid?: ByteGridProbe }).__byteGrid;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Setup

  private setupStyle(): void {
    this.palette = readPalette(this.el.scroller);
    for (const p of this.parts) p.color = this.palette.hdr[p.name] ?? this.palette.elA;
    const family = getComputedStyle(this.el.scroller).fontFamily || 'monospace';
    this.font = `${FONT_PX}px ${family}`;
    this.boldFont = `700 ${FONT_PX}px ${family}`;
    this.ctx.font = this.font;
    this.layout = measureLayout(this.ctx);
    this.padPattern = hatchPattern(this.ctx, this.palette.border);
  }

  private sizeCanvases(): void {
    const { scroller, canvas, head } = this.el;
    this.dpr = window.devicePixelRatio || 1;
    const w = this.layout.width;
    // the scroll element is as wide as the canvas plus its own scrollbar
    scroller.style.width = `${w}px`;
    const scrollbar = scroller.offsetWidth - scroller.clientWidth;
    scroller.style.width = `${w + scrollbar}px`;
    for (const [c, h] of [
      [canvas, this.cssHeight],
      [head, ROW_HEIGHT],
    ] as const) {
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
      c.width = Math.round(w * this.dpr);
      c.height = Math.round(h * this.dpr);
    }
    head.style.paddingRight = `${scrollbar}px`;
    this.ctx = canvas.getContext('2d', { alpha: false })!;
  }

  private drawHead(): void {
    paintHead(this.el.head.getContext('2d')!, this.layout, this.palette, this.font, this.offsetFormat, this.dpr);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Inputs from React

  /** The cursor, the highlights, and the selected range [from, to) (painted under the cursor, over the rest). */
  setMarks(
    cursor: number | null,
    highlights: Highlight[],
    selection: { from: number; to: number } | null = null,
  ): void {
    this.cursor = cursor;
    this.selection = selection && selection.to - selection.from > 1 ? selection : null;
    this.marks = highlights.map((h) => ({
      from: h.from,
      to: h.to,
      className: h.className,
      kind: markKind(h.className),
    }));
    this.requestDraw();
  }

  /** Re-read the colours (the theme setting changed; the OS's light/dark switch is followed by itself). */
  refreshStyle(): void {
    this.onTheme();
  }

  /** Offsets in the left column as hex (10 digits) or decimal (10 digits covers 9.3 GB). */
  setOffsetFormat(format: 'hex' | 'dec'): void {
    if (format === this.offsetFormat) return;
    this.offsetFormat = format;
    this.drawHead();
    this.requestDraw();
  }

  /** The grid follows its container's height (the pane fills the window). */
  setHeight(height: number): void {
    const h = Math.max(ROW_HEIGHT * 3, Math.floor(height));
    if (h === this.cssHeight) return;
    this.cssHeight = h;
    this.el.scroller.style.height = `${h}px`;
    this.sizeCanvases();
    this.drawHead();
    this.requestDraw();
  }

  /** Rows that fit on screen (Page Up / Down). */
  pageRows(): number {
    return Math.max(1, Math.floor(this.cssHeight / ROW_HEIGHT) - 1);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Scrolling

  /** The virtual pixel position of the viewport's top edge. */
  private virtualTop(): number {
    return this.paging.virtualTop(this.el.scroller.scrollTop);
  }

  private readonly onScroll = () => {
    const el = this.el.scroller;
    const slid = this.paging.slide(el.scrollTop, this.cssHeight);
    if (slid !== null) el.scrollTop = slid;
    this.requestDraw();
  };

  private readonly onSlider = () => {
    const slider = this.el.slider;
    if (slider) this.scrollToRow(Number(slider.value), 'start');
  };

  /** Bring `row` on screen: 'center' it, put it at the top ('start'), or scroll just enough ('auto'). */
  scrollToRow(row: number, align: RowAlign = 'center'): void {
    const el = this.el.scroller;
    const top = this.paging.scrollTopFor(row, align, el.scrollTop, this.cssHeight);
    if (top === null) return;
    el.scrollTop = top;
    this.requestDraw();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Bytes

  private byteAt(f: number): number | undefined {
    return this.bytes.byteAt(f);
  }

  /** A window arrived: repaint when it is on screen. */
  private readonly onArrive = (w: number) => {
    const firstW = Math.floor((this.first * BYTES_PER_ROW) / WINDOW);
    const lastW = Math.floor((this.last * BYTES_PER_ROW + BYTES_PER_ROW - 1) / WINDOW);
    if (w >= firstW && w <= lastW) this.requestDraw();
  };

  // ---------------------------------------------------------------------------------------------------------
  // Drawing

  requestDraw(): void {
    if (this.raf || this.disposed) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      if (this.disposed) return;
      const t0 = performance.now();
      this.draw();
      if (this.times.length >= 1024) this.times.shift();
      this.times.push(performance.now() - t0);
    });
  }

  private draw(): void {
    const ctx = this.ctx;
    const p = this.palette;
    const { sepX, width } = this.layout;
    const h = this.cssHeight;
    const top = this.virtualTop();
    const firstRow = Math.min(this.rows - 1, Math.floor(top / ROW_HEIGHT));
    const y0 = firstRow * ROW_HEIGHT - top;
    const n = Math.min(this.rows - firstRow, Math.ceil((h - y0) / ROW_HEIGHT));
    const lastRow = firstRow + n - 1;
    if (firstRow !== this.lastFirstRow) this.lastDir = firstRow > this.lastFirstRow ? 1 : -1;
    this.lastFirstRow = firstRow;
    this.first = firstRow;
    this.last = lastRow;
    this.bytes.want(firstRow * BYTES_PER_ROW, lastRow * BYTES_PER_ROW + BYTES_PER_ROW - 1, this.lastDir);

    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = p.bg;
    ctx.fillRect(0, 0, width, h);
    ctx.textBaseline = 'middle';
    const { drawn, allLoaded } = paintRows(
      ctx,
      {
        summary: this.opts.summary,
        layout: this.layout,
        palette: p,
        font: this.font,
        boldFont: this.boldFont,
        padPattern: this.padPattern,
        parts: this.parts,
        fieldOf: this.fieldOf,
        marks: this.marks,
        selection: this.selection,
        cursor: this.cursor,
        offsetFormat: this.offsetFormat,
        bytes: this.bytes,
      },
      firstRow,
      n,
      y0,
    );
    ctx.fillStyle = p.border;
    ctx.fillRect(sepX, 0, 1, h);

    this.drawn = drawn;
    this.allLoaded = allLoaded;
    this.publish(firstRow, lastRow, allLoaded);
    if (allLoaded && !this.painted) {
      this.painted = true;
      this.opts.onFirstPaint?.();
    }
  }

  /** Attributes, slider and live region: written only when they change (no DOM churn per frame). */
  private publish(first: number, last: number, loaded: boolean): void {
    const el = this.el.scroller;
    if (this.attrs.first !== first) {
      this.attrs.first = first;
      el.dataset.firstRow = String(first);
      if (this.el.slider && document.activeElement !== this.el.slider) this.el.slider.value = String(first);
    }
    if (this.attrs.last !== last) {
      this.attrs.last = last;
      el.dataset.lastRow = String(last);
    }
    const l = loaded ? 'true' : 'false';
    if (this.attrs.loaded !== l) {
      this.attrs.loaded = l;
      el.dataset.loaded = l;
    }
    const status = this.el.status;
    if (status) {
      let text = 'no byte selected';
      if (this.cursor !== null) {
        const b = this.byteAt(this.cursor);
        const cls = this.byteClass(this.cursor);
        text = `cursor at byte ${this.cursor} (0x${this.cursor.toString(16)}) = ${b === undefined ? '··' : HEX_STRINGS[b]}${
          b !== undefined && b >= 0x20 && b < 0x7f ? ` '${String.fromCharCode(b)}'` : ''
        }; ${cls.startsWith('hdr-') ? `header ${cls.slice(4)}` : cls === 'outside' ? 'outside every element' : 'array data'}`;
      }
      if (text !== this.statusText) {
        this.statusText = text;
        status.textContent = text;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Hit testing and the probe

  /** The byte under a client point, or null (outside the cells, past the end of the file). */
  offsetAt(clientX: number, clientY: number): number | null {
    const r = this.el.canvas.getBoundingClientRect();
    const x = clientX - r.left;
    const y = clientY - r.top;
    if (y < 0 || y >= this.cssHeight || x < 0 || x >= this.layout.width) return null;
    const row = Math.floor((this.virtualTop() + y) / ROW_HEIGHT);
    const { hexX, cellW, asciiX, ch } = this.layout;
    let col = -1;
    if (x >= hexX && x < hexX + 16 * cellW) col = Math.floor((x - hexX) / cellW);
    else if (x >= asciiX && x < asciiX + 16 * ch) col = Math.floor((x - asciiX) / ch);
    if (col < 0) return null;
    const f = row * BYTES_PER_ROW + col;
    return f < this.size ? f : null;
  }

  cellText(offset: number): string | null {
    const row = Math.floor(offset / BYTES_PER_ROW);
    const s = this.drawn.get(row);
    if (s === undefined) return null;
    const c = offset - row * BYTES_PER_ROW;
    return c * 3 + 2 <= s.length ? s.slice(c * 3, c * 3 + 2) : null;
  }

  cellCenter(offset: number, area: 'hex' | 'ascii' = 'hex'): { x: number; y: number } | null {
    const row = Math.floor(offset / BYTES_PER_ROW);
    if (row < this.first || row > this.last || offset >= this.size || offset < 0) return null;
    const r = this.el.canvas.getBoundingClientRect();
    const y = row * ROW_HEIGHT - this.virtualTop() + ROW_HEIGHT / 2;
    if (y < 0 || y > this.cssHeight) return null;
    const c = offset - row * BYTES_PER_ROW;
    const { hexX, cellW, asciiX, ch } = this.layout;
    const x = area === 'hex' ? hexX + c * cellW + cellW / 2 : asciiX + c * ch + ch / 2;
    return { x: r.left + x, y: r.top + y };
  }

  classesAt(offset: number): string[] {
    const out = this.byteClass(offset).split(' ');
    for (const m of this.marks) if (offset >= m.from && offset < m.to) out.push(m.className);
    if (this.selection && offset >= this.selection.from && offset < this.selection.to) out.push('selected');
    if (offset === this.cursor) out.push('cursor');
    return out;
  }

  firstRow(): number {
    return this.first;
  }

  lastRow(): number {
    return this.last;
  }

  loaded(): boolean {
    return this.allLoaded;
  }

  drawTimes(reset = false): number[] {
    const out = [...this.times];
    if (reset) this.times = [];
    return out;
  }
}
