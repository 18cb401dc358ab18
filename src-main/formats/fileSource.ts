/**
 * The node:fs side of formats/: the only file here that touches the file system.
 *
 * - `openFileSource(path)`: a FileSource reading bounded windows (fs.readSync at a position; each read is a copy
 *   of exactly the bytes asked for, never the whole file) with the size from fstat.
 * - `createAtomicSink(path)`: write a new file as a temp file beside it, then rename over the target.
 * - `nodeRawFileSystem`: what rawMemmap needs to size, create and extend files (numpy.memmap's 'w+' / 'r+').
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { IOError } from '../core/errors';
import type { FileSource } from './npy';
import type { RawFileSystem } from './rawMemmap';

export type { FileSource } from './npy';

export interface ClosableFileSource extends FileSource {
  close(): void;
}

function ioError(path: string, e: unknown): IOError {
  const err = e as NodeJS.ErrnoException;
  return new IOError(path, err && err.code ? `${err.code}: ${err.message}` : String(e));
}

/** What a non-regular file is, for messages. */
export function fileKind(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a fifo (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** IOError unless `st` is a regular file: fifos block and devices (/dev/zero, /dev/null) have no size to map. */
export function requireRegularFile(path: string, st: fs.Stats): void {
  if (st.isDirectory()) throw new IOError(path, 'EISDIR: is a directory, not a file');
  if (!st.isFile())
    throw new IOError(path, `${fileKind(st)}, not a regular file: Stridescope opens regular files only`);
}

/**
 * Open flags for reading: O_NONBLOCK so that a fifo (named pipe) cannot block open() until a writer appears —
 * the fstat right after the open then refuses it. Reads of regular files ignore O_NONBLOCK.
 */
const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/**
 * Open `path` for bounded reads. Throws IOError when the OS refuses (missing file, permissions) and for anything
 * but a regular file (a directory, a fifo, a device) — refused right after a non-blocking open, before any read.
 */
export function openFileSource(path: string): ClosableFileSource {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, READ_FLAGS);
    const st = fs.fstatSync(fd);
    requireRegularFile(path, st);
    const size = st.size;
    const handle = fd;
    let closed = false;
    return {
      path,
      size,
      read(offset: number, length: number): Uint8Array {
        if (closed) throw new IOError(path, 'read after close');
        if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
          throw new IOError(path, `invalid read window [${offset}, ${offset + length})`);
        }
        // never more than the file holds, whatever a header claims
        const n = Math.max(0, Math.min(length, size - offset));
        const out = new Uint8Array(n);
        let done = 0;
        while (done < n) {
          let got: number;
          try {
            got = fs.readSync(handle, out, done, n - done, offset + done);
          } catch (e) {
            throw ioError(path, e);
          }
          if (got === 0) break; // file shrank underneath us
          done += got;
        }
        return done === n ? out : out.slice(0, done);
      },
      close(): void {
        if (closed) return;
        closed = true;
        fs.closeSync(handle);
      },
    };
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        /* already failing */
      }
    }
    if (e instanceof IOError) throw e;
    throw ioError(path, e);
  }
}

/** A FileSource over bytes in memory (an inflated .npz member, tests). */
export function bytesSource(path: string, bytes: Uint8Array): FileSource {
  return {
    path,
    size: bytes.byteLength,
    read(offset: number, length: number): Uint8Array {
      const start = Math.max(0, Math.min(offset, bytes.byteLength));
      return bytes.slice(start, Math.max(start, Math.min(offset + length, bytes.byteLength)));
    },
  };
}

export interface ByteSink {
  write(bytes: Uint8Array): void;
}

export interface AtomicSink extends ByteSink {
  /** Flush, close and rename the temp file over the target. */
  commit(): void;
  /** Close and delete the temp file (the target is untouched). */
  abort(): void;
}

let tmpCounter = 0;

/** Write `path` atomically: everything goes to a temp file in the same directory, renamed on commit. */
export function createAtomicSink(path: string): AtomicSink {
  const dir = nodePath.dirname(path);
  const tmp = nodePath.join(dir, `.${nodePath.basename(path)}.${process.pid}.${Date.now()}.${tmpCounter++}.tmp`);
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx');
  } catch (e) {
    throw ioError(path, e);
  }
  let open = true;
  return {
    write(bytes: Uint8Array): void {
      let done = 0;
      try {
        while (done < bytes.byteLength) done += fs.writeSync(fd, bytes, done, bytes.byteLength - done);
      } catch (e) {
        throw ioError(path, e);
      }
    },
    commit(): void {
      if (!open) return;
      open = false;
      let closed = false;
      try {
        // the saved file keeps the permissions of the one it replaces (a 0600 file must not come back 0644)
        const old = fs.statSync(path, { throwIfNoEntry: false });
        if (old?.isFile()) fs.fchmodSync(fd, old.mode & 0o7777);
        fs.fsyncSync(fd);
        closed = true;
        fs.closeSync(fd);
        fs.renameSync(tmp, path);
      } catch (e) {
        try {
          if (!closed) fs.closeSync(fd);
        } catch {
          /* ignore */
        }
        try {
          fs.rmSync(tmp, { force: true });
        } catch {
          /* ignore */
        }
        throw ioError(path, e);
      }
      // make the rename itself durable: fsync the directory (POSIX; Windows cannot open a directory: skipped)
      try {
        const dfd = fs.openSync(dir, 'r');
        try {
          fs.fsyncSync(dfd);
        } finally {
          fs.closeSync(dfd);
        }
      } catch {
        /* best effort */
      }
    },
    abort(): void {
      if (!open) return;
      open = false;
      try {
        fs.closeSync(fd);
      } finally {
        fs.rmSync(tmp, { force: true });
      }
    },
  };
}

/** numpy.memmap's file handling, on node:fs. */
export const nodeRawFileSystem: RawFileSystem = {
  size(path: string): number {
    let st: fs.Stats;
    try {
      st = fs.statSync(path);
    } catch (e) {
      throw ioError(path, e);
    }
    requireRegularFile(path, st);
    return st.size;
  },
  truncateOrCreate(path: string): void {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(path, { throwIfNoEntry: false });
    } catch (e) {
      throw ioError(path, e);
    }
    if (st) requireRegularFile(path, st);
    try {
      fs.closeSync(
        fs.openSync(
          path,
          fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC | (fs.constants.O_NONBLOCK ?? 0),
          0o666,
        ),
      );
    } catch (e) {
      throw ioError(path, e);
    }
  },
  extend(path: string, size: number): void {
    // numpy: seek(size - 1) and write one zero byte; the gap reads as zeros
    let fd: number | undefined;
    try {
      fd = fs.openSync(path, 'r+');
      fs.writeSync(fd, new Uint8Array(1), 0, 1, size - 1);
    } catch (e) {
      throw ioError(path, e);
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  },
};
