/**
 * The ONE IPC contract between Stridescope's main process and its renderer.
 *
 * The renderer imports this module with `import type` only; the preload exposes an object of type
 * `StridescopeBridge` (= `StridescopeApi` + event subscriptions) through `contextBridge`; main registers one
 * `ipcMain.handle(channel(method))` per method of `StridescopeApi`, implemented by `createHandlers()`.
 * Change a method here and both sides stop compiling.
 *
 * Rules of the seam:
 *  - the renderer is untrusted: it names arrays by `ArrayId` and asks for BOUNDED windows; main validates every argument;
 *  - nothing throws across IPC: every method resolves to `Result<T>`, errors travel as data (`ApiError`);
 *  - only structured-clone/JSON-safe values cross: 64-bit integers and addresses are strings, bytes are hex strings.
 */

// ---------------------------------------------------------------------------------------------------------------
// Results and errors

export type ApiErrorKind =
  | 'format'
  | 'dtype'
  | 'layout'
  | 'bounds'
  | 'lifetime'
  | 'expression'
  | 'io'
  | 'argument'
  | 'unsupported'
  | 'cancelled'
  | 'unmapped'
  | 'internal';

export interface ApiError {
  kind: ApiErrorKind;
  message: string;
  /** Byte offset in the file (format errors, bounds) — null when not about a byte. */
  offset: number | null;
  file?: string;
  /** The grant the error is about (a raw file asking for its dtype: the raw form opens this grant). */
  grant?: GrantId;
  /** Column in a view expression (1-based as the core reports it). */
  column?: number;
  expected?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Arrays are named by an opaque id handed out by main ("a1", "a2", ...). */
export type ArrayId = string;

/**
 * Files are named by grant: an opaque id ("g1") main hands out when the USER names a file (Open dialog, a drop,
 * the command line, a recent entry). The renderer never sends a path; whatever it names that was never granted
 * answers "not granted". A grant lasts for the session; an .npz grant covers its members.
 */
export type GrantId = string;

/** Work main runs off its event loop (kernels, inflation): progress pushed as events, cancelled by id. */
export type JobId = string;

export interface JobProgress {
  jobId: JobId;
  /** what runs: 'kernel' (runKernel), 'inflate' (opening a deflated .npz member), 'copy' (a view expression's
   *  .copy()), 'search' (searchBytes) */
  kind: 'kernel' | 'inflate' | 'copy' | 'search';
  /** e.g. "sum over a.npy" */
  label: string;
  /** bytes done so far, of total */
  done: number;
  total: number;
  /** 'running' while it runs; the last event says how it ended */
  state: 'running' | 'done' | 'cancelled' | 'failed';
}

/** C data models: c_long is 8 bytes under LP64 (Linux, macOS), 4 under LLP64 (Windows) and ILP32. */
export type DataModelId = 'lp64' | 'llp64' | 'ilp32';

// ---------------------------------------------------------------------------------------------------------------
// Limits main enforces (exported so the renderer asks for windows it knows are allowed)

export const LIMITS = {
  /** Bytes per readBytes window. */
  maxBytesWindow: 1024 * 1024,
  /** Bytes one searchBytes call looks at before it answers (the renderer asks again to go on). */
  maxSearchBytes: 256 * 1024 * 1024,
  /** Characters of a search query. */
  maxSearchQuery: 256,
  /** Elements per walk window (and in all the windows of one `walkMany` call together). */
  maxWalkCount: 4096,
  /** Windows in one `walkMany` call (the array diagram's blocks: edge items of up to three axes). */
  maxWalkWindows: 16,
  /** Characters in a view expression. */
  maxExpressionLength: 512,
  /** Characters in a path. */
  maxPathLength: 4096,
  /** Elements whose values are returned in one `values` call. */
  maxValues: 1024,
  /** Arrays open at once in a session. */
  maxOpenArrays: 64,
  /** Recent files remembered. */
  maxRecent: 10,
  /** Elements one kernel call may visit (a zero-stride view can claim 2^53 of them). */
  maxKernelElements: 2 ** 31,
  /** Bytes a `.copy()` in a view expression may allocate. */
  maxViewCopyBytes: 64 * 1024 * 1024,
  /** Characters in one console submission (a typed line or a pasted script). */
  maxConsoleInput: 64 * 1024,
  /** Default session memory budget: JS-owned bytes (inflated members, copies) across all open arrays. */
  sessionBudgetBytes: 2 * 1024 * 1024 * 1024,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Arrays

export interface FlagsInfo {
  C_CONTIGUOUS: boolean;
  F_CONTIGUOUS: boolean;
  ALIGNED: boolean;
  WRITEABLE: boolean;
  OWNDATA: boolean;
}

/** A leaf of a (possibly nested) structured dtype, flattened for colouring bytes. Offsets within one item. */
export interface FieldSpan {
  /** Dotted path for nested structs: "pos.x"; subarray fields keep their name ("m"). */
  name: string;
  offset: number;
  size: number;
  /** dtype.str of the leaf ("<f8"; "<f8" also for the base of a subarray field). */
  str: string;
  /** Subarray shape of the field, [] for scalars. */
  shape: number[];
}

export interface DTypeInfo {
  /** numpy's dtype.str */
  str: string;
  /** numpy's dtype.name */
  name: string;
  /** the .npy header's descr (a string, or the list with tuples as arrays) */
  descr: unknown;
  itemsize: number;
  alignment: number;
  kind: string;
  byteorder: '<' | '>' | '|';
  isNative: boolean;
  /** null for non-structured dtypes */
  fields: FieldSpan[] | null;
  /** repr(dtype) as NumPy prints it: `dtype([('x', '<f8'), ('id', '<i4')])` */
  repr: string;
}

/** `x.ctypes` as NumPy would print it (under the platform's data model, c_intp = c_long on LP64). */
export interface CtypesInfo {
  /** hex address of the first element ("0x7f...") */
  data: string;
  /** the same address in decimal (what `x.ctypes.data` prints) */
  dataDecimal: string;
  shape: number[];
  strides: number[];
  /** ctypes type name of shape/strides arrays, e.g. "c_long_Array_2" */
  arrayType: string;
  /** Lines as the Python REPL shows them: `>>> x.ctypes.data` → `140…` */
  repl: { input: string; output: string }[];
}

/** One region of a .npy file's header (all offsets are absolute byte offsets in the file). */
export interface HeaderPart {
  name: 'magic' | 'version' | 'header_len' | 'dict' | 'padding' | 'data';
  offset: number;
  length: number;
  /** What the bytes say, e.g. "\\x93NUMPY", "1.0", "118", "{'descr': '<i4', ...}" */
  text: string;
}

export interface NpyHeaderInfo {
  version: [number, number];
  /** The value of the HEADER_LEN field (length of dict + padding + newline). */
  headerLength: number;
  dataOffset: number;
  parts: HeaderPart[];
  /** What NumPy would do differently with this header (e.g. np.load needs max_header_size= past 10,000 characters). */
  notices: string[];
}

export type SourceKind = 'example' | 'npy' | 'npz-member' | 'raw' | 'playground';

export interface ArraySummary {
  id: ArrayId;
  /** What to call it: the file name, "x (built-in example)", "a.npz:arr_0" */
  label: string;
  source: SourceKind;
  /** Absolute path of the granted file (for display), null for the example and console arrays. */
  file: string | null;
  /** The grant this array was opened by (open another .npz member with it); null when not from a file. */
  grant: GrantId | null;
  /** Size of the byte space the Bytes view shows (the whole file; for the example its .npy image). */
  fileSize: number;
  /** Where element data begins in that byte space (the base array's offset 0). */
  dataOffset: number;
  header: NpyHeaderInfo | null;
  dtype: DTypeInfo;
  shape: number[];
  strides: number[];
  /** Offset of the first element from the data start (non-zero for views with negative strides). */
  offset: number;
  size: number;
  ndim: number;
  nbytes: number;
  fortranOrder: boolean;
  flags: FlagsInfo;
  /** hex address of the first element */
  address: string;
  ctypes: CtypesInfo;
  /** first elements in logical C order, in the CLI's JSON spelling */
  values: unknown[];
  /** the same elements as `print(x[i])` shows them: `1.5`, `b'alpha'`, `(1.5, 1, b'alpha')` */
  valueTexts: string[];
  /** 'mapped' when the data is an OS file mapping, 'owned' for a process buffer */
  memoryKind: 'owned' | 'mapped' | 'process';
  /** the platform's data model (what c_long means here) */
  platformModel: DataModelId;
  /** For an .npz member: every member of the archive (for the member picker) and which one this is; else null. */
  npz: NpzInfo | null;
}

/** One member of an .npz as its zip directory lists it. */
export interface NpzMemberInfo {
  /** the name in the zip ("a.npy"); pass it as OpenRequest.member */
  name: string;
  /** false: stored (method 0), its .npy lies in the file as is and is mapped in place;
   *  true: deflated (method 8), opening it inflates it into memory */
  compressed: boolean;
  method: number;
  /** bytes of its .npy, and of its data in the zip (equal when stored) */
  size: number;
  compressedSize: number;
  /** file offset where the member's bytes (its .npy, when stored) begin in the zip */
  dataOffset: number;
}

export interface NpzInfo {
  members: NpzMemberInfo[];
  /** the member this array is */
  member: string;
}

export interface RawOpenOptions {
  dtype: string;
  shape?: number[];
  offset?: number;
  order?: 'C' | 'F';
  mode?: 'r' | 'c';
}

export interface OpenRequest {
  /** A grant main handed out (never a path). */
  grant: GrantId;
  /** For .npz: the member to open (default: the first). */
  member?: string;
  /** For raw binary files: how to map them (like numpy.memmap). */
  raw?: RawOpenOptions;
}

// ---------------------------------------------------------------------------------------------------------------
// Bytes

export interface BytesWindow {
  offset: number;
  /** lowercase hex, two characters per byte; shorter than requested at the end of the file */
  hex: string;
}

/**
 * One region of the Bytes view's byte space, for its structure tree (as ImHex's pattern tree): the .npy header's
 * parts, an .npz's zip records (local headers, member data, central directory entries, end records), the data
 * and a structured dtype's fields. Offsets are in the byte space the Bytes view shows.
 */
export interface ByteRegion {
  label: string;
  kind: 'header' | 'zip' | 'data' | 'element' | 'field' | 'padding';
  offset: number;
  length: number;
  /** what the bytes say, short ("\\x93NUMPY", "PK\\x03\\x04", "<f8") */
  text: string;
  /** for kind 'field': the field's position in the dtype (its colour is --field-<n % 8>) */
  field?: number;
  children: ByteRegion[];
}

/** Find bytes: a hex pattern ("93 4e 55"), or a value of the array's dtype written as its bytes. */
export interface ByteSearchRequest {
  id: ArrayId;
  mode: 'hex' | 'value';
  query: string;
  /** first offset looked at (forward), or last (backward) */
  from: number;
  direction: 'forward' | 'backward';
}

export interface ByteSearchResult {
  /** the bytes searched for, hex */
  pattern: string;
  /** offset of the match, or null */
  found: number | null;
  /** [searchedFrom, searchedTo) was looked at; a search stops after LIMITS.maxSearchBytes (ask again from there) */
  searchedFrom: number;
  searchedTo: number;
  /** true when the search reached the end (or start) of the byte space */
  complete: boolean;
}

/** Which element (of the array as stored) and field a byte belongs to. */
export interface ByteLocation {
  fileOffset: number;
  /** 'header' for .npy header bytes, 'data' for element bytes, 'outside' for bytes no element reaches */
  region: 'header' | 'data' | 'outside';
  headerPart: HeaderPart['name'] | null;
  element: ElementInfo | null;
}

export interface ElementInfo {
  index: number[];
  /** absolute file offset of the element's first byte */
  fileOffset: number;
  /** 0-based byte within the element */
  byteInElement: number;
  field: FieldSpan | null;
  /** the element's value in the CLI's JSON spelling */
  value: unknown;
  /** the element as `print(x[i])` shows it */
  text: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Views and stride walks

export interface ViewInfo {
  /** The expression as evaluated ("a" when empty); `x` and `a` both name the open array */
  expression: string;
  /** repr(dtype) of the view (a field view `x['id']` has the field's dtype) */
  dtypeRepr: string;
  shape: number[];
  strides: number[];
  /** byte offset of the view's first element from the data start */
  offset: number;
  size: number;
  itemsize: number;
  dtype: string;
  flags: FlagsInfo;
  /** data start in the file (add to offsets to find the byte in the Bytes view) */
  dataOffset: number;
}

export interface WalkStep {
  /** position in logical C order */
  n: number;
  index: number[];
  /** offset from the data start = view.offset + Σ index[k]·strides[k] */
  offset: number;
  fileOffset: number;
  value: unknown;
  /** the element as `print(v[i])` shows it (a record as `(1.5, 1, b'alpha')`) */
  text: string;
}

export interface WalkWindow {
  view: ViewInfo;
  start: number;
  steps: WalkStep[];
}

/** One window of a `walkMany` call. */
export interface WalkRequest {
  expression: string;
  start: number;
  count: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Reinterpret and ctypes pointers

export const C_TYPES = [
  'c_byte',
  'c_ubyte',
  'c_short',
  'c_ushort',
  'c_int',
  'c_uint',
  'c_long',
  'c_ulong',
  'c_longlong',
  'c_ulonglong',
  'c_float',
  'c_double',
] as const;
export type CTypeName = (typeof C_TYPES)[number];

export interface ReinterpretValue {
  size: number;
  /** null when fewer than `size` bytes remain in the file */
  le: unknown;
  be: unknown;
}

export interface ReinterpretResult {
  offset: number;
  model: DataModelId;
  bytes: string;
  /** c_byte … c_double, float16, complex64, complex128 (as the CLI names them) */
  values: Record<string, ReinterpretValue>;
  /** the element this offset falls in (if any) */
  element: ElementInfo | null;
  warnings: string[];
}

export interface PointerRequest {
  id: ArrayId;
  /** view expression on the array named `a` (default "a") whose ctypes.data is the pointer */
  expression?: string;
  ctype: CTypeName;
  model: DataModelId;
  /** ptr[index]; 0 is `.contents` */
  index: number;
}

export interface PointerResult {
  /** e.g. "x.ctypes.data_as(POINTER(c_long)).contents" */
  python: string;
  /** e.g. "c_long(0)" */
  repr: string;
  value: unknown;
  ctype: CTypeName;
  size: number;
  model: DataModelId;
  /** the address read, hex */
  address: string;
  /** file offset of the first byte read */
  fileOffset: number;
  bytes: string;
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Lifetimes

export interface AllocationInfo {
  id: string;
  label: string;
  kind: 'owned' | 'mapped' | 'temporary' | 'process';
  /** where it was made ("statement 3") */
  createdBy: string;
  /** strong references to it right now */
  refcount: number;
  state: 'live' | 'freed' | 'mapped' | 'closed';
  address: string;
  size: number;
  releasedBy: string | null;
}

export interface HoldInfo {
  /** what holds ("view a[::2]", "ct = (a+b).ctypes", "POINTER(c_int)") */
  holder: string;
  /** allocation id it keeps alive */
  allocation: string;
  /** a view's base, a ctypes object's array, a data_as pointer's array, an array's memory, a Python name,
   *  an evaluator temporary, or a bare integer address */
  kind: 'view' | 'ctypes' | 'pointer' | 'array' | 'name' | 'temporary' | 'address';
  /** a bare integer address keeps nothing alive */
  keepsAlive: boolean;
}

export interface LifetimeWarning {
  message: string;
  allocation: string | null;
  address: string | null;
}

export interface LifetimeStatement {
  n: number;
  source: string;
  /** what happened ("allocated temporary a+b (16 bytes)", "freed a+b", "read c_int(3)") */
  effect: string;
}

export type LifetimeScenarioName =
  'temporary-address' | 'ctypes-keeps-alive' | 'pointer-keeps-alive' | 'closed-mapping';

export interface LifetimeReport {
  scenario: LifetimeScenarioName | null;
  statements: LifetimeStatement[];
  allocations: AllocationInfo[];
  holds: HoldInfo[];
  warnings: LifetimeWarning[];
}

// ---------------------------------------------------------------------------------------------------------------
// Kernels

export interface KernelInfo {
  name: string;
  /** C prototype from native/kernels.h */
  prototype: string;
  description: string;
}

export interface KernelRun {
  kernel: string;
  prototype: string;
  /** the arguments as passed (pointers as hex, shape/strides arrays) */
  args: { name: string; value: string }[];
  result: unknown;
  implementation: 'native' | 'typescript';
  /** why the TypeScript fallback ran (null when native) */
  fallbackReason: string | null;
  elapsedMs: number;
}

// ---------------------------------------------------------------------------------------------------------------
// The console (the playground interpreter, one session per window, in main)

/** One statement the console ran, as Python's REPL would print it. */
export interface ConsoleStatement {
  line: number;
  source: string;
  /** what the REPL printed (repr, `<stdin>:1: RuntimeWarning`, Traceback) */
  output: string;
  /** the Python exception when it raised (type 'LifetimeError' for a refused read of freed memory) */
  error: { type: string; message: string } | null;
  /** "User Beware!" notes (data_as pointers) — Python prints none of these */
  notes: string[];
  /** the pointer reads C made (`.contents`, `p[i]`) that land in a listed array: the Bytes pane lights them */
  pointerReads?: ConsolePointerRead[];
}

/** One pointer read of a console statement, in the coordinates of the array whose bytes it read. */
export interface ConsolePointerRead {
  id: ArrayId;
  /** the console name of that array */
  name: string;
  /** first byte read, as the array's byte offset (its Bytes pane's coordinates) */
  fileOffset: number;
  /** bytes read (the C type's size) */
  length: number;
}

/** One `>>>` input (a line, or lines joined by open brackets), echoed with `>>> ` / `... ` prompts. */
export interface ConsoleInput {
  text: string;
  output: string;
  raised: boolean;
  statements: ConsoleStatement[];
}

/** An array bound to a name in the console, listed like an opened file (the other panes can show it). */
export interface ConsoleArray {
  name: string;
  id: ArrayId;
  summary: ArraySummary;
}

export interface ConsoleSessionInfo {
  model: DataModelId;
  /** false: NumPy without the ctypes module (the seed's fallback) */
  ctypes: boolean;
  /** where relative file names resolve, and the only place np.save / np.memmap may write */
  cwd: string;
  /** statements run so far in this session */
  statements: number;
  /** top-level names and their Python type names */
  names: { name: string; type: string }[];
  arrays: ConsoleArray[];
  /** Which Python runs the console: the user's (live) or the built-in simulation (absent: simulation). */
  backend?: ConsoleBackendInfo;
}

/** The console's Python, for its header: live (versions, how panes read its memory) or the simulation (and why). */
export interface ConsoleBackendInfo {
  kind: 'live' | 'simulation';
  /** Python and NumPy versions (live only) */
  python: string | null;
  numpy: string | null;
  executable: string | null;
  pid: number | null;
  /** how the panes read the live process: process_vm_readv, ReadProcessMemory or agent (null before the first read) */
  readPath: 'process_vm_readv' | 'ReadProcessMemory' | 'agent' | null;
  /** why the console runs the simulation (no Python found, no NumPy, a data model the host does not have) */
  reason: string | null;
  /** why the last live Python died, when it did (a new one starts on the next input) */
  lastDeath: string | null;
}

export interface ConsoleRunResult {
  inputs: ConsoleInput[];
  /** everything printed, in order */
  output: string;
  raised: boolean;
  /** names bound or rebound, and names deleted, by this run */
  bound: string[];
  deleted: string[];
  /** arrays no longer listed (their name was rebound or deleted): the panes drop these ids */
  closed: ArrayId[];
  session: ConsoleSessionInfo;
}

export interface ConsoleResetOptions {
  model?: DataModelId;
  ctypes?: boolean;
}

export type TourPaneName = 'console' | 'bytes' | 'walk' | 'reinterpret' | 'lifetime';

export interface TourStepInfo {
  id: string;
  title: string;
  seed: string;
  explain: string;
  pane: TourPaneName;
  /** the view the walk pane shows for this step (the card's strides are this view's) */
  walk?: string;
  model: DataModelId;
  ctypes: boolean;
  /** run first, quietly (the state the step needs) */
  setup: string[];
  /** typed into the console, one input each */
  code: string[];
  /** what the console prints for `code`, addresses written ADDR (ctypes.data) and 0xADDR (object addresses) */
  expected: string;
  /** on live Python, where CPython's output is not fixed (a read of freed memory): a RegExp source it matches */
  expectedLive?: string;
}

export interface TourRunRequest {
  id: string;
  /** true: also run `code` (the handlers' own check); false (default): only reset + setup, the renderer types the code */
  code?: boolean;
}

export interface TourRunResult {
  step: TourStepInfo;
  setup: ConsoleRunResult;
  /** `code` run input by input (when requested), else null */
  code: ConsoleRunResult | null;
}

// ---------------------------------------------------------------------------------------------------------------
// The API

export interface AppInfo {
  version: string;
  platform: string;
  model: DataModelId;
  limits: typeof LIMITS;
  /** whether a native open dialog is available (false in the browser test bridge) */
  canShowDialog: boolean;
}

export interface StridescopeApi {
  appInfo(): Promise<Result<AppInfo>>;
  /** What to show on start: the file from the command line if any, else the built-in example. */
  startup(): Promise<Result<ArraySummary>>;
  openExample(): Promise<Result<ArraySummary>>;
  /** Open a granted file (an .npz member of a granted .npz, a raw file with its raw options). */
  openGrant(request: OpenRequest): Promise<Result<ArraySummary>>;
  /** Open entry `index` of recentFiles() (entries are past grants: picking one grants it again). */
  openRecent(index: number): Promise<Result<ArraySummary>>;
  /** Native open dialog (main only); resolves to null when cancelled. */
  openDialog(): Promise<Result<ArraySummary | null>>;
  /** Paths of past grants, newest first, for display; open one with openRecent(index). */
  recentFiles(): Promise<Result<string[]>>;
  closeArray(id: ArrayId): Promise<Result<{ closed: ArrayId }>>;
  listArrays(): Promise<Result<ArraySummary[]>>;
  getArray(id: ArrayId): Promise<Result<ArraySummary>>;
  readBytes(id: ArrayId, offset: number, length: number): Promise<Result<BytesWindow>>;
  locateByte(id: ArrayId, fileOffset: number): Promise<Result<ByteLocation>>;
  /** The regions of the byte space as a tree (header parts, zip records, data, fields). */
  byteStructure(id: ArrayId): Promise<Result<ByteRegion[]>>;
  searchBytes(request: ByteSearchRequest): Promise<Result<ByteSearchResult>>;
  locateIndex(id: ArrayId, index: number[]): Promise<Result<ElementInfo>>;
  evalView(id: ArrayId, expression: string): Promise<Result<ViewInfo>>;
  walk(id: ArrayId, expression: string, start: number, count: number): Promise<Result<WalkWindow>>;
  /** Several walk windows in one round trip (≤ LIMITS.maxWalkWindows, ≤ LIMITS.maxWalkCount elements together). */
  walkMany(id: ArrayId, requests: WalkRequest[]): Promise<Result<WalkWindow[]>>;
  reinterpret(id: ArrayId, fileOffset: number, model: DataModelId): Promise<Result<ReinterpretResult>>;
  pointer(request: PointerRequest): Promise<Result<PointerResult>>;
  lifetime(scenario: LifetimeScenarioName | null): Promise<Result<LifetimeReport>>;
  listKernels(): Promise<Result<KernelInfo[]>>;
  /** Runs off main's event loop; progress arrives through onProgress (kind 'kernel'), cancel(jobId) stops it. */
  runKernel(id: ArrayId, kernel: string, expression: string): Promise<Result<KernelRun>>;
  /** Cancel a running job (a kernel, an inflation); the call that started it answers kind 'cancelled'. */
  cancel(jobId: JobId): Promise<Result<{ cancelled: boolean }>>;
  /** Run console input (≤ LIMITS.maxConsoleInput characters; several lines are split into inputs as the REPL would). */
  consoleRun(source: string): Promise<Result<ConsoleRunResult>>;
  /** A fresh console session (the model switch: a new interpreter under that data model). */
  consoleReset(options?: ConsoleResetOptions): Promise<Result<ConsoleSessionInfo>>;
  consoleSession(): Promise<Result<ConsoleSessionInfo>>;
  /** The console's allocations, holders and lifetime warnings (refused reads, addresses into freed memory). */
  consoleLifetime(): Promise<Result<LifetimeReport>>;
  /** Stop the running statement (KeyboardInterrupt in live Python; nothing to stop in the simulation). */
  consoleInterrupt(): Promise<Result<ConsoleSessionInfo>>;
  /** A new Python (live), or a fresh simulation. */
  consoleRestart(): Promise<Result<ConsoleSessionInfo>>;
  tourSteps(): Promise<Result<TourStepInfo[]>>;
  /** Start a tour step: reset the console to the step's model, run its setup (and its code when asked). */
  tourRun(request: TourRunRequest): Promise<Result<TourRunResult>>;
}

export type ApiMethod = keyof StridescopeApi;

/** Every method, in one list: main registers these, the preload exposes these, the tests check these. */
export const API_METHODS = [
  'appInfo',
  'startup',
  'openExample',
  'openGrant',
  'openRecent',
  'openDialog',
  'recentFiles',
  'closeArray',
  'listArrays',
  'getArray',
  'readBytes',
  'locateByte',
  'byteStructure',
  'searchBytes',
  'locateIndex',
  'evalView',
  'walk',
  'walkMany',
  'reinterpret',
  'pointer',
  'lifetime',
  'listKernels',
  'runKernel',
  'cancel',
  'consoleRun',
  'consoleReset',
  'consoleSession',
  'consoleLifetime',
  'consoleInterrupt',
  'consoleRestart',
  'tourSteps',
  'tourRun',
] as const satisfies readonly ApiMethod[];

// Compile-time check that API_METHODS lists every method exactly.
type _Missing = Exclude<ApiMethod, (typeof API_METHODS)[number]>;
const _allListed: _Missing extends never ? true : never = true;

/** The IPC channel of a method. */
export function channel(method: ApiMethod): string {
  return `stridescope:${method}`;
}

/** Main → renderer pushes. */
export const EVENT_OPENED = 'stridescope:event:opened';
export const EVENT_PROGRESS = 'stridescope:event:progress';

/**
 * Preload → main only (not a method of the page's API): the path of a dropped File, resolved by the preload with
 * webUtils.getPathForFile inside its isolated world. The page hands the preload a File object; a File the page made
 * itself (new File([...])) has no path, so the page cannot forge one.
 */
export const DROP_CHANNEL = 'stridescope:drop';

export interface StridescopeEvents {
  /** An array was opened from the menu, the command line or the recent list; returns an unsubscribe function. */
  onOpened(listener: (summary: Result<ArraySummary>) => void): () => void;
  /** Progress of jobs main runs off its event loop; returns an unsubscribe function. */
  onProgress(listener: (progress: JobProgress) => void): () => void;
  /** Grant and open a dropped File: the preload resolves its path (webUtils.getPathForFile), the page never sees it. */
  openDroppedFile(file: File): Promise<Result<ArraySummary>>;
}

export type StridescopeBridge = StridescopeApi & StridescopeEvents;

/** The name under which the preload exposes the bridge: `window.stridescope`. */
export const BRIDGE_NAME = 'stridescope';
