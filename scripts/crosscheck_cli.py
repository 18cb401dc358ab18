#!/usr/bin/env python3
"""Cross-check `stridescope inspect/walk/reinterpret/kernel --json` against NumPy on files NumPy writes now, which no test
has seen.

Random dtypes (both byte orders, strings, datetimes, structured, subarrays), shapes (0-d, empty, up to 4-d) and
orders are saved with np.save, and every field of the CLI's answer is compared with what NumPy says:
  inspect      np.load(mmap_mode='r') and the header
  npz          np.savez (stored: numpy.memmap of the zip at the member's data offset is the truth) and
               np.savez_compressed (deflated: np.load(npz)[name]), via `inspect/walk FILE --member NAME`
  walk         random chains of view steps (basic indexing with steps incl. negative, None, ..., .T, transpose,
               reshape (np.reshape(copy=False): where NumPy would copy, Stridescope must refuse), view(dtype),
               as_strided, broadcast_to, sliding_window_view) via `walk --view EXPR --start --limit`; offsets are
               NumPy's element addresses (address of v[idx + (Ellipsis,)] minus the data address); where NumPy
               raises, the CLI must fail too
  reinterpret  `reinterpret --offset N --model M` against np.frombuffer at N, both byte orders
  kernel       `kernel FILE K --view EXPR [--no-native]` for every kernel on random numeric arrays (both byte orders,
               NaN/inf/-0.0 sprinkled in) and random strided views: np.sum (int64/uint64 wrapping; float sums within
               the summation-order bound), np.min/np.max, np.isnan(v).sum(), np.count_nonzero, FNV-1a 64 of
               np.ascontiguousarray(v).tobytes(); exactly the fields docs/cli.md lists
Numbers compare by value (Python's 9640.0 is JavaScript's 9640). `--only walk,npz` narrows the run.
Needs python3 + numpy and a built CLI (`npm run build`). Not part of `npm test` (tests never need Python):
run it by hand or from the bench, e.g. `python3 scripts/crosscheck_cli.py --count 200 --seed 7`.
"""
import argparse, hashlib, json, math, os, subprocess, sys, tempfile, time
import numpy as np
import warnings
from valuejson import float_json as jfloat  # noqa: E402

warnings.simplefilter("ignore", UserWarning)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = [os.environ.get('NODE', 'node'), os.path.join(ROOT, 'bin', 'stridescope.js')]

SIMPLE = ['?', 'i1', 'u1', 'i2', 'u2', 'i4', 'u4', 'i8', 'u8', 'f2', 'f4', 'f8', 'c8', 'c16', 'S3', 'U2', 'V4',
          'M8[ns]', 'M8[D]', 'm8[s]', 'S1', 'U1', 'V1', 'M8', 'M8[25s]', 'm8[us]', 'm8', 'U5', 'S9']


def rand_dtype(rng, depth=0):
    r = rng.random()
    if r < 0.2 or (depth and r < 0.4):
        return rand_struct(rng, depth)
    return np.dtype(rand_simple(rng))


def rand_struct(rng, depth):
    """Packed, aligned (padding), with titles, gaps, unicode names, nested structs and n-d subarrays."""
    n = int(rng.integers(1, 4))
    names, formats, titles = [], [], []
    for k in range(n):
        t = rand_dtype(rng, depth + 1) if depth < 2 and rng.random() < 0.15 else np.dtype(rand_simple(rng))
        if rng.random() < 0.3:
            t = np.dtype((t, tuple(int(x) for x in rng.integers(1, 4, size=int(rng.integers(1, 3))))))
        names.append(f'f{k}' if rng.random() < 0.85 else f'温{k}')
        formats.append(t)
        titles.append(f'title {k}' if rng.random() < 0.1 else None)
    r = rng.random()
    if r < 0.2:
        return np.dtype({'names': names, 'formats': formats, 'titles': titles}, align=True)
    if r < 0.35:  # explicit offsets with gaps, and sometimes trailing padding
        offsets, at = [], 0
        for t in formats:
            at += int(rng.integers(0, 3))
            offsets.append(at)
            at += t.itemsize
        return np.dtype({'names': names, 'formats': formats, 'offsets': offsets, 'titles': titles,
                         'itemsize': at + int(rng.integers(0, 3))})
    return np.dtype({'names': names, 'formats': formats, 'titles': titles})


