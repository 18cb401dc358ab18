/**
 * Native kernels vs the memory bandwidth vs NumPy vs the TypeScript fallback, in one run (issue 3):
 *  - a 1 GiB float64 .npy in bench/tmp, memory-mapped ('r');
 *  - bandwidth: a guarded native memcpy (sk_copy_bytes) of the whole mapping into a 1 GiB buffer;
 *  - native sum over the contiguous array, a[::2], and the transpose of its 2-D (16384, 8192) view;
 *  - the TypeScript fallback's sum over the same three views (and its time over native's, per view);
 *  - NumPy's np.sum(np.load(f, mmap_mode='r')) (and a[::2], .T) timed in a python3 subprocess when available;
 *  - the cost of one koffi call on a tiny view (runKernel end to end on owned and on mapped memory — the latter
 *    includes the file-size check — and the bare C call);
 *  - the cost of mapping a 4 GiB (sparse) file vs a 4 KiB one: wall time and resident-memory growth.
 * Medians of >= 5 runs. GB/s = bytes of the view's elements / seconds (1 GB = 1e9 bytes).
 *
 * Run alone: `npx tsx bench/kernels.ts [--runs N] [--window BYTES]` (prints the table and a JSON line), or
 * from bench/run.ts. --runs: repetitions per measurement (median taken; default 5); --window: the fallback's
 * window size (default kernelsFallback WINDOW_BYTES).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DType } from '../src-main/core/dtype';
import { NDArray } from '../src-main/core/ndarray';
import { OwnedMemory } from '../src-main/core/memory';
import { installRealAddresses, mapFile } from '../src-main/platform/mappedMemory';
import { nativeLibrary, nativeUnavailableReason } from '../src-main/platform/nativeLibrary';
import { runKernel } from '../src-main/platform/nativeKernels';
import { median, printTable, timeRuns } from './stats';

const GiB = 1024 ** 3;

function npyHeader(descr: string, shape: number[]): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - 10 - 1, ' ') + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1')]);
}

/** bench/tmp/kernels_1g_f8.npy: 2^27 float64 values (i % 1000) * 0.25, written once and reused. */
function ensureData(dir: string): { path: string; header: number; n: number } {
  const n = GiB / 8;
  const header = npyHeader('<f8', [n]);
  const path = join(dir, 'kernels_1g_f8.npy');
  if (!existsSync(path) || statSync(path).size !== header.length + GiB) {
    const fd = openSync(path, 'w');
    writeSync(fd, header);
    const chunk = new Float64Array(1 << 20);
    for (let i = 0; i < n; i += chunk.length) {
      for (let j = 0; j < chunk.length; j++) chunk[j] = ((i + j) % 1000) * 0.25;
      writeSync(fd, new Uint8Array(chunk.buffer));
    }
    closeSync(fd);
  }
  return { path, header: header.length, n };
}

