/**
 * The .npy format, as numpy/lib/format.py defines it.
 *
 *   magic "\x93NUMPY" | major | minor | HEADER_LEN (<u2 for 1.0, <u4 for 2.0/3.0) | header text | data
 *
 * The header text (latin1 for 1.x/2.x, utf8 for 3.0) is a Python dict literal
 * `{'descr': ..., 'fortran_order': bool, 'shape': (ints,), }` padded with spaces and ended by '\n' so that the
 * data starts on a 64-byte boundary. It is parsed by pyliteral (never evaluated).
 *
 * Reading never allocates more than the file holds: the header read is bounded by the file size and by NumPy's
 * maximum header size; the data is only ever reached through a Mapper (a mapping of exactly the data bytes).
 */
import { DType, type Descr, type DescrField } from '../core/dtype';
import { ArgumentError, DTypeError, FormatError, UnsupportedError, isStridescopeError } from '../core/errors';
import { cStrides, fStrides, isCContiguous, isFContiguous } from '../core/layout';
import { OwnedMemory, type Memory } from '../core/memory';
import { NDArray } from '../core/ndarray';
import { parsePyLiteral, pyRepr, PyLiteralError, type PyLiteral } from './pyliteral';
import { pyStrRepr, pyTupleRepr } from '../core/python/repr';

/** Bounded reads of a file (copies). `read` may return fewer bytes than asked only at the end of the file. */
export interface FileSource {
  path: string;
  size: number;
  read(offset: number, length: number): Uint8Array;
}

export type MapMode = 'r' | 'r+' | 'c' | 'w+';
export type Mapper = (path: string, opts: { offset: number; length: number; mode: MapMode }) => Memory;

export const MAGIC_PREFIX = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
export const ARRAY_ALIGN = 64;
/**
 * numpy.lib.format._MAX_HEADER_SIZE: `np.load` refuses longer headers unless given `max_header_size=` or
 * `allow_pickle=True` (https://numpy.org/doc/stable/reference/generated/numpy.load.html). Stridescope never
 * evaluates a header (formats/pyliteral.ts parses literals only), so it opens them and says what NumPy requires.
 */
export const NUMPY_MAX_HEADER_SIZE = 10000;
/** Stridescope's own bound on header text (characters): what this parser reads and parses at most. */
export const MAX_HEADER_SIZE = 1 << 20;
/** NumPy 2's NPY_MAXDIMS. */
export const MAX_DIMS = 64;
/** numpy.lib.format.GROWTH_AXIS_MAX_DIGITS */
const GROWTH_AXIS_MAX_DIGITS = 21;
const INT64_MAX = (1n << 63n) - 1n;

export type NpyVersion = [1, 0] | [2, 0] | [3, 0];

/** Byte ranges [start, end) of each part of a .npy header, for the UI's breakdown. */
export interface NpyHeaderLayout {
  magic: [number, number];
  version: [number, number];
  headerLen: [number, number];
  dict: [number, number];
  padding: [number, number];
}

export interface NpyHeader {
  version: NpyVersion;
  /** The HEADER_LEN field: bytes of header text (dict + padding + '\n'). */
  headerLength: number;
  /** Where the data starts (relative to the FileSource). */
  dataOffset: number;
  descr: Descr;
  dtype: DType;
  fortranOrder: boolean;
  shape: number[];
  /** The decoded header text, padding and newline included. */
  headerText: string;
  /** Bytes of data the shape and dtype need. */
  nbytes: number;
  layout: NpyHeaderLayout;
  /** What NumPy would do differently with this file (e.g. a header over its 10,000-character limit). */
  notices: string[];
}

