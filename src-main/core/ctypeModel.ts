/**
 * C data models: what each `ctypes` type IS on a platform — its size, alignment, signedness — and how Python
 * prints its values.
 *
 * Three models:
 *  - `LP64`  (Linux, macOS on x86-64/arm64): int 4, long 8, long long 8, pointers 8.
 *  - `LLP64` (64-bit Windows): int 4, long 4, long long 8, pointers 8.
 *  - `ILP32` (32-bit Windows — the platform of the seed page's example output): int 4, long 4, long long 8,
 *            pointers 4; double and long long are 8-aligned as on Win32 (i386 Linux would align them to 4).
 *
 * Type identity follows `ctypes/__init__.py` exactly: when two C types have the same size ctypes makes one an
 * ALIAS of the other, so the object you get back (and therefore every repr) carries the alias's name:
 *  - `c_int`/`c_uint` are `c_long`/`c_ulong` when int and long have the same size (LLP64, ILP32);
 *  - `c_longlong`/`c_ulonglong` are `c_long`/`c_ulong` when long and long long have the same size (LP64) —
 *    so on Linux `c_longlong(4294967296)` prints as `c_long(4294967296)`;
 *  - `c_size_t`/`c_ssize_t` are the first of uint/ulong/ulonglong whose size is the pointer size;
 *  - `c_int8`/`c_uint8` are `c_byte`/`c_ubyte`; `c_int16..c_int64` the LAST of short/int/long/longlong of that size;
 *  - `c_longdouble` is `c_double` where long double is double (MSVC: LLP64 and ILP32). On LP64 it is the x86-64
 *    80-bit extended type in 16 bytes: listed with its size and alignment, but values are not decoded
 *    (`readable: false`) — arm64 Linux (IEEE quad) and Apple arm64 (= double) differ, so we do not guess.
 *
 * `intp` is NumPy's `ctypeslib.c_intp` (`_getintp_ctype()`: the C type of `dtype('n')`, chosen like
 * NPY_INTP: long if intp has long's size, else int, else long long): `c_long` on LP64 and ILP32,
 * `c_longlong` on LLP64 (so on 64-bit Windows with NumPy 2, `x.ctypes.shape` is a `c_longlong_Array_2`;
 * the seed's `c_long_Array_2` is what 32-bit Windows shows, reproduced by ILP32).
 */
import { ArgumentError } from './errors';
import { pyBytesRepr, pyFloatRepr } from './python/repr';

/** The canonical model names. */
export type DataModelName = 'LP64' | 'LLP64' | 'ILP32';
/** Accepted spellings (the IPC contract uses lower case). */
/** Anything that names a model. */
export type ModelSpec = DataModelName | Lowercase<DataModelName> | DataModel;

/** Every type name a caller may ask for (the names `ctypes` exports). */
export const CTYPE_NAMES = [
  'c_bool',
  'c_char',
  'c_byte',
  'c_ubyte',
  'c_short',
  'c_ushort',
  'c_int',
  'c_uint',
  'c_long',
  'c_ulong',
  'c_longlong',
  'c_ulonglong',
  'c_size_t',
  'c_ssize_t',
  'c_float',
  'c_double',
  'c_longdouble',
  'c_void_p',
  'c_char_p',
  'c_int8',
  'c_uint8',
  'c_int16',
  'c_uint16',
  'c_int32',
  'c_uint32',
  'c_int64',
  'c_uint64',
] as const;
export type CTypeName = (typeof CTYPE_NAMES)[number];

/** How a value of the type is held: bool, one byte (`c_char`), integer, floating point, or an address. */
export type CKind = 'bool' | 'char' | 'int' | 'float' | 'pointer';

/** A simple ctypes type (a `_SimpleCData` subclass) under one data model. */
export interface CType {
  /** The class's `__name__` after aliasing: what reprs print (`c_long` for `c_longlong` on LP64). */
  readonly name: string;
  readonly kind: CKind;
  /** `ctypes.sizeof(T)`. */
  readonly size: number;
  /** `ctypes.alignment(T)`. */
  readonly alignment: number;
  /** Signed integer (meaningless for bool/char/float/pointer: false). */
  readonly signed: boolean;
  readonly isFloat: boolean;
  /** False for `c_longdouble` on LP64: size is known, value decoding is not attempted. */
  readonly readable: boolean;
  readonly model: DataModelName;
}

