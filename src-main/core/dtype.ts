/**
 * DType: NumPy's data-type descriptor — what one element of an array is and how its bytes are laid out.
 *
 * It parses what NumPy accepts as a dtype string ('<i4', 'float64', 'M8[25s]', 'U3', '?', 'l', ...), builds
 * structured dtypes from a .npy header's `descr` (with the semantics of `numpy.lib.format.descr_to_dtype`:
 * ('', '|Vn') entries are padding, i.e. gaps), prints `str` / `descr` / `name` exactly as NumPy does, and
 * decodes / encodes one element in either byte order (the codec is elementCodec.ts).
 *
 * Pure TypeScript. This machine's byte order is detected once; '=' and native resolve to '<' or '>'.
 */
import { DTypeError, UnsupportedError } from './errors';
import { floatJSON } from './floats';
import {
  checkRange,
  describe,
  hexOf,
  makeDecoder,
  makeEncoder,
  viewOf,
  type Complex,
  type Decoder,
  type DTypeKind,
  type Encoder,
  type Value,
} from './elementCodec';

/** '=' and native are resolved to '<' or '>' at parse time; '|' means byte order does not apply. */
export type ByteOrder = '<' | '>' | '|';
export type DescrField = [string | [string, string], Descr] | [string | [string, string], Descr, number[]];
/** The .npy header 'descr' with Python tuples as arrays. */
export type Descr = string | DescrField[];

export interface Field {
  name: string;
  title: string | null;
  dtype: DType;
  offset: number;
}

/** What an element decodes to (elementCodec.ts): re-exported here, beside the dtype that decodes it. */
export type { Complex, DTypeKind, Value } from './elementCodec';

/** This machine's byte order. */
export const NATIVE_BYTE_ORDER: '<' | '>' = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? '<' : '>';

const MAX_ITEMSIZE = 0x7fffffff; // NumPy keeps itemsize in a C int

interface DTypeInit {
  kind: DTypeKind;
  byteorder: ByteOrder;
  itemsize: number;
  alignment: number;
  fields?: Field[] | null;
  subarray?: { base: DType; shape: number[] } | null;
  unit?: string | null;
}

/** DType's private constructor, handed to the parser below by the class's static block. */
let construct: (init: DTypeInit) => DType;

export class DType {
  readonly kind: DTypeKind;
  readonly byteorder: ByteOrder;
  readonly itemsize: number;
  /** As numpy's dtype.alignment (1 for packed structured dtypes, the base's for subarrays). */
  readonly alignment: number;
  /** Structured dtypes: the fields in the order NumPy lists them (for descr-built dtypes, offset order). */
  readonly fields: Field[] | null;
  readonly subarray: { base: DType; shape: number[] } | null;
  /** For M/m: 'ns', 'D', '25s', ... ('' for generic); null otherwise. */
  readonly unit: string | null;

  private decoder: Decoder | undefined;
  private encoder: Encoder | undefined;

  private constructor(init: DTypeInit) {
    this.kind = init.kind;
    this.byteorder = init.byteorder;
    this.itemsize = init.itemsize;
    this.alignment = init.alignment;
    this.fields = init.fields ?? null;
    this.subarray = init.subarray ?? null;
    this.unit = init.unit ?? null;
  }

  // ---------------------------------------------------------------- printing

  /** Exactly numpy's dtype.str: '<i4', '|b1', '<U3', '<M8[ns]', '|V16' for structured and subarray dtypes. */
  get str(): string {
    switch (this.kind) {
      case 'U':
        return `${this.byteorder}U${this.itemsize / 4}`;
      case 'M':
      case 'm':
        return `${this.byteorder}${this.kind}8${this.unit ? `[${this.unit}]` : ''}`;
      case 'O':
        return '|O';
      default:
        return `${this.byteorder}${this.kind}${this.itemsize}`;
    }
  }

  /** Exactly numpy's dtype.descr (tuples as arrays), with ('', '|Vn') entries for gaps between fields. */
  get descr(): DescrField[] {
    if (this.fields === null) return [['', this.str]];
    return structDescr(this);
  }

