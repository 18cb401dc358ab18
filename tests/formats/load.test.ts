import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { valueToJSON } from '../../src-main/core/dtype';
import { ArgumentError, FormatError, LifetimeError } from '../../src-main/core/errors';
import { openArrayFile } from '../../src-main/formats/load';
import { BAD, expected, fixture, ownedMapper, tmpDir } from './helpers';

describe('openArrayFile dispatches on magic bytes and extension', () => {
  it('.npy', () => {
    const o = openArrayFile(fixture('f_order_3d.npy'), {}, { mapper: ownedMapper() });
    const e = expected.npy['f_order_3d.npy'];
    expect(o.kind).toBe('npy');
    expect(o.dataOffset).toBe(e.data_offset);
    expect(o.header!.fortranOrder).toBe(true);
    expect(o.array.strides).toEqual(e.strides);
    expect(o.headerOffset).toBe(0);
    o.close();
    expect(() => o.array.values(1)).toThrow(LifetimeError);
  });

  it('.npy magic wins over a misleading extension', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'data.bin');
    fs.copyFileSync(fixture('i8.npy'), f);
    const o = openArrayFile(f, {}, { mapper: ownedMapper() });
    expect(o.kind).toBe('npy');
    expect(o.array.values().map((v) => valueToJSON(v, o.array.dtype))).toEqual(expected.npy['i8.npy'].first);
    o.close();
    fs.rmSync(dir, { recursive: true });
  });

  it('.npz: the named member, else the first; stored members keep their file offset', () => {
    const z = expected.npz['stored.npz'];
    const first = openArrayFile(fixture('stored.npz'), {}, { mapper: ownedMapper() });
    expect(first.kind).toBe('npz-member');
    expect(first.member).toBe(z.members[0].name);
    expect(first.members!.map((m) => m.name)).toEqual(z.members.map((m: { name: string }) => m.name));
    const b = openArrayFile(fixture('stored.npz'), { member: 'b' }, { mapper: ownedMapper() });
    const mb = z.members.find((m: { name: string }) => m.name === 'b.npy');
    expect(b.dataOffset).toBe(mb.data_offset + mb.npy_data_offset);
    expect(b.headerOffset).toBe(mb.data_offset);
    expect(b.header!.fortranOrder).toBe(true);
    // the handlers' recipe for where the .npy starts inside the zip
    expect(b.dataOffset - 10 - b.header!.headerLength).toBe(mb.data_offset);
    const d = openArrayFile(fixture('deflated.npz'), { member: 's' }, { mapper: ownedMapper() });
    expect(d.dataOffset).toBe(-1);
    expect(d.headerOffset).toBe(-1);
    for (const o of [first, b, d]) o.close();
  });

  it('raw with a dtype, even for a file with a header', () => {
    const o = openArrayFile(
      fixture('raw_i2.bin'),
      { raw: { dtype: '<i2', offset: 4, shape: [40] } },
      { mapper: ownedMapper() },
    );
    expect(o.kind).toBe('raw');
    expect(o.dataOffset).toBe(4);
    expect(o.array.values(3)).toEqual([-20, -19, -18]);
    o.close();
    const n = openArrayFile(fixture('i4.npy'), { raw: { dtype: 'u1', mode: 'r' } }, { mapper: ownedMapper() });
    expect(n.array.shape).toEqual([expected.npy['i4.npy'].file_size]);
    n.close();
  });

  it('refuses what it cannot identify, and reports bad files with their parser', () => {
    expect(() => openArrayFile(fixture('raw_i2.bin'), {}, { mapper: ownedMapper() })).toThrow(ArgumentError);
    expect(() => openArrayFile(path.join(BAD, 'bad_magic.npy'), {}, { mapper: ownedMapper() })).toThrow(
      /magic string is not correct/,
    );
    expect(() => openArrayFile(path.join(BAD, 'no_eocd.npz'), {}, { mapper: ownedMapper() })).toThrow(FormatError);
    expect(() => openArrayFile(path.join(BAD, 'zero_length.npy'), {}, { mapper: ownedMapper() })).toThrow(/empty/);
  });

  it('closes the file source it opened, on success and on failure', () => {
    let opened = 0;
    let closed = 0;
    const sourceFor = (p: string) => {
      opened++;
      const bytes = fs.readFileSync(p);
      return {
        path: p,
        size: bytes.length,
        read: (o: number, l: number) => new Uint8Array(bytes.subarray(o, o + l)),
        close: () => void closed++,
      };
    };
    openArrayFile(fixture('u1.npy'), {}, { mapper: ownedMapper(), sourceFor }).close();
    expect(() => openArrayFile(path.join(BAD, 'truncated_data.npy'), {}, { mapper: ownedMapper(), sourceFor })).toThrow(
      FormatError,
    );
    expect([opened, closed]).toEqual([2, 2]);
  });
});
