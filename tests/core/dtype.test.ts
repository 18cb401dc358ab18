/**
 * core/dtype against NumPy: tests/fixtures/dtype/expected.json is written by scripts/gen_dtype_fixtures.py
 * (numpy 2.x) — str, descr, itemsize, alignment, name, fields for dtype strings and .npy descrs, and sample
 * elements as raw bytes with numpy's value. Plus fast-check round trips and the errors numpy raises.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DType, NATIVE_BYTE_ORDER, valueToJSON, type Descr, type Value } from '../../src-main/core/dtype';
import { halfToNumber, numberToHalf } from '../../src-main/core/floats';
import { DTypeError, UnsupportedError, BoundsError } from '../../src-main/core/errors';
import expected from '../fixtures/dtype/expected.json';

interface SpecCase {
  input: Descr;
  from: 'parse' | 'descr';
  str: string;
  descr: unknown;
  itemsize: number;
  alignment: number;
  name: string;
  kind: string;
  byteorder: string;
  isnative: boolean;
  hasobject: boolean;
  unit: string | null;
  swapped_descr: unknown;
  fields:
    | {
        name: string;
        title: string | null;
        offset: number;
        str: string;
        itemsize: number;
        subarray: [string, number[]] | null;
      }[]
    | null;
  subarray: [string, number[]] | null;
}
interface SampleSet {
  input: Descr;
  items: { hex: string; value: unknown }[];
}
const fixture = expected as unknown as {
  native: string;
  specs: SpecCase[];
  samples: SampleSet[];
  half_rounding: [number | string, string][];
  equal: [Descr, Descr, boolean][];
  errors: string[];
  descr_errors: Descr[];
};

const make = (input: Descr, from: 'parse' | 'descr' = typeof input === 'string' ? 'parse' : 'descr'): DType =>
  from === 'parse' ? DType.parse(input as string) : DType.fromDescr(input);
const label = (input: Descr): string => (typeof input === 'string' ? input : JSON.stringify(input));

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
function floatFromJSON(j: unknown): number {
  if (j === 'nan') return NaN;
  if (j === 'inf') return Infinity;
  if (j === '-inf') return -Infinity;
  if (j === '-0.0') return -0;
  return j as number;
}

/** The test's own inverse of the valueToJSON spelling, to build the Value numpy's JSON stands for. */
function valueFromJSON(j: unknown, dt: DType): Value {
  if (dt.fields) {
    const rec = j as Record<string, unknown>;
    const out: Record<string, Value> = {};
    for (const f of dt.fields) out[f.name] = valueFromJSON(rec[f.name], f.dtype);
    return out;
  }
  if (dt.subarray) {
    const { base, shape } = dt.subarray;
    const walk = (x: unknown, dim: number): Value =>
      dim === shape.length ? valueFromJSON(x, base) : (x as unknown[]).map((y) => walk(y, dim + 1));
    return walk(j, 0);
  }
  switch (dt.kind) {
    case 'b':
      return j as boolean;
    case 'i':
    case 'u':
      return dt.itemsize === 8 ? BigInt(j as string) : (j as number);
    case 'M':
    case 'm':
      return BigInt(j as string);
    case 'f':
      return floatFromJSON(j);
    case 'c': {
      const [re, im] = j as unknown[];
      return { re: floatFromJSON(re), im: floatFromJSON(im) };
    }
    case 'S':
    case 'V':
      return fromHex(j as string);
    case 'U':
      return j as string;
    default:
      throw new Error(`no JSON for ${dt.str}`);
  }
}

/** Deep equality with Object.is on numbers (so -0 and NaN count) and exact types (bigint vs number). */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return typeof a === typeof b && Object.is(a, b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && toHex(a) === toHex(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && same((a as never)[k], (b as never)[k]));
}

describe('machine byte order', () => {
  it('is detected as numpy saw it', () => {
    expect(NATIVE_BYTE_ORDER).toBe(fixture.native);
  });
});

