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
import koffi from 'koffi';
import { ArgumentError, BoundsError, LifetimeError, IOError, UnsupportedError } from '../core/errors';
import { OwnedMemory, type Memory } from '../core/memory';
import { byteBounds, walkOffsets, type Layout } from '../core/layout';
import {
  KERNEL_NAMES,
  MAX_DIMS,
  Fnv1a64,
  byteswapFallback,
  checksumFallback,
  contiguousCopyFallback,
  emptyReductionError,
  numericType,
  reduceFallback,
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
  SK_E_EMPTY,
  SK_E_FAULT,
  SK_E_SPACE,
  SK_OK,
  nativeLibrary,
  nativeUnavailableReason,
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
}

export interface KernelOptions {
  /** Run the TypeScript kernel even when the library is present (--no-native). */
  forceFallback?: boolean;
}

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
    throw new LifetimeError(`${memory.label} was released${memory.releasedBy ? ` (${memory.releasedBy})` : ''}: no kernel may read it`);
  }
  if (view.shape.length > MAX_DIMS) throw new UnsupportedError(`the kernels take at most ${MAX_DIMS} dimensions, got ${view.shape.length}`);
  const layout: Layout = { shape: [...view.shape], strides: [...view.strides], offset: view.offset };
  const { low, high } = byteBounds(layout, dtype.itemsize);
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

/** The address C gets for byte `offset` of this memory, or null when the memory has none C may use. */
function cAddress(memory: Memory, offset: number): bigint | null {
  if (memory instanceof OwnedMemory) return koffi.address(memory.arrayBuffer()) + BigInt(offset);
  if (memory instanceof MappedMemory) return memory.size === 0 ? 0n : memory.address + BigInt(offset);
  return null;
}

function displayAddress(memory: Memory, offset: number): bigint {
  return cAddress(memory, offset) ?? memory.address + BigInt(offset);
}

// ------------------------------------------------------------------------------------------------ JSON spelling

function floatJSON(v: number): number | string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0.0';
  return v;
}

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

interface Prepared {
  data: bigint;
  ndim: number;
  shape: BigInt64Array;
  strides: BigInt64Array;
}

function prepare(view: KernelView, data: bigint): Prepared {
  return {
    data,
    ndim: view.shape.length,
    shape: BigInt64Array.from(view.shape, (d) => BigInt(d)),
    strides: BigInt64Array.from(view.strides, (s) => BigInt(s)),
  };
}

function statusError(fn: string, status: number, label: string, kernel: string): Error {
  switch (status) {
    case SK_E_EMPTY:
      return emptyReductionError(kernel);
    case SK_E_FAULT:
      return new LifetimeError(`${label}: a memory fault was caught inside ${fn} (the mapped file shrank during the call); no result`);
    case SK_E_SPACE:
      return new BoundsError(`${fn}: the destination buffer is too small`);
    case SK_E_ARG:
      return new ArgumentError(`${fn} refused its arguments (ndim, shape or dtype)`);
    default:
      return new IOError(label, `${fn} returned status ${status}`);
  }
}

function decodeOut(out: Uint8Array, t: NumericType, op: ReductionName): KernelValue {
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (op === 'count_nan' || op === 'count_nonzero') return { type: 'int', value: dv.getBigInt64(0, true) };
  switch (t.kind) {
    case 'bool':
      return op === 'sum' ? { type: 'int', value: dv.getBigInt64(0, true) } : { type: 'bool', value: dv.getBigInt64(0, true) !== 0n };
    case 'int':
      return { type: 'int', value: dv.getBigInt64(0, true) };
    case 'uint':
      return { type: 'uint', value: dv.getBigUint64(0, true) };
    case 'float':
      return { type: 'float', value: dv.getFloat64(0, true) };
    case 'complex':
      return { type: 'complex', re: dv.getFloat64(0, true), im: dv.getFloat64(8, true) };
  }
}

// `out` buffers are written by C in this machine's byte order; DataView reads above assume little-endian hosts.
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function nativeReduce(lib: NativeLibrary, op: ReductionName, view: KernelView, t: NumericType, p: Prepared): KernelValue {
  const fn = FUNCTION_OF[op];
  const out = new Uint8Array(16);
  const status = Number(lib.fn[fn](p.data, p.ndim, p.shape, p.strides, t.code, t.byteswap ? 1 : 0, out));
  if (status !== SK_OK) throw statusError(fn, status, view.memory.label, op);
  if (!HOST_LE) out.subarray(0, 8).reverse(), out.subarray(8, 16).reverse();
  return decodeOut(out, t, op);
}

function nativeChecksum(lib: NativeLibrary, view: KernelView, p: Prepared): bigint {
  const out = new BigUint64Array(1);
  const status = Number(lib.fn.sk_checksum(p.data, p.ndim, p.shape, p.strides, BigInt(view.dtype.itemsize), out));
  if (status !== SK_OK) throw statusError('sk_checksum', status, view.memory.label, 'checksum');
  return out[0];
}

