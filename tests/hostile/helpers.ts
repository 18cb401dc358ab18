/** Shared by tests/hostile: temp dirs, real .npy files, child processes running TypeScript (node --import tsx). */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DType } from '../../src-main/core/dtype';
import { npyHeaderBytes } from '../../src-main/formats/npy';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHILDREN = path.join(ROOT, 'tests', 'hostile', 'children');

export function tmpDir(prefix = 'sk-hostile-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A real .npy of `n` elements of `descr` whose data bytes are (i * 7 + 3) & 0xff. */
export function writeNpyFile(file: string, descr: string, shape: number[]): { bytes: Uint8Array; dataOffset: number } {
  const dtype = DType.parse(descr);
  const head = npyHeaderBytes(dtype, shape, false);
  const n = shape.reduce((a, b) => a * b, 1) * dtype.itemsize;
  const bytes = new Uint8Array(head.length + n);
  bytes.set(head);
  for (let i = 0; i < n; i++) bytes[head.length + i] = (i * 7 + 3) & 0xff;
  fs.writeFileSync(file, bytes);
  return { bytes, dataOffset: head.length };
}

/** Start `tests/hostile/children/<script>` under node + tsx. */
export function startChild(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  as?: { uid: number; gid: number },
): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(CHILDREN, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...as, // run as another user (root tests permissions by dropping to 'nobody')
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  return Object.assign(child, { output: () => out });
}

export function waitExit(
  child: ChildProcess,
  hangGuardMs = 60_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null)
      return resolve({ code: child.exitCode, signal: child.signalCode });
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not exit within ${hangGuardMs} ms (hang guard)`));
    }, hangGuardMs);
    child.once('exit', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal });
    });
  });
}

/** Poll `cond` every few ms; a generous hang guard, never a timing assertion. */
export async function waitFor(cond: () => boolean, what: string, hangGuardMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > hangGuardMs) throw new Error(`hang guard: ${what} did not happen within ${hangGuardMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Links in /proc/self/fd and lines in /proc/self/maps that point into `dir` (Linux). */
export function openHandlesUnder(dir: string): { fds: string[]; maps: string[] } {
  const inside = (p: string) => p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
  const fds: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (inside(target.replace(/ \(deleted\)$/, ''))) fds.push(`${fd} -> ${target}`);
    } catch {
      /* closed meanwhile (readdir's own fd) */
    }
  }
  const maps = fs
    .readFileSync('/proc/self/maps', 'utf8')
    .split('\n')
    .filter((l) => {
      const file = l
        .split(/\s+/)
        .slice(5)
        .join(' ')
        .replace(/ \(deleted\)$/, '');
      return file !== '' && inside(file);
    });
  return { fds, maps };
}

export const isLinux = process.platform === 'linux' && fs.existsSync('/proc/self/maps');
