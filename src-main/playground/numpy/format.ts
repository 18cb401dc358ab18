/**
 * NumPy's number formatting (numpy/_core/arrayprint.py + Dragon4), for array and scalar reprs:
 *
 *  - shortest round-trip digits per float width (float16, float32, float64), as Dragon4's `unique` mode;
 *  - `dragon4Positional` / `dragon4Scientific` with numpy's precision / min_digits / trim / pad options;
 *  - `FloatingFormat` (precision 8, floatmode 'maxprec', no suppression): picks positional or exponent form
 *    over the displayed values and pads them to a common width, exactly as arrayprint does;
 *  - NumPy 2 scalar reprs of floats (`np.float32(0.33333334)`).
 */
import { halfToNumber, numberToHalf } from '../../core/floats';

/** Decimal digits and exponent of the shortest representation that round-trips at `bits` width. */
export function shortestDigits(x: number, bits: 16 | 32 | 64): { digits: string; exp: number } {
  // x finite, non-zero, positive
  if (bits === 64) {
    const [m, e] = x.toExponential().split('e');
    return { digits: m.replace('.', ''), exp: Number(e) };
  }
  const back = bits === 32 ? (v: number) => Math.fround(v) : (v: number) => halfToNumber(numberToHalf(v));
  for (let p = 1; p <= 17; p++) {
    const s = x.toExponential(p - 1);
    if (back(Number(s)) === x) {
      const [m, e] = s.split('e');
      return { digits: m.replace('.', '').replace(/0+$/, '') || '0', exp: Number(e) };
    }
  }
  const [m, e] = x.toExponential().split('e');
  return { digits: m.replace('.', ''), exp: Number(e) };
}

export interface Dragon4Options {
  precision: number; // -1: none
  minDigits?: number; // -1/undefined: none
  unique?: boolean;
  trim: 'k' | '.' | '0' | '-';
  sign?: boolean;
  padLeft?: number;
  padRight?: number;
  expDigits?: number;
}

/** Digits of |x| in positional form: integer part and fraction, shortest-unique then cut at `precision`. */
function positionalParts(ax: number, bits: 16 | 32 | 64, precision: number): { int: string; frac: string } {
  if (ax === 0) return { int: '0', frac: '' };
  const { digits, exp } = shortestDigits(ax, bits);
  // digits d0.d1d2... x 10^exp
  let int: string;
  let frac: string;
  if (exp >= 0) {
    int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    frac = digits.slice(exp + 1);
  } else {
    int = '0';
    frac = '0'.repeat(-exp - 1) + digits;
  }
  if (precision >= 0 && frac.length > precision) {
    // round the exact binary value at `precision` fractional digits
    const s = ax.toFixed(Math.min(precision, 100));
    const [i2, f2 = ''] = s.split('.');
    int = i2;
    frac = f2;
  }
  return { int, frac };
}

export function dragon4Positional(x: number, bits: 16 | 32 | 64, o: Dragon4Options): string {
  const neg = x < 0 || Object.is(x, -0);
  let { int, frac } = positionalParts(Math.abs(x), bits, o.precision);
  if (o.trim === '.' || o.trim === '0' || o.trim === '-') frac = frac.replace(/0+$/, '');
  const minDigits = o.minDigits ?? -1;
  if (minDigits > 0 && frac.length < minDigits) frac = frac.padEnd(minDigits, '0');
  if (o.trim === 'k' && o.precision > 0 && frac.length < o.precision && !o.unique) frac = frac.padEnd(o.precision, '0');
  let s: string;
  if (frac === '') {
    if (o.trim === '0') s = `${int}.0`;
    else if (o.trim === '-') s = int;
    else s = `${int}.`;
  } else s = `${int}.${frac}`;
  const signStr = neg ? '-' : o.sign ? '+' : '';
  let intPart = signStr + s.slice(0, s.indexOf('.') < 0 ? s.length : s.indexOf('.'));
  let rest = s.indexOf('.') < 0 ? '' : s.slice(s.indexOf('.'));
  if (o.padLeft !== undefined && intPart.length < o.padLeft) intPart = ' '.repeat(o.padLeft - intPart.length) + intPart;
  if (o.padRight !== undefined) {
    const fracLen = rest.length > 0 ? rest.length - 1 : 0;
    if (fracLen < o.padRight) rest = rest + ' '.repeat(o.padRight - fracLen);
  }
  return intPart + rest;
}

