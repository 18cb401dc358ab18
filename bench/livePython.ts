/**
 * Live Python: the round trip of one statement through the agent (median and p95 of many), a 1 MiB window read
 * from the child directly (process_vm_readv) and through the agent, against the built-in interpreter (simulation)
 * on the same statements. Needs python3 with NumPy. Run alone: `npx tsx bench/livePython.ts`.
 */
import { LiveSession } from '../src-main/livepython/liveSession';
import { Playground } from '../src-main/playground/runtime/interpreter';
import { median, printTable } from './stats';

const STATEMENTS = [
  'x = 1',
  '1 + 1',
  'c = a + b',
  'a[::2].strides',
  'p = a.ctypes.data',
  'ctypes.cast(a.ctypes.data, ctypes.POINTER(ctypes.c_long))[3]',
  's = a.sum()',
];
const SETUP =
  'import numpy as np\nimport ctypes\na = np.arange(1000)\nb = np.ones(1000, dtype=np.int64)\nbig = np.arange(1 << 17, dtype=np.float64)\n';

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
}

export async function benchLivePython(runs = 50): Promise<Record<string, unknown>> {
  const s = new LiveSession();
  const pg = new Playground({ model: 'lp64' });
  try {
    await s.run(SETUP);
    pg.run(SETUP);
    const rows: (string | number)[][] = [];
    const out: Record<string, { liveMedianMs: number; liveP95Ms: number; simMedianMs: number }> = {};
    for (const st of STATEMENTS) {
      const live: number[] = [];
      const sim: number[] = [];
      for (let i = 0; i < runs; i++) {
        let t = performance.now();
        await s.run(st + '\n');
        live.push(performance.now() - t);
        t = performance.now();
        pg.run(st + '\n');
        sim.push(performance.now() - t);
      }
      out[st] = { liveMedianMs: median(live), liveP95Ms: p95(live), simMedianMs: median(sim) };
      rows.push([st, median(live).toFixed(2), p95(live).toFixed(2), median(sim).toFixed(3)]);
    }
    printTable(
      `live Python: one statement's round trip (ms over ${runs} runs; includes the arrays report)`,
      ['statement', 'live median', 'live p95', 'simulation median'],
      rows,
    );
    // a 1 MiB window of `big` (1 MiB of float64), direct and through the agent
    const big = s.arrays.find((a) => a.name === 'big')!;
    const addr = big.array.address;
    const direct = s.directReader();
    const d: number[] = [];
    const ag: number[] = [];
    for (let i = 0; i < 20; i++) {
      if (direct) {
        const t = performance.now();
        direct.read(addr, 1 << 20);
        d.push(performance.now() - t);
      }
      const t = performance.now();
      await s.agentRead(addr, 1 << 20);
      ag.push(performance.now() - t);
    }
    printTable(
      'a 1 MiB window read from the child (median ms of 20)',
      ['path', 'ms'],
      [
        ['process_vm_readv', direct ? median(d).toFixed(3) : 'refused'],
        ['agent (write(2) into a pipe + JSON/base64)', median(ag).toFixed(2)],
      ],
    );
    return { livePython: out, liveWindowDirectMs: direct ? median(d) : null, liveWindowAgentMs: median(ag) };
  } finally {
    s.dispose();
    pg.dispose('bench done');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLivePython();
