/**
 * The array diagram's cell geometry (src-renderer/array/diagramGeometry.ts): a record's text is shown whole,
 * broken after its fields' commas over up to three lines, never cut while it fits; cells are sized for the
 * longest line, with a tag row above the text (the walk's badge, the Array pane's `@k`) so the two never overlap.
 */
import { describe, expect, it } from 'vitest';
import { cellSize, LINE_CHARS, MAX_LINES, wrapText } from '../../src-renderer/array/diagramGeometry';

describe('wrapText', () => {
  it('keeps a short value on one line', () => {
    expect(wrapText('499999.5')).toEqual(['499999.5']);
    expect(wrapText("(1.5, 1, b'alpha')")).toEqual(["(1.5, 1, b'alpha')"]);
  });

  it("breaks a long record after a field's comma, and joining the lines gives the text back", () => {
    const text = '(146, -1703587797, -1215.0, 3.25, True)';
    const lines = wrapText(text);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.length).toBeLessThanOrEqual(MAX_LINES);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(LINE_CHARS);
    expect(lines.join(' ')).toBe(text);
    expect(lines[0].endsWith(',')).toBe(true);
  });

  it('cuts only what three lines cannot hold, with …', () => {
    const text = `(${Array.from({ length: 30 }, (_, i) => i * 1000).join(', ')})`;
    const lines = wrapText(text);
    expect(lines).toHaveLength(MAX_LINES);
    expect(lines[MAX_LINES - 1].endsWith('…')).toBe(true);
  });

  it('breaks a single long part (a long bytes field) into line-sized pieces', () => {
    const text = `b'${'x'.repeat(40)}'`;
    const lines = wrapText(text);
    expect(lines.join('')).toBe(text);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(LINE_CHARS);
  });
});

describe('cellSize', () => {
  it('is as wide as the longest line and as tall as the most lines, with room for the tag row', () => {
    const one = cellSize(['0', '1'], 'walk');
    const rec = cellSize(['(146, -1703587797, -1215.0, 3.25, True)'], 'walk');
    expect(rec.w).toBeGreaterThan(one.w);
    expect(rec.lines).toBeGreaterThan(1);
    expect(rec.h).toBeGreaterThan(one.h);
    // the text starts under the tag row: badge (r 7.5 at y 9) ends before the first line's top
    expect(one.tagH).toBeGreaterThanOrEqual(17);
  });

  it('leaves a wider gap in the Array pane, where the memory-order line shows between the cells', () => {
    expect(cellSize(['0'], 'array').gap).toBeGreaterThan(cellSize(['0'], 'walk').gap);
  });
});
