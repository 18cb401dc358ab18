#!/usr/bin/env python3
"""Generate the .npy / .npz / raw fixtures for tests/formats and NumPy's answers for them.

    python3 scripts/gen_format_fixtures.py

Writes tests/fixtures/npy/*.npy, *.npz, *.bin (raw), bad/* (corrupt files) and expected.json:
for every good file NumPy's own reading of it (descr, shape, fortran_order, version, header length, data offset,
header text, sha256 of the data bytes, first values in the CLI/IPC JSON spelling so NaN/inf/-0 survive);
for every bad file the error NumPy raises. Tests compare against this file and never call Python.
Deterministic: same NumPy -> same bytes.
"""
import hashlib
import io
import json
import math
import os
import re
import struct
import sys
import warnings
import zipfile

# Deterministic zips: zipfile stamps members with time.localtime(time.time())
os.environ['TZ'] = 'UTC'
import time  # noqa: E402
time.tzset()
time.time = lambda: 1700000000.0

import numpy as np  # noqa: E402
from numpy.lib import _format_impl as npformat  # the module numpy.lib.format re-exports (has the private readers)
from valuejson import float_json  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'npy')
BAD = os.path.join(OUT, 'bad')
NFIRST = 12


def jsonable_descr(d):
    if isinstance(d, (list, tuple)):
        return [jsonable_descr(x) for x in d]
    return d


def value_json(v, dt):
    """The contract's valueToJSON spelling of one element `v` (a numpy scalar or 0-d array) of dtype `dt`."""
    if dt.subdtype is not None:
        base, shape = dt.subdtype
        arr = np.asarray(v).reshape(shape)
        def rec(a):
            if a.ndim == 0:
                return value_json(a[()], base)
            return [rec(x) for x in a]
        return rec(arr)
    if dt.names is not None:
        return {name: value_json(v[name], dt.fields[name][0]) for name in dt.names}
    k = dt.kind
    if k == 'b':
        return bool(v)
    if k in 'iu':
        return str(int(v)) if dt.itemsize == 8 else int(v)
    if k == 'f':
        return float_json(v)
    if k == 'c':
        return [float_json(np.real(v)), float_json(np.imag(v))]
    if k in 'SV':
        return np.asarray(v, dtype=dt).tobytes().hex()
    if k == 'U':
        return str(v)
    if k in 'Mm':
        return str(int(np.asarray(v, dtype=dt).view('<i8' if dt.byteorder != '>' else '>i8')[()]))
    raise TypeError(dt)


def first_values(arr):
    flat = arr.reshape(-1, order='C') if arr.ndim else arr.reshape(1)
    return [value_json(flat[i], arr.dtype) for i in range(min(NFIRST, flat.size))]


def header_info(raw):
    """Parse a .npy byte string the way numpy.lib.format does, returning the layout of the header."""
    fp = io.BytesIO(raw)
    major, minor = npformat.read_magic(fp)
    lenfmt = '<H' if (major, minor) == (1, 0) else '<I'
    hl_size = struct.calcsize(lenfmt)
    header_len = struct.unpack(lenfmt, raw[8:8 + hl_size])[0]
    fp.seek(0)
    npformat.read_magic(fp)
    shape, fortran, dtype = npformat._read_array_header(fp, (major, minor), max_header_size=2**64)
    data_offset = fp.tell()
    enc = 'latin1' if major < 3 else 'utf8'
    text = raw[8 + hl_size:data_offset].decode(enc)
    stripped = text.rstrip(' \n')
    dict_end = 8 + hl_size + len(stripped.encode(enc))
    return dict(version=[major, minor], header_len=header_len, data_offset=data_offset, header_text=text,
                dict_end=dict_end, shape=list(shape), fortran_order=fortran, dtype=dtype)


expected = {'npy': {}, 'npz': {}, 'raw': {}, 'bad': {}, 'write': {}}


