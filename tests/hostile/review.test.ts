/**
 * Regressions from the safety review: the console's memory budget (huge arrays, lists, ints refused at once,
 * not an OOM of the main process), mappings released on console reset / failed np.load / script end, readAt's
 * argument checks, writes into a mapping under the SIGBUS guard, the app-URL check behind navigation and IPC
 * trust, and a corrupted recent-files list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { createHandlers, type Handlers } from '../../src-main/api/handlers';
import type { ConsoleRunResult, Result } from '../../src-main/api/contract';
import { AllocationBudget, OwnedMemory, withAllocationBudget, MemoryBudgetError } from '../../src-main/core/memory';
import { DType } from '../../src-main/core/dtype';
import { npyHeaderBytes } from '../../src-main/formats/npy';
import { Playground } from '../../src-main/playground/runtime/interpreter';
import { runScript } from '../../src-main/cli/run';
import { mapFile, MappedMemory } from '../../src-main/platform/mappedMemory';
import { readAt } from '../../src-main/platform/nativeKernels';
import { isAppUrl } from '../../src-main/electron/security';
import { tmpDir } from './helpers';

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

/** Mappings of `file` in this process (Linux: /proc/self/maps), or null where there is no /proc. */
function mappingsOf(file: string): number | null {
  if (process.platform !== 'linux') return null;
  const real = fs.realpathSync(file);
  return fs
    .readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .filter((l) => l.endsWith(real)).length;
}

/** A .npy whose header promises `n` float64 elements, made sparse (nothing written but the header). */
function sparseNpy(file: string, n: number): void {
  const head = npyHeaderBytes(DType.parse('<f8'), [n], false);
  fs.writeFileSync(file, head);
  fs.truncateSync(file, head.length + n * 8);
}

let dir: string;
let h: Handlers;
beforeAll(() => {
  dir = tmpDir('sk-review-');
  h = createHandlers({ recentFile: join(dir, 'recent.json'), consoleDir: join(dir, 'console'), console: 'simulation' });
});
afterAll(() => {
  h.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the console refuses huge work at once (memory budget)', () => {
  const huge = [
    ['np.zeros(10**12)', 'MemoryError'],
    ['np.zeros(10**9, dtype=np.int8)', 'MemoryError'],
    ['np.ones((10**5, 10**5))', 'MemoryError'],
    ['np.arange(10**10)', 'MemoryError'],
    ['list(range(10**9))', 'MemoryError'],
    ['[0] * 10**9', 'MemoryError'],
    ["'ab' * 10**9", 'MemoryError'],
    ['bytes(10**10)', 'MemoryError'],
    ['10**10**8', 'MemoryError'],
    ['1 << 10**10', 'MemoryError'],
    ['np.broadcast_to(np.zeros(1), (10**5, 10**5)) + 1', 'MemoryError'],
    ['np.broadcast_to(np.zeros(1), (10**5, 10**5)).tolist()', 'MemoryError'],
    ['list(np.broadcast_to(np.zeros(1), (10**8,)))', 'MemoryError'],
    ['np.lib.stride_tricks.as_strided(np.zeros(1), shape=(10**12,), strides=(0,)).sum()', 'MemoryError'],
  ] as const;
  it.each(huge)('%s', async (source, type) => {
    ok(await h.consoleRun('import numpy as np'));
    const t0 = performance.now();
    const r: ConsoleRunResult = ok(await h.consoleRun(source));
    const ms = performance.now() - t0;
    expect(r.raised).toBe(true);
    expect(r.inputs[0].statements[0].error?.type).toBe(type);
    expect(ms).toBeLessThan(5000); // a hang guard: refused before any work, in practice a few ms
  });

  it('still runs ordinary statements afterwards', async () => {
    const r = ok(await h.consoleRun('a = np.arange(6).reshape(2, 3)\na.sum()'));
    expect(r.raised).toBe(false);
    expect(r.output).toContain('15');
  });

  it('charges live arrays and gives the bytes back when they are freed', () => {
    const pg = new Playground({ budget: new AllocationBudget({ maxBytes: 4 << 20 }) });
    pg.runInput('import numpy as np');
    expect(pg.runInput('a = np.zeros(200000)').errors).toBe(0); // 1.6 MB each
    expect(pg.runInput('b = np.zeros(200000)').errors).toBe(0);
    const refused = pg.runInput('c = np.zeros(200000)');
    expect(refused.errors).toBe(1);
    expect(refused.statements[0].error?.type).toBe('MemoryError');
    expect(pg.budget!.live).toBeGreaterThanOrEqual(3_200_000);
    pg.runInput('del a');
    expect(pg.budget!.live).toBeLessThan(3_200_000);
    expect(pg.runInput('c = np.zeros(200000)').errors).toBe(0);
    pg.dispose();
    expect(pg.budget!.live).toBe(0);
  });

  it('refuses before allocating and leaves nothing charged', () => {
    const b = new AllocationBudget({ maxBytes: 1000 });
    expect(() => withAllocationBudget(b, () => new OwnedMemory('big', 2000))).toThrow(MemoryBudgetError);
    expect(b.live).toBe(0);
    const m = withAllocationBudget(b, () => new OwnedMemory('ok', 600));
    expect(b.live).toBe(600);
    m.release('test');
    m.release('test again');
    expect(b.live).toBe(0);
    // outside a budget nothing is limited
    expect(new OwnedMemory('free', 5000).size).toBe(5000);
  });
});