function nativeCopy(lib: NativeLibrary, view: KernelView, p: Prepared, maxBytes: number): Uint8Array {
  const nbytes = sizeOf(view.shape) * view.dtype.itemsize;
  if (nbytes > maxBytes) throw new BoundsError(`a contiguous copy of ${nbytes} bytes is larger than the ${maxBytes}-byte limit`);
  const dst = new Uint8Array(nbytes);
  const r = Number(lib.fn.sk_copy_contiguous(p.data, p.ndim, p.shape, p.strides, BigInt(view.dtype.itemsize), dst, BigInt(nbytes)));
  if (r < 0) throw statusError('sk_copy_contiguous', r, view.memory.label, 'contiguous_copy');
  return dst;
}

// ------------------------------------------------------------------------------------------------ runKernel

function describeCall(name: KernelName, view: KernelView, data: bigint): KernelAnswer['call'] {
  const fn = FUNCTION_OF[name];
  const args: CallArgs = {
    data: hex(data),
    ndim: view.shape.length,
    shape: view.shape.map(String),
    strides: view.strides.map(String),
  };
  if (name === 'checksum' || name === 'contiguous_copy') {
    args.itemsize = view.dtype.itemsize;
    if (name === 'contiguous_copy') args.dst_size = String(sizeOf(view.shape) * view.dtype.itemsize);
  } else {
    const t = numericType(view.dtype);
    args.dtype = `${t.cName} (${t.code})`;
    args.byteswap = t.byteswap ? 1 : 0;
  }
  return { function: fn, prototype: PROTOTYPES[fn], args };
}

/** Why the native path cannot run for this view, or null when it can (and then the library). */
function nativeFor(view: KernelView, opts: KernelOptions): { lib: NativeLibrary | null; reason?: string } {
  if (opts.forceFallback) return { lib: null, reason: 'the TypeScript kernel was requested (--no-native)' };
  const lib = nativeLibrary();
  if (!lib) return { lib: null, reason: nativeUnavailableReason() ?? 'the native kernel library is not available' };
  if (!HOST_LE) return { lib: null, reason: 'big-endian host: results are decoded in TypeScript' };
  if (cAddress(view.memory, 0) === null) return { lib: null, reason: `${view.memory.label} has no address C may use (${view.memory.kind} memory of another kind)` };
  return { lib };
}

/**
 * Run `name` over the view. Checks first (see the header); then C if available, else TypeScript.
 * `contiguous_copy` answers { nbytes, checksum } of the copy; use `contiguousCopy` for the bytes.
 */
export function runKernel(name: KernelName, view: KernelView, opts: KernelOptions = {}): KernelAnswer {
  if (!(KERNEL_NAMES as readonly string[]).includes(name)) throw new ArgumentError(`unknown kernel '${name}'`, KERNEL_NAMES.join(', '));
  checkReachable(view);
  const call = describeCall(name, view, displayAddress(view.memory, view.offset)); // also rejects non-numeric dtypes for reductions
  const { lib, reason } = nativeFor(view, opts);
  let value: KernelValue;
  let seconds: number;
  if (lib) {
    const p = prepare(view, cAddress(view.memory, view.offset)!);
    const t0 = performance.now();
    if (name === 'checksum') {
      value = { type: 'uint', value: nativeChecksum(lib, view, p) };
    } else if (name === 'contiguous_copy') {
      const bytes = nativeCopy(lib, view, p, 1 << 30);
      value = copyValue(bytes);
    } else {
      value = nativeReduce(lib, name, view, numericType(view.dtype), p);
    }
    seconds = (performance.now() - t0) / 1e3;
  } else {
    const t0 = performance.now();
    if (name === 'checksum') value = { type: 'uint', value: checksumFallback(view) };
    else if (name === 'contiguous_copy') value = copyValue(contiguousCopyFallback(view));
    else value = reduceFallback(name, view);
    seconds = (performance.now() - t0) / 1e3;
  }
  const answer: KernelAnswer = { kernel: name, implementation: lib ? 'native' : 'typescript', result: kernelValueJSON(value), value, seconds, call };
  if (!lib) answer.fallbackReason = reason;
  return answer;
}

function copyValue(bytes: Uint8Array): KernelValue {
  const h = new Fnv1a64();
  h.update(bytes);
  return { type: 'copy', nbytes: bytes.length, checksum: h.digest() };
}

/** np.ascontiguousarray(a).tobytes(): the copy itself (native when possible). */
export function contiguousCopy(view: KernelView, opts: KernelOptions & { maxBytes?: number } = {}): { bytes: Uint8Array; implementation: Implementation } {
  checkReachable(view);
  const { lib } = nativeFor(view, opts);
  const maxBytes = opts.maxBytes ?? 1 << 30;
  if (lib) return { bytes: nativeCopy(lib, view, prepare(view, cAddress(view.memory, view.offset)!), maxBytes), implementation: 'native' };
  return { bytes: contiguousCopyFallback(view, maxBytes), implementation: 'typescript' };
}

