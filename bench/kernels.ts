/**
 * Native kernels vs the memory bandwidth vs NumPy vs the TypeScript fallback, in one run:
 *  - the limit: a plain read-only C sum of 1 GiB of uint64 words IN RAM (sk_read_bandwidth), on one thread and
 *    on every core; each kernel's GB/s is printed as a fraction of the all-core figure;
 *  - files in bench/tmp (written once, reused): 1 GiB float64 (a, a[::2], (16384, 8192).T), 1 GiB float32,
 *    1 GiB big-endian '>f8', and a 4 GiB sparse float64 file (count_nonzero over holes);
 *  - every measurement in a FRESH PROCESS that maps the file anew for each of its runs (bench/kernelChild.ts for
 *    ours; python3 with np.load(mmap_mode='r') for NumPy), so both pay the page faults of a newly opened file;
 *    the page cache is warm (each file is read once before timing);
 *  - native with the automatic thread count (all cores) and with one thread, each row saying where C read the
 *    elements (pread: from the file, sk_reduce_file; mapping: through the prefaulted mapping); native on all cores
 *    forced through the mapping (readSource 'mapping': the measurement that chose pread); the TypeScript fallback;
 *  - the cost of one koffi call on a tiny view, and of mapping a 4 GiB (sparse) file vs a 4 KiB one.
 * Medians of `runs` runs (default 5). GB/s = bytes of the view's elements / seconds (1 GB = 1e9 bytes).
 *
 * Run alone: `npx tsx bench/kernels.ts [--runs N]` (prints the tables and a JSON line), or from bench/run.ts.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { DType } from '../src-main/core/dtype';
import { NDArray } from '../src-main/core/ndarray';
import { OwnedMemory } from '../src-main/core/memory';
import { installRealAddresses, mapFile } from '../src-main/platform/mappedMemory';
import { nativeLibrary, nativeUnavailableReason } from '../src-main/platform/nativeLibrary';
import { runKernel } from '../src-main/platform/nativeKernels';
import type { ChildSpec } from './kernelChild';
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

interface DataFile {
  path: string;
  header: number;
  n: number;
  dtype: string;
}

/**
 * bench/tmp/<name>: a .npy of `bytes` bytes of `descr` values (i % 1000) * 0.25 (exact in every float type, so
 * every summation order gives the same sum), or all holes when `sparse`; written once and reused.
 */
function ensureNpy(dir: string, name: string, descr: string, bytes: number, sparse = false): DataFile {
  const itemsize = Number(descr.slice(2));
  const n = bytes / itemsize;
  const header = npyHeader(descr, [n]);
  const path = join(dir, name);
  if (!existsSync(path) || statSync(path).size !== header.length + bytes) {
    const fd = openSync(path, 'w');
    writeSync(fd, header);
    if (sparse) {
      ftruncateSync(fd, header.length + bytes);
    } else {
      const chunk = Buffer.alloc(1 << 23);
      const per = chunk.length / itemsize;
      for (let i = 0; i < n; i += per) {
        for (let j = 0; j < per; j++) {
          const v = ((i + j) % 1000) * 0.25;
          if (descr === '<f8') chunk.writeDoubleLE(v, j * 8);
          else if (descr === '>f8') chunk.writeDoubleBE(v, j * 8);
          else chunk.writeFloatLE(v, j * 4);
        }
        writeSync(fd, chunk);
      }
    }
    closeSync(fd);
  }
  return { path, header: header.length, n, dtype: descr };
}

/** Read a file once so the timed runs find it in the page cache. */
function warm(f: DataFile): void {
  const mem = mapFile(f.path, { offset: f.header, length: f.n * Number(f.dtype.slice(2)), mode: 'r' });
  try {
    runKernel('count_nonzero', new NDArray({ memory: mem, dtype: DType.parse(f.dtype), shape: [f.n] }));
  } finally {
    mem.release('warm');
  }
}

