/**
 * Raw files as numpy.memmap sees them: no header, the caller says dtype, offset, shape and order.
 *
 * Semantics follow numpy/_core/memmap.py exactly:
 * - modes 'r' | 'c' | 'r+' | 'w+' and their long names 'readonly' | 'copyonwrite' | 'readwrite' | 'write';
 * - shape None -> 1-D of (filesize - offset) // itemsize, refusing a remainder
 *   ("Size of available data is not a multiple of the data-type size.") and a negative count;
 * - 'w+' truncates/creates the file, and 'w+' and 'r+' extend a short file to offset + nbytes (at least 1 byte),
 *   zero-filled (numpy seeks to the last byte and writes b'\0');
 * - 'r' and 'c' refuse a file shorter than offset + nbytes ("mmap length is greater than file size") and an empty
 *   file ("cannot mmap an empty file");
 * - 'c' is copy-on-write: writes land in the mapping, never in the file.
 * The mapping covers exactly [offset, offset + nbytes).
 */
import { DType, type Descr } from '../core/dtype';
import { ArgumentError, FormatError } from '../core/errors';
import { cStrides, fStrides } from '../core/layout';
import { OwnedMemory } from '../core/memory';
import { NDArray } from '../core/ndarray';
import type { MapMode, Mapper } from './npy';

/** What openRaw needs from the file system (fileSource.nodeRawFileSystem on node:fs). */
export interface RawFileSystem {
  /** Size in bytes (IOError if missing). */
  size(path: string): number;
  /** Open with 'w+': create, or truncate to 0. */
  truncateOrCreate(path: string): void;
  /** Grow to `size` bytes (zeros). */
  extend(path: string, size: number): void;
}

export type RawModeName = MapMode | 'readonly' | 'copyonwrite' | 'readwrite' | 'write';

export interface RawOptions {
  dtype: DType | string | Descr;
  mode?: RawModeName;
  offset?: number;
  /** null/undefined: 1-D from the file size. A number means (n,). */
  shape?: number[] | number | null;
  order?: 'C' | 'F' | 'A' | 'K';
}

export interface OpenedRaw {
  array: NDArray;
  /** The resolved mode ('readonly' -> 'r', ...). */
  mode: MapMode;
  offset: number;
  shape: number[];
  /** File size after opening (w+/r+ may have grown it). */
  fileSize: number;
}

export const MODE_EQUIVALENTS: Record<string, MapMode> = {
  readonly: 'r',
  copyonwrite: 'c',
  readwrite: 'r+',
  write: 'w+',
};
const VALID_MODES: MapMode[] = ['r', 'c', 'r+', 'w+'];

export function resolveMode(mode: string): MapMode {
  if ((VALID_MODES as string[]).includes(mode)) return mode as MapMode;
  const m = MODE_EQUIVALENTS[mode];
  if (m) return m;
  const all = [...VALID_MODES, ...Object.keys(MODE_EQUIVALENTS)].map((x) => `'${x}'`).join(', ');
  throw new ArgumentError(`mode must be one of [${all}] (got '${mode}')`, 'r, c, r+ or w+');
}

function toDType(d: DType | string | Descr): DType {
  if (d instanceof DType) return d;
  if (typeof d === 'string') return DType.parse(d);
  return DType.fromDescr(d);
}

/** A caller's value in a message (JSON.stringify throws on BigInt, which IPC arguments may carry). */
function show(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Python's floor modulo. */
function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

export function openRaw(path: string, options: RawOptions, mapper: Mapper, fs: RawFileSystem): OpenedRaw {
  const mode = resolveMode(options.mode ?? 'r+'); // numpy.memmap's default mode is 'r+'
  const dtype = toDType(options.dtype);
  const offset = options.offset ?? 0;
  const order = options.order ?? 'C';
  if (!['C', 'F', 'A', 'K'].includes(order))
    throw new ArgumentError(`order must be one of 'C', 'F', 'A', or 'K' (got '${order}')`);
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new ArgumentError(`memory mapped offset must be a non-negative integer, got ${offset}`);
  if (dtype.hasObject) throw new ArgumentError(`cannot memory-map Python objects (dtype ${dtype.str})`);
  const given: unknown = options.shape;
  if (given !== undefined && given !== null && typeof given !== 'number' && !Array.isArray(given)) {
    throw new ArgumentError(
      `shape must be an integer or a sequence of integers, got ${show(given)}`,
      'a shape such as [100, 3]',
    );
  }
  let shape: number[] | null =
    given === undefined || given === null ? null : typeof given === 'number' ? [given] : [...(given as number[])];
  if (mode === 'w+' && shape === null) throw new ArgumentError("shape must be given if mode == 'w+'", 'a shape');
  if (shape) {
    for (const d of shape) {
      if (!Number.isSafeInteger(d)) throw new ArgumentError(`shape must be integers, got ${show(options.shape)}`);
      if (d < 0) throw new ArgumentError(`negative dimensions are not allowed (shape ${show(shape)})`);
    }
  }

  if (mode === 'w+') fs.truncateOrCreate(path);
  let flen = fs.size(path);
  const itemsize = dtype.itemsize;
  let size: number;
  if (shape === null) {
    const avail = flen - offset;
    if (itemsize === 0) throw new ArgumentError('cannot infer the shape of a zero-size dtype from the file size');
    if (pyMod(avail, itemsize) !== 0) {
      throw new FormatError(
        path,
        flen,
        'Size of available data is not a multiple of the data-type size.',
        `(file size ${flen} - offset ${offset}) divisible by itemsize ${itemsize}`,
      );
    }
    size = avail / itemsize;
    if (size < 0)
      throw new ArgumentError(
        `negative dimensions are not allowed (offset ${offset} is past the end of the ${flen}-byte file)`,
        `an offset of at most ${flen}`,
      );
    shape = [size];
  } else {
    size = shape.reduce((a, b) => a * b, 1);
  }
  const nbytesBig = BigInt(size) * BigInt(itemsize);
  if (nbytesBig + BigInt(offset) > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ArgumentError(`shape ${show(shape)} of ${dtype.str} is too large to map`);
  const nbytes = Number(nbytesBig);
  let bytes = offset + nbytes;

  if (mode === 'w+' || mode === 'r+') {
    bytes = Math.max(bytes, 1);
    if (flen < bytes) {
      fs.extend(path, bytes);
      flen = bytes;
    }
  } else {
    if (flen === 0) throw new FormatError(path, 0, 'cannot mmap an empty file', 'a non-empty file');
    if (bytes > flen) {
      throw new FormatError(
        path,
        flen,
        `mmap length is greater than file size (offset ${offset} + ${nbytes} bytes > ${flen})`,
        `a file of at least ${bytes} bytes`,
      );
    }
  }
  const writeable = mode !== 'r';
  const memory =
    nbytes === 0
      ? new OwnedMemory(`${path} (empty)`, 0, { writeable })
      : mapper(path, { offset, length: nbytes, mode: mode === 'w+' ? 'r+' : mode });
  const strides = order === 'F' ? fStrides(shape, itemsize) : cStrides(shape, itemsize);
  const array = new NDArray({ memory, dtype, shape, strides, offset: 0, writeable, ownsData: false, label: path });
  return { array, mode, offset, shape, fileSize: flen };
}