/** `ctypes.POINTER(T)`: named `LP_<T's name>`. */
export interface CPointerType {
  readonly kind: 'POINTER';
  readonly name: string;
  readonly target: CType;
  readonly size: number;
  readonly alignment: number;
  readonly model: DataModelName;
}

/** A value held by a simple C type: numbers for integers up to 4 bytes, bigint for 8-byte integers and
 *  addresses, boolean for c_bool, a 1-byte Uint8Array for c_char, null for a NULL c_void_p / c_char_p. */
export type CScalar = number | bigint | boolean | Uint8Array | null;

interface Spec {
  name: string;
  kind: CKind;
  size: number;
  alignment: number;
  signed?: boolean;
  readable?: boolean;
}

export class DataModel {
  readonly name: DataModelName;
  readonly pointerSize: number;
  private readonly types = new Map<string, CType>();
  private readonly pointers = new Map<string, CPointerType>();
  /** numpy.ctypeslib.c_intp on this model. */
  readonly intp: CType;

  constructor(name: DataModelName) {
    this.name = name;
    const longSize = name === 'LP64' ? 8 : 4;
    const ptrSize = name === 'ILP32' ? 4 : 8;
    this.pointerSize = ptrSize;
    const mk = (s: Spec): CType =>
      Object.freeze({
        name: s.name,
        kind: s.kind,
        size: s.size,
        alignment: s.alignment,
        signed: s.signed ?? false,
        isFloat: s.kind === 'float',
        readable: s.readable ?? true,
        model: name,
      });
    const t = (s: Spec): CType => mk(s);
    const c_bool = t({ name: 'c_bool', kind: 'bool', size: 1, alignment: 1 });
    const c_char = t({ name: 'c_char', kind: 'char', size: 1, alignment: 1 });
    const c_byte = t({ name: 'c_byte', kind: 'int', size: 1, alignment: 1, signed: true });
    const c_ubyte = t({ name: 'c_ubyte', kind: 'int', size: 1, alignment: 1 });
    const c_short = t({ name: 'c_short', kind: 'int', size: 2, alignment: 2, signed: true });
    const c_ushort = t({ name: 'c_ushort', kind: 'int', size: 2, alignment: 2 });
    const c_long = t({ name: 'c_long', kind: 'int', size: longSize, alignment: longSize, signed: true });
    const c_ulong = t({ name: 'c_ulong', kind: 'int', size: longSize, alignment: longSize });
    // if int and long have the same size, ctypes makes c_int an alias for c_long
    const c_int = longSize === 4 ? c_long : t({ name: 'c_int', kind: 'int', size: 4, alignment: 4, signed: true });
    const c_uint = longSize === 4 ? c_ulong : t({ name: 'c_uint', kind: 'int', size: 4, alignment: 4 });
    // if long and long long have the same size, c_longlong is an alias for c_long
    const c_longlong =
      longSize === 8 ? c_long : t({ name: 'c_longlong', kind: 'int', size: 8, alignment: 8, signed: true });
    const c_ulonglong = longSize === 8 ? c_ulong : t({ name: 'c_ulonglong', kind: 'int', size: 8, alignment: 8 });
    const c_float = t({ name: 'c_float', kind: 'float', size: 4, alignment: 4 });
    const c_double = t({ name: 'c_double', kind: 'float', size: 8, alignment: 8 });
    const c_longdouble =
      name === 'LP64' ? t({ name: 'c_longdouble', kind: 'float', size: 16, alignment: 16, readable: false }) : c_double;
    const c_void_p = t({ name: 'c_void_p', kind: 'pointer', size: ptrSize, alignment: ptrSize });
    const c_char_p = t({ name: 'c_char_p', kind: 'pointer', size: ptrSize, alignment: ptrSize, readable: false });
    // c_size_t: the first of c_uint, c_ulong, c_ulonglong whose size is the pointer's
    const c_size_t = [c_uint, c_ulong, c_ulonglong].find((x) => x.size === ptrSize)!;
    const c_ssize_t = [c_int, c_long, c_longlong].find((x) => x.size === ptrSize)!;
    // c_intN: the LAST of short, int, long, longlong with that size (ctypes' loop overwrites)
    const sized = (cands: CType[], size: number): CType => cands.filter((x) => x.size === size).at(-1)!;
    const signedCands = [c_short, c_int, c_long, c_longlong];
    const unsignedCands = [c_ushort, c_uint, c_ulong, c_ulonglong];
    const table: Record<CTypeName, CType> = {
      c_bool,
      c_char,
      c_byte,
      c_ubyte,
      c_short,
      c_ushort,
      c_int,
      c_uint,
      c_long,
      c_ulong,
      c_longlong,
      c_ulonglong,
      c_size_t,
      c_ssize_t,
      c_float,
      c_double,
      c_longdouble,
      c_void_p,
      c_char_p,
      c_int8: c_byte,
      c_uint8: c_ubyte,
      c_int16: sized(signedCands, 2),
      c_uint16: sized(unsignedCands, 2),
      c_int32: sized(signedCands, 4),
      c_uint32: sized(unsignedCands, 4),
      c_int64: sized(signedCands, 8),
      c_uint64: sized(unsignedCands, 8),
    };
    for (const [k, v] of Object.entries(table)) this.types.set(k, v);
    // numpy's _getintp_ctype: NPY_INTP is long if sizeof(intp)==sizeof(long), else int, else long long.
    this.intp = c_long.size === ptrSize ? c_long : c_int.size === ptrSize ? c_int : c_longlong;
  }

