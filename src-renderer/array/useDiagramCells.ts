/**
 * The cells of the array diagram's window: the blocks NumPy would print (gridWindow.planGrid), fetched from main
 * in one `walkMany` round trip, each cell with its index, its step in logical C order, its file offset and its
 * value as NumPy prints it.
 */
import { useLayoutEffect, useState } from 'react';
import { flushSync } from 'react-dom';
import type { ApiError, ArraySummary } from '@contract';
import { call } from '../app/api';
import { cOrderPosition, gridBlocks, type GridPlan } from './gridWindow';

export interface DiagramCell {
  index: number[];
  /** position in logical C order: the walk's step number */
  n: number;
  fileOffset: number;
  text: string;
}

export function useDiagramCells(
  s: ArraySummary,
  expression: string,
  shape: number[],
  plan: GridPlan,
): { cells: DiagramCell[] | null; error: ApiError | null } {
  const [state, setState] = useState<{ cells: DiagramCell[] | null; error: ApiError | null }>({
    cells: null,
    error: null,
  });
  // asked in a layout effect: the request leaves before the browser lays out and paints the new pane, so the
  // round trip overlaps that work instead of following it (a passive effect runs only after the paint)
  useLayoutEffect(() => {
    let live = true;
    const blocks = gridBlocks(expression, shape, plan);
    // every block in one round trip (the marks let a profile split the first paint: bench/uiProfile.ts)
    performance.mark('diagram:cells-asked');
    void call((api) =>
      api.walkMany(
        s.id,
        blocks.map((b) => ({ expression: b.expression, start: 0, count: b.count })),
      ),
    ).then((r) => {
      performance.mark('diagram:cells-arrived');
      if (!live) return;
      if (!r.ok) return setState({ cells: null, error: r.error });
      const out: DiagramCell[] = [];
      r.value.forEach((win, i) => {
        const b = blocks[i];
        for (const st of win.steps) {
          const index = [...plan.fixed, ...st.index.map((x, k) => x + b.origin[k])];
          out.push({ index, n: cOrderPosition(shape, index), fileOffset: st.fileOffset, text: st.text });
        }
      });
      // rendered at once, not in a later scheduler task (which a busy frame can hold back)
      flushSync(() => setState({ cells: out, error: null }));
    });
    return () => {
      live = false;
    };
  }, [s.id, expression, plan]); // eslint-disable-line react-hooks/exhaustive-deps
  return state;
}