  /** numpy's dtype.name: 'int32', 'float64', 'bytes40', 'str96', 'void128', 'datetime64[ns]', 'object'. */
  get name(): string {
    const bits = this.itemsize * 8;
    switch (this.kind) {
      case 'b':
        return 'bool';
      case 'i':
        return `int${bits}`;
      case 'u':
        return `uint${bits}`;
      case 'f':
        return `float${bits}`;
      case 'c':
        return `complex${bits}`;
      case 'S':
        return this.itemsize === 0 ? 'bytes' : `bytes${bits}`;
      case 'U':
        return this.itemsize === 0 ? 'str' : `str${bits}`;
      case 'V':
        return this.itemsize === 0 ? 'void' : `void${bits}`;
      case 'M':
        return `datetime64${this.unit ? `[${this.unit}]` : ''}`;
      case 'm':
        return `timedelta64${this.unit ? `[${this.unit}]` : ''}`;
      case 'O':
        return 'object';
    }
  }

  /** Byte order matches this machine (or does not apply); for structured dtypes, every field's does. */
  get isNative(): boolean {
    if (this.fields) return this.fields.every((f) => f.dtype.isNative);
    if (this.subarray) return this.subarray.base.isNative;
    return this.byteorder === '|' || this.byteorder === NATIVE_BYTE_ORDER;
  }

  /** Contains an object ('O') anywhere (fields, subarray bases). */
  get hasObject(): boolean {
    if (this.kind === 'O') return true;
    if (this.fields) return this.fields.some((f) => f.dtype.hasObject);
    if (this.subarray) return this.subarray.base.hasObject;
    return false;
  }

  /** A human-readable form, for messages. */
  toString(): string {
    return this.fields
      ? JSON.stringify(this.descr)
      : this.subarray
        ? `(${this.subarray.base}, (${this.subarray.shape}))`
        : this.str;
  }

  // ---------------------------------------------------------------- derived dtypes

  /** numpy's dtype.newbyteorder: '<' / '>' set, 'S' swaps, '|' leaves as is; recursive into fields and subarrays. */
  newByteOrder(order: '<' | '>' | '|' | 'S'): DType {
    if (order !== '<' && order !== '>' && order !== '|' && order !== 'S') {
      throw new DTypeError(`invalid byte order ${JSON.stringify(order)}`, "one of '<', '>', '|', 'S'");
    }
    if (order === '|') return this;
    if (this.fields) {
      return new DType({
        ...this.init(),
        fields: this.fields.map((f) => ({ ...f, dtype: f.dtype.newByteOrder(order) })),
      });
    }
    if (this.subarray) {
      return new DType({
        ...this.init(),
        subarray: { base: this.subarray.base.newByteOrder(order), shape: [...this.subarray.shape] },
      });
    }
    if (this.byteorder === '|') return this;
    const byteorder: ByteOrder = order === 'S' ? (this.byteorder === '<' ? '>' : '<') : order;
    if (byteorder === this.byteorder) return this;
    return new DType({ ...this.init(), byteorder });
  }

  /** numpy's dtype equality: same kind, size, byte order, unit, fields (names, titles, offsets, dtypes), subarray. */
  equals(o: DType): boolean {
    if (this === o) return true;
    if (!(o instanceof DType)) return false;
    if (
      this.kind !== o.kind ||
      this.itemsize !== o.itemsize ||
      this.byteorder !== o.byteorder ||
      this.unit !== o.unit
    ) {
      return false;
    }
    if ((this.fields === null) !== (o.fields === null) || (this.subarray === null) !== (o.subarray === null))
      return false;
    if (this.fields && o.fields) {
      if (this.fields.length !== o.fields.length) return false;
      for (let i = 0; i < this.fields.length; i++) {
        const a = this.fields[i];
        const b = o.fields[i];
        if (a.name !== b.name || a.title !== b.title || a.offset !== b.offset || !a.dtype.equals(b.dtype)) return false;
      }
    }
    if (this.subarray && o.subarray) {
      const sa = this.subarray.shape;
      const sb = o.subarray.shape;
      if (sa.length !== sb.length || sa.some((n, i) => n !== sb[i])) return false;
      if (!this.subarray.base.equals(o.subarray.base)) return false;
    }
    return true;
  }

  private init(): DTypeInit {
    return {
      kind: this.kind,
      byteorder: this.byteorder,
      itemsize: this.itemsize,
      alignment: this.alignment,
      fields: this.fields,
      subarray: this.subarray,
      unit: this.unit,
    };
  }

  // ---------------------------------------------------------------- construction

