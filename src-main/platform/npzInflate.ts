/**
 * Opening a deflated .npz member without holding main's event loop: the inflating on libuv's thread pool
 * (node:zlib), its output copied into the array's own memory chunk by chunk. formats/npz.ts keeps the synchronous inflater (the CLI's) and
 * the zip directory; this module is where the process's thread pool comes in, so it lives in platform/.
 */
import * as zlib from 'node:zlib';
import { CancelledError, FormatError, UnsupportedError } from '../core/errors';
import { OwnedMemory } from '../core/memory';
import { MAX_HEADER_SIZE, readNpyHeader, type FileSource, type MapMode, type NpyHeader } from '../formats/npy';
import { DEFAULT_MAX_INFLATED_SIZE, type NpzMember } from '../formats/npz';

export interface InflateAsyncOptions {
  /** aborting stops the inflater: rejects with CancelledError */
  signal?: AbortSignal;
  /** bytes of output so far, of m.size */
  onProgress?: (done: number, total: number) => void;
}

/** What inflateNpzMemberAsync made: the member's .npy header bytes and its data part, inflated in place. */
export interface InflatedNpzMember {
  /** The first `header.dataOffset` bytes of the member's .npy image (pass as `inflated`). */
  head: Uint8Array;
  /** The data part (pass as `inflatedData`). */
  data: OwnedMemory;
}

/** Output chunks of the inflater: each is copied into place and checksummed on main, so each must be cheap there. */
const OUT_CHUNK = 256 * 1024;

/**
 * A deflated .npz member straight into the owned memory of its array, without holding the event loop and without
 * an intermediate image of the whole member: node:zlib's raw inflater runs on libuv's thread pool (DEFLATE is
 * what zip method 8 stores: https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT 4.4.5), fed 1 MiB of
 * compressed bytes at a time. Main collects the .npy header from the first output, then allocates the data part
 * (an ArrayBuffer: zero pages the OS hands out lazily) and copies each 256 KiB output chunk into place (a few
 * page faults per chunk) and updates the CRC-32 (zlib.crc32, native) — no synchronous step grows with the member.
 * The same bounds and errors as formats/npz inflateMember: the declared size, the limit, a stream that does not
 * end, the CRC, and the .npy header's own checks.
 */
