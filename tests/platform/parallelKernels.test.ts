/**
 * The native reductions split over threads (native/kernels.c, sk_reduce_ex) and run asynchronously
 * (runKernelAsync):
 *  - float sums equal np.sum bit for bit (tests/fixtures/kernels/pairwise.json, scripts/gen_pairwise_fixtures.py:
 *    odd lengths, lengths around NumPy's pairwise block sizes 8 / 128, and lengths long enough to be cut into
 *    subtrees on several threads) with 1, 2, 3 and 8 threads and the automatic choice, contiguous and a[::2];
 *  - the order-free reductions (integer sums, counts, min/max with NaN and signed zeros) agree for 1, 2 and N
 *    threads and with the TypeScript kernels;
 *  - runKernelAsync reports progress that never decreases and ends at the total, stops within 50 ms of an abort,
 *    and keeps a mapping alive until C returns when the memory is released meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DType } from '../../src-main/core/dtype';
import { CancelledError, LifetimeError } from '../../src-main/core/errors';
import { OwnedMemory } from '../../src-main/core/memory';
import { NDArray } from '../../src-main/core/ndarray';
import { installRealAddresses, MappedMemory } from '../../src-main/platform/mappedMemory';
import { nativeLibrary } from '../../src-main/platform/nativeLibrary';
import { runKernel, type KernelName } from '../../src-main/platform/nativeKernels';
import { runKernelAsync } from '../../src-main/platform/kernelsAsync';
import { FIXTURES } from './helpers';

installRealAddresses();
const haveNative = nativeLibrary() !== null;

interface PairwiseCase {
  dtype: '<f8' | '<f4' | '<f2';
  n: number;
  sum: string;
  sum_step2: string;
}
const pairwise = JSON.parse(readFileSync(join(FIXTURES, 'pairwise.json'), 'utf8')) as { cases: PairwiseCase[] };

/** The formula of scripts/gen_pairwise_fixtures.py. */
function pairwiseData(dtype: PairwiseCase['dtype'], n: number): Uint8Array {
  if (dtype === '<f2') {
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) out[i] = halfBits((((i * 7919 + 13) % 2001) - 1000) / 64);
    return new Uint8Array(out.buffer);
  }
  const out = dtype === '<f8' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = ((i * 7919 + 13) % 1000003) / 1009 - 400;
  return new Uint8Array(out.buffer);
}

/** float16 bits of a value exactly representable in float16 (here: multiples of 1/64 below 16 in magnitude). */
function halfBits(v: number): number {
  if (v === 0) return 0;
  const sign = v < 0 ? 0x8000 : 0;
  let a = Math.abs(v);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  const mant = a / 2 ** e - 1; // [0, 1)
  a = Math.round(mant * 1024);
  return sign | ((e + 15) << 10) | a;
}

function bitsOf(result: unknown): string {
  const v =
    result === '-0.0'
      ? -0
      : result === 'inf'
        ? Infinity
        : result === '-inf'
          ? -Infinity
          : result === 'nan'
            ? NaN
            : (result as number);
  const b = new BigUint64Array(new Float64Array([v]).buffer)[0];
  return '0x' + b.toString(16).padStart(16, '0');
}

function arrayOver(label: string, bytes: Uint8Array, dtype: string, n: number): NDArray {
  return new NDArray({
    memory: new OwnedMemory(label, bytes, { writeable: false }),
    dtype: DType.parse(dtype),
    shape: [n],
  });
}

