/**
 * Running a kernel over an array: the C function from native/kernels.c through koffi when the library is
 * there, the TypeScript twin (kernelsFallback.ts) when it is not — and the answer always says which ran,
 * with the C prototype and the exact argument values (data pointer in hex, shape, strides) of the call.
 *
 * The arguments are what `a.ctypes` hands a C function: data = the address of element [0, ...]
 * (`data_as(c_void_p)`: memory address + the view's offset), shape and strides as int64 arrays
 * (`shape_as(c_int64)`, `strides_as(c_int64)`), passed to koffi as BigInt64Array.
 *
 * Safety, BEFORE any native call (a failed check is an error, never a native read):
 *   - the memory is alive (LifetimeError otherwise);
 *   - every byte the view can reach (np.byte_bounds: negative and zero strides included) lies inside it
 *     (BoundsError otherwise) — as_strided views that reach outside are refused here, not read;
 *   - for file mappings, the file still covers the whole mapping (MappedMemory.check asks the OS; a
 *     truncated file would turn the read into SIGBUS) — and the C side runs under a SIGBUS guard anyway.
 * Only OwnedMemory (koffi's live address of its ArrayBuffer) and MappedMemory carry addresses C may use;
 * any other Memory runs the TypeScript kernels.
 */
import { readSync } from 'node:fs';
import { koffiOrNull } from './koffiBinding';
import { ArgumentError, BoundsError, CancelledError, LifetimeError, IOError, UnsupportedError } from '../core/errors';
import { OwnedMemory, type Memory } from '../core/memory';
import { byteBounds, walkOffsets, type Layout } from '../core/layout';
import { floatJSON } from '../core/floats';
import { MAX_DIMS } from '../core/iterate';
import {
  KERNEL_NAMES,
  Fnv1a64,
  byteswapFallback,
  checksumFallback,
  contiguousCopyFallback,
  emptyReductionError,
  numericType,
  reduceFallback,
  type FallbackOptions,
  type KernelName,
  type KernelValue,
  type KernelView,
  type NumericType,
  type ReductionName,
} from './kernelsFallback';
import { MappedMemory } from './mappedMemory';
import {
  PROTOTYPES,
  SK_E_ARG,
  SK_E_CANCELLED,
  SK_E_EMPTY,
  SK_E_FAULT,
  SK_E_SPACE,
  SK_OK,
  nativeLibrary,
  nativeUnavailableReason,
  systemMemcpy,
  type NativeFunctionName,
  type NativeLibrary,
} from './nativeLibrary';

export { KERNEL_NAMES, type KernelName, type KernelValue, type KernelView } from './kernelsFallback';

export type Implementation = 'native' | 'typescript';

/** The arguments of one call, as the app and the CLI show them. */
export type CallArgs = Record<string, string | number | string[]>;

export interface KernelAnswer {
  kernel: KernelName;
  implementation: Implementation;
  /** JSON spelling: integers as decimal strings, floats as numbers except "nan" / "inf" / "-inf" / "-0.0",
   *  complex as [re, im], bool as boolean; contiguous_copy -> { nbytes, checksum } of the copy. */
  result: unknown;
  /** The raw result. */
  value: KernelValue;
  /** Wall time of the kernel itself (the C call, or the TypeScript function). */
  seconds: number;
  call: { function: NativeFunctionName; prototype: string; args: CallArgs };
  /** Why TypeScript ran (absent when native). */
  fallbackReason?: string;
  /** Native reductions: where C read the elements — 'memory' (through their address: an owned buffer, or a file
   *  mapping prefaulted chunk by chunk) or 'pread' (from the mapped file with pread, sk_reduce_file). */
  source?: ReadSource;
}

export type ReadSource = 'memory' | 'pread';

export interface KernelOptions {
  /** Run the TypeScript kernel even when the library is present (--no-native). */
  forceFallback?: boolean;
  /** The TypeScript kernels' window size in bytes (kernelsFallback WINDOW_BYTES by default; tests shrink it). */
  windowBytes?: number;
  /** Native reductions: threads to use (1..64); absent = automatic (one below 4 MiB, else every CPU). The
   *  result does not depend on it (kernels.h, "Threads"). */
  threads?: number;
  /** Native reductions over a SHARED file mapping ('r', 'r+', 'w+'; MappedMemory.fileSource): 'auto' (default)
   *  reads views of at least FILE_SOURCE_MIN_BYTES from the file with pread (sk_reduce_file; faster than faulting
   *  a fresh mapping in, docs/bench.md "File source"), smaller ones through the mapping; 'pread' whenever the
   *  memory allows it, any size; 'mapping' never. C still reads through the mapping when the view's innermost
   *  stride exceeds 1024 bytes (kernels.h). Results are the same bit for bit either way. */
  readSource?: 'auto' | 'pread' | 'mapping';
}

/** 'auto' reads views at least this large from the file (one thread and the mapping below: the same threshold as
 *  the automatic thread count, where a view's page faults cost well under a millisecond). */
export const FILE_SOURCE_MIN_BYTES = 4 << 20;

const FUNCTION_OF: Record<KernelName, NativeFunctionName> = {
  sum: 'sk_sum',
  min: 'sk_min',
  max: 'sk_max',
  count_nan: 'sk_count_nan',
  count_nonzero: 'sk_count_nonzero',
  checksum: 'sk_checksum',
  contiguous_copy: 'sk_copy_contiguous',
};

/** The C prototype behind a kernel name. */
export function kernelPrototype(name: KernelName): string {
  return PROTOTYPES[FUNCTION_OF[name]];
}

