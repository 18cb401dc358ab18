/**
 * The byte grid's engine, outside React: one <canvas> draws the visible hex + ASCII rows, a scroll container with
 * an empty spacer gives native scrolling (wheel, keyboard, scrollbar), and nothing in the DOM changes per frame.
 *
 *  - Paging: a 4 GiB file has 268 million rows, far more pixels than an element may be tall. The spacer is at most
 *    PAGE_ROWS rows tall and stands for rows [base, base + PAGE_ROWS); near its edges the page slides (base and
 *    scrollTop shift together, so scrolling is seamless); a far jump (slider, jump-to-offset) re-centres the page.
 *  - Bytes: fetched from main in aligned WINDOW-byte windows, cached (LRU, MAX_WINDOWS), the windows around the
 *    viewport prefetched ahead of it, at most MAX_IN_FLIGHT requests at a time, stale requests dropped. A frame
 *    never waits for IPC: missing bytes are drawn as placeholders ("··") and the grid repaints when they arrive.
 *  - Drawing: one pass per animation frame (requestAnimationFrame, coalesced); per row, background runs as rect
 *    fills (element parity, struct fields, header parts, highlights, cursor), then the offset, hex and ASCII as
 *    one fillText each; only specially styled cells (cursor, current step, outside, placeholders) are drawn apart.
 *  - Tests and assistive tech: the canvas is opaque, so the grid keeps a hidden live region describing the cursor
 *    byte, data-first-row / data-last-row / data-loaded on the scroll element, and a small probe object
 *    (`element.__byteGrid`) that answers what was last drawn in a cell and where a byte's cell is on screen.
 */
import type { ArraySummary } from '@contract';
import { ByteWindowCache, WINDOW, type Fetch } from './byteCache';
import { ASCII_CHARS, HEX_STRINGS, makeByteClass, readPalette, type Layout, type Palette } from './gridPaint';

export { makeByteClass } from './gridPaint';

export const BYTES_PER_ROW = 16;
export const ROW_HEIGHT = 20;
export const PAGE_ROWS = 65536;
const EDGE_ROWS = 512;
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

/** Per-byte kinds the draw loop switches on (cheap to compute for every visible byte). */
const K_OUTSIDE = 0;
const K_HEADER = 1;
const K_DATA = 2;

interface Mark {
  from: number;
  to: number;
  kind: 'element' | 'field' | 'prev' | 'current' | 'other';
  className: string;
}

export class GridEngine implements ByteGridProbe {
  readonly rows: number;
  readonly size: number;
  private readonly count: number;
  private base = 0;
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
  private parts: { offset: number; end: number; color: string; name: string }[] = [];
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
    this.count = Math.min(this.rows, PAGE_ROWS);
    this.cssHeight = opts.height;
    this.byteClass = makeByteClass(s);
    this.bytes = new ByteWindowCache(s.fileSize, opts.fetch, this.onArrive);
    this.ctx = el.canvas.getContext('2d', { alpha: false })!;
    this.setupSummary();
    this.setupStyle();
    el.spacer.style.height = `${this.count * ROW_HEIGHT}px`;
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

  private setupSummary(): void {
    const s = this.opts.summary;
    const hdrNames = ['magic', 'version', 'header_len', 'dict', 'padding'];
    this.parts = (s.header?.parts ?? [])
      .filter((p) => hdrNames.includes(p.name) && p.length > 0)
      .map((p) => ({ offset: p.offset, end: p.offset + p.length, color: '', name: p.name }));
    const fields = s.dtype.fields;
    if (fields && s.dtype.itemsize > 0 && s.dtype.itemsize <= 1 << 20) {
      const map = new Int16Array(s.dtype.itemsize).fill(-1);
      fields.forEach((fl, i) => {
        for (let b = fl.offset; b < fl.offset + fl.size && b < map.length; b++) if (map[b] < 0) map[b] = i;
      });
      this.fieldOf = map;
    }
  }

