import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { valueToJSON } from '../../src-main/core/dtype';
import { ArgumentError, FormatError, StridescopeError } from '../../src-main/core/errors';
import { nodeRawFileSystem } from '../../src-main/formats/fileSource';
import { openRaw, type RawOptions } from '../../src-main/formats/rawMemmap';
import { expected, fixture, ownedMapper, sha256, tmpDir } from './helpers';

describe('openRaw agrees with numpy.memmap', () => {
  it.each(Object.keys(expected.raw))('%s', (name) => {
    const c = expected.raw[name];
    const opts: RawOptions = { dtype: c.dtype, mode: c.mode, offset: c.offset, shape: c.shape, order: c.order };
    if (!c.ok) {
      let err: unknown;
      try {
        openRaw(fixture(c.file), opts, ownedMapper(), nodeRawFileSystem);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StridescopeError);
      expect((err as Error).message).toContain(c.error);
      return;
    }
    const mapper = ownedMapper();
    const o = openRaw(fixture(c.file), opts, mapper, nodeRawFileSystem);
    expect(o.mode).toBe(c.mode_resolved);
    expect(o.array.shape).toEqual(c.shape);
    expect(o.array.strides).toEqual(c.strides);
    expect(o.array.dtype.str).toBe(c.dtype_str);
    expect(o.array.flags.WRITEABLE).toBe(o.mode !== 'r');
    expect(sha256(o.array.toBytes('A'))).toBe(c.data_sha256);
    expect(o.array.values(12).map((v) => valueToJSON(v, o.array.dtype))).toEqual(c.first);
    const nbytes = o.array.nbytes;
    if (nbytes > 0)
      expect(mapper.calls).toEqual([{ path: fixture(c.file), offset: c.offset, length: nbytes, mode: o.mode }]);
  });
});

describe('openRaw file handling (modes)', () => {
  it("'w+' creates/truncates and sizes the file to offset + nbytes, zero-filled", () => {
    const dir = tmpDir();
    const f = path.join(dir, 'new.bin');
    const o = openRaw(f, { dtype: 'u1', mode: 'w+', shape: [3], offset: 5 }, ownedMapper(), nodeRawFileSystem);
    expect(fs.statSync(f).size).toBe(8); // numpy: 8
    expect(o.array.values()).toEqual([0, 0, 0]);
    o.array.memory.write(1, new Uint8Array([42]));
    expect([...fs.readFileSync(f)]).toEqual([0, 0, 0, 0, 0, 0, 42, 0]);
    fs.writeFileSync(f, 'abcdefghijkl');
    openRaw(f, { dtype: '<i2', mode: 'write', shape: 2 }, ownedMapper(), nodeRawFileSystem);
    expect([...fs.readFileSync(f)]).toEqual([0, 0, 0, 0]); // truncated, like open(..., 'w+b')
    fs.rmSync(dir, { recursive: true });
  });

  it("'r+' extends a short file (numpy writes the last byte); 'r' and 'c' refuse", () => {
    const dir = tmpDir();
    const f = path.join(dir, 't.bin');
    fs.writeFileSync(f, 'abcd');
    expect(() => openRaw(f, { dtype: 'u1', mode: 'r', shape: [10] }, ownedMapper(), nodeRawFileSystem)).toThrow(
      /mmap length is greater than file size/,
    );
    expect(() => openRaw(f, { dtype: 'u1', mode: 'c', shape: [10] }, ownedMapper(), nodeRawFileSystem)).toThrow(
      FormatError,
    );
    const o = openRaw(f, { dtype: 'u1', mode: 'readwrite', shape: [10] }, ownedMapper(), nodeRawFileSystem);
    expect(o.mode).toBe('r+');
    expect(fs.statSync(f).size).toBe(10);
    expect(o.array.values()).toEqual([97, 98, 99, 100, 0, 0, 0, 0, 0, 0]);
    fs.rmSync(dir, { recursive: true });
  });

  it("'c' writes are visible in the array and never reach the file", () => {
    const dir = tmpDir();
    const f = path.join(dir, 'c.bin');
    fs.writeFileSync(f, 'abcd');
    const o = openRaw(f, { dtype: 'u1', mode: 'copyonwrite' }, ownedMapper(), nodeRawFileSystem);
    expect(o.mode).toBe('c');
    o.array.memory.write(0, new Uint8Array([9]));
    expect(o.array.values()).toEqual([9, 98, 99, 100]);
    expect(fs.readFileSync(f, 'latin1')).toBe('abcd');
    fs.rmSync(dir, { recursive: true });
  });

  it('empty files: r refuses, r+ with shape (0,) grows it to 1 byte', () => {
    const dir = tmpDir();
    const f = path.join(dir, 'e.bin');
    fs.writeFileSync(f, '');
    expect(() => openRaw(f, { dtype: 'u1', mode: 'r' }, ownedMapper(), nodeRawFileSystem)).toThrow(
      /cannot mmap an empty file/,
    );
    const o = openRaw(f, { dtype: 'u1', mode: 'r+', shape: [0] }, ownedMapper(), nodeRawFileSystem);
    expect(o.array.shape).toEqual([0]);
    expect(fs.statSync(f).size).toBe(1);
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses bad arguments', () => {
    const f = fixture('raw_i2.bin');
    expect(() => openRaw(f, { dtype: 'u1', mode: 'r', offset: -1 }, ownedMapper(), nodeRawFileSystem)).toThrow(
      ArgumentError,
    );
    expect(() => openRaw(f, { dtype: 'u1', mode: 'r', shape: [-1] }, ownedMapper(), nodeRawFileSystem)).toThrow(
      /negative dimensions/,
    );
    expect(() => openRaw(f, { dtype: 'u1', mode: 'r', order: 'X' as 'C' }, ownedMapper(), nodeRawFileSystem)).toThrow(
      /order must be one of/,
    );
    expect(() =>
      openRaw(path.join(f, 'missing'), { dtype: 'u1', mode: 'r' }, ownedMapper(), nodeRawFileSystem),
    ).toThrow(StridescopeError);
  });
});
