/**
 * The evaluator's behaviours that a transcript alone does not show: CPython's reference counting through the
 * lifetime registry (which temporaries die at the end of their statement, who keeps what alive, `del` of a
 * memmap unmapping it), and the data-model switch.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Playground } from '../../src-main/playground/runtime/interpreter';
import { PyArray } from '../../src-main/playground/numpy/arrays';
import { mapFile } from '../../src-main/platform/mappedMemory';

const SETUP = 'import numpy as np\nimport ctypes\na = np.arange(4, dtype=np.int32)\nb = np.ones(4, dtype=np.int32)\n';

function allocs(pg: Playground) {
  return pg.snapshot().allocations;
}

describe('temporaries die at the end of their statement (CPython refcounting)', () => {
  it('p = (a+b).ctypes.data: the temporary is freed; reading through p is refused, naming it and the statement', () => {
    const pg = new Playground();
    pg.run(SETUP);
    const r = pg.run('p = (a+b).ctypes.data');
    expect(r.errors).toBe(0);
    const tmp = allocs(pg).find((x) => x.label === 'a+b')!;
    expect(tmp).toMatchObject({ kind: 'temporary', state: 'freed' });
    expect(tmp.releasedBy).toBe('at the end of statement 5 (line 1: `p = (a+b).ctypes.data`)');
    const bad = pg.run('ctypes.cast(p, ctypes.POINTER(ctypes.c_int)).contents');
    expect(bad.errors).toBe(1);
    expect(bad.statements[0].error).toEqual({
      type: 'LifetimeError',
      message:
        'ctypes.cast(p, ctypes.POINTER(ctypes.c_int)) pointed into the temporary `a+b`, freed at the end of statement 5 (line 1: `p = (a+b).ctypes.data`)',
    });
    // indexing is refused the same way; nothing was read
    expect(pg.run('ctypes.cast(p, ctypes.POINTER(ctypes.c_int))[0]').statements[0].error!.type).toBe('LifetimeError');
  });

  it('c = a+b and ct = (a+b).ctypes keep the array; the warning appears nowhere else', () => {
    const pg = new Playground();
    pg.run(SETUP);
    const r = pg.run(
      'c = a+b\nct = (a+b).ctypes\nctypes.cast(c.ctypes.data, ctypes.POINTER(ctypes.c_int))[3]\nctypes.cast(ct.data, ctypes.POINTER(ctypes.c_int))[2]\n' +
        'ptr = (a*10).ctypes.data_as(ctypes.POINTER(ctypes.c_int))\nptr[1]\n(a+b).ctypes.data_as(ctypes.c_void_p).value > 0',
    );
    expect(r.errors).toBe(0);
    expect(r.output).toBe('4\n3\n10\nTrue\n');
    const byState = (st: string) =>
      allocs(pg)
        .filter((x) => x.state === st)
        .map((x) => x.label);
    // c and ct's array live on; the statement-temporaries of the last line (a+b, its c_void_p) are gone
    expect(byState('live')).toEqual(['a', 'b', 'c', 'a+b', 'a*10']);
    expect(byState('freed')).toEqual(['a+b', 'c_void_p instance']);
  });

  it('del ct frees the array it alone kept; a view keeps its base after the name goes', () => {
    const pg = new Playground();
    pg.run(SETUP);
    pg.run('ct = (a+b).ctypes\nq = ct.data\nc = a*2\nv = c[1:]');
    const live = () =>
      allocs(pg)
        .filter((x) => x.state === 'live')
        .map((x) => x.label);
    expect(live()).toContain('a+b');
    pg.run('del ct');
    expect(allocs(pg).find((x) => x.label === 'a+b')!.releasedBy).toMatch(/^by `del ct`/);
    expect(pg.run('ctypes.cast(q, ctypes.POINTER(ctypes.c_int))[0]').statements[0].error!.message).toMatch(
      /pointed into the temporary `a\+b`, freed by `del ct`/,
    );
    pg.run('del c');
    expect(live()).toContain('c');
    expect(pg.run('v').output).toBe('array([2, 4, 6], dtype=int32)\n');
    pg.run('v = None');
    expect(allocs(pg).find((x) => x.label === 'c')!.state).toBe('live'); // the REPL's _ still holds the printed view
    pg.run('0');
    expect(allocs(pg).find((x) => x.label === 'c')!.state).toBe('freed');
  });

  it("the REPL's _ keeps the last printed result alive", () => {
    const pg = new Playground();
    pg.run(SETUP);
    pg.run('a+b');
    expect(allocs(pg).find((x) => x.label === 'a+b')!.state).toBe('live');
    pg.run('1');
    expect(allocs(pg).find((x) => x.label === 'a+b')!.state).toBe('freed');
  });

  it('rebinding a name drops what it held', () => {
    const pg = new Playground();
    pg.run(SETUP + 'c = a + 1\nq = c.ctypes.data\nc = 5');
    const r = pg.run('ctypes.cast(q, ctypes.POINTER(ctypes.c_int))[0]');
    expect(r.statements[0].error!.message).toMatch(
      /pointed into `c`, freed when `c` was rebound by statement \d+ \(line 7: `c = 5`\)/,
    );
  });
});

describe('memmaps', () => {
  it('del m unmaps the file; views keep the mapping', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-mm-'));
    try {
      writeFileSync(join(dir, 'd.bin'), Buffer.from(new Int16Array([1, 2, 3, 4]).buffer));
      const pg = new Playground({ mapper: mapFile, cwd: dir });
      const r = pg.run("import numpy as np\nm = np.memmap('d.bin', dtype=np.int16, mode='r')\nv = m[2:]\nm\n");
      expect(r.output).toBe('memmap([1, 2, 3, 4], dtype=int16)\n');
      const mem = (pg.lookup('m') as PyArray).arr.memory;
      expect(mem.kind).toBe('mapped');
      pg.run('del m');
      expect(mem.alive).toBe(true); // v still maps it
      expect(pg.run('v').output).toBe('memmap([3, 4], dtype=int16)\n');
      pg.run('del v');
      expect(mem.alive).toBe(true); // the REPL's _ holds the view it printed, as in CPython
      pg.run('0');
      expect(mem.alive).toBe(false);
      expect(pg.snapshot().allocations.find((x) => x.kind === 'mapped')).toMatchObject({
        state: 'closed',
        releasedBy: expect.stringMatching(/^when `_` was replaced/),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the data model switch', () => {
  const seed = 'import numpy as np\nimport ctypes\nx = np.array([[0, 1], [2, 3]], dtype=np.int32)\n';
  const probe =
    'ctypes.sizeof(ctypes.c_long)\nx.ctypes.data_as(ctypes.POINTER(ctypes.c_long)).contents\nx.ctypes.data_as(ctypes.POINTER(ctypes.c_longlong)).contents\nx.ctypes.shape\nnp.arange(2)\nnp.dtype(np.long)\n';
  const run = (model: 'lp64' | 'llp64' | 'ilp32') =>
    new Playground({ model }).run(seed + probe).output.replace(/0x[0-9a-f]+/g, '0x…');
  it('LP64: long is 8 bytes', () => {
    expect(run('lp64')).toBe(
      "8\nc_long(4294967296)\nc_long(4294967296)\n<numpy._core._internal.c_long_Array_2 object at 0x…>\narray([0, 1])\ndtype('int64')\n",
    );
  });
  it("LLP64: long is 4 bytes, the seed's c_long(0) and c_longlong(4294967296); c_intp is c_longlong", () => {
    expect(run('llp64')).toBe(
      "4\nc_long(0)\nc_longlong(4294967296)\n<numpy._core._internal.c_longlong_Array_2 object at 0x…>\narray([0, 1])\ndtype('int32')\n",
    );
  });
  it('ILP32: 32-bit Windows — the page exactly (c_long_Array_2), and the default int is int32', () => {
    expect(run('ilp32')).toBe(
      "4\nc_long(0)\nc_longlong(4294967296)\n<numpy._core._internal.c_long_Array_2 object at 0x…>\narray([0, 1])\ndtype('int32')\n",
    );
  });
});

describe('the REPL surface', () => {
  it('errors do not stop the script; ; statements stop at the first error on their line', () => {
    const pg = new Playground();
    const r = pg.run('x = 1; y; z = 2\nx\nz');
    expect(r.errors).toBe(2);
    expect(r.output).toBe(
      'Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\nNameError: name \'y\' is not defined\n1\n' +
        'Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\nNameError: name \'z\' is not defined\n',
    );
  });
  it('warnings print once per message, like the REPL', () => {
    const pg = new Playground();
    const r = pg.run('import numpy as np\nnp.array([1.0]) / 0\nnp.array([2.0]) / 0');
    expect(r.output.match(/RuntimeWarning/g)).toHaveLength(1);
    expect(r.output).toMatch(
      /^<stdin>:1: RuntimeWarning: divide by zero encountered in divide\narray\(\[inf\]\)\narray\(\[inf\]\)\n$/,
    );
  });
  it('never evaluates JavaScript', () => {
    const pg = new Playground();
    expect(pg.run('constructor').statements[0].error).toEqual({
      type: 'NameError',
      message: "name 'constructor' is not defined",
    });
    expect(pg.run('__proto__').statements[0].error!.type).toBe('NameError');
  });
});
