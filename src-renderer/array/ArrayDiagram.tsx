/**
 * The array diagram: the array (or a view of it) drawn as its N-d grid of cells, its memory as a strip of element
 * boxes under it, shape and strides as labelled boxes. Hovering or selecting a cell lights the box holding its
 * bytes, and the reverse. In the Array pane each cell carries its place in memory (`@3`) and a dotted line joins
 * the cells in memory order — row by row for C order, column by column for Fortran order. In the Walk pane each
 * cell carries its step number, and arcs over the strip show each jump, coloured by the loop (axis) that advanced.
 *
 * SVG (crisp at any zoom), exportable as SVG or PNG. Cells come from main as bounded walks (gridWindow.ts).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ApiError, ArraySummary, WalkStep } from '@contract';
import { call, tuple } from '../app/api';
import { ErrorBox } from '../app/common';
import {
  carriedAxis,
  cOrderPosition,
  gridBlocks,
  indexAtOffset,
  planGrid,
  reach,
  stripWindow,
  type AxisRun,
} from './gridWindow';
import { exportPng, exportSvg } from './diagramExport';
import './diagram.css';

export interface DiagramCell {
  index: number[];
  /** position in logical C order: the walk's step number */
  n: number;
  fileOffset: number;
  text: string;
}

const CELL_H = 32;
/** Cells grow with their text (records print long), within bounds; monospace 12 px ≈ 7.3 px a character. */
const cellWidth = (cells: DiagramCell[] | null) =>
  Math.max(60, Math.min(200, 14 + 7.3 * Math.max(0, ...(cells ?? []).map((c) => Math.min(c.text.length, 26)))));
const MAX_TEXT = 26;
const ELL = 26; // the width/height of a `...` gap
const LEFT = 56;
const BOX_H = 46;
const STRIP_BOXES = 16;
const ARC_SPACE = 54;

/** The axis colour class (four colours, repeating). */
const axisClass = (k: number) => `axis-${k % 4}`;

