#!/usr/bin/env python3
"""Ground truth for src-main/core/dtype.ts, computed with NumPy.

Writes tests/fixtures/dtype/expected.json:
  specs        dtype strings and .npy descr lists with numpy's str, descr, itemsize, alignment, name, kind,
               byteorder, isnative, hasobject, unit, fields, subarray, and newbyteorder('S').descr
  samples      for each decodable dtype, items as raw bytes (hex) and numpy's value in the valueToJSON spelling
  half_rounding  doubles and the float16 bytes numpy rounds them to
  equal        pairs of specs and whether numpy says the dtypes are equal
  errors / descr_errors   specs / descrs numpy refuses
Usage: python3 scripts/gen_dtype_fixtures.py   (numpy 2.x, run from anywhere)
"""
import json
import math
import os
import random
import sys
import warnings

import numpy as np
from numpy.lib.format import descr_to_dtype
from valuejson import float_json as ffloat  # noqa: E402

warnings.simplefilter("ignore")
assert np.__version__.startswith("2."), np.__version__
assert sys.byteorder == "little", "fixtures assume a little-endian machine (as the tests detect)"

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "dtype", "expected.json")

SPEC_STRINGS = [
    # bool and ints
    "?", "b1", "|b1", "bool", "i1", "|i1", "u1", "B", "b", "uint8", "int8",
    "<i2", ">i2", "h", "H", "<u2", ">u2", "i4", "<i4", ">i4", "=i4", "|i4", "i", "I", "int32", "uint32", ">u4",
    "<i8", ">i8", "i8", "l", "L", "q", "Q", "p", "P", "int64", "uint64", ">u8", "int", "int_", "intp", "uint", "long",
    "short", "ushort", "intc", "uintc", "byte", "ubyte", "longlong", "ulonglong",
    # floats and complex
    "f2", "<f2", ">f2", "e", "half", "float16", "f4", ">f4", "f", "single", "float32", "f8", "<f8", ">f8", "|f8", "d",
    "double", "float", "float64", "c8", ">c8", "F", "complex64", "csingle", "c16", ">c16", "D", "complex128",
    "complex", "cdouble",
    # long double: parsed, not decodable
    "g", "f16", "float128", "longdouble", "G", "c32", "complex256",
    # strings and void
    "S5", "|S5", ">S3", "S1", "c", "S", "S0", "bytes", "a5", "S0005", "U3", "<U3", ">U3", "|U3", "=U2", "U", "U0", "str",
    ">U0", "U1", "V8", "|V8", "<V3", "V", "void", "V0",
    # datetime / timedelta
    "M8[ns]", "<M8[ns]", ">M8[ns]", "M8", "M", "datetime64", "M8[generic]", "M8[Y]", "M8[M]", "M8[W]", "M8[D]",
    "M8[h]", "M8[m]", "M8[s]", "M8[ms]", "M8[us]", "M8[\u03bcs]", "M8[ps]", "M8[fs]", "M8[as]", ">M8[25s]", "M8[1s]",
    "M8[02s]", "M8[2D]", "M8[3600s]", "datetime64[ns]", "<datetime64[ms]", "m8", "m", "timedelta64", "<m8[s]",
    ">m8[us]", "m8[10us]", "m8[Y]", "timedelta64[generic]", "timedelta64[25s]",
    # object
    "O", "|O", "object", "O8",
    # comma strings: structured fields f0, f1, ... (a part may carry a shape prefix)
    "i1,<i2", "i4,", "(2,3)i4,f8", "(2,)u1, S3", "i4, (2,)f8", "M8[ns],>i1", "i4 ,f8", "<U2,?",
]

# descrs as they appear in a .npy header (tuples as lists in the JSON)
DESCRS = [
    "<i4",
    ">f8",
    [["a", "<i4"], ["b", "<f8"]],
    [["x", ">i2"], ["y", ">f4"], ["z", "|b1"]],
    [["a", "|u1"], ["", "|V3"], ["b", "<i4"]],
    [["a", "<i2"], ["", "|V2"], ["b", "<i4"], ["", "|V4"]],
    [[["Title A", "a"], "<i4"], ["b", ">f2"]],
    [["m", "<f8", [2, 2]], ["n", "|u1"]],
    [["m", "<f8", [3]], ["n", "|u1", [3]]],
    [["p", [["x", "<f4"], ["y", "<f4"]]], ["q", ">i8"]],
    [["p", [["x", "<f4"], ["", "|V4"]], [2]], ["q", ">i8"]],
    [["s", "|S3"], ["u", "<U2"], ["t", "<M8[ns]"], ["d", ">m8[25s]"]],
    [["f0", "<c8"], ["f1", "|b1"], ["f2", ">c16"]],
    [["a", "<f8", [2]], ["b", [["c", "<i2", [3]], [["T", "d"], ">u4"]]]],
    [["outer", [["inner", [["v", "<u2"], ["", "|V2"], ["w", ">i4"]]], ["k", "|i1"]]], ["", "|V3"]],
    [["a", "|i1"], ["o", "|O"]],
    [["h", "<f2", [2, 3]], ["e", ">f2"]],
    [["a", "<i4", [0]], ["b", "<i4"]],
    [["a", "|u1"], ["", "|V3", [2]], ["b", "<i4"]],
    [["", "|V4"]],
    [["a", "|u1"], ["", "|V0"], ["b", "<i4"]],
    [["", "<i4"], ["b", "<f4"]],
    [["v", "|V3"], ["big", ">u8"], ["lil", "<u8"]],
]


