/**
 * Watching a file that is open (mapped) in Stridescope, so the app can warn when it changes underneath:
 *
 *   'truncated' — the file is shorter than before. If it no longer covers the mapping, every read of the lost
 *                 pages is refused (MappedMemory.check: a LifetimeError, never SIGBUS) — `unsafe` says so;
 *   'grown'     — longer than before: the mapping still shows the old extent (reopen to see the rest);
 *   'replaced'  — the path now names another file (saved by another program: rename over, or delete + create):
 *                 the mapping still shows the OLD file's bytes;
 *   'deleted'   — the path is gone: the mapping still shows the old bytes (the inode lives while mapped).
 *
 * Detection is fs.watch on the file and on its directory (a rename over the path is only seen there), plus a
 * poll (`pollMs`, default 1 s; fs.watch is silent on some network file systems) and `check()` on demand —
 * the app calls check() before every read or kernel call, so a change is noticed even if no event arrived.
 * Each change is reported once (the state it compares against moves on).
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';

export type FileChangeKind = 'truncated' | 'grown' | 'replaced' | 'deleted';

export interface FileChange {
  kind: FileChangeKind;
  path: string;
  /** Size before / now (null when deleted). */
  previousSize: number;
  size: number | null;
  /** Truncated below the mapped extent: reads of the lost bytes are refused. */
  unsafe: boolean;
  /** What the app shows. */
  message: string;
}

/** What the watcher needs of a mapping (MappedMemory fits): its file, its extent, and the mapped inode's size. */
export interface WatchedMapping {
  path: string;
  /** File offset of the mapping's end (fileOffset + size); 0 when nothing is mapped. */
  mappedEnd?: number;
  /** The size of the file the mapping holds (follows the mapped inode, even after the path was replaced). */
  currentFileSize?(): number;
  readonly alive?: boolean;
}

export interface FileWatchOptions {
  onChange?: (change: FileChange) => void;
  /** Poll interval in ms (0: no polling). Default 1000. The timer never keeps the process alive. */
  pollMs?: number;
}

export interface FileWatch {
  /** Compare now; returns (and reports) the changes since the last check. */
  check(): FileChange[];
  /** Every change reported so far. */
  readonly changes: readonly FileChange[];
  close(): void;
}

interface Snapshot {
  exists: boolean;
  dev: number;
  ino: number;
  size: number;
}

function snap(path: string): Snapshot {
  try {
    const st = fs.statSync(path);
    return { exists: true, dev: st.dev, ino: st.ino, size: st.size };
  } catch {
    return { exists: false, dev: 0, ino: 0, size: 0 };
  }
}

const mib = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${n} bytes`);

/** Watch `target` (a path, or a mapping) and report changes. */
export function watchMappedFile(target: string | WatchedMapping, options: FileWatchOptions = {}): FileWatch {
  const mapping: WatchedMapping = typeof target === 'string' ? { path: target } : target;
  const path = nodePath.resolve(mapping.path);
  const mappedEnd = mapping.mappedEnd ?? 0;
  let last = snap(path);
  // the mapped inode's size, followed separately: after a replace, the old (mapped) file can still be truncated
  let lastMapped = mappingSize();
  const changes: FileChange[] = [];
  const watchers: fs.FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  function mappingSize(): number | null {
    if (!mapping.currentFileSize || mapping.alive === false) return null;
    try {
      return mapping.currentFileSize();
    } catch {
      return null;
    }
  }

  function report(
    kind: FileChangeKind,
    previousSize: number,
    size: number | null,
    unsafe: boolean,
    message: string,
  ): FileChange {
    const c: FileChange = { kind, path: mapping.path, previousSize, size, unsafe, message };
    changes.push(c);
    try {
      options.onChange?.(c);
    } catch {
      /* a listener's failure must not stop the watch */
    }
    return c;
  }

  function check(): FileChange[] {
    if (closed) return [];
    const out: FileChange[] = [];
    const now = snap(path);
    const name = mapping.path;
    if (last.exists && !now.exists) {
      out.push(
        report(
          'deleted',
          last.size,
          null,
          false,
          `${name} was deleted: still showing its old contents (the mapping keeps them alive); reopen to refresh`,
        ),
      );
    } else if (now.exists && (!last.exists || now.dev !== last.dev || now.ino !== last.ino)) {
      out.push(
        report(
          'replaced',
          last.size,
          now.size,
          false,
          `${name} was replaced by another file (${mib(now.size)}): still showing the old contents; reopen to see the new file`,
        ),
      );
    } else if (now.exists && now.size < last.size) {
      const unsafe = now.size < mappedEnd;
      out.push(
        report(
          'truncated',
          last.size,
          now.size,
          unsafe,
          unsafe
            ? `${name} was truncated from ${mib(last.size)} to ${mib(now.size)} while mapped: the mapped bytes past the new end can no longer be read`
            : `${name} was truncated from ${mib(last.size)} to ${mib(now.size)} (the mapped bytes are intact)`,
        ),
      );
    } else if (now.exists && now.size > last.size) {
      out.push(
        report(
          'grown',
          last.size,
          now.size,
          false,
          `${name} grew from ${mib(last.size)} to ${mib(now.size)}: reopen to see the new bytes`,
        ),
      );
    }
    // the mapped inode itself (differs from the path after a replace or delete)
    const m = mappingSize();
    if (
      m !== null &&
      lastMapped !== null &&
      m < lastMapped &&
      !(out.length && out[out.length - 1].kind === 'truncated')
    ) {
      const unsafe = m < mappedEnd;
      out.push(
        report(
          'truncated',
          lastMapped,
          m,
          unsafe,
          `the file mapped from ${name} was truncated from ${mib(lastMapped)} to ${mib(m)}${unsafe ? ': the mapped bytes past the new end can no longer be read' : ''}`,
        ),
      );
    }
    if (m !== null) lastMapped = m;
    last = now;
    return out;
  }

  const onEvent = (): void => {
    check();
  };
  try {
    watchers.push(fs.watch(path, { persistent: false }, onEvent));
  } catch {
    /* gone already, or not watchable: the poll and check() still work */
  }
  try {
    const base = nodePath.basename(path);
    watchers.push(
      fs.watch(nodePath.dirname(path), { persistent: false }, (_event, file) => {
        if (file === null || file === base || String(file) === base) check();
      }),
    );
  } catch {
    /* ditto */
  }
  for (const w of watchers) w.on('error', () => undefined);
  const pollMs = options.pollMs ?? 1000;
  if (pollMs > 0) {
    timer = setInterval(check, pollMs);
    timer.unref();
  }

  return {
    check,
    get changes() {
      return changes;
    },
    close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      for (const w of watchers) {
        try {
          w.close();
        } catch {
          /* ignore */
        }
      }
    },
  };
}

/** The watch of a MappedMemory-like mapping: path, extent and the mapped inode's size. */
export function watchMapping(
  memory: { path: string; fileOffset: number; size: number; alive: boolean; currentFileSize(): number },
  options: FileWatchOptions = {},
): FileWatch {
  return watchMappedFile(
    {
      path: memory.path,
      mappedEnd: memory.fileOffset + memory.size,
      currentFileSize: () => memory.currentFileSize(),
      get alive() {
        return memory.alive;
      },
    },
    options,
  );
}
