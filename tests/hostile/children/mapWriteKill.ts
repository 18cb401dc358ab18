/**
 * Child process for writes.test.ts: opens <file> (.npy) 'r+' through the app's entry point, writes a pattern into
 * the mapping, says so, and waits to be SIGKILLed — no close(), no msync. The parent then reads the file.
 */
import { openArrayFile } from '../../../src-main/formats/load';
import { mapFile } from '../../../src-main/platform/mappedMemory';

const o = openArrayFile(process.argv[2], { mode: 'r+' }, { mapper: mapFile });
const pattern = new Uint8Array(o.array.memory.size);
for (let i = 0; i < pattern.length; i++) pattern[i] = (i * 13 + 1) & 0xff;
o.array.memory.write(0, pattern);
console.log('written');
setInterval(() => undefined, 1000);
