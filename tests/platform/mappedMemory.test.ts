/**
 * MappedMemory: real mmap of temp files through koffi (libc). Addresses, contents, the four NumPy modes,
 * unaligned offsets, zero length, truncation under a live mapping (typed error, no SIGBUS), use after release,
 * and that opening a 4 GiB file costs what a 4 KiB one does (nothing is read at open).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  existsSync,
  statSync,
  openSync,
  closeSync,
  ftruncateSync,
  truncateSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import koffi from 'koffi';
import { OwnedMemory, hasRealAddresses } from '../../src-main/core/memory';
import { BoundsError, IOError, LifetimeError } from '../../src-main/core/errors';
import { MappedMemory, installRealAddresses, mapFile } from '../../src-main/platform/mappedMemory';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sk-map-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileWith(name: string, n: number): { path: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = (i * 7 + 3) & 0xff;
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

describe('mapFile', () => {
  it('maps a file read-only at an unaligned offset: a real address, and the bytes are the file bytes', () => {
    const { path, bytes } = fileWith('r.bin', 20000);
    const m = mapFile(path, { offset: 4099, length: 12000, mode: 'r' }) as MappedMemory;
    expect(m.kind).toBe('mapped');
    expect(m.address).toBeGreaterThan(0n);
    // mapped from the page below the offset; the address points `delta` bytes into it
    expect(Number(m.address - m.mapping.base)).toBe(m.mapping.delta);
    expect(m.mapping.delta).toBeGreaterThan(0);
    expect((4099 - m.mapping.delta) % 4096).toBe(0);
    expect(Number(m.mapping.base % 4096n)).toBe(0);
    expect(m.writeable).toBe(false);
    expect(m.read(0, 12000)).toEqual(bytes.subarray(4099, 16099));
    expect(m.read(11990, 10)).toEqual(bytes.subarray(16089, 16099));
    expect(() => m.read(11995, 10)).toThrow(BoundsError);
    expect(() => m.write(0, new Uint8Array([1]))).toThrow(BoundsError);
    m.release('del m');
    m.release('again'); // idempotent
    expect(m.alive).toBe(false);
    expect(m.releasedBy).toBe('del m');
  });

  it("'r+' writes reach the file (after flush / release)", () => {
    const { path, bytes } = fileWith('rplus.bin', 9000);
    const m = mapFile(path, { offset: 100, length: 8000, mode: 'r+' }) as MappedMemory;
    m.write(10, new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    expect(m.read(10, 4)).toEqual(new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    m.flush();
    expect(readFileSync(path).subarray(110, 114)).toEqual(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    m.write(7999, new Uint8Array([0x42]));
    m.release('close');
    const after = readFileSync(path);
    expect(after[8099]).toBe(0x42);
    expect(after.subarray(0, 100)).toEqual(Buffer.from(bytes.subarray(0, 100)));
  });

  it("'c' (copy-on-write) writes are seen through the mapping but never reach the file", () => {
    const { path, bytes } = fileWith('c.bin', 5000);
    const m = mapFile(path, { offset: 0, length: 5000, mode: 'c' });
    expect(m.writeable).toBe(true);
    m.write(0, new Uint8Array([9, 9, 9]));
    expect(m.read(0, 3)).toEqual(new Uint8Array([9, 9, 9]));
    m.release('close');
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
  });

  it("'w+' creates (or overwrites) the file with offset+length zero bytes", () => {
    const path = join(dir, 'new.bin');
    expect(existsSync(path)).toBe(false);
    const m = mapFile(path, { offset: 64, length: 1000, mode: 'w+' });
    expect(statSync(path).size).toBe(1064);
    expect(m.read(0, 1000).every((b) => b === 0)).toBe(true);
    m.write(999, new Uint8Array([7]));
    m.release('close');
    expect(readFileSync(path)[1063]).toBe(7);
    // overwrite: truncated then regrown
    const m2 = mapFile(path, { offset: 0, length: 10, mode: 'w+' });
    expect(statSync(path).size).toBe(10);
    m2.release('close');
  });

  it("'r' refuses a file shorter than offset+length ('r+' grows it, as NumPy's memmap does)", () => {
    const { path } = fileWith('short.bin', 100);
    expect(() => mapFile(path, { offset: 50, length: 100, mode: 'r' })).toThrow(IOError);
    const m = mapFile(path, { offset: 50, length: 100, mode: 'r+' });
    expect(statSync(path).size).toBe(150);
    m.release('close');
    expect(() => mapFile(join(dir, 'missing.bin'), { offset: 0, length: 1, mode: 'r' })).toThrow(IOError);
  });

  it('a zero-length mapping maps nothing and still behaves', () => {
    const { path } = fileWith('empty.bin', 0);
    const m = mapFile(path, { offset: 0, length: 0, mode: 'r' });
    expect(m.size).toBe(0);
    expect(m.address).toBe(0n);
    expect(m.read(0, 0)).toEqual(new Uint8Array(0));
    expect(() => m.read(0, 1)).toThrow(BoundsError);
    m.release('close');
    expect(() => m.read(0, 0)).toThrow(LifetimeError);
  });

  it('truncating the file under a live mapping is a LifetimeError, not a SIGBUS', () => {
    const { path } = fileWith('trunc.bin', 64 * 1024);
    const m = mapFile(path, { offset: 0, length: 64 * 1024, mode: 'r' });
    expect(m.read(60000, 8).length).toBe(8);
    truncateSync(path, 1000);
    expect(() => m.read(60000, 8)).toThrow(LifetimeError);
    expect(() => m.read(0, 8)).toThrow(/truncated to 1000 bytes/);
    m.release('close'); // unmapping a truncated mapping is fine
    expect(() => m.read(0, 8)).toThrow(LifetimeError);
  });

  it('use after release is a LifetimeError for read, write and flush', () => {
    const { path } = fileWith('uar.bin', 4096);
    const m = MappedMemory.open(path, { offset: 0, length: 4096, mode: 'r+' });
    m.release('after statement 3');
    expect(() => m.read(0, 1)).toThrow(LifetimeError);
    expect(() => m.write(0, new Uint8Array(1))).toThrow(LifetimeError);
    expect(() => m.flush()).toThrow(LifetimeError);
  });

  it('opening a 4 GiB file reads nothing: resident memory does not grow with the file (time is in npm run bench)', () => {
    const big = join(dir, 'big.bin');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 4 * 1024 ** 3); // sparse
    closeSync(fd);
    const { path: small } = fileWith('small.bin', 4096);
    const time = (p: string, len: number) => {
      const rss0 = process.memoryUsage().rss;
      const m = mapFile(p, { offset: 0, length: len, mode: 'r' });
      const drss = process.memoryUsage().rss - rss0;
      m.release('close');
      return { drss };
    };
    time(small, 4096); // warm up koffi
    const b = time(big, 4 * 1024 ** 3);
    expect(b.drss).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('installRealAddresses', () => {
  it("makes OwnedMemory report koffi's address of its buffer", () => {
    installRealAddresses();
    expect(hasRealAddresses()).toBe(true);
    const m = new OwnedMemory('a', new Uint8Array([1, 2, 3, 4]));
    expect(m.address).toBe(koffi.address(m.arrayBuffer()));
    // C really finds the bytes there
    expect(Array.from(koffi.decode(m.address, 'uint8_t', 4) as Uint8Array)).toEqual([1, 2, 3, 4]);
  });
});
