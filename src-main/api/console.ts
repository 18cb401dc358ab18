/**
 * The app's console: one playground session (src-main/playground) per window, driven over the IPC contract.
 *
 *  - `run(source)` cuts the text into inputs as Python's console does (a typed line, or a pasted script: one
 *    input per line, lines inside open brackets joined) and runs them in order; line numbers keep counting
 *    across the session, as they would in one `stridescope run` script, so lifetime messages name the line;
 *  - arrays bound to names are listed like opened files (ids from the handlers' session), so the Bytes, Stride
 *    walk, Reinterpret and Kernels panes show them; a name rebound or deleted takes its listing away;
 *  - the Lifetime pane reads the session's registry: allocations, who holds what, and the warnings — every
 *    refused read of freed memory, and every name holding a bare address into freed memory;
 *  - files: see playground/runtime/files.ts (`sandboxFiles`): relative names stay in the session's working directory,
 *    writes happen only there.
 * Handlers own validation; this module trusts its (already checked) arguments.
 */
import type { NDArray } from '../core/ndarray';
import { AllocationBudget, type BudgetLimits } from '../core/memory';
import type { Mapper } from '../platform/mappedMemory';
import { Playground, type PlaygroundPointerRead } from '../playground/runtime/interpreter';
import { isIncomplete } from '../playground/language/parser';
import { splitInputs } from '../playground/language/tokenizer';
import { folderFileSystem, folderMapper, sandboxFiles } from '../playground/runtime/files';
import { nodeRawFileSystem } from '../formats/fileSource';
import { typeName, type PyValue } from '../playground/runtime/objects';
import { TOUR, type TourStep } from '../playground/tour';
import { WorkLimit } from '../playground/runtime/workLimit';
import { SIMULATION_ADVICE, SIMULATION_BOUNDS } from './simulationBounds';
import { reportOf } from './explain';
import type {
  ArrayId,
  ArraySummary,
  ConsoleArray,
  ConsolePointerRead,
  ConsoleInput,
  ConsoleResetOptions,
  ConsoleRunResult,
  ConsoleSessionInfo,
  DataModelId,
  LifetimeReport,
  LifetimeStatement,
  LifetimeWarning,
  TourRunResult,
  TourStepInfo,
} from './contract';

/** What the console needs of the handlers' session of opened arrays. */
/**
 * The console's named arrays as the renderer lists them (simulated and live consoles alike): an array whose memory
 * went away under it (a closed mapping, a freed or dead Python buffer) is simply not listed.
 */
export function listedArrays(listed: ReadonlyMap<string, { id: ArrayId }>, host: ConsoleHost): ConsoleArray[] {
  const out: ConsoleArray[] = [];
  for (const [name, { id }] of listed) {
    if (!host.has(id)) continue;
    try {
      out.push({ name, id, summary: host.summary(id) });
    } catch {
      // not listed
    }
  }
  return out;
}

export interface ConsoleHost {
  /** List a console array (its bytes: the whole allocation it lives in). */
  add(name: string, array: NDArray, model: DataModelId): ArrayId;
  /** Take a listing away (the name was rebound or deleted, or the session reset). */
  remove(id: ArrayId): void;
  /** Still listed? (the session evicts the oldest arrays when too many are open) */
  has(id: ArrayId): boolean;
  summary(id: ArrayId): ArraySummary;
}

export interface ConsoleOptions {
  /** The session's working directory (created by the caller's `dir()` when first needed). */
  dir: () => string;
  mapper: Mapper;
  model: DataModelId;
  host: ConsoleHost;
  /** The session's memory budget (core/memory's DEFAULT_BUDGET when absent): arrays, lists, ints. */
  budget?: Partial<BudgetLimits>;
  /** The working directory's disk quota (playground/runtime/files' DEFAULT_FOLDER_QUOTA, 2 GiB, when absent). */
  quotaBytes?: number;
  /** CPU time one input may use before it raises TimeoutError (SIMULATION_BOUNDS.workMs when absent). */
  workLimitMs?: number;
}

function stepInfo(s: TourStep): TourStepInfo {
  return {
    id: s.id,
    title: s.title,
    seed: s.seed,
    explain: s.explain,
    pane: s.pane,
    ...(s.walk ? { walk: s.walk } : {}),
    model: String(s.model).toLowerCase() as DataModelId,
    ctypes: s.ctypes ?? true,
    setup: [...s.setup],
    code: [...s.code],
    expected: s.expected,
    ...(s.expectedLive ? { expectedLive: s.expectedLive } : {}),
  };
}

