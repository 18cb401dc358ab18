/**
 * Python/NumPy reprs of arrays, scalars and dtypes, exactly as NumPy 2 prints them with default print options:
 *
 *   array([[0, 1],
 *          [2, 3]], dtype=int32)          array([0.        , 0.33333333])      memmap([0., 0.], dtype=float32)
 *   array([   0,    1, ..., 1999], shape=(2000,))        np.int64(6)   np.float32(0.33333334)   np.True_
 *   dtype('int32')   dtype('>i4')   dtype('<U3')
 *
 * A port of numpy/_core/arrayprint.py's `_array_repr_implementation` / `_formatArray` (line width 75,
 * threshold 1000, edgeitems 3, precision 8, floatmode 'maxprec'); only the displayed elements are read, so
 * the repr of a 1e6-element memmap touches a few dozen bytes.
 */
import type { DataModelName } from '../../core/ctypeModel';
import type { DType, Value, Complex } from '../../core/dtype';
import type { NDArray } from '../../core/ndarray';
import { pyBytesRepr, pyStrRepr, pyTupleRepr } from '../../core/python/repr';
import { notSupported } from '../runtime/errors';
import { FloatingFormat, floatScalarText } from './format';
import { defaultIntDType } from './dtypes';

const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE = 3;

const floatBits = (d: DType): 16 | 32 | 64 => (d.itemsize === 2 ? 16 : d.itemsize === 4 ? 32 : 64);

/** NumPy's `dtype_is_implied`: the dtypes an array repr leaves out. */
export function dtypeIsImplied(d: DType, model: DataModelName): boolean {
  if (!d.isNative || d.fields) return false;
  if (d.kind === 'b') return true;
  if (d.kind === 'f' && d.itemsize === 8) return true;
  if (d.kind === 'c' && d.itemsize === 16) return true;
  return d.kind === 'i' && d.itemsize === defaultIntDType(model).itemsize;
}

/** NumPy's `dtype_short_repr`: `int32`, `'>i4'`, `'<U3'`. */
export function dtypeShortRepr(d: DType): string {
  if (d.fields) return `'${d.str}'`;
  if (d.kind === 'S' || d.kind === 'U' || d.kind === 'V') return `'${dtypeStr(d)}'`;
  if (!d.isNative) return `'${d.str}'`;
  const name = d.name;
  return /^[A-Za-z][A-Za-z0-9]*$/.test(name) ? name : `'${name}'`;
}

/** str(dtype): `int32`, `>i4`, `|S5`, `<U3`. */
export function dtypeStr(d: DType): string {
  if (d.kind === 'b') return d.isNative ? 'bool' : d.str;
  if ((d.kind === 'i' || d.kind === 'u' || d.kind === 'f' || d.kind === 'c') && d.isNative) return d.name;
  if (d.kind === 'M' || d.kind === 'm') return d.isNative ? d.name : d.str;
  return d.str;
}

/** repr(dtype): `dtype('int32')`, `dtype('S5')`, `dtype('<U3')`, `dtype('>i4')`. */
export function dtypeRepr(d: DType): string {
  if (d.fields) return `dtype(${structuredRepr(d)})`;
  let s: string;
  if (d.kind === 'S' || d.kind === 'V') s = `${d.kind}${d.itemsize}`;
  else s = dtypeStr(d);
  return `dtype('${s}')`;
}

/**
 * A structured dtype as numpy/_core/_dtype.py writes it: packed fields as a list of (name, format[, shape]) tuples;
 * fields with gaps or a padded itemsize as the dict of names, formats, offsets and itemsize.
 */
function structuredRepr(d: DType): string {
  const fields = d.fields!;
  const q = (x: string) => `'${x}'`;
  const fmt = (t: DType): string =>
    t.fields ? structuredRepr(t) : t.subarray ? fmt(t.subarray.base) : q(t.kind === 'V' ? `|V${t.itemsize}` : t.str);
  let packed = true;
  let end = 0;
  for (const f of fields) {
    if (f.offset !== end || f.title !== null) packed = false;
    end = f.offset + f.dtype.itemsize;
  }
  if (end !== d.itemsize) packed = false;
  if (packed) {
    return `[${fields
      .map((f) => {
        const shape = f.dtype.subarray
          ? `, (${f.dtype.subarray.shape.join(', ')}${f.dtype.subarray.shape.length === 1 ? ',' : ''})`
          : '';
        return `(${q(f.name)}, ${fmt(f.dtype)}${shape})`;
      })
      .join(', ')}]`;
  }
  const full = (t: DType): string =>
    t.subarray
      ? `(${fmt(t.subarray.base)}, (${t.subarray.shape.join(', ')}${t.subarray.shape.length === 1 ? ',' : ''}))`
      : fmt(t);
  return `{'names': [${fields.map((f) => q(f.name)).join(', ')}], 'formats': [${fields.map((f) => full(f.dtype)).join(', ')}], 'offsets': [${fields.map((f) => f.offset).join(', ')}], 'itemsize': ${d.itemsize}}`;
}