def rand_simple(rng):
    t = SIMPLE[int(rng.integers(len(SIMPLE)))]
    if t[0] not in '?SV' and t not in ('i1', 'u1') and rng.random() < 0.5:
        return '>' + t
    return t


def json_value(v, dt):
    if dt.fields is not None:
        return {name: json_value(v[name], dt.fields[name][0]) for name in dt.names}
    if dt.subdtype is not None:
        return nested(np.asarray(v), dt.subdtype[0])
    k = dt.kind
    if k == 'b':
        return bool(v)
    if k in 'iu':
        return str(int(v)) if dt.itemsize == 8 else int(v)
    if k == 'f':
        return jfloat(float(v))
    if k == 'c':
        return [jfloat(float(v.real)), jfloat(float(v.imag))]
    if k in 'SV':
        return bytes(np.array(v, dtype=dt).tobytes()).hex()
    if k == 'U':
        return str(v)
    if k in 'Mm':
        return str(int(np.array(v, dtype=dt).astype(dt.newbyteorder('=')).view('i8')))
    raise ValueError(dt)


def nested(a, base):
    if a.ndim == 0:
        return json_value(a[()], base)
    return [nested(np.asarray(x), base) for x in a]


def expected_inspect(path, a, dt):
    with open(path, 'rb') as fh:
        version = np.lib.format.read_magic(fh)
        try:
            from numpy.lib._format_impl import _read_array_header
        except ImportError:  # numpy < 2
            from numpy.lib.format import _read_array_header
        _, fortran_order, _ = _read_array_header(fh, version, max_header_size=1 << 30)
        data_offset = fh.tell()
    m = np.load(path, mmap_mode='r', max_header_size=1 << 30)  # Stridescope opens headers past numpy's 10,000 too
    raw = open(path, 'rb').read()[data_offset:]
    flat = m.reshape(-1, order='C') if m.ndim else m.reshape(1)
    return {
        'format': {'version': list(version), 'dataOffset': data_offset},
        'dtype': {'str': dt.str, 'descr': json.loads(json.dumps(np.lib.format.dtype_to_descr(dt))), 'itemsize': dt.itemsize},
        'shape': list(m.shape), 'strides': list(m.strides), 'fortranOrder': bool(fortran_order),
        'nbytes': int(m.nbytes),
        'flags': {k: bool(m.flags[k]) for k in ('C_CONTIGUOUS', 'F_CONTIGUOUS', 'ALIGNED', 'WRITEABLE', 'OWNDATA')},
        'values': [json_value(x, dt) for x in flat[:16]],
        'sha256': hashlib.sha256(raw).hexdigest(),
    }


def same(want, have):
    """JSON equality where numbers compare by value (Python prints 9640.0 where JavaScript prints 9640)."""
    if isinstance(want, bool) or isinstance(have, bool):
        return type(want) is type(have) and want == have
    if isinstance(want, (int, float)) and isinstance(have, (int, float)):
        return float(want) == float(have)
    if isinstance(want, list) and isinstance(have, list):
        return len(want) == len(have) and all(same(w, h) for w, h in zip(want, have))
    if isinstance(want, dict) and isinstance(have, dict):
        return want.keys() == have.keys() and all(same(want[k], have[k]) for k in want)
    return want == have


def u_leaves(dt, base=0):
    """(byte offset, code points, byte order) of every U part of an element of dt."""
    if dt.fields is not None:
        for name in dt.names:
            fdt, off = dt.fields[name][:2]
            yield from u_leaves(fdt, base + off)
    elif dt.subdtype is not None:
        sub, shape = dt.subdtype
        for i in range(int(np.prod(shape))):
            yield from u_leaves(sub, base + i * sub.itemsize)
    elif dt.kind == 'U':
        yield base, dt.itemsize // 4, 'big' if dt.byteorder == '>' else 'little'


def random_bytes(rng, dt, count):
    """Random element bytes, with U code points made valid (NumPy's own str() of a code point past U+10FFFF is garbage)."""
    raw = bytearray(rng.integers(0, 256, size=count * dt.itemsize, dtype=np.uint8).tobytes())
    leaves = list(u_leaves(dt))
    for e in range(count if leaves else 0):
        for off, n, order in leaves:
            for j in range(n):
                at = e * dt.itemsize + off + 4 * j
                cp = int.from_bytes(raw[at:at + 4], order) % (0x110000 if rng.random() < 0.3 else 0x800)
                raw[at:at + 4] = cp.to_bytes(4, order)
    return bytes(raw)