/** Positions along one axis for its shown runs: item → coordinate, and where the `...` gaps sit. */
function layoutAxis(runs: AxisRun[], step: number): { at: Map<number, number>; gaps: number[]; length: number } {
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

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

export interface ArrayDiagramProps {
  summary: ArraySummary;
  /** the view expression drawn ('x': the array itself) */
  expression: string;
  /** the view's shape and strides (the array's own when expression is 'x') */
  shape: number[];
  strides: number[];
  /** byte offset of the view's first element from the data start */
  offset: number;
  mode: 'array' | 'walk';
  /** the shared cursor (a file offset) */
  cursor: number | null;
  /** bytes of one element of the view (a field view's are fewer than the array's) */
  viewItemsize?: number;
  /** walk mode: the window of steps main sent and the current step */
  steps?: WalkStep[];
  pos?: number;
  /** a cell or memory box was chosen */
  onSelect?: (fileOffset: number, cell: DiagramCell | null) => void;
  testId?: string;
}

export function ArrayDiagram(p: ArrayDiagramProps) {
  const { summary: s, expression, shape, mode } = p;
  const [fixed, setFixed] = useState<number[]>([]);
  const [cells, setCells] = useState<DiagramCell[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  const [hex, setHex] = useState<{ offset: number; hex: string } | null>(null);
  const svgRef = useRef<SVGSVGElement | null>(null);
  const shapeKey = shape.join(',');

  const plan = useMemo(() => planGrid(shape, fixed), [shapeKey, fixed]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    let live = true;
    const blocks = gridBlocks(expression, shape, plan);
    // every block in one round trip
    void call((api) =>
      api.walkMany(
        s.id,
        blocks.map((b) => ({ expression: b.expression, start: 0, count: b.count })),
      ),
    ).then((r) => {
      if (!live) return;
      if (!r.ok) {
        setError(r.error);
        setCells(null);
        return;
      }
      const out: DiagramCell[] = [];
      r.value.forEach((win, i) => {
        const b = blocks[i];
        for (const st of win.steps) {
          const index = [...plan.fixed, ...st.index.map((x, k) => x + b.origin[k])];
          out.push({ index, n: cOrderPosition(shape, index), fileOffset: st.fileOffset, text: st.text });
        }
      });
      setError(null);
      setCells(out);
    });
    return () => {
      live = false;
    };
  }, [s.id, expression, plan]); // eslint-disable-line react-hooks/exhaustive-deps

  // ---- geometry of the grid
  const nd = shape.length;
  const CELL_W = cellWidth(cells);
  const cols = layoutAxis(plan.cols.length ? plan.cols : [{ start: 0, stop: 1 }], CELL_W);
  const rows = layoutAxis(plan.rows.length ? plan.rows : [{ start: 0, stop: 1 }], CELL_H);
  const planeRuns = plan.planes.length ? plan.planes : [{ start: 0, stop: 1 }];
  /** above each plane: its label (3-D and up) and the column indexes */
  const PH = nd >= 3 ? 34 : 22;
  const planeH = rows.length + PH;
  const planes = layoutAxis(planeRuns, planeH + 10);
  const SPEC_H = 64;
  const gridTop = SPEC_H + 24;
  const gridW = LEFT + cols.length;
  const gridBottom = gridTop + planes.length;

  const cellPos = (index: number[]): { x: number; y: number } | null => {
    const c = nd >= 1 ? cols.at.get(index[nd - 1]) : 0;
    const r = nd >= 2 ? rows.at.get(index[nd - 2]) : 0;
    const pl = nd >= 3 ? planes.at.get(index[nd - 3]) : 0;
    if (c === undefined || r === undefined || pl === undefined) return null;
    return { x: LEFT + c, y: gridTop + pl + PH + r };
  };

  // ---- the memory strip: element boxes of the array's data
  const itemsize = s.dtype.itemsize;
  // the strip covers every byte the array reaches (before its first element too, for negative strides)
  const { low, high } = reach(s.shape, s.strides, itemsize);
  const stripStart = s.dataOffset + low;
  const totalBoxes = Math.max(1, Math.ceil((high - low) / itemsize));
  const boxOf = (fileOffset: number) => Math.floor((fileOffset - stripStart) / itemsize);
  const steps = p.steps ?? [];
  const pos = p.pos ?? -1;
  const currentStep = steps.find((st) => st.n === pos) ?? null;
  const focusOffset = mode === 'walk' ? (currentStep?.fileOffset ?? p.cursor) : (hover ?? p.cursor);
  // boxes wide enough for their index labels, as many as fit a wide pane
  const BOX_W = Math.max(66, 16 + 7.3 * (3 * s.ndim + 2));
  const win = stripWindow(
    totalBoxes,
    focusOffset === null ? 0 : boxOf(focusOffset),
    Math.max(8, Math.min(STRIP_BOXES, Math.floor(1150 / BOX_W))),
  );
  const stripTop = gridBottom + 28 + (mode === 'walk' ? ARC_SPACE : 0);
  const stripLeft = LEFT + (win.first > 0 ? ELL : 0);
  const boxX = (box: number) => stripLeft + (box - win.first) * BOX_W;
  const width = Math.max(gridW + 16, stripLeft + win.count * BOX_W + ELL + 8, 560);
  const height = stripTop + BOX_H + 24;
  /** small diagrams are drawn larger (the SVG scales crisply); wide ones fit the pane */
  const zoom = width < 700 ? 1.15 : 1;
  const viewItemsize = p.viewItemsize ?? itemsize;

  useEffect(() => {
    let live = true;
    const from = stripStart + win.first * itemsize;
    const length = Math.min(win.count * itemsize, 4096);
    void call((api) => api.readBytes(s.id, from, length)).then((r) => live && r.ok && setHex(r.value));
    return () => {
      live = false;
    };
  }, [s.id, stripStart, win.first, win.count, itemsize]);

  // which cells/steps sit in each box (walk mode: step numbers; zero strides put several in one)
  const stepsInBox = useMemo(() => {
    const m = new Map<number, number[]>();
    const spans = new Map<number, Set<number>>();
    for (const st of steps) {
      const b = boxOf(st.fileOffset);
      if (b < win.first || b >= win.first + win.count) continue;
      const list = m.get(b) ?? [];
      if (list.length < 6) list.push(st.n);
      m.set(b, list);
      const within = st.fileOffset - (stripStart + b * itemsize);
      spans.set(b, (spans.get(b) ?? new Set()).add(within));
    }
    return { steps: m, spans };
  }, [steps, win.first, win.count]); // eslint-disable-line react-hooks/exhaustive-deps

  const litBox = hover !== null ? boxOf(hover) : null;
  const cursorBox = p.cursor !== null ? boxOf(p.cursor) : null;
  const choose = (fileOffset: number, cell: DiagramCell | null) => p.onSelect?.(fileOffset, cell);

  // memory order through the shown cells (array mode): the line that makes C and F order visibly different
  const orderPath = useMemo(() => {
    if (mode !== 'array' || !cells || nd < 2) return null;
    const byPlane = new Map<string, DiagramCell[]>();
    for (const c of cells) {
      const key = c.index.slice(0, nd - 2).join(',');
      byPlane.set(key, [...(byPlane.get(key) ?? []), c]);
    }
    const paths: string[] = [];
    for (const list of byPlane.values()) {
      const pts = [...list]
        .sort((a, b) => a.fileOffset - b.fileOffset)
        .map((c) => cellPos(c.index))
        .filter((q): q is { x: number; y: number } => q !== null);
      if (pts.length > 1) paths.push('M' + pts.map((q) => `${q.x + CELL_W / 2 - 2} ${q.y + CELL_H - 7}`).join(' L'));
    }
    return paths;
  }, [cells, mode, CELL_W]); // eslint-disable-line react-hooks/exhaustive-deps

  // arcs: consecutive steps whose boxes are both in the window (walk mode)
  const arcs = useMemo(() => {
    if (mode !== 'walk') return [];
    const out: { from: number; to: number; axis: number; n: number; back: boolean; same: boolean }[] = [];
    for (let i = 1; i < steps.length && out.length < 96; i++) {
      const a = steps[i - 1];
      const b = steps[i];
      const ba = boxOf(a.fileOffset);
      const bb = boxOf(b.fileOffset);
      if (ba < win.first || ba >= win.first + win.count || bb < win.first || bb >= win.first + win.count) continue;
      out.push({
        from: ba,
        to: bb,
        axis: carriedAxis(a.index, b.index),
        n: b.n,
        back: b.fileOffset < a.fileOffset,
        same: b.fileOffset === a.fileOffset,
      });
    }
    return out;
  }, [steps, mode, win.first, win.count]); // eslint-disable-line react-hooks/exhaustive-deps

  const specBoxes = (label: string, values: number[], y: number, unit: string, axisLabels: boolean) => (
    <g className="d-spec" transform={`translate(0 ${y})`}>
      <text className="d-label" x={0} y={17}>
        {label}
      </text>
      {values.map((v, k) => (
        <g key={k} transform={`translate(${LEFT + k * 58} 0)`}>
          <rect className={axisClass(k)} width={52} height={24} rx={3} />
          <text className="d-text" x={26} y={16} textAnchor="middle">
            {v}
          </text>
          {axisLabels ? (
            <text className={`${axisClass(k)}`} x={26} y={-3} textAnchor="middle" style={{ fontSize: 9 }}>
              axis {k}
            </text>
          ) : null}
        </g>
      ))}
      <text className="d-label" x={LEFT + Math.max(1, values.length) * 58} y={17}>
        {values.length === 0 ? '() ' : ''}
        {unit}
      </text>
    </g>
  );

  return (
    <div className="diagram" data-testid={p.testId ?? 'diagram'} data-mode={mode}>
      <div className="diagram-bar">
        {shape.slice(0, Math.max(0, nd - 3)).map((n, k) => (
          <label key={k} className="d-slider">
            <span className={axisClass(k)}>axis {k}</span>
            <input
              type="range"
              min={0}
              max={n - 1}
              value={plan.fixed[k] ?? 0}
              onChange={(e) => setFixed((f) => Object.assign([...f], { [k]: Number(e.target.value) }))}
              aria-label={`index on axis ${k}`}
              data-testid={`diagram-axis-${k}`}
            />
            <code>{plan.fixed[k] ?? 0}</code>
          </label>
        ))}
        <span className="diagram-legend">
          {shape.map((_, k) => (
            <span key={k}>
              <span className="sw" style={{ background: `var(--d-axis-${k % 4})` }} />
              axis {k} ({'ijklmnpq'[k] ?? `i${k}`})
            </span>
          ))}
          {mode === 'array' ? (
            <span>@k: place in memory · dotted line: memory order</span>
          ) : (
            <span>numbers: step of the walk · dashed arc: a jump back</span>
          )}
        </span>
        <button
          className="link"
          onClick={() => svgRef.current && exportSvg(svgRef.current, `${s.label}-${mode}.svg`)}
          data-testid="diagram-export-svg"
        >
          export SVG
        </button>
        <button
          className="link"
          onClick={() => svgRef.current && void exportPng(svgRef.current, `${s.label}-${mode}.png`)}
          data-testid="diagram-export-png"
        >
          PNG
        </button>
      </div>
      <ErrorBox error={error} />
      <svg
        ref={svgRef}
        xmlns="http://www.w3.org/2000/svg"
        width={Math.round(width * zoom)}
        height={Math.round(height * zoom)}
        viewBox={`0 0 ${width} ${height}`}
        style={{ maxWidth: '100%', height: 'auto' }}
        role="img"
        aria-label={`${expression}: shape ${tuple(shape)}, strides ${tuple(p.strides)}`}
        onMouseLeave={() => setHover(null)}
      >
        {specBoxes('shape', shape, 14, '', true)}
        {specBoxes('strides', p.strides, 14 + 30, `bytes${p.offset ? ` · base offset ${p.offset}` : ''}`, false)}

        {/* the grid: planes (axis nd-3) stacked, rows (nd-2) down, columns (nd-1) across */}
        {nd >= 1 ? (
          <text className={axisClass(nd - 1)} x={LEFT} y={gridTop - 2}>
            axis {nd - 1} →
          </text>
        ) : null}
        {nd >= 2 ? (
          <text className={axisClass(nd - 2)} x={0} y={0} transform={`translate(14 ${gridTop + PH}) rotate(90)`}>
            axis {nd - 2} →
          </text>
        ) : null}
        {planeRuns
          .flatMap((r) => Array.from({ length: r.stop - r.start }, (_, q) => r.start + q))
          .map((pl) => {
            const y0 = gridTop + (planes.at.get(pl) ?? 0);
            return (
              <g key={`p${pl}`}>
                {nd >= 3 ? (
                  <text className={axisClass(nd - 3)} x={LEFT} y={y0 + 12}>
                    {`${expression}[${[...plan.fixed, pl].join(', ')}${', :'.repeat(2)}]`}
                  </text>
                ) : null}
                {nd >= 1
                  ? [...cols.at.entries()].map(([c, x]) => (
                      <text
                        key={`c${c}`}
                        className="d-small"
                        x={LEFT + x + CELL_W / 2}
                        y={y0 + PH - 3}
                        textAnchor="middle"
                      >
                        {c}
                      </text>
                    ))
                  : null}
                {nd >= 2
                  ? [...rows.at.entries()].map(([r, y]) => (
                      <text
                        key={`r${r}`}
                        className="d-small"
                        x={LEFT - 6}
                        y={y0 + PH + y + CELL_H / 2 + 4}
                        textAnchor="end"
                      >
                        {r}
                      </text>
                    ))
                  : null}
                {cols.gaps.map((g) => (
                  <text
                    key={`cg${g}`}
                    className="d-text"
                    x={LEFT + g + ELL / 2}
                    y={y0 + PH + Math.min(rows.length, CELL_H) / 2 + 4}
                    textAnchor="middle"
                  >
                    …
                  </text>
                ))}
                {rows.gaps.map((g) => (
                  <text
                    key={`rg${g}`}
                    className="d-text"
                    x={LEFT + CELL_W / 2}
                    y={y0 + PH + g + ELL / 2 + 4}
                    textAnchor="middle"
                  >
                    ⋮
                  </text>
                ))}
              </g>
            );
          })}
        {planes.gaps.map((g) => (
          <text key={`pg${g}`} className="d-text" x={LEFT} y={gridTop + g + ELL / 2 + 4}>
            ⋮ ({shape[nd - 3] - 2} more planes)
          </text>
        ))}
        {(cells ?? []).map((c) => {
          const q = cellPos(c.index);
          if (!q) return null;
          const cls = [
            'd-cell',
            mode === 'walk' && c.n < pos ? 'visited' : '',
            mode === 'walk' && c.n === pos ? 'current' : '',
            p.cursor !== null && c.fileOffset <= p.cursor && p.cursor < c.fileOffset + itemsize && mode === 'array'
              ? 'cursor'
              : '',
            hover !== null && boxOf(hover) === boxOf(c.fileOffset) ? 'lit' : '',
          ]
            .filter(Boolean)
            .join(' ');
          return (
            <g
              key={c.index.join(',')}
              className={cls}
              transform={`translate(${q.x} ${q.y})`}
              data-testid="diagram-cell"
              data-index={c.index.join(',')}
              data-offset={c.fileOffset}
              data-n={c.n}
              onMouseEnter={() => setHover(c.fileOffset)}
              onClick={() => choose(c.fileOffset, c)}
            >
              <title>{`${expression}[${c.index.join(', ')}] = ${c.text}\nstep ${c.n} · bytes ${c.fileOffset}–${c.fileOffset + itemsize - 1}`}</title>
              <rect width={CELL_W - 4} height={CELL_H - 4} rx={3} />
              <text className="d-text" x={(CELL_W - 4) / 2 + 4} y={CELL_H / 2 + 3} textAnchor="middle">
                {clip(c.text, MAX_TEXT)}
              </text>
              {mode === 'walk' ? (
                <g className="d-badge">
                  <circle cx={8} cy={8} r={7.5} />
                  <text x={8} y={11} textAnchor="middle">
                    {c.n}
                  </text>
                </g>
              ) : (
                <text className="d-small" x={3} y={10} style={{ fontSize: 9 }}>
                  @{boxOf(c.fileOffset)}
                </text>
              )}
            </g>
          );
        })}
        {(orderPath ?? []).map((d, i) => (
          <path key={i} className="d-order" d={d} />
        ))}

        {/* memory: the header collapsed to one row, then element boxes */}
        <g className="d-header" transform={`translate(0 ${gridBottom + 2})`}>
          <text className="d-label" x={0} y={12}>
            memory
          </text>
          {stripStart > 0 ? (
            <>
              <rect x={LEFT} y={0} width={Math.min(260, width - LEFT - 8)} height={16} rx={2} />
              <text className="d-small" x={LEFT + 6} y={12} style={{ fill: 'var(--d-ink)' }}>
                {s.header && stripStart === s.dataOffset
                  ? `.npy header: bytes 0–${stripStart - 1}`
                  : `bytes 0–${stripStart - 1} before the array's`}
              </text>
            </>
          ) : null}
        </g>
        {win.first > 0 ? (
          <text className="d-text" x={LEFT + ELL / 2} y={stripTop + BOX_H / 2 + 4} textAnchor="middle">
            …
          </text>
        ) : null}
        {win.first + win.count < totalBoxes ? (
          <text
            className="d-text"
            x={boxX(win.first + win.count) + ELL / 2}
            y={stripTop + BOX_H / 2 + 4}
            textAnchor="middle"
          >
            …
          </text>
        ) : null}
        {Array.from({ length: win.count }, (_, i) => win.first + i).map((b) => {
          const off = stripStart + b * itemsize;
          const idx = indexAtOffset(s.shape, s.strides, off - s.dataOffset);
          const inBox = stepsInBox.steps.get(b) ?? [];
          const spansInBox = [...(stepsInBox.spans.get(b) ?? [])];
          const isCurrent = mode === 'walk' && currentStep !== null && boxOf(currentStep.fileOffset) === b;
          const cls = [
            'd-box',
            'mem',
            mode === 'walk' && inBox.some((n) => n < pos) ? 'visited' : '',
            isCurrent ? 'current' : '',
            mode === 'array' && cursorBox === b ? 'cursor' : '',
            litBox === b ? 'lit' : '',
          ]
            .filter(Boolean)
            .join(' ');
          const h =
            hex && off >= hex.offset ? hex.hex.slice((off - hex.offset) * 2, (off - hex.offset + itemsize) * 2) : '';
          return (
            <g
              key={b}
              className={cls}
              transform={`translate(${boxX(b)} ${stripTop})`}
              data-testid="strip-box"
              data-offset={off}
              data-box={b}
              onMouseEnter={() => setHover(off)}
              onClick={() => choose(off, null)}
            >
              <title>{`bytes ${off}–${off + itemsize - 1} (first element ${off - s.dataOffset >= 0 ? '+' : ''}${off - s.dataOffset})${idx ? `: x[${idx.join(', ')}]` : ''}${h ? `\n${h.replace(/(..)/g, '$1 ').trim()}` : ''}`}</title>
              <rect width={BOX_W - 4} height={BOX_H - 4} rx={2} />
              <text className="d-small" x={3} y={11}>
                {off - s.dataOffset >= 0 ? '+' : ''}
                {off - s.dataOffset}
              </text>
              <text className={mode === 'walk' ? 'd-step' : 'd-text'} x={(BOX_W - 4) / 2} y={27} textAnchor="middle">
                {mode === 'walk' ? (inBox.length ? clip(inBox.join(','), 9) : '') : idx ? clip(tuple(idx), 9) : ''}
              </text>
              <text className="d-small" x={(BOX_W - 4) / 2} y={38} textAnchor="middle" style={{ fontSize: 8 }}>
                {clip(h, 12)}
              </text>
              {mode === 'walk' && viewItemsize < itemsize
                ? spansInBox.map((w) => (
                    // a field view's (or a narrower view's) bytes inside the element
                    <rect
                      key={w}
                      className="d-span"
                      x={((BOX_W - 4) * w) / itemsize}
                      y={BOX_H - 9}
                      width={Math.max(3, ((BOX_W - 4) * viewItemsize) / itemsize)}
                      height={5}
                      data-testid="strip-span"
                    />
                  ))
                : null}
            </g>
          );
        })}
        {arcs.map((a, i) => {
          const x1 = boxX(a.from) + (BOX_W - 4) / 2;
          const x2 = boxX(a.to) + (BOX_W - 4) / 2;
          const y = stripTop;
          const faint = a.n > pos;
          if (a.same) {
            // a zero stride: the same bytes again — a loop on the box
            return (
              <path
                key={i}
                className={`d-arc ${axisClass(a.axis)}`}
                d={`M${x1 - 8} ${y} C ${x1 - 18} ${y - 26}, ${x1 + 18} ${y - 26}, ${x1 + 8} ${y}`}
                opacity={faint ? 0.35 : 1}
                data-testid="walk-arc"
                data-axis={a.axis}
              />
            );
          }
          const lift = Math.min(ARC_SPACE - 6, 14 + Math.abs(x2 - x1) / 6);
          return (
            <g key={i} opacity={faint ? 0.35 : 1} data-testid="walk-arc" data-axis={a.axis}>
              <path
                className={`d-arc ${axisClass(a.axis)}${a.back ? ' back' : ''}`}
                d={`M${x1} ${y} Q ${(x1 + x2) / 2} ${y - lift * 2} ${x2} ${y}`}
              />
              <path className={`d-arc-head ${axisClass(a.axis)}`} d={`M${x2} ${y} l ${x2 > x1 ? -7 : 7} -5 l 0 6 z`} />
            </g>
          );
        })}
      </svg>
    </div>
  );
}
