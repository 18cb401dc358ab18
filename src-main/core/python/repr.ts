/**
 * Python's repr() of the built-in values the project prints: int, float, str, bytes and tuples of them —
 * as CPython's Objects/floatobject.c (float_repr via PyOS_double_to_string 'r'), Objects/unicodeobject.c
 * (unicode_repr), Objects/bytesobject.c (PyBytes_Repr) and Objects/tupleobject.c (tuplerepr) write them.
 * One place for them, so NumPy's messages, .npy headers, ctypes values and the playground all agree.
 */

/** repr() of a tuple whose items are already repr'd (or are numbers): `(3,)`, `(2, 3)`, `()`. */
export function pyTupleRepr(items: readonly (string | number | bigint)[]): string {
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip (the same digits JS picks), laid out the Python
 * way: exponent form when the decimal point would sit more than 16 digits right or 4+ zeros left of the first
 * digit (`1e+16`, `1e-05`), a trailing `.0` for integral values (`1.0`, `1000000000000000.0`), `inf`, `nan`.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant, expStr] = Math.abs(x).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expStr);
  const decpt = exp + 1; // value = 0.DIGITS * 10^decpt
  if (decpt <= -4 || decpt > 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** Python's repr of a bytes object. */
export function pyBytesRepr(b: Uint8Array): string {
  let s = '';
  let hasSingle = false;
  let hasDouble = false;
  for (const c of b) {
    if (c === 0x27) hasSingle = true;
    if (c === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? '"' : "'";
  for (const c of b) {
    if (c === 0x5c) s += '\\\\';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c === quote.charCodeAt(0)) s += `\\${quote}`;
    else if (c < 0x20 || c >= 0x7f) s += `\\x${c.toString(16).padStart(2, '0')}`;
    else s += String.fromCharCode(c);
  }
  return `b${quote}${s}${quote}`;
}

/** Python's repr() of a str: single quotes unless the text has ' and no ". */
export function pyStrRepr(s: string, bytes = false): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f || (bytes && cp > 0x7f)) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (!bytes && !isPrintable(cp)) {
      if (cp <= 0xff) out += '\\x' + cp.toString(16).padStart(2, '0');
      else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
      else out += '\\U' + cp.toString(16).padStart(8, '0');
    } else out += ch;
  }
  return out + q;
}

/** Approximates Python's str.isprintable() for repr: controls, separators and unassigned code points are not. */
function isPrintable(cp: number): boolean {
  if (cp >= 0x80 && cp <= 0xa0) return false; // C1 controls and NBSP
  if (cp === 0xad) return false; // soft hyphen (Cf)
  const ch = String.fromCodePoint(cp);
  return !/[\p{C}\p{Z}]/u.test(ch) || ch === ' ';
}