const hex = (v: bigint) => `0x${v.toString(16)}`;

const IS_KERNEL = new Set<string>(KERNEL_NAMES);

/** numericType per DType object (dtypes are immutable), so a call does not re-derive it. */
const numericCache = new WeakMap<object, NumericType>();
function numericOf(dtype: KernelView['dtype']): NumericType {
  let t = numericCache.get(dtype);
  if (!t) {
    t = numericType(dtype);
    numericCache.set(dtype, t);
  }
  return t;
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

// ------------------------------------------------------------------------------------------------ safety

/**
 * Throws unless the view may be handed to C: memory alive, every reachable byte inside it, a mapped file
 * still long enough. Returns the reachable byte range.
 */
export function checkReachable(view: KernelView): { low: number; high: number } {
  const { memory, dtype } = view;
  if (!memory.alive) {
    throw new LifetimeError(
      `${memory.label} was released${memory.releasedBy ? ` (${memory.releasedBy})` : ''}: no kernel may read it`,
    );
  }
  if (view.shape.length > MAX_DIMS)
    throw new UnsupportedError(`the kernels take at most ${MAX_DIMS} dimensions, got ${view.shape.length}`);
  // byteBounds only reads the layout: no copies of shape and strides
  const { low, high } = byteBounds(
    { shape: view.shape as number[], strides: view.strides as number[], offset: view.offset },
    dtype.itemsize,
  );
  if (high > low && (low < 0 || high > memory.size)) {
    throw new BoundsError(
      `the view reaches bytes [${low}, ${high}) but ${memory.label} has ${memory.size} bytes: a kernel would read outside the allocation`,
      low < 0 ? low : high,
    );
  }
  // liveness again, and for mappings: the file still covers the mapping (MappedMemory.check asks the OS)
  memory.check(Math.min(low, memory.size), high > low ? high - low : 0);
  return { low, high };
}

/** koffi's address of each live OwnedMemory's ArrayBuffer (its backing store never moves while it lives). */
const ownedAddress = new WeakMap<OwnedMemory, bigint>();

/** The address C gets for byte `offset` of this memory, or null when the memory has none C may use. */
function cAddress(memory: Memory, offset: number): bigint | null {
  if (memory instanceof OwnedMemory) {
    let base = ownedAddress.get(memory);
    if (base === undefined || !memory.alive) {
      const koffi = koffiOrNull();
      if (!koffi) return null; // no koffi: no address C may use (the TypeScript kernels run instead)
      base = koffi.address(memory.arrayBuffer()); // arrayBuffer() throws once released
      ownedAddress.set(memory, base);
    }
    return offset === 0 ? base : base + BigInt(offset);
  }
  if (memory instanceof MappedMemory) return memory.size === 0 ? 0n : memory.address + BigInt(offset);
  return null;
}

/** The mapped file a native reduction may pread instead of reading the mapping (see KernelOptions.readSource). */
interface FileArgs {
  fd: number;
  /** an address in the mapping and the file offset of its byte */
  address: bigint;
  fileOffset: number;
}

function fileSourceFor(view: KernelView, opts: KernelOptions): FileArgs | null {
  const memory = view.memory;
  const mode = opts.readSource ?? 'auto';
  if (!(memory instanceof MappedMemory) || mode === 'mapping') return null;
  if (mode !== 'pread' && sizeOf(view.shape) * view.dtype.itemsize < FILE_SOURCE_MIN_BYTES) return null;
  return memory.fileSource();
}

// ------------------------------------------------------------------------------------------------ JSON spelling

/** The JSON spelling of a kernel value (see KernelAnswer.result). */
export function kernelValueJSON(v: KernelValue): unknown {
  switch (v.type) {
    case 'int':
    case 'uint':
      return v.value.toString();
    case 'float':
      return floatJSON(v.value);
    case 'complex':
      return [floatJSON(v.re), floatJSON(v.im)];
    case 'bool':
      return v.value;
    case 'copy':
      return { nbytes: v.nbytes, checksum: v.checksum.toString() };
  }
}

// ------------------------------------------------------------------------------------------------ native calls

/*
 * Argument and result scratch, reused by every call (calls are synchronous and C keeps no pointer). koffi passes
 * a typed array by address; a fresh small one costs more to pass than the call itself (V8 keeps small typed
 * arrays on its heap and must move them out first), so the hot path allocates nothing.
 */
const SHAPE = new BigInt64Array(MAX_DIMS);
const STRIDES = new BigInt64Array(MAX_DIMS);
const OUT_F64 = new Float64Array(2);
const OUT_U8 = new Uint8Array(OUT_F64.buffer);
const OUT_S64 = new BigInt64Array(OUT_F64.buffer);
const OUT_W64 = new BigUint64Array(OUT_F64.buffer);
/** sk_control for synchronous sk_reduce_file calls (only its `threads` and `source` answers are read). */
const SYNC_CONTROL = new Int32Array(16);

/** shape_as(c_int64) / strides_as(c_int64) into the scratch arrays; returns ndim (<= MAX_DIMS, checked before). */
function fillArgs(view: KernelView, shapeOut: BigInt64Array = SHAPE, stridesOut: BigInt64Array = STRIDES): number {
  const { shape, strides } = view;
  const nd = shape.length;
  for (let d = 0; d < nd; d++) {
    shapeOut[d] = BigInt(shape[d]);
    stridesOut[d] = BigInt(strides[d]);
  }
  return nd;
}

function statusError(fn: string, status: number, label: string, kernel: string): Error {
  switch (status) {
    case SK_E_EMPTY:
      return emptyReductionError(kernel);
    case SK_E_FAULT:
      return new LifetimeError(
        `${label}: a memory fault was caught inside ${fn} (the mapped file shrank during the call); no result`,
      );
    case SK_E_SPACE:
      return new BoundsError(`${fn}: the destination buffer is too small`);
    case SK_E_ARG:
      return new ArgumentError(`${fn} refused its arguments (ndim, shape or dtype)`);
    case SK_E_CANCELLED:
      return new CancelledError(`${kernel} over ${label} was cancelled before it finished: no result`);
    default:
      return new IOError(label, `${fn} returned status ${status}`);
  }
}

// C writes `out` in this machine's byte order, and the native path only runs on little-endian hosts (nativeFor).
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The reduction's result from OUT (see kernels.h for what each kernel writes), or from another 16-byte buffer. */
function decodeOut(t: NumericType, op: ReductionName, buffer?: ArrayBuffer): KernelValue {
  const OUT = buffer ? new Float64Array(buffer, 0, 2) : OUT_F64;
  const OUT_I64 = buffer ? new BigInt64Array(buffer, 0, 2) : OUT_S64;
  const OUT_U64 = buffer ? new BigUint64Array(buffer, 0, 2) : OUT_W64;
  if (op === 'count_nan' || op === 'count_nonzero') return { type: 'int', value: OUT_I64[0] };
  switch (t.kind) {
    case 'bool':
      return op === 'sum' ? { type: 'int', value: OUT_I64[0] } : { type: 'bool', value: OUT_I64[0] !== 0n };
    case 'int':
      return { type: 'int', value: OUT_I64[0] };
    case 'uint':
      return { type: 'uint', value: OUT_U64[0] };
    case 'float':
      return { type: 'float', value: OUT[0] };
    case 'complex':
      return { type: 'complex', re: OUT[0], im: OUT[1] };
  }
}

/** sk_reduce_ex's op codes (kernels.h). */
const REDUCE_OP: Record<ReductionName, number> = { sum: 0, min: 1, max: 2, count_nan: 3, count_nonzero: 4 };

function checkThreads(threads: number | undefined): void {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 64)) {
    throw new ArgumentError(`threads must be an integer from 1 to 64, got ${threads}`);
  }
}