def record_npy(name, raw, arr_from_np):
    info = header_info(raw)
    dt = info['dtype']
    d = np.lib.format.header_data_from_array_1_0(np.empty(0, dtype=dt))
    expected['npy'][name] = {
        'version': info['version'],
        'header_len': info['header_len'],
        'data_offset': info['data_offset'],
        'dict_end': info['dict_end'],
        'header_text': info['header_text'],
        'descr': jsonable_descr(d['descr']),
        'dtype_str': dt.str,
        'itemsize': dt.itemsize,
        'shape': info['shape'],
        'fortran_order': info['fortran_order'],
        'strides': list(arr_from_np.strides),
        'file_size': len(raw),
        'data_sha256': hashlib.sha256(raw[info['data_offset']:]).hexdigest(),
        'first': first_values(arr_from_np),
        'flags': {'C_CONTIGUOUS': bool(arr_from_np.flags.c_contiguous), 'F_CONTIGUOUS': bool(arr_from_np.flags.f_contiguous)},
    }


def save(name, arr, version=None):
    path = os.path.join(OUT, name)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        if version is None:
            np.save(path, arr)
        else:
            with open(path, 'wb') as f:
                npformat.write_array(f, arr, version=version)
    raw = open(path, 'rb').read()
    loaded = np.load(path, max_header_size=2**64)
    assert loaded.dtype == arr.dtype and loaded.shape == arr.shape
    assert loaded.tobytes() == np.ascontiguousarray(arr).tobytes()
    # strides and flags as a memory mapping gives them (what openNpy builds), values as np.load reads them
    mapped = np.load(path, mmap_mode='r', max_header_size=2**64)
    assert mapped.tobytes() == loaded.tobytes()
    record_npy(name, raw, mapped)
    # what a plain np.load(path) says (headers over numpy's 10,000-character limit are refused without a flag)
    try:
        np.load(path)
        expected['npy'][name]['numpy_default_load_error'] = None
    except ValueError as e:
        expected['npy'][name]['numpy_default_load_error'] = f'ValueError: {e}'
    return raw


def structured_dtypes():
    inner = np.dtype([('x', '<f4'), ('y', '<i2')])
    nested = np.dtype([('id', '<u4'), ('pos', inner), ('m', '<f8', (2, 2)), ('tag', 'S3')])
    aligned = np.dtype([('a', 'u1'), ('b', '<i4'), ('c', '<f2')], align=True)  # padding -> '' |V entries in descr
    titled = np.dtype({'names': ['r', 'g'], 'formats': ['u1', 'u1'], 'titles': ['Red', 'Green']})
    sub_of_struct = np.dtype([('pt', [('u', '<i2'), ('v', '<i2')], (3,)), ('w', '>u2')])
    return nested, aligned, titled, sub_of_struct


def fill(dt, shape):
    """Deterministic interesting content for any dtype."""
    n = int(np.prod(shape)) if len(shape) else 1
    raw = (np.arange(n * dt.itemsize, dtype=np.uint64) * 37 + 11) % 251
    arr = np.frombuffer(raw.astype(np.uint8).tobytes(), dtype=dt, count=n).copy()
    return arr.reshape(shape)


def complex_of(re, im, dt):
    out = np.empty(len(re), dtype=dt)
    out.real = re
    out.imag = im
    return out


