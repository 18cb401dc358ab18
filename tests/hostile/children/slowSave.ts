/**
 * Child process for writes.test.ts: saves a 64 MiB float64 array to <target> through the real saver
 * (formats/load saveNpy -> writeNpy -> createAtomicSink), with data coming from a slow source (each 16 MiB chunk
 * takes ~300 ms to read, like a mapping on a slow disk), so the parent can SIGKILL it mid-write.
 */
import { DType } from '../../../src-main/core/dtype';
import { OwnedMemory, type Memory } from '../../../src-main/core/memory';
import { NDArray } from '../../../src-main/core/ndarray';
import { saveNpy } from '../../../src-main/formats/load';

const target = process.argv[2];
const n = 8 * 1024 * 1024;
const inner = new OwnedMemory('data', n * 8);
const v = inner.view();
for (let i = 0; i < v.length; i += 4096) v[i] = 0x5a;
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const slow: Memory = {
  kind: 'owned',
  label: 'slow data',
  size: inner.size,
  address: inner.address,
  writeable: false,
  get alive() {
    return inner.alive;
  },
  releasedBy: undefined,
  check: (o, l) => inner.check(o, l),
  read(o, l) {
    Atomics.wait(sleeper, 0, 0, 300);
    return inner.read(o, l);
  },
  write: () => {
    throw new Error('read-only');
  },
  release: (by) => inner.release(by),
};
const a = new NDArray({ memory: slow, dtype: DType.parse('<f8'), shape: [n], label: 'a' });
console.log('saving');
saveNpy(target, a);
console.log('saved');