def py_descr(d):
    """JSON lists -> the tuples numpy's descr uses."""
    if isinstance(d, str):
        return d
    out = []
    for f in d:
        name = tuple(f[0]) if isinstance(f[0], list) else f[0]
        if len(f) == 2:
            out.append((name, py_descr(f[1])))
        else:
            out.append((name, py_descr(f[1]), tuple(f[2])))
    return out


def make_dtype(entry):
    return descr_to_dtype(py_descr(entry)) if not isinstance(entry, str) else np.dtype(entry)


def unit_of(dt):
    if dt.kind not in "Mm":
        return None
    unit, count = np.datetime_data(dt)
    if unit == "generic":
        return ""
    return unit if count == 1 else f"{count}{unit}"


def order_of(dt):
    return {"=": "<" if sys.byteorder == "little" else ">"}.get(dt.byteorder, dt.byteorder)


def describe(dt):
    info = {
        "str": dt.str,
        "descr": dt.descr,
        "itemsize": dt.itemsize,
        "alignment": dt.alignment,
        "name": dt.name,
        "kind": dt.kind,
        "byteorder": order_of(dt),
        "isnative": bool(dt.isnative),
        "hasobject": bool(dt.hasobject),
        "unit": unit_of(dt),
        "swapped_descr": dt.newbyteorder("S").descr,
        "fields": None,
        "subarray": None,
    }
    if dt.names is not None:
        info["fields"] = []
        for name in dt.names:
            f = dt.fields[name]
            fdt = f[0]
            info["fields"].append({
                "name": name,
                "title": f[2] if len(f) > 2 else None,
                "offset": f[1],
                "str": fdt.str,
                "itemsize": fdt.itemsize,
                "subarray": [fdt.subdtype[0].str, list(fdt.subdtype[1])] if fdt.subdtype else None,
            })
    if dt.subdtype is not None:
        info["subarray"] = [dt.subdtype[0].str, list(dt.subdtype[1])]
    return info


# ------------------------------------------------------------------ sample values

def to_json(v, dt):
    """numpy's value of one element (v: numpy scalar / ndarray) in valueToJSON's spelling."""
    if dt.subdtype is not None:
        base, shape = dt.subdtype
        arr = np.asarray(v).reshape(shape)

        def walk(a):
            return [walk(x) for x in a] if a.ndim > 0 else to_json(a[()], base)

        return walk(arr)
    if dt.names is not None:
        return {name: to_json(v[name], dt.fields[name][0]) for name in dt.names}
    k = dt.kind
    if k == "b":
        return bool(v)
    if k in "iu":
        return str(int(v)) if dt.itemsize == 8 else int(v)
    if k == "f":
        return ffloat(v)
    if k == "c":
        return [ffloat(v.real), ffloat(v.imag)]
    if k == "S":
        return bytes(v).ljust(dt.itemsize, b"\0").hex()  # numpy strips trailing NULs from bytes_ scalars
    if k == "V":
        return v.tobytes().hex()
    if k == "U":
        return str(v)
    if k in "Mm":
        return str(int(v.astype("int64")))
    raise ValueError(dt)


