/**
 * The CLI loads only what a command needs: the built `out/main/cli.js` and every chunk it imports statically (what
 * Node loads before `main` runs) hold no playground interpreter, no view-expression parser and no kernels — those
 * arrive by dynamic import() in the commands that use them (`run`, `--view`, `kernel`). The start time itself is
 * measured in `npm run bench` (bench/cliStart.ts), never here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'out', 'main', 'cli.js');

/** The files Node loads for `from` before any of its code runs: static `import ... from "./x.js"`, transitively. */
function staticClosure(from: string): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    seen.set(file, text);
    for (const m of text.matchAll(/^\s*import\s+(?:[^'"()]*?\s+from\s+)?["'](\.{1,2}\/[^"']+)["']/gm))
      visit(resolve(dirname(file), m[1]));
  };
  visit(from);
  return seen;
}

/** The source modules bundled into those files (the bundler marks each with a `// src-main/...` line). */
function sourceModules(files: Map<string, string>): string[] {
  const out = new Set<string>();
  for (const text of files.values()) for (const m of text.matchAll(/^\/\/ (src-main\/\S+\.ts)$/gm)) out.add(m[1]);
  return [...out].sort();
}

beforeAll(() => {
  if (!existsSync(CLI))
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
});

describe('CLI start loads only what inspect needs', () => {
  it('the static import closure of out/main/cli.js has no interpreter, view parser or kernels', () => {
    const files = staticClosure(CLI);
    const modules = sourceModules(files);
    expect(modules).toContain('src-main/cli/main.ts'); // the markers are there: the check can see modules
    expect(modules).toContain('src-main/formats/npy.ts');
    const unwanted = modules.filter(
      (m) => m.startsWith('src-main/playground/') || /\/(viewexpr|nativeKernels|kernelsFallback|run)\.ts$/.test(m),
    );
    expect(unwanted).toEqual([]);
    // and no third-party module statically: fflate (deflated .npz members only) and koffi (loaded lazily, so the
    // TypeScript fallback can answer when its binary fails to load) arrive by dynamic import when first used
    const bare = [...files.values()].flatMap((t) =>
      [...t.matchAll(/^\s*import\s+(?:[^'"()]*?\s+from\s+)?["']([^./][^"']*)["']/gm)].map((m) => m[1]),
    );
    expect(bare.filter((b) => !b.startsWith('node:'))).toEqual([]);
  });

  it('run, --view and kernel reach theirs by dynamic import', () => {
    const text = readFileSync(CLI, 'utf8');
    expect(text).toMatch(/import\(["']\.\/chunks\/run-[\w-]+\.js["']\)/);
    expect(text).toMatch(/import\(["']\.\/chunks\/viewexpr-[\w-]+\.js["']\)/);
    expect(text).toMatch(/import\(["']\.\/chunks\/nativeKernels-[\w-]+\.js["']\)/);
  });
});
