/**
 * Generated output is never committed: test reports (.vitest/), builds (out/, native/build/), Playwright's results.
 * Checked with git itself, so a file that slipped in (as .vitest/json/output.json once did) fails here.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const git = (...args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
const inGit = git('rev-parse', '--is-inside-work-tree').stdout.trim() === 'true';

describe.runIf(inGit)('the repository', () => {
  it('tracks no generated files', () => {
    const tracked = git('ls-files').stdout.split('\n');
    const generated = tracked.filter((f) =>
      /^(\.vitest|out|native\/build|test-results|playwright-report|e2e\/artifacts|node_modules)\//.test(f),
    );
    expect(generated).toEqual([]);
  });

  it("ignores vitest's JSON report and the builds", () => {
    for (const f of [
      '.vitest/json/output.json',
      'out/main/cli.js',
      'native/build/stridescope_kernels.so',
      'test-results/x',
    ]) {
      expect(git('check-ignore', '-q', '--no-index', f).status, f).toBe(0);
    }
  });
});
