/**
 * The implementation of the IPC contract over the core: `createHandlers()` returns one `StridescopeApi` object.
 * Electron's main registers each method with `ipcMain.handle`; the Playwright bridge calls the very same object.
 *
 * This file is the table of guarded methods: each one validates its arguments (validate.ts: every argument is
 * `unknown` until checked) and calls the module that does the work — sessionRegistry (open arrays by id),
 * openIntoSession, recentFiles, presentation (what the renderer is shown), viewExpressions, kernelRun, consoleHost.
 * Every answer is a `Result`: errors (the core's typed errors, or anything unexpected) become data, never throws.
 * The renderer can only ask for bounded windows of arrays it was given: there is no way to name an address.
 */
import { StridescopeError, ArgumentError, BoundsError } from '../core/errors';
import { installRealAddresses, mapFile } from '../platform/mappedMemory';
import { KERNEL_NAMES, type KernelName } from '../platform/nativeKernels';
import { GrantTable, notGranted, type GrantOrigin } from './grants';
import { JobTable } from './jobs';
import { byteStructure } from './byteStructure';
import { searchByteSpaceAsync } from './byteSearch';
import { readPointer, runLifetimeScenario, reportOf, kernelCatalog } from './explain';
import * as v from './validate';
import { TOUR_STEPS } from './console';
import { LiveConsole } from './liveConsole';
import type { LiveSessionOptions } from '../livepython/liveSession';
import { SessionRegistry } from './sessionRegistry';
import { RecentFiles } from './recentFiles';
import { openExample, openFile } from './openIntoSession';
import {
  elementInfo,
  fileOffsetOf,
  hex,
  locate,
  nameOf,
  reinterpretReport,
  sourceOf,
  summary,
  viewInfo,
  walkWindow,
} from './presentation';
import { withView } from './viewExpressions';
import { runKernelOnView } from './kernelRun';
import { ConsoleHost } from './consoleHost';
import {
  LIMITS,
  type ApiError,
  type ArraySummary,
  type BytesWindow,
  type DataModelId,
  type KernelInfo,
  type KernelRun,
  type LifetimeReport,
  type PointerResult,
  type ReinterpretResult,
  type Result,
  type StridescopeApi,
  type WalkWindow,
  type AppInfo,
  type OpenRequest,
  type GrantId,
  type JobProgress,
} from './contract';

export interface HandlerOptions {
  /** Where the recent-files list lives (Electron: app.getPath('userData')/recent.json); none = in memory. */
  recentFile?: string;
  /** A file named on the command line: `startup()` grants and opens it instead of the example. */
  startupPath?: string;
  /** Native open dialog (Electron's dialog.showOpenDialog); absent in the browser bridge. What it answers is granted. */
  showOpenDialog?: () => Promise<string | null>;
  version?: string;
  /** The console's working directory (Electron: <userData>/console); none = a temporary one, removed on dispose. */
  consoleDir?: string;
  /** Disk quota of the console's working directory in bytes (default 2 GiB: playground/runtime/files). */
  consoleQuotaBytes?: number;
  /** Called after every change of the recent-files list, whatever opened the file (Electron rebuilds File › Open Recent). */
  onRecentChanged?: (recent: readonly string[]) => void;
  /** 'live' (default): the user's Python when one with NumPy is found, else the simulation; 'simulation': always the built-in one. */
  console?: 'live' | 'simulation';
  /** Which Python and its limits (time, memory, output) for the live console. */
  livePython?: LiveSessionOptions;
  /** Progress of jobs run off the event loop (Electron: pushed to the window as EVENT_PROGRESS). */
  onProgress?: (progress: JobProgress) => void;
  /** The session memory budget in bytes (default LIMITS.sessionBudgetBytes). */
  budgetBytes?: number;
}

export interface Handlers extends StridescopeApi {
  /**
   * Main's side only, never reachable by the page: the USER named this file (Open dialog, a drop resolved by the
   * preload, the command line, a second launch, macOS open-file). Grant it and open it.
   */
  openByUser(path: string, origin: GrantOrigin): Promise<Result<ArraySummary>>;
  /** Close everything (window closed, test finished). */
  dispose(): void;
}

export function platformModel(): DataModelId {
  if (process.platform === 'win32') return 'llp64';
  return process.arch === 'ia32' || process.arch === 'arm' ? 'ilp32' : 'lp64';
}

function toApiError(e: unknown): ApiError {
  if (e instanceof StridescopeError) {
    const j = e.toJSON();
    const grant = (e as StridescopeError & { grant?: GrantId }).grant;
    return grant === undefined ? { ...j, kind: j.kind } : { ...j, kind: j.kind, grant };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { kind: 'internal', message, offset: null };
}

async function guard<T>(fn: () => T | Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: toApiError(e) };
  }
}

