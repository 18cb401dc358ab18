/**
 * The window's security settings, in one place (main uses them; the tests check them; the e2e bridge serves the
 * renderer with the same CSP). Imports only Electron's TYPES, so Node can load it without Electron.
 */
import type { WebPreferences } from 'electron';

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
