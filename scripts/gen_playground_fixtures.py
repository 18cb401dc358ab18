#!/usr/bin/env python3
"""Ground truth for the playground (src-main/playground) and `stridescope run`, from real Python + NumPy.

Each case is a script of lines typed at Python's interactive prompt. This generator feeds the lines, one
interactive input at a time, to `code.InteractiveConsole` (filename '<stdin>', module '__main__' — what the
real REPL uses) in a FRESH python process per case (ctypes caches types process-wide, and the module a type
reports is where it was first made), capturing stdout and stderr together, and stores for every input the exact
text Python printed. Tests replay the same inputs through the playground and compare; they never call Python.

Writes tests/fixtures/playground/expected.json:
  {"python": "...", "numpy": "...", "cases": [{"name", "model", "ctypes", "files", "refuse", "inputs": [
      {"line": N, "source": "...", "output": "..."}]}]}

Addresses differ between processes: tests normalise `0x[0-9a-f]+`, and integers that ARE addresses (a line
that is only a >= 8-digit integer, `c_void_p(N)`, `c_char_p(N)`, `'data': (N, ...`) on both sides.

`refuse` lists the lines where CPython reads memory that the seed page says is already freed (a pointer made
from `(a+b).ctypes.data` after the statement ended). Python's output there is whatever the allocator left
behind; the playground refuses the read with a LifetimeError instead, and the tests check that refusal.

Data models. The LP64 cases ran here (Linux x86-64, LP64). The LLP64 transcript of the seed page (64-bit
Windows, where C `long` is 4 bytes) is DERIVED, not run: the same statements run here with `ctypes.c_long`
replaced by `ctypes.c_int` (4 bytes here, exactly what `long` is on LLP64) and `c_ulong` by `c_uint`; then the
printed type names are mapped back to what 64-bit Windows calls them: an 8-byte `c_long` here is Windows'
`c_longlong` (NumPy's c_intp there is c_longlong), and `c_int` here is Windows' `c_long` (ctypes aliases
c_int to c_long when they have the same size). NumPy 2's default integer is int64 on both, so array reprs do
not change. That derivation is valid only for scripts that do not use np.long / 'l' (they do not).

The no-ctypes case runs with `numpy._core._internal.ctypes = None` (what NumPy does when `import ctypes`
fails), reproducing the seed page's "If the ctypes module is not available" fallback as NumPy 2 behaves.

Run:  python3 scripts/gen_playground_fixtures.py
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'playground')
assert struct.calcsize('l') == 8 and struct.calcsize('P') == 8, 'generate on an LP64 machine'

RUNNER = r'''
import code, io, json, sys, contextlib, os
lines = json.loads(sys.stdin.read())
if os.environ.get('NO_CTYPES'):
    import numpy._core._internal as _i
    _i.ctypes = None
    _i._getintp_ctype.cache = None
out = io.StringIO()
class Console(code.InteractiveConsole):
    def write(self, data):
        out.write(data)
con = Console(locals={'__name__': '__main__', '__doc__': None}, filename='<stdin>')
results = []
group = None
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
    for n, line in enumerate(lines, 1):
        if group is None:
            group = {'line': n, 'lines': [], 'start': out.tell()}
        group['lines'].append(line)
        more = con.push(line)
        if not more:
            results.append({'line': group['line'], 'source': '\n'.join(group['lines']), 'output': out.getvalue()[group['start']:]})
            group = None
    if group is not None:
        con.push('')
        results.append({'line': group['line'], 'source': '\n'.join(group['lines']), 'output': out.getvalue()[group['start']:]})
sys.__stdout__.write(json.dumps(results))
'''

SEED = '''import numpy as np
import ctypes
x = np.array([[0, 1], [2, 3]], dtype=np.int32)
x
x.ctypes.data
x.ctypes.data_as(ctypes.POINTER(ctypes.c_long))
x.ctypes.data_as(ctypes.POINTER(ctypes.c_long)).contents
x.ctypes.data_as(ctypes.POINTER(ctypes.c_longlong)).contents
x.ctypes.shape
x.ctypes.shape_as(ctypes.c_long)
x.ctypes.strides
x.ctypes.strides_as(ctypes.c_longlong)
list(x.ctypes.shape)
list(x.ctypes.strides_as(ctypes.c_longlong))
ctypes.sizeof(ctypes.c_long)
x.ctypes._as_parameter_
'''

# the console tour's lines the seed transcript lacks (src-main/playground/tour.ts: tests/playground/tour.test.ts
# requires every line of every step except the refused temporary read to be in a transcript)
TOUR_EXTRAS = '''import numpy as np
import ctypes
x = np.array([[0, 1], [2, 3]], dtype=np.int32)
x.ctypes.data == x.__array_interface__['data'][0]
list(x.ctypes.strides)
x.ctypes.shape_as(ctypes.c_short)
list(x.ctypes.shape_as(ctypes.c_short))
'''

CASES = [
    ('seed', SEED, {}),
    ('tour_extras', TOUR_EXTRAS, {}),
    ('lifetimes', '''import numpy as np
import ctypes
a = np.arange(4, dtype=np.int32)
b = np.ones(4, dtype=np.int32)
p = (a+b).ctypes.data
ctypes.cast(p, ctypes.POINTER(ctypes.c_int)).contents
c = a+b
ctypes.cast(c.ctypes.data, ctypes.POINTER(ctypes.c_int))[3]
ct = (a+b).ctypes
ctypes.cast(ct.data, ctypes.POINTER(ctypes.c_int))[2]
ptr = (a*10).ctypes.data_as(ctypes.POINTER(ctypes.c_int))
ptr[1]
ptr.contents
vp = (a+100).ctypes.data_as(ctypes.c_void_p)
ctypes.cast(vp, ctypes.POINTER(ctypes.c_int))[0]
q = ct.data
del ct
ctypes.cast(q, ctypes.POINTER(ctypes.c_int))[0]
v = c[1:]
del c
v
ctypes.cast(v.ctypes.data, ctypes.POINTER(ctypes.c_int))[0]
''', {'refuse': [6, 18]}),
    ('creation', '''import numpy as np
np.array([1, 2, 3])
np.array([1.5, 2, 3])
np.array([True, False, True])
np.array([[1, 2], [3, 4]], dtype=np.uint8)
np.array([1, 2], dtype='>i4')
np.array([1, 2], dtype=float)
np.array([[1, 2], [3]])
np.arange(5)
np.arange(2, 10, 3)
np.arange(0, 1, 0.25)
np.arange(5, dtype=np.float32)
np.arange(10, 0, -3)
np.zeros(3)
np.zeros((2, 3), dtype=np.int16)
np.ones((2, 2), dtype=bool)
np.empty((0, 3))
np.zeros((2, 3), order='F').strides
np.frombuffer(b'\\x01\\x00\\x02\\x00', dtype=np.int16)
np.frombuffer(b'abcdefgh', dtype=np.uint8, count=3, offset=2)
np.frombuffer(b'abc', dtype=np.int16)
np.array(3)
np.array(2.5)
np.array([], dtype=np.int32)
np.array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])
np.int32(7)
np.float32(0.1)
np.dtype('i2')
np.dtype(np.float64)
np.dtype('>u4')
np.array([2**40, -5])
np.array([1, 2], dtype=np.int8) + 300
''', {}),
    ('reprs', '''import numpy as np
np.array([0.1, 0.25, 3.0])
np.array([1e-5, 1.0])
np.array([1e10, 1.0])
np.array([123456789.0, 1.0])
np.array([1.5, np.nan, -np.inf])
np.array([np.nan, np.inf])
np.array([-1.5, 2.25, 1000.125])
np.array([1/3, 2/3], dtype=np.float32)
np.array([0.1, 65504], dtype=np.float16)
np.array([1e-300, 1e300])
np.array([0.0, -0.0])
np.arange(30) * 1000
np.arange(40).reshape(2, 20) * 12345
np.arange(2000)
np.arange(3000).reshape(30, 100)
np.arange(1500.0)
np.arange(24).reshape(2, 3, 4)
np.arange(6).reshape(3, 2) - 3
np.array([True, True])
np.zeros((2, 0))
np.zeros((0,), dtype=np.uint16)
np.array([123456.789, 0.001])
np.array([1.0, 2.0]) / 3
np.array([5e-324, 1.0])
np.arange(12, dtype=np.int64).reshape(3, 4).T
np.array(1.0)
np.array(True)
np.array([0.5, 1.5], dtype=np.float16)
np.array([1e16, 1.0])
np.array([100000000.0, 1.0], dtype=np.float32)
np.array([1000000.0, 1.0], dtype=np.float32)
''', {}),
    ('attributes', '''import numpy as np
a = np.arange(12, dtype=np.int32).reshape(3, 4)
a.shape
a.strides
a.dtype
a.itemsize
a.nbytes
a.ndim
a.size
a.flags
a.T
a.T.strides
a.T.flags
a.transpose(1, 0).shape
a.reshape(4, 3)
a.reshape((2, -1))
a.T.reshape(12)
a.view(np.int16)
a.view(np.uint8).shape
a.astype(np.float32)
a.astype(np.int8).dtype
a.copy().flags.owndata
a.byteswap()
a[0].tobytes()
a.T.tobytes()
a.sum()
a.sum(axis=0)
a.sum(axis=1)
a.astype(np.float64).sum()
np.array([0.1] * 10).sum()
np.array([True, False, True]).sum()
a[1]
a[1, 2]
a[:, 1]
a[::2, ::-1]
a[..., 0]
a[None, 0].shape
a[-1, -1]
a[5]
a.base is None
a[1:].base is a
b = a[1:]
b[0, 0] = 100
a
a.__array_interface__['typestr']
a.__array_interface__['shape']
a.T.__array_interface__['strides']
a.reshape(2, 7)
a.dtype.str
a.dtype.itemsize
a.tolist()
a[0, 0].item()
len(a)
a.view(np.float32)[0, 0]
''', {}),
    ('arithmetic', '''import numpy as np
a = np.arange(6, dtype=np.int32).reshape(2, 3)
a + 1
a + 1.5
a * a
a - np.array([10, 20, 30])
a + np.array([[100], [200]])
a / 2
a // 4
a % 4
-a
a ** 2
a == 2
a > np.array([0, 1, 9])
(a & 3) | 8
np.array([1, 2, 3], dtype=np.int8) + np.array([1, 2, 3], dtype=np.int16)
np.array([1, 2], dtype=np.uint8) + np.array([1, 2], dtype=np.int8)
np.array([1, 2], dtype=np.uint64) + np.array([1, 2], dtype=np.int64)
np.array([1, 2], dtype=np.int32) + np.array([1, 2], dtype=np.float32)
np.array([1, 2], dtype=np.int16) + np.array([1, 2], dtype=np.float16)
np.array([250, 5], dtype=np.uint8) + 10
np.zeros(3, dtype=np.uint8) - 1
np.array([2**31 - 1], dtype=np.int32) + 1
np.array([1, 2]) + np.array([1, 2, 3])
np.array([-7, 7]) // np.array([2, -2])
np.array([-7, 7]) % np.array([2, -2])
np.array([-7.5, 7.5]) // 2
np.array([-7.5, 7.5]) % 2
np.array([1, 0]) // 0
np.array([1.0, 0.0]) / 0
np.array([2**62, 3]) * 4
np.array([3, 4]) ** np.array([40, 2])
np.array([2]) ** -1
np.array([True, False]) + np.array([True, True])
np.array([True]) - np.array([True])
np.array([1.5]) & 1
np.int32(5) + np.int32(7)
np.int64(1) / 0
np.float32(1) / 3
np.arange(3) + [10, 20, 30]
a.sum() * 2
3 - a
2 ** np.arange(4)
np.array([1, 2, 3]) < 2.5
1 + 2 * 3
7 // 2, -7 // 2, 7 % -3
2 ** 100
1 / 3
10 / 4
''', {}),
    ('ctypes_module', '''import ctypes
ctypes.sizeof(ctypes.c_int), ctypes.sizeof(ctypes.c_long), ctypes.sizeof(ctypes.c_longlong)
ctypes.sizeof(ctypes.c_void_p), ctypes.sizeof(ctypes.c_double), ctypes.sizeof(ctypes.c_short)
ctypes.c_int(5)
ctypes.c_int(5).value
ctypes.c_short(70000)
ctypes.c_ubyte(-1)
ctypes.c_double(1.5)
ctypes.c_float(0.1)
ctypes.c_bool(3)
ctypes.c_void_p(None)
ctypes.c_longlong(2**40)
ctypes.c_char(b'A')
ctypes.c_long
ctypes.c_longlong
ctypes.c_int8 is ctypes.c_byte
ctypes.c_int64
ctypes.POINTER(ctypes.c_int)
ctypes.POINTER(ctypes.c_int) is ctypes.POINTER(ctypes.c_int)
ctypes.c_int * 3
arr = (ctypes.c_int * 3)(1, 2, 3)
list(arr)
arr[1]
arr[-1]
len(arr)
arr[1] = 20
list(arr)
ctypes.sizeof(arr)
p = ctypes.cast(arr, ctypes.POINTER(ctypes.c_int))
p[1]
p[2] = 99
arr[2]
p.contents
ctypes.cast(arr, ctypes.POINTER(ctypes.c_short))[2]
c = ctypes.c_int(42)
ctypes.addressof(c) > 0
pc = ctypes.pointer(c)
pc.contents.value
pc.contents.value = 7
c
ctypes.cast(ctypes.addressof(c), ctypes.POINTER(ctypes.c_int)).contents
ctypes.sizeof(ctypes.POINTER(ctypes.c_double))
ctypes.c_int(3) * 2
ctypes.cast(1, ctypes.c_long)
arr[5]
''', {}),
    ('ctypeslib', '''import numpy as np
import ctypes
x = np.arange(6, dtype=np.int32).reshape(2, 3)
p = x.ctypes.data_as(ctypes.POINTER(ctypes.c_int))
np.ctypeslib.as_array(p, shape=(2, 3))
np.ctypeslib.as_array(p, (6,))
np.ctypeslib.as_array(p)
c = np.ctypeslib.as_ctypes(x)
c
list(c[1])
np.ctypeslib.as_array(c)
np.ctypeslib.as_ctypes(x.T)
np.ctypeslib.c_intp
np.ctypeslib.ndpointer(dtype=np.int32, ndim=2)
np.ctypeslib.ndpointer(dtype=np.float64, shape=(2, 3), flags='C_CONTIGUOUS')
np.ctypeslib.ndpointer()
nd = np.ctypeslib.ndpointer(dtype=np.int32, ndim=2, flags='C')
nd.from_param(x.T)
nd.from_param(x.astype(np.int64))
nd.from_param(x[0])
np.ctypeslib.as_ctypes_type(np.int32)
np.ctypeslib.as_ctypes_type(np.float64)
x.ctypes.data_as(ctypes.c_long)
x.ctypes.shape_as(ctypes.c_short)
list(x.ctypes.strides_as(ctypes.c_ubyte))
np.array(5).ctypes.shape
''', {}),
    ('errors', '''import numpy as np
import ctypes
y
np.nosuch
np.zeros(3).nosuch
np.arange(6).reshape(4, 2)
np.arange(4)[9]
np.arange(4)[1, 2]
np.zeros((2, 3)).T.view(np.int16)
len(5)
'a' + 1
x = = 1
1 +
(1, 2
from ctypes import c_long, POINTER
POINTER(c_long)
import sys2
np.arange(4).reshape(2, 2)[0][0] = 5.7
a = np.zeros(3, dtype=np.int8); a[0] = 300
np.broadcast_to(np.arange(3), (2, 3))[0, 0] = 1
a, b = 1, 2, 3
''', {}),
    ('views_and_tricks', '''import numpy as np
from numpy.lib.stride_tricks import as_strided
a = np.arange(10, dtype=np.int16)
w = as_strided(a, shape=(4, 3), strides=(4, 2))
w
w.flags.owndata
np.broadcast_to(np.arange(3), (2, 3))
np.broadcast_to(np.arange(3), (2, 3)).strides
np.broadcast_to(np.arange(3), (2, 3)).flags.writeable
np.ascontiguousarray(a[::2])
np.ascontiguousarray(a[::2]).strides
np.ascontiguousarray(a) is a
np.lib.stride_tricks.as_strided(a, shape=(3,), strides=(0,))
a[::3].copy().strides
a.reshape(2, 5)[:, ::2].copy()
b = a.reshape(2, 5).T
b.copy().flags.c_contiguous
np.ascontiguousarray(b).flags.c_contiguous
a[2:5] = 0
a
a[::2] = np.array([9, 8, 7, 6, 5])
a
''', {}),
    ('files', '''import numpy as np
a = np.arange(6, dtype=np.float32).reshape(2, 3)
np.save('a.npy', a)
np.load('a.npy')
m = np.load('a.npy', mmap_mode='r')
m
m[1]
m.T
m + 1
m.sum()
m.flags.owndata
m.flags.writeable
del m
mm = np.memmap('raw.bin', dtype=np.int16, mode='w+', shape=(4,))
mm
mm[1:] = 7
mm
mm[2:]
np.memmap('raw.bin', dtype=np.int16, mode='r')
np.memmap('raw.bin', dtype=np.uint8, mode='r', offset=2)
del mm
np.save('b', np.array([1, 2, 3]))
np.load('b.npy')
''', {'files': True}),
]

NO_CTYPES = ('no_ctypes', '''import numpy as np
x = np.array([[0, 1], [2, 3]], dtype=np.int32)
x.ctypes.data == x.__array_interface__['data'][0]
x.ctypes.shape
x.ctypes.strides
x.ctypes._as_parameter_
x.ctypes.data_as(None)
''', {'ctypes': False})


def run_case(script, no_ctypes=False, cwd=None):
    """The inputs exactly as Python's console grouped them (a line, or lines joined while incomplete)."""
    lines = script.rstrip('\n').split('\n')
    env = dict(os.environ)
    if no_ctypes:
        env['NO_CTYPES'] = '1'
    r = subprocess.run([sys.executable, '-c', RUNNER], input=json.dumps(lines), capture_output=True,
                       text=True, env=env, cwd=cwd, check=True)
    return json.loads(r.stdout)