describe.skipIf(!haveNative)('float sums over threads: bit-identical to np.sum', () => {
  it('matches NumPy fixtures bit for bit with 1, 2, 3, 8 threads and automatic, contiguous and a[::2]', () => {
    let checked = 0;
    for (const c of pairwise.cases) {
      const a = arrayOver(`${c.dtype} n=${c.n}`, pairwiseData(c.dtype, c.n), c.dtype, c.n);
      const step2 = a.index({ start: null, stop: null, step: 2 });
      for (const threads of [undefined, 1, 2, 3, 8]) {
        const what = `${c.dtype} n=${c.n} threads=${threads ?? 'auto'}`;
        expect(bitsOf(runKernel('sum', a, { threads }).result), what).toBe(c.sum);
        expect(bitsOf(runKernel('sum', step2, { threads }).result), `${what} [::2]`).toBe(c.sum_step2);
        checked++;
      }
    }
    expect(checked).toBe(pairwise.cases.length * 5);
  });

  it('the TypeScript kernels agree with the fixtures too (same pairwise order)', () => {
    for (const c of pairwise.cases.filter((x) => x.n <= 262153)) {
      const a = arrayOver(`${c.dtype} n=${c.n}`, pairwiseData(c.dtype, c.n), c.dtype, c.n);
      expect(bitsOf(runKernel('sum', a, { forceFallback: true }).result), `${c.dtype} n=${c.n}`).toBe(c.sum);
    }
  });

  it('a transposed 2-D view (coalesces to one run) sums like the contiguous array, with any thread count', () => {
    const c = pairwise.cases.find((x) => x.dtype === '<f8' && x.n === 3 * 2 ** 20 + 7)!;
    const n = 3 * 2 ** 20; // 3072 x 1024, the fixture's first 3*2^20 elements
    const bytes = pairwiseData('<f8', c.n).subarray(0, n * 8);
    const a = arrayOver('2-D', bytes, '<f8', n);
    const t = a.reshape([3072, 1024]).T;
    const want = runKernel('sum', a, { threads: 1 }).result;
    for (const threads of [1, 2, 4]) expect(runKernel('sum', t, { threads }).result).toBe(want);
  });
});

describe.skipIf(!haveNative)('order-free reductions: 1, 2 and N threads agree', () => {
  const n = 1_000_003;
  function randomBytes(seed: number, nbytes: number): Uint8Array {
    const out = new Uint8Array(nbytes);
    let x = seed >>> 0;
    for (let i = 0; i < nbytes; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      out[i] = x >>> 24;
    }
    return out;
  }
  const KERNELS: KernelName[] = ['sum', 'min', 'max', 'count_nan', 'count_nonzero'];

  it('integers of every width, both byte orders, strided and multi-run views', () => {
    for (const dtype of ['|i1', '|u1', '<i2', '>u2', '<i4', '>i4', '<u8', '>i8', '|b1']) {
      const item = DType.parse(dtype).itemsize;
      const a = arrayOver(dtype, randomBytes(item, n * item), dtype, n);
      const views = [
        a,
        a.index({ start: 5, stop: null, step: 3 }),
        a.index({ start: 0, stop: 1000 * 999, step: 1 }).reshape([1000, 999]).T,
      ];
      for (const v of views) {
        for (const k of KERNELS) {
          const one = runKernel(k, v, { threads: 1 }).result;
          for (const threads of [2, 3, 7])
            expect(runKernel(k, v, { threads }).result, `${dtype} ${k} threads=${threads}`).toEqual(one);
          expect(runKernel(k, v).result, `${dtype} ${k} auto`).toEqual(one);
        }
      }
      // and the TypeScript kernels on the contiguous view
      for (const k of KERNELS)
        expect(runKernel(k, a, { forceFallback: true }).result, `${dtype} ${k} fallback`).toEqual(
          runKernel(k, a, { threads: 3 }).result,
        );
    }
  });

  it('floats with NaNs and signed zeros: min/max keep the first in memory order whatever the split', () => {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = ((i * 7919) % 1001) - 500;
    x[10] = -0;
    x[n - 10] = 0;
    const a = arrayOver('f8', new Uint8Array(x.buffer), '<f8', n);
    for (const k of ['min', 'max', 'count_nonzero', 'count_nan'] as KernelName[]) {
      const one = runKernel(k, a, { threads: 1 }).result;
      for (const threads of [2, 5, 16])
        expect(runKernel(k, a, { threads }).result, `${k} threads=${threads}`).toEqual(one);
      expect(runKernel(k, a, { forceFallback: true }).result).toEqual(one);
    }
    // zeros: -0.0 first in memory order in share 0, +0.0 later: max of an all-zero tail
    const z = new Float64Array(n);
    z[0] = -0;
    const za = arrayOver('zeros', new Uint8Array(z.buffer), '<f8', n);
    for (const threads of [1, 2, 8]) {
      expect(runKernel('max', za, { threads }).result).toBe('-0.0');
      expect(runKernel('min', za, { threads }).result).toBe('-0.0');
    }
    // NaN in the last share: still the answer (OwnedMemory copied x: a new array over the changed values)
    x[n - 3] = NaN;
    const withNan = arrayOver('f8 nan', new Uint8Array(x.buffer), '<f8', n);
    for (const threads of [1, 2, 8]) {
      expect(runKernel('min', withNan, { threads }).result).toBe('nan');
      expect(runKernel('count_nan', withNan, { threads }).result).toBe('1');
    }
  });

  it('threads outside 1..64 are refused', () => {
    const a = arrayOver('t', new Uint8Array(80), '<f8', 10);
    expect(() => runKernel('sum', a, { threads: 0 })).toThrow(/threads must be/);
    expect(() => runKernel('sum', a, { threads: 65 })).toThrow(/threads must be/);
  });
});

