/**
 * Python's builtins the playground offers — print, len, repr, hex, id, type, isinstance, abs, max, min, range and
 * the constructors list, tuple, dict, int, float, bool, str — as CPython's Python/bltinmodule.c defines them, for
 * the values the playground has.
 */
import { budgetItems } from '../../core/memory';
import { NpScalar, NpType, PyArray, PyArrayClass, PyBuiltinType } from '../numpy/arrays';
import { PyException, typeError, valueError } from './errors';
import {
  type Ctx,
  indexValue,
  type Kwargs,
  PyBuiltin,
  PyDict,
  PyList,
  PyObject,
  PyTuple,
  type PyValue,
  repr,
  str,
  truthy,
  typeName,
} from './objects';

class PyTypeName extends PyObject {
  constructor(readonly name: string) {
    super();
  }
  get typeName(): string {
    return 'type';
  }
  override repr(): string {
    return `<class '${this.name}'>`;
  }
}

function minMax(items: PyValue[], sign: 1 | -1): PyValue {
  if (!items.length) throw valueError(`${sign > 0 ? 'max' : 'min'}() arg is an empty sequence`);
  let best = items[0];
  for (const x of items.slice(1)) {
    const gt = Number(x as number | bigint) > Number(best as number | bigint);
    if (sign > 0 ? gt : Number(x as number) < Number(best as number)) best = x;
  }
  return best;
}

/** The host the builtins run in: the interpreter (a Ctx) that can iterate values, and knows its data model. */
export interface BuiltinHost extends Ctx {
  iterate(v: PyValue): PyValue[];
  readonly modelLabel: string;
}

