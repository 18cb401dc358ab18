#!/usr/bin/env python3
"""Ground truth for core/layout, core/ndarray and core/viewexpr, computed by NumPy.

Writes tests/fixtures/views/expected.json:
  bases:   the base arrays (dtype, shape, strides, raw memory bytes as hex, writeable)
  cases:   view expressions over the bases; for each, NumPy's shape, strides, byte offset from the base's data
           pointer, flags, byte bounds, first values and C/F bytes -- or the error NumPy raises.
           Cases built from `ops` also carry the ops (a JSON description of the same chain) so the NDArray
           API can be tested without the expression parser.
  layouts: random (shape, strides, offset) layouts over a buffer: NumPy's C/F contiguity, alignment,
           byte_bounds, and (by brute force) which element holds some bytes.

Run: python3 scripts/gen_view_fixtures.py   (numpy >= 2.1)
"""
import json
import math
import os
import random
import re

import numpy as np
from numpy.lib import stride_tricks
from numpy.lib.array_utils import byte_bounds
from valuejson import float_json as json_float  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', 'tests', 'fixtures', 'views', 'expected.json')
VALUES_LIMIT = 24
BYTES_LIMIT = 512


def make_bases():
    a = np.arange(24, dtype='<i4').reshape(2, 3, 4).copy()
    f = np.asfortranarray(np.arange(24, dtype='<i4').reshape(2, 3, 4))
    x = np.arange(10, dtype='<f8') * 0.25 - 1.0
    x[3] = np.nan
    x[5] = -0.0
    x[8] = np.inf
    b = ((np.arange(12, dtype='>i2') - 6) * 300).reshape(3, 4).copy()
    u = np.arange(32, dtype='u1')
    r = (np.arange(6, dtype='<i8') * 1000000000007).copy()
    r.flags.writeable = False
    bases = {'a': a, 'f': f, 'x': x, 'b': b, 'u': u, 'r': r}
    for name, arr in bases.items():
        assert arr.flags.owndata, name
    return bases


def raw_bytes(arr):
    """The memory under a (C- or F-) contiguous array, in memory order."""
    return np.ndarray((arr.nbytes,), 'u1', buffer=arr).tobytes()


def json_value(v, dt):
    """The contract's valueToJSON spelling."""
    k = dt.kind
    if k == 'b':
        return bool(v)
    if k in 'iu':
        return str(int(v)) if dt.itemsize == 8 else int(v)
    if k == 'f':
        return json_float(v)
    if k == 'c':
        return [json_float(v.real), json_float(v.imag)]
    if k in 'SV':
        return bytes(np.array(v, dtype=dt).tobytes()).hex()
    if k == 'U':
        return str(v)
    if k in 'Mm':
        return str(int(np.array(v, dtype=dt).view('i8')))
    raise ValueError(dt)


def pyrepr(v):
    if isinstance(v, (list, tuple)):
        inner = ', '.join(pyrepr(e) for e in v)
        return f'({inner},)' if len(v) == 1 else f'({inner})'
    return repr(v)


def sel_expr(s):
    if s == 'ellipsis':
        return '...'
    if s == 'newaxis':
        return 'None'
    if isinstance(s, dict):
        start, stop, step = s['slice']
        out = ('' if start is None else str(start)) + ':' + ('' if stop is None else str(stop))
        if step is not None:
            out += ':' + str(step)
        return out
    return str(s)


def sel_numpy(s):
    if s == 'ellipsis':
        return Ellipsis
    if s == 'newaxis':
        return None
    if isinstance(s, dict):
        return slice(*s['slice'])
    return s


