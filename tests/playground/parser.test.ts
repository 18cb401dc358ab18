/** Tokenizer and parser: the subset, source spans, and errors with Python's messages at their line and column. */
import { describe, expect, it, test } from 'vitest';
import { PySyntaxError } from '../../src-main/playground/runtime/errors';
import type { Expr } from '../../src-main/playground/language/ast';
import { isIncomplete, parse, parseExpression } from '../../src-main/playground/language/parser';
import { splitInputs, tokenize } from '../../src-main/playground/language/tokenizer';

function syntaxError(src: string): PySyntaxError {
  try {
    parse(src);
  } catch (e) {
    if (e instanceof PySyntaxError) return e;
    throw e;
  }
  throw new Error(`no SyntaxError for ${src}`);
}

describe('tokenizer', () => {
  it('tokens carry line, column and offsets; strings are decoded', () => {
    const t = tokenize("x = b'\\x01A' + 'a\\tb'  # c");
    expect(t.map((x) => [x.type, x.text, x.line, x.column])).toEqual([
      ['NAME', 'x', 1, 1],
      ['OP', '=', 1, 3],
      ['STRING', "b'\\x01A'", 1, 5],
      ['OP', '+', 1, 14],
      ['STRING', "'a\\tb'", 1, 16],
      ['NEWLINE', '', 1, 27],
      ['ENDMARKER', '', 1, 27],
    ]);
    expect(t[2].value).toEqual(Uint8Array.from([1, 65]));
    expect(t[4].value).toBe('a\tb');
  });
  it('joins lines inside brackets and after a backslash', () => {
    const t = tokenize('f(1,\n  2) + \\\n 3');
    expect(t.filter((x) => x.type === 'NEWLINE')).toHaveLength(1);
    expect(t.find((x) => x.text === '3')!.line).toBe(3);
  });
  it('reports errors where Python does', () => {
    expect(() => tokenize("x = 'abc")).toThrow(/unterminated string literal \(detected at line 1\)/);
    expect(syntaxError("x = 'abc").column).toBe(5);
    expect(syntaxError('foo(').pyMessage).toBe("'(' was never closed");
    expect(syntaxError('a ]').pyMessage).toBe("unmatched ']'");
    expect(syntaxError('  x = 1').pyType).toBe('IndentationError');
    expect(syntaxError('x = 1$').pyMessage).toBe('invalid syntax');
  });
  it('cuts a script into interactive inputs', () => {
    const src = 'a = (1,\n  2)\nb = 3\n\n# c\nf(1,\nx y\nz';
    expect(splitInputs(src, isIncomplete)).toEqual([
      { line: 1, text: 'a = (1,\n  2)' },
      { line: 3, text: 'b = 3' },
      { line: 4, text: '' },
      { line: 5, text: '# c' },
      { line: 6, text: 'f(1,\nx y' },
      { line: 8, text: 'z' },
    ]);
  });
});

