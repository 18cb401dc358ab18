#!/usr/bin/env node
/**
 * Build the native kernel library (native/kernels.c) with the toolchain npm already brings (node-gyp, the
 * `shared_library` target in binding.gyp) and copy it to a stable path the app, the CLI and the tests look for:
 *
 *     native/build/stridescope_kernels.so | .dylib | .dll
 *
 * Run by `npm install` (the "install" script). It NEVER fails the install: if no compiler is available the
 * library is simply missing, a warning says so, and every kernel answers from the TypeScript fallback
 * (src-main/platform/kernelsFallback.ts). Exit code is always 0 unless --strict is given: then a failed build
 * exits 1 and removes the library a previous build left, so nothing downstream (tests, CI) runs on a stale one.
 * `npm run build` is strict; the install is not.
 *
 * Order of attempts: node-gyp (npm's own copy, then one on PATH), then a direct `cc`/`clang`/`gcc` call on
 * POSIX (an equally portable route where node-gyp cannot fetch Node headers offline).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const strict = process.argv.includes('--strict');
const quiet = process.argv.includes('--quiet');
const ext = process.platform === 'win32' ? 'dll' : process.platform === 'darwin' ? 'dylib' : 'so';
const outDir = join(here, 'build');
const target = join(outDir, `stridescope_kernels.${ext}`);

function log(msg) {
  if (!quiet) console.log(`[stridescope native] ${msg}`);
}

function warn(msg) {
  console.warn(`[stridescope native] WARNING: ${msg}`);
}

function run(cmd, args, opts = {}) {
  log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: here, stdio: quiet ? 'pipe' : 'inherit', shell: false, ...opts });
  if (r.error) return { ok: false, why: r.error.message };
  return { ok: r.status === 0, why: `exit code ${r.status}` };
}

/** Where npm keeps node-gyp: next to the npm that runs us, or the global npm next to node. */
function nodeGypScripts() {
  const found = [];
  const candidates = [];
  if (process.env.npm_execpath)
    candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const nodeDir = dirname(process.execPath);
  candidates.push(join(nodeDir, '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(join(nodeDir, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')); // Windows
  try {
    const require = createRequire(import.meta.url);
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    /* not installed locally */
  }
  for (const c of candidates) if (existsSync(c) && !found.includes(resolve(c))) found.push(resolve(c));
  return found;
}

/** Node headers: npm's `nodedir` config (npm_config_nodedir), else the headers that ship with this Node. */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [`--nodedir=${process.env.npm_config_nodedir}`];
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node.h'))) return [`--nodedir=${prefix}`];
  return [];
}

/** The library node-gyp produced (its name and folder differ by platform and generator). */
function findBuilt() {
  const dirs = [join(outDir, 'Release'), join(outDir, 'Release', 'lib.target'), join(outDir, 'Release', 'obj.target')];
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      if (name === `stridescope_kernels.${ext}` || name === `libstridescope_kernels.${ext}`) {
        const p = join(d, name);
        if (statSync(p).isFile()) return p;
      }
    }
  }
  return null;
}

/**
 * Put a built file at `target` by rename (a new inode): a process that has the old library loaded keeps its
 * mapping intact — overwriting a loaded .so in place would crash it.
 */
function install(built) {
  const tmp = `${target}.${process.pid}.tmp`;
  copyFileSync(built, tmp);
  renameSync(tmp, target);
}

function viaNodeGyp() {
  for (const script of nodeGypScripts()) {
    // configure + build (not `rebuild`, whose clean step deletes build/ and the library other processes use)
    const r1 = run(process.execPath, [script, 'configure', ...nodedirArgs()]);
    const r = r1.ok ? run(process.execPath, [script, 'build']) : r1;
    if (r.ok) {
      const built = findBuilt();
      if (built) {
        install(built);
        return { ok: true };
      }
      return { ok: false, why: 'node-gyp succeeded but produced no library' };
    }
    log(`node-gyp failed (${r.why})`);
  }
  return { ok: false, why: 'node-gyp unavailable or failed' };
}

function viaCompiler() {
  if (process.platform === 'win32') return { ok: false, why: 'no direct compiler route on Windows' };
  mkdirSync(outDir, { recursive: true });
  const tmp = join(outDir, `cc-${process.pid}.${ext}`);
  const flags = [
    '-std=c11',
    '-O3',
    '-pthread',
    '-fPIC',
    '-fvisibility=hidden',
    '-Wall',
    '-o',
    tmp,
    join(here, 'kernels.c'),
    join(here, 'parallel.c'),
  ];
  const shared = process.platform === 'darwin' ? ['-dynamiclib'] : ['-shared'];
  const compilers = [process.env.CC, 'cc', 'clang', 'gcc'].filter(Boolean);
  for (const cc of compilers) {
    const r = run(cc, [...shared, ...flags]);
    if (r.ok && existsSync(tmp)) {
      renameSync(tmp, target);
      return { ok: true };
    }
  }
  return { ok: false, why: `no C compiler (${compilers.join(', ')}) built kernels.c: see its errors above` };
}

function main() {
  if (process.env.STRIDESCOPE_SKIP_NATIVE_BUILD === '1') {
    log('STRIDESCOPE_SKIP_NATIVE_BUILD=1: not building; kernels will use the TypeScript fallback');
    return 0;
  }
  mkdirSync(outDir, { recursive: true });
  if (!lock()) {
    log('another build is running; waited for it');
    if (existsSync(target)) return 0;
  }
  try {
    return buildOnce();
  } finally {
    unlock();
  }
}

/** A lock directory so concurrent installs/builds in one tree do not race inside node-gyp's build/ folder. */
const lockDir = join(outDir, '.lock');
function lock() {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return true;
    } catch {
      let stale = false;
      try {
        stale = Date.now() - statSync(lockDir).mtimeMs > 300_000;
      } catch {
        continue; // vanished: try again
      }
      if (stale) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) return false;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
      if (!existsSync(lockDir)) return existsSync(target) ? false : lock();
    }
  }
}

function unlock() {
  rmSync(lockDir, { recursive: true, force: true });
}

function buildOnce() {
  const attempts = [];
  for (const route of [viaNodeGyp, viaCompiler]) {
    let r;
    try {
      r = route();
    } catch (e) {
      r = { ok: false, why: String(e && e.message ? e.message : e) };
    }
    if (r.ok) {
      log(`built ${target}`);
      return 0;
    }
    attempts.push(`${route.name}: ${r.why}`);
  }
  warn(`could not build the native kernel library (${attempts.join('; ')}).`);
  warn(
    'Stridescope still works: every kernel answers from its TypeScript implementation ("implementation": "typescript").',
  );
  if (!strict) return 0;
  rmSync(target, { force: true }); // unlinking keeps any process that has it loaded intact
  warn(`--strict: failing the build (and removed any older ${target})`);
  return 1;
}

process.exit(main());
