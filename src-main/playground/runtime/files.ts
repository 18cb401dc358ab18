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
 * Refusals are Python's `PermissionError`, shown in the console like any other exception.
 *
 * `stridescope run FILE` uses no policy: it is the user's own shell, with the user's own rights.
 */
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { PyException } from './errors';

export type FileAccess = 'read' | 'write';

/** Resolve a Python file name for `what` (e.g. 'np.save'): the path to use, or a thrown PyException. */
export type FilePolicy = (name: string, access: FileAccess, what: string) => string;

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
export function sandboxFiles(dir: string): FilePolicy {
  const root = resolve(dir);
  let realRoot: string | null = null;
  const rootReal = () => (realRoot ??= existsSync(root) ? realpathSync(root) : root);
  return (name, access, what) => {
    if (name === '') throw new PyException('FileNotFoundError', `[Errno 2] No such file or directory: ''`);
    if (name.includes('\0')) throw new PyException('ValueError', `${what}: embedded null byte`);
    if (name.length > 4096) throw new PyException('OSError', `[Errno 36] File name too long`);
    const absolute = isAbsolute(name) || /^[A-Za-z]:[\\/]/.test(name);
    const full = resolve(root, name);
    if (!absolute && !inside(root, full)) throw refuse(name, `a relative name must stay inside the console's working directory ${root}`);
    if (access === 'write') {
      if (!inside(root, full) || !inside(rootReal(), realish(full))) {
        throw refuse(name, `${what} may write only inside the console's working directory ${root}`);
      }
      // An existing target must be the folder's own file: not a symbolic link (np.memmap 'r+' would follow it) and
      // not a hard link (its inode is also a file elsewhere: writing through the mapping writes there).
      // A path-level check: a swap between this check and the open is not closed yet (docs/console.md).
      let st;
      try {
        st = lstatSync(full);
      } catch {
        st = null;
      }
      if (st?.isSymbolicLink()) throw refuse(name, `${what} does not write through a symbolic link in the working directory`);
      if (st && st.isFile() && st.nlink > 1) throw refuse(name, `${what} does not write through a hard link (${st.nlink} names for one file)`);
    } else if (!absolute && !inside(rootReal(), realish(full))) {
      throw refuse(name, `a relative name must stay inside the console's working directory ${root}`);
    }
    return full;
  };
}