def random_array(rng):
    dt = rand_dtype(rng)
    ndim = int(rng.integers(0, 5))
    shape = tuple(int(x) for x in rng.integers(0, 4, size=ndim))
    a = np.frombuffer(random_bytes(rng, dt, int(np.prod(shape, dtype=np.int64))), dtype=dt).reshape(shape)
    if rng.random() < 0.3:
        a = np.asfortranarray(a)
    return dt, a


def cli(*args):
    for _ in range(20):  # out/ may be mid-rebuild (`npx electron-vite build` empties it first)
        r = subprocess.run(CLI + list(args), capture_output=True, text=True)
        if not (r.returncode == 2 and 'not built' in r.stderr):
            break
        time.sleep(1)
    try:
        js = json.loads(r.stdout) if r.stdout.strip() else None
    except ValueError:
        js = None
    return r.returncode, js, r.stderr.strip()


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.by_kind = {}

    def ok(self, kind):
        self.passed += 1
        self.by_kind.setdefault(kind, [0, 0])[0] += 1

    def fail(self, kind, what, want, have):
        self.failed += 1
        self.by_kind.setdefault(kind, [0, 0])[1] += 1
        print(f'FAIL [{kind}] {what}:\n  numpy       {json.dumps(want)[:400]}\n  stridescope {json.dumps(have)[:400]}')


def compare_fields(report, kind, what, exp, got):
    for key, want in exp.items():
        have = got.get(key)
        if key == 'format' and isinstance(have, dict) and isinstance(want, dict):
            have = {k: have.get(k) for k in want}
        if not same(want, have):
            report.fail(kind, f'{what} field {key}', want, have)
            return
    report.ok(kind)


# ------------------------------------------------------------------------------------------------ .npy inspect

def check_npy(report, rng, d, i):
    dt, a = random_array(rng)
    path = os.path.join(d, f'x{i}.npy')
    version = [None, (1, 0), (2, 0), (3, 0)][int(rng.integers(0, 4))] if rng.random() < 0.3 else None
    try:
        with open(path, 'wb') as fh:
            np.lib.format.write_array(fh, a, version=version)
    except ValueError:  # e.g. unicode field names need 3.0
        np.save(path, a)
    exp = expected_inspect(path, a, dt)
    code, got, err = cli('inspect', path, '--json')
    if code != 0 or got is None:
        report.fail('inspect', f'{i} {dt} {a.shape}', exp, f'exit {code}: {err}')
        return None
    compare_fields(report, 'inspect', f'{i} dtype={dt} shape={a.shape}', exp, got)
    return path


# ------------------------------------------------------------------------------------------------ .npz members

def npy_header_at(raw, at):
    """(version, fortran_order, dtype, npy data offset relative to `at`) of the .npy starting at raw[at]."""
    import io
    fh = io.BytesIO(raw[at:])
    version = np.lib.format.read_magic(fh)
    try:
        from numpy.lib._format_impl import _read_array_header
    except ImportError:
        from numpy.lib.format import _read_array_header
    _, fortran, dtype = _read_array_header(fh, version, max_header_size=1 << 30)
    return version, fortran, dtype, fh.tell()


