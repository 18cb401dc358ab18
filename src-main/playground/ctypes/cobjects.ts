/**
 * ctypes objects in the playground, over the core C type model (core/ctypeModel) and pointers (core/ctypes):
 *
 *   PyCSimpleType  `ctypes.c_long` (a class: callable, `T * n` makes an array type)      <class 'ctypes.c_long'>
 *   PyCData        `c_long(0)`: an instance, its value in its own (tracked) memory, or — for `ptr.contents` —
 *                  a window onto the memory the pointer points into
 *   PyCPointerType `ctypes.POINTER(T)`                                                  <class '__main__.LP_c_long'>
 *   PyCPointer     an instance: reads and writes through core's CPointer, so every read is checked against the
 *                  lifetime registry (freed memory is refused with the sentence naming who freed it)
 *   PyCArrayType / PyCArray   `c_long * 2` / `(c_long * 2)(1, 2)`, NumPy's `x.ctypes.shape`
 *
 * Type identity follows ctypes: types are cached (POINTER(T) per T, `T * n` per (T, n)) and the module a type
 * reports is the one where it was first made — `numpy._core._internal` when NumPy made `c_long_Array_2` for
 * `x.ctypes.shape`, `__main__` when the learner typed `ctypes.c_long * 2` first.
 */
import {
  convertToC,
  decodeC,
  encodeC,
  typedValueRepr,
  type CPointerType,
  type CScalar,
  type CType,
} from '../../core/ctypeModel';
import { CPointer } from '../../core/ctypes';
import { OwnedMemory, type Memory } from '../../core/memory';
import { PyException, typeError } from '../runtime/errors';
import {
  indexValue,
  PyList,
  PyObject,
  type Ctx,
  type Kwargs,
  type PyValue,
  typeName,
  PySlice,
  sliceIndicesOf,
} from '../runtime/objects';

/** A C scalar as the Python value ctypes returns (`.value`, `ptr[i]`). */
export function cToPy(t: CType, v: CScalar): PyValue {
  if (v === null) return null;
  if (typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'bigint') return v;
  return t.kind === 'float' ? v : BigInt(v);
}

/** A Python value as ctypes accepts it for type `t` (ints wrap silently, floats for float types). */
export function pyToC(t: CType, v: PyValue): number | bigint | boolean {
  if (t.kind === 'char') {
    if (v instanceof Uint8Array && v.length === 1) return BigInt(v[0]);
    if (typeof v === 'bigint') return v;
    throw typeError('one character bytes, bytearray or integer expected');
  }
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') {
    if (t.kind === 'float') return Number(v);
    return v;
  }
  if (typeof v === 'number') {
    if (t.kind === 'float' || t.kind === 'bool') return v;
    throw typeError(`int expected instead of float`);
  }
  if (v === null && t.kind === 'pointer') return 0n;
  if (v instanceof PyObject && 'asIndex' in v) return BigInt((v as unknown as { asIndex(): number }).asIndex());
  if (v instanceof PyObject && 'asNumber' in v) return (v as unknown as { asNumber(): number | bigint }).asNumber();
  throw typeError(`an integer is required (got type ${typeName(v)})`);
}

/** Allocate and register a small block of memory for a ctypes instance. */
function ownBlock(ctx: Ctx, holder: object, size: number, label: string): OwnedMemory {
  const mem = new OwnedMemory(label, size);
  ctx.registry.track(mem, { label, kind: 'owned', origin: ctx.statementLabel });
  ctx.registry.retain(holder, mem, { kind: 'array', label });
  return mem;
}

// ================================================================ simple types and instances

export class PyCSimpleType extends PyObject {
  constructor(readonly ctype: CType) {
    super();
  }
  get typeName(): string {
    return '_ctypes.PyCSimpleType';
  }
  get name(): string {
    return this.ctype.name;
  }
  override repr(): string {
    return `<class 'ctypes.${this.ctype.name}'>`;
  }
  override getattr(name: string, ctx: Ctx): PyValue {
    if (name === '__name__') return this.ctype.name;
    if (name === '_type_') return ctypeCode(this.ctype, ctx);
    return super.getattr(name, ctx);
  }
  override call(args: PyValue[], kwargs: Kwargs, ctx: Ctx): PyValue {
    if (args.length > 1 || kwargs.size)
      throw typeError('function takes at most 1 argument (' + args.length + ' given)');
    return PyCData.create(this, args.length ? args[0] : null, ctx);
  }
}

function ctypeCode(t: CType, _ctx: Ctx): string {
  if (t.kind === 'float') return t.size === 4 ? 'f' : t.size === 8 ? 'd' : 'g';
  if (t.kind === 'bool') return '?';
  if (t.kind === 'char') return 'c';
  if (t.kind === 'pointer') return t.name === 'c_char_p' ? 'z' : 'P';
  const codes: Record<number, string> = { 1: 'b', 2: 'h', 4: 'i', 8: 'q' };
  let c = codes[t.size];
  if (t.name === 'c_long' || t.name === 'c_ulong') c = 'l';
  return t.signed ? c : c.toUpperCase();
}

