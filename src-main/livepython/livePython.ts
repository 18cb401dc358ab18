/**
 * LivePython: the user's Python as a child process running python/agent.py, driven without ever blocking main.
 *
 *  - start(): spawn, wait for the agent's `ready` line, ask `hello` (Python and NumPy versions, data model);
 *    NoPythonError when the executable is missing or has no NumPy (the console then uses its simulation).
 *  - run(source): one request; resolves with the agent's inputs and array reports. A per-statement time limit
 *    (default 30 s) first sends SIGINT (KeyboardInterrupt, as Ctrl+C at the prompt), then after a grace period
 *    kills the process. interrupt() is the Stop button.
 *  - The child dying (os.abort(), a segfault through a bad ctypes read, the OOM killer, exit()) rejects what was
 *    pending with PythonDied, which says why; the next run() starts a new Python.
 *  - RLIMIT_AS (a setting): the agent applies it to itself before importing anything else.
 * Windows has no SIGINT for a child: interrupt() there ends the process (restart on next input), said so.
 *
 * On POSIX each Python is forked from a fork server that imported NumPy once (forkServer.ts): a new process per
 * session, started in milliseconds. `forkServer: false` (or STRIDESCOPE_PYTHON_FORK_SERVER=0) spawns each directly;
 * so does a fork server that cannot start.
 */
import { StridescopeError } from '../core/errors';
import { spawnAgent, type AgentExit, type AgentOutput, type AgentProcess } from './agentProcess';
import { forkAgent, forkServerSupported } from './forkServer';
import { agentScriptPath, choosePython, findOnPath, type PythonChoice } from './pythonLocator';
import { PROTOCOL_VERSION, type AgentHello, type AgentLifetimeWarning, type AgentRunReply } from './protocol';

export interface LivePythonOptions {
  /** A path the user chose; else STRIDESCOPE_PYTHON, else python3 on PATH. */
  python?: string | null;
  /** Per-statement time limit in ms (default 30 000): SIGINT, then kill after `graceMs`. */
  timeLimitMs?: number;
  graceMs?: number;
  /** RLIMIT_AS for the child, bytes (default 8 GiB; 0 = none). */
  memoryLimitBytes?: number;
  /** Output kept per statement, bytes (default 1 MiB). */
  outputCap?: number;
  /** Working directory of the child. */
  cwd?: string;
  /** Extra environment (tests). */
  env?: NodeJS.ProcessEnv;
  /** Called for each lifetime warning as it happens (before the statement ends, or the process dies). */
  onLifetime?: (w: AgentLifetimeWarning) => void;
  /** Fork each Python from a zygote with NumPy imported (default: yes on POSIX). */
  forkServer?: boolean;
}

/** No usable Python: not found, not runnable, or without NumPy. */
export class NoPythonError extends StridescopeError {
  constructor(message: string) {
    super('unsupported', message, { expected: 'python3 with NumPy (set STRIDESCOPE_PYTHON or choose a Python)' });
    this.name = 'NoPythonError';
  }
}

/** The child died; `reason` says how, in words. */
export class PythonDied extends StridescopeError {
  constructor(
    readonly reason: string,
    readonly stderr: string,
  ) {
    super('io', `Python died: ${reason}`);
    this.name = 'PythonDied';
  }
}

const SIGNAL_WORDS: Record<string, string> = {
  SIGSEGV: 'segmentation fault (SIGSEGV): C read or wrote memory that is not mapped',
  SIGBUS: 'bus error (SIGBUS): C touched a mapping past the end of its file',
  SIGABRT: 'aborted (SIGABRT), e.g. os.abort() or a failed C assertion',
  SIGKILL: 'killed (SIGKILL): by the out-of-memory killer, or from outside',
  SIGFPE: 'floating-point exception (SIGFPE)',
  SIGILL: 'illegal instruction (SIGILL)',
  SIGTERM: 'terminated (SIGTERM)',
};

interface Pending {
  resolve: (v: any) => void;
  reject: (e: Error) => void;
}

