import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pyFloatRepr, pyBytesRepr } from '../../../src-main/core/python/repr';

describe('pyFloatRepr', () => {
  it('round-trips and uses the Python layout', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const r = pyFloatRepr(x);
        expect(Object.is(Number(r), x)).toBe(true);
        // Python always shows a '.', or an exponent with a sign and at least two digits
        expect(r).toMatch(/^-?(\d+\.\d+|\d(\.\d+)?e[+-]\d\d+)$/);
      }),
      { numRuns: 2000 },
    );
  });
  it('edge cases', () => {
    expect([1e16, 1e15, 1e-4, 1e-5, 5e-324, 123.0, 0.5].map(pyFloatRepr)).toEqual([
      '1e+16',
      '1000000000000000.0',
      '0.0001',
      '1e-05',
      '5e-324',
      '123.0',
      '0.5',
    ]);
  });
  it('bytes', () => {
    expect(pyBytesRepr(Uint8Array.of(0x41, 0x27))).toBe(`b"A'"`);
    expect(pyBytesRepr(Uint8Array.of(0x5c, 0x0a, 0x00))).toBe(`b'\\\\\\n\\x00'`);
  });
});
