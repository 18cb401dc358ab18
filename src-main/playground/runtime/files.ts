/**
 * Which files the playground may touch when it runs inside the app (np.load, np.save, np.memmap).
 *
 * The console's text comes from the renderer, which the app treats as untrusted: a pasted lesson must not be
 * able to overwrite ~/.bashrc. The policy the app uses (`sandboxFiles(dir)`):
 *  - every session has a working directory (the app's `<userData>/console`; a temporary directory in tests);
 *  - a RELATIVE name resolves against it and must stay inside it: `../x.npy`, `a/../../x.npy` are refused,
 *    for reading and for writing alike (no relative-path escapes);
 *  - an ABSOLUTE name may be READ anywhere (np.load, np.memmap mode 'r'/'c'), as the app's Open dialog can;
 *  - WRITES (np.save, np.memmap modes 'r+'/'w+' — note 'r+' is np.memmap's default — and np.load with
 *    mmap_mode 'r+'/'w+') are allowed only inside the working directory, checked after resolving symbolic
 *    links of the deepest existing ancestor, so a link inside the directory cannot point the write elsewhere.
 *  - every MAPPING of a file inside the directory (`folderMapper`) is opened without following links and checked on
 *    the open descriptor, not on the path: O_NOFOLLOW, then fstat — a regular file, one name (`st_nlink == 1`: a
 *    hard link's inode is also a file elsewhere) and, on Linux, the descriptor's real path (/proc/self/fd/N)
 *    inside the directory's real path — before it is created, truncated, grown or mapped. A link swapped in
 *    between the path check and the open is therefore refused too. macOS has no /proc (F_GETPATH is not reachable
 *    through node's fs): there O_NOFOLLOW and st_nlink hold for the last component only. np.save never writes
 *    through a name: it writes a new temporary file and renames it over the name (formats/fileSource).
 *  - a disk QUOTA for the directory (`quotaBytes`, 2 GiB by default): a write, create or extension that would
 *    take the directory's files past it is refused before the disk is touched, with Python's
 *    `OSError: [Errno 122] Disk quota exceeded` naming what was used, the quota and what the write needed.
 * Refusals are Python's `PermissionError`, shown in the console like any other exception.
 *
 * `stridescope run FILE` uses no policy: it is the user's own shell, with the user's own rights.
 */
import {
  closeSync,
  constants as fsConstants,
  existsSync,
  fstatSync,
  ftruncateSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  writeSync,
} from 'node:fs';
import { constants as osConstants } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { IOError } from '../../core/errors';
import type { Memory } from '../../core/memory';
import type { RawFileSystem } from '../../formats/rawMemmap';
import type { Mapper } from '../../platform/mappedMemory';
import { PyException } from './errors';

export type FileAccess = 'read' | 'write';

/**
 * Resolve a Python file name for `what` (e.g. 'np.save'): the path to use, or a thrown PyException.
 * `bytes`: for a write, the size the file will have after it (checked against the folder's quota).
 */
export type FilePolicy = (name: string, access: FileAccess, what: string, bytes?: number) => string;

/** The console folder's default disk quota: 2 GiB. */
export const DEFAULT_FOLDER_QUOTA = 2 * 1024 ** 3;

export interface FolderOptions {
  /** Bytes the files in the folder may hold together (DEFAULT_FOLDER_QUOTA when absent). */
  quotaBytes?: number;
}

/** Bytes the regular files under `dir` hold (links are not followed; their own names cost nothing). */
export function folderUsage(dir: string): number {
  let total = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) {
        try {
          total += lstatSync(p).size;
        } catch {
          // removed meanwhile
        }
      }
    }
  }
  return total;
}

function quotaExceeded(name: string, used: number, quota: number, need: number): PyException {
  return new PyException(
    'OSError',
    `[Errno ${osConstants.errno.EDQUOT ?? 122}] Disk quota exceeded: '${name}' (the console's working directory holds ${used} of its ${quota} bytes; this write needs ${need} more)`,
  );
}

/** Refuse, before the disk is touched, a write that leaves `full` at `bytes` bytes when that passes the quota. */
function checkQuota(root: string, quota: number, name: string, full: string, bytes: number, replaces: boolean): void {
  let existing = 0;
  try {
    const st = lstatSync(full);
    if (st.isFile()) existing = st.size;
  } catch {
    // a new file
  }
  // np.save writes a new file beside the old one and renames it over it: both exist for a moment
  const need = replaces ? bytes : Math.max(0, bytes - existing);
  if (need === 0) return;
  const used = folderUsage(root);
  if (used + need > quota) throw quotaExceeded(name, used, quota, need);
}

