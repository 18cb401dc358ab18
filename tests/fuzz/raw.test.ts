/**
 * Raw memmap parameter fuzzing: dtype (valid, structured, garbage, wrong types), shape (undefined, null, a number,
 * arrays with negative / fractional / NaN / infinite / 2**53+ / BigInt entries, wrong types), offset, order and mode
 * (valid, long names, garbage), over files of 0 B to 4 PiB (sparse: nothing is allocated). The mapping asked for
 * must lie inside the file, exactly [offset, offset + nbytes).
 */
import { describe, expect, it } from 'vitest';
import { CI_RUNS } from './arbitraries';
import { arbRawParams, type RawParams } from './generators';
import { fuzz, runCase, summary } from './harness';
import { rawTarget } from './targets';

describe('raw memmap fuzzing', () => {
  it(`${CI_RUNS.raw} generated parameter sets end in a value or a typed error`, () => {
    const stats = fuzz(rawTarget, arbRawParams, { numRuns: CI_RUNS.raw });
    console.log(summary(stats));
    expect(stats.failures).toEqual([]);
    expect(stats.values).toBeGreaterThan(CI_RUNS.raw / 50);
  });

  const base: RawParams = { fileSize: 100, dtype: '<i4', shape: undefined, offset: 0, order: 'C', mode: 'r' };
  const cases: [string, Partial<RawParams>][] = [
    ['BigInt in the shape (IPC can carry BigInt)', { shape: [2n] }],
    ['a shape object', { shape: {} }],
    ['a shape string', { shape: '3' }],
    ['NaN offset', { offset: NaN }],
    ['offset past the end', { offset: 1000 }],
    ['offset 2**53', { offset: 2 ** 53 }],
    ['a 2 GiB itemsize over a 4 PiB sparse file', { dtype: 'V2147483647', fileSize: 2 ** 52, shape: [2] }],
    ['w+ with a shape of 2**40 elements (sparse 4 TiB file)', { mode: 'w+', shape: [2 ** 40] }],
    ['w+ with no shape', { mode: 'w+', shape: undefined }],
    ['object dtype', { dtype: '|O' }],
    ['an empty file', { fileSize: 0 }],
    ['zero-size dtype, inferred shape', { dtype: '|V0' }],
  ];
  it.each(cases)('%s', (_name, p) => {
    expect(runCase(rawTarget, { ...base, ...p })).toMatchObject({ ok: true });
  });
});
