/**
 * .npz: a zip of .npy members (numpy.savez / savez_compressed). The zip is parsed by hand:
 *
 *   EOCD (searched for in the last 64 KiB + 22 bytes) -> [zip64 locator -> zip64 EOCD] -> central directory
 *   -> each entry's local header (to find where the member's bytes start).
 *
 * STORED members are memory-mapped in place (their .npy header is read through a FileSource window over the
 * member's bytes); DEFLATED members are inflated (fflate) into OwnedMemory, refusing anything that declares or
 * inflates to more than `maxInflatedSize` (default 1 GiB), with the CRC-32 checked.
 */
import { createRequire } from 'node:module';
import { ArgumentError, FormatError, UnsupportedError } from '../core/errors';
import { OwnedMemory } from '../core/memory';
import { NDArray } from '../core/ndarray';
import { cStrides, fStrides } from '../core/layout';
import {
  openNpy,
  readNpyHeader,
  type FileSource,
  type MapMode,
  type Mapper,
  type NpyHeader,
  type ReadNpyOptions,
} from './npy';

export interface NpzMember {
  name: string;
  compressed: boolean;
  /** 0 = stored, 8 = deflated */
  method: number;
  compressedSize: number;
  size: number;
  /** File offset of the member's bytes (its .npy magic, when stored) inside the zip. */
  dataOffset: number;
  /** File offset of the member's local header. */
  headerOffset: number;
  crc32: number;
  /** File offset and length of the member's central directory entry. */
  centralOffset: number;
  centralLength: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_Z64_LOCATOR = 0x07064b50;
const SIG_Z64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
export const DEFAULT_MAX_INFLATED_SIZE = 1024 * 1024 * 1024;

// IBM code page 437, bytes 0x80-0xFF (zip names without the UTF-8 flag, as Python's zipfile decodes them)
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
}
function u64(b: Uint8Array, o: number, file: string, at: number): number {
  const v = u32(b, o) + u32(b, o + 4) * 0x100000000;
  if (!Number.isSafeInteger(v))
    throw new FormatError(file, at, 'a zip64 size/offset beyond 2**53', 'a zip64 value below 2**53');
  return v;
}

function decodeName(raw: Uint8Array, utf8: boolean): string {
  if (utf8) return new TextDecoder('utf-8').decode(raw);
  let s = '';
  for (const b of raw) s += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80];
  return s;
}

export interface Eocd {
  at: number;
  entries: number;
  cdSize: number;
  cdOffset: number;
}