export function dragon4Scientific(x: number, bits: 16 | 32 | 64, o: Dragon4Options): string {
  const neg = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  let digits: string;
  let exp: number;
  if (ax === 0) {
    digits = '0';
    exp = 0;
  } else {
    ({ digits, exp } = shortestDigits(ax, bits));
    if (o.precision >= 0 && digits.length - 1 > o.precision) {
      const [m, e] = ax.toExponential(o.precision).split('e');
      digits = m.replace('.', '');
      exp = Number(e);
    }
  }
  let frac = digits.slice(1);
  if (o.trim !== 'k') frac = frac.replace(/0+$/, '');
  const minDigits = o.minDigits ?? -1;
  if (minDigits > 0 && frac.length < minDigits) frac = frac.padEnd(minDigits, '0');
  let mant =
    frac === ''
      ? o.trim === '0'
        ? `${digits[0]}.0`
        : o.trim === '-'
          ? digits[0]
          : `${digits[0]}.`
      : `${digits[0]}.${frac}`;
  const signStr = neg ? '-' : o.sign ? '+' : '';
  let intPart = signStr + digits[0];
  mant = mant.slice(1);
  if (o.padLeft !== undefined && intPart.length < o.padLeft) intPart = ' '.repeat(o.padLeft - intPart.length) + intPart;
  const ed = Math.max(o.expDigits ?? 2, 2);
  const e = String(Math.abs(exp)).padStart(ed < 0 ? 2 : ed, '0');
  return `${intPart}${mant}e${exp < 0 ? '-' : '+'}${e}`;
}

/** numpy's FloatingFormat for the default print options (precision 8, 'maxprec', suppress False, sign '-'). */
export class FloatingFormat {
  private expFormat = false;
  private padLeft = 0;
  private padRight = 0;
  private precision = 8;
  private minDigits = 0;
  private trim: '.' | 'k' = '.';
  private expSize = -1;
  constructor(
    data: readonly number[],
    private readonly bits: 16 | 32 | 64,
    private readonly sign: '-' | '+' | ' ' = '-',
  ) {
    const finite = data.filter((v) => Number.isFinite(v));
    const absNonZero = finite.filter((v) => v !== 0).map(Math.abs);
    if (absNonZero.length) {
      const max = Math.max(...absNonZero);
      const min = Math.min(...absNonZero);
      const cutoff = 10 ** Math.min(8, bits === 64 ? 15 : bits === 32 ? 6 : 3);
      if (max >= cutoff || min < 0.0001 || max / min > 1000) this.expFormat = true;
    }
    const signed = sign === '+';
    if (finite.length === 0) {
      this.padLeft = 0;
      this.padRight = 0;
      this.trim = '.';
      this.expSize = -1;
      this.minDigits = -1;
    } else if (this.expFormat) {
      const strs = finite.map((x) =>
        dragon4Scientific(x, bits, { precision: 8, unique: true, trim: '.', sign: signed }),
      );
      const parts = strs.map((s) => {
        const [m, e] = s.split('e');
        const [i, f] = m.split('.');
        return { i, f, e };
      });
      this.expSize = Math.max(...parts.map((p) => p.e.length)) - 1;
      this.trim = 'k';
      this.precision = Math.max(...parts.map((p) => p.f.length));
      this.minDigits = this.precision;
      this.padLeft = Math.max(...parts.map((p) => p.i.length));
      this.padRight = this.expSize + 2 + this.precision;
    } else {
      const strs = finite.map((x) =>
        dragon4Positional(x, bits, { precision: 8, unique: true, trim: '.', sign: signed }),
      );
      const parts = strs.map((s) => s.split('.'));
      this.padLeft = Math.max(...parts.map((p) => p[0].length));
      this.padRight = Math.max(...parts.map((p) => p[1].length));
      this.trim = '.';
      this.minDigits = 0;
    }
    if (sign === ' ' && !finite.some((v) => v < 0 || Object.is(v, -0))) this.padLeft += 1;
    if (finite.length !== data.length) {
      const neginf = sign !== '-' || data.some((v) => v === -Infinity);
      const offset = this.padRight + 1;
      this.padLeft = Math.max(this.padLeft, 3 - offset, 3 + (neginf ? 1 : 0) - offset);
    }
  }

  format(x: number): string {
    if (!Number.isFinite(x)) {
      const ret = Number.isNaN(x)
        ? this.sign === '+'
          ? '+nan'
          : 'nan'
        : x < 0
          ? '-inf'
          : this.sign === '+'
            ? '+inf'
            : 'inf';
      return ' '.repeat(Math.max(0, this.padLeft + this.padRight + 1 - ret.length)) + ret;
    }
    if (this.expFormat) {
      return dragon4Scientific(x, this.bits, {
        precision: this.precision,
        minDigits: this.minDigits,
        unique: true,
        trim: this.trim,
        sign: this.sign === '+',
        padLeft: this.padLeft,
        expDigits: this.expSize,
      });
    }
    return dragon4Positional(x, this.bits, {
      precision: this.precision,
      minDigits: this.minDigits,
      unique: true,
      trim: this.trim,
      sign: this.sign === '+',
      padLeft: this.padLeft,
      padRight: this.padRight,
    });
  }
}

/** The digits NumPy's scalar repr uses for a float (`repr(np.float32(x))` without the `np.float32(...)`). */
export function floatScalarText(x: number, bits: 16 | 32 | 64): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  const ax = Math.abs(x);
  if (ax !== 0 && (ax < 1e-4 || ax >= 1e16)) {
    return dragon4Scientific(x, bits, { precision: -1, unique: true, trim: '.', expDigits: 2 }).replace(/\.e/, 'e');
  }
  return dragon4Positional(x, bits, { precision: -1, unique: true, trim: '0' });
}
