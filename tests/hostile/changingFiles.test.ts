/**
 * Files that change under the app, done for real: temp files, real mappings (platform/mappedMemory via koffi),
 * the real formats/ entry point, the real kernels (native C and the TypeScript fallback), and fileWatch.
 *
 * Each case ends in a typed error or a reported change (the app shows it as a warning), and nothing reads past
 * the end of a mapping: a truncated file's lost pages would raise SIGBUS and kill the process, so every read,
 * values(), kernel and readAt must refuse first (MappedMemory.check asks the OS for the size). The C guard that
 * backs this up (a race between the check and the read) is exercised in a child process.
 *
 * Permissions: CI runs as root, where chmod 000 does not stop a read (CAP_DAC_OVERRIDE); there the EACCES cases run in a
 * child process dropped to uid 65534 (nobody). The direct EACCES cases run
 * only as a normal user; as root we test what the OS still refuses (directories, ENOENT, ENOTDIR, ELOOP,
 * dangling symlinks) and say so in the test names.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IOError, LifetimeError, StridescopeError } from '../../src-main/core/errors';
import { openArrayFile, type OpenedArrayFile } from '../../src-main/formats/load';
import { watchMapping, watchMappedFile, type FileChange } from '../../src-main/platform/fileWatch';
import { MappedMemory, mapFile } from '../../src-main/platform/mappedMemory';
import { contiguousCopy, readAt, runKernel } from '../../src-main/platform/nativeKernels';
import { nativeLibrary } from '../../src-main/platform/nativeLibrary';
import { isLinux, openHandlesUnder, startChild, tmpDir, waitExit, waitFor, writeNpyFile } from './helpers';

let dir: string;
beforeAll(() => {
  dir = tmpDir();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function npy(n = 10000, descr = '<f8'): { file: string; bytes: Uint8Array; dataOffset: number } {
  const file = path.join(dir, `f${counter++}.npy`);
  return { file, ...writeNpyFile(file, descr, [n]) };
}

function open(file: string, mode: 'r' | 'r+' | 'c' = 'r'): OpenedArrayFile {
  return openArrayFile(file, { mode }, { mapper: mapFile });
}

/** Every way the app reads an array: each must refuse with a LifetimeError (no byte read past the end). */
function expectAllReadsRefused(o: OpenedArrayFile): void {
  const a = o.array;
  expect(() => a.memory.read(0, 8)).toThrow(LifetimeError);
  expect(() => a.memory.read(a.memory.size - 8, 8)).toThrow(LifetimeError);
  expect(() => a.values(4)).toThrow(LifetimeError);
  expect(() => a.get([a.shape[0] - 1])).toThrow(LifetimeError);
  expect(() => a.toBytes()).toThrow(LifetimeError);
  for (const forceFallback of [false, true]) {
    for (const k of ['sum', 'min', 'max', 'count_nan', 'count_nonzero', 'checksum', 'contiguous_copy'] as const) {
      expect(() => runKernel(k, a, { forceFallback }), `${k} (${forceFallback ? 'TypeScript' : 'native'})`).toThrow(
        LifetimeError,
      );
    }
    expect(() => contiguousCopy(a, { forceFallback })).toThrow(LifetimeError);
    expect(() => readAt(a.memory, a.memory.size - 8, 'double', { forceFallback })).toThrow(LifetimeError);
  }
}

