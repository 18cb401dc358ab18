/**
 * The window's security settings, in one place (main uses them; the tests check them; the e2e bridge serves the
 * renderer with the same CSP). Imports only Electron's TYPES, so Node can load it without Electron.
 */
import type { WebPreferences } from 'electron';
import { pathToFileURL } from 'node:url';

/**
 * Is `url` the app's own page? Exactly the built `index.html` (any query or hash), or — in development — a page
 * of the dev server's ORIGIN. Not "any file:// URL mentioning /renderer/index.html" (a downloaded
 * `~/Downloads/x/renderer/index.html` would pass that) and not a prefix match (`http://localhost:5173.evil.net`).
 */
export function isAppUrl(url: string, opts: { indexFile: string; devUrl?: string }): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (opts.devUrl) {
    try {
      const dev = new URL(opts.devUrl);
      if ((dev.protocol === 'http:' || dev.protocol === 'https:') && u.origin === dev.origin) return true;
    } catch {
      // a malformed ELECTRON_RENDERER_URL trusts nothing
    }
  }
  if (u.protocol !== 'file:' || u.host !== '') return false;
  const own = pathToFileURL(opts.indexFile);
  const norm = (p: string): string | null => {
    try {
      const d = decodeURIComponent(p);
      return process.platform === 'win32' || process.platform === 'darwin' ? d.toLowerCase() : d;
    } catch {
      return null; // malformed percent-encoding
    }
  };
  const mine = norm(u.pathname);
  return mine !== null && mine === norm(own.pathname);
}

/** The Content-Security-Policy of every response the window loads: only our own scripts and styles, no remote anything. */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The window's web preferences: isolated, sandboxed, no Node in the page. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    // middle-click must not open links in new windows (Electron's checklist; electronegativity AUXCLICK_JS_CHECK)
    disableBlinkFeatures: 'Auxclick',
  };
}