def gen_npy():
    rng_vals = np.array([0.0, -0.0, 1.5, -2.25, np.nan, np.inf, -np.inf, 1e-310, 3.0e38, -7.0, 65504.0, 0.1])
    simple = {
        'bool': np.array([True, False, True, True, False]),
        'i1': np.array([-128, -1, 0, 1, 127], dtype='i1'),
        'u1': np.arange(0, 250, 50, dtype='u1'),
        'i2': np.array([-32768, -2, 0, 3, 32767], dtype='<i2'),
        'u2': np.array([0, 1, 65535], dtype='<u2'),
        'i4': np.arange(-3, 9, dtype='<i4').reshape(3, 4),
        'u4': np.array([0, 4294967295, 7], dtype='<u4'),
        'i8': np.array([-(2**63), 2**63 - 1, 0, -1, 2**53 + 1], dtype='<i8'),
        'u8': np.array([0, 2**64 - 1, 2**53 + 1], dtype='<u8'),
        'f2': np.array([0.0, -0.0, 1.5, -2.25, np.nan, np.inf, -np.inf, 6e-8, 65504.0, 0.1], dtype='<f2'),
        'f4': rng_vals.astype('<f4'),
        'f8': rng_vals.astype('<f8'),
        'c8': complex_of(rng_vals[:6], rng_vals[6:], '<c8'),
        'c16': complex_of(rng_vals[:6], rng_vals[6:], '<c16'),
        'S5': np.array([b'ab', b'hello', b'', b'\x00\xffz'], dtype='S5'),
        'U3': np.array(['a', 'xyz', 'é', '温度'], dtype='<U3'),
        'V4': np.frombuffer(bytes(range(12)), dtype='V4').copy(),
        'M8ns': np.array(['2024-01-02T03:04:05.123456789', 'NaT', '1970-01-01'], dtype='<M8[ns]'),
        'M8D': np.array(['2024-02-29', '1969-12-31'], dtype='<M8[D]'),
        'm8s': np.array([0, -5, 86400, 'NaT'], dtype='<m8[s]'),
        'M8_25s': np.array([1, 2, 3], dtype='<M8[25s]'),
        'M8generic': np.array(['NaT', 'NaT'], dtype='M8'),
        'be_i4': np.arange(6, dtype='>i4').reshape(2, 3),
        'be_f8': rng_vals.astype('>f8'),
        'be_c16': np.array([1 + 2j, -0.0 - 1j], dtype='>c16'),
        'be_U2': np.array(['hi', 'ø'], dtype='>U2'),
    }
    for k, a in simple.items():
        save(f'{k}.npy', a)
    # both orders, several dims
    base = np.arange(24, dtype='<f8').reshape(2, 3, 4)
    save('c_order_3d.npy', base)
    save('f_order_3d.npy', np.asfortranarray(base))
    save('f_order_2d_i2.npy', np.asfortranarray(np.arange(12, dtype='<i2').reshape(3, 4)))
    save('f_order_be.npy', np.asfortranarray(np.arange(6, dtype='>u2').reshape(2, 3)))
    save('zero_d.npy', np.array(3.5))
    save('zero_d_i8.npy', np.array(-42, dtype='<i8'))
    save('empty_1d.npy', np.zeros((0,), dtype='<f4'))
    save('empty_2d.npy', np.zeros((2, 0, 3), dtype='<i4'))
    save('empty_f.npy', np.asfortranarray(np.zeros((0, 3), dtype='<i4')))
    save('ones_dim.npy', np.arange(4, dtype='u1').reshape(1, 4, 1))
    nested, aligned, titled, sub_of_struct = structured_dtypes()
    save('struct_nested.npy', fill(nested, (3,)))
    save('struct_aligned.npy', fill(aligned, (2, 2)))
    save('struct_titled.npy', fill(titled, (4,)))
    save('struct_subarray.npy', fill(sub_of_struct, (2,)))
    save('struct_f_order.npy', np.asfortranarray(fill(np.dtype([('a', '<i2'), ('b', 'u1')]), (2, 3))))
    save('struct_empty_fields.npy', np.zeros(2, dtype=np.dtype([])))
    # explicit versions
    save('v2_i4.npy', np.arange(5, dtype='<i4'), version=(2, 0))
    save('v3_f4.npy', np.arange(5, dtype='<f4'), version=(3, 0))
    save('v3_auto_unicode_names.npy', fill(np.dtype([('温度', '<f4'), ('Δx', '<i2')]), (3,)))
    save('v1_latin1_names.npy', fill(np.dtype([('café', '<f4'), ('naïve', 'u1')]), (2,)))
    # header > 65535 bytes: numpy picks version 2.0 by itself
    big = np.dtype([(f'field_{i:05d}', 'u1') for i in range(3300)])
    save('v2_auto_big_header.npy', np.zeros(1, dtype=big))
    # a structured dtype with many fields, as np.save writes it: a version 1.0 header over np.load's 10,000 limit
    many = np.dtype([(f'sensor_{i:03d}', ['<f4', '<i2', 'u1', '>f8'][i % 4]) for i in range(600)])
    save('many_fields.npy', fill(many, (3,)))
    # long shapes / growth padding on last vs first axis
    save('long_shape.npy', np.zeros((1, 1, 1, 1, 1, 1, 1, 2), dtype='u1'))
    save('big_dim_values.npy', np.zeros((12345678901, 0), dtype='u1'))


