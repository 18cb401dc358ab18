import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { valueToJSON } from '../../src-main/core/dtype';
import { FormatError, UnsupportedError, ArgumentError } from '../../src-main/core/errors';
import { NDArray } from '../../src-main/core/ndarray';
import { OwnedMemory } from '../../src-main/core/memory';
import { DType } from '../../src-main/core/dtype';
import { createAtomicSink, openFileSource, bytesSource } from '../../src-main/formats/fileSource';
import { openNpy, readNpyHeader, writeNpy, npyHeaderBytes, type NpyVersion } from '../../src-main/formats/npy';
import { BAD, expected, fixture, ownedMapper, sha256, tmpDir } from './helpers';

const npyNames = Object.keys(expected.npy);
const BIG = { maxHeaderSize: 1 << 20 };

function collect(): { sink: { write(b: Uint8Array): void }; bytes(): Uint8Array } {
  const parts: Uint8Array[] = [];
  return {
    sink: { write: (b) => parts.push(b.slice()) },
    bytes: () => {
      const n = parts.reduce((a, p) => a + p.length, 0);
      const out = new Uint8Array(n);
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.length;
      }
      return out;
    },
  };
}

describe('readNpyHeader matches numpy for every fixture', () => {
  it.each(npyNames)('%s', (name) => {
    const e = expected.npy[name];
    const src = openFileSource(fixture(name));
    try {
      const h = readNpyHeader(src, BIG);
      expect(h.version).toEqual(e.version);
      expect(h.headerLength).toBe(e.header_len);
      expect(h.dataOffset).toBe(e.data_offset);
      expect(h.dataOffset % 64).toBe(0);
      expect(h.headerText).toBe(e.header_text);
      expect(h.descr).toEqual(e.descr);
      expect(h.dtype.str).toBe(e.dtype_str);
      expect(h.dtype.itemsize).toBe(e.itemsize);
      expect(h.shape).toEqual(e.shape);
      expect(h.fortranOrder).toBe(e.fortran_order);
      const lenEnd = e.version[0] === 1 ? 10 : 12;
      expect(h.layout).toEqual({
        magic: [0, 6],
        version: [6, 8],
        headerLen: [8, lenEnd],
        dict: [lenEnd, e.dict_end],
        padding: [e.dict_end, e.data_offset],
      });
    } finally {
      src.close();
    }
  });
});

describe("openNpy maps exactly the data and reads numpy's values", () => {
  it.each(npyNames)('%s', (name) => {
    const e = expected.npy[name];
    const mapper = ownedMapper();
    const src = openFileSource(fixture(name));
    const { array, header } = openNpy(src, mapper, 'r', BIG);
    src.close();
    const nbytes = e.file_size - e.data_offset;
    if (nbytes > 0)
      expect(mapper.calls).toEqual([{ path: fixture(name), offset: e.data_offset, length: nbytes, mode: 'r' }]);
    else expect(mapper.calls).toEqual([]);
    expect(array.shape).toEqual(e.shape);
    expect(array.strides).toEqual(e.strides);
    expect(array.flags.C_CONTIGUOUS).toBe(e.flags.C_CONTIGUOUS);
    expect(array.flags.F_CONTIGUOUS).toBe(e.flags.F_CONTIGUOUS);
    expect(array.flags.WRITEABLE).toBe(false);
    expect(sha256(array.memory.read(0, array.memory.size))).toBe(e.data_sha256);
    expect(array.values(12).map((v) => valueToJSON(v, header.dtype))).toEqual(e.first);
  });
});

