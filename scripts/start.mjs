// `npm start`: the main job. Opens the desktop app on its built-in example (the seed page's 2x2 int32 array);
// where Electron cannot start (no binary, no display, or Linux refusing Chromium's sandbox), says why and runs the
// `stridescope` CLI on the same example instead.
//
//   npm start                      the window (builds out/ first)
//   npm start -- --cli             the CLI view only
//   npm start -- --no-sandbox      DEVELOPMENT ONLY, opt-in: start Electron without Chromium's sandbox (never the default)
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { electronBinary } from './electronBinary.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Which sandbox failure Electron's stderr shows, if any. Chromium's own messages:
 *  - 'suid': setuid_sandbox_host.cc "The SUID sandbox helper binary was found, but is not configured correctly"
 *    (chrome-sandbox in node_modules is not root-owned with mode 4755 — every `npm install` on Linux);
 *  - 'userns': zygote_host_impl_linux.cc "No usable sandbox!" (Ubuntu >= 23.10: AppArmor restricts unprivileged
 *    user namespaces, https://chromium.googlesource.com/chromium/src/+/main/docs/security/apparmor-userns-restrictions.md).
 */
export function sandboxFailure(stderr) {
  if (/SUID sandbox helper binary was found, but is not configured correctly/.test(stderr)) return 'suid';
  if (/No usable sandbox!/.test(stderr)) return 'userns';
  return null;
}

/** What to do, exactly, for this machine's chrome-sandbox. */
export function sandboxAdvice(kind, exe) {
  const helper = join(dirname(exe), 'chrome-sandbox');
  return [
    '',
    kind === 'suid'
      ? "Electron could not start: Chromium's sandbox helper is not set up (it must be owned by root with the setuid bit)."
      : "Electron could not start: this Linux restricts unprivileged user namespaces (Ubuntu 23.10 and later), so Chromium's sandbox cannot start.",
    'Fix it once (keeps the sandbox):',
    `  sudo chown root:root '${helper}'`,
    `  sudo chmod 4755 '${helper}'`,
    'then run `npm start` again. (A packaged install (.deb / AppImage) sets this up itself.)',
    'Or, for development only, start without the sandbox, at your own risk:',
    '  npm start -- --no-sandbox',
    '',
  ].join('\n');
}

function runCliView(reason) {
  console.log(`(${reason}: showing the built-in example with the stridescope CLI instead of the window)\n`);
  const run = (args) => spawnSync(process.execPath, args, { stdio: 'inherit', cwd: ROOT }).status ?? 1;
  let status = run(['bin/stridescope.js', 'inspect']);
  if (status === 0) {
    console.log('\n$ stridescope inspect --json   # the same, as scripts read it');
    status = run(['bin/stridescope.js', 'inspect', '--json']);
  }
  return status;
}

/** Start the window; resolves to Electron's exit status, or to the sandbox failure seen on its stderr. */
function runElectron(exe, args) {
  return new Promise((resolvePromise) => {
    const child = spawn(exe, ['.', ...args], { cwd: ROOT, stdio: ['inherit', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk);
      if (stderr.length < 1 << 20) stderr += chunk.toString();
    });
    child.on('error', (e) => resolvePromise({ status: 1, error: e.message, stderr }));
    child.on('close', (code, signal) => resolvePromise({ status: code ?? (signal ? 1 : 0), stderr }));
  });
}

async function main(argv) {
  const cli = argv.includes('--cli');
  const noSandbox = argv.includes('--no-sandbox');
  const passOn = argv.filter((a) => a !== '--cli' && a !== '--no-sandbox');
  const exe = electronBinary();
  const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (cli) return runCliView('--cli');
  if (!exe)
    return runCliView(
      "Electron's binary is not installed on this machine (its download host was unreachable at npm install), so the window cannot open",
    );
  if (!hasDisplay) return runCliView('no display (neither DISPLAY nor WAYLAND_DISPLAY is set)');
  if (process.env.STRIDESCOPE_START_NO_BUILD !== '1') {
    const built = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
      { cwd: ROOT, stdio: 'inherit' },
    );
    if (built.status !== 0) return built.status ?? 1;
  }
  if (noSandbox)
    console.warn(
      'stridescope: --no-sandbox: Chromium runs WITHOUT its sandbox (development only; never use it for files you do not trust)',
    );
  const r = await runElectron(exe, [...(noSandbox ? ['--no-sandbox'] : []), ...passOn]);
  if (r.status === 0) return 0;
  const kind = sandboxFailure(r.stderr);
  if (kind) {
    console.log(sandboxAdvice(kind, exe));
    return runCliView('the window could not open (sandbox)');
  }
  if (r.error) return runCliView(`Electron could not be started (${r.error})`);
  return r.status;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
