/**
 * The playground's Python object model: plain values (None, bool, int as bigint, float, str, bytes) and
 * `PyObject`s (tuples, lists, dicts, slices, modules, functions, and — in arrays.ts / cobjects.ts — NumPy and
 * ctypes objects). Each object answers getattr / call / getitem like its Python counterpart, raising Python's
 * exceptions with Python's messages.
 *
 * Lifetimes: an object that can keep memory alive has a `node` — the object the core LifetimeRegistry knows it
 * by (an NDArray, a CtypesView, a CPointer, or the container itself). Names, containers and the evaluator's
 * per-statement stack retain nodes; dropping the last reference frees the memory, as CPython's refcounting does.
 */
import type { DataModelName, DataModel } from '../../core/ctypeModel';
import type { LifetimeRegistry } from '../../core/lifetime';
import type { Mapper } from '../../formats/npy';
import type { RawFileSystem } from '../../formats/rawMemmap';
import { pyBytesRepr, pyFloatRepr, pyStrRepr } from '../../core/python/repr';
import { attributeError, notImplemented, PyException, typeError } from './errors';

export type PyValue = null | boolean | bigint | number | string | Uint8Array | PyObject;

/** What objects need of the running interpreter. */
export interface Ctx {
  readonly model: DataModel;
  readonly modelName: DataModelName;
  readonly registry: LifetimeRegistry;
  /** Source text of the expression being evaluated (labels of new allocations). */
  readonly label: string;
  /** The statement being run: "statement 3 (`p = (a+b).ctypes.data`)". */
  readonly statementLabel: string;
  /** Is the ctypes module importable (false: NumPy's no-ctypes fallback). */
  readonly ctypesAvailable: boolean;
  readonly mapper?: Mapper;
  readonly fs?: RawFileSystem;
  /** Relative paths resolve against this directory. */
  readonly cwd?: string;
  /** Which files np.load/np.save/np.memmap may touch (the app's console sandbox); none: any (the CLI). */
  readonly files?: import('./files').FilePolicy;
  /** A pointer read C made (`.contents`, `p[i]`): which memory, which bytes (the panes light them). */
  notePointerRead?(memory: import('../../core/memory').Memory, offset: number, length: number): void;
  /** Emit a Python warning (`<stdin>:1: RuntimeWarning: ...`). */
  warn(category: string, message: string): void;
  /** Register a new allocation (an array that owns fresh memory) under the current label. */
  adopt(
    arr: import('../../core/ndarray').NDArray,
    opts?: { kind?: 'owned' | 'mapped' | 'temporary'; label?: string },
  ): void;
  /** Types by identity: ctypes array/pointer types are cached per (element, length) as ctypes caches them. */
  readonly caches: Map<string, PyObject>;
}

let nextAddress = 0x7f2c4e000000n;
/** A CPython-like object address for reprs (`object at 0x7f…`) and id(). */
export function newObjectAddress(): bigint {
  nextAddress += 0x30n + (nextAddress % 7n) * 0x10n;
  return nextAddress;
}

export type Kwargs = Map<string, PyValue>;

export abstract class PyObject {
  private _address: bigint | undefined;
  /** The Python type name (`numpy.ndarray` style where Python prints a qualified one). */
  abstract get typeName(): string;
  /** What the lifetime registry knows this object as (null: it keeps no memory alive). */
  get node(): object | null {
    return null;
  }
  get address(): bigint {
    if (this._address === undefined) this._address = newObjectAddress();
    return this._address;
  }
  repr(_ctx: Ctx): string {
    return `<${this.typeName} object at 0x${this.address.toString(16)}>`;
  }
  str(ctx: Ctx): string {
    return this.repr(ctx);
  }
  getattr(name: string, _ctx: Ctx): PyValue {
    throw attributeError(`'${shortType(this.typeName)}' object has no attribute '${name}'`);
  }
  setattr(name: string, _value: PyValue, _ctx: Ctx): void {
    throw attributeError(`'${shortType(this.typeName)}' object has no attribute '${name}'`);
  }
  /** `abs(obj)`; objects without `__abs__` refuse as CPython does. */
  abs(_ctx: Ctx): PyValue {
    throw typeError(`bad operand type for abs(): '${shortType(this.typeName)}'`);
  }
  call(_args: PyValue[], _kwargs: Kwargs, _ctx: Ctx): PyValue {
    throw typeError(`'${shortType(this.typeName)}' object is not callable`);
  }
  getitem(_key: PyValue, _ctx: Ctx): PyValue {
    throw typeError(`'${shortType(this.typeName)}' object is not subscriptable`);
  }
  setitem(_key: PyValue, _value: PyValue, _ctx: Ctx): void {
    throw typeError(`'${shortType(this.typeName)}' object does not support item assignment`);
  }
  /** len(); null when the object has no length. */
  len(_ctx: Ctx): number | null {
    return null;
  }
  /** Iteration (list(), tuple(), unpacking); null when not iterable. */
  iter(_ctx: Ctx): PyValue[] | null {
    return null;
  }
  truthy(ctx: Ctx): boolean {
    const n = this.len(ctx);
    return n === null ? true : n > 0;
  }
}