def apply_op(arr, op):
    kind = op[0]
    if kind == 'index':
        key = tuple(sel_numpy(s) for s in op[1])
        out = arr[key]
        # all-integer indexing gives a NumPy scalar (a copy); Stridescope gives the 0-d view `arr[key + (...,)]`
        return arr[key + (Ellipsis,)] if isinstance(out, np.generic) else out
    if kind == 'T':
        return arr.T
    if kind == 'transpose':
        return arr.transpose(op[1]) if op[1] is not None else arr.transpose()
    if kind == 'reshape':
        return arr.reshape(op[1], order=op[2], copy=False)
    if kind == 'view':
        return arr.view(op[1])
    if kind == 'as_strided':
        return stride_tricks.as_strided(arr, shape=op[1], strides=op[2])
    if kind == 'broadcast_to':
        return np.broadcast_to(arr, op[1])
    if kind == 'sliding_window_view':
        return stride_tricks.sliding_window_view(arr, op[1], axis=op[2])
    if kind == 'from_buffer':
        return np.ndarray(op[2], op[1], buffer=arr, offset=op[3], strides=op[4])
    raise ValueError(kind)


def expr_op(inner, op):
    kind = op[0]
    if kind == 'index':
        return f"{inner}[{', '.join(sel_expr(s) for s in op[1])}]"
    if kind == 'T':
        return f'{inner}.T'
    if kind == 'transpose':
        return f"{inner}.transpose({', '.join(str(x) for x in op[1])})" if op[1] is not None else f'{inner}.transpose()'
    if kind == 'reshape':
        return f"{inner}.reshape({pyrepr(op[1])}, order='{op[2]}')"
    if kind == 'view':
        return f"{inner}.view('{op[1]}')"
    if kind == 'as_strided':
        return f'np.lib.stride_tricks.as_strided({inner}, shape={pyrepr(op[1])}, strides={pyrepr(op[2])})'
    if kind == 'broadcast_to':
        return f'np.broadcast_to({inner}, {pyrepr(op[1])})'
    if kind == 'sliding_window_view':
        w = pyrepr(op[1]) if isinstance(op[1], list) else str(op[1])
        ax = '' if op[2] is None else f', axis={pyrepr(op[2]) if isinstance(op[2], list) else op[2]}'
        return f'np.lib.stride_tricks.sliding_window_view({inner}, {w}{ax})'
    if kind == 'from_buffer':
        st = '' if op[4] is None else f', strides={pyrepr(op[4])}'
        return f"np.ndarray({pyrepr(op[2])}, '{op[1]}', buffer={inner}, offset={op[3]}{st})"
    raise ValueError(kind)


S = lambda start=None, stop=None, step=None: {'slice': [start, stop, step]}  # noqa: E731

