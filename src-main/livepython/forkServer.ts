/**
 * The fork server: one `python -u agent.py --zygote` per (Python, environment) that imports NumPy once and forks a
 * fresh child per console session (the protocol is described at the end of python/agent.py). A session starts in
 * milliseconds instead of paying NumPy's import each time, and is still a new process: its own pid (the one the
 * panes read with process_vm_readv and that Stop signals), address space, __main__, warning registries and limits.
 *
 * The children are the zygote's, not ours: we signal them by pid, learn their exit status from the zygote's `exit`
 * events, and talk to each over two Unix-socket connections in a private (0700) directory — the agent protocol and
 * its stderr. Nothing here blocks: a zygote that fails to start makes `forkAgent` reject, and LivePython then spawns
 * the agent directly. POSIX only (Windows has no fork).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentExit, AgentOutput, AgentProcess } from './agentProcess';

/** Environment variables that differ per session: sent with each fork, not part of a zygote's identity. */
const PER_SESSION_ENV = ['STRIDESCOPE_OUTPUT_CAP', 'STRIDESCOPE_RLIMIT_AS'];

export function forkServerSupported(): boolean {
  return process.platform !== 'win32';
}

class ForkedAgent implements AgentProcess {
  pid: number | null = null;
  private proto: Socket | null = null;
  private readonly attached = new Set<'proto' | 'stderr'>();
  private queued: string[] = [];
  private protoClosed = false;
  private errClosed = false;
  private status: { code: number | null; signal: string | null } | null = null;
  private ended = false;
  private resolveExit!: (e: AgentExit) => void;
  readonly exited: Promise<AgentExit>;

  constructor(private readonly out: AgentOutput) {
    this.exited = new Promise((r) => (this.resolveExit = r));
  }

  get alive(): boolean {
    return this.pid !== null && this.status === null && !this.ended;
  }

  attach(kind: 'proto' | 'stderr', socket: Socket, rest: string): void {
    this.attached.add(kind);
    socket.setEncoding('utf8');
    const onText = kind === 'proto' ? (d: string) => this.out.onProtocol(d) : (d: string) => this.out.onStderr(d);
    if (rest) onText(rest);
    socket.on('data', onText);
    socket.on('error', () => {}); // a reset when the child dies: reported by 'close'
    socket.on('close', () => {
      if (kind === 'proto') this.protoClosed = true;
      else this.errClosed = true;
      this.maybeEnd();
    });
    if (kind === 'proto') {
      this.proto = socket;
      for (const line of this.queued) socket.write(line);
      this.queued = [];
    }
  }

  write(line: string): void {
    if (this.proto) {
      if (!this.proto.destroyed) this.proto.write(line);
    } else this.queued.push(line);
  }

  signal(sig: 'SIGINT' | 'SIGKILL'): void {
    // only while the zygote has not reaped it: after that the pid may belong to someone else
    if (this.pid === null || this.status !== null) return;
    try {
      process.kill(this.pid, sig);
    } catch {
      /* already gone: its exit event is on its way */
    }
  }

  /** The zygote reaped it. */
  reaped(code: number | null, signal: string | null): void {
    this.status = { code, signal };
    this.proto?.end();
    this.forgetUnconnected();
  }

  /** A child that died before connecting has no socket to wait for (after a moment: its connection may be in flight). */
  private forgetUnconnected(): void {
    if (this.attached.size === 2) return this.maybeEnd();
    setTimeout(() => {
      if (!this.attached.has('proto')) this.protoClosed = true;
      if (!this.attached.has('stderr')) this.errClosed = true;
      this.maybeEnd();
    }, 200).unref();
  }

  /** The zygote is gone: the exit status will never come; the sockets closing is all we will learn. */
  orphaned(): void {
    if (this.status) return;
    this.status = { code: null, signal: null };
    this.forgetUnconnected();
  }

  fail(error: Error): void {
    this.ended = true;
    this.resolveExit({ code: null, signal: null, error });
  }

  private maybeEnd(): void {
    if (this.ended || !this.status || !this.protoClosed || !this.errClosed) return;
    this.ended = true;
    this.resolveExit({ ...this.status, error: null });
  }
}

class Zygote {
  private readonly proc: ChildProcess;
  private readonly server: Server;
  private readonly dir: string;
  private readonly socketPath: string;
  private readonly ready: Promise<void>;
  private nextId = 1;
  private buffer = '';
  private readonly replies = new Map<number, (msg: { pid?: number; error?: string }) => void>();
  private readonly byToken = new Map<string, ForkedAgent>();
  private readonly byPid = new Map<number, ForkedAgent>();
  dead = false;

