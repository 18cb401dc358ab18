/**
 * LiveSession: the console on live Python. Runs input in the child, keeps its transcript, turns its array reports
 * into NDArrays over the child's memory (read directly where the OS allows, else through the agent), and keeps
 * the lifetime warnings the agent raised.
 */
import { UnsupportedError } from '../core/errors';
import {
  AgentWindows,
  openDirectReader,
  ProcessAccessRefused,
  ProcessMemory,
  type ProcessReader,
} from '../platform/processMemory';
import { LivePython, PythonDied, type LivePythonOptions } from './livePython';
import { liveArrays, type LiveArray } from './processArrays';
import {
  pointerReadsOf,
  type AgentHello,
  type AgentInput,
  type AgentLifetimeWarning,
  type AgentOrigin,
  type PointerReadAt,
} from './protocol';

export interface LiveSessionOptions extends LivePythonOptions {
  /** 'direct' (default: process_vm_readv / ReadProcessMemory, else the agent) or 'agent' (always the agent). */
  readPath?: 'direct' | 'agent';
  /** Bytes of each array's buffer fetched after every statement on the agent path (default 4 MiB). */
  agentPrefetch?: number;
}

/** One input and what the prompt printed for it. */
export interface LiveInput {
  source: string;
  lines: number;
  /** stdout and stderr text, in order */
  output: string;
  parts: AgentInput['output'];
  /** bytes cut by the output cap (0 when none) */
  cut: number;
  lifetime: AgentLifetimeWarning[];
  raised: boolean;
  /** the pointer reads the agent reported (validated, bounded) */
  reads: PointerReadAt[];
}

export interface LiveRunResult {
  inputs: LiveInput[];
  arrays: LiveArray[];
  /** buffers whose address was taken, live or freed (the Lifetime pane) */
  origins: AgentOrigin[];
  /** Set when the child died during this run: why (a new Python starts on the next input). */
  died: string | null;
  /** Set when the agent exited (exit()). */
  exited: number | null;
  errors: string[];
}

/** What `python3 -i` prints for these inputs: prompts (`>>> `, `... ` per further line), then the output. */
export function promptTranscript(inputs: { lines: number; output: string }[]): string {
  return inputs.map((i) => '>>> ' + '... '.repeat(Math.max(0, i.lines - 1)) + i.output).join('');
}

export function cutNotice(cut: number): string {
  return cut > 0
    ? `\n[stridescope: output cut: ${cut} more bytes not shown (the console keeps 1 MiB per statement)]\n`
    : '';
}

export class LiveSession {
  readonly python: LivePython;
  private reader: ProcessReader | null = null;
  private readerPid = -1;
  private memories = new Map<string, ProcessMemory>();
  private warnings: AgentLifetimeWarning[] = [];
  private current: LiveArray[] = [];

  constructor(private readonly opts: LiveSessionOptions = {}) {
    this.python = new LivePython({ ...opts, onLifetime: (w) => this.onLifetime(w) });
  }

  private streamed: AgentLifetimeWarning[] = [];

  private onLifetime(w: AgentLifetimeWarning): void {
    this.streamed.push(w);
    this.opts.onLifetime?.(w);
  }

  start(): Promise<AgentHello> {
    return this.python.start();
  }

  get hello(): AgentHello | null {
    return this.python.hello;
  }

  /** How panes read this Python's memory now. */
  get readPath(): ProcessReader['path'] | null {
    return this.reader?.path ?? null;
  }

  /** The reader for the running child: direct when the OS allows it, else the agent's windows. */
  private readerFor(hello: AgentHello): ProcessReader {
    if (this.reader && this.readerPid === hello.pid) return this.reader;
    this.readerPid = hello.pid;
    if (this.opts.readPath !== 'agent') {
      try {
        this.reader = openDirectReader(hello.pid, BigInt(hello.probe));
        return this.reader;
      } catch (e) {
        if (!(e instanceof ProcessAccessRefused) && !(e instanceof UnsupportedError)) throw e;
      }
    }
    this.reader = new AgentWindows(hello.pid);
    return this.reader;
  }

