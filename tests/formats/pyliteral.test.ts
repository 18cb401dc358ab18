import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePyLiteral, pyRepr, PyLiteralError, type PyLiteral } from '../../src-main/formats/pyliteral';

/** Plain JS view of a literal for comparisons: tuples tagged, ints as bigint. */
function plain(v: PyLiteral): unknown {
  switch (v.kind) {
    case 'dict':
      return { dict: v.entries.map(([k, x]) => [plain(k), plain(x)]) };
    case 'list':
      return v.items.map(plain);
    case 'tuple':
      return { tuple: v.items.map(plain) };
    case 'int':
      return BigInt(v.value);
    case 'float':
      return { float: Object.is(v.value, -0) ? '-0' : v.value };
    case 'none':
      return null;
    case 'bytes':
      return { bytes: [...v.value] };
    default:
      return v.value;
  }
}
const p = (s: string) => plain(parsePyLiteral(s));

function errorColumn(s: string, encoding?: 'latin1' | 'utf8'): number {
  try {
    parsePyLiteral(s, { encoding });
  } catch (e) {
    expect(e).toBeInstanceOf(PyLiteralError);
    return (e as PyLiteralError).column;
  }
  throw new Error(`parsed: ${s}`);
}

describe('pyliteral parses what ast.literal_eval accepts', () => {
  it('tuples: empty, 1-tuple, parenthesised expression, trailing comma', () => {
    expect(p('()')).toEqual({ tuple: [] });
    expect(p('(3,)')).toEqual({ tuple: [3n] });
    expect(p('(3)')).toEqual(3n);
    expect(p('(1, 2, )')).toEqual({ tuple: [1n, 2n] });
    expect(p('1, 2')).toEqual({ tuple: [1n, 2n] });
    expect(p('((1,), ())')).toEqual({ tuple: [{ tuple: [1n] }, { tuple: [] }] });
  });
  it('strings: both quotes, escapes, prefixes, triple quotes, concatenation', () => {
    expect(p(`'a"b'`)).toBe('a"b');
    expect(p(`"a'b"`)).toBe("a'b");
    expect(p(String.raw`'\n\t\\\'\x41\101\u00e9\U0001F600\q'`)).toBe("\n\t\\'AAé😀\\q");
    expect(p(String.raw`r'\n'`)).toBe('\\n');
    expect(p(`u'x'`)).toBe('x');
    expect(p(`'''a\n'b'''`)).toBe("a\n'b");
    expect(p(`'a' "b"`)).toBe('ab');
    expect(p(String.raw`b'\x00\xff'`)).toEqual({ bytes: [0, 255] });
    expect(p(`'温度'`)).toBe('温度');
  });
  it('numbers: ints of any size, floats, signs, bases, underscores', () => {
    expect(p('0')).toEqual(0n);
    expect(p('-7')).toEqual(-7n);
    expect(parsePyLiteral('123456789012345678901234567890')).toMatchObject({
      kind: 'int',
      value: 123456789012345678901234567890n,
    });
    expect(parsePyLiteral('9007199254740991')).toMatchObject({ kind: 'int', value: 9007199254740991 });
    expect(parsePyLiteral('9007199254740992')).toMatchObject({ kind: 'int', value: 9007199254740992n });
    expect(p('0x1F')).toEqual(31n);
    expect(p('0o17')).toEqual(15n);
    expect(p('0b101')).toEqual(5n);
    expect(p('1_000')).toEqual(1000n);
    expect(p('1.5')).toEqual({ float: 1.5 });
    expect(p('.5')).toEqual({ float: 0.5 });
    expect(p('1.')).toEqual({ float: 1 });
    expect(p('1e3')).toEqual({ float: 1000 });
    expect(p('-0.0')).toEqual({ float: '-0' });
    expect(p('1e400')).toEqual({ float: Infinity });
  });
  it('constants, dicts, lists, comments, line breaks inside brackets', () => {
    expect(p('True')).toBe(true);
    expect(p('False')).toBe(false);
    expect(p('None')).toBe(null);
    expect(p("{'a': [1, (2,)],\n 'b': None, # comment\n}")).toEqual({
      dict: [
        ['a', [1n, { tuple: [2n] }]],
        ['b', null],
      ],
    });
    expect(p("{'a': 1, 'a': 2}")).toEqual({ dict: [['a', 2n]] });
    expect(p('{}')).toEqual({ dict: [] });
    expect(p('[]')).toEqual([]);
    expect(p("  {'x': 1}  \n")).toEqual({ dict: [['x', 1n]] });
  });
});

