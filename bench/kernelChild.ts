/**
 * One kernel measurement in a fresh process (spawned by bench/kernels.ts): map the file, build the view, run
 * the kernel once, unmap — `runs` times, each over a new mapping, so every run pays the page-table faults a
 * freshly opened file pays (the page cache stays warm: the file was read before). Prints one JSON line:
 * { seconds: [...], result, implementation, threads, source }.
 *
 *   node --import tsx bench/kernelChild.ts '<json>'   json: { file, header, dtype, n, view, kernel, runs,
 *                                                            forceFallback?, threads?, readSource? }
 *   view: 'a' | 'step2' (a[::2]) | 'T' (a.reshape(rows, n/rows).T)
 */
import { DType } from '../src-main/core/dtype';
import { NDArray } from '../src-main/core/ndarray';
import { installRealAddresses, mapFile } from '../src-main/platform/mappedMemory';
import { runKernel, type KernelName } from '../src-main/platform/nativeKernels';

export interface ChildSpec {
  file: string;
  header: number;
  dtype: string;
  n: number;
  rows?: number;
  view: 'a' | 'step2' | 'T';
  kernel: KernelName;
  runs: number;
  forceFallback?: boolean;
  threads?: number;
  /** KernelOptions.readSource: 'mapping' measures the prefaulted mapping where 'auto' would pread the file */
  readSource?: 'auto' | 'pread' | 'mapping';
}

const spec = JSON.parse(process.argv[2]) as ChildSpec;
installRealAddresses();
const dtype = DType.parse(spec.dtype);
const seconds: number[] = [];
let result: unknown;
let implementation = '';
let threads: unknown;
let source: unknown;
for (let i = 0; i < spec.runs; i++) {
  const mem = mapFile(spec.file, { offset: spec.header, length: spec.n * dtype.itemsize, mode: 'r' });
  const a = new NDArray({ memory: mem, dtype, shape: [spec.n] });
  const rows = spec.rows ?? 16384;
  const view =
    spec.view === 'a'
      ? a
      : spec.view === 'step2'
        ? a.index({ start: null, stop: null, step: 2 })
        : a.reshape([rows, spec.n / rows]).T;
  const t0 = process.hrtime.bigint();
  const r = runKernel(spec.kernel, view, {
    forceFallback: spec.forceFallback,
    threads: spec.threads,
    readSource: spec.readSource,
  });
  seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
  result = r.result;
  implementation = r.implementation;
  threads = r.call.args.threads ?? 'auto';
  source = r.source;
  mem.release('bench');
}
console.log(JSON.stringify({ seconds, result, implementation, threads, source }));
