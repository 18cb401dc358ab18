/**
 * `arr.ctypes`: NumPy's `_ctypes` object (numpy/_core/_internal.py), over our Memory.
 *
 *  - `data`            the address of the first element, a plain integer (bigint): exactly
 *                      `__array_interface__['data'][0]` == memory.address + arr.offset. Keeps NOTHING alive:
 *                      `(a+b).ctypes.data` outlives its array by one statement (see core/lifetime).
 *  - `shape`/`strides` `(c_intp * ndim)(*arr.shape)`: a CArray whose element type is numpy.ctypeslib.c_intp of
 *                      the data model (c_long on LP64 and ILP32, c_longlong on LLP64); null for a 0-d array.
 *  - `shape_as(T)`/`strides_as(T)` the same with any type: ctypes converts SILENTLY — an int too wide for T
 *                      wraps modulo 2^bits (`shape_as(c_short)` of 70000 is 4464), bool is truthiness.
 *  - `data_as(POINTER(T))` a CPointer that reads memory as T; `.contents` is `ptr[0]` as a ctypes instance
 *                      (`c_long(0)`), `.at(i)` is `ptr[i]` as a Python value. Like modern NumPy, the pointer keeps
 *                      the array alive (`ptr._arr = arr`). Reads are checked: outside the allocation is a
 *                      BoundsError (C would read whatever is there), freed memory a LifetimeError. Each pointer
 *                      carries the seed's "User Beware!" as warnings: misaligned for T, non-native byte order,
 *                      T's size not the itemsize, not C-contiguous; writing warns when the array is read-only.
 *  - `data_as(c_void_p)` / `_as_parameter_` a `c_void_p(<address>)` that also keeps the array alive (NumPy 2
 *                      returns `self.data_as(ctypes.c_void_p)`).
 *  - `ctypes.cast(obj, T)` only accepts pointer types: `data_as(c_long)` is an ArgumentError, as in Python.
 *
 * The data model (default LP64) decides sizes and names: under ILP32 the seed page's output reproduces
 * (`c_long(0)`, `c_longlong(4294967296)`, `c_long_Array_2`); under LLP64 `shape` is a `c_longlong_Array_2`.
 * Python object addresses in reprs (`object at 0x…`) are synthetic: they identify nothing in memory.
 */
import { ArgumentError, BoundsError, UnsupportedError } from './errors';
import { isCContiguous } from './layout';
import type { Memory } from './memory';
import type { LifetimeRegistry } from './lifetime';
import {
  convertToC,
  cValueRepr,
  dataModel,
  decodeC,
  encodeC,
  typedValueRepr,
  type CPointerType,
  type CScalar,
  type CType,
  type DataModel,
  type ModelSpec,
} from './ctypeModel';

/** What CtypesView needs of an array (core/ndarray's NDArray has all of it). */
export interface CtypesArray {
  readonly memory: Memory;
  readonly dtype: {
    readonly str: string;
    readonly itemsize: number;
    readonly isNative: boolean;
    readonly byteorder: string;
  };
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly label: string;
  readonly base?: object | null;
  readonly flags: { readonly WRITEABLE: boolean };
}

let nextObjectAddress = 0x7f3a1c000000n;
/** A made-up CPython object address for reprs. */
function objectAddress(): bigint {
  nextObjectAddress += 0x50n;
  return nextObjectAddress;
}

const hex = (a: bigint): string => `0x${a.toString(16)}`;

/** A ctypes instance of a simple type: `c_long(0)`, `c_void_p(140…)`. */
export class CValue {
  constructor(
    readonly type: CType,
    readonly value: CScalar,
  ) {}
  /** `.value` as Python prints it. */
  get valueRepr(): string {
    return typedValueRepr(this.type, this.value);
  }
  repr(): string {
    return cValueRepr(this.type, this.value);
  }
  toString(): string {
    return this.repr();
  }
}

