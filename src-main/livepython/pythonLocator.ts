/**
 * Which Python the console runs, and where the agent script is.
 *
 * The choice, first that applies: a path the user chose (app setting / `--python PATH`), `STRIDESCOPE_PYTHON`,
 * then `python3` on PATH (`python` on Windows, where python3 is often the Store's stub). The agent ships with the
 * app in its own folder, `python/agent.py` (resources/python/ in a packaged app).
 */
import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

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

/** python/agent.py: next to the sources (development, tests, CLI), next to out/ (built), or in resources/. */
export function agentScriptPath(): string {
  const env = process.env.STRIDESCOPE_AGENT;
  if (env) return env;
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  const candidates = [
    resolve(__dirname, '../../python/agent.py'), // src-main/livepython, out/main
    resolve(__dirname, '../../../python/agent.py'),
    resolve(process.cwd(), 'python/agent.py'),
    ...(resources ? [join(resources, 'python', 'agent.py')] : []),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`the console's Python agent (python/agent.py) is missing: looked in ${candidates.join(', ')}`);
  return found;
}
