/**
 * Opening a file to inspect it — shared by the app's handlers and the CLI, so both see the same thing: the array
 * (memory-mapped for real by formats/load), the file's own bytes next to it (for the Bytes view, hex and
 * reinterpret), where the data starts, and the .npy header's regions. A deflated .npz member has no bytes in the
 * file: its bytes are the .npy image NumPy would have written (the header, then the inflated data).
 * If anything fails after the mapping is made, the mapping is released before the error goes on.
 */
import { basename } from 'node:path';
import { BoundsError } from '../core/errors';
import type { NDArray } from '../core/ndarray';
import { openArrayFile, type OpenArrayOptions, type OpenedArrayFile } from '../formats/load';
import { openFileSource, type ClosableFileSource, type FileSource } from '../formats/fileSource';
import { npyHeaderBytes, readNpyHeader, type NpyHeader } from '../formats/npy';
import type { NpzMember } from '../formats/npz';
import { mapFile } from '../platform/mappedMemory';
import type { HeaderPart, NpyHeaderInfo } from './contract';

/** The byte space the Bytes view shows: the whole file (or, for the example, its .npy image). */
export interface ByteSpace {
  size: number;
  read(offset: number, length: number): Uint8Array;
}

function printable(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return s;
}

/**
 * The regions of a .npy header for the breakdown: magic, version, HEADER_LEN, the dict text, padding, then data.
 * `start` is where the .npy begins in the byte space (0, or the member's position inside an .npz); the ranges
 * come from the format reader's own header layout.
 */
export function npyHeaderParts(header: NpyHeader, head: Uint8Array, start: number): NpyHeaderInfo {
  const L = header.layout;
  const part = (name: HeaderPart['name'], [a, b]: [number, number], text: string): HeaderPart => ({
    name,
    offset: start + a,
    length: b - a,
    text,
  });
  const dictText = header.headerText.slice(0, L.dict[1] - L.dict[0]);
  const pad = L.padding[1] - L.padding[0];
  const dataOffset = start + header.dataOffset;
  return {
    version: [header.version[0], header.version[1]],
    headerLength: header.headerLength,
    dataOffset,
    parts: [
      part('magic', L.magic, printable(head.subarray(L.magic[0], L.magic[1]))),
      part('version', L.version, `${header.version[0]}.${header.version[1]}`),
      part('header_len', L.headerLen, String(header.headerLength)),
      part('dict', L.dict, dictText),
      part('padding', L.padding, pad > 0 ? `${pad - 1} spaces + '\\n'` : ''),
      { name: 'data', offset: dataOffset, length: 0, text: `data starts at byte ${dataOffset}` },
    ],
    notices: header.notices,
  };
}

/** A byte space made of a .npy header image followed by an array's (owned) memory: the example, inflated members. */
export function imageSpace(head: Uint8Array, array: NDArray, label: string): ByteSpace {
  const dataOffset = head.length;
  const size = dataOffset + array.nbytes;
  return {
    size,
    read(offset, length) {
      if (
        !Number.isSafeInteger(offset) ||
        !Number.isSafeInteger(length) ||
        offset < 0 ||
        length < 0 ||
        offset + length > size
      ) {
        throw new BoundsError(`bytes [${offset}, ${offset + length}) are outside ${label} (${size} bytes)`, offset);
      }
      const out = new Uint8Array(length);
      const headEnd = Math.min(offset + length, dataOffset);
      if (offset < headEnd) out.set(head.subarray(offset, headEnd), 0);
      const from = Math.max(offset, dataOffset);
      const to = offset + length;
      if (from < to) out.set(array.memory.read(array.offset + from - dataOffset, to - from), from - offset);
      return out;
    },
  };
}

/** A byte space as the formats' FileSource (reads clamped to the end, as a file's are). */
export function spaceSource(path: string, space: ByteSpace): FileSource {
  return {
    path,
    size: space.size,
    read: (off: number, len: number) => {
      const start = Math.max(0, Math.min(off, space.size));
      return space.read(start, Math.max(0, Math.min(off + len, space.size) - start));
    },
  };
}

/** A file opened for inspection: the mapped array, the bytes it lies in, and the header's layout. */
export interface InspectedFile {
  path: string;
  /** The file's base name (labels). */
  name: string;
  kind: OpenedArrayFile['kind'];
  /** The opened .npz member's name; null for .npy and raw files. */
  member: string | null;
  members: NpzMember[] | null;
  array: NDArray;
  /** The file itself. */
  source: ClosableFileSource;
  /** The bytes shown next to the array: the file, or a deflated member's .npy image. */
  bytes: ByteSpace;
  /** Offset in `bytes` of the array's first data byte. */
  dataOffset: number;
  /** Offset in the file of the array's first data byte; -1 when the data is not in the file (a deflated member). */
  fileDataOffset: number;
  /** The .npy header as read (npy and npz members). */
  npy: NpyHeader | null;
  /** The header's regions in `bytes` (npy and npz members). */
  header: NpyHeaderInfo | null;
  fortranOrder: boolean;
  /** Unmap the array and close the file. */
  close(): void;
}

/** Open `path` (a .npy, an .npz member or a raw file) memory-mapped, with its bytes and header layout. */
export function openForInspection(path: string, options: OpenArrayOptions): InspectedFile {
  const opened = openArrayFile(path, options, { mapper: mapFile });
  let source: ClosableFileSource | undefined;
  try {
    source = openFileSource(path);
    const name = basename(path);
    const h = opened.header;
    let bytes: ByteSpace = source;
    let dataOffset = opened.dataOffset;
    let header: NpyHeaderInfo | null = null;
    if (h && opened.dataOffset < 0) {
      // A deflated .npz member: its bytes exist only inflated, in memory. Show that .npy image.
      const head = npyHeaderBytes(h.dtype, h.shape, h.fortranOrder, h.version);
      bytes = imageSpace(head, opened.array, `${name}:${opened.member} (inflated)`);
      const reread = readNpyHeader(spaceSource(`${name}:${opened.member}`, bytes));
      dataOffset = head.length;
      header = npyHeaderParts(reread, head, 0);
    } else if (h) {
      const start = opened.headerOffset ?? 0;
      header = npyHeaderParts(h, source.read(start, h.dataOffset), start);
    }
    const file = source;
    return {
      path,
      name,
      kind: opened.kind,
      member: opened.member ?? null,
      members: opened.members ?? null,
      array: opened.array,
      source: file,
      bytes,
      dataOffset,
      fileDataOffset: opened.dataOffset,
      npy: h ?? null,
      header,
      fortranOrder: h ? h.fortranOrder : options.raw?.order === 'F',
      close: () => {
        file.close();
        opened.close();
      },
    };
  } catch (e) {
    source?.close();
    opened.close();
    throw e;
  }
}
