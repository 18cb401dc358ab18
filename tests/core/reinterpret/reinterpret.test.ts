/**
 * Reinterpret against NumPy: every type at several offsets of several buffers, both byte orders, three data
 * models (tests/fixtures/ctypes/reinterpret.json from scripts/gen_ctypes_fixtures.py).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import fixture from '../../fixtures/ctypes/reinterpret.json';
import { misalignment, misalignmentOf, reinterpretBytes } from '../../../src-main/core/reinterpret';
import { floatJSON } from '../../../src-main/core/floats';
import { DType, valueToJSON } from '../../../src-main/core/dtype';
import { ArgumentError } from '../../../src-main/core/errors';

describe('reinterpretBytes equals numpy.frombuffer for every type, offset, order and model', () => {
  for (const c of fixture.cases) {
    it(`${c.model} @${c.offset} of ${c.hex.slice(0, 16)}…`, () => {
      const bytes = Uint8Array.from(Buffer.from(c.hex, 'hex'));
      const got = reinterpretBytes(bytes, c.offset, c.model as 'LP64');
      expect(got.model).toBe(c.model);
      expect(got.values).toEqual(c.values);
    });
  }
});

describe('agrees with core/dtype decode + valueToJSON', () => {
  const types: [string, string][] = [
    ['c_short', 'i2'],
    ['c_ushort', 'u2'],
    ['c_int', 'i4'],
    ['c_uint', 'u4'],
    ['c_long', 'i8'],
    ['c_ulonglong', 'u8'],
    ['c_float', 'f4'],
    ['c_double', 'f8'],
    ['float16', 'f2'],
    ['complex64', 'c8'],
    ['complex128', 'c16'],
  ];
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const got = reinterpretBytes(bytes, 0, 'lp64').values as Record<string, { le: unknown; be: unknown }>;
        for (const [t, code] of types) {
          for (const order of ['<', '>'] as const) {
            const dt = DType.parse(order + code);
            expect(got[t][order === '<' ? 'le' : 'be']).toEqual(valueToJSON(dt.decode(bytes, 0), dt));
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('misalignment', () => {
  it('address % alignment for each C type of the model', () => {
    const m = misalignment(0x1003n, 'LP64');
    expect(m.types.c_byte).toEqual({ alignment: 1, remainder: 0, aligned: true });
    expect(m.types.c_short.remainder).toBe(1);
    expect(m.types.c_long).toEqual({ alignment: 8, remainder: 3, aligned: false });
    expect(misalignment(0x1004n, 'LLP64').types.c_long.aligned).toBe(true);
    expect(misalignment(0x1004n, 'LP64').types.c_long.aligned).toBe(false);
    expect(misalignment(0x1010n).naturalAlignment).toBe(16);
    expect(misalignment(0x1006n).naturalAlignment).toBe(2);
    expect(misalignmentOf(7n, 4)).toBe(3);
  });
  it('refuses bad input', () => {
    expect(() => misalignmentOf(7n, 0)).toThrow(ArgumentError);
    expect(() => reinterpretBytes(new Uint8Array(4), 5)).toThrow(ArgumentError);
    expect(() => reinterpretBytes(new Uint8Array(4), 0, 'PDP11' as never)).toThrow(ArgumentError);
  });
  it('float spelling', () => {
    expect([floatJSON(NaN), floatJSON(Infinity), floatJSON(-Infinity), floatJSON(-0), floatJSON(1.5)]).toEqual([
      'nan',
      'inf',
      '-inf',
      '-0.0',
      1.5,
    ]);
  });
});
