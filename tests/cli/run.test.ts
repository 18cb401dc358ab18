/**
 * `stridescope run SCRIPT --model M` prints what Python's >>> prompt printed for the same lines
 * (tests/fixtures/playground/expected.json, recorded from real CPython + NumPy by scripts/gen_playground_fixtures.py;
 * the LLP64 transcript derived as that script documents). Addresses are normalised on both sides.
 */
import { describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { main } from '../../src-main/cli/main';
import { normalise } from '../playground/normalise';

const golden = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'playground', 'expected.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'stridescope-run-'));

async function run(script: string, model: string) {
  const path = join(dir, `script-${Math.random().toString(36).slice(2)}.py`);
  writeFileSync(path, script);
  let text = '';
  const out = new Writable({ write: (c, _e, cb) => ((text += c.toString()), cb()) });
  const err = new Writable({ write: (_c, _e, cb) => cb() });
  const code = await main(['run', path, '--model', model], out, err);
  return { code, text };
}

describe('stridescope run reproduces the >>> transcript', () => {
  for (const name of ['seed', 'seed_llp64', 'errors', 'views_and_tricks']) {
    const c = golden.cases.find((x: { name: string }) => x.name === name);
    test(`${name} (${c.model})`, async () => {
      const script = c.inputs.map((i: { source: string }) => i.source + '\n').join('');
      const { code, text } = await run(script, c.model);
      const want = c.inputs.map((i: { output: string }) => normalise(i.output)).join('');
      expect(normalise(text)).toBe(want);
      expect(code).toBe(want.includes('Traceback (most recent call last):') ? 1 : 0);
    });
  }

  test("examples/seed.py under LLP64 shows the page's c_long(0) and c_longlong(4294967296)", async () => {
    const { code, text } = await run(readFileSync(join(__dirname, '..', '..', 'examples', 'seed.py'), 'utf8'), 'llp64');
    expect(code).toBe(0);
    expect(text).toContain('\nc_long(0)\nc_longlong(4294967296)\n');
  });

  test('the dangling pointer from a temporary is refused, never read', async () => {
    const script =
      'import numpy as np\nimport ctypes\na = np.arange(4, dtype=np.int32)\nb = np.ones(4, dtype=np.int32)\np = (a+b).ctypes.data\nctypes.cast(p, ctypes.POINTER(ctypes.c_int)).contents\n';
    const { code, text } = await run(script, 'lp64');
    expect(code).toBe(1);
    expect(text).toMatch(/LifetimeError: .*temporary `a\+b`, freed at the end of statement 5/);
  });
});

describe('a script cannot exhaust the process', () => {
  test('list(range(10**9)) is a MemoryError and the next line still runs', async () => {
    const { code, text } = await run('x = list(range(10**9))\n1 + 1\n', 'lp64');
    expect(code).toBe(1);
    expect(text).toMatch(/MemoryError: .*range\(\)/);
    expect(text.endsWith('2\n')).toBe(true);
  });
});
