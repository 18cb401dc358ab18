/**
 * What `app://stridescope/…` answers (main registers it with protocol.handle): the built renderer's files with the
 * app's CSP, and the app's own error page. Uses only Node (fs, the global Response), so tests run it without
 * Electron. Electron's pattern: https://www.electronjs.org/docs/latest/api/protocol#protocolhandlescheme-handler
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { APP_HOST, CSP, MIME, appAssetPath } from './security';

export const ERROR_PAGE_PATH = '/error.html';

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The page shown when the renderer cannot (no script: it must work when the renderer's own files are what broke). */
export function errorPageHtml(message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stridescope — the window could not load</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font:15px system-ui,sans-serif;margin:3em;color:#ddd;background:#1e1e1e}pre{white-space:pre-wrap;background:#2a2a2a;padding:1em}</style>
</head><body><h1>Stridescope could not show its window</h1>
<pre id="reason">${escapeHtml(message)}</pre>
<p>From a clone: <code>npm run build</code>, then <code>npm start</code>. The command-line view works without the window:
<code>npx stridescope inspect FILE</code>. Close this window to quit.</p></body></html>`;
}

/**
 * The protocol handler for `app://stridescope/`. `rendererDir` is out/renderer of this install, whatever its path
 * holds (`%`, spaces, a UNC share): it is joined as a path, never put in a URL. `failure()` is the text of the error
 * page (main sets it before loading the page).
 */
export function appProtocolHandler(
  rendererDir: string,
  failure: () => string,
): (request: Request) => Promise<Response> {
  const headers = (type: string, csp: string) => ({
    'content-type': type,
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
  });
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return new Response('bad request', { status: 400 });
    }
    if (url.host.toLowerCase() !== APP_HOST || request.method !== 'GET')
      return new Response('not found', { status: 404 });
    if (url.pathname === ERROR_PAGE_PATH) {
      return new Response(errorPageHtml(failure()), {
        headers: headers(MIME['.html']!, "default-src 'none'; style-src 'unsafe-inline'"),
      });
    }
    const file = appAssetPath(rendererDir, url.pathname);
    if (file === null) return new Response('not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: headers(MIME[extname(file).toLowerCase()] ?? 'application/octet-stream', CSP),
      });
    } catch {
      return new Response('not found', { status: 404 });
    }
  };
}