/** sk_control's `source` answer (int32 at byte 24) as a ReadSource. */
const sourceOf = (ctl: Int32Array): ReadSource => (ctl[6] === 1 ? 'pread' : 'memory');

function nativeReduce(
  lib: NativeLibrary,
  op: ReductionName,
  label: string,
  t: NumericType,
  data: bigint,
  nd: number,
  threads: number | undefined,
  file: FileArgs | null,
): { value: KernelValue; source: ReadSource; threads?: number } {
  const swap = t.byteswap ? 1 : 0;
  if (file) {
    const status = Number(
      lib.fn.sk_reduce_file(
        REDUCE_OP[op],
        data,
        nd,
        SHAPE,
        STRIDES,
        t.code,
        swap,
        threads ?? 0,
        SYNC_CONTROL,
        file.fd,
        file.address,
        file.fileOffset,
        OUT_U8,
      ),
    );
    if (status !== SK_OK) throw statusError('sk_reduce_file', status, label, op);
    return { value: decodeOut(t, op), source: sourceOf(SYNC_CONTROL), threads: SYNC_CONTROL[5] };
  }
  const fn = FUNCTION_OF[op];
  const status = Number(
    threads === undefined
      ? lib.fn[fn](data, nd, SHAPE, STRIDES, t.code, swap, OUT_U8)
      : lib.fn.sk_reduce_ex(REDUCE_OP[op], data, nd, SHAPE, STRIDES, t.code, swap, threads, null, OUT_U8),
  );
  if (status !== SK_OK) throw statusError(fn, status, label, op);
  return { value: decodeOut(t, op), source: 'memory' };
}

function nativeChecksum(lib: NativeLibrary, view: KernelView, data: bigint, nd: number): bigint {
  const status = Number(lib.fn.sk_checksum(data, nd, SHAPE, STRIDES, view.dtype.itemsize, OUT_W64));
  if (status !== SK_OK) throw statusError('sk_checksum', status, view.memory.label, 'checksum');
  return OUT_W64[0];
}

function nativeCopy(lib: NativeLibrary, view: KernelView, data: bigint, nd: number, maxBytes: number): Uint8Array {
  const nbytes = sizeOf(view.shape) * view.dtype.itemsize;
  if (nbytes > maxBytes)
    throw new BoundsError(`a contiguous copy of ${nbytes} bytes is larger than the ${maxBytes}-byte limit`);
  const dst = new Uint8Array(nbytes);
  const r = Number(lib.fn.sk_copy_contiguous(data, nd, SHAPE, STRIDES, view.dtype.itemsize, dst, nbytes));
  if (r < 0) throw statusError('sk_copy_contiguous', r, view.memory.label, 'contiguous_copy');
  return dst;
}

// ------------------------------------------------------------------------------------------------ TypeScript kernels' windows

/**
 * How the TypeScript kernels read a file mapping: each window is checked first (MappedMemory.check: alive,
 * inside, the file still covers the mapping) and then copied by one native memcpy into a buffer reused for the
 * whole call — the library's guarded sk_copy_bytes when it is loaded, else the system's memcpy (what
 * MappedMemory.read uses then) — so no window is allocated. Reductions over a shared mapping that the native
 * path would read from the file (fileSourceFor) read each window from the file too, with pread (fs.readSync at
 * a position): the same bytes without page-table faults. Other memories: memory.read.
 */