  private setupStyle(): void {
    this.palette = readPalette(this.el.scroller);
    for (const p of this.parts) p.color = this.palette.hdr[p.name] ?? this.palette.elA;
    const family = getComputedStyle(this.el.scroller).fontFamily || 'monospace';
    this.font = `${FONT_PX}px ${family}`;
    this.boldFont = `700 ${FONT_PX}px ${family}`;
    this.ctx.font = this.font;
    const ch = this.ctx.measureText('0000000000').width / 10;
    const offX = 6;
    const hexX = offX + 11 * ch + 2;
    const cellW = 3 * ch;
    const sepX = hexX + 16 * cellW + 8;
    const asciiX = sepX + 9;
    const width = Math.ceil(asciiX + 16 * ch + 10);
    this.layout = { ch, offX, hexX, cellW, sepX, asciiX, width };
    // padding bytes of a struct: a hatch, as the DOM grid's repeating gradient
    const tile = document.createElement('canvas');
    tile.width = tile.height = 6;
    const t = tile.getContext('2d')!;
    t.strokeStyle = this.palette.border;
    t.lineWidth = 1;
    t.beginPath();
    t.moveTo(0, 6);
    t.lineTo(6, 0);
    t.stroke();
    this.padPattern = this.ctx.createPattern(tile, 'repeat');
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
    const g = this.el.head.getContext('2d')!;
    const { hexX, asciiX, offX, sepX, ch } = this.layout;
    const p = this.palette;
    g.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    g.fillStyle = p.headBg;
    g.fillRect(0, 0, this.layout.width, ROW_HEIGHT);
    g.font = this.font;
    g.textBaseline = 'middle';
    g.fillStyle = p.muted;
    const y = ROW_HEIGHT / 2 + 0.5;
    g.fillText(this.offsetFormat === 'hex' ? 'offset 0x' : 'offset', offX, y);
    let s = '';
    for (let i = 0; i < BYTES_PER_ROW; i++) s += HEX_STRINGS[i] + ' ';
    g.fillText(s, hexX + ch / 2, y);
    g.fillText('ASCII', asciiX, y);
    g.fillStyle = p.border;
    g.fillRect(sepX, 0, 1, ROW_HEIGHT);
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
      kind:
        h.className === 'hl-element'
          ? 'element'
          : h.className === 'hl-field'
            ? 'field'
            : h.className === 'hl-prev'
              ? 'prev'
              : h.className === 'hl-current'
                ? 'current'
                : 'other',
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
    return this.base * ROW_HEIGHT + this.el.scroller.scrollTop;
  }

  private visibleRows(): number {
    return Math.ceil(this.cssHeight / ROW_HEIGHT);
  }

  private readonly onScroll = () => {
    const el = this.el.scroller;
    if (this.rows > this.count) {
      const top = el.scrollTop;
      const visible = this.visibleRows();
      if (top < EDGE_ROWS * ROW_HEIGHT && this.base > 0) {
        const shift = Math.min(this.base, this.count / 2);
        this.base -= shift;
        el.scrollTop = top + shift * ROW_HEIGHT;
      } else if (top > (this.count - visible - EDGE_ROWS) * ROW_HEIGHT && this.base + this.count < this.rows) {
        const shift = Math.min(this.rows - this.count - this.base, this.count / 2);
        this.base += shift;
        el.scrollTop = top - shift * ROW_HEIGHT;
      }
    }
    this.requestDraw();
  };

  private readonly onSlider = () => {
    const slider = this.el.slider;
    if (slider) this.scrollToRow(Number(slider.value), 'start');
  };