/** The end-of-central-directory record: where it is, and where the central directory is. */
export function findEocd(src: FileSource): Eocd {
  const file = src.path;
  if (src.size < EOCD_SIZE)
    throw new FormatError(
      file,
      0,
      `the file is ${src.size} bytes, too short for a zip`,
      'a zip end-of-central-directory record (22 bytes)',
    );
  const start = Math.max(0, src.size - (EOCD_SIZE + MAX_COMMENT));
  const tail = src.read(start, src.size - start);
  let found = -1;
  let loose = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (u32(tail, i) !== SIG_EOCD) continue;
    const commentLen = u16(tail, i + 20);
    if (i + EOCD_SIZE + commentLen === tail.length) {
      found = i;
      break;
    }
    if (loose < 0 && i + EOCD_SIZE + commentLen <= tail.length) loose = i;
  }
  if (found < 0) found = loose;
  if (found < 0) {
    throw new FormatError(
      file,
      src.size,
      'no end-of-central-directory record in the last 64 KiB: not a zip file (or truncated)',
      'the signature PK\\x05\\x06',
    );
  }
  const at = start + found;
  const e = tail.subarray(found);
  const disk = u16(e, 4);
  const cdDisk = u16(e, 6);
  let entries = u16(e, 10);
  let cdSize = u32(e, 12);
  let cdOffset = u32(e, 16);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // zip64: a locator sits just before the EOCD
    if (at < 20)
      throw new FormatError(
        file,
        at,
        'zip64 values in the EOCD but no room for a zip64 locator',
        'a zip64 end-of-central-directory locator',
      );
    const loc = src.read(at - 20, 20);
    if (u32(loc, 0) !== SIG_Z64_LOCATOR)
      throw new FormatError(
        file,
        at - 20,
        'zip64 values in the EOCD but no zip64 locator before it',
        'the signature PK\\x06\\x07',
      );
    if (u32(loc, 16) > 1)
      throw new UnsupportedError(`${file}: zip files spanning several disks are not supported`, {
        file,
        offset: at - 20,
      });
    const recOff = u64(loc, 8, file, at - 12);
    if (recOff + 56 > at - 20)
      throw new FormatError(
        file,
        at - 12,
        `the zip64 end-of-central-directory offset ${recOff} is not before its locator`,
        `an offset below ${at - 76}`,
      );
    const rec = src.read(recOff, 56);
    if (u32(rec, 0) !== SIG_Z64_EOCD)
      throw new FormatError(file, recOff, 'bad zip64 end-of-central-directory signature', 'the signature PK\\x06\\x06');
    entries = u64(rec, 32, file, recOff + 32);
    cdSize = u64(rec, 40, file, recOff + 40);
    cdOffset = u64(rec, 48, file, recOff + 48);
    if (cdOffset + cdSize > recOff) {
      throw new FormatError(
        file,
        recOff + 48,
        `the central directory [${cdOffset}, ${cdOffset + cdSize}) runs past the zip64 record at ${recOff}`,
        'a central directory before the end records',
      );
    }
    return { at, entries, cdSize, cdOffset };
  }
  if (disk !== 0 || cdDisk !== 0)
    throw new UnsupportedError(`${file}: zip files spanning several disks are not supported`, { file, offset: at + 4 });
  if (cdOffset + cdSize > at) {
    throw new FormatError(
      file,
      at + 16,
      `the central directory [${cdOffset}, ${cdOffset + cdSize}) runs past the end-of-central-directory record at ${at}`,
      `a central directory that ends by byte ${at}`,
    );
  }
  return { at, entries, cdSize, cdOffset };
}

