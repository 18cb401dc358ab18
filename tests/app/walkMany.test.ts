/**
 * `walkMany`: the array diagram's blocks in one round trip — the same windows `walk` answers one by one, and the
 * renderer's list bounded as every other argument is (untrusted: count, length, keys).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers, type Handlers } from '../../src-main/api/handlers';
import { LIMITS, type Result } from '../../src-main/api/contract';

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

let h: Handlers;
let id: string;
beforeAll(async () => {
  h = createHandlers({ console: 'simulation' });
  id = ok(await h.openExample()).id;
});
afterAll(() => h.dispose());

describe('walkMany', () => {
  it('answers each window as walk does', async () => {
    const reqs = [
      { expression: '(x[:, ::-1])[0:1, 0:2]', start: 0, count: 2 },
      { expression: 'x.T', start: 1, count: 2 },
      { expression: 'a[1]', start: 0, count: 5 },
    ];
    const many = ok(await h.walkMany(id, reqs));
    for (let i = 0; i < reqs.length; i++) {
      expect(many[i]).toEqual(ok(await h.walk(id, reqs[i].expression, reqs[i].start, reqs[i].count)));
    }
    // x[:, ::-1] row 0: x[0, 1] = 1 at offset 4, then x[0, 0] = 0 at offset 0
    expect(many[0].steps.map((s) => [s.offset, s.text])).toEqual([
      [4, '1'],
      [0, '0'],
    ]);
  });

  it('refuses what is not a bounded list of windows', async () => {
    const bad: unknown[] = [
      'x',
      [{ expression: 'x', start: 0 }],
      [{ expression: 'x', start: 0, count: 1, extra: 1 }],
      [{ expression: 'x', start: -1, count: 1 }],
      Array.from({ length: LIMITS.maxWalkWindows + 1 }, () => ({ expression: 'x', start: 0, count: 1 })),
      [
        { expression: 'x', start: 0, count: LIMITS.maxWalkCount },
        { expression: 'x', start: 0, count: 1 },
      ],
    ];
    for (const b of bad) {
      const r = await h.walkMany(id, b as never);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.kind).toBe('argument');
    }
    const e = await h.walkMany(id, [{ expression: 'y', start: 0, count: 1 }]);
    expect(e.ok).toBe(false);
    if (!e.ok) expect(e.error.message).toContain("name 'y' is not defined");
  });
});
