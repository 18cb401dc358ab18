/**
 * fast-check generators for the fuzz targets. Everything is small by construction (files of at most a few
 * KiB, except the deliberately large-but-compressible zip bombs) so that every case is bounded in time.
 */
import fc from 'fast-check';
import { deflateSync } from 'fflate';
import { DType, type Descr, type DescrField } from '../../src-main/core/dtype';
import { MAGIC_PREFIX, npyHeaderBytes, wrapHeader, type NpyVersion } from '../../src-main/formats/npy';
import { crc32 } from '../../src-main/formats/npz';

/** `arb` about once in `n` cases, else undefined. */
function sometimes<T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: n - 1 }, { arbitrary: arb, weight: 1 });
}

// ================================================================================================ dtypes

export const SIMPLE_DESCRS = [
  '|b1',
  '|i1',
  '|u1',
  '<i2',
  '>i2',
  '<u2',
  '>u2',
  '<i4',
  '>i4',
  '<u4',
  '<i8',
  '>i8',
  '<u8',
  '>u8',
  '<f2',
  '>f2',
  '<f4',
  '>f4',
  '<f8',
  '>f8',
  '<c8',
  '>c8',
  '<c16',
  '>c16',
  '|S1',
  '|S5',
  '|S0',
  '<U1',
  '>U3',
  '<U0',
  '|V4',
  '|V0',
  '<M8[ns]',
  '>M8[s]',
  '<M8[D]',
  '<M8',
  '<m8[25s]',
  '>m8[us]',
];

const FIELD_NAMES = ['a', 'b', 'c', 'x y', 'é', '名', ''];

export const arbDescr: fc.Arbitrary<Descr> = fc.letrec<{ descr: Descr; fields: DescrField[] }>((tie) => ({
  descr: fc.oneof(
    { depthSize: 'small' },
    { arbitrary: fc.constantFrom(...SIMPLE_DESCRS), weight: 5 },
    { arbitrary: tie('fields'), weight: 1 },
  ),
  fields: fc
    .uniqueArray(
      fc.tuple(
        fc.constantFrom(...FIELD_NAMES),
        tie('descr'),
        fc.option(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 2 }), { nil: undefined }),
      ),
      { minLength: 1, maxLength: 3, selector: (f) => f[0] },
    )
    .map((fs) => fs.map(([n, d, s]): DescrField => (s ? [n, d, s] : [n, d]))),
})).descr;

/** A DType NumPy accepts (falls back to '<i4' for the rare generated descr DType refuses). */
export const arbDType: fc.Arbitrary<DType> = arbDescr.map((d) => {
  try {
    return DType.fromDescr(d);
  } catch {
    return DType.parse('<i4');
  }
});

// ================================================================================================ .npy files

export interface ValidNpy {
  dtype: string;
  shape: number[];
  fortran: boolean;
  bytes: Uint8Array;
}

