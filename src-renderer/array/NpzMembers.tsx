import type { ArraySummary, NpzMemberInfo } from '@contract';
import { formatOffset, useSettings } from '../app/settings';

/**
 * The .npz member picker: every member of the archive the current array came from, how opening it works
 * (a stored member's .npy lies in the zip as is and is mapped in place; a deflated one is inflated into memory),
 * and a button to open it (or switch to it when it is already open).
 */
export function NpzMembers({
  summary: s,
  openMember,
}: {
  summary: ArraySummary;
  openMember: (member: string) => void;
}) {
  useSettings(); // where() writes offsets in the app's format: re-render when it changes
  const npz = s.npz;
  if (!npz) return null;
  const archive = s.label.slice(0, s.label.length - npz.member.length - 1) || 'the archive';
  return (
    <section className="card wide npz-members" data-testid="npz-members">
      <h3>
        members of {archive} <span className="muted">({npz.members.length})</span>
      </h3>
      <table className="grid-table">
        <thead>
          <tr>
            <th>member</th>
            <th>stored as</th>
            <th>size</th>
            <th>in memory</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {npz.members.map((m) => {
            const current = m.name === npz.member;
            return (
              <tr
                key={m.name}
                className={current ? 'current' : ''}
                data-testid="npz-member"
                data-member={m.name}
                aria-current={current ? 'true' : undefined}
              >
                <td>
                  <code>{m.name}</code>
                </td>
                <td>{m.compressed ? (m.method === 8 ? 'deflated' : `compressed (method ${m.method})`) : 'stored'}</td>
                <td>
                  {m.compressed ? (
                    <>
                      {m.compressedSize.toLocaleString()} → {m.size.toLocaleString()} bytes
                    </>
                  ) : (
                    <>{m.size.toLocaleString()} bytes</>
                  )}
                </td>
                <td data-testid="npz-member-where">{where(m, current ? s : null)}</td>
                <td>
                  {current ? (
                    <span className="badge">open</span>
                  ) : (
                    <button onClick={() => openMember(m.name)} data-testid={`npz-open-${m.name}`}>
                      Open
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted">
        Stored members are .npy files lying in the zip as they are: opening one maps its bytes in place, with no copy.
        Deflated members (np.savez_compressed) must be inflated into a buffer in memory first; the Bytes view then shows
        that inflated .npy.
      </p>
    </section>
  );
}

function where(m: NpzMemberInfo, open: ArraySummary | null): string {
  if (m.compressed) return 'inflated into memory';
  const data = open ? ` · data at byte ${formatOffset(open.dataOffset)}` : '';
  return `mapped in place at byte ${formatOffset(m.dataOffset)}${data}`;
}