LLP64_IN = [(r'\bctypes\.c_long\b', 'ctypes.c_int'), (r'\bctypes\.c_ulong\b', 'ctypes.c_uint')]


def derive_llp64(script):
    src = script
    for a, b in LLP64_IN:
        src = re.sub(a, b, src)
    res = run_case(src)
    orig = script.rstrip('\n').split('\n')
    out = []
    for r in res:
        o = r['output']
        # c_long -> c_longlong first (an 8-byte long here), then c_int -> c_long (a 4-byte int here)
        o = re.sub(r'(?<![A-Za-z0-9])c_long(?!long)', 'c_LONGLONG_', o)
        o = re.sub(r'(?<![A-Za-z0-9])c_ulong(?!long)', 'c_ULONGLONG_', o)
        o = re.sub(r'(?<![A-Za-z0-9])c_int(?![a-z0-9])', 'c_long', o)
        o = re.sub(r'(?<![A-Za-z0-9])c_uint(?![a-z0-9])', 'c_ulong', o)
        o = o.replace('c_LONGLONG_', 'c_longlong').replace('c_ULONGLONG_', 'c_ulonglong')
        n = r['line']
        k = r['source'].count('\n') + 1
        out.append({'line': n, 'source': '\n'.join(orig[n - 1:n - 1 + k]), 'output': o})
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    for name, script, opts in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            inputs = run_case(script, cwd=tmp)
        cases.append({'name': name, 'model': 'lp64', 'ctypes': True, 'files': bool(opts.get('files')),
                      'refuse': opts.get('refuse', []), 'inputs': inputs})
    cases.append({'name': 'seed_llp64', 'model': 'llp64', 'ctypes': True, 'files': False, 'refuse': [],
                  'derived': 'LP64 run with c_long->c_int, names mapped back (see the docstring)',
                  'inputs': derive_llp64(SEED)})
    name, script, opts = NO_CTYPES
    cases.append({'name': name, 'model': 'lp64', 'ctypes': False, 'files': False, 'refuse': [],
                  'inputs': run_case(script, no_ctypes=True)})
    doc = {'python': sys.version.split()[0], 'numpy': np.__version__, 'cases': cases}
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    print(f'wrote {len(cases)} cases to {OUT}/expected.json')


if __name__ == '__main__':
    main()
