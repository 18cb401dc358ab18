/**
 * `stridescope`: the main-process core from a terminal (no Electron), for scripting and headless machines.
 *
 *   stridescope inspect [FILE] [--json] [--hash]
 *   stridescope walk FILE [--view EXPR] [--start N] [--limit N] [--json]
 *   stridescope reinterpret FILE --offset N [--model lp64|llp64|ilp32] [--json]
 *   stridescope hex FILE [--offset N] [--length N]
 *   stridescope kernel FILE NAME [--view EXPR] [--json] [--no-native]
 *   raw files: --dtype DT [--shape 3,4] [--offset N] [--order C|F] [--mode r|r+|c|w+]   .npz: --member NAME
 */
import { parseArgs } from 'node:util';
import { isStridescopeError, ArgumentError } from '../core/errors';
import { runCommand, runScriptFile, USAGE } from './commands';
import { installRealAddresses } from '../platform/mappedMemory';
import { readFileSync } from 'node:fs';

export async function main(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  let json = argv.includes('--json');
  try {
    installRealAddresses(); // owned buffers report their real addresses (koffi.address), as ctypes.data does
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        hash: { type: 'boolean' },
        view: { type: 'string' },
        start: { type: 'string' },
        limit: { type: 'string' },
        offset: { type: 'string' },
        length: { type: 'string' },
        model: { type: 'string' },
        dtype: { type: 'string' },
        shape: { type: 'string' },
        order: { type: 'string' },
        mode: { type: 'string' },
        member: { type: 'string' },
        python: { type: 'string' },
        'no-native': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    json = values.json ?? false;
    if (values.help || positionals.length === 0) {
      out.write(USAGE);
      return positionals.length === 0 && !values.help ? 2 : 0;
    }
    const [command, ...rest] = positionals;
    if (command === 'run') {
      // A script's output is exactly what Python's >>> prompt would print: written raw, its exit code kept.
      if (rest.length !== 1) throw new ArgumentError('run needs exactly one FILE of playground statements');
      // --python auto|PATH: the user's Python (auto: STRIDESCOPE_PYTHON or python3); builtin: the simulation, also
      // the default when --model asks for a data model (the simulation can be any; live Python is the host's)
      const python = values.python ?? (values.model ? 'builtin' : 'auto');
      if (python !== 'builtin') {
        const source = readFileSync(rest[0], 'utf8');
        try {
          const { runLive } = await import('./runLive');
          return await runLive(source, { python: python === 'auto' ? null : python, file: rest[0] }, out, err);
        } catch (e) {
          const { NoPythonError } = await import('../livepython/livePython');
          if (!(e instanceof NoPythonError) || values.python) throw e;
          err.write(`stridescope: ${e.message}: running the built-in simulation instead\n`);
        }
      }
      const { output, exitCode } = await runScriptFile(rest[0], values.model);
      out.write(output);
      return exitCode;
    }
    const text = await runCommand(command, rest, values);
    out.write(text.endsWith('\n') ? text : text + '\n');
    return 0;
  } catch (e) {
    const parseError = e instanceof Error && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
    let error: { kind: string; message: string; offset: number | null };
    if (isStridescopeError(e)) {
      error = { kind: e.kind, message: e.message, offset: e.offset ?? null };
      err.write(`stridescope: ${error.kind} error: ${error.message}\n`);
    } else if (parseError) {
      error = { kind: 'argument', message: (e as Error).message, offset: null };
      err.write(`stridescope: argument error: ${error.message}\n`);
    } else {
      // Not one of ours: a bug, not the user's argument. Say so, with the stack, but still exit cleanly.
      error = { kind: 'internal', message: e instanceof Error ? e.message : String(e), offset: null };
      err.write(`stridescope: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
    }
    if (json) out.write(JSON.stringify({ error }) + '\n');
    return 1;
  }
}