function fallbackOptions(
  view: KernelView,
  opts: KernelOptions,
  reduction = false,
): FallbackOptions & { source?: ReadSource } {
  const out: FallbackOptions & { source?: ReadSource } = { windowBytes: opts.windowBytes };
  const memory = view.memory;
  if (!(memory instanceof MappedMemory)) return out;
  const file = reduction ? fileSourceFor(view, opts) : null;
  if (file) {
    // the reductions' file source in TypeScript: each window read from the shared mapping's file with pread
    // (fs.readSync at a position), the same bytes without a page fault; a short read is the truncation fault
    let buf = new Uint8Array(0);
    out.fetch = (offset, length) => {
      memory.check(offset, length);
      if (buf.byteLength < length) buf = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const r = readSync(file.fd, buf, got, length - got, file.fileOffset + offset + got);
        if (r <= 0) {
          throw new LifetimeError(
            `${memory.path}: reading file bytes [${file.fileOffset + offset}, ${file.fileOffset + offset + length}) came up short at ${file.fileOffset + offset + got} (the file shrank under the mapping)`,
            offset + got,
          );
        }
        got += r;
      }
      return buf.subarray(0, length);
    };
    out.source = 'pread';
    return out;
  }
  const lib = nativeLibrary();
  const raw = lib ? null : systemMemcpy();
  if (!lib && !raw) return out;
  let buf = new Uint8Array(0);
  out.fetch = (offset, length) => {
    memory.check(offset, length);
    if (buf.byteLength < length) buf = new Uint8Array(length);
    if (length === 0) return buf.subarray(0, 0);
    const src = memory.address + BigInt(offset);
    if (lib) {
      const r = Number(lib.fn.sk_copy_bytes(buf, src, length));
      if (r === SK_E_FAULT) {
        throw new LifetimeError(
          `${memory.path}: the mapping faulted while reading bytes [${offset}, ${offset + length}) (the file shrank under it)`,
          offset,
        );
      }
      if (r !== SK_OK) throw new IOError(memory.path, `copy out of the mapping failed (status ${r})`);
    } else {
      raw!(buf, src, length);
    }
    return buf.subarray(0, length);
  };
  return out;
}

// ------------------------------------------------------------------------------------------------ runKernel

function describeCall(
  name: KernelName,
  view: KernelView,
  data: bigint,
  t: NumericType | undefined,
): KernelAnswer['call'] {
  const fn = FUNCTION_OF[name];
  const args: CallArgs = {
    data: hex(data),
    ndim: view.shape.length,
    shape: view.shape.map(String),
    strides: view.strides.map(String),
  };
  if (!t) {
    args.itemsize = view.dtype.itemsize;
    if (name === 'contiguous_copy') args.dst_size = String(sizeOf(view.shape) * view.dtype.itemsize);
  } else {
    args.dtype = `${t.cName} (${t.code})`;
    args.byteswap = t.byteswap ? 1 : 0;
  }
  return { function: fn, prototype: PROTOTYPES[fn], args };
}

/** The library when the native path can run for this memory, else null and why. */
function nativeFor(
  memory: Memory,
  hasAddress: boolean,
  opts: KernelOptions,
): { lib: NativeLibrary | null; reason?: string } {
  if (opts.forceFallback) return { lib: null, reason: 'the TypeScript kernel was requested (--no-native)' };
  const lib = nativeLibrary();
  if (!lib) return { lib: null, reason: nativeUnavailableReason() ?? 'the native kernel library is not available' };
  if (!HOST_LE) return { lib: null, reason: 'big-endian host: results are decoded in TypeScript' };
  if (!hasAddress)
    return { lib: null, reason: `${memory.label} has no address C may use (${memory.kind} memory of another kind)` };
  return { lib };
}

/**
 * Run `name` over the view. Checks first (see the header); then C if available, else TypeScript.
 * `contiguous_copy` answers { nbytes, checksum } of the copy; use `contiguousCopy` for the bytes.
 */
export function runKernel(name: KernelName, view: KernelView, opts: KernelOptions = {}): KernelAnswer {
  if (!IS_KERNEL.has(name)) throw new ArgumentError(`unknown kernel '${name}'`, KERNEL_NAMES.join(', '));
  checkThreads(opts.threads);
  checkReachable(view);
  const reduction = name !== 'checksum' && name !== 'contiguous_copy';
  const t = reduction ? numericOf(view.dtype) : undefined; // rejects non-numeric dtypes before anything runs
  const memory = view.memory;
  const address = cAddress(memory, view.offset);
  const { lib, reason } = nativeFor(memory, address !== null, opts);
  let value: KernelValue;
  let seconds: number;
  const file = lib && t ? fileSourceFor(view, opts) : null;
  let fo: ReturnType<typeof fallbackOptions> | undefined;
  let reduced: ReturnType<typeof nativeReduce> | undefined;
  if (lib) {
    const data = address!;
    const nd = fillArgs(view);
    const t0 = performance.now();
    if (t)
      value = (reduced = nativeReduce(lib, name as ReductionName, memory.label, t, data, nd, opts.threads, file)).value;
    else if (name === 'checksum') value = { type: 'uint', value: nativeChecksum(lib, view, data, nd) };
    else value = copyValue(nativeCopy(lib, view, data, nd, 1 << 30));
    seconds = (performance.now() - t0) / 1e3;
  } else {
    fo = fallbackOptions(view, opts, t !== undefined);
    const t0 = performance.now();
    if (t) value = reduceFallback(name as ReductionName, view, fo);
    else if (name === 'checksum') value = { type: 'uint', value: checksumFallback(view, fo) };
    else value = copyValue(contiguousCopyFallback(view, 1 << 30, fo));
    seconds = (performance.now() - t0) / 1e3;
  }
  const call = describeCall(name, view, address ?? memory.address + BigInt(view.offset), t);
  if (file && reduced) describeReduceFile(call, name as ReductionName, reduced.threads ?? 0, file);
  else if (lib && t && opts.threads !== undefined) describeReduceEx(call, name as ReductionName, opts.threads);
  const answer: KernelAnswer = {
    kernel: name,
    implementation: lib ? 'native' : 'typescript',
    result: kernelValueJSON(value),
    value,
    seconds,
    call,
  };
  if (!lib) answer.fallbackReason = reason;
  if (reduced) answer.source = reduced.source;
  else if (t) answer.source = fo?.source ?? 'memory';
  return answer;
}