# (base, ops) chains. Each becomes one case with an expression built from the ops.
OP_CASES = [
    ('a', []),
    ('a', [['index', [S(), S(None, None, -1), S(1, None, 2)]]]),
    ('a', [['index', ['ellipsis', 'newaxis']]]),
    ('a', [['index', ['newaxis']]]),
    ('a', [['T'], ['index', [1]]]),
    ('a', [['transpose', [1, 0, 2]]]),
    ('a', [['transpose', [-1, 0, 1]]]),
    ('a', [['index', [1, -1]]]),
    ('a', [['index', [-2, S(None, None, 2), 'ellipsis']]]),
    ('a', [['index', [S(5, None)]]]),
    ('a', [['index', [S(None, None, -1), S(-10, 10, -2)]]]),
    ('a', [['index', [0, 0, 0]]]),
    ('a', [['index', [S(-1, -3, -1), 'newaxis', S(1, 3), 'newaxis', -1]]]),
    ('a', [['reshape', [4, 6], 'C']]),
    ('a', [['reshape', [4, 6], 'F']]),
    ('a', [['reshape', [-1], 'C']]),
    ('a', [['reshape', [6, -1], 'C']]),
    ('a', [['T'], ['reshape', [24], 'C']]),
    ('a', [['T'], ['reshape', [24], 'F']]),
    ('a', [['index', [S(), S(), S(None, None, 2)]], ['reshape', [6, 2], 'C']]),
    ('a', [['index', [S(), S(), S(None, None, 2)]], ['reshape', [2, 6], 'C']]),
    ('a', [['index', [S(), S(None, 2)]], ['reshape', [4, 4], 'C']]),
    ('a', [['index', [S(), S(None, 2)]], ['reshape', [2, 2, 2, 2], 'C']]),
    ('a', [['index', [S(), 'newaxis', S(None, 2)]], ['reshape', [2, 1, 8, 1], 'C']]),
    ('a', [['reshape', [5, -1], 'C']]),
    ('a', [['reshape', [-1, -1], 'C']]),
    ('a', [['index', [S(None, 0)]], ['reshape', [3, 0, 5], 'C']]),
    ('a', [['view', '<i2']]),
    ('a', [['view', '<i8']]),
    ('a', [['view', '|u1'], ['index', [0, 0, S(None, None, 3)]]]),
    ('a', [['index', ['ellipsis', S(None, None, 2)]], ['view', '<i2']]),
    ('a', [['index', ['ellipsis', 1]], ['view', '<i2']]),
    ('a', [['view', '|V12']]),
    ('a', [['index', [0, 0, 0]], ['view', '<f4']]),
    ('a', [['index', [0, 0, 0]], ['view', '<i2']]),
    ('a', [['index', ['ellipsis', S(None, 3)]], ['view', '<i8']]),
    ('a', [['as_strided', [3, 4], [0, 4]]]),
    ('a', [['as_strided', [4, 4], [4, 4]]]),
    ('a', [['as_strided', [2, 3], [-4, 8]]]),
    ('a', [['index', [1]], ['as_strided', [3, 3], [16, 16]]]),
    ('a', [['as_strided', [50], [4]]]),
    ('a', [['index', [0, 1]], ['broadcast_to', [5, 4]]]),
    ('a', [['broadcast_to', [2, 2, 3, 4]]]),
    ('a', [['index', [S(), S(None, 1)]], ['broadcast_to', [2, 3, 4]]]),
    ('a', [['broadcast_to', [3, 4]]]),
    ('a', [['index', [0, 0]], ['sliding_window_view', 3, None]]),
    ('a', [['sliding_window_view', [2, 2], [1, 2]]]),
    ('a', [['sliding_window_view', [2, 2, 2], None]]),
    ('a', [['sliding_window_view', [2, 2], [-1, -1]]]),
    ('a', [['sliding_window_view', 5, 1]]),
    ('a', [['from_buffer', '<i4', [2, 2], 4, [8, 4]]]),
    ('a', [['from_buffer', '<i2', [5], 2, None]]),
    ('a', [['from_buffer', '<i4', [25], 0, None]]),
    ('a', [['index', [1]], ['from_buffer', '<i4', [-1], 8, None]]),
    ('a', [['index', ['ellipsis', S(None, None, 2)]], ['from_buffer', '<i4', [2], 0, None]]),
    ('a', [['T'], ['from_buffer', '<i4', [3], 4, None]]),
    ('a', [['from_buffer', '<i4', [2, 3], 0, [-4, 8]]]),
    ('a', [['from_buffer', '<i4', [3], 100, None]]),
    ('f', []),
    ('f', [['reshape', [4, 6], 'F']]),
    ('f', [['reshape', [4, 6], 'C']]),
    ('f', [['T'], ['reshape', [4, 6], 'C']]),
    ('f', [['index', [S(None, None, -1), 1]]]),
    ('f', [['view', '<i2']]),
    ('f', [['T'], ['view', '<i2']]),
    ('f', [['index', [0]], ['reshape', [12], 'F']]),
    ('x', []),
    ('x', [['index', [S(None, None, -3)]]]),
    ('x', [['index', [S(1, None, 2)]], ['view', '<f4']]),
    ('x', [['view', '<c16']]),
    ('x', [['view', '>f8']]),
    ('x', [['sliding_window_view', 4, None]]),
    ('x', [['reshape', [2, 5], 'C'], ['T']]),
    ('x', [['index', [10]]]),
    ('x', [['index', [-11]]]),
    ('x', [['index', [0, 0]]]),
    ('x', [['index', ['ellipsis', 'ellipsis']]]),
    ('x', [['index', [S(None, None, 0)]]]),
    ('x', [['transpose', [0, 0]]]),
    ('x', [['transpose', [1]]]),
    ('b', []),
    ('b', [['index', [S(), S(None, None, -1)]]]),
    ('b', [['view', '<i2']]),
    ('b', [['view', '>i4']]),
    ('b', [['T'], ['index', [1]]]),
    ('b', [['reshape', [2, 2, 3], 'F']]),
    ('u', [['from_buffer', '<i4', [3], 1, None]]),
    ('u', [['from_buffer', '<i4', [3], 1, [8]]]),
    ('u', [['from_buffer', '<f8', [2, 2], 0, [8, 16]]]),
    ('u', [['from_buffer', '<i4', [3], 0, [0]]]),
    ('u', [['from_buffer', '<i4', [2], 40, None]]),
    ('u', [['from_buffer', '<i4', [3, 2], 0, [4]]]),
    ('u', [['index', [S(1, 9)]], ['view', '<i4']]),
    ('u', [['index', [S(None, None, 4)]], ['view', '<i4']]),
    ('u', [['reshape', [4, 8], 'C'], ['index', [S(), S(2, 6)]], ['view', '>u4']]),
    ('r', []),
    ('r', [['index', [S(None, None, 2)]]]),
    ('r', [['view', '<i4'], ['reshape', [3, 4], 'C']]),
    ('r', [['from_buffer', '<i8', [2], 8, None]]),
    ('r', [['as_strided', [2, 2], [8, 8]]]),
]