INT_POOL = {
    1: [0, 1, -1, 127, -128, 42],
    2: [0, 1, -1, 32767, -32768, 12345, -300],
    4: [0, 1, -1, 2**31 - 1, -(2**31), 123456789, -70000],
    8: [0, 1, -1, 2**63 - 1, -(2**63), 2**53 + 1, -(2**53) - 3, 1234567890123456789],
}
UINT_POOL = {
    1: [0, 1, 255, 128, 42],
    2: [0, 1, 65535, 32768, 258],
    4: [0, 1, 2**32 - 1, 2**31, 16909060],
    8: [0, 1, 2**64 - 1, 2**63, 2**53 + 1, 72623859790382856],
}
FLOAT_POOL = {
    2: [0.0, -0.0, 1.0, -2.5, 65504.0, -65504.0, 2.0**-14, 2.0**-24, 3 * 2.0**-24, -(2.0**-20), math.inf, -math.inf,
        math.nan, 0.1, 1 / 3, 1000.5],
    4: [0.0, -0.0, 1.5, 0.1, -123.456, 3.4028234663852886e38, 1.401298464324817e-45, 1.1754943508222875e-38,
        math.inf, -math.inf, math.nan, 16777217.0],
    8: [0.0, -0.0, 1.5, 0.1, -123.456, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, math.inf, -math.inf,
        math.nan, 2.0**53 + 2, math.pi],
}
COMPLEX_POOL = [complex(1, 2), complex(-0.0, math.inf), complex(math.nan, 1), 0j, complex(0.1, -1e300)]
DATETIME_POOL = [0, 1, -1, -(2**63), 2**63 - 1, 1700000000000000000, -86400]