function copyValue(bytes: Uint8Array): KernelValue {
  const h = new Fnv1a64();
  h.update(bytes);
  return { type: 'copy', nbytes: bytes.length, checksum: h.digest() };
}

/** np.ascontiguousarray(a).tobytes(): the copy itself (native when possible). */
export function contiguousCopy(
  view: KernelView,
  opts: KernelOptions & { maxBytes?: number } = {},
): { bytes: Uint8Array; implementation: Implementation } {
  checkReachable(view);
  const address = cAddress(view.memory, view.offset);
  const { lib } = nativeFor(view.memory, address !== null, opts);
  const maxBytes = opts.maxBytes ?? 1 << 30;
  if (lib) return { bytes: nativeCopy(lib, view, address!, fillArgs(view), maxBytes), implementation: 'native' };
  return { bytes: contiguousCopyFallback(view, maxBytes, fallbackOptions(view, opts)), implementation: 'typescript' };
}

/**
 * a.byteswap(inplace=True): reverse each element's bytes (complex: each half; 'U': each 4-byte code unit).
 * Refused on read-only memory.
 */
export function byteswapInPlace(view: KernelView, opts: KernelOptions = {}): { implementation: Implementation } {
  if (!view.memory.writeable) throw new BoundsError(`${view.memory.label} is read-only: cannot byteswap in place`);
  checkReachable(view);
  const { kind, itemsize } = view.dtype;
  const unit =
    kind === 'c' ? itemsize / 2 : kind === 'U' ? 4 : kind === 'S' || kind === 'b' || kind === 'V' ? 1 : itemsize;
  if (view.dtype.fields || view.dtype.subarray)
    throw new UnsupportedError('byteswap of structured dtypes swaps field by field: not supported by the kernel');
  const address = cAddress(view.memory, view.offset);
  const { lib } = nativeFor(view.memory, address !== null, opts);
  if (lib) {
    const r = Number(lib.fn.sk_byteswap_inplace(address!, fillArgs(view), SHAPE, STRIDES, itemsize, unit));
    if (r !== SK_OK) throw statusError('sk_byteswap_inplace', r, view.memory.label, 'byteswap');
    return { implementation: 'native' };
  }
  byteswapFallback(view, unit);
  return { implementation: 'typescript' };
}

/**
 * Byte offsets (from memory byte 0) of elements [start, start+count) in logical order — sk_walk_offsets when
 * the library is there, core/layout's walkOffsets otherwise (they must agree).
 */
export function walkOffsetsNative(
  layout: Layout,
  start: number,
  count: number,
  opts: KernelOptions = {},
): { offsets: Float64Array; implementation: Implementation } {
  const lib = opts.forceFallback ? null : nativeLibrary();
  const total = sizeOf(layout.shape);
  if (!lib || layout.shape.length > MAX_DIMS)
    return { offsets: walkOffsets(layout, start, count), implementation: 'typescript' };
  if (!Number.isSafeInteger(start) || start < 0 || !Number.isSafeInteger(count) || count < 0) {
    return { offsets: walkOffsets(layout, start, count), implementation: 'typescript' }; // core throws the right error
  }
  const n = Math.max(0, Math.min(total - start, count));
  const out = new BigInt64Array(n);
  const shape = BigInt64Array.from(layout.shape, (d) => BigInt(d));
  const strides = BigInt64Array.from(layout.strides, (s) => BigInt(s));
  const r = Number(lib.fn.sk_walk_offsets(layout.shape.length, shape, strides, BigInt(start), BigInt(n), out));
  if (r < 0) throw new ArgumentError(`sk_walk_offsets refused the layout (status ${r})`);
  const offsets = new Float64Array(r);
  for (let i = 0; i < r; i++) offsets[i] = Number(out[i]) + layout.offset;
  return { offsets, implementation: 'native' };
}

// ------------------------------------------------------------------------------------------------ read_at

/** C types sk_read_at knows (enum sk_ctype), by their C spelling (`unsigned long`; core/ctypeModel's CTypeName is the ctypes name, `c_ulong`). */
export const C_TYPES = {
  char: 0,
  'signed char': 1,
  'unsigned char': 2,
  short: 3,
  'unsigned short': 4,
  int: 5,
  'unsigned int': 6,
  long: 7,
  'unsigned long': 8,
  'long long': 9,
  'unsigned long long': 10,
  float: 11,
  double: 12,
  'void *': 13,
  size_t: 14,
  _Bool: 15,
  int8_t: 16,
  uint8_t: 17,
  int16_t: 18,
  uint16_t: 19,
  int32_t: 20,
  uint32_t: 21,
  int64_t: 22,
  uint64_t: 23,
  intptr_t: 24,
} as const;
export type CTypeSpelling = keyof typeof C_TYPES;