export class LivePython {
  readonly choice: PythonChoice;
  hello: AgentHello | null = null;
  private child: AgentProcess | null = null;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private buffer = '';
  private parts: string[] = [];
  private stderrTail = '';
  private killedFor: string | null = null;
  private starting: Promise<AgentHello> | null = null;
  /** Resolves when the current child's pipes have closed (it is dead and every answer was read). */
  private closed: Promise<void> = Promise.resolve();
  private readonly opts: Required<Omit<LivePythonOptions, 'python' | 'cwd' | 'env' | 'onLifetime' | 'forkServer'>> &
    LivePythonOptions;
  /** Why the last Python died (cleared when a new one starts). */
  lastDeath: string | null = null;

  constructor(opts: LivePythonOptions = {}) {
    this.opts = { timeLimitMs: 30_000, graceMs: 2_000, memoryLimitBytes: 8 * 1024 ** 3, outputCap: 1 << 20, ...opts };
    this.choice = choosePython(opts.python, { ...process.env, ...opts.env });
  }

  get running(): boolean {
    return this.child !== null && this.child.alive;
  }

  /** The agent's pid (a forked child's own pid, not the fork server's). */
  get pid(): number | null {
    return this.running ? this.child!.pid : null;
  }

  /** How this Python was started: forked from the fork server, or spawned. */
  get startedBy(): 'fork-server' | 'spawn' | null {
    return this.child ? this.forked : null;
  }
  private forked: 'fork-server' | 'spawn' = 'spawn';
  private generation = 0;

  /** Start (or return the running) Python; resolves with its hello. */
  start(): Promise<AgentHello> {
    if (this.running && this.hello) return Promise.resolve(this.hello);
    this.starting ??= this.spawn().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async spawn(): Promise<AgentHello> {
    const env = { ...process.env, ...this.opts.env };
    if (!findOnPath(this.choice.command, env)) {
      throw new NoPythonError(
        `no Python found: \`${this.choice.command}\` is not ${/[\\/]/.test(this.choice.command) ? 'a file' : 'on PATH'} (${this.choice.source})`,
      );
    }
    const agent = agentScriptPath();
    const childEnv: NodeJS.ProcessEnv = {
      ...env,
      PYTHONUNBUFFERED: '1',
      PYTHONIOENCODING: 'utf-8',
      STRIDESCOPE_OUTPUT_CAP: String(this.opts.outputCap),
      STRIDESCOPE_RLIMIT_AS: this.opts.memoryLimitBytes > 0 ? String(this.opts.memoryLimitBytes) : '',
    };
    delete childEnv.PYTHONSTARTUP;
    this.buffer = '';
    this.parts = [];
    this.stderrTail = '';
    this.killedFor = null;
    const ready = new Promise<void>((resolve, reject) => {
      this.pending.set(0, { resolve: () => resolve(), reject });
    });
    // a forked child may speak before the fork server's reply names it: output belongs to the newest start
    const generation = ++this.generation;
    const out: AgentOutput = {
      onProtocol: (d) => {
        if (this.generation === generation) this.onData(d);
      },
      onStderr: (d) => {
        if (this.generation === generation) this.stderrTail = (this.stderrTail + d).slice(-16384);
      },
    };
    let child: AgentProcess | null = null;
    const useFork = (this.opts.forkServer ?? env.STRIDESCOPE_PYTHON_FORK_SERVER !== '0') && forkServerSupported();
    if (useFork) {
      try {
        child = await forkAgent(this.choice.command, agent, { cwd: this.opts.cwd, env: childEnv }, out);
        this.forked = 'fork-server';
      } catch {
        child = null; // no fork server here: spawn this one directly
      }
    }
    if (!child) {
      child = spawnAgent(this.choice.command, agent, { cwd: this.opts.cwd, env: childEnv }, out);
      this.forked = 'spawn';
    }
    this.child = child;
    const spawned = child;
    this.closed = spawned.exited.then((e) => this.onExit(spawned, e));
    await ready;
    const hello = (await this.request({ op: 'hello' })) as AgentHello;
    if (hello.protocol !== PROTOCOL_VERSION) {
      this.kill('protocol mismatch');
      throw new NoPythonError(`the agent speaks protocol ${hello.protocol}, this Stridescope ${PROTOCOL_VERSION}`);
    }
    if (!hello.numpy) {
      this.kill('no NumPy');
      throw new NoPythonError(
        `${this.choice.command} (Python ${hello.python}) cannot import numpy: ${hello.numpyError ?? 'not installed'}`,
      );
    }
    this.hello = hello;
    this.lastDeath = null;
    return hello;
  }

  private onData(d: string): void {
    // a big answer (an agent read of a 1 MiB window) arrives in many chunks: look for the newline in the new
    // chunk only, and join the parts once
    const nl0 = d.indexOf('\n');
    if (nl0 < 0) {
      this.parts.push(d);
      return;
    }
    this.buffer = this.parts.join('') + d;
    this.parts = [];
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      let msg: any;
      try {
        msg = JSON.parse(line);
      } catch {
        continue; // not the agent's (it writes only JSON lines on this fd)
      }
      if (!msg || typeof msg !== 'object') continue;
      if (msg.event === 'ready') {
        this.settle(0, null, msg);
      } else if (msg.event === 'lifetime') {
        this.opts.onLifetime?.(msg.warning as AgentLifetimeWarning);
      } else if (typeof msg.id === 'number') {
        this.settle(msg.id, typeof msg.error === 'string' && !('bytes' in msg) ? msg.error : null, msg);
      }
    }
    if (this.buffer) this.parts.push(this.buffer);
    this.buffer = '';
  }

