// Where Electron's binary is, without triggering its download (node_modules/electron/index.js downloads on require).
// Returns null when it is not installed: machines that cannot reach Electron's download host.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

export function electronBinary() {
  const require = createRequire(import.meta.url);
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(dir, 'path.txt');
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(dir, 'dist');
  if (!existsSync(pathFile) && !process.env.ELECTRON_OVERRIDE_DIST_PATH) return null;
  const exe = join(distDir, existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron');
  return existsSync(exe) ? exe : null;
}