describe('mappings are released', () => {
  it.skipIf(process.platform !== 'linux')('a console reset unmaps what the old session mapped', async () => {
    ok(await h.consoleReset({}));
    ok(
      await h.consoleRun("import numpy as np\nnp.save('m.npy', np.arange(1000))\nm = np.load('m.npy', mmap_mode='r')"),
    );
    const file = join(dir, 'console', 'm.npy');
    expect(mappingsOf(file)).toBeGreaterThan(0);
    ok(await h.consoleReset({}));
    expect(mappingsOf(file)).toBe(0);
  });

  it.skipIf(process.platform !== 'linux')('np.load without mmap_mode unmaps even when the copy is refused', () => {
    const file = join(dir, 'big.npy');
    sparseNpy(file, 2 ** 27); // 1 GiB of data: more than the console budget
    const pg = new Playground({ mapper: mapFile, cwd: dir, budget: new AllocationBudget() });
    pg.runInput('import numpy as np');
    const r = pg.runInput("x = np.load('big.npy')");
    expect(r.statements[0].error?.type).toBe('MemoryError');
    expect(mappingsOf(file)).toBe(0);
    pg.dispose();
  });

  it.skipIf(process.platform !== 'linux')('stridescope run unmaps what the script left mapped', () => {
    const sub = tmpDir('sk-review-run-');
    try {
      const out = runScript(
        "import numpy as np\nnp.save('r.npy', np.arange(10))\nm = np.load('r.npy', mmap_mode='r+')\nm[0] = 42\n",
        {
          model: 'lp64',
          mapper: mapFile,
          cwd: sub,
        },
      );
      expect(out.exitCode).toBe(0);
      expect(mappingsOf(join(sub, 'r.npy'))).toBe(0);
      expect(
        runScript("import numpy as np\nnp.load('r.npy')[0]\n", { model: 'lp64', mapper: mapFile, cwd: sub }).output,
      ).toContain('42');
    } finally {
      fs.rmSync(sub, { recursive: true, force: true });
    }
  });
});

describe('readAt checks its arguments before any address arithmetic', () => {
  it('refuses inherited keys as C types and bad offsets as typed errors', () => {
    const m = new OwnedMemory('m', 16);
    for (const bad of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      expect(() => readAt(m, 0, bad as never)).toThrow(expect.objectContaining({ kind: 'argument' }));
    }
    for (const off of [1.5, -1, Number.NaN, 2 ** 60]) {
      expect(() => readAt(m, off, 'int')).toThrow(expect.objectContaining({ kind: 'bounds' }));
    }
    m.release('test');
    expect(() => readAt(m, 0, 'int')).toThrow(expect.objectContaining({ kind: 'lifetime' }));
  });
});

describe('writes into a mapping', () => {
  it('land in the file and are refused once the file is truncated', () => {
    const file = join(dir, 'w.bin');
    fs.writeFileSync(file, new Uint8Array(8192));
    const m = MappedMemory.open(file, { length: 8192, mode: 'r+' });
    try {
      m.write(4100, new Uint8Array([1, 2, 3]));
      expect([...m.read(4100, 3)]).toEqual([1, 2, 3]);
      fs.truncateSync(file, 100);
      expect(() => m.write(5000, new Uint8Array([9]))).toThrow(expect.objectContaining({ kind: 'lifetime' }));
    } finally {
      m.release('test');
    }
  });
});

describe('isAppUrl: only the app page is trusted (navigation and IPC)', () => {
  it('accepts the app:// origin main loads (any path, query or hash; no decoding)', () => {
    expect(isAppUrl('app://stridescope/index.html')).toBe(true);
    expect(isAppUrl('app://stridescope/index.html#/x?y')).toBe(true);
    expect(isAppUrl('app://StrideScope/index.html')).toBe(true);
    expect(isAppUrl('app://stridescope/%E0%A4%A')).toBe(true); // malformed escape: nothing is decoded, nothing throws
  });
  it('refuses look-alikes, and every file:// page (the app never loads one)', () => {
    for (const url of [
      'file:///opt/app/out/renderer/index.html',
      'file://server/share/app/out/renderer/index.html',
      'file:///home/u/Downloads/evil/renderer/index.html',
      'app://stridescope.evil/index.html',
      'app://other/index.html',
      'app:stridescope/index.html',
      'https://evil.example/renderer/index.html',
      'http://localhost:5173.evil.example/',
      'not a url',
      '',
    ]) {
      expect(isAppUrl(url, { devUrl: 'http://localhost:5173' }), url).toBe(false);
    }
    expect(isAppUrl('http://localhost:5173/index.html', { devUrl: 'http://localhost:5173' })).toBe(true);
    expect(isAppUrl('http://localhost:5173/index.html')).toBe(false);
    expect(isAppUrl('http://localhost:5173/', { devUrl: 'javascript:alert(1)' })).toBe(false);
  });
});

describe('a corrupted recent-files list', () => {
  it.each([
    ['not JSON', '{"oops'],
    ['an object', '{"a": 1}'],
    [
      'mixed entries',
      JSON.stringify([
        1,
        null,
        'relative/path.npy',
        '/ok/a.npy',
        '/ok/a.npy',
        'x'.repeat(10_000),
        '/nul\u0000.npy',
        { p: 1 },
        '/ok/b.npy',
      ]),
    ],
    ['huge', JSON.stringify(Array.from({ length: 100_000 }, (_, i) => `/f/${i}.npy`))],
  ])('%s', async (_name, text) => {
    const file = join(dir, `recent-${_name.replace(/\W/g, '')}.json`);
    fs.writeFileSync(file, text);
    const hh = createHandlers({ recentFile: file, console: 'simulation' });
    try {
      const list = ok(await hh.recentFiles());
      expect(list.length).toBeLessThanOrEqual(10);
      for (const p of list) expect(p.startsWith('/')).toBe(true);
      expect(new Set(list).size).toBe(list.length);
      if (_name === 'mixed entries') expect(list).toEqual(['/ok/a.npy', '/ok/b.npy']);
    } finally {
      hh.dispose();
    }
  });
});
