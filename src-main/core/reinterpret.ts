/**
 * Reinterpret: the same bytes read as every C type, in both byte orders — the "what would C see here" panel.
 *
 * `reinterpretBytes(bytes, offset, model)` reads ONE value of each of `c_byte … c_double` (sized by the data
 * model: `c_long` is 8 bytes on LP64, 4 on LLP64/ILP32), plus NumPy's `float16`, `complex64` and `complex128`,
 * starting at `bytes[offset]`, little-endian (`le`) and big-endian (`be`). Values use the JSON spelling of
 * core/dtype's `valueToJSON`: 8-byte integers as decimal strings, narrower integers as numbers, floats as
 * numbers except "nan", "inf", "-inf", "-0.0"; complex as [re, im]. When fewer than `size` bytes remain, both
 * are null.
 *
 * `misalignment(address, model)` says, for each C type, `address % alignment` — non-zero means a C read of that
 * type at this address is misaligned (NumPy's ALIGNED flag is the same test with the dtype's alignment).
 */
import { ArgumentError } from './errors';
import { floatJSON, halfToNumber } from './floats';
import { dataModel, decodeC, type DataModelName, type CType, type ModelSpec } from './ctypeModel';

/** The C types the panel shows, in display order. */
export const REINTERPRET_CTYPES = [
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
  'c_float',
  'c_double',
] as const;

/** NumPy types that have no ctypes counterpart but are worth seeing. */
export const REINTERPRET_EXTRA = ['float16', 'complex64', 'complex128'] as const;

export type ReinterpretTypeName = (typeof REINTERPRET_CTYPES)[number] | (typeof REINTERPRET_EXTRA)[number];

export interface ReinterpretValue {
  size: number;
  /** little-endian reading, JSON spelling; null when fewer than `size` bytes remain */
  le: unknown;
  /** big-endian reading */
  be: unknown;
}

export interface Reinterpretation {
  offset: number;
  model: DataModelName;
  /** bytes available from offset (at most 16 are ever needed) */
  available: number;
  values: Record<ReinterpretTypeName, ReinterpretValue>;
}

function ctypeJSON(t: CType, bytes: Uint8Array, offset: number, bigEndian: boolean): unknown {
  const v = decodeC(t, bytes, offset, bigEndian);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return t.isFloat ? floatJSON(v) : v;
  return v;
}

function extraJSON(
  name: (typeof REINTERPRET_EXTRA)[number],
  bytes: Uint8Array,
  offset: number,
  bigEndian: boolean,
): unknown {
  const dv = new DataView(bytes.buffer, bytes.byteOffset + offset);
  const le = !bigEndian;
  switch (name) {
    case 'float16':
      return floatJSON(halfToNumber(dv.getUint16(0, le)));
    case 'complex64':
      // NumPy's >c8 swaps each part: two big-endian float32s, real first.
      return [floatJSON(dv.getFloat32(0, le)), floatJSON(dv.getFloat32(4, le))];
    case 'complex128':
      return [floatJSON(dv.getFloat64(0, le)), floatJSON(dv.getFloat64(8, le))];
  }
}

const EXTRA_SIZE: Record<(typeof REINTERPRET_EXTRA)[number], number> = { float16: 2, complex64: 8, complex128: 16 };

/** One value of every type at `bytes[offset]`, both byte orders. */
export function reinterpretBytes(bytes: Uint8Array, offset: number, model: ModelSpec = 'LP64'): Reinterpretation {
  const m = dataModel(model);
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > bytes.length) {
    throw new ArgumentError(`offset ${offset} is outside the ${bytes.length} bytes given`);
  }
  const available = bytes.length - offset;
  const values = {} as Record<ReinterpretTypeName, ReinterpretValue>;
  for (const name of REINTERPRET_CTYPES) {
    const t = m.type(name);
    const fits = available >= t.size;
    values[name] = {
      size: t.size,
      le: fits ? ctypeJSON(t, bytes, offset, false) : null,
      be: fits ? ctypeJSON(t, bytes, offset, true) : null,
    };
  }
  for (const name of REINTERPRET_EXTRA) {
    const size = EXTRA_SIZE[name];
    const fits = available >= size;
    values[name] = {
      size,
      le: fits ? extraJSON(name, bytes, offset, false) : null,
      be: fits ? extraJSON(name, bytes, offset, true) : null,
    };
  }
  return { offset, model: m.name, available, values };
}

export interface Misalignment {
  address: bigint;
  /** per C type: its alignment and address % alignment (0 = aligned) */
  types: Record<(typeof REINTERPRET_CTYPES)[number], { alignment: number; remainder: number; aligned: boolean }>;
  /** the largest power of two (up to 16) that divides the address */
  naturalAlignment: number;
}

/** `address % alignment` (alignment > 0). */
export function misalignmentOf(address: bigint, alignment: number): number {
  if (!Number.isSafeInteger(alignment) || alignment <= 0)
    throw new ArgumentError(`alignment must be a positive integer, not ${alignment}`);
  const r = address % BigInt(alignment);
  return Number(r < 0n ? r + BigInt(alignment) : r);
}

/** For each C type of the model: is `address` a multiple of its alignment? */
export function misalignment(address: bigint, model: ModelSpec = 'LP64'): Misalignment {
  const m = dataModel(model);
  const types = {} as Misalignment['types'];
  for (const name of REINTERPRET_CTYPES) {
    const t = m.type(name);
    const remainder = misalignmentOf(address, t.alignment);
    types[name] = { alignment: t.alignment, remainder, aligned: remainder === 0 };
  }
  let natural = 1;
  while (natural < 16 && address % BigInt(natural * 2) === 0n) natural *= 2;
  return { address, types, naturalAlignment: natural };
}
