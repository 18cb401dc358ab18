/**
 * The array diagram's geometry: where the shown items of an axis sit (with NumPy's `...` gaps), how large a cell
 * is for the text it holds (long records wrap over up to three lines instead of being cut), and the fixed
 * measures of the diagram. Pure functions, no React.
 */
import type { AxisRun } from './gridWindow';

/** the width/height of a `...` gap */
export const ELL = 26;
/** room left of the grid for the labels (shape, strides, memory, row indexes) */
export const LEFT = 56;
export const BOX_H = 46;
export const STRIP_BOXES = 16;
/** room above the memory strip for the walk's jump arcs */
export const ARC_SPACE = 54;
/** monospace 12 px: width of a character */
export const CHAR_W = 7.3;
/** characters on one line of a cell; lines in a cell (a longer text is cut there, whole in the tooltip) */
export const LINE_CHARS = 26;
export const MAX_LINES = 3;
const LINE_H = 14;

/** The axis colour class (four colours, repeating). */
export const axisClass = (k: number) => `axis-${k % 4}`;

/** Positions along one axis for its shown runs: item → coordinate, and where the `...` gaps sit. */
export function layoutAxis(runs: AxisRun[], step: number): { at: Map<number, number>; gaps: number[]; length: number } {
  const at = new Map<number, number>();
  const gaps: number[] = [];
  let pos = 0;
  runs.forEach((r, i) => {
    if (i > 0) {
      gaps.push(pos);
      pos += ELL;
    }
    for (let k = r.start; k < r.stop; k++) {
      at.set(k, pos);
      pos += step;
    }
  });
  return { at, gaps, length: pos };
}

export function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/**
 * A value's text as the lines of a cell: whole when it fits one line, else broken after `, ` (a record's fields)
 * into lines of at most `width` characters, at most `maxLines` of them (the last cut with `…` when even that is
 * too little).
 */
export function wrapText(text: string, width = LINE_CHARS, maxLines = MAX_LINES): string[] {
  if (text.length <= width) return [text];
  const parts = text.split(/(?<=, )/);
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    if (line && (line + part).trimEnd().length > width) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += part;
  }
  if (line) lines.push(line.trimEnd());
  // a single part longer than a line: cut it into line-sized pieces
  const out = lines.flatMap((l) => (l.length <= width ? [l] : (l.match(new RegExp(`.{1,${width}}`, 'g')) ?? [l])));
  if (out.length <= maxLines) return out;
  const kept = out.slice(0, maxLines);
  kept[maxLines - 1] = clip(kept[maxLines - 1] + ' ' + out[maxLines], width);
  return kept;
}

export interface CellSize {
  /** the pitch: a cell and the gap after it */
  w: number;
  h: number;
  /** the gap between cells (wider in the Array pane: the memory-order line runs through it) */
  gap: number;
  lines: number;
  /** the tag row above the text: the walk's step badge, the Array pane's `@k` */
  tagH: number;
  lineH: number;
}

/** The size of every cell of the grid, from the longest text shown. */
export function cellSize(texts: readonly string[], mode: 'array' | 'walk'): CellSize {
  let chars = 1;
  let lines = 1;
  for (const t of texts) {
    const ls = wrapText(t);
    lines = Math.max(lines, ls.length);
    for (const l of ls) chars = Math.max(chars, l.length);
  }
  const gap = mode === 'array' ? 12 : 4;
  const tagH = mode === 'walk' ? 18 : 13;
  const w = Math.max(56, Math.ceil(16 + CHAR_W * chars)) + gap;
  const h = tagH + lines * LINE_H + 5 + gap;
  return { w, h, gap, lines, tagH, lineH: LINE_H };
}
