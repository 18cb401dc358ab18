/**
 * Electron's security checklist, by an automated scanner: @doyensec/electronegativity run over the main-process
 * sources (src-main, TypeScript) and over the built app (out/main, out/preload, out/renderer) — zero HIGH and
 * zero MEDIUM severity findings (what the README claims), and every Electron file actually parsed (a file the scanner cannot parse is a file it did
 * not check). All findings are logged for the README.
 *
 * The window's real options (contextIsolation, sandbox, nodeIntegration off, webSecurity, CSP header, navigation,
 * new windows, webviews and permission requests denied) are checked on the BUILT main under a stand-in electron
 * in tests/app/electronMain.test.ts; this file adds the checks a scanner cannot make: no shell.openExternal, no
 * remote module, no remote content loaded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startChild, waitExit } from './helpers';

interface Finding {
  id: string;
  severity: string;
  confidence: string;
  file: string;
  line: number;
  column: number;
  manualReview: boolean;
  description: string;
}
interface Scan {
  input: string;
  checks: number;
  errors: { file: string; message: string; tolerable: boolean }[];
  findings: Finding[];
}

async function scan(...inputs: string[]): Promise<Scan[]> {
  const child = startChild(
    'electronegativity.cjs',
    inputs.map((i) => path.join(ROOT, i)),
  );
  const { code } = await waitExit(child, 180_000);
  expect(code, child.output().slice(-3000)).toBe(0);
  return child
    .output()
    .split('\n')
    .filter((l) => l.startsWith('@@RESULT '))
    .map((l) => JSON.parse(l.slice('@@RESULT '.length)) as Scan);
}

const show = (f: Finding) =>
  `${f.severity}/${f.confidence} ${f.id} ${f.file}:${f.line}:${f.column}${f.manualReview ? ' (review)' : ''}`;

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const BUILT = fs.existsSync(path.join(ROOT, 'out', 'main', 'index.js'));

describe('Electron security scan (electronegativity)', () => {
  let scans: Scan[] = [];
  beforeAll(async () => {
    scans = await scan('src-main', ...(BUILT ? ['out'] : []));
  }, 240_000);

  it('src-main: zero HIGH and zero MEDIUM findings, every file parsed', () => {
    const s = scans[0];
    console.log(
      `electronegativity src-main: ${s.checks} checks, ${s.findings.length} findings: ${s.findings.map(show).join('; ') || 'none'}`,
    );
    expect(s.checks).toBeGreaterThan(30);
    expect(s.errors).toEqual([]);
    expect(s.findings.filter((f) => f.severity === 'HIGH' || f.severity === 'MEDIUM').map(show)).toEqual([]);
  });

  it.skipIf(!BUILT)(
    'the built app (out/): zero HIGH and zero MEDIUM findings; the Electron entry points parsed',
    () => {
      const s = scans[1];
      const unparsed = s.errors.map((e) =>
        path
          .relative(path.join(ROOT, 'out'), path.resolve(path.join(ROOT, 'out'), e.file))
          .split(path.sep)
          .join('/'),
      );
      console.log(
        `electronegativity out/: ${s.checks} checks, ${s.findings.length} findings: ${s.findings.map(show).join('; ') || 'none'}; unparsed: ${unparsed.join(', ') || 'none'}`,
      );
      expect(s.findings.filter((f) => f.severity === 'HIGH' || f.severity === 'MEDIUM').map(show)).toEqual([]);
      // core chunks may use syntax the scanner's parser predates (class static blocks); the Electron entry points may not
      for (const entry of ['main/index.js', 'preload/index.cjs', 'renderer/index.html'])
        expect(unparsed, entry).not.toContain(entry);
    },
  );
});

describe('what a scanner cannot see', () => {
  const sources = walk(path.join(ROOT, 'src-main')).filter((f) => f.endsWith('.ts'));
  const text = sources.map((f) => [path.relative(ROOT, f), fs.readFileSync(f, 'utf8')] as const);

  it('no shell.openExternal anywhere in the main process (so no untrusted URL can reach it)', () => {
    expect(text.filter(([, t]) => /openExternal\s*\(/.test(t)).map(([f]) => f)).toEqual([]);
  });

  it('no remote module, no webview, no eval / new Function of strings in main', () => {
    expect(
      text.filter(([, t]) => /@electron\/remote|enableRemoteModule|\bremote\s*:\s*true/.test(t)).map(([f]) => f),
    ).toEqual([]);
    expect(text.filter(([, t]) => /<webview|webviewTag\s*:\s*true/.test(t)).map(([f]) => f)).toEqual([]);
    // calls of the global eval / Function constructor (an evaluator's own `eval(e: Expr)` method is not one)
    const evalCall = (line: string) =>
      /(^|[^.\w])eval\s*\(|new\s+Function\s*\(/.test(line) &&
      !/^\s*(private\s+|public\s+)?eval\s*\([^)]*\)\s*:/.test(line);
    expect(text.filter(([, t]) => t.split('\n').some(evalCall)).map(([f]) => f)).toEqual([]);
  });

  it('the window loads only the app:// page (or, unpackaged, the dev server URL from the environment), never a remote URL literal', () => {
    const main = fs.readFileSync(path.join(ROOT, 'src-main', 'electron', 'main.ts'), 'utf8');
    expect(main).not.toMatch(/loadURL\(\s*['"`]https?:/);
    expect(main).not.toMatch(/loadFile\(/);
    for (const m of main.matchAll(/loadURL\(([^)]*)\)/g)) expect(['url', 'ERROR_URL']).toContain(m[1].trim());
    expect(main).toMatch(/const url = devUrl \?\? APP_INDEX_URL;/);
    expect(main).toMatch(/devUrl = devServerUrl\(process\.env, app\.isPackaged\);/);
  });
});
