/**
 * The file source of the native reductions (native/kernels.c "File source", sk_reduce_file): over a SHARED file
 * mapping each chunk is read with pread into a per-thread buffer instead of being faulted in through the mapping.
 *  - float sums from the file equal np.sum bit for bit (tests/fixtures/kernels/pairwise.json,
 *    scripts/gen_pairwise_fixtures.py) with 1, 2 and 5 threads, exactly as the mapping path and the TypeScript
 *    kernels do, at a page-aligned and an unaligned file offset;
 *  - every reduction agrees between pread, mapping and TypeScript (itself reading windows by pread or through the
 *    mapping) on strided, reversed, transposed, multi-run and
 *    wide-stride views (the last keep the mapping: source 'memory');
 *  - 'r+' mappings: bytes written through the mapping are what pread reads; 'c' (copy-on-write) mappings never
 *    use the file: their private pages are what is summed;
 *  - a file truncated under the mapping is a typed fault (SK_E_FAULT / LifetimeError), never garbage or a crash;
 *  - progress is monotonic and cancel answers within 50 ms on the pread path too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DType } from '../../src-main/core/dtype';
import { CancelledError, LifetimeError } from '../../src-main/core/errors';
import { NDArray } from '../../src-main/core/ndarray';
import { installRealAddresses, MappedMemory } from '../../src-main/platform/mappedMemory';
import { nativeLibrary, SK_E_FAULT } from '../../src-main/platform/nativeLibrary';
import { runKernel, type KernelName, type KernelOptions } from '../../src-main/platform/nativeKernels';
import { runKernelAsync } from '../../src-main/platform/kernelsAsync';
import { FIXTURES } from './helpers';

installRealAddresses();
const haveNative = nativeLibrary() !== null && process.platform !== 'win32';

interface PairwiseCase {
  dtype: '<f8' | '<f4' | '<f2';
  n: number;
  sum: string;
  sum_step2: string;
}
const pairwise = JSON.parse(readFileSync(join(FIXTURES, 'pairwise.json'), 'utf8')) as { cases: PairwiseCase[] };

/** The formula of scripts/gen_pairwise_fixtures.py (float16: exact multiples of 1/64). */
function pairwiseData(dtype: PairwiseCase['dtype'], n: number): Uint8Array {
  if (dtype === '<f2') {
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      f[0] = (((i * 7919 + 13) % 2001) - 1000) / 64; // exact in float16: truncating the float32 bits is exact
      const x = u[0];
      const sign = (x >>> 16) & 0x8000;
      const e = (x >>> 23) & 0xff;
      out[i] = e === 0 ? sign : sign | ((e - 112) << 10) | ((x >>> 13) & 0x3ff);
    }
    return new Uint8Array(out.buffer);
  }
  const out = dtype === '<f8' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = ((i * 7919 + 13) % 1000003) / 1009 - 400;
  return new Uint8Array(out.buffer);
}

function bitsOf(result: unknown): string {
  const v = result === '-0.0' ? -0 : result === 'inf' ? Infinity : result === '-inf' ? -Infinity : (result as number);
  return '0x' + new BigUint64Array(new Float64Array([v]).buffer)[0].toString(16).padStart(16, '0');
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sk-file-source-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file of `header` filler bytes then `bytes`; returns its path. */
function writeFile(name: string, header: number, bytes: Uint8Array): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  writeSync(fd, new Uint8Array(header).fill(0x5a));
  writeSync(fd, bytes);
  closeSync(fd);
  return path;
}

const PREAD: KernelOptions = { readSource: 'pread' };
const MAPPING: KernelOptions = { readSource: 'mapping' };