export class PyCData extends PyObject {
  constructor(
    readonly ctype: PyCSimpleType,
    readonly memory: Memory,
    readonly offset: number,
    /** what this instance keeps alive besides its own memory (the array a pointer's .contents points into) */
    private readonly keeps: object | null,
  ) {
    super();
  }
  static create(t: PyCSimpleType, init: PyValue, ctx: Ctx): PyCData {
    const self = new PyCData(t, null as unknown as Memory, 0, null);
    let bytes: Uint8Array;
    if (t.ctype.name === 'c_char_p') {
      // the bytes live in a buffer of their own; the instance holds its address
      if (init !== null && !(init instanceof Uint8Array))
        throw typeError(`bytes or integer address expected instead of ${typeName(init)} instance`);
      let addr = 0n;
      if (init instanceof Uint8Array) {
        const buf = new OwnedMemory(`bytes ${init.length}`, init.length + 1);
        buf.write(0, init);
        ctx.registry.track(buf, { label: `b'…' (${init.length} bytes)`, kind: 'owned', origin: ctx.statementLabel });
        ctx.registry.retain(self, buf, { kind: 'array', label: `c_char_p` });
        addr = buf.address;
      }
      bytes = encodeC(t.ctype, addr);
    } else {
      bytes = encodeC(
        t.ctype,
        init === null ? (t.ctype.kind === 'float' ? 0 : t.ctype.kind === 'bool' ? false : 0n) : pyToC(t.ctype, init),
      );
    }
    const mem = ownBlock(ctx, self, t.ctype.size, `${t.ctype.name} instance`);
    mem.write(0, bytes);
    (self as { memory: Memory }).memory = mem;
    return self;
  }
  get typeName(): string {
    return this.ctype.name;
  }
  override get node(): object | null {
    return this;
  }
  get addressOf(): bigint {
    return this.memory.address + BigInt(this.offset);
  }
  /** The C value (checked read: freed memory is a LifetimeError). */
  cvalue(ctx: Ctx): CScalar {
    ctx.registry.checkRead(this.memory, this.offset, this.ctype.ctype.size, this.ctype.ctype.name);
    const t = this.ctype.ctype;
    if (t.name === 'c_char_p') {
      const b = this.memory.read(this.offset, t.size);
      const addr =
        t.size === 8 ? new DataView(b.buffer).getBigUint64(0, true) : BigInt(new DataView(b.buffer).getUint32(0, true));
      return addr === 0n ? null : addr;
    }
    return decodeC(t, this.memory.read(this.offset, t.size), 0);
  }
  value(ctx: Ctx): PyValue {
    const t = this.ctype.ctype;
    const v = this.cvalue(ctx);
    if (t.name === 'c_char_p') {
      if (v === null) return null;
      const p = ctx.registry.provenance(v as bigint);
      if (!p) throw new PyException('ValueError', 'c_char_p points outside memory Stridescope knows about');
      const bytes: number[] = [];
      for (let i = p.offset; i < p.allocation.memory.size; i++) {
        const b = p.allocation.memory.read(i, 1)[0];
        if (b === 0) break;
        bytes.push(b);
      }
      return Uint8Array.from(bytes);
    }
    return cToPy(t, v);
  }
  override repr(ctx: Ctx): string {
    const t = this.ctype.ctype;
    return `${t.name}(${typedValueRepr(t, this.cvalue(ctx))})`;
  }
  override getattr(name: string, ctx: Ctx): PyValue {
    if (name === 'value') return this.value(ctx);
    if (name === '_b_needsfree_') return this.keeps === null ? 1n : 0n;
    return super.getattr(name, ctx);
  }
  override setattr(name: string, value: PyValue, ctx: Ctx): void {
    if (name !== 'value') return super.setattr(name, value, ctx);
    ctx.registry.checkRead(this.memory, this.offset, this.ctype.ctype.size, this.ctype.ctype.name);
    this.memory.write(this.offset, encodeC(this.ctype.ctype, pyToC(this.ctype.ctype, value)));
  }
  /** Register what this instance keeps alive (call once after creating a view instance). */
  static viewOnto(t: PyCSimpleType, memory: Memory, offset: number, keeps: object | null, ctx: Ctx): PyCData {
    const d = new PyCData(t, memory, offset, keeps);
    if (keeps) ctx.registry.retain(d, keeps, { kind: 'pointer', label: `${t.ctype.name} at +${offset}` });
    return d;
  }
}

// ================================================================ pointers