def check_npz(report, rng, d, i):
    import zipfile
    members = {}
    for k in range(int(rng.integers(1, 4))):
        members[f'm{k}'] = random_array(rng)[1]
    path = os.path.join(d, f'z{i}.npz')
    compressed = bool(rng.random() < 0.5)
    (np.savez_compressed if compressed else np.savez)(path, **members)
    raw = open(path, 'rb').read()
    zf = zipfile.ZipFile(path)
    loaded = np.load(path)
    for name, arr in members.items():
        info = zf.getinfo(name + '.npy')
        lh = info.header_offset
        name_len, extra_len = int.from_bytes(raw[lh + 26:lh + 28], 'little'), int.from_bytes(raw[lh + 28:lh + 30], 'little')
        member_start = lh + 30 + name_len + extra_len
        npy = zf.read(info)
        # the dtype as the header spells it (an align=True struct comes back packed, with padding: alignment 1)
        version, fortran, dt, npy_off = npy_header_at(npy, 0)
        if compressed:
            # the member's data is inflated into memory: NumPy's np.load(npz)[name] is the truth, read-only as opened
            # (OWNDATA is not compared: NumPy's reader happens to return a view of its read buffer, Stridescope's
            # inflated copy owns its memory; WRITEABLE is not either: Stridescope opens members read-only)
            m = loaded[name]
            data = npy[npy_off:]
            flags = {k: bool(m.flags[k]) for k in ('C_CONTIGUOUS', 'F_CONTIGUOUS', 'ALIGNED')}
            data_offset = -1
        else:
            # a stored member is mapped in place: numpy.memmap of the zip at the member's data offset is the truth
            data_offset = member_start + npy_off
            data = raw[data_offset:data_offset + arr.nbytes]
            if arr.nbytes:
                m = np.memmap(path, dtype=dt, mode='r', offset=data_offset, shape=arr.shape, order='F' if fortran else 'C')
            else:  # nothing to map: what np.load(mmap_mode='r') says of the member as a .npy
                alone = os.path.join(d, f'z{i}_{name}.npy')
                with open(alone, 'wb') as fh:
                    fh.write(npy)
                m = np.load(alone, mmap_mode='r')
            flags = {k: bool(m.flags[k]) for k in ('C_CONTIGUOUS', 'F_CONTIGUOUS', 'OWNDATA', 'WRITEABLE')}
            if arr.nbytes:
                flags['ALIGNED'] = bool(m.flags['ALIGNED'])
        flat = m.reshape(-1, order='C') if m.ndim else m.reshape(1)
        exp = {
            'format': {'version': list(version), 'dataOffset': data_offset},
            'dtype': {'str': dt.str, 'descr': json.loads(json.dumps(np.lib.format.dtype_to_descr(dt))), 'itemsize': dt.itemsize},
            'shape': list(m.shape), 'strides': list(m.strides), 'fortranOrder': bool(fortran), 'nbytes': int(m.nbytes),
            'values': [json_value(x, dt) for x in flat[:16]],
            'sha256': hashlib.sha256(data).hexdigest(),
        }
        what = f'{i} {"deflated" if compressed else "stored"} member {name} dtype={dt} shape={arr.shape}'
        code, got, err = cli('inspect', path, '--member', name, '--json')
        if code != 0 or got is None:
            report.fail('npz', what, exp, f'exit {code}: {err}')
            continue
        have_flags = {k: got['flags'][k] for k in flags}
        if not same(flags, have_flags):
            report.fail('npz', what + ' field flags', flags, have_flags)
            continue
        compare_fields(report, 'npz', what, exp, got)
        # walk over the member too: offsets from the start of the member's data
        code, got, err = cli('walk', path, '--member', name, '--limit', '8', '--json')
        want = walk_expected(m, m, 8, 0)
        if code != 0 or not same(want, got):
            report.fail('npz-walk', what, want, got if code == 0 else f'exit {code}: {err}')
        else:
            report.ok('npz-walk')


# ------------------------------------------------------------------------------------------------ walk --view

def data_address(a):
    return a.__array_interface__['data'][0]


def walk_expected(a, v, limit, start):
    base = data_address(a)
    elements = []
    if v.size:
        for n in range(start, min(v.size, start + limit)):
            idx = tuple(int(x) for x in np.unravel_index(n, v.shape)) if v.ndim else ()
            elements.append({'index': list(idx), 'offset': data_address(v[idx + (Ellipsis,)]) - base})
    return {'shape': list(v.shape), 'strides': list(v.strides), 'offset': data_address(v) - base,
            'size': int(v.size), 'elements': elements}


VIEW_DTYPES = ["'i1'", "'u1'", "'<i2'", "'>u2'", "'<i4'", "'>f4'", "'<f8'", "'>i8'", "'<c8'", "'<c16'", "'S3'", "'V2'",
               "'<U1'", "'V6'", "'M8[s]'", 'np.int16', "np.dtype('>i4')", "'<i2,u1,u1'", "[('x', '<i2'), ('', 'V2')]",
               "('<i2', (2,))", "('u1', 3)", "[(('t', 'n'), '>f4', (1, 2)), ('m', [('p', 'u1'), ('q', 'S3')])]",
               "('V4', ())"]


