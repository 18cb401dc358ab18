/**
 * Child process for changingFiles.test.ts: maps a file, truncates it to 0, then touches the lost pages through
 * the native library's guarded entry points directly (bypassing MappedMemory.check, as a race between the check
 * and the read would). The guard must turn the SIGBUS into SK_E_FAULT; if it did not, this process dies of
 * SIGBUS and the parent sees the signal. Prints one JSON line.
 */
import koffi from 'koffi';
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { LifetimeError } from '../../../src-main/core/errors';
import { mapFile, type MappedMemory } from '../../../src-main/platform/mappedMemory';
import { nativeLibrary, SK_E_FAULT } from '../../../src-main/platform/nativeLibrary';

const file = process.argv[2];
writeFileSync(file, new Uint8Array(64 * 1024).fill(7));
const m = mapFile(file, { offset: 0, length: 64 * 1024, mode: 'r' }) as MappedMemory;
const before = m.read(40000, 4);
truncateSync(file, 0);
let checked = '';
try {
  m.read(40000, 4);
  checked = 'read succeeded';
} catch (e) {
  checked = e instanceof LifetimeError ? 'LifetimeError' : String(e);
}
const lib = nativeLibrary();
const out: Record<string, unknown> = { before: [...before], checked, native: !!lib };
if (lib) {
  out.copyStatus = Number(lib.fn.sk_copy_bytes(new Uint8Array(16), m.address + 40000n, 16n));
  const shape = BigInt64Array.from([4096n]);
  const strides = BigInt64Array.from([16n]);
  out.checksumStatus = Number(lib.fn.sk_checksum(m.address, 1, shape, strides, 8n, new BigUint64Array(1)));
  out.sumStatus = Number(lib.fn.sk_sum(m.address, 1, shape, strides, 11, 0, new Uint8Array(16)));
  // the same with the work split over threads: each thread faults under its own guard. A 4 MiB file (524288
  // float64, above the 262144-element run a float sum is split at) mapped and truncated like the first.
  const big = `${file}.big`;
  writeFileSync(big, new Uint8Array(4 << 20).fill(1));
  const mb = mapFile(big, { offset: 0, length: 4 << 20, mode: 'r' }) as MappedMemory;
  truncateSync(big, 0);
  const ctl = new ArrayBuffer(64);
  const bigShape = BigInt64Array.from([524288n]);
  const bigStrides = BigInt64Array.from([8n]);
  const threaded = (op: number, dtype: number) =>
    Number(
      lib.fn.sk_reduce_ex(op, mb.address, 1, bigShape, bigStrides, dtype, 0, 4, koffi.address(ctl), new Uint8Array(16)),
    );
  out.threadedSumStatus = threaded(0, 11); // float sum: pairwise subtrees on 4 threads
  out.threadedCountStatus = threaded(4, 7); // count_nonzero int64: 4 shares
  out.threads = new Int32Array(ctl)[5];
  mb.release('done');
  rmSync(big);
  out.fault = SK_E_FAULT;
}
m.release('done');
console.log(JSON.stringify(out));