/** `'numpy.ndarray'` -> `'numpy.ndarray'`; builtins print bare. Messages use the short name for most types. */
function shortType(t: string): string {
  return t;
}

export function typeName(v: PyValue): string {
  if (v === null) return 'NoneType';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'str';
  }
  if (v instanceof Uint8Array) return 'bytes';
  return v.typeName;
}

export function repr(v: PyValue, ctx: Ctx): string {
  if (v === null) return 'None';
  switch (typeof v) {
    case 'boolean':
      return v ? 'True' : 'False';
    case 'bigint':
      return v.toString();
    case 'number':
      return pyFloatRepr(v);
    case 'string':
      return pyStrRepr(v);
  }
  if (v instanceof Uint8Array) return pyBytesRepr(v);
  return v.repr(ctx);
}

export function str(v: PyValue, ctx: Ctx): string {
  if (typeof v === 'string') return v;
  if (v instanceof PyObject) return v.str(ctx);
  return repr(v, ctx);
}

export function truthy(v: PyValue, ctx: Ctx): boolean {
  if (v === null) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'bigint':
      return v !== 0n;
    case 'number':
      return v !== 0;
    case 'string':
      return v.length > 0;
  }
  if (v instanceof Uint8Array) return v.length > 0;
  return v.truthy(ctx);
}

export function nodeOf(v: PyValue): object | null {
  return v instanceof PyObject ? v.node : null;
}

// ================================================================ containers

export class PyTuple extends PyObject {
  constructor(readonly items: PyValue[]) {
    super();
  }
  get typeName(): string {
    return 'tuple';
  }
  override get node(): object | null {
    return this.items.some((x) => nodeOf(x) !== null) ? this : null;
  }
  override repr(ctx: Ctx): string {
    if (this.items.length === 1) return `(${repr(this.items[0], ctx)},)`;
    return `(${this.items.map((x) => repr(x, ctx)).join(', ')})`;
  }
  override len(): number {
    return this.items.length;
  }
  override iter(): PyValue[] {
    return this.items.slice();
  }
  override getitem(key: PyValue, ctx: Ctx): PyValue {
    return seqGetItem(this, this.items, key, ctx, (xs) => new PyTuple(xs));
  }
  override getattr(name: string, ctx: Ctx): PyValue {
    if (name === 'index' || name === 'count') {
      return new PyBuiltin(
        name,
        (args) => {
          const i = this.items.findIndex((x) => pyEquals(x, args[0] ?? null));
          if (name === 'count') return BigInt(this.items.filter((x) => pyEquals(x, args[0] ?? null)).length);
          if (i < 0) throw new PyException('ValueError', 'tuple.index(x): x not in tuple');
          return BigInt(i);
        },
        this,
      );
    }
    return super.getattr(name, ctx);
  }
}

export class PyList extends PyObject {
  constructor(readonly items: PyValue[]) {
    super();
  }
  get typeName(): string {
    return 'list';
  }
  override get node(): object | null {
    return this.items.some((x) => nodeOf(x) !== null) ? this : null;
  }
  override repr(ctx: Ctx): string {
    return `[${this.items.map((x) => repr(x, ctx)).join(', ')}]`;
  }
  override len(): number {
    return this.items.length;
  }
  override iter(): PyValue[] {
    return this.items.slice();
  }
  override getitem(key: PyValue, ctx: Ctx): PyValue {
    return seqGetItem(this, this.items, key, ctx, (xs) => new PyList(xs));
  }
  override setitem(key: PyValue, value: PyValue): void {
    const i = indexValue(key, 'list');
    const j = i < 0 ? i + this.items.length : i;
    if (j < 0 || j >= this.items.length) throw new PyException('IndexError', 'list assignment index out of range');
    this.items[j] = value;
  }
}