def rand_index(rng, v):
    items = []
    dims = v.ndim
    used = 0
    ellipsis = False
    while True:
        r = rng.random()
        if used >= dims and (r < 0.6 or len(items) > dims + 1):
            break
        if r < 0.1 and not ellipsis:
            items.append('...')
            ellipsis = True
        elif r < 0.2:
            items.append('None')
        elif r < 0.45 and used < dims:
            n = v.shape[used] if not ellipsis else 3
            items.append(str(int(rng.integers(-n - 1, n + 1))) if rng.random() < 0.1 else str(int(rng.integers(-max(n, 1), max(n, 1)))))
            used += 1
        else:
            def part():
                if rng.random() < 0.4:
                    return ''
                return str(int(rng.integers(-5, 6)))
            step = '' if rng.random() < 0.3 else str(int(rng.choice([-3, -2, -1, 1, 2, 3, 0 if rng.random() < 0.05 else 1])))
            items.append(f'{part()}:{part()}' + (f':{step}' if step or rng.random() < 0.2 else ''))
            used += 1
        if len(items) > 6:
            break
    if not items:
        items = ['...'] if rng.random() < 0.5 else []
    st = '[' + ', '.join(items) + ']' if items else '[()]'
    # NumPy answers an index that picks one element with a scalar (a copy); with a trailing `...` it answers with
    # the 0-d view Stridescope's walk shows
    py = st if '...' in items else '[' + ', '.join(items + ['...']) + ']'
    return py, st


def rand_shape_of(rng, size, ndim_max=4):
    """A random shape with the given size (may contain -1)."""
    n = int(rng.integers(0, ndim_max + 1))
    if size == 0:
        shape = [int(rng.integers(0, 4)) for _ in range(max(n, 1))]
        shape[int(rng.integers(len(shape)))] = 0
        return shape
    shape, rest = [], size
    for _ in range(n):
        divs = [k for k in range(1, rest + 1) if rest % k == 0]
        f = int(rng.choice(divs))
        shape.append(f)
        rest //= f
    if rest != 1 or not shape:
        shape.append(rest)
    if rng.random() < 0.2 and shape:
        shape[int(rng.integers(len(shape)))] = -1
    rng.shuffle(shape)
    return shape


def tup(xs):
    xs = list(xs)
    return '(' + ', '.join(str(x) for x in xs) + (',)' if len(xs) == 1 else ')')


def rand_step(rng, v, py, st):
    """One random view step on the current view v: (python expr, stridescope expr)."""
    r = rng.random()
    if r < 0.35:
        pix, six = rand_index(rng, v)
        return py + pix, st + six
    if r < 0.45:
        return py + '.T', st + '.T'
    if r < 0.52 and v.ndim:
        perm = [int(x) for x in rng.permutation(v.ndim)]
        if rng.random() < 0.3:
            perm[0] = perm[0] - v.ndim  # negative axes
        args = ', '.join(map(str, perm)) if rng.random() < 0.5 else tup(perm)
        return f'{py}.transpose({args})', f'{st}.transpose({args})'
    if r < 0.64:
        shape = rand_shape_of(rng, v.size)
        order = str(rng.choice(['C', 'F', 'A']))
        oarg = f", order='{order}'" if rng.random() < 0.5 else ''
        return f'np.reshape({py}, {tup(shape)}{oarg}, copy=False)', f'{st}.reshape({tup(shape)}{oarg})'
    if r < 0.74:
        t = str(rng.choice(VIEW_DTYPES))
        return f"{py}.view({t})", f"{st}.view({t})"
    if r < 0.82 and v.ndim:
        w = [int(rng.integers(0, n + 2)) for n in v.shape]
        if rng.random() < 0.5:
            ax = int(rng.integers(-v.ndim, v.ndim))
            w1 = int(rng.integers(0, v.shape[ax] + 2))
            return (f'np.lib.stride_tricks.sliding_window_view({py}, {w1}, axis={ax})',
                    f'np.lib.stride_tricks.sliding_window_view({st}, {w1}, axis={ax})')
        return (f'np.lib.stride_tricks.sliding_window_view({py}, {tup(w)})',
                f'np.lib.stride_tricks.sliding_window_view({st}, {tup(w)})')
    if r < 0.9:
        shape = [int(rng.integers(1, 4)) for _ in range(int(rng.integers(0, 3)))]
        shape += [(int(rng.integers(0, 4)) if n == 1 and rng.random() < 0.5 else n) for n in v.shape]
        return f'np.broadcast_to({py}, {tup(shape)})', f'np.broadcast_to({st}, {tup(shape)})'
    if r < 0.95:
        n = int(rng.integers(0, 4))
        shape = [int(rng.integers(0, 4)) for _ in range(n)]
        isz = v.dtype.itemsize
        strides = [int(rng.choice([0, isz, -isz, 2 * isz, isz * int(rng.integers(1, 5))])) for _ in range(n)]
        return (f'np.lib.stride_tricks.as_strided({py}, shape={tup(shape)}, strides={tup(strides)})',
                f'np.lib.stride_tricks.as_strided({st}, shape={tup(shape)}, strides={tup(strides)})')
    if rng.random() < 0.5:
        return py + '[np.newaxis, ...]', st + '[np.newaxis]'
    return py + '[..., np.newaxis]', st + '[..., np.newaxis]'


