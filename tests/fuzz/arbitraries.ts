/** Which generator feeds which target (shared by the CI tests and scripts/fuzz.ts). */
import type fc from 'fast-check';
import { arbNpyBytes, arbNpzBytes, arbRawParams, arbViewExprText, type RawParams } from './generators';
import type { TargetName } from './targets';

export const FUZZ_ARBITRARIES: {
  [K in TargetName]: fc.Arbitrary<K extends 'raw' ? RawParams : K extends 'viewexpr' ? string : Uint8Array>;
} = {
  npy: arbNpyBytes,
  npz: arbNpzBytes,
  raw: arbRawParams,
  viewexpr: arbViewExprText,
} as never;

/** The CI budget per target (the whole tests/fuzz suite stays well under a minute on 2 shared cores). */
export const CI_RUNS: Record<TargetName, number> = { npy: 5000, npz: 2500, raw: 5000, viewexpr: 3000 };
