/**
 * Which cells of an N-d array the diagram draws, and where each lies in memory — pure arithmetic, no DOM.
 *
 * Like NumPy's printing (numpy/_core/arrayprint.py, edgeitems=3, threshold=1000) a long axis is shown as its
 * first and last items with `...` between; the last two axes are the grid's rows and columns, the axis before
 * them its stacked planes, and any axes before that are fixed by sliders. Each shown block is fetched from main
 * as one bounded walk of a sub-view expression (`(x[:, ::-1])[0:3, 997:1000]`), so a 1000×1000 array costs a few
 * dozen elements, never the array.
 */

/** One shown stretch of an axis: items [start, stop). */
export interface AxisRun {
  start: number;
  stop: number;
}

/** Axis runs: all items when few, else the first and last `edge` (a `...` gap between the two runs). */
export function axisRuns(length: number, limit: number, edge: number): AxisRun[] {
  if (length <= limit) return [{ start: 0, stop: length }];
  return [
    { start: 0, stop: edge },
    { start: length - edge, stop: length },
  ];
}

export interface GridPlan {
  /** Index of the leading axes fixed by sliders (axes before the plane axis). */
  fixed: number[];
  /** Runs of the plane axis (ndim ≥ 3), rows (ndim ≥ 2) and columns (ndim ≥ 1); [] when the axis does not exist. */
  planes: AxisRun[];
  rows: AxisRun[];
  cols: AxisRun[];
}

export const GRID_LIMITS = { cols: 12, colEdge: 4, rows: 8, rowEdge: 3, planes: 3, planeEdge: 1 };

export function planGrid(shape: readonly number[], fixed: readonly number[]): GridPlan {
  const nd = shape.length;
  const L = GRID_LIMITS;
  const lead = Math.max(0, nd - 3);
  return {
    fixed: shape.slice(0, lead).map((n, k) => Math.max(0, Math.min(n - 1, fixed[k] ?? 0))),
    planes: nd >= 3 ? axisRuns(shape[nd - 3], L.planes, L.planeEdge) : [],
    rows: nd >= 2 ? axisRuns(shape[nd - 2], L.rows, L.rowEdge) : [],
    cols: nd >= 1 ? axisRuns(shape[nd - 1], L.cols, L.colEdge) : [],
  };
}

/** One block of the grid (a plane run × row run × column run) and the sub-view expression that walks it. */
export interface GridBlock {
  /** offset of the block's first item on each shown axis (planes, rows, cols; missing axes omitted) */
  origin: number[];
  expression: string;
  count: number;
}

export function gridBlocks(expression: string, shape: readonly number[], plan: GridPlan): GridBlock[] {
  const nd = shape.length;
  if (nd === 0) return [{ origin: [], expression, count: 1 }];
  const axes: AxisRun[][] = [];
  if (nd >= 3) axes.push(plan.planes);
  if (nd >= 2) axes.push(plan.rows);
  axes.push(plan.cols);
  const out: GridBlock[] = [];
  const rec = (k: number, picked: AxisRun[]): void => {
    if (k === axes.length) {
      const sel = [...plan.fixed.map(String), ...picked.map((r) => `${r.start}:${r.stop}`)];
      const count = picked.reduce((c, r) => c * (r.stop - r.start), 1);
      if (count > 0)
        out.push({ origin: picked.map((r) => r.start), expression: `(${expression})[${sel.join(', ')}]`, count });
      return;
    }
    for (const r of axes[k]) rec(k + 1, [...picked, r]);
  };
  rec(0, []);
  return out;
}

/** Position of `index` in logical C order (the walk's step number). */
export function cOrderPosition(shape: readonly number[], index: readonly number[]): number {
  let n = 0;
  for (let k = 0; k < shape.length; k++) n = n * shape[k] + index[k];
  return n;
}

/**
 * Which axis carried between two consecutive C-order indexes: the outermost axis whose index changed (the loop
 * that advanced); -1 when they are equal.
 */
export function carriedAxis(prev: readonly number[], next: readonly number[]): number {
  for (let k = 0; k < next.length; k++) if (prev[k] !== next[k]) return k;
  return -1;
}

/**
 * The bytes an array's elements reach, relative to its first element (NumPy's `byte_bounds` minus the data
 * pointer): [low, high). Negative strides reach back before the first element.
 */
export function reach(
  shape: readonly number[],
  strides: readonly number[],
  itemsize: number,
): { low: number; high: number } {
  if (shape.some((n) => n === 0)) return { low: 0, high: 0 };
  let low = 0;
  let high = itemsize;
  shape.forEach((n, k) => {
    const span = (n - 1) * strides[k];
    if (span < 0) low += span;
    else high += span;
  });
  return { low, high };
}

/**
 * The index of the element starting at byte `offset` (from the first element) of an array whose strides do not
 * make elements overlap (files, and their views with negative strides); null when none starts there. Zero-stride
 * axes answer index 0 (every index of them is the same bytes).
 */
export function indexAtOffset(shape: readonly number[], strides: readonly number[], offset: number): number[] | null {
  // with every stride made positive, offset - low = Σ i'·|s|: solve it axis by axis, largest stride first. For
  // nested layouts (C, F, their slices) each axis has one candidate; interleaved ones (strides (3, 2)) may try a few.
  const low = shape.reduce((acc, n, k) => acc + Math.min(0, (n - 1) * strides[k]), 0);
  const order = shape
    .map((_, k) => k)
    .filter((k) => strides[k] !== 0)
    .sort((p, q) => Math.abs(strides[q]) - Math.abs(strides[p]));
  // most the axes after position t can still add
  const after = order.map((_, t) => order.slice(t + 1).reduce((a, k) => a + (shape[k] - 1) * Math.abs(strides[k]), 0));
  const index = new Array<number>(shape.length).fill(0);
  let budget = 10_000;
  const solve = (t: number, rest: number): boolean => {
    if (t === order.length) return rest === 0;
    if (--budget < 0) return false;
    const k = order[t];
    const s = Math.abs(strides[k]);
    const hi = Math.min(shape[k] - 1, Math.floor(rest / s));
    const lo = Math.max(0, Math.ceil((rest - after[t]) / s));
    for (let i = hi; i >= lo; i--) {
      if (solve(t + 1, rest - i * s)) {
        index[k] = strides[k] < 0 ? shape[k] - 1 - i : i;
        return true;
      }
    }
    return false;
  };
  return solve(0, offset - low) ? index : null;
}

/** A window of `count` element boxes of memory around `focus` (box numbers), within [0, total). */
export function stripWindow(total: number, focus: number, count: number): { first: number; count: number } {
  if (total <= count) return { first: 0, count: total };
  const first = Math.max(0, Math.min(total - count, focus - Math.floor(count / 2)));
  return { first, count };
}
