/**
 * The fuzz targets: the real parsers (formats/, core/viewexpr) over in-memory files, and after a successful
 * open, the real consumers of what they produced (values, JSON spelling, the native and TypeScript kernels).
 *
 * Bounds each target asserts (a FuzzViolation when broken):
 *   - bytes read through the FileSource: at most READ_FACTOR x the file size + 64 KiB (no read is ever larger
 *     than what the file holds, and nothing re-reads the file without bound);
 *   - every mapping the parser asks for lies inside the file (the real mmap would fail or SIGBUS otherwise);
 *   - an inflated .npz member is at most NPZ_INFLATE_LIMIT bytes (the limit passed to the parser);
 *   - a raw memmap maps exactly [offset, offset + nbytes) of a file at least that long.
 * Consumers read at most 16 elements (and at most 1 MiB) of any array: the harness's own reads stay bounded.
 */
import { DType, valueToJSON } from '../../src-main/core/dtype';
import { StridescopeError } from '../../src-main/core/errors';
import { byteBounds } from '../../src-main/core/layout';
import { OwnedMemory, checkWindow, type Memory } from '../../src-main/core/memory';
import { NDArray } from '../../src-main/core/ndarray';
import { evaluateViewExpr } from '../../src-main/core/viewexpr';
import { openArrayFile } from '../../src-main/formats/load';
import type { FileSource, Mapper, MapMode } from '../../src-main/formats/npy';
import { listNpzMembers } from '../../src-main/formats/npz';
import { openRaw, type RawFileSystem } from '../../src-main/formats/rawMemmap';
import { runKernel } from '../../src-main/platform/nativeKernels';
import { FuzzViolation, type Target } from './harness';
import type { RawParams } from './generators';

export const READ_FACTOR = 4;
export const NPZ_INFLATE_LIMIT = 1 << 20;
const MAX_CONSUMER_READ = 1 << 20;

/** A FileSource over bytes in memory that counts what is read and refuses reads outside the file. */
export function countingSource(path: string, bytes: Uint8Array): FileSource & { bytesRead: number; reads: number } {
  const src = {
    path,
    size: bytes.length,
    bytesRead: 0,
    reads: 0,
    read(offset: number, length: number): Uint8Array {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
        throw new FuzzViolation(`FileSource.read(${offset}, ${length}): not a valid window`);
      }
      const start = Math.min(offset, bytes.length);
      const end = Math.min(offset + length, bytes.length);
      src.reads++;
      src.bytesRead += end - start;
      return bytes.slice(start, end);
    },
  };
  return src;
}

/** A Mapper over the same bytes: each mapping must lie inside the file (the real mmap refuses, or SIGBUSes, otherwise). */
export function memoryMapper(bytes: Uint8Array, path: string): Mapper & { mapped: number } {
  const m = ((p: string, opts: { offset: number; length: number; mode: MapMode }) => {
    if (p !== path) throw new FuzzViolation(`mapper asked for ${p}, not ${path}`);
    const { offset, length, mode } = opts;
    if (
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(length) ||
      offset < 0 ||
      length < 0 ||
      offset + length > bytes.length
    ) {
      throw new FuzzViolation(`mapping [${offset}, ${offset + length}) is not inside the ${bytes.length}-byte file`);
    }
    m.mapped += length;
    return new OwnedMemory(`${p} (mapped ${mode})`, bytes.subarray(offset, offset + length), {
      writeable: mode !== 'r',
    });
  }) as unknown as Mapper & { mapped: number };
  m.mapped = 0;
  return m;
}

function agree(what: string, a: unknown, b: unknown): void {
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  if (ja !== jb) throw new FuzzViolation(`${what}: native ${ja} != TypeScript ${jb}`);
}

/** Kernels (native and fallback must agree) when the array is small; each may answer a typed error. */
function kernels(a: NDArray): void {
  if (a.size > 4096 || a.nbytes > MAX_CONSUMER_READ) return;
  for (const k of ['checksum', 'sum', 'max', 'count_nonzero'] as const) {
    let native: unknown;
    let ts: unknown;
    try {
      native = runKernel(k, a).result;
    } catch (e) {
      if (!(e instanceof StridescopeError)) throw e;
      native = { error: e.kind };
    }
    try {
      ts = runKernel(k, a, { forceFallback: true }).result;
    } catch (e) {
      if (!(e instanceof StridescopeError)) throw e;
      ts = { error: e.kind };
    }
    agree(`${k} over ${a.dtype.str} ${JSON.stringify(a.shape)} strides ${JSON.stringify(a.strides)}`, native, ts);
  }
}

