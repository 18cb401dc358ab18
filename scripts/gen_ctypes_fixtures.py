#!/usr/bin/env python3
"""Ground truth for core/ctypes, core/ctypeModel, core/reinterpret and core/lifetime, from NumPy + ctypes.

Writes tests/fixtures/ctypes/expected.json (arrays and what `arr.ctypes` says about them on this LP64 machine),
tests/fixtures/ctypes/reinterpret.json (bytes read as every type, both orders) and
tests/fixtures/ctypes/lifetime.json (which temporaries survive which statements, seen through weakrefs).

Run:  python3 scripts/gen_ctypes_fixtures.py     (needs numpy; the tests never call Python)
"""
import ctypes
import gc
import json
import math
import os
import struct
import sys
import weakref

import numpy as np
from valuejson import float_json as json_float  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'ctypes')

assert struct.calcsize('l') == 8 and struct.calcsize('P') == 8, 'generate on an LP64 machine'
assert sys.byteorder == 'little'

CTYPE_NAMES = [
    'c_bool', 'c_char', 'c_byte', 'c_ubyte', 'c_short', 'c_ushort', 'c_int', 'c_uint', 'c_long', 'c_ulong',
    'c_longlong', 'c_ulonglong', 'c_size_t', 'c_ssize_t', 'c_float', 'c_double', 'c_longdouble', 'c_void_p',
    'c_char_p', 'c_int8', 'c_uint8', 'c_int16', 'c_uint16', 'c_int32', 'c_uint32', 'c_int64', 'c_uint64',
]
# types read through data_as(POINTER(T)) (c_char_p would dereference garbage; c_longdouble is not decoded)
READ_TYPES = [n for n in CTYPE_NAMES if n not in ('c_char_p', 'c_longdouble')]
AS_TYPES = ['c_short', 'c_int8', 'c_longlong', 'c_ubyte', 'c_ulong', 'c_bool', 'c_float', 'c_int']