export interface ReadNpyOptions {
  /** The longest header text (characters) to parse. Default MAX_HEADER_SIZE (1 MiB); NumPy's own is 10,000. */
  maxHeaderSize?: number;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function showBytes(b: Uint8Array): string {
  return (
    "b'" +
    Array.from(b, (x) =>
      x >= 0x20 && x < 0x7f && x !== 0x27 && x !== 0x5c
        ? String.fromCharCode(x)
        : '\\x' + x.toString(16).padStart(2, '0'),
    ).join('') +
    "'"
  );
}

/** Does `src` start with the .npy magic? */
export function hasNpyMagic(src: FileSource): boolean {
  return src.size >= 6 && sameBytes(src.read(0, 6), MAGIC_PREFIX);
}

/** Read and validate the header of a .npy file. Throws FormatError / UnsupportedError with byte offsets. */
export function readNpyHeader(src: FileSource, options: ReadNpyOptions = {}): NpyHeader {
  const file = src.path;
  const maxHeaderSize = options.maxHeaderSize ?? MAX_HEADER_SIZE;
  if (src.size === 0)
    throw new FormatError(file, 0, 'the file is empty (0 bytes)', 'a .npy file starting with the magic \\x93NUMPY');
  const head = src.read(0, Math.min(src.size, 12));
  if (head.length < 6 || !sameBytes(head.subarray(0, 6), MAGIC_PREFIX)) {
    if (head.length < 6 && sameBytes(head, MAGIC_PREFIX.subarray(0, head.length))) {
      throw new FormatError(
        file,
        head.length,
        `the file ends after ${head.length} bytes, inside the magic string`,
        "the 6-byte magic b'\\x93NUMPY'",
      );
    }
    throw new FormatError(
      file,
      0,
      `the magic string is not correct: got ${showBytes(head.subarray(0, 6))}`,
      "b'\\x93NUMPY'",
    );
  }
  if (head.length < 8)
    throw new FormatError(
      file,
      head.length,
      'the file ends inside the version bytes',
      'two version bytes (major, minor) at bytes 6-7',
    );
  const major = head[6];
  const minor = head[7];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    throw new FormatError(
      file,
      6,
      `unsupported format version (${major}, ${minor})`,
      'version (1, 0), (2, 0) or (3, 0)',
    );
  }
  const version = [major, minor] as NpyVersion;
  const lenSize = major === 1 ? 2 : 4;
  const textStart = 8 + lenSize;
  if (head.length < textStart) {
    throw new FormatError(
      file,
      head.length,
      `the file ends inside the header-length field (${head.length - 8} of ${lenSize} bytes)`,
      `a ${lenSize}-byte little-endian header length at byte 8`,
    );
  }
  const headerLength =
    major === 1 ? head[8] | (head[9] << 8) : (head[8] | (head[9] << 8) | (head[10] << 16)) + head[11] * 0x1000000;
  if (headerLength === 0)
    throw new FormatError(
      file,
      textStart,
      'the header is empty (header length 0)',
      "a header dict {'descr': ..., 'fortran_order': ..., 'shape': ...}",
    );
  const dataOffset = textStart + headerLength;
  if (dataOffset > src.size) {
    throw new FormatError(
      file,
      8,
      `the header length ${headerLength} runs past the end of the file (header would end at byte ${dataOffset}, the file has ${src.size} bytes)`,
      `a header length of at most ${src.size - textStart}`,
    );
  }
  const encoding = major === 3 ? 'utf8' : 'latin1';
  // Refuse before reading when even the shortest decoding would be too long (utf8: at most 4 bytes per char).
  const minChars = encoding === 'utf8' ? Math.ceil(headerLength / 4) : headerLength;
  if (minChars > maxHeaderSize) throw headerTooLong(file, minChars, maxHeaderSize);
  const raw = src.read(textStart, headerLength);
  if (raw.length !== headerLength)
    throw new FormatError(
      file,
      textStart + raw.length,
      'the file ends inside the header',
      `${headerLength} header bytes`,
    );
  let text: string;
  if (encoding === 'utf8') {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      const bad = firstBadUtf8(raw);
      throw new FormatError(
        file,
        textStart + bad,
        `the version 3.0 header is not valid UTF-8 (byte 0x${raw[bad].toString(16).padStart(2, '0')})`,
        'UTF-8 text',
      );
    }
  } else {
    text = latin1Decode(raw);
  }
  if (text.length > maxHeaderSize) throw headerTooLong(file, text.length, maxHeaderSize);

  let lit: PyLiteral;
  try {
    lit = parsePyLiteral(text, { encoding, byteBase: textStart });
  } catch (e) {
    if (!(e instanceof PyLiteralError)) throw e;
    let retried: PyLiteral | undefined;
    if (major <= 2) {
      // numpy retries Python-2 headers with the 'L' suffix of longs filtered out
      try {
        retried = parsePyLiteral(text.replace(/([0-9])L\b/g, '$1 '), { encoding, byteBase: textStart });
      } catch {
        retried = undefined;
      }
    }
    if (!retried)
      throw new FormatError(
        file,
        e.column,
        `cannot parse the header: ${e.message.replace(/^column \d+: /, '')}`,
        'a Python dict literal',
      );
    lit = retried;
  }
  if (lit.kind !== 'dict')
    throw new FormatError(
      file,
      lit.column,
      `the header is not a dictionary: ${truncate(pyRepr(lit))}`,
      "a dict {'descr': ..., 'fortran_order': ..., 'shape': ...}",
    );
  const keys = lit.entries.map(([k]) => (k.kind === 'str' ? k.value : pyRepr(k)));
  const want = ['descr', 'fortran_order', 'shape'];
  const get = (name: string): PyLiteral | undefined =>
    lit.entries.find(([k]) => k.kind === 'str' && k.value === name)?.[1];
  const missing = want.filter((k) => !get(k));
  const extra = lit.entries.filter(([k]) => !(k.kind === 'str' && want.includes(k.value)));
  if (missing.length || extra.length) {
    const at = extra.length ? extra[0][0].column : lit.column;
    const what = [
      missing.length ? `missing ${missing.map((k) => `'${k}'`).join(', ')}` : '',
      extra.length ? `unknown ${extra.map(([k]) => pyRepr(k)).join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    throw new FormatError(
      file,
      at,
      `the header does not contain the correct keys (${what}): [${[...keys]
        .sort()
        .map((k) => pyStrRepr(k))
        .join(', ')}]`,
      "exactly the keys 'descr', 'fortran_order', 'shape'",
    );
  }
  const shapeLit = get('shape')!;
  const fortranLit = get('fortran_order')!;
  const descrLit = get('descr')!;

  if (shapeLit.kind !== 'tuple')
    throw new FormatError(
      file,
      shapeLit.column,
      `shape is not valid: ${truncate(pyRepr(shapeLit))}`,
      'a tuple of non-negative ints',
    );
  const shape: number[] = [];
  for (const d of shapeLit.items) {
    if (d.kind === 'bool') {
      // Python's bool is an int, so the header check passes, but np.load's reshape(shape) then raises
      // "TypeError: an integer is required" (numpy/lib/_format_impl.py read_array): refused like NumPy refuses it.
      throw new FormatError(
        file,
        d.column,
        `shape ${truncate(pyRepr(shapeLit))} holds ${pyRepr(d)}, a bool: NumPy refuses it (TypeError: an integer is required)`,
        'a tuple of non-negative ints',
      );
    }
    const v = d.kind === 'int' ? d.value : undefined;
    if (v === undefined)
      throw new FormatError(
        file,
        d.column,
        `shape is not valid: ${truncate(pyRepr(shapeLit))} (${pyRepr(d)} is not an int)`,
        'a tuple of non-negative ints',
      );
    if (typeof v === 'bigint' && v >= 0n && v <= INT64_MAX) {
      throw new FormatError(
        file,
        d.column,
        `dimension ${v} in shape ${truncate(pyRepr(shapeLit))} is past 2**53, the largest size Stridescope indexes exactly`,
        'dimensions below 2**53',
      );
    }
    if ((typeof v === 'bigint' && v > 0n) || v > Number(INT64_MAX)) {
      throw new FormatError(
        file,
        d.column,
        `dimension ${v} in shape ${truncate(pyRepr(shapeLit))} does not fit in a 64-bit size`,
        'dimensions below 2**63',
      );
    }
    if (v < 0)
      throw new FormatError(
        file,
        d.column,
        `negative dimension ${v} in shape ${pyRepr(shapeLit)}`,
        'non-negative dimensions',
      );
    shape.push(Number(v));
  }
  if (shape.length > MAX_DIMS) {
    throw new FormatError(
      file,
      shapeLit.column,
      `maximum supported dimension for an ndarray is currently ${MAX_DIMS}, found ${shape.length}`,
      `at most ${MAX_DIMS} dimensions, as NumPy`,
    );
  }
  if (fortranLit.kind !== 'bool')
    throw new FormatError(
      file,
      fortranLit.column,
      `fortran_order is not a valid bool: ${truncate(pyRepr(fortranLit))}`,
      'True or False',
    );
  const fortranOrder = fortranLit.value;

  let descr: Descr;
  let dtype: DType;
  try {
    descr = literalToDescr(descrLit, file);
    dtype = DType.fromDescr(descr);
  } catch (e) {
    if (e instanceof UnsupportedError) throw e;
    if (e instanceof DTypeError || e instanceof DescrShapeError || !isStridescopeError(e)) {
      throw new FormatError(
        file,
        descrLit.column,
        `descr is not a valid dtype descriptor: ${truncate(pyRepr(descrLit))}${e instanceof Error ? ` (${e.message})` : ''}`,
        "a dtype descr such as '<f8' or a list of (name, descr[, shape]) tuples",
      );
    }
    throw e;
  }
  if (dtype.hasObject) {
    throw new UnsupportedError(
      `${file}: the array has an object dtype (${truncate(pyRepr(descrLit))}): its data is a Python pickle, which Stridescope refuses to load (nothing was unpickled)`,
      { file, offset: descrLit.column },
    );
  }
  // byte size, exactly (BigInt) before trusting any of it
  let count = 1n;
  for (const d of shape) count *= BigInt(d);
  const nbytesBig = count * BigInt(dtype.itemsize);
  if (nbytesBig > INT64_MAX) {
    throw new FormatError(
      file,
      shapeLit.column,
      `shape ${pyRepr(shapeLit)} of ${dtype.str} needs ${nbytesBig} bytes, more than 2**63 - 1`,
      'an array size that fits in a 64-bit byte count',
    );
  }
  const available = src.size - dataOffset;
  if (nbytesBig > BigInt(available)) {
    const need = nbytesBig.toString();
    const elements = dtype.itemsize > 0 ? Math.floor(available / dtype.itemsize) : 0;
    throw new FormatError(
      file,
      dataOffset + available,
      nbytesBig > BigInt(src.size)
        ? `shape ${pyRepr(shapeLit)} of ${dtype.str} needs ${need} bytes of data, but the whole file is only ${src.size} bytes`
        : `the data is shorter than the shape needs: ${need} bytes from byte ${dataOffset}, but only ${available} remain (${elements} whole elements of ${count})`,
      `${need} data bytes after the header (file seems not fully written?)`,
    );
  }
  const nbytes = Number(nbytesBig);

  // the layout breakdown: dict text, then padding (spaces and the final newline)
  let end = text.length;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\n')) end--;
  const dictEnd = textStart + (encoding === 'utf8' ? new TextEncoder().encode(text.slice(0, end)).length : end);
  return {
    version,
    headerLength,
    dataOffset,
    descr,
    dtype,
    fortranOrder,
    shape,
    headerText: text,
    nbytes,
    layout: {
      magic: [0, 6],
      version: [6, 8],
      headerLen: [8, textStart],
      dict: [textStart, dictEnd],
      padding: [dictEnd, dataOffset],
    },
    notices: text.length > NUMPY_MAX_HEADER_SIZE ? [numpyHeaderNotice(text.length)] : [],
  };
}

/** What `np.load` needs for a header over its limit (numpy/lib/_format_impl.py _read_array_header). */
export function numpyHeaderNotice(length: number): string {
  return (
    `the header has ${length} characters, over NumPy's ${NUMPY_MAX_HEADER_SIZE}-character limit: np.load refuses it ` +
    `("Header info length (${length}) is large and may not be safe to load securely") unless called with ` +
    `max_header_size=${length} or more, or allow_pickle=True (which trusts the whole file); Stridescope parses the header ` +
    `as literals only, never evaluates it, and opens headers of up to ${MAX_HEADER_SIZE} characters`
  );
}