function fill(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const MAX_NPY_DATA = 8192;

/** A valid .npy (exactly what numpy.save writes) of a random dtype, shape and order; data at most 8 KiB. */
export const arbValidNpy: fc.Arbitrary<ValidNpy> = fc
  .record({
    dtype: arbDType,
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
    fortran: fc.boolean(),
    version: fc.constantFrom<NpyVersion | undefined>(undefined, undefined, [1, 0], [2, 0], [3, 0]),
    seed: fc.integer(),
  })
  .map(({ dtype, shape, fortran, version, seed }) => {
    let n = shape.reduce((a, b) => a * b, 1) * dtype.itemsize;
    if (n > MAX_NPY_DATA) {
      shape = [1];
      n = dtype.itemsize <= MAX_NPY_DATA ? dtype.itemsize : 0;
      if (n === 0) shape = [0];
    }
    let head: Uint8Array;
    try {
      head = npyHeaderBytes(dtype, shape, fortran, version);
    } catch {
      head = npyHeaderBytes(dtype, shape, fortran);
    }
    const bytes = new Uint8Array(head.length + n);
    bytes.set(head);
    bytes.set(fill(n, seed), head.length);
    return { dtype: dtype.str, shape, fortran, bytes };
  });

// ------------------------------------------------------------------------------------------------ python literals

const WS = [
  ' ',
  '',
  '',
  '',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '\x0c',
  '\x0b',
  '  ',
  '\u00a0',
  '\u3000',
  '#c\n',
  '\\\n',
  '\x00',
];
const arbWs = fc.oneof(
  { arbitrary: fc.constantFrom(' ', ''), weight: 8 },
  { arbitrary: fc.constantFrom(...WS), weight: 1 },
);

const arbIntText = fc.oneof(
  fc.integer({ min: -5, max: 70 }).map(String),
  fc.constantFrom(
    '9223372036854775807',
    '9223372036854775808',
    '-9223372036854775809',
    '18446744073709551616',
    '4611686018427387904',
    '9007199254740991',
    '9007199254740993',
    '2147483647',
    '4294967296',
    '0x7fffffff',
    '0o777',
    '0b1011',
    '1_000',
    '1__0',
    '0x',
    '00',
    '007',
    '1L',
    '5L',
    '-0',
    '+3',
    '--3',
    '0xFFFFFFFFFFFFFFFFFFFF',
  ),
  fc.integer({ min: 20, max: 400 }).map((n) => '9'.repeat(n)),
);

const arbFloatText = fc.constantFrom(
  '1.5',
  '-0.0',
  '1e400',
  '-1e400',
  '1e-400',
  'nan',
  'inf',
  '.5',
  '5.',
  '1_0.0',
  '1e',
  '1j',
  '2+3j',
  '1e5',
);

const arbStrText = fc.oneof(
  fc.string({ maxLength: 8 }).map((s) => `'${s.replace(/[\\']/g, '')}'`),
  fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => `"${s.replace(/[\\"\n\r]/g, '')}"`),
  fc.constantFrom(
    "'<i4'",
    "'<f8'",
    "'|O'",
    "'O'",
    "'<U3'",
    "b'<i4'",
    "u'<i4'",
    "r'<i4'",
    "'''<i4'''",
    '"""<f8"""',
    "'<i' '4'",
    "'\\x3ci4'",
    "'\\u003ci4'",
    "'\\N{LESS-THAN SIGN}i4'",
    "'\\",
    "'unterminated",
    "'\\777'",
    "'\\U0010ffff'",
    "'\\U00110000'",
    "'\\ud800'",
    "'descr'",
    "'shape'",
    "'fortran_order'",
    "''",
  ),
);

const arbLeafText = fc.oneof(
  arbIntText,
  arbFloatText,
  arbStrText,
  fc.constantFrom(
    'True',
    'False',
    'None',
    'true',
    'null',
    'Ellipsis',
    '...',
    'x',
    '__import__',
    'os.system',
    '()',
    '[]',
    '{}',
    '(,)',
    '[,]',
  ),
);

function joinItems(items: string[], ws: string[], trailing: boolean): string {
  return items.map((x, i) => x + (i < items.length - 1 || trailing ? ',' + (ws[i] ?? ' ') : '')).join('');
}

export const arbPyText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    { arbitrary: arbLeafText, weight: 4 },
    {
      arbitrary: fc
        .tuple(
          fc.array(tie('value'), { maxLength: 4 }),
          fc.array(arbWs, { maxLength: 4 }),
          fc.boolean(),
          fc.constantFrom('()', '[]'),
        )
        .map(([items, ws, tr, br]) => `${br[0]}${joinItems(items, ws, tr)}${br[1]}`),
      weight: 2,
    },
    {
      arbitrary: fc
        .tuple(
          fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 3 }),
          fc.array(arbWs, { maxLength: 3 }),
          fc.boolean(),
        )
        .map(
          ([kv, ws, tr]) =>
            `{${joinItems(
              kv.map(([k, v]) => `${k}: ${v}`),
              ws,
              tr,
            )}}`,
        ),
      weight: 1,
    },
  ),
})).value;

/** Deep nesting around a value: '(((x,),),)' / '[[[...]]]' to well past the parser's depth limit. */
export const arbNested = fc
  .tuple(fc.integer({ min: 1, max: 400 }), fc.constantFrom('(', '[', '{'), fc.boolean(), fc.boolean())
  .map(([depth, open, comma, close]) => {
    const shut = open === '(' ? ')' : open === '[' ? ']' : '}';
    const inner = open === '{' ? '1: 2' : '1';
    return (
      open.repeat(depth) +
      inner +
      (comma ? ',' : '') +
      (close ? shut.repeat(depth) : shut.repeat(Math.floor(depth / 2)))
    );
  });

const KEYS = ["'descr'", "'fortran_order'", "'shape'"];

const arbDescrText = fc.oneof(
  { arbitrary: fc.constantFrom(...SIMPLE_DESCRS.map((d) => `'${d}'`)), weight: 4 },
  { arbitrary: arbDescr.map((d) => descrText(d)), weight: 3 },
  { arbitrary: arbPyText, weight: 2 },
  { arbitrary: arbNested, weight: 1 },
);

