/**
 * View-expression fuzzing: expressions generated from the grammar (indexing, slices, .T, reshape, transpose,
 * view(dtype), as_strided, broadcast_to, sliding_window_view, np.ndarray(buffer=...)) with small, huge and odd
 * numbers, then randomly edited, deeply nested, or plain random text — over C, reversed, structured, empty and
 * 0-d arrays. Every result is read (16 values) and run through the native and TypeScript kernels, which must agree.
 */
import { describe, expect, it } from 'vitest';
import { ExpressionError } from '../../src-main/core/errors';
import { evaluateViewExpr } from '../../src-main/core/viewexpr';
import { MAX_EXPR_DEPTH } from '../../src-main/core/viewExprParser';
import { CI_RUNS } from './arbitraries';
import { arbViewExprText } from './generators';
import { fuzz, runCase, summary } from './harness';
import { viewExprTarget } from './targets';

describe('view expression fuzzing', () => {
  it(`${CI_RUNS.viewexpr} generated expressions end in a view or a typed error`, () => {
    const stats = fuzz(viewExprTarget, arbViewExprText, { numRuns: CI_RUNS.viewexpr });
    console.log(summary(stats));
    expect(stats.failures).toEqual([]);
    expect(stats.values).toBeGreaterThan(CI_RUNS.viewexpr / 20);
  });

  // found by the fuzzer: each of these overflowed the stack (RangeError) before the nesting limit
  const deep: [string, string][] = [
    ['nested parentheses', '('.repeat(5000) + 'a' + ')'.repeat(5000)],
    ['unary minus', '-'.repeat(20000) + '1'],
    ['a .T chain', 'a' + '.T'.repeat(20000)],
    ['an index chain', 'a' + '[None]'.repeat(5000)],
    ['nested calls', 'np.broadcast_to('.repeat(1000) + 'a' + ', (2, 3))'.repeat(1000)],
    ['nested lists in an index', 'a[' + '['.repeat(3000) + '0' + ']'.repeat(3000) + ']'],
  ];
  it.each(deep)('%s: an ExpressionError naming the limit, not a stack overflow', (_name, src) => {
    expect(runCase(viewExprTarget, src)).toEqual({ ok: true, typed: 'ExpressionError' });
    expect(() => evaluateViewExpr(src, {})).toThrow(ExpressionError);
    expect(() => evaluateViewExpr(src, {})).toThrow(`nests more than ${MAX_EXPR_DEPTH} levels deep`);
  });

  it('nesting up to the limit still evaluates', () => {
    const n = Math.floor(MAX_EXPR_DEPTH / 2) - 2;
    expect(runCase(viewExprTarget, '('.repeat(n) + 'a.T' + ')'.repeat(n))).toEqual({ ok: true });
    expect(runCase(viewExprTarget, 'a' + '.T'.repeat(n))).toEqual({ ok: true });
  });
});