describe('pyliteral refuses everything else, with the byte column', () => {
  it.each([
    ["{'a': __import__('os')}", 6, /not a literal/],
    ['[1, 2', 5, /expected '\]'/],
    ["{'a' 1}", 5, /expected ':'/],
    ['{[1]: 2}', 1, /unhashable/],
    ['012', 0, /leading zeros/],
    ['1j', 0, /complex/],
    ["'abc", 0, /unterminated/],
    ['1 2', 2, /unexpected/],
    ['1\n2', 1, /newline/],
    ['{1, 2}', 2, /set literals/],
    ['', 0, /empty/],
    ['-True', 0, /only to numbers/],
    ['@', 0, /unexpected character/],
  ])('%j', (src, col, msg) => {
    expect(errorColumn(src)).toBe(col);
    expect(() => parsePyLiteral(src)).toThrow(msg);
  });
  it('columns are UTF-8 byte columns for utf8 text', () => {
    expect(errorColumn("{'温度': x}", 'utf8')).toBe(11);
    expect(errorColumn("{'温度': x}", 'latin1')).toBe(7);
    expect(() => parsePyLiteral('('.repeat(200) + ')'.repeat(200))).toThrow(/nesting/);
  });
});

describe('pyRepr round-trips (property)', () => {
  const leaf = fc.oneof(
    fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }).map((v): PyLiteral => ({
      kind: 'int',
      value: v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v,
      column: 0,
    })),
    // ±inf repr as 'inf' / '-inf', which ast.literal_eval refuses too (a name, not a literal): no round trip in Python either
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((v): PyLiteral => ({ kind: 'float', value: v, column: 0 })),
    fc.string({ unit: 'grapheme' }).map((v): PyLiteral => ({ kind: 'str', value: v, column: 0 })),
    fc.boolean().map((v): PyLiteral => ({ kind: 'bool', value: v, column: 0 })),
    fc.constant<PyLiteral>({ kind: 'none', column: 0 }),
  );
  const tree = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('tuple'), tie('dict')),
    list: fc.array(tie('node'), { maxLength: 4 }).map((items) => ({ kind: 'list', items, column: 0 }) as PyLiteral),
    tuple: fc.array(tie('node'), { maxLength: 4 }).map((items) => ({ kind: 'tuple', items, column: 0 }) as PyLiteral),
    dict: fc.uniqueArray(fc.tuple(fc.string(), tie('node')), { maxLength: 4, selector: ([k]) => k }).map(
      (e) =>
        ({
          kind: 'dict',
          entries: e.map(([k, v]) => [{ kind: 'str', value: k, column: 0 }, v]),
          column: 0,
        }) as PyLiteral,
    ),
  }));
  it('parse(repr(x)) == x', () => {
    fc.assert(
      fc.property(tree.node as fc.Arbitrary<PyLiteral>, (x) => {
        const text = pyRepr(x);
        const back = parsePyLiteral(text);
        // floats that are integral print as 'n.0' and must come back as floats
        expect(plain(back)).toEqual(plain(x));
      }),
      { numRuns: 300 },
    );
  });
});

describe('infinities, as ast.literal_eval treats them', () => {
  it("'inf' and '-inf' are names, not literals (Python: ValueError: malformed node)", () => {
    expect(() => parsePyLiteral('[-inf]')).toThrow(/not a literal/);
    expect(() => parsePyLiteral('inf')).toThrow(/not a literal/);
  });
});
