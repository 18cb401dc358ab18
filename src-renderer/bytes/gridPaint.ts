/**
 * The byte grid's painting: the hex and ASCII spelling of each byte, the colour class of each byte (header part,
 * element parity, struct field, padding), the colours read from the page's CSS variables (styles.css, so the
 * canvas follows the theme), the column layout measured from the monospace font, and `paintRows`, which draws the
 * visible rows of one frame: per row, background runs as rect fills (element parity, struct fields, header parts,
 * highlights, selection, cursor), then the offset, hex and ASCII as one fillText each; only specially styled
 * cells (cursor, the walk's current step, bytes C read, outside bytes, placeholders) are drawn apart.
 */
import type { ArraySummary } from '@contract';
import { WINDOW, type ByteWindowCache } from './byteCache';
import { ROW_HEIGHT } from './gridPaging';

export const BYTES_PER_ROW = 16;

function hex2(b: number): string {
  return b < 16 ? '0' + b.toString(16) : b.toString(16);
}

export const HEX_STRINGS = Array.from({ length: 256 }, (_, b) => hex2(b));
export const ASCII_CHARS = Array.from({ length: 256 }, (_, b) =>
  b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.',
);

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
      cls += i >= 0 ? ` field-${i % 8}` : ' pad';
      if (i >= 0 && fields[i].offset === b) cls += ' field-start';
    }
    return cls;
  };
}

export interface Palette {
  bg: string;
  fg: string;
  muted: string;
  border: string;
  accent: string;
  elA: string;
  elB: string;
  hdr: Record<string, string>;
  fields: string[];
  cursor: string;
  cursorFg: string;
  selection: string;
  current: string;
  prev: string;
  read: string;
  headBg: string;
}

export function readPalette(el: Element): Palette {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--bg', '#ffffff'),
    fg: v('--fg', '#1d1f23'),
    muted: v('--muted', '#6a6f78'),
    border: v('--border', '#d5d8de'),
    accent: v('--accent', '#2f6fdb'),
    elA: v('--el-a', '#e6f0ff'),
    elB: v('--el-b', '#fff3dc'),
    hdr: {
      magic: v('--hdr-magic', '#f6d5e6'),
      version: v('--hdr-version', '#e5d9f7'),
      header_len: v('--hdr-len', '#d9ecf7'),
      dict: v('--hdr-dict', '#dff3df'),
      padding: v('--hdr-pad', '#ececec'),
    },
    fields: [0, 1, 2, 3, 4, 5, 6, 7].map((i) => v(`--field-${i}`, '#dddddd')),
    cursor: v('--cursor', '#0072b2'),
    cursorFg: v('--cursor-fg', '#ffffff'),
    selection: v('--selection', '#9fd0ee'),
    current: v('--current', '#ff9f1c'),
    prev: v('--prev', '#ffd9a3'),
    read: v('--read', '#cc79a7'),
    headBg: v('--bg2', '#f4f5f7'),
  };
}

export interface Layout {
  ch: number;
  offX: number;
  hexX: number;
  cellW: number;
  sepX: number;
  asciiX: number;
  width: number;
}

/** The column layout from the font's character width. */
export function measureLayout(ctx: CanvasRenderingContext2D): Layout {
  const ch = ctx.measureText('0000000000').width / 10;
  const offX = 6;
  const hexX = offX + 11 * ch + 2;
  const cellW = 3 * ch;
  const sepX = hexX + 16 * cellW + 8;
  const asciiX = sepX + 9;
  const width = Math.ceil(asciiX + 16 * ch + 10);
  return { ch, offX, hexX, cellW, sepX, asciiX, width };
}

/** Padding bytes of a struct: a hatch (as the DOM grid's repeating gradient). */
export function hatchPattern(ctx: CanvasRenderingContext2D, color: string): CanvasPattern | null {
  const tile = document.createElement('canvas');
  tile.width = tile.height = 6;
  const t = tile.getContext('2d')!;
  t.strokeStyle = color;
  t.lineWidth = 1;
  t.beginPath();
  t.moveTo(0, 6);
  t.lineTo(6, 0);
  t.stroke();
  return ctx.createPattern(tile, 'repeat');
}

/** A part of the .npy header, with the colour it is painted in (set from the palette). */
export interface HeaderPart {
  offset: number;
  end: number;
  color: string;
  name: string;
}

export function headerParts(s: ArraySummary): HeaderPart[] {
  const names = ['magic', 'version', 'header_len', 'dict', 'padding'];
  return (s.header?.parts ?? [])
    .filter((p) => names.includes(p.name) && p.length > 0)
    .map((p) => ({ offset: p.offset, end: p.offset + p.length, color: '', name: p.name }));
}

/** The struct field index of each byte of a record (-1: padding); null when not a struct or too large. */
export function fieldMap(s: ArraySummary): Int16Array | null {
  const fields = s.dtype.fields;
  if (!fields || s.dtype.itemsize <= 0 || s.dtype.itemsize > 1 << 20) return null;
  const map = new Int16Array(s.dtype.itemsize).fill(-1);
  fields.forEach((fl, i) => {
    for (let b = fl.offset; b < fl.offset + fl.size && b < map.length; b++) if (map[b] < 0) map[b] = i;
  });
  return map;
}