export const TOUR_STEPS: readonly TourStepInfo[] = TOUR.map(stepInfo);

export class ConsoleSession {
  private pg!: Playground;
  private model: DataModelId;
  private ctypes = true;
  private line = 1;
  private statementCount = 0;
  /** name -> the array listed for it */
  private listed = new Map<string, { array: NDArray; id: ArrayId }>();
  /** name -> array whose chip the user closed (listed again once the name binds another array) */
  private hidden = new Map<string, NDArray>();
  private warnings: LifetimeWarning[] = [];
  private statements: LifetimeStatement[] = [];

  constructor(private readonly opts: ConsoleOptions) {
    this.model = opts.model;
    this.reset({});
  }

  reset(o: ConsoleResetOptions): ConsoleSessionInfo {
    for (const { id } of this.listed.values()) if (this.opts.host.has(id)) this.opts.host.remove(id);
    this.listed.clear();
    this.hidden.clear();
    // the old session's arrays are freed and its file mappings unmapped (flushed), not left for the GC
    this.pg?.dispose('when the console was reset');
    if (o.model) this.model = o.model;
    if (o.ctypes !== undefined) this.ctypes = o.ctypes;
    const cwd = this.opts.dir();
    this.pg = new Playground({
      model: this.model,
      mapper: folderMapper(cwd, this.opts.mapper, { quotaBytes: this.opts.quotaBytes }),
      fs: folderFileSystem(cwd, nodeRawFileSystem, { quotaBytes: this.opts.quotaBytes }),
      cwd,
      files: sandboxFiles(cwd, { quotaBytes: this.opts.quotaBytes }),
      ctypes: this.ctypes,
      budget: new AllocationBudget(this.opts.budget ?? SIMULATION_BOUNDS.budget),
      workLimit: new WorkLimit(this.opts.workLimitMs ?? SIMULATION_BOUNDS.workMs, SIMULATION_ADVICE),
    });
    this.line = 1;
    this.statementCount = 0;
    this.warnings = [];
    this.statements = [];
    return this.info();
  }

  info(): ConsoleSessionInfo {
    const names = [...this.pg.names()].map(([name, v]) => ({ name, type: typeName(v) }));
    return {
      model: this.model,
      ctypes: this.ctypes,
      cwd: this.opts.dir(),
      statements: this.statementCount,
      names,
      arrays: this.arrayList(),
    };
  }

  private arrayList(): ConsoleArray[] {
    return listedArrays(this.listed, this.opts.host);
  }

