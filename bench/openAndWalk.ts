/**
 * Issue 2's measurements:
 *  - opening a 4 GiB .npy versus a 4 KiB one through a real mapping (wall time, resident-memory growth, ratio);
 *  - stride-walk throughput (offsets per second) for contiguous, transposed and negative-step views.
 * The 4 GiB file is sparse (header written, then ftruncate), so making it costs nothing and opening it must too.
 */
import { closeSync, mkdirSync, openSync, ftruncateSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DType } from '../src-main/core/dtype';
import { NDArray } from '../src-main/core/ndarray';
import { OwnedMemory } from '../src-main/core/memory';
import { walkOffsets } from '../src-main/core/layout';
import { evaluateViewExpr } from '../src-main/core/viewexpr';
import { openArrayFile } from '../src-main/formats/load';
import { mapFile, installRealAddresses } from '../src-main/platform/mappedMemory';
import { median, printTable } from './stats';

function npyHeader(descr: string, shape: number[]): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pre = 10;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - pre - 1, ' ') + '\n';
  const head = Buffer.alloc(pre);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1')]);
}

function makeSparseNpy(path: string, nbytes: number): void {
  const header = npyHeader('<f8', [nbytes / 8]);
  const fd = openSync(path, 'w');
  writeSync(fd, header);
  ftruncateSync(fd, header.length + nbytes);
  closeSync(fd);
}

function rssBytes(): number {
  return process.memoryUsage.rss();
}

export function benchOpen(dir: string, runs = 7): Record<string, number> {
  installRealAddresses();
  const small = join(dir, 'open-4KiB.npy');
  const huge = join(dir, 'open-4GiB.npy');
  makeSparseNpy(small, 4096);
  makeSparseNpy(huge, 4 * 1024 ** 3);
  const measure = (path: string) => {
    const times: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < runs; i++) {
      const before = rssBytes();
      const t0 = process.hrtime.bigint();
      const opened = openArrayFile(path, { mode: 'r' }, { mapper: mapFile });
      const first = opened.array.values(16); // the first values are what the app shows at once
      const t1 = process.hrtime.bigint();
      rss.push(rssBytes() - before);
      times.push(Number(t1 - t0) / 1e6);
      if (first.length !== 16) throw new Error('expected 16 values');
      opened.close();
    }
    return { ms: median(times), rssKiB: median(rss) / 1024 };
  };
  measure(small); // warm up the code paths
  const s = measure(small);
  const h = measure(huge);
  printTable(
    `open .npy through mmap (median of ${runs})`,
    ['file', 'open + first 16 values (ms)', 'RSS growth (KiB)'],
    [
      ['4 KiB', s.ms.toFixed(3), s.rssKiB.toFixed(0)],
      ['4 GiB (sparse)', h.ms.toFixed(3), h.rssKiB.toFixed(0)],
      ['ratio 4GiB/4KiB', (h.ms / s.ms).toFixed(2), ''],
    ],
  );
  rmSync(huge);
  rmSync(small);
  return {
    open4KiBms: s.ms,
    open4GiBms: h.ms,
    openRatio: h.ms / s.ms,
    open4KiBrssKiB: s.rssKiB,
    open4GiBrssKiB: h.rssKiB,
  };
}

export function benchWalk(runs = 7): Record<string, number> {
  const n = 1 << 22; // 4 Mi float64 elements = 32 MiB
  const memory = new OwnedMemory('walk bench', n * 8);
  const a = new NDArray({ memory, dtype: DType.parse('<f8'), shape: [2048, 2048], ownsData: true });
  const views: [string, NDArray][] = [
    ['contiguous a', a],
    ['transposed a.T', evaluateViewExpr('a.T', { a })],
    ['negative step a[::-1, ::-1]', evaluateViewExpr('a[::-1, ::-1]', { a })],
  ];
  const rows: string[][] = [];
  const out: Record<string, number> = {};
  const buffer = new Float64Array(1 << 16);
  for (const [name, view] of views) {
    const rates: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t0 = process.hrtime.bigint();
      for (let start = 0; start < view.size; start += buffer.length) {
        walkOffsets(view.layout, start, Math.min(buffer.length, view.size - start), buffer);
      }
      rates.push(view.size / (Number(process.hrtime.bigint() - t0) / 1e9));
    }
    const m = median(rates);
    out[`walk ${name}`] = m;
    rows.push([name, (m / 1e6).toFixed(1)]);
  }
  printTable(
    `stride walk, ${n} elements in chunks of ${buffer.length} (median of ${runs})`,
    ['view', 'million offsets / s'],
    rows,
  );
  return out;
}

export function benchDir(): string {
  const dir = join(process.cwd(), 'bench', 'tmp');
  mkdirSync(dir, { recursive: true });
  return dir;
}
