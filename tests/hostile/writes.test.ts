/**
 * Writes never lose data:
 *  - 'r+' / 'w+' mappings: written bytes are in the file after close() (msync + munmap) when read back through
 *    another file descriptor — and even when the process is SIGKILLed without closing (MAP_SHARED pages belong
 *    to the kernel's page cache, not to the process);
 *  - saving (formats saveNpy: writeNpy to a path) goes to a temp file beside the target and is renamed over it:
 *    while it writes, the target is the old file, byte for byte; a failed save removes its temp file; a save
 *    keeps the target's permissions;
 *  - a crash mid-save (the saving process SIGKILLed) leaves the old file byte-identical, and the target never
 *    names a partial file.
 * What cannot be tested here: durability across a power cut (that is what the fsync of the temp file and of the
 * directory, and msync, are for).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DType } from '../../src-main/core/dtype';
import { LifetimeError } from '../../src-main/core/errors';
import { OwnedMemory, type Memory } from '../../src-main/core/memory';
import { NDArray } from '../../src-main/core/ndarray';
import { openArrayFile, saveNpy } from '../../src-main/formats/load';
import { mapFile } from '../../src-main/platform/mappedMemory';
import { startChild, tmpDir, waitExit, waitFor, writeNpyFile } from './helpers';

let dir: string;
beforeAll(() => {
  dir = tmpDir('sk-writes-');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const tempsFor = (target: string) =>
  fs.readdirSync(path.dirname(target)).filter((f) => f.startsWith(`.${path.basename(target)}.`) && f.endsWith('.tmp'));

function readViaOtherFd(file: string): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    const out = new Uint8Array(fs.fstatSync(fd).size);
    fs.readSync(fd, out, 0, out.length, 0);
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

describe('mappings flush on close', () => {
  it("'r+' .npy: bytes written through the mapping are in the file after close, read through another fd", () => {
    const file = path.join(dir, 'rplus.npy');
    const { dataOffset } = writeNpyFile(file, '<i4', [1000]);
    const o = openArrayFile(file, { mode: 'r+' }, { mapper: mapFile });
    o.array.memory.write(400, new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
    o.array.memory.write(3996, new Uint8Array([1, 2, 3, 4]));
    o.close();
    const after = readViaOtherFd(file);
    expect([...after.subarray(dataOffset + 400, dataOffset + 404)]).toEqual([0xde, 0xad, 0xbe, 0xef]);
    expect([...after.subarray(dataOffset + 3996, dataOffset + 4000)]).toEqual([1, 2, 3, 4]);
    expect(after.length).toBe(dataOffset + 4000);
  });

  it("raw 'w+': creates the file; written bytes are in it after close", () => {
    const file = path.join(dir, 'wplus.bin');
    const o = openArrayFile(
      file,
      { raw: { dtype: '<u2', shape: [3, 5000], mode: 'w+', offset: 10 } },
      { mapper: mapFile },
    );
    o.array.memory.write(29_990 - 2, new Uint8Array([7, 8]));
    o.close();
    const after = readViaOtherFd(file);
    expect(after.length).toBe(10 + 30_000);
    expect([...after.subarray(10 + 29_988, 10 + 29_990)]).toEqual([7, 8]);
  });

  it("'c' (copy-on-write) writes never reach the file", () => {
    const file = path.join(dir, 'cow.npy');
    const { bytes } = writeNpyFile(file, '<i4', [100]);
    const o = openArrayFile(file, { mode: 'c' }, { mapper: mapFile });
    o.array.memory.write(0, new Uint8Array(400).fill(9));
    o.close();
    expect(readViaOtherFd(file)).toEqual(bytes);
  });

  it("an 'r+' mapping's writes survive the process being SIGKILLed without close (child process)", async () => {
    const file = path.join(dir, 'killed.npy');
    const { dataOffset } = writeNpyFile(file, '|u1', [100_000]);
    const child = startChild('mapWriteKill.ts', [file]);
    await waitFor(() => child.output().includes('written') || child.exitCode !== null, 'the child writing');
    expect(child.output()).toContain('written');
    child.kill('SIGKILL');
    expect((await waitExit(child)).signal).toBe('SIGKILL');
    const after = readViaOtherFd(file);
    for (const i of [0, 1, 4095, 4096, 50_000, 99_999])
      expect(after[dataOffset + i], `byte ${i}`).toBe((i * 13 + 1) & 0xff);
  });
});

describe('saving writes a temp file and renames it into place', () => {
  function arrayOver(memory: Memory, n: number): NDArray {
    return new NDArray({ memory, dtype: DType.parse('<f8'), shape: [n], label: 'a' });
  }

  it('while the save is writing, the target is still the old file byte for byte, and a temp file exists beside it', () => {
    const target = path.join(dir, 'save.npy');
    const { bytes: original } = writeNpyFile(target, '<i2', [10]);
    const n = 3 * 1024 * 1024; // 24 MiB: two chunks of the writer
    const inner = new OwnedMemory('data', n * 8);
    inner.view().fill(0x11);
    let checks = 0;
    const spy: Memory = Object.assign(Object.create(inner) as Memory, {
      read(o: number, l: number) {
        expect(readViaOtherFd(target)).toEqual(original);
        expect(tempsFor(target).length).toBe(1);
        checks++;
        return inner.read(o, l);
      },
    });
    saveNpy(target, arrayOver(spy, n));
    expect(checks).toBe(2);
    const saved = openArrayFile(target, {}, { mapper: mapFile });
    expect(saved.array.shape).toEqual([n]);
    expect(saved.array.memory.read(n * 8 - 8, 8)).toEqual(new Uint8Array(8).fill(0x11));
    saved.close();
    expect(tempsFor(target)).toEqual([]);
  });

  it('a save that fails mid-write (its source is freed) throws the typed error, leaves the target intact and no temp file', () => {
    const target = path.join(dir, 'fail.npy');
    const { bytes: original } = writeNpyFile(target, '<i2', [10]);
    const inner = new OwnedMemory('data', 3 * 1024 * 1024 * 8);
    let reads = 0;
    const dying: Memory = Object.assign(Object.create(inner) as Memory, {
      read(o: number, l: number) {
        if (++reads === 2) inner.release('freed mid-save');
        return inner.read(o, l);
      },
    });
    expect(() => saveNpy(target, arrayOver(dying, 3 * 1024 * 1024))).toThrow(LifetimeError);
    expect(readViaOtherFd(target)).toEqual(original);
    expect(tempsFor(target)).toEqual([]);
  });

  it.skipIf(process.platform === 'win32')("a save keeps the target's permissions (0600 stays 0600)", () => {
    const target = path.join(dir, 'private.npy');
    writeNpyFile(target, '<i2', [10]);
    fs.chmodSync(target, 0o600);
    saveNpy(target, arrayOver(new OwnedMemory('x', 80), 10));
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
  });

  it('saving a view of a mapped file over that same file: the new file is right and the old mapping still reads the old bytes', () => {
    const target = path.join(dir, 'self.npy');
    writeNpyFile(target, '<f8', [1000]);
    const o = openArrayFile(target, {}, { mapper: mapFile });
    const before = o.array.values();
    const reversed = o.array.index({ start: null, stop: null, step: -1 } as never);
    saveNpy(target, reversed);
    expect(o.array.values()).toEqual(before);
    const saved = openArrayFile(target, {}, { mapper: mapFile });
    expect(saved.array.values()).toEqual([...before].reverse());
    saved.close();
    o.close();
  });

  it('a crash mid-save (SIGKILL) leaves the old file byte-identical; the target never names the partial file', async () => {
    const target = path.join(dir, 'crash.npy');
    const { bytes: original } = writeNpyFile(target, '<i4', [1000]);
    const child = startChild('slowSave.ts', [target]);
    // wait until the temp file holds at least one 16 MiB chunk: the writer is then inside the save
    await waitFor(
      () =>
        tempsFor(target).some((f) => fs.statSync(path.join(dir, f)).size >= 16 * 1024 * 1024) ||
        child.exitCode !== null,
      'the first chunk of the save',
    );
    child.kill('SIGKILL');
    const { signal } = await waitExit(child);
    expect(child.output()).not.toContain('saved');
    expect(signal).toBe('SIGKILL');
    expect(readViaOtherFd(target)).toEqual(original);
    const o = openArrayFile(target, {}, { mapper: mapFile });
    expect(o.array.shape).toEqual([1000]);
    o.close();
    // what the crash leaves: one partial hidden temp file beside the target (never the target itself)
    const temps = tempsFor(target);
    expect(temps.length).toBe(1);
    expect(fs.statSync(path.join(dir, temps[0])).size).toBeLessThan(8 * 8 * 1024 * 1024 + 128);
  });

  it('a crash mid-save of a new file leaves no file at the target', async () => {
    const target = path.join(dir, 'new-crash.npy');
    const child = startChild('slowSave.ts', [target]);
    await waitFor(
      () => tempsFor(target).some((f) => fs.statSync(path.join(dir, f)).size > 0) || child.exitCode !== null,
      'the save starting',
    );
    child.kill('SIGKILL');
    await waitExit(child);
    expect(fs.existsSync(target)).toBe(false);
  });
});
