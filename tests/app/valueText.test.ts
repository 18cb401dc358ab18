/**
 * Values and dtypes as NumPy prints them, and field views `x['id']` / `x[['x', 'id']]`, through the handlers the
 * panes call: every expected string, shape, stride and offset was produced by NumPy (scripts/gen_value_text_fixtures.py).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHandlers, type Handlers } from '../../src-main/api/handlers';
import type { Result } from '../../src-main/api/contract';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'values');
interface ViewCase {
  expression: string;
  shape: number[];
  strides: number[];
  offset: number;
  dtype: string;
  dtypeRepr: string;
  elements: string[];
}
interface ArrayCase {
  file: string;
  dtypeRepr: string;
  shape: number[];
  elements: string[];
  views: ViewCase[];
}
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8')) as { arrays: Record<string, ArrayCase> };

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

let h: Handlers;
beforeAll(() => {
  h = createHandlers({ console: 'simulation' });
});
afterAll(() => h.dispose());

describe.each(Object.entries(expected.arrays))('%s', (_name, c) => {
  it('shows repr(dtype) and str(x[i]) as NumPy prints them', async () => {
    const s = ok(await h.openByUser(join(FIX, c.file), 'drop'));
    expect(s.dtype.repr).toBe(c.dtypeRepr);
    expect(s.valueTexts).toEqual(c.elements.slice(0, s.valueTexts.length));
    const w = ok(await h.walk(s.id, 'x', 0, 100));
    expect(w.steps.map((st) => st.text)).toEqual(c.elements);
    const first = ok(
      await h.locateIndex(
        s.id,
        c.shape.map(() => 0),
      ),
    );
    expect(first.text).toBe(c.elements[0]);
  });

  it.each(c.views.map((v) => [v.expression, v] as const))('walks %s as NumPy views it', async (_e, v) => {
    const s = ok(await h.openByUser(join(FIX, c.file), 'drop'));
    const w = ok(await h.walk(s.id, v.expression, 0, 100));
    expect(w.view.shape).toEqual(v.shape);
    expect(w.view.strides).toEqual(v.strides);
    expect(w.view.offset).toBe(v.offset);
    expect(w.view.dtype).toBe(v.dtype);
    expect(w.view.dtypeRepr).toBe(v.dtypeRepr);
    expect(w.steps.map((st) => st.text)).toEqual(v.elements);
    // `a` stays an alias of the open array
    const same = ok(await h.walk(s.id, v.expression.replace(/^x/, 'a'), 0, 1));
    expect(same.view.offset).toBe(v.offset);
  });
});

describe('field views refuse what NumPy refuses', () => {
  it('names the missing field and the column', async () => {
    const s = ok(await h.openByUser(join(FIX, 'rec.npy'), 'drop'));
    const r = await h.walk(s.id, "x['nope']", 0, 1);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe('expression');
      expect(r.error.message).toContain('no field of name nope');
      expect(r.error.column).toBe(3);
    }
    const plain = ok(await h.openByUser(join(FIX, 'f64.npy'), 'drop'));
    const r2 = await h.walk(plain.id, "x['id']", 0, 1);
    expect(r2.ok).toBe(false);
  });
});