export class PyCPointerType extends PyObject {
  constructor(
    readonly target: PyCSimpleType,
    readonly ctype: CPointerType,
    readonly module: string,
  ) {
    super();
  }
  get typeName(): string {
    return '_ctypes.PyCPointerType';
  }
  get name(): string {
    return this.ctype.name;
  }
  override repr(): string {
    return `<class '${this.module}.${this.ctype.name}'>`;
  }
  override getattr(name: string, ctx: Ctx): PyValue {
    if (name === '__name__') return this.ctype.name;
    if (name === '_type_') return this.target;
    return super.getattr(name, ctx);
  }
  override call(args: PyValue[], _kwargs: Kwargs, ctx: Ctx): PyValue {
    if (args.length === 0) return PyCPointer.fromAddress(this, 0n, null, ctx, `${this.ctype.name}()`);
    const obj = args[0];
    if (obj instanceof PyCData && obj.ctype === this.target)
      return PyCPointer.fromAddress(this, obj.addressOf, obj, ctx, `${this.ctype.name}(${ctx.label})`);
    throw typeError(`expected ${this.target.ctype.name} instead of ${typeName(obj)}`);
  }
}

export class PyCPointer extends PyObject {
  constructor(
    readonly ptype: PyCPointerType,
    readonly core: CPointer,
  ) {
    super();
  }
  /** `ctypes.cast(address, T)`: resolved through the lifetime registry at every read. `keeps` is cast's `_objects`. */
  static fromAddress(ptype: PyCPointerType, address: bigint, keeps: object | null, ctx: Ctx, what: string): PyCPointer {
    const core = CPointer.fromAddress(address, ptype.ctype, ctx.registry, what);
    const p = new PyCPointer(ptype, core);
    if (keeps) ctx.registry.retain(core, keeps, { kind: 'pointer', label: what });
    else ctx.registry.label(core, what);
    return p;
  }
  get typeName(): string {
    return this.ptype.ctype.name;
  }
  override get node(): object | null {
    return this.core;
  }
  get addressValue(): bigint {
    return this.core.address;
  }
  override repr(): string {
    return `<${this.ptype.module}.${this.ptype.ctype.name} object at 0x${this.address.toString(16)}>`;
  }
  override truthy(): boolean {
    return this.core.address !== 0n;
  }
  private nullCheck(): void {
    if (this.core.address === 0n) throw new PyException('ValueError', 'NULL pointer access');
  }
  override getattr(name: string, ctx: Ctx): PyValue {
    if (name === 'contents') {
      this.nullCheck();
      const r = this.core.read(0); // checked: freed memory throws the lifetime warning
      ctx.notePointerRead?.(r.memory, r.memoryOffset, r.bytes.length);
      const p = ctx.registry.provenance(this.core.address);
      const memory = p ? p.allocation.memory : null;
      if (!memory)
        throw new PyException('ValueError', `${this.core.label} points outside memory Stridescope knows about`);
      return PyCData.viewOnto(this.ptype.target, memory, r.memoryOffset, this.core, ctx);
    }
    if (name === '_type_') return this.ptype.target;
    return super.getattr(name, ctx);
  }
  override getitem(key: PyValue, ctx: Ctx): PyValue {
    if (key instanceof PySlice)
      throw new PyException('NotImplementedError', 'slicing a pointer is not supported in the playground');
    this.nullCheck();
    const i = indexValue(key, 'pointer');
    const r = this.core.read(i);
    ctx.notePointerRead?.(r.memory, r.memoryOffset, r.bytes.length);
    return cToPy(this.ptype.target.ctype, r.value);
  }
  override setitem(key: PyValue, value: PyValue, _ctx: Ctx): void {
    this.nullCheck();
    const i = indexValue(key, 'pointer');
    this.core.set(i, pyToC(this.ptype.target.ctype, value));
  }
}

// ================================================================ arrays

export type ElementType = PyCSimpleType | PyCArrayType;

export class PyCArrayType extends PyObject {
  constructor(
    readonly element: ElementType,
    readonly length: number,
    readonly module: string,
  ) {
    super();
  }
  get typeName(): string {
    return '_ctypes.PyCArrayType';
  }
  get name(): string {
    return `${this.element.name}_Array_${this.length}`;
  }
  get size(): number {
    return this.length * (this.element instanceof PyCArrayType ? this.element.size : this.element.ctype.size);
  }
  get scalar(): CType {
    return this.element instanceof PyCArrayType ? this.element.scalar : this.element.ctype;
  }
  override repr(): string {
    return `<class '${this.module ? this.module + '.' : ''}${this.name}'>`;
  }
  override getattr(name: string, ctx: Ctx): PyValue {
    if (name === '__name__') return this.name;
    if (name === '_length_') return BigInt(this.length);
    if (name === '_type_') return this.element;
    return super.getattr(name, ctx);
  }
  override call(args: PyValue[], _kwargs: Kwargs, ctx: Ctx): PyValue {
    if (args.length > this.length) throw new PyException('IndexError', 'invalid index');
    const arr = PyCArray.allocate(this, ctx);
    args.forEach((v, i) => arr.setitem(BigInt(i), v, ctx));
    return arr;
  }
}

