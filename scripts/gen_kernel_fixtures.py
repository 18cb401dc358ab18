#!/usr/bin/env python3
"""Expected kernel results from NumPy, for tests/platform/kernels.test.ts.

Writes tests/fixtures/kernels/<dataset>.bin (the raw bytes of a 1-D array) and tests/fixtures/kernels/expected.json:
for every dataset, views given as (offset, shape, strides) in bytes over those raw bytes, each with what NumPy says:
  sum      np.sum(v)                      (ints: int64/uint64 wrapping, floats/complex: NumPy's own summation)
  min/max  np.min(v) / np.max(v)          (absent for empty views)
  count_nan      int(np.isnan(v).sum())   (0 for ints and bools)
  count_nonzero  int(np.count_nonzero(v))
  checksum       FNV-1a 64 of np.ascontiguousarray(v).tobytes()
  sumabs         sum of |x| in float64 (complex: [real parts, imaginary parts]), for float rounding bounds
  exact          True when Stridescope's summation order equals NumPy's here (C-contiguous, native order)
JSON spelling as the kernels answer: integers as decimal strings, floats as numbers except "nan", "inf", "-inf",
"-0.0"; complex as [re, im]; bool as true/false.

Run: python3 scripts/gen_kernel_fixtures.py   (needs numpy)
"""
import json
import math
import os
import sys

import numpy as np
from valuejson import float_json as fjson  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures', 'kernels')
N = 600
NATIVE = '<' if sys.byteorder == 'little' else '>'


def fnv1a64(b: bytes) -> int:
    h = 0xcbf29ce484222325
    for x in b:
        h ^= x
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def vjson(v, kind):
    if kind == 'b':
        return bool(v)
    if kind in 'iu':
        return str(int(v))
    if kind == 'f':
        return fjson(v)
    if kind == 'c':
        return [fjson(v.real), fjson(v.imag)]
    raise ValueError(kind)


def data_for(dt: np.dtype, flavour: str, rng) -> np.ndarray:
    k = dt.kind
    if k == 'b':
        return rng.integers(0, 2, N).astype(dt)
    if k in 'iu':
        info = np.iinfo(dt)
        if flavour == 'wrap':  # sums that overflow int64/uint64 (wrap like NumPy)
            lo = info.max // 2 if k == 'u' else info.min
            return rng.integers(lo, info.max, N, dtype=dt.newbyteorder('='), endpoint=True).astype(dt)
        a = rng.integers(info.min, info.max, N, dtype=dt.newbyteorder('='), endpoint=True)
        a[::7] = 0
        return a.astype(dt)
    if k in 'fc':
        re = rng.standard_normal(N) * 100
        if k == 'f' and dt.itemsize == 2:
            re = rng.standard_normal(N) * 4
        re[::11] = 0.0
        re[5] = -0.0
        if flavour == 'nan':
            re[17] = np.nan
            re[301] = np.inf
            re[450] = -np.inf
            re[599] = np.nan
        if k == 'c':
            im = rng.standard_normal(N) * 100
            im[::13] = 0.0
            if flavour == 'nan':
                im[250] = np.nan
            a = re + 1j * im
        else:
            a = re
        return a.astype(dt)
    raise ValueError(dt)


def views(w: int):
    """(name, offset, shape, strides) over the N-element buffer, itemsize w."""
    return [
        ('flat', 0, (N,), (w,)),
        ('c2d', 0, (20, 30), (30 * w, w)),
        ('f2d_T', 0, (30, 20), (w, 30 * w)),
        ('step3', 0, (200,), (3 * w,)),
        ('rev', (N - 1) * w, (N,), (-w,)),
        ('rev_rows_step_cols', 19 * 30 * w, (20, 15), (-30 * w, 2 * w)),
        ('bcast_zero', 10 * w, (4, 50), (0, w)),
        ('block3d', 7 * w, (5, 4, 6), (100 * w, 12 * w, 2 * w)),
        ('transpose3d', 0, (6, 5, 4), (w, 120 * w, 6 * w)),
        ('long_run', 3 * w, (597,), (w,)),
        ('empty', 0, (0, 5), (5 * w, w)),
        ('scalar', 7 * w, (), ()),
        ('ones', 2 * w, (1, 1, 3), (0, 5 * w, w)),
    ]


def main():
    os.makedirs(ROOT, exist_ok=True)
    rng = np.random.default_rng(20240611)
    chars = ['?', 'i1', 'u1', 'i2', 'u2', 'i4', 'u4', 'i8', 'u8', 'f2', 'f4', 'f8', 'c8', 'c16']
    datasets = []
    for ch in chars:
        for order in (['|'] if ch in ('?', 'i1', 'u1') else ['<', '>']):
            dt = np.dtype(ch if order == '|' else order + ch)
            flavours = ['plain']
            if dt.kind in 'iu' and dt.itemsize == 8 or (dt.kind in 'iu' and order != '>' and dt.itemsize >= 4):
                flavours.append('wrap')
            if dt.kind in 'fc':
                flavours.append('nan')
            for flavour in flavours:
                a = data_for(dt, flavour, rng)
                name = f"{dt.str.replace('<', 'le_').replace('>', 'be_').replace('|', '')}_{flavour}"
                raw = a.tobytes()
                with open(os.path.join(ROOT, name + '.bin'), 'wb') as fh:
                    fh.write(raw)
                cases = []
                w = dt.itemsize
                for vname, off, shape, strides in views(w):
                    v = np.ndarray(shape, dtype=dt, buffer=a, offset=off, strides=strides)
                    exp = {}
                    kind = dt.kind
                    with np.errstate(all='ignore'):
                        s = np.sum(v)
                        exp['sum'] = vjson(s, 'i' if kind == 'b' else kind)
                        if v.size:
                            exp['min'] = vjson(np.min(v), kind)
                            exp['max'] = vjson(np.max(v), kind)
                        exp['count_nan'] = str(int(np.isnan(v).sum())) if kind in 'fc' else '0'
                        exp['count_nonzero'] = str(int(np.count_nonzero(v)))
                        exp['checksum'] = str(fnv1a64(np.ascontiguousarray(v).tobytes()))
                        if kind in 'fc':
                            big = v.astype(np.complex128 if kind == 'c' else np.float64)
                            if kind == 'c':
                                exp['sumabs'] = [fjson(np.sum(np.abs(big.real))), fjson(np.sum(np.abs(big.imag)))]
                            else:
                                exp['sumabs'] = fjson(np.sum(np.abs(big)))
                    exact = bool(v.flags.c_contiguous and dt.byteorder in ('=', '|', NATIVE) and dt.kind in 'fc' and dt.itemsize > 2 * (1 if dt.kind == 'f' else 2))
                    cases.append({'view': vname, 'offset': off, 'shape': list(shape), 'strides': list(strides), 'exact': exact, 'expected': exp})
                datasets.append({'name': name, 'file': name + '.bin', 'dtype': dt.str, 'length': N, 'cases': cases})
    with open(os.path.join(ROOT, 'expected.json'), 'w') as fh:
        json.dump({'numpy': np.__version__, 'datasets': datasets}, fh, indent=1)
    print(f'wrote {len(datasets)} datasets to {os.path.relpath(ROOT)}')


if __name__ == '__main__':
    main()