/** The element formatter NumPy picks for the displayed values. */
function formatFunction(d: DType, values: Value[], zeroD: boolean): (v: Value) => string {
  switch (d.kind) {
    case 'b':
      return (v) => (v ? (zeroD ? 'True' : ' True') : 'False');
    case 'i':
    case 'u': {
      const strs = values.map((v) => String(v));
      const width = strs.reduce((m, s) => Math.max(m, s.length), 0);
      return (v) => String(v).padStart(width, ' ');
    }
    case 'f': {
      const ff = new FloatingFormat(values as number[], floatBits(d));
      return (v) => ff.format(v as number);
    }
    case 'c': {
      const bits = floatBits({ itemsize: d.itemsize / 2 } as DType);
      const re = new FloatingFormat(
        (values as Complex[]).map((c) => c.re),
        bits,
      );
      const im = new FloatingFormat(
        (values as Complex[]).map((c) => c.im),
        bits,
        '+',
      );
      return (v) => {
        const c = v as Complex;
        const r = re.format(c.re);
        let i = im.format(c.im);
        const sp = i.trimEnd().length;
        i = `${i.slice(0, sp)}j${i.slice(sp)}`;
        return r + i;
      };
    }
    case 'S':
      return (v) => pyBytesRepr(trimNul(v as Uint8Array));
    case 'U':
      return (v) => pyStrRepr(v as string);
    default:
      throw notSupported(`the playground does not print ${d.name} arrays`);
  }
}

function trimNul(b: Uint8Array): Uint8Array {
  let n = b.length;
  while (n > 0 && b[n - 1] === 0) n--;
  return b.subarray(0, n);
}

/** The elements arrayprint shows: all, or the edge items of every axis when summarizing. */
function displayedIndexes(shape: readonly number[], summarize: boolean): number[][] {
  const out: number[][] = [];
  const rec = (prefix: number[]): void => {
    const axis = prefix.length;
    if (axis === shape.length) {
      out.push(prefix);
      return;
    }
    const n = shape[axis];
    if (summarize && n > 2 * EDGE) {
      for (let i = 0; i < EDGE; i++) rec([...prefix, i]);
      for (let i = n - EDGE; i < n; i++) rec([...prefix, i]);
    } else for (let i = 0; i < n; i++) rec([...prefix, i]);
  };
  rec([]);
  return out;
}

function extendLine(s: string, line: string, word: string, width: number, nextPrefix: string): [string, string] {
  let needsWrap = line.length + word.length > width;
  if (line.length <= nextPrefix.length) needsWrap = false;
  if (needsWrap) {
    s += line.trimEnd() + '\n';
    line = nextPrefix;
  }
  return [s, line + word];
}

function extendLinePretty(s: string, line: string, word: string, width: number, nextPrefix: string): [string, string] {
  const words = word.split('\n');
  if (words.length === 1) return extendLine(s, line, word, width, nextPrefix);
  const maxLen = Math.max(...words.map((w) => w.length));
  let indent: string;
  if (line.length + maxLen > width && line.length > nextPrefix.length) {
    s += line.trimEnd() + '\n';
    line = nextPrefix + words[0];
    indent = nextPrefix;
  } else {
    indent = ' '.repeat(line.length);
    line += words[0];
  }
  for (const w of words.slice(1)) {
    s += line.trimEnd() + '\n';
    line = indent + w;
  }
  line += ' '.repeat(maxLen - words[words.length - 1].length);
  return [s, line];
}

/** numpy's _formatArray. */
function formatArray(
  shape: readonly number[],
  get: (index: number[]) => string,
  lineWidth: number,
  nextLinePrefix: string,
  separator: string,
  summaryInsert: string,
): string {
  const ndim = shape.length;
  const recurser = (index: number[], hanging: string, currWidth: number): string => {
    const axis = index.length;
    const axesLeft = ndim - axis;
    if (axesLeft === 0) return get(index);
    const nextHanging = hanging + ' ';
    const nextWidth = currWidth - 1;
    const aLen = shape[axis];
    const showSummary = summaryInsert !== '' && 2 * EDGE < aLen;
    const leading = showSummary ? EDGE : 0;
    const trailing = showSummary ? EDGE : aLen;
    let s = '';
    if (axesLeft === 1) {
      const elemWidth = currWidth - Math.max(separator.trimEnd().length, 1);
      let line = hanging;
      for (let i = 0; i < leading; i++) {
        const word = recurser([...index, i], nextHanging, nextWidth);
        [s, line] = extendLinePretty(s, line, word, elemWidth, hanging);
        line += separator;
      }
      if (showSummary) {
        [s, line] = extendLine(s, line, summaryInsert, elemWidth, hanging);
        line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        const word = recurser([...index, aLen - i], nextHanging, nextWidth);
        [s, line] = extendLinePretty(s, line, word, elemWidth, hanging);
        line += separator;
      }
      const word = recurser([...index, aLen - 1], nextHanging, nextWidth);
      [s, line] = extendLinePretty(s, line, word, elemWidth, hanging);
      s += line;
    } else {
      const lineSep = separator.trimEnd() + '\n'.repeat(axesLeft - 1);
      for (let i = 0; i < leading; i++) s += hanging + recurser([...index, i], nextHanging, nextWidth) + lineSep;
      if (showSummary) s += hanging + summaryInsert + lineSep;
      for (let i = trailing; i > 1; i--)
        s += hanging + recurser([...index, aLen - i], nextHanging, nextWidth) + lineSep;
      s += hanging + recurser([...index, aLen - 1], nextHanging, nextWidth);
    }
    return '[' + s.slice(hanging.length) + ']';
  };
  return recurser([], nextLinePrefix, lineWidth);
}