/** The fallback's idea of this platform's C types: [size, class] (class 0 signed, 1 unsigned, 2 float). */
function fallbackCTypeInfo(ctype: CTypeSpelling): [number, number] {
  const longSize = process.platform === 'win32' ? 4 : 8;
  const charSigned =
    !(process.arch === 'arm64' || process.arch === 'arm') ||
    process.platform === 'darwin' ||
    process.platform === 'win32';
  const table: Record<CTypeSpelling, [number, number]> = {
    char: [1, charSigned ? 0 : 1],
    'signed char': [1, 0],
    'unsigned char': [1, 1],
    short: [2, 0],
    'unsigned short': [2, 1],
    int: [4, 0],
    'unsigned int': [4, 1],
    long: [longSize, 0],
    'unsigned long': [longSize, 1],
    'long long': [8, 0],
    'unsigned long long': [8, 1],
    float: [4, 2],
    double: [8, 2],
    'void *': [8, 1],
    size_t: [8, 1],
    _Bool: [1, 1],
    int8_t: [1, 0],
    uint8_t: [1, 1],
    int16_t: [2, 0],
    uint16_t: [2, 1],
    int32_t: [4, 0],
    uint32_t: [4, 1],
    int64_t: [8, 0],
    uint64_t: [8, 1],
    intptr_t: [8, 0],
  };
  return table[ctype];
}

export interface ReadAtAnswer {
  ctype: CTypeSpelling;
  address: string;
  size: number;
  /** signed/unsigned integers as decimal strings, floats spelled like kernel results; _Bool as the raw byte */
  value: string | number;
  implementation: Implementation;
  prototype: string;
  fallbackReason?: string;
}

/** What C reads at byte `offset` of `memory` as `ctype` (checked: alive and inside first). */
export function readAt(memory: Memory, offset: number, ctype: CTypeSpelling, opts: KernelOptions = {}): ReadAtAnswer {
  // own keys only: 'toString' or '__proto__' must not pass as a C type
  const code = Object.prototype.hasOwnProperty.call(C_TYPES, ctype) ? C_TYPES[ctype] : undefined;
  if (code === undefined) throw new ArgumentError(`unknown C type '${String(ctype)}'`, Object.keys(C_TYPES).join(', '));
  // a fractional, negative or huge offset is a BoundsError here, before any address arithmetic
  memory.check(offset, 0);
  const lib = opts.forceFallback ? null : nativeLibrary();
  const addr = cAddress(memory, offset);
  const info = lib ? Number(lib.fn.sk_ctype_info(code)) : -1;
  const [size, cls] = info >= 0 ? [info & 0xff, info >> 8] : fallbackCTypeInfo(ctype);
  memory.check(offset, size);
  const address = hex(addr ?? memory.address + BigInt(offset));
  const prototype = PROTOTYPES.sk_read_at;
  if (lib && addr !== null && HOST_LE) {
    const out = new Uint8Array(8);
    const r = Number(lib.fn.sk_read_at(addr, code, out));
    if (r < 0) throw statusError('sk_read_at', r, memory.label, 'read_at');
    const dv = new DataView(out.buffer);
    const value =
      cls === 2
        ? floatJSON(dv.getFloat64(0, true))
        : cls === 0
          ? dv.getBigInt64(0, true).toString()
          : dv.getBigUint64(0, true).toString();
    return { ctype, address, size, value, implementation: 'native', prototype };
  }
  const bytes = memory.read(offset, size);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, size);
  let value: string | number;
  if (cls === 2) value = floatJSON(size === 4 ? dv.getFloat32(0, HOST_LE) : dv.getFloat64(0, HOST_LE));
  else if (size === 8) value = (cls === 0 ? dv.getBigInt64(0, HOST_LE) : dv.getBigUint64(0, HOST_LE)).toString();
  else if (size === 4) value = String(cls === 0 ? dv.getInt32(0, HOST_LE) : dv.getUint32(0, HOST_LE));
  else if (size === 2) value = String(cls === 0 ? dv.getInt16(0, HOST_LE) : dv.getUint16(0, HOST_LE));
  else value = String(cls === 0 ? dv.getInt8(0) : dv.getUint8(0));
  return {
    ctype,
    address,
    size,
    value,
    implementation: 'typescript',
    prototype,
    fallbackReason: opts.forceFallback
      ? 'the TypeScript reader was requested'
      : (nativeUnavailableReason() ?? 'no address C may use'),
  };
}

// ------------------------------------------------------------------------------------------------ runKernelAsync

/** The call as sk_reduce_ex (op code and thread count in front of / after the usual arguments). */
function describeReduceEx(call: KernelAnswer['call'], op: ReductionName, threads: number): void {
  call.function = 'sk_reduce_ex';
  call.prototype = PROTOTYPES.sk_reduce_ex;
  call.args = { op: `${REDUCE_OP[op]} (${op})`, ...call.args, threads };
}

/** The call as sk_reduce_file: sk_reduce_ex's arguments, then the mapped file's descriptor, an address in the
 *  mapping and that address's file offset. */