  /** The ctypes type for a name (aliases resolved: under LP64 `type('c_longlong') === type('c_long')`). */
  type(name: string): CType {
    const t = this.types.get(name);
    if (!t) throw new ArgumentError(`unknown ctypes type '${name}'`, CTYPE_NAMES.join(', '));
    return t;
  }

  has(name: string): boolean {
    return this.types.has(name);
  }

  /** ctypes.sizeof(T) */
  sizeof(t: string | CType | CPointerType): number {
    return typeof t === 'string' ? this.type(t).size : t.size;
  }

  /** ctypes.POINTER(T), cached like ctypes does (same object for the same T). */
  POINTER(target: string | CType): CPointerType {
    const t = typeof target === 'string' ? this.type(target) : target;
    let p = this.pointers.get(t.name);
    if (!p) {
      p = Object.freeze({
        kind: 'POINTER' as const,
        name: `LP_${t.name}`,
        target: t,
        size: this.pointerSize,
        alignment: this.pointerSize,
        model: this.name,
      });
      this.pointers.set(t.name, p);
    }
    return p;
  }

  /** The name ctypes gives `T * n`: `c_long_Array_2`. */
  arrayTypeName(t: string | CType, length: number): string {
    const tt = typeof t === 'string' ? this.type(t) : t;
    return `${tt.name}_Array_${length}`;
  }

  /** Every distinct type name with its resolved class name, size and alignment (for the UI's table). */
  table(): { name: CTypeName; className: string; size: number; alignment: number; signed: boolean; kind: CKind }[] {
    return CTYPE_NAMES.map((n) => {
      const t = this.type(n);
      return { name: n, className: t.name, size: t.size, alignment: t.alignment, signed: t.signed, kind: t.kind };
    });
  }
}

export const LP64 = new DataModel('LP64');
export const LLP64 = new DataModel('LLP64');
export const ILP32 = new DataModel('ILP32');

/** The model for a name ('LP64' or 'lp64', ...) or the model itself; LP64 by default. */
export function dataModel(spec: ModelSpec = 'LP64'): DataModel {
  if (spec instanceof DataModel) return spec;
  const name = typeof spec === 'string' ? spec.toUpperCase() : spec;
  switch (name) {
    case 'LP64':
      return LP64;
    case 'LLP64':
      return LLP64;
    case 'ILP32':
      return ILP32;
    default:
      throw new ArgumentError(`unknown data model '${String(spec)}'`, 'LP64, LLP64 or ILP32');
  }
}

// ---------------------------------------------------------------------------------------------------------
// Conversions: what ctypes does to a Python int it is given (silent truncation), and reading/writing bytes.

/**
 * ctypes' conversion of a Python number into a C type: integers wrap silently modulo 2^bits (ctypes masks,
 * it never raises: `c_short(70000).value == 4464`), bool is truthiness, floats convert to double then
 * (for c_float) round to single, c_void_p keeps the address with 0 meaning None.
 */