describe.skipIf(!haveNative)('file source: float sums bit-identical to np.sum', () => {
  for (const header of [4096, 100]) {
    it(`pread, mapping and TypeScript give NumPy's bits, 1/2/5 threads, contiguous and a[::2] (data at file offset ${header})`, () => {
      let checked = 0;
      for (const c of pairwise.cases) {
        const bytes = pairwiseData(c.dtype, c.n);
        const path = writeFile(`pw${c.dtype.slice(1)}_${c.n}_${header}.bin`, header, bytes);
        const mem = MappedMemory.open(path, { offset: header, length: bytes.byteLength, mode: 'r' });
        try {
          const a = new NDArray({ memory: mem, dtype: DType.parse(c.dtype), shape: [c.n] });
          const step2 = a.index({ start: null, stop: null, step: 2 });
          for (const threads of [1, 2, 5]) {
            const what = `${c.dtype} n=${c.n} threads=${threads}`;
            const p = runKernel('sum', a, { ...PREAD, threads });
            expect(p.source, what).toBe('pread');
            expect(p.call.function).toBe('sk_reduce_file');
            expect(bitsOf(p.result), `${what} pread`).toBe(c.sum);
            const m = runKernel('sum', a, { ...MAPPING, threads });
            expect(m.source).toBe('memory');
            expect(bitsOf(m.result), `${what} mapping`).toBe(c.sum);
            expect(bitsOf(runKernel('sum', step2, { ...PREAD, threads }).result), `${what} [::2] pread`).toBe(
              c.sum_step2,
            );
            expect(bitsOf(runKernel('sum', step2, { ...MAPPING, threads }).result), `${what} [::2] mapping`).toBe(
              c.sum_step2,
            );
            checked++;
          }
          if (c.n <= 262153)
            expect(bitsOf(runKernel('sum', a, { forceFallback: true }).result), `${c.dtype} n=${c.n} TS`).toBe(c.sum);
        } finally {
          mem.release('test');
          rmSync(path);
        }
      }
      expect(checked).toBe(pairwise.cases.length * 3);
    });
  }
});

describe.skipIf(!haveNative)('file source: every reduction agrees with the mapping and TypeScript', () => {
  const n = 1_048_583; // a[::2] and friends still span several pread chunks and threads
  const KERNELS: KernelName[] = ['sum', 'min', 'max', 'count_nan', 'count_nonzero'];
  let path: string;
  const header = 96;
  beforeAll(() => {
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = ((i * 7919 + 13) % 1000003) / 1009 - 400;
    x[12345] = NaN;
    x[7] = -0;
    x[n - 7] = 0;
    path = writeFile('mixed.bin', header, new Uint8Array(x.buffer));
  });

  for (const dtype of ['<f8', '>f8', '<f4', '<f2', '<c16', '>c8', '<i4', '>u2', '|i1', '|b1']) {
    it(`${dtype}: contiguous, strided, reversed, transposed, multi-run and wide-stride views`, () => {
      const item = DType.parse(dtype).itemsize;
      const count = Math.floor((n * 8) / item);
      const mem = MappedMemory.open(path, { offset: header, length: count * item, mode: 'r' });
      try {
        const a = new NDArray({ memory: mem, dtype: DType.parse(dtype), shape: [count] });
        const rows = Math.min(1000, Math.floor(count / 999));
        const square = a.index({ start: 0, stop: rows * 999, step: 1 }).reshape([rows, 999]);
        const views: [string, NDArray, 'pread' | 'memory'][] = [
          ['a', a, 'pread'],
          ['a[::3]', a.index({ start: 1, stop: null, step: 3 }), 'pread'],
          ['a[::-1]', a.index({ start: null, stop: null, step: -1 }), 'pread'],
          ['a[::-2]', a.index({ start: null, stop: null, step: -2 }), 'pread'],
          ['2-D .T', square.T, 'pread'],
          [
            '2-D [:, 1:-1:2] (many runs)',
            square.index({ start: null, stop: null, step: 1 }, { start: 1, stop: -1, step: 2 }),
            'pread',
          ],
          // a stride above 1024 bytes keeps the mapping even when pread is asked for
          ['a[::k] wide', a.index({ start: null, stop: null, step: Math.ceil(1100 / item) }), 'memory'],
        ];
        for (const [name, v, source] of views) {
          for (const k of KERNELS) {
            const want = runKernel(k, v, { ...MAPPING, threads: 1 }).result;
            for (const threads of [1, 2, 3]) {
              const r = runKernel(k, v, { ...PREAD, threads });
              expect(r.source, `${dtype} ${name} ${k}`).toBe(source);
              expect(r.result, `${dtype} ${name} ${k} threads=${threads}`).toEqual(want);
            }
            for (const readSource of ['pread', 'mapping'] as const) {
              const r = runKernel(k, v, { readSource, forceFallback: true });
              expect(r.source, `${dtype} ${name} ${k} TS ${readSource}`).toBe(
                readSource === 'pread' ? 'pread' : 'memory',
              );
              expect(r.result, `${dtype} ${name} ${k} TS ${readSource}`).toEqual(want);
            }
          }
        }
      } finally {
        mem.release('test');
      }
    });
  }

  it("'auto' reads views of 4 MiB and more from the file, smaller ones through the mapping", () => {
    const mem = MappedMemory.open(path, { offset: header, length: n * 8, mode: 'r' });
    try {
      const a = new NDArray({ memory: mem, dtype: DType.parse('<f8'), shape: [n] });
      expect(runKernel('sum', a).source).toBe('pread');
      expect(runKernel('sum', a.index({ start: 0, stop: 1000, step: 1 })).source).toBe('memory');
      expect(runKernel('sum', a.index({ start: 0, stop: 1000, step: 1 })).call.function).toBe('sk_sum');
    } finally {
      mem.release('test');
    }
  });
});

