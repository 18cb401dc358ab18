/**
 * The implementation of the IPC contract over the core: `createHandlers()` returns one `StridescopeApi` object.
 * Electron's main registers each method with `ipcMain.handle`; the Playwright bridge calls the very same object.
 *
 * It owns a session of opened arrays, named by id. Every argument is `unknown` until validate.ts has checked it;
 * every answer is a `Result`: errors (the core's typed errors, or anything unexpected) become data, never throws.
 * The renderer can only ask for bounded windows of arrays it was given: there is no way to name an address.
 */
import { readFileSync, writeFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { StridescopeError, ArgumentError, BoundsError, UnsupportedError } from '../core/errors';
import { valueToJSON, type DType } from '../core/dtype';
import { NDArray } from '../core/ndarray';
import { elementAt, elementOffset, unravelIndex } from '../core/layout';
import { seedExample, EXAMPLE_LABEL } from '../core/example';
import type { FileSource } from '../formats/fileSource';
import { npyHeaderBytes, readNpyHeader } from '../formats/npy';
import { mapFile, installRealAddresses } from '../platform/mappedMemory';
import { runKernelAsync, KERNEL_NAMES, type KernelName } from '../platform/nativeKernels';
import { DEFAULT_MAX_INFLATED_SIZE, findMember, listNpzMembers } from '../formats/npz';
import { inflateNpzMemberAsync } from '../platform/npzInflate';
import type { OwnedMemory } from '../core/memory';
import { openFileSource } from '../formats/fileSource';
import { GrantTable, notGranted, type GrantOrigin } from './grants';
import { JobTable } from './jobs';
import { SessionBudget } from './sessionBudget';
import { evaluateViewOffMain, type HeldView } from './viewCopies';
import { inspectArray, hexAddress, headerDescr, reinterpretAt } from './inspect';
import { byteStructure } from './byteStructure';
import { searchByteSpaceAsync } from './byteSearch';
import { imageSpace, npyHeaderParts, openForInspection, spaceSource, type ByteSpace } from './openForInspection';
import { dtypeReprText, elementText } from './valueText';
import { describeCtypes, readPointer, runLifetimeScenario, reportOf, kernelCatalog } from './explain';
import { LifetimeRegistry } from '../core/lifetime';
import { adoptArray } from '../core/ctypes';
import * as v from './validate';
import { ConsoleSession, TOUR_STEPS } from './console';
import { LiveConsole } from './liveConsole';
import type { LiveSessionOptions } from '../livepython/liveSession';
import {
  LIMITS,
  type ApiError,
  type ArrayId,
  type NpzInfo,
  type ArraySummary,
  type ByteLocation,
  type BytesWindow,
  type DataModelId,
  type DTypeInfo,
  type ElementInfo,
  type FieldSpan,
  type KernelInfo,
  type KernelRun,
  type LifetimeReport,
  type NpyHeaderInfo,
  type PointerResult,
  type ReinterpretResult,
  type Result,
  type SourceKind,
  type StridescopeApi,
  type ViewInfo,
  type WalkWindow,
  type AppInfo,
  type OpenRequest,
  type GrantId,
  type JobProgress,
} from './contract';

interface OpenedArray {
  id: ArrayId;
  label: string;
  source: SourceKind;
  file: string | null;
  grant: GrantId | null;
  array: NDArray;
  bytes: ByteSpace;
  /** File offset of the byte that memory byte `array.offset` sits at. */
  dataOffset: number;
  header: NpyHeaderInfo | null;
  fortranOrder: boolean;
  /** .npz members: the archive's directory and which member this is */
  npz: NpzInfo | null;
  /** An array bound to a name in the console: the name, and the console's data model. */
  console?: { name: string; model: DataModelId };
  close(): void;
}

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

/** Threads a kernel may use: all CPUs but one, which stays with main's event loop. */
const KERNEL_THREADS = Math.max(1, availableParallelism() - 1);

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

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Leaves of a structured dtype, flattened with dotted names (nested structs) and absolute item offsets. */
export function fieldSpans(dtype: DType, prefix = '', base = 0): FieldSpan[] {
  if (!dtype.fields) return [];
  const out: FieldSpan[] = [];
  for (const f of dtype.fields) {
    const name = prefix ? `${prefix}.${f.name}` : f.name;
    const inner = f.dtype.subarray ? f.dtype.subarray.base : f.dtype;
    if (inner.fields && !f.dtype.subarray) {
      out.push(...fieldSpans(inner, name, base + f.offset));
    } else {
      out.push({
        name,
        offset: base + f.offset,
        size: f.dtype.itemsize,
        str: inner.str,
        shape: f.dtype.subarray ? [...f.dtype.subarray.shape] : [],
      });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

export function dtypeInfo(dtype: DType, descr: unknown): DTypeInfo {
  return {
    str: dtype.str,
    name: dtype.name,
    descr,
    itemsize: dtype.itemsize,
    alignment: dtype.alignment,
    kind: dtype.kind,
    byteorder: dtype.byteorder,
    isNative: dtype.isNative,
    fields: dtype.fields ? fieldSpans(dtype) : null,
    repr: dtypeReprText(dtype),
  };
}

function sourceOf(o: OpenedArray): FileSource {
  return spaceSource(o.file ?? '(built-in example)', o.bytes);
}

export function createHandlers(options: HandlerOptions = {}): Handlers {
  installRealAddresses();
  const arrays = new Map<ArrayId, OpenedArray>();
  let nextId = 1;
  let recent: string[] = loadRecent(options.recentFile);
  const model = platformModel();
  const grants = new GrantTable();
  const jobs = new JobTable(options.onProgress);
  const budget = new SessionBudget(options.budgetBytes);
  /** The session's allocations: the example's buffer, every file mapping; closing an array frees/unmaps it. */
  const registry = new LifetimeRegistry();

  function loadRecent(file: string | undefined): string[] {
    if (!file) return [];
    try {
      // a corrupted (or hostile) profile file: too big, not JSON, not a list, entries that are not absolute paths
      if (statSync(file).size > 64 * 1024) return [];
      const list: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (!Array.isArray(list)) return [];
      const out: string[] = [];
      for (const p of list) {
        try {
          const ok = v.path(p);
          if (!out.includes(ok)) out.push(ok);
        } catch {
          // skip the entry
        }
        if (out.length >= LIMITS.maxRecent) break;
      }
      return out;
    } catch {
      return [];
    }
  }

  function remember(path: string): void {
    recent = [path, ...recent.filter((p) => p !== path)].slice(0, LIMITS.maxRecent);
    if (options.recentFile) {
      try {
        mkdirSync(dirname(options.recentFile), { recursive: true });
        writeFileSync(options.recentFile, JSON.stringify(recent, null, 2));
      } catch {
        // a read-only profile directory must not break opening files
      }
    }
    options.onRecentChanged?.([...recent]);
  }

  function closeOne(o: OpenedArray, where: string): void {
    arrays.delete(o.id);
    registry.drop(o.array, where);
    o.close();
  }

  function get(id: unknown): OpenedArray {
    const key = v.arrayId(id);
    const o = arrays.get(key);
    if (!o) throw new ArgumentError(`no open array with id '${key}'`, 'an id returned by openPath/openExample');
    return o;
  }

  function register(o: Omit<OpenedArray, 'id'>): OpenedArray {
    if (arrays.size >= LIMITS.maxOpenArrays) {
      // Close the oldest: the session is bounded.
      const oldest = arrays.keys().next().value as ArrayId;
      closeOne(arrays.get(oldest)!, 'closed to make room (more than ' + LIMITS.maxOpenArrays + ' arrays open)');
    }
    const full = { ...o, id: `a${nextId++}` };
    // console arrays live in the console's own registry (its lifetimes are Python's)
    if (full.source !== 'playground') adoptArray(registry, full.array);
    arrays.set(full.id, full);
    return full;
  }

  /** memory offset (from memory byte 0) -> file offset */
  function fileOffsetOf(o: OpenedArray, memoryOffset: number): number {
    return o.dataOffset + (memoryOffset - o.array.offset);
  }

  function summary(o: OpenedArray): ArraySummary {
    const a = o.array;
    const json = inspectArray(a, {
      file: o.file,
      format: o.header
        ? { version: o.header.version, headerLength: o.header.headerLength, dataOffset: o.dataOffset }
        : null,
      fortranOrder: o.fortranOrder,
      readData: (off, n) => o.bytes.read(o.dataOffset + off, n),
      hash: false,
      valueLimit: 16,
    });
    return {
      id: o.id,
      label: o.label,
      source: o.source,
      file: o.file,
      grant: o.grant,
      fileSize: o.bytes.size,
      dataOffset: o.dataOffset,
      header: o.header,
      dtype: dtypeInfo(a.dtype, headerDescr(a)),
      shape: json.shape,
      strides: json.strides,
      offset: 0,
      size: a.size,
      ndim: a.ndim,
      nbytes: a.nbytes,
      fortranOrder: o.fortranOrder,
      flags: json.flags,
      address: hexAddress(a.address),
      ctypes: describeCtypes(a, nameOf(o), o.console ? o.console.model : model),
      values: json.values,
      valueTexts: a.values(json.values.length).map((val) => elementText(a.dtype, val)),
      memoryKind: a.memory.kind,
      platformModel: o.console ? o.console.model : model,
      npz: o.npz ? { member: o.npz.member, members: o.npz.members.map((m) => ({ ...m })) } : null,
    };
  }

  function openExample(): OpenedArray {
    const x = seedExample();
    const head = npyHeaderBytes(x.dtype, [...x.shape], false);
    const bytes = imageSpace(head, x, 'the example');
    const header = readNpyHeader(spaceSource('(built-in example)', bytes));
    const o = register({
      label: `${EXAMPLE_LABEL} (built-in example)`,
      source: 'example',
      file: null,
      grant: null,
      array: x,
      bytes,
      dataOffset: head.length,
      header: npyHeaderParts(header, head, 0),
      fortranOrder: false,
      npz: null,
      close: () => {},
    });
    return o;
  }

  /**
   * A deflated .npz member, inflated off the event loop as a job (progress, cancel), its bytes charged to the session
   * budget BEFORE inflating (its declared size; the inflater stops at that size). Null when `req` does not name a
   * deflated member (a .npy, a stored member, a raw file): openForInspection opens those by mapping.
   */
  async function preInflate(
    path: string,
    req: OpenRequest,
  ): Promise<{ bytes: Uint8Array; data: OwnedMemory; release: () => void } | null> {
    if (req.raw) return null;
    const src = openFileSource(path);
    try {
      const head = src.read(0, 4);
      const zip =
        head.length === 4 &&
        head[0] === 0x50 &&
        head[1] === 0x4b &&
        ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
      if (!zip) return null;
      const members = listNpzMembers(src);
      if (members.length === 0) return null;
      const m = findMember(src, members, req.member ?? members[0].name);
      if (m.method !== 8 || m.size > DEFAULT_MAX_INFLATED_SIZE) return null; // openForInspection reports these
      // inflated straight into the array's memory (no image of the whole member): the member's size, once
      const release = budget.charge(m.size, `inflating ${m.name}`);
      try {
        const name = path.split(/[\\/]/).pop();
        const out = await jobs.run('inflate', `inflating ${name}:${m.name}`, m.size, (job) =>
          inflateNpzMemberAsync(src, m, 'r', m.size, { signal: job.signal, onProgress: (done) => job.progress(done) }),
        );
        return { bytes: out.head, data: out.data, release };
      } catch (e) {
        release();
        throw e;
      }
    } finally {
      src.close();
    }
  }

  /**
   * Open a granted file. A deflated .npz member is inflated into JS-owned memory: at most what is left of the session
   * budget may be inflated, and what was inflated is charged until the array closes.
   */
  async function openFile(req: OpenRequest): Promise<OpenedArray> {
    const g = grants.get(req.grant);
    const inflated = await preInflate(g.real, req);
    const remaining = budget.remaining;
    let f;
    try {
      f = openForInspection(g.real, {
        member: req.member,
        raw: req.raw
          ? {
              dtype: req.raw.dtype,
              shape: req.raw.shape,
              offset: req.raw.offset ?? 0,
              order: req.raw.order ?? 'C',
              mode: req.raw.mode ?? 'r',
            }
          : undefined,
        mode: 'r',
        maxInflatedSize: Math.min(DEFAULT_MAX_INFLATED_SIZE, remaining),
        inflated: inflated?.bytes,
        inflatedData: inflated?.data,
      });
    } catch (e) {
      inflated?.release();
      if (
        e instanceof UnsupportedError &&
        remaining < DEFAULT_MAX_INFLATED_SIZE &&
        /inflate limit|byte limit/.test(e.message)
      ) {
        budget.charge(remaining + 1, `inflating ${req.member ?? 'the member'}`); // throws the budget's error
      }
      if (e instanceof StridescopeError && e.expected === 'a dtype (raw)') {
        // the raw form asks for a dtype and opens this same grant
        const error = e as StridescopeError & { grant?: GrantId };
        error.grant = g.id;
      }
      throw e;
    }
    let release = inflated ? inflated.release : () => {};
    if (f.fileDataOffset < 0 && !inflated) {
      try {
        release = budget.charge(f.bytes.size, `${f.name}:${f.member} inflated`);
      } catch (e) {
        f.close();
        throw e;
      }
    }
    const close = f.close;
    return register({
      label: f.member ? `${f.name}:${f.member}` : f.name,
      source: f.kind,
      file: g.path,
      grant: g.id,
      array: f.array,
      bytes: f.bytes,
      dataOffset: f.dataOffset,
      header: f.header,
      fortranOrder: f.fortranOrder,
      npz:
        f.members && f.member !== null
          ? {
              member: f.member,
              members: f.members.map((m) => ({
                name: m.name,
                compressed: m.compressed,
                method: m.method,
                size: m.size,
                compressedSize: m.compressedSize,
                dataOffset: m.dataOffset,
              })),
            }
          : null,
      close: () => {
        release();
        close();
      },
    });
  }

  /** Grant what the user named and open it (remembered in the recent list). */
  async function openUserFile(
    path: string,
    origin: GrantOrigin,
    rest: Omit<OpenRequest, 'grant'> = {},
  ): Promise<ArraySummary> {
    const g = grants.grant(path, origin);
    try {
      const o = await openFile({ ...rest, grant: g.id });
      remember(g.path);
      return summary(o);
    } catch (e) {
      // a raw file waiting for its dtype is a real grant the user will come back to
      if (e instanceof StridescopeError && e.expected === 'a dtype (raw)') remember(g.path);
      throw e;
    }
  }

  /** The name the panes call the array by: its console name, `x` (the seed's name, and every other array's too). */
  function nameOf(o: OpenedArray): string {
    return o.console ? o.console.name : 'x';
  }

  /**
   * A view expression over the open array: `x` (the seed's name) and `a` both name it, and so does its console name.
   * Its `.copy()` steps run off main, charged to the session budget until `use` has answered (api/viewCopies).
   */
  async function withView<T>(o: OpenedArray, expression: string, use: (w: NDArray) => T | Promise<T>): Promise<T> {
    if (expression === 'a' || expression === 'x' || expression === nameOf(o)) return use(o.array);
    const held: HeldView = await evaluateViewOffMain(
      expression,
      { [nameOf(o)]: o.array, x: o.array, a: o.array },
      o.label,
      { budget, jobs },
    );
    try {
      return await use(held.view);
    } finally {
      held.release();
    }
  }

  function viewInfo(o: OpenedArray, expression: string, w: NDArray): ViewInfo {
    const f = w.flags;
    return {
      expression,
      shape: [...w.shape],
      strides: [...w.strides],
      offset: w.offset - o.array.offset,
      size: w.size,
      itemsize: w.itemsize,
      dtype: w.dtype.str,
      dtypeRepr: dtypeReprText(w.dtype),
      flags: {
        C_CONTIGUOUS: f.C_CONTIGUOUS,
        F_CONTIGUOUS: f.F_CONTIGUOUS,
        ALIGNED: f.ALIGNED,
        WRITEABLE: f.WRITEABLE,
        OWNDATA: f.OWNDATA,
      },
      dataOffset: o.dataOffset,
    };
  }

  function elementInfo(o: OpenedArray, index: number[], byteInElement: number): ElementInfo {
    const a = o.array;
    const m = elementOffset(a.layout, index);
    const spans = a.dtype.fields ? fieldSpans(a.dtype) : [];
    const field = spans.find((s) => byteInElement >= s.offset && byteInElement < s.offset + s.size) ?? null;
    const value = a.get(index);
    return {
      index,
      fileOffset: fileOffsetOf(o, m),
      byteInElement,
      field,
      value: valueToJSON(value, a.dtype),
      text: elementText(a.dtype, value),
    };
  }

  function locate(o: OpenedArray, fileOffset: number): ByteLocation {
    const headerPart =
      o.header?.parts.find((p) => p.name !== 'data' && fileOffset >= p.offset && fileOffset < p.offset + p.length)
        ?.name ?? null;
    if (headerPart) return { fileOffset, region: 'header', headerPart, element: null };
    const a = o.array;
    const m = fileOffset - o.dataOffset + a.offset;
    const hit = elementAt(a.layout, a.itemsize, m);
    if (!hit) return { fileOffset, region: 'outside', headerPart: null, element: null };
    return { fileOffset, region: 'data', headerPart: null, element: elementInfo(o, hit.index, hit.byteInElement) };
  }

  /** Steps `from` .. `from + count` of a view in logical C order, each with its offsets and value. */
  function walkWindow(o: OpenedArray, e: string, w: NDArray, from: number, count: number): WalkWindow {
    const n = Math.min(count, w.size - from);
    const indices = Array.from({ length: Math.max(0, n) }, (_, k) => unravelIndex(w.shape, from + k));
    const offsets = indices.map((index) => elementOffset(w.layout, index));
    // one read per span of nearby elements (a walk of a mapped file must not make thousands of reads on main)
    const values = w.getAtOffsets(offsets);
    const steps = [];
    for (let k = 0; k < n; k++) {
      const index = indices[k];
      const m = offsets[k];
      const value = values[k];
      steps.push({
        n: from + k,
        index,
        offset: m - o.array.offset,
        fileOffset: fileOffsetOf(o, m),
        value: valueToJSON(value, w.dtype),
        text: elementText(w.dtype, value),
      });
    }
    return { view: viewInfo(o, e, w), start: from, steps };
  }

  // ---- the console: one playground session, its named arrays listed among the open arrays

  let consoleDir: string | null = options.consoleDir ?? null;
  let ownsConsoleDir = false;
  function ensureConsoleDir(): string {
    if (consoleDir === null) {
      consoleDir = mkdtempSync(`${tmpdir()}/stridescope-console-`);
      ownsConsoleDir = true;
    } else mkdirSync(consoleDir, { recursive: true });
    return consoleDir;
  }
  let consoleInstance: ConsoleSession | LiveConsole | null = null;
  function consoleSession(): ConsoleSession | LiveConsole {
    const Session = options.console === 'simulation' ? ConsoleSession : LiveConsole;
    consoleInstance ??= new Session({
      live: options.livePython,
      dir: ensureConsoleDir,
      mapper: mapFile,
      quotaBytes: options.consoleQuotaBytes,
      model,
      host: {
        add(name, array, m) {
          const mem = array.memory;
          const bytes: ByteSpace = {
            size: mem.size,
            // the whole allocation the array lives in (a view shows its base's bytes); reads past it are zeros
            // (readBytes never asks for them; summary's small-array checksum of a view may)
            read(offset, length) {
              if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
                throw new BoundsError(
                  `bytes [${offset}, ${offset + length}) are outside ${name}'s memory (${mem.size} bytes)`,
                  offset,
                );
              }
              const out = new Uint8Array(length);
              const end = Math.min(offset + length, mem.size);
              if (offset < end) out.set(mem.read(offset, end - offset), 0);
              return out;
            },
          };
          return register({
            label: `${name} (console)`,
            source: 'playground',
            file: null,
            grant: null,
            array,
            bytes,
            dataOffset: array.offset,
            header: null,
            fortranOrder: false,
            npz: null,
            console: { name, model: m },
            close: () => {},
          }).id;
        },
        remove(id) {
          const o = arrays.get(id);
          if (o) closeOne(o, 'its console name was rebound or deleted');
        },
        has: (id) => arrays.has(id),
        summary: (id) => summary(get(id)),
      },
    });
    return consoleInstance;
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
        return summary(openExample());
      }),

    openExample: () => guard(() => summary(openExample())),

    openGrant: (request: unknown) =>
      guard(async () => {
        const req = v.openRequest(request);
        if (!grants.has(req.grant)) throw notGranted();
        const o = await openFile(req);
        remember(grants.get(req.grant).path);
        return summary(o);
      }),

    openRecent: (index: unknown) =>
      guard(() => {
        const i = v.int('index', index, 0, LIMITS.maxRecent - 1);
        if (i >= recent.length) throw notGranted();
        return openUserFile(recent[i], 'recent');
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

    recentFiles: () => guard(() => [...recent]),

    closeArray: (id: unknown) =>
      guard(() => {
        const o = get(id);
        closeOne(o, `by closing ${o.label} in the app`);
        if (o.console) consoleSession().forget(o.id);
        return { closed: o.id };
      }),

    listArrays: () => guard(() => [...arrays.values()].map(summary)),

    getArray: (id: unknown) => guard(() => summary(get(id))),

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
        const s = summary(o);
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
        return withView(o, e, (w) => viewInfo(o, e, w));
      }),

    walk: (id: unknown, expression: unknown, start: unknown, count: unknown) =>
      guard<WalkWindow>(() => {
        const o = get(id);
        const e = v.expression(expression);
        return withView(o, e, (w) =>
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
            await withView(o, r.expression, (w) => walkWindow(o, r.expression, w, Math.min(r.start, w.size), r.count)),
          );
        }
        return out;
      }),

    reinterpret: (id: unknown, fileOffset: unknown, modelName: unknown) =>
      guard<ReinterpretResult>(() => {
        const o = get(id);
        const off = v.int('fileOffset', fileOffset, 0, Math.max(0, o.bytes.size - 1));
        const m = v.model(modelName);
        const json = reinterpretAt(sourceOf(o), off, m);
        const loc = locate(o, off);
        const warnings: string[] = [];
        const a = o.array;
        if (loc.region === 'data') {
          const address = a.memory.address + BigInt(off - o.dataOffset + a.offset);
          for (const size of [2, 4, 8]) {
            if (address % BigInt(size) !== 0n) {
              warnings.push(
                `address ${hexAddress(address)} is not a multiple of ${size}: a ${size}-byte C type read here is misaligned (slow on x86, a crash on some CPUs)`,
              );
              break;
            }
          }
          if (!a.dtype.isNative && a.dtype.byteorder !== '|') {
            warnings.push(
              `the array's dtype ${a.dtype.str} is ${a.dtype.byteorder === '>' ? 'big' : 'little'}-endian, not this machine's order: C code reading it natively sees the other column`,
            );
          }
        } else if (loc.region === 'header') {
          warnings.push(`byte ${off} is in the .npy header (${loc.headerPart}), not array data`);
        }
        const shortBy = Object.entries(json.values)
          .filter(([, val]) => val.le === null)
          .map(([k]) => k);
        if (shortBy.length)
          warnings.push(`fewer bytes than needed remain at the end of the file for: ${shortBy.join(', ')}`);
        return { ...json, model: m, element: loc.element, warnings };
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
        return withView(o, e, (w) =>
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
        return s === null ? reportOf(registry, null, [], []) : runLifetimeScenario(s, mapFile);
      }),

    listKernels: () => guard<KernelInfo[]>(() => kernelCatalog()),

    runKernel: (id: unknown, kernel: unknown, expression: unknown) =>
      guard<KernelRun>(async () => {
        const o = get(id);
        const name = v.oneOf('kernel', kernel, KERNEL_NAMES) as KernelName;
        const e = v.expression(expression);
        return withView(o, e, async (w) => {
          if (w.size > LIMITS.maxKernelElements) {
            throw new ArgumentError(
              `the view has ${w.size} elements; a kernel call here visits at most ${LIMITS.maxKernelElements}`,
            );
          }
          const total = w.size * w.itemsize;
          let release = () => {};
          if (name === 'contiguous_copy') {
            // the copy is JS-owned memory: bounded like a view expression's .copy() and charged to the session
            if (total > LIMITS.maxViewCopyBytes) {
              throw new UnsupportedError(
                `contiguous_copy of ${total} bytes: a copy here is at most ${LIMITS.maxViewCopyBytes} bytes (LIMITS.maxViewCopyBytes)`,
              );
            }
            release = budget.charge(total, 'contiguous_copy');
          }
          let answer;
          try {
            answer = await jobs.run('kernel', `${name} over ${o.label}`, total, (job) =>
              // one CPU stays with main (and the window): the kernel splits over the others
              runKernelAsync(name, w, {
                signal: job.signal,
                onProgress: (done) => job.progress(done),
                pollMs: 50,
                threads: KERNEL_THREADS,
              }),
            );
          } finally {
            release();
          }
          return {
            kernel: answer.kernel,
            prototype: answer.call.prototype,
            args: Object.entries(answer.call.args).map(([k, val]) => ({
              name: k,
              value: Array.isArray(val) ? `[${val.join(', ')}]` : String(val),
            })),
            result: answer.result,
            implementation: answer.implementation,
            fallbackReason:
              answer.implementation === 'native'
                ? null
                : (answer.fallbackReason ?? 'the native kernel library is not available'),
            elapsedMs: answer.seconds * 1e3,
          };
        });
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
      consoleInstance?.dispose();
      if (ownsConsoleDir && consoleDir) rmSync(consoleDir, { recursive: true, force: true });
      for (const o of [...arrays.values()]) closeOne(o, 'when the window closed');
    },
  };
  return api;
}