function describeReduceFile(call: KernelAnswer['call'], op: ReductionName, threads: number, file: FileArgs): void {
  describeReduceEx(call, op, threads);
  call.function = 'sk_reduce_file';
  call.prototype = PROTOTYPES.sk_reduce_file;
  call.args = { ...call.args, fd: file.fd, map_base: hex(file.address), map_offset: file.fileOffset };
}

export interface AsyncKernelOptions extends KernelOptions {
  /** Called on main's event loop with the bytes of elements done so far (never decreasing) while the kernel
   *  runs, and once more with (total, total) when it has finished. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Aborting stops the native kernel after its current 256 KiB chunk; the promise rejects with CancelledError. */
  signal?: AbortSignal;
  /** How often the progress counter is read, in milliseconds (default 16). */
  pollMs?: number;
}

/**
 * sk_control (kernels.h) in an ArrayBuffer of our own, passed to C by address. An explicitly created
 * ArrayBuffer's backing store lives outside V8's heap and never moves, and the pending call keeps this object
 * (and so the buffer) alive until C has returned. Main reads done_bytes with plain typed-array loads while C's
 * threads add to it (aligned 8-byte accesses: never torn on the 64-bit hosts koffi runs on) and sets cancel.
 */
/** koffi on the asynchronous path, which runs only after the native library (and so koffi) has loaded. */
function loadedKoffi() {
  const koffi = koffiOrNull();
  if (!koffi) throw new UnsupportedError('the native kernels need koffi, which could not be loaded');
  return koffi;
}

class KernelControl {
  readonly buffer = new ArrayBuffer(64);
  private readonly i64 = new BigInt64Array(this.buffer);
  private readonly i32 = new Int32Array(this.buffer);
  readonly address: bigint = loadedKoffi().address(this.buffer);
  get doneBytes(): number {
    return Number(this.i64[0]);
  }
  get threads(): number {
    return this.i32[5];
  }
  get source(): ReadSource {
    return sourceOf(this.i32);
  }
  cancel(): void {
    this.i32[4] = 1;
  }
}

/**
 * runKernel without blocking main: a native reduction runs on one of koffi's worker threads (which splits it
 * over the CPUs, kernels.h), main polls the progress counter every `pollMs` and turns `signal` into the C
 * cancel flag. The memory stays mapped until C returns, even if it is released meanwhile (MappedMemory.pin).
 * checksum and contiguous_copy run on a koffi worker thread too (sk_checksum / sk_copy_contiguous have no progress
 * counter: progress is reported once at the end; cancelling answers at once while C finishes in the background,
 * its memory still pinned). Only the TypeScript fallback runs here on main in one piece, as runKernel does.
 */
