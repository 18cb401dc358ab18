/**
 * Load: many files, many reads, a long session compressed — and afterwards nothing leaked.
 *
 *  1. open and close 100 files in a row through openArrayFile + mapFile (npy of 8 dtypes, stored and deflated
 *     npz members, raw memmaps), reading values and running a kernel on each;
 *  2. 10,000 byte-window reads in a burst (random offsets and lengths up to 4 KiB of a 4 MiB mapping, and the
 *     element reads of the same windows);
 *  3. a "long session" (3,600 scripted actions, about one per second of an hour of use: open, view expressions,
 *     values, kernels native and TypeScript, readAt, saving a view and reopening it, files truncated and restored
 *     under open mappings, closes) with a seeded PRNG;
 * then: no mapping of the temp files left in /proc/self/maps, no fd left in /proc/self/fd, the process's fd count
 * back where it started, and RSS within a stated bound of its start (measured after a forced GC; RSS is noisy,
 * so the bound is generous and the test logs the actual numbers).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StridescopeError } from '../../src-main/core/errors';
import { evaluateViewExpr } from '../../src-main/core/viewexpr';
import { openArrayFile, saveNpy, type OpenedArrayFile } from '../../src-main/formats/load';
import { mapFile } from '../../src-main/platform/mappedMemory';
import { readAt, runKernel } from '../../src-main/platform/nativeKernels';
import { isLinux, openHandlesUnder, tmpDir, writeNpyFile } from './helpers';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * RSS bound, after GC: the whole workload runs once as a warm-up (V8's heap spaces and malloc's arenas reach
 * their high-water mark: about +20-60 MiB the first time, measured and logged as rssColdGrowthMiB), the baseline
 * is taken, then the tests run the workload again: RSS must come back to within 10% (+ 16 MiB of noise) of it.
 */
const RSS_TOLERANCE = (startMiB: number) => startMiB * 0.1 + 16;

let dir: string;
const files: { file: string; opts: Parameters<typeof openArrayFile>[1] }[] = [];

function rssMiB(): number {
  gc();
  gc();
  return process.memoryUsage().rss / (1 << 20);
}

/** RSS after GC, the lowest of a few samples 100 ms apart (V8 and malloc return memory in the background). */
async function settledRssMiB(): Promise<number> {
  let best = rssMiB();
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 100));
    best = Math.min(best, rssMiB());
  }
  return best;
}

function fdCount(): number {
  return isLinux ? fs.readdirSync('/proc/self/fd').length : 0;
}

let rng = 0x1234567;
function rand(n: number): number {
  rng ^= rng << 13;
  rng ^= rng >>> 17;
  rng ^= rng << 5;
  return (rng >>> 0) % n;
}

const measured: Record<string, number | string> = {};
let startRss = 0;
let startFds = 0;
let startArrayBuffers = 0;

function arrayBuffersMiB(): number {
  gc();
  return process.memoryUsage().arrayBuffers / (1 << 20);
}

beforeAll(() => {
  dir = tmpDir('sk-load-');
  const dtypes = ['<f8', '>f4', '<i4', '|u1', '<i8', '>u2', '<c16', '|b1'];
  for (let i = 0; i < 80; i++) {
    const file = path.join(dir, `a${i}.npy`);
    writeNpyFile(file, dtypes[i % dtypes.length], [64, 128]);
    files.push({ file, opts: {} });
  }
  const member = fs.readFileSync(files[0].file);
  for (let i = 0; i < 10; i++) {
    const file = path.join(dir, `z${i}.npz`);
    fs.writeFileSync(
      file,
      zipSync({ 'x.npy': [member, { level: i % 2 ? 6 : 0 }], 'y.npy': [fs.readFileSync(files[1].file), { level: 0 }] }),
    );
    files.push({ file, opts: { member: i % 3 ? 'x' : 'y' } });
  }
  for (let i = 0; i < 10; i++) {
    const file = path.join(dir, `r${i}.bin`);
    fs.writeFileSync(file, new Uint8Array(40_000).fill(i));
    files.push({ file, opts: { raw: { dtype: '<u4', offset: 16 * i, shape: [100, 90] } } });
  }
  // warm up: the whole workload once, before the baseline
  const cold = rssMiB();
  hundredFiles();
  burst();
  session();
  startRss = rssMiB();
  startFds = fdCount();
  startArrayBuffers = arrayBuffersMiB();
  measured.rssColdMiB = +cold.toFixed(1);
  measured.rssColdGrowthMiB = +(startRss - cold).toFixed(1);
  measured.rssStartMiB = +startRss.toFixed(1);
  measured.fdsStart = startFds;
});

