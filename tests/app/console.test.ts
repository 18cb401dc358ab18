/**
 * The console over IPC: the playground session in the handlers — REPL output, arrays listed for the other panes,
 * the lifetime report, the tour, the model switch, the file sandbox — and every hostile argument refused as data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandlers, type Handlers } from '../../src-main/api/handlers';
import { LIMITS, type Result } from '../../src-main/api/contract';
import { TOUR } from '../../src-main/playground/tour';
import expected from '../fixtures/playground/expected.json';
import { normalise } from '../playground/normalise';

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}
function err<T>(r: Result<T>, kind = 'argument') {
  expect(r.ok).toBe(false);
  if (r.ok) throw new Error('unreachable');
  expect(r.error.kind).toBe(kind);
  expect(typeof r.error.message).toBe('string');
  return r.error;
}

type Case = { name: string; model: 'lp64' | 'llp64'; inputs: { line: number; source: string; output: string }[] };
const cases = (expected as unknown as { cases: Case[] }).cases;

let dir: string;
let consoleDir: string;
let h: Handlers;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stridescope-console-test-'));
  consoleDir = join(dir, 'console');
  h = createHandlers({ recentFile: join(dir, 'recent.json'), consoleDir, console: 'simulation' });
});
afterAll(() => {
  h.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('the console session', () => {
  it.each(['seed', 'seed_llp64'])('types the seed page (%s) and prints what Python printed', async (name) => {
    const c = cases.find((k) => k.name === name)!;
    ok(await h.consoleReset({ model: c.model }));
    for (const input of c.inputs) {
      const r = ok(await h.consoleRun(input.source));
      expect(normalise(r.output), `>>> ${input.source}`).toBe(normalise(input.output));
      expect(r.raised).toBe(false);
    }
  });

  it('splits a pasted script into inputs as the REPL would, keeps line numbers, lists arrays for the panes', async () => {
    ok(await h.consoleReset({ model: 'lp64' }));
    const r = ok(
      await h.consoleRun(
        'import numpy as np\n\nx = np.array([[0, 1],\n              [2, 3]], dtype=np.int32)\nx\ny = x[:, ::-1]\n',
      ),
    );
    expect(r.inputs.map((i) => i.text)).toEqual([
      'import numpy as np',
      'x = np.array([[0, 1],\n              [2, 3]], dtype=np.int32)',
      'x',
      'y = x[:, ::-1]',
    ]);
    expect(r.inputs[2].output).toBe('array([[0, 1],\n       [2, 3]], dtype=int32)\n');
    expect(r.inputs[3].statements[0].line).toBe(6);
    expect(r.bound.sort()).toEqual(['_', 'np', 'x', 'y']);
    const names = r.session.arrays.map((a) => a.name).sort();
    expect(names).toEqual(['x', 'y']);
    const y = r.session.arrays.find((a) => a.name === 'y')!;
    expect(y.summary.source).toBe('playground');
    expect(y.summary.strides).toEqual([8, -4]);
    expect(y.summary.values).toEqual([1, 0, 3, 2]);
    // the bytes pane shows the allocation y lives in (x's 16 bytes), and walks land on the right bytes
    const bytes = ok(await h.readBytes(y.id, 0, 64));
    expect(bytes.hex).toBe('00000000010000000200000003000000');
    const walk = ok(await h.walk(y.id, 'a', 0, 4));
    expect(walk.steps.map((s) => s.fileOffset)).toEqual([4, 0, 12, 8]);
    expect(walk.steps.map((s) => s.value)).toEqual([1, 0, 3, 2]);
    const listed = ok(await h.listArrays()).map((a) => a.id);
    expect(listed).toContain(y.id);
    // rebinding y takes its old listing away
    const r2 = ok(await h.consoleRun('y = x.T'));
    expect(r2.closed).toEqual([y.id]);
    expect(ok(await h.listArrays()).map((a) => a.id)).not.toContain(y.id);
    err(await h.getArray(y.id), 'argument');
    const r3 = ok(await h.consoleRun('del y'));
    expect(r3.deleted).toEqual(['y']);
    expect(r3.session.arrays.map((a) => a.name)).toEqual(['x']);
  });

  it('prints errors in place, and the next input still runs', async () => {
    ok(await h.consoleReset({}));
    const r = ok(await h.consoleRun('1 +\nq\n2 * 21'));
    expect(r.raised).toBe(true);
    expect(r.inputs[0].output).toMatch(/SyntaxError: invalid syntax/);
    expect(r.inputs[1].output).toMatch(/NameError: name 'q' is not defined/);
    expect(r.inputs[2].output).toBe('42\n');
  });

  it('switches the data model: c_long is 8 bytes on LP64, 4 on LLP64 and ILP32', async () => {
    for (const [model, size] of [
      ['lp64', '8'],
      ['llp64', '4'],
      ['ilp32', '4'],
    ] as const) {
      const s = ok(await h.consoleReset({ model }));
      expect(s.model).toBe(model);
      expect(s.statements).toBe(0);
      expect(ok(await h.consoleRun('import ctypes\nctypes.sizeof(ctypes.c_long)')).output).toBe(`${size}\n`);
    }
    ok(await h.consoleReset({ model: 'lp64' }));
  });

  it('shows the temporary-array refusal as a lifetime warning, and nothing for the safe spellings', async () => {
    ok(await h.consoleReset({ model: 'lp64' }));
    ok(
      await h.consoleRun(
        'import numpy as np\nimport ctypes\na = np.arange(4, dtype=np.int32)\nb = np.ones(4, dtype=np.int32)',
      ),
    );
    ok(await h.consoleRun('c = a+b\nct = (a+b).ctypes'));
    expect(ok(await h.consoleLifetime()).warnings).toEqual([]);
    ok(await h.consoleRun('p = (a+b).ctypes.data'));
    const r = ok(await h.consoleRun('ctypes.cast(p, ctypes.POINTER(ctypes.c_int)).contents'));
    expect(r.raised).toBe(true);
    expect(r.output).toMatch(
      /LifetimeError: .* pointed into the temporary `a\+b`, freed at the end of statement 7 \(line 7: `p = \(a\+b\)\.ctypes\.data`\)/,
    );
    const life = ok(await h.consoleLifetime());
    expect(life.warnings.length).toBe(2);
    expect(life.warnings[0].message).toMatch(/line 8: `ctypes\.cast\(p, .*` was refused: .*temporary `a\+b`/);
    expect(life.warnings[1].message).toMatch(/^p = \d+ \(0x[0-9a-f]+\) pointed into the temporary `a\+b`/);
    const freed = life.allocations.filter((a) => a.state === 'freed').map((a) => a.label);
    expect(freed).toEqual(['a+b']);
    expect(
      life.allocations
        .filter((a) => a.state === 'live')
        .map((a) => a.label)
        .sort(),
    ).toEqual(['a', 'a+b', 'b', 'c']);
    expect(life.holds.some((x) => x.holder === 'p' && x.kind === 'address' && !x.keepsAlive)).toBe(true);
    expect(life.holds.some((x) => x.holder === 'ct' && x.keepsAlive)).toBe(true);
  });
});

describe('pointer reads', () => {
  it('each `.contents` / `p[i]` read names the listed array, the byte offset and the length it read (bounded)', async () => {
    ok(await h.consoleReset({ model: 'lp64' }));
    ok(
      await h.consoleRun(
        'import numpy as np\nimport ctypes\nx = np.array([[0, 1], [2, 3]], dtype=np.int32)\np = x.ctypes.data_as(ctypes.POINTER(ctypes.c_int))',
      ),
    );
    const x = ok(await h.consoleSession()).arrays.find((a) => a.name === 'x')!;
    const item = ok(await h.consoleRun('p[3]'));
    expect(item.output).toBe('3\n');
    // x[1, 1] is bytes 12..16 of x's buffer (int32, C order)
    expect(item.inputs[0].statements[0].pointerReads).toEqual([
      { id: x.id, name: 'x', fileOffset: x.summary.dataOffset + 12, length: 4 },
    ]);
    // LP64: c_long is 8 bytes — the seed's .contents spans x[0, 0] and x[0, 1]
    const contents = ok(await h.consoleRun('x.ctypes.data_as(ctypes.POINTER(ctypes.c_long)).contents'));
    expect(contents.output).toBe('c_long(4294967296)\n');
    expect(contents.inputs[0].statements[0].pointerReads).toEqual([
      { id: x.id, name: 'x', fileOffset: x.summary.dataOffset, length: 8 },
    ]);
    // statements that read no pointer carry none; a loop of reads lights its first 16
    expect(ok(await h.consoleRun('x[0, 1]')).inputs[0].statements[0].pointerReads).toBeUndefined();
    ok(await h.consoleRun('z = np.arange(40, dtype=np.int32)\nq = z.ctypes.data_as(ctypes.POINTER(ctypes.c_int))'));
    const many = ok(await h.consoleRun(Array.from({ length: 20 }, (_, i) => `q[${i}]`).join(' + ')));
    expect(many.output).toBe('190\n');
    const reads = many.inputs[0].statements[0].pointerReads!;
    expect(reads.length).toBe(16);
    expect(reads.map((r) => r.fileOffset - reads[0].fileOffset)).toEqual(Array.from({ length: 16 }, (_, i) => 4 * i));
  });
});

describe('the tour', () => {
  it('lists the steps of the seed page', async () => {
    const steps = ok(await h.tourSteps());
    expect(steps.map((s) => s.id)).toEqual(TOUR.map((s) => s.id));
    expect(steps.find((s) => s.id === 'data_as-llp64')!.model).toBe('llp64');
    expect(steps.find((s) => s.id === 'no-ctypes')!.ctypes).toBe(false);
  });

  it.each(TOUR.map((s) => [s.id] as const))('runs step %s: the console prints what the step promises', async (id) => {
    const r = ok(await h.tourRun({ id, code: true }));
    expect(r.setup.raised).toBe(false);
    expect(r.code).not.toBeNull();
    expect(normalise(r.code!.output)).toBe(r.step.expected);
    expect(r.code!.session.model).toBe(r.step.model);
    expect(r.code!.session.ctypes).toBe(r.step.ctypes);
  });

  it('without code, only prepares the step (the renderer types the code)', async () => {
    const r = ok(await h.tourRun({ id: 'temporary' }));
    expect(r.code).toBeNull();
    expect(r.setup.session.arrays.map((a) => a.name).sort()).toEqual(['a', 'b']);
    const out = ok(await h.consoleRun('p = (a+b).ctypes.data\nctypes.cast(p, ctypes.POINTER(ctypes.c_int)).contents'));
    expect(normalise(out.output)).toBe(TOUR.find((s) => s.id === 'temporary')!.expected);
  });
});

describe('files in the console', () => {
  it('reads and writes relative names inside the working directory', async () => {
    ok(await h.consoleReset({}));
    const r = ok(
      await h.consoleRun(
        "import numpy as np\na = np.arange(3, dtype=np.int16)\nnp.save('a', a)\nnp.load('a.npy')\nm = np.load('a.npy', mmap_mode='r')\nm[2]",
      ),
    );
    expect(r.raised).toBe(false);
    expect(r.output).toBe('array([0, 1, 2], dtype=int16)\nnp.int16(2)\n');
    expect(existsSync(join(consoleDir, 'a.npy'))).toBe(true);
    expect(r.session.cwd).toBe(consoleDir);
    expect(ok(await h.consoleRun("np.save('sub/../b', a)")).raised).toBe(false);
    expect(existsSync(join(consoleDir, 'b.npy'))).toBe(true);
  });

  it('a memmap that would create or extend a file past the session budget is refused before the file is touched', async () => {
    const r = ok(await h.consoleRun("m = np.memmap('huge.bin', dtype=np.float64, mode='w+', shape=(10**10,))"));
    expect(r.output).toMatch(/MemoryError: np\.memmap\("huge\.bin", mode='w\+'\) would make the file .* long/);
    expect(existsSync(join(consoleDir, 'huge.bin'))).toBe(false);
    const small = ok(
      await h.consoleRun("m = np.memmap('small.bin', dtype=np.float64, mode='w+', shape=(16,))\nm.shape"),
    );
    expect(small.output).toBe('(16,)\n');
  });

  it('refuses relative names that escape the working directory, for reading and writing', async () => {
    for (const src of [
      "np.save('../escape', a)",
      "np.load('../../etc/passwd')",
      "np.memmap('../x.bin', dtype=np.uint8, mode='r')",
      "np.save('sub/../../escape', a)",
    ]) {
      const r = ok(await h.consoleRun(src));
      expect(r.output, src).toMatch(/PermissionError: \[Errno 13\] Permission denied: .*working directory/);
    }
    expect(existsSync(join(dir, 'escape.npy'))).toBe(false);
  });

  it('reads absolute paths but writes only inside the working directory (symlinks resolved)', async () => {
    const outside = join(dir, 'outside');
    mkdirSync(outside, { recursive: true });
    ok(await h.consoleRun(`np.save(${JSON.stringify(join(consoleDir, 'abs'))}, a)`));
    expect(existsSync(join(consoleDir, 'abs.npy'))).toBe(true);
    expect(ok(await h.consoleRun(`np.load(${JSON.stringify(join(consoleDir, 'abs.npy'))})`)).output).toBe(
      'array([0, 1, 2], dtype=int16)\n',
    );
    for (const src of [
      `np.save(${JSON.stringify(join(outside, 'x'))}, a)`,
      `np.memmap(${JSON.stringify(join(outside, 'x.bin'))}, dtype=np.uint8, mode='w+', shape=(4,))`,
      `np.memmap(${JSON.stringify(join(consoleDir, 'a.npy'))}.replace('a.npy', '../outside/y.bin'), dtype=np.uint8, mode='w+', shape=(4,))`,
    ]) {
      const r = ok(await h.consoleRun(src));
      expect(r.raised, src).toBe(true);
    }
    // np.memmap's default mode is 'r+': a write
    expect(
      ok(
        await h.consoleRun(
          `np.memmap(${JSON.stringify(join(consoleDir, 'a.npy'))}.replace('a.npy', '../outside/y.bin'))`,
        ),
      ).raised,
    ).toBe(true);
    symlinkSync(outside, join(consoleDir, 'link'));
    const r = ok(await h.consoleRun("np.save('link/through', a)"));
    expect(r.output).toMatch(/PermissionError/);
    expect(existsSync(join(outside, 'through.npy'))).toBe(false);
    expect(existsSync(join(outside, 'x.npy'))).toBe(false);
  });
});

describe('hostile console arguments come back as typed errors', () => {
  it('refuses sources that are not bounded strings', async () => {
    for (const bad of [undefined, null, 42, {}, [], ['x'], true, 'a'.repeat(LIMITS.maxConsoleInput + 1), 'x = 1\0']) {
      err(await (h.consoleRun as (s: unknown) => ReturnType<Handlers['consoleRun']>)(bad));
    }
    // exactly at the limit is fine (a long comment)
    expect(ok(await h.consoleRun('#' + 'a'.repeat(LIMITS.maxConsoleInput - 1))).raised).toBe(false);
  });

  it('never evaluates JavaScript', async () => {
    const r = ok(
      await h.consoleRun("globalThis.process.exit(1)\nrequire('fs')\n__import__('os').system('true')\n(lambda: 1)()"),
    );
    expect(r.raised).toBe(true);
    expect(r.inputs.every((i) => i.raised)).toBe(true);
  });

  it('refuses reset options that are not a model and a boolean', async () => {
    const reset = h.consoleReset as (o: unknown) => ReturnType<Handlers['consoleReset']>;
    for (const bad of [
      42,
      'lp64',
      [],
      { model: 'win64' },
      { model: 'LP64 ' },
      { ctypes: 'no' },
      { model: 'lp64', extra: 1 },
      { __proto__: { model: 'x' }, toString: 1 },
    ]) {
      err(await reset(bad));
    }
    expect(ok(await reset(undefined)).model).toBe('lp64');
  });

  it('refuses tour requests for steps that do not exist', async () => {
    const run = h.tourRun as (r: unknown) => ReturnType<Handlers['tourRun']>;
    for (const bad of [
      undefined,
      'data',
      { id: 'nope' },
      { id: 1 },
      { id: 'data', code: 'yes' },
      { id: 'data', more: true },
      { id: '__proto__' },
    ]) {
      err(await run(bad));
    }
  });
});
