/**
 * .npy header fuzzing (seeded, fixed CI budget; `tsx scripts/fuzz.ts` runs longer): generated valid files,
 * the same mutated, headers built from generated Python-literal text (nesting, huge numbers, odd whitespace,
 * unicode, duplicated / missing / extra keys, lying lengths and versions), and random bytes. Plus exhaustive
 * sweeps: every byte of the header flipped, and every truncation, of a few real files.
 */
import { describe, expect, it } from 'vitest';
import { DType } from '../../src-main/core/dtype';
import { npyHeaderBytes } from '../../src-main/formats/npy';
import { CI_RUNS } from './arbitraries';
import { arbNpyBytes } from './generators';
import { fuzz, runCase, summary } from './harness';
import { npyTarget } from './targets';

function npyFile(
  descr: string | Parameters<typeof DType.fromDescr>[0],
  shape: number[],
  fortran = false,
  version?: [1, 0] | [2, 0] | [3, 0],
): Uint8Array {
  const dtype = DType.fromDescr(descr);
  const head = npyHeaderBytes(dtype, shape, fortran, version);
  const n = shape.reduce((a, b) => a * b, 1) * dtype.itemsize;
  const out = new Uint8Array(head.length + n);
  out.set(head);
  for (let i = 0; i < n; i++) out[head.length + i] = (i * 13 + 5) & 0xff;
  return out;
}

const SWEEP_FILES: [string, Uint8Array][] = [
  ['<i4 (2, 3)', npyFile('<i4', [2, 3])],
  ['>f8 (3,) fortran', npyFile('>f8', [3], true)],
  [
    'structured v2',
    npyFile(
      [
        ['a', '<i2'],
        ['b', [['c', '>f4', [2]]]],
      ],
      [2],
      false,
      [2, 0],
    ),
  ],
  [
    'unicode field names v3',
    npyFile(
      [
        ['é名', '<u2'],
        ['x', '|S3'],
      ],
      [1, 2],
      false,
      [3, 0],
    ),
  ],
  ['<M8[ns] ()', npyFile('<M8[ns]', [])],
];

describe('.npy fuzzing', () => {
  it(`${CI_RUNS.npy} generated files end in a value or a typed error`, () => {
    const stats = fuzz(npyTarget, arbNpyBytes, { numRuns: CI_RUNS.npy });
    console.log(summary(stats));
    expect(stats.failures).toEqual([]);
    // the generators reach both outcomes (a fuzzer that only ever produces garbage proves little)
    expect(stats.values).toBeGreaterThan(CI_RUNS.npy / 20);
    expect(stats.typed.FormatError).toBeGreaterThan(CI_RUNS.npy / 4);
  });

  it.each(SWEEP_FILES)('%s: every header byte flipped (4 ways) and set to 12 special bytes', (_name, file) => {
    const headerEnd = Math.min(file.length, 256); // the whole header (and the first data bytes)
    const bad: string[] = [];
    let cases = 0;
    for (let at = 0; at < headerEnd; at++) {
      const variants = [0x01, 0x20, 0x80, 0xff]
        .map((x) => file[at] ^ x)
        .concat([0x00, 0x0a, 0x20, 0x27, 0x28, 0x29, 0x2c, 0x3a, 0x5b, 0x7b, 0x7d, 0xff]);
      for (const v of variants) {
        const b = file.slice();
        b[at] = v;
        const out = runCase(npyTarget, b);
        cases++;
        if (!out.ok) bad.push(`byte ${at} = 0x${v.toString(16)}: ${out.why}`);
      }
    }
    expect(cases).toBeGreaterThan(1000);
    expect(bad).toEqual([]);
  });

  it.each(SWEEP_FILES)('%s: every truncation, and every header-length value near the truth', (_name, file) => {
    const bad: string[] = [];
    for (let n = 0; n <= file.length; n++) {
      const out = runCase(npyTarget, file.slice(0, n));
      if (!out.ok) bad.push(`truncated to ${n}: ${out.why}`);
    }
    const v1 = file[6] === 1;
    const len = v1 ? file[8] | (file[9] << 8) : file[8] | (file[9] << 8) | (file[10] << 16) | (file[11] << 24);
    for (const l of [0, 1, len - 2, len - 1, len + 1, len + 64, 0xffff, 0x7fffffff, 0xffffffff]) {
      const b = file.slice();
      const dv = new DataView(b.buffer);
      if (v1) dv.setUint16(8, l & 0xffff, true);
      else dv.setUint32(8, l >>> 0, true);
      const out = runCase(npyTarget, b);
      if (!out.ok) bad.push(`header length ${l}: ${out.why}`);
    }
    expect(bad).toEqual([]);
  });
});