def write_cases():
    """Arrays written by numpy.save whose bytes the TS writer must reproduce exactly, given the same array."""
    # Each case: a source fixture the TS test reads, an operation to apply, and numpy's save output of the result.
    base = np.arange(24, dtype='<f8').reshape(2, 3, 4)
    cases = {
        # same array as a fixture -> same bytes
        'roundtrip_c': ('c_order_3d.npy', 'none', base),
        'roundtrip_f': ('f_order_3d.npy', 'none', np.asfortranarray(base)),
        # transpose of a C array is F-contiguous -> written fortran_order True
        'transpose': ('c_order_3d.npy', 'T', base.T),
        # non-contiguous view -> C-order copy
        'strided': ('c_order_3d.npy', 'step2', base[:, ::2, ::3]),
    }
    for name, (src, op, arr) in cases.items():
        path = os.path.join(OUT, 'write', f'{name}.npy')
        os.makedirs(os.path.dirname(path), exist_ok=True)
        np.save(path, arr)
        expected['write'][name] = {'source': src, 'op': op, 'sha256': hashlib.sha256(open(path, 'rb').read()).hexdigest()}


def gen_npz():
    a = np.arange(10, dtype='<i4')
    b = np.asfortranarray(np.arange(6, dtype='<f8').reshape(2, 3))
    c = np.array(['x', 'yy'], dtype='<U2')
    s = fill(structured_dtypes()[0], (2,))
    np.savez(os.path.join(OUT, 'stored.npz'), a=a, b=b, c=c, s=s, empty=np.zeros(0, 'u1'), scalar=np.array(7, 'u2'))
    np.savez_compressed(os.path.join(OUT, 'deflated.npz'), a=a, b=b, c=c, s=s, big=np.zeros(5000, 'u1'))
    np.savez(os.path.join(OUT, 'positional.npz'), a, b)
    np.savez(os.path.join(OUT, 'unicode_member.npz'), **{'温度': a})
    # a zip64 end-of-central-directory record (what zipfile writes past 65535 entries or 4 GiB): rewrite the tail
    src = open(os.path.join(OUT, 'stored.npz'), 'rb').read()
    eocd = src.rfind(b'PK\x05\x06')
    _, disk, cd_disk, n_disk, n_total, cd_size, cd_off, clen = struct.unpack('<IHHHHIIH', src[eocd:eocd + 22])
    body = src[:eocd]
    z64_off = len(body)
    z64 = struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, n_disk, n_total, cd_size, cd_off)
    loc = struct.pack('<IIQI', 0x07064b50, 0, z64_off, 1)
    tail = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    open(os.path.join(OUT, 'zip64_eocd.npz'), 'wb').write(body + z64 + loc + tail)
    # a zip comment after the EOCD
    with zipfile.ZipFile(os.path.join(OUT, 'commented.npz'), 'w') as zf:
        with zf.open('a.npy', 'w') as f:
            npformat.write_array(f, a)
        zf.comment = b'made by gen_format_fixtures.py'

    for name in ['stored.npz', 'deflated.npz', 'positional.npz', 'unicode_member.npz', 'zip64_eocd.npz', 'commented.npz']:
        path = os.path.join(OUT, name)
        raw = open(path, 'rb').read()
        members = []
        with zipfile.ZipFile(path) as zf:
            for zi in zf.infolist():
                # data offset of the member bytes, from the local header
                lh = raw[zi.header_offset:zi.header_offset + 30]
                n, m = struct.unpack('<HH', lh[26:30])
                data_offset = zi.header_offset + 30 + n + m
                member_bytes = zf.read(zi.filename)
                info = header_info(member_bytes)
                with np.load(path) as npz:
                    arr = npz[zi.filename[:-4]]
                members.append({
                    'name': zi.filename,
                    'method': zi.compress_type,
                    'compressed': zi.compress_type != 0,
                    'compressed_size': zi.compress_size,
                    'size': zi.file_size,
                    'crc32': zi.CRC,
                    'header_offset': zi.header_offset,
                    'data_offset': data_offset,
                    'npy_data_offset': info['data_offset'],
                    'descr': jsonable_descr(npformat.header_data_from_array_1_0(np.empty(0, info['dtype']))['descr']),
                    'dtype_str': info['dtype'].str,
                    'shape': info['shape'],
                    'fortran_order': info['fortran_order'],
                    'data_sha256': hashlib.sha256(member_bytes[info['data_offset']:]).hexdigest(),
                    'first': first_values(arr),
                })
        expected['npz'][name] = {'file_size': len(raw), 'members': members}


