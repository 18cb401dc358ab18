/**
 * The window's security settings, in one place (main uses them; the tests check them; the e2e bridge serves the
 * renderer with the same CSP). Imports only Electron's TYPES, so Node can load it without Electron.
 *
 * The page is served from the app's own privileged scheme, `app://stridescope/` (protocol.handle in main), never
 * from file://: the install path then never appears in a URL, so a trust check is an ORIGIN comparison — scheme and
 * host, no decoding of paths — and is the same for `/opt/Stride%20scope`, `C:\Program Files\...`, a UNC share or a
 * folder with a literal `%` in its name. See https://www.electronjs.org/docs/latest/tutorial/security#18-avoid-usage-of-the-file-protocol-and-prefer-usage-of-custom-protocols
 */
import type { CustomScheme, WebPreferences } from 'electron';
import { isAbsolute, join, normalize, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'stridescope';
/** The origin of every page main loads (Chromium canonicalises a standard scheme's host to lower case). */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * `app:` as a standard, secure scheme, so the page gets a real origin (module scripts, fetch and the clipboard need
 * one). Registered before `ready` (protocol.registerSchemesAsPrivileged may be called only then).
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/**
 * `scheme://host[:port]` of a hierarchical URL, lower-cased; null for anything without a host (file:///…, data:,
 * about:blank, a malformed string). Computed by hand because Node's URL gives every non-special scheme (app:) the
 * opaque origin "null", while Chromium, where app: is registered as standard, gives it `app://stridescope`.
 * Nothing is decoded: a `%` anywhere in the URL can neither throw nor change the answer.
 */
export function urlOrigin(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol === 'file:' || u.host === '') return null;
  return `${u.protocol}//${u.host}`.toLowerCase();
}

/**
 * The renderer development server (electron-vite sets ELECTRON_RENDERER_URL under `npm run dev`), honoured only in
 * an unpackaged app and only as an http(s) URL: a packaged build always loads its own files.
 */
export function devServerUrl(env: Record<string, string | undefined>, packaged: boolean): string | undefined {
  const raw = env.ELECTRON_RENDERER_URL;
  if (packaged || !raw) return undefined;
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Is `url` one of the app's own pages? Same origin as what main loaded: `app://stridescope`, or — in development,
 * when main loaded the dev server — the dev server's origin (not a prefix: `http://localhost:5173.evil.net` fails).
 */
export function isAppUrl(url: string, opts: { devUrl?: string } = {}): boolean {
  const origin = urlOrigin(url);
  if (origin === null) return false;
  if (origin === APP_ORIGIN) return true;
  return opts.devUrl !== undefined && origin === urlOrigin(opts.devUrl);
}

/**
 * The file under `root` that `app://stridescope<pathname>` names, or null when it names nothing inside `root`
 * (`..`, an encoded separator, a NUL, malformed percent-encoding). The REQUEST path is decoded here (it is the
 * page's own asset name, `/assets/index-3f2a.js`); `root` is used as given, whatever characters the install path has.
 */
export function appAssetPath(root: string, pathname: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..' || (process.platform === 'win32' && /[:]/.test(p)))) return null;
  if (parts.length === 0) parts.push('index.html');
  const file = normalize(join(root, ...parts));
  const base = normalize(root).replace(/[\\/]+$/, '') + sep;
  if (!isAbsolute(file) || !file.startsWith(base)) return null;
  return file;
}

/** Content types of the files the renderer build emits. */
export const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

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

/**
 * The policy for the Vite DEVELOPMENT server only (`npm run dev`): @vitejs/plugin-react injects an inline
 * module-script preamble and Vite injects `<style>` elements, both blocked by `'self'`, and hot reload talks over a
 * WebSocket to the server. Never used for the built files: main applies it only when the app is not packaged AND the
 * response comes from the dev server's origin; the dev-only Vite plugin puts it in the served page's meta tag.
 */
export function devCsp(devUrl: string): string {
  const u = new URL(devUrl);
  const ws = `${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}`;
  return CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    .replace("connect-src 'self'", `connect-src 'self' ${ws}`);
}

/** The CSP main puts on a response from `responseUrl`: the dev policy only for the dev server's own responses. */
export function cspFor(responseUrl: string, devUrl: string | undefined): string {
  if (devUrl !== undefined && urlOrigin(responseUrl) !== null && urlOrigin(responseUrl) === urlOrigin(devUrl))
    return devCsp(devUrl);
  return CSP;
}

/**
 * Permissions the page may have: writing text to the clipboard (the copy buttons: `navigator.clipboard.writeText`
 * asks for `clipboard-sanitized-write`), and only for the app's own page. Everything else is denied.
 */
export function permissionAllowed(permission: string, requestingUrl: string | undefined, devUrl?: string): boolean {
  return (
    permission === 'clipboard-sanitized-write' && requestingUrl !== undefined && isAppUrl(requestingUrl, { devUrl })
  );
}

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
