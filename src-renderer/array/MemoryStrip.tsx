/**
 * The memory half of the array diagram: the bytes before the array collapsed to one labelled row, then a window
 * of element boxes (each with its offset from the first element, the index it holds or the walk's step numbers
 * that visit it, and its bytes), `…` where the window leaves boxes out, and in the Walk pane the jump arcs over
 * the boxes, coloured by the loop (axis) that advanced: dashed going back, a loop on the box for a zero stride.
 */
import { useEffect, useMemo, useState } from 'react';
import type { ArraySummary, WalkStep } from '@contract';
import { call, tuple } from '../app/api';
import { formatOffset, type OffsetFormat } from '../app/settings';
import { carriedAxis, indexAtOffset } from './gridWindow';
import { ARC_SPACE, axisClass, BOX_H, clip, ELL, LEFT } from './diagramGeometry';

/** Boxes [first, first + count) of the strip, which starts at file offset `start` (one box per itemsize bytes). */
export interface StripWindow {
  start: number;
  first: number;
  count: number;
  total: number;
  boxW: number;
  left: number;
  top: number;
}

/** `+12`, `-0x4`: a signed offset from the first element. */
export function signedOffset(n: number, fmt: OffsetFormat): string {
  return (n < 0 ? '-' : '+') + formatOffset(Math.abs(n), fmt);
}

export interface MemoryStripProps {
  summary: ArraySummary;
  mode: 'array' | 'walk';
  strip: StripWindow;
  /** where the header row sits, and how wide it may be */
  headerTop: number;
  width: number;
  steps: WalkStep[];
  pos: number;
  /** the bytes of one element of the view (a field view's are fewer than the array's) */
  viewItemsize: number;
  hover: number | null;
  cursor: number | null;
  fmt: OffsetFormat;
  onHover: (fileOffset: number) => void;
  onChoose: (fileOffset: number) => void;
}