export function convertToC(t: CType, v: number | bigint | boolean): CScalar {
  switch (t.kind) {
    case 'bool':
      return typeof v === 'bigint' ? v !== 0n : Boolean(v);
    case 'float': {
      const d = typeof v === 'bigint' ? Number(v) : Number(v);
      return t.size === 4 ? Math.fround(d) : d;
    }
    case 'char': {
      const b = BigInt.asUintN(8, toBigInt(v));
      return new Uint8Array([Number(b)]);
    }
    case 'pointer': {
      const a = BigInt.asUintN(t.size * 8, toBigInt(v));
      return a === 0n ? null : a;
    }
    case 'int': {
      const bits = t.size * 8;
      const w = t.signed ? BigInt.asIntN(bits, toBigInt(v)) : BigInt.asUintN(bits, toBigInt(v));
      return t.size === 8 ? w : Number(w);
    }
  }
}

function toBigInt(v: number | bigint | boolean): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (!Number.isFinite(v)) throw new ArgumentError(`cannot convert ${v} to an integer`);
  return BigInt(Math.trunc(v));
}

/** Decode one value of `t` from `bytes` at `offset`, little-endian unless `bigEndian`. */
export function decodeC(t: CType, bytes: Uint8Array, offset: number, bigEndian = false): CScalar {
  if (!t.readable) throw new ArgumentError(`${t.name} values are not decoded on ${t.model}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, t.size);
  const le = !bigEndian;
  switch (t.kind) {
    case 'bool':
      return dv.getUint8(0) !== 0;
    case 'char':
      return bytes.slice(offset, offset + 1);
    case 'float':
      return t.size === 4 ? dv.getFloat32(0, le) : dv.getFloat64(0, le);
    case 'pointer': {
      const a = t.size === 8 ? dv.getBigUint64(0, le) : BigInt(dv.getUint32(0, le));
      return a === 0n ? null : a;
    }
    case 'int':
      switch (t.size) {
        case 1:
          return t.signed ? dv.getInt8(0) : dv.getUint8(0);
        case 2:
          return t.signed ? dv.getInt16(0, le) : dv.getUint16(0, le);
        case 4:
          return t.signed ? dv.getInt32(0, le) : dv.getUint32(0, le);
        default:
          return t.signed ? dv.getBigInt64(0, le) : dv.getBigUint64(0, le);
      }
  }
}

/** Encode `v` (converted as ctypes would) into `size` bytes, native (little-endian) order. */
export function encodeC(t: CType, v: number | bigint | boolean): Uint8Array {
  const out = new Uint8Array(t.size);
  const dv = new DataView(out.buffer);
  const c = convertToC(t, v);
  switch (t.kind) {
    case 'bool':
      dv.setUint8(0, c ? 1 : 0);
      break;
    case 'char':
      out.set(c as Uint8Array);
      break;
    case 'float':
      if (t.size === 4) dv.setFloat32(0, c as number, true);
      else if (t.size === 8) dv.setFloat64(0, c as number, true);
      else throw new ArgumentError(`${t.name} values are not encoded on ${t.model}`);
      break;
    case 'pointer': {
      const a = (c as bigint | null) ?? 0n;
      if (t.size === 8) dv.setBigUint64(0, a, true);
      else dv.setUint32(0, Number(a), true);
      break;
    }
    case 'int':
      if (t.size === 8) {
        if (t.signed) dv.setBigInt64(0, c as bigint, true);
        else dv.setBigUint64(0, c as bigint, true);
      } else {
        const n = c as number;
        if (t.size === 1) dv.setUint8(0, n & 0xff);
        else if (t.size === 2) dv.setUint16(0, n & 0xffff, true);
        else dv.setUint32(0, n >>> 0, true);
      }
      break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Python reprs.

/** repr() of the Python object a value of type `t` becomes when read (`ptr[i]`, `arr[i]`, `.value`):
 *  an int (`4464`), float (`1.0`), bytes (`b'\\x00'`), bool (`True`) or None. */
export function typedValueRepr(t: CType, v: CScalar): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return pyBytesRepr(v);
  return t.kind === 'float' ? pyFloatRepr(v) : String(v);
}

/** repr() of a ctypes instance: `c_long(0)`, `c_double(1.5)`, `c_char(b'A')`, `c_bool(True)`, `c_void_p(None)`. */
export function cValueRepr(t: CType, v: CScalar): string {
  return `${t.name}(${typedValueRepr(t, v)})`;
}
