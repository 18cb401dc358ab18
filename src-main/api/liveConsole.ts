/**
 * The console's Python: the user's own (live, src-main/livepython) when there is one with NumPy, else the built-in
 * simulation (./console's ConsoleSession), labelled as such in every answer (`session.backend`).
 *
 *  - live: each input runs in the child; its outputs are what `python3 -i` prints; the arrays it reports are listed
 *    like opened files over the child's memory (read-only); lifetime warnings come from the agent.
 *  - simulation: when no Python with NumPy is found (the reason is kept), or when a reset asks for a data model the
 *    host does not have (live Python is always the host's: LP64 on Linux/macOS, LLP64 on Windows).
 * The console starts with the seed page's `x` (and `np`, `ctypes`) defined, run silently (not counted as statements).
 * The tour runs on live Python for each step in this machine's data model with ctypes; a step about another
 * model (LLP64) or NumPy without ctypes runs on the simulation, which says why; the next live step returns to Python.
 */
import { LiveSession, type LiveSessionOptions } from '../livepython/liveSession';
import { NoPythonError } from '../livepython/livePython';
import type { LiveArray } from '../livepython/processArrays';
import type { AgentOrigin, PointerReadAt } from '../livepython/protocol';
import { ConsoleSession, listedArrays, TOUR_STEPS, type ConsoleOptions } from './console';
import { SEED_SETUP } from '../playground/tour';
import type {
  AllocationInfo,
  ArrayId,
  ConsoleArray,
  HoldInfo,
  ConsoleBackendInfo,
  ConsoleInput,
  ConsolePointerRead,
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
const keyOf = (a: LiveArray): string =>
  `${a.report.serial}:${a.report.address}:${a.report.shape}:${a.report.strides}:${a.report.typestr}`;

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
  /** no usable Python here: every answer is the simulation's */
  private noPython = false;
  private hostModel: string | null = null;

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
        await this.defineSeed();
      } catch (e) {
        live.dispose();
        if (!(e instanceof NoPythonError)) throw e;
        this.noPython = true;
        this.useSimulation(e.message);
      }
    })();
    return this.decided;
  }

  /** The seed's `x` (and `np`, `ctypes`) in a fresh Python, listed like any array; not counted as statements. */
  private async defineSeed(): Promise<void> {
    const r = await this.live!.run(SEED_SETUP.join('\n') + '\n', { silent: true });
    this.lastArrays = r.arrays;
    this.sync(r.arrays);
    this.names = [...new Set(r.arrays.flatMap((a) => a.report.names.filter((n) => /^[A-Za-z_]\w*$/.test(n))))].map(
      (name) => ({ name, type: 'ndarray' }),
    );
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
    return {
      kind: 'simulation',
      python: null,
      numpy: null,
      executable: null,
      pid: null,
      readPath: null,
      reason: this.reason,
      lastDeath: null,
    };
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
    return listedArrays(this.listed, this.opts.host);
  }

  async run(source: string): Promise<ConsoleRunResult> {
    await this.decide();
    if (this.sim) {
      const r = await this.sim.run(source);
      return { ...r, session: { ...r.session, backend: this.backend() } };
    }
    const r = await this.live!.run(source);
    const inputs: ConsoleInput[] = r.inputs.map((i) => {
      this.statementCount++;
      const output = i.output + i.lifetime.map((w) => `[stridescope] lifetime: ${w.message}\n`).join('');
      this.statements.push({
        n: this.statementCount,
        source: i.source,
        effect: i.raised ? 'raised' : i.output ? i.output.trimEnd().split('\n')[0] : 'ok',
      });
      return {
        text: i.source,
        output,
        raised: i.raised,
        statements: [{ line: this.statementCount, source: i.source, output: i.output, error: null, notes: [] }],
      };
    });
    const readsOf = r.inputs.map((i) => i.reads);
    if (r.died)
      inputs.push({
        text: '',
        output: `[stridescope] Python died: ${r.died}. A new Python starts on the next input.\n`,
        raised: true,
        statements: [],
      });
    if (this.statements.length > 200) this.statements.splice(0, this.statements.length - 200);
    this.lastArrays = r.arrays;
    this.lastOrigins = r.origins;
    const before = new Set(this.listed.keys());
    const closed = this.sync(r.arrays);
    // now that the arrays are listed: each pointer read as the listed array whose buffer holds it
    readsOf.forEach((reads, i) => {
      const located = reads.map((rd) => this.locateRead(rd)).filter((x): x is ConsolePointerRead => x !== null);
      if (located.length && inputs[i]) inputs[i].statements[0].pointerReads = located;
    });
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

  /**
   * An address the child read through a pointer, as a listed array's byte offset: the array whose buffer holds
   * all `length` bytes (its Bytes pane shows that whole buffer), preferring one whose own data span holds them.
   */
  private locateRead(rd: PointerReadAt): ConsolePointerRead | null {
    let best: ConsolePointerRead | null = null;
    for (const [name, { id }] of this.listed) {
      const a = this.lastArrays.find((x) => this.listed.get(name)?.key === keyOf(x));
      if (!a || !this.opts.host.has(id)) continue;
      const mem = a.array.memory as { address?: bigint; size: number };
      if (typeof mem.address !== 'bigint') continue;
      const inBuffer = rd.address - mem.address;
      if (inBuffer < 0n || inBuffer + BigInt(rd.length) > BigInt(mem.size)) continue;
      const memoryOffset = Number(inBuffer);
      const hit = {
        id,
        name,
        fileOffset: this.opts.host.summary(id).dataOffset + (memoryOffset - a.array.offset),
        length: rd.length,
      };
      if (hit.fileOffset < 0) continue;
      if (memoryOffset >= a.array.offset && memoryOffset + rd.length <= a.array.offset + a.array.nbytes) return hit;
      best ??= hit;
    }
    return best;
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
      this.useSimulation(
        `live Python is ${hostModel?.toUpperCase()} (this machine's model); ${o.model.toUpperCase()} is simulated`,
      );
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
    await this.defineSeed();
    return this.info();
  }

  interrupt(): ConsoleSessionInfo {
    this.live?.interrupt();
    return this.info();
  }

  lifetime(): LifetimeReport {
    if (this.sim) return this.sim.lifetime();
    const warnings: LifetimeWarning[] = this.live!.lifetimeWarnings.map((w) => ({
      message: `statement ${w.statement}: ${w.message}`,
      allocation: null,
      address: w.address,
    }));
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
        holds.push({
          holder: n,
          allocation: id,
          kind: n.endsWith('._arr') ? 'ctypes' : a.report.base !== null ? 'view' : 'name',
          keepsAlive: true,
        });
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

  async tour(id: string, runCode: boolean): Promise<TourRunResult> {
    const step = TOUR_STEPS.find((s) => s.id === id)!;
    await this.decide();
    const host = this.live?.hello?.model ?? (this.noPython ? null : (this.hostModel ??= await this.probeHostModel()));
    if (!host || step.model.toLowerCase() !== host || step.ctypes === false) {
      this.unlistAll();
      this.live?.dispose();
      this.live = null;
      this.useSimulation(
        !host
          ? (this.reason ?? 'no Python with NumPy')
          : step.ctypes === false
            ? 'this tour step shows NumPy without the ctypes module: simulated'
            : `this tour step shows ${step.model.toUpperCase()}; live Python is ${host.toUpperCase()} (this machine's model): simulated`,
      );
      const t = await this.sim!.tour(id, runCode);
      const label = (r: ConsoleRunResult): ConsoleRunResult => ({
        ...r,
        session: { ...r.session, backend: this.backend() },
      });
      return { step: t.step, setup: label(t.setup), code: t.code && label(t.code) };
    }
    // a fresh live Python for the step: its setup, then its code input by input, as the console runs them
    this.sim?.dispose();
    this.sim = null;
    this.reason = null;
    this.unlistAll();
    this.statements = [];
    this.statementCount = 0;
    if (this.live) await this.live.restart();
    else {
      this.live = new LiveSession({ cwd: this.opts.dir(), ...this.opts.live });
      await this.live.start();
    }
    this.decided = Promise.resolve();
    const setup = await this.run(step.setup.join('\n') + '\n');
    let code: ConsoleRunResult | null = null;
    if (runCode) {
      const runs: ConsoleRunResult[] = [];
      for (const c of step.code) runs.push(await this.run(c + '\n'));
      const last = runs[runs.length - 1];
      code = {
        inputs: runs.flatMap((r) => r.inputs),
        output: runs.map((r) => r.output).join(''),
        raised: runs.some((r) => r.raised),
        bound: [...new Set(runs.flatMap((r) => r.bound))],
        deleted: [...new Set(runs.flatMap((r) => r.deleted))],
        closed: runs.flatMap((r) => r.closed),
        session: last ? last.session : this.info(),
      };
    }
    return { step, setup, code };
  }

  /** The data model of the Python this console would start (after a simulated step put it away). */
  private async probeHostModel(): Promise<string | null> {
    const probe = new LiveSession({ cwd: this.opts.dir(), ...this.opts.live });
    try {
      return (await probe.start()).model;
    } catch {
      return null;
    } finally {
      probe.dispose();
    }
  }

  dispose(): void {
    this.unlistAll();
    this.live?.dispose();
    this.sim?.dispose();
  }
}
