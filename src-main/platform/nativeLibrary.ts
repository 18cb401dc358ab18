/**
 * The native kernel library (native/kernels.c) loaded with koffi: where it is looked for, its prototypes
 * (each declared once, here), and why it is missing when it is.
 *
 * Search order (first existing file wins):
 *   1. STRIDESCOPE_NATIVE_LIB — an explicit path (tests point it nowhere to hide the library);
 *   2. <process.resourcesPath>/native/stridescope_kernels.<ext> — a packaged Electron app (extraResources);
 *   3. native/build/stridescope_kernels.<ext> found by walking up from this module and from process.cwd()
 *      — development, tests, the CLI from a clone.
 * STRIDESCOPE_NO_NATIVE=1 forces the TypeScript fallback without looking.
 * Both variables are read on the first call and whenever `reloadNativeLibrary()` was called since (reading
 * process.env costs ~0.25 us a variable, more than the koffi call itself, so not on every kernel call);
 * tests that change them in-process call `reloadNativeLibrary()` afterwards.
 *
 * Pointer arguments are declared `void *` and receive BigInt addresses (koffi 3 represents pointers as BigInt);
 * shape/strides are `const int64_t *` and receive BigInt64Array; outputs are `void *` / `int64_t *` receiving
 * small typed arrays that koffi passes by address.
 */
import { koffiOrNull, koffiUnavailableReason } from './koffiBinding';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NATIVE_API_VERSION = 3;

/** The C prototypes exactly as declared to koffi (and shown to the user beside each call). */
export const PROTOTYPES = {
  sk_version: 'int32_t sk_version(void)',
  sk_walk_offsets:
    'int64_t sk_walk_offsets(int32_t ndim, const int64_t *shape, const int64_t *strides, int64_t start, int64_t count, int64_t *out)',
  sk_sum:
    'int32_t sk_sum(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides, int32_t dtype, int32_t byteswap, void *out)',
  sk_min:
    'int32_t sk_min(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides, int32_t dtype, int32_t byteswap, void *out)',
  sk_max:
    'int32_t sk_max(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides, int32_t dtype, int32_t byteswap, void *out)',
  sk_count_nan:
    'int32_t sk_count_nan(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides, int32_t dtype, int32_t byteswap, int64_t *out)',
  sk_count_nonzero:
    'int32_t sk_count_nonzero(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides, int32_t dtype, int32_t byteswap, int64_t *out)',
  sk_checksum:
    'int32_t sk_checksum(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides, int64_t itemsize, uint64_t *out)',
  sk_copy_contiguous:
    'int64_t sk_copy_contiguous(const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides, int64_t itemsize, void *dst, int64_t dst_size)',
  sk_byteswap_inplace:
    'int32_t sk_byteswap_inplace(void *data, int32_t ndim, const int64_t *shape, const int64_t *strides, int64_t itemsize, int64_t unit)',
  sk_ctype_info: 'int32_t sk_ctype_info(int32_t ctype)',
  sk_read_at: 'int32_t sk_read_at(const void *address, int32_t ctype, void *out)',
  sk_copy_bytes: 'int32_t sk_copy_bytes(void *dst, const void *src, int64_t n)',
  sk_reduce_ex:
    'int32_t sk_reduce_ex(int32_t op, const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides, int32_t dtype, int32_t byteswap, int32_t threads, void *ctl, void *out)',
  sk_reduce_file:
    'int32_t sk_reduce_file(int32_t op, const void *data, int32_t ndim, const int64_t *shape, const int64_t *strides, int32_t dtype, int32_t byteswap, int32_t threads, void *ctl, int64_t fd, const void *map_base, int64_t map_offset, void *out)',
  sk_read_bandwidth: 'int32_t sk_read_bandwidth(const void *data, int64_t nbytes, int32_t threads, uint64_t *out)',
  sk_cpu_count_online: 'int32_t sk_cpu_count_online(void)',
} as const;

export type NativeFunctionName = keyof typeof PROTOTYPES;

/** koffi's function objects, typed loosely on purpose: every argument is validated by the callers.
 *  `async` runs the C function on one of koffi's worker threads and calls back on the main thread. */
type NativeFn = ((...args: unknown[]) => number | bigint) & { async: (...args: unknown[]) => void };
export type NativeFunctions = { [K in NativeFunctionName]: NativeFn };

export interface NativeLibrary {
  path: string;
  fn: NativeFunctions;
}

/** Status codes of kernels.h. */
export const SK_OK = 0;
export const SK_E_ARG = -1;
export const SK_E_EMPTY = -2;
export const SK_E_FAULT = -3;
export const SK_E_SPACE = -4;
export const SK_E_CANCELLED = -5;

export const LIBRARY_FILE = `stridescope_kernels.${process.platform === 'win32' ? 'dll' : process.platform === 'darwin' ? 'dylib' : 'so'}`;

