/**
 * The browser bridge: the built renderer runs in Chromium, and `window.stridescope` calls a handler object made by
 * the same createHandlers() that Electron's main registers with ipcMain.handle, living in this test process — real
 * files, real mmap, real koffi. The transport differs (page.exposeBinding instead of ipcRenderer.invoke), and so
 * does what main wraps around the handlers: the native dialog is a stand-in that answers a real path
 * (fixtures.ts `answerDialog`), there is no command-line startup path and no sender check (main's own wiring of
 * those is tested with a stand-in electron module in tests/app/electronMain.test.ts).
 *
 * What the preload does with Electron APIs, the bridge does the browser's way:
 *  - `pathForFile(file)` (webUtils.getPathForFile in the preload): a browser File has no path, so the bridge maps
 *    the dropped file's name to the path the spec put on the page (`dropFiles`);
 *  - `onOpened` listeners: the bridge keeps them (main pushes only from its menu, which the browser has not).
 * A built renderer opened from file:// stays blank (module scripts, CSP 'self'), so out/renderer is served from a
 * fake origin through page.route.
 */
import { readFileSync, existsSync } from 'node:fs';
import { extname, join, resolve, normalize } from 'node:path';
import type { Page } from '@playwright/test';
import { API_METHODS, BRIDGE_NAME } from '../src-main/api/contract';
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
  await page.route((url) => !url.href.startsWith(ORIGIN), (route) => route.abort('blockedbyclient'));
}

export interface BridgeOptions {
  /** name of a dropped File -> its absolute path (what webUtils.getPathForFile answers in Electron) */
  dropFiles: Record<string, string>;
}

export async function installBridge(page: Page, handlers: Handlers, options: BridgeOptions): Promise<void> {
  const methods = new Set<string>(API_METHODS);
  await page.exposeBinding('__stridescopeInvoke', async (_source, method: unknown, args: unknown) => {
    if (typeof method !== 'string' || !methods.has(method) || !Array.isArray(args)) {
      return { ok: false, error: { kind: 'argument', message: `no API method ${String(method)}`, offset: null } };
    }
    const fn = (handlers as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
    // JSON round trip = what structured clone over IPC would let through (no functions, no prototypes).
    return JSON.parse(JSON.stringify(await fn(...args)));
  });
  await page.addInitScript(
    ({ methods: list, name, dropFiles }) => {
      const invoke = (window as unknown as { __stridescopeInvoke: (m: string, a: unknown[]) => Promise<unknown> }).__stridescopeInvoke;
      const listeners = new Set<(r: unknown) => void>();
      const api: Record<string, unknown> = {};
      for (const m of list) api[m] = (...args: unknown[]) => invoke(m, args);
      api.onOpened = (listener: (r: unknown) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      };
      api.pathForFile = (file: File) => (file && typeof file.name === 'string' ? (dropFiles[file.name] ?? '') : '');
      Object.defineProperty(window, name, { value: Object.freeze(api), writable: false, configurable: false });
    },
    { methods: [...API_METHODS], name: BRIDGE_NAME, dropFiles: options.dropFiles },
  );
}
