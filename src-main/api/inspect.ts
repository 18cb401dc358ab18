/**
 * The JSON answers that both the CLI (`stridescope inspect|walk|reinterpret|hex --json`) and the app's IPC
 * handlers give. One builder per answer, so the two front ends can never disagree.
 * The CLI's --json shapes are a public interface (issue 2): fields may be added, never renamed.
 */
import { createHash } from 'node:crypto';
import { NDArray } from '../core/ndarray';
import { valueToJSON } from '../core/dtype';
import { CtypesView } from '../core/ctypes';
import { reinterpretBytes } from '../core/reinterpret';
import type { DataModelId } from './contract';

/** Model names as the CLI and the IPC contract spell them. */
import { unravelIndex, walkOffsets } from '../core/layout';
import type { FileSource } from '../formats/fileSource';
import type { KernelAnswer } from '../platform/nativeKernels';

/** Hash the data bytes when they are at most this big (unless forced): inspecting a huge file stays instant. */
export const HASH_LIMIT = 256 * 1024 * 1024;

export interface FormatInfo {
  version: [number, number];
  headerLength: number;
  dataOffset: number;
}

export interface InspectJSON {
  file: string | null;
  format: FormatInfo | null;
  dtype: { str: string; descr: unknown; itemsize: number };
  shape: number[];
  strides: number[];
  fortranOrder: boolean;
  nbytes: number;
  flags: { C_CONTIGUOUS: boolean; F_CONTIGUOUS: boolean; ALIGNED: boolean; WRITEABLE: boolean; OWNDATA: boolean };
  ctypes: { data: string; shape: number[]; strides: number[] };
  values: unknown[];
  sha256: string | null;
  /** What NumPy would do differently with this file (a header over np.load's 10,000-character limit, ...). */
  notices: string[];
}

export function hexAddress(address: bigint): string {
  return '0x' + address.toString(16);
}

/** Descr as the .npy header spells it (tuples as arrays): a plain string for simple dtypes, the list for structured. */
export function headerDescr(arr: NDArray): unknown {
  return arr.dtype.fields ? arr.dtype.descr : arr.dtype.str;
}

/** sha256 of `length` bytes at `offset`, read in bounded chunks (never the whole file at once). */
export function sha256Of(read: (offset: number, length: number) => Uint8Array, offset: number, length: number): string {
  const hash = createHash('sha256');
  const chunk = 8 * 1024 * 1024;
  for (let done = 0; done < length; done += chunk) {
    hash.update(read(offset + done, Math.min(chunk, length - done)));
  }
  return hash.digest('hex');
}

export function inspectArray(
  arr: NDArray,
  where: {
    file: string | null;
    format: FormatInfo | null;
    fortranOrder: boolean;
    /** reads the data bytes as they lie in the file (or memory for the example), offset relative to the data start */
    readData: (offset: number, length: number) => Uint8Array;
    /** true: always hash the data; false: never (the app's summaries, answered on main's event loop); absent: up to HASH_LIMIT. */
    hash?: boolean;
    valueLimit?: number;
    /** The header's descr as written in the file (default: NumPy's dtype_to_descr of the array's dtype). */
    descr?: unknown;
    notices?: string[];
  },
): InspectJSON {
  const ct = new CtypesView(arr);
  const flags = arr.flags;
  const hash = where.hash ?? arr.nbytes <= HASH_LIMIT;
  return {
    file: where.file,
    format: where.format,
    dtype: { str: arr.dtype.str, descr: where.descr ?? headerDescr(arr), itemsize: arr.dtype.itemsize },
    shape: [...arr.shape],
    strides: [...arr.strides],
    fortranOrder: where.fortranOrder,
    nbytes: arr.nbytes,
    flags: {
      C_CONTIGUOUS: flags.C_CONTIGUOUS,
      F_CONTIGUOUS: flags.F_CONTIGUOUS,
      ALIGNED: flags.ALIGNED,
      WRITEABLE: flags.WRITEABLE,
      OWNDATA: flags.OWNDATA,
    },
    ctypes: {
      data: hexAddress(ct.data),
      shape: arr.shape.map(Number),
      strides: arr.strides.map(Number),
    },
    values: arr.values(where.valueLimit ?? 16).map((v) => valueToJSON(v, arr.dtype)),
    sha256: hash ? sha256Of(where.readData, 0, arr.nbytes) : null,
    notices: where.notices ?? [],
  };
}

export interface WalkJSON {
  shape: number[];
  strides: number[];
  offset: number;
  size: number;
  elements: { index: number[]; offset: number }[];
}

/** The first `limit` elements of a view in logical order, with their byte offsets from the data start. */
export function walkArray(view: NDArray, start: number, limit: number): WalkJSON {
  const size = view.size;
  const from = Math.min(Math.max(0, start), size);
  const count = Math.max(0, Math.min(limit, size - from));
  const offsets = walkOffsets(view.layout, from, count);
  const elements = [];
  for (let k = 0; k < count; k++) elements.push({ index: unravelIndex(view.shape, from + k), offset: offsets[k] });
  return { shape: [...view.shape], strides: [...view.strides], offset: view.offset, size, elements };
}

export interface ReinterpretJSON {
  offset: number;
  model: DataModelId;
  bytes: string;
  values: Record<string, { size: number; le: unknown; be: unknown }>;
}

/** One value of every C type read at `offset` of a file, both byte orders (the bytes are read once, 16 at most). */
export function reinterpretAt(src: FileSource, offset: number, model: DataModelId): ReinterpretJSON {
  const length = Math.max(0, Math.min(16, src.size - offset));
  const bytes = src.read(offset, length);
  return {
    offset,
    model,
    bytes: Buffer.from(bytes).toString('hex'),
    values: reinterpretBytes(bytes, 0, model).values,
  };
}

/** Classic 16-bytes-a-line hex dump: offset, hex bytes, ASCII. */
export function hexDump(bytes: Uint8Array, baseOffset: number): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.subarray(i, i + 16);
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(
      `${(baseOffset + i).toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`,
    );
  }
  return lines.join('\n');
}

/** `stridescope kernel --json` (docs/cli.md): exactly these fields, every value JSON-safe (no BigInt, no NaN). */
export interface KernelJSON {
  kernel: string;
  implementation: 'native' | 'typescript';
  /** KernelAnswer.result: integers as decimal strings, floats as numbers or "nan" / "inf" / "-inf" / "-0.0". */
  result: unknown;
  seconds: number;
  call: { function: string; prototype: string; args: Record<string, string | number | string[]> };
  /** Why the TypeScript kernel ran; null when C did. */
  fallbackReason: string | null;
}

export function kernelJSON(answer: KernelAnswer): KernelJSON {
  return {
    kernel: answer.kernel,
    implementation: answer.implementation,
    result: answer.result,
    seconds: answer.seconds,
    call: { function: answer.call.function, prototype: answer.call.prototype, args: answer.call.args },
    fallbackReason:
      answer.implementation === 'native'
        ? null
        : (answer.fallbackReason ?? 'the native kernel library is not available'),
  };
}
