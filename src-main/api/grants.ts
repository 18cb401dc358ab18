/**
 * Files by grant, not by path: the renderer is untrusted, so it never names a file. Main grants one when the user
 * shows intent — picks it in the Open dialog, drops it on the window (the preload resolves the dropped File with
 * webUtils.getPathForFile in its isolated world), names it on the command line / a second launch / macOS
 * open-file, or picks an entry of the recent list (entries are past grants). The renderer then holds an opaque
 * grant id ("g1") and can open only that file (an .npz grant covers its members).
 *
 * This follows Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security,
 * "Validate the sender of all IPC messages" and "Do not expose Electron APIs to untrusted web content"): main
 * decides not only the shape of a request but whether the page may ask for it at all.
 *
 * Grants last for the session (the handler object). What was never granted answers only "not granted": no
 * ENOENT / EISDIR / ELOOP, so the page cannot probe whether a path exists.
 */
import { realpathSync } from 'node:fs';
import { ArgumentError } from '../core/errors';
import { LIMITS, type GrantId } from './contract';

/** How the user handed a file over (kept for the record and the docs; every way is user intent). */
export type GrantOrigin = 'dialog' | 'drop' | 'command-line' | 'second-instance' | 'open-file' | 'recent' | 'menu';

export interface Grant {
  id: GrantId;
  /** the absolute path as the user named it (what the recent list shows) */
  path: string;
  /** the path with symlinks resolved at grant time: what is opened */
  real: string;
  origin: GrantOrigin;
}

/** The one error for anything the renderer names that was never granted (no detail: nothing to probe). */
export function notGranted(): ArgumentError {
  return new ArgumentError(
    'not granted',
    'a grant id handed out by main (Open…, a drop, the command line or the recent list)',
  );
}

/**
 * Windows UNC and device paths: `\\?\C:\x`, `\\.\PhysicalDrive0`, `\\host\share\x` (and the same with forward
 * slashes). Opening one makes Windows authenticate to that host or talk to a device, so they are refused on every
 * platform, whoever names them.
 */
export function isUncOrDevicePath(p: string): boolean {
  return /^[\\/]{2}/.test(p);
}

/** An absolute local path the user named (dialog, drop, command line): refused when relative, UNC, NUL, too long. */
export function userPath(p: unknown): string {
  if (typeof p !== 'string' || p === '' || p.length > LIMITS.maxPathLength || p.includes('\0')) {
    throw new ArgumentError('not a path to a local file', 'an absolute local path');
  }
  if (isUncOrDevicePath(p))
    throw new ArgumentError('UNC and device paths (\\\\host\\share, \\\\?\\, \\\\.\\) are refused', 'a local path');
  const absolute = p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);
  if (!absolute) throw new ArgumentError('the path must be absolute', 'an absolute local path');
  return p;
}

export class GrantTable {
  private readonly byId = new Map<GrantId, Grant>();
  private next = 1;

  /** Grant a file the user named; the same real file keeps its grant. Throws for UNC/device/relative paths. */
  grant(path: string, origin: GrantOrigin): Grant {
    const p = userPath(path);
    let real = p;
    try {
      real = realpathSync.native(p);
    } catch {
      // missing: opening it reports the I/O error (to the user who named it)
    }
    if (isUncOrDevicePath(real)) throw new ArgumentError('UNC and device paths are refused', 'a local path');
    for (const g of this.byId.values()) if (g.real === real && g.path === p) return g;
    const g: Grant = { id: `g${this.next++}`, path: p, real, origin };
    this.byId.set(g.id, g);
    return g;
  }

  /** The grant behind an id the renderer sent; "not granted" for anything else (never a path, never a hint). */
  get(id: unknown): Grant {
    if (typeof id !== 'string' || id.length > 32) throw notGranted();
    const g = this.byId.get(id);
    if (!g) throw notGranted();
    return g;
  }

  has(id: GrantId): boolean {
    return this.byId.has(id);
  }
}