/** `(T * n)(*values)`: a ctypes array built by shape_as/strides_as. */
export class CArray {
  readonly values: CScalar[];
  readonly objectAddress = objectAddress();
  constructor(
    readonly elementType: CType,
    source: readonly (number | bigint)[],
    /** module shown by repr: NumPy builds these inside numpy._core._internal */
    readonly module = 'numpy._core._internal',
  ) {
    this.values = source.map((v) => convertToC(elementType, v));
  }
  get length(): number {
    return this.values.length;
  }
  /** `c_long_Array_2` */
  get typeName(): string {
    return `${this.elementType.name}_Array_${this.values.length}`;
  }
  /** `arr[i]` (negative indexes count from the end, as in Python). */
  at(i: number): CScalar {
    const j = i < 0 ? i + this.values.length : i;
    if (!Number.isInteger(j) || j < 0 || j >= this.values.length)
      throw new BoundsError(`invalid index ${i} for ${this.typeName}`);
    return this.values[j];
  }
  /** `list(arr)` as Python prints it: `[2, 2]`. */
  listRepr(): string {
    return `[${this.values.map((v) => typedValueRepr(this.elementType, v)).join(', ')}]`;
  }
  /** `<numpy._core._internal.c_long_Array_2 object at 0x…>` */
  repr(): string {
    return `<${this.module}.${this.typeName} object at ${hex(this.objectAddress)}>`;
  }
  toString(): string {
    return `${this.repr()} ${this.listRepr()}`;
  }
  /** Values in JSON spelling (8-byte integers as decimal strings). */
  toJSON(): unknown[] {
    return this.values.map((v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Array.from(v) : v));
  }
}

/** Where a pointer's bytes are: a Memory and the byte offset of the address inside it. */
interface PointerTarget {
  memory: Memory;
  offset: number;
}

export interface PointerRead {
  index: number;
  address: bigint;
  /** the Memory read, and the byte offset inside it */
  memory: Memory;
  memoryOffset: number;
  bytes: Uint8Array;
  value: CScalar;
  /** `ptr[i]` as Python prints it */
  valueRepr: string;
  /** the ctypes instance repr, `c_long(0)` */
  repr: string;
}

/** `POINTER(T)` instance: an address, read as T. */
export class CPointer {
  readonly objectAddress = objectAddress();
  readonly label: string;
  constructor(
    readonly type: CPointerType,
    readonly address: bigint,
    private readonly resolve: () => PointerTarget,
    /** "User Beware!" notes found when the pointer was made */
    readonly warnings: readonly string[],
    private readonly opts: { lifetime?: LifetimeRegistry; what: string; writeable?: boolean; writeWarning?: string },
  ) {
    this.label = type.name;
  }

  /** `ctypes.cast(address, POINTER(T))` on a bare integer: resolved through the registry at every read. */
  static fromAddress(address: bigint, type: CPointerType, lifetime: LifetimeRegistry, what = 'this pointer'): CPointer {
    const resolve = (): PointerTarget => {
      const p = lifetime.provenance(address);
      if (!p)
        throw new BoundsError(`${what} (${hex(address)}) does not point into any allocation Stridescope knows about`);
      return { memory: p.allocation.memory, offset: p.offset };
    };
    const warnings: string[] = [];
    if (address % BigInt(type.target.alignment) !== 0n) warnings.push(misalignedWarning(address, type.target));
    return new CPointer(type, address, resolve, warnings, { lifetime, what });
  }

  get target(): CType {
    return this.type.target;
  }

  private locate(i: number): { memory: Memory; off: number } {
    if (!Number.isSafeInteger(i)) throw new ArgumentError(`pointer index must be an integer, not ${i}`);
    const t = this.type.target;
    if (!t.readable) {
      throw new UnsupportedError(
        t.kind === 'pointer'
          ? `reading ${this.type.name}[${i}] would follow whatever address the bytes hold as a C string: Stridescope does not dereference it`
          : `${t.name} values are not decoded on ${t.model}`,
      );
    }
    const target = this.resolve();
    const off = target.offset + i * t.size;
    const what = this.opts.what;
    if (this.opts.lifetime)
      this.opts.lifetime.checkRead(target.memory, Math.max(0, Math.min(off, target.memory.size)), 0, what);
    else if (!target.memory.alive) target.memory.check(0, 0); // throws its LifetimeError
    if (off < 0 || off + t.size > target.memory.size) {
      throw new BoundsError(
        `${what}[${i}] reads bytes [${off}, ${off + t.size}) of ${target.memory.label}, which has ${target.memory.size}: outside the allocation (C would read whatever lies there)`,
        off,
      );
    }
    if (this.opts.lifetime) this.opts.lifetime.checkRead(target.memory, off, t.size, what);
    return { memory: target.memory, off };
  }