function numpyTimes(path: string, runs: number): Record<string, number> | { error: string } {
  const code = `
import json, time, sys
import numpy as np
a = np.load(sys.argv[1], mmap_mode='r')
b = a.reshape(16384, 8192)
out = {}
for name, f in [('contiguous', lambda: np.sum(a)), ('step2', lambda: np.sum(a[::2])), ('transposed', lambda: np.sum(b.T))]:
    f()
    ts = []
    for _ in range(${runs}):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    ts.sort(); out[name] = ts[len(ts)//2]
out['version'] = np.__version__
print(json.dumps(out))
`;
  const r = spawnSync('python3', ['-c', code, path], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { error: (r.error?.message ?? r.stderr ?? '').trim().split('\n').pop() ?? 'python3 failed' };
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function rss(): number {
  return process.memoryUsage().rss;
}

function openCost(dir: string, runs: number): Record<string, number> {
  const big = join(dir, 'open_4g.bin');
  const small = join(dir, 'open_4k.bin');
  for (const [p, size] of [[big, 4 * GiB], [small, 4096]] as const) {
    const fd = openSync(p, 'w');
    ftruncateSync(fd, size); // sparse
    closeSync(fd);
  }
  const measure = (p: string, len: number) => {
    const times: number[] = [];
    const drss: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r0 = rss();
      const t0 = process.hrtime.bigint();
      const m = mapFile(p, { offset: 0, length: len, mode: 'r' });
      times.push(Number(process.hrtime.bigint() - t0) / 1e9);
      drss.push(rss() - r0);
      m.release('bench');
    }
    return { s: median(times), rss: median(drss) };
  };
  measure(small, 4096);
  const s = measure(small, 4096);
  const b = measure(big, 4 * GiB);
  rmSync(big);
  rmSync(small);
  return { open_4k_s: s.s, open_4g_s: b.s, open_4k_rss_bytes: s.rss, open_4g_rss_bytes: b.rss };
}

export async function benchKernels(dir: string, runs = 5, windowBytes?: number): Promise<Record<string, unknown>> {
  installRealAddresses();
  mkdirSync(dir, { recursive: true });
  const lib = nativeLibrary();
  const { path, header, n } = ensureData(dir);
  const mem = mapFile(path, { offset: header, length: n * 8, mode: 'r' });
  const f8 = DType.parse('<f8');
  const a = new NDArray({ memory: mem, dtype: f8, shape: [n] });
  const step2 = a.index({ start: null, stop: null, step: 2 });
  const t2d = a.reshape([16384, 8192]).T;
  const out: Record<string, unknown> = { kernels_native: lib !== null };
  const rows: (string | number)[][] = [];
  const gbps = (bytes: number, s: number) => (bytes / s / 1e9).toFixed(2);

  try {
    // bandwidth: copy the whole mapping (the physical limit for one thread reading this file)
    const dst = Buffer.allocUnsafe(n * 8);
    dst.fill(0); // fault the destination pages in outside the timing
    let copyS: number;
    if (lib) {
      copyS = median(timeRuns(runs, () => void lib.fn.sk_copy_bytes(dst, mem.address, BigInt(n * 8))));
    } else {
      const src = Buffer.allocUnsafe(n * 8);
      src.fill(1);
      copyS = median(timeRuns(runs, () => void src.copy(dst, 0, 0, n * 8)));
    }
    out.memcpy_gbps = n * 8 / copyS / 1e9;
    rows.push(['memcpy (1 GiB, bandwidth)', lib ? 'native sk_copy_bytes' : 'Buffer.copy', copyS.toFixed(4), gbps(n * 8, copyS), '1.00']);

    const sumRow = (label: string, arr: NDArray, forceFallback: boolean, key: string) => {
      const opts = { forceFallback, windowBytes };
      runKernel('sum', arr, opts); // warm (page cache, JIT)
      let impl = '';
      let result: unknown;
      const s = median(
        timeRuns(runs, () => {
          const r = runKernel('sum', arr, opts);
          impl = r.implementation;
          result = r.result;
        }),
      );
      const bytes = arr.size * 8;
      out[`${key}_s`] = s;
      out[`${key}_gbps`] = bytes / s / 1e9;
      rows.push([label, `${impl} = ${String(result)}`, s.toFixed(4), gbps(bytes, s), (s / copyS).toFixed(2)]);
      return s;
    };
    const native = sumRow('sum contiguous', a, false, 'sum_contiguous');
    const nativeStep2 = sumRow('sum a[::2]', step2, false, 'sum_step2');
    const nativeT = sumRow('sum (16384,8192).T', t2d, false, 'sum_transposed');
    const fb = sumRow('sum contiguous (fallback)', a, true, 'sum_fallback');
    const fbStep2 = sumRow('sum a[::2] (fallback)', step2, true, 'sum_fallback_step2');
    const fbT = sumRow('sum (16384,8192).T (fallback)', t2d, true, 'sum_fallback_transposed');
    out.fallback_over_native = fb / native;
    out.fallback_over_native_step2 = fbStep2 / nativeStep2;
    out.fallback_over_native_transposed = fbT / nativeT;
    rows.push(['fallback / native time', `${(fb / native).toFixed(2)}x contiguous, ${(fbStep2 / nativeStep2).toFixed(2)}x a[::2], ${(fbT / nativeT).toFixed(2)}x .T`, '', '', '']);
    out.native_over_memcpy = native / copyS;

    const np = numpyTimes(path, runs);
    if ('error' in np) {
      out.numpy = np.error;
      rows.push(['numpy np.sum', `unavailable: ${np.error}`, '', '', '']);
    } else {
      out.numpy_version = np.version;
      for (const [k, label, bytes] of [['contiguous', 'numpy sum contiguous', n * 8], ['step2', 'numpy sum a[::2]', (n / 2) * 8], ['transposed', 'numpy sum .T', n * 8]] as const) {
        const s = np[k] as number;
        out[`numpy_${k}_s`] = s;
        out[`numpy_${k}_gbps`] = bytes / s / 1e9;
        rows.push([label, `numpy ${np.version}`, s.toFixed(4), gbps(bytes, s), (s / copyS).toFixed(2)]);
      }
      out.native_over_numpy = native / (np.contiguous as number);
    }

    // koffi call overhead on a tiny view
    const tiny = new NDArray({ memory: new OwnedMemory('tiny', 8), dtype: f8, shape: [1] });
    const calls = 20000;
    const per = (fn: () => void) => median(timeRuns(runs, () => { for (let i = 0; i < calls; i++) fn(); })) / calls;
    const endToEnd = per(() => void runKernel('sum', tiny));
    out.runkernel_call_ns = endToEnd * 1e9;
    rows.push(['runKernel(sum) on 1 element', 'checks + koffi + C', (endToEnd * 1e9).toFixed(0) + ' ns', '', '']);
    const tinyMapped = a.index({ start: 0, stop: 1, step: 1 });
    const endToEndMapped = per(() => void runKernel('sum', tinyMapped));
    out.runkernel_mapped_call_ns = endToEndMapped * 1e9;
    rows.push(['runKernel(sum) on 1 mapped element', 'checks + file size + koffi + C', (endToEndMapped * 1e9).toFixed(0) + ' ns', '', '']);
    if (lib) {
      const shape = BigInt64Array.of(1n);
      const strides = BigInt64Array.of(8n);
      const o = new Uint8Array(16);
      const addr = mem.address;
      const bare = per(() => void lib.fn.sk_sum(addr, 1, shape, strides, 11, 0, o));
      out.koffi_call_ns = bare * 1e9;
      rows.push(['bare koffi call sk_sum (1 element)', 'koffi + C', (bare * 1e9).toFixed(0) + ' ns', '', '']);
    }
  } finally {
    mem.release('bench end');
  }
  printTable(`Kernels over a 1 GiB float64 mapping (medians of ${runs}; native: ${lib ? lib.path : nativeUnavailableReason()})`, ['what', 'implementation / result', 'seconds', 'GB/s', 'x memcpy time'], rows);

  const open = openCost(dir, runs);
  Object.assign(out, open);
  printTable('mmap open cost (sparse files)', ['file', 'wall', 'RSS delta'], [
    ['4 KiB', `${(open.open_4k_s * 1e6).toFixed(1)} us`, `${(open.open_4k_rss_bytes / 1024).toFixed(0)} KiB`],
    ['4 GiB', `${(open.open_4g_s * 1e6).toFixed(1)} us`, `${(open.open_4g_rss_bytes / 1024).toFixed(0)} KiB`],
  ]);
  return out;
}

// `npx tsx bench/kernels.ts`
if (process.argv[1] && /bench[\\/]kernels\.ts$/.test(process.argv[1])) {
  const dir = join(process.cwd(), 'bench', 'tmp');
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const r = await benchKernels(dir, arg('--runs') ?? 5, arg('--window'));
  console.log('\nJSON ' + JSON.stringify(r));
}
