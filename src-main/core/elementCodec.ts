/**
 * One element's bytes <-> its value, for every dtype core/dtype.ts describes: the decoders and encoders DType.decode
 * and DType.encode build once per dtype, in either byte order.
 *
 * Values: bool -> boolean; 1/2/4-byte ints, float16/32/64 -> number; 8-byte ints and datetime64/timedelta64
 * -> bigint; complex -> {re, im}; S/V -> a Uint8Array copy of the whole item; U -> string (UCS4, trailing NULs
 * stripped as NumPy does); structured -> {field: value}; subarray -> nested arrays (C order).
 *
 * It reads a dtype only through ElementLayout (DType implements it), so dtype.ts imports this module and not the
 * other way round.
 */
import { BoundsError, DTypeError, UnsupportedError } from './errors';
import { halfToNumber, numberToHalf } from './floats';
import { cStrides } from './layout';

export type DTypeKind = 'b' | 'i' | 'u' | 'f' | 'c' | 'S' | 'U' | 'V' | 'M' | 'm' | 'O';

export interface Complex {
  re: number;
  im: number;
}

export type Value = boolean | number | bigint | string | Complex | Uint8Array | Value[] | { [field: string]: Value };

/** What the codec reads of a dtype: DType's layout members (dtype.ts). */
export interface ElementLayout {
  readonly kind: DTypeKind;
  readonly byteorder: '<' | '>' | '|';
  readonly itemsize: number;
  readonly str: string;
  readonly name: string;
  readonly unit: string | null;
  readonly fields: readonly { readonly name: string; readonly offset: number; readonly dtype: ElementLayout }[] | null;
  readonly subarray: { readonly base: ElementLayout; readonly shape: readonly number[] } | null;
}

export type Decoder = (view: DataView, bytes: Uint8Array, at: number) => Value;
export type Encoder = (value: Value, view: DataView, bytes: Uint8Array, at: number) => void;

const views = new WeakMap<ArrayBufferLike, DataView>();

export function viewOf(bytes: Uint8Array): DataView {
  const buf = bytes.buffer;
  let v = views.get(buf);
  if (v === undefined || v.byteLength !== buf.byteLength) {
    v = new DataView(buf);
    views.set(buf, v);
  }
  return v;
}

export function checkRange(bytes: Uint8Array, offset: number, itemsize: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + itemsize > bytes.length) {
    throw new BoundsError(
      `element of ${itemsize} bytes at offset ${offset} is outside a buffer of ${bytes.length} bytes`,
      offset,
    );
  }
}

