/**
 * The Bytes view's presentation, against Python: the structure tree's zip records where zipfile finds them,
 * searches where bytes.find / NumPy's tobytes() put the match, and Copy-as-Python-bytes spelled as repr(bytes).
 * Expected values: tests/fixtures/bytes/expected.json (scripts/gen_bytes_fixtures.py).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandlers, type Handlers } from '../../src-main/api/handlers';
import type { ByteRegion, Result } from '../../src-main/api/contract';
import { findBytes } from '../../src-main/core/byteSearch';
import fc from 'fast-check';
import { pyBytesRepr } from '../../src-main/core/python/repr';
import { cArray, hexText, pythonBytes } from '../../src-renderer/bytes/copyFormats';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'npy');
const expected = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'bytes', 'expected.json'), 'utf8'),
);

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}
function fromHex(h: string): Uint8Array {
  return Uint8Array.from(h.match(/../g) ?? [], (x) => Number.parseInt(x, 16));
}
function flat(rs: ByteRegion[]): ByteRegion[] {
  return rs.flatMap((r) => [r, ...flat(r.children)]);
}

let dir: string;
let h: Handlers;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stridescope-bytes-'));
  h = createHandlers({ recentFile: join(dir, 'recent.json'), console: 'simulation' });
});
afterAll(() => {
  h.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** An .npz member the way the app opens one: the user grants the file, then the member picker opens by grant. */
async function openMember(path: string, member: string) {
  const first = await h.openByUser(path, 'drop');
  if (!first.ok) return first;
  return h.openGrant({ grant: first.value.grant!, member });
}

describe('structure tree', () => {
  for (const [name, z] of Object.entries(expected.zip) as [string, any][]) {
    it(`${name}: zip records where Python's zipfile finds them`, async () => {
      const stored = z.members.find((m: any) => m.compressedSize > 0);
      const s = ok(await openMember(join(FIX, name), stored.name));
      const tree = ok(await h.byteStructure(s.id));
      const mapped = s.fileSize === z.size;
      if (!mapped) {
        // a deflated member: the view shows its inflated .npy, no zip records
        expect(tree.some((r) => r.kind === 'zip')).toBe(false);
        return;
      }
      const all = flat(tree);
      for (const m of z.members) {
        const lh = all.find((r) => r.label === `local file header · ${m.name}`)!;
        expect([lh.offset, lh.length]).toEqual([m.headerOffset, m.dataOffset - m.headerOffset]);
        const data = all.find((r) => r.label === `member data · ${m.name}`)!;
        expect([data.offset, data.length]).toEqual([m.dataOffset, m.compressedSize]);
      }
      const cd = tree.find((r) => r.label === 'central directory')!;
      expect([cd.offset, cd.length]).toEqual([z.cdOffset, z.cdSize]);
      expect(cd.children.map((c) => [c.offset, c.length])).toEqual(z.entries.map((e: any) => [e.offset, e.length]));
      const end = tree.find((r) => r.label === 'end of central directory')!;
      expect([end.offset, end.offset + end.length]).toEqual([z.eocd, z.size]);
      // the regions of the top level tile the file in order, no gaps or overlaps
      let at = 0;
      for (const r of tree) {
        expect(r.offset).toBe(at);
        at = r.offset + r.length;
      }
      expect(at).toBe(z.size);
      // the open member's .npy header sits inside its data node
      const open = tree.find((r) => r.label === `member data · ${s.npz!.member}`)!;
      expect(open.children[0].label).toBe('.npy header');
      expect(open.children[0].offset).toBe(open.offset);
    });
  }

  it('.npy: header parts then data; a structured dtype opens its first element into fields and padding', async () => {
    const s = ok(await h.openByUser(join(FIX, 'struct_aligned.npy'), 'drop'));
    const tree = ok(await h.byteStructure(s.id));
    expect(tree.map((r) => r.label)).toEqual(['.npy header', 'data']);
    expect(tree[0].children.map((c) => c.label)).toEqual(['magic', 'version', 'header_len', 'dict', 'padding']);
    expect(tree[1].offset).toBe(s.dataOffset);
    const el = tree[1].children[0];
    const fields = s.dtype.fields!;
    expect(
      el.children.filter((c) => c.kind === 'field').map((c) => [c.label, c.offset - s.dataOffset, c.length]),
    ).toEqual([...fields].sort((a, b) => a.offset - b.offset).map((f) => [f.name, f.offset, f.size]));
    // fields and padding cover the element exactly
    expect(el.children.reduce((n, c) => n + c.length, 0)).toBe(s.dtype.itemsize);
  });
});

