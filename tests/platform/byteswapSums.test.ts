/**
 * Byte-swapped float sums ('>f8', '>f4' on a little-endian host): the contiguous ones run native/kernels.c's AVX2
 * path (one byte shuffle per 8 lanes) when the CPU has AVX2. They must add exactly what the scalar path and the
 * TypeScript kernels add: the same pairwise tree, the 8 partial sums of a block in lanes. Checked bit for bit against
 * the TypeScript kernels at every length of the pairwise fixtures (odd lengths, around 8 / 128 / 256 and the thread
 * split), with 1 and 3 threads, and against the same values stored little-endian (the contiguous '<f8' / '<f4' sums
 * equal np.sum: tests/fixtures/kernels/pairwise.json).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DType } from '../../src-main/core/dtype';
import { OwnedMemory } from '../../src-main/core/memory';
import { NDArray } from '../../src-main/core/ndarray';
import { installRealAddresses } from '../../src-main/platform/mappedMemory';
import { nativeLibrary } from '../../src-main/platform/nativeLibrary';
import { runKernel } from '../../src-main/platform/nativeKernels';
import { FIXTURES } from './helpers';

installRealAddresses();
const haveNative = nativeLibrary() !== null;

const pairwise = JSON.parse(readFileSync(join(FIXTURES, 'pairwise.json'), 'utf8')) as {
  cases: { dtype: string; n: number; sum: string }[];
};

function bitsOf(result: unknown): string {
  const v = result === '-0.0' ? -0 : result === 'inf' ? Infinity : result === '-inf' ? -Infinity : (result as number);
  return '0x' + new BigUint64Array(new Float64Array([v]).buffer)[0].toString(16).padStart(16, '0');
}

/** The fixture formula (scripts/gen_pairwise_fixtures.py), stored in the given byte order. */
function values(itemsize: 4 | 8, n: number, bigEndian: boolean): Uint8Array {
  const bytes = new Uint8Array(n * itemsize);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    const x = ((i * 7919 + 13) % 1000003) / 1009 - 400;
    if (itemsize === 8) dv.setFloat64(i * 8, x, !bigEndian);
    else dv.setFloat32(i * 4, x, !bigEndian);
  }
  return bytes;
}

function array(bytes: Uint8Array, dtype: string, n: number): NDArray {
  return new NDArray({
    memory: new OwnedMemory(dtype, bytes, { writeable: false }),
    dtype: DType.parse(dtype),
    shape: [n],
  });
}

describe.skipIf(!haveNative)('byte-swapped float sums (AVX2 path) add what the scalar order adds', () => {
  for (const [be, le, itemsize] of [
    ['>f8', '<f8', 8],
    ['>f4', '<f4', 4],
  ] as const) {
    it(`${be}: every fixture length, 1 and 3 threads, equals TypeScript and the '${le}' sum (np.sum's bits)`, () => {
      for (const c of pairwise.cases.filter((x) => x.dtype === le)) {
        const a = array(values(itemsize, c.n, true), be, c.n);
        for (const threads of [1, 3]) {
          const r = runKernel('sum', a, { threads });
          expect(bitsOf(r.result), `${be} n=${c.n} threads=${threads}`).toBe(c.sum);
        }
        if (c.n <= 262153)
          expect(bitsOf(runKernel('sum', a, { forceFallback: true }).result), `${be} n=${c.n} TS`).toBe(c.sum);
        // an odd start (unaligned loads) sums the tail of the same values: C and TypeScript agree
        if (c.n > 1) {
          const tail = a.index({ start: 1, stop: null, step: 1 });
          expect(runKernel('sum', tail).result, `${be} n=${c.n} [1:]`).toBe(
            runKernel('sum', tail, { forceFallback: true }).result,
          );
        }
      }
    });
  }
});