describe.skipIf(!haveNative)('file source: which mappings may use it', () => {
  it("'r+': bytes written through the mapping are what pread reads", () => {
    const n = 1 << 20;
    const path = writeFile('rplus.bin', 0, new Uint8Array(n * 8));
    const mem = MappedMemory.open(path, { length: n * 8, mode: 'r+' });
    try {
      const a = new NDArray({ memory: mem, dtype: DType.parse('<f8'), shape: [n] });
      expect(runKernel('sum', a, PREAD).result).toBe(0);
      mem.write(8 * 12345, new Uint8Array(new Float64Array([2.5]).buffer));
      mem.write(8 * (n - 1), new Uint8Array(new Float64Array([-0.25]).buffer));
      const r = runKernel('sum', a, { ...PREAD, threads: 2 });
      expect(r.source).toBe('pread');
      expect(r.result).toBe(2.25);
      expect(runKernel('count_nonzero', a, PREAD).result).toBe('2');
    } finally {
      mem.release('test');
    }
  });

  it("'c' (copy-on-write): a privately modified page is summed from the mapping, never from the file", () => {
    const n = 1 << 20;
    const path = writeFile('cow.bin', 0, new Uint8Array(n * 8));
    const mem = MappedMemory.open(path, { length: n * 8, mode: 'c' });
    try {
      expect(mem.fileSource()).toBeNull();
      const a = new NDArray({ memory: mem, dtype: DType.parse('<f8'), shape: [n] });
      mem.write(8 * 777, new Uint8Array(new Float64Array([4.5]).buffer)); // private page: the file keeps zeros
      for (const opts of [PREAD, {}, { ...PREAD, threads: 2 }]) {
        const r = runKernel('sum', a, opts);
        expect(r.source).toBe('memory');
        expect(r.call.function).not.toBe('sk_reduce_file');
        expect(r.result).toBe(4.5);
      }
      expect(readFileSync(path).subarray(8 * 777, 8 * 778)).toEqual(Buffer.alloc(8)); // the file is unchanged
    } finally {
      mem.release('test');
    }
  });
});