export class PyDict extends PyObject {
  constructor(readonly entries: [PyValue, PyValue][]) {
    super();
  }
  get typeName(): string {
    return 'dict';
  }
  override get node(): object | null {
    return this.entries.some(([, v]) => nodeOf(v) !== null) ? this : null;
  }
  override repr(ctx: Ctx): string {
    return `{${this.entries.map(([k, v]) => `${repr(k, ctx)}: ${repr(v, ctx)}`).join(', ')}}`;
  }
  override len(): number {
    return this.entries.length;
  }
  override iter(): PyValue[] {
    return this.entries.map(([k]) => k);
  }
  override getitem(key: PyValue, ctx: Ctx): PyValue {
    const e = this.entries.find(([k]) => pyEquals(k, key));
    if (!e) throw new PyException('KeyError', repr(key, ctx));
    return e[1];
  }
  override getattr(name: string, ctx: Ctx): PyValue {
    if (name === 'keys') return new PyBuiltin('keys', () => new PyList(this.entries.map(([k]) => k)), this);
    if (name === 'values') return new PyBuiltin('values', () => new PyList(this.entries.map(([, v]) => v)), this);
    if (name === 'items')
      return new PyBuiltin('items', () => new PyList(this.entries.map(([k, v]) => new PyTuple([k, v]))), this);
    if (name === 'get') {
      return new PyBuiltin(
        'get',
        (args) => this.entries.find(([k]) => pyEquals(k, args[0] ?? null))?.[1] ?? args[1] ?? null,
        this,
      );
    }
    return super.getattr(name, ctx);
  }
}

export class PySlice extends PyObject {
  constructor(
    readonly start: PyValue,
    readonly stop: PyValue,
    readonly step: PyValue,
  ) {
    super();
  }
  get typeName(): string {
    return 'slice';
  }
  override repr(ctx: Ctx): string {
    return `slice(${repr(this.start, ctx)}, ${repr(this.stop, ctx)}, ${repr(this.step, ctx)})`;
  }
}

export class PyEllipsisType extends PyObject {
  get typeName(): string {
    return 'ellipsis';
  }
  override repr(): string {
    return 'Ellipsis';
  }
}
export const Ellipsis = new PyEllipsisType();

export class PyModule extends PyObject {
  constructor(
    readonly name: string,
    readonly attrs: Map<string, PyValue | (() => PyValue)>,
    /** for repr: `<module 'numpy' from '...'>` */
    readonly file: string | null = null,
    /** names the real module has that this one does not implement: NotImplementedError, not AttributeError */
    readonly realNames: ReadonlySet<string> | null = null,
  ) {
    super();
  }
  get typeName(): string {
    return 'module';
  }
  override repr(): string {
    return this.file ? `<module '${this.name}' from '${this.file}'>` : `<module '${this.name}' (built-in)>`;
  }
  override getattr(name: string, _ctx: Ctx): PyValue {
    if (!this.attrs.has(name)) {
      if (name === '__name__') return this.name;
      if (this.realNames?.has(name)) throw notImplemented(`${this.name}.${name}`);
      throw attributeError(`module '${this.name}' has no attribute '${name}'`);
    }
    const raw = this.attrs.get(name)!;
    if (typeof raw === 'function') {
      const v: PyValue = raw();
      this.attrs.set(name, v);
      return v;
    }
    return raw;
  }
  override setattr(name: string, value: PyValue): void {
    this.attrs.set(name, value);
  }
}

export type NativeFn = (args: PyValue[], kwargs: Kwargs, ctx: Ctx) => PyValue;

/** A function implemented in TypeScript: `<built-in function len>`, `<function zeros at 0x…>` or a bound method. */
export class PyBuiltin extends PyObject {
  constructor(
    readonly name: string,
    readonly fn: NativeFn,
    /** the bound `self` for methods */
    readonly self: PyObject | null = null,
    readonly style: 'builtin' | 'function' | 'method' = self ? 'method' : 'builtin',
    readonly qualname: string = name,
  ) {
    super();
  }
  get typeName(): string {
    return this.self
      ? 'builtin_function_or_method'
      : this.style === 'function'
        ? 'function'
        : 'builtin_function_or_method';
  }
  override get node(): object | null {
    return this.self ? this.self.node : null;
  }
  override repr(ctx: Ctx): string {
    if (this.self) {
      if (this.style === 'function') return `<bound method ${this.qualname} of ${this.self.repr(ctx)}>`;
      return `<built-in method ${this.name} of ${this.self.typeName} object at 0x${this.self.address.toString(16)}>`;
    }
    if (this.style === 'function') return `<function ${this.qualname} at 0x${this.address.toString(16)}>`;
    return `<built-in function ${this.name}>`;
  }
  override call(args: PyValue[], kwargs: Kwargs, ctx: Ctx): PyValue {
    return this.fn(args, kwargs, ctx);
  }
}

// ================================================================ helpers