function headerTooLong(file: string, length: number, max: number): FormatError {
  return new FormatError(
    file,
    8,
    `the header (${length} characters) is longer than ${max} characters, the most Stridescope parses (NumPy's own limit is ${NUMPY_MAX_HEADER_SIZE}; np.load needs max_header_size=${length} or allow_pickle=True)`,
    `a header of at most ${max} characters`,
  );
}

function truncate(s: string, n = 200): string {
  return s.length > n ? s.slice(0, n) + '...' : s;
}

function latin1Decode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}

function firstBadUtf8(b: Uint8Array): number {
  const dec = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = b.length;
  // the shortest prefix that fails to decode (as a stream: a truncated sequence is fine until the end)
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      dec.decode(b.subarray(0, mid + 1), { stream: true });
      dec.decode(); // reset
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  return Math.min(lo, b.length - 1);
}

class DescrShapeError extends Error {}

/** The header's descr literal -> the contract's Descr (tuples as arrays). */
function literalToDescr(v: PyLiteral, file: string): Descr {
  if (v.kind === 'str') return v.value;
  if (v.kind === 'tuple') {
    throw new UnsupportedError(
      `${file}: a top-level (base, shape) subarray descr ${truncate(pyRepr(v))} is not supported`,
      { file, offset: v.column },
    );
  }
  if (v.kind !== 'list') throw new DescrShapeError(`expected a str or a list, got ${v.kind}`);
  return v.items.map((f): DescrField => {
    if (f.kind !== 'tuple' || (f.items.length !== 2 && f.items.length !== 3))
      throw new DescrShapeError('each field must be a (name, descr) or (name, descr, shape) tuple');
    const [n, d, s] = f.items;
    let name: string | [string, string];
    if (n.kind === 'str') name = n.value;
    else if (n.kind === 'tuple' && n.items.length === 2 && n.items.every((x) => x.kind === 'str')) {
      name = [(n.items[0] as { value: string }).value, (n.items[1] as { value: string }).value];
    } else throw new DescrShapeError('a field name must be a str or a (title, name) tuple');
    const sub = literalToDescr(d, file);
    if (s === undefined) return [name, sub];
    let dims: number[];
    if (s.kind === 'int' && typeof s.value === 'number') dims = [s.value];
    else if (
      s.kind === 'tuple' &&
      s.items.every((x) => x.kind === 'int' && typeof x.value === 'number' && x.value >= 0)
    ) {
      dims = s.items.map((x) => (x as { value: number }).value);
    } else throw new DescrShapeError('a field shape must be a tuple of non-negative ints');
    return [name, sub, dims];
  });
}