export function MemoryStrip(p: MemoryStripProps) {
  const { summary: s, mode, strip, steps, pos, fmt } = p;
  const itemsize = s.dtype.itemsize;
  const { first, count, boxW, top } = strip;
  const boxOf = (fileOffset: number) => Math.floor((fileOffset - strip.start) / itemsize);
  const boxX = (box: number) => strip.left + (box - first) * boxW;
  const inWindow = (b: number) => b >= first && b < first + count;
  const currentStep = steps.find((st) => st.n === pos) ?? null;
  const [hex, setHex] = useState<{ offset: number; hex: string } | null>(null);

  useEffect(() => {
    let live = true;
    const from = strip.start + first * itemsize;
    const length = Math.min(count * itemsize, 4096);
    void call((api) => api.readBytes(s.id, from, length)).then((r) => live && r.ok && setHex(r.value));
    return () => {
      live = false;
    };
  }, [s.id, strip.start, first, count, itemsize]);

  // which steps sit in each box (zero strides put several in one), and where a narrower view's bytes are in it
  const stepsInBox = useMemo(() => {
    const m = new Map<number, number[]>();
    const spans = new Map<number, Set<number>>();
    for (const st of steps) {
      const b = boxOf(st.fileOffset);
      if (!inWindow(b)) continue;
      const list = m.get(b) ?? [];
      if (list.length < 6) list.push(st.n);
      m.set(b, list);
      const within = st.fileOffset - (strip.start + b * itemsize);
      spans.set(b, (spans.get(b) ?? new Set()).add(within));
    }
    return { steps: m, spans };
  }, [steps, first, count, strip.start, itemsize]); // eslint-disable-line react-hooks/exhaustive-deps

  // arcs: consecutive steps whose boxes are both in the window (walk mode)
  const arcs = useMemo(() => {
    if (mode !== 'walk') return [];
    const out: { from: number; to: number; axis: number; n: number; back: boolean; same: boolean }[] = [];
    for (let i = 1; i < steps.length && out.length < 96; i++) {
      const a = steps[i - 1];
      const b = steps[i];
      const ba = boxOf(a.fileOffset);
      const bb = boxOf(b.fileOffset);
      if (!inWindow(ba) || !inWindow(bb)) continue;
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
  }, [steps, mode, first, count, strip.start, itemsize]); // eslint-disable-line react-hooks/exhaustive-deps

  const litBox = p.hover !== null ? boxOf(p.hover) : null;
  const cursorBox = p.cursor !== null ? boxOf(p.cursor) : null;

  return (
    <>
      <g className="d-header" transform={`translate(0 ${p.headerTop})`}>
        <text className="d-label" x={0} y={12}>
          memory
        </text>
        {strip.start > 0 ? (
          <>
            <rect x={LEFT} y={0} width={Math.min(260, p.width - LEFT - 8)} height={16} rx={2} />
            <text className="d-small" x={LEFT + 6} y={12} style={{ fill: 'var(--d-ink)' }}>
              {s.header && strip.start === s.dataOffset
                ? `.npy header: bytes 0–${formatOffset(strip.start - 1, fmt)}`
                : `bytes 0–${formatOffset(strip.start - 1, fmt)} before the array's`}
            </text>
          </>
        ) : null}
      </g>
      {first > 0 ? (
        <text className="d-text" x={LEFT + ELL / 2} y={top + BOX_H / 2 + 4} textAnchor="middle">
          …
        </text>
      ) : null}
      {first + count < strip.total ? (
        <text className="d-text" x={boxX(first + count) + ELL / 2} y={top + BOX_H / 2 + 4} textAnchor="middle">
          …
        </text>
      ) : null}
      {Array.from({ length: count }, (_, i) => first + i).map((b) => {
        const off = strip.start + b * itemsize;
        const rel = off - s.dataOffset;
        const idx = indexAtOffset(s.shape, s.strides, rel);
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
            transform={`translate(${boxX(b)} ${top})`}
            data-testid="strip-box"
            data-offset={off}
            data-box={b}
            onMouseEnter={() => p.onHover(off)}
            onClick={() => p.onChoose(off)}
          >
            <title>{`bytes ${formatOffset(off, fmt)}–${formatOffset(off + itemsize - 1, fmt)} (first element ${signedOffset(rel, fmt)})${idx ? `: x[${idx.join(', ')}]` : ''}${h ? `\n${h.replace(/(..)/g, '$1 ').trim()}` : ''}`}</title>
            <rect width={boxW - 4} height={BOX_H - 4} rx={2} />
            <text className="d-small" x={3} y={11}>
              {signedOffset(rel, fmt)}
            </text>
            <text className={mode === 'walk' ? 'd-step' : 'd-text'} x={(boxW - 4) / 2} y={27} textAnchor="middle">
              {mode === 'walk' ? (inBox.length ? clip(inBox.join(','), 9) : '') : idx ? clip(tuple(idx), 9) : ''}
            </text>
            <text className="d-small" x={(boxW - 4) / 2} y={38} textAnchor="middle" style={{ fontSize: 8 }}>
              {clip(h, Math.max(4, Math.floor((boxW - 8) / 5)))}
            </text>
            {mode === 'walk' && p.viewItemsize < itemsize
              ? spansInBox.map((w) => (
                  // a field view's (or a narrower view's) bytes inside the element
                  <rect
                    key={w}
                    className="d-span"
                    x={((boxW - 4) * w) / itemsize}
                    y={BOX_H - 9}
                    width={Math.max(3, ((boxW - 4) * p.viewItemsize) / itemsize)}
                    height={5}
                    data-testid="strip-span"
                  />
                ))
              : null}
          </g>
        );
      })}
      {arcs.map((a, i) => {
        const x1 = boxX(a.from) + (boxW - 4) / 2;
        const x2 = boxX(a.to) + (boxW - 4) / 2;
        const y = top;
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
    </>
  );
}