function descrText(d: Descr): string {
  if (typeof d === 'string') return `'${d}'`;
  return `[${d.map((f) => `('${typeof f[0] === 'string' ? f[0] : f[0][1]}', ${descrText(f[1])}${f[2] ? `, (${f[2].join(', ')}${f[2].length === 1 ? ',' : ''})` : ''})`).join(', ')}]`;
}

const arbShapeText = fc.oneof(
  {
    arbitrary: fc
      .array(fc.integer({ min: 0, max: 6 }), { maxLength: 4 })
      .map((s) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`),
    weight: 4,
  },
  {
    arbitrary: fc.array(arbIntText, { maxLength: 5 }).map((s) => `(${s.join(',')}${s.length === 1 ? ',' : ''})`),
    weight: 3,
  },
  { arbitrary: fc.integer({ min: 30, max: 120 }).map((n) => `(${'1,'.repeat(n)})`), weight: 1 },
  { arbitrary: arbPyText, weight: 2 },
  { arbitrary: arbNested, weight: 1 },
);

const arbFortranText = fc.oneof(
  { arbitrary: fc.constantFrom('True', 'False'), weight: 4 },
  { arbitrary: arbLeafText, weight: 1 },
);

/** A header dict text: the right keys, or duplicated / missing / extra / unicode keys, odd whitespace. */
export const arbHeaderDictText: fc.Arbitrary<string> = fc
  .record({
    descr: arbDescrText,
    fortran: arbFortranText,
    shape: arbShapeText,
    order: fc.oneof(
      { arbitrary: fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 }), weight: 6 },
      { arbitrary: fc.shuffledSubarray([0, 1, 2]), weight: 1 },
    ),
    dup: sometimes(fc.tuple(fc.integer({ min: 0, max: 2 }), arbPyText), 5),
    extra: sometimes(fc.tuple(arbPyText, arbPyText), 6),
    ws: fc.array(arbWs, { minLength: 8, maxLength: 8 }),
    trailing: fc.constantFrom('', ',', ', ', ',,', ' }', ''),
    pad: fc.integer({ min: 0, max: 40 }),
  })
  .map(({ descr, fortran, shape, order, dup, extra, ws, trailing, pad }) => {
    const values = [descr, fortran, shape];
    const entries = order.map((k) => `${KEYS[k]}:${ws[k]}${values[k]}`);
    if (dup) entries.splice(dup[0] % (entries.length + 1), 0, `${KEYS[dup[0]]}: ${dup[1]}`);
    if (extra) entries.push(`${extra[0]}: ${extra[1]}`);
    return `{${ws[3]}${entries.join(`,${ws[4]}`)}${trailing}${ws[5]}}${' '.repeat(pad)}`;
  });

function u16le(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff];
}
function u32le(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** A .npy built around a generated header text: wrapped correctly, or with a lying header length / version / encoding. */
export const arbNpyFromText: fc.Arbitrary<Uint8Array> = fc
  .record({
    text: arbHeaderDictText,
    version: fc.oneof(
      { arbitrary: fc.constantFrom(1, 2, 3), weight: 12 },
      { arbitrary: fc.constantFrom(0, 4, 255), weight: 1 },
    ),
    minor: fc.oneof({ arbitrary: fc.constant(0), weight: 12 }, { arbitrary: fc.constant(1), weight: 1 }),
    lenMode: fc.oneof(
      { arbitrary: fc.constant('exact'), weight: 12 },
      { arbitrary: fc.constantFrom('short', 'long', 'huge', 'zero'), weight: 2 },
    ),
    encoding: fc.constantFrom('latin1', 'utf8'),
    data: fc.integer({ min: 0, max: 256 }),
    seed: fc.integer(),
  })
  .map(({ text, version, minor, lenMode, encoding, data, seed }) => {
    if (lenMode === 'exact' && minor === 0 && (version === 1 || version === 2 || version === 3)) {
      try {
        const h = wrapHeader(text, [version, 0] as NpyVersion);
        const out = new Uint8Array(h.length + data);
        out.set(h);
        out.set(fill(data, seed), h.length);
        return out;
      } catch {
        /* not latin-1 for version 1/2, or too long: build by hand below */
      }
    }
    const body =
      encoding === 'utf8'
        ? new TextEncoder().encode(text + '\n')
        : Uint8Array.from(text + '\n', (c) => c.charCodeAt(0) & 0xff);
    const lenSize = version === 1 ? 2 : 4;
    let len = body.length;
    if (lenMode === 'short') len = Math.max(0, len - 1 - (seed & 7));
    if (lenMode === 'long') len += 1 + (seed & 63);
    if (lenMode === 'huge') len = lenSize === 2 ? 0xffff : 0xffffffff;
    if (lenMode === 'zero') len = 0;
    const head = [...MAGIC_PREFIX, version & 0xff, minor, ...(lenSize === 2 ? u16le(len) : u32le(len))];
    const out = new Uint8Array(head.length + body.length + data);
    out.set(head);
    out.set(body, head.length);
    out.set(fill(data, seed), head.length + body.length);
    return out;
  });

// ------------------------------------------------------------------------------------------------ byte mutations

export type Mutation =
  | { op: 'flip'; at: number; xor: number }
  | { op: 'set'; at: number; byte: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; n: number }
  | { op: 'truncate'; at: number }
  | { op: 'append'; bytes: Uint8Array }
  | { op: 'u32'; at: number; value: number }
  | { op: 'u16'; at: number; value: number };

const INTERESTING = [...'()[]{}\'",:\\\n\r\t\x0c\x0bLjex-9_ #']
  .map((c) => c.charCodeAt(0))
  .concat([0x00, 0x80, 0xff, 0xa0, 0x93, 0x7f, 0xc3, 0xe5, 0xf0]);
const INTERESTING_U32 = [0, 1, 2, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

export const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: fc.constantFrom(...INTERESTING) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({
    op: fc.constant('u32' as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(...INTERESTING_U32), fc.nat()),
  }),
  fc.record({
    op: fc.constant('u16' as const),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(0, 1, 0xff, 0xffff, 0xfffe), fc.integer({ min: 0, max: 0xffff })),
  }),
);

export function mutate(input: Uint8Array, muts: Mutation[]): Uint8Array {
  let b = input.slice();
  for (const m of muts) {
    const at = b.length
      ? m.op === 'append'
        ? 0
        : (m as { at: number }).at % (b.length + (m.op === 'insert' || m.op === 'truncate' ? 1 : 0))
      : 0;
    switch (m.op) {
      case 'flip':
        if (b.length) b[at] ^= m.xor;
        break;
      case 'set':
        if (b.length) b[at] = m.byte;
        break;
      case 'insert': {
        const out = new Uint8Array(b.length + m.bytes.length);
        out.set(b.subarray(0, at));
        out.set(m.bytes, at);
        out.set(b.subarray(at), at + m.bytes.length);
        b = out;
        break;
      }
      case 'delete':
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + m.n)]);
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'append': {
        const out = new Uint8Array(b.length + m.bytes.length);
        out.set(b);
        out.set(m.bytes, b.length);
        b = out;
        break;
      }
      case 'u32':
        if (b.length >= 4)
          new DataView(b.buffer, b.byteOffset).setUint32(Math.min(at, b.length - 4), m.value >>> 0, true);
        break;
      case 'u16':
        if (b.length >= 2)
          new DataView(b.buffer, b.byteOffset).setUint16(Math.min(at, b.length - 2), m.value & 0xffff, true);
        break;
    }
  }
  return b;
}

/** Any .npy-ish bytes: valid, valid-then-mutated, built around a generated header, or plain random bytes. */
export const arbNpyBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  { arbitrary: arbValidNpy.map((v) => v.bytes), weight: 2 },
  {
    arbitrary: fc
      .tuple(arbValidNpy, fc.array(arbMutation, { minLength: 1, maxLength: 4 }))
      .map(([v, m]) => mutate(v.bytes, m)),
    weight: 5,
  },
  { arbitrary: arbNpyFromText, weight: 5 },
  {
    arbitrary: fc
      .tuple(arbNpyFromText, fc.array(arbMutation, { minLength: 1, maxLength: 2 }))
      .map(([b, m]) => mutate(b, m)),
    weight: 2,
  },
  { arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Uint8Array.from([...MAGIC_PREFIX, ...b])), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 32 }), weight: 1 },
);

// ================================================================================================ .npz archives

export interface ZipMemberSpec {
  name: string;
  /** The member's uncompressed bytes (a .npy, usually). */
  data: Uint8Array;
  method: number;
  flags: number;
  /** Field lies written into the central directory entry. */
  crc?: number;
  compressedSize?: number;
  size?: number;
  /** Point this entry's local-header offset at another member's local header (overlapping members). */
  localOf?: number;
  extra?: Uint8Array;
  /** Precomputed compressed bytes (bombs). */
  compressed?: Uint8Array;
}

export interface ZipSpec {
  members: ZipMemberSpec[];
  /** Extra central directory entries that repeat member k (overlap). */
  duplicate?: number;
  entries?: number;
  cdSize?: number;
  cdOffset?: number;
  comment?: Uint8Array;
  commentLen?: number;
  zip64?: boolean;
}

/** Serialise a zip the way zipfile does (local header, data, central directory, EOCD), with the spec's lies. */
export function buildZip(spec: ZipSpec): Uint8Array {
  const parts: number[] = [];
  const push = (xs: ArrayLike<number>): void => {
    for (let i = 0; i < xs.length; i++) parts.push(xs[i]);
  };
  const local: { offset: number; name: Uint8Array; comp: Uint8Array; crc: number; size: number; m: ZipMemberSpec }[] =
    [];
  for (const m of spec.members) {
    const name = new TextEncoder().encode(m.name);
    const comp = m.compressed ?? (m.method === 8 ? deflateSync(m.data) : m.data);
    const crc = m.crc ?? crc32(m.data);
    const offset = parts.length;
    push([
      0x50,
      0x4b,
      0x03,
      0x04,
      20,
      0,
      ...u16le(m.flags),
      ...u16le(m.method),
      0,
      0,
      0,
      0,
      ...u32le(crc),
      ...u32le(comp.length),
      ...u32le(m.data.length),
      ...u16le(name.length),
      0,
      0,
    ]);
    push(name);
    push(comp);
    local.push({ offset, name, comp, crc, size: m.data.length, m });
  }
  const cdStart = parts.length;
  const entries = [...local];
  if (spec.duplicate !== undefined && local.length) entries.push(local[spec.duplicate % local.length]);
  for (const e of entries) {
    const m = e.m;
    const lo = m.localOf !== undefined && local.length ? local[m.localOf % local.length].offset : e.offset;
    const extra = m.extra ?? new Uint8Array(0);
    push([0x50, 0x4b, 0x01, 0x02, 20, 0, 20, 0, ...u16le(m.flags), ...u16le(m.method), 0, 0, 0, 0]);
    push([...u32le(m.crc ?? e.crc), ...u32le(m.compressedSize ?? e.comp.length), ...u32le(m.size ?? e.size)]);
    push([...u16le(e.name.length), ...u16le(extra.length), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...u32le(lo)]);
    push(e.name);
    push(extra);
  }
  const cdSize = parts.length - cdStart;
  const comment = spec.comment ?? new Uint8Array(0);
  if (spec.zip64) {
    const rec = parts.length;
    const u64 = (n: number): number[] => [...u32le(n % 0x100000000), ...u32le(Math.floor(n / 0x100000000))];
    push([0x50, 0x4b, 0x06, 0x06, ...u64(44), 45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    push([
      ...u64(spec.entries ?? entries.length),
      ...u64(spec.entries ?? entries.length),
      ...u64(spec.cdSize ?? cdSize),
      ...u64(spec.cdOffset ?? cdStart),
    ]);
    push([0x50, 0x4b, 0x06, 0x07, 0, 0, 0, 0, ...u64(rec), 1, 0, 0, 0]);
    push([0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  } else {
    push([
      0x50,
      0x4b,
      0x05,
      0x06,
      0,
      0,
      0,
      0,
      ...u16le(spec.entries ?? entries.length),
      ...u16le(spec.entries ?? entries.length),
    ]);
    push([...u32le(spec.cdSize ?? cdSize), ...u32le(spec.cdOffset ?? cdStart)]);
  }
  push(u16le(spec.commentLen ?? comment.length));
  push(comment);
  return Uint8Array.from(parts);
}

const bombCache = new Map<number, { data: Uint8Array; compressed: Uint8Array; crc: number }>();

/** A .npy of `mib` MiB of zeros, deflated (~1000:1): a zip bomb when its declared size lies or exceeds the limit. */
export function bomb(mib: number): { data: Uint8Array; compressed: Uint8Array; crc: number } {
  let b = bombCache.get(mib);
  if (!b) {
    const n = mib * 1024 * 1024;
    const header = npyHeaderBytes(DType.parse('|u1'), [n], false);
    const data = new Uint8Array(header.length + n);
    data.set(header);
    b = { data, compressed: deflateSync(data, { level: 9 }), crc: crc32(data) };
    bombCache.set(mib, b);
  }
  return b;
}

const arbMemberName = fc.oneof(
  {
    arbitrary: fc.constantFrom('a.npy', 'b.npy', 'x', 'arr_0.npy', '名.npy', '', '../evil.npy', '/abs.npy', 'a.npy'),
    weight: 4,
  },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
);

const arbMember: fc.Arbitrary<ZipMemberSpec> = fc
  .record({
    name: arbMemberName,
    data: fc.oneof(
      { arbitrary: arbValidNpy.map((v) => v.bytes), weight: 4 },
      { arbitrary: arbNpyBytes, weight: 2 },
      { arbitrary: fc.uint8Array({ maxLength: 64 }), weight: 1 },
    ),
    method: fc.oneof(
      { arbitrary: fc.constantFrom(0, 8), weight: 12 },
      { arbitrary: fc.constantFrom(1, 12, 99), weight: 1 },
    ),
    flags: fc.oneof(
      { arbitrary: fc.constantFrom(0, 0x800), weight: 12 },
      { arbitrary: fc.constantFrom(0x1, 0x8, 0xffff), weight: 1 },
    ),
    lie: sometimes(
      fc.oneof(
        fc.record({ crc: fc.nat() }),
        fc.record({ compressedSize: fc.oneof(fc.constantFrom(0, 1, 0xffffffff, 0x7fffffff), fc.nat({ max: 100000 })) }),
        fc.record({ size: fc.oneof(fc.constantFrom(0, 1, 0xffffffff, 0x7fffffff), fc.nat({ max: 100000 })) }),
        fc.record({ localOf: fc.nat({ max: 4 }) }),
        fc.record({
          extra: fc.oneof(
            fc.uint8Array({ maxLength: 24 }),
            fc
              .tuple(fc.nat({ max: 24 }), fc.uint8Array({ maxLength: 24 }))
              .map(([len, body]) => Uint8Array.from([1, 0, ...u16le(len), ...body])),
          ),
        }),
      ),
      4,
    ),
    bomb: sometimes(fc.constantFrom(1, 2, 8), 12),
  })
  .map(({ name, data, method, flags, lie, bomb: mib }) => {
    const m: ZipMemberSpec = { name, data, method, flags, ...(lie ?? {}) };
    if (mib !== undefined) {
      const b = bomb(mib);
      m.method = 8;
      m.data = b.data;
      m.compressed = b.compressed;
      m.crc ??= b.crc;
    }
    return m;
  });

export const arbZipSpec: fc.Arbitrary<ZipSpec> = fc
  .record({
    members: fc.array(arbMember, { minLength: 0, maxLength: 4 }),
    duplicate: sometimes(fc.nat({ max: 3 }), 6),
    comment: sometimes(
      fc.oneof(
        fc.uint8Array({ maxLength: 40 }),
        fc.constant(Uint8Array.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)])),
      ),
      5,
    ),
    zip64: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
    lie: sometimes(
      fc.oneof(
        fc.record({ entries: fc.oneof(fc.constantFrom(0, 1, 0xffff, 1000), fc.nat({ max: 8 })) }),
        fc.record({ cdSize: fc.oneof(fc.constantFrom(0, 45, 46, 0xffffffff), fc.nat({ max: 5000 })) }),
        fc.record({ cdOffset: fc.oneof(fc.constantFrom(0, 0xffffffff), fc.nat({ max: 5000 })) }),
        fc.record({ commentLen: fc.nat({ max: 0xffff }) }),
      ),
      4,
    ),
  })
  .map(({ members, duplicate, comment, zip64, lie }): ZipSpec => ({
    members,
    duplicate,
    comment,
    zip64,
    ...(lie ?? {}),
  }));

export const arbNpzBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  { arbitrary: arbZipSpec.map(buildZip), weight: 6 },
  {
    arbitrary: fc
      .tuple(arbZipSpec, fc.array(arbMutation, { minLength: 1, maxLength: 3 }))
      .map(([s, m]) => mutate(buildZip(s), m)),
    weight: 4,
  },
  {
    arbitrary: fc.uint8Array({ maxLength: 80 }).map((b) => Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...b])),
    weight: 1,
  },
);

// ================================================================================================ raw memmap

export interface RawParams {
  /** The file's size; its first min(size, 4 KiB) bytes exist, the rest reads as zeros (a sparse file). */
  fileSize: number;
  dtype: unknown;
  shape: unknown;
  offset: unknown;
  order: unknown;
  mode: unknown;
}

const arbOddNumber = fc.oneof(
  fc.integer({ min: -3, max: 64 }),
  fc.constantFrom(
    NaN,
    Infinity,
    -Infinity,
    -0,
    0.5,
    1.5,
    2 ** 31,
    2 ** 32,
    2 ** 53 - 1,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 62,
    2 ** 64,
    1e300,
    -(2 ** 53),
    Number.MIN_VALUE,
  ),
);

export const arbRawParams: fc.Arbitrary<RawParams> = fc.record({
  fileSize: fc.oneof(fc.integer({ min: 0, max: 4096 }), fc.constantFrom(2 ** 31, 2 ** 40, 2 ** 52)),
  dtype: fc.oneof(
    {
      arbitrary: fc.constantFrom(
        ...SIMPLE_DESCRS,
        'int32',
        'float64',
        'f',
        'i',
        'S',
        'U',
        'V',
        'O',
        '|O',
        'V2147483647',
        'S2147483647',
        '<U536870911',
        'M8[ns]',
      ),
      weight: 5,
    },
    { arbitrary: arbDescr, weight: 2 },
    { arbitrary: fc.string({ maxLength: 8 }), weight: 1 },
    {
      arbitrary: fc.constantFrom<unknown>(
        42,
        null,
        {},
        [],
        [[1, 2]],
        [['a']],
        [['a', '<i4', [-1]]],
        [['a', '<i4', 'x']],
      ),
      weight: 1,
    },
  ),
  shape: fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    arbOddNumber,
    fc.array(arbOddNumber, { maxLength: 4 }),
    fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 3 }),
    fc.constantFrom<unknown>('3', [[2]], ['2'], {}, [2n]),
  ),
  offset: fc.oneof(fc.constant(undefined), arbOddNumber, fc.constantFrom<unknown>('8', null, 8n)),
  order: fc.constantFrom<unknown>(undefined, 'C', 'F', 'A', 'K', 'X', '', 'c', null, 1),
  mode: fc.constantFrom<unknown>(
    undefined,
    'r',
    'c',
    'r+',
    'w+',
    'readonly',
    'copyonwrite',
    'readwrite',
    'write',
    'w',
    'a',
    '',
    null,
    0,
  ),
});

// ================================================================================================ view expressions

const SMALL_INTS = ['0', '1', '2', '3', '-1', '-2', '-3', '5', '24', '4', '8', '12', '-0'];
const HUGE_INTS = [
  '2147483648',
  '4294967296',
  '9007199254740991',
  '9007199254740992',
  '4611686018427387904',
  '9223372036854775807',
  '9223372036854775808',
  '10000000000000000000000000000000',
  '0x7fffffffffffffff',
  '1_000_000_000_000',
];
const ODD_NUMS = ['1.5', '1e400', '-1e400', '1e3', '0.0', '1j', '0b101', '0o17', '00', '1_2', '.5'];

const arbIntTok = fc.oneof(
  { arbitrary: fc.constantFrom(...SMALL_INTS), weight: 6 },
  { arbitrary: fc.constantFrom(...HUGE_INTS), weight: 1 },
  { arbitrary: fc.constantFrom(...ODD_NUMS), weight: 1 },
);
const arbTupleTok = fc
  .array(arbIntTok, { maxLength: 4 })
  .map((xs) => `(${xs.join(', ')}${xs.length === 1 ? ',' : ''})`);
const arbSliceTok = fc
  .tuple(fc.option(arbIntTok, { nil: '' }), fc.option(arbIntTok, { nil: '' }), fc.option(arbIntTok, { nil: undefined }))
  .map(([a, b, c]) => (c === undefined ? `${a}:${b}` : `${a}:${b}:${c}`));
const arbIndexItem = fc.oneof(
  arbIntTok,
  arbSliceTok,
  fc.constantFrom('...', 'None', 'np.newaxis', ':', '::', 'True', '[0, 1]', 'a', "'x'"),
);
const VIEW_DTYPES = [
  "'<i2'",
  "'<f8'",
  "'u1'",
  "'>i4'",
  'np.int16',
  'np.float64',
  'np.uint8',
  "'S3'",
  "'V0'",
  "'<U1'",
  "'c16'",
  "'M8[s]'",
  "'O'",
  "'x'",
  'np.void',
  "'V2147483647'",
];

export const arbViewExpr: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small' },
    { arbitrary: fc.constantFrom('a', 'b', 'c', 's', 'e', 'z', 'np', 'x'), weight: 6 },
    { arbitrary: tie('expr').map((e) => `${e}.T`), weight: 2 },
    {
      arbitrary: fc
        .tuple(tie('expr'), fc.array(arbIndexItem, { minLength: 1, maxLength: 4 }), fc.boolean())
        .map(([e, it, tr]) => `${e}[${it.join(', ')}${tr ? ',' : ''}]`),
      weight: 4,
    },
    {
      arbitrary: fc
        .tuple(
          tie('expr'),
          arbTupleTok,
          fc.constantFrom('', ", order='F'", ", order='C'", ", order='A'", ", order='X'"),
        )
        .map(([e, t, o]) => `${e}.reshape(${t}${o})`),
      weight: 2,
    },
    {
      arbitrary: fc
        .tuple(tie('expr'), fc.array(arbIntTok, { maxLength: 4 }))
        .map(([e, ax]) => `${e}.transpose(${ax.join(', ')})`),
      weight: 1,
    },
    { arbitrary: fc.tuple(tie('expr'), fc.constantFrom(...VIEW_DTYPES)).map(([e, d]) => `${e}.view(${d})`), weight: 2 },
    {
      arbitrary: fc
        .tuple(tie('expr'), arbTupleTok, arbTupleTok)
        .map(([e, s, t]) => `np.lib.stride_tricks.as_strided(${e}, shape=${s}, strides=${t})`),
      weight: 2,
    },
    { arbitrary: fc.tuple(tie('expr'), arbTupleTok).map(([e, s]) => `np.broadcast_to(${e}, ${s})`), weight: 1 },
    {
      arbitrary: fc
        .tuple(tie('expr'), arbTupleTok)
        .map(([e, s]) => `np.lib.stride_tricks.sliding_window_view(${e}, ${s})`),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(arbTupleTok, fc.constantFrom(...VIEW_DTYPES), tie('expr'), arbIntTok, arbTupleTok)
        .map(([s, d, e, o, t]) => `np.ndarray(${s}, ${d}, buffer=${e}, offset=${o}, strides=${t})`),
      weight: 1,
    },
    { arbitrary: tie('expr').map((e) => `(${e})`), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        'a.copy()',
        'c.T.copy()',
        "np.dtype('<i4')",
        'a.shape',
        'a.ctypes',
        'a.T.T',
        '-a',
        'a + 1',
        'lambda: 0',
        'a;b',
        'a\nb',
        'a[::0]',
      ),
      weight: 1,
    },
  ),
})).expr;

/** Random edits of a generated expression (insert / delete / replace a character), and deep nesting. */
export const arbViewExprText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: arbViewExpr, weight: 6 },
  {
    arbitrary: fc
      .tuple(
        arbViewExpr,
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.nat({ max: 2 }),
            fc.constantFrom(...'()[]{},:.=-+*\'"\\\n\t #0aTé\u0000\u2028'.split('')),
          ),
          { minLength: 1, maxLength: 3 },
        ),
      )
      .map(([s, edits]) => {
        let t = s;
        for (const [at, op, ch] of edits) {
          const i = t.length ? at % t.length : 0;
          t =
            op === 0
              ? t.slice(0, i) + ch + t.slice(i)
              : op === 1
                ? t.slice(0, i) + t.slice(i + 1)
                : t.slice(0, i) + ch + t.slice(i + 1);
        }
        return t;
      }),
    weight: 3,
  },
  {
    arbitrary: fc
      .tuple(
        fc.integer({ min: 1, max: 3000 }),
        fc.constantFrom('(', '-', '[', '.T', '[0]', '[None]', '.reshape(', 'np.broadcast_to('),
      )
      .map(([n, piece]) => {
        if (piece === '(') return '('.repeat(n) + 'a' + ')'.repeat(n);
        if (piece === '-') return '-'.repeat(n) + '1';
        if (piece === '[') return 'a[' + '['.repeat(n) + '0' + ']'.repeat(n) + ']';
        if (piece === '.reshape(') return 'a' + '.reshape(6)'.repeat(Math.min(n, 500));
        if (piece === 'np.broadcast_to(') return 'np.broadcast_to('.repeat(n) + 'a' + ', (2, 3))'.repeat(n);
        return 'a' + piece.repeat(n);
      }),
    weight: 1,
  },
  { arbitrary: fc.string({ maxLength: 24 }), weight: 1 },
);