interface Measured {
  s: number;
  result: unknown;
  implementation: string;
  threads: unknown;
  source?: unknown;
}

function ours(spec: ChildSpec): Measured | { error: string } {
  const child = join(process.cwd(), 'bench', 'kernelChild.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, JSON.stringify(spec)], { encoding: 'utf8' });
  if (r.status !== 0)
    return { error: (r.stderr || r.error?.message || 'child failed').trim().split('\n').slice(-3).join(' ') };
  const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    seconds: number[];
    result: unknown;
    implementation: string;
    threads: unknown;
    source?: unknown;
  };
  return {
    s: median(o.seconds),
    result: o.result,
    implementation: o.implementation,
    threads: o.threads,
    source: o.source === 'pread' ? 'pread' : o.source === 'memory' ? 'mapping' : undefined,
  };
}

function numpy(f: DataFile, view: string, kernel: string, runs: number): Measured | { error: string } {
  const code = `
import json, sys, time
import numpy as np
path, header, view, kernel, runs = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
ts = []
for _ in range(runs):
    a = np.load(path, mmap_mode='r')
    v = a if view == 'a' else a[::2] if view == 'step2' else a.reshape(16384, -1).T
    t0 = time.perf_counter()
    r = np.sum(v) if kernel == 'sum' else np.count_nonzero(v)
    ts.append(time.perf_counter() - t0)
    del v, a
ts.sort()
print(json.dumps({'s': ts[len(ts) // 2], 'result': float(r), 'version': np.__version__}))
`;
  const r = spawnSync('python3', ['-c', code, f.path, String(f.header), view, kernel, String(runs)], {
    encoding: 'utf8',
  });
  if (r.error || r.status !== 0)
    return { error: (r.error?.message ?? r.stderr ?? '').trim().split('\n').pop() ?? 'python3 failed' };
  const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as { s: number; result: number; version: string };
  return { s: o.s, result: o.result, implementation: `numpy ${o.version}`, threads: 1 };
}

/** Read-only C sum of 1 GiB in RAM: the DRAM limit, on 1 thread and on every core (medians). */
function dramLimit(runs: number): { one: number; all: number; threads: number } | null {
  const lib = nativeLibrary();
  if (!lib) return null;
  const buf = Buffer.alloc(GiB, 1); // filled: every page is resident before timing
  const out = new BigUint64Array(1);
  const threads = availableParallelism();
  const time = (t: number) => median(timeRuns(runs, () => void lib.fn.sk_read_bandwidth(buf, GiB, t, out)));
  time(1);
  return { one: GiB / time(1) / 1e9, all: GiB / time(threads) / 1e9, threads };
}

function rss(): number {
  return process.memoryUsage().rss;
}

