/**
 * The app's console on live Python, through the real handlers: the header's backend (versions, or the simulation
 * and why), arrays listed like files whose Bytes / Walk / Reinterpret are the child's real bytes (compared with
 * what the child prints), Stop and Restart. Needs python3 with NumPy.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandlers, type Handlers } from '../../src-main/api/handlers';
import type { Result } from '../../src-main/api/contract';

const made: { h: Handlers; dir: string }[] = [];
function handlers(extra: Parameters<typeof createHandlers>[0] = {}): Handlers {
  const dir = mkdtempSync(join(tmpdir(), 'stridescope-liveconsole-'));
  const h = createHandlers({ recentFile: join(dir, 'recent.json'), consoleDir: join(dir, 'console'), ...extra });
  made.push({ h, dir });
  return h;
}
afterEach(() => {
  for (const { h, dir } of made.splice(0)) {
    h.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.value;
}

describe('the console on live Python', () => {
  test("runs the user's Python: the header says which, arrays are listed, Bytes/Walk/Reinterpret read the child", async () => {
    const h = handlers();
    const r = ok(
      await h.consoleRun(
        "import numpy as np\nx = np.arange(6, dtype='<u2').reshape(2, 3)[:, ::-1]\nprint(x.tobytes().hex(), x.base.tobytes().hex())\nx\n",
      ),
    );
    const b = r.session.backend!;
    expect(b.kind).toBe('live');
    expect(b.python).toMatch(/^3\./);
    expect(b.numpy).toMatch(/^\d+\./);
    expect(b.readPath).toBe(process.platform === 'linux' ? 'process_vm_readv' : b.readPath);
    expect(r.inputs[3].output).toBe('array([[2, 1, 0],\n       [5, 4, 3]], dtype=uint16)\n');
    const [viewHex, baseHex] = r.inputs[2].output.trim().split(' ');
    const x = r.session.arrays.find((a) => a.name === 'x')!;
    expect(x).toBeDefined();
    // Bytes: the allocation x lives in (its base's 12 bytes), read from the child
    const bytes = ok(await h.readBytes(x.id, 0, 12));
    expect(bytes.hex).toBe(baseHex);
    // Walk: x's elements in logical order are the child's x.tobytes()
    const walk = ok(await h.walk(x.id, 'a', 0, 6));
    const walked = (walk as unknown as { steps: { fileOffset: number }[] }).steps
      .map((s) => baseHex.slice(s.fileOffset * 2, s.fileOffset * 2 + 4))
      .join('');
    expect(walked).toBe(viewHex);
    // Reinterpret at byte 0: the same bytes as a uint16
    const re = ok(await h.reinterpret(x.id, 0, 'lp64'));
    const rr = re as unknown as { bytes: string; values: Record<string, { le: unknown }> };
    expect(baseHex.startsWith(rr.bytes)).toBe(true);
    expect(rr.values.c_ushort.le).toBe(Buffer.from(baseHex, 'hex').readUInt16LE(0));
  });

  test('a pointer read (.contents, p[i]) names the listed array, byte offset and length the child read', async () => {
    const h = handlers();
    const r = ok(
      await h.consoleRun(
        'import ctypes\np = x.ctypes.data_as(ctypes.POINTER(ctypes.c_int))\np[3]\nx.ctypes.data_as(ctypes.POINTER(ctypes.c_longlong)).contents\nx[1, 1]\n',
      ),
    );
    expect(r.session.backend!.kind).toBe('live');
    const x = r.session.arrays.find((a) => a.name === 'x')!;
    expect(r.inputs[2].output).toBe('3\n');
    // x[1, 1] of the seed's int32 x: bytes 12..16 of its buffer, as the child's own pointer read them
    expect(r.inputs[2].statements[0].pointerReads).toEqual([
      { id: x.id, name: 'x', fileOffset: x.summary.dataOffset + 12, length: 4 },
    ]);
    // c_longlong is c_long where long is 8 bytes (ctypes aliases them): either name, 8 bytes read
    expect(r.inputs[3].output).toMatch(/^c_(long)?long\(4294967296\)\n$/);
    expect(r.inputs[3].statements[0].pointerReads).toEqual([
      { id: x.id, name: 'x', fileOffset: x.summary.dataOffset, length: 8 },
    ]);
    // reading an element of x itself is no pointer read
    expect(r.inputs[4].statements[0].pointerReads).toBeUndefined();
  });

  test("starts with the seed's x defined (not counted as a statement), and again after Restart", async () => {
    const h = handlers();
    const r = ok(await h.consoleRun('x\nx.ctypes.strides[:]\n'));
    expect(r.inputs[0].output).toBe('array([[0, 1],\n       [2, 3]], dtype=int32)\n');
    expect(r.inputs[0].statements[0].line).toBe(1);
    expect(r.session.arrays.map((a) => a.name)).toContain('x');
    const x = r.session.arrays.find((a) => a.name === 'x')!;
    expect(ok(await h.readBytes(x.id, 0, 16)).hex).toBe('00000000010000000200000003000000');
    ok(await h.consoleRun('del x\n'));
    ok(await h.consoleRestart());
    expect(ok(await h.consoleRun('x.sum()\n')).inputs[0].output).toBe('np.int64(6)\n');
  });

  test("the Tour runs on live Python in this machine's model; an LLP64 step is simulated and says so", async () => {
    const h = handlers();
    const steps = ok(await h.tourSteps());
    const live = steps.filter((s) => s.model.toLowerCase() === 'lp64' && s.ctypes !== false && s.id !== 'temporary');
    expect(live.length).toBeGreaterThanOrEqual(5);
    for (const s of live) {
      const t = ok(await h.tourRun({ id: s.id, code: true }));
      expect(t.code!.session.backend!.kind, s.id).toBe('live');
      // the step's expected text is what python3 prints (addresses masked)
      const printed = t.code!.output.replace(/0x[0-9a-f]{6,}/g, '0xADDR').replace(/^\d{13,15}$/gm, 'ADDR');
      expect(printed, s.id).toBe(s.expected);
    }
    const temp = ok(await h.tourRun({ id: 'temporary', code: true }));
    expect(temp.code!.session.backend!.kind).toBe('live');
    expect(temp.code!.output).toMatch(new RegExp(temp.step.expectedLive!));
    const llp64 = steps.find((s) => s.model.toLowerCase() === 'llp64')!;
    const sim = ok(await h.tourRun({ id: llp64.id, code: true }));
    expect(sim.code!.session.backend!.kind).toBe('simulation');
    expect(sim.code!.session.backend!.reason).toMatch(/LLP64.*simulated/);
    expect(sim.code!.output).toBe(llp64.expected);
    // and the next step is live again
    expect(ok(await h.tourRun({ id: live[0].id, code: true })).code!.session.backend!.kind).toBe('live');
  });

  test('no Python on PATH: the simulation runs, labelled, with the reason', async () => {
    const h = handlers({ livePython: { env: { PATH: '/nonexistent', STRIDESCOPE_PYTHON: '' } } });
    const r = ok(await h.consoleRun('import numpy as np\nnp.arange(3)\n'));
    expect(r.session.backend!.kind).toBe('simulation');
    expect(r.session.backend!.reason).toMatch(/no Python found/);
    expect(r.output).toBe('array([0, 1, 2])\n');
  });

  test('Stop interrupts a running statement; Restart gives a new Python', async () => {
    const h = handlers();
    ok(await h.consoleRun('y = 1\n'));
    const running = h.consoleRun('import time\nwhile True: time.sleep(0.01)\n\n');
    await new Promise((r) => setTimeout(r, 500));
    ok(await h.consoleInterrupt());
    const r = ok(await running);
    expect(r.output).toMatch(/KeyboardInterrupt\n$/);
    const pid = r.session.backend!.pid;
    const info = ok(await h.consoleRestart());
    expect(info.backend!.pid).not.toBe(pid);
    expect(ok(await h.consoleRun('y\n')).output).toMatch(/NameError/);
  });

  test('the dangling pointer warning reaches the console with the bytes C read', async () => {
    const h = handlers();
    const r = ok(
      await h.consoleRun(
        'import numpy as np\nimport ctypes\na = np.arange(3, dtype=np.int32)\nb = np.ones(3, dtype=np.int32)\np = (a+b).ctypes.data\nctypes.cast(p, ctypes.POINTER(ctypes.c_int)).contents\n',
      ),
    );
    expect(r.inputs[5].output).toMatch(
      /^c_int\(-?\d+\)\n\[stridescope\] lifetime: .*the temporary `a\+b`.*freed at statement 5: C read ([0-9a-f]{2} ){3}[0-9a-f]{2}\n$/,
    );
    const life = ok(await h.consoleLifetime());
    expect(life.warnings.map((w) => w.message).join('\n')).toMatch(/statement 6: .*freed at statement 5/);
  });

  test("the Lifetime pane lists the process's live buffers with refcounts and the freed temporaries", async () => {
    const h = handlers();
    ok(
      await h.consoleRun(
        'import numpy as np\na = np.arange(4)\nv = a[::2]\nct = (a+1).ctypes\np = (a*2).ctypes.data\n',
      ),
    );
    const life = ok(await h.consoleLifetime());
    const a = life.allocations.find((x) => x.label === 'a')!;
    // a is held by the name a and by the view v's base: sys.getrefcount(a) - 1
    expect(a).toMatchObject({ kind: 'process', state: 'live', size: 32, refcount: 2 });
    expect(life.holds).toEqual(
      expect.arrayContaining([
        { holder: 'v', allocation: a.id, kind: 'view', keepsAlive: true },
        expect.objectContaining({ holder: 'ct._arr', kind: 'ctypes' }),
      ]),
    );
    const tmp = life.allocations.find((x) => x.label === 'the temporary `a*2`')!;
    expect(tmp).toMatchObject({ kind: 'temporary', state: 'freed', releasedBy: 'at statement 5', size: 32 });
  });
});