  /** Bring `row` on screen: 'center' it, put it at the top ('start'), or scroll just enough ('auto'). */
  scrollToRow(row: number, align: 'center' | 'start' | 'auto' = 'center'): void {
    const r = Math.max(0, Math.min(this.rows - 1, Math.floor(row)));
    const el = this.el.scroller;
    const h = this.cssHeight;
    let targetTop: number; // virtual px
    const cur = this.virtualTop();
    if (align === 'auto') {
      const y = r * ROW_HEIGHT;
      if (y < cur) targetTop = y;
      else if (y + ROW_HEIGHT > cur + h) targetTop = y + ROW_HEIGHT - h;
      else return;
    } else if (align === 'start') targetTop = r * ROW_HEIGHT;
    else targetTop = r * ROW_HEIGHT - (h - ROW_HEIGHT) / 2;
    const maxTop = Math.max(0, this.rows * ROW_HEIGHT - h);
    targetTop = Math.max(0, Math.min(maxTop, Math.round(targetTop)));
    const targetRow = Math.floor(targetTop / ROW_HEIGHT);
    if (this.rows > this.count) {
      const visible = this.visibleRows();
      const local = targetRow - this.base;
      if (local < EDGE_ROWS || local > this.count - visible - EDGE_ROWS) {
        this.base = Math.max(0, Math.min(this.rows - this.count, targetRow - Math.floor(this.count / 2)));
      }
    }
    el.scrollTop = targetTop - this.base * ROW_HEIGHT;
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
    const { hexX, cellW, asciiX, sepX, offX, ch, width } = this.layout;
    const s = this.opts.summary;
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

    const size = this.size;
    const dataStart = s.dataOffset;
    const dataEnd = s.dataOffset + s.nbytes;
    const itemsize = s.dtype.itemsize;
    const fieldOf = this.fieldOf;
    const fields = s.dtype.fields;
    const parts = this.parts;
    const cursor = this.cursor;
    const marks = this.marks;
    const drawn = new Map<number, string>();
    let allLoaded = true;

    const kinds = new Uint8Array(BYTES_PER_ROW);
    const bgs: (string | CanvasPattern | null)[] = new Array(BYTES_PER_ROW);
    const special: number[] = [];

    for (let k = 0; k < n; k++) {
      const row = firstRow + k;
      const y = y0 + k * ROW_HEIGHT;
      const start = row * BYTES_PER_ROW;
      const cells = Math.min(BYTES_PER_ROW, size - start);
      const w = Math.floor(start / WINDOW);
      const win = this.bytes.window(w);
      const winOff = start - w * WINDOW;
      special.length = 0;

      // 1. what each byte is, and its background
      let elementStarts = 0; // bitmask of cells where an element (or field) begins
      for (let i = 0; i < cells; i++) {
        const f = start + i;
        let bg: string | CanvasPattern | null = null;
        let kind = K_DATA;
        if (f < dataStart || f >= dataEnd || itemsize === 0) {
          kind = K_OUTSIDE;
          for (const part of parts) {
            if (f >= part.offset && f < part.end) {
              kind = K_HEADER;
              bg = part.color;
              break;
            }
          }
        } else {
          const rel = f - dataStart;
          const e = Math.floor(rel / itemsize);
          const b = rel - e * itemsize;
          if (b === 0) elementStarts |= 1 << i;
          if (fields) {
            const fi = fieldOf ? fieldOf[b] : fields.findIndex((fl) => b >= fl.offset && b < fl.offset + fl.size);
            if (fi >= 0) {
              bg = p.fields[fi % 8];
              if (fields[fi].offset === b && b !== 0) elementStarts |= 1 << (i + 16);
            } else bg = this.padPattern;
          } else bg = e % 2 ? p.elB : p.elA;
        }
        kinds[i] = kind;
        bgs[i] = bg;
      }
      // highlights and the cursor paint over
      for (const m of marks) {
        if (m.to <= start || m.from >= start + cells) continue;
        if (m.kind === 'prev' || m.kind === 'current') {
          const color = m.kind === 'prev' ? p.prev : p.current;
          for (let i = Math.max(m.from, start) - start; i < Math.min(m.to, start + cells) - start; i++) {
            bgs[i] = color;
            if (m.kind === 'current') special.push(i);
          }
        }
      }
      const sel = this.selection;
      if (sel && sel.to > start && sel.from < start + cells) {
        for (let i = Math.max(sel.from, start) - start; i < Math.min(sel.to, start + cells) - start; i++)
          bgs[i] = p.selection;
      }
      const cur = cursor !== null && cursor >= start && cursor < start + cells ? cursor - start : -1;
      if (cur >= 0) {
        bgs[cur] = p.cursor;
        special.push(cur);
      }

      // 2. background runs: one rect per run of equal colour, in both the hex and the ASCII columns
      let i = 0;
      while (i < cells) {
        const bg = bgs[i];
        let j = i + 1;
        while (j < cells && bgs[j] === bg) j++;
        if (bg !== null) {
          ctx.fillStyle = bg;
          ctx.fillRect(hexX + i * cellW, y, (j - i) * cellW, ROW_HEIGHT);
          ctx.fillRect(asciiX + i * ch, y, (j - i) * ch, ROW_HEIGHT);
        }
        i = j;
      }
      // element starts: a 2 px bar on the cell's left edge (struct field starts: 1 px)
      if (elementStarts) {
        ctx.fillStyle = p.accent;
        for (let c = 0; c < cells; c++) {
          if (elementStarts & (1 << c)) ctx.fillRect(hexX + c * cellW, y, 2, ROW_HEIGHT);
          else if (elementStarts & (1 << (c + 16))) ctx.fillRect(hexX + c * cellW, y + 3, 1, ROW_HEIGHT - 6);
        }
      }
      // the selected element: an outline around its run of cells; its field: underlined
      for (const m of marks) {
        if (m.to <= start || m.from >= start + cells) continue;
        const a = Math.max(m.from, start) - start;
        const b = Math.min(m.to, start + cells) - start;
        if (m.kind === 'element') {
          ctx.strokeStyle = p.accent;
          ctx.lineWidth = 1;
          ctx.strokeRect(hexX + a * cellW + 0.5, y + 0.5, (b - a) * cellW - 1, ROW_HEIGHT - 1);
          ctx.strokeRect(asciiX + a * ch + 0.5, y + 0.5, (b - a) * ch - 1, ROW_HEIGHT - 1);
        } else if (m.kind === 'field') {
          ctx.fillStyle = p.fg;
          ctx.fillRect(hexX + a * cellW + ch / 2, y + ROW_HEIGHT - 4, (b - a) * cellW - ch, 1);
          ctx.fillRect(asciiX + a * ch, y + ROW_HEIGHT - 4, (b - a) * ch, 1);
        }
      }

      // 3. text: one fillText per column; cells styled apart are blanked here and drawn after
      let hexText = '';
      let asciiText = '';
      let shown = '';
      let outsideCells = 0;
      for (let c = 0; c < cells; c++) {
        const byte = win && winOff + c < win.length ? win[winOff + c] : -1;
        if (byte < 0) {
          allLoaded = false;
          shown += '·· ';
          hexText += '   ';
          asciiText += ' ';
          outsideCells |= 1 << c;
          continue;
        }
        const hx = HEX_STRINGS[byte];
        shown += hx + ' ';
        if (kinds[c] === K_OUTSIDE || special.includes(c)) {
          hexText += '   ';
          asciiText += ' ';
          if (kinds[c] === K_OUTSIDE) outsideCells |= 1 << c;
        } else {
          hexText += hx + ' ';
          asciiText += ASCII_CHARS[byte];
        }
      }
      drawn.set(row, shown);
      const ty = y + ROW_HEIGHT / 2 + 0.5;
      ctx.font = this.font;
      ctx.fillStyle = p.muted;
      ctx.fillText(
        this.offsetFormat === 'hex' ? start.toString(16).padStart(10, '0') : String(start).padStart(10, ' '),
        offX,
        ty,
      );
      ctx.fillStyle = p.fg;
      ctx.fillText(hexText, hexX + ch / 2, ty);
      ctx.fillText(asciiText, asciiX, ty);
      if (outsideCells) {
        // bytes no element reaches, and placeholders while a window loads: muted
        ctx.fillStyle = p.muted;
        let o = '';
        let oa = '';
        for (let c = 0; c < cells; c++) {
          if (outsideCells & (1 << c) && !special.includes(c)) {
            const byte = win && winOff + c < win.length ? win[winOff + c] : -1;
            o += byte < 0 ? '·· ' : HEX_STRINGS[byte] + ' ';
            oa += byte < 0 ? ' ' : ASCII_CHARS[byte];
          } else {
            o += '   ';
            oa += ' ';
          }
        }
        ctx.fillText(o, hexX + ch / 2, ty);
        ctx.fillText(oa, asciiX, ty);
      }
      for (const c of special) {
        const byte = win && winOff + c < win.length ? win[winOff + c] : -1;
        const isCursor = c === cur;
        ctx.font = isCursor ? this.font : this.boldFont;
        ctx.fillStyle = isCursor ? p.cursorFg : '#000';
        ctx.fillText(byte < 0 ? '··' : HEX_STRINGS[byte], hexX + c * cellW + ch / 2, ty);
        if (byte >= 0) ctx.fillText(ASCII_CHARS[byte], asciiX + c * ch, ty);
      }
    }
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
