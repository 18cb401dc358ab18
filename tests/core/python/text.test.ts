/**
 * core/python against CPython: every string literal decodes to what ast.literal_eval makes of it (or is refused
 * where CPython refuses it), and repr() of floats, strs, bytes and tuples is CPython's, character for character.
 * Expected values: scripts/gen_python_text_fixtures.py.
 */
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeStringBody, scanToken } from '../../../src-main/core/python/lexer';
import { pyBytesRepr, pyFloatRepr, pyStrRepr, pyTupleRepr } from '../../../src-main/core/python/repr';

interface Fixture {
  literals: { literal: string; error?: boolean; bytes?: number[]; codePoints?: number[] }[];
  floats: { value: number | string; repr: string }[];
  strs: { codePoints: number[]; repr: string }[];
  bytes: { bytes: number[]; repr: string }[];
  tuples: { items: number[]; repr: string }[];
}
const F = JSON.parse(readFileSync(join(__dirname, '../../fixtures/python/text.json'), 'utf8')) as Fixture;

/** Python's names for the floats JSON cannot hold. */
const SPECIAL: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: NaN };

function decode(literal: string): string | Uint8Array {
  const tok = scanToken(literal, 0);
  if (tok?.type !== 'STRING' || !tok.terminated || tok.end !== literal.length)
    throw new Error(`not one string literal: ${literal}`);
  const prefix = tok.prefix.toLowerCase();
  return decodeStringBody(tok.body, prefix.includes('r'), prefix.includes('b'), (msg) => {
    throw new SyntaxError(msg);
  });
}

describe('string literals decode as CPython decodes them', () => {
  for (const c of F.literals) {
    test(c.literal, () => {
      if (c.error) expect(() => decode(c.literal)).toThrow(SyntaxError);
      else if (c.bytes) expect([...(decode(c.literal) as Uint8Array)]).toEqual(c.bytes);
      else expect([...(decode(c.literal) as string)].map((ch) => ch.codePointAt(0))).toEqual(c.codePoints);
    });
  }
});

describe("repr() is CPython's", () => {
  test.each(F.floats)('float $repr', ({ value, repr }) =>
    expect(pyFloatRepr(typeof value === 'string' ? SPECIAL[value] : value)).toBe(repr),
  );
  test.each(F.strs)('str $repr', ({ codePoints, repr }) =>
    expect(pyStrRepr(String.fromCodePoint(...codePoints))).toBe(repr),
  );
  test.each(F.bytes)('bytes $repr', ({ bytes, repr }) => expect(pyBytesRepr(Uint8Array.from(bytes))).toBe(repr));
  test.each(F.tuples)('tuple $repr', ({ items, repr }) => expect(pyTupleRepr(items)).toBe(repr));
});