afterAll(() => {
  console.log(`load measurements: ${JSON.stringify(measured)}`);
  fs.rmSync(dir, { recursive: true, force: true });
});

function touch(o: OpenedArrayFile): void {
  o.array.values(8);
  try {
    runKernel(rand(2) ? 'sum' : 'checksum', o.array, { forceFallback: rand(4) === 0 });
  } catch (e) {
    if (!(e instanceof StridescopeError)) throw e;
  }
}

function hundredFiles(): void {
  for (const { file, opts } of files) {
    const o = openArrayFile(file, opts, { mapper: mapFile });
    touch(o);
    o.close();
  }
}

/** 10,000 random windows of a 4 MiB mapping; returns how many were compared with the file's bytes. */
function burst(): number {
  const big = path.join(dir, 'big.npy');
  const { bytes, dataOffset } = writeNpyFile(big, '<f8', [512 * 1024]);
  const o = openArrayFile(big, {}, { mapper: mapFile });
  const size = o.array.memory.size;
  let checked = 0;
  for (let i = 0; i < 10_000; i++) {
    const len = 1 + rand(4096);
    const off = rand(size - len + 1);
    const w = o.array.memory.read(off, len);
    if (i % 97 === 0) {
      expect(w).toEqual(bytes.subarray(dataOffset + off, dataOffset + off + len));
      checked++;
    }
    o.array.get([Math.floor(off / 8)]);
  }
  // a window past the end is refused, not read
  expect(() => o.array.memory.read(size - 4, 8)).toThrow(StridescopeError);
  o.close();
  return checked;
}

const EXPRS = [
  'a',
  'a.T',
  'a[::2, ::-3]',
  'a[1:10, 5]',
  'a.reshape(128, 64)',
  'np.lib.stride_tricks.as_strided(a, shape=(4, 4), strides=(0, 8))',
  'a[None, :, 3]',
  'a[..., ::-1].T',
  'a.view(np.uint8)',
  'a[5:3]',
];

/** 3,600 scripted actions (about an hour of use at one action a second). */
function session(): { errors: number; saves: number; truncations: number } {
  const open = new Map<number, OpenedArrayFile>();
  let nextId = 0;
  let errors = 0;
  let saves = 0;
  let truncations = 0;
  for (let step = 0; step < 3600; step++) {
    const action = rand(10);
    try {
      if (action <= 2 || open.size === 0) {
        const { file, opts } = files[rand(files.length)];
        open.set(nextId++, openArrayFile(file, opts, { mapper: mapFile }));
      } else {
        const ids = [...open.keys()];
        const id = ids[rand(ids.length)];
        const o = open.get(id)!;
        if (action === 3) {
          o.close();
          open.delete(id);
        } else if (action === 4) {
          const v = evaluateViewExpr(EXPRS[rand(EXPRS.length)], { a: o.array });
          v.values(16);
          runKernel('checksum', v, { forceFallback: rand(2) === 0 });
        } else if (action === 5) {
          readAt(o.array.memory, rand(Math.max(1, o.array.memory.size - 8)), rand(2) ? 'double' : 'long', {
            forceFallback: rand(2) === 0,
          });
        } else if (action === 6 && step % 30 < 3) {
          // save a view next to the file and reopen it
          const target = path.join(dir, `saved${step % 3}.npy`);
          saveNpy(target, evaluateViewExpr('a[::-1]', { a: o.array }));
          saves++;
          open.set(nextId++, openArrayFile(target, {}, { mapper: mapFile }));
        } else if (action === 7 && step % 20 < 3 && o.kind === 'npy') {
          // the file shrinks under the open mapping, reads refuse, then it is restored
          const f = files.find((x) => o.array.memory.label.startsWith(x.file + ' '))?.file;
          if (f) {
            const keep = fs.readFileSync(f);
            fs.truncateSync(f, 10);
            truncations++;
            expect(() => o.array.values(1)).toThrow(StridescopeError);
            fs.writeFileSync(f, keep);
          }
        } else {
          touch(o);
        }
      }
    } catch (e) {
      if (!(e instanceof StridescopeError)) throw e;
      errors++;
    }
    if (open.size > 40) {
      for (const o of open.values()) o.close();
      open.clear();
    }
  }
  for (const o of open.values()) o.close();
  open.clear();
  return { errors, saves, truncations };
}