export interface OpenedNpy {
  header: NpyHeader;
  array: NDArray;
}

/**
 * Open a .npy as an NDArray over a mapping of exactly its data bytes (Fortran order -> F strides).
 * `mapPath`/`mapBase` let npz map a member's data inside the zip (the header's offsets are relative to mapBase).
 */
export function openNpy(
  src: FileSource,
  mapper: Mapper,
  mode: MapMode = 'r',
  options: ReadNpyOptions & { mapPath?: string; mapBase?: number; label?: string } = {},
): OpenedNpy {
  if (mode === 'w+')
    throw new ArgumentError(
      "mode 'w+' creates a new file: use writeNpy (or open_memmap) to create a .npy",
      "'r', 'r+' or 'c'",
    );
  const header = readNpyHeader(src, options);
  const label = options.label ?? src.path;
  const offset = (options.mapBase ?? 0) + header.dataOffset;
  const memory =
    header.nbytes === 0
      ? new OwnedMemory(`${label} (empty)`, 0, { writeable: mode !== 'r' })
      : mapper(options.mapPath ?? src.path, { offset, length: header.nbytes, mode });
  const strides = header.fortranOrder
    ? fStrides(header.shape, header.dtype.itemsize)
    : cStrides(header.shape, header.dtype.itemsize);
  const array = new NDArray({
    memory,
    dtype: header.dtype,
    shape: header.shape,
    strides,
    offset: 0,
    writeable: mode !== 'r',
    ownsData: false,
    label,
  });
  return { header, array };
}

