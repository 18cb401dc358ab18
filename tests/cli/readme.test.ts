/**
 * Every command the README's "The command line" section shows, run as a user would (`stridescope` from bin/, the
 * built CLI, in a folder holding the files the examples name — written by NumPy, scripts/gen_readme_fixtures.py):
 * each exits 0, and each --json answer has exactly the fields docs/cli.md documents for its command, with NumPy's
 * values where NumPy has an answer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const FIX = join(ROOT, 'tests', 'fixtures', 'readme');
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8'));

/** The `npx stridescope ...` lines of the README's command-line block, comments removed. */
export function readmeCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The command line'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l.startsWith('npx stridescope'));
}

/** A shell line's words (single and double quotes; what sh would pass). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/** Top-level field names of the first JSON skeleton docs/cli.md gives for a command (e.g. `{"shape", "offset": ..}`). */
function documentedFields(command: string): string[] {
  const doc = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');
  const start = doc.indexOf(`## \`stridescope ${command}`);
  const section = doc.slice(start, doc.indexOf('\n## ', start + 1));
  const text = section.slice(section.indexOf('{'));
  const keys: string[] = [];
  let depth = 0;
  let prev = '';
  for (const m of text.matchAll(/"(\w+)"|[{}[\]:|,]/g)) {
    const t = m[0];
    if (t === '{' || t === '[') depth++;
    else if (t === '}' || t === ']') {
      depth--;
      if (depth === 0) break;
    } else if (m[1] && depth === 1 && prev !== ':' && prev !== '|') keys.push(m[1]);
    prev = m[1] ? 'name' : t;
  }
  return keys.sort();
}

let cwd: string;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'out', 'main', 'cli.js'))) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  }
  cwd = mkdtempSync(join(tmpdir(), 'sk-readme-'));
  for (const f of ['data.npy', 'blob.bin', 'bundle.npz']) copyFileSync(join(FIX, f), join(cwd, f));
  mkdirSync(join(cwd, 'examples'));
  for (const f of ['seed.py']) copyFileSync(join(ROOT, 'examples', f), join(cwd, 'examples', f));
});

describe("the README's command examples", () => {
  const commands = readmeCommands();

  it('the README shows the commands this test knows how to check', () => {
    expect(commands.length).toBeGreaterThanOrEqual(9);
    for (const c of commands) expect(words(c)[2], c).toMatch(/^(inspect|walk|reinterpret|hex|kernel|run)$/);
  });

  it('docs/cli.md documents a field list for every --json command', () => {
    for (const c of ['inspect', 'walk', 'reinterpret', 'kernel'])
      expect(documentedFields(c).length, c).toBeGreaterThan(3);
  });

  for (const line of commands) {
    it(line, () => {
      const [, , command, ...rest] = words(line);
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'stridescope.js'), command, ...rest], {
        cwd,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.length).toBeGreaterThan(0);
      if (!rest.includes('--json')) {
        if (command === 'hex') {
          // --length 160: ten rows of 16 bytes, `offset  hex  |ascii|`
          const rows = r.stdout.trimEnd().split('\n');
          expect(rows).toHaveLength(10);
          for (const row of rows)
            expect(row).toMatch(
              /^[0-9a-f]{8} {2}([0-9a-f]{2} ){7}[0-9a-f]{2} {2}([0-9a-f]{2} ){7}[0-9a-f]{2} {2}\|.{16}\|$/,
            );
        }
        if (command === 'run') expect(r.stdout).toContain('c_long(0)'); // the seed page's LLP64 answer
        if (command === 'inspect' && rest.includes('--member')) expect(r.stdout).toMatch(/member {6}x\.npy/);
        return;
      }
      const json = JSON.parse(r.stdout);
      expect(Object.keys(json).sort()).toEqual(documentedFields(command));
      const file = rest[0];
      if (command === 'inspect' && file === undefined) expect(json.values).toEqual([0, 1, 2, 3]);
      if (command === 'inspect' && file === 'data.npy') {
        expect(json.shape).toEqual(expected['data.npy'].shape);
        expect(json.strides).toEqual(expected['data.npy'].strides);
      }
      if (command === 'walk') {
        expect(json.strides).toEqual(expected['data.npy'].walkStrides);
        expect(json.elements.map((e: { offset: number }) => e.offset)).toEqual(expected['data.npy'].walk);
      }
      if (command === 'reinterpret') expect(json.values.c_double.le).toEqual(expected['data.npy'].c_double_le_at_128);
      if (command === 'kernel') expect(json.result).toEqual(expected['data.npy'].sum_T);
    });
  }

  it('the raw and .npz examples give what numpy.memmap and np.load give', () => {
    const run = (...args: string[]) =>
      JSON.parse(
        execFileSync(process.execPath, [join(ROOT, 'bin', 'stridescope.js'), ...args, '--json'], {
          cwd,
          encoding: 'utf8',
        }),
      );
    const blob = run('inspect', 'blob.bin', '--dtype', '>f4', '--shape', '100,3', '--offset', '16');
    expect(blob.shape).toEqual(expected['blob.bin'].shape);
    expect(blob.strides).toEqual(expected['blob.bin'].strides);
    expect(blob.values).toEqual(expected['blob.bin'].values);
    const member = run('inspect', 'bundle.npz', '--member', 'x');
    expect(member.shape).toEqual(expected['bundle.npz'].shape);
    expect(member.values).toEqual(expected['bundle.npz'].values);
  });
});