  /** A dtype from a string NumPy accepts: '<i4' 'i4' 'int32' '>f8' 'f2' 'c16' 'S5' 'U3' 'V8' 'M8[ns]' '?' 'l' ... */
  static parse(spec: string): DType {
    if (typeof spec !== 'string') {
      throw new DTypeError(`a dtype spec must be a string, got ${typeof spec}`, 'a NumPy dtype string such as <i4');
    }
    return /,|^\s*(\(|\d)/.test(spec) ? parseCommaSpec(spec) : parseSpec(spec);
  }

  /**
   * A dtype from a .npy header's descr, as numpy.lib.format.descr_to_dtype builds it: a string is parsed; a list
   * is a packed structured dtype in which ('', '|Vn') entries (unnamed plain voids) are padding, not fields.
   */
  static fromDescr(descr: Descr): DType {
    if (typeof descr === 'string') return parseSpec(descr);
    if (!Array.isArray(descr)) {
      throw new DTypeError(
        `a descr must be a string or a list of fields, got ${describe(descr)}`,
        'a dtype string or a list of (name, descr[, shape])',
      );
    }
    const fields: Field[] = [];
    const seen = new Set<string>();
    let offset = 0;
    descr.forEach((entry, i) => {
      if (!Array.isArray(entry) || (entry.length !== 2 && entry.length !== 3)) {
        throw new DTypeError(`descr field ${i} is ${describe(entry)}`, 'a (name, descr) or (name, descr, shape) tuple');
      }
      const rawName = entry[0];
      let name: string;
      let title: string | null = null;
      if (typeof rawName === 'string') {
        name = rawName;
      } else if (
        Array.isArray(rawName) &&
        rawName.length === 2 &&
        typeof rawName[0] === 'string' &&
        typeof rawName[1] === 'string'
      ) {
        title = rawName[0];
        name = rawName[1];
      } else {
        throw new DTypeError(
          `descr field ${i} has name ${describe(rawName)}`,
          'a name string or a (title, name) pair of strings',
        );
      }
      let dt = DType.fromDescr(entry[1]);
      if (entry.length === 3) dt = DType.subarrayOf(dt, checkShape(entry[2], i));
      const isPadding = rawName === '' && dt.kind === 'V' && dt.fields === null;
      if (!isPadding) {
        for (const key of title === null ? [name] : [name, title]) {
          if (seen.has(key))
            throw new DTypeError(
              `field name or title ${JSON.stringify(key)} appears twice`,
              'unique field names and titles',
            );
          seen.add(key);
        }
        fields.push({ name, title, dtype: dt, offset });
      }
      offset += dt.itemsize;
      if (offset > MAX_ITEMSIZE)
        throw new DTypeError(`structured dtype is larger than ${MAX_ITEMSIZE} bytes`, 'a smaller dtype');
    });
    return new DType({ kind: 'V', byteorder: '|', itemsize: offset, alignment: 1, fields });
  }

  /** numpy's np.dtype((base, shape)): a subarray dtype; shape () gives base itself, nested subarrays collapse. */
  static subarrayOf(base: DType, shape: number[]): DType {
    const dims = checkShape(shape, null);
    if (dims.length === 0) return base;
    let inner = base;
    let fullShape = dims;
    if (base.subarray) {
      inner = base.subarray.base;
      fullShape = [...dims, ...base.subarray.shape];
    }
    const count = fullShape.reduce((a, b) => a * b, 1);
    const itemsize = count * inner.itemsize;
    if (itemsize > MAX_ITEMSIZE)
      throw new DTypeError(`subarray dtype is larger than ${MAX_ITEMSIZE} bytes`, 'a smaller shape');
    return new DType({
      kind: 'V',
      byteorder: '|',
      itemsize,
      alignment: inner.alignment,
      subarray: { base: inner, shape: fullShape },
    });
  }

  /**
   * The dtype of a multi-field view `a[['x', 'id']]`: the chosen fields at their offsets in an item of `itemsize`
   * bytes (NumPy >= 1.16 keeps the parent's itemsize, so the view's bytes are the parent's; see NumPy's
   * `_copy_fields` / "Accessing multiple fields" in the structured-arrays guide).
   */
  static withFields(fields: Field[], itemsize: number): DType {
    return new DType({ kind: 'V', byteorder: '|', itemsize, alignment: 1, fields: fields.map((f) => ({ ...f })) });
  }

  // ---------------------------------------------------------------- elements

  /** One element starting at bytes[offset]. */
  decode(bytes: Uint8Array, offset: number): Value {
    checkRange(bytes, offset, this.itemsize);
    const dec = this.decoder ?? (this.decoder = makeDecoder(this));
    return dec(viewOf(bytes), bytes, bytes.byteOffset + offset);
  }

  /** Writes one element at bytes[offset]; throws DTypeError if `value` does not fit this dtype. */
  encode(value: Value, bytes: Uint8Array, offset: number): void {
    checkRange(bytes, offset, this.itemsize);
    const enc = this.encoder ?? (this.encoder = makeEncoder(this));
    enc(value, viewOf(bytes), bytes, bytes.byteOffset + offset);
  }

  static {
    construct = (init) => new DType(init);
  }
}

// ==================================================================== parsing

/** Base kinds whose byte order does not apply. */
function simple(kind: DTypeKind, itemsize: number, order: string, unit: string | null = null): DType {
  let byteorder: ByteOrder;
  let alignment: number;
  switch (kind) {
    case 'b':
    case 'S':
    case 'V':
      byteorder = '|';
      alignment = 1;
      break;
    case 'O':
      byteorder = '|';
      alignment = 8;
      break;
    case 'i':
    case 'u':
      byteorder = itemsize === 1 ? '|' : resolveOrder(order);
      alignment = itemsize;
      break;
    case 'f':
      byteorder = resolveOrder(order);
      alignment = itemsize;
      break;
    case 'c':
      byteorder = resolveOrder(order);
      alignment = itemsize / 2;
      break;
    case 'U':
      byteorder = resolveOrder(order);
      alignment = 4;
      break;
    case 'M':
    case 'm':
      byteorder = resolveOrder(order);
      alignment = 8;
      break;
  }
  return construct({ kind, byteorder, itemsize, alignment, unit });
}

function resolveOrder(order: string): '<' | '>' {
  return order === '<' || order === '>' ? order : NATIVE_BYTE_ORDER;
}

/** Type characters NumPy accepts on their own (no size digits). 'l'/'L' are 8 bytes as on 64-bit Linux. */
const CHARS: Record<string, [DTypeKind, number]> = {
  '?': ['b', 1],
  b: ['i', 1],
  B: ['u', 1],
  h: ['i', 2],
  H: ['u', 2],
  i: ['i', 4],
  I: ['u', 4],
  l: ['i', 8],
  L: ['u', 8],
  q: ['i', 8],
  Q: ['u', 8],
  p: ['i', 8],
  P: ['u', 8],
  n: ['i', 8],
  N: ['u', 8],
  e: ['f', 2],
  f: ['f', 4],
  d: ['f', 8],
  g: ['f', 16],
  F: ['c', 8],
  D: ['c', 16],
  G: ['c', 32],
  c: ['S', 1],
  O: ['O', 8],
};

/** Sizes allowed after a kind letter ('i4', 'f8', 'c16', 'b1'). */
const SIZED: Record<string, { kind: DTypeKind; sizes: number[] }> = {
  b: { kind: 'b', sizes: [1] },
  i: { kind: 'i', sizes: [1, 2, 4, 8] },
  u: { kind: 'u', sizes: [1, 2, 4, 8] },
  f: { kind: 'f', sizes: [2, 4, 8, 16] },
  c: { kind: 'c', sizes: [8, 16, 32] },
  O: { kind: 'O', sizes: [8] },
};

/** NumPy's names (numpy 2 on 64-bit Linux). */
const NAMES: Record<string, [DTypeKind, number]> = {
  bool: ['b', 1],
  bool_: ['b', 1],
  int8: ['i', 1],
  int16: ['i', 2],
  int32: ['i', 4],
  int64: ['i', 8],
  uint8: ['u', 1],
  uint16: ['u', 2],
  uint32: ['u', 4],
  uint64: ['u', 8],
  byte: ['i', 1],
  ubyte: ['u', 1],
  short: ['i', 2],
  ushort: ['u', 2],
  intc: ['i', 4],
  uintc: ['u', 4],
  int: ['i', 8],
  int_: ['i', 8],
  intp: ['i', 8],
  long: ['i', 8],
  longlong: ['i', 8],
  uint: ['u', 8],
  uintp: ['u', 8],
  ulong: ['u', 8],
  ulonglong: ['u', 8],
  float16: ['f', 2],
  float32: ['f', 4],
  float64: ['f', 8],
  float128: ['f', 16],
  half: ['f', 2],
  single: ['f', 4],
  double: ['f', 8],
  float: ['f', 8],
  longdouble: ['f', 16],
  complex64: ['c', 8],
  complex128: ['c', 16],
  complex256: ['c', 32],
  csingle: ['c', 8],
  cdouble: ['c', 16],
  complex: ['c', 16],
  clongdouble: ['c', 32],
  bytes: ['S', 0],
  bytes_: ['S', 0],
  a: ['S', 0],
  str: ['U', 0],
  str_: ['U', 0],
  unicode: ['U', 0],
  void: ['V', 0],
  object: ['O', 8],
  object_: ['O', 8],
};

const DATETIME_RE = /^([<>=|]?)(datetime64|timedelta64|M|m)(\d*)(\[.*)?$/;
const SPEC_RE = /^([<>=|]?)([A-Za-z?])(\d*)$/;

/**
 * NumPy's comma strings: 'i1,<i2' is [('f0', 'i1'), ('f1', '<i2')], each part may carry a subarray shape
 * ('(2,3)i4,f8', '2i4'), a trailing comma makes one field ('i4,'), and a lone '(2,)i4' is a subarray dtype.
 */
function parseCommaSpec(spec: string): DType {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < spec.length; i++) {
    const ch = spec[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(spec.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = spec.slice(start).trim();
  const isStruct = parts.length > 0;
  if (last !== '' || !isStruct) parts.push(last);
  const item = (part: string): DType => {
    const m = /^(?:\(([^()]*)\)|(\d+))\s*(.+)$/s.exec(part);
    if (!m) return parseSpec(part);
    const dims =
      m[1] !== undefined
        ? m[1]
            .split(',')
            .map((d) => d.trim())
            .filter((d) => d !== '')
        : [m[2]];
    if (!dims.every((d) => /^\d+$/.test(d))) {
      throw new DTypeError(
        `data type ${JSON.stringify(spec)} not understood: bad shape in ${JSON.stringify(part)}`,
        'a shape of integers, e.g. (2,3)i4',
      );
    }
    return DType.subarrayOf(parseSpec(m[3].trim()), dims.map(Number));
  };
  if (!isStruct) return item(parts[0]);
  return DType.fromDescr(
    parts.map((part, i): DescrField => {
      const dt = item(part);
      const inner = (d: DType): Descr => (d.fields ? d.descr : d.str);
      return dt.subarray ? [`f${i}`, inner(dt.subarray.base), [...dt.subarray.shape]] : [`f${i}`, inner(dt)];
    }),
  );
}

function parseSpec(spec: string): DType {
  const bad = (why?: string): DTypeError =>
    new DTypeError(
      `data type ${JSON.stringify(spec)} not understood${why ? `: ${why}` : ''}`,
      "a NumPy dtype such as '<i4', 'f8', 'U3', 'S5', 'M8[ns]', 'bool', 'float64'",
    );
  if (Object.prototype.hasOwnProperty.call(NAMES, spec)) {
    const [kind, size] = NAMES[spec];
    return simple(kind, size, '=');
  }
  const dm = DATETIME_RE.exec(spec);
  if (dm) {
    const [, order, letters, digits, meta] = dm;
    const kind: 'M' | 'm' = letters === 'M' || letters === 'datetime64' ? 'M' : 'm';
    if (digits !== '' && (letters.length > 1 || Number(digits) !== 8)) {
      throw bad(`${kind}8 is the only ${kind === 'M' ? 'datetime' : 'timedelta'} size`);
    }
    const unit = meta === undefined ? '' : parseUnit(meta, spec);
    return simple(kind, 8, order, unit);
  }
  const m = SPEC_RE.exec(spec);
  if (!m) throw bad();
  const [, order, letters, digits] = m;

  if (digits === '') {
    if (letters === 'S' || letters === 'U' || letters === 'V') return flexible(letters, 0, order, spec);
    const c = CHARS[letters];
    if (!c) throw bad();
    return simple(c[0], c[1], order);
  }
  const n = parseCount(digits);
  if (n === null) throw bad('size out of range');
  if (letters === 'S' || letters === 'U' || letters === 'V' || letters === 'a') {
    return flexible(letters === 'a' ? 'S' : letters, n, order, spec);
  }
  const sized = SIZED[letters];
  if (!sized || !sized.sizes.includes(n)) {
    throw bad(sized ? `${letters} takes a size of ${sized.sizes.join(', ')}` : undefined);
  }
  return simple(sized.kind, n, order);
}

function flexible(kind: 'S' | 'U' | 'V', n: number, order: string, spec: string): DType {
  const itemsize = kind === 'U' ? n * 4 : n;
  if (itemsize > MAX_ITEMSIZE) {
    throw new DTypeError(
      `data type ${JSON.stringify(spec)} not understood: itemsize too large`,
      `at most ${MAX_ITEMSIZE} bytes`,
    );
  }
  return simple(kind, itemsize, order);
}

function parseCount(digits: string): number | null {
  const n = Number(digits);
  return Number.isSafeInteger(n) && n <= MAX_ITEMSIZE ? n : null;
}

/** '[25s]' -> '25s', '[1s]' -> 's', '[generic]' -> '', '[μs]' -> 'us'. */
function parseUnit(meta: string, spec: string): string {
  const m = /^\[(\d*)(Y|M|W|D|h|m|s|ms|us|μs|ns|ps|fs|as|generic)\]$/.exec(meta);
  if (!m) {
    throw new DTypeError(
      `invalid datetime unit in metadata string ${JSON.stringify(meta)} of ${JSON.stringify(spec)}`,
      "one of Y M W D h m s ms us ns ps fs as generic, optionally with a multiplier such as '25s'",
    );
  }
  const unit = m[2] === 'μs' ? 'us' : m[2];
  if (unit === 'generic') {
    if (m[1] !== '')
      throw new DTypeError(`generic datetime unit cannot take a multiplier in ${JSON.stringify(spec)}`, "'[generic]'");
    return '';
  }
  if (m[1] === '') return unit;
  const n = Number(m[1]);
  if (!Number.isSafeInteger(n) || n > 0x7fffffff) {
    throw new DTypeError(`datetime multiplier out of range in ${JSON.stringify(spec)}`, `at most ${0x7fffffff}`);
  }
  return n === 1 ? unit : `${n}${unit}`;
}

function checkShape(shape: unknown, field: number | null): number[] {
  const where = field === null ? 'subarray shape' : `descr field ${field} shape`;
  const dims = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(dims) || !dims.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw new DTypeError(`${where} is ${describe(shape)}`, 'a tuple of non-negative integers');
  }
  return [...dims];
}

/** numpy's _array_descr for a structured dtype. */
function structDescr(dt: DType): DescrField[] {
  const out: DescrField[] = [];
  let offset = 0;
  for (const f of dt.fields!) {
    if (f.offset > offset) {
      out.push(['', `|V${f.offset - offset}`]);
      offset = f.offset;
    } else if (f.offset < offset) {
      throw new DTypeError('dtype.descr is not defined for types with overlapping or out-of-order fields');
    }
    const name: string | [string, string] = f.title === null ? f.name : [f.title, f.name];
    const fd = f.dtype;
    if (fd.subarray) {
      out.push([name, innerDescr(fd.subarray.base), [...fd.subarray.shape]]);
    } else {
      out.push([name, innerDescr(fd)]);
    }
    offset += fd.itemsize;
  }
  if (dt.itemsize > offset) out.push(['', `|V${dt.itemsize - offset}`]);
  return out;
}

function innerDescr(dt: DType): Descr {
  return dt.fields ? structDescr(dt) : dt.str;
}

// ==================================================================== decoding and encoding
// ==================================================================== JSON

/**
 * The CLI/IPC JSON spelling of a decoded value: 8-byte ints -> decimal string; narrower ints -> number;
 * bool -> boolean; floats -> number except NaN "nan", inf "inf", -inf "-inf", -0.0 "-0.0"; complex -> [re, im];
 * S/V -> hex string of the whole item; U -> string; datetime/timedelta -> int64 count as decimal string;
 * structured -> {field: value}; subarray -> nested arrays.
 */
export function valueToJSON(v: Value, dtype: DType): unknown {
  if (dtype.fields) {
    const rec = v as { [field: string]: Value };
    const out: { [field: string]: unknown } = {};
    for (const f of dtype.fields) out[f.name] = valueToJSON(rec[f.name], f.dtype);
    return out;
  }
  if (dtype.subarray) {
    const { base, shape } = dtype.subarray;
    const walk = (x: Value, dim: number): unknown =>
      dim === shape.length ? valueToJSON(x, base) : (x as Value[]).map((y) => walk(y, dim + 1));
    return walk(v, 0);
  }
  switch (dtype.kind) {
    case 'b':
      return Boolean(v);
    case 'i':
    case 'u':
      return dtype.itemsize === 8 ? String(v) : Number(v);
    case 'M':
    case 'm':
      return String(v);
    case 'f':
      return floatJSON(v as number);
    case 'c': {
      const c = v as Complex;
      return [floatJSON(c.re), floatJSON(c.im)];
    }
    case 'S':
    case 'V':
      return hexOf(v as Uint8Array);
    case 'U':
      return v as string;
    case 'O':
      throw new UnsupportedError('object (O) values have no JSON spelling');
  }
}