/** Python's builtins the playground offers (print, len, list, tuple, int, float, ...), into `b`; print writes to `out`. */
export function installBuiltins(b: Map<string, PyValue>, host: BuiltinHost, out: string[]): void {
  const def = (name: string, f: (args: PyValue[], kw: Kwargs) => PyValue) =>
    b.set(name, new PyBuiltin(name, (a, k) => f(a, k)));
  def('print', (args, kw) => {
    const sep = kw.has('sep') ? str(kw.get('sep')!, host) : ' ';
    const end = kw.has('end') ? str(kw.get('end')!, host) : '\n';
    out.push(args.map((a) => str(a, host)).join(sep) + end);
    return null;
  });
  def('len', (args) => {
    const v = args[0] ?? null;
    if (typeof v === 'string') return BigInt([...v].length);
    if (v instanceof Uint8Array) return BigInt(v.length);
    const n = v instanceof PyObject ? v.len(host) : null;
    if (n === null) throw typeError(`object of type '${typeName(v)}' has no len()`);
    return BigInt(n);
  });
  def('repr', (args) => repr(args[0] ?? null, host));
  def('hex', (args) => {
    const v = args[0] ?? null;
    const n = typeof v === 'bigint' ? v : v instanceof NpScalar ? BigInt(v.asIndex()) : null;
    if (n === null) throw typeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
    return n < 0n ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
  });
  def('id', (args) => {
    const v = args[0] ?? null;
    return v instanceof PyObject ? v.address : BigInt(0x7f0000001000);
  });
  def('abs', (args) => {
    const v = args[0] ?? null;
    if (typeof v === 'bigint') return v < 0n ? -v : v;
    if (typeof v === 'number') return Math.abs(v);
    if (typeof v === 'boolean') return v ? 1n : 0n;
    if (v instanceof PyObject) return v.abs(host);
    throw typeError(`bad operand type for abs(): '${typeName(v)}'`);
  });
  def('max', (args) => minMax(args.length === 1 ? host.iterate(args[0]) : args, 1));
  def('min', (args) => minMax(args.length === 1 ? host.iterate(args[0]) : args, -1));
  def('isinstance', (args) => {
    const [v, t] = args;
    if (t instanceof PyBuiltinType) return typeName(v) === t.name || (t.name === 'int' && typeof v === 'boolean');
    if (t instanceof PyArrayClass) return v instanceof PyArray && (t.cls === 'ndarray' || v.cls === t.cls);
    if (t instanceof PyTuple)
      return t.items.some((x) => (b.get('isinstance') as PyBuiltin).fn([v, x], new Map(), host) === true);
    return false;
  });
  def('type', (args) => {
    const v = args[0] ?? null;
    if (v instanceof PyArray) return new PyArrayClass(v.cls);
    if (v instanceof NpScalar) return new NpType(v.dtype.kind === 'b' ? 'bool' : v.dtype.name, () => v.dtype);
    const tn = typeName(v);
    const bt = b.get(tn);
    if (bt instanceof PyBuiltinType) return bt;
    return new PyTypeName(tn);
  });
  const conv = (name: PyBuiltinType['name'], f: (args: PyValue[], kw: Kwargs, ctx: Ctx) => PyValue) =>
    b.set(name, new PyBuiltinType(name, f));
  conv('int', (args) => {
    const v = args.length ? args[0] : 0n;
    if (typeof v === 'bigint') return v;
    if (typeof v === 'boolean') return v ? 1n : 0n;
    if (typeof v === 'number') {
      if (!Number.isFinite(v))
        throw new PyException(
          Number.isNaN(v) ? 'ValueError' : 'OverflowError',
          Number.isNaN(v) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer',
        );
      return BigInt(Math.trunc(v));
    }
    if (typeof v === 'string') {
      const base = args.length > 1 ? Number(args[1]) : 10;
      const t = v.trim().replace(/_/g, '');
      const m = base === 16 ? /^[+-]?(0x)?[0-9a-f]+$/i.test(t) : base === 10 ? /^[+-]?\d+$/.test(t) : false;
      if (!m) throw valueError(`invalid literal for int() with base ${base}: ${repr(v, host)}`);
      const neg = t.startsWith('-');
      const body = t.replace(/^[+-]/, '').replace(/^0x/i, '');
      const n = BigInt(base === 16 ? '0x' + body : body);
      return neg ? -n : n;
    }
    if (v instanceof NpScalar) {
      const x = v.asNumber();
      return typeof x === 'bigint' ? x : BigInt(Math.trunc(x));
    }
    if (v instanceof PyArray) {
      if (v.arr.size !== 1) throw typeError('only length-1 arrays can be converted to Python scalars');
      const x = v.arr.get(new Array(v.arr.ndim).fill(0));
      return typeof x === 'bigint' ? x : BigInt(Math.trunc(Number(x)));
    }
    throw typeError(`int() argument must be a string, a bytes-like object or a real number, not '${typeName(v)}'`);
  });
  conv('float', (args) => {
    const v = args.length ? args[0] : 0;
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string') {
      const t = v.trim().toLowerCase();
      if (t === 'nan' || t === '+nan' || t === '-nan') return NaN;
      if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
      if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t))
        throw valueError(`could not convert string to float: ${repr(v, host)}`);
      return Number(t);
    }
    if (v instanceof NpScalar) return Number(v.asNumber());
    if (v instanceof PyArray && v.arr.size === 1) return Number(v.arr.get(new Array(v.arr.ndim).fill(0)));
    throw typeError(`float() argument must be a string or a real number, not '${typeName(v)}'`);
  });
  conv('bool', (args) => (args.length ? truthy(args[0], host) : false));
  conv('str', (args) => (args.length ? str(args[0], host) : ''));
  conv('list', (args) => new PyList(args.length ? host.iterate(args[0]) : []));
  conv('tuple', (args) => new PyTuple(args.length ? host.iterate(args[0]) : []));
  conv('bytes', (args) => {
    const v = args.length ? args[0] : null;
    if (v === null) return new Uint8Array(0);
    if (v instanceof Uint8Array) return v;
    if (typeof v === 'bigint') {
      if (v < 0n) throw valueError('negative count');
      budgetItems(Number(v), 'bytes()');
      return new Uint8Array(Number(v));
    }
    return Uint8Array.from(host.iterate(v).map((x) => indexValue(x, 'bytes')));
  });
  b.set(
    'dict',
    new PyBuiltin(
      'dict',
      (args, kw) =>
        new PyDict([
          ...(args.length && args[0] instanceof PyDict ? args[0].entries : []),
          ...[...kw].map(([k, v]) => [k, v] as [PyValue, PyValue]),
        ]),
    ),
  );
  b.set(
    'range',
    new PyBuiltin('range', (args) => {
      const n = args.map((x) => indexValue(x, 'range'));
      const [start, stop, step] = n.length === 1 ? [0, n[0], 1] : [n[0], n[1], n[2] ?? 1];
      if (step === 0) throw valueError('range() arg 3 must not be zero');
      // (the playground's range is a list: its length is checked before it is built)
      budgetItems(Math.max(0, Math.ceil((stop - start) / step)), 'range()');
      const out: PyValue[] = [];
      for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(BigInt(i));
      return new PyList(out);
    }),
  );
}
