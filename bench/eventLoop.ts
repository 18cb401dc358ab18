/**
 * `npm run bench -- eventloop`: the largest event-loop delay of main (perf_hooks.monitorEventLoopDelay) while each
 * API method runs with its worst bounded arguments, through the handler object main registers. Goal: ≤ 50 ms for
 * every call (heavy work runs off the loop: kernels on koffi's worker thread, inflation on libuv's pool). Median of
 * 3 runs per case, next to an idle loop's delay over the same span (this machine's scheduling noise).
 */
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { zipSync } from 'fflate';
import { createHandlers } from '../src-main/api/handlers';
import { LIMITS, type Result } from '../src-main/api/contract';
import { DType } from '../src-main/core/dtype';
import { npyHeaderBytes } from '../src-main/formats/npy';
import { printTable } from './stats';

const GiB = 1024 ** 3;

async function maxDelay(work: () => Promise<unknown>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  try {
    await work();
  } finally {
    h.disable();
  }
  return h.max / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchEventLoop(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'sk-bench-eventloop-'));
  const big = join(dir, 'sparse-2GiB-f8.npy');
  const header = npyHeaderBytes(DType.parse('<f8'), [(2 * GiB) / 8], false);
  const fd = openSync(big, 'w');
  writeSync(fd, header);
  ftruncateSync(fd, header.length + 2 * GiB);
  closeSync(fd);
  const n = (256 * 1024 * 1024) / 8;
  const npyHead = npyHeaderBytes(DType.parse('<f8'), [n], false);
  const npy = new Uint8Array(npyHead.length + n * 8);
  npy.set(npyHead);
  const npz = join(dir, 'bomb.npz');
  writeFileSync(npz, zipSync({ 'a.npy': [npy, { level: 1 }] }));

  const h = createHandlers({ console: 'simulation' });
  const call = h as unknown as Record<string, (...a: unknown[]) => Promise<Result<unknown>>>;
  const opened = await h.openByUser(big, 'drop');
  if (!opened.ok) throw new Error(opened.error.message);
  const id = opened.value.id;
  const zeroStride = `np.lib.stride_tricks.as_strided(a, shape=(${LIMITS.maxKernelElements},), strides=(0,))`;
  const cases: [string, string, unknown[]][] = [
    ['runKernel sum, 2 GiB sparse', 'runKernel', [id, 'sum', 'a']],
    ['runKernel min, a[::-1]', 'runKernel', [id, 'min', 'a[::-1]']],
    ['runKernel count_nonzero, 2^31 zero-stride', 'runKernel', [id, 'count_nonzero', zeroStride]],
    ['runKernel checksum, 256 MiB', 'runKernel', [id, 'checksum', 'a[:33554432]']],
    ['runKernel contiguous_copy, 64 MiB', 'runKernel', [id, 'contiguous_copy', `a[:${LIMITS.maxViewCopyBytes / 8}]`]],
    ['openGrant .npz, 256 MiB inflated', 'openByUser', [npz, 'drop']],
    ['readBytes 1 MiB at the end', 'readBytes', [id, 2 * GiB - 16, LIMITS.maxBytesWindow]],
    ['walk 4096 of a[::-1]', 'walk', [id, 'a[::-1]', 0, LIMITS.maxWalkCount]],
    ['evalView', 'evalView', [id, 'a.reshape(1024, -1).T[::-3, 7::5]']],
    ['reinterpret', 'reinterpret', [id, 2 * GiB, 'lp64']],
    ['pointer', 'pointer', [{ id, expression: 'a[::-1]', ctype: 'c_double', model: 'lp64', index: -1000 }]],
    ['listArrays', 'listArrays', []],
    ['lifetime closed-mapping', 'lifetime', ['closed-mapping']],
    ['openExample', 'openExample', []],
  ];
  const rows: string[][] = [];
  const out: Record<string, number> = {};
  for (const [name, method, args] of cases) {
    const delays: number[] = [];
    const idles: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      delays.push(
        await maxDelay(async () => {
          const r = await call[method](...args);
          if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
          if (method === 'openByUser') await h.closeArray((r.value as { id: string }).id);
        }),
      );
      const span = performance.now() - t0;
      idles.push(await maxDelay(() => new Promise((r) => setTimeout(r, Math.max(50, span)))));
    }
    out[name] = median(delays);
    console.log(
      `eventloop: ${name}: max delay ${delays.map((d) => d.toFixed(1)).join(', ')} ms; idle ${idles.map((d) => d.toFixed(1)).join(', ')} ms`,
    );
    rows.push([name, median(delays).toFixed(1), median(idles).toFixed(1), median(delays) <= 50 ? 'yes' : 'NO']);
  }
  h.dispose();
  rmSync(dir, { recursive: true, force: true });
  printTable(
    'event loop: largest delay of main while a call runs (median ms of 3; goal ≤ 50)',
    ['call', 'max delay', 'idle same span', '≤ 50'],
    rows,
  );
  return { eventLoopMaxDelayMs: out };
}
