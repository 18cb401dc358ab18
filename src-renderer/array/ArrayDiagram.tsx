/**
 * The array diagram: the array (or a view of it) drawn as its N-d grid of cells, its memory as a strip of element
 * boxes under it (MemoryStrip.tsx), shape and strides as labelled boxes. Hovering or selecting a cell lights the
 * box holding its bytes, and the reverse. In the Array pane each cell carries its place in memory (`@3`) and a
 * dotted line, drawn behind the cells so it shows in the gaps between them and never over a value, joins the cells
 * in memory order — row by row for C order, column by column for Fortran order. In the Walk pane each cell
 * carries its step number, and arcs over the strip show each jump, coloured by the loop (axis) that advanced.
 *
 * SVG (crisp at any zoom), exportable as SVG or PNG. Cells come from main as bounded walks (gridWindow.ts,
 * useDiagramCells.ts): the work is proportional to the window shown, never to the array.
 */
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ArraySummary, WalkStep } from '@contract';
import { tuple } from '../app/api';
import { ErrorBox } from '../app/common';
import { formatOffset, useSettings } from '../app/settings';
import { planGrid, reach, stripWindow } from './gridWindow';
import {
  ARC_SPACE,
  axisClass,
  BOX_H,
  cellSize,
  CHAR_W,
  ELL,
  layoutAxis,
  LEFT,
  STRIP_BOXES,
  wrapText,
} from './diagramGeometry';
import { useDiagramCells, type DiagramCell } from './useDiagramCells';
import { MemoryStrip, type StripWindow } from './MemoryStrip';
import { exportPng, exportSvg } from './diagramExport';
import './diagram.css';

export type { DiagramCell } from './useDiagramCells';

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

const NO_STEPS: WalkStep[] = [];

