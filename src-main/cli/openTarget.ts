/** Opening what the CLI was pointed at: a .npy, an .npz member or a raw file, memory-mapped for real. */
import { ArgumentError } from '../core/errors';
import type { NDArray } from '../core/ndarray';
import type { FormatInfo } from '../api/inspect';
import { openArrayFile } from '../formats/load';
import { openFileSource, type FileSource } from '../formats/fileSource';
import { mapFile, installRealAddresses } from '../platform/mappedMemory';
import type { CliOptions } from './commands';

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
  const parts = text.replace(/[()\s]/g, '').split(',').filter((p) => p !== '');
  const shape = parts.map((p) => {
    if (!/^[0-9]+$/.test(p)) throw new ArgumentError(`--shape must be comma-separated non-negative integers, got '${text}'`);
    return Number(p);
  });
  return shape;
}

/** Only the bytes: for hex and reinterpret, which read any file whatever its format. */
export function openSourceOnly(path: string): { path: string; source: FileSource; close(): void } {
  const source = openFileSource(path);
  return { path, source, close: () => source.close() };
}

export function openTarget(path: string, opts: CliOptions & { headerOnly?: boolean }): OpenedTarget {
  installRealAddresses();
  if (opts.headerOnly) {
    const only = openSourceOnly(path);
    return {
      ...only,
      member: null,
      array: undefined as unknown as NDArray,
      format: null,
      notices: [],
      fortranOrder: false,
      dataOffset: 0,
      readData: (o, n) => only.source.read(o, n),
    };
  }
  const mode = (opts.mode ?? 'r') as 'r' | 'r+' | 'c' | 'w+';
  if (!['r', 'r+', 'c', 'w+'].includes(mode)) throw new ArgumentError(`--mode must be r, r+, c or w+, got '${opts.mode}'`);
  const order = (opts.order ?? 'C').toUpperCase();
  if (order !== 'C' && order !== 'F') throw new ArgumentError(`--order must be C or F, got '${opts.order}'`);
  const opened = openArrayFile(
    path,
    {
      member: opts.member,
      raw: opts.dtype
        ? { dtype: opts.dtype, shape: parseShape(opts.shape), offset: opts.offset !== undefined ? Number(opts.offset) : 0, order: order as 'C' | 'F', mode }
        : undefined,
      mode,
    },
    { mapper: mapFile },
  );
  const source = openFileSource(path);
  const header = opened.header;
  return {
    path,
    member: opened.member ?? null,
    array: opened.array,
    format: header ? { version: [header.version[0], header.version[1]], headerLength: header.headerLength, dataOffset: opened.dataOffset } : null,
    descr: header?.descr,
    notices: header?.notices ?? [],
    fortranOrder: header ? header.fortranOrder : order === 'F',
    dataOffset: opened.dataOffset,
    readData:
      opened.dataOffset >= 0
        ? (o, n) => source.read(opened.dataOffset + o, n)
        : (o, n) => opened.array.memory.read(opened.array.offset + o, n),
    source,
    close: () => {
      source.close();
      opened.close();
    },
  };
}