/**
 * a.byteswap(inplace=True): reverse each element's bytes (complex: each half; 'U': each 4-byte code unit).
 * Refused on read-only memory.
 */
export function byteswapInPlace(view: KernelView, opts: KernelOptions = {}): { implementation: Implementation } {
  if (!view.memory.writeable) throw new BoundsError(`${view.memory.label} is read-only: cannot byteswap in place`);
  checkReachable(view);
  const { kind, itemsize } = view.dtype;
  const unit = kind === 'c' ? itemsize / 2 : kind === 'U' ? 4 : kind === 'S' || kind === 'b' || kind === 'V' ? 1 : itemsize;
  if (view.dtype.fields || view.dtype.subarray) throw new UnsupportedError('byteswap of structured dtypes swaps field by field: not supported by the kernel');
  const { lib } = nativeFor(view, opts);
  if (lib) {
    const p = prepare(view, cAddress(view.memory, view.offset)!);
    const r = Number(lib.fn.sk_byteswap_inplace(p.data, p.ndim, p.shape, p.strides, BigInt(itemsize), BigInt(unit)));
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
export function walkOffsetsNative(layout: Layout, start: number, count: number, opts: KernelOptions = {}): { offsets: Float64Array; implementation: Implementation } {
  const lib = opts.forceFallback ? null : nativeLibrary();
  const total = sizeOf(layout.shape);
  if (!lib || layout.shape.length > MAX_DIMS) return { offsets: walkOffsets(layout, start, count), implementation: 'typescript' };
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

/** C types sk_read_at knows (enum sk_ctype), by their C spelling. */
export const C_TYPES = {
  char: 0, 'signed char': 1, 'unsigned char': 2, short: 3, 'unsigned short': 4, int: 5, 'unsigned int': 6,
  long: 7, 'unsigned long': 8, 'long long': 9, 'unsigned long long': 10, float: 11, double: 12, 'void *': 13,
  size_t: 14, _Bool: 15, int8_t: 16, uint8_t: 17, int16_t: 18, uint16_t: 19, int32_t: 20, uint32_t: 21,
  int64_t: 22, uint64_t: 23, intptr_t: 24,
} as const;
export type CTypeName = keyof typeof C_TYPES;

/** The fallback's idea of this platform's C types: [size, class] (class 0 signed, 1 unsigned, 2 float). */
function fallbackCTypeInfo(ctype: CTypeName): [number, number] {
  const longSize = process.platform === 'win32' ? 4 : 8;
  const charSigned = !(process.arch === 'arm64' || process.arch === 'arm') || process.platform === 'darwin' || process.platform === 'win32';
  const table: Record<CTypeName, [number, number]> = {
    char: [1, charSigned ? 0 : 1], 'signed char': [1, 0], 'unsigned char': [1, 1], short: [2, 0], 'unsigned short': [2, 1],
    int: [4, 0], 'unsigned int': [4, 1], long: [longSize, 0], 'unsigned long': [longSize, 1], 'long long': [8, 0],
    'unsigned long long': [8, 1], float: [4, 2], double: [8, 2], 'void *': [8, 1], size_t: [8, 1], _Bool: [1, 1],
    int8_t: [1, 0], uint8_t: [1, 1], int16_t: [2, 0], uint16_t: [2, 1], int32_t: [4, 0], uint32_t: [4, 1],
    int64_t: [8, 0], uint64_t: [8, 1], intptr_t: [8, 0],
  };
  return table[ctype];
}

export interface ReadAtAnswer {
  ctype: CTypeName;
  address: string;
  size: number;
  /** signed/unsigned integers as decimal strings, floats spelled like kernel results; _Bool as the raw byte */
  value: string | number;
  implementation: Implementation;
  prototype: string;
  fallbackReason?: string;
}

/** What C reads at byte `offset` of `memory` as `ctype` (checked: alive and inside first). */
export function readAt(memory: Memory, offset: number, ctype: CTypeName, opts: KernelOptions = {}): ReadAtAnswer {
  const code = C_TYPES[ctype];
  if (code === undefined) throw new ArgumentError(`unknown C type '${ctype}'`, Object.keys(C_TYPES).join(', '));
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
    const value = cls === 2 ? floatJSON(dv.getFloat64(0, true)) : cls === 0 ? dv.getBigInt64(0, true).toString() : dv.getBigUint64(0, true).toString();
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
    fallbackReason: opts.forceFallback ? 'the TypeScript reader was requested' : (nativeUnavailableReason() ?? 'no address C may use'),
  };
}

/** The kernel API in one object (what api/ and cli/ use). */
export const Kernels = { runKernel, contiguousCopy, byteswapInPlace, walkOffsetsNative, readAt, checkReachable, kernelPrototype };
