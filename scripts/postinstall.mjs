// Runs after `npm ci` / `npm install`: builds the native kernels library and the app + CLI bundles,
// so `stridescope` works straight after the install. Never fails the install: a missing C compiler leaves the
// TypeScript fallback kernels in charge, and a build error is printed for `npm run build` to show again.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const steps = [
  ['native kernels', process.execPath, ['native/build.mjs']],
  ['app and CLI bundles', process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build']],
];
for (const [what, cmd, args] of steps) {
  if (!existsSync(args[0])) continue;
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0)
    console.warn(
      `stridescope postinstall: building the ${what} failed (exit ${r.status}); run \`npm run build\` to retry`,
    );
}