describe('load', () => {
  it('opens and closes 100 files in a row (npy, npz stored and deflated, raw): no mapping or fd left', () => {
    expect(files.length).toBe(100);
    hundredFiles();
    if (isLinux) expect(openHandlesUnder(dir)).toEqual({ fds: [], maps: [] });
    measured.rssAfter100FilesMiB = +rssMiB().toFixed(1);
  });

  it('10,000 byte-window reads in a burst (and the elements in each window)', () => {
    expect(burst()).toBeGreaterThan(100);
    if (isLinux) expect(openHandlesUnder(dir)).toEqual({ fds: [], maps: [] });
    measured.rssAfterBurstMiB = +rssMiB().toFixed(1);
  });

  it('a long session compressed: 3,600 scripted actions, then no leaked mapping or fd and RSS within bound', async () => {
    const t0 = performance.now();
    const r = session();
    measured.sessionSeconds = +((performance.now() - t0) / 1000).toFixed(2);
    measured.sessionTypedErrors = r.errors;
    measured.sessionSaves = r.saves;
    measured.sessionTruncations = r.truncations;
    expect(r.saves).toBeGreaterThan(0);
    expect(r.truncations).toBeGreaterThan(0);

    if (isLinux) {
      const left = openHandlesUnder(dir);
      measured.leakedMaps = left.maps.length;
      measured.leakedFds = left.fds.length;
      expect(left).toEqual({ fds: [], maps: [] });
      const fds = fdCount();
      measured.fdsEnd = fds;
      expect(fds).toBeLessThanOrEqual(startFds + 2); // the runner's own pipes may come and go
    }
    let endRss = await settledRssMiB();
    measured.rssEndMiB = +endRss.toFixed(1);
    measured.rssGrowthMiB = +(endRss - startRss).toFixed(1);
    measured.rssGrowthPercent = +(((endRss - startRss) / startRss) * 100).toFixed(1);
    if (endRss - startRss >= RSS_TOLERANCE(startRss)) {
      // Under CPU contention (CI runs test files in parallel) the allocator's high-water mark can still rise on the
      // second pass. A leak keeps growing with every pass; a high-water mark does not: run the session once more
      // and require RSS to stay within the tolerance of where the last pass left it.
      session();
      const again = await settledRssMiB();
      measured.rssThirdPassGrowthMiB = +(again - endRss).toFixed(1);
      endRss = again - (endRss - startRss); // growth of the extra pass alone, measured from the same baseline
    }
    expect(endRss - startRss).toBeLessThan(RSS_TOLERANCE(startRss));
    // the precise signal: every owned buffer (inflated members, copies, windows) was freed
    const ab = arrayBuffersMiB();
    measured.arrayBuffersStartMiB = +startArrayBuffers.toFixed(2);
    measured.arrayBuffersEndMiB = +ab.toFixed(2);
    expect(ab - startArrayBuffers).toBeLessThan(2);
  });
});
