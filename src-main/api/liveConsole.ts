/**
 * The console's Python: the user's own (live, src-main/livepython) when there is one with NumPy, else the built-in
 * simulation (./console's ConsoleSession), labelled as such in every answer (`session.backend`).
 *
 *  - live: each input runs in the child; its outputs are what `python3 -i` prints; the arrays it reports are listed
 *    like opened files over the child's memory (read-only); lifetime warnings come from the agent.
 *  - simulation: when no Python with NumPy is found (the reason is kept), or when a reset asks for a data model the
 *    host does not have (live Python is always the host's: LP64 on Linux/macOS, LLP64 on Windows).
 * The tour runs on the simulation (its steps switch data models and expect the simulation's transcript).
 */
import { LiveSession, type LiveSessionOptions } from '../livepython/liveSession';
import { NoPythonError } from '../livepython/livePython';
import type { LiveArray } from '../livepython/processArrays';
import type { AgentOrigin } from '../livepython/protocol';
import { ConsoleSession, type ConsoleOptions } from './console';
import type {
  AllocationInfo,
  ArrayId,
  ConsoleArray,
  HoldInfo,
  ConsoleBackendInfo,
  ConsoleInput,
  ConsoleResetOptions,
  ConsoleRunResult,
  ConsoleSessionInfo,
  DataModelId,
  LifetimeReport,
  LifetimeStatement,
  LifetimeWarning,
  TourRunResult,
} from './contract';

export interface LiveConsoleOptions extends ConsoleOptions {
  live?: LiveSessionOptions;
}

/** Identity of a listed live array across statements: same Python object, same layout. */
const keyOf = (a: LiveArray): string => `${a.report.serial}:${a.report.address}:${a.report.shape}:${a.report.strides}:${a.report.typestr}`;

export class LiveConsole {
  private live: LiveSession | null = null;
  private sim: ConsoleSession | null = null;
  private reason: string | null = null;
  private decided: Promise<void> | null = null;
  private model: DataModelId;
  private listed = new Map<string, { key: string; id: ArrayId }>();
  private hidden = new Map<string, string>();
  private statements: LifetimeStatement[] = [];
  private statementCount = 0;
  private names: { name: string; type: string }[] = [];
  /** the last run's arrays and address-taken buffers, for the Lifetime pane */
  private lastArrays: LiveArray[] = [];
  private lastOrigins: AgentOrigin[] = [];

  constructor(private readonly opts: LiveConsoleOptions) {
    this.model = opts.model;
  }

  /** Live if a Python with NumPy starts, else the simulation (reason kept). */
  private decide(): Promise<void> {
    this.decided ??= (async () => {
      if (this.sim) return;
      const live = new LiveSession({ cwd: this.opts.dir(), ...this.opts.live });
      try {
        const hello = await live.start();
        this.live = live;
        this.model = hello.model === 'other' ? this.model : hello.model;
      } catch (e) {
        live.dispose();
        if (!(e instanceof NoPythonError)) throw e;
        this.useSimulation(e.message);
      }
    })();
    return this.decided;
  }

  private useSimulation(reason: string): void {
    this.reason = reason;
    this.sim ??= new ConsoleSession({ ...this.opts, model: this.model });
  }

  backend(): ConsoleBackendInfo {
    const h = this.live?.hello ?? null;
    if (this.live) {
      return {
        kind: 'live',
        python: h?.python ?? null,
        numpy: h?.numpy ?? null,
        executable: h?.executable ?? null,
        pid: h?.pid ?? null,
        readPath: this.live.readPath,
        reason: null,
        lastDeath: this.live.python.lastDeath,
      };
    }
    return { kind: 'simulation', python: null, numpy: null, executable: null, pid: null, readPath: null, reason: this.reason, lastDeath: null };
  }

  info(): ConsoleSessionInfo {
    if (this.sim) return { ...this.sim.info(), backend: this.backend() };
    return {
      model: this.model,
      ctypes: true,
      cwd: this.opts.dir(),
      statements: this.statementCount,
      names: this.names,
      arrays: this.arrayList(),
      backend: this.backend(),
    };
  }

  private arrayList(): ConsoleArray[] {
    const out: ConsoleArray[] = [];
    for (const [name, { id }] of this.listed) {
      if (!this.opts.host.has(id)) continue;
      try {
        out.push({ name, id, summary: this.opts.host.summary(id) });
      } catch {
        // its memory went away (Python freed it, or died): not listed
      }
    }
    return out;
  }

  async run(source: string): Promise<ConsoleRunResult> {
    await this.decide();
    if (this.sim) {
      const r = this.sim.run(source);
      return { ...r, session: { ...r.session, backend: this.backend() } };
    }
    const r = await this.live!.run(source);
    const inputs: ConsoleInput[] = r.inputs.map((i) => {
      this.statementCount++;
      const output = i.output + i.lifetime.map((w) => `[stridescope] lifetime: ${w.message}\n`).join('');
      this.statements.push({ n: this.statementCount, source: i.source, effect: i.raised ? 'raised' : i.output ? i.output.trimEnd().split('\n')[0] : 'ok' });
      return {
        text: i.source,
        output,
        raised: i.raised,
        statements: [{ line: this.statementCount, source: i.source, output: i.output, error: null, notes: [] }],
      };
    });
    if (r.died) inputs.push({ text: '', output: `[stridescope] Python died: ${r.died}. A new Python starts on the next input.\n`, raised: true, statements: [] });
    if (this.statements.length > 200) this.statements.splice(0, this.statements.length - 200);
    this.lastArrays = r.arrays;
    this.lastOrigins = r.origins;
    const before = new Set(this.listed.keys());
    const closed = this.sync(r.arrays);
    const after = new Set(r.arrays.flatMap((a) => a.report.names.filter((n) => /^[A-Za-z_]\w*$/.test(n))));
    this.names = [...after].map((name) => ({ name, type: 'ndarray' }));
    return {
      inputs,
      output: inputs.map((i) => i.output).join(''),
      raised: inputs.some((i) => i.raised),
      bound: [...after].filter((n) => !before.has(n)),
      deleted: [...before].filter((n) => !after.has(n)),
      closed,
      session: this.info(),
    };
  }

