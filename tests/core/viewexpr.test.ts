import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluateViewExpr } from '../../src-main/core/viewexpr';
import { parseViewExpr, tokenize } from '../../src-main/core/viewExprParser';
import { NDArray } from '../../src-main/core/ndarray';
import { DType, valueToJSON } from '../../src-main/core/dtype';
import { OwnedMemory } from '../../src-main/core/memory';
import { BoundsError, ExpressionError, LayoutError, StridescopeError } from '../../src-main/core/errors';
import fixture from '../fixtures/views/expected.json';

interface Base {
  dtype: string;
  shape: number[];
  strides: number[];
  writeable: boolean;
  bytes: string;
}
interface Expected {
  dtype: string;
  shape: number[];
  strides: number[];
  offset: number;
  flags: Record<string, boolean>;
  byteBounds: { low: number; high: number };
  inBounds: boolean;
  values?: unknown[];
  bytesC?: string;
  bytesF?: string;
}
interface Case {
  expr: string;
  base: string;
  expected?: Expected;
  error?: { type: string; message: string };
}
const fx = fixture as unknown as { bases: Record<string, Base>; cases: Case[] };

function makeBases(): Record<string, NDArray> {
  const out: Record<string, NDArray> = {};
  for (const [name, b] of Object.entries(fx.bases)) {
    const memory = new OwnedMemory(name, Uint8Array.from(Buffer.from(b.bytes, 'hex')), { writeable: b.writeable });
    out[name] = new NDArray({ memory, dtype: DType.parse(b.dtype), shape: b.shape, strides: b.strides, label: name });
  }
  return out;
}

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('every fixture expression evaluates to what NumPy computed', () => {
  it('has the fixture', () => {
    expect(fx.cases.length).toBeGreaterThan(120);
  });
  for (const c of fx.cases) {
    it(c.expr, () => {
      const names = makeBases();
      if (c.error) {
        const err = catchError(() => evaluateViewExpr(c.expr, names));
        expect(err).toBeInstanceOf(LayoutError);
        expect((err as StridescopeError).message).toContain(c.error.message);
        return;
      }
      const v = evaluateViewExpr(c.expr, names);
      const e = c.expected!;
      expect(v.memory).toBe(names[c.base].memory);
      expect(v.dtype.str).toBe(e.dtype);
      expect(v.shape).toEqual(e.shape);
      expect(v.strides).toEqual(e.strides);
      expect(v.offset).toBe(e.offset);
      expect(v.flags).toEqual(e.flags);
      expect(v.byteBounds).toEqual(e.byteBounds);
      if (e.inBounds) {
        expect(v.values(24).map((x) => valueToJSON(x, v.dtype))).toEqual(e.values);
        if (e.bytesC !== undefined) expect(Buffer.from(v.toBytes('C')).toString('hex')).toBe(e.bytesC);
      } else {
        expect(() => v.values()).toThrow(BoundsError);
      }
    });
  }
});

describe('tokenizer', () => {
  it('produces Python-like tokens with 1-based line and column', () => {
    const toks = tokenize("a[:, ::-1].view('<i2')  # comment");
    expect(toks.map((t) => [t.type, t.value, t.column])).toEqual([
      ['NAME', 'a', 1],
      ['OP', '[', 2],
      ['OP', ':', 3],
      ['OP', ',', 4],
      ['OP', ':', 6],
      ['OP', ':', 7],
      ['OP', '-', 8],
      ['NUMBER', '1', 9],
      ['OP', ']', 10],
      ['OP', '.', 11],
      ['NAME', 'view', 12],
      ['OP', '(', 16],
      ['STRING', "'<i2'", 17],
      ['OP', ')', 22],
      ['NEWLINE', '', 34],
      ['ENDMARKER', '', 34],
    ]);
    expect(toks.every((t) => t.line === 1)).toBe(true);
  });

  it('reads numbers, strings, operators and ... like Python', () => {
    const values = (s: string) =>
      tokenize(s)
        .filter((t) => t.type !== 'NEWLINE' && t.type !== 'ENDMARKER')
        .map((t) => `${t.type}:${t.value}`);
    expect(values('0x1F 1_000 1.5e-3 .5 7. 2j')).toEqual([
      'NUMBER:0x1F',
      'NUMBER:1_000',
      'NUMBER:1.5e-3',
      'NUMBER:.5',
      'NUMBER:7.',
      'NUMBER:2j',
    ]);
    expect(values(`"a\\"b" r'\\d' b'x'`)).toEqual(['STRING:"a\\"b"', "STRING:r'\\d'", "STRING:b'x'"]);
    expect(values('a[...]//2**3 != -x')).toEqual([
      'NAME:a',
      'OP:[',
      'OP:...',
      'OP:]',
      'OP://',
      'NUMBER:2',
      'OP:**',
      'NUMBER:3',
      'OP:!=',
      'OP:-',
      'NAME:x',
    ]);
  });

  it('joins lines inside brackets, tracks lines, emits INDENT/DEDENT', () => {
    const t = tokenize('f(1,\n  2)\nif x:\n    y\nz');
    expect(t.map((x) => x.type)).toEqual([
      'NAME',
      'OP',
      'NUMBER',
      'OP',
      'NUMBER',
      'OP',
      'NEWLINE',
      'NAME',
      'NAME',
      'OP',
      'NEWLINE',
      'INDENT',
      'NAME',
      'NEWLINE',
      'DEDENT',
      'NAME',
      'NEWLINE',
      'ENDMARKER',
    ]);
    const two = t.find((x) => x.value === '2')!;
    expect([two.line, two.column]).toEqual([2, 3]);
  });

  it('reports bad input with its column', () => {
    const col = (s: string) => (catchError(() => tokenize(s)) as ExpressionError).column;
    expect(col("a.view('<i2)")).toBe(8);
    expect(col('a[0] $ 1')).toBe(6);
    expect(col('a[0')).toBe(2);
    expect(col('a)')).toBe(2);
  });
});