export function hexOf(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function makeDecoder(dt: ElementLayout): Decoder {
  const le = dt.byteorder === '<';
  const n = dt.itemsize;
  if (dt.fields) {
    const fields = dt.fields.map((f) => ({
      name: f.name,
      offset: f.offset,
      dtype: f.dtype,
      dec: makeDecoder(f.dtype),
    }));
    return (view, bytes, at) => {
      const out: { [field: string]: Value } = {};
      for (const f of fields) out[f.name] = f.dec(view, bytes, at + f.offset);
      return out;
    };
  }
  if (dt.subarray) {
    const { base, shape } = dt.subarray;
    const dec = makeDecoder(base);
    const strides = cStrides(shape, base.itemsize);
    const last = shape.length - 1;
    const build = (view: DataView, bytes: Uint8Array, at: number, dim: number): Value[] => {
      const len = shape[dim];
      const stride = strides[dim];
      const out: Value[] = new Array(len);
      for (let i = 0; i < len; i++) {
        out[i] = dim === last ? dec(view, bytes, at + i * stride) : build(view, bytes, at + i * stride, dim + 1);
      }
      return out;
    };
    return (view, bytes, at) => build(view, bytes, at, 0);
  }
  switch (dt.kind) {
    case 'b':
      return (view, _b, at) => view.getUint8(at) !== 0;
    case 'i':
      switch (n) {
        case 1:
          return (view, _b, at) => view.getInt8(at);
        case 2:
          return (view, _b, at) => view.getInt16(at, le);
        case 4:
          return (view, _b, at) => view.getInt32(at, le);
        default:
          return (view, _b, at) => view.getBigInt64(at, le);
      }
    case 'u':
      switch (n) {
        case 1:
          return (view, _b, at) => view.getUint8(at);
        case 2:
          return (view, _b, at) => view.getUint16(at, le);
        case 4:
          return (view, _b, at) => view.getUint32(at, le);
        default:
          return (view, _b, at) => view.getBigUint64(at, le);
      }
    case 'f':
      switch (n) {
        case 2:
          return (view, _b, at) => halfToNumber(view.getUint16(at, le));
        case 4:
          return (view, _b, at) => view.getFloat32(at, le);
        case 8:
          return (view, _b, at) => view.getFloat64(at, le);
        default:
          return unsupported(dt);
      }
    case 'c':
      switch (n) {
        case 8:
          return (view, _b, at) => ({ re: view.getFloat32(at, le), im: view.getFloat32(at + 4, le) });
        case 16:
          return (view, _b, at) => ({ re: view.getFloat64(at, le), im: view.getFloat64(at + 8, le) });
        default:
          return unsupported(dt);
      }
    case 'M':
    case 'm':
      return (view, _b, at) => view.getBigInt64(at, le);
    case 'S':
    case 'V':
      return (_v, bytes, at) => {
        const start = at - bytes.byteOffset;
        return bytes.slice(start, start + n);
      };
    case 'U': {
      const count = n / 4;
      return (view, _b, at) => {
        let end = count;
        while (end > 0 && view.getUint32(at + (end - 1) * 4, le) === 0) end--;
        let s = '';
        for (let i = 0; i < end; i++) {
          const cp = view.getUint32(at + i * 4, le);
          s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
        }
        return s;
      };
    }
    case 'O':
      return unsupported(dt);
  }
}

function unsupported(dt: ElementLayout): () => never {
  return () => {
    throw new UnsupportedError(
      dt.kind === 'O'
        ? 'object (O) elements are Python object pointers; Stridescope cannot read or write them'
        : `${dt.name} (long double) elements are not supported`,
    );
  };
}

function bad(dt: ElementLayout, value: unknown, expected: string): DTypeError {
  return new DTypeError(`cannot store ${describeValue(value)} in a ${dt.str} element`, expected);
}

/** A JS value as an error message quotes it (JSON where it can be). */
export function describe(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function describeValue(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `bytes(${v.length})`;
  if (typeof v === 'number') return String(v);
  return describe(v);
}

function intValue(dt: ElementLayout, value: Value, min: number, max: number): number {
  let v: number;
  if (typeof value === 'number') v = value;
  else if (typeof value === 'bigint') v = Number(value);
  else if (typeof value === 'boolean') v = value ? 1 : 0;
  else throw bad(dt, value, `an integer in [${min}, ${max}]`);
  if (!Number.isInteger(v) || v < min || v > max) throw bad(dt, value, `an integer in [${min}, ${max}]`);
  return v;
}

function bigValue(dt: ElementLayout, value: Value, min: bigint, max: bigint): bigint {
  let v: bigint;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) v = BigInt(value);
  else if (typeof value === 'boolean') v = value ? 1n : 0n;
  else throw bad(dt, value, `an integer (bigint) in [${min}, ${max}]`);
  if (v < min || v > max) throw bad(dt, value, `an integer in [${min}, ${max}]`);
  return v;
}

function floatValue(dt: ElementLayout, value: Value): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw bad(dt, value, 'a number');
}

function complexValue(dt: ElementLayout, value: Value): Complex {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return { re: floatValue(dt, value), im: 0 };
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)) {
    const c = value as { re?: unknown; im?: unknown };
    if (typeof c.re === 'number' && typeof c.im === 'number') return { re: c.re, im: c.im };
  }
  throw bad(dt, value, 'a complex {re, im} of numbers');
}

