#!/usr/bin/env python3
"""Ground truth for how the panes print values and dtypes, and for field views, computed by NumPy.

Writes tests/fixtures/values/<name>.npy (small arrays, structured and plain) and tests/fixtures/values/expected.json:
  arrays[name]: repr(a.dtype) (the Array pane's descr), str(a[i]) for every element (what print(a[i]) shows:
                a structured record as `(1.5, 1, b'alpha')`), and views: expressions on `x` (the open array) with
                NumPy's shape, strides, byte offset from x's data, dtype.str, repr(dtype) and str() of each element.

Run: python3 scripts/gen_value_text_fixtures.py   (numpy >= 2)
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'tests', 'fixtures', 'values')


def arrays():
    rec = np.array([(1.5, 1, b'alpha'), (-2.25, 2, b'beta'), (np.nan, -3, b''), (1e16, 4, b"it's")],
                   dtype=[('x', '<f8'), ('id', '<i4'), ('name', 'S6')])
    nested = np.array([((1.0, 2.5), 7), ((-0.0, 1e-5), 65535)],
                      dtype=[('pos', [('x', '<f4'), ('y', '<f4')]), ('id', '<u2')])
    aligned = np.zeros(3, dtype=np.dtype([('a', 'u1'), ('b', '<i4')], align=True))
    aligned['a'] = [1, 2, 255]
    aligned['b'] = [-1, 0, 2**31 - 1]
    big = np.array([(-2, 0.5), (300, -3.25)], dtype=[('v', '>i2'), ('f', '>f4')])
    mixed = np.array([(True, 1 + 2j, 'ab'), (False, -0.5j, 'xyz')], dtype=[('ok', '?'), ('z', '<c8'), ('s', '<U3')])
    f32 = np.array([0.1, 1e-5, 1e16, -0.0, np.inf], dtype='<f4')
    f64 = np.array([[0.1, 2.0, np.nan], [1 / 3, -1e-7, 123456789.0]], dtype='<f8')
    i8 = np.array([-(2**63), 0, 2**63 - 1], dtype='<i8')
    b1 = np.array([True, False], dtype='|b1')
    c16 = np.array([1 + 0j, -1.5 - 2j, 0 + 1j], dtype='<c16')
    u4 = np.array(['a', "b'c", ''], dtype='<U4')
    s3 = np.array([b'ab', b'\x00\x01', b'xyz'], dtype='|S3')
    return {'rec': rec, 'nested': nested, 'aligned': aligned, 'big': big, 'mixed': mixed, 'f32': f32, 'f64': f64,
            'i8': i8, 'b1': b1, 'c16': c16, 'u4': u4, 's3': s3}


VIEWS = {
    'rec': ["x['id']", "x['x']", "x['name']", "x[['x', 'id']]", "x[['name', 'x']]", "x[::-1]['id']", "x[1:]['name']"],
    'nested': ["x['pos']", "x['pos']['y']", "x['id']"],
    'aligned': ["x['b']", "x[['b']]"],
    'big': ["x['f']", "x[::-1]['v']"],
    'mixed': ["x['z']", "x['s']"],
    'f64': ["x[:, ::-1]", "x.T"],
}


def data_address(a):
    return a.__array_interface__['data'][0]


def element_strs(a):
    return [str(a[idx]) for idx in np.ndindex(a.shape)]


def main():
    os.makedirs(OUT, exist_ok=True)
    out = {'numpy': np.__version__, 'arrays': {}}
    for name, a in arrays().items():
        np.save(os.path.join(OUT, f'{name}.npy'), a)
        x = np.load(os.path.join(OUT, f'{name}.npy'))
        entry = {'file': f'{name}.npy', 'dtypeRepr': repr(x.dtype), 'shape': list(x.shape),
                 'elements': element_strs(x), 'views': []}
        for expr in VIEWS.get(name, []):
            v = eval(expr, {'np': np, 'x': x})
            entry['views'].append({
                'expression': expr,
                'shape': list(v.shape),
                'strides': list(v.strides),
                'offset': data_address(v) - data_address(x),
                'dtype': v.dtype.str,
                'dtypeRepr': repr(v.dtype),
                'elements': element_strs(v),
            })
        out['arrays'][name] = entry
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