describe('writeNpy reproduces numpy.save byte for byte', () => {
  it.each(npyNames)('%s: read then write gives the same file', (name) => {
    const original = fs.readFileSync(fixture(name));
    const src = openFileSource(fixture(name));
    const { array, header } = openNpy(src, ownedMapper(), 'r', BIG);
    src.close();
    const out = collect();
    const info = writeNpy(out.sink, array, { version: header.version });
    expect(sha256(out.bytes())).toBe(sha256(original));
    expect(Buffer.from(out.bytes()).equals(original)).toBe(true);
    expect(info.dataOffset).toBe(header.dataOffset);
    // numpy's own choice of version is what it wrote, unless the fixture forced one
    if (!name.startsWith('v2_i4') && !name.startsWith('v3_f4')) {
      const auto = collect();
      writeNpy(auto.sink, array);
      expect(Buffer.from(auto.bytes()).equals(original)).toBe(true);
    }
  });

  const ops: Record<string, (a: NDArray) => NDArray> = {
    none: (a) => a,
    T: (a) => a.T,
    step2: (a) =>
      a.index({ start: null, stop: null, step: null }, { start: null, stop: null, step: 2 }, {
        start: null,
        stop: null,
        step: 3,
      } as never),
  };
  it.each(Object.keys(expected.write))('write case %s', (name) => {
    const c = expected.write[name];
    const src = openFileSource(fixture(c.source));
    const { array } = openNpy(src, ownedMapper(), 'r');
    src.close();
    const out = collect();
    writeNpy(out.sink, ops[c.op](array));
    expect(sha256(out.bytes())).toBe(c.sha256);
  });

  it('writes to a path through a temp file + rename, and the result reads back', () => {
    const dir = tmpDir();
    const target = path.join(dir, 'x.npy');
    fs.writeFileSync(target, 'old contents');
    const src = openFileSource(fixture('struct_nested.npy'));
    const { array } = openNpy(src, ownedMapper(), 'r');
    src.close();
    writeNpy(target, array, { sinkFor: createAtomicSink });
    expect(fs.readFileSync(target).equals(fs.readFileSync(fixture('struct_nested.npy')))).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['x.npy']); // no temp file left behind
    fs.rmSync(dir, { recursive: true });
  });

  it('a failed write leaves the target untouched and no temp file', () => {
    const dir = tmpDir();
    const target = path.join(dir, 'y.npy');
    fs.writeFileSync(target, 'keep me');
    const mem = new OwnedMemory('a', new Uint8Array(16));
    const arr = new NDArray({ memory: mem, dtype: DType.parse('<i4'), shape: [4] });
    mem.release('test');
    expect(() => writeNpy(target, arr, { sinkFor: createAtomicSink })).toThrow();
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
    expect(fs.readdirSync(dir)).toEqual(['y.npy']);
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses a version that cannot hold the header, like numpy', () => {
    const dt = DType.fromDescr([['温度', '<f4']]);
    expect(() => npyHeaderBytes(dt, [1], false, [1, 0])).toThrow(ArgumentError);
    expect(() => npyHeaderBytes(dt, [1], false, [2, 0])).toThrow(ArgumentError);
    expect(npyHeaderBytes(dt, [1], false)[6]).toBe(3);
    const big = DType.fromDescr(
      Array.from({ length: 3300 }, (_, i) => [`field_${String(i).padStart(5, '0')}`, '|u1'] as [string, string]),
    );
    expect(() => npyHeaderBytes(big, [1], false, [1, 0] as NpyVersion)).toThrow(/too big for version=\(1, 0\)/);
    expect(npyHeaderBytes(big, [1], false)[6]).toBe(2);
  });

  it('refuses object dtypes', () => {
    const arr = new NDArray({ memory: new OwnedMemory('o', 8), dtype: DType.parse('O'), shape: [1] });
    expect(() => writeNpy(collect().sink, arr)).toThrow(UnsupportedError);
  });
});

describe('openNpy modes', () => {
  it("'c' is writeable but never reaches the file; 'r+' writes through", () => {
    const dir = tmpDir();
    const file = path.join(dir, 'a.npy');
    fs.copyFileSync(fixture('i4.npy'), file);
    const before = fs.readFileSync(file);
    const src = openFileSource(file);
    const c = openNpy(src, ownedMapper(), 'c').array;
    expect(c.flags.WRITEABLE).toBe(true);
    c.memory.write(0, new Uint8Array([9, 9, 9, 9]));
    expect(c.values(1)).toEqual([0x09090909]);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    const rp = openNpy(src, ownedMapper(), 'r+').array;
    rp.memory.write(0, new Uint8Array([7, 0, 0, 0]));
    expect(fs.readFileSync(file)[expected.npy['i4.npy'].data_offset]).toBe(7);
    expect(() => openNpy(src, ownedMapper(), 'w+')).toThrow(ArgumentError);
    src.close();
    fs.rmSync(dir, { recursive: true });
  });
});

