/**
 * The recent-files list: the paths the user opened last (most recent first, at most LIMITS.maxRecent), kept in a
 * JSON file of the user's profile when one is given (Electron: app.getPath('userData')/recent.json), else in memory.
 * Each entry is a past grant: opening one grants it again (grants.ts). A corrupted or hostile profile file is read as
 * an empty list; a read-only profile directory never breaks opening files.
 */
import { readFileSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import * as v from './validate';
import { LIMITS } from './contract';

function loadRecent(file: string | undefined): string[] {
  if (!file) return [];
  try {
    // a corrupted (or hostile) profile file: too big, not JSON, not a list, entries that are not absolute paths
    if (statSync(file).size > 64 * 1024) return [];
    const list: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(list)) return [];
    const out: string[] = [];
    for (const p of list) {
      try {
        const ok = v.path(p);
        if (!out.includes(ok)) out.push(ok);
      } catch {
        // skip the entry
      }
      if (out.length >= LIMITS.maxRecent) break;
    }
    return out;
  } catch {
    return [];
  }
}

export class RecentFiles {
  private recent: string[];

  /**
   * @param file where the list lives; none = in memory
   * @param onChanged called after every change of the list, whatever opened the file (Electron rebuilds File › Open Recent)
   */
  constructor(
    private readonly file: string | undefined,
    private readonly onChanged?: (recent: readonly string[]) => void,
  ) {
    this.recent = loadRecent(file);
  }

  /** A copy of the list, most recent first. */
  list(): string[] {
    return [...this.recent];
  }

  /** The path at `index` of the list, or undefined past its end. */
  at(index: number): string | undefined {
    return this.recent[index];
  }

  /** Put `path` first (once), drop what falls off the end, save the list. */
  remember(path: string): void {
    this.recent = [path, ...this.recent.filter((p) => p !== path)].slice(0, LIMITS.maxRecent);
    if (this.file) {
      try {
        mkdirSync(dirname(this.file), { recursive: true });
        writeFileSync(this.file, JSON.stringify(this.recent, null, 2));
      } catch {
        // a read-only profile directory must not break opening files
      }
    }
    this.onChanged?.([...this.recent]);
  }
}
