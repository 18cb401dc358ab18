/** Build main, preload and renderer once before the specs (skip with STRIDESCOPE_E2E_NO_BUILD=1). */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export default function globalSetup(): void {
  const root = resolve(import.meta.dirname, '..');
  if (process.env.STRIDESCOPE_E2E_NO_BUILD === '1' && existsSync(resolve(root, 'out/renderer/index.html'))) return;
  execFileSync(process.execPath, [resolve(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
}