describe("headers over np.load's 10,000-character limit", () => {
  const expectedNotice = (name: string) => {
    // NumPy's own refusal (expected.json) names the length it counted; the notice names the same length and both ways out
    const numpyError = expected.npy[name].numpy_default_load_error as string;
    const length = /Header info length \((\d+)\)/.exec(numpyError)![1];
    return { numpyError, length };
  };

  it.each(['many_fields.npy', 'v2_auto_big_header.npy'])(
    '%s (written by np.save) opens, with a notice of what np.load needs',
    (name) => {
      const { numpyError, length } = expectedNotice(name);
      expect(numpyError).toMatch(/allow_pickle=True/);
      const src = openFileSource(fixture(name));
      try {
        const h = readNpyHeader(src); // default options: Stridescope's own limit, not NumPy's
        expect(h.shape).toEqual(expected.npy[name].shape);
        expect(h.dtype.fields!.length).toBeGreaterThan(500);
        expect(h.notices).toHaveLength(1);
        expect(h.notices[0]).toContain(`the header has ${length} characters, over NumPy's 10000-character limit`);
        expect(h.notices[0]).toContain(`max_header_size=${length}`);
        expect(h.notices[0]).toContain('allow_pickle=True');
      } finally {
        src.close();
      }
    },
  );

  it('headers NumPy loads without flags carry no notice', () => {
    for (const name of npyNames) {
      if (expected.npy[name].numpy_default_load_error) continue;
      const src = openFileSource(fixture(name));
      try {
        expect(readNpyHeader(src).notices, name).toEqual([]);
      } finally {
        src.close();
      }
    }
  });

  it('a padded header of 20,000 characters (bad/header_too_long.npy) opens too', () => {
    const src = openFileSource(path.join(BAD, 'header_too_long.npy'));
    try {
      const h = readNpyHeader(src);
      expect(h.shape).toEqual([6]);
      expect(h.notices[0]).toMatch(/over NumPy's 10000-character limit/);
    } finally {
      src.close();
    }
  });
});

describe('bad .npy files: typed errors at the right byte', () => {
  const cases: Array<[string, typeof FormatError | typeof UnsupportedError, number | null, RegExp]> = [
    ['zero_length.npy', FormatError, 0, /empty/],
    ['short_magic.npy', FormatError, 5, /inside the magic/],
    ['bad_magic.npy', FormatError, 0, /magic string is not correct/],
    ['bad_version.npy', FormatError, 6, /version \(4, 0\)/],
    ['bad_minor.npy', FormatError, 6, /version \(1, 1\)/],
    ['no_header_len.npy', FormatError, 9, /header-length field/],
    ['header_len_past_end.npy', FormatError, 8, /past the end of the file/],
    ['v2_header_len_huge.npy', FormatError, 8, /past the end of the file/],
    ['empty_header.npy', FormatError, 10, /header is empty/],
    ['header_not_dict.npy', FormatError, 10, /not a dictionary/],
    ['header_syntax.npy', FormatError, null, /cannot parse the header/],
    ['header_eval.npy', FormatError, 20, /not a literal/],
    ['missing_key.npy', FormatError, 10, /missing 'fortran_order'/],
    ['extra_key.npy', FormatError, null, /unknown 'x'/],
    ['invalid_descr.npy', FormatError, 20, /descr is not a valid dtype descriptor: '<q9'/],
    ['descr_not_str.npy', FormatError, 20, /descr is not a valid/],
    ['fortran_not_bool.npy', FormatError, null, /fortran_order is not a valid bool: 0/],
    ['shape_list.npy', FormatError, null, /shape is not valid: \[6\]/],
    ['negative_dim.npy', FormatError, null, /negative dimension -6/],
    ['float_dim.npy', FormatError, null, /6\.0 is not an int/],
    ['overflow_shape.npy', FormatError, null, /more than 2\*\*63/],
    ['bigint_dim.npy', FormatError, null, /does not fit/],
    ['exceeds_file.npy', FormatError, null, /whole file is only/],
    ['truncated_data.npy', FormatError, null, /shorter than the shape needs/],
    ['object.npy', UnsupportedError, null, /pickle/],
    ['struct_object.npy', UnsupportedError, null, /pickle/],
    ['shape_bool.npy', FormatError, null, /holds True, a bool: NumPy refuses it \(TypeError: an integer is required\)/],
    ['v3_bad_utf8.npy', FormatError, null, /not valid UTF-8/],
  ];
  it.each(cases)('%s', (name, cls, offset, msg) => {
    const src = openFileSource(path.join(BAD, name));
    let err: unknown;
    try {
      readNpyHeader(src);
    } catch (e) {
      err = e;
    } finally {
      src.close();
    }
    expect(err).toBeInstanceOf(cls);
    const e = err as FormatError;
    expect(e.message).toMatch(msg);
    expect(e.file).toBe(path.join(BAD, name));
    if (offset !== null) expect(e.offset).toBe(offset);
    else expect(typeof e.offset).toBe('number');
  });

  it('names the exact byte of a bad dimension', () => {
    const name = 'negative_dim.npy';
    const bytes = fs.readFileSync(path.join(BAD, name));
    let err: FormatError | undefined;
    try {
      readNpyHeader(bytesSource(name, bytes));
    } catch (e) {
      err = e as FormatError;
    }
    expect(bytes.subarray(err!.offset!, err!.offset! + 2).toString('latin1')).toBe('-6');
  });

  it('never reads more than the file or the header limit allows', () => {
    const bytes = fs.readFileSync(path.join(BAD, 'v2_header_len_huge.npy'));
    const reads: number[] = [];
    const src = bytesSource('huge', bytes);
    const spy = { path: 'huge', size: src.size, read: (o: number, l: number) => (reads.push(l), src.read(o, l)) };
    expect(() => readNpyHeader(spy)).toThrow(FormatError);
    expect(Math.max(...reads)).toBeLessThanOrEqual(12);
    // a header over Stridescope's own 1 MiB bound is refused before its text is read
    const text = "{'descr': '<i4', 'fortran_order': False, 'shape': (6,), }" + ' '.repeat((1 << 20) + 64);
    const long = Buffer.concat([
      Buffer.from('\x93NUMPY\x02\x00', 'latin1'),
      Buffer.from(new Uint32Array([text.length + 1]).buffer),
      Buffer.from(text + '\n', 'latin1'),
      Buffer.alloc(24),
    ]);
    const reads2: number[] = [];
    const src2 = bytesSource('long', long);
    expect(() =>
      readNpyHeader({ path: 'long', size: src2.size, read: (o, l) => (reads2.push(l), src2.read(o, l)) }),
    ).toThrow(/longer than 1048576 characters, the most Stridescope parses/);
    expect(Math.max(...reads2)).toBeLessThanOrEqual(12);
  });

  it('reads a Python 2 header with L suffixes', () => {
    const text = "{'descr': '<i4', 'fortran_order': False, 'shape': (2L, 3L), }";
    const pad = 64 - ((10 + text.length + 1) % 64);
    const head = Buffer.concat([
      Buffer.from([0x93]),
      Buffer.from('NUMPY'),
      Buffer.from([1, 0, (text.length + 1 + pad) & 0xff, (text.length + 1 + pad) >> 8]),
      Buffer.from(text + ' '.repeat(pad) + '\n', 'latin1'),
      Buffer.alloc(24),
    ]);
    const h = readNpyHeader(bytesSource('py2.npy', head));
    expect(h.shape).toEqual([2, 3]);
  });
});

describe('dimension limits', () => {
  const header = (shape: string) => {
    let dict = `{'descr': '<i1', 'fortran_order': False, 'shape': ${shape}, }`;
    dict = dict.padEnd(Math.ceil((10 + dict.length + 1) / 64) * 64 - 11, ' ') + '\n';
    const b = new Uint8Array(10 + dict.length + 1); // + one data byte: every shape here has one element
    b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, dict.length & 0xff, dict.length >> 8]);
    b.set(new TextEncoder().encode(dict), 10);
    return b;
  };
  it('more than 64 dimensions is refused as NumPy 2 refuses it (NPY_MAXDIMS)', () => {
    const ok = readNpyHeader(bytesSource('d64.npy', header(`(${'1, '.repeat(64)})`)));
    expect(ok.shape).toHaveLength(64);
    expect(() => readNpyHeader(bytesSource('d65.npy', header(`(${'1, '.repeat(65)})`)))).toThrow(
      /maximum supported dimension for an ndarray is currently 64, found 65/,
    );
  });
  it('a dimension past 2**53 says so (not that it does not fit 64 bits)', () => {
    expect(() => readNpyHeader(bytesSource('big.npy', header('(9007199254740993,)')))).toThrow(/past 2\*\*53/);
    expect(() => readNpyHeader(bytesSource('huge.npy', header('(9223372036854775808,)')))).toThrow(
      /does not fit in a 64-bit size/,
    );
  });
});
