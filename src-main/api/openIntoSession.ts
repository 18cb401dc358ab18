/**
 * Opening into the session: the built-in example, or a granted file (.npy, an .npz member, a raw file) through
 * openForInspection. A deflated .npz member is inflated off the event loop as a job; every JS-owned byte is charged
 * to the session budget until its array closes.
 */
import { StridescopeError, UnsupportedError } from '../core/errors';
import { seedExample, EXAMPLE_LABEL } from '../core/example';
import type { OwnedMemory } from '../core/memory';
import { openFileSource } from '../formats/fileSource';
import { npyHeaderBytes, readNpyHeader } from '../formats/npy';
import { DEFAULT_MAX_INFLATED_SIZE, findMember, listNpzMembers } from '../formats/npz';
import { inflateNpzMemberAsync } from '../platform/npzInflate';
import type { GrantTable } from './grants';
import type { JobTable } from './jobs';
import type { SessionBudget } from './sessionBudget';
import type { OpenedArray, SessionRegistry } from './sessionRegistry';
import { imageSpace, npyHeaderParts, openForInspection, spaceSource } from './openForInspection';
import type { GrantId, OpenRequest } from './contract';

/** The built-in example (the seed array and the .npy image it would have on disk), opened in `session`. */
export function openExample(session: SessionRegistry): OpenedArray {
  const x = seedExample();
  const head = npyHeaderBytes(x.dtype, [...x.shape], false);
  const bytes = imageSpace(head, x, 'the example');
  const header = readNpyHeader(spaceSource('(built-in example)', bytes));
  const o = session.register({
    label: `${EXAMPLE_LABEL} (built-in example)`,
    source: 'example',
    file: null,
    grant: null,
    array: x,
    bytes,
    dataOffset: head.length,
    header: npyHeaderParts(header, head, 0),
    fortranOrder: false,
    npz: null,
    close: () => {},
  });
  return o;
}

/**
 * A deflated .npz member, inflated off the event loop as a job (progress, cancel), its bytes charged to the session
 * budget BEFORE inflating (its declared size; the inflater stops at that size). Null when `req` does not name a
 * deflated member (a .npy, a stored member, a raw file): openForInspection opens those by mapping.
 */
async function preInflate(
  path: string,
  req: OpenRequest,
  budget: SessionBudget,
  jobs: JobTable,
): Promise<{ bytes: Uint8Array; data: OwnedMemory; release: () => void } | null> {
  if (req.raw) return null;
  const src = openFileSource(path);
  try {
    const head = src.read(0, 4);
    const zip =
      head.length === 4 &&
      head[0] === 0x50 &&
      head[1] === 0x4b &&
      ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
    if (!zip) return null;
    const members = listNpzMembers(src);
    if (members.length === 0) return null;
    const m = findMember(src, members, req.member ?? members[0].name);
    if (m.method !== 8 || m.size > DEFAULT_MAX_INFLATED_SIZE) return null; // openForInspection reports these
    // inflated straight into the array's memory (no image of the whole member): the member's size, once
    const release = budget.charge(m.size, `inflating ${m.name}`);
    try {
      const name = path.split(/[\\/]/).pop();
      const out = await jobs.run('inflate', `inflating ${name}:${m.name}`, m.size, (job) =>
        inflateNpzMemberAsync(src, m, 'r', m.size, { signal: job.signal, onProgress: (done) => job.progress(done) }),
      );
      return { bytes: out.head, data: out.data, release };
    } catch (e) {
      release();
      throw e;
    }
  } finally {
    src.close();
  }
}

/**
 * Open a granted file. A deflated .npz member is inflated into JS-owned memory: at most what is left of the session
 * budget may be inflated, and what was inflated is charged until the array closes.
 */
export async function openFile(
  req: OpenRequest,
  session: SessionRegistry,
  grants: GrantTable,
  jobs: JobTable,
): Promise<OpenedArray> {
  const budget = session.budget;
  const g = grants.get(req.grant);
  const inflated = await preInflate(g.real, req, budget, jobs);
  const remaining = budget.remaining;
  let f;
  try {
    f = openForInspection(g.real, {
      member: req.member,
      raw: req.raw
        ? {
            dtype: req.raw.dtype,
            shape: req.raw.shape,
            offset: req.raw.offset ?? 0,
            order: req.raw.order ?? 'C',
            mode: req.raw.mode ?? 'r',
          }
        : undefined,
      mode: 'r',
      maxInflatedSize: Math.min(DEFAULT_MAX_INFLATED_SIZE, remaining),
      inflated: inflated?.bytes,
      inflatedData: inflated?.data,
    });
  } catch (e) {
    inflated?.release();
    if (
      e instanceof UnsupportedError &&
      remaining < DEFAULT_MAX_INFLATED_SIZE &&
      /inflate limit|byte limit/.test(e.message)
    ) {
      budget.charge(remaining + 1, `inflating ${req.member ?? 'the member'}`); // throws the budget's error
    }
    if (e instanceof StridescopeError && e.expected === 'a dtype (raw)') {
      // the raw form asks for a dtype and opens this same grant
      const error = e as StridescopeError & { grant?: GrantId };
      error.grant = g.id;
    }
    throw e;
  }
  let release = inflated ? inflated.release : () => {};
  if (f.fileDataOffset < 0 && !inflated) {
    try {
      release = budget.charge(f.bytes.size, `${f.name}:${f.member} inflated`);
    } catch (e) {
      f.close();
      throw e;
    }
  }
  const close = f.close;
  return session.register({
    label: f.member ? `${f.name}:${f.member}` : f.name,
    source: f.kind,
    file: g.path,
    grant: g.id,
    array: f.array,
    bytes: f.bytes,
    dataOffset: f.dataOffset,
    header: f.header,
    fortranOrder: f.fortranOrder,
    npz:
      f.members && f.member !== null
        ? {
            member: f.member,
            members: f.members.map((m) => ({
              name: m.name,
              compressed: m.compressed,
              method: m.method,
              size: m.size,
              compressedSize: m.compressedSize,
              dataOffset: m.dataOffset,
            })),
          }
        : null,
    close: () => {
      release();
      close();
    },
  });
}
