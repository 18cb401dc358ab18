/**
 * Which Python the console runs, and where the agent script is.
 *
 * The choice, first that applies: a path the user chose (app setting / `--python PATH`), `STRIDESCOPE_PYTHON`,
 * then `python3` on PATH (`python` on Windows, where python3 is often the Store's stub). The agent ships with the
 * app in its own folder, `python/agent.py` (resources/python/ in a packaged app).
 */
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PythonChoice {
  /** Executable to run (a path, or a bare name looked up on PATH). */
  command: string;
  /** Why this one: 'chosen', 'STRIDESCOPE_PYTHON', 'PATH'. */
  source: 'chosen' | 'STRIDESCOPE_PYTHON' | 'PATH';
}

export function choosePython(chosen?: string | null, env: NodeJS.ProcessEnv = process.env): PythonChoice {
  if (chosen) return { command: chosen, source: 'chosen' };
  if (env.STRIDESCOPE_PYTHON) return { command: env.STRIDESCOPE_PYTHON, source: 'STRIDESCOPE_PYTHON' };
  return { command: process.platform === 'win32' ? 'python' : 'python3', source: 'PATH' };
}

/** The first file named `command` on `PATH` (or `command` itself when it names a path), or null. */
export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (/[\\/]/.test(command)) return existsSync(command) ? command : null;
  const exts = process.platform === 'win32' ? ['', '.exe', '.cmd', '.bat'] : [''];
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const p = join(dir, command + ext);
      if (existsSync(p)) return p;
    }
  }
  return null;
}

function moduleDir(): string | undefined {
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    return typeof __dirname === 'string' ? __dirname : undefined;
  }
}

/**
 * python/agent.py: STRIDESCOPE_AGENT, else <resources>/python/agent.py (a packaged app), else the nearest
 * python/agent.py above this module (sources, out/main) or the working directory — as platform/nativeLibrary
 * finds the kernels.
 */
export function agentScriptPath(): string {
  const env = process.env.STRIDESCOPE_AGENT;
  if (env) return resolve(env);
  const candidates: string[] = [];
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources) candidates.push(join(resources, 'python', 'agent.py'));
  for (const start of [moduleDir(), process.cwd()]) {
    if (!start) continue;
    let dir = resolve(start);
    for (let i = 0; i < 8; i++) {
      candidates.push(join(dir, 'python', 'agent.py'));
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(
      `the console's Python agent (python/agent.py) is missing: looked in ${[...new Set(candidates)].join(', ')}`,
    );
  return found;
}
