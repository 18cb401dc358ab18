#!/usr/bin/env python3
"""np.sum of long float arrays, bit for bit, for tests/platform/parallelKernels.test.ts.

The arrays are too long to commit, so they are defined by a formula both sides compute exactly (IEEE division
and subtraction of small integers round the same in NumPy and JavaScript):
  f8: x[i] = ((i * 7919 + 13) % 1000003) / 1009.0 - 400.0            (float64: every value has a full mantissa)
  f4: the f8 values rounded to float32                              (x.astype(np.float32))
  f2: ((i * 7919 + 13) % 2001 - 1000) / 64                          (exact in float16)
Lengths cover NumPy's pairwise summation (numpy/_core/src/umath/loops_utils.h.src, pairwise_sum: < 8 sequential,
<= PW_BLOCKSIZE 128 in 8 accumulators, else split at n/2 rounded down to a multiple of 8): odd lengths, lengths
just below and above 8, 128, 256, and lengths long enough to be split over threads (>= 262144 elements).
For each length: np.sum(x) and np.sum(x[::2]) as the bits of the result widened to float64 (hex).

Writes tests/fixtures/kernels/pairwise.json. Run: python3 scripts/gen_pairwise_fixtures.py
"""
import json
import os

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures', 'kernels')
LENGTHS = [1, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 130, 135, 136, 137, 255, 256, 257, 1023, 1025, 4097,
           32767, 32768, 32769, 65543, 262143, 262144, 262153, 1048575, 1048583, 3 * 2**20 + 7]


def data(dtype: str, n: int) -> np.ndarray:
    i = np.arange(n, dtype=np.int64)
    if dtype == 'f2':
        return (((i * 7919 + 13) % 2001 - 1000) / 64).astype(np.float16)
    x = ((i * 7919 + 13) % 1000003) / 1009.0 - 400.0
    return x.astype(np.float32) if dtype == 'f4' else x


def bits(v) -> str:
    return '0x%016x' % np.float64(v).view(np.uint64)


cases = []
for dtype in ['f8', 'f4', 'f2']:
    for n in LENGTHS:
        if dtype == 'f2' and n > 65543:
            continue  # float16 sums of long arrays overflow to inf: nothing left to compare bit for bit
        x = data(dtype, n)
        assert x.dtype.byteorder in '=<|'
        cases.append({'dtype': '<' + dtype, 'n': n, 'sum': bits(np.sum(x)), 'sum_step2': bits(np.sum(x[::2]))})

os.makedirs(ROOT, exist_ok=True)
with open(os.path.join(ROOT, 'pairwise.json'), 'w') as f:
    json.dump({'numpy': np.__version__, 'cases': cases}, f, indent=1)
    f.write('\n')
print(f'{len(cases)} cases -> tests/fixtures/kernels/pairwise.json')