/** Parse the central directory and each local header. */
export function listNpzMembers(src: FileSource): NpzMember[] {
  const file = src.path;
  const eocd = findEocd(src);
  if (eocd.entries * 46 > eocd.cdSize) {
    throw new FormatError(
      file,
      eocd.at + 10,
      `${eocd.entries} entries cannot fit in a ${eocd.cdSize}-byte central directory`,
      'at least 46 bytes per entry',
    );
  }
  const cd = src.read(eocd.cdOffset, eocd.cdSize);
  if (cd.length !== eocd.cdSize)
    throw new FormatError(
      file,
      eocd.cdOffset,
      'the central directory runs past the end of the file',
      `${eocd.cdSize} bytes`,
    );
  const members: NpzMember[] = [];
  let p = 0;
  for (let n = 0; n < eocd.entries; n++) {
    const at = eocd.cdOffset + p;
    if (p + 46 > cd.length)
      throw new FormatError(
        file,
        at,
        'the central directory ends inside an entry',
        'a 46-byte central directory entry',
      );
    if (u32(cd, p) !== SIG_CENTRAL) {
      throw new FormatError(
        file,
        at,
        `bad central directory entry signature 0x${u32(cd, p).toString(16).padStart(8, '0')}`,
        'the signature PK\\x01\\x02',
      );
    }
    const flags = u16(cd, p + 8);
    const method = u16(cd, p + 10);
    const crc32 = u32(cd, p + 16);
    let compressedSize = u32(cd, p + 20);
    let size = u32(cd, p + 24);
    const nameLen = u16(cd, p + 28);
    const extraLen = u16(cd, p + 30);
    const commentLen = u16(cd, p + 32);
    let headerOffset = u32(cd, p + 42);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > cd.length)
      throw new FormatError(
        file,
        at + 28,
        'a central directory entry runs past the directory',
        'name, extra and comment inside the directory',
      );
    const name = decodeName(cd.subarray(p + 46, p + 46 + nameLen), (flags & 0x800) !== 0);
    // zip64 extra field: only the fields that are 0xFFFFFFFF in the entry, in this order
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = u16(cd, e);
      const len = u16(cd, e + 2);
      if (e + 4 + len > extraEnd)
        throw new FormatError(
          file,
          eocd.cdOffset + e,
          'an extra field runs past its entry',
          'extra fields inside the entry',
        );
      if (id === 0x0001) {
        let q = e + 4;
        const take = (what: string): number => {
          if (q + 8 > e + 4 + len)
            throw new FormatError(
              file,
              eocd.cdOffset + q,
              `the zip64 extra field lacks the ${what}`,
              `an 8-byte ${what}`,
            );
          const v = u64(cd, q, file, eocd.cdOffset + q);
          q += 8;
          return v;
        };
        if (size === 0xffffffff) size = take('uncompressed size');
        if (compressedSize === 0xffffffff) compressedSize = take('compressed size');
        if (headerOffset === 0xffffffff) headerOffset = take('local header offset');
      }
      e += 4 + len;
    }
    if (flags & 0x1) throw new UnsupportedError(`${file}: member ${name} is encrypted`, { file, offset: at + 8 });
    // the local header: its own name/extra lengths decide where the data starts
    if (headerOffset + 30 > eocd.cdOffset)
      throw new FormatError(
        file,
        at + 42,
        `member ${name}: local header offset ${headerOffset} is past the file data`,
        `an offset below ${eocd.cdOffset - 30}`,
      );
    const lh = src.read(headerOffset, 30);
    if (lh.length < 30 || u32(lh, 0) !== SIG_LOCAL) {
      throw new FormatError(
        file,
        headerOffset,
        `member ${name}: bad local file header signature`,
        'the signature PK\\x03\\x04',
      );
    }
    const dataOffset = headerOffset + 30 + u16(lh, 26) + u16(lh, 28);
    if (dataOffset + compressedSize > eocd.cdOffset) {
      throw new FormatError(
        file,
        headerOffset,
        `member ${name}: its ${compressedSize} bytes from byte ${dataOffset} run into the central directory at ${eocd.cdOffset}`,
        'member data before the central directory',
      );
    }
    members.push({
      name,
      compressed: method !== 0,
      method,
      compressedSize,
      size,
      dataOffset,
      headerOffset,
      crc32,
      centralOffset: at,
      centralLength: end - p,
    });
    p = end;
  }
  return members;
}

/** A FileSource over [offset, offset+length) of another one (a stored member inside the zip). */
export function windowSource(src: FileSource, offset: number, length: number, path: string): FileSource {
  return {
    path,
    size: length,
    read(off: number, len: number): Uint8Array {
      const a = Math.max(0, Math.min(off, length));
      const b = Math.max(a, Math.min(off + len, length));
      return src.read(offset + a, b - a);
    },
  };
}