function inside(dir: string, p: string): boolean {
  const r = relative(dir, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/** The real path of `p`'s deepest existing ancestor joined with the rest (symlinks resolved where they exist). */
function realish(p: string): string {
  let cur = p;
  const rest: string[] = [];
  while (!existsSync(cur)) {
    const up = dirname(cur);
    if (up === cur) return p;
    rest.unshift(cur.slice(up.length).replace(/^[\\/]+/, ''));
    cur = up;
  }
  let real: string;
  try {
    real = realpathSync(cur);
  } catch {
    return p;
  }
  return rest.length ? resolve(real, ...rest) : real;
}

function refuse(name: string, why: string): PyException {
  return new PyException('PermissionError', `[Errno 13] Permission denied: '${name}' (${why})`);
}

/** The console's policy over working directory `dir` (see the module comment). */
export function sandboxFiles(dir: string, options: FolderOptions = {}): FilePolicy {
  const root = resolve(dir);
  const quota = options.quotaBytes ?? DEFAULT_FOLDER_QUOTA;
  let realRoot: string | null = null;
  const rootReal = () => (realRoot ??= existsSync(root) ? realpathSync(root) : root);
  return (name, access, what, bytes) => {
    if (name === '') throw new PyException('FileNotFoundError', `[Errno 2] No such file or directory: ''`);
    if (name.includes('\0')) throw new PyException('ValueError', `${what}: embedded null byte`);
    if (name.length > 4096) throw new PyException('OSError', `[Errno 36] File name too long`);
    const absolute = isAbsolute(name) || /^[A-Za-z]:[\\/]/.test(name);
    const full = resolve(root, name);
    if (!absolute && !inside(root, full))
      throw refuse(name, `a relative name must stay inside the console's working directory ${root}`);
    if (access === 'write') {
      if (!inside(root, full) || !inside(rootReal(), realish(full))) {
        throw refuse(name, `${what} may write only inside the console's working directory ${root}`);
      }
      // An existing target must be the folder's own file: not a symbolic link (np.memmap 'r+' would follow it) and
      // not a hard link (its inode is also a file elsewhere: writing through the mapping writes there).
      // A path-level check, for a clear message; the mapping's own open re-checks the descriptor (folderMapper).
      let st;
      try {
        st = lstatSync(full);
      } catch {
        st = null;
      }
      if (st?.isSymbolicLink())
        throw refuse(name, `${what} does not write through a symbolic link in the working directory`);
      if (st && st.isFile() && st.nlink > 1)
        throw refuse(name, `${what} does not write through a hard link (${st.nlink} names for one file)`);
      if (bytes !== undefined) checkQuota(root, quota, name, full, bytes, what === 'np.save');
    } else if (!absolute && !inside(rootReal(), realish(full))) {
      throw refuse(name, `a relative name must stay inside the console's working directory ${root}`);
    }
    return full;
  };
}

/**
 * The checks on an OPEN descriptor of a file in the folder (see the module comment): a regular file with one name
 * whose real path (Linux: /proc/self/fd/N) is inside the folder's real path. Throws Python's PermissionError.
 */
function checkDescriptor(fd: number, name: string, root: string): void {
  const st = fstatSync(fd);
  const refuse = (why: string) =>
    new PyException('PermissionError', `[Errno 13] Permission denied: '${name}' (${why})`);
  if (!st.isFile()) throw refuse('not a regular file');
  if (st.nlink !== 1) throw refuse(`a hard link: ${st.nlink} names for one file`);
  if (process.platform === 'linux') {
    // the descriptor's own path: whatever directory links were swapped, this is where the open landed
    const real = readlinkSync(`/proc/self/fd/${fd}`);
    const rootReal = existsSync(root) ? realpathSync(root) : root;
    if (!inside(rootReal, real)) throw refuse(`it opened ${real}, outside the console's working directory ${root}`);
  }
}

function symlinkRefused(name: string): PyException {
  return new PyException(
    'PermissionError',
    `[Errno 13] Permission denied: '${name}' (a symbolic link in the console's working directory is not followed)`,
  );
}

/**
 * The mapper the console uses over working directory `dir`: a file inside it is opened with O_NOFOLLOW and
 * checked on its descriptor before anything is created, truncated, grown or mapped (module comment); a file
 * outside it (an absolute read) is mapped as given. A growth past the folder's quota is refused first.
 */
export function folderMapper(dir: string, mapper: Mapper, options: FolderOptions = {}): Mapper {
  const root = resolve(dir);
  const quota = options.quotaBytes ?? DEFAULT_FOLDER_QUOTA;
  return (path, opts): Memory => {
    const full = resolve(root, path);
    if (!inside(root, full)) return mapper(path, opts);
    if (opts.mode === 'r+' || opts.mode === 'w+') checkQuota(root, quota, path, full, opts.offset + opts.length, false);
    try {
      return mapper(path, { ...opts, noFollow: true, verify: (fd) => checkDescriptor(fd, path, root) });
    } catch (e) {
      if (e instanceof IOError && e.message.includes(`(errno ${osConstants.errno.ELOOP})`)) throw symlinkRefused(path);
      throw e;
    }
  };
}

/**
 * np.memmap's file handling (create/truncate for 'w+', growth for 'r+'/'w+') for the console over `dir`: inside
 * the folder through a descriptor opened with O_NOFOLLOW and checked (checkDescriptor) before it is truncated or
 * grown, the growth charged to the quota first; outside it (reads only, by the policy) as node:fs does.
 */
export function folderFileSystem(dir: string, base: RawFileSystem, options: FolderOptions = {}): RawFileSystem {
  const root = resolve(dir);
  const quota = options.quotaBytes ?? DEFAULT_FOLDER_QUOTA;
  const withFd = (path: string, create: boolean, use: (fd: number) => void): void => {
    let fd: number;
    try {
      fd = openSync(
        path,
        fsConstants.O_RDWR | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK | (create ? fsConstants.O_CREAT : 0),
        0o666,
      );
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkRefused(path);
      throw new IOError(path, String((e as Error).message));
    }
    try {
      checkDescriptor(fd, path, root);
      use(fd);
    } finally {
      closeSync(fd);
    }
  };
  return {
    size: (path) => base.size(path),
    truncateOrCreate(path) {
      if (!inside(root, resolve(root, path))) return base.truncateOrCreate(path);
      withFd(path, true, (fd) => ftruncateSync(fd, 0));
    },
    extend(path, size) {
      const full = resolve(root, path);
      if (!inside(root, full)) return base.extend(path, size);
      checkQuota(root, quota, path, full, size, false);
      // numpy: seek(size - 1) and write one zero byte; the gap reads as zeros
      withFd(path, false, (fd) => writeSync(fd, new Uint8Array(1), 0, 1, size - 1));
    },
  };
}