def in_bounds(a, v):
    """Every byte v reaches lies in a's data (as_strided can leave it; Stridescope then refuses or flags it)."""
    if v.size == 0:
        return True
    lo, hi = np.lib.array_utils.byte_bounds(v) if hasattr(np.lib, 'array_utils') else np.byte_bounds(v)
    base = data_address(a)
    return lo >= base and hi <= base + a.nbytes


def check_walk(report, rng, path, i):
    a = np.load(path, mmap_mode='r')
    if a.nbytes == 0 or not isinstance(a, np.memmap):
        buf = bytearray(a.tobytes(order='A') + b'\0' * 16)
        a = np.ndarray(a.shape, a.dtype, buffer=buf, order='F' if a.flags.f_contiguous and not a.flags.c_contiguous else 'C')
    py, st = 'a', 'a'
    v = a
    expected_error = None
    for _ in range(int(rng.integers(1, 4))):
        py2, st2 = rand_step(rng, v, py, st)
        try:
            with np.errstate(all='ignore'):
                import warnings
                with warnings.catch_warnings():
                    warnings.simplefilter('ignore')
                    v2 = eval(py2, {'a': a, 'np': np})  # expressions this script generated
        except Exception as e:  # noqa: BLE001
            if 'occurs more than once' in str(e):
                # NumPy's own limit, not an answer: as_strided round-trips the dtype through __array_interface__'s
                # descr, which turns a struct's padding entries into fields named '' ("field 'f1' occurs more than once")
                report.ok('walk-skipped')
                return
            py, st, expected_error = py2, st2, f'{type(e).__name__}: {e}'
            break
        py, st, v = py2, st2, v2
    limit = int(rng.integers(1, 40))
    start = int(rng.integers(0, 3)) if rng.random() < 0.2 else 0
    code, got, err = cli('walk', path, '--view', st, '--limit', str(limit), '--start', str(start), '--json')
    what = f'{i} {a.dtype} {a.shape} {"F" if a.flags.f_contiguous and not a.flags.c_contiguous else "C"}: {st}'
    if expected_error is not None:
        if code == 0:
            report.fail('walk', what, expected_error, got)
        else:
            report.ok('walk')
        return
    if not in_bounds(a, v):
        # NumPy made a view that reaches outside the data; Stridescope may refuse it, but if it answers it must agree
        if code != 0:
            report.ok('walk')
            return
    want = walk_expected(a, v, limit, start)
    if code != 0 or got is None:
        report.fail('walk', what, want, f'exit {code}: {err}')
    elif not same(want, got):
        report.fail('walk', what, want, got)
    else:
        report.ok('walk')


# ------------------------------------------------------------------------------------------------ reinterpret

C_TYPES = {  # name -> numpy code under lp64, llp64, ilp32
    'c_byte': 'i1', 'c_ubyte': 'u1', 'c_short': 'i2', 'c_ushort': 'u2', 'c_int': 'i4', 'c_uint': 'u4',
    'c_long': ('i8', 'i4', 'i4'), 'c_ulong': ('u8', 'u4', 'u4'), 'c_longlong': 'i8', 'c_ulonglong': 'u8',
    'c_float': 'f4', 'c_double': 'f8', 'float16': 'f2', 'complex64': 'c8', 'complex128': 'c16',
}
MODELS = ['lp64', 'llp64', 'ilp32']