  constructor(command: string, agent: string, env: NodeJS.ProcessEnv, onDead: () => void) {
    this.dir = mkdtempSync(join(tmpdir(), 'stridescope-py-'));
    this.socketPath = join(this.dir, 's');
    this.server = createServer((s) => this.onConnection(s));
    this.server.listen(this.socketPath);
    this.server.unref();
    this.proc = spawn(command, ['-u', agent, '--zygote'], {
      env,
      stdio: ['pipe', 'pipe', 'ignore'],
      windowsHide: true,
    });
    // the zygote must not keep the app (or a test worker) alive: it exits when our end of its stdin closes
    this.proc.unref();
    (this.proc.stdin as unknown as Socket).unref?.();
    (this.proc.stdout as unknown as Socket).unref?.();
    this.proc.stdin!.on('error', () => {});
    this.proc.stdout!.setEncoding('utf8');
    let readyResolve!: () => void;
    let readyReject!: (e: Error) => void;
    this.ready = new Promise<void>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    this.ready.catch(() => {});
    this.proc.stdout!.on('data', (d: string) => {
      this.buffer += d;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        let msg: any;
        try {
          msg = JSON.parse(line);
        } catch {
          continue;
        }
        if (msg?.event === 'ready') readyResolve();
        else if (msg?.event === 'exit' && typeof msg.pid === 'number') {
          const a = this.byPid.get(msg.pid);
          this.byPid.delete(msg.pid);
          a?.reaped(typeof msg.code === 'number' ? msg.code : null, typeof msg.signal === 'string' ? msg.signal : null);
        } else if (typeof msg?.id === 'number') {
          const r = this.replies.get(msg.id);
          this.replies.delete(msg.id);
          r?.(msg);
        }
      }
    });
    const die = (why: string) => {
      if (this.dead) return;
      this.dead = true;
      onDead();
      readyReject(new Error(why));
      for (const r of this.replies.values()) r({ error: why });
      this.replies.clear();
      for (const a of this.byPid.values()) a.orphaned();
      this.byPid.clear();
      this.server.close();
      rmSync(this.dir, { recursive: true, force: true });
    };
    this.proc.on('error', (e) => die(`the fork server could not start: ${e.message}`));
    this.proc.on('close', (code, signal) => die(`the fork server exited (${signal ?? `code ${code}`})`));
  }

  private onConnection(s: Socket): void {
    s.setEncoding('utf8');
    let head = '';
    const onData = (d: string) => {
      head += d;
      const nl = head.indexOf('\n');
      if (nl < 0) {
        if (head.length > 200) s.destroy();
        return;
      }
      s.off('data', onData);
      const [token, kind] = head.slice(0, nl).split(' ');
      const agent = this.byToken.get(token);
      if (!agent || (kind !== 'proto' && kind !== 'stderr')) {
        s.destroy(); // not one of our children
        return;
      }
      agent.attach(kind, s, head.slice(nl + 1));
    };
    s.on('data', onData);
    s.on('error', () => {});
  }

  async fork(cwd: string | undefined, sessionEnv: Record<string, string>, out: AgentOutput): Promise<AgentProcess> {
    await this.ready;
    const token = randomBytes(16).toString('hex');
    const agent = new ForkedAgent(out);
    this.byToken.set(token, agent);
    const id = this.nextId++;
    const reply = await new Promise<{ pid?: number; error?: string }>((resolve) => {
      this.replies.set(id, resolve);
      this.proc.stdin!.write(
        JSON.stringify({ op: 'fork', id, socket: this.socketPath, token, cwd: cwd ?? null, env: sessionEnv }) + '\n',
      );
    });
    if (typeof reply.pid !== 'number') {
      this.byToken.delete(token);
      throw new Error(reply.error ?? 'the fork server did not fork');
    }
    agent.pid = reply.pid;
    this.byPid.set(reply.pid, agent);
    void agent.exited.then(() => this.byToken.delete(token));
    return agent;
  }

  dispose(): void {
    this.proc.kill('SIGKILL');
  }
}

const zygotes = new Map<string, Zygote>();

/**
 * A fresh agent process forked from the zygote for this Python and environment (started on first use).
 * Rejects when the zygote cannot start or fork; the caller then spawns the agent itself.
 */
export function forkAgent(
  command: string,
  agent: string,
  opts: { cwd?: string; env: NodeJS.ProcessEnv },
  out: AgentOutput,
): Promise<AgentProcess> {
  const zygoteEnv: NodeJS.ProcessEnv = { ...opts.env };
  const sessionEnv: Record<string, string> = {};
  for (const k of PER_SESSION_ENV) {
    sessionEnv[k] = zygoteEnv[k] ?? '';
    delete zygoteEnv[k];
  }
  const key = JSON.stringify([
    command,
    agent,
    Object.entries(zygoteEnv).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ]);
  let z = zygotes.get(key);
  if (!z || z.dead) {
    const made: Zygote = new Zygote(command, agent, zygoteEnv, () => {
      if (zygotes.get(key) === made) zygotes.delete(key);
    });
    z = made;
    zygotes.set(key, z);
  }
  return z.fork(opts.cwd, sessionEnv, out);
}

/** Stop every zygote (their children keep running until their own sessions end). */
export function stopForkServers(): void {
  for (const z of zygotes.values()) z.dispose();
  zygotes.clear();
}