describe('dtype properties match numpy', () => {
  it('has a broad fixture', () => {
    expect(fixture.specs.length).toBeGreaterThan(60);
    expect(new Set(fixture.specs.map((s) => s.kind))).toEqual(
      new Set(['b', 'i', 'u', 'f', 'c', 'S', 'U', 'V', 'M', 'm', 'O']),
    );
  });
  for (const c of fixture.specs) {
    it(`${c.from} ${label(c.input)} -> ${c.str}`, () => {
      const dt = make(c.input, c.from);
      expect(dt.str).toBe(c.str);
      expect(dt.descr).toEqual(c.descr);
      expect(dt.itemsize).toBe(c.itemsize);
      expect(dt.alignment).toBe(c.alignment);
      expect(dt.name).toBe(c.name);
      expect(dt.kind).toBe(c.kind);
      expect(dt.byteorder).toBe(c.byteorder);
      expect(dt.isNative).toBe(c.isnative);
      expect(dt.hasObject).toBe(c.hasobject);
      expect(dt.unit).toBe(c.unit);
      expect(dt.newByteOrder('S').descr).toEqual(c.swapped_descr);
      expect(dt.newByteOrder('S').newByteOrder('S').equals(dt)).toBe(true);
      if (c.fields === null) {
        expect(dt.fields).toBeNull();
      } else {
        expect(dt.fields).not.toBeNull();
        expect(
          dt.fields!.map((f) => ({
            name: f.name,
            title: f.title,
            offset: f.offset,
            str: f.dtype.str,
            itemsize: f.dtype.itemsize,
            subarray: f.dtype.subarray ? [f.dtype.subarray.base.str, f.dtype.subarray.shape] : null,
          })),
        ).toEqual(c.fields);
      }
      expect(dt.subarray ? [dt.subarray.base.str, dt.subarray.shape] : null).toEqual(c.subarray);
      // numpy's descr read back (as np.lib.format does) is the same dtype
      expect(DType.fromDescr(dt.fields ? (dt.descr as Descr) : dt.str).equals(dt)).toBe(true);
    });
  }
});

describe('equality matches numpy', () => {
  for (const [a, b, eq] of fixture.equal) {
    it(`${label(a)} ${eq ? '==' : '!='} ${label(b)}`, () => {
      expect(make(a).equals(make(b))).toBe(eq);
      expect(make(b).equals(make(a))).toBe(eq);
    });
  }
});

describe('elements: decode / encode / valueToJSON against numpy', () => {
  it('covers every decodable kind', () => {
    const kinds = new Set(fixture.samples.map((s) => make(s.input).kind));
    expect(kinds).toEqual(new Set(['b', 'i', 'u', 'f', 'c', 'S', 'U', 'V', 'M', 'm']));
  });
  for (const s of fixture.samples) {
    it(label(s.input), () => {
      const dt = make(s.input);
      // all items packed in one buffer at an odd start: decoding must honour offsets and byteOffset
      const all = fromHex('a5' + s.items.map((i) => i.hex).join(''));
      const view = all.subarray(1);
      s.items.forEach((item, k) => {
        const at = k * dt.itemsize;
        const bytes = fromHex(item.hex);
        const decoded = dt.decode(view, at);
        expect(valueToJSON(decoded, dt)).toEqual(item.value);
        const want = valueFromJSON(item.value, dt);
        expect(same(decoded, want), `decode ${item.hex}: ${String(decoded)}`).toBe(true);
        const out = new Uint8Array(dt.itemsize + 3);
        dt.encode(want, out, 3);
        expect(toHex(out.subarray(3))).toBe(item.hex);
        expect(toHex(out.subarray(0, 3))).toBe('000000'); // nothing written before the element
        expect(toHex(bytes)).toBe(item.hex);
      });
    });
  }
});

describe('float16', () => {
  it('rounds doubles to the float16 bytes numpy produces', () => {
    const dt = DType.parse('<f2');
    expect(fixture.half_rounding.length).toBeGreaterThan(400);
    const out = new Uint8Array(2);
    for (const [x, hex] of fixture.half_rounding) {
      dt.encode(floatFromJSON(x), out, 0);
      expect(toHex(out), `encode ${x}`).toBe(hex);
    }
  });
  it('decodes every bit pattern exactly and re-encodes it (NaN -> numpy canonical NaN)', () => {
    for (let h = 0; h < 0x10000; h++) {
      const x = halfToNumber(h);
      const isNaN = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      expect(Number.isNaN(x)).toBe(isNaN);
      expect(numberToHalf(x)).toBe(isNaN ? 0x7e00 : h);
    }
    expect(halfToNumber(0x0001)).toBe(2 ** -24);
    expect(Object.is(halfToNumber(0x8000), -0)).toBe(true);
    expect(halfToNumber(0x7bff)).toBe(65504);
    expect(halfToNumber(0xfc00)).toBe(-Infinity);
  });
});

