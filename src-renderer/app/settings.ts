/**
 * App-wide settings the user picks once: how offsets are written (hex or decimal, in every pane) and the theme
 * (follow the OS, or pin light / dark). Kept in localStorage so they survive a restart; read in React through
 * `useSettings()` (useSyncExternalStore), and outside React (the byte grid's canvas) through `getSettings()` +
 * `subscribeSettings()`.
 */
import { useSyncExternalStore } from 'react';

export type OffsetFormat = 'hex' | 'dec';
export type ThemeChoice = 'system' | 'light' | 'dark';

export interface Settings {
  offsetFormat: OffsetFormat;
  theme: ThemeChoice;
  /** The console's size from its splitter: px wide beside the pane, px tall under it (narrow windows); null = default. */
  consoleWidth: number | null;
  consoleHeight: number | null;
}

const KEY = 'stridescope.settings';
const DEFAULTS: Settings = { offsetFormat: 'hex', theme: 'system', consoleWidth: null, consoleHeight: null };

function px(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 100 && v <= 10000 ? Math.round(v) : null;
}

function load(): Settings {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Settings>;
    return {
      offsetFormat: raw.offsetFormat === 'dec' ? 'dec' : 'hex',
      theme: raw.theme === 'light' || raw.theme === 'dark' ? raw.theme : 'system',
      consoleWidth: px(raw.consoleWidth),
      consoleHeight: px(raw.consoleHeight),
    };
  } catch {
    // storage refused (private mode) or corrupt: the defaults
    return { ...DEFAULTS };
  }
}

let current: Settings = load();
const listeners = new Set<() => void>();

function applyTheme(theme: ThemeChoice): void {
  if (typeof document === 'undefined') return;
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
applyTheme(current.theme);

export function getSettings(): Settings {
  return current;
}

export function updateSettings(change: Partial<Settings>): void {
  current = { ...current, ...change };
  applyTheme(current.theme);
  try {
    localStorage.setItem(KEY, JSON.stringify(current));
  } catch {
    // not persisted; the choice still holds for this session
  }
  for (const l of listeners) l();
}

export function subscribeSettings(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSettings(): Settings {
  return useSyncExternalStore(subscribeSettings, getSettings, getSettings);
}

/** An offset as the user asked for it: `0x80` or `128` (`-0x4` / `-4`). `width` pads hex digits. */
export function formatOffset(n: number, format: OffsetFormat = current.offsetFormat, width = 0): string {
  if (format !== 'hex') return String(n);
  return (n < 0 ? '-0x' : '0x') + Math.abs(n).toString(16).padStart(width, '0');
}

/** The other spelling, for a tooltip or a muted aside. */
export function otherOffset(n: number, format: OffsetFormat = current.offsetFormat): string {
  return formatOffset(n, format === 'hex' ? 'dec' : 'hex');
}