describe('parser', () => {
  it('spans give the source text of each node (labels of temporaries)', () => {
    const src = 'p = (a+b).ctypes.data';
    const [s] = parse(src);
    expect(s.kind).toBe('Assign');
    const v = (s as { value: Expr }).value as Extract<Expr, { kind: 'Attribute' }>;
    const inner = (v.value as Extract<Expr, { kind: 'Attribute' }>).value;
    expect(src.slice(inner.start, inner.end)).toBe('a+b');
    expect([inner.line, inner.column]).toEqual([1, 6]);
  });
  it('precedence and associativity follow Python', () => {
    const e = parseExpression('-2 ** 2 * 3 + 1 < 4 == True') as Extract<Expr, { kind: 'Compare' }>;
    expect(e.ops).toEqual(['<', '==']);
    const sum = e.left as Extract<Expr, { kind: 'BinOp' }>;
    expect(sum.op).toBe('+');
    const prod = sum.left as Extract<Expr, { kind: 'BinOp' }>;
    expect(prod.op).toBe('*');
    expect((prod.left as Extract<Expr, { kind: 'UnaryOp' }>).op).toBe('-');
    const pow = parseExpression('2 ** 3 ** 2') as Extract<Expr, { kind: 'BinOp' }>;
    expect((pow.right as Extract<Expr, { kind: 'BinOp' }>).op).toBe('**');
  });
  it('statements: import forms, assignment chains, del, ; separated', () => {
    const s = parse(
      'import numpy as np, ctypes; from ctypes import (c_long as L, POINTER,)\na = b = x[1:, ::2, ...]; del a, b',
    );
    expect(s.map((x) => x.kind)).toEqual(['Import', 'ImportFrom', 'Assign', 'Delete']);
    expect((s[1] as { names: unknown }).names).toEqual([
      { name: 'c_long', asname: 'L' },
      { name: 'POINTER', asname: null },
    ]);
    expect((s[2] as { targets: unknown[] }).targets).toHaveLength(2);
    const idx = ((s[2] as { value: Expr }).value as Extract<Expr, { kind: 'Subscript' }>).index as Extract<
      Expr,
      { kind: 'Tuple' }
    >;
    expect(idx.elts.map((x) => x.kind)).toEqual(['Slice', 'Slice', 'Ellipsis']);
  });
  it('calls with keywords, *args and **kwargs', () => {
    const e = parseExpression('f(1, *a, k=2, **d)') as Extract<Expr, { kind: 'Call' }>;
    expect(e.args.map((x) => x.kind)).toEqual(['Int', 'Starred']);
    expect(e.keywords.map((k) => k.arg)).toEqual(['k', null]);
    expect(syntaxError('f(k=1, 2)').pyMessage).toBe('positional argument follows keyword argument');
    expect(syntaxError('f(k=1, k=2)').pyMessage).toBe('keyword argument repeated: k');
  });
  it('unsupported syntax is a clear error at its line and column, never a misreading', () => {
    const cases: [string, RegExp, number, number][] = [
      ['y = lambda q: q', /does not run lambda/, 1, 5],
      ['x = 1\nfor i in x: pass', /does not run 'for' loops/, 2, 1],
      ['[i for i in x]', /comprehensions/, 1, 4],
      ['a if b else c', /conditional expressions/, 1, 3],
      ['def f(): pass', /function definitions/, 1, 1],
      ["f'{x}'", /f-strings are not supported/, 1, 1],
      ['x := 1', /invalid syntax|assignment expressions/, 1, 3],
    ];
    for (const [src, msg, line, col] of cases) {
      const e = syntaxError(src);
      expect(e.pyMessage, src).toMatch(msg);
      expect([e.line, e.column], src).toEqual([line, col]);
      expect(e.kind).toBe('expression');
    }
  });
  it('invalid assignments name what they cannot assign to', () => {
    expect(syntaxError('f() = 1').pyMessage).toMatch(/^cannot assign to function call/);
    expect(syntaxError('1 = x').pyMessage).toMatch(/^cannot assign to literal/);
    expect(syntaxError('del 1').pyMessage).toBe('cannot delete literal');
  });
  it('numbers', () => {
    expect(parseExpression('0x_ff')).toMatchObject({ kind: 'Int', value: 255n });
    expect(parseExpression('1_000.5e1')).toMatchObject({ kind: 'Float', value: 10005 });
    expect(parseExpression('2**64')).toMatchObject({ kind: 'BinOp' });
    expect(syntaxError('012').pyMessage).toMatch(/leading zeros/);
  });
});

describe('nesting is bounded like CPython (never a stack overflow)', () => {
  test('3000 nested parentheses are a SyntaxError, 20 are fine', async () => {
    const { Playground } = await import('../../src-main/playground/runtime/interpreter');
    const pg = new Playground({ model: 'lp64' });
    expect(pg.runInput('('.repeat(3000) + '1' + ')'.repeat(3000)).output).toMatch(
      /SyntaxError: too many nested parentheses\n$/,
    );
    expect(pg.runInput('not '.repeat(3000) + 'True').output).toMatch(/SyntaxError: too many nested parentheses\n$/);
    expect(pg.runInput('-'.repeat(3000) + '1').output).toMatch(/SyntaxError: too many nested parentheses\n$/);
    expect(pg.runInput('('.repeat(20) + '1' + ')'.repeat(20) + ' + 1').output).toBe('2\n');
  });
});