describe('a mapped file changes under the app', () => {
  it('truncated below the mapping: every read, values(), kernel (native and TypeScript) and readAt refuses; the watch says "truncated", unsafe', async () => {
    const { file } = npy();
    const o = open(file);
    const seen: FileChange[] = [];
    const w = watchMapping(o.array.memory as MappedMemory, { onChange: (c) => seen.push(c), pollMs: 50 });
    const sum = runKernel('sum', o.array).result;
    const first = o.array.values(2);
    fs.truncateSync(file, 1000);
    expectAllReadsRefused(o);
    await waitFor(() => seen.length > 0, 'the truncation event');
    expect(seen[0]).toMatchObject({ kind: 'truncated', unsafe: true, previousSize: 128 + 80000, size: 1000 });
    expect(seen[0].message).toMatch(/can no longer be read/);
    expect(w.check()).toEqual([]); // reported once
    // restoring the length makes the mapping readable again (the lost pages read as the file's new bytes: zeros)
    fs.truncateSync(file, 128 + 80000);
    expect(o.array.values(2)).toEqual(first);
    expect(o.array.get([9999])).toBe(0);
    expect(runKernel('sum', o.array).result).not.toEqual(sum);
    expect(w.check().map((c) => c.kind)).toEqual(['grown']);
    w.close();
    o.close();
  });

  it("an 'r+' mapping of a truncated file closes without flushing the lost pages (no crash), and the file keeps its new length", () => {
    const { file } = npy(4096);
    const o = open(file, 'r+');
    o.array.memory.write(0, new Uint8Array([1, 2, 3, 4]));
    fs.truncateSync(file, 64);
    expect(() => o.array.memory.write(0, new Uint8Array([9]))).toThrow(LifetimeError);
    o.close();
    expect(fs.statSync(file).size).toBe(64);
  });

  it('truncated but still covering the mapping: reads go on, the watch says "truncated", not unsafe', () => {
    const { file, bytes, dataOffset } = npy(10000, '|u1');
    const o = openArrayFile(file, { raw: { dtype: '|u1', offset: dataOffset, shape: [100] } }, { mapper: mapFile });
    const w = watchMapping(o.array.memory as MappedMemory, { pollMs: 0 });
    fs.truncateSync(file, dataOffset + 500);
    expect(w.check()).toMatchObject([{ kind: 'truncated', unsafe: false, size: dataOffset + 500 }]);
    expect(o.array.values(3)).toEqual([...bytes.subarray(dataOffset, dataOffset + 3)]);
    expect(runKernel('checksum', o.array).implementation).toBe(nativeLibrary() ? 'native' : 'typescript');
    w.close();
    o.close();
  });

  it('grown: the mapping keeps showing the old extent, the watch says "grown"', async () => {
    const { file } = npy(1000);
    const o = open(file);
    const before = o.array.values(5);
    const seen: FileChange[] = [];
    const w = watchMappedFile(file, { onChange: (c) => seen.push(c), pollMs: 50 });
    fs.appendFileSync(file, new Uint8Array(100_000).fill(0xee));
    await waitFor(() => seen.length > 0, 'the grow event');
    expect(seen[0]).toMatchObject({ kind: 'grown', unsafe: false, size: 128 + 8000 + 100_000 });
    expect(o.array.size).toBe(1000);
    expect(o.array.values(5)).toEqual(before);
    expect(runKernel('count_nonzero', o.array, { forceFallback: true }).result).toEqual(
      runKernel('count_nonzero', o.array).result,
    );
    w.close();
    o.close();
  });

  it('replaced (another file renamed over it): the mapping shows the old bytes, the watch says "replaced"', async () => {
    const { file } = npy(1000);
    const o = open(file);
    const before = o.array.values();
    const sum = runKernel('sum', o.array).result;
    const seen: FileChange[] = [];
    const w = watchMapping(o.array.memory as MappedMemory, { onChange: (c) => seen.push(c), pollMs: 50 });
    const other = path.join(dir, 'other.npy');
    writeNpyFile(other, '<i2', [3]);
    fs.renameSync(other, file);
    await waitFor(() => seen.length > 0, 'the replace event');
    expect(seen[0]).toMatchObject({ kind: 'replaced' });
    expect(o.array.values()).toEqual(before);
    expect(runKernel('sum', o.array).result).toEqual(sum);
    // a new open sees the new file
    const again = open(file);
    expect(again.array.dtype.str).toBe('<i2');
    again.close();
    w.close();
    o.close();
  });

  it('deleted while mapped: the old bytes stay readable until close; then no fd or mapping is left', async () => {
    const { file } = npy(1000);
    const o = open(file);
    const before = o.array.values(10);
    const seen: FileChange[] = [];
    const w = watchMappedFile(file, { onChange: (c) => seen.push(c), pollMs: 50 });
    fs.unlinkSync(file);
    await waitFor(() => seen.length > 0, 'the delete event');
    expect(seen[0]).toMatchObject({ kind: 'deleted', size: null });
    expect(o.array.values(10)).toEqual(before);
    expect(runKernel('checksum', o.array).result).toEqual(
      runKernel('checksum', o.array, { forceFallback: true }).result,
    );
    if (isLinux) expect(openHandlesUnder(file).maps.length).toBeGreaterThan(0); // "(deleted)" but mapped
    o.close();
    if (isLinux) expect(openHandlesUnder(file)).toEqual({ fds: [], maps: [] });
    w.close();
  });

  it('a race between the size check and the read: the native SIGBUS guard answers SK_E_FAULT, the process survives (child process)', async () => {
    const child = startChild('sigbusGuard.ts', [path.join(dir, 'sigbus.bin')]);
    const { code, signal } = await waitExit(child);
    expect(signal, child.output()).toBeNull();
    expect(code, child.output()).toBe(0);
    const out = JSON.parse(child.output().trim().split('\n').pop()!);
    expect(out.before).toEqual([7, 7, 7, 7]);
    expect(out.checked).toBe('LifetimeError');
    expect(out.native).toBe(nativeLibrary() !== null);
    if (out.native) {
      expect(out.copyStatus).toBe(out.fault);
      expect(out.checksumStatus).toBe(out.fault);
      expect(out.sumStatus).toBe(out.fault);
      expect(out.threadedSumStatus).toBe(out.fault);
      expect(out.threadedCountStatus).toBe(out.fault);
      expect(out.threads).toBe(4);
    }
  });
});