describe.skipIf(!haveNative)('file source: a file truncated under the mapping', () => {
  it('sk_reduce_file answers SK_E_FAULT from pread (no garbage, no crash), every reduction, 1 and 2 threads', () => {
    const n = 1 << 20;
    const path = writeFile('trunc.bin', 0, new Uint8Array(n * 8).fill(1));
    const mem = MappedMemory.open(path, { length: n * 8, mode: 'r' });
    try {
      const src = mem.fileSource()!;
      truncateSync(path, (n * 8) / 2 + 4); // mid-element, mid-page
      const lib = nativeLibrary()!;
      const ctl = new Int32Array(16);
      for (const op of [0, 1, 2, 3, 4]) {
        for (const [dtype, item] of [
          [11, 8],
          [7, 8],
          [13, 16],
        ]) {
          for (const threads of [1, 2]) {
            const out = new Uint8Array(16).fill(0xee);
            const status = Number(
              lib.fn.sk_reduce_file(
                op,
                mem.address,
                1,
                new BigInt64Array([BigInt((n * 8) / item)]),
                new BigInt64Array([BigInt(item)]),
                dtype,
                0,
                threads,
                ctl,
                src.fd,
                src.address,
                src.fileOffset,
                out,
              ),
            );
            expect(status, `op ${op} dtype ${dtype} threads ${threads}`).toBe(SK_E_FAULT);
            expect(ctl[6], 'source: pread').toBe(1);
            expect(out.every((b) => b === 0xee)).toBe(true); // nothing written
          }
        }
      }
      // through the API: refused before C reads (MappedMemory.check), a typed error
      const a = new NDArray({ memory: mem, dtype: DType.parse('<f8'), shape: [n] });
      expect(() => runKernel('sum', a, PREAD)).toThrow(LifetimeError);
    } finally {
      mem.release('test');
    }
  });

  it('truncated while an asynchronous pread kernel runs: it rejects with LifetimeError', async () => {
    const BIG = 1024 ** 3;
    const path = join(dir, 'sparse-trunc.bin');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, BIG);
    closeSync(fd);
    const mem = MappedMemory.open(path, { length: BIG, mode: 'r' });
    try {
      const a = new NDArray({ memory: mem, dtype: DType.parse('<f8'), shape: [BIG / 8] });
      let done = 0;
      const p = runKernelAsync('count_nonzero', a, { threads: 1, pollMs: 1, onProgress: (d) => (done = d) });
      while (done === 0) await new Promise((r) => setTimeout(r, 1));
      truncateSync(path, 4096);
      const err = await p.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LifetimeError);
      expect(String(err)).toMatch(/sk_reduce_file/);
    } finally {
      mem.release('test');
    }
  });
});

describe.skipIf(!haveNative)('file source: progress and cancel', () => {
  let sparse: string;
  const BIG = 1024 ** 3;
  beforeAll(() => {
    sparse = join(dir, 'sparse.bin');
    const fd = openSync(sparse, 'w');
    ftruncateSync(fd, BIG);
    closeSync(fd);
  });

  it('progress never decreases and ends at the total; the answer says pread', async () => {
    const mem = MappedMemory.open(sparse, { length: BIG / 4, mode: 'r' });
    try {
      const a = new NDArray({ memory: mem, dtype: DType.parse('<f8'), shape: [BIG / 32] });
      const seen: number[] = [];
      const r = await runKernelAsync('sum', a, { ...PREAD, threads: 2, pollMs: 1, onProgress: (d) => seen.push(d) });
      expect(r.result).toBe(0);
      expect(r.source).toBe('pread');
      expect(r.call.function).toBe('sk_reduce_file');
      expect(seen.length).toBeGreaterThan(2);
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
      expect(seen.at(-1)).toBe(BIG / 4);
    } finally {
      mem.release('test');
    }
  });

  for (const threads of [1, 2]) {
    it(`an abort stops a pread kernel within 50 ms (${threads} thread${threads > 1 ? 's' : ''})`, async () => {
      const mem = MappedMemory.open(sparse, { length: BIG, mode: 'r' });
      try {
        const a = new NDArray({ memory: mem, dtype: DType.parse('<f8'), shape: [BIG / 8] });
        const ac = new AbortController();
        let done = 0;
        const p = runKernelAsync('sum', a, {
          ...PREAD,
          threads,
          signal: ac.signal,
          pollMs: 1,
          onProgress: (d) => (done = d),
        });
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
      } finally {
        mem.release('test');
      }
    });
  }

  it('a mapping released while a pread kernel runs keeps its descriptor until C returns', async () => {
    const n = 1 << 21;
    const x = new Float64Array(n).fill(0.5);
    const path = writeFile('release.bin', 0, new Uint8Array(x.buffer));
    const mem = MappedMemory.open(path, { length: n * 8, mode: 'r' });
    const a = new NDArray({ memory: mem, dtype: DType.parse('<f8'), shape: [n] });
    const p = runKernelAsync('sum', a, { ...PREAD, threads: 2 });
    mem.release('closed during the kernel');
    expect(mem.fileSource()).toBeNull();
    const r = await p;
    expect(r.source).toBe('pread');
    expect(r.result).toBe(n / 2);
  });
});