export const ArrayDiagram = memo(function ArrayDiagram(p: ArrayDiagramProps) {
  const { summary: s, expression, shape, mode } = p;
  const fmt = useSettings().offsetFormat;
  const [fixed, setFixed] = useState<number[]>([]);
  const [hover, setHover] = useState<number | null>(null);
  const svgRef = useRef<SVGSVGElement | null>(null);
  const boxRef = useRef<HTMLDivElement | null>(null);
  /** the pane's width for the diagram: the memory strip shows as many boxes as fit it (not scaled down to fit) */
  const [avail, setAvail] = useState(1272);
  useEffect(() => {
    const el = boxRef.current;
    if (!el || typeof ResizeObserver !== 'function') return;
    const ro = new ResizeObserver(([e]) => setAvail(Math.round(e.contentRect.width)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const shapeKey = shape.join(',');

  const plan = useMemo(() => planGrid(shape, fixed), [shapeKey, fixed]); // eslint-disable-line react-hooks/exhaustive-deps
  const { cells, error } = useDiagramCells(s, expression, shape, plan);
  useLayoutEffect(() => {
    performance.mark(cells ? 'diagram:cells-committed' : 'diagram:mounted');
  }, [cells]);

  // ---- geometry of the grid
  const nd = shape.length;
  const size = useMemo(
    () =>
      cellSize(
        (cells ?? []).map((c) => c.text),
        mode,
      ),
    [cells, mode],
  );
  const { w: CELL_W, h: CELL_H, gap } = size;
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
  const steps = p.steps ?? NO_STEPS;
  const pos = p.pos ?? -1;
  const currentStep = steps.find((st) => st.n === pos) ?? null;
  const focusOffset = mode === 'walk' ? (currentStep?.fileOffset ?? p.cursor) : (hover ?? p.cursor);
  // boxes wide enough for their index labels, as many as fit a wide pane
  const BOX_W = Math.max(66, 16 + CHAR_W * (3 * s.ndim + 2));
  const win = stripWindow(
    totalBoxes,
    focusOffset === null ? 0 : boxOf(focusOffset),
    Math.max(6, Math.min(STRIP_BOXES, Math.floor((Math.min(avail, 1272) - LEFT - 2 * ELL - 16) / BOX_W))),
  );
  const stripTop = gridBottom + 28 + (mode === 'walk' ? ARC_SPACE : 0);
  const stripLeft = LEFT + (win.first > 0 ? ELL : 0);
  const width = Math.max(gridW + 16, stripLeft + win.count * BOX_W + ELL + 8, 560);
  const height = stripTop + BOX_H + 24;
  /** small diagrams are drawn larger (the SVG scales crisply); wide ones fit the pane */
  const zoom = width < 700 ? 1.15 : 1;
  const strip: StripWindow = {
    start: stripStart,
    first: win.first,
    count: win.count,
    total: totalBoxes,
    boxW: BOX_W,
    left: stripLeft,
    top: stripTop,
  };

  const choose = (fileOffset: number, cell: DiagramCell | null) => p.onSelect?.(fileOffset, cell);

  // memory order through the shown cells (array mode): the line that makes C and F order visibly different
  const orderPath = useMemo(() => {
    if (mode !== 'array' || !cells || nd < 2) return null;
    const byPlane = new Map<string, DiagramCell[]>();
    for (const c of cells) {
      const key = c.index.slice(0, nd - 2).join(',');
      const list = byPlane.get(key);
      if (list) list.push(c);
      else byPlane.set(key, [c]);
    }
    const paths: string[] = [];
    for (const list of byPlane.values()) {
      const pts = [...list]
        .sort((a, b) => a.fileOffset - b.fileOffset)
        .map((c) => cellPos(c.index))
        .filter((q): q is { x: number; y: number } => q !== null);
      // through the cells' centres: the cells (drawn over it) hide it but in the gaps between them
      if (pts.length > 1)
        paths.push('M' + pts.map((q) => `${q.x + (CELL_W - gap) / 2} ${q.y + (CELL_H - gap) / 2}`).join(' L'));
    }
    return paths;
  }, [cells, mode, CELL_W, CELL_H]); // eslint-disable-line react-hooks/exhaustive-deps

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

  const rectW = CELL_W - gap;
  const rectH = CELL_H - gap;

  return (
    <div className="diagram" ref={boxRef} data-testid={p.testId ?? 'diagram'} data-mode={mode}>
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
        {specBoxes(
          'strides',
          p.strides,
          14 + 30,
          `bytes${p.offset ? ` · base offset ${formatOffset(p.offset, fmt)}` : ''}`,
          false,
        )}

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
                        x={LEFT + x + rectW / 2}
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
                        y={y0 + PH + y + rectH / 2 + 4}
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
                    x={LEFT + g + ELL / 2 - gap / 2}
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
                    x={LEFT + rectW / 2}
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
        {/* under the cells: only its stretches between them show */}
        {(orderPath ?? []).map((d, i) => (
          <path key={i} className="d-order" d={d} data-testid="order-line" />
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
          const lines = wrapText(c.text);
          // the text sits under the tag row (badge / @k), centred in what is left of the cell
          const textTop = size.tagH + (size.lines - lines.length) * (size.lineH / 2);
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
              <title>{`${expression}[${c.index.join(', ')}] = ${c.text}\nstep ${c.n} · bytes ${formatOffset(c.fileOffset, fmt)}–${formatOffset(c.fileOffset + itemsize - 1, fmt)}`}</title>
              <rect width={rectW} height={rectH} rx={3} />
              <text className="d-text" x={rectW / 2} y={textTop + size.lineH - 3} textAnchor="middle">
                {lines.map((l, i) => (
                  <tspan key={i} x={rectW / 2} dy={i === 0 ? 0 : size.lineH}>
                    {l}
                  </tspan>
                ))}
              </text>
              {mode === 'walk' ? (
                <g className="d-badge">
                  <circle cx={9} cy={9} r={7.5} />
                  <text x={9} y={12} textAnchor="middle">
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

        <MemoryStrip
          summary={s}
          mode={mode}
          strip={strip}
          headerTop={gridBottom + 2}
          width={width}
          steps={steps}
          pos={pos}
          viewItemsize={p.viewItemsize ?? itemsize}
          hover={hover}
          cursor={p.cursor}
          fmt={fmt}
          onHover={setHover}
          onChoose={(off) => choose(off, null)}
        />
      </svg>
    </div>
  );
});