/** The column heads: 'offset 0x', the 16 column numbers, 'ASCII'. */
export function paintHead(
  g: CanvasRenderingContext2D,
  layout: Layout,
  p: Palette,
  font: string,
  offsetFormat: 'hex' | 'dec',
  dpr: number,
): void {
  const { hexX, asciiX, offX, sepX, ch } = layout;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.fillStyle = p.headBg;
  g.fillRect(0, 0, layout.width, ROW_HEIGHT);
  g.font = font;
  g.textBaseline = 'middle';
  g.fillStyle = p.muted;
  const y = ROW_HEIGHT / 2 + 0.5;
  g.fillText(offsetFormat === 'hex' ? 'offset 0x' : 'offset', offX, y);
  let s = '';
  for (let i = 0; i < BYTES_PER_ROW; i++) s += HEX_STRINGS[i] + ' ';
  g.fillText(s, hexX + ch / 2, y);
  g.fillText('ASCII', asciiX, y);
  g.fillStyle = p.border;
  g.fillRect(sepX, 0, 1, ROW_HEIGHT);
}

/** A highlight as the engine keeps it: its grid kind decides how it is painted. */
export interface Mark {
  from: number;
  to: number; // exclusive
  kind: 'element' | 'field' | 'prev' | 'current' | 'read' | 'other';
  className: string;
}

const KIND_OF: Record<string, Mark['kind']> = {
  'hl-element': 'element',
  'hl-field': 'field',
  'hl-prev': 'prev',
  'hl-current': 'current',
  'hl-read': 'read',
};

export function markKind(className: string): Mark['kind'] {
  return KIND_OF[className] ?? 'other';
}

/** Everything one frame paints from: the file, the theme, the marks and the bytes loaded so far. */
export interface PaintInput {
  summary: ArraySummary;
  layout: Layout;
  palette: Palette;
  font: string;
  boldFont: string;
  padPattern: CanvasPattern | null;
  /** the .npy header's parts, coloured */
  parts: HeaderPart[];
  /** struct field index of each byte of a record (-1: padding), null when not a struct or too large */
  fieldOf: Int16Array | null;
  marks: Mark[];
  selection: { from: number; to: number } | null;
  cursor: number | null;
  offsetFormat: 'hex' | 'dec';
  bytes: ByteWindowCache;
}

/** Per-byte kinds the draw loop switches on (cheap to compute for every visible byte). */
const K_OUTSIDE = 0;
const K_HEADER = 1;
const K_DATA = 2;

/**
 * Paint rows [firstRow, firstRow + n) with the first at y0 (CSS px; the transform is set by the caller). Returns
 * the text drawn per row (the probe's cellText) and whether every byte drawn was real data.
 */
export function paintRows(
  ctx: CanvasRenderingContext2D,
  input: PaintInput,
  firstRow: number,
  n: number,
  y0: number,
): { drawn: Map<number, string>; allLoaded: boolean } {
  const { summary: s, palette: p, parts, fieldOf, cursor, marks, selection: sel } = input;
  const { hexX, cellW, asciiX, offX, ch } = input.layout;
  const size = s.fileSize;
  const dataStart = s.dataOffset;
  const dataEnd = s.dataOffset + s.nbytes;
  const itemsize = s.dtype.itemsize;
  const fields = s.dtype.fields;
  const drawn = new Map<number, string>();
  let allLoaded = true;

  const kinds = new Uint8Array(BYTES_PER_ROW);
  const bgs: (string | CanvasPattern | null)[] = new Array(BYTES_PER_ROW);
  /** cells drawn apart, bold on a strong colour: the walk's current step, bytes C read, the cursor */
  const special: number[] = [];

  for (let k = 0; k < n; k++) {
    const row = firstRow + k;
    const y = y0 + k * ROW_HEIGHT;
    const start = row * BYTES_PER_ROW;
    const cells = Math.min(BYTES_PER_ROW, size - start);
    const w = Math.floor(start / WINDOW);
    const win = input.bytes.window(w);
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
          } else bg = input.padPattern;
        } else bg = e % 2 ? p.elB : p.elA;
      }
      kinds[i] = kind;
      bgs[i] = bg;
    }
    // highlights and the cursor paint over
    for (const m of marks) {
      if (m.to <= start || m.from >= start + cells) continue;
      if (m.kind === 'prev' || m.kind === 'current' || m.kind === 'read') {
        const color = m.kind === 'prev' ? p.prev : m.kind === 'current' ? p.current : p.read;
        for (let i = Math.max(m.from, start) - start; i < Math.min(m.to, start + cells) - start; i++) {
          bgs[i] = color;
          if (m.kind !== 'prev' && !special.includes(i)) special.push(i);
        }
      }
    }
    if (sel && sel.to > start && sel.from < start + cells) {
      for (let i = Math.max(sel.from, start) - start; i < Math.min(sel.to, start + cells) - start; i++)
        bgs[i] = p.selection;
    }
    const cur = cursor !== null && cursor >= start && cursor < start + cells ? cursor - start : -1;
    if (cur >= 0) {
      bgs[cur] = p.cursor;
      if (!special.includes(cur)) special.push(cur);
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
    ctx.font = input.font;
    ctx.fillStyle = p.muted;
    ctx.fillText(
      input.offsetFormat === 'hex' ? start.toString(16).padStart(10, '0') : String(start).padStart(10, ' '),
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
      ctx.font = isCursor ? input.font : input.boldFont;
      ctx.fillStyle = isCursor ? p.cursorFg : '#000';
      ctx.fillText(byte < 0 ? '··' : HEX_STRINGS[byte], hexX + c * cellW + ch / 2, ty);
      if (byte >= 0) ctx.fillText(ASCII_CHARS[byte], asciiX + c * ch, ty);
    }
  }
  return { drawn, allLoaded };
}
