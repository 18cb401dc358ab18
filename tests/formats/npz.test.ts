import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { valueToJSON } from '../../src-main/core/dtype';
import { ArgumentError, FormatError, UnsupportedError } from '../../src-main/core/errors';
import { bytesSource, openFileSource } from '../../src-main/formats/fileSource';
import { crc32, listNpzMembers, openNpzMember } from '../../src-main/formats/npz';
import { BAD, expected, fixture, ownedMapper, sha256 } from './helpers';

const zips = Object.keys(expected.npz);

describe('listNpzMembers matches zipfile', () => {
  it.each(zips)('%s', (name) => {
    const e = expected.npz[name];
    const src = openFileSource(fixture(name));
    const members = listNpzMembers(src);
    src.close();
    expect(members.map((m) => m.name)).toEqual(e.members.map((m: { name: string }) => m.name));
    for (const [i, m] of members.entries()) {
      const x = e.members[i];
      expect(m).toMatchObject({
        method: x.method,
        compressed: x.compressed,
        compressedSize: x.compressed_size,
        size: x.size,
        crc32: x.crc32,
        headerOffset: x.header_offset,
        dataOffset: x.data_offset,
      });
    }
  });
});

describe('openNpzMember reads what np.load reads', () => {
  const cases = zips.flatMap((z) =>
    expected.npz[z].members.map((m: { name: string }) => [z, m.name] as [string, string]),
  );
  it.each(cases)('%s %s', (zip, member) => {
    const x = expected.npz[zip].members.find((m: { name: string }) => m.name === member);
    const mapper = ownedMapper();
    const src = openFileSource(fixture(zip));
    const o = openNpzMember(src, member.replace(/\.npy$/, ''), mapper, 'r');
    src.close();
    expect(o.member.name).toBe(member);
    expect(o.header.descr).toEqual(x.descr);
    expect(o.header.dtype.str).toBe(x.dtype_str);
    expect(o.header.shape).toEqual(x.shape);
    expect(o.header.fortranOrder).toBe(x.fortran_order);
    expect(o.header.dataOffset).toBe(x.npy_data_offset);
    const nbytes = x.size - x.npy_data_offset;
    if (!x.compressed) {
      // stored: mapped in place inside the zip, exactly the data bytes
      expect(o.dataOffset).toBe(x.data_offset + x.npy_data_offset);
      if (nbytes > 0)
        expect(mapper.calls).toEqual([{ path: fixture(zip), offset: o.dataOffset, length: nbytes, mode: 'r' }]);
      expect(o.array.memory.kind).toBe(nbytes > 0 ? 'mapped' : 'owned');
    } else {
      expect(o.dataOffset).toBe(-1);
      expect(mapper.calls).toEqual([]);
      expect(o.array.memory.kind).toBe('owned');
    }
    expect(o.array.flags.WRITEABLE).toBe(false);
    expect(sha256(o.array.memory.read(0, o.array.memory.size))).toBe(x.data_sha256);
    expect(o.array.values(12).map((v) => valueToJSON(v, o.header.dtype))).toEqual(x.first);
  });

  it("opens deflated members copy-on-write with 'c' and refuses 'r+'", () => {
    const src = openFileSource(fixture('deflated.npz'));
    const o = openNpzMember(src, 'a', ownedMapper(), 'c');
    expect(o.array.flags.WRITEABLE).toBe(true);
    expect(() => openNpzMember(src, 'a', ownedMapper(), 'r+')).toThrow(ArgumentError);
    expect(() => openNpzMember(src, 'nope', ownedMapper(), 'r')).toThrow(/no member 'nope'.*a, b, c, s, big/);
    src.close();
  });
});

describe('inflate limits', () => {
  it('inflates within the limit', () => {
    const src = openFileSource(path.join(BAD, 'bomb.npz'));
    const o = openNpzMember(src, 'z', ownedMapper(), 'r');
    expect(o.array.shape).toEqual([8 * 1024 * 1024]);
    src.close();
  });
  it('refuses a member whose declared size is over the limit, before inflating', () => {
    const src = openFileSource(path.join(BAD, 'bomb.npz'));
    expect(() => openNpzMember(src, 'z', ownedMapper(), 'r', { maxInflatedSize: 1024 * 1024 })).toThrow(
      UnsupportedError,
    );
    src.close();
  });
  it('stops inflating a member that lies about its size', () => {
    const bytes = fs.readFileSync(path.join(BAD, 'lying_bomb.npz'));
    const src = bytesSource('lying_bomb.npz', bytes);
    let err: unknown;
    try {
      openNpzMember(src, 'z', ownedMapper(), 'r');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(/more than its declared 200 bytes/);
    // the declared size is checked against the limit before inflating; inflating stops at min(limit, declared)
    expect(() => openNpzMember(src, 'z', ownedMapper(), 'r', { maxInflatedSize: 100 })).toThrow(
      /declares 200 bytes uncompressed, more than the 100-byte/,
    );
    expect(() => openNpzMember(src, 'z', ownedMapper(), 'r', { maxInflatedSize: 300 })).toThrow(
      /more than its declared 200 bytes/,
    );
  });
  it('crc32 matches zlib', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('bad zips: typed errors naming offsets', () => {
  const size = (n: string) => fs.statSync(path.join(BAD, n)).size;
  const cases: Array<[string, RegExp, (n: string) => number]> = [
    ['no_eocd.npz', /no end-of-central-directory/, size],
    ['truncated.npz', /no end-of-central-directory/, size],
    ['cd_past_end.npz', /runs past the end-of-central-directory/, (n) => size(n) - 22 + 16],
    [
      'bad_cd_sig.npz',
      /bad central directory entry signature/,
      () => expected.npz['stored.npz'].file_size - 22 - centralSize(),
    ],
    ['bad_local_sig.npz', /bad local file header signature/, () => 0],
  ];
  function centralSize(): number {
    const b = fs.readFileSync(fixture('stored.npz'));
    return b.readUInt32LE(b.length - 22 + 12);
  }
  it.each(cases)('%s', (name, msg, offset) => {
    const src = openFileSource(path.join(BAD, name));
    let err: unknown;
    try {
      listNpzMembers(src);
    } catch (e) {
      err = e;
    } finally {
      src.close();
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).message).toMatch(msg);
    expect((err as FormatError).offset).toBe(offset(name));
  });
  it('a member that is not an npy', () => {
    const src = openFileSource(path.join(BAD, 'not_npy_member.npz'));
    expect(() => openNpzMember(src, 'a', ownedMapper(), 'r')).toThrow(/magic string is not correct/);
    src.close();
  });
});