  /** Inputs run one at a time, in order: a run waits for the one before it (it yields between its inputs). */
  private queue: Promise<unknown> = Promise.resolve();
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const p = this.queue.then(work);
    this.queue = p.catch(() => {});
    return p;
  }

  /** Run `source` (one input or a pasted script); main's event loop runs between its inputs. */
  run(source: string): Promise<ConsoleRunResult> {
    return this.serial(() => this.runInputs(source));
  }

  private async runInputs(source: string): Promise<ConsoleRunResult> {
    const before = new Map<string, PyValue>(this.pg.names());
    const inputs: ConsoleInput[] = [];
    const reads: PlaygroundPointerRead[][][] = [];
    const text = source.replace(/\r\n?/g, '\n');
    const first = this.line;
    for (const input of splitInputs(text, isIncomplete)) {
      if (input.text.trim() === '') continue; // an empty line at `>>>` prints nothing
      if (inputs.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const line = first + input.line - 1;
      const r = this.pg.runInput(input.text, line);
      for (const st of r.statements) {
        this.statementCount++;
        const effect = st.error ? `raised ${st.error.type}` : st.output ? st.output.trimEnd().split('\n')[0] : 'ok';
        this.statements.push({ n: this.statementCount, source: st.source, effect });
        if (this.statements.length > 200) this.statements.shift();
        if (st.error?.type === 'LifetimeError') {
          this.warnings.push({
            message: `line ${st.line}: \`${st.source}\` was refused: ${st.error.message}`,
            allocation: null,
            address: null,
          });
          if (this.warnings.length > 100) this.warnings.shift();
        }
      }
      inputs.push({
        text: input.text,
        output: r.output,
        raised: r.errors > 0,
        statements: r.statements.map((s) => ({
          line: s.line,
          source: s.source,
          output: s.output,
          error: s.error,
          notes: [...s.notes],
        })),
      });
      reads.push(r.statements.map((s) => s.pointerReads ?? []));
    }
    // every line counts, blank ones too (a pasted script's numbering is the file's)
    this.line = first + (text === '' ? 0 : text.replace(/\n$/, '').split('\n').length);
    const after = this.pg.names();
    const bound = [...after].filter(([k, v]) => !before.has(k) || before.get(k) !== v).map(([k]) => k);
    const deleted = [...before.keys()].filter((k) => !after.has(k));
    const closed = this.sync();
    // now that the arrays are listed: each pointer read in the coordinates of the listed array it landed in
    inputs.forEach((input, i) =>
      input.statements.forEach((st, j) => {
        const located = reads[i][j].map((r) => this.locateRead(r)).filter((r): r is ConsolePointerRead => r !== null);
        if (located.length) st.pointerReads = located;
      }),
    );
    return {
      inputs,
      output: inputs.map((i) => i.output).join(''),
      raised: inputs.some((i) => i.raised),
      bound,
      deleted,
      closed,
      session: this.info(),
    };
  }

  /**
   * A read of `length` bytes at `offset` of `memory`, as the listed array whose bytes hold it (the Bytes pane of a
   * console array shows the whole allocation it lives in): a view over the read's bytes first, else any array of
   * that memory; null when no listed array shares the memory (a temporary's bytes).
   */
  private locateRead(r: PlaygroundPointerRead): ConsolePointerRead | null {
    let best: ConsolePointerRead | null = null;
    for (const [name, l] of this.listed) {
      if (l.array.memory !== r.memory || !this.opts.host.has(l.id)) continue;
      const fileOffset = this.opts.host.summary(l.id).dataOffset + (r.offset - l.array.offset);
      if (fileOffset < 0) continue;
      const hit = { id: l.id, name, fileOffset, length: r.length };
      const inside = r.offset >= l.array.offset && r.offset + r.length <= l.array.offset + l.array.nbytes;
      if (inside) return hit;
      best ??= hit;
    }
    return best;
  }

  /** List the arrays bound to names; drop listings whose name no longer binds the same array. */
  private sync(): ArrayId[] {
    const now = this.pg.arrays();
    const closed: ArrayId[] = [];
    for (const [name, l] of [...this.listed]) {
      if (now.get(name) !== l.array || !this.opts.host.has(l.id)) {
        this.listed.delete(name);
        if (this.opts.host.has(l.id)) this.opts.host.remove(l.id);
        closed.push(l.id);
      }
    }
    for (const [name, array] of now) {
      // `_` (the REPL's last result) is not a name the learner chose: not listed
      if (name === '_' || this.listed.has(name)) continue;
      if (this.hidden.get(name) === array) continue;
      this.hidden.delete(name);
      this.listed.set(name, { array, id: this.opts.host.add(name, array, this.model) });
    }
    return closed;
  }

  /** The user closed a console array's chip: forget the listing (it comes back when the name is rebound). */
  forget(id: ArrayId): void {
    for (const [name, l] of [...this.listed]) {
      if (l.id !== id) continue;
      this.listed.delete(name);
      this.hidden.set(name, l.array);
    }
  }

  lifetime(): LifetimeReport {
    const reg = this.pg.registry;
    const dangling: LifetimeWarning[] = [];
    for (const [name, v] of this.pg.names()) {
      if (typeof v !== 'bigint') continue;
      const p = reg.provenance(v);
      if (!p || p.allocation.state === 'live' || p.allocation.state === 'mapped') continue;
      const w = reg.warningFor(v, { what: `${name} = ${v} (0x${v.toString(16)})` });
      if (w)
        dangling.push({
          message: `${w}: using ${name} as a pointer reads freed memory`,
          allocation: p.allocation.id,
          address: `0x${v.toString(16)}`,
        });
    }
    return reportOf(reg, null, [...this.statements], [...this.warnings, ...dangling]);
  }

  tour(id: string, runCode: boolean): Promise<TourRunResult> {
    return this.serial(() => this.tourNow(id, runCode));
  }

  private async tourNow(id: string, runCode: boolean): Promise<TourRunResult> {
    const step = TOUR_STEPS.find((s) => s.id === id)!;
    this.reset({ model: step.model, ctypes: step.ctypes });
    const setup = await this.runInputs(step.setup.join('\n') + '\n');
    let code: ConsoleRunResult | null = null;
    if (runCode) {
      const runs: ConsoleRunResult[] = [];
      for (const c of step.code) runs.push(await this.runInputs(c));
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

  dispose(): void {
    for (const { id } of this.listed.values()) if (this.opts.host.has(id)) this.opts.host.remove(id);
    this.listed.clear();
    this.pg.dispose('when the window closed');
  }
}
