import type { HeaderPart } from '@contract';
import type { ViewProps } from '../app/viewProps';
import { CopyButton, Flag } from '../app/common';
import { tuple } from '../app/api';
import { formatOffset, useSettings } from '../app/settings';
import { NpzMembers } from './NpzMembers';
import { ArrayDiagram } from './ArrayDiagram';

const PART_HELP: Record<HeaderPart['name'], string> = {
  magic: 'the magic string \\x93NUMPY',
  version: 'format version (major, minor)',
  header_len: 'little-endian length of the header text that follows',
  dict: 'a Python dict literal: descr, fortran_order, shape',
  padding: 'spaces and a newline so the data starts on a 64-byte boundary',
  data: 'the array elements, as they lie in memory',
};

/** dtype, shape, strides, flags, the real address, x.ctypes as NumPy prints it, and the .npy header broken down. */
export function ArrayView({ summary: s, goto, openMember, cursor, setCursor }: ViewProps) {
  const fmt = useSettings().offsetFormat;
  const valuesText = s.valueTexts.join(', ');
  return (
    <div className="array-view" data-testid="array-view">
      <h2 data-testid="array-label">{s.label}</h2>
      <section className="card wide">
        <h3>
          x{' '}
          <span className="muted">
            as NumPy sees it (the grid) and as memory holds it (the strip): hover a cell to light its bytes
          </span>
        </h3>
        <ArrayDiagram
          summary={s}
          expression="x"
          shape={s.shape}
          strides={s.strides}
          offset={0}
          mode="array"
          cursor={cursor}
          onSelect={(off) => setCursor(off)}
          testId="array-diagram"
        />
      </section>
      <div className="cards">
        {s.npz ? <NpzMembers summary={s} openMember={(m) => void openMember(s, m)} /> : null}
        <section className="card">
          <h3>dtype</h3>
          <table className="kv">
            <tbody>
              <tr>
                <th>dtype.str</th>
                <td>
                  <code data-testid="dtype-str">{s.dtype.str}</code>
                </td>
              </tr>
              <tr>
                <th>name</th>
                <td>
                  <code>{s.dtype.name}</code>
                </td>
              </tr>
              <tr>
                <th>itemsize</th>
                <td data-testid="itemsize">{s.dtype.itemsize}</td>
              </tr>
              <tr>
                <th>alignment</th>
                <td>{s.dtype.alignment}</td>
              </tr>
              <tr>
                <th>byte order</th>
                <td>
                  {s.dtype.byteorder === '|'
                    ? 'not applicable'
                    : s.dtype.byteorder === '<'
                      ? 'little-endian'
                      : 'big-endian'}
                  {s.dtype.isNative ? ' (native)' : ' (NOT native: C code must swap bytes)'}
                </td>
              </tr>
              <tr>
                <th>repr</th>
                <td>
                  <code className="wrap" data-testid="dtype-repr">
                    {s.dtype.repr}
                  </code>
                </td>
              </tr>
            </tbody>
          </table>
          {s.dtype.fields ? (
            <table className="grid-table" data-testid="fields">
              <thead>
                <tr>
                  <th>field</th>
                  <th>offset</th>
                  <th>size</th>
                  <th>dtype</th>
                </tr>
              </thead>
              <tbody>
                {s.dtype.fields.map((f, i) => (
                  <tr key={f.name}>
                    <td>
                      <span className={`swatch field-${i % 6}`} /> {f.name}
                    </td>
                    <td>{formatOffset(f.offset, fmt)}</td>
                    <td>{f.size}</td>
                    <td>
                      <code>
                        {f.str}
                        {f.shape.length ? ` ${tuple(f.shape)}` : ''}
                      </code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>

        <section className="card">
          <h3>layout</h3>
          <table className="kv">
            <tbody>
              <tr>
                <th>shape</th>
                <td>
                  <code data-testid="shape">{tuple(s.shape)}</code>
                </td>
              </tr>
              <tr>
                <th>strides</th>
                <td>
                  <code data-testid="strides">{tuple(s.strides)}</code> bytes
                </td>
              </tr>
              <tr>
                <th>size · nbytes</th>
                <td>
                  {s.size} elements · {s.nbytes} bytes
                </td>
              </tr>
              <tr>
                <th>order in file</th>
                <td>{s.fortranOrder ? 'Fortran (column-major)' : 'C (row-major)'}</td>
              </tr>
              <tr>
                <th>memory</th>
                <td>
                  {s.memoryKind === 'mapped'
                    ? 'memory-mapped from the file (mmap)'
                    : s.memoryKind === 'process'
                      ? "the console Python's memory (read-only here)"
                      : 'owned buffer in the main process'}
                </td>
              </tr>
              <tr>
                <th>data address</th>
                <td>
                  <code data-testid="address">{s.address}</code> <CopyButton text={s.address} />
                </td>
              </tr>
            </tbody>
          </table>
          <div className="flags" data-testid="flags">
            {Object.entries(s.flags).map(([k, on]) => (
              <Flag key={k} name={k} on={on} />
            ))}
          </div>
        </section>

        <section className="card">
          <h3>
            ctypes{' '}
            <span className="muted">
              ({s.platformModel.toUpperCase()}: c_intp is {s.ctypes.arrayType.replace(/_Array_\d+$/, '')})
            </span>
          </h3>
          <pre className="repl" data-testid="ctypes-repl">
            {s.ctypes.repl.map((l, i) => (
              <span key={i}>
                <span className="prompt">&gt;&gt;&gt; </span>
                {l.input}
                {'\n'}
                {l.output}
                {'\n'}
              </span>
            ))}
          </pre>
          <CopyButton text={s.ctypes.repl.map((l) => `>>> ${l.input}\n${l.output}`).join('\n')} label="copy session" />
        </section>

        <section className="card wide">
          <h3>
            values <span className="muted">(first {s.values.length} in C order)</span>
          </h3>
          <code className="wrap" data-testid="values">
            {valuesText}
            {s.values.length < s.size ? ', …' : ''}
          </code>{' '}
          <CopyButton text={valuesText} />
        </section>

        {s.header ? (
          <section className="card wide" data-testid="header-breakdown">
            <h3>
              .npy header{' '}
              <span className="muted">
                version {s.header.version.join('.')}, HEADER_LEN {s.header.headerLength}, data at byte{' '}
                {formatOffset(s.header.dataOffset, fmt)}
              </span>
            </h3>
            {s.header.notices.length ? (
              <ul className="warnings" data-testid="header-notices">
                {s.header.notices.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            ) : null}
            <table className="grid-table">
              <thead>
                <tr>
                  <th>part</th>
                  <th>bytes</th>
                  <th>length</th>
                  <th>content</th>
                  <th>meaning</th>
                </tr>
              </thead>
              <tbody>
                {s.header.parts.map((p) => (
                  <tr key={p.name} data-testid={`header-${p.name}`}>
                    <td>
                      <span className={`swatch hdr-${p.name}`} /> {p.name}
                    </td>
                    <td>
                      <button className="link" onClick={() => goto('bytes', p.offset)} title="Show these bytes">
                        {p.name === 'data'
                          ? `${formatOffset(p.offset, fmt)}…`
                          : `${formatOffset(p.offset, fmt)}–${formatOffset(p.offset + p.length - 1, fmt)}`}
                      </button>
                    </td>
                    <td>{p.name === 'data' ? s.nbytes : p.length}</td>
                    <td>
                      <code className="wrap">
                        {p.name === 'data' ? `data starts at byte ${formatOffset(p.offset, fmt)}` : p.text}
                      </code>
                    </td>
                    <td className="muted">{PART_HELP[p.name]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ) : (
          <section className="card wide">
            <h3>file</h3>
            <p>
              {s.source === 'playground'
                ? `an array of the console's session: the Bytes view shows the allocation it lives in (data from byte ${formatOffset(s.dataOffset, fmt)})`
                : s.source === 'raw'
                  ? `raw binary, data from byte ${formatOffset(s.dataOffset, fmt)} (opened like numpy.memmap, ${s.flags.WRITEABLE ? "mode 'c': copy-on-write" : "mode 'r': read-only"})`
                  : 'no .npy header'}{' '}
              — {s.fileSize} bytes
            </p>
          </section>
        )}
      </div>
    </div>
  );
}