// ---------------------------------------------------------------------------------------------------------------
// writing

/** Python repr of a descr (tuples for fields, names and shapes), exactly as numpy writes it. */
export function descrRepr(descr: Descr): string {
  if (typeof descr === 'string') return pyStrRepr(descr);
  return '[' + descr.map(fieldRepr).join(', ') + ']';
}

function fieldRepr(f: DescrField): string {
  const [name, sub, shape] = f as [string | [string, string], Descr, number[] | undefined];
  const n = typeof name === 'string' ? pyStrRepr(name) : `(${pyStrRepr(name[0])}, ${pyStrRepr(name[1])})`;
  const parts = [n, descrRepr(sub)];
  if (shape !== undefined) parts.push(pyTupleRepr(shape));
  return `(${parts.join(', ')})`;
}

/** numpy.lib.format.dtype_to_descr: the structured descr list, or dtype.str. */
export function dtypeToDescr(dtype: DType): Descr {
  if (dtype.hasObject)
    throw new UnsupportedError(
      `an array of dtype ${dtype.str} holds Python objects: it cannot be written without pickling`,
    );
  return dtype.fields ? dtype.descr : dtype.str;
}

/** The header dict text numpy writes (before wrapping): sorted keys, reprs, growth-axis spare spaces. */
export function headerDictText(descr: Descr, fortranOrder: boolean, shape: number[]): string {
  let h = `{'descr': ${descrRepr(descr)}, 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${pyTupleRepr(shape)}, }`;
  if (shape.length > 0) {
    const growth = String(shape[fortranOrder ? shape.length - 1 : 0]);
    h += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - growth.length));
  }
  return h;
}

