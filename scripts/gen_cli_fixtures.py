#!/usr/bin/env python3
"""Expected answers of `stridescope inspect/walk/reinterpret --json` on the committed fixture files, from NumPy.

Writes tests/fixtures/cli/expected.json. Run after scripts/gen_format_fixtures.py (it reads its .npy/.npz/raw files).
  inspect: every field NumPy can answer (np.load(mmap_mode='r') for strides/flags, the header for the rest)
  walk: for each view expression, the byte offset of every element = address of v[idx] - address of the data
        start, taken from NumPy's own __array_interface__ (not from index x stride arithmetic)
  reinterpret: np.frombuffer of the file's bytes at an offset as every C type, both byte orders (LP64 / LLP64)
"""
import json, os, sys
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crosscheck_cli import expected_inspect, jfloat  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NPY = os.path.join(ROOT, 'tests', 'fixtures', 'npy')
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'cli')


def data_address(a):
    return a.__array_interface__['data'][0]


def walk(path, expr, limit=64):
    a = np.load(path, mmap_mode='r')
    base = data_address(a)
    v = eval(expr, {'a': a, 'np': np})  # the generator's own input, never user input
    elements = []
    for n, idx in enumerate(np.ndindex(*v.shape)):
        if n >= limit:
            break
        elements.append({'index': list(idx), 'offset': data_address(v[idx + (Ellipsis,)]) - base})
    return {'shape': list(v.shape), 'strides': list(v.strides), 'offset': data_address(v) - base,
            'size': int(v.size), 'elements': elements}


C_TYPES = {  # name -> (numpy code LP64, numpy code LLP64)
    'c_byte': ('i1', 'i1'), 'c_ubyte': ('u1', 'u1'), 'c_short': ('i2', 'i2'), 'c_ushort': ('u2', 'u2'),
    'c_int': ('i4', 'i4'), 'c_uint': ('u4', 'u4'), 'c_long': ('i8', 'i4'), 'c_ulong': ('u8', 'u4'),
    'c_longlong': ('i8', 'i8'), 'c_ulonglong': ('u8', 'u8'), 'c_float': ('f4', 'f4'), 'c_double': ('f8', 'f8'),
    'float16': ('f2', 'f2'), 'complex64': ('c8', 'c8'), 'complex128': ('c16', 'c16'),
}


def jvalue(x, code):
    k = code[0]
    if k == 'f':
        return jfloat(float(x))
    if k == 'c':
        return [jfloat(float(x.real)), jfloat(float(x.imag))]
    if code in ('i8', 'u8'):
        return str(int(x))
    return int(x)


def reinterpret(path, offset, model):
    data = open(path, 'rb').read()
    window = data[offset:offset + 16]
    values = {}
    for name, codes in C_TYPES.items():
        code = codes[0] if model == 'lp64' else codes[1]
        size = np.dtype(code).itemsize
        if offset + size > len(data):
            values[name] = {'size': size, 'le': None, 'be': None}
            continue
        chunk = data[offset:offset + size]
        values[name] = {'size': size,
                        'le': jvalue(np.frombuffer(chunk, '<' + code)[0], code),
                        'be': jvalue(np.frombuffer(chunk, '>' + code)[0], code)}
    return {'offset': offset, 'model': model, 'bytes': window.hex(), 'values': values}


def main():
    os.makedirs(OUT, exist_ok=True)
    out = {'numpy_version': np.__version__, 'inspect': {}, 'walk': [], 'reinterpret': []}
    for name in sorted(os.listdir(NPY)):
        if not name.endswith('.npy'):
            continue
        path = os.path.join(NPY, name)
        try:
            a = np.load(path, mmap_mode='r')
        except ValueError as e:  # e.g. a header over numpy's max_header_size: the CLI must refuse it too
            out.setdefault('inspect_refused', {})[name] = str(e).splitlines()[0]
            continue
        exp = expected_inspect(path, a, a.dtype)
        with open(path, 'rb') as fh:
            version = np.lib.format.read_magic(fh)
            hlen_bytes = 2 if version == (1, 0) else 4
            exp['format']['headerLength'] = int.from_bytes(open(path, 'rb').read()[8:8 + hlen_bytes], 'little')
        out['inspect'][name] = exp
    views = [
        ('c_order_3d.npy', 'a'), ('c_order_3d.npy', 'a[:, ::-1]'), ('c_order_3d.npy', 'a[:, ::-1, 1::2]'),
        ('c_order_3d.npy', 'a.T'), ('c_order_3d.npy', 'a.transpose(1, 0, 2)[1]'), ('c_order_3d.npy', 'a[..., None, 2]'),
        ('f_order_3d.npy', 'a'), ('f_order_3d.npy', 'a[::-1, :, ::2]'), ('f_order_2d_i2.npy', 'a.T[1]'),
        ('f8.npy', 'a[::-3]'), ('i4.npy', 'np.lib.stride_tricks.as_strided(a, shape=(3, 4), strides=(0, 4))'),
        ('f8.npy', 'np.lib.stride_tricks.sliding_window_view(a, 3)'), ('i4.npy', 'np.broadcast_to(a[0], (5, 4))'),
        ('i4.npy', 'np.lib.stride_tricks.sliding_window_view(a, (2, 2))[::2]'),
        ('i4.npy', "a.view('<i2')[1::3]"), ('c_order_3d.npy', 'a.reshape(4, 6)[:, ::-2]'),
    ]
    for file, expr in views:
        out['walk'].append({'file': file, 'view': expr, 'expected': walk(os.path.join(NPY, file), expr)})
    for file, offset in [('i4.npy', 128), ('f8.npy', 130), ('be_f8.npy', 128), ('c16.npy', 144), ('i8.npy', 130)]:
        path = os.path.join(NPY, file)
        for model in ('lp64', 'llp64'):
            out['reinterpret'].append({'file': file, 'expected': reinterpret(path, offset, model)})
        size = os.path.getsize(path)
        out['reinterpret'].append({'file': file, 'expected': reinterpret(path, size - 3, 'lp64')})
    with open(os.path.join(OUT, 'expected.json'), 'w') as fh:
        json.dump(out, fh, indent=1, sort_keys=True)
    print(f"wrote {len(out['inspect'])} inspect, {len(out['walk'])} walk, {len(out['reinterpret'])} reinterpret cases")


if __name__ == '__main__':
    main()