describe('search', () => {
  for (const c of expected.search) {
    it(`${c.file}: ${c.mode} '${c.query}' → ${c.found}`, async () => {
      const s = ok(await h.openByUser(join(FIX, c.file), 'drop'));
      const r = ok(await h.searchBytes({ id: s.id, mode: c.mode, query: c.query, from: 0, direction: 'forward' }));
      expect(r.pattern).toBe(c.pattern);
      expect(r.found).toBe(c.found);
      if (c.found !== null) {
        // searching backward from the end finds the last match, at or after the first
        const back = ok(
          await h.searchBytes({ id: s.id, mode: c.mode, query: c.query, from: s.fileSize - 1, direction: 'backward' }),
        );
        expect(back.found).not.toBeNull();
        expect(back.found!).toBeGreaterThanOrEqual(c.found);
      } else expect(r.complete).toBe(true);
    });
  }

  it('refuses a query that is not bytes of the dtype, naming what it expected', async () => {
    const s = ok(await h.openByUser(join(FIX, 'i4.npy'), 'drop'));
    for (const [mode, query] of [
      ['hex', '9g'],
      ['hex', 'abc'],
      ['value', '1.5'],
      ['value', '99999999999'],
    ]) {
      const r = await h.searchBytes({ id: s.id, mode: mode as 'hex', query, from: 0, direction: 'forward' });
      expect(r.ok).toBe(false);
    }
    expect(
      (await h.searchBytes({ id: s.id, mode: 'hex', query: '00', from: 0, direction: 'sideways' } as never)).ok,
    ).toBe(false);
  });

  it('finds a match across a chunk edge once, forward and backward, and stops at maxBytes', () => {
    const size = 9 * 1024 * 1024;
    const data = new Uint8Array(size);
    const at = 4 * 1024 * 1024 - 2; // straddles the first 4 MiB chunk edge
    data.set([1, 2, 3, 4], at);
    const read = (o: number, n: number) => data.subarray(o, Math.min(size, o + n));
    const pattern = Uint8Array.of(1, 2, 3, 4);
    expect(findBytes({ size, read, pattern, from: 0, direction: 'forward', maxBytes: size }).found).toBe(at);
    expect(findBytes({ size, read, pattern, from: size - 1, direction: 'backward', maxBytes: size }).found).toBe(at);
    expect(findBytes({ size, read, pattern, from: at + 1, direction: 'forward', maxBytes: size })).toMatchObject({
      found: null,
      complete: true,
    });
    expect(findBytes({ size, read, pattern, from: 0, direction: 'forward', maxBytes: 1000 })).toMatchObject({
      found: null,
      complete: false,
      searchedTo: 1000,
    });
  });
});

describe('copy formats', () => {
  for (const c of expected.pyrepr) {
    it(`Python bytes of ${c.hex.slice(0, 24) || '(empty)'} is repr(bytes)`, () => {
      expect(pythonBytes(fromHex(c.hex))).toBe(c.repr);
    });
  }
  it('the renderer spells bytes as the core does (the renderer cannot import core: one spelling, checked twice)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => pythonBytes(b) === pyBytesRepr(b)));
  });
  it('hex pairs and a C initializer that lists every byte', () => {
    const b = Uint8Array.of(0x93, 0x4e, 0, 255);
    expect(hexText(b)).toBe('93 4e 00 ff');
    expect(cArray(b)).toBe('unsigned char bytes[4] = {\n    0x93, 0x4e, 0x00, 0xff\n};');
    const long = cArray(new Uint8Array(25));
    expect(long.split('\n')).toHaveLength(5);
    expect(long.match(/0x00/g)).toHaveLength(25);
  });
});