function isLatin1(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

/** numpy's _wrap_header: magic + version + length + text + spaces + '\n', data aligned to 64 bytes. */
export function wrapHeader(text: string, version: NpyVersion): Uint8Array {
  const [major] = version;
  if (major !== 3 && !isLatin1(text)) {
    throw new ArgumentError(
      `the header has characters outside latin-1 (non-latin-1 field names): version (${version.join(', ')}) cannot store it`,
      'version 3.0 (or let the writer choose)',
    );
  }
  const encoded = major === 3 ? new TextEncoder().encode(text) : Uint8Array.from(text, (c) => c.charCodeAt(0));
  const lenSize = major === 1 ? 2 : 4;
  const hlen = encoded.length + 1;
  const padlen = ARRAY_ALIGN - ((MAGIC_PREFIX.length + 2 + lenSize + hlen) % ARRAY_ALIGN);
  const total = hlen + padlen;
  if ((major === 1 && total > 0xffff) || total > 0xffffffff) {
    throw new ArgumentError(
      `Header length ${hlen} too big for version=(${version.join(', ')})`,
      major === 1 ? 'version 2.0 (or let the writer choose)' : 'a smaller header',
    );
  }
  const out = new Uint8Array(8 + lenSize + total);
  out.set(MAGIC_PREFIX, 0);
  out[6] = major;
  out[7] = 0;
  out[8] = total & 0xff;
  out[9] = (total >>> 8) & 0xff;
  if (lenSize === 4) {
    out[10] = (total >>> 16) & 0xff;
    out[11] = (total >>> 24) & 0xff;
  }
  out.set(encoded, 8 + lenSize);
  out.fill(0x20, 8 + lenSize + encoded.length, out.length - 1);
  out[out.length - 1] = 0x0a;
  return out;
}

/** numpy's _wrap_header_guess_version: 1.0, else 2.0 when too long, else 3.0 when not latin-1. */
export function chooseVersion(text: string): NpyVersion {
  const latin1 = isLatin1(text);
  if (!latin1) return [3, 0];
  const hlen = text.length + 1;
  const total1 = hlen + (ARRAY_ALIGN - ((10 + hlen) % ARRAY_ALIGN));
  return total1 <= 0xffff ? [1, 0] : [2, 0];
}

/** The complete header bytes numpy writes for an array of this dtype/shape/order. */
export function npyHeaderBytes(dtype: DType, shape: number[], fortranOrder: boolean, version?: NpyVersion): Uint8Array {
  const text = headerDictText(dtypeToDescr(dtype), fortranOrder, shape);
  return wrapHeader(text, version ?? chooseVersion(text));
}

export interface NpySink {
  write(bytes: Uint8Array): void;
}

/** Creates the atomic file sink for a path (fileSource.createAtomicSink; injected so this module stays fs-free). */
export type SinkFactory = (path: string) => NpySink & { commit(): void; abort(): void };

const CHUNK = 16 * 1024 * 1024;

/**
 * Write `arr` as numpy.save would, byte for byte: C-contiguous -> fortran_order False, else F-contiguous -> True,
 * else a C-order copy. Version as numpy chooses unless given. To a path: through a temp file + rename.
 */
export function writeNpy(
  target: string | NpySink,
  arr: NDArray,
  options: { version?: NpyVersion; sinkFor?: SinkFactory } = {},
): { version: NpyVersion; headerLength: number; dataOffset: number; nbytes: number } {
  const layout = { shape: arr.shape, strides: arr.strides, offset: arr.offset };
  const itemsize = arr.dtype.itemsize;
  const cContig = isCContiguous(layout, itemsize);
  const fContig = !cContig && isFContiguous(layout, itemsize);
  const text = headerDictText(dtypeToDescr(arr.dtype), fContig, arr.shape);
  if (options.version) {
    const [a, b] = options.version;
    if (!((a === 1 || a === 2 || a === 3) && b === 0))
      throw new ArgumentError(`we only support format version (1,0), (2,0), and (3,0), not (${a}, ${b})`);
  }
  const version = options.version ?? chooseVersion(text);
  const head = wrapHeader(text, version);
  const nbytes = arr.nbytes;

  let sink: NpySink;
  let finish = (): void => {};
  let abort = (): void => {};
  if (typeof target === 'string') {
    if (!options.sinkFor)
      throw new ArgumentError('writeNpy to a path needs a sinkFor (formats/fileSource createAtomicSink)');
    const s = options.sinkFor(target);
    sink = s;
    finish = () => s.commit();
    abort = () => s.abort();
  } else sink = target;
  try {
    sink.write(head);
    if (nbytes > 0) {
      if (cContig || fContig) {
        // contiguous: the memory order is the file order; stream it in bounded chunks
        for (let k = 0; k < nbytes; k += CHUNK)
          sink.write(arr.memory.read(arr.offset + k, Math.min(CHUNK, nbytes - k)));
      } else {
        sink.write(arr.toBytes('C'));
      }
    }
    finish();
  } catch (e) {
    abort();
    throw e;
  }
  return { version, headerLength: head.length - (version[0] === 1 ? 10 : 12), dataOffset: head.length, nbytes };
}
