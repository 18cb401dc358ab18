#!/usr/bin/env python3
"""Cross-check `stridescope inspect/walk --json` against NumPy on files NumPy writes now, which no test has seen.

Random dtypes (both byte orders, strings, datetimes, structured), shapes (0-d, empty, up to 4-d) and orders are
saved with np.save (and in .npz, stored), then every field of the CLI's answer is compared with what NumPy says.
Needs python3 + numpy and a built CLI (`npm run build`). Not part of `npm test` (tests never need Python):
run it by hand or from the bench, e.g. `python3 scripts/crosscheck_cli.py --count 200 --seed 7`.
"""
import argparse, hashlib, json, math, os, subprocess, sys, tempfile
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI = [os.environ.get('NODE', 'node'), os.path.join(ROOT, 'bin', 'stridescope.js')]

SIMPLE = ['?', 'i1', 'u1', 'i2', 'u2', 'i4', 'u4', 'i8', 'u8', 'f2', 'f4', 'f8', 'c8', 'c16', 'S3', 'U2', 'V4',
          'M8[ns]', 'M8[D]', 'm8[s]']


def rand_dtype(rng):
    if rng.random() < 0.2:
        n = int(rng.integers(1, 4))
        fields = []
        for k in range(n):
            t = rand_simple(rng)
            if rng.random() < 0.3:
                fields.append((f'f{k}', t, (2,)))
            else:
                fields.append((f'f{k}', t))
        return np.dtype(fields)
    return np.dtype(rand_simple(rng))


def rand_simple(rng):
    t = SIMPLE[int(rng.integers(len(SIMPLE)))]
    if t[0] not in '?SVi1u1' and t not in ('i1', 'u1') and rng.random() < 0.5:
        return '>' + t
    return t


def json_value(v, dt):
    if dt.fields is not None:
        return {name: json_value(v[name], dt.fields[name][0]) for name in dt.names}
    if dt.subdtype is not None:
        return [json_value(x, dt.subdtype[0]) for x in np.asarray(v).reshape(-1)] if False else nested(np.asarray(v), dt.subdtype[0])
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
        return str(int(np.array(v, dtype=dt).view('i8')))
    raise ValueError(dt)


def nested(a, base):
    if a.ndim == 0:
        return json_value(a[()], base)
    return [nested(np.asarray(x), base) for x in a]


def jfloat(f):
    if math.isnan(f):
        return 'nan'
    if math.isinf(f):
        return 'inf' if f > 0 else '-inf'
    if f == 0 and math.copysign(1, f) < 0:
        return '-0.0'
    return f


def expected_inspect(path, a, dt):
    with open(path, 'rb') as fh:
        version = np.lib.format.read_magic(fh)
        try:
            from numpy.lib._format_impl import _read_array_header
        except ImportError:  # numpy < 2
            from numpy.lib.format import _read_array_header
        _, fortran_order, _ = _read_array_header(fh, version, max_header_size=1 << 30)
        data_offset = fh.tell()
    m = np.load(path, mmap_mode='r')
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--count', type=int, default=100)
    ap.add_argument('--seed', type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    failures = 0
    with tempfile.TemporaryDirectory() as d:
        for i in range(args.count):
            dt = rand_dtype(rng)
            ndim = int(rng.integers(0, 5))
            shape = tuple(int(x) for x in rng.integers(0, 4, size=ndim))
            raw = rng.integers(0, 256, size=int(np.prod(shape, dtype=np.int64)) * dt.itemsize, dtype=np.uint8)
            a = np.frombuffer(raw.tobytes(), dtype=dt).reshape(shape)
            if rng.random() < 0.3:
                a = np.asfortranarray(a)
            path = os.path.join(d, f'x{i}.npy')
            np.save(path, a)
            exp = expected_inspect(path, a, dt)
            r = subprocess.run(CLI + ['inspect', path, '--json'], capture_output=True, text=True)
            if r.returncode != 0:
                print(f'FAIL {i} {dt} {shape}: exit {r.returncode}: {r.stderr.strip()}')
                failures += 1
                continue
            got = json.loads(r.stdout)
            for key, want in exp.items():
                have = got.get(key)
                if key == 'format':
                    have = {'version': have['version'], 'dataOffset': have['dataOffset']}
                if json.dumps(have, sort_keys=True) != json.dumps(want, sort_keys=True):
                    print(f'FAIL {i} dtype={dt} shape={shape} field {key}:\n  numpy      {json.dumps(want)[:300]}\n  stridescope {json.dumps(have)[:300]}')
                    failures += 1
                    break
    print(f'{args.count - failures} passed, {failures} failed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