describe.skipIf(!haveNative)('runKernelAsync: progress and cancel', () => {
  let dir: string;
  let sparse: string;
  const BIG = 1024 ** 3; // sparse: reading it makes the OS zero-fill every page (slow enough to cancel)
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sk-async-'));
    sparse = join(dir, 'sparse.bin');
    const fd = openSync(sparse, 'w');
    ftruncateSync(fd, BIG);
    closeSync(fd);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers what runKernel answers, and progress never decreases and ends at the total', async () => {
    const n = 4_000_000;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = ((i * 7919 + 13) % 1000003) / 1009 - 400;
    const a = arrayOver('async', new Uint8Array(x.buffer), '<f8', n);
    const seen: [number, number][] = [];
    const r = await runKernelAsync('sum', a, { threads: 2, pollMs: 1, onProgress: (d, t) => seen.push([d, t]) });
    expect(r.result).toBe(runKernel('sum', a, { threads: 1 }).result);
    expect(r.call.function).toBe('sk_reduce_ex');
    expect(seen.length).toBeGreaterThan(0);
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThanOrEqual(seen[i - 1][0]);
    expect(seen.at(-1)).toEqual([n * 8, n * 8]);
  });

  it('progress moves while a long kernel runs on a mapping, monotonically', async () => {
    const mem = MappedMemory.open(sparse, { length: BIG / 4, mode: 'r' });
    const a = new NDArray({ memory: mem, dtype: DType.parse('<f8'), shape: [BIG / 32] });
    const seen: number[] = [];
    const r = await runKernelAsync('count_nonzero', a, { threads: 1, pollMs: 2, onProgress: (d) => seen.push(d) });
    expect(r.result).toBe('0');
    expect(seen.length).toBeGreaterThan(2); // intermediate values, not just the final one
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    expect(seen.at(-1)).toBe(BIG / 4);
    mem.release('test');
  });

  it('an abort stops the kernel within 50 ms and rejects with CancelledError', async () => {
    const mem = MappedMemory.open(sparse, { length: BIG, mode: 'r' });
    const a = new NDArray({ memory: mem, dtype: DType.parse('<f8'), shape: [BIG / 8] });
    const ac = new AbortController();
    let done = 0;
    const p = runKernelAsync('count_nonzero', a, {
      threads: 1,
      signal: ac.signal,
      pollMs: 1,
      onProgress: (d) => (done = d),
    });
    // abort once C has started scanning (progress moved), well before the end
    while (done === 0) await new Promise((r) => setTimeout(r, 1));
    const t0 = performance.now();
    ac.abort();
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    const ms = performance.now() - t0;
    expect(err).toBeInstanceOf(CancelledError);
    expect(done).toBeLessThan(BIG);
    expect(ms).toBeLessThan(50);
    mem.release('test');
  });

  it('an already aborted signal rejects before anything runs', async () => {
    const a = arrayOver('x', new Uint8Array(80), '<f8', 10);
    const ac = new AbortController();
    ac.abort();
    await expect(runKernelAsync('sum', a, { signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
  });

  it('releasing the mapping while C reads it: C finishes on the still-mapped pages, later calls are refused', async () => {
    const mem = MappedMemory.open(sparse, { length: BIG / 4, mode: 'r' });
    const a = new NDArray({ memory: mem, dtype: DType.parse('<u1'), shape: [BIG / 4] });
    const p = runKernelAsync('count_nonzero', a, { threads: 2 });
    mem.release('closed during the kernel');
    expect(mem.alive).toBe(false);
    expect(() => runKernel('sum', a)).toThrow(LifetimeError);
    expect((await p).result).toBe('0');
  });
});
