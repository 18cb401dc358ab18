/**
 * One kernel call, prepared and read back: what runKernel (nativeKernels.ts) and runKernelAsync (kernelsAsync.ts)
 * share — the checks made BEFORE any native call (the memory alive, every reachable byte inside it: see
 * nativeKernels.ts), the C arguments (address, shape and strides as int64 arrays, the mapped file's descriptor for
 * the pread source), the C status codes as typed errors, the result decoded, and the call described as the app shows
 * it (prototype and argument values).
 */
import { readSync } from 'node:fs';
import { koffiOrNull } from './koffiBinding';
import { ArgumentError, BoundsError, CancelledError, LifetimeError, IOError, UnsupportedError } from '../core/errors';
import { OwnedMemory, type Memory } from '../core/memory';
import { byteBounds } from '../core/layout';
import { floatJSON } from '../core/floats';
import { MAX_DIMS } from '../core/iterate';
import {
  KERNEL_NAMES,
  emptyReductionError,
  numericType,
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

export const FUNCTION_OF: Record<KernelName, NativeFunctionName> = {
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

export const hex = (v: bigint) => `0x${v.toString(16)}`;

export const IS_KERNEL = new Set<string>(KERNEL_NAMES);

/** numericType per DType object (dtypes are immutable), so a call does not re-derive it. */
export const numericCache = new WeakMap<object, NumericType>();
export function numericOf(dtype: KernelView['dtype']): NumericType {
  let t = numericCache.get(dtype);
  if (!t) {
    t = numericType(dtype);
    numericCache.set(dtype, t);
  }
  return t;
}

export function sizeOf(shape: readonly number[]): number {
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
export const ownedAddress = new WeakMap<OwnedMemory, bigint>();

/** The address C gets for byte `offset` of this memory, or null when the memory has none C may use. */
export function cAddress(memory: Memory, offset: number): bigint | null {
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
export interface FileArgs {
  fd: number;
  /** an address in the mapping and the file offset of its byte */
  address: bigint;
  fileOffset: number;
}

export function fileSourceFor(view: KernelView, opts: KernelOptions): FileArgs | null {
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
export const SHAPE = new BigInt64Array(MAX_DIMS);
export const STRIDES = new BigInt64Array(MAX_DIMS);
export const OUT_F64 = new Float64Array(2);
export const OUT_U8 = new Uint8Array(OUT_F64.buffer);
export const OUT_S64 = new BigInt64Array(OUT_F64.buffer);
export const OUT_W64 = new BigUint64Array(OUT_F64.buffer);
/** sk_control for synchronous sk_reduce_file calls (only its `threads` and `source` answers are read). */
export const SYNC_CONTROL = new Int32Array(16);

/** shape_as(c_int64) / strides_as(c_int64) into the scratch arrays; returns ndim (<= MAX_DIMS, checked before). */
export function fillArgs(
  view: KernelView,
  shapeOut: BigInt64Array = SHAPE,
  stridesOut: BigInt64Array = STRIDES,
): number {
  const { shape, strides } = view;
  const nd = shape.length;
  for (let d = 0; d < nd; d++) {
    shapeOut[d] = BigInt(shape[d]);
    stridesOut[d] = BigInt(strides[d]);
  }
  return nd;
}

export function statusError(fn: string, status: number, label: string, kernel: string): Error {
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
export const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The reduction's result from OUT (see kernels.h for what each kernel writes), or from another 16-byte buffer. */
export function decodeOut(t: NumericType, op: ReductionName, buffer?: ArrayBuffer): KernelValue {
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
export const REDUCE_OP: Record<ReductionName, number> = { sum: 0, min: 1, max: 2, count_nan: 3, count_nonzero: 4 };

export function checkThreads(threads: number | undefined): void {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 64)) {
    throw new ArgumentError(`threads must be an integer from 1 to 64, got ${threads}`);
  }
}

/** sk_control's `source` answer (int32 at byte 24) as a ReadSource. */
export const sourceOf = (ctl: Int32Array): ReadSource => (ctl[6] === 1 ? 'pread' : 'memory');

export function nativeReduce(
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

export function nativeChecksum(lib: NativeLibrary, view: KernelView, data: bigint, nd: number): bigint {
  const status = Number(lib.fn.sk_checksum(data, nd, SHAPE, STRIDES, view.dtype.itemsize, OUT_W64));
  if (status !== SK_OK) throw statusError('sk_checksum', status, view.memory.label, 'checksum');
  return OUT_W64[0];
}

export function nativeCopy(
  lib: NativeLibrary,
  view: KernelView,
  data: bigint,
  nd: number,
  maxBytes: number,
): Uint8Array {
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
export function fallbackOptions(
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

export function describeCall(
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
export function nativeFor(
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

/** The call as sk_reduce_ex (op code and thread count in front of / after the usual arguments). */
export function describeReduceEx(call: KernelAnswer['call'], op: ReductionName, threads: number): void {
  call.function = 'sk_reduce_ex';
  call.prototype = PROTOTYPES.sk_reduce_ex;
  call.args = { op: `${REDUCE_OP[op]} (${op})`, ...call.args, threads };
}

/** The call as sk_reduce_file: sk_reduce_ex's arguments, then the mapped file's descriptor, an address in the
 *  mapping and that address's file offset. */
export function describeReduceFile(
  call: KernelAnswer['call'],
  op: ReductionName,
  threads: number,
  file: FileArgs,
): void {
  describeReduceEx(call, op, threads);
  call.function = 'sk_reduce_file';
  call.prototype = PROTOTYPES.sk_reduce_file;
  call.args = { ...call.args, fd: file.fd, map_base: hex(file.address), map_offset: file.fileOffset };
}