def pool_for(dt):
    k, n = dt.kind, dt.itemsize
    if k == "b":
        return [True, False, True]
    if k == "i":
        return INT_POOL[n]
    if k == "u":
        return UINT_POOL[n]
    if k == "f":
        return FLOAT_POOL[n]
    if k == "c":
        return COMPLEX_POOL
    if k == "S":
        cands = [b"", b"ab", b"abcde", b"a\x00b", b"\xff\x00\x01", b"xyz"]
        return [c[:n] for c in cands]
    if k == "U":
        cands = ["", "\u00e9", "ab", "\U0001F600x", "abc", "a\x00b"]
        return [c[: n // 4] for c in cands]
    if k == "V":
        return [bytes((i * 37 + j) % 256 for j in range(n)) for i in range(4)]
    if k in "Mm":
        return DATETIME_POOL
    raise ValueError(dt)


def fill(arr, dt, rng):
    """Assign pool values to every leaf of `arr` (a view with dtype dt)."""
    if arr.size == 0:
        return
    if dt.names is not None:
        for name in dt.names:
            fill(arr[name], dt.fields[name][0], rng)
        return
    base = dt.subdtype[0] if dt.subdtype else dt
    if dt.subdtype:
        flat = arr.reshape(-1)  # arr already has the subarray dims appended
        assert np.may_share_memory(flat, arr), "reshape must be a view to fill in place"
        if base.names is not None:
            for i in range(flat.shape[0]):
                fill(flat[i:i + 1], base, rng)
            return
        # fall through with flat leaves
        target = flat
    else:
        target = arr
    pool = pool_for(base)
    count = target.shape[0] if target.ndim else 1
    # a simple array takes the whole pool in order; fields of a structured element start at a random place
    start = 0 if dt is arr.dtype and dt.names is None and dt.subdtype is None and count > 1 else rng.randrange(len(pool))
    vals = [pool[(start + i) % len(pool)] for i in range(count)]
    if base.kind in "Mm":
        ints = np.array(vals, dtype=order_of(base) + "i8")
        target.view(order_of(base) + "i8")[...] = ints.reshape(target.shape)
    elif base.kind == "V":
        for i, v in enumerate(vals):
            target[i] = v
    else:
        target[...] = np.array(vals, dtype=object).reshape(target.shape) if base.kind in "SU" else np.array(vals).reshape(target.shape)


def samples_for(dt, rng):
    pool_len = 1
    if dt.names is None and dt.subdtype is None:
        pool_len = len(pool_for(dt))
    count = max(pool_len, 3)
    arr = np.zeros(count, dtype=dt)
    if dt.names is None and dt.subdtype is None:
        fill(arr, dt, rng)
    else:
        for i in range(count):
            fill(arr[i:i + 1], dt, rng)
    raw = arr.tobytes()
    n = dt.itemsize
    items = []
    for i in range(count):
        items.append({"hex": raw[i * n:(i + 1) * n].hex(), "value": to_json(arr[i], dt)})
    return items


def decodable(dt):
    if dt.hasobject:
        return False
    if dt.names is not None:
        return all(decodable(dt.fields[name][0]) for name in dt.names)
    if dt.subdtype is not None:
        return decodable(dt.subdtype[0])
    return not (dt.kind in "fc" and dt.itemsize * (2 if dt.kind == "f" else 1) == 32)


ERRORS = [
    "i3", "q9", "<S-1", "S-1", "M8[xx]", "u", "M16", "M4", "f1", "u16", "c4", "b2", "?1", "i0", "O0", "Sx", "S5x",
    "V-2", "M8[ns", "M8[]", "M8[-1s]", "M8[1.5s]", "M8[B]", "i4[ns]", "<M8[ns]x", "int0", "bool8", "Int32",
    "INT32", "<int32", ">float64", "float8", "float64[2]", " i4", "i4 ", "", "h2", "l8", "d8", "e2", "B1", "bytes8",
    "str96", "float_", "complex_", "unicode_", "U999999999999999", "S2147483648",
]

DESCR_ERRORS = [
    [["a", "<i4"], ["a", "<f8"]],
    [["a", "<i4", [-1]]],
    [["a", "i3"]],
    [[["a", "a"], "<i4"]],
    [[["b", "a"], "<i4"], ["b", "<i4"]],
    [["a", "M8[xx]"]],
]

EQUAL = [
    ["<i4", "i4"], ["<i4", ">i4"], ["l", "q"], ["int64", "<i8"], ["=f8", "d"], ["M8[ns]", "M8[us]"], ["M8", "M8[generic]"],
    ["S5", "a5"], ["U3", "<U3"], ["U3", ">U3"], ["?", "b1"], ["b", "i1"], ["c", "S1"], ["m8[s]", "M8[s]"],
    ["f2", "e"], ["V4", "S4"],
]
DESCR_EQUAL = [
    [[["a", "<i4"]], [["a", "<i4"]]],
    [[["a", "<i4"]], [[["T", "a"], "<i4"]]],
    [[["a", "<i4"]], [["a", ">i4"]]],
    [[["a", "<i4"], ["", "|V4"]], [["a", "<i4"], ["", "|V4"]]],
    [[["a", "<i4"], ["", "|V4"]], [["a", "<i4"]]],
    [[["a", "<i4"], ["b", "<i4"]], [["b", "<i4"], ["a", "<i4"]]],
    [[["m", "<f8", [2, 2]]], [["m", "<f8", [4]]]],
    [[["m", "<f8", [2, 2]]], [["m", "<f8", [2, 2]]]],
]

HALF_CASES = [
    0.0, -0.0, 1.0, 65504.0, 65519.99, 65520.0, 65536.0, 1e6, 2.0**-25, 3 * 2.0**-25, 2.0**-26, 2.0**-25 * 1.0000001,
    1 + 2.0**-11, 1 + 3 * 2.0**-11, 1 + 2.0**-11 + 2.0**-40, 2049.0, 2051.0, 2050.0, 0.1, 1 / 3, -1 / 3, 1e-8, -1e-8,
    2.0**-14 - 2.0**-25, 2.0**-14 - 2.0**-26, 6.0e-5, 0.000060975551605224609375, 5e-324, -5e-324, math.inf, -math.inf,
    1.7976931348623157e308,
]


def main():
    rng = random.Random(20240607)
    specs = []
    samples = []
    for entry in SPEC_STRINGS + DESCRS:
        dt = make_dtype(entry)
        specs.append({"input": entry, "from": "parse" if isinstance(entry, str) else "descr", **describe(dt)})
        if decodable(dt) and dt.itemsize > 0:
            samples.append({"input": entry, "items": samples_for(dt, rng)})
    # the same dtypes read through fromDescr as strings too
    for entry in ["<i4", ">f8", "|b1", "<U3", ">M8[ns]"]:
        dt = np.dtype(entry)
        specs.append({"input": entry, "from": "descr", **describe(dt)})

    half = [[x, np.array([x], dtype="<f2").tobytes().hex()] for x in HALF_CASES]
    for _ in range(400):
        e = rng.randint(-27, 17)
        x = rng.uniform(1, 2) * 2.0**e * rng.choice([1, -1])
        half.append([x, np.array([x], dtype="<f2").tobytes().hex()])
    half = [[ffloat(x), h] for x, h in half]

    for s in ERRORS:
        try:
            np.dtype(s)
        except TypeError:
            continue
        raise SystemExit(f"numpy accepts {s!r}; not an error case")
    for d in DESCR_ERRORS:
        try:
            descr_to_dtype(py_descr(d))
        except (TypeError, ValueError):
            continue
        raise SystemExit(f"numpy accepts {d!r}; not an error case")

    equal = [[a, b, bool(np.dtype(a) == np.dtype(b))] for a, b in EQUAL]
    equal += [[a, b, bool(make_dtype(a) == make_dtype(b))] for a, b in DESCR_EQUAL]

    out = {
        "numpy": np.__version__,
        "native": "<" if sys.byteorder == "little" else ">",
        "specs": specs,
        "samples": samples,
        "half_rounding": half,
        "equal": equal,
        "errors": ERRORS,
        "descr_errors": DESCR_ERRORS,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1, ensure_ascii=False, allow_nan=False)
        f.write("\n")
    print(f"wrote {OUT}: {len(specs)} specs, {len(samples)} sample sets, {len(half)} half cases")


if __name__ == "__main__":
    main()