def check_reinterpret(report, rng, path, i):
    data = open(path, 'rb').read()
    offset = int(rng.integers(0, len(data))) if rng.random() < 0.7 else max(0, len(data) - int(rng.integers(1, 17)))
    model = str(rng.choice(MODELS))
    values = {}
    for name, code in C_TYPES.items():
        if isinstance(code, tuple):
            code = code[MODELS.index(model)]
        size = np.dtype(code).itemsize
        if offset + size > len(data):
            values[name] = {'size': size, 'le': None, 'be': None}
            continue
        out = {'size': size}
        for key, order in (('le', '<'), ('be', '>')):
            dt = np.dtype(order + code) if size > 1 else np.dtype(code)
            out[key] = json_value(np.frombuffer(data, dt, count=1, offset=offset)[0], dt)
        values[name] = out
    want = {'offset': offset, 'model': model, 'bytes': data[offset:offset + 16].hex(), 'values': values}
    code, got, err = cli('reinterpret', path, '--offset', str(offset), '--model', model, '--json')
    what = f'{i} {os.path.basename(path)} ({len(data)} bytes) at {offset} {model}'
    if code != 0 or got is None:
        report.fail('reinterpret', what, want, f'exit {code}: {err}')
    elif not same(want, got):
        bad = {k: (want['values'][k], got.get('values', {}).get(k)) for k in want['values']
               if not same(want['values'][k], got.get('values', {}).get(k))}
        report.fail('reinterpret', what, {k: v[0] for k, v in bad.items()} or want, {k: v[1] for k, v in bad.items()} or got)
    else:
        report.ok('reinterpret')


# ------------------------------------------------------------------------------------------------ kernel

KERNEL_DTYPES = ['?', 'i1', 'u1', 'i2', 'u2', 'i4', 'u4', 'i8', 'u8', 'f2', 'f4', 'f8', 'c8', 'c16']
KERNEL_FIELDS = ['call', 'fallbackReason', 'implementation', 'kernel', 'result', 'seconds']
CALL_FIELDS = ['args', 'function', 'prototype']


