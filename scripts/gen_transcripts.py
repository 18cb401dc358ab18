"""
Golden transcripts for the live console: each script below is fed to `python3 -q -u -i` (stdin a pipe, stdout
and stderr one stream, so prompts, echoes, tracebacks and warnings interleave as a learner sees them) and the
transcript is written, addresses masked (see `mask`), to tests/fixtures/transcripts/NAME.out next to NAME.py.

tests/livepython/transcripts.test.ts runs each script through the live console and compares byte for byte.
Run: python3 scripts/gen_transcripts.py   (or `npm run fixtures`)
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "transcripts")

HEX = re.compile(r"0x[0-9a-fA-F]{6,}")
# decimal addresses (x.ctypes.data, addressof): user-space heap and mapping addresses on 64-bit Linux/macOS/Windows
DEC = re.compile(r"(?<![\d.])\d{13,15}(?![\d.])")


def mask(text):
    """0x... object addresses -> 0xADDR; decimal integers that look like addresses (>= 2**40, < 2**48) -> ADDR."""
    text = HEX.sub("0xADDR", text)
    return DEC.sub(lambda m: "ADDR" if 2**40 <= int(m.group()) < 2**48 else m.group(), text)


SEED = open(os.path.join(ROOT, "examples", "seed.py")).read()

S = {}
S["seed-page"] = SEED
S["seed-temporary-safe"] = """import numpy as np
import ctypes
a = np.arange(3, dtype=np.int32)
b = np.ones(3, dtype=np.int32)
c = a+b
ct = (a+b).ctypes
ct.data_as(ctypes.POINTER(ctypes.c_int)).contents
c.ctypes.data_as(ctypes.POINTER(ctypes.c_int))[2]
"""
S["seed-dangling"] = """import numpy as np
import ctypes
a = np.arange(3, dtype=np.int32)
b = np.ones(3, dtype=np.int32)
p = (a+b).ctypes.data
type(p)
"""
# views and strides
S["view-slice"] = "import numpy as np\na = np.arange(12).reshape(3, 4)\na[1:, ::2]\na[1:, ::2].strides\na[1:, ::2].flags['C_CONTIGUOUS']\n"
S["view-transpose"] = "import numpy as np\na = np.arange(6, dtype=np.int16).reshape(2, 3)\na.T\na.T.strides\na.T.flags\n"
S["view-reverse"] = "import numpy as np\na = np.arange(5)\nb = a[::-1]\nb\nb.strides\nb.base is a\n"
S["view-reshape"] = "import numpy as np\na = np.arange(24)\nb = a.reshape(2, 3, 4)\nb.strides\nb[1, 2]\nb.reshape(6, 4).shape\n"
S["view-shape-assign"] = "import numpy as np\na = np.arange(6)\na.shape = (3, 2)\na\na.shape = (4, 2)\n"
S["view-base-chain"] = "import numpy as np\na = np.zeros(10)\nb = a[2:]\nc = b[::2]\nc.base is a\nc.base is b\nb.flags.owndata\n"
S["view-dtype"] = "import numpy as np\na = np.arange(4, dtype=np.int32)\na.view(np.int16)\na.view(np.uint8)[:8]\na.view('>i4')\n"
S["view-as-strided"] = "import numpy as np\nfrom numpy.lib.stride_tricks import as_strided\na = np.arange(6)\nas_strided(a, shape=(4, 3), strides=(8, 8))\n"
S["view-broadcast"] = "import numpy as np\na = np.arange(3)\nb = np.broadcast_to(a, (2, 3))\nb\nb.strides\nb.flags.writeable\n"
S["view-newaxis"] = "import numpy as np\na = np.arange(3)\na[:, None].strides\na[None, :].shape\na[:, np.newaxis] * a\n"
S["view-fortran"] = "import numpy as np\na = np.asfortranarray(np.arange(6).reshape(2, 3))\na.strides\na.flags.f_contiguous\nnp.ascontiguousarray(a).strides\n"
S["view-empty-strides"] = "import numpy as np\nnp.zeros((0, 3)).strides\nnp.zeros(0).sum()\nnp.zeros((2, 0)).shape\n"
S["view-swapaxes"] = "import numpy as np\na = np.arange(24).reshape(2, 3, 4)\na.swapaxes(0, 2).strides\na.transpose(1, 0, 2).shape\n"
S["view-ravel-copy"] = "import numpy as np\na = np.arange(6).reshape(2, 3)\na.T.ravel()\na.T.ravel().base is None\na.ravel().base is a\n"
S["view-setitem"] = "import numpy as np\na = np.zeros(4, dtype=np.int8)\nb = a[1:3]\nb[:] = 7\na\n"
S["view-negative-index"] = "import numpy as np\na = np.arange(10)\na[-3:]\na[-1]\na[10]\n"
S["view-fancy"] = "import numpy as np\na = np.arange(10) * 2\na[[1, 3, 5]]\na[a > 10]\na[[1, 3]].base is None\n"
S["view-itemset"] = "import numpy as np\na = np.arange(6).reshape(2, 3)\na[1, 2] = 99\na\na.item(5)\n"
S["view-diagonal"] = "import numpy as np\na = np.arange(9).reshape(3, 3)\nd = a.diagonal()\nd\nd.strides\nd.flags.writeable\n"
# dtypes
S["dtype-equal"] = "import numpy as np\na = np.arange(3, dtype=np.int32)\na.dtype == np.int32\na.dtype == 'int32'\na.dtype == 'i4'\na.dtype\n"
S["dtype-itemsize"] = "import numpy as np\nfor t in ['i1', 'u2', 'f4', 'f8', 'c16', 'M8[s]']:\n    print(t, np.dtype(t).itemsize)\n\n"
S["dtype-float16"] = "import numpy as np\nnp.float16(0.1)\nnp.float32(0.1)\nnp.float64(0.1)\nnp.array([0.1], dtype=np.float16)\n"
S["dtype-big-ints"] = "import numpy as np\nnp.arange(2**53, 2**53+3)\nnp.array([2**63])\nnp.array([2**63]).dtype\nnp.array([2**64])\n"
S["dtype-uint8-wrap"] = "import numpy as np\na = np.array([250, 251], dtype=np.uint8)\na + 10\na.astype(np.int8)\n"
S["dtype-scalar-overflow"] = "import numpy as np\nnp.int8(127) + np.int8(1)\nnp.int8(127) + np.int8(1)\nnp.int32(2**31-1) * np.int32(2)\n"
S["dtype-cast-overflow"] = "import numpy as np\nnp.array([1e300]).astype(np.float32)\nnp.array([np.nan]).astype(np.int64)\n"
S["dtype-bool"] = "import numpy as np\nnp.array([True, False]).itemsize\nnp.array([1, 0], dtype=bool)\nnp.array([1, 2]) > 1\n"
S["dtype-complex"] = "import numpy as np\nc = np.array([1+2j, 3-4j])\nc\nc.real\nc.imag.strides\nabs(c)\n"
S["dtype-datetime"] = "import numpy as np\nd = np.array(['2024-01-01', '2024-03-01'], dtype='datetime64[D]')\nd\nd[1] - d[0]\nd.view(np.int64)\n"
S["dtype-str"] = "import numpy as np\ns = np.array(['ab', 'cde'])\ns\ns.dtype\ns.itemsize\ns.tobytes()[:8]\n"
S["dtype-bytes"] = "import numpy as np\nb = np.array([b'ab', b'c'])\nb\nb.dtype.str\nb.tobytes()\n"
S["dtype-object"] = "import numpy as np\no = np.array([1, 'a', None], dtype=object)\no\no.itemsize\n"
S["dtype-promotion"] = "import numpy as np\n(np.arange(3, dtype=np.int8) + np.arange(3, dtype=np.int16)).dtype\n(np.float32(1) + 1.0).dtype\nnp.result_type(np.uint8, np.int8)\n"
S["dtype-descr"] = "import numpy as np\nnp.dtype('<f8').descr\nnp.dtype('>u2').str\nnp.dtype('i4').byteorder\nnp.dtype('u1').byteorder\n"
S["dtype-invalid"] = "import numpy as np\nnp.dtype('q9')\nnp.zeros(3, dtype='int33')\n"
S["dtype-finfo"] = "import numpy as np\nnp.finfo(np.float32).eps\nnp.iinfo(np.int16).max\nnp.iinfo(np.uint64).max\n"
S["dtype-astype-copy"] = "import numpy as np\na = np.arange(3)\nb = a.astype(np.int64)\nb is a\nb.base is a\na.astype(np.int64, copy=False) is a\n"
S["dtype-sum-keepdims"] = "import numpy as np\nm = np.arange(6).reshape(2, 3)\nm.max()\nm.mean()\nabs(-m)\nm.sum(keepdims=True)\nm.sum(axis=0)\n"
S["dtype-round"] = "import numpy as np\nnp.round(np.array([0.5, 1.5, 2.5]))\nnp.array([1.23456789])\nnp.set_printoptions(precision=3)\nnp.array([1.23456789])\n"
# byte order
S["byteorder-ones"] = "import numpy as np\nnp.ones(2, dtype='>i4')\nnp.arange(3, dtype='>i4')\nnp.ones(2, dtype='>i4').tobytes()\n"
S["byteorder-swap"] = "import numpy as np\na = np.array([1, 256], dtype='<i2')\na.byteswap()\na.view('>i2')\na.dtype.newbyteorder()\n"
S["byteorder-tobytes"] = "import numpy as np\nnp.array([1.0], dtype='>f8').tobytes()\nnp.array([1.0], dtype='<f8').tobytes()\nnp.frombuffer(b'\\x00\\x01', dtype='>u2')\n"
S["byteorder-native"] = "import numpy as np\nimport sys\nsys.byteorder\nnp.dtype('=i4').str\nnp.dtype('>i4').isnative\n"
S["byteorder-frombuffer"] = "import numpy as np\nb = bytes(range(8))\nnp.frombuffer(b, dtype='<u4')\nnp.frombuffer(b, dtype='>u4')\nnp.frombuffer(b, dtype='u4').flags.writeable\n"
S["byteorder-equal"] = "import numpy as np\na = np.arange(3, dtype='>i4')\nb = np.arange(3, dtype='<i4')\n(a == b).all()\na.dtype == b.dtype\na + b\n"
# structured arrays
S["struct-basic"] = "import numpy as np\ndt = np.dtype([('x', '<i4'), ('y', '<f8')])\ndt\ndt.itemsize\ndt.fields\n"
S["struct-array"] = "import numpy as np\ns = np.zeros(2, dtype=[('x', 'i4'), ('y', 'f8')])\ns\ns['x'] = [1, 2]\ns\ns['y'].strides\n"
S["struct-aligned"] = "import numpy as np\nnp.dtype([('a', 'u1'), ('b', 'i4')], align=True).itemsize\nnp.dtype([('a', 'u1'), ('b', 'i4')]).itemsize\nnp.dtype({'names': ['a'], 'formats': ['i8'], 'offsets': [8], 'itemsize': 16})\n"
S["struct-nested"] = "import numpy as np\ndt = np.dtype([('p', [('x', 'f4'), ('y', 'f4')]), ('id', 'u2')])\na = np.zeros(2, dtype=dt)\na['p']['x'] = 3\na\na.tobytes()\n"
S["struct-subarray"] = "import numpy as np\ndt = np.dtype([('v', 'f4', (3,))])\na = np.zeros(2, dtype=dt)\na['v'].shape\na['v'].strides\n"
S["struct-record"] = "import numpy as np\na = np.array([(1, 2.0), (3, 4.0)], dtype=[('i', 'i2'), ('f', 'f4')])\na[1]\na[1]['f']\na.view(np.recarray).i\n"
S["struct-keyerror"] = "import numpy as np\na = np.zeros(1, dtype=[('x', 'i4')])\na['y']\n"
# ctypes
S["ctypes-sizes"] = "import ctypes\nctypes.sizeof(ctypes.c_int)\nctypes.sizeof(ctypes.c_long)\nctypes.sizeof(ctypes.c_longlong)\nctypes.sizeof(ctypes.c_void_p)\nctypes.sizeof(ctypes.c_double)\n"
S["ctypes-values"] = "import ctypes\nctypes.c_int(5)\nctypes.c_uint8(300)\nctypes.c_double(1.5).value\nctypes.c_char(b'a')\nctypes.c_bool(2)\n"
S["ctypes-pointer"] = "import ctypes\ni = ctypes.c_int(42)\np = ctypes.pointer(i)\np.contents\np[0]\np[0] = 7\ni\n"
S["ctypes-pointer-pointer"] = "import ctypes\nPP = ctypes.POINTER(ctypes.POINTER(ctypes.c_int))\nPP\ni = ctypes.c_int(3)\npp = PP(ctypes.pointer(i))\npp[0][0]\n"
S["ctypes-array"] = "import ctypes\nA = ctypes.c_int * 4\na = A(1, 2, 3, 4)\nlist(a)\nctypes.sizeof(a)\na[4]\n"
S["ctypes-cast"] = "import ctypes\na = (ctypes.c_uint8 * 4)(1, 0, 0, 0)\nctypes.cast(a, ctypes.POINTER(ctypes.c_uint32)).contents\nctypes.cast(a, ctypes.POINTER(ctypes.c_uint16))[1]\n"
S["ctypes-structure"] = "import ctypes\nclass P(ctypes.Structure):\n    _fields_ = [('x', ctypes.c_int), ('y', ctypes.c_double)]\n\nctypes.sizeof(P)\nP.y.offset\np = P(1, 2.5)\np.y\n"
S["ctypes-null"] = "import ctypes\np = ctypes.POINTER(ctypes.c_int)()\nbool(p)\np.contents\n"
S["ctypes-string-at"] = "import ctypes\nb = ctypes.create_string_buffer(b'hello')\nctypes.string_at(b)\nctypes.string_at(ctypes.addressof(b), 3)\nb.raw\n"
S["ctypes-byref"] = "import ctypes\nx = ctypes.c_long(9)\nr = ctypes.byref(x)\ntype(r).__name__\nctypes.c_long.from_buffer(x).value\n"
S["ctypes-memmove"] = "import ctypes\na = (ctypes.c_char * 4)()\nctypes.memmove(a, b'abcd', 4) == ctypes.addressof(a)\na.raw\nctypes.memset(a, 0, 2) == ctypes.addressof(a)\na.raw\n"
S["ctypes-bad-type"] = "import ctypes\nctypes.c_int('x')\nctypes.POINTER(5)\nctypes.sizeof(3)\n"
S["ctypes-union"] = "import ctypes\nclass U(ctypes.Union):\n    _fields_ = [('i', ctypes.c_uint32), ('f', ctypes.c_float)]\n\nu = U()\nu.f = 1.0\nhex(u.i)\n"
# numpy + ctypes
S["npct-data-as"] = "import numpy as np\nimport ctypes\na = np.arange(4, dtype=np.float64)\np = a.ctypes.data_as(ctypes.POINTER(ctypes.c_double))\np[3]\np[0] = 10\na\n"
S["npct-shape-strides"] = "import numpy as np\nimport ctypes\na = np.zeros((2, 3), dtype=np.int16)\nlist(a.ctypes.shape)\nlist(a.ctypes.strides)\nlist(a.T.ctypes.strides_as(ctypes.c_int))\n"
S["npct-as-parameter"] = "import numpy as np\na = np.arange(3)\na.ctypes._as_parameter_.value == a.ctypes.data\ntype(a.ctypes._as_parameter_)\n"
S["npct-as-array"] = "import numpy as np\nimport ctypes\nbuf = (ctypes.c_int * 3)(1, 2, 3)\nv = np.ctypeslib.as_array(buf)\nv\nv[0] = 9\nbuf[0]\n"
S["npct-as-array-pointer"] = "import numpy as np\nimport ctypes\na = np.arange(6, dtype=np.int32)\np = a.ctypes.data_as(ctypes.POINTER(ctypes.c_int))\nnp.ctypeslib.as_array(p, shape=(2, 3))\n"
S["npct-as-ctypes"] = "import numpy as np\nimport ctypes\nc = np.ctypeslib.as_ctypes(np.arange(3, dtype=np.int32))\ntype(c).__name__\nlist(c)\n"
S["npct-frombuffer-ctypes"] = "import numpy as np\nimport ctypes\nbuf = (ctypes.c_double * 2)(1.5, 2.5)\na = np.frombuffer(buf, dtype=np.float64)\na\na.base is not None\n"
S["npct-ndpointer"] = "import numpy as np\nP = np.ctypeslib.ndpointer(dtype=np.float64, ndim=1, flags='C_CONTIGUOUS')\nP.from_param(np.zeros(3)) is not None\nP.from_param(np.zeros(3, dtype=np.int32))\n"
S["npct-longlong"] = "import numpy as np\nimport ctypes\nx = np.array([[0, 1], [2, 3]], dtype=np.int32)\nx.ctypes.data_as(ctypes.POINTER(ctypes.c_longlong)).contents\nx.ctypes.data_as(ctypes.POINTER(ctypes.c_long))[1]\n"
S["npct-data-int"] = "import numpy as np\na = np.arange(3)\ntype(a.ctypes.data)\na.ctypes.data == a.__array_interface__['data'][0]\na[1:].ctypes.data - a.ctypes.data\n"
S["npct-addressof"] = "import numpy as np\nimport ctypes\nc = (ctypes.c_int16 * 4)(1, 2, 3, 4)\nnp.frombuffer(c, dtype=np.int16)[2]\nctypes.addressof(c) == np.frombuffer(c, dtype=np.int16).ctypes.data\n"
S["npct-interface"] = "import numpy as np\na = np.arange(4, dtype='<u2')[::2]\nai = a.__array_interface__\nai['shape']\nai['strides']\nai['typestr']\nai['version']\n"
S["npct-from-address"] = "import numpy as np\nimport ctypes\na = np.array([7, 8], dtype=np.int32)\nctypes.c_int32.from_address(a.ctypes.data + 4)\n"
# memmap and files
S["memmap-basic"] = "import numpy as np\nm = np.memmap('m.bin', dtype='u1', mode='w+', shape=(4,))\nm[:] = 5\nm.flush()\nopen('m.bin', 'rb').read()\ntype(m).__name__\n"
S["memmap-view"] = "import numpy as np\nm = np.memmap('v.bin', dtype='i2', mode='w+', shape=(2, 3))\nm[1] = [1, 2, 3]\nm[1]\nm[:, 1].strides\nm.offset\n"
S["memmap-readonly"] = "import numpy as np\nnp.arange(4, dtype='u1').tofile('r.bin')\nr = np.memmap('r.bin', dtype='u1', mode='r')\nr\nr[0] = 1\n"
S["npy-save-load"] = "import numpy as np\nnp.save('a.npy', np.arange(3, dtype='>i2'))\nb = np.load('a.npy')\nb\nb.dtype\nopen('a.npy', 'rb').read(10)\n"
S["npy-load-mmap"] = "import numpy as np\nnp.save('c.npy', np.arange(6).reshape(2, 3))\nc = np.load('c.npy', mmap_mode='r')\nc\ntype(c).__name__\nc.flags.writeable\n"
S["npy-missing"] = "import numpy as np\nnp.load('missing.npy')\n"
# errors and warnings
S["err-shape-mismatch"] = "import numpy as np\nnp.arange(3) + np.arange(4)\n"
S["err-reshape"] = "import numpy as np\nnp.arange(6).reshape(4, 2)\n"
S["err-index"] = "import numpy as np\na = np.zeros((2, 2))\na[2, 0]\na[0, 0, 0]\n"
S["err-name"] = "import numpy as np\nundefined_name\nnp.not_a_function\n"
S["err-type"] = "import numpy as np\nnp.arange('a')\nlen(np.float64(1))\n"
S["err-syntax"] = "x = (1,\n]\ny = 1 +\nprint 'x'\n"
S["err-zero-division"] = "import numpy as np\n1 / 0\nnp.array([1.0]) / 0\nnp.array([1]) // 0\nnp.float64(0) / 0\n"
S["err-readonly"] = "import numpy as np\na = np.arange(3)\na.flags.writeable = False\na[0] = 1\n"
S["err-nested-traceback"] = "def f(x):\n    return 1 / x\n\nf(0)\n"
S["err-value"] = "import numpy as np\nint('x')\nnp.array([1, 2]).item()\n"
S["err-broadcast-setitem"] = "import numpy as np\na = np.zeros((2, 3))\na[:] = [1, 2]\n"
S["err-attribute"] = "import numpy as np\na = np.arange(3)\na.nosuch\na.ctypes.nosuch\n"
S["err-keyboard-raise"] = "raise KeyboardInterrupt\nprint('after')\n"
S["err-chained"] = "try:\n    1/0\nexcept ZeroDivisionError:\n    raise ValueError('wrapped')\n\n"
S["warn-invalid"] = "import numpy as np\nnp.sqrt(np.array([-1.0]))\nnp.sqrt(np.array([-1.0]))\nnp.log(np.array([0.0]))\n"
S["warn-mean-empty"] = "import numpy as np\nnp.array([]).mean()\n"
S["warn-explicit"] = "import warnings\nwarnings.warn('careful')\nwarnings.warn('careful')\nwarnings.warn('other', UserWarning)\n"
S["warn-errstate"] = "import numpy as np\nwith np.errstate(divide='ignore'):\n    r = np.array([1.0]) / 0\n\nr\nnp.seterr(all='raise')\nnp.array([1.0]) / 0\n"
S["warn-complex-cast"] = "import numpy as np\nnp.array([1+1j]).astype(float)\n"
# plain Python a learner types alongside
S["py-print-interleave"] = "import sys\nprint('out')\nprint('err', file=sys.stderr)\nprint('a'); print('b', file=sys.stderr); print('c')\n"
S["py-for-loop"] = "total = 0\nfor i in range(5):\n    total += i\n\ntotal\n"
S["py-function"] = "def area(w, h):\n    return w * h\n\narea(3, 4)\narea\n"
S["py-class"] = "class A:\n    def __repr__(self):\n        return 'A()'\n\nA()\n[A(), A()]\n"
S["py-underscore"] = "1 + 1\n_ * 10\n_\n"
S["py-none-display"] = "None\nx = None\nx\nprint(None)\n"
S["py-multiline-call"] = "import numpy as np\nnp.array([\n    [1, 2],\n    [3, 4],\n])\n"
S["py-semicolon"] = "a = 1; b = 2; a + b\n1; 2\n"
S["py-comments-blank"] = "# a comment\n\n1\n   \n2  # trailing\n"
S["py-if-else"] = "x = 3\nif x > 2:\n    print('big')\nelse:\n    print('small')\n\n"
S["py-while-break"] = "i = 0\nwhile True:\n    i += 1\n    if i == 3:\n        break\n\ni\n"
S["py-listcomp"] = "[x * x for x in range(5)]\n{k: v for k, v in zip('ab', [1, 2])}\n"
S["py-unicode"] = "s = 'héllo ✓'\ns\nprint(s)\nlen(s.encode())\n"
S["py-bytes-repr"] = "b'\\x00\\xff'\nbytes(range(4))\nbytearray(b'ab')\n"
S["py-exit-in-block"] = "try:\n    int('z')\nexcept ValueError as e:\n    print('caught', e)\n\n"
S["py-large-output"] = "import numpy as np\nnp.arange(2000)\nnp.set_printoptions(threshold=5)\nnp.arange(20)\n"
S["py-float-repr"] = "0.1 + 0.2\n1e16\n1/3\nfloat('nan')\n"
S["py-del"] = "x = 1\ndel x\nx\n"
S["py-global-import"] = "from math import pi\npi\nimport math as m\nm.tau\n"
S["py-lambda"] = "f = lambda v: v + 1\nf(1)\nlist(map(f, [1, 2]))\n"
S["py-sys-getrefcount"] = "import sys\nimport numpy as np\na = np.arange(3)\nsys.getrefcount(a)\nb = a\nsys.getrefcount(a)\n"
S["np-printing"] = "import numpy as np\nnp.eye(3)\nnp.linspace(0, 1, 5)\nnp.array([[1.5, 2], [3, 4]])\nnp.array([1e-10, 1e10])\n"
S["np-scalars"] = "import numpy as np\nnp.int64(5)\nnp.uint8(3)\nnp.True_\nnp.float32(1)/3\nnp.arange(3)[0]\ntype(np.arange(3)[0])\n"
S["np-reductions"] = "import numpy as np\na = np.arange(10, dtype=np.float32)\na.sum()\na.mean()\na.std()\nnp.cumsum(a)[-1]\na.argmax()\n"
S["np-copy-vs-view"] = "import numpy as np\na = np.arange(4)\nb = a.copy()\nb.base is None\nnp.shares_memory(a, a[::2])\nnp.may_share_memory(a, b)\n"
S["np-nbytes"] = "import numpy as np\na = np.zeros((3, 4), dtype=np.float32)\na.nbytes\na.size\na.itemsize\na[:, 1].nbytes\n"
S["np-concatenate"] = "import numpy as np\nnp.concatenate([np.arange(2), np.arange(3)])\nnp.stack([np.arange(2)] * 2)\nnp.hstack([[1], [2]])\n"
S["np-where"] = "import numpy as np\na = np.arange(5)\nnp.where(a > 2, a, -1)\nnp.nonzero(a % 2)\n"
S["np-matmul"] = "import numpy as np\na = np.arange(4).reshape(2, 2)\na @ a\na.dot(a)\nnp.arange(3) @ np.arange(2)\n"
S["np-tolist"] = "import numpy as np\na = np.arange(4, dtype=np.uint16).reshape(2, 2)\na.tolist()\na.tobytes()\nlist(a.flat)\n"
S["np-empty-like"] = "import numpy as np\nnp.zeros_like(np.arange(3.0))\nnp.full((2,), 7, dtype='u1')\nnp.ones((1, 2), order='F').flags.f_contiguous\n"
S["np-version-types"] = "import numpy as np\ntype(np.__version__).__name__\nnp.ndarray\nnp.dtype\n"


# values the built-in interpreter once got wrong without an error (see tests/playground/simulatedTranscripts.test.ts)
S["sim-byteorder-make"] = "import numpy as np\nnp.ones(2, dtype='>i4')\nnp.arange(3, dtype='>i4')\nnp.zeros(2, dtype='>f8').tobytes()\nnp.arange(3, dtype='>u2').tobytes()\n"
S["sim-dtype-equal"] = "import numpy as np\na = np.arange(6, dtype=np.int32)\na.dtype == np.int32\na.dtype == 'int32'\na.dtype == 'i4'\na.dtype != np.int64\na.dtype == 'no such type'\n"
S["sim-int-exact"] = "import numpy as np\nnp.arange(2**53, 2**53+3)\nnp.array([2**63])\nnp.array([2**63]).dtype\nnp.array([2**63, -1])\n"
S["sim-empty"] = "import numpy as np\nnp.zeros((0, 3)).strides\nnp.zeros(0).strides\nnp.zeros(0).sum()\nnp.zeros((0, 3), order='F').strides\nnp.array([[]]).strides\n"
S["sim-reductions"] = "import numpy as np\nm = np.array([[1.5, -2.0], [3.0, 4.0]])\nm.max()\nm.min()\nm.mean()\nabs(m)\nm.sum(keepdims=True)\nm.sum(axis=0, keepdims=True)\nnp.arange(5, dtype=np.int8).mean()\nabs(np.array([-3, 2], dtype=np.int16))\nnp.array([1.0, np.nan]).max()\n"
S["sim-struct-dtype"] = "import numpy as np\nnp.dtype([('x', '<i4'), ('y', '<f8')])\nnp.dtype([('x', '<i4'), ('y', '<f8', (2,))])\nnp.dtype([('x', '<i4'), ('y', '<f8')]).itemsize\n"


def record(script, workdir):
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1", TERM="dumb", PYTHONSTARTUP="")
    env.pop("PYTHONSTARTUP")
    p = subprocess.run(
        [sys.executable, "-q", "-u", "-i"],
        input=script.encode(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=workdir,
        env=env,
        timeout=60,
    )
    return mask(p.stdout.decode("utf-8", "surrogateescape"))


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        if old.endswith((".py", ".out")):  # simulation-matches.txt is kept: it lists which the simulation reproduces
            os.remove(os.path.join(OUT, old))
    import numpy

    for name, script in S.items():
        with tempfile.TemporaryDirectory() as d:
            out = record(script, d)
        with open(os.path.join(OUT, name + ".py"), "w") as f:
            f.write(script)
        with open(os.path.join(OUT, name + ".out"), "w") as f:
            f.write(out)
    with open(os.path.join(OUT, "VERSIONS"), "w") as f:
        f.write(f"python {sys.version.split()[0]}\nnumpy {numpy.__version__}\n")
    print(f"{len(S)} transcripts -> {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