# Other spellings of the same views (the parser's job); ground truth by evaluating `py` (default: expr).
SYNTAX_CASES = [
    {'expr': 'a[np.newaxis]'},
    {'expr': 'a[..., None]'},
    {'expr': 'a[:, np.newaxis, ::-1]'},
    {'expr': 'a.transpose((1,0,2))'},
    {'expr': 'a.transpose([2, 0, 1])'},
    {'expr': 'a.transpose(-1, 1, 0)'},
    {'expr': 'a.T.T[1, :, -2]'},
    {'expr': 'a.view(np.int16)'},
    {'expr': "a.view(dtype='>u2')"},
    {'expr': "a.view('i2')"},
    {'expr': 'a.view(np.uint8)[0][1]'},
    {'expr': 'a.reshape(4, 6)', 'py': 'a.reshape(4, 6, copy=False)'},
    {'expr': "a.reshape((4,6), order='F')", 'py': "a.reshape((4,6), order='F', copy=False)"},
    {'expr': 'a.reshape([3, -1])', 'py': 'a.reshape([3, -1], copy=False)'},
    {'expr': 'a.reshape(24)', 'py': 'a.reshape(24, copy=False)'},
    {'expr': 'a.reshape(-1,)', 'py': 'a.reshape(-1, copy=False)'},
    {'expr': 'a.T.reshape(24)', 'py': 'a.T.reshape(24, copy=False)'},
    {'expr': 'np.lib.stride_tricks.as_strided(a, shape=(3, 4), strides=(0, 4))'},
    {'expr': 'np.lib.stride_tricks.as_strided(a, (2, 2), (4, 0))'},
    {'expr': 'np.lib.stride_tricks.as_strided(a[1, 2], shape=(2,), strides=(-4,))'},
    {'expr': 'np.lib.stride_tricks.sliding_window_view(a, 3, axis=-1)'},
    {'expr': 'np.lib.stride_tricks.sliding_window_view(x, (3,))'},
    {'expr': 'np.lib.stride_tricks.sliding_window_view(x, window_shape=2)'},
    {'expr': 'np.broadcast_to(a, (5, 2, 3, 4))'},
    {'expr': 'np.broadcast_to(a[0, :, :1], (3, 4))'},
    {'expr': 'np.broadcast_to(x[0], (2, 3))', 'py': 'np.broadcast_to(x[0, ...], (2, 3))'},
    {'expr': 'np.broadcast_to(x, shape=(2, 10))'},
    {'expr': "np.ndarray((2,2), '<i4', buffer=a, offset=4, strides=(8,4))"},
    {'expr': 'np.ndarray(shape=(2, 3), dtype=np.int32, buffer=a)'},
    {'expr': 'np.ndarray(shape=(4,), dtype=np.float32, buffer=a, offset=8)'},
    {'expr': 'np.ndarray((3,), np.int16, a, 2, (4,))'},
    {'expr': "np.ndarray((2,), dtype='<i4', buffer=u[1:], offset=3)"},
    {'expr': 'a[-1][-1][-1]', 'py': 'a[-1][-1][-1, ...]'},
    {'expr': 'a[-1, -3:, ::-3]'},
    {'expr': 'a[1:-1]'},
    {'expr': 'a[0, :, 0:4:2].T'},
    {'expr': 'b[::-1, 1].view(np.uint8)'},
    {'expr': 'a[3]'},
    {'expr': 'a[1, 2, 3, 0]'},
    {'expr': 'a[:, :, 1:2].view(np.int8)'},
    {'expr': 'x.view(np.float64)[::-1]'},
    {'expr': 'x.view(np.complex128).T'},
    {'expr': 'f.T.reshape(4, 6)', 'py': 'f.T.reshape(4, 6, copy=False)'},
]