  /** `silent`: setup of the console's own (not counted as statements by the agent). */
  async run(source: string, opts: { silent?: boolean } = {}): Promise<LiveRunResult> {
    this.streamed = [];
    let reply;
    try {
      reply = await this.python.run(source, opts);
    } catch (e) {
      if (!(e instanceof PythonDied)) throw e;
      this.releaseAll(`when Python died (${e.reason})`);
      const lifetime = this.streamed;
      this.warnings.push(...lifetime);
      return {
        inputs: [
          {
            source,
            lines: source.replace(/\n$/, '').split('\n').length,
            output: '',
            parts: [],
            cut: 0,
            lifetime,
            raised: true,
            reads: [],
          },
        ],
        arrays: [],
        origins: [],
        died: e.reason,
        exited: null,
        errors: [],
      };
    }
    const inputs: LiveInput[] = reply.inputs.map((i) => {
      const text = i.output.map(([, t]) => t).join('');
      return {
        source: i.source,
        lines: i.lines,
        output: text + cutNotice(i.cut ?? 0),
        parts: i.output,
        cut: i.cut ?? 0,
        lifetime: i.lifetime ?? [],
        raised: i.raised ?? false,
        reads: pointerReadsOf(i.reads),
      };
    });
    for (const i of inputs) this.warnings.push(...i.lifetime);
    if (this.warnings.length > 200) this.warnings.splice(0, this.warnings.length - 200);
    const exit = reply.inputs.find((i) => i.exit !== undefined);
    const hello = this.python.hello;
    if (exit || !hello) {
      this.releaseAll('when Python exited');
      return { inputs, arrays: [], origins: [], died: null, exited: exit ? exit.exit! : 0, errors: [] };
    }
    const reader = this.readerFor(hello);
    if (reader instanceof AgentWindows)
      await this.prefetch(
        reader,
        reply.arrays.map((a) => a.buffer),
      );
    const { arrays, errors } = liveArrays(reply.arrays, reader, this.memories, `after statement ${reply.statement}`);
    this.current = arrays;
    return { inputs, arrays, origins: reply.origins ?? [], died: null, exited: null, errors };
  }

  private async prefetch(reader: AgentWindows, buffers: { address: string; size: number }[]): Promise<void> {
    reader.clear();
    const per = this.opts.agentPrefetch ?? 4 * 1024 * 1024;
    const seen = new Set<string>();
    for (const b of buffers) {
      if (seen.has(b.address)) continue;
      seen.add(b.address);
      const n = Math.min(b.size, per);
      if (n === 0) continue;
      const r = await this.python.agentRead(BigInt(b.address), n);
      reader.fill(BigInt(b.address), r.bytes, r.unmapped);
    }
  }

  /** Read through the agent now (the fallback path; also what the bench measures). */
  agentRead(address: bigint, length: number): Promise<{ bytes: Uint8Array; unmapped: boolean }> {
    return this.python.agentRead(address, length);
  }

  /** Direct reader of the running child (null when refused): for tests and the bench. */
  directReader(): ProcessReader | null {
    const h = this.python.hello;
    if (!h) return null;
    try {
      return openDirectReader(h.pid, BigInt(h.probe));
    } catch {
      return null;
    }
  }

  get arrays(): LiveArray[] {
    return this.current;
  }

  get lifetimeWarnings(): AgentLifetimeWarning[] {
    return [...this.warnings];
  }

  interrupt(): void {
    this.python.interrupt();
  }

  async restart(): Promise<AgentHello> {
    this.releaseAll('when Python was restarted');
    this.warnings = [];
    return this.python.restart();
  }

  private releaseAll(why: string): void {
    for (const m of this.memories.values()) m.release(why);
    this.memories.clear();
    this.current = [];
    this.reader = null;
    this.readerPid = -1;
  }

  dispose(): void {
    this.releaseAll('when the console closed');
    this.python.dispose();
  }
}