def gen_raw():
    data = np.arange(-20, 20, dtype='<i2')
    open(os.path.join(OUT, 'raw_i2.bin'), 'wb').write(b'HDR!' + data.tobytes() + b'xy')  # 4 + 80 + 2 = 86 bytes
    fl = np.linspace(-1, 1, 12, dtype='>f4')
    open(os.path.join(OUT, 'raw_f4be.bin'), 'wb').write(fl.tobytes())
    cases = {
        'i2_offset4_shape': dict(file='raw_i2.bin', dtype='<i2', mode='r', offset=4, shape=[40], order='C'),
        'i2_offset4_2d_F': dict(file='raw_i2.bin', dtype='<i2', mode='r', offset=4, shape=[5, 8], order='F'),
        'i2_offset0_none': dict(file='raw_i2.bin', dtype='<i2', mode='r', offset=0, shape=None, order='C'),
        'i2_offset6_none': dict(file='raw_i2.bin', dtype='<i2', mode='r', offset=6, shape=None, order='C'),
        'u1_offset86_none': dict(file='raw_i2.bin', dtype='u1', mode='r', offset=86, shape=None, order='C'),
        'i2_offset5_none': dict(file='raw_i2.bin', dtype='<i2', mode='r', offset=5, shape=None, order='C'),
        'i4_too_big': dict(file='raw_i2.bin', dtype='<i4', mode='r', offset=0, shape=[100], order='C'),
        'i4_too_big_c': dict(file='raw_i2.bin', dtype='<i4', mode='c', offset=0, shape=[100], order='C'),
        'f4be_none': dict(file='raw_f4be.bin', dtype='>f4', mode='r', offset=0, shape=None, order='C'),
        'f4be_3x4': dict(file='raw_f4be.bin', dtype='>f4', mode='readonly', offset=0, shape=[3, 4], order='C'),
        'struct': dict(file='raw_i2.bin', dtype=[('a', '<i2'), ('b', 'u1'), ('c', 'u1')], mode='c', offset=4, shape=[2, 5], order='C'),
        'offset_past_end_none': dict(file='raw_i2.bin', dtype='u1', mode='r', offset=90, shape=None, order='C'),
        'bad_mode': dict(file='raw_i2.bin', dtype='u1', mode='rw', offset=0, shape=None, order='C'),
        'w_without_shape': dict(file='raw_i2.bin', dtype='u1', mode='w+', offset=0, shape=None, order='C'),
    }
    for name, c in cases.items():
        path = os.path.join(OUT, c['file'])
        entry = dict(c)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                m = np.memmap(path, dtype=np.dtype(c['dtype']), mode=c['mode'], offset=c['offset'],
                              shape=None if c['shape'] is None else tuple(c['shape']), order=c['order'])
            entry.update(ok=True, shape=list(m.shape), strides=list(m.strides), dtype_str=m.dtype.str,
                         mode_resolved=m.mode, first=first_values(np.asarray(m)),
                         data_sha256=hashlib.sha256(np.asarray(m).tobytes(order='A')).hexdigest())
            del m
        except Exception as e:  # noqa: BLE001 - we record numpy's answer
            entry.update(ok=False, error_type=type(e).__name__, error=str(e))
        expected['raw'][name] = entry