export function createHandlers(options: HandlerOptions = {}): Handlers {
  installRealAddresses();
  const model = platformModel();
  const grants = new GrantTable();
  const jobs = new JobTable(options.onProgress);
  const session = new SessionRegistry(options.budgetBytes);
  /** what a view expression's `.copy()` steps need: the budget they are charged to, the job they run as */
  const copies = { budget: session.budget, jobs };
  const recent = new RecentFiles(options.recentFile, options.onRecentChanged);
  const consoleHost = new ConsoleHost(options, session, model);
  const consoleSession = () => consoleHost.consoleSession();
  const get = (id: unknown) => session.get(id);
  const summaryOf = (o: Parameters<typeof summary>[0]) => summary(o, model);

  /** Grant what the user named and open it (remembered in the recent list). */
  async function openUserFile(
    path: string,
    origin: GrantOrigin,
    rest: Omit<OpenRequest, 'grant'> = {},
  ): Promise<ArraySummary> {
    const g = grants.grant(path, origin);
    try {
      const o = await openFile({ ...rest, grant: g.id }, session, grants, jobs);
      recent.remember(g.path);
      return summaryOf(o);
    } catch (e) {
      // a raw file waiting for its dtype is a real grant the user will come back to
      if (e instanceof StridescopeError && e.expected === 'a dtype (raw)') recent.remember(g.path);
      throw e;
    }
  }

  const api: Handlers = {
    appInfo: () =>
      guard<AppInfo>(() => ({
        version: options.version ?? '0.1.0',
        platform: `${process.platform}-${process.arch}`,
        model,
        limits: LIMITS,
        canShowDialog: options.showOpenDialog !== undefined,
      })),

    startup: () =>
      guard(() => {
        if (options.startupPath) return openUserFile(options.startupPath, 'command-line');
        return summaryOf(openExample(session));
      }),

    openExample: () => guard(() => summaryOf(openExample(session))),

    openGrant: (request: unknown) =>
      guard(async () => {
        const req = v.openRequest(request);
        if (!grants.has(req.grant)) throw notGranted();
        const o = await openFile(req, session, grants, jobs);
        recent.remember(grants.get(req.grant).path);
        return summaryOf(o);
      }),

    openRecent: (index: unknown) =>
      guard(() => {
        const i = v.int('index', index, 0, LIMITS.maxRecent - 1);
        const path = recent.at(i);
        if (path === undefined) throw notGranted();
        return openUserFile(path, 'recent');
      }),

    openByUser: (path: string, origin: GrantOrigin) => guard(() => openUserFile(path, origin)),

    openDialog: () =>
      guard(async () => {
        if (!options.showOpenDialog)
          throw new ArgumentError('no native dialog here: drop a file on the window or pick a recent file');
        const path = await options.showOpenDialog();
        if (path === null) return null;
        return openUserFile(path, 'dialog');
      }),

    recentFiles: () => guard(() => recent.list()),

    closeArray: (id: unknown) =>
      guard(() => {
        const o = get(id);
        session.close(o, `by closing ${o.label} in the app`);
        if (o.console) consoleSession().forget(o.id);
        return { closed: o.id };
      }),

    listArrays: () => guard(() => session.all().map(summaryOf)),

    getArray: (id: unknown) => guard(() => summaryOf(get(id))),

    readBytes: (id: unknown, offset: unknown, length: unknown) =>
      guard<BytesWindow>(() => {
        const o = get(id);
        const off = v.int('offset', offset, 0, Math.max(0, o.bytes.size));
        const len = v.int('length', length, 0, LIMITS.maxBytesWindow);
        const n = Math.min(len, o.bytes.size - off);
        return { offset: off, hex: n > 0 ? hex(o.bytes.read(off, n)) : '' };
      }),

    locateByte: (id: unknown, fileOffset: unknown) =>
      guard(() => {
        const o = get(id);
        const off = v.int('fileOffset', fileOffset, 0, Math.max(0, o.bytes.size - 1));
        return locate(o, off);
      }),

    byteStructure: (id: unknown) =>
      guard(() => {
        const o = get(id);
        const s = summaryOf(o);
        // the Bytes view shows the whole .npz when the member is stored (mapped in place)
        const current = o.npz?.members.find((m) => m.name === o.npz!.member);
        const zip = o.npz && current && !current.compressed && o.file ? sourceOf(o) : null;
        return byteStructure(s, zip);
      }),

    searchBytes: (request: unknown) =>
      guard(() => {
        const req = v.byteSearchRequest(request);
        const o = get(req.id);
        const a = o.array;
        const src = sourceOf(o);
        // in steps with a yield between them, as a job (cancel): a 256 MiB search takes up to seconds
        return jobs.run('search', `searching ${o.label}`, LIMITS.maxSearchBytes, (job) =>
          searchByteSpaceAsync(
            {
              size: o.bytes.size,
              read: (off, n) => src.read(off, Math.min(n, o.bytes.size - off)),
              dataOffset: o.dataOffset - a.offset,
              dataEnd: o.dataOffset - a.offset + a.memory.size,
              dtype: a.dtype,
            },
            req,
            { signal: job.signal, onProgress: (done) => job.progress(done) },
          ),
        );
      }),

    locateIndex: (id: unknown, index: unknown) =>
      guard(() => {
        const o = get(id);
        const a = o.array;
        const idx = v.intArray('index', index, a.ndim, 0, Number.MAX_SAFE_INTEGER);
        if (idx.length !== a.ndim)
          throw new ArgumentError(`index must have ${a.ndim} entries, got ${idx.length}`, `${a.ndim} integers`);
        idx.forEach((i, k) => {
          if (i >= a.shape[k])
            throw new BoundsError(`index ${i} is out of bounds for axis ${k} with size ${a.shape[k]}`);
        });
        return elementInfo(o, idx, 0);
      }),

    evalView: (id: unknown, expression: unknown) =>
      guard(() => {
        const o = get(id);
        const e = v.expression(expression);
        return withView(o, e, copies, (w) => viewInfo(o, e, w));
      }),

    walk: (id: unknown, expression: unknown, start: unknown, count: unknown) =>
      guard<WalkWindow>(() => {
        const o = get(id);
        const e = v.expression(expression);
        return withView(o, e, copies, (w) =>
          walkWindow(
            o,
            e,
            w,
            v.int('start', start, 0, Math.max(0, w.size)),
            v.int('count', count, 0, LIMITS.maxWalkCount),
          ),
        );
      }),

    walkMany: (id: unknown, requests: unknown) =>
      guard<WalkWindow[]>(async () => {
        const o = get(id);
        const out: WalkWindow[] = [];
        for (const r of v.walkRequests(requests)) {
          out.push(
            await withView(o, r.expression, copies, (w) =>
              walkWindow(o, r.expression, w, Math.min(r.start, w.size), r.count),
            ),
          );
        }
        return out;
      }),

    reinterpret: (id: unknown, fileOffset: unknown, modelName: unknown) =>
      guard<ReinterpretResult>(() => {
        const o = get(id);
        const off = v.int('fileOffset', fileOffset, 0, Math.max(0, o.bytes.size - 1));
        const m = v.model(modelName);
        return reinterpretReport(o, off, m);
      }),

    pointer: (request: unknown) =>
      guard<PointerResult>(() => {
        const r = v.plainObject('request', request);
        v.onlyKeys('request', r, ['id', 'expression', 'ctype', 'model', 'index']);
        const o = get(r.id);
        const e = v.expression(r.expression ?? 'a');
        const ctype = v.ctypeName(r.ctype);
        const m = v.model(r.model);
        const index = v.int('index', r.index, -1_000_000, 1_000_000);
        return withView(o, e, copies, (w) =>
          readPointer({
            array: w,
            name: nameOf(o),
            expression: e,
            ctype,
            model: m,
            index,
            fileOffsetOf: (memoryOffset) => fileOffsetOf(o, memoryOffset),
          }),
        );
      }),

    lifetime: (scenarioName: unknown) =>
      guard<LifetimeReport>(() => {
        const s = v.scenario(scenarioName);
        return s === null ? reportOf(session.lifetimes, null, [], []) : runLifetimeScenario(s, mapFile);
      }),

    listKernels: () => guard<KernelInfo[]>(() => kernelCatalog()),

    runKernel: (id: unknown, kernel: unknown, expression: unknown) =>
      guard<KernelRun>(async () => {
        const o = get(id);
        const name = v.oneOf('kernel', kernel, KERNEL_NAMES) as KernelName;
        const e = v.expression(expression);
        return withView(o, e, copies, (w) => runKernelOnView(o, name, w, jobs, session.budget));
      }),

    cancel: (jobId: unknown) => guard(() => ({ cancelled: jobs.cancel(v.str('jobId', jobId, 32)) })),

    consoleRun: (source: unknown) => guard(() => consoleSession().run(v.consoleSource(source))),

    consoleReset: (options: unknown) => guard(() => consoleSession().reset(v.consoleResetOptions(options))),

    consoleSession: () => guard(() => consoleSession().info()),

    consoleLifetime: () => guard<LifetimeReport>(() => consoleSession().lifetime()),

    consoleInterrupt: () =>
      guard(() => {
        const c = consoleSession();
        return c instanceof LiveConsole ? c.interrupt() : c.info();
      }),

    consoleRestart: () =>
      guard(() => {
        const c = consoleSession();
        return c instanceof LiveConsole ? c.restart() : c.reset({});
      }),

    tourSteps: () => guard(() => TOUR_STEPS.map((s) => ({ ...s, setup: [...s.setup], code: [...s.code] }))),

    tourRun: (request: unknown) =>
      guard(() => {
        const r = v.tourRunRequest(
          request,
          TOUR_STEPS.map((s) => s.id),
        );
        return consoleSession().tour(r.id, r.code ?? false);
      }),

    dispose() {
      jobs.cancelAll();
      consoleHost.dispose();
      session.closeAll('when the window closed');
    },
  };
  return api;
}