export async function inflateNpzMemberAsync(
  src: FileSource,
  m: NpzMember,
  mode: MapMode,
  maxInflatedSize = DEFAULT_MAX_INFLATED_SIZE,
  opts: InflateAsyncOptions & { maxHeaderSize?: number } = {},
): Promise<InflatedNpzMember> {
  const file = src.path;
  const label = `${file}[${m.name}]`;
  if (m.size > maxInflatedSize) {
    throw new UnsupportedError(
      `${file}: member ${m.name} declares ${m.size} bytes uncompressed, more than the ${maxInflatedSize}-byte inflate limit`,
      { file, offset: m.headerOffset },
    );
  }
  const maxHeaderSize = opts.maxHeaderSize ?? MAX_HEADER_SIZE;
  // the header is read from the first bytes of output: at most its bound plus the 12-byte preamble
  const headLimit = Math.min(m.size, maxHeaderSize + 16);
  let headBuf = new Uint8Array(0);
  let header: NpyHeader | null = null;
  let data: OwnedMemory | null = null;
  let dst: Uint8Array | null = null;
  let total = 0;
  let crc = 0;
  let over = false;
  let failure: unknown = null;
  const inflater = zlib.createInflateRaw({ chunkSize: OUT_CHUNK });
  const cancelled = () => new CancelledError(`inflating ${file}[${m.name}] was cancelled`, { file });

  /** Parse the header once enough output arrived; then allocate the data part. */
  const tryHeader = (): void => {
    if (headBuf.length < Math.min(12, m.size)) return;
    const major = headBuf[6];
    const need =
      headBuf.length >= 12
        ? major === 1
          ? 10 + (headBuf[8] | (headBuf[9] << 8))
          : 12 + new DataView(headBuf.buffer, headBuf.byteOffset).getUint32(8, true)
        : 12;
    if (headBuf.length < Math.min(need, headLimit)) return;
    const prefix = headBuf;
    const inner: FileSource = {
      path: label,
      size: m.size,
      read: (off, len) => prefix.slice(Math.max(0, off), Math.max(0, Math.min(off + len, prefix.length))),
    };
    header = readNpyHeader(inner, { maxHeaderSize });
    if (header.dataOffset + header.nbytes > m.size) {
      throw new FormatError(
        label,
        m.size,
        `the data part ends at byte ${header.dataOffset + header.nbytes}, after the member's ${m.size} bytes`,
        `${header.nbytes} bytes of data after the header`,
      );
    }
    data = new OwnedMemory(`${label} (inflated)`, header.nbytes, { writeable: mode === 'c' });
    dst = data.view();
    place(prefix, 0);
  };
  /** Copy the part of `chunk` (output bytes [at, at+len)) that lies in the data part into place. */
  const place = (chunk: Uint8Array, at: number): void => {
    const h = header!;
    const from = Math.max(at, h.dataOffset);
    const to = Math.min(at + chunk.length, h.dataOffset + h.nbytes);
    if (to > from) dst!.set(chunk.subarray(from - at, to - at), from - h.dataOffset);
  };

  const done = new Promise<void>((resolve, reject) => {
    inflater.on('data', (chunk: Buffer) => {
      if (over || failure) return;
      if (total + chunk.length > m.size || total + chunk.length > maxInflatedSize) {
        over = true;
        total += chunk.length;
        inflater.destroy();
        resolve();
        return;
      }
      try {
        if (header) place(chunk, total);
        else {
          const grown = new Uint8Array(headBuf.length + chunk.length);
          grown.set(headBuf);
          grown.set(chunk, headBuf.length);
          headBuf = grown;
          tryHeader();
        }
      } catch (e) {
        failure = e;
        inflater.destroy();
        resolve();
        return;
      }
      crc = zlib.crc32(chunk, crc);
      total += chunk.length;
      opts.onProgress?.(total, m.size);
    });
    inflater.on('end', () => resolve());
    // destroyed (cancelled, over the size, or a bad header): no 'end' comes
    inflater.on('close', () => resolve());
    inflater.on('error', (e) =>
      reject(
        new FormatError(
          file,
          m.dataOffset,
          `member ${m.name}: invalid deflate data (${e.message})`,
          'a valid DEFLATE stream',
        ),
      ),
    );
  });
  const onAbort = () => inflater.destroy();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const drop = (why: string) => (data as OwnedMemory | null)?.release(why);
  try {
    const STEP = 1024 * 1024;
    for (let k = 0; k < m.compressedSize && !over && !failure; k += STEP) {
      if (opts.signal?.aborted) throw cancelled();
      const n = Math.min(STEP, m.compressedSize - k);
      const piece = src.read(m.dataOffset + k, n);
      if (piece.length !== n)
        throw new FormatError(
          file,
          m.dataOffset + k + piece.length,
          `member ${m.name}: compressed data cut short`,
          `${m.compressedSize} compressed bytes`,
        );
      // wait until zlib has taken this piece (backpressure: main never holds more than a few MiB of input)
      await new Promise<void>((resolve, reject) => inflater.write(piece, (e) => (e ? reject(e) : resolve())));
    }
    if (!over && !failure) inflater.end();
    await done;
  } catch (e) {
    inflater.destroy();
    drop('inflating failed');
    if (opts.signal?.aborted) throw cancelled();
    if (e instanceof FormatError || e instanceof CancelledError) throw e;
    throw new FormatError(
      file,
      m.dataOffset,
      `member ${m.name}: invalid deflate data (${e instanceof Error ? e.message : String(e)})`,
      'a valid DEFLATE stream',
    );
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  const fail = (e: unknown): never => {
    drop('inflating failed');
    throw e;
  };
  if (opts.signal?.aborted) fail(cancelled());
  if (failure) fail(failure);
  if (over) {
    if (m.size >= maxInflatedSize)
      fail(
        new UnsupportedError(
          `${file}: member ${m.name} inflates to more than the ${maxInflatedSize}-byte limit (inflating stopped)`,
          { file, offset: m.dataOffset },
        ),
      );
    fail(
      new FormatError(
        file,
        m.dataOffset,
        `member ${m.name} inflates to more than its declared ${m.size} bytes`,
        `${m.size} bytes after inflating`,
      ),
    );
  }
  if (total !== m.size)
    fail(
      new FormatError(
        file,
        m.dataOffset,
        `member ${m.name} inflates to ${total} bytes, not the declared ${m.size}`,
        `${m.size} bytes`,
      ),
    );
  if (crc >>> 0 !== m.crc32)
    fail(
      new FormatError(
        file,
        m.headerOffset + 14,
        `member ${m.name}: CRC-32 mismatch (computed 0x${(crc >>> 0).toString(16)}, stored 0x${m.crc32.toString(16)})`,
        'the stored CRC-32',
      ),
    );
  if (!header || !data)
    return fail(new FormatError(label, total, 'the member ends inside its .npy header', 'a complete .npy header'));
  const h: NpyHeader = header;
  return { head: headBuf.slice(0, h.dataOffset), data };
}