def owner(a):
    """The array that owns the memory a sits in (follow .base)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def hexbytes(a):
    return a.tobytes().hex() if a.flags.c_contiguous else np.ascontiguousarray(a).tobytes().hex()


def case(name, python, arr):
    base = owner(arr)
    assert base.flags.owndata and base.flags.c_contiguous
    base_addr = base.ctypes.data
    nbytes = base.nbytes
    ct = arr.ctypes
    data_off = ct.data - base_addr
    out = {
        'name': name,
        'python': python,
        'base': {'hex': base.tobytes().hex(), 'addressMod64': base_addr % 64},
        'dtype': arr.dtype.str,
        'layout': {'shape': list(arr.shape), 'strides': list(arr.strides), 'offset': data_off},
        'writeable': bool(arr.flags.writeable),
        'aligned': bool(arr.flags.aligned),
        'dataOffset': data_off,
        'asParameterIsDataAsVoidP': repr(ct._as_parameter_) == f'c_void_p({ct.data})',
        'shape': None if ct.shape is None else list(ct.shape),
        'strides': None if ct.strides is None else list(ct.strides),
        'shapeType': None if ct.shape is None else type(ct.shape).__name__,
        'shapeModule': None if ct.shape is None else type(ct.shape).__module__,
        'shapeAs': {},
        'stridesAs': {},
        'dataAs': {},
    }
    for t in AS_TYPES:
        T = getattr(ctypes, t)
        s = ct.shape_as(T)
        st = ct.strides_as(T)
        out['shapeAs'][t] = None if s is None else {'type': type(s).__name__, 'repr': [repr(v) for v in s]}
        out['stridesAs'][t] = None if st is None else {'type': type(st).__name__, 'repr': [repr(v) for v in st]}
    for t in READ_TYPES:
        T = getattr(ctypes, t)
        P = ctypes.POINTER(T)
        p = ct.data_as(P)
        size = ctypes.sizeof(T)
        # every ptr[i] that stays inside the owning allocation
        lo = -(data_off // size)
        hi = (nbytes - data_off) // size  # exclusive
        items = {}
        for i in range(lo, hi):
            items[str(i)] = repr(p[i])
        out['dataAs'][t] = {
            'pointerType': P.__name__,
            'contents': repr(p.contents) if hi > 0 else None,
            'items': items,
            'misalignment': ct.data % ctypes.alignment(T),
        }
    return out


def cases():
    out = []
    x = np.array([[0, 1], [2, 3]], dtype=np.int32)
    out.append(case('int32-2x2', 'np.array([[0, 1], [2, 3]], dtype=np.int32)', x))

    f = np.array([1.5, -0.0, np.inf, np.nan, 1e16, 0.1, -2.5e-5, 1e15], dtype=np.float64)
    out.append(case('float64', 'np.array([1.5, -0.0, inf, nan, 1e16, 0.1, -2.5e-5, 1e15])', f))

    be = np.arange(-3, 3, dtype='>i4').reshape(2, 3)
    out.append(case('big-endian', "np.arange(-3, 3, dtype='>i4').reshape(2, 3)", be))

    s = np.arange(24, dtype=np.int16).reshape(4, 6)[1::2, ::-2]
    out.append(case('strided-view', 'np.arange(24, dtype=np.int16).reshape(4, 6)[1::2, ::-2]', s))

    buf = np.arange(40, dtype=np.uint8)
    m = np.ndarray(shape=(3, 2), dtype=np.int32, buffer=buf, offset=1)
    out.append(case('misaligned', 'np.ndarray((3, 2), np.int32, buffer=np.arange(40, dtype=np.uint8), offset=1)', m))

    w = np.broadcast_to(np.array([1, -2, 3], dtype=np.int8), (70000, 3))
    out.append(case('broadcast-70000', 'np.broadcast_to(np.array([1, -2, 3], dtype=np.int8), (70000, 3))', w))

    z = np.array(7.25, dtype=np.float32)
    out.append(case('zero-d', 'np.array(7.25, dtype=np.float32)', z))

    b = np.array([0, 1, 2, 255, 128, 127, 65, 39], dtype=np.uint8)
    out.append(case('bytes', 'np.array([0, 1, 2, 255, 128, 127, 65, 39], dtype=np.uint8)', b))
    return out


def types_table():
    return {
        n: {
            'className': getattr(ctypes, n).__name__,
            'sizeof': ctypes.sizeof(getattr(ctypes, n)),
            'alignment': ctypes.alignment(getattr(ctypes, n)),
        }
        for n in CTYPE_NAMES
    }


def reprs():
    """Python reprs of ctypes instances and of the conversions ctypes does silently."""
    floats = [0.0, -0.0, 1.0, 1.5, 0.1, 1e16, 1e15, 123456789012345680.0, 1e-4, 1e-5, -2.5e-5, 1e100, 5e-324,
              1.7976931348623157e308, float('inf'), float('-inf'), float('nan'), 3.14159, 100.0, 2.0 ** 53, 1 / 3]
    out = {'c_double': [[json_float(v), repr(ctypes.c_double(v))] for v in floats],
           'c_float': [[json_float(v), repr(ctypes.c_float(v))] for v in floats if not (abs(v) > 3.4e38 and math.isfinite(v))]}
    ints = [0, 1, -1, 127, 128, 255, 256, -129, 70000, -70000, 2 ** 31, 2 ** 32 + 5, 4294967296, -2 ** 63, 2 ** 64 + 5, 2 ** 63]
    for t in ['c_byte', 'c_ubyte', 'c_short', 'c_ushort', 'c_int', 'c_uint', 'c_long', 'c_ulong', 'c_longlong',
              'c_ulonglong', 'c_bool', 'c_size_t', 'c_ssize_t', 'c_int8', 'c_uint16', 'c_int64']:
        out[t] = [[str(v), repr(getattr(ctypes, t)(v))] for v in ints]
    out['c_char'] = [[v, repr(ctypes.c_char(v))] for v in [0, 65, 39, 34, 92, 10, 127, 200]]
    out['c_void_p'] = [[str(v), repr(ctypes.c_void_p(v))] for v in [0, 1, 140000000000000]]
    out['arrays'] = {f'{t}*{n}': (getattr(ctypes, t) * n).__name__ for t in ['c_long', 'c_longlong', 'c_short', 'c_int'] for n in [1, 2, 3]}
    out['pointers'] = {t: ctypes.POINTER(getattr(ctypes, t)).__name__ for t in ['c_long', 'c_longlong', 'c_int', 'c_int64', 'c_double']}
    return out


def value_json(v, dt):
    if dt.kind == 'c':
        return [json_float(float(v.real)), json_float(float(v.imag))]
    if dt.kind == 'f':
        return json_float(float(v))
    if dt.itemsize == 8:
        return str(int(v))
    return int(v)


# the C types the reinterpret panel shows, as NumPy dtypes per model (LP64 verified against ctypes.sizeof)
MODELS = {
    'LP64': {'c_long': 8, 'c_ulong': 8},
    'LLP64': {'c_long': 4, 'c_ulong': 4},
    'ILP32': {'c_long': 4, 'c_ulong': 4},
}
R_TYPES = [('c_byte', 'i', 1), ('c_ubyte', 'u', 1), ('c_short', 'i', 2), ('c_ushort', 'u', 2), ('c_int', 'i', 4),
           ('c_uint', 'u', 4), ('c_long', 'i', None), ('c_ulong', 'u', None), ('c_longlong', 'i', 8),
           ('c_ulonglong', 'u', 8), ('c_float', 'f', 4), ('c_double', 'f', 8), ('float16', 'f', 2),
           ('complex64', 'c', 8), ('complex128', 'c', 16)]
for name, _, sz in R_TYPES:
    if sz and name.startswith('c_'):
        assert ctypes.sizeof(getattr(ctypes, name)) == sz
assert ctypes.sizeof(ctypes.c_long) == MODELS['LP64']['c_long']


def reinterpret():
    rng = np.random.default_rng(20240611)
    buffers = [
        bytes(range(1, 25)),
        bytes.fromhex('0000803f000000000000f03f0000807f0000c07f'),
        np.array([1.5, -0.0, np.nan, -np.inf], dtype='<f8').tobytes(),
        np.array([-1, 2**31 - 1], dtype='>i8').tobytes(),
        bytes(rng.integers(0, 256, 32, dtype=np.uint8)),
        bytes.fromhex('00800080ff7bfc7f0100'),
    ]
    out = []
    for buf in buffers:
        for model, longs in MODELS.items():
            for off in sorted({0, 1, 3, 7, len(buf) - 9, len(buf) - 3, len(buf) - 1, len(buf)}):
                if off < 0:
                    continue
                values = {}
                for name, kind, sz in R_TYPES:
                    size = sz or longs[name]
                    if kind == 'c':
                        code = f'c{size}'
                    else:
                        code = f'{kind}{size}'
                    entry = {'size': size, 'le': None, 'be': None}
                    if len(buf) - off >= size:
                        for order, key in (('<', 'le'), ('>', 'be')):
                            dt = np.dtype(order + code)
                            v = np.frombuffer(buf, dtype=dt, count=1, offset=off)[0]
                            entry[key] = value_json(v, dt)
                    values[name] = entry
                out.append({'hex': buf.hex(), 'offset': off, 'model': model, 'values': values})
    return out


def lifetime():
    """Which temporaries are alive after each statement, observed with weakrefs."""
    scenarios = []
    a = np.arange(4, dtype=np.int32)
    b = np.arange(4, dtype=np.int32)

    def run(name, steps):
        ns = {'a': a, 'b': b, 'np': np, 'ctypes': ctypes, 'weakref': weakref}
        alive = []
        for i, src in enumerate(steps):
            if i == 0:
                # statement 1 makes the temporary; keep a weakref to it (a+b is built here)
                exec('import numpy as _n\n_t = a + b\n_w = weakref.ref(_t)\n' + src.replace('(a+b)', '_t') + '\ndel _t', ns)
            else:
                exec(src, ns)
            gc.collect()
            alive.append(ns['_w']() is not None)
        scenarios.append({'name': name, 'statements': steps, 'tempAlive': alive})

    run('temporary-address', ['p = (a+b).ctypes.data', 'q = p + 4'])
    run('ctypes-keeps-alive', ['ct = (a+b).ctypes', 'p = ct.data', 'del ct'])
    run('pointer-keeps-alive', ['ptr = (a+b).ctypes.data_as(ctypes.POINTER(ctypes.c_int))', 'v = ptr[1]', 'del ptr'])
    run('void-p-keeps-alive', ['vp = (a+b).ctypes.data_as(ctypes.c_void_p)', 'del vp'])
    run('as-parameter-keeps-alive', ['ap = (a+b).ctypes._as_parameter_', 'del ap'])
    run('view-keeps-base', ['v = (a+b)[::2]', 'w = v[1:]', 'del v', 'del w'])
    run('c-void-p-of-int', ['vp = ctypes.c_void_p((a+b).ctypes.data)', 'del vp'])
    # the pointer from data_as keeps the array alive even with ct gone
    run('ctypes-then-pointer', ['ct = (a+b).ctypes', 'ptr = ct.data_as(ctypes.POINTER(ctypes.c_int))', 'del ct', 'del ptr'])
    return scenarios


def main():
    os.makedirs(OUT, exist_ok=True)
    meta = {'numpy': np.__version__, 'python': sys.version.split()[0], 'platform': sys.platform,
            'intp': ctypes.sizeof(np.ctypeslib.c_intp), 'c_intp': np.ctypeslib.c_intp.__name__}
    # cases first: ctypes caches array types, and the module in their repr is where each was first made
    the_cases = cases()
    with open(os.path.join(OUT, 'expected.json'), 'w') as fh:
        json.dump({'meta': meta, 'types': types_table(), 'reprs': reprs(), 'cases': the_cases}, fh, indent=1)
        fh.write('\n')
    with open(os.path.join(OUT, 'reinterpret.json'), 'w') as fh:
        json.dump({'meta': meta, 'cases': reinterpret()}, fh, indent=1)
        fh.write('\n')
    with open(os.path.join(OUT, 'lifetime.json'), 'w') as fh:
        json.dump({'meta': meta, 'scenarios': lifetime()}, fh, indent=1)
        fh.write('\n')


if __name__ == '__main__':
    main()
