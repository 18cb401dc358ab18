#!/usr/bin/env python3
"""Expected answers of `stridescope inspect/walk/reinterpret --json` on the committed fixture files, from NumPy.

Writes tests/fixtures/cli/expected.json. Run after scripts/gen_format_fixtures.py (it reads its .npy/.npz/raw files).
  inspect: every field NumPy can answer (np.load(mmap_mode='r') for strides/flags, the header for the rest)
  walk: for each view expression, the byte offset of every element = address of v[idx] - address of the data
        start, taken from NumPy's own __array_interface__ (not from index x stride arithmetic)
  reinterpret: np.frombuffer of the file's bytes at an offset as every C type, both byte orders (LP64 / LLP64)
  npz: inspect of each member of members_stored.npz / members_deflated.npz (written here)
"""
import hashlib, json, os, re, sys
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crosscheck_cli import expected_inspect, jfloat, json_value  # noqa: E402

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


NPZ_MEMBERS = {  # each saved stored and deflated
    'empty1d': np.zeros(0, '<i2'),
    'empty2d': np.zeros((3, 0), '>f4'),
    'scalar': np.array(7, '<u8'),
    'c': np.arange(12, dtype='<i4').reshape(3, 4),
    'f': np.asfortranarray(np.arange(6, dtype='>f8').reshape(2, 3)),
    's': np.array([(1, b'ab'), (-2, b'c')], dtype=[('x', '<i2'), ('y', 'S3')]),
}


def write_npz(path, compression):
    """An .npz as np.savez writes it, with a fixed timestamp so the fixture does not change on every run."""
    import zipfile
    with zipfile.ZipFile(path, 'w', compression=compression) as zf:
        for name, arr in NPZ_MEMBERS.items():
            info = zipfile.ZipInfo(name + '.npy', date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = compression
            with zf.open(info, 'w', force_zip64=True) as fh:
                np.lib.format.write_array(fh, arr)


def npz_members():
    """inspect of every member: stored ones against numpy.memmap of the zip at the member's data offset (they are
    mapped in place), deflated ones against np.load(npz)[name] (OWNDATA/WRITEABLE aside: an inflated read-only copy)."""
    import io, struct, zipfile
    cases = []
    for file, compression in (('members_stored.npz', zipfile.ZIP_STORED), ('members_deflated.npz', zipfile.ZIP_DEFLATED)):
        path = os.path.join(OUT, file)
        write_npz(path, compression)
        raw = open(path, 'rb').read()
        with zipfile.ZipFile(path) as zf, np.load(path) as npz:
            for name, arr in NPZ_MEMBERS.items():
                zi = zf.getinfo(name + '.npy')
                n, m = struct.unpack('<HH', raw[zi.header_offset + 26:zi.header_offset + 30])
                member = zf.read(zi)
                fh = io.BytesIO(member)
                version = np.lib.format.read_magic(fh)
                try:
                    from numpy.lib._format_impl import _read_array_header
                except ImportError:  # numpy < 2
                    from numpy.lib.format import _read_array_header
                _, fortran, _ = _read_array_header(fh, version)
                npy_off = fh.tell()
                if compression == zipfile.ZIP_STORED:
                    data_offset = zi.header_offset + 30 + n + m + npy_off
                    a = np.memmap(path, dtype=arr.dtype, mode='r', offset=data_offset, shape=arr.shape,
                                  order='F' if fortran else 'C') if arr.nbytes else None
                else:
                    data_offset = -1
                    a = npz[name]
                if a is None:  # nothing to map: np.load(mmap_mode='r') of the member as a .npy
                    tmp = os.path.join(OUT, '_member.npy')
                    open(tmp, 'wb').write(member)
                    a = np.load(tmp, mmap_mode='r')
                    os.remove(tmp)
                flags = {k: bool(a.flags[k]) for k in ('C_CONTIGUOUS', 'F_CONTIGUOUS', 'ALIGNED')}
                flat = a.reshape(-1, order='C') if a.ndim else a.reshape(1)
                cases.append({'file': file, 'member': name, 'expected': {
                    'format': {'version': list(version), 'dataOffset': data_offset},
                    'dtype': {'str': a.dtype.str, 'descr': json.loads(json.dumps(np.lib.format.dtype_to_descr(a.dtype))),
                              'itemsize': a.dtype.itemsize},
                    'shape': list(a.shape), 'strides': list(a.strides), 'fortranOrder': bool(fortran),
                    'nbytes': int(a.nbytes), 'flags': flags,
                    'values': [json_value(x, a.dtype) for x in flat[:16]],
                    'sha256': hashlib.sha256(member[npy_off:]).hexdigest(),
                }})
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    out = {'numpy_version': np.__version__, 'inspect': {}, 'walk': [], 'reinterpret': []}
    for name in sorted(os.listdir(NPY)):
        if not name.endswith('.npy'):
            continue
        path = os.path.join(NPY, name)
        notice = None
        try:
            a = np.load(path, mmap_mode='r')
        except ValueError as e:
            m = re.match(r'Header info length \((\d+)\) is large', str(e))
            if not m:  # the CLI must refuse it too
                out.setdefault('inspect_refused', {})[name] = str(e).splitlines()[0]
                continue
            # over np.load's 10,000-character limit only: the CLI opens it and says what np.load needs
            notice = int(m.group(1))
            a = np.load(path, mmap_mode='r', max_header_size=2**64)
        exp = expected_inspect(path, a, a.dtype)
        exp['noticeHeaderLength'] = notice
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
        # view(dtype) with what np.dtype() takes besides a string: fields, (base, shape) subarrays, comma strings
        ('i4.npy', "a.view([('x', '<i2'), ('y', '<i2')])[::-2]"), ('i4.npy', "a.view(('<i2', (2,)))[1]"),
        ('c_order_3d.npy', "a.view('<i4,<i4')[:, ::-1]"), ('c_order_3d.npy', "a.view('(2,)<i4, <f8')[..., None]"),
        ('f8.npy', "a.view([(('t', 'n'), '<f4', (1, 2)), ('m', [('p', 'u1'), ('q', 'V7')])])[::-3]"),
    ]
    for file, expr in views:
        out['walk'].append({'file': file, 'view': expr, 'expected': walk(os.path.join(NPY, file), expr)})
    for file, offset in [('i4.npy', 128), ('f8.npy', 130), ('be_f8.npy', 128), ('c16.npy', 144), ('i8.npy', 130)]:
        path = os.path.join(NPY, file)
        for model in ('lp64', 'llp64'):
            out['reinterpret'].append({'file': file, 'expected': reinterpret(path, offset, model)})
        size = os.path.getsize(path)
        out['reinterpret'].append({'file': file, 'expected': reinterpret(path, size - 3, 'lp64')})
    out['npz'] = npz_members()
    with open(os.path.join(OUT, 'expected.json'), 'w') as fh:
        json.dump(out, fh, indent=1, sort_keys=True)
    print(f"wrote {len(out['inspect'])} inspect, {len(out['walk'])} walk, {len(out['reinterpret'])} reinterpret cases")


if __name__ == '__main__':
    main()