describe('things that are not regular files', () => {
  const childOpen = async (target: string, how: string) => {
    const child = startChild('openAny.ts', [target, how]);
    const { code, signal } = await waitExit(child, 20_000); // hang guard: a blocking open() fails the test
    expect({ code, signal }, child.output()).toEqual({ code: 0, signal: null });
    return JSON.parse(child.output().trim().split('\n').pop()!);
  };

  it('a directory passed instead of a file: IOError (EISDIR) from open, raw and map', () => {
    expect(() => open(dir)).toThrow(IOError);
    expect(() => open(dir)).toThrow(/EISDIR|directory/);
    expect(() => openArrayFile(dir, { raw: { dtype: '<f4' } }, { mapper: mapFile })).toThrow(IOError);
    expect(() => openArrayFile(dir, { raw: { dtype: '<f4', shape: [2], mode: 'r+' } }, { mapper: mapFile })).toThrow(
      IOError,
    );
    expect(() => mapFile(dir, { offset: 0, length: 16, mode: 'r' })).toThrow(/directory/);
  });

  it.skipIf(process.platform === 'win32')(
    'a fifo: refused without blocking (open, raw, raw r+, map, source — each in a child with a hang guard)',
    async () => {
      const fifo = path.join(dir, 'pipe.npy');
      execFileSync('mkfifo', [fifo]);
      for (const how of ['open', 'raw', 'rawrw', 'map', 'source']) {
        const r = await childOpen(fifo, how);
        expect(r, how).toMatchObject({ ok: false, typed: true, kind: 'io' });
        expect(r.message, how).toMatch(/fifo/);
      }
      // and in this process too, now that it is known not to block
      expect(() => open(fifo)).toThrow(IOError);
      // a symlink to the fifo is no different
      const link = path.join(dir, 'pipe-link.npy');
      fs.symlinkSync(fifo, link);
      expect((await childOpen(link, 'open')).message).toMatch(/fifo/);
    },
  );

  it.skipIf(!fs.existsSync('/dev/zero'))(
    '/dev/zero and /dev/null: IOError "character device" (nothing is read or mapped)',
    () => {
      for (const dev of ['/dev/zero', '/dev/null']) {
        expect(() => open(dev)).toThrow(/character device/);
        expect(() => openArrayFile(dev, { raw: { dtype: '|u1', shape: [16] } }, { mapper: mapFile })).toThrow(
          /character device/,
        );
        expect(() => mapFile(dev, { offset: 0, length: 16, mode: 'r' })).toThrow(/character device/);
        expect(() => open(dev)).toThrow(IOError);
      }
    },
  );

  it('missing, through a file (ENOTDIR), a dangling symlink, a symlink loop: IOError naming the errno', () => {
    const { file } = npy(4);
    const dangling = path.join(dir, 'dangling.npy');
    fs.symlinkSync(path.join(dir, 'nowhere.npy'), dangling);
    const loop = path.join(dir, 'loop.npy');
    fs.symlinkSync(loop, loop);
    const cases: [string, RegExp][] = [
      [path.join(dir, 'missing.npy'), /ENOENT/],
      [path.join(file, 'inside.npy'), /ENOTDIR/],
      [dangling, /ENOENT/],
      [loop, /ELOOP/],
    ];
    for (const [p, re] of cases) {
      expect(() => open(p), p).toThrow(IOError);
      expect(() => open(p), p).toThrow(re);
      expect(() => mapFile(p, { offset: 0, length: 4, mode: 'r' }), p).toThrow(IOError);
    }
  });

  const isRoot = process.getuid?.() === 0;
  it.skipIf(isRoot || process.platform === 'win32')(
    'no read permission (chmod 000; as a normal user only — root bypasses it): IOError EACCES',
    () => {
      const { file } = npy(4);
      fs.chmodSync(file, 0o000);
      expect(() => open(file)).toThrow(/EACCES/);
      expect(() => mapFile(file, { offset: 0, length: 4, mode: 'r' })).toThrow(IOError);
      fs.chmodSync(file, 0o444);
      expect(() => open(file, 'r+')).toThrow(IOError);
      expect(() => open(file, 'r').close()).not.toThrow();
    },
  );

  it.runIf(isRoot && process.platform === 'linux')(
    'no read permission, run as root: a child dropped to nobody (uid 65534) gets IOError EACCES from open, map and source; r+ on a 0444 file is refused',
    async () => {
      const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'sk-perm-'));
      fs.chmodSync(shared, 0o755); // nobody may enter the folder; only the file's own mode stops it
      const locked = path.join(shared, 'locked.npy');
      const readOnly = path.join(shared, 'readonly.bin');
      fs.copyFileSync(npy(4).file, locked);
      fs.chmodSync(locked, 0o000);
      fs.writeFileSync(readOnly, Buffer.alloc(16));
      fs.chmodSync(readOnly, 0o444);
      const asNobody = async (target: string, how: string) => {
        const child = startChild('openAny.ts', [target, how], {}, { uid: 65534, gid: 65534 });
        const { code, signal } = await waitExit(child, 20_000);
        expect({ code, signal }, child.output()).toEqual({ code: 0, signal: null });
        return JSON.parse(child.output().trim().split('\n').pop()!);
      };
      for (const how of ['open', 'map', 'source']) {
        const r = await asNobody(locked, how);
        expect(r, how).toMatchObject({ ok: false, typed: true, kind: 'io' });
        expect(r.message, how).toMatch(/EACCES|Permission denied \(errno 13\)/);
      }
      expect(await asNobody(readOnly, 'rawrw')).toMatchObject({ ok: false, typed: true, kind: 'io' });
      expect(await asNobody(readOnly, 'source')).toEqual({ ok: true });
      fs.rmSync(shared, { recursive: true, force: true });
    },
  );

  it.runIf(isRoot)(
    'as root, chmod 000 does not block a read (documented): the file opens; what the OS still refuses is covered above',
    () => {
      const { file } = npy(4);
      fs.chmodSync(file, 0o000);
      const o = open(file);
      expect(o.array.size).toBe(4);
      o.close();
    },
  );

  it('every refusal above is a StridescopeError subclass (never a raw Node error)', () => {
    for (const p of [dir, path.join(dir, 'missing.npy'), '/dev/null']) {
      try {
        open(p);
      } catch (e) {
        expect(e).toBeInstanceOf(StridescopeError);
        continue;
      }
      throw new Error(`${p} opened`);
    }
  });
});