def fnv1a64(b):
    h = 0xcbf29ce484222325
    for x in b:
        h = ((h ^ x) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def kernel_value(v, dt):
    k = dt.kind
    if k == 'b':
        return bool(v)
    if k in 'iu':
        return str(int(v))
    if k == 'f':
        return jfloat(float(v))
    return [jfloat(float(v.real)), jfloat(float(v.imag))]


def kernel_expected(v):
    """What NumPy says of each kernel on v; None where NumPy raises (min/max of an empty view)."""
    dt = v.dtype
    with np.errstate(all='ignore'), warnings.catch_warnings():
        warnings.simplefilter('ignore')
        if dt.kind == 'b' or dt.kind == 'i':
            total = str(int(np.sum(v, dtype=np.int64)))
        elif dt.kind == 'u':
            total = str(int(np.sum(v, dtype=np.uint64)))
        else:
            total = kernel_value(np.sum(v), dt)
        copy = np.ascontiguousarray(v).tobytes()
        want = {
            'sum': total,
            'min': kernel_value(np.min(v), dt) if v.size else None,
            'max': kernel_value(np.max(v), dt) if v.size else None,
            'count_nan': str(int(np.isnan(v).sum())) if dt.kind in 'fc' else '0',
            'count_nonzero': str(int(np.count_nonzero(v))),
            'checksum': str(fnv1a64(copy)),
            'contiguous_copy': {'nbytes': len(copy), 'checksum': str(fnv1a64(copy))},
        }
    return want


def float_sum_close(want, have, v):
    """Float sums: NumPy's pairwise order differs from a strided walk's; within (n+1)*eps*sum|x| (x2 for safety)."""
    part = np.dtype(v.dtype.char.lower() if v.dtype.kind == 'f' else ('f4' if v.dtype.itemsize == 8 else 'f8'))
    eps = float(np.finfo(part).eps) / 2
    n = v.size
    pairs = list(zip(want, have, (np.abs(v.real).sum(dtype='f8'), np.abs(v.imag).sum(dtype='f8')))) if isinstance(want, list) \
        else [(want, have, np.abs(v).astype('f8').sum())]
    for w, h, absum in pairs:
        if isinstance(w, str) or isinstance(h, str):
            if w != h and not (w == 'nan' and h == 'nan') and not ({w, h} <= {0, 0.0, '-0.0'}):
                return False
        elif abs(w - h) > (n + 1) * eps * float(absum) * 2:
            return False
    return True


def check_kernel(report, rng, d, i):
    dt = np.dtype(KERNEL_DTYPES[int(rng.integers(len(KERNEL_DTYPES)))])
    if dt.itemsize > 1 and rng.random() < 0.5:
        dt = dt.newbyteorder('>')
    n = int(rng.integers(0, 300))
    a = np.frombuffer(rng.integers(0, 256, size=n * dt.itemsize, dtype=np.uint8).tobytes(), dtype=dt).copy()
    if dt.kind == 'b':
        a = rng.integers(0, 2, n).astype(dt)
    elif dt.kind in 'fc':
        a = (rng.standard_normal(n) * (4 if dt.itemsize == 2 else 100)).astype(dt)
        if dt.kind == 'c':
            a.imag = rng.standard_normal(n) * 100
        for special in (np.nan, np.inf, -np.inf, -0.0):
            if n and rng.random() < 0.3:
                a[int(rng.integers(n))] = special
    shape = rand_shape_of(rng, n, 3)
    a = a.reshape([x for x in shape]) if -1 not in shape else a.reshape(shape)
    path = os.path.join(d, f'k{i}.npy')
    np.save(path, a)
    m = np.load(path, mmap_mode='r')
    py, st = 'a', 'a'
    if m.ndim and rng.random() < 0.8:
        items = [f'{"" if rng.random() < 0.5 else int(rng.integers(0, 2))}::{int(rng.choice([-3, -2, -1, 1, 2]))}' for _ in range(m.ndim)]
        py = st = 'a[' + ', '.join(items) + ']'
    if m.ndim > 1 and rng.random() < 0.4:
        py, st = py + '.T', st + '.T'
    v = eval(py, {'a': m, 'np': np})  # an expression this script generated
    want = kernel_expected(v)
    for k, exp in want.items():
        native = rng.random() < 0.7
        args = ['kernel', path, k, '--view', st, '--json'] + ([] if native else ['--no-native'])
        code, got, err = cli(*args)
        what = f'{i} {dt.str} {m.shape} {st} {k}{"" if native else " --no-native"}'
        if exp is None:
            if code == 1 and got and got.get('error', {}).get('kind') == 'argument':
                report.ok('kernel')
            else:
                report.fail('kernel', what, 'argument error (zero-size reduction)', got if code == 0 else f'exit {code}: {err}')
            continue
        if code != 0 or got is None:
            report.fail('kernel', what, exp, f'exit {code}: {err}')
            continue
        if sorted(got) != KERNEL_FIELDS or sorted(got.get('call', {})) != CALL_FIELDS:
            report.fail('kernel', what + ' fields', KERNEL_FIELDS + CALL_FIELDS, sorted(got) + sorted(got.get('call', {})))
            continue
        have = got['result']
        if k in ('min', 'max') and dt.kind == 'c' and 'nan' in exp:
            ok = isinstance(have, list) and 'nan' in have  # which NaN element comes first depends on the walk order
        elif k == 'sum' and dt.kind in 'fc':
            ok = float_sum_close(exp, have, v)
        else:
            ok = same(exp, have)
        if ok:
            report.ok('kernel')
        else:
            report.fail('kernel', what, exp, have)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--count', type=int, default=100)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--only', default='inspect,npz,walk,reinterpret,kernel', help='comma-separated: inspect npz walk reinterpret kernel')
    args = ap.parse_args()
    only = set(args.only.split(','))
    rng = np.random.default_rng(args.seed)
    report = Report()
    with tempfile.TemporaryDirectory() as d:
        for i in range(args.count):
            path = check_npy(report, rng, d, i) if only & {'inspect', 'walk', 'reinterpret'} else None
            if path and 'walk' in only:
                check_walk(report, rng, path, i)
            if path and 'reinterpret' in only:
                check_reinterpret(report, rng, path, i)
            if 'npz' in only and i % 3 == 0:
                check_npz(report, rng, d, i)
            if 'kernel' in only and i % 2 == 0:
                check_kernel(report, rng, d, i)
    summary = ', '.join(f'{k} {p}/{p + f}' for k, (p, f) in sorted(report.by_kind.items()))
    print(f'{report.passed} passed, {report.failed} failed ({summary})')
    return 1 if report.failed else 0


if __name__ == '__main__':
    sys.exit(main())
