/**
 * The browser bridge: the built renderer runs in Chromium, and `window.stridescope` calls a handler object made by
 * the same createHandlers() that Electron's main registers with ipcMain.handle, living in this test process — real
 * files, real mmap, real koffi. The transport differs (page.exposeBinding instead of ipcRenderer.invoke), and so
 * does what main wraps around the handlers: the native dialog is a stand-in that answers a real path
 * (fixtures.ts `answerDialog`), there is no command-line startup path and no sender check (main's own wiring of
 * those is tested with a stand-in electron module in tests/app/electronMain.test.ts).
 *
 * What the preload does with Electron APIs, the bridge does the browser's way:
 *  - `openDroppedFile(file)` (the preload resolves webUtils.getPathForFile and main grants the drop): a browser File
 *    has no path, so the bridge hands the File's NAME to this process, which maps it to a path the spec allowed
 *    (`dropFiles`) and grants it as main does (`openByUser(path, 'drop')`); the page never sends a path here either;
 *  - `onOpened` listeners: the bridge keeps them (main pushes only from its menu, which the browser has not);
 *  - `onProgress` listeners: the bridge keeps them; the fixture's handlers push progress with `pushProgress`.
 * A built renderer opened from file:// stays blank (module scripts, CSP 'self'), so out/renderer is served from a
 * fake origin through page.route.
 */
import { readFileSync, existsSync } from 'node:fs';
import { extname, join, resolve, normalize } from 'node:path';
import type { Page } from '@playwright/test';
import { API_METHODS, BRIDGE_NAME, type JobProgress } from '../src-main/api/contract';
import type { Handlers } from '../src-main/api/handlers';

export const ORIGIN = 'http://stridescope.test';
export const RENDERER_DIR = resolve(import.meta.dirname, '..', 'out', 'renderer');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** The Content-Security-Policy Electron's main sets on every response (the same string). */
export async function serveRenderer(page: Page, csp: string): Promise<void> {
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '') || 'index.html';
    const file = join(RENDERER_DIR, rel);
    if (!file.startsWith(RENDERER_DIR) || !existsSync(file)) {
      await route.fulfill({ status: 404, body: 'not found' });
      return;
    }
    await route.fulfill({
      status: 200,
      headers: { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-security-policy': csp },
      body: readFileSync(file),
    });
  });
  // Nothing else may load: any other origin is refused (the window has no remote content).
  await page.route(
    (url) => !url.href.startsWith(ORIGIN),
    (route) => route.abort('blockedbyclient'),
  );
}

export interface BridgeOptions {
  /** name of a dropped File -> its absolute path (what webUtils.getPathForFile answers in Electron) */
  dropFiles: Record<string, string>;
}

export async function installBridge(page: Page, handlers: Handlers, options: BridgeOptions): Promise<void> {
  const methods = new Set<string>(API_METHODS);
  await page.exposeBinding('__stridescopeDrop', async (_source, name: unknown) => {
    const path = typeof name === 'string' && Object.hasOwn(options.dropFiles, name) ? options.dropFiles[name] : '';
    if (!path)
      return {
        ok: false,
        error: {
          kind: 'argument',
          message: 'the dropped item has no file on disk (drop a file from a folder)',
          offset: null,
        },
      };
    return JSON.parse(JSON.stringify(await handlers.openByUser(path, 'drop')));
  });
  await page.exposeBinding('__stridescopeInvoke', async (_source, method: unknown, args: unknown) => {
    if (typeof method !== 'string' || !methods.has(method) || !Array.isArray(args)) {
      return { ok: false, error: { kind: 'argument', message: `no API method ${String(method)}`, offset: null } };
    }
    const fn = (handlers as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
    // JSON round trip = what structured clone over IPC would let through (no functions, no prototypes).
    return JSON.parse(JSON.stringify(await fn(...args)));
  });
  await page.addInitScript(
    ({ methods: list, name }) => {
      const w = window as unknown as {
        __stridescopeInvoke: (m: string, a: unknown[]) => Promise<unknown>;
        __stridescopeDrop: (name: string) => Promise<unknown>;
        __stridescopeProgress?: (p: unknown) => void;
      };
      const invoke = w.__stridescopeInvoke;
      const drop = w.__stridescopeDrop;
      const progressListeners = new Set<(p: unknown) => void>();
      w.__stridescopeProgress = (p: unknown) => {
        for (const l of progressListeners) l(p);
      };
      const listeners = new Set<(r: unknown) => void>();
      const api: Record<string, unknown> = {};
      for (const m of list) api[m] = (...args: unknown[]) => invoke(m, args);
      api.onOpened = (listener: (r: unknown) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      };
      api.onProgress = (listener: (p: unknown) => void) => {
        progressListeners.add(listener);
        return () => progressListeners.delete(listener);
      };
      api.openDroppedFile = (file: File) => drop(file && typeof file.name === 'string' ? file.name : '');
      Object.defineProperty(window, name, { value: Object.freeze(api), writable: false, configurable: false });
    },
    { methods: [...API_METHODS], name: BRIDGE_NAME },
  );
}

/** Push a job's progress to the page's onProgress listeners (what main's EVENT_PROGRESS does in Electron). */
export function pushProgress(page: Page, progress: JobProgress): void {
  page
    .evaluate(
      (p) => (window as unknown as { __stridescopeProgress?: (p: unknown) => void }).__stridescopeProgress?.(p),
      progress,
    )
    .catch(() => {
      // the page closed: nothing listens
    });
}
