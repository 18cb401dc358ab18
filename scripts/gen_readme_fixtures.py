#!/usr/bin/env python3
"""The files the README's command-line examples name (data.npy, blob.bin, bundle.npz), written by NumPy, and NumPy's
answers for them, for tests/cli/readme.test.ts (which runs every example the README shows).

Writes tests/fixtures/readme/: data.npy (np.save of a 4x6 float64 array), blob.bin (16 header bytes, then 100x3
big-endian float32, what np.memmap(blob.bin, '>f4', shape=(100, 3), offset=16) maps), bundle.npz (np.savez, member x)
and expected.json.

Run: python3 scripts/gen_readme_fixtures.py   (needs numpy)
"""
import json
import os
import sys

import numpy as np
from valuejson import float_json  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures', 'readme')


def main():
    os.makedirs(OUT, exist_ok=True)
    data = (np.arange(24, dtype='<f8') * 1.5 - 7).reshape(4, 6)
    np.save(os.path.join(OUT, 'data.npy'), data)
    blob = np.arange(300, dtype='>f4').reshape(100, 3) / 4
    with open(os.path.join(OUT, 'blob.bin'), 'wb') as f:
        f.write(b'BLOBHEADER\x00\x01\x02\x03\x04\x05')
        f.write(blob.tobytes())
    x = np.arange(12, dtype='<i2').reshape(3, 4)
    np.savez(os.path.join(OUT, 'bundle.npz'), x=x, y=np.ones(3))

    m = np.load(os.path.join(OUT, 'data.npy'), mmap_mode='r')
    base = m.__array_interface__['data'][0]
    v = m[:, ::-1]
    raw = open(os.path.join(OUT, 'data.npy'), 'rb').read()
    mm = np.memmap(os.path.join(OUT, 'blob.bin'), dtype='>f4', mode='r', shape=(100, 3), offset=16)
    bundle = np.load(os.path.join(OUT, 'bundle.npz'))['x']
    expected = {
        'numpy': np.__version__,
        'data.npy': {
            'shape': list(m.shape), 'strides': list(m.strides),
            # walk --view 'a[:, ::-1]' --limit 8: NumPy's element addresses minus the data address
            'walk': [v[tuple(int(i) for i in np.unravel_index(n, v.shape)) + (Ellipsis,)].__array_interface__['data'][0] - base for n in range(8)],
            'walkStrides': list(v.strides),
            # reinterpret --offset 128: the first data byte (header is 128 bytes) as c_double, little-endian
            'c_double_le_at_128': float_json(np.frombuffer(raw, '<f8', count=1, offset=128)[0]),
            'sum_T': float_json(np.sum(m.T)),
        },
        'blob.bin': {'shape': list(mm.shape), 'strides': list(mm.strides), 'values': [float_json(x) for x in mm.reshape(-1)[:16]]},
        'bundle.npz': {'member': 'x', 'shape': list(bundle.shape), 'values': [int(x) for x in bundle.reshape(-1)]},
    }
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
        f.write('\n')
    print(f'wrote {OUT}')


if __name__ == '__main__':
    sys.exit(main())
