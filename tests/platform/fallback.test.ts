/**
 * With the native library hidden (STRIDESCOPE_NATIVE_LIB pointing nowhere, or STRIDESCOPE_NO_NATIVE=1) every
 * kernel still answers — from TypeScript, saying so — with NumPy's results; mappings still read and write
 * (libc memcpy instead of the guarded native copy). This is what a clone without a C compiler runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DType } from '../../src-main/core/dtype';
import { OwnedMemory } from '../../src-main/core/memory';
import { NDArray } from '../../src-main/core/ndarray';
import { LifetimeError } from '../../src-main/core/errors';
import { installRealAddresses, MappedMemory } from '../../src-main/platform/mappedMemory';
import { nativeLibrary, nativeUnavailableReason, reloadNativeLibrary } from '../../src-main/platform/nativeLibrary';
import {
  readAt,
  runKernel,
  walkOffsetsNative,
  byteswapInPlace,
  contiguousCopy,
  type KernelName,
} from '../../src-main/platform/nativeKernels';
import { arrayOf, expectMatchesNumpy, loadDatasets, ownedMemoryOf, REDUCTIONS } from './helpers';

installRealAddresses();
const saved = { lib: process.env.STRIDESCOPE_NATIVE_LIB, no: process.env.STRIDESCOPE_NO_NATIVE };
afterEach(() => {
  for (const [k, v] of [
    ['STRIDESCOPE_NATIVE_LIB', saved.lib],
    ['STRIDESCOPE_NO_NATIVE', saved.no],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  reloadNativeLibrary();
});

// the environment is read when the library is (re)loaded: every change here is followed by reloadNativeLibrary()
const hides: [string, () => void][] = [
  [
    'STRIDESCOPE_NATIVE_LIB pointing nowhere',
    () => (
      (process.env.STRIDESCOPE_NATIVE_LIB = join(tmpdir(), 'no-such-dir', 'stridescope_kernels.so')),
      reloadNativeLibrary()
    ),
  ],
  ['STRIDESCOPE_NO_NATIVE=1', () => ((process.env.STRIDESCOPE_NO_NATIVE = '1'), reloadNativeLibrary())],
];

describe.each(hides)('with the library hidden (%s)', (_, hide) => {
  it('the library does not load and says why', () => {
    hide();
    expect(nativeLibrary()).toBeNull();
    expect(nativeUnavailableReason()).toMatch(/not found|STRIDESCOPE_NO_NATIVE/);
  });

  it("every kernel answers from TypeScript with NumPy's results, and says which implementation ran", () => {
    hide();
    for (const ds of loadDatasets()) {
      const mem = ownedMemoryOf(ds);
      for (const c of ds.cases) {
        const arr = arrayOf(mem, ds, c);
        for (const k of REDUCTIONS) {
          if (c.expected[k] === undefined) continue;
          const a = runKernel(k, arr);
          expect(a.implementation).toBe('typescript');
          expect(a.fallbackReason).toBeTruthy();
          expect(a.call.prototype).toContain('sk_');
          expectMatchesNumpy(ds, c, k, a.result, `${ds.name} ${c.view} ${k}`);
        }
        expect(runKernel('contiguous_copy', arr).implementation).toBe('typescript');
      }
    }
  });

  it('walk offsets, read_at, byteswap and copies answer too', () => {
    hide();
    const mem = new OwnedMemory('a', new Uint8Array([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]));
    const arr = new NDArray({ memory: mem, dtype: DType.parse('<i4'), shape: [3] });
    const w = walkOffsetsNative({ shape: [3], strides: [-4], offset: 8 }, 0, 3);
    expect(w.implementation).toBe('typescript');
    expect(Array.from(w.offsets)).toEqual([8, 4, 0]);
    const r = readAt(mem, 4, 'int');
    expect([r.implementation, r.value]).toEqual(['typescript', '2']);
    expect(contiguousCopy(arr.index({ start: null, stop: null, step: -1 })).bytes).toEqual(
      new Uint8Array([3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0]),
    );
    expect(byteswapInPlace(arr).implementation).toBe('typescript');
    expect(arr.values()).toEqual([0x01000000, 0x02000000, 0x03000000]);
  });

  it('mapped files still read, and truncation is still a LifetimeError', () => {
    hide();
    const dir = mkdtempSync(join(tmpdir(), 'sk-fb-'));
    try {
      const path = join(dir, 'f.bin');
      writeFileSync(path, new Uint8Array(new Float64Array([1, 2, 3, 4]).buffer));
      const m = MappedMemory.open(path, { offset: 8, length: 24, mode: 'r' });
      const arr = new NDArray({ memory: m, dtype: DType.parse('<f8'), shape: [3] });
      const a = runKernel('sum', arr);
      expect([a.implementation, a.result]).toEqual(['typescript', 9]);
      truncateSync(path, 8);
      for (const k of REDUCTIONS as KernelName[]) expect(() => runKernel(k, arr)).toThrow(LifetimeError);
      m.release('close');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