export function pyEquals(a: PyValue, b: PyValue): boolean {
  if (a === b) return true;
  const num = (v: PyValue): number | bigint | null =>
    typeof v === 'boolean' ? (v ? 1n : 0n) : typeof v === 'bigint' || typeof v === 'number' ? v : null;
  const x = num(a);
  const y = num(b);
  if (x !== null && y !== null) {
    if (typeof x === 'bigint' && typeof y === 'bigint') return x === y;
    return Number(x) === Number(y) && (typeof x === 'number' || typeof y === 'number' ? true : x === y);
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((v, i) => v === b[i]);
  if (a instanceof PyTuple && b instanceof PyTuple)
    return a.items.length === b.items.length && a.items.every((v, i) => pyEquals(v, b.items[i]));
  if (a instanceof PyList && b instanceof PyList)
    return a.items.length === b.items.length && a.items.every((v, i) => pyEquals(v, b.items[i]));
  return false;
}

/** An integer from an index-like value (int, bool, NumPy integer scalar). */
export function indexValue(v: PyValue, what: string): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyObject && 'asIndex' in v && typeof (v as { asIndex: unknown }).asIndex === 'function') {
    return (v as unknown as { asIndex(): number }).asIndex();
  }
  throw typeError(`${what} indices must be integers or slices, not ${typeName(v)}`);
}

export function sliceIndicesOf(s: PySlice, len: number): { start: number; stop: number; step: number } {
  const get = (v: PyValue): number | null => (v === null ? null : indexValue(v, 'slice'));
  const step = get(s.step) ?? 1;
  if (step === 0) throw new PyException('ValueError', 'slice step cannot be zero');
  const lower = step < 0 ? -1 : 0;
  const upper = step < 0 ? len - 1 : len;
  const fix = (v: number | null, d: number): number => {
    if (v === null) return d;
    if (v < 0) return Math.max(v + len, lower);
    return Math.min(v, upper);
  };
  return { start: fix(get(s.start), step < 0 ? upper : lower), stop: fix(get(s.stop), step < 0 ? lower : upper), step };
}

function seqGetItem(
  self: PyObject,
  items: PyValue[],
  key: PyValue,
  _ctx: Ctx,
  make: (xs: PyValue[]) => PyValue,
): PyValue {
  if (key instanceof PySlice) {
    const { start, stop, step } = sliceIndicesOf(key, items.length);
    const out: PyValue[] = [];
    if (step > 0) for (let i = start; i < stop; i += step) out.push(items[i]);
    else for (let i = start; i > stop; i += step) out.push(items[i]);
    return make(out);
  }
  const i = indexValue(key, self.typeName);
  const j = i < 0 ? i + items.length : i;
  if (j < 0 || j >= items.length) throw new PyException('IndexError', `${self.typeName} index out of range`);
  return items[j];
}

/** Python-style argument binding: positional then keyword, defaults, Python's TypeError messages. */
export function bindArgs(
  fname: string,
  params: readonly string[],
  args: PyValue[],
  kwargs: Kwargs,
  opts: { required?: number; defaults?: Record<string, PyValue>; varargs?: boolean; kwOnly?: readonly string[] } = {},
): Record<string, PyValue | undefined> & { __rest__?: PyValue[] } {
  const out: Record<string, PyValue | undefined> & { __rest__?: PyValue[] } = {};
  const required = opts.required ?? 0;
  if (args.length > params.length && !opts.varargs) {
    const range = required === params.length ? `${params.length}` : `from ${required} to ${params.length}`;
    throw typeError(
      `${fname}() takes ${range} positional argument${params.length === 1 && required === 1 ? '' : 's'} but ${args.length} ${args.length === 1 ? 'was' : 'were'} given`,
    );
  }
  params.forEach((p, i) => {
    if (i < args.length) out[p] = args[i];
  });
  if (opts.varargs) out.__rest__ = args.slice(params.length);
  const allowed = new Set([...params, ...(opts.kwOnly ?? [])]);
  for (const [k, v] of kwargs) {
    if (!allowed.has(k)) throw typeError(`${fname}() got an unexpected keyword argument '${k}'`);
    if (out[k] !== undefined) throw typeError(`${fname}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  for (let i = 0; i < required; i++) {
    if (out[params[i]] === undefined) {
      throw typeError(`${fname}() missing 1 required positional argument: '${params[i]}'`);
    }
  }
  for (const [k, v] of Object.entries(opts.defaults ?? {})) if (out[k] === undefined) out[k] = v;
  return out;
}

/** A sequence of ints (tuple/list/int) as numbers: shapes, strides, axes. */
export function intSequence(v: PyValue, what: string, ctx: Ctx): number[] {
  if (typeof v === 'bigint' || typeof v === 'boolean') return [indexValue(v, what)];
  if (v instanceof PyObject && 'asIndex' in v) return [indexValue(v, what)];
  if (v instanceof PyObject) {
    const items = v.iter(ctx);
    if (items)
      return items.map((x) => {
        if (typeof x === 'number') throw typeError(`'float' object cannot be interpreted as an integer`);
        return indexValue(x, what);
      });
  }
  if (typeof v === 'number') throw typeError(`'float' object cannot be interpreted as an integer`);
  throw typeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
}