def flags_of(v):
    fl = v.flags
    return {
        'C_CONTIGUOUS': bool(fl.c_contiguous),
        'F_CONTIGUOUS': bool(fl.f_contiguous),
        'ALIGNED': bool(fl.aligned),
        'WRITEABLE': bool(fl.writeable),
        'OWNDATA': bool(fl.owndata),
    }


def describe(v, base):
    base_ptr = base.__array_interface__['data'][0]
    ptr = v.__array_interface__['data'][0]
    lo, hi = byte_bounds(v)
    lo -= base_ptr
    hi -= base_ptr
    in_bounds = v.size == 0 or (lo >= 0 and hi <= base.nbytes)
    out = {
        'dtype': v.dtype.str,
        'shape': list(v.shape),
        'strides': list(v.strides),
        'offset': ptr - base_ptr,
        'flags': flags_of(v),
        'byteBounds': {'low': lo, 'high': hi},
        'inBounds': bool(in_bounds),
    }
    if in_bounds:
        flat = v.reshape(-1)  # may copy: fine, only values are read
        out['values'] = [json_value(e, v.dtype) for e in flat[:VALUES_LIMIT]]
        if v.nbytes <= BYTES_LIMIT:
            out['bytesC'] = v.tobytes(order='C').hex()
            out['bytesF'] = v.tobytes(order='F').hex()
    return out


def run(py, bases):
    env = {'np': np, **bases}
    return eval(py, {'__builtins__': {}}, env)  # noqa: S307 -- our own constant expressions


