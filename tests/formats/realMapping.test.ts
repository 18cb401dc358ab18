/** formats/ over the real OS mapping (platform/mappedMemory.ts mapFile) rather than the test Mapper. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { valueToJSON } from '../../src-main/core/dtype';
import { nodeRawFileSystem } from '../../src-main/formats/fileSource';
import { openArrayFile } from '../../src-main/formats/load';
import { openRaw } from '../../src-main/formats/rawMemmap';
import { mapFile } from '../../src-main/platform/mappedMemory';
import { expected, fixture, sha256, tmpDir } from './helpers';

describe('real mappings', () => {
  it.each(Object.keys(expected.npy))('%s', (name) => {
    const e = expected.npy[name];
    const o = openArrayFile(fixture(name), { maxHeaderSize: 1 << 20 }, { mapper: mapFile });
    try {
      expect(o.array.strides).toEqual(e.strides);
      expect(sha256(o.array.memory.read(0, o.array.memory.size))).toBe(e.data_sha256);
      expect(o.array.values(12).map((v) => valueToJSON(v, o.array.dtype))).toEqual(e.first);
      if (e.file_size > e.data_offset) expect(o.array.memory.kind).toBe('mapped');
    } finally {
      o.close();
    }
  });

  it('stored .npz members are mapped inside the zip', () => {
    for (const m of expected.npz['stored.npz'].members) {
      const o = openArrayFile(fixture('stored.npz'), { member: m.name }, { mapper: mapFile });
      expect(sha256(o.array.memory.read(0, o.array.memory.size))).toBe(m.data_sha256);
      expect(o.array.values(12).map((v) => valueToJSON(v, o.array.dtype))).toEqual(m.first);
      o.close();
    }
  });

  it("raw 'c' never reaches the file, 'r+' does, 'w+' creates", () => {
    const dir = tmpDir();
    const f = path.join(dir, 'r.bin');
    fs.writeFileSync(f, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]));
    const c = openRaw(f, { dtype: '<u2', mode: 'c', offset: 2 }, mapFile, nodeRawFileSystem);
    c.array.memory.write(0, new Uint8Array([0xff, 0xff]));
    expect(c.array.values()).toEqual([0xffff, 0x0605, 0x0807]);
    c.array.memory.release('test');
    expect([...fs.readFileSync(f)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const rp = openRaw(f, { dtype: 'u1', mode: 'r+', shape: [12] }, mapFile, nodeRawFileSystem);
    expect(fs.statSync(f).size).toBe(12);
    rp.array.memory.write(11, new Uint8Array([99]));
    rp.array.memory.release('test');
    expect(fs.readFileSync(f)[11]).toBe(99);
    const g = path.join(dir, 'new.bin');
    const w = openRaw(g, { dtype: '<f8', mode: 'w+', shape: [2, 2], offset: 3 }, mapFile, nodeRawFileSystem);
    expect(fs.statSync(g).size).toBe(3 + 32);
    expect(w.array.values()).toEqual([0, 0, 0, 0]);
    w.array.memory.release('test');
    fs.rmSync(dir, { recursive: true });
  });
});