  /** `ptr[i]` with everything the UI shows about the read. */
  read(i: number): PointerRead {
    const { memory, off } = this.locate(i);
    const bytes = memory.read(off, this.type.target.size);
    const value = decodeC(this.type.target, bytes, 0);
    return {
      index: i,
      address: this.address + BigInt(i * this.type.target.size),
      memory,
      memoryOffset: off,
      bytes,
      value,
      valueRepr: typedValueRepr(this.type.target, value),
      repr: cValueRepr(this.type.target, value),
    };
  }

  /** `ptr[i]`: the Python value (int, float, bytes, bool, or None for a NULL c_void_p). */
  at(i: number): CScalar {
    return this.read(i).value;
  }

  /** `ptr.contents`: the ctypes instance at the address. */
  get contents(): CValue {
    return new CValue(this.type.target, this.read(0).value);
  }

  /** `ptr[i] = v` (converted as ctypes converts). Returns the warnings for this write. */
  set(i: number, v: number | bigint | boolean): string[] {
    const { memory, off } = this.locate(i);
    const warnings: string[] = [];
    if (this.opts.writeable === false)
      warnings.push(this.opts.writeWarning ?? `User Beware! writing through ${this.type.name} into read-only memory`);
    memory.write(off, encodeC(this.type.target, v));
    return warnings;
  }

  /** `<ctypes.LP_c_long object at 0x…>` */
  repr(): string {
    return `<ctypes.${this.type.name} object at ${hex(this.objectAddress)}>`;
  }

  toString(): string {
    return this.repr();
  }
}

function misalignedWarning(address: bigint, t: CType): string {
  return `User Beware! address ${hex(address)} is not a multiple of ${t.alignment}, the alignment of ${t.name}: reads through this pointer are misaligned (slow on x86, a crash on some CPUs)`;
}

/** `x.ctypes`. */
export class CtypesView {
  readonly model: DataModel;
  readonly label: string;
  private readonly lifetime?: LifetimeRegistry;

  constructor(
    readonly array: CtypesArray,
    opts: { model?: ModelSpec; lifetime?: LifetimeRegistry; label?: string } = {},
  ) {
    this.model = dataModel(opts.model ?? 'LP64');
    this.label = opts.label ?? `${array.label}.ctypes`;
    this.lifetime = opts.lifetime;
    if (this.lifetime) {
      this.lifetime.adopt(array);
      this.lifetime.retain(this, array, { kind: 'ctypes', label: this.label });
    }
  }

  /** The address of the first element (== __array_interface__['data'][0]). A plain int: keeps nothing alive. */
  get data(): bigint {
    return this.array.memory.address + BigInt(this.array.offset);
  }

  private get zerod(): boolean {
    return this.array.shape.length === 0;
  }

  /** numpy.ctypeslib.c_intp under this model. */
  get intp(): CType {
    return this.model.intp;
  }

  /** `(c_intp * ndim)(*shape)`; null for 0-d. */
  get shape(): CArray | null {
    return this.shape_as(this.model.intp);
  }

  /** `(c_intp * ndim)(*strides)`; null for 0-d. */
  get strides(): CArray | null {
    return this.strides_as(this.model.intp);
  }

  private ctype(t: string | CType): CType {
    return typeof t === 'string' ? this.model.type(t) : t;
  }

  shape_as(t: string | CType): CArray | null {
    const tt = this.ctype(t);
    if (this.zerod) return null;
    checkArrayElement(tt);
    return new CArray(tt, this.array.shape);
  }

  strides_as(t: string | CType): CArray | null {
    const tt = this.ctype(t);
    if (this.zerod) return null;
    checkArrayElement(tt);
    return new CArray(tt, this.array.strides);
  }

  /** `ctypes.POINTER(T)` under this view's model. */
  POINTER(t: string | CType): CPointerType {
    return this.model.POINTER(t);
  }