let cached: { key: string; path: string; lib: NativeLibrary } | undefined;
/** The decision of the last search, until reloadNativeLibrary(): the library, or null (lastError says why). */
let decided: { lib: NativeLibrary | null } | undefined;
const handles = new Map<string, NativeLibrary>();
let lastError: string | undefined;

function moduleDir(): string | undefined {
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    return typeof __dirname === 'string' ? __dirname : undefined;
  }
}

/** Candidate paths in search order (see the header). */
export function libraryCandidates(): string[] {
  const env = process.env.STRIDESCOPE_NATIVE_LIB;
  if (env) return [resolve(env)];
  const out: string[] = [];
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (resources) out.push(join(resources, 'native', LIBRARY_FILE));
  for (const start of [moduleDir(), process.cwd()]) {
    if (!start) continue;
    let dir = resolve(start);
    for (let i = 0; i < 8; i++) {
      out.push(join(dir, 'native', 'build', LIBRARY_FILE));
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return [...new Set(out)];
}

/**
 * The loaded library, or null (then `nativeUnavailableReason()` says why). After the first call this is a
 * variable read: no environment or file-system access until `reloadNativeLibrary()`.
 */
export function nativeLibrary(): NativeLibrary | null {
  if (decided) return decided.lib;
  const lib = searchLibrary();
  decided = { lib };
  return lib;
}

/** Forget the last decision: the next nativeLibrary() re-reads the environment (and loads or hides the library). */
export function reloadNativeLibrary(): void {
  decided = undefined;
}

function searchLibrary(): NativeLibrary | null {
  if (process.env.STRIDESCOPE_NO_NATIVE === '1') {
    lastError = 'STRIDESCOPE_NO_NATIVE=1 forces the TypeScript kernels';
    return null;
  }
  const key = process.env.STRIDESCOPE_NATIVE_LIB ?? '';
  if (cached && cached.key === key) {
    lastError = undefined;
    return cached.lib; // loaded once per path: no file-system calls when the environment comes back
  }
  const path = libraryCandidates().find((p) => existsSync(p));
  if (!path) {
    lastError = `the native kernel library was not found (looked for ${libraryCandidates().join(', ')}); build it with \`node native/build.mjs\``;
    return null;
  }
  const koffi = koffiOrNull();
  if (!koffi) {
    lastError = `${koffiUnavailableReason()}, so ${path} cannot be called: the TypeScript kernels run instead`;
    return null;
  }
  const known = handles.get(path);
  if (known) {
    cached = { key, path, lib: known };
    lastError = undefined;
    return known;
  }
  try {
    const handle = koffi.load(path);
    const fn = {} as NativeFunctions;
    for (const [name, proto] of Object.entries(PROTOTYPES) as [NativeFunctionName, string][]) {
      fn[name] = handle.func(proto) as unknown as NativeFn;
    }
    const version = Number(fn.sk_version());
    if (version !== NATIVE_API_VERSION) {
      lastError = `${path} has API version ${version}, expected ${NATIVE_API_VERSION}; rebuild it with \`node native/build.mjs\``;
      return null;
    }
    const lib = { path, fn };
    handles.set(path, lib);
    cached = { key, path, lib };
    lastError = undefined;
    return lib;
  } catch (e) {
    lastError = `${path} could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
    return null;
  }
}

/** Why `nativeLibrary()` last returned null (undefined when it loaded). */
export function nativeUnavailableReason(): string | undefined {
  return lastError;
}

/** Copy n bytes from the address `src` into `dst`. */
export type RawCopy = (dst: Uint8Array, src: bigint, n: number) => void;
let systemCopy: RawCopy | null | undefined;

/**
 * The system's own memcpy through koffi (libc's memcpy; kernel32's RtlMoveMemory on Windows) — what copies
 * windows out of file mappings when the kernel library is missing (unguarded: callers check the mapping first,
 * as MappedMemory.read does). null if it cannot be bound.
 */
export function systemMemcpy(): RawCopy | null {
  if (systemCopy !== undefined) return systemCopy;
  const koffi = koffiOrNull();
  if (!koffi) return (systemCopy = null);
  try {
    if (process.platform === 'win32') {
      const move = koffi
        .load('kernel32.dll')
        .func('void __stdcall RtlMoveMemory(void *dst, const void *src, size_t n)') as unknown as NativeFn;
      systemCopy = (dst, src, n) => void move(dst, src, n);
    } else {
      const libc = koffi.load(process.platform === 'darwin' ? 'libSystem.dylib' : 'libc.so.6');
      const memcpy = libc.func('void *memcpy(void *dst, const void *src, size_t n)') as unknown as NativeFn;
      systemCopy = (dst, src, n) => void memcpy(dst, src, n);
    }
  } catch {
    systemCopy = null;
  }
  return systemCopy;
}
