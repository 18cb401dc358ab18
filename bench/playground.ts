/**
 * Playground speed: evaluating one statement on arrays of 1e6 elements must take < 50 ms (issue 5).
 * `benchPlayground()` runs each statement several times in a fresh REPL state and reports medians (ms).
 * Run alone: `npx tsx bench/playground.ts`.
 */
import { Playground } from '../src-main/playground/runtime/interpreter';
import { median } from './stats';

export interface PlaygroundBench {
  n: number;
  /** statement -> median milliseconds */
  statements: Record<string, number>;
  maxMs: number;
  underBudget: boolean;
}

const STATEMENTS = [
  'c = a + b',
  'c = a * 2.5',
  'c = a // 7',
  'c = (a + b).ctypes.data',
  'c = f + 1',
  'c = f32 * f32',
  'c = i32 + i64',
  'c = a[::2] + 1',
  'c = a.reshape(1000, 1000).T + a.reshape(1000, 1000)',
  'c = a == b',
  'c = a.sum()',
  'c = f.sum()',
  'c = a.astype(np.float32)',
  'c = a.copy()',
  'c = a.tobytes()',
  'a',
  'f',
  'a.reshape(1000, 1000)',
  'ctypes.cast(a.ctypes.data, ctypes.POINTER(ctypes.c_long))[999999]',
];

export function benchPlayground(n = 1_000_000, runs = 5): PlaygroundBench {
  const pg = new Playground({ model: 'lp64' });
  pg.run(`import numpy as np
import ctypes
a = np.arange(${n})
b = np.ones(${n}, dtype=np.int64)
f = np.arange(${n}) * 0.5
f32 = np.ones(${n}, dtype=np.float32)
i32 = np.arange(${n}, dtype=np.int32)
i64 = np.arange(${n}, dtype=np.int64)
`);
  const statements: Record<string, number> = {};
  for (const s of STATEMENTS) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const r = pg.runInput(s);
      times.push(performance.now() - t0);
      if (r.errors) throw new Error(`bench statement failed: ${s}\n${r.output}`);
    }
    statements[s] = Math.round(median(times) * 100) / 100;
  }
  const maxMs = Math.max(...Object.values(statements));
  return { n, statements, maxMs, underBudget: maxMs < 50 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = benchPlayground();
  for (const [k, v] of Object.entries(r.statements)) console.log(`${v.toFixed(2).padStart(8)} ms  ${k}`);
  console.log(`max ${r.maxMs} ms — ${r.underBudget ? 'under' : 'OVER'} the 50 ms budget`);
}