describe('parser', () => {
  it('builds an AST of attribute, call, subscript and slice nodes', () => {
    const ast = parseViewExpr("a.reshape((4, 6), order='F')[1:, ::-2, None, ...]");
    expect(ast.kind).toBe('Subscript');
    if (ast.kind !== 'Subscript') return;
    expect(ast.value.kind).toBe('Call');
    if (ast.value.kind === 'Call') {
      expect(ast.value.args.map((x) => x.kind)).toEqual(['Tuple']);
      expect(ast.value.keywords.map((k) => k.arg)).toEqual(['order']);
    }
    expect(ast.index.kind).toBe('Tuple');
    if (ast.index.kind === 'Tuple')
      expect(ast.index.elts.map((x) => x.kind)).toEqual(['Slice', 'Slice', 'Constant', 'Ellipsis']);
  });

  it('parses nested tuples, negative numbers, trailing commas', () => {
    const ast = parseViewExpr('f(((1, -2), (3,)), x=-4,)');
    expect(JSON.stringify(ast)).toContain('"op":"-"');
    expect(ast.kind).toBe('Call');
    if (ast.kind === 'Call') {
      const t = ast.args[0];
      expect(t.kind === 'Tuple' && t.elts.map((x) => (x.kind === 'Tuple' ? x.elts.length : -1))).toEqual([2, 1]);
    }
  });
});

describe('what is not a view expression is an ExpressionError at the right column', () => {
  const names = () => makeBases();
  const cases: [string, number][] = [
    ['a + 1', 3],
    ['a[0] * 2', 6],
    ['a[[0, 1]]', 3],
    ['a[a]', 3],
    ['a[True]', 3],
    ['lambda: a', 1],
    ['a if a else a', 3],
    ['b2[0]', 1],
    ['a.shape', 3],
    ['a.sum()', 3],
    ['np.zeros(3)', 4],
    ['a.view(np.bogus)', 11],
    ["a.view('<q9')", 8],
    ['a[1.5]', 3],
    ['a[0:1.5]', 5],
    ['a.reshape(4, 6, orde="F")', 17],
    ['3', 1],
    ['a = a[0]', 3],
    ['a[0]\na[1]', 1],
    ['np.ndarray((2,), np.int32)', 11],
    ['-a', 1],
    ['a.T.T.T(1)', 8],
    ['a[]', 2],
    ['np.broadcast_to(a)', 16],
    ['a.view([1, 2])', 8],
    ["a.view([('x', '<i4'), ('x', '<i4')])", 8],
    ["a.view(('<i4', 'x'))", 8],
  ];
  for (const [src, column] of cases) {
    it(src, () => {
      const err = catchError(() => evaluateViewExpr(src, names()));
      expect(err).toBeInstanceOf(ExpressionError);
      expect((err as ExpressionError).column).toBe(column);
      expect((err as ExpressionError).kind).toBe('expression');
    });
  }
  it('names the line too when the source has several', () => {
    const err = catchError(() => evaluateViewExpr('a[\n  0] + 1', names())) as ExpressionError;
    expect(err.column).toBe(6);
    expect(err.message).toMatch(/^line 2, column 6/);
  });
});

describe('more spellings', () => {
  it('keyword forms, np.dtype and as_strided writeable=False', () => {
    const n = makeBases();
    const v = evaluateViewExpr('np.lib.stride_tricks.as_strided(x=a, shape=[2], strides=[4], writeable=False)', n);
    expect(v.flags.WRITEABLE).toBe(false);
    expect(v.values()).toEqual([0, 1]);
    expect(evaluateViewExpr("a.view(np.dtype('>i4'))", n).dtype.str).toBe('>i4');
    expect(evaluateViewExpr('numpy.broadcast_to(a[0, 0, 0], shape=(3,))', n).strides).toEqual([0]);
    expect(evaluateViewExpr("a.reshape(shape=(6, 4), order='C')", n).shape).toEqual([6, 4]);
    expect(evaluateViewExpr("np.ndarray((2, 3), '<i4', buffer=a, order='F')", n).strides).toEqual([4, 8]);
  });

  it('evaluates arbitrary basic-index expressions like the NDArray API (property)', () => {
    const part = fc.option(fc.integer({ min: -5, max: 5 }), { nil: null });
    const arbSlice = fc.tuple(part, part, fc.constantFrom(null, -2, -1, 1, 2));
    fc.assert(
      fc.property(fc.array(arbSlice, { minLength: 1, maxLength: 3 }), (sls) => {
        const n = makeBases();
        const txt = sls.map(([s, e, st]) => `${s ?? ''}:${e ?? ''}${st === null ? '' : `:${st}`}`).join(', ');
        const v = evaluateViewExpr(`a[${txt}]`, n);
        const w = n.a.index(...sls.map(([start, stop, step]) => ({ start, stop, step })));
        expect([v.shape, v.strides, v.offset]).toEqual([w.shape, w.strides, w.offset]);
      }),
    );
  });
});