export function makeEncoder(dt: ElementLayout): Encoder {
  const le = dt.byteorder === '<';
  const n = dt.itemsize;
  if (dt.fields) {
    const fields = dt.fields.map((f) => ({ name: f.name, offset: f.offset, enc: makeEncoder(f.dtype) }));
    return (value, view, bytes, at) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
        throw bad(dt, value, `an object with fields ${fields.map((f) => f.name).join(', ')}`);
      }
      const rec = value as { [field: string]: Value };
      for (const f of fields) {
        if (!Object.prototype.hasOwnProperty.call(rec, f.name)) {
          throw new DTypeError(
            `value has no field ${JSON.stringify(f.name)}`,
            `an object with fields ${fields.map((g) => g.name).join(', ')}`,
          );
        }
      }
      for (const f of fields) f.enc(rec[f.name], view, bytes, at + f.offset);
    };
  }
  if (dt.subarray) {
    const { base, shape } = dt.subarray;
    const enc = makeEncoder(base);
    const strides = cStrides(shape, base.itemsize);
    const last = shape.length - 1;
    const put = (value: Value, view: DataView, bytes: Uint8Array, at: number, dim: number): void => {
      if (!Array.isArray(value) || value.length !== shape[dim]) {
        throw new DTypeError(
          `subarray value at depth ${dim} is ${describeValue(value)}`,
          `nested arrays of shape (${shape.join(', ')})`,
        );
      }
      const stride = strides[dim];
      for (let i = 0; i < shape[dim]; i++) {
        if (dim === last) enc(value[i], view, bytes, at + i * stride);
        else put(value[i], view, bytes, at + i * stride, dim + 1);
      }
    };
    return (value, view, bytes, at) => put(value, view, bytes, at, 0);
  }
  switch (dt.kind) {
    case 'b':
      return (value, view, _b, at) => {
        if (typeof value === 'boolean') view.setUint8(at, value ? 1 : 0);
        else if (value === 0 || value === 1) view.setUint8(at, value);
        else throw bad(dt, value, 'a boolean');
      };
    case 'i':
      switch (n) {
        case 1:
          return (value, view, _b, at) => view.setInt8(at, intValue(dt, value, -128, 127));
        case 2:
          return (value, view, _b, at) => view.setInt16(at, intValue(dt, value, -32768, 32767), le);
        case 4:
          return (value, view, _b, at) => view.setInt32(at, intValue(dt, value, -2147483648, 2147483647), le);
        default:
          return (value, view, _b, at) => view.setBigInt64(at, bigValue(dt, value, -(2n ** 63n), 2n ** 63n - 1n), le);
      }
    case 'u':
      switch (n) {
        case 1:
          return (value, view, _b, at) => view.setUint8(at, intValue(dt, value, 0, 255));
        case 2:
          return (value, view, _b, at) => view.setUint16(at, intValue(dt, value, 0, 65535), le);
        case 4:
          return (value, view, _b, at) => view.setUint32(at, intValue(dt, value, 0, 4294967295), le);
        default:
          return (value, view, _b, at) => view.setBigUint64(at, bigValue(dt, value, 0n, 2n ** 64n - 1n), le);
      }
    case 'f':
      switch (n) {
        case 2:
          return (value, view, _b, at) => view.setUint16(at, numberToHalf(floatValue(dt, value)), le);
        case 4:
          return (value, view, _b, at) => view.setFloat32(at, floatValue(dt, value), le);
        case 8:
          return (value, view, _b, at) => view.setFloat64(at, floatValue(dt, value), le);
        default:
          return unsupported(dt);
      }
    case 'c':
      switch (n) {
        case 8:
          return (value, view, _b, at) => {
            const c = complexValue(dt, value);
            view.setFloat32(at, c.re, le);
            view.setFloat32(at + 4, c.im, le);
          };
        case 16:
          return (value, view, _b, at) => {
            const c = complexValue(dt, value);
            view.setFloat64(at, c.re, le);
            view.setFloat64(at + 8, c.im, le);
          };
        default:
          return unsupported(dt);
      }
    case 'M':
    case 'm':
      return (value, view, _b, at) => view.setBigInt64(at, bigValue(dt, value, -(2n ** 63n), 2n ** 63n - 1n), le);
    case 'S':
    case 'V':
      return (value, _v, bytes, at) => {
        let src: Uint8Array;
        if (value instanceof Uint8Array) src = value;
        // oxlint-disable-next-line no-control-regex -- the test is "every character is ASCII", controls included
        else if (dt.kind === 'S' && typeof value === 'string' && /^[\x00-\x7f]*$/.test(value)) {
          src = Uint8Array.from(value, (ch) => ch.charCodeAt(0));
        } else
          throw bad(
            dt,
            value,
            dt.kind === 'S'
              ? `a Uint8Array (or ASCII string) of at most ${n} bytes`
              : `a Uint8Array of at most ${n} bytes`,
          );
        if (src.length > n) throw bad(dt, value, `at most ${n} bytes`);
        const start = at - bytes.byteOffset;
        bytes.set(src, start);
        bytes.fill(0, start + src.length, start + n);
      };
    case 'U': {
      const count = n / 4;
      return (value, view, _b, at) => {
        if (typeof value !== 'string') throw bad(dt, value, `a string of at most ${count} characters`);
        const cps = Array.from(value, (ch) => ch.codePointAt(0)!);
        if (cps.length > count) throw bad(dt, value, `a string of at most ${count} characters`);
        for (let i = 0; i < count; i++) view.setUint32(at + i * 4, i < cps.length ? cps[i] : 0, le);
      };
    }
    case 'O':
      return unsupported(dt);
  }
}
