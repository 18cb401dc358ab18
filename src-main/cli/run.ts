/**
 * `stridescope run FILE [--model lp64|llp64|ilp32]`: feed a script of playground statements to the playground
 * interpreter and print exactly what Python's interactive interpreter prints when the lines are typed at
 * `>>>` — the repr of each expression statement, nothing for assignments, `<stdin>:1: RuntimeWarning: ...`
 * warnings, and `Traceback (most recent call last):` reports after which the next line still runs.
 *
 * Exit code 0 when every statement ran, 1 when any raised (a SyntaxError, a Python exception, or a read of
 * freed memory the playground refused).
 */
import { Playground, type PlaygroundOptions } from '../playground/runtime/interpreter';
import { AllocationBudget } from '../core/memory';

export interface RunScriptOptions {
  model: 'lp64' | 'llp64' | 'ilp32';
  /** File mapping for np.load/np.memmap (the CLI passes platform/mappedMemory's mapFile). */
  mapper?: PlaygroundOptions['mapper'];
  /** Directory relative paths in the script resolve against (the script's directory). */
  cwd?: string;
  /** Emulate NumPy without the ctypes module. */
  ctypes?: boolean;
}

export function runScript(source: string, opts: RunScriptOptions): { output: string; exitCode: number } {
  // A script is the user's own, so its budget is wider than the app console's (512 MiB), but it still exists:
  // `list(range(10**9))` is a MemoryError, as in a Python with limited memory, not a V8 heap abort.
  const budget = new AllocationBudget({ maxBytes: 4 * 1024 * 1024 * 1024, maxItems: 1 << 24 });
  const pg = new Playground({ model: opts.model, mapper: opts.mapper, cwd: opts.cwd, ctypes: opts.ctypes, budget });
  try {
    const r = pg.run(source);
    return { output: r.output, exitCode: r.errors > 0 ? 1 : 0 };
  } finally {
    pg.dispose('when the script ended'); // flush and unmap what the script left mapped
  }
}
