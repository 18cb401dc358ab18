"""The JSON spelling of values that every fixture generator shares with Stridescope (core/dtype's valueToJSON):
floats are JSON numbers except NaN -> "nan", +inf -> "inf", -inf -> "-inf" and -0.0 -> "-0.0"."""
import math


def float_json(x):
    x = float(x)
    if math.isnan(x):
        return 'nan'
    if math.isinf(x):
        return 'inf' if x > 0 else '-inf'
    if x == 0 and math.copysign(1.0, x) < 0:
        return '-0.0'
    return x
