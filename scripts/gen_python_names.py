"""
Writes src-main/playground/numpy/realNames.ts — the public attribute names of
numpy.ndarray, numpy.dtype, the numpy module and the ctypes module in the NumPy/CPython this runs on. The built-in
interpreter uses them to tell "the simulation does not implement X" (NotImplementedError) from "X does not exist"
(AttributeError, as NumPy says it). Run: python3 scripts/gen_python_names.py
"""
import ctypes
import os
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "src-main", "playground", "numpy", "realNames.ts")


def public(names):
    # public names and dunders (`__version__`, `__array_interface__`); not private `_x` helpers
    return sorted(n for n in names if not n.startswith("_") or (n.startswith("__") and n.endswith("__")))


groups = {
    "ndarray": public(dir(np.ndarray)),
    "dtype": public(dir(np.dtype)),
    "numpy": public(dir(np)),
    "ctypes": public(dir(ctypes)),
}
with open(OUT, "w", encoding="utf-8", newline="\n") as f:
    f.write("/**\n")
    f.write(f" * Public names of real NumPy {np.__version__} / CPython {sys.version.split()[0]} objects, written by\n")
    f.write(" * scripts/gen_python_names.py: the simulation answers NotImplementedError for these, never AttributeError.\n")
    f.write(" */\n")
    for k, v in groups.items():
        lines, line = [], ""
        for n in v:
            item = f'"{n}", '
            if len(line) + len(item) > 116:
                lines.append(line.rstrip())
                line = ""
            line += item
        lines.append(line.rstrip())
        body = "\n".join("  " + ln for ln in lines)
        f.write(f"export const REAL_{k.upper()}_NAMES: ReadonlySet<string> = new Set([\n{body}\n]);\n")
print("wrote", OUT)
