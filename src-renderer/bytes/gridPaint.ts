/**
 * What the byte grid paints with: the hex and ASCII spelling of each byte, the colour class of each byte (header
 * part, element parity, struct field, padding), the colours read from the page's CSS variables (styles.css, so
 * the canvas follows the theme), and the column layout measured from the monospace font.
 */
import type { ArraySummary } from '@contract';

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