export class PyCArray extends PyObject {
  constructor(
    readonly atype: PyCArrayType,
    readonly memory: Memory,
    readonly offset: number,
  ) {
    super();
  }
  static allocate(t: PyCArrayType, ctx: Ctx): PyCArray {
    const self = new PyCArray(t, null as unknown as Memory, 0);
    const mem = ownBlock(ctx, self, Math.max(t.size, 0), `${t.name} instance`);
    (self as { memory: Memory }).memory = mem;
    return self;
  }
  /** A ctypes array over existing memory (`from_buffer`): keeps `keeps` alive. */
  static over(t: PyCArrayType, memory: Memory, offset: number, keeps: object, ctx: Ctx): PyCArray {
    const self = new PyCArray(t, memory, offset);
    ctx.registry.retain(self, keeps, { kind: 'pointer', label: t.name });
    return self;
  }
  get typeName(): string {
    return this.atype.name;
  }
  override get node(): object | null {
    return this;
  }
  get addressOf(): bigint {
    return this.memory.address + BigInt(this.offset);
  }
  override repr(): string {
    const m = this.atype.module;
    return `<${m ? m + '.' : ''}${this.atype.name} object at 0x${this.address.toString(16)}>`;
  }
  override len(): number {
    return this.atype.length;
  }
  override iter(ctx: Ctx): PyValue[] {
    return Array.from({ length: this.atype.length }, (_, i) => this.getitem(BigInt(i), ctx));
  }
  private slot(key: PyValue): number {
    const i = indexValue(key, 'array');
    const j = i < 0 ? i + this.atype.length : i;
    if (j < 0 || j >= this.atype.length) throw new PyException('IndexError', 'invalid index');
    return j;
  }
  override getitem(key: PyValue, ctx: Ctx): PyValue {
    if (key instanceof PySlice) {
      const { start, stop, step } = sliceIndicesOf(key, this.atype.length);
      const out: PyValue[] = [];
      for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(this.getitem(BigInt(i), ctx));
      return new PyList(out);
    }
    const j = this.slot(key);
    const el = this.atype.element;
    if (el instanceof PyCArrayType) return PyCArray.over(el, this.memory, this.offset + j * el.size, this, ctx);
    const off = this.offset + j * el.ctype.size;
    ctx.registry.checkRead(this.memory, off, el.ctype.size, this.atype.name);
    return cToPy(el.ctype, decodeC(el.ctype, this.memory.read(off, el.ctype.size), 0));
  }
  override setitem(key: PyValue, value: PyValue, ctx: Ctx): void {
    const j = this.slot(key);
    const el = this.atype.element;
    if (el instanceof PyCArrayType) throw typeError(`expected ${el.name} instance, got ${typeName(value)}`);
    const off = this.offset + j * el.ctype.size;
    ctx.registry.checkRead(this.memory, off, el.ctype.size, this.atype.name);
    this.memory.write(off, encodeC(el.ctype, pyToC(el.ctype, value)));
  }
}

/** `T * n`, cached per (T, n); the first maker's module sticks. */
export function arrayType(element: ElementType, length: number, module: string, ctx: Ctx): PyCArrayType {
  if (!Number.isSafeInteger(length) || length < 0)
    throw new PyException('ValueError', 'Array length must be >= 0, not ' + length);
  const key = `array:${element.name}:${length}:${element instanceof PyCArrayType ? element.module : ''}`;
  let t = ctx.caches.get(key) as PyCArrayType | undefined;
  if (!t) {
    t = new PyCArrayType(element, length, module);
    ctx.caches.set(key, t);
  }
  return t;
}

/** `ctypes.POINTER(T)`, cached per T; the first caller's module sticks. */
export function pointerType(target: PyCSimpleType, module: string, ctx: Ctx): PyCPointerType {
  const key = `pointer:${target.ctype.name}`;
  let t = ctx.caches.get(key) as PyCPointerType | undefined;
  if (!t) {
    t = new PyCPointerType(target, ctx.model.POINTER(target.ctype), module);
    ctx.caches.set(key, t);
  }
  return t;
}

/** The (cached) class object of a simple type under the interpreter's model. */
export function simpleType(name: string, ctx: Ctx): PyCSimpleType {
  const ct = ctx.model.type(name);
  const key = `simple:${ct.name}`;
  let t = ctx.caches.get(key) as PyCSimpleType | undefined;
  if (!t) {
    t = new PyCSimpleType(ct);
    ctx.caches.set(key, t);
  }
  return t;
}

export { convertToC };