  /**
   * `data_as(POINTER(T))` -> CPointer; `data_as(c_void_p)` -> CValue `c_void_p(address)`. Both keep the array
   * alive (registered with the lifetime registry when there is one). Any other type is refused, as
   * `ctypes.cast` refuses non-pointer types.
   */
  data_as(t: CPointerType): CPointer;
  data_as(t: CType | 'c_void_p'): CValue;
  data_as(t: CPointerType | CType | string): CPointer | CValue {
    if (typeof t === 'string') t = this.model.type(t);
    if (t.kind !== 'POINTER') {
      if (t.kind !== 'pointer' || t.name !== 'c_void_p') {
        throw new ArgumentError(`cast() argument 2 must be a pointer type, not ${t.name}`, 'POINTER(T) or c_void_p');
      }
      const v = new CValue(t, convertToC(t, this.data));
      if (this.lifetime) this.lifetime.retain(v, this.array, { kind: 'pointer', label: `c_void_p(${this.data})` });
      return v;
    }
    // a POINTER made under another model means the same C type name under this one
    if (t.model !== this.model.name) t = this.model.POINTER(this.model.type(t.target.name));
    const arr = this.array;
    const target = t.target;
    const address = this.data;
    const warnings: string[] = [];
    if (address % BigInt(target.alignment) !== 0n) warnings.push(misalignedWarning(address, target));
    if (!arr.dtype.isNative && target.size > 1) {
      warnings.push(
        `User Beware! the array's dtype ${arr.dtype.str} is ${arr.dtype.byteorder === '>' ? 'big' : 'little'}-endian, not this machine's order: ${target.name} reads its bytes backwards`,
      );
    }
    if (target.size !== arr.dtype.itemsize) {
      warnings.push(
        `${target.name} is ${target.size} bytes but the array's items are ${arr.dtype.itemsize} (${arr.dtype.str}): ${t.name}[i] is not the array's element i`,
      );
    }
    if (!isCContiguous({ shape: [...arr.shape], strides: [...arr.strides], offset: arr.offset }, arr.dtype.itemsize)) {
      warnings.push(
        `the array is not C-contiguous: ${t.name}[i] steps through memory ${target.size} bytes at a time, ignoring the strides`,
      );
    }
    const what = `${arr.label}.ctypes.data_as(POINTER(${target.name}))`;
    const ptr = new CPointer(t, address, () => ({ memory: arr.memory, offset: arr.offset }), warnings, {
      lifetime: this.lifetime,
      what,
      writeable: arr.flags.WRITEABLE,
      writeWarning: `User Beware! ${arr.label} is not writeable (flags.WRITEABLE is False), but ctypes writes through ${t.name} anyway`,
    });
    if (this.lifetime) this.lifetime.retain(ptr, arr, { kind: 'pointer', label: what });
    return ptr;
  }

  /** `x.ctypes._as_parameter_`: `data_as(c_void_p)` (NumPy 2). */
  get _as_parameter_(): CValue {
    return this.data_as(this.model.type('c_void_p'));
  }

  /** The REPL lines the seed page shows, under this model. */
  repl(name = this.array.label): { input: string; output: string }[] {
    const out: { input: string; output: string }[] = [{ input: `${name}.ctypes.data`, output: this.data.toString() }];
    const shape = this.shape;
    const strides = this.strides;
    out.push({ input: `${name}.ctypes.shape`, output: shape ? shape.repr() : 'None' });
    out.push({ input: `${name}.ctypes.strides`, output: strides ? strides.repr() : 'None' });
    if (shape) out.push({ input: `list(${name}.ctypes.shape)`, output: shape.listRepr() });
    if (strides) out.push({ input: `list(${name}.ctypes.strides)`, output: strides.listRepr() });
    out.push({
      input: `${name}.ctypes._as_parameter_`,
      output: new CValue(this.model.type('c_void_p'), convertToC(this.model.type('c_void_p'), this.data)).repr(),
    });
    return out;
  }
}

function checkArrayElement(t: CType): void {
  if (t.name === 'c_char_p')
    throw new ArgumentError('a c_char_p array cannot be built from integers (ctypes raises TypeError)');
}

/** Register an array (and its base chain) with a lifetime registry: view -> base, owner -> its memory. */
export function adoptArray(lifetime: LifetimeRegistry, arr: CtypesArray): void {
  lifetime.adopt(arr);
}
