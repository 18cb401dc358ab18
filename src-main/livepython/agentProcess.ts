/**
 * AgentProcess: one running python/agent.py as LivePython drives it — a line-oriented pipe in, its protocol and
 * stderr text out, signals, and how it ended. Two ways to get one: spawned directly (`spawnAgent`, every platform),
 * or forked from a zygote that has NumPy imported already (forkServer.ts, POSIX).
 */
import { spawn } from 'node:child_process';

export interface AgentExit {
  code: number | null;
  signal: string | null;
  /** the process could not be started at all */
  error: Error | null;
}

export interface AgentOutput {
  onProtocol(text: string): void;
  onStderr(text: string): void;
}

export interface AgentProcess {
  /** the agent's own pid (the process whose memory the panes read) */
  readonly pid: number | null;
  readonly alive: boolean;
  write(line: string): void;
  signal(sig: 'SIGINT' | 'SIGKILL'): void;
  /** Settles once the process is gone and everything it wrote has been read. */
  readonly exited: Promise<AgentExit>;
}

/** `command -u agent.py` as a direct child of this process. */
export function spawnAgent(
  command: string,
  agent: string,
  opts: { cwd?: string; env: NodeJS.ProcessEnv },
  out: AgentOutput,
): AgentProcess {
  const child = spawn(command, ['-u', agent], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => out.onProtocol(d));
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => out.onStderr(d));
  child.stdin!.on('error', () => {}); // EPIPE after the child died: reported by 'close'
  const exited = new Promise<AgentExit>((resolve) => {
    child.on('error', (e) => resolve({ code: null, signal: null, error: e }));
    // 'close', not 'exit': every answer the child wrote is read before it counts as dead
    child.on('close', (code, signal) => resolve({ code, signal, error: null }));
  });
  return {
    get pid() {
      return child.pid ?? null;
    },
    get alive() {
      return child.exitCode === null && child.signalCode === null && child.pid !== undefined;
    },
    write: (line) => {
      child.stdin!.write(line);
    },
    signal: (sig) => {
      child.kill(sig);
    },
    exited,
  };
}