  /** List arrays bound to plain names (as the simulation does); drop listings whose name now binds another. */
  private sync(arrays: LiveArray[]): ArrayId[] {
    const now = new Map<string, LiveArray>();
    for (const a of arrays) for (const n of a.report.names) if (/^[A-Za-z_]\w*$/.test(n) && n !== '_') now.set(n, a);
    const closed: ArrayId[] = [];
    for (const [name, l] of [...this.listed]) {
      const a = now.get(name);
      if (!a || keyOf(a) !== l.key || !this.opts.host.has(l.id)) {
        this.listed.delete(name);
        if (this.opts.host.has(l.id)) this.opts.host.remove(l.id);
        closed.push(l.id);
      }
    }
    for (const [name, a] of now) {
      if (this.listed.has(name) || this.hidden.get(name) === keyOf(a)) continue;
      this.hidden.delete(name);
      this.listed.set(name, { key: keyOf(a), id: this.opts.host.add(name, a.array, this.model) });
    }
    return closed;
  }

  forget(id: ArrayId): void {
    if (this.sim) return this.sim.forget(id);
    for (const [name, l] of [...this.listed]) {
      if (l.id !== id) continue;
      this.listed.delete(name);
      this.hidden.set(name, l.key);
    }
  }

  private unlistAll(): void {
    for (const { id } of this.listed.values()) if (this.opts.host.has(id)) this.opts.host.remove(id);
    this.listed.clear();
    this.hidden.clear();
  }

  async reset(o: ConsoleResetOptions): Promise<ConsoleSessionInfo> {
    await this.decide();
    const hostModel = this.live?.hello?.model;
    if (this.live && o.model && o.model !== hostModel) {
      // a data model this machine does not have: only the simulation can show it
      this.unlistAll();
      this.useSimulation(`live Python is ${hostModel?.toUpperCase()} (this machine's model); ${o.model.toUpperCase()} is simulated`);
      this.live.dispose();
      this.live = null;
    }
    if (this.sim) return { ...this.sim.reset(o), backend: this.backend() };
    return this.restart();
  }

  async restart(): Promise<ConsoleSessionInfo> {
    await this.decide();
    if (this.sim) return { ...this.sim.reset({}), backend: this.backend() };
    this.unlistAll();
    this.statements = [];
    this.statementCount = 0;
    this.names = [];
    await this.live!.restart();
    return this.info();
  }

  interrupt(): ConsoleSessionInfo {
    this.live?.interrupt();
    return this.info();
  }

  lifetime(): LifetimeReport {
    if (this.sim) return this.sim.lifetime();
    const warnings: LifetimeWarning[] = this.live!.lifetimeWarnings.map((w) => ({ message: `statement ${w.statement}: ${w.message}`, allocation: null, address: w.address }));
    // the process's buffers: each owner the arrays view (live, with the owner's refcount as sys.getrefcount
    // prints it), then the address-taken buffers the agent recorded that are not among them (freed temporaries)
    const allocations: AllocationInfo[] = [];
    const holds: HoldInfo[] = [];
    const seen = new Set<number>();
    for (const a of this.lastArrays) {
      const owner = a.report.owner.serial;
      const id = `p${owner}`;
      if (!seen.has(owner)) {
        seen.add(owner);
        const ownerArray = this.lastArrays.find((x) => x.report.serial === owner);
        allocations.push({
          id,
          label: ownerArray ? ownerArray.name : `${a.report.owner.kind} under ${a.name}`,
          kind: 'process',
          createdBy: '',
          refcount: ownerArray ? ownerArray.report.refcount - 1 : 0,
          state: 'live',
          address: a.report.buffer.address,
          size: a.report.buffer.size,
          releasedBy: null,
        });
      }
      for (const n of a.report.names) {
        holds.push({ holder: n, allocation: id, kind: n.endsWith('._arr') ? 'ctypes' : a.report.base !== null ? 'view' : 'name', keepsAlive: true });
      }
    }
    for (const o of this.lastOrigins) {
      if (seen.has(o.serial)) continue;
      seen.add(o.serial);
      allocations.push({
        id: `p${o.serial}`,
        label: o.what,
        kind: 'temporary',
        createdBy: `statement ${o.takenAt}: ${o.takenBy}`,
        refcount: 0,
        state: o.freedAt === null ? 'live' : 'freed',
        address: o.address,
        size: o.size,
        releasedBy: o.freedAt === null ? null : `at statement ${o.freedAt}`,
      });
    }
    return { scenario: null, statements: [...this.statements], allocations, holds, warnings };
  }

  tour(id: string, runCode: boolean): TourRunResult {
    this.unlistAll();
    this.live?.dispose();
    this.live = null;
    this.useSimulation('the tour runs on the simulation (its steps switch data models)');
    this.decided = Promise.resolve();
    return this.sim!.tour(id, runCode);
  }

  dispose(): void {
    this.unlistAll();
    this.live?.dispose();
    this.sim?.dispose();
  }
}
