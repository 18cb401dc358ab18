/**
 * CLI start: how long `stridescope inspect FILE --json` takes on a small file, against a bare `node -e 0` measured
 * in the same run (interleaved, so both see the same machine load): wall time of the whole process, spawn to exit,
 * medians of `runs`. Target: ≤ 1.3× `node -e 0`. Nothing is injected into the children (a --require/--import
 * hook to report their CPU time would add the same cost to both and flatter the ratio).
 * Also `--help` (the CLI's own modules loaded, no file opened), `run --python builtin` (the playground interpreter
 * loaded) and `run` on live Python (python3 + NumPy started: read it against the node-spawned `import numpy` row).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printTable } from './stats';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'stridescope.js');

/** One process run: wall milliseconds from spawn to exit. */
function runOnce(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: ROOT });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export function benchCliStart(runs = 11): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'sk-clistart-'));
  try {
    // a small .npy (2x3 int32), written byte for byte as np.save writes it
    const header = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }";
    const text = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
    const file = join(dir, 'small.npy');
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('\x93NUMPY\x01\x00', 'latin1'),
        Buffer.from([text.length & 0xff, text.length >> 8]),
        Buffer.from(text, 'latin1'),
        Buffer.from(new Int32Array([0, 1, 2, 3, 4, 5]).buffer),
      ]),
    );
    const script = join(dir, 'two.py');
    writeFileSync(script, 'import numpy as np\na = np.arange(6)\na\n');
    const cases: [string, string[]][] = [
      ['node -e 0', ['-e', '0']],
      ['stridescope inspect small.npy --json', [BIN, 'inspect', file, '--json']],
      ['stridescope --help', [BIN, '--help']],
      ['stridescope run (3-line script, built-in simulation)', [BIN, 'run', script, '--python', 'builtin']],
      ['stridescope run (3-line script, live python3 + numpy)', [BIN, 'run', script]],
      [
        'python3 -c "import numpy" (for the live row)',
        ['-e', "require('node:child_process').execFileSync('python3', ['-c', 'import numpy'])"],
      ],
    ];
    for (const [, args] of cases) runOnce(args); // warm the file cache
    const samples = new Map<string, number[]>(cases.map(([name]) => [name, []]));
    for (let i = 0; i < runs; i++) for (const [name, args] of cases) samples.get(name)!.push(runOnce(args));
    const med = (name: string) => median(samples.get(name)!);
    const base = med('node -e 0');
    printTable(
      `CLI start: whole process, spawn to exit (median of ${runs}, interleaved; target inspect ≤ 1.3× node -e 0)`,
      ['command', 'ms', '× node -e 0'],
      cases.map(([name]) => [name, med(name).toFixed(1), (med(name) / base).toFixed(2)]),
    );
    return {
      cliStartNodeMs: base,
      cliStartInspectMs: med('stridescope inspect small.npy --json'),
      cliStartInspectRatio: med('stridescope inspect small.npy --json') / base,
      cliStartRunMs: med('stridescope run (3-line script, built-in simulation)'),
      cliStartRunLiveMs: med('stridescope run (3-line script, live python3 + numpy)'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
