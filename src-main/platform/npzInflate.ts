/**
 * Opening a deflated .npz member without holding main's event loop: the inflating on libuv's thread pool
 * (node:zlib), the copy of its data part in slices. formats/npz.ts keeps the synchronous inflater (the CLI's) and
 * the zip directory; this module is where the process's thread pool comes in, so it lives in platform/.
 */
import * as zlib from 'node:zlib';
import { CancelledError, FormatError, UnsupportedError } from '../core/errors';
import { OwnedMemory } from '../core/memory';
import { readNpyHeader, type FileSource, type MapMode } from '../formats/npy';
import { DEFAULT_MAX_INFLATED_SIZE, type NpzMember } from '../formats/npz';

export interface InflateAsyncOptions {
  /** aborting stops the inflater: rejects with CancelledError */
  signal?: AbortSignal;
  /** bytes of output so far, of m.size */
  onProgress?: (done: number, total: number) => void;
}

/**
 * inflateMember without holding the event loop: node:zlib's raw inflater runs on libuv's thread pool (DEFLATE is
 * what zip method 8 stores: https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT 4.4.5), fed 1 MiB of
 * compressed bytes at a time; main only copies each output chunk into place and updates the CRC-32 (zlib.crc32,
 * native). (fflate, in JavaScript on main, takes seconds for 256 MiB here, with single pushes over 150 ms.)
 * The same bounds and errors as inflateMember: the declared size, the limit, a stream that does not end, the CRC.
 */
export async function inflateMemberAsync(src: FileSource, m: NpzMember, maxInflatedSize = DEFAULT_MAX_INFLATED_SIZE, opts: InflateAsyncOptions = {}): Promise<Uint8Array> {
  const file = src.path;
  if (m.size > maxInflatedSize) {
    throw new UnsupportedError(`${file}: member ${m.name} declares ${m.size} bytes uncompressed, more than the ${maxInflatedSize}-byte inflate limit`, { file, offset: m.headerOffset });
  }
  const out = new Uint8Array(m.size);
  let total = 0;
  let crc = 0;
  let over = false;
  const inflater = zlib.createInflateRaw({ chunkSize: 1024 * 1024 });
  const cancelled = () => new CancelledError(`inflating ${file}[${m.name}] was cancelled`, { file });
  const done = new Promise<void>((resolve, reject) => {
    inflater.on('data', (chunk: Buffer) => {
      if (over) return;
      if (total + chunk.length > m.size || total + chunk.length > maxInflatedSize) {
        over = true;
        total += chunk.length;
        inflater.destroy();
        resolve();
        return;
      }
      out.set(chunk, total);
      crc = zlib.crc32(chunk, crc);
      total += chunk.length;
      opts.onProgress?.(total, m.size);
    });
    inflater.on('end', () => resolve());
    // destroyed (cancelled, or over the size): no 'end' comes
    inflater.on('close', () => resolve());
    inflater.on('error', (e) => reject(new FormatError(file, m.dataOffset, `member ${m.name}: invalid deflate data (${e.message})`, 'a valid DEFLATE stream')));
  });
  const onAbort = () => inflater.destroy();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const STEP = 1024 * 1024;
    for (let k = 0; k < m.compressedSize && !over; k += STEP) {
      if (opts.signal?.aborted) throw cancelled();
      const n = Math.min(STEP, m.compressedSize - k);
      const piece = src.read(m.dataOffset + k, n);
      if (piece.length !== n) throw new FormatError(file, m.dataOffset + k + piece.length, `member ${m.name}: compressed data cut short`, `${m.compressedSize} compressed bytes`);
      // wait until zlib has taken this piece (backpressure: main never holds more than a few MiB of input)
      await new Promise<void>((resolve, reject) => inflater.write(piece, (e) => (e ? reject(e) : resolve())));
    }
    if (!over) inflater.end();
    await done;
  } catch (e) {
    inflater.destroy();
    if (opts.signal?.aborted) throw cancelled();
    if (e instanceof FormatError || e instanceof CancelledError) throw e;
    throw new FormatError(file, m.dataOffset, `member ${m.name}: invalid deflate data (${e instanceof Error ? e.message : String(e)})`, 'a valid DEFLATE stream');
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (opts.signal?.aborted) throw cancelled();
  if (over) {
    if (m.size >= maxInflatedSize) {
      throw new UnsupportedError(`${file}: member ${m.name} inflates to more than the ${maxInflatedSize}-byte limit (inflating stopped)`, { file, offset: m.dataOffset });
    }
    throw new FormatError(file, m.dataOffset, `member ${m.name} inflates to more than its declared ${m.size} bytes`, `${m.size} bytes after inflating`);
  }
  if (total !== m.size) throw new FormatError(file, m.dataOffset, `member ${m.name} inflates to ${total} bytes, not the declared ${m.size}`, `${m.size} bytes`);
  if (crc >>> 0 !== m.crc32) throw new FormatError(file, m.headerOffset + 14, `member ${m.name}: CRC-32 mismatch (computed 0x${(crc >>> 0).toString(16)}, stored 0x${m.crc32.toString(16)})`, 'the stored CRC-32');
  return out;
}

/**
 * The data part of an inflated member (`bytes`: its whole .npy image) as owned memory, copied in slices of 4 MiB
 * between which the event loop runs: what `openNpzMember` would copy in one piece. Pass it as `inflatedData`.
 */
export async function inflatedDataAsync(src: FileSource, m: NpzMember, bytes: Uint8Array, mode: MapMode, opts: { signal?: AbortSignal } = {}): Promise<OwnedMemory> {
  const label = `${src.path}[${m.name}]`;
  const inner: FileSource = { path: label, size: bytes.length, read: (off, len) => bytes.slice(Math.max(0, off), Math.max(0, Math.min(off + len, bytes.length))) };
  const header = readNpyHeader(inner);
  const memory = new OwnedMemory(`${label} (inflated)`, header.nbytes, { writeable: mode === 'c' });
  const dst = memory.view();
  const SLICE = 4 * 1024 * 1024;
  for (let k = 0; k < header.nbytes; k += SLICE) {
    const end = Math.min(header.nbytes, k + SLICE);
    dst.set(bytes.subarray(header.dataOffset + k, header.dataOffset + end), k);
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (opts.signal?.aborted) {
      memory.release('cancelled');
      throw new CancelledError(`inflating ${src.path}[${m.name}] was cancelled`, { file: src.path });
    }
  }
  return memory;
}