const NUMERIC: { spec: string; arb: fc.Arbitrary<Value> }[] = [
  { spec: 'b1', arb: fc.boolean() },
  { spec: 'i1', arb: fc.integer({ min: -128, max: 127 }) },
  { spec: 'u1', arb: fc.integer({ min: 0, max: 255 }) },
  { spec: 'i2', arb: fc.integer({ min: -32768, max: 32767 }) },
  { spec: 'u2', arb: fc.integer({ min: 0, max: 65535 }) },
  { spec: 'i4', arb: fc.integer() },
  { spec: 'u4', arb: fc.integer({ min: 0, max: 2 ** 32 - 1 }) },
  { spec: 'i8', arb: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
  { spec: 'u8', arb: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) },
  { spec: 'M8[ns]', arb: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
  { spec: 'm8[25s]', arb: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) },
  { spec: 'f2', arb: fc.integer({ min: 0, max: 0xffff }).map(halfToNumber) },
  { spec: 'f4', arb: fc.float() },
  { spec: 'f8', arb: fc.double() },
  { spec: 'c8', arb: fc.record({ re: fc.float(), im: fc.float() }) },
  { spec: 'c16', arb: fc.record({ re: fc.double(), im: fc.double() }) },
];

describe('round trips (fast-check)', () => {
  for (const { spec, arb } of NUMERIC) {
    it(`${spec}: decode(encode(v)) == v in both byte orders, and '>' bytes are '<' bytes reversed per scalar`, () => {
      const le = DType.parse(`<${spec}`);
      const be = DType.parse(`>${spec}`);
      fc.assert(
        fc.property(arb, fc.integer({ min: 0, max: 7 }), (v, at) => {
          const a = new Uint8Array(at + le.itemsize);
          const b = new Uint8Array(at + be.itemsize);
          le.encode(v, a, at);
          be.encode(v, b, at);
          expect(same(le.decode(a, at), v)).toBe(true);
          expect(same(be.decode(b, at), v)).toBe(true);
          const part = le.kind === 'c' ? le.itemsize / 2 : le.itemsize;
          for (let p = 0; p < le.itemsize; p += part) {
            expect(toHex(b.subarray(at + p, at + p + part))).toBe(toHex(a.subarray(at + p, at + p + part).reverse()));
          }
        }),
        { numRuns: 300 },
      );
    });
  }
  it('U: strings without trailing NULs round trip (UCS4, astral code points count once)', () => {
    const dt = DType.parse('>U6');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 6 }), (s) => {
        const cps = Array.from(s);
        fc.pre(cps.length <= 6 && !s.endsWith('\0'));
        const out = new Uint8Array(24);
        dt.encode(s, out, 0);
        expect(dt.decode(out, 0)).toBe(s);
      }),
    );
  });
  it('structured with subarray: decode(encode(v)) == v', () => {
    const dt = DType.fromDescr([
      ['a', '<i2', [2, 3]],
      ['', '|V3'],
      [
        'b',
        [
          ['x', '>f8'],
          ['y', '|b1'],
        ],
      ],
    ]);
    const arb = fc.record({
      a: fc.array(fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 3, maxLength: 3 }), {
        minLength: 2,
        maxLength: 2,
      }),
      b: fc.record({ x: fc.double(), y: fc.boolean() }),
    });
    fc.assert(
      fc.property(arb, (v) => {
        const out = new Uint8Array(dt.itemsize);
        dt.encode(v as Value, out, 0);
        expect(same(dt.decode(out, 0), v)).toBe(true);
      }),
    );
  });
});

