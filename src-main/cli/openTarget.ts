/**
 * Opening what the CLI was pointed at: a .npy, an .npz member or a raw file, memory-mapped for real — through the
 * same `openForInspection` the app's handlers use — or, for hex and reinterpret, only the file's bytes.
 */
import { ArgumentError } from '../core/errors';
import type { NDArray } from '../core/ndarray';
import type { FormatInfo } from '../api/inspect';
import { openForInspection } from '../api/openForInspection';
import { openFileSource, type FileSource } from '../formats/fileSource';
import { installRealAddresses } from '../platform/mappedMemory';

/** The command-line options that say how to open a file (`--member`, and `--dtype --shape --offset --order --mode` for raw files). */
export interface TargetOptions {
  member?: string;
  dtype?: string;
  shape?: string;
  offset?: string;
  order?: string;
  mode?: string;
}

export interface OpenedTarget {
  path: string;
  member: string | null;
  array: NDArray;
  format: FormatInfo | null;
  /** The header's descr, tuples as arrays (undefined for raw files). */
  descr?: unknown;
  /** What NumPy would do differently with this file (NpyHeader.notices). */
  notices: string[];
  fortranOrder: boolean;
  /** File offset of the array's first data byte; -1 when the data is not in the file (a deflated .npz member). */
  dataOffset: number;
  /** Reads the data bytes as they lie in the file (or, for a deflated member, in memory), from the data start. */
  readData(offset: number, length: number): Uint8Array;
  source: FileSource;
  close(): void;
}

function parseShape(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text
    .replace(/[()\s]/g, '')
    .split(',')
    .filter((p) => p !== '');
  const shape = parts.map((p) => {
    if (!/^[0-9]+$/.test(p))
      throw new ArgumentError(`--shape must be comma-separated non-negative integers, got '${text}'`);
    return Number(p);
  });
  return shape;
}

/** Only the bytes: for hex and reinterpret, which read any file whatever its format. */
export function openSourceOnly(path: string): { path: string; source: FileSource; close(): void } {
  const source = openFileSource(path);
  return { path, source, close: () => source.close() };
}

export function openTarget(path: string, opts: TargetOptions): OpenedTarget {
  installRealAddresses();
  const mode = (opts.mode ?? 'r') as 'r' | 'r+' | 'c' | 'w+';
  if (!['r', 'r+', 'c', 'w+'].includes(mode))
    throw new ArgumentError(`--mode must be r, r+, c or w+, got '${opts.mode}'`);
  const order = (opts.order ?? 'C').toUpperCase();
  if (order !== 'C' && order !== 'F') throw new ArgumentError(`--order must be C or F, got '${opts.order}'`);
  const f = openForInspection(path, {
    member: opts.member,
    raw: opts.dtype
      ? {
          dtype: opts.dtype,
          shape: parseShape(opts.shape),
          offset: opts.offset !== undefined ? Number(opts.offset) : 0,
          order: order as 'C' | 'F',
          mode,
        }
      : undefined,
    mode,
  });
  const h = f.npy;
  return {
    path,
    member: f.member,
    array: f.array,
    format: h
      ? { version: [h.version[0], h.version[1]], headerLength: h.headerLength, dataOffset: f.fileDataOffset }
      : null,
    descr: h?.descr,
    notices: h?.notices ?? [],
    fortranOrder: f.fortranOrder,
    dataOffset: f.fileDataOffset,
    readData: (o, n) => f.bytes.read(f.dataOffset + o, n),
    source: f.source,
    close: f.close,
  };
}
