/**
 * Floating-point spellings shared across layers: IEEE 754 binary16 <-> number (NumPy's npy_half_to_double /
 * npy_double_to_half, numpy/_core/src/npymath/halffloat.cpp) and a float's JSON spelling (JSON has no NaN,
 * infinities or -0, so they travel as the strings Python prints).
 */

/** Exact float16 -> number (subnormals, infinities, NaN, -0). */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** number -> float16 bits, correctly rounded (half to even) as numpy's npy_double_to_half. NaN -> 0x7e00. */
export function numberToHalf(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a >= 65520) return sign | 0x7c00; // also Infinity: 65504 + half an ulp rounds (to even) up to inf
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24); // subnormal (1024 carries into the smallest normal)
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  const m = roundHalfEven((a / 2 ** e - 1) * 1024); // exact arithmetic: scaling by 2^e, Sterbenz, scaling by 2^10
  return sign | (((e + 15) << 10) + m); // m === 1024 carries into the exponent (up to 0x7c00 = inf)
}

/** A float in valueToJSON's spelling: a number, or "nan" / "inf" / "-inf" / "-0.0". */
export function floatJSON(x: number): number | string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0.0';
  return x;
}