def main():
    bases = make_bases()
    out_bases = {
        name: {
            'dtype': arr.dtype.str,
            'shape': list(arr.shape),
            'strides': list(arr.strides),
            'writeable': bool(arr.flags.writeable),
            'bytes': raw_bytes(arr).hex(),
        }
        for name, arr in bases.items()
    }
    cases = []
    for base_name, ops in OP_CASES:
        expr = base_name
        for op in ops:
            expr = expr_op(expr, op)
        case = {'expr': expr, 'base': base_name, 'ops': ops}
        try:
            v = bases[base_name]
            for op in ops:
                v = apply_op(v, op)
            case['expected'] = describe(v, bases[base_name])
        except Exception as e:  # noqa: BLE001 -- the error is the ground truth
            case['error'] = {'type': type(e).__name__, 'message': str(e)}
        cases.append(case)
    names = set(bases)
    for sc in SYNTAX_CASES:
        expr = sc['expr']
        base_name = next(n for n in re.findall(r'(?<![\w.\'])([A-Za-z_]\w*)', expr) if n in names)
        assert base_name in names
        case = {'expr': expr, 'base': base_name}
        try:
            v = run(sc.get('py', expr), bases)
            assert isinstance(v, np.ndarray), expr
            case['expected'] = describe(v, bases[base_name])
        except Exception as e:  # noqa: BLE001
            case['error'] = {'type': type(e).__name__, 'message': str(e)}
        cases.append(case)

    # random layouts over a 16 KiB buffer
    rng = random.Random(1234)
    buf = np.zeros(16384, dtype='u1')
    layouts = []
    while len(layouts) < 150:
        nd = rng.randint(0, 4)
        itemsize = rng.choice([1, 2, 4, 8])
        dt = {1: 'u1', 2: '<i2', 4: '<i4', 8: '<f8'}[itemsize]
        shape = [rng.choice([0, 1, 1, 2, 3, 4, 5]) if rng.random() < 0.3 else rng.randint(1, 5) for _ in range(nd)]
        kind = rng.random()
        if kind < 0.35:
            # contiguous-ish: C or F strides with dims of 1 given arbitrary strides
            st = list(np.empty(shape, dtype=dt, order=rng.choice('CF')).strides) if 0 not in shape else [0] * nd
            if 0 in shape:
                st = [itemsize * rng.randint(-3, 6) for _ in range(nd)]
            st = [s if d != 1 or rng.random() < 0.5 else rng.randint(-40, 40) for s, d in zip(st, shape)]
        else:
            st = [rng.choice([0, 1, 2, 3, 4, 8, 12, 16, 24, 40, -4, -8, -12, -1, 6]) * (itemsize if rng.random() < 0.7 else 1) for _ in range(nd)]
        offset = rng.randint(0, 40) * (itemsize if rng.random() < 0.7 else 1)
        # place it so every reachable byte is inside the buffer
        lo = sum((d - 1) * s for d, s in zip(shape, st) if s < 0 and d > 0)
        start = 8192 + offset
        v = np.ndarray(shape, dt, buffer=buf, offset=start, strides=st)
        rec = {
            'shape': shape,
            'strides': st,
            'offset': start,
            'itemsize': itemsize,
            'alignment': v.dtype.alignment,
            'C_CONTIGUOUS': bool(v.flags.c_contiguous),
            'F_CONTIGUOUS': bool(v.flags.f_contiguous),
            'ALIGNED': bool(v.flags.aligned),
        }
        blo, bhi = byte_bounds(v)
        base_ptr = buf.__array_interface__['data'][0]
        rec['byteBounds'] = {'low': blo - base_ptr, 'high': bhi - base_ptr}
        assert lo + start >= 0
        # which element holds a few bytes (first in C order), by brute force
        starts = []
        for idx in np.ndindex(*shape):
            starts.append((list(idx), start + sum(i * s for i, s in zip(idx, st))))
        probes = []
        if starts:
            for _ in range(6):
                byte = rng.randint(rec['byteBounds']['low'] - 3, rec['byteBounds']['high'] + 2)
                hit = next(((idx, byte - e) for idx, e in starts if e <= byte < e + itemsize), None)
                probes.append({'byte': byte, 'index': hit[0] if hit else None, 'byteInElement': hit[1] if hit else None})
        rec['elementAt'] = probes
        layouts.append(rec)

    # Python's own slicing of range(n): the reference for random slice chains
    ends = [None, -7, -5, -3, -1, 0, 1, 2, 4, 6]
    slices = {}
    for n in range(6):
        for start in ends:
            for stop in ends:
                for step in [None, -3, -2, -1, 1, 2, 3]:
                    slices[f'{n},{start},{stop},{step}'] = list(range(n))[start:stop:step]

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as fh:
        json.dump({'numpy': np.__version__, 'bases': out_bases, 'cases': cases, 'layouts': layouts, 'slices': slices}, fh, indent=1)
        fh.write('\n')
    n_err = sum('error' in c for c in cases)
    print(f'wrote {OUT}: {len(cases)} cases ({n_err} errors), {len(layouts)} layouts')


if __name__ == '__main__':
    main()
