/**
 * CI must not go green without the C kernels (every C-vs-NumPy test elsewhere is skipped when the library is
 * missing). Two guards, both tested here:
 *   - with STRIDESCOPE_REQUIRE_NATIVE=1 (set by .ci/run) the library must load;
 *   - `node native/build.mjs --strict` (what `npm run build` runs) fails on a kernels.c that does not compile, and
 *     leaves no older library behind — run on a copy of native/ so the real build is untouched.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LIBRARY_FILE,
  NATIVE_API_VERSION,
  nativeLibrary,
  nativeUnavailableReason,
} from '../../src-main/platform/nativeLibrary';

const ROOT = join(__dirname, '..', '..');

describe('the native library is required where CI requires it', () => {
  it.runIf(process.env.STRIDESCOPE_REQUIRE_NATIVE === '1')(
    'STRIDESCOPE_REQUIRE_NATIVE=1: nativeLibrary() loads',
    () => {
      const lib = nativeLibrary();
      expect(lib, `the C kernel library did not load: ${nativeUnavailableReason()}`).not.toBeNull();
      expect(Number(lib!.fn.sk_version())).toBe(NATIVE_API_VERSION);
    },
  );

  it('.ci/run requires it, and `npm run build` builds it with --strict', () => {
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/^export STRIDESCOPE_REQUIRE_NATIVE=1$/m);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.build).toMatch(/^node native\/build\.mjs --strict && /);
  });

  it('build.mjs --strict fails on a broken kernels.c and removes the stale library; without --strict it only warns', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-native-'));
    try {
      const native = join(dir, 'native');
      mkdirSync(join(native, 'build'), { recursive: true });
      for (const f of ['build.mjs', 'kernels.c', 'kernels.h', 'binding.gyp'])
        copyFileSync(join(ROOT, 'native', f), join(native, f));
      writeFileSync(join(native, 'kernels.c'), readFileSync(join(native, 'kernels.c'), 'utf8') + '\nthis is not C;\n');
      const stale = join(native, 'build', LIBRARY_FILE);
      const run = (...args: string[]) =>
        spawnSync(process.execPath, [join(native, 'build.mjs'), '--quiet', ...args], {
          encoding: 'utf8',
          timeout: 240_000,
        });

      writeFileSync(stale, 'an older build');
      const lenient = run();
      expect(lenient.status, lenient.stderr).toBe(0);
      expect(lenient.stderr).toMatch(/could not build the native kernel library/);

      const strict = run('--strict');
      expect(strict.status, strict.stderr).toBe(1);
      expect(existsSync(stale)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
