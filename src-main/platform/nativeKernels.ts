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
import { ArgumentError, BoundsError, UnsupportedError } from '../core/errors';
import type { Memory } from '../core/memory';
import { walkOffsets, type Layout } from '../core/layout';
import { floatJSON } from '../core/floats';
import { MAX_DIMS } from '../core/iterate';
import {
  KERNEL_NAMES,
  Fnv1a64,
  byteswapFallback,
  checksumFallback,
  contiguousCopyFallback,
  reduceFallback,
  type KernelName,
  type KernelValue,
  type KernelView,
  type ReductionName,
} from './kernelsFallback';
import { PROTOTYPES, SK_OK, nativeLibrary, nativeUnavailableReason } from './nativeLibrary';

import {
  HOST_LE,
  IS_KERNEL,
  type Implementation,
  type KernelAnswer,
  type KernelOptions,
  SHAPE,
  STRIDES,
  cAddress,
  checkReachable,
  checkThreads,
  describeCall,
  fallbackOptions,
  fileSourceFor,
  fillArgs,
  hex,
  kernelValueJSON,
  nativeChecksum,
  nativeCopy,
  nativeFor,
  nativeReduce,
  numericOf,
  sizeOf,
  statusError,
  describeReduceEx,
  describeReduceFile,
} from './kernelCall';

export { KERNEL_NAMES, type KernelName, type KernelValue, type KernelView } from './kernelsFallback';
export {
  checkReachable,
  kernelPrototype,
  kernelValueJSON,
  FILE_SOURCE_MIN_BYTES,
  type CallArgs,
  type Implementation,
  type KernelAnswer,
  type KernelOptions,
  type ReadSource,
} from './kernelCall';

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