let crcTable: Uint32Array | undefined;
export function crc32(data: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * fflate, loaded on the first deflated member: its import builds its Huffman tables (~10 ms), which every
 * `.npy`-only start (the CLI's inspect) would otherwise pay. `require` keeps inflating synchronous.
 */
let fflate: typeof import('fflate') | undefined;
function inflateModule(): typeof import('fflate') {
  return (fflate ??= createRequire(import.meta.url)('fflate') as typeof import('fflate'));
}

/**
 * Inflating a DEFLATED member, step by step: each step pushes at most 4 KiB of compressed input (at most ~4 MiB of
 * output, written in place and checksummed as it comes). `inflateMember` runs the steps in one go (the CLI, the
 * console); the app inflates off main's event loop instead (platform/npzInflate.ts, node:zlib on the thread pool).
 */
function* inflateSteps(src: FileSource, m: NpzMember, maxInflatedSize: number): Generator<number, Uint8Array> {
  const file = src.path;
  if (m.size > maxInflatedSize) {
    throw new UnsupportedError(
      `${file}: member ${m.name} declares ${m.size} bytes uncompressed, more than the ${maxInflatedSize}-byte inflate limit`,
      { file, offset: m.headerOffset },
    );
  }
  // written in place as the inflater produces it (m.size is bounded above), checksummed chunk by chunk
  const out = new Uint8Array(m.size);
  let crc = 0;
  let total = 0;
  let over = false;
  let finished = false;
  const inflater = new (inflateModule().Inflate)((chunk, final) => {
    if (over) return;
    if (total + chunk.length > maxInflatedSize || total + chunk.length > m.size) {
      total += chunk.length;
      over = true;
      return;
    }
    out.set(chunk, total);
    crc = crc32(chunk, crc);
    total += chunk.length;
    if (final) finished = true;
  });
  const STEP = 4 * 1024; // at most ~4 MiB of output per push (~1032:1 is DEFLATE's largest ratio): a short step
  try {
    for (let k = 0; k < m.compressedSize && !over; k += STEP) {
      const n = Math.min(STEP, m.compressedSize - k);
      const piece = src.read(m.dataOffset + k, n);
      if (piece.length !== n)
        throw new FormatError(
          file,
          m.dataOffset + k + piece.length,
          `member ${m.name}: compressed data cut short`,
          `${m.compressedSize} compressed bytes`,
        );
      inflater.push(piece, k + n >= m.compressedSize);
      yield total;
    }
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(
      file,
      m.dataOffset,
      `member ${m.name}: invalid deflate data (${e instanceof Error ? e.message : String(e)})`,
      'a valid DEFLATE stream',
    );
  }
  if (over) {
    if (m.size >= maxInflatedSize) {
      throw new UnsupportedError(
        `${file}: member ${m.name} inflates to more than the ${maxInflatedSize}-byte limit (inflating stopped)`,
        { file, offset: m.dataOffset },
      );
    }
    throw new FormatError(
      file,
      m.dataOffset,
      `member ${m.name} inflates to more than its declared ${m.size} bytes`,
      `${m.size} bytes after inflating`,
    );
  }
  if (!finished && m.compressedSize > 0)
    throw new FormatError(
      file,
      m.dataOffset + m.compressedSize,
      `member ${m.name}: the deflate stream does not end`,
      'a final deflate block',
    );
  if (total !== m.size)
    throw new FormatError(
      file,
      m.dataOffset,
      `member ${m.name} inflates to ${total} bytes, not the declared ${m.size}`,
      `${m.size} bytes`,
    );
  if (crc !== m.crc32)
    throw new FormatError(
      file,
      m.headerOffset + 14,
      `member ${m.name}: CRC-32 mismatch (computed 0x${crc.toString(16)}, stored 0x${m.crc32.toString(16)})`,
      'the stored CRC-32',
    );
  return out;
}

/** Inflate a DEFLATED member with a hard bound on its output. */
export function inflateMember(src: FileSource, m: NpzMember, maxInflatedSize = DEFAULT_MAX_INFLATED_SIZE): Uint8Array {
  const steps = inflateSteps(src, m, maxInflatedSize);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export function findMember(src: FileSource, members: NpzMember[], name: string): NpzMember {
  const m = members.find((x) => x.name === name) ?? members.find((x) => x.name === `${name}.npy`);
  if (!m) {
    throw new ArgumentError(
      `${src.path}: no member '${name}' (members: ${members.map((x) => (x.name.endsWith('.npy') ? x.name.slice(0, -4) : x.name)).join(', ') || 'none'})`,
      'one of the member names',
    );
  }
  return m;
}

export interface OpenedNpzMember {
  member: NpzMember;
  members: NpzMember[];
  header: NpyHeader;
  array: NDArray;
  /** File offset of the array's data inside the zip; -1 when the member is deflated (its data lives in memory). */
  dataOffset: number;
}

/**
 * Open one member of an .npz. `name` may omit '.npy' (as np.load(...)['a']).
 * Stored members are mapped in place ('r' or 'c'); deflated ones are inflated ('r': read-only copy, 'c': writeable copy).
 */
export function openNpzMember(
  src: FileSource,
  name: string,
  mapper: Mapper,
  mode: MapMode = 'r',
  options: ReadNpyOptions & {
    maxInflatedSize?: number;
    members?: NpzMember[];
    inflated?: Uint8Array;
    inflatedData?: OwnedMemory;
  } = {},
): OpenedNpzMember {
  if (mode !== 'r' && mode !== 'c') {
    throw new ArgumentError(
      `an .npz member opens read-only ('r') or copy-on-write ('c'), not '${mode}': writing would break the zip's CRC`,
      "'r' or 'c'",
    );
  }
  const members = options.members ?? listNpzMembers(src);
  const member = findMember(src, members, name);
  const label = `${src.path}[${member.name}]`;
  if (member.method === 0) {
    if (member.compressedSize !== member.size) {
      throw new FormatError(
        src.path,
        member.headerOffset,
        `stored member ${member.name} has compressed size ${member.compressedSize} != size ${member.size}`,
        'equal sizes for a stored member',
      );
    }
    const win = windowSource(src, member.dataOffset, member.size, label);
    const { header, array } = openNpy(win, mapper, mode, {
      ...options,
      mapPath: src.path,
      mapBase: member.dataOffset,
      label,
    });
    return { member, members, header, array, dataOffset: member.dataOffset + header.dataOffset };
  }
  if (member.method !== 8)
    throw new UnsupportedError(
      `${src.path}: member ${member.name} uses zip compression method ${member.method} (only stored and deflated are supported)`,
      { file: src.path, offset: member.headerOffset + 8 },
    );
  // already inflated off the event loop by the caller (platform/npzInflate), or inflated here
  const bytes = options.inflated ?? inflateMember(src, member, options.maxInflatedSize);
  // with the data part given (inflated in place by the caller), `inflated` may hold only the .npy header
  const headerOnly = options.inflatedData !== undefined && options.inflated !== undefined;
  if (!headerOnly && bytes.length !== member.size)
    throw new ArgumentError(
      `${src.path}: ${bytes.length} inflated bytes given for member ${member.name} of ${member.size}`,
      `${member.size} bytes`,
    );
  const inner: FileSource = {
    path: label,
    size: headerOnly ? member.size : bytes.length,
    read: (off, len) => bytes.slice(Math.max(0, off), Math.max(0, Math.min(off + len, bytes.length))),
  };
  const header = readNpyHeader(inner, options);
  // the data part as owned memory: copied here, or already copied (in slices, off the event loop) by the caller
  const given = options.inflatedData;
  if (given && given.size !== header.nbytes)
    throw new ArgumentError(
      `${label}: ${given.size} bytes of data given, the header says ${header.nbytes}`,
      `${header.nbytes} bytes`,
    );
  const memory =
    given ??
    new OwnedMemory(`${label} (inflated)`, bytes.subarray(header.dataOffset, header.dataOffset + header.nbytes), {
      writeable: mode === 'c',
    });
  let strides = header.fortranOrder
    ? fStrides(header.shape, header.dtype.itemsize)
    : cStrides(header.shape, header.dtype.itemsize);
  // NumPy reads a member into a fresh 1-d np.ndarray(count) and reshapes it to the header's shape; an empty
  // fresh array has stride 0 and reshaping (0,) to (0,) keeps it: np.load(npz)['x'].strides == (0,) there.
  if (header.shape.length === 1 && header.shape[0] === 0) strides = [0];
  const array = new NDArray({
    memory,
    dtype: header.dtype,
    shape: header.shape,
    strides,
    offset: 0,
    writeable: mode === 'c',
    ownsData: true,
    label,
  });
  return { member, members, header, array, dataOffset: -1 };
}
