/**
 * The single entry the CLI and the app use to open an array file:
 *   - `options.raw` given            -> raw memmap (numpy.memmap semantics) whatever the file holds
 *   - starts with \x93NUMPY          -> .npy, mapped
 *   - starts with PK\x03\x04 / \x05\x06 -> .npz, one member (options.member, else the first)
 *   - otherwise the extension decides which parser reports what is wrong; anything else needs a dtype (raw).
 */
import type { DType, Descr } from '../core/dtype';
import { ArgumentError, FormatError } from '../core/errors';
import type { NDArray } from '../core/ndarray';
import { createAtomicSink, openFileSource, nodeRawFileSystem } from './fileSource';
import {
  hasNpyMagic,
  openNpy,
  writeNpy,
  type FileSource,
  type MapMode,
  type Mapper,
  type NpyHeader,
  type NpyVersion,
} from './npy';
import { listNpzMembers, openNpzMember, type NpzMember } from './npz';
import { openRaw, resolveMode, type RawFileSystem, type RawModeName } from './rawMemmap';

export interface OpenArrayOptions {
  /** .npz member name ('a' or 'a.npy'); default: the first member. */
  member?: string;
  /** Open as a raw memmap with these parameters. */
  raw?: {
    dtype: DType | string | Descr;
    shape?: number[] | number | null;
    offset?: number;
    order?: 'C' | 'F' | 'A' | 'K';
    mode?: RawModeName;
  };
  /** Mapping mode for .npy/.npz ('r' default). */
  mode?: RawModeName;
  maxHeaderSize?: number;
  maxInflatedSize?: number;
  /**
   * The chosen .npz member's bytes, already inflated (off the event loop: platform/npzInflate); with
   * `inflatedData`, only its .npy header is needed.
   */
  inflated?: Uint8Array;
  /** ... and its data part as owned memory, inflated into place (platform/npzInflate inflateNpzMemberAsync). */
  inflatedData?: import('../core/memory').OwnedMemory;
}

export interface OpenArrayDeps {
  mapper: Mapper;
  /** How to open the file for bounded reads (default: node:fs openFileSource). */
  sourceFor?: (path: string) => FileSource & { close?(): void };
  /** File sizing / creation for raw memmaps (default: node:fs). */
  fs?: RawFileSystem;
}

export interface OpenedArrayFile {
  kind: 'npy' | 'npz-member' | 'raw';
  array: NDArray;
  /** The .npy header (npy and npz members); its offsets are relative to `headerOffset`. */
  header?: NpyHeader;
  /** Where the .npy starts in the file: 0 for .npy, the member's data offset in an .npz; -1 if inflated. */
  headerOffset?: number;
  members?: NpzMember[];
  /** The opened .npz member's name. */
  member?: string;
  /** File offset of the array's first data byte; -1 when the data is not in the file (a deflated member). */
  dataOffset: number;
  /** Release the mapping (and the file source if this call opened it). */
  close(): void;
}

const ZIP_LOCAL = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06];

function startsWith(b: Uint8Array, sig: number[]): boolean {
  return b.length >= sig.length && sig.every((x, i) => b[i] === x);
}

export function openArrayFile(path: string, options: OpenArrayOptions = {}, deps: OpenArrayDeps): OpenedArrayFile {
  const mapper = deps.mapper;
  if (options.raw) {
    const r = options.raw;
    const opened = openRaw(
      path,
      {
        dtype: r.dtype,
        shape: r.shape,
        offset: r.offset ?? 0,
        order: r.order ?? 'C',
        mode: r.mode ?? options.mode ?? 'r',
      },
      mapper,
      deps.fs ?? nodeRawFileSystem,
    );
    return {
      kind: 'raw',
      array: opened.array,
      dataOffset: opened.offset,
      close: () => opened.array.memory.release('closed'),
    };
  }
  const mode: MapMode = resolveMode(options.mode ?? 'r');
  const src = deps.sourceFor ? deps.sourceFor(path) : openFileSource(path);
  const closeSource = (): void => src.close?.();
  try {
    const head = src.read(0, Math.min(src.size, 8));
    const lower = path.toLowerCase();
    const isNpy =
      hasNpyMagic(src) || (!startsWith(head, ZIP_LOCAL) && !startsWith(head, ZIP_EMPTY) && lower.endsWith('.npy'));
    if (isNpy) {
      const { header, array } = openNpy(src, mapper, mode, { maxHeaderSize: options.maxHeaderSize });
      closeSource();
      return {
        kind: 'npy',
        array,
        header,
        headerOffset: 0,
        dataOffset: header.dataOffset,
        close: () => array.memory.release('closed'),
      };
    }
    if (
      startsWith(head, ZIP_LOCAL) ||
      startsWith(head, ZIP_EMPTY) ||
      lower.endsWith('.npz') ||
      lower.endsWith('.zip')
    ) {
      const members = listNpzMembers(src);
      if (members.length === 0) throw new FormatError(path, 0, 'the .npz has no members', 'at least one .npy member');
      const name = options.member ?? members[0].name;
      const m = openNpzMember(src, name, mapper, mode, {
        members,
        maxHeaderSize: options.maxHeaderSize,
        maxInflatedSize: options.maxInflatedSize,
        inflated: options.inflated,
        inflatedData: options.inflatedData,
      });
      closeSource();
      return {
        kind: 'npz-member',
        array: m.array,
        header: m.header,
        headerOffset: m.member.compressed ? -1 : m.member.dataOffset,
        members,
        member: m.member.name,
        dataOffset: m.dataOffset,
        close: () => m.array.memory.release('closed'),
      };
    }
    if (src.size === 0)
      throw new FormatError(path, 0, 'the file is empty (0 bytes)', 'a .npy, an .npz, or a dtype to open it as raw');
    throw new ArgumentError(
      `${path} is neither a .npy nor an .npz (no \\x93NUMPY or PK signature): give a dtype to open it as a raw memmap`,
      'a dtype (raw)',
      path,
    );
  } catch (e) {
    closeSource();
    throw e;
  }
}

/** numpy.save to a path: written to a temp file beside it, then renamed over it (see npy.writeNpy). */
export function saveNpy(
  path: string,
  array: NDArray,
  options: { version?: NpyVersion } = {},
): ReturnType<typeof writeNpy> {
  return writeNpy(path, array, { ...options, sinkFor: createAtomicSink });
}
