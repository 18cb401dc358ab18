/**
 * The kernels against NumPy (tests/fixtures/kernels, written by scripts/gen_kernel_fixtures.py) and against
 * each other: C (native/kernels.c through koffi) and TypeScript (kernelsFallback.ts) must give the same JSON
 * answer bit for bit — integers, min/max, counts, checksums and float sums alike (same summation order) — on
 * every numeric dtype in both byte orders, on fixture views and on random strided views from fast-check
 * (negative, zero and unaligned strides, 0-d and empty views).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DType } from '../../src-main/core/dtype';
import { OwnedMemory } from '../../src-main/core/memory';
import { NDArray } from '../../src-main/core/ndarray';
import { byteBounds, walkOffsets } from '../../src-main/core/layout';
import { BoundsError, LifetimeError, UnsupportedError, ArgumentError } from '../../src-main/core/errors';
import { installRealAddresses, MappedMemory } from '../../src-main/platform/mappedMemory';
import { nativeLibrary } from '../../src-main/platform/nativeLibrary';
import {
  byteswapInPlace,
  contiguousCopy,
  readAt,
  runKernel,
  walkOffsetsNative,
  type KernelName,
  type KernelOptions,
} from '../../src-main/platform/nativeKernels';
import { arrayOf, expectMatchesNumpy, loadDatasets, ownedMemoryOf, REDUCTIONS, FIXTURES } from './helpers';

installRealAddresses();
const datasets = loadDatasets();
const haveNative = nativeLibrary() !== null;

function answer(
  kernel: KernelName,
  arr: NDArray,
  forceFallback: boolean,
): { ok: true; result: unknown; impl: string } | { ok: false; error: string } {
  return answerWith(kernel, arr, { forceFallback });
}

function answerWith(
  kernel: KernelName,
  arr: NDArray,
  opts: KernelOptions,
): { ok: true; result: unknown; impl: string } | { ok: false; error: string } {
  try {
    const a = runKernel(kernel, arr, opts);
    return { ok: true, result: a.result, impl: a.implementation };
  } catch (e) {
    return { ok: false, error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

describe('fixtures from NumPy', () => {
  it('cover every numeric dtype in both byte orders', () => {
    const dtypes = new Set(datasets.map((d) => d.dtype));
    for (const d of [
      '|b1',
      '|i1',
      '|u1',
      '<i2',
      '>i2',
      '<u2',
      '>u2',
      '<i4',
      '>i4',
      '<u4',
      '>u4',
      '<i8',
      '>i8',
      '<u8',
      '>u8',
      '<f2',
      '>f2',
      '<f4',
      '>f4',
      '<f8',
      '>f8',
      '<c8',
      '>c8',
      '<c16',
      '>c16',
    ]) {
      expect(dtypes.has(d), d).toBe(true);
    }
  });

  for (const ds of datasets) {
    it(`${ds.name}: the TypeScript kernels give NumPy's answers`, () => {
      const mem = ownedMemoryOf(ds);
      for (const c of ds.cases) {
        const arr = arrayOf(mem, ds, c);
        for (const k of REDUCTIONS) {
          if (c.expected[k] === undefined) {
            expect(() => runKernel(k, arr, { forceFallback: true }), `${ds.name} ${c.view} ${k}`).toThrow(
              ArgumentError,
            );
            continue;
          }
          const a = runKernel(k, arr, { forceFallback: true });
          expect(a.implementation).toBe('typescript');
          expectMatchesNumpy(ds, c, k, a.result, `${ds.name} ${c.view} ${k} (typescript)`);
        }
      }
    });

    it.skipIf(!haveNative)(
      `${ds.name}: C gives NumPy's answers and exactly the TypeScript answers, on owned and mapped memory`,
      () => {
        const owned = ownedMemoryOf(ds);
        const mapped = MappedMemory.open(join(FIXTURES, ds.file), { offset: 0, length: owned.size, mode: 'r' });
        try {
          for (const mem of [owned, mapped]) {
            for (const c of ds.cases) {
              const arr = arrayOf(mem, ds, c);
              for (const k of [...REDUCTIONS, 'contiguous_copy'] as KernelName[]) {
                const n = answer(k, arr, false);
                const t = answer(k, arr, true);
                expect(n, `${ds.name} ${c.view} ${k} ${mem.kind}`).toEqual(t.ok ? { ...t, impl: 'native' } : t);
                if (n.ok && k !== 'contiguous_copy')
                  expectMatchesNumpy(ds, c, k, n.result, `${ds.name} ${c.view} ${k} (native, ${mem.kind})`);
              }
            }
          }
        } finally {
          mapped.release('test end');
        }
      },
    );
  }
});

describe('call description', () => {
  it('shows the prototype and the exact arguments: data pointer in hex, shape and strides as int64', () => {
    const ds = datasets.find((d) => d.dtype === '<f8')!;
    const mem = ownedMemoryOf(ds);
    const c = ds.cases.find((x) => x.view === 'rev_rows_step_cols')!;
    const arr = arrayOf(mem, ds, c);
    const a = runKernel('sum', arr);
    expect(a.call.prototype).toBe(
      'int32_t sk_sum(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides, int32_t dtype, int32_t byteswap, void *out)',
    );
    expect(a.call.args).toEqual({
      data: `0x${(mem.address + BigInt(c.offset)).toString(16)}`,
      ndim: 2,
      shape: ['20', '15'],
      strides: [String(-30 * 8), '16'],
      dtype: 'SK_FLOAT64 (11)',
      byteswap: 0,
    });
    expect(mem.address).toBeGreaterThan(0x10000n);
    const be = datasets.find((d) => d.dtype === '>i4')!;
    expect(runKernel('max', arrayOf(ownedMemoryOf(be), be, be.cases[0])).call.args.byteswap).toBe(1);
    expect(typeof a.seconds).toBe('number');
    expect(JSON.parse(JSON.stringify(a)).result).toEqual(a.result);
  });
});

// ---------------------------------------------------------------------------------------------------- random views

const NUMERIC = [
  '|b1',
  '|i1',
  '|u1',
  '<i2',
  '>u2',
  '<i4',
  '>i4',
  '<u4',
  '<i8',
  '>i8',
  '<u8',
  '>u8',
  '<f2',
  '>f2',
  '<f4',
  '>f4',
  '<f8',
  '>f8',
  '<c8',
  '>c8',
  '<c16',
  '>c16',
];

const randomView = fc
  .record({
    dtype: fc.constantFrom(...NUMERIC),
    dims: fc.array(
      fc.record({
        n: fc.integer({ min: 0, max: 6 }),
        k: fc.integer({ min: -4, max: 4 }),
        skew: fc.integer({ min: -3, max: 3 }),
      }),
      { maxLength: 4 },
    ),
    slack: fc.nat({ max: 16 }),
    seed: fc.integer(),
    floaty: fc.boolean(),
    emptyOk: fc.boolean(),
  })
  .map(({ dtype, dims, slack, seed, floaty, emptyOk }) => {
    const dt = DType.parse(dtype);
    const w = dt.itemsize;
    // strides: multiples of the itemsize (k), sometimes skewed by a few bytes (unaligned), zero allowed
    const shape = dims.map((d) => (emptyOk ? d.n : Math.max(1, d.n)));
    const strides = dims.map((d) => d.k * w + (d.skew !== 0 && Math.abs(d.k) > 1 ? d.skew : 0));
    const { low, high } = byteBounds({ shape, strides, offset: 0 }, w);
    const size = Math.max(high - low, 0) + slack;
    const bytes = new Uint8Array(size);
    let x = seed | 1;
    for (let i = 0; i < size; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = x & 0xff;
    }
    if (floaty && (dt.kind === 'f' || dt.kind === 'c')) {
      // mostly ordinary numbers (random bytes are often NaN/huge): write small values in the stored byte order
      const part = dt.kind === 'c' ? w / 2 : w;
      const dv = new DataView(bytes.buffer);
      const le = dt.byteorder !== '>';
      for (let o = 0; o + part <= size; o += part) {
        const v = ((bytes[o] - 128) / 7) * (o % 3 === 0 ? 1e-3 : 10);
        if (part === 8) dv.setFloat64(o, v, le);
        else if (part === 4) dv.setFloat32(o, v, le);
        else dv.setUint16(o, halfBits(v), le);
      }
    }
    return { dtype, shape, strides, offset: -low + (slack >> 1), bytes };
  });

function halfBits(v: number): number {
  const b = new Uint8Array(2);
  DType.parse('<f2').encode(v, b, 0);
  return b[0] | (b[1] << 8);
}

describe('random strided views (fast-check)', () => {
  it.skipIf(!haveNative)('C and TypeScript agree exactly on every kernel', () => {
    fc.assert(
      fc.property(randomView, ({ dtype, shape, strides, offset, bytes }) => {
        const mem = new OwnedMemory('random', bytes);
        const arr = new NDArray({ memory: mem, dtype: DType.parse(dtype), shape, strides, offset });
        for (const k of [...REDUCTIONS, 'contiguous_copy'] as KernelName[]) {
          const n = answer(k, arr, false);
          const t = answer(k, arr, true);
          expect(n, `${k} ${dtype} shape=${shape} strides=${strides} offset=${offset}`).toEqual(
            t.ok ? { ...t, impl: 'native' } : t,
          );
        }
        expect(Array.from(contiguousCopy(arr).bytes)).toEqual(Array.from(arr.toBytes('C')));
      }),
      { numRuns: 400 },
    );
  });

  it('the TypeScript kernels give the same answers with any window size, on owned and mapped memory (and C agrees)', () => {
    // tiny windows make every path run: leaves straddling window edges, per-element loads, byte-swapped windows
    const dir = mkdtempSync(join(tmpdir(), 'sk-win-'));
    let file = 0;
    try {
      fc.assert(
        fc.property(
          randomView,
          fc.constantFrom(1, 7, 8, 24, 64, 200, 1024),
          ({ dtype, shape, strides, offset, bytes }, windowBytes) => {
            const path = join(dir, `v${file++}.bin`);
            writeFileSync(path, bytes);
            const mapped = MappedMemory.open(path, { offset: 0, length: bytes.length, mode: 'r' });
            try {
              for (const mem of [new OwnedMemory('random', bytes), mapped]) {
                const arr = new NDArray({ memory: mem, dtype: DType.parse(dtype), shape, strides, offset });
                for (const k of [...REDUCTIONS, 'contiguous_copy'] as KernelName[]) {
                  const what = `${k} ${dtype} shape=${shape} strides=${strides} offset=${offset} window=${windowBytes} ${mem.kind}`;
                  const small = answerWith(k, arr, { forceFallback: true, windowBytes });
                  expect(small, what).toEqual(answer(k, arr, true));
                  if (haveNative)
                    expect(small, what).toEqual(
                      answer(k, arr, false).ok ? { ...small, impl: 'typescript' } : answer(k, arr, false),
                    );
                }
              }
            } finally {
              mapped.release('test');
            }
          },
        ),
        { numRuns: 150 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('long runs across many windows: float sums bit-identical to C in both byte orders, contiguous, strided, reversed, transposed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-long-'));
    try {
      const n = 60_000;
      const f = new Float64Array(n);
      let x = 12345;
      for (let i = 0; i < n; i++) {
        x = (Math.imul(x, 1103515245) + 12345) | 0;
        f[i] = (x % 1000) * (i % 7 === 0 ? 1e-3 : 1.25) + (i % 5 === 0 ? 1e12 : 0);
      }
      const path = join(dir, 'long.bin');
      writeFileSync(path, new Uint8Array(f.buffer));
      const mapped = MappedMemory.open(path, { offset: 0, length: n * 8, mode: 'r' });
      try {
        for (const dtype of ['<f8', '>f8', '<f4', '>f4', '<f2', '>c16', '<c8']) {
          const dt = DType.parse(dtype);
          const m = Math.floor((n * 8) / dt.itemsize);
          const rows = 100;
          const a = new NDArray({ memory: mapped, dtype: dt, shape: [m] });
          const views: [string, NDArray][] = [
            ['contiguous', a],
            ['[::3]', a.index({ start: null, stop: null, step: 3 })],
            ['[::-1]', a.index({ start: null, stop: null, step: -1 })],
            ['2-D .T', new NDArray({ memory: mapped, dtype: dt, shape: [rows, Math.floor(m / rows)] }).T],
            [
              '2-D [:, ::2]',
              new NDArray({
                memory: mapped,
                dtype: dt,
                shape: [Math.floor(m / rows), rows / 2],
                strides: [rows * dt.itemsize, 2 * dt.itemsize],
              }),
            ],
          ];
          for (const [name, v] of views) {
            for (const k of ['sum', 'min', 'count_nonzero'] as KernelName[]) {
              const ref = answer(k, v, true);
              for (const windowBytes of [4096, 65536]) {
                expect(
                  answerWith(k, v, { forceFallback: true, windowBytes }),
                  `${dtype} ${name} ${k} window=${windowBytes}`,
                ).toEqual(ref);
              }
              if (haveNative)
                expect(answer(k, v, false), `${dtype} ${name} ${k} native`).toEqual(
                  ref.ok ? { ...ref, impl: 'native' } : ref,
                );
            }
          }
        }
      } finally {
        mapped.release('test');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!haveNative)('sk_walk_offsets agrees with core/layout walkOffsets', () => {
    fc.assert(
      fc.property(randomView, fc.nat({ max: 50 }), fc.nat({ max: 60 }), ({ shape, strides, offset }, start, count) => {
        const layout = { shape, strides, offset };
        const total = shape.reduce((a, b) => a * b, 1);
        const s = Math.min(start, total);
        const n = walkOffsetsNative(layout, s, count);
        expect(n.implementation).toBe('native');
        expect(Array.from(n.offsets)).toEqual(Array.from(walkOffsets(layout, s, count)));
      }),
      { numRuns: 300 },
    );
  });

  it('the TypeScript sum of a contiguous float64 view equals NumPy-style pairwise summation over one run', () => {
    // 1000 values whose sequential sum differs from the pairwise one
    const n = 1000;
    const f = new Float64Array(n);
    for (let i = 0; i < n; i++) f[i] = i % 2 ? 1e16 : 1.5 + i;
    const mem = new OwnedMemory('pw', new Uint8Array(f.buffer));
    const arr = new NDArray({ memory: mem, dtype: DType.parse('<f8'), shape: [n] });
    const pw = (a: number, len: number): number => {
      if (len < 8) {
        let r = 0;
        for (let i = 0; i < len; i++) r += f[a + i];
        return r;
      }
      if (len <= 128) {
        const r = Array.from(f.subarray(a, a + 8));
        let i = 8;
        for (; i < len - (len % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += f[a + i + j];
        let res = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
        for (; i < len; i++) res += f[a + i];
        return res;
      }
      let n2 = Math.floor(len / 2);
      n2 -= n2 % 8;
      return pw(a, n2) + pw(a + n2, len - n2);
    };
    let seq = 0;
    for (const v of f) seq += v;
    expect(pw(0, n)).not.toBe(seq);
    expect(runKernel('sum', arr, { forceFallback: true }).result).toBe(0 + pw(0, n));
  });
});

// ---------------------------------------------------------------------------------------------------- safety

describe('safety before any native call', () => {
  it('a released allocation is a LifetimeError for every kernel, native or not', () => {
    const mem = new OwnedMemory('freed', 64);
    const arr = new NDArray({ memory: mem, dtype: DType.parse('<f8'), shape: [8] });
    mem.release('del a');
    for (const k of [...REDUCTIONS, 'contiguous_copy'] as KernelName[]) {
      expect(() => runKernel(k, arr)).toThrow(LifetimeError);
      expect(() => runKernel(k, arr, { forceFallback: true })).toThrow(LifetimeError);
    }
  });

  it('a view reaching outside its allocation (as_strided) is a BoundsError, including through negative strides', () => {
    const mem = new OwnedMemory('small', 64);
    const f8 = DType.parse('<f8');
    const base = new NDArray({ memory: mem, dtype: f8, shape: [8] });
    const over = NDArray.asStrided(base, [9], [8]);
    const under = new NDArray({
      memory: mem,
      dtype: f8,
      shape: [3],
      strides: [-16],
      offset: 16,
      mayExceedMemory: true,
    });
    for (const arr of [over, under]) {
      for (const k of [...REDUCTIONS, 'contiguous_copy'] as KernelName[]) {
        expect(() => runKernel(k, arr)).toThrow(BoundsError);
        expect(() => runKernel(k, arr, { forceFallback: true })).toThrow(BoundsError);
      }
    }
    // zero strides stay inside: fine
    const bcast = NDArray.asStrided(base, [1000, 8], [0, 8]);
    expect(runKernel('count_nonzero', bcast).result).toBe('0');
  });

  it('non-numeric dtypes are refused by the reductions but checksummed and copied', () => {
    const mem = new OwnedMemory('s', new TextEncoder().encode('abcdefgh'));
    const arr = new NDArray({ memory: mem, dtype: DType.parse('S2'), shape: [4] });
    expect(() => runKernel('sum', arr)).toThrow(UnsupportedError);
    const a = runKernel('checksum', arr);
    const b = runKernel('checksum', arr, { forceFallback: true });
    expect(a.result).toEqual(b.result);
    expect(runKernel('contiguous_copy', arr.index({ start: null, stop: null, step: -1 })).result).toEqual({
      nbytes: 8,
      checksum: runKernel(
        'checksum',
        new NDArray({
          memory: new OwnedMemory('r', new TextEncoder().encode('ghefcdab')),
          dtype: DType.parse('S2'),
          shape: [4],
        }),
      ).result,
    });
  });
});

// ---------------------------------------------------------------------------------------------------- byteswap, read_at

describe('byteswap in place and read_at', () => {
  it('byteswap swaps each element (complex: each half), native and TypeScript alike, and refuses read-only memory', () => {
    for (const forceFallback of [false, true]) {
      const src = new Float64Array([1.5, -2, 3.25, 4]);
      const mem = new OwnedMemory('c', new Uint8Array(src.buffer));
      const c16 = new NDArray({ memory: mem, dtype: DType.parse('<c16'), shape: [2] });
      const r = byteswapInPlace(c16, { forceFallback });
      expect(r.implementation).toBe(forceFallback || !haveNative ? 'typescript' : 'native');
      const swapped = new NDArray({ memory: mem, dtype: DType.parse('>c16'), shape: [2] });
      expect(swapped.values()).toEqual([
        { re: 1.5, im: -2 },
        { re: 3.25, im: 4 },
      ]);
      const ro = new OwnedMemory('ro', 8, { writeable: false });
      expect(() =>
        byteswapInPlace(new NDArray({ memory: ro, dtype: DType.parse('<i8'), shape: [1] }), { forceFallback }),
      ).toThrow(BoundsError);
    }
  });

  it('read_at: what C reads at an address, as each C type, equals the TypeScript decoding', () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x80, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 9]);
    const mem = new OwnedMemory('r', bytes);
    const types = [
      'char',
      'signed char',
      'unsigned char',
      'short',
      'unsigned short',
      'int',
      'unsigned int',
      'long',
      'unsigned long',
      'long long',
      'float',
      'double',
      'void *',
      'size_t',
      '_Bool',
      'int16_t',
      'uint64_t',
      'intptr_t',
    ] as const;
    for (const t of types) {
      for (const off of [0, 1, 8, 9]) {
        const n = readAt(mem, off, t);
        const ts = readAt(mem, off, t, { forceFallback: true });
        expect(n.implementation).toBe(haveNative ? 'native' : 'typescript');
        expect([n.value, n.size], `${t} @${off}`).toEqual([ts.value, ts.size]);
      }
    }
    expect(readAt(mem, 8, 'double').value).toBe(1);
    expect(readAt(mem, 0, 'short').value).toBe(String(-257));
    expect(() => readAt(mem, 12, 'double')).toThrow(BoundsError);
    mem.release('gone');
    expect(() => readAt(mem, 0, 'int')).toThrow(LifetimeError);
  });
});

// ---------------------------------------------------------------------------------------------------- mapped files

describe('kernels over a mapped file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sk-kern-'));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it('a file truncated under a live mapping is a LifetimeError before any native call, and C itself survives it', () => {
    const path = join(dir, 'shrink.bin');
    const n = 1 << 16;
    const f = new Float64Array(n).fill(1);
    writeFileSync(path, new Uint8Array(f.buffer));
    const mem = MappedMemory.open(path, { offset: 0, length: n * 8, mode: 'r' });
    const arr = new NDArray({ memory: mem, dtype: DType.parse('<f8'), shape: [n] });
    expect(runKernel('sum', arr).result).toBe(n);
    writeFileSync(path, new Uint8Array(16)); // truncates to 16 bytes
    for (const k of [...REDUCTIONS, 'contiguous_copy'] as KernelName[]) {
      expect(() => runKernel(k, arr)).toThrow(LifetimeError);
      expect(() => runKernel(k, arr, { forceFallback: true })).toThrow(LifetimeError);
    }
    const lib = nativeLibrary();
    if (lib) {
      // bypass the check: the C kernel's SIGBUS guard turns the fault into SK_E_FAULT (-3) instead of a crash
      const out = new Uint8Array(16);
      const status = lib.fn.sk_sum(
        mem.address + 4096n * 4n,
        1,
        BigInt64Array.of(1024n),
        BigInt64Array.of(8n),
        11,
        0,
        out,
      );
      expect(Number(status)).toBe(-3);
      const dst = new Uint8Array(8);
      expect(Number(lib.fn.sk_copy_bytes(dst, mem.address + 8192n, 8n))).toBe(-3);
    }
    mem.release('test');
  });
});
