/**
 * The structure tree (as ImHex's pattern data view): what each run of bytes is — the .npy header's parts, an
 * .npz's zip records, the data and a structured element's fields — from main's byteStructure. Each row's swatch
 * is the colour the grid and the legend use for that kind; a click selects the region's bytes and shows them.
 */
import { useEffect, useState } from 'react';
import type { ApiError, ArraySummary, ByteRegion } from '@contract';
import { call } from '../app/api';
import { ErrorBox } from '../app/common';
import { formatOffset, useSettings } from '../app/settings';

/** The CSS class of a region's swatch: the same variable the grid paints with. */
export function regionClass(r: ByteRegion): string {
  if (r.kind === 'field') return `sw-field-${(r.field ?? 0) % 8}`;
  return `sw-${r.kind}`;
}

function Node({
  r,
  depth,
  cursor,
  pick,
  fmt,
}: {
  r: ByteRegion;
  depth: number;
  cursor: number | null;
  pick: (r: ByteRegion) => void;
  fmt: 'hex' | 'dec';
}) {
  const inside = cursor !== null && cursor >= r.offset && cursor < r.offset + r.length;
  // open by default at the top level and along the cursor's path; a click on the twisty decides from then on
  const [toggled, setToggled] = useState<boolean | null>(null);
  const open = toggled ?? (depth < 1 || inside);
  const setOpen = (f: (o: boolean) => boolean) => setToggled(f(open));
  const deepest = inside && !r.children.some((c) => cursor! >= c.offset && cursor! < c.offset + c.length);
  return (
    <li role="treeitem" aria-expanded={r.children.length ? open : undefined} aria-selected={deepest}>
      <div
        className={`tree-row${deepest ? ' here' : ''}`}
        style={{ paddingLeft: depth * 14 }}
        data-testid="tree-row"
        data-label={r.label}
      >
        {r.children.length ? (
          <button className="tree-twisty" aria-label={open ? 'collapse' : 'expand'} onClick={() => setOpen((o) => !o)}>
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="tree-twisty" />
        )}
        <span className={`swatch ${regionClass(r)}`} />
        <button
          className="link tree-label"
          onClick={() => pick(r)}
          title={`select bytes ${formatOffset(r.offset, fmt)} … ${formatOffset(r.offset + r.length - 1, fmt)}`}
        >
          {r.label}
        </button>
        <span className="tree-meta">
          {formatOffset(r.offset, fmt)} · {r.length.toLocaleString('en-US')} B{r.text ? ` · ${r.text}` : ''}
        </span>
      </div>
      {open && r.children.length ? (
        <ul role="group">
          {r.children.map((c, i) => (
            <Node key={i} r={c} depth={depth + 1} cursor={cursor} pick={pick} fmt={fmt} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export function StructureTree({
  summary: s,
  cursor,
  onPick,
}: {
  summary: ArraySummary;
  cursor: number | null;
  onPick: (from: number, to: number) => void;
}) {
  const { offsetFormat } = useSettings();
  const [tree, setTree] = useState<ByteRegion[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    void call((api) => api.byteStructure(s.id)).then((r) => {
      if (!live) return;
      if (r.ok) setTree(r.value);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
  }, [s.id]);
  return (
    <section className="structure" data-testid="structure-tree">
      <ErrorBox error={error} />
      <ul role="tree" aria-label="File structure" className="tree">
        {(tree ?? []).map((r, i) => (
          <Node
            key={i}
            r={r}
            depth={0}
            cursor={cursor}
            pick={(x) => x.length > 0 && onPick(x.offset, x.offset + x.length)}
            fmt={offsetFormat}
          />
        ))}
      </ul>
    </section>
  );
}