describe('errors', () => {
  for (const spec of fixture.errors) {
    it(`numpy refuses ${JSON.stringify(spec)}: DTypeError`, () => {
      expect(() => DType.parse(spec)).toThrow(DTypeError);
    });
  }
  for (const d of fixture.descr_errors) {
    it(`numpy refuses descr ${label(d)}: DTypeError`, () => {
      expect(() => DType.fromDescr(d)).toThrow(DTypeError);
    });
  }
  it('says what was expected', () => {
    try {
      DType.parse('i3');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DTypeError);
      expect((e as DTypeError).kind).toBe('dtype');
      expect((e as DTypeError).expected).toBeTruthy();
      expect((e as DTypeError).message).toContain('i3');
    }
  });
  it('refuses malformed descrs', () => {
    for (const bad of [
      42,
      null,
      [['a']],
      [['a', '<i4', [2], 'x']],
      [[['t'], '<i4']],
      [['a', '<i4', [1.5]]],
      [['a', 7]],
    ]) {
      expect(() => DType.fromDescr(bad as unknown as Descr), JSON.stringify(bad)).toThrow(DTypeError);
    }
  });
  it('refuses values that do not fit', () => {
    const out = new Uint8Array(16);
    const cases: [string, Value][] = [
      ['i1', 128],
      ['u1', -1],
      ['i4', 1.5],
      ['u8', -1n],
      ['i8', 2n ** 63n],
      ['b1', 'yes'],
      ['S2', new Uint8Array(3)],
      ['U2', 'abc'],
      ['f8', 'x'],
      ['c16', [1, 2]],
      ['M8[s]', 1.5],
    ];
    for (const [spec, v] of cases) expect(() => DType.parse(spec).encode(v, out, 0), spec).toThrow(DTypeError);
    const st = DType.fromDescr([
      ['a', '<i4'],
      ['b', '<i4'],
    ]);
    expect(() => st.encode({ a: 1 }, out, 0)).toThrow(DTypeError);
    const sub = DType.fromDescr([['m', '<i4', [2]]]);
    expect(() => sub.encode({ m: [1, 2, 3] }, out, 0)).toThrow(DTypeError);
  });
  it('bounds-checks element reads and writes', () => {
    const dt = DType.parse('<i4');
    expect(() => dt.decode(new Uint8Array(6), 3)).toThrow(BoundsError);
    expect(() => dt.decode(new Uint8Array(6), -1)).toThrow(BoundsError);
    expect(() => dt.encode(1, new Uint8Array(3), 0)).toThrow(BoundsError);
    expect(dt.decode(new Uint8Array([0, 0, 1, 0, 0, 0]), 2)).toBe(1);
  });
  it('object and long double dtypes parse but do not decode', () => {
    expect(DType.parse('O').hasObject).toBe(true);
    expect(
      DType.fromDescr([
        ['a', '<i4'],
        ['o', '|O'],
      ]).hasObject,
    ).toBe(true);
    expect(() => DType.parse('O').decode(new Uint8Array(8), 0)).toThrow(UnsupportedError);
    expect(() => DType.parse('g').decode(new Uint8Array(16), 0)).toThrow(UnsupportedError);
    expect(() => valueToJSON(0, DType.parse('O'))).toThrow(UnsupportedError);
  });
});

describe('details', () => {
  it('a shape prefix without a comma is a subarray dtype, as np.dtype says', () => {
    // np.dtype('(2,)i4') == np.dtype('2i4') == np.dtype(('<i4', (2,))); np.dtype('(2,3)>f2').subdtype == (>f2, (2, 3))
    for (const spec of ['(2,)i4', '2i4', ' (2,) <i4']) {
      const dt = DType.parse(spec);
      expect([dt.itemsize, dt.subarray?.base.str, dt.subarray?.shape]).toEqual([8, '<i4', [2]]);
    }
    const d = DType.parse('(2,3)>f2');
    expect([d.itemsize, d.subarray?.base.str, d.subarray?.shape]).toEqual([12, '>f2', [2, 3]]);
    expect(() => DType.parse('(2,x)i4')).toThrow(/not understood/);
  });
  it('newByteOrder sets, swaps and ignores as numpy does', () => {
    const st = DType.fromDescr([
      ['a', '<i4'],
      ['b', [['c', '>f8']]],
      ['s', '|S3'],
    ]);
    expect(st.newByteOrder('>').descr).toEqual([
      ['a', '>i4'],
      ['b', [['c', '>f8']]],
      ['s', '|S3'],
    ]);
    expect(st.newByteOrder('<').descr).toEqual([
      ['a', '<i4'],
      ['b', [['c', '<f8']]],
      ['s', '|S3'],
    ]);
    expect(st.newByteOrder('|').descr).toEqual(st.descr);
    expect(DType.parse('>u2').newByteOrder('S').str).toBe('<u2');
    expect(DType.parse('|u1').newByteOrder('>').str).toBe('|u1');
    expect(() => DType.parse('i4').newByteOrder('=' as never)).toThrow(DTypeError);
  });
  it('decoding S/V copies the item; U strips only trailing NULs', () => {
    const bytes = new Uint8Array([0x61, 0, 0x62, 0]);
    const v = DType.parse('S4').decode(bytes, 0) as Uint8Array;
    bytes[0] = 0x7a;
    expect(Array.from(v)).toEqual([0x61, 0, 0x62, 0]);
    const u = new Uint8Array(12);
    new DataView(u.buffer).setUint32(4, 0x62, true);
    expect(DType.parse('<U3').decode(u, 0)).toBe('\0b');
  });
  it('decoders are cached per dtype and decode many elements in a row', () => {
    const dt = DType.parse('<f8');
    const n = 200_000;
    const buf = new Uint8Array(new Float64Array(Array.from({ length: n }, (_, i) => i * 0.5)).buffer);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += dt.decode(buf, i * 8) as number;
    expect(sum).toBe((0.5 * (n - 1) * n) / 2);
  });
});
