/**
 * Live Python: control (interrupt, time limit, crash and restart, output cap), finding no Python, and the panes'
 * reads of the child's memory (direct and through the agent, unmapped ranges), against what the child itself
 * prints (x.tobytes(), its own addresses). Needs python3 with NumPy.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { LiveSession } from '../../src-main/livepython/liveSession';
import { LivePython, NoPythonError } from '../../src-main/livepython/livePython';
import { AgentWindows, openDirectReader } from '../../src-main/platform/processMemory';
import { UnmappedError } from '../../src-main/core/errors';

const sessions: LiveSession[] = [];
function session(opts: ConstructorParameters<typeof LiveSession>[0] = {}): LiveSession {
  const s = new LiveSession(opts);
  sessions.push(s);
  return s;
}
afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose();
});

describe('fork server', () => {
  test('each session is a new process forked with NumPy imported: its own pid, namespace, warning registry and cwd', async () => {
    const a = session({ cwd: '/tmp' });
    const b = session({ cwd: '/' });
    const [ha, hb] = await Promise.all([a.start(), b.start()]);
    if (process.platform !== 'win32') {
      expect(a.python.startedBy).toBe('fork-server');
      expect(b.python.startedBy).toBe('fork-server');
    }
    expect(ha.pid).not.toBe(hb.pid);
    expect(a.python.pid).toBe(ha.pid); // the pid the panes read is the agent's own, not the fork server's
    const ra = await a.run(
      'import os, warnings\nos.getpid(), os.getcwd()\nv = 1\nwarnings.warn("once")\nwarnings.warn("once")\n',
    );
    expect(ra.inputs[1].output).toBe(`(${ha.pid}, '/tmp')\n`);
    expect(ra.inputs.map((i) => i.output).join('')).toMatch(/^[^]*UserWarning: once\n[^]*$/);
    expect(ra.inputs[4].output).toBe('');
    // b shares nothing: no `v`, and its own registry prints the same warning again
    const rb = await b.run('import os, warnings\nos.getpid(), os.getcwd()\nv\nwarnings.warn("once")\n');
    expect(rb.inputs[1].output).toBe(`(${hb.pid}, '/')\n`);
    expect(rb.inputs[2].output).toMatch(/NameError: name 'v' is not defined\n$/);
    expect(rb.inputs[3].output).toMatch(/UserWarning: once\n/);
    // the memory limit is the session's own, set after the fork
    const c = session({ memoryLimitBytes: 3 * 1024 ** 3 });
    const rc = await c.run('import resource\nresource.getrlimit(resource.RLIMIT_AS)[0]\n');
    expect(rc.inputs[1].output).toBe(`${3 * 1024 ** 3}\n`);
  });

  test('forkServer: false spawns the agent directly and prints the same', async () => {
    const s = session({ forkServer: false });
    const r = await s.run('import numpy as np\nnp.arange(3, dtype=">i4")\n');
    expect(s.python.startedBy).toBe('spawn');
    expect(r.inputs[1].output).toBe("array([0, 1, 2], dtype='>i4')\n");
  });
});

describe('control', () => {
  test('Stop interrupts a long statement with KeyboardInterrupt, and the session goes on', async () => {
    const s = session();
    await s.start();
    const started = Date.now();
    const run = s.run('import time\nwhile True: time.sleep(0.01)\n\n');
    setTimeout(() => s.interrupt(), 400);
    const r = await run;
    expect(Date.now() - started).toBeLessThan(10_000);
    const last = r.inputs[r.inputs.length - 1];
    expect(last.output).toMatch(
      /^Traceback \(most recent call last\):\n {2}File "<stdin>", line 1, in <module>\nKeyboardInterrupt\n$/,
    );
    expect(last.raised).toBe(true);
    expect((await s.run('1 + 1\n')).inputs[0].output).toBe('2\n');
  });

  test('the time limit interrupts a statement (KeyboardInterrupt), and kills one that ignores it', async () => {
    const s = session({ timeLimitMs: 500, graceMs: 500 });
    const r = await s.run('import time\nwhile True: time.sleep(0.01)\n\n');
    expect(r.inputs[r.inputs.length - 1].output).toMatch(/KeyboardInterrupt\n$/);
    const pid = s.python.pid;
    const k = await s.run('import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass\n\n');
    expect(k.died).toMatch(/time limit/);
    expect(s.python.running).toBe(false);
    const again = await s.run('2 * 21\n');
    expect(again.inputs[0].output).toBe('42\n');
    expect(s.python.pid).not.toBe(pid);
  });

  test('a crash (os.abort, a segfault through ctypes) leaves the host running, says why, and a new Python starts', async () => {
    const s = session();
    const a = await s.run('import os\nos.abort()\n');
    expect(a.died).toMatch(/SIGABRT/);
    const b = await s.run('import ctypes\nctypes.c_int.from_address(8).value\n');
    expect(b.died).toMatch(/segmentation fault/);
    expect(s.python.lastDeath).toMatch(/SIGSEGV/);
    const c = await s.run('import numpy as np\nnp.arange(3)\n');
    expect(c.inputs.map((i) => i.output).join('')).toBe('array([0, 1, 2])\n');
  });

  test('output past the cap is cut and the console says how much', async () => {
    const s = session({ outputCap: 1000 });
    const r = await s.run("print('x' * 5000)\n");
    const out = r.inputs[0];
    expect(out.cut).toBe(4001);
    expect(out.output.startsWith('x'.repeat(1000))).toBe(true);
    expect(out.output).toMatch(/output cut: 4001 more bytes/);
  });

  test('the memory limit (RLIMIT_AS) turns a huge allocation into MemoryError, not an OOM kill', async () => {
    const s = session({ memoryLimitBytes: 2 * 1024 ** 3 });
    const r = await s.run('import numpy as np\nx = np.ones(10**9)\n');
    expect(r.inputs[1].output).toMatch(/numpy\._core\._exceptions\._ArrayMemoryError: Unable to allocate 7\.45 GiB/);
    expect(r.died).toBeNull();
  });

  test('restart gives a fresh Python (names gone)', async () => {
    const s = session();
    await s.run('x = 5\n');
    await s.restart();
    const r = await s.run('x\n');
    expect(r.inputs[0].output).toMatch(/NameError: name 'x' is not defined/);
  });

  test('exit() ends Python; the next input starts a new one', async () => {
    const s = session();
    const r = await s.run('exit()\n');
    expect(r.exited).toBe(0);
    expect((await s.run('3\n')).inputs[0].output).toBe('3\n');
  });
});

describe('finding Python', () => {
  test('no python3 on PATH: NoPythonError naming what was looked for', async () => {
    const p = new LivePython({ env: { PATH: '/nonexistent', STRIDESCOPE_PYTHON: '' } });
    await expect(p.start()).rejects.toThrow(NoPythonError);
    await expect(p.start()).rejects.toThrow(/python3` is not on PATH/);
  });

  test('a Python without NumPy is refused, saying so', async () => {
    const p = new LivePython({
      env: { PYTHONPATH: '', PYTHONNOUSERSITE: '1' },
      python: process.env.STRIDESCOPE_TEST_PYTHON_NO_NUMPY ?? '/usr/bin/python3',
    });
    // Debian's /usr/bin/python3 has NumPy only when python3-numpy is installed: either answer must be truthful
    const r = await p.start().then(
      (h) => ({ ok: true as const, numpy: h.numpy }),
      (e: Error) => ({ ok: false as const, message: e.message }),
    );
    if (r.ok) expect(r.numpy).toMatch(/^\d+\.\d+/);
    else expect(r.message).toMatch(/cannot import numpy|not a file/);
    p.dispose();
  });

  test('hello reports the Python and NumPy versions and the data model', async () => {
    const s = session();
    const h = await s.start();
    expect(h.python).toMatch(/^3\.\d+\.\d+/);
    expect(h.numpy).toMatch(/^\d+\.\d+\.\d+/);
    expect(h.model).toBe(process.platform === 'win32' ? 'llp64' : 'lp64');
  });
});

describe("the child's memory", () => {
  const script =
    "import numpy as np\nx = np.arange(12, dtype='>i4').reshape(3, 4)[:, ::2]\nprint(x.tobytes().hex(), x.base.tobytes().hex())\n";

  for (const readPath of ['direct', 'agent'] as const) {
    test(`Bytes of a console array are the child's x.tobytes() (${readPath} reads)`, async () => {
      const s = session({ readPath });
      const r = await s.run(script);
      expect(s.readPath).toBe(readPath === 'agent' ? 'agent' : 'process_vm_readv');
      const [viewHex, baseHex] = r.inputs[2].output.trim().split(' ');
      const x = r.arrays.find((a) => a.name === 'x')!;
      expect(x.array.shape).toEqual([3, 2]);
      expect(x.array.strides).toEqual([16, 8]);
      expect(x.array.dtype.str).toBe('>i4');
      expect(Buffer.from(x.array.toBytes()).toString('hex')).toBe(viewHex);
      expect(Buffer.from(x.array.memory.read(0, x.array.memory.size)).toString('hex')).toBe(baseHex);
    });
  }

  test('an unmapped range is a typed UnmappedError, direct and through the agent', async () => {
    const s = session();
    await s.run('import numpy as np\n');
    const direct = s.directReader()!;
    expect(() => direct.read(16n, 8)).toThrow(UnmappedError);
    const viaAgent = await s.agentRead(16n, 8);
    expect(viaAgent.unmapped).toBe(true);
    expect(viaAgent.bytes.byteLength).toBe(0);
    const w = new AgentWindows(1);
    w.fill(4096n, viaAgent.bytes, true);
    expect(() => w.read(4096n, 8)).toThrow(UnmappedError);
  });

  test('process_vm_readv refused (EPERM): the session falls back to the agent and reads the same bytes', async () => {
    // as root the kernel lets us read anything, so the refusal is the real one only for a non-root user;
    // here the refusal path is taken on request, and the direct reader's EPERM handling is exercised on pid 1
    const s = session({ readPath: 'agent' });
    const r = await s.run("import numpy as np\na = np.frombuffer(b'hello, world', dtype='u1')\n");
    expect(s.readPath).toBe('agent');
    const a = r.arrays.find((x) => x.name === 'a')!;
    expect(Buffer.from(a.array.toBytes()).toString()).toBe('hello, world');
    if (process.getuid && process.getuid() !== 0) {
      expect(() => openDirectReader(1, 4096n)).toThrow(/refused|not mapped/);
    }
  });
});

describe('lifetimes', () => {
  test("the seed's dangling pointer warns with the statement that freed it and the bytes C read", async () => {
    const s = session();
    const r = await s.run(
      [
        'import numpy as np',
        'import ctypes',
        'a = np.arange(3, dtype=np.int32)',
        'b = np.ones(3, dtype=np.int32)',
        'p = (a+b).ctypes.data',
        'ctypes.cast(p, ctypes.POINTER(ctypes.c_int)).contents',
        '',
      ].join('\n'),
    );
    const w = r.inputs[5].lifetime;
    expect(w).toHaveLength(1);
    expect(w[0].temporary).toBe('the temporary `a+b`');
    expect(w[0].freedAt).toBe(5);
    expect(w[0].takenBy).toBe('p = (a+b).ctypes.data');
    // what C read is what .contents printed: c_int(N) is the little-endian int of the bytes
    const printed = Number(/c_int\((-?\d+)\)/.exec(r.inputs[5].output)![1]);
    expect(Buffer.from(w[0].bytes, 'hex').readInt32LE(0)).toBe(printed);
    expect(w[0].message).toMatch(/freed at statement 5: C read [0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2} [0-9a-f]{2}/);
  });

  test('a pointer saved in one statement and read in a later one (.contents, p[i]) warns with the bytes C read', async () => {
    const s = session();
    const r = await s.run(
      [
        'import numpy as np',
        'import ctypes',
        'a = np.arange(3, dtype=np.int32)',
        'b = np.ones(3, dtype=np.int32)',
        'c = a+b',
        'q = ctypes.cast(c.ctypes.data, ctypes.POINTER(ctypes.c_int))',
        'q.contents',
        'q[1]',
        'del c',
        'q.contents',
        'q[2]',
        'ct = (a+b).ctypes',
        'k = ct.data_as(ctypes.POINTER(ctypes.c_int))',
        'k.contents',
        'k[2]',
        '',
      ].join('\n'),
    );
    // while `c` lives, reads through q are fine
    expect(r.inputs[6].lifetime).toEqual([]);
    expect(r.inputs[7].lifetime).toEqual([]);
    for (const [i, index] of [
      [9, 0],
      [10, 2],
    ] as const) {
      const w = r.inputs[i].lifetime;
      expect(w, r.inputs[i].source).toHaveLength(1);
      expect(w[0].temporary).toBe('array `c`');
      expect(w[0].freedAt).toBe(9);
      expect(w[0].how).toBe(index === 0 ? 'pointer.contents' : 'pointer[2]');
      expect(w[0].length).toBe(4);
      // the bytes C read are the ones Python printed
      const printed = Number(/(-?\d+)\)?\n$/.exec(r.inputs[i].output)![1]);
      expect(Buffer.from(w[0].bytes, 'hex').readInt32LE(0)).toBe(printed);
    }
    // a data_as pointer keeps its array alive: never a warning
    expect(r.inputs.slice(11).flatMap((i) => i.lifetime)).toEqual([]);
  });

  test('`ct = (a+b).ctypes` and `c = a+b` never warn, even when the allocator reuses the address', async () => {
    const s = session();
    const r = await s.run(
      [
        'import numpy as np',
        'import ctypes',
        'a = np.arange(3, dtype=np.int32)',
        'b = np.ones(3, dtype=np.int32)',
        'ct = (a+b).ctypes',
        'ctypes.cast(ct.data, ctypes.POINTER(ctypes.c_int)).contents',
        'for i in range(50):',
        '    t = (a+b).ctypes.data',
        '',
        'c = a+b',
        'ctypes.cast(c.ctypes.data, ctypes.POINTER(ctypes.c_int)).contents',
        'q = c.ctypes.data',
        'ctypes.cast(q, ctypes.POINTER(ctypes.c_int)).contents',
        'ctypes.cast(c.__array_interface__["data"][0], ctypes.POINTER(ctypes.c_int))[2]',
        '',
      ].join('\n'),
    );
    expect(r.inputs.flatMap((i) => i.lifetime)).toEqual([]);
    expect(r.inputs.map((i) => i.output).join('')).toBe('c_int(1)\nc_int(1)\nc_int(1)\n3\n');
  });

  test('a dangling pointer whose bytes now belong to a newer array says which', async () => {
    const s = session();
    const r = await s.run(
      [
        'import numpy as np',
        'import ctypes',
        'a = np.arange(3, dtype=np.int32)',
        'p = (a+1).ctypes.data',
        'c = a+2',
        'c.ctypes.data == p',
        'ctypes.cast(p, ctypes.POINTER(ctypes.c_int)).contents',
        '',
      ].join('\n'),
    );
    const w = r.inputs[6].lifetime;
    expect(w).toHaveLength(1);
    if (r.inputs[5].output === 'True\n')
      expect(w[0].message).toMatch(/freed at statement 4; the allocator has since given these bytes to `c`/);
    else expect(w[0].reusedBy).toBeNull();
  });
});
