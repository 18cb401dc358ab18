/**
 * .npz fuzzing: generated zips (stored and deflated members, lying central-directory fields, overlapping and
 * duplicated entries, zip64 records, comments holding a fake EOCD, unknown methods, encryption flags) and the
 * same mutated; exhaustive truncation and central-directory byte flips; zip bombs with bounded work.
 */
import { describe, expect, it } from 'vitest';
import { FormatError, StridescopeError, UnsupportedError } from '../../src-main/core/errors';
import { DType } from '../../src-main/core/dtype';
import { npyHeaderBytes } from '../../src-main/formats/npy';
import { listNpzMembers, openNpzMember } from '../../src-main/formats/npz';
import { CI_RUNS } from './arbitraries';
import { arbNpzBytes, bomb, buildZip, type ZipMemberSpec } from './generators';
import { fuzz, runCase, summary } from './harness';
import { NPZ_INFLATE_LIMIT, countingSource, memoryMapper, npzTarget } from './targets';

function npy(descr: string, n: number): Uint8Array {
  const head = npyHeaderBytes(DType.parse(descr), [n], false);
  const out = new Uint8Array(head.length + n * DType.parse(descr).itemsize);
  out.set(head);
  for (let i = head.length; i < out.length; i++) out[i] = i & 0xff;
  return out;
}

const member = (name: string, data: Uint8Array, method: number): ZipMemberSpec => ({ name, data, method, flags: 0 });

describe('.npz fuzzing', () => {
  it(`${CI_RUNS.npz} generated archives end in a value or a typed error, with bounded reads`, () => {
    const stats = fuzz(npzTarget, arbNpzBytes, { numRuns: CI_RUNS.npz });
    console.log(summary(stats));
    expect(stats.failures).toEqual([]);
    expect(stats.values).toBeGreaterThan(CI_RUNS.npz / 20);
  });

  const small = buildZip({ members: [member('a.npy', npy('<i4', 6), 0), member('b.npy', npy('>f8', 5), 8)] });

  it('every truncation of a stored + deflated archive', () => {
    const bad: string[] = [];
    for (let n = 0; n <= small.length; n++) {
      const out = runCase(npzTarget, small.slice(0, n));
      if (!out.ok) bad.push(`truncated to ${n}: ${out.why}`);
    }
    expect(bad).toEqual([]);
  });

  it('every byte of the local headers, central directory and EOCD flipped', () => {
    const bad: string[] = [];
    let cases = 0;
    for (let at = 0; at < small.length; at++) {
      for (const x of [0x01, 0x80, 0xff]) {
        const b = small.slice();
        b[at] ^= x;
        const out = runCase(npzTarget, b);
        cases++;
        if (!out.ok) bad.push(`byte ${at} ^ 0x${x.toString(16)}: ${out.why}`);
      }
    }
    expect(cases).toBe(small.length * 3);
    expect(bad).toEqual([]);
  });

  it('overlapping members (two entries on one local header) open independently', () => {
    const data = npy('<u2', 8);
    const z = buildZip({
      members: [member('a.npy', data, 0), { ...member('b.npy', data, 0), localOf: 0 }],
      duplicate: 0,
    });
    const src = countingSource('o.npz', z);
    const members = listNpzMembers(src);
    expect(members.map((m) => m.name)).toEqual(['a.npy', 'b.npy', 'a.npy']);
    expect(members[1].dataOffset).toBe(members[0].dataOffset);
    const a = openNpzMember(src, 'b', memoryMapper(z, 'o.npz'), 'r', { members });
    const h = a.header.dataOffset;
    expect(a.array.values()).toEqual(
      [...Array(8).keys()].map((k) => (((h + 2 * k + 1) & 0xff) << 8) | ((h + 2 * k) & 0xff)),
    );
  });

  describe('zip bombs: bounded work and memory', () => {
    // 8 MiB of zeros deflate to ~8 KiB; the limit here is 1 MiB
    const b = bomb(8);

    it('a member whose declared size is over the limit is refused before inflating (nothing read)', () => {
      const z = buildZip({ members: [{ ...member('a.npy', b.data, 8), compressed: b.compressed, crc: b.crc }] });
      const src = countingSource('bomb.npz', z);
      const members = listNpzMembers(src);
      const before = src.bytesRead;
      expect(() =>
        openNpzMember(src, 'a', memoryMapper(z, 'bomb.npz'), 'r', { members, maxInflatedSize: NPZ_INFLATE_LIMIT }),
      ).toThrow(UnsupportedError);
      expect(src.bytesRead - before).toBe(0);
    });

    it('a member that lies about its size (declares 1 KiB, inflates to 8 MiB) stops at the first chunk past the declared size', () => {
      const z = buildZip({
        members: [{ ...member('a.npy', b.data, 8), compressed: b.compressed, crc: b.crc, size: 1024 }],
      });
      const src = countingSource('lie.npz', z);
      const members = listNpzMembers(src);
      expect(members[0].size).toBe(1024);
      const before = src.bytesRead;
      let err: unknown;
      try {
        openNpzMember(src, 'a', memoryMapper(z, 'lie.npz'), 'r', { members, maxInflatedSize: NPZ_INFLATE_LIMIT });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FormatError);
      expect((err as Error).message).toMatch(/inflates to more than its declared 1024 bytes/);
      // bounded work: one 16 KiB step of compressed input at most, not the whole stream
      expect(src.bytesRead - before).toBeLessThanOrEqual(16 * 1024);
      expect(b.compressed.length).toBeGreaterThan(0);
    });

    it('with the default 1 GiB limit, an honest 8 MiB member inflates (and its CRC is checked)', () => {
      const z = buildZip({ members: [{ ...member('a.npy', b.data, 8), compressed: b.compressed, crc: b.crc }] });
      const src = countingSource('ok.npz', z);
      const o = openNpzMember(src, 'a', memoryMapper(z, 'ok.npz'), 'r');
      expect(o.array.size).toBe(8 * 1024 * 1024);
      expect(o.array.memory.size).toBe(8 * 1024 * 1024);
      o.array.memory.release('test');
      const bad = buildZip({ members: [{ ...member('a.npy', b.data, 8), compressed: b.compressed, crc: b.crc ^ 1 }] });
      expect(() => openNpzMember(countingSource('bad.npz', bad), 'a', memoryMapper(bad, 'bad.npz'), 'r')).toThrow(
        /CRC-32 mismatch/,
      );
    });

    it('a quoted-overlap bomb (many entries over one deflated member) costs one bounded inflate per member opened', () => {
      const members: ZipMemberSpec[] = [{ ...member('m0.npy', b.data, 8), compressed: b.compressed, crc: b.crc }];
      for (let i = 1; i < 50; i++)
        members.push({
          ...member(`m${i}.npy`, b.data, 8),
          compressed: new Uint8Array(0),
          crc: b.crc,
          localOf: 0,
          compressedSize: b.compressed.length,
        });
      const z = buildZip({ members });
      const out = runCase(npzTarget, z); // opens the first 6 members, each bounded by the 1 MiB limit
      expect(out).toEqual({ ok: true });
      let typed = 0;
      const src = countingSource('overlap.npz', z);
      const list = listNpzMembers(src);
      for (const m of list.slice(0, 6)) {
        try {
          openNpzMember(src, m.name, memoryMapper(z, 'overlap.npz'), 'r', {
            members: list,
            maxInflatedSize: NPZ_INFLATE_LIMIT,
          });
        } catch (e) {
          expect(e).toBeInstanceOf(StridescopeError);
          typed++;
        }
      }
      expect(typed).toBeGreaterThan(0);
    });
  });
});
