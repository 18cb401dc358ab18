/**
 * The console's working directory against links planted in it: a hard link to a file outside and a symbolic link
 * must not let np.memmap(..., mode='r+') or np.save write outside the folder — not even when the link is swapped in
 * between the path check and the open (the mapping is opened with O_NOFOLLOW and checked on its descriptor) — and
 * the folder's disk quota refuses a write that would pass it before the disk is touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { createHandlers, type Handlers } from '../../src-main/api/handlers';
import type { ConsoleRunResult, Result } from '../../src-main/api/contract';
import { tmpDir, writeNpyFile } from './helpers';
import { folderFileSystem, folderMapper } from '../../src-main/playground/runtime/files';
import { nodeRawFileSystem } from '../../src-main/formats/fileSource';
import { mapFile, type Mapper } from '../../src-main/platform/mappedMemory';
import { PyException } from '../../src-main/playground/runtime/errors';

let dir: string;
let folder: string;
let outside: string;
let original: Uint8Array;
let h: Handlers;

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

beforeAll(() => {
  dir = tmpDir('sk-console-folder-');
  folder = join(dir, 'console');
  fs.mkdirSync(folder);
  outside = join(dir, 'outside.npy');
  original = writeNpyFile(outside, '<i4', [8]).bytes;
  h = createHandlers({ consoleDir: folder, console: 'simulation' });
});
afterAll(() => {
  h.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(src: string): Promise<ConsoleRunResult> {
  return ok(await h.consoleRun(src));
}

describe('links planted in the console folder', () => {
  it('a hard link to a file outside: np.memmap r+ and np.load(mmap_mode="r+") are refused, the file outside is untouched', async () => {
    fs.linkSync(outside, join(folder, 'hard.npy'));
    await run('import numpy as np');
    const b = await run("m = np.load('hard.npy', mmap_mode='r+')\nm[0] = 99");
    const c = await run("m = np.memmap('hard.npy', dtype='<i4', mode='r+')\nm[0] = 99");
    for (const r of [b, c]) {
      expect(r.raised).toBe(true);
      expect(r.output).toContain('PermissionError');
      expect(r.output).toContain('hard link');
    }
    expect(new Uint8Array(fs.readFileSync(outside))).toEqual(original);
  });

  it('a symbolic link to a file outside: writes through it are refused', async () => {
    fs.symlinkSync(outside, join(folder, 'soft.npy'));
    const r = await run("m = np.memmap('soft.npy', dtype='<i4', mode='r+')\nm[0] = 77");
    expect(r.raised).toBe(true);
    expect(r.output).toContain('PermissionError');
    expect(new Uint8Array(fs.readFileSync(outside))).toEqual(original);
  });

  it("the folder's own files are still written", async () => {
    const r = await run(
      "x = np.arange(4, dtype='<i4')\nnp.save('own.npy', x)\nm = np.memmap('own.npy', dtype='<i4', mode='r+', offset=128)\nm[0] = 5\nm.flush()",
    );
    expect(r.raised, r.output).toBe(false);
    expect(fs.existsSync(join(folder, 'own.npy'))).toBe(true);
  });
});

describe('a link swapped in between the check and the open', () => {
  // The hook runs after the policy looked at the path and right before the real open: the race, made certain.
  function swapping(swap: () => void): Mapper {
    return folderMapper(folder, (path, opts) => {
      swap();
      return mapFile(path, opts);
    });
  }
  function refusal(f: () => unknown): string {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(PyException);
      return String((e as Error).message);
    }
    throw new Error('expected a refusal');
  }

  it('a symbolic link swapped in: O_NOFOLLOW refuses it, for r+ and w+, and the file outside is untouched', () => {
    const name = join(folder, 'race-soft.bin');
    for (const mode of ['r+', 'w+'] as const) {
      fs.writeFileSync(name, new Uint8Array(64));
      const map = swapping(() => {
        fs.rmSync(name);
        fs.symlinkSync(outside, name);
      });
      expect(refusal(() => map(name, { offset: 0, length: 32, mode }))).toContain('symbolic link');
      fs.rmSync(name);
      expect(new Uint8Array(fs.readFileSync(outside))).toEqual(original);
    }
  });

  it('a hard link swapped in: the descriptor has two names, refused before w+ could truncate it', () => {
    const name = join(folder, 'race-hard.bin');
    for (const mode of ['r+', 'w+'] as const) {
      fs.writeFileSync(name, new Uint8Array(64));
      const map = swapping(() => {
        fs.rmSync(name);
        fs.linkSync(outside, name);
      });
      expect(refusal(() => map(name, { offset: 0, length: 32, mode }))).toContain('hard link');
      fs.rmSync(name);
      expect(new Uint8Array(fs.readFileSync(outside))).toEqual(original);
    }
  });

  it.runIf(process.platform === 'linux')(
    "a directory swapped for a link to outside: the descriptor's real path is outside, refused",
    () => {
      const sub = join(folder, 'sub');
      const away = join(dir, 'away');
      fs.mkdirSync(away, { recursive: true });
      const victim = join(away, 'v.bin');
      fs.writeFileSync(victim, new Uint8Array(16).fill(7));
      fs.mkdirSync(sub);
      fs.writeFileSync(join(sub, 'v.bin'), new Uint8Array(16));
      const map = swapping(() => {
        fs.rmSync(sub, { recursive: true });
        fs.symlinkSync(away, sub);
      });
      expect(refusal(() => map(join(sub, 'v.bin'), { offset: 0, length: 16, mode: 'r+' }))).toContain('outside');
      expect(new Uint8Array(fs.readFileSync(victim))).toEqual(new Uint8Array(16).fill(7));
      fs.rmSync(sub);
    },
  );

  it("np.memmap 'w+' creating/truncating through the folder's file system: a symlink or hard link there is refused, the outside file untouched", () => {
    const fsys = folderFileSystem(folder, nodeRawFileSystem);
    const soft = join(folder, 'fs-soft.bin');
    const hard = join(folder, 'fs-hard.bin');
    fs.symlinkSync(outside, soft);
    fs.linkSync(outside, hard);
    expect(refusal(() => fsys.truncateOrCreate(soft))).toContain('symbolic link');
    expect(refusal(() => fsys.extend(soft, 1 << 20))).toContain('symbolic link');
    expect(refusal(() => fsys.truncateOrCreate(hard))).toContain('hard link');
    expect(refusal(() => fsys.extend(hard, 1 << 20))).toContain('hard link');
    fs.rmSync(soft);
    fs.rmSync(hard);
    expect(new Uint8Array(fs.readFileSync(outside))).toEqual(original);
  });

  it("without a swap the folder's own file maps", () => {
    const name = join(folder, 'plain.bin');
    fs.writeFileSync(name, new Uint8Array(64));
    const m = folderMapper(folder, mapFile)(name, { offset: 0, length: 64, mode: 'r+' });
    m.write(0, new Uint8Array([9]));
    m.release('test');
    expect(fs.readFileSync(name)[0]).toBe(9);
  });
});

describe("the console folder's disk quota", () => {
  let qdir: string;
  let q: Handlers;
  const quota = 64 * 1024;
  beforeAll(async () => {
    qdir = join(dir, 'quota');
    fs.mkdirSync(qdir);
    q = createHandlers({ consoleDir: qdir, console: 'simulation', consoleQuotaBytes: quota });
    ok(await q.consoleRun('import numpy as np'));
  });
  afterAll(() => q.dispose());
  const qrun = async (src: string) => ok(await q.consoleRun(src));

  it('np.save past the quota is refused with Errno 122 and creates nothing; one inside it is written', async () => {
    const big = await qrun("np.save('big.npy', np.zeros(10000, dtype='<f8'))");
    expect(big.raised).toBe(true);
    expect(big.output).toContain('OSError: [Errno 122] Disk quota exceeded');
    expect(big.output).toContain(`of its ${quota} bytes`);
    expect(fs.readdirSync(qdir)).toEqual([]);
    const small = await qrun("np.save('small.npy', np.zeros(1000, dtype='<f8'))");
    expect(small.raised, small.output).toBe(false);
    expect(fs.statSync(join(qdir, 'small.npy')).size).toBe(128 + 8000);
  });

  it('np.memmap w+ creating, and r+ extending, past the quota are refused before the file is created or grown', async () => {
    const w = await qrun("m = np.memmap('w.bin', dtype='<u1', mode='w+', shape=(60000,))");
    expect(w.output).toContain('Disk quota exceeded');
    expect(fs.existsSync(join(qdir, 'w.bin'))).toBe(false);
    const ok1 = await qrun("m = np.memmap('w.bin', dtype='<u1', mode='w+', shape=(1000,))\nm.flush()\ndel m");
    expect(ok1.raised, ok1.output).toBe(false);
    const grow = await qrun("m = np.memmap('w.bin', dtype='<u1', mode='r+', shape=(70000,))");
    expect(grow.output).toContain('Disk quota exceeded');
    expect(fs.statSync(join(qdir, 'w.bin')).size).toBe(1000);
  });
});
