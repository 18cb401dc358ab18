/**
 * Copy a view's elements, in C order, into owned memory without holding main's event loop: the copy is cut into
 * parts (core/viewCopy's copyParts) and each part runs
 *   - natively: sk_copy_contiguous (native/kernels.h) on one of koffi's worker threads, into the destination at the
 *     part's place (parts of 4 MiB: main only starts each call and counts progress);
 *   - else in TypeScript on main, parts of 64 KiB, yielding to the event loop (setImmediate) every ~8 ms.
 * Between parts the signal is checked (cancel) and progress reported. A part in flight always finishes before the
 * promise settles, so nothing writes into the destination after the caller was answered.
 *
 * Safety as for every kernel (nativeKernels.checkReachable): the source memory is alive and every byte the view
 * reaches lies inside it, checked before each part; a mapping is pinned while C reads it.
 */
import { CancelledError, IOError } from '../core/errors';
import { OwnedMemory } from '../core/memory';
import type { NDArray } from '../core/ndarray';
import { copyParts } from '../core/viewCopy';
import { MAX_DIMS } from '../core/iterate';
import { koffiOrNull } from './koffiBinding';
import { MappedMemory } from './mappedMemory';
import { checkReachable, type Implementation } from './nativeKernels';
import { nativeLibrary, SK_E_FAULT } from './nativeLibrary';

/** Bytes per native call, and per TypeScript slice of work. */
export const NATIVE_PART_BYTES = 4 * 1024 * 1024;
export const TS_PART_BYTES = 64 * 1024;
/** The TypeScript copy yields after this much work on main. */
const TS_SLICE_MS = 8;

export interface CopyIntoOptions {
  signal?: AbortSignal;
  /** bytes copied so far (never decreasing), after each part */
  onProgress?: (doneBytes: number) => void;
  /** run the TypeScript copy even when the library is loaded (tests, --no-native) */
  forceFallback?: boolean;
  /** bytes per part (default NATIVE_PART_BYTES / TS_PART_BYTES; tests cut small arrays into many parts) */
  partBytes?: number;
}

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Copy `source` (C order) into `target` from its byte 0 (target.size >= source.nbytes). */
export async function copyIntoAsync(
  source: NDArray,
  target: OwnedMemory,
  opts: CopyIntoOptions = {},
): Promise<{ implementation: Implementation }> {
  const cancelled = () => new CancelledError(`the copy of ${source.label} was cancelled before it finished: no result`);
  if (opts.signal?.aborted) throw cancelled();
  checkReachable(source);
  const lib = opts.forceFallback || !HOST_LE ? null : nativeLibrary();
  const koffi = lib ? koffiOrNull() : null;
  const memory = source.memory;
  const native = lib && koffi && (memory instanceof OwnedMemory || memory instanceof MappedMemory);
  let done = 0;
  if (native) {
    const args = new ArrayBuffer(2 * MAX_DIMS * 8);
    const shape = new BigInt64Array(args, 0, MAX_DIMS);
    const strides = new BigInt64Array(args, MAX_DIMS * 8, MAX_DIMS);
    const argsAddress = koffi.address(args);
    const dst = target.arrayBuffer();
    const dstAddress = koffi.address(dst);
    for (const { part, at } of copyParts(source, opts.partBytes ?? NATIVE_PART_BYTES)) {
      if (opts.signal?.aborted) throw cancelled();
      checkReachable(part); // alive, inside; a mapping: the file still covers it
      const nd = part.ndim;
      for (let d = 0; d < nd; d++) {
        shape[d] = BigInt(part.shape[d]);
        strides[d] = BigInt(part.strides[d]);
      }
      // while C reads: a mapping stays mapped (pin); an owned buffer stays reachable from here (a release() meanwhile
      // only drops the memory's own reference), so C never reads freed memory
      const unpin = memory instanceof MappedMemory ? memory.pin() : undefined;
      const ownedBuffer = memory instanceof OwnedMemory ? memory.arrayBuffer() : null;
      const data = ownedBuffer ? koffi.address(ownedBuffer) : (memory as MappedMemory).address;
      const n = part.nbytes;
      let status: number;
      try {
        status = await new Promise<number>((resolve, reject) => {
          lib.fn.sk_copy_contiguous.async(
            data + BigInt(part.offset),
            nd,
            argsAddress,
            argsAddress + BigInt(MAX_DIMS * 8),
            part.itemsize,
            dstAddress + BigInt(at),
            n,
            (err: unknown, r: number | bigint) => (err ? reject(err) : resolve(Number(r))),
          );
        });
      } catch (err) {
        throw new IOError(
          memory.label,
          `sk_copy_contiguous could not run: ${err instanceof Error ? err.message : String(err)}`,
        );
      } finally {
        unpin?.();
        void ownedBuffer; // referenced until C has returned
      }
      if (status !== n) {
        throw new IOError(
          memory.label,
          status === SK_E_FAULT
            ? 'a memory fault was caught inside sk_copy_contiguous (the mapped file shrank during the copy); no result'
            : `sk_copy_contiguous answered ${status}, expected ${n} bytes copied`,
        );
      }
      done += n;
      opts.onProgress?.(done);
    }
    // the buffers C used stay reachable until here
    void args;
    void dst;
    return { implementation: 'native' };
  }
  const out = target.view();
  let t0 = performance.now();
  for (const { part, at } of copyParts(source, opts.partBytes ?? TS_PART_BYTES)) {
    if (performance.now() - t0 >= TS_SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      t0 = performance.now();
    }
    if (opts.signal?.aborted) throw cancelled();
    out.set(part.toBytes('C'), at);
    done += part.nbytes;
    opts.onProgress?.(done);
  }
  return { implementation: 'typescript' };
}
