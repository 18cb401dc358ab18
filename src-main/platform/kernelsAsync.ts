/**
 * runKernelAsync: a kernel run without blocking main's event loop — the native reduction on one of koffi's worker
 * threads (which splits it over the CPUs), progress read from a counter C adds to, cancel through a flag C reads
 * (sk_control, kernels.h). The checks and arguments are runKernel's (kernelCall.ts); the TypeScript fallback is
 * runKernel itself (nativeKernels.ts).
 */
import { koffiOrNull } from './koffiBinding';
import { ArgumentError, CancelledError, IOError, UnsupportedError } from '../core/errors';
import { OwnedMemory } from '../core/memory';
import { MAX_DIMS } from '../core/iterate';
import {
  KERNEL_NAMES,
  type KernelName,
  type KernelValue,
  type KernelView,
  type ReductionName,
} from './kernelsFallback';
import { MappedMemory } from './mappedMemory';
import { SK_E_CANCELLED, SK_OK, type NativeLibrary } from './nativeLibrary';

import { runKernel } from './nativeKernels';
import {
  IS_KERNEL,
  type KernelAnswer,
  type KernelOptions,
  REDUCE_OP,
  type ReadSource,
  cAddress,
  checkReachable,
  checkThreads,
  decodeOut,
  describeCall,
  fileSourceFor,
  fillArgs,
  kernelValueJSON,
  nativeFor,
  numericOf,
  sizeOf,
  sourceOf,
  statusError,
  describeReduceEx,
  describeReduceFile,
} from './kernelCall';

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
