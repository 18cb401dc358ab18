/**
 * The byte grid's paging: a 4 GiB file has 268 million rows, far more pixels than an element may be tall. The
 * scroll element's spacer is at most PAGE_ROWS rows tall and stands for rows [base, base + PAGE_ROWS); near its
 * edges the page slides (base and scrollTop shift together, so scrolling is seamless); a far jump (slider,
 * jump-to-offset) re-centres the page. Pure arithmetic on scrollTop: the engine reads and writes the element.
 */

export const ROW_HEIGHT = 20;
export const PAGE_ROWS = 65536;
/** rows from the page's edge at which it slides */
const EDGE_ROWS = 512;

export type RowAlign = 'center' | 'start' | 'auto';

export class RowPaging {
  /** the first row the spacer stands for */
  base = 0;
  /** rows the spacer is tall */
  readonly count: number;

  constructor(readonly rows: number) {
    this.count = Math.min(rows, PAGE_ROWS);
  }

  spacerHeight(): number {
    return this.count * ROW_HEIGHT;
  }

  /** The virtual pixel position of the viewport's top edge. */
  virtualTop(scrollTop: number): number {
    return this.base * ROW_HEIGHT + scrollTop;
  }

  /** After a scroll: slide the page when the viewport nears its edge; the scrollTop to set then, else null. */
  slide(scrollTop: number, viewHeight: number): number | null {
    if (this.rows <= this.count) return null;
    const visible = Math.ceil(viewHeight / ROW_HEIGHT);
    if (scrollTop < EDGE_ROWS * ROW_HEIGHT && this.base > 0) {
      const shift = Math.min(this.base, this.count / 2);
      this.base -= shift;
      return scrollTop + shift * ROW_HEIGHT;
    }
    if (scrollTop > (this.count - visible - EDGE_ROWS) * ROW_HEIGHT && this.base + this.count < this.rows) {
      const shift = Math.min(this.rows - this.count - this.base, this.count / 2);
      this.base += shift;
      return scrollTop - shift * ROW_HEIGHT;
    }
    return null;
  }

  /**
   * The scrollTop that brings `row` on screen: 'center' it, put it at the top ('start'), or scroll just enough
   * ('auto', null when it is already on screen). Re-centres the page when the row is near or past its edges.
   */
  scrollTopFor(row: number, align: RowAlign, scrollTop: number, viewHeight: number): number | null {
    const r = Math.max(0, Math.min(this.rows - 1, Math.floor(row)));
    const h = viewHeight;
    let targetTop: number; // virtual px
    const cur = this.virtualTop(scrollTop);
    if (align === 'auto') {
      const y = r * ROW_HEIGHT;
      if (y < cur) targetTop = y;
      else if (y + ROW_HEIGHT > cur + h) targetTop = y + ROW_HEIGHT - h;
      else return null;
    } else if (align === 'start') targetTop = r * ROW_HEIGHT;
    else targetTop = r * ROW_HEIGHT - (h - ROW_HEIGHT) / 2;
    const maxTop = Math.max(0, this.rows * ROW_HEIGHT - h);
    targetTop = Math.max(0, Math.min(maxTop, Math.round(targetTop)));
    const targetRow = Math.floor(targetTop / ROW_HEIGHT);
    if (this.rows > this.count) {
      const visible = Math.ceil(h / ROW_HEIGHT);
      const local = targetRow - this.base;
      if (local < EDGE_ROWS || local > this.count - visible - EDGE_ROWS) {
        this.base = Math.max(0, Math.min(this.rows - this.count, targetRow - Math.floor(this.count / 2)));
      }
    }
    return targetTop - this.base * ROW_HEIGHT;
  }
}
