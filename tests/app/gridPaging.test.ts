/**
 * The byte grid's paging (src-renderer/bytes/gridPaging.ts): a spacer of at most PAGE_ROWS rows stands for a
 * slice of a file of any size; it slides near its edges without moving what is on screen, and a far jump lands
 * with the row where it was asked for.
 */
import { describe, expect, it } from 'vitest';
import { PAGE_ROWS, ROW_HEIGHT, RowPaging } from '../../src-renderer/bytes/gridPaging';

const VIEW = 600;

describe('RowPaging', () => {
  it('a small file is one page that never slides', () => {
    const p = new RowPaging(1000);
    expect(p.count).toBe(1000);
    expect(p.slide(900 * ROW_HEIGHT, VIEW)).toBeNull();
    expect(p.virtualTop(40)).toBe(40);
  });

  it('4 GiB (268 M rows): sliding at the edge keeps the same virtual position', () => {
    const rows = Math.ceil((4 * 1024 ** 3 + 128) / 16);
    const p = new RowPaging(rows);
    expect(p.count).toBe(PAGE_ROWS);
    const top = (PAGE_ROWS - 100) * ROW_HEIGHT;
    const before = p.virtualTop(top);
    const next = p.slide(top, VIEW);
    expect(next).not.toBeNull();
    expect(p.base).toBeGreaterThan(0);
    expect(p.virtualTop(next!)).toBe(before);
  });

  it('a far jump puts the row at the top ("start") or the centre, within the spacer', () => {
    const rows = 268_435_464;
    const p = new RowPaging(rows);
    for (const row of [0, 1234567, rows / 2, rows - 1]) {
      const st = p.scrollTopFor(row, 'start', 0, VIEW)!;
      expect(st).toBeGreaterThanOrEqual(0);
      expect(st).toBeLessThanOrEqual(p.spacerHeight());
      const top = p.virtualTop(st);
      const maxTop = rows * ROW_HEIGHT - VIEW;
      expect(top).toBe(Math.min(maxTop, row * ROW_HEIGHT));
      const c = p.scrollTopFor(row, 'center', st, VIEW)!;
      const vt = p.virtualTop(c);
      expect(row * ROW_HEIGHT).toBeGreaterThanOrEqual(vt);
      expect(row * ROW_HEIGHT + ROW_HEIGHT).toBeLessThanOrEqual(vt + VIEW);
    }
  });

  it("'auto' does nothing when the row is on screen, and scrolls just enough when it is not", () => {
    const p = new RowPaging(10_000);
    expect(p.scrollTopFor(5, 'auto', 0, VIEW)).toBeNull();
    expect(p.scrollTopFor(100, 'auto', 0, VIEW)).toBe(101 * ROW_HEIGHT - VIEW);
  });
});