  private settle(id: number, error: string | null, value: unknown): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (error) p.reject(new StridescopeError('io', `the Python agent answered: ${error}`));
    else p.resolve(value);
  }

  private onExit(child: AgentProcess, { code, signal, error }: AgentExit): void {
    if (child !== this.child) return;
    const reason = error
      ? `could not start ${this.choice.command}: ${error.message}`
      : (this.killedFor ?? (signal ? (SIGNAL_WORDS[signal] ?? `ended by ${signal}`) : `exited with code ${code}`));
    this.lastDeath = reason;
    this.child = null;
    this.hello = null;
    const died = new PythonDied(reason, this.stderrTail);
    for (const [id, p] of [...this.pending]) {
      this.pending.delete(id);
      p.reject(died);
    }
  }

  private request(body: Record<string, unknown>): Promise<any> {
    const child = this.child;
    if (!child || !this.running)
      return Promise.reject(new PythonDied(this.lastDeath ?? 'not running', this.stderrTail));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.write(JSON.stringify({ ...body, id }) + '\n');
    });
  }

  /** Run console input (one or several lines, cut into inputs as the prompt does). */
  async run(source: string, opts: { silent?: boolean } = {}): Promise<AgentRunReply> {
    await this.start();
    const child = this.child!;
    let timer: NodeJS.Timeout | null = setTimeout(() => {
      timer = null;
      this.interrupt();
      timer = setTimeout(() => {
        if (child === this.child)
          this.kill(
            `stopped: the statement ran past the time limit (${this.opts.timeLimitMs / 1000} s) and did not stop on KeyboardInterrupt`,
          );
      }, this.opts.graceMs);
    }, this.opts.timeLimitMs);
    try {
      const reply = (await this.request({ op: 'run', source, silent: opts.silent === true })) as AgentRunReply;
      // exit(): the agent exits after answering; wait for it so the next input starts a new Python
      if (reply.inputs.some((i) => i.exit !== undefined)) await this.closed;
      return reply;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  /** Ask the agent for bytes of its own memory (the fallback path): bytes, and whether the range hit unmapped memory. */
  async agentRead(address: bigint, length: number): Promise<{ bytes: Uint8Array; unmapped: boolean }> {
    const r = await this.request({ op: 'read', address: `0x${address.toString(16)}`, length });
    return { bytes: new Uint8Array(Buffer.from(String(r.bytes), 'base64')), unmapped: r.error === 'unmapped' };
  }

  /** Stop: KeyboardInterrupt in the running statement (Windows: ends the process). */
  interrupt(): void {
    if (!this.running) return;
    if (process.platform === 'win32')
      this.kill('stopped (Windows cannot interrupt a child process; a new Python starts on the next input)');
    else this.child!.signal('SIGINT');
  }

  kill(why: string): void {
    if (!this.running) return;
    this.killedFor = why;
    this.child!.signal('SIGKILL');
  }

  /** A fresh Python: the old one is killed, the next run() starts a new one. */
  async restart(): Promise<AgentHello> {
    if (this.running) {
      const gone = this.closed;
      this.kill('restarted');
      await gone;
    }
    return this.start();
  }

  dispose(): void {
    this.kill('closed');
  }
}
