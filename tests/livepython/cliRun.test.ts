/**
 * `stridescope run SCRIPT` on live Python prints what `python3 -i < SCRIPT` prints: with stdout and stderr into
 * one stream, the golden transcript itself; Stridescope's lifetime warnings go to stderr only.
 * `--python builtin` (and `--model`) keep the simulation; `--python /nonexistent` is an error naming it.
 */
import { expect, test } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src-main/cli/main';
import { mask } from './transcript';

const FIX = join(__dirname, '..', 'fixtures', 'transcripts');

async function run(args: string[]): Promise<{ code: number; both: string; out: string; err: string }> {
  let both = '';
  let out = '';
  let err = '';
  const o = new Writable({ write: (c, _e, cb) => ((both += c), (out += c), cb()) });
  const e = new Writable({ write: (c, _e, cb) => ((both += c), (err += c), cb()) });
  const code = await main(args, o, e);
  return { code, both, out, err };
}

test('run --python auto: the seed page, as python3 -i prints it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stridescope-clilive-'));
  const file = join(dir, 'seed.py');
  writeFileSync(file, readFileSync(join(FIX, 'seed-page.py')));
  const r = await run(['run', file]);
  expect(mask(r.both)).toBe(readFileSync(join(FIX, 'seed-page.out'), 'utf8'));
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^array\(\[\[0, 1\],/);
});

test('run: a traceback exits 1; the dangling pointer warning is on stderr with the bytes C read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stridescope-clilive-'));
  const file = join(dir, 'd.py');
  writeFileSync(
    file,
    'import numpy as np\nimport ctypes\na = np.arange(3, dtype=np.int32)\nb = np.ones(3, dtype=np.int32)\np = (a+b).ctypes.data\nctypes.cast(p, ctypes.POINTER(ctypes.c_int)).contents\n1/0\n',
  );
  const r = await run(['run', file, '--python', 'auto']);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/stridescope: lifetime: statement 6: .*temporary `a\+b`.*freed at statement 5: C read/);
  expect(r.out).not.toMatch(/stridescope/);
  expect(r.err).toMatch(/ZeroDivisionError: division by zero\n>>> \n$/);
});

test('run --python builtin is the simulation; --python with a missing path is an error naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stridescope-clilive-'));
  const file = join(dir, 's.py');
  writeFileSync(file, 'import numpy as np\nnp.arange(3)\n');
  const b = await run(['run', file, '--python', 'builtin']);
  expect(b.both).toBe('array([0, 1, 2])\n');
  const m = await run(['run', file, '--python', '/nonexistent/python3']);
  expect(m.code).toBe(1);
  expect(m.err).toMatch(/no Python found: `\/nonexistent\/python3` is not a file/);
});

test('the installed command, in its own process: run on live Python exits 0 with the output (was exit 13: nothing held the event loop)', () => {
  const root = join(__dirname, '..', '..');
  if (!existsSync(join(root, 'out', 'main', 'cli.js'))) {
    execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: root,
      stdio: 'pipe',
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'stridescope-clilive-'));
  const file = join(dir, 'two.py');
  writeFileSync(file, 'import numpy as np\na = np.arange(6)\na\n');
  const r = spawnSync(process.execPath, [join(root, 'bin', 'stridescope.js'), 'run', file], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.stdout).toBe('array([0, 1, 2, 3, 4, 5])\n');
  expect(r.status).toBe(0);
}, 90_000);