export function runKernelAsync(
  name: KernelName,
  view: KernelView,
  opts: AsyncKernelOptions = {},
): Promise<KernelAnswer> {
  return new Promise<KernelAnswer>((resolve, reject) => {
    if (!IS_KERNEL.has(name)) throw new ArgumentError(`unknown kernel '${name}'`, KERNEL_NAMES.join(', '));
    checkThreads(opts.threads);
    const totalBytes = sizeOf(view.shape) * view.dtype.itemsize;
    const cancelled = () =>
      new CancelledError(`${name} over ${view.memory.label} was cancelled before it finished: no result`);
    if (opts.signal?.aborted) throw cancelled();
    checkReachable(view);
    const reduction = name !== 'checksum' && name !== 'contiguous_copy';
    const t = reduction ? numericOf(view.dtype) : undefined;
    const memory = view.memory;
    const address = cAddress(memory, view.offset);
    const { lib } = nativeFor(memory, address !== null, opts);
    if (lib && !t) {
      wholeCallAsync(lib, name as 'checksum' | 'contiguous_copy', view, address!, opts, totalBytes, cancelled).then(
        resolve,
        reject,
      );
      return;
    }
    if (!lib || !t) {
      const answer = runKernel(name, view, opts);
      opts.onProgress?.(totalBytes, totalBytes);
      resolve(answer);
      return;
    }
    const op = name as ReductionName;
    const args = new ArrayBuffer(2 * MAX_DIMS * 8);
    const shapeArg = new BigInt64Array(args, 0, MAX_DIMS);
    const stridesArg = new BigInt64Array(args, MAX_DIMS * 8, MAX_DIMS);
    const nd = fillArgs(view, shapeArg, stridesArg);
    const koffi = loadedKoffi();
    const argsAddress = koffi.address(args);
    const out = new ArrayBuffer(16);
    const control = new KernelControl();
    // keep the memory C reads: a mapping is pinned (unmapped only after C returns); an owned buffer is kept
    // reachable by this closure
    // the pin also keeps the mapping's file descriptor open (it is closed with the unmap)
    const unpin = memory instanceof MappedMemory ? memory.pin() : undefined;
    const file = fileSourceFor(view, opts);
    const inUse: unknown[] = [args, out, control, memory instanceof OwnedMemory ? memory.arrayBuffer() : null];
    let reported = -1;
    const poll = () => {
      const done = control.doneBytes;
      if (done > reported) {
        reported = done;
        opts.onProgress?.(done, totalBytes);
      }
    };
    const timer = opts.onProgress ? setInterval(poll, opts.pollMs ?? 16) : undefined;
    const onAbort = () => control.cancel();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const t0 = performance.now();
    const finish = (err: unknown, status: number) => {
      const seconds = (performance.now() - t0) / 1e3;
      if (timer) clearInterval(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      unpin?.();
      inUse.length = 0; // C is done with the buffers it was given
      if (err) {
        reject(
          new IOError(
            memory.label,
            `${file ? 'sk_reduce_file' : 'sk_reduce_ex'} could not run: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
        return;
      }
      const fn = file ? 'sk_reduce_file' : 'sk_reduce_ex';
      if (status !== SK_OK) {
        reject(status === SK_E_CANCELLED ? cancelled() : statusError(fn, status, memory.label, name));
        return;
      }
      poll();
      if (reported < totalBytes) opts.onProgress?.(totalBytes, totalBytes);
      const value = decodeOut(t, op, out);
      const call = describeCall(name, view, address!, t);
      if (file) describeReduceFile(call, op, control.threads, file);
      else describeReduceEx(call, op, control.threads);
      const source = control.source;
      resolve({ kernel: name, implementation: 'native', result: kernelValueJSON(value), value, seconds, call, source });
    };
    const callback = (err: unknown, status: number) => finish(err, Number(status));
    const common = [
      REDUCE_OP[op],
      address!,
      nd,
      argsAddress,
      argsAddress + BigInt(MAX_DIMS * 8),
      t.code,
      t.byteswap ? 1 : 0,
      opts.threads ?? 0,
      control.address,
    ];
    if (file)
      lib.fn.sk_reduce_file.async(...common, file.fd, file.address, file.fileOffset, koffi.address(out), callback);
    else lib.fn.sk_reduce_ex.async(...common, koffi.address(out), callback);
  });
}

/**
 * sk_checksum / sk_copy_contiguous on one of koffi's worker threads, with buffers of their own (never the shared
 * SHAPE/STRIDES/OUT ones a synchronous call may be using meanwhile). Cancelling rejects at once; the buffers and the
 * pinned memory stay alive until C returns.
 */
function wholeCallAsync(
  lib: NativeLibrary,
  name: 'checksum' | 'contiguous_copy',
  view: KernelView,
  address: bigint,
  opts: AsyncKernelOptions,
  totalBytes: number,
  cancelled: () => Error,
): Promise<KernelAnswer> {
  return new Promise<KernelAnswer>((resolve, reject) => {
    const koffi = loadedKoffi();
    const memory = view.memory;
    const args = new ArrayBuffer(2 * MAX_DIMS * 8);
    const nd = fillArgs(view, new BigInt64Array(args, 0, MAX_DIMS), new BigInt64Array(args, MAX_DIMS * 8, MAX_DIMS));
    const argsAddress = koffi.address(args);
    const out = new ArrayBuffer(8);
    const dst = name === 'contiguous_copy' ? new ArrayBuffer(totalBytes) : null;
    const unpin = memory instanceof MappedMemory ? memory.pin() : undefined;
    const inUse: unknown[] = [args, out, dst, memory instanceof OwnedMemory ? memory.arrayBuffer() : null];
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      reject(cancelled());
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const t0 = performance.now();
    const finish = (err: unknown, status: number) => {
      const seconds = (performance.now() - t0) / 1e3;
      opts.signal?.removeEventListener('abort', onAbort);
      unpin?.();
      if (settled) return; // cancelled: nobody waits for this answer
      settled = true;
      const fn = name === 'checksum' ? 'sk_checksum' : 'sk_copy_contiguous';
      if (err)
        return reject(
          new IOError(memory.label, `${fn} could not run: ${err instanceof Error ? err.message : String(err)}`),
        );
      if (status < 0 || (name === 'checksum' && status !== SK_OK))
        return reject(statusError(fn, status, memory.label, name));
      const done = (value: KernelValue) => {
        opts.onProgress?.(totalBytes, totalBytes);
        inUse.length = 0;
        resolve({
          kernel: name,
          implementation: 'native',
          result: kernelValueJSON(value),
          value,
          seconds,
          call: describeCall(name, view, address, undefined),
        });
      };
      if (name === 'checksum') return done({ type: 'uint', value: new BigUint64Array(out)[0] });
      // the copy's FNV-1a, also in C off main (copyValue would hash up to maxViewCopyBytes here on the event loop)
      const flat = new BigInt64Array(args);
      flat[0] = BigInt(totalBytes);
      flat[MAX_DIMS] = 1n;
      lib.fn.sk_checksum.async(
        koffi.address(dst!),
        1,
        shapeAddress,
        stridesAddress,
        1,
        koffi.address(out),
        (e: unknown, r: number) => {
          if (e || Number(r) !== SK_OK)
            return reject(e instanceof Error ? e : statusError('sk_checksum', Number(r), memory.label, name));
          done({ type: 'copy', nbytes: totalBytes, checksum: new BigUint64Array(out)[0] });
        },
      );
    };
    const shapeAddress = argsAddress;
    const stridesAddress = argsAddress + BigInt(MAX_DIMS * 8);
    if (name === 'checksum') {
      lib.fn.sk_checksum.async(
        address,
        nd,
        shapeAddress,
        stridesAddress,
        view.dtype.itemsize,
        koffi.address(out),
        (e: unknown, r: number) => finish(e, Number(r)),
      );
    } else {
      lib.fn.sk_copy_contiguous.async(
        address,
        nd,
        shapeAddress,
        stridesAddress,
        view.dtype.itemsize,
        koffi.address(dst!),
        totalBytes,
        (e: unknown, r: number) => finish(e, Number(r)),
      );
    }
  });
}

/** The kernel API in one object (what api/ and cli/ use). */
export const Kernels = {
  runKernelAsync,
  runKernel,
  contiguousCopy,
  byteswapInPlace,
  walkOffsetsNative,
  readAt,
  checkReachable,
  kernelPrototype,
};