/** repr(arr) for class `array` (ndarray) or `memmap`. */
export function arrayRepr(a: NDArray, className: string, model: DataModelName): string {
  const prefix = `${className}(`;
  const summarize = a.size > THRESHOLD;
  let lst: string;
  if (a.size === 0) lst = '[]';
  else {
    const idx = displayedIndexes(a.shape, summarize);
    const cache = new Map<string, Value>();
    const values = idx.map((i) => {
      const v = a.get(i);
      cache.set(i.join(','), v);
      return v;
    });
    const fmt = formatFunction(a.dtype, values, a.ndim === 0);
    const get = (index: number[]): string => {
      const key = index.join(',');
      return fmt(cache.has(key) ? cache.get(key)! : a.get(index));
    };
    lst = formatArray(a.shape, get, LINE_WIDTH - 1, ' ' + ' '.repeat(prefix.length), ', ', summarize ? '...' : '');
  }
  const extras: string[] = [];
  if ((a.size === 0 && !(a.ndim === 1 && a.shape[0] === 0)) || a.size > THRESHOLD)
    extras.push(`shape=${pyTupleRepr(a.shape)}`);
  if (!dtypeIsImplied(a.dtype, model) || a.size === 0) extras.push(`dtype=${dtypeShortRepr(a.dtype)}`);
  if (!extras.length) return `${prefix}${lst})`;
  const arrStr = `${prefix}${lst},`;
  const extraStr = extras.join(', ') + ')';
  const lastLineLen = arrStr.length - (arrStr.lastIndexOf('\n') + 1);
  const spacer = lastLineLen + extraStr.length + 1 > LINE_WIDTH ? '\n' + ' '.repeat(prefix.length) : ' ';
  return arrStr + spacer + extraStr;
}

/** str(arr) (print(arr)): `[[0 1]\n [2 3]]`. */
export function arrayStr(a: NDArray): string {
  const summarize = a.size > THRESHOLD;
  if (a.size === 0) return '[]';
  const idx = displayedIndexes(a.shape, summarize);
  const values = idx.map((i) => a.get(i));
  const fmt = formatFunction(a.dtype, values, a.ndim === 0);
  if (a.ndim === 0) return scalarStr(a.dtype, values[0]);
  return formatArray(a.shape, (i) => fmt(a.get(i)), LINE_WIDTH, ' ', ' ', summarize ? '...' : '');
}

/** NumPy 2 scalar repr: `np.int32(0)`, `np.float64(1.5)`, `np.True_`, `np.bytes_(b'a')`. */
export function scalarRepr(d: DType, v: Value): string {
  switch (d.kind) {
    case 'b':
      return v ? 'np.True_' : 'np.False_';
    case 'i':
    case 'u':
      return `np.${d.name}(${String(v)})`;
    case 'f':
      return `np.${d.name}(${floatScalarText(v as number, floatBits(d))})`;
    case 'c': {
      const c = v as Complex;
      return `np.${d.name}(${complexText(c, floatBits({ itemsize: d.itemsize / 2 } as DType))})`;
    }
    case 'S':
      return `np.bytes_(${pyBytesRepr(trimNul(v as Uint8Array))})`;
    case 'U':
      return `np.str_(${pyStrRepr(v as string)})`;
    default:
      throw notSupported(`the playground does not print ${d.name} scalars`);
  }
}

/** str() of a NumPy scalar (print): `0`, `1.5`, `True`. */
export function scalarStr(d: DType, v: Value): string {
  switch (d.kind) {
    case 'b':
      return v ? 'True' : 'False';
    case 'f':
      return floatScalarText(v as number, floatBits(d));
    case 'c':
      return complexText(v as Complex, floatBits({ itemsize: d.itemsize / 2 } as DType));
    case 'S':
      return pyBytesRepr(trimNul(v as Uint8Array));
    case 'U':
      return v as string;
    default:
      return String(v);
  }
}

function complexText(c: Complex, bits: 16 | 32 | 64): string {
  const im = floatScalarText(c.im, bits).replace(/\.0$/, '');
  if (c.re === 0 && !Object.is(c.re, -0)) return `${im}j`;
  const re = floatScalarText(c.re, bits).replace(/\.0$/, '');
  const sign = c.im < 0 || Object.is(c.im, -0) || (Number.isNaN(c.im) && false) ? '' : '+';
  return `(${re}${sign}${im}j)`;
}
