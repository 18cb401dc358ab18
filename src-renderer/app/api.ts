/**
 * The renderer's handle on main: `window.stridescope`, exposed by the preload (or, in the browser e2e specs,
 * by the bridge that calls the same handlers). Types come from the contract, imported for types only.
 */
import type { ApiError, ArraySummary, Result, StridescopeBridge } from '@contract';

declare global {
  interface Window {
    stridescope?: StridescopeBridge;
  }
}

export function bridge(): StridescopeBridge {
  const b = window.stridescope;
  if (!b) throw new Error('window.stridescope is missing: the preload did not run');
  return b;
}

/** A failed call as an ApiError even when the transport itself failed. */
export async function call<T>(fn: (api: StridescopeBridge) => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await fn(bridge());
  } catch (e) {
    const error: ApiError = { kind: 'internal', message: e instanceof Error ? e.message : String(e), offset: null };
    return { ok: false, error };
  }
}

let startup: Promise<Result<ArraySummary>> | undefined;
/** main's startup() answer, asked once per page load however often a (StrictMode) effect asks for it. */
export function startupOnce(): Promise<Result<ArraySummary>> {
  startup ??= call((api) => api.startup());
  return startup;
}

/** Parse "123", "0x7b", "1_000" as a non-negative integer; null when it is not one. */
export function parseOffset(text: string): number | null {
  const t = text.trim().replace(/_/g, '');
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^[0-9]+$/.test(t)) return Number(t);
  return null;
}

export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '—';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return JSON.stringify(v);
}

export function tuple(xs: readonly number[]): string {
  return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`;
}

/**
 * Copy text to the clipboard: `{ ok: true }`, or why not. Electron grants the page `clipboard-sanitized-write` (main's
 * permission handler, the app's own origin only); a browser without a secure context has no navigator.clipboard.
 */
export async function copyText(text: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    if (!navigator.clipboard) return { ok: false, reason: 'no clipboard access in this page' };
    await navigator.clipboard.writeText(text);
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}