/** What the app does with a freshly opened array: flags, the first values as JSON, kernels. */
export function exercise(a: NDArray, memoryBound?: number): void {
  if (memoryBound !== undefined && a.memory.size > memoryBound)
    throw new FuzzViolation(`array memory is ${a.memory.size} bytes, over the ${memoryBound}-byte bound`);
  void a.flags;
  void a.T.strides;
  const limit = a.itemsize === 0 ? 16 : Math.max(0, Math.min(16, Math.floor(MAX_CONSUMER_READ / a.itemsize)));
  if (a.size > 0 && a.size < Number.MAX_SAFE_INTEGER) {
    const { low, high } = byteBounds(a.layout, a.itemsize);
    // a view either lies inside its memory or its reads are refused with a typed error (never read outside)
    if (low >= 0 && high <= a.memory.size) checkWindow(a.memory, low, high - low);
  }
  for (const v of a.values(limit))
    JSON.stringify(valueToJSON(v, a.dtype), (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  kernels(a);
}

// ------------------------------------------------------------------------------------------------ .npy

export const npyTarget: Target<Uint8Array> = {
  name: 'npy',
  run(bytes) {
    const path = 'fuzz.npy';
    const src = countingSource(path, bytes);
    const mapper = memoryMapper(bytes, path);
    try {
      const o = openArrayFile(path, {}, { mapper, sourceFor: () => src });
      try {
        exercise(o.array, bytes.length);
      } finally {
        o.close();
      }
    } finally {
      // oxlint-disable no-unsafe-finally -- reading too much is the violation, whatever the parse threw
      if (src.bytesRead > READ_FACTOR * bytes.length + 65536)
        throw new FuzzViolation(`read ${src.bytesRead} bytes of a ${bytes.length}-byte file`);
      // oxlint-enable no-unsafe-finally
    }
  },
};

// ------------------------------------------------------------------------------------------------ .npz

export const npzTarget: Target<Uint8Array> = {
  name: 'npz',
  run(bytes) {
    const path = 'fuzz.npz';
    const src = countingSource(path, bytes);
    const mapper = memoryMapper(bytes, path);
    let tried = 0;
    try {
      const members = listNpzMembers(src);
      // every member, as the app opens them (the first 6), through the same entry point as the CLI and the app
      for (const m of members.slice(0, 6)) {
        tried++;
        try {
          const o = openArrayFile(
            path,
            { member: m.name, maxInflatedSize: NPZ_INFLATE_LIMIT },
            { mapper, sourceFor: () => src },
          );
          try {
            exercise(o.array, o.headerOffset === -1 ? NPZ_INFLATE_LIMIT : bytes.length);
          } finally {
            o.close();
          }
        } catch (e) {
          if (!(e instanceof StridescopeError)) throw e;
        }
      }
    } finally {
      const bound = (READ_FACTOR + 2 * tried) * bytes.length + 65536 * (tried + 1);
      // oxlint-disable no-unsafe-finally -- reading too much is the violation, whatever the parse threw
      if (src.bytesRead > bound)
        throw new FuzzViolation(`read ${src.bytesRead} bytes of a ${bytes.length}-byte zip (bound ${bound})`);
      // oxlint-enable no-unsafe-finally
    }
  },
};

// ------------------------------------------------------------------------------------------------ raw memmap

/** A sparse file: `size` bytes of which the first 4 KiB are a pattern and the rest zeros (nothing allocated). */
class SparseMemory implements Memory {
  readonly kind = 'mapped' as const;
  readonly address = 0x7f0000000000n;
  alive = true;
  releasedBy: string | undefined;
  constructor(
    readonly label: string,
    readonly size: number,
    readonly writeable: boolean,
    private readonly fileOffset: number,
  ) {}
  check(offset: number, length: number): void {
    checkWindow(this, offset, length);
  }
  read(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    if (length > MAX_CONSUMER_READ * 2) throw new FuzzViolation(`a read of ${length} bytes from a raw mapping`);
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const at = this.fileOffset + offset + i;
      out[i] = at < 4096 ? (at * 31 + 7) & 0xff : 0;
    }
    return out;
  }
  write(offset: number, data: Uint8Array): void {
    this.check(offset, data.length);
  }
  release(by: string): void {
    this.alive = false;
    this.releasedBy ??= by;
  }
}

export const rawTarget: Target<RawParams> = {
  name: 'raw',
  run(p) {
    const path = 'fuzz.bin';
    let size: number | undefined = p.fileSize;
    const fs: RawFileSystem = {
      size(q) {
        if (q !== path) throw new FuzzViolation(`size(${q})`);
        if (size === undefined) throw new FuzzViolation('size() of a file that was never created');
        return size;
      },
      truncateOrCreate() {
        size = 0;
      },
      extend(_q, n) {
        if (!Number.isSafeInteger(n) || n < (size ?? 0))
          throw new FuzzViolation(`extend to ${n} bytes (file has ${size})`);
        size = n;
      },
    };
    let mapped = 0;
    const mapper: Mapper = (q, { offset, length, mode }) => {
      if (
        !Number.isSafeInteger(offset) ||
        !Number.isSafeInteger(length) ||
        offset < 0 ||
        length <= 0 ||
        size === undefined ||
        offset + length > size
      ) {
        throw new FuzzViolation(`raw mapping [${offset}, ${offset + length}) of a ${size}-byte file`);
      }
      if (!['r', 'r+', 'c'].includes(mode)) throw new FuzzViolation(`raw mapping in mode ${mode}`);
      mapped++;
      return new SparseMemory(`${q} (mapped ${mode})`, length, mode !== 'r', offset);
    };
    const opened = openRaw(
      path,
      {
        dtype: p.dtype as never,
        shape: p.shape as never,
        offset: p.offset as never,
        order: p.order as never,
        mode: p.mode as never,
      },
      mapper,
      fs,
    );
    const a = opened.array;
    if (a.nbytes > 0 && mapped !== 1) throw new FuzzViolation(`${mapped} mappings for one raw open`);
    if (a.nbytes !== a.memory.size)
      throw new FuzzViolation(`the mapping is ${a.memory.size} bytes for an array of ${a.nbytes}`);
    // consumers: values and JSON (kernels need a real address: SparseMemory has none, so they run in TypeScript)
    const limit = a.itemsize === 0 ? 16 : Math.max(0, Math.min(16, Math.floor(MAX_CONSUMER_READ / a.itemsize)));
    for (const v of a.values(limit)) valueToJSON(v, a.dtype);
    a.memory.release('fuzz');
  },
};

// ------------------------------------------------------------------------------------------------ view expressions

function viewNames(): Record<string, NDArray> {
  const mem = (n: number) => {
    const m = new OwnedMemory('buf', n);
    const v = m.view();
    for (let i = 0; i < n; i++) v[i] = (i * 37 + 11) & 0xff;
    return m;
  };
  const c = mem(4 * 5 * 6 * 8);
  return {
    a: new NDArray({ memory: mem(24), dtype: DType.parse('<i4'), shape: [2, 3], label: 'a' }),
    b: new NDArray({ memory: mem(10), dtype: DType.parse('|u1'), shape: [10], label: 'b' }),
    c: new NDArray({ memory: c, dtype: DType.parse('<f8'), shape: [4, 5, 6], label: 'c' }).index({
      start: null,
      stop: null,
      step: -1,
    } as never),
    s: new NDArray({
      memory: mem(24),
      dtype: DType.fromDescr([
        ['x', '<i4'],
        ['y', '>f4', [2]],
      ]),
      shape: [2],
      label: 's',
    }),
    e: new NDArray({ memory: mem(0), dtype: DType.parse('<f4'), shape: [0, 3], label: 'e' }),
    z: new NDArray({ memory: mem(8), dtype: DType.parse('<c8'), shape: [], label: 'z' }),
  };
}

export const viewExprTarget: Target<string> = {
  name: 'viewexpr',
  run(src) {
    const names = viewNames();
    const v = evaluateViewExpr(src, names);
    if (!(v instanceof NDArray)) throw new FuzzViolation(`evaluateViewExpr returned ${typeof v}`);
    exercise(v);
  },
};

export const TARGETS = { npy: npyTarget, npz: npzTarget, raw: rawTarget, viewexpr: viewExprTarget } as const;
export type TargetName = keyof typeof TARGETS;