function openCost(dir: string, runs: number): Record<string, number> {
  const big = join(dir, 'open_4g.bin');
  const small = join(dir, 'open_4k.bin');
  for (const [p, size] of [
    [big, 4 * GiB],
    [small, 4096],
  ] as const) {
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

export async function benchKernels(dir: string, runs = 5): Promise<Record<string, unknown>> {
  installRealAddresses();
  mkdirSync(dir, { recursive: true });
  const lib = nativeLibrary();
  const out: Record<string, unknown> = { kernels_native: lib !== null, load_before: loadavg()[0] };
  const f8 = ensureNpy(dir, 'kernels_1g_f8.npy', '<f8', GiB);
  const f4 = ensureNpy(dir, 'kernels_1g_f4.npy', '<f4', GiB);
  const be8 = ensureNpy(dir, 'kernels_1g_be8.npy', '>f8', GiB);
  const sparse = ensureNpy(dir, 'kernels_4g_sparse_f8.npy', '<f8', 4 * GiB, true);
  for (const f of [f8, f4, be8]) warm(f);

  const limit = dramLimit(runs);
  const rows: (string | number)[][] = [];
  const gbps = (bytes: number, s: number) => bytes / s / 1e9;
  if (limit) {
    out.dram_1thread_gbps = limit.one;
    out.dram_all_gbps = limit.all;
    rows.push(['DRAM limit: C sum of 1 GiB in RAM, 1 thread', '', '', limit.one.toFixed(1), '', '', '', '']);
    rows.push([
      `DRAM limit: C sum of 1 GiB in RAM, ${limit.threads} threads`,
      '',
      '',
      limit.all.toFixed(1),
      '1.00',
      '',
      '',
      '',
    ]);
  }
  const cases: {
    key: string;
    label: string;
    f: DataFile;
    view: ChildSpec['view'];
    kernel: 'sum' | 'count_nonzero';
    fallback: boolean;
  }[] = [
    { key: 'contiguous', label: 'sum a (1 GiB <f8)', f: f8, view: 'a', kernel: 'sum', fallback: true },
    { key: 'step2', label: 'sum a[::2]', f: f8, view: 'step2', kernel: 'sum', fallback: true },
    { key: 'transposed', label: 'sum (16384, 8192).T', f: f8, view: 'T', kernel: 'sum', fallback: true },
    { key: 'f4', label: 'sum 1 GiB <f4', f: f4, view: 'a', kernel: 'sum', fallback: true },
    { key: 'be8', label: "sum 1 GiB '>f8'", f: be8, view: 'a', kernel: 'sum', fallback: true },
    {
      key: 'sparse_nonzero',
      label: 'count_nonzero 4 GiB sparse <f8',
      f: sparse,
      view: 'a',
      kernel: 'count_nonzero',
      fallback: false,
    },
  ];
  for (const c of cases) {
    const bytes = (c.view === 'step2' ? c.f.n / 2 : c.f.n) * Number(c.f.dtype.slice(2));
    const base = {
      file: c.f.path,
      header: c.f.header,
      dtype: c.f.dtype,
      n: c.f.n,
      view: c.view,
      kernel: c.kernel,
      runs,
    };
    const all = ours(base);
    const viaMapping = ours({ ...base, readSource: 'mapping' });
    const one = ours({ ...base, threads: 1 });
    const np = numpy(c.f, c.view, c.kernel, runs);
    const fb = c.fallback ? ours({ ...base, forceFallback: true }) : null;
    const row = (what: string, m: Measured | { error: string } | null, vsNumpy: boolean, vsOne: boolean) => {
      if (!m) return;
      if ('error' in m) {
        rows.push([what, `failed: ${m.error}`, '', '', '', '', '', '']);
        return;
      }
      const g = gbps(bytes, m.s);
      const npS = np && !('error' in np) ? np.s : NaN;
      const oneS = !('error' in one) ? one.s : NaN;
      rows.push([
        what,
        `${m.implementation}${m.implementation === 'native' ? ` (${String(m.threads)} thr, ${String(m.source)})` : ''} = ${String(m.result)}`,
        m.s.toFixed(4),
        g.toFixed(2),
        limit ? (g / limit.all).toFixed(2) : '',
        vsNumpy ? (m.s / npS).toFixed(2) : '',
        vsOne ? (m.s / oneS).toFixed(2) : '',
        '',
      ]);
    };
    row(`${c.label}: native, all cores`, all, true, false);
    row(`${c.label}: native, all cores, forced through the mapping`, viaMapping, true, false);
    row(`${c.label}: native, 1 thread`, one, true, false);
    row(`${c.label}: numpy`, np, false, false);
    row(`${c.label}: TypeScript fallback`, fb, false, true);
    for (const [k, m] of [
      ['native', all],
      ['native_mapping', viaMapping],
      ['native_1t', one],
      ['numpy', np],
      ['fallback', fb],
    ] as const) {
      if (m && !('error' in m)) out[`${c.key}_${k}_s`] = m.s;
    }
    if (!('error' in all) && !('error' in np)) out[`${c.key}_native_over_numpy`] = all.s / np.s;
    if (!('error' in all)) out[`${c.key}_native_source`] = all.source;
    if (!('error' in viaMapping) && !('error' in np)) out[`${c.key}_native_mapping_over_numpy`] = viaMapping.s / np.s;
    if (fb && !('error' in fb) && !('error' in one)) out[`${c.key}_fallback_over_native_1t`] = fb.s / one.s;
  }
  out.load_after = loadavg()[0];
  printTable(
    `Kernels over fresh file mappings, each in a fresh process (medians of ${runs}; load average ${(out.load_before as number).toFixed(2)} -> ${(out.load_after as number).toFixed(2)}; native: ${lib ? lib.path : nativeUnavailableReason()})`,
    [
      'what',
      'implementation = result',
      'seconds',
      'GB/s',
      'x DRAM all-core',
      'x numpy time',
      'x native 1-thread time',
      '',
    ],
    rows,
  );

  const a = f8;
  const mem = mapFile(a.path, { offset: a.header, length: a.n * 8, mode: 'r' });
  const f8t = DType.parse('<f8');
  const arr = new NDArray({ memory: mem, dtype: f8t, shape: [a.n] });
  const callRows: (string | number)[][] = [];
  try {
    // koffi call overhead on a tiny view
    const tiny = new NDArray({ memory: new OwnedMemory('tiny', 8), dtype: f8t, shape: [1] });
    const calls = 20000;
    const per = (fn: () => void) =>
      median(
        timeRuns(runs, () => {
          for (let i = 0; i < calls; i++) fn();
        }),
      ) / calls;
    const endToEnd = per(() => void runKernel('sum', tiny));
    out.runkernel_call_ns = endToEnd * 1e9;
    callRows.push(['runKernel(sum) on 1 element', 'checks + koffi + C', (endToEnd * 1e9).toFixed(0) + ' ns']);
    const tinyMapped = arr.index({ start: 0, stop: 1, step: 1 });
    const endToEndMapped = per(() => void runKernel('sum', tinyMapped));
    out.runkernel_mapped_call_ns = endToEndMapped * 1e9;
    callRows.push([
      'runKernel(sum) on 1 mapped element',
      'checks + file size + koffi + C',
      (endToEndMapped * 1e9).toFixed(0) + ' ns',
    ]);
    if (lib) {
      const shape = BigInt64Array.of(1n);
      const strides = BigInt64Array.of(8n);
      const o = new Uint8Array(16);
      const addr = mem.address;
      const bare = per(() => void lib.fn.sk_sum(addr, 1, shape, strides, 11, 0, o));
      out.koffi_call_ns = bare * 1e9;
      callRows.push(['bare koffi call sk_sum (1 element)', 'koffi + C', (bare * 1e9).toFixed(0) + ' ns']);
    }
  } finally {
    mem.release('bench end');
  }
  printTable(`One call on a tiny view (medians of ${runs})`, ['what', 'path', 'per call'], callRows);

  const open = openCost(dir, runs);
  Object.assign(out, open);
  printTable(
    'mmap open cost (sparse files)',
    ['file', 'wall', 'RSS delta'],
    [
      ['4 KiB', `${(open.open_4k_s * 1e6).toFixed(1)} us`, `${(open.open_4k_rss_bytes / 1024).toFixed(0)} KiB`],
      ['4 GiB', `${(open.open_4g_s * 1e6).toFixed(1)} us`, `${(open.open_4g_rss_bytes / 1024).toFixed(0)} KiB`],
    ],
  );
  return out;
}

// `npx tsx bench/kernels.ts`
if (process.argv[1] && /bench[\\/]kernels\.ts$/.test(process.argv[1])) {
  const dir = join(process.cwd(), 'bench', 'tmp');
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const r = await benchKernels(dir, arg('--runs') ?? 5);
  console.log('\nJSON ' + JSON.stringify(r));
}