def bad(name, raw, note):
    path = os.path.join(BAD, name)
    open(path, 'wb').write(raw)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            if name.endswith('.npz'):
                with np.load(path) as z:
                    for k in z.files:
                        z[k]
            else:
                np.load(path)
        err = None
    except Exception as e:  # noqa: BLE001
        err = re.sub(r' at 0x[0-9a-fA-F]+', '', f'{type(e).__name__}: {e}')
    expected['bad'][name] = {'note': note, 'numpy_error': err}


def header_bytes(text, version=(1, 0), pad=True):
    enc = 'utf8' if version == (3, 0) else 'latin1'
    h = text.encode(enc)
    fmt = '<H' if version == (1, 0) else '<I'
    hl = len(h) + 1
    padlen = (64 - (8 + struct.calcsize(fmt) + hl) % 64) if pad else 0
    return npformat.magic(*version) + struct.pack(fmt, hl + padlen) + h + b' ' * padlen + b'\n'


def gen_bad():
    os.makedirs(BAD, exist_ok=True)
    good = np.arange(6, dtype='<i4')
    gbytes = io.BytesIO()
    np.save(gbytes, good)
    g = gbytes.getvalue()
    data = good.tobytes()
    bad('zero_length.npy', b'', 'empty file')
    bad('short_magic.npy', g[:5], 'file shorter than the magic')
    bad('bad_magic.npy', b'\x93NUMPX' + g[6:], 'magic string wrong')
    bad('bad_version.npy', g[:6] + b'\x04\x00' + g[8:], 'version 4.0')
    bad('bad_minor.npy', g[:6] + b'\x01\x01' + g[8:], 'version 1.1')
    bad('no_header_len.npy', g[:9], 'file ends inside the header-length field')
    bad('header_len_past_end.npy', g[:8] + struct.pack('<H', 60000) + g[10:], 'header length past the end of the file')
    bad('v2_header_len_huge.npy', npformat.magic(2, 0) + struct.pack('<I', 0xFFFFFFF0) + b'{}', 'v2 header length 4 GiB')
    bad('empty_header.npy', npformat.magic(1, 0) + struct.pack('<H', 0), 'header length 0')
    bad('header_not_dict.npy', header_bytes("[('descr', '<i4')]") + data, 'header is a list')
    bad('header_syntax.npy', header_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (6,), ") + data, 'unclosed dict')
    bad('header_eval.npy', header_bytes("{'descr': __import__('os').system('echo pwned'), 'fortran_order': False, 'shape': (6,), }") + data, 'code in header: never evaluated')
    bad('missing_key.npy', header_bytes("{'descr': '<i4', 'shape': (6,), }") + data, 'no fortran_order')
    bad('extra_key.npy', header_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (6,), 'x': 1, }") + data, 'unknown key x')
    bad('invalid_descr.npy', header_bytes("{'descr': '<q9', 'fortran_order': False, 'shape': (6,), }") + data, 'descr <q9')
    bad('descr_not_str.npy', header_bytes("{'descr': 5, 'fortran_order': False, 'shape': (6,), }") + data, 'descr an int')
    bad('fortran_not_bool.npy', header_bytes("{'descr': '<i4', 'fortran_order': 0, 'shape': (6,), }") + data, 'fortran_order 0')
    bad('shape_list.npy', header_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': [6], }") + data, 'shape a list')
    bad('negative_dim.npy', header_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (-6,), }") + data, 'dim -6')
    bad('shape_bool.npy', header_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (True, 6), }") + data, 'True in the shape: read_array reshape() refuses a bool')
    bad('float_dim.npy', header_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (6.0,), }") + data, 'dim 6.0')
    bad('overflow_shape.npy', header_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }") + data, 'byte size > 2^63')
    bad('bigint_dim.npy', header_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (123456789012345678901234567890,), }") + data, 'dim beyond int64')
    bad('exceeds_file.npy', header_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (1000000000000,), }") + data, 'shape claims 4 TB')
    bad('truncated_data.npy', g[:-3], 'data 3 bytes short')
    obj = io.BytesIO()
    np.save(obj, np.array([1, 'two', None], dtype=object), allow_pickle=True)
    bad('object.npy', obj.getvalue(), 'object dtype: a pickle follows')
    bad('struct_object.npy', header_bytes("{'descr': [('a', '<i4'), ('b', '|O')], 'fortran_order': False, 'shape': (1,), }") + b'\0' * 12, 'object in a field')
    bad('header_too_long.npy', header_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (6,), }" + ' ' * 20000) + data, 'header over numpy\'s 10000 chars')
    bad('v3_bad_utf8.npy', header_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (6,), }", (3, 0)).replace(b"'<i4'", b"'<i\xff'") + data, 'invalid utf-8 in a v3 header')
    # zips
    zs = open(os.path.join(OUT, 'stored.npz'), 'rb').read()
    eocd = zs.rfind(b'PK\x05\x06')
    cd_off = struct.unpack('<I', zs[eocd + 16:eocd + 20])[0]
    bad('no_eocd.npz', zs[:eocd], 'no end-of-central-directory record')
    bad('cd_past_end.npz', zs[:eocd + 16] + struct.pack('<I', len(zs) + 100) + zs[eocd + 20:], 'central directory offset past the end')
    bad('bad_cd_sig.npz', zs[:cd_off] + b'XX' + zs[cd_off + 2:], 'central directory entry signature wrong')
    lh0 = 0
    bad('bad_local_sig.npz', b'XXXX' + zs[4:], 'local header signature wrong')
    bad('truncated.npz', zs[: len(zs) // 2], 'cut in half')
    # a deflate bomb: 8 MiB of zeros compresses to a few KB; tests set a small inflate limit
    with zipfile.ZipFile(os.path.join(BAD, 'bomb.npz'), 'w', compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open('z.npy', 'w', force_zip64=True) as f:
            npformat.write_array(f, np.zeros(8 * 1024 * 1024, dtype='u1'))
    expected['bad']['bomb.npz'] = {'note': 'inflates to 8 MiB', 'numpy_error': None}
    # a bomb that lies: central directory says 200 bytes, the stream inflates to 8 MiB
    bz = bytearray(open(os.path.join(BAD, 'bomb.npz'), 'rb').read())
    ecd = bz.rfind(b'PK\x05\x06')
    cdo = struct.unpack('<I', bz[ecd + 16:ecd + 20])[0]
    struct.pack_into('<I', bz, cdo + 24, 200)  # uncompressed size in the central directory entry
    bad('lying_bomb.npz', bytes(bz), 'declared size 200, inflates to 8 MiB')
    with zipfile.ZipFile(os.path.join(BAD, 'not_npy_member.npz'), 'w') as zf:
        zf.writestr('a.npy', b'this is not an npy file')
    expected['bad']['not_npy_member.npz'] = {'note': 'member is not an npy', 'numpy_error': 'ValueError'}


def main():
    os.makedirs(OUT, exist_ok=True)
    np_version = np.__version__
    gen_npy()
    write_cases()
    gen_npz()
    gen_raw()
    gen_bad()
    expected['numpy_version'] = np_version
    expected['max_header_size'] = npformat._MAX_HEADER_SIZE
    with open(os.path.join(OUT, 'expected.json'), 'w', encoding='utf8') as f:
        json.dump(expected, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write('\n')
    total = sum(os.path.getsize(os.path.join(dp, fn)) for dp, _, fns in os.walk(OUT) for fn in fns)
    print(f'wrote fixtures to {OUT}: {total} bytes')


if __name__ == '__main__':
    sys.exit(main())
