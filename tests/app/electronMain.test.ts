/**
 * The BUILT main process (out/main/index.js) loaded in plain Node with a stand-in 'electron' module (a loader
 * hook resolves 'electron' to a recorder): it must register an ipcMain handler for every contract method, make a
 * window with secure options, set the CSP header, deny permissions, navigation and new windows — and its IPC
 * handlers must answer from the real core (and refuse an untrusted sender).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_METHODS, channel } from '../../src-main/api/contract';
import { CSP } from '../../src-main/electron/security';

const ROOT = resolve(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'out', 'main', 'index.js');

const FAKE_ELECTRON = String.raw`
const rec = (globalThis.__electron = { handles: {}, windows: [], appEvents: {}, session: {}, menus: [], paths: {}, sent: [] });
class WebContents {
  constructor() { this.events = {}; this.openHandler = null; }
  on(name, fn) { (this.events[name] ??= []).push(fn); return this; }
  setWindowOpenHandler(fn) { this.openHandler = fn; }
  send(channel, payload) { rec.sent.push({ channel, payload }); }
}
export class BrowserWindow {
  static getAllWindows() { return rec.windows.map((w) => w.win); }
  constructor(options) {
    this.webContents = new WebContents();
    this.events = {};
    rec.windows.push({ options, win: this, loaded: null });
    for (const fn of rec.appEvents['web-contents-created'] ?? []) fn({}, this.webContents);
  }
  once(name, fn) { this.events[name] = fn; }
  on(name, fn) { this.events[name] = fn; }
  show() {}
  loadFile(p) { rec.windows.find((w) => w.win === this).loaded = { file: p }; return Promise.resolve(); }
  loadURL(u) { rec.windows.find((w) => w.win === this).loaded = { url: u }; return Promise.resolve(); }
}
export const app = {
  isPackaged: false,
  whenReady: () => Promise.resolve(),
  on(name, fn) { (rec.appEvents[name] ??= []).push(fn); return app; },
  getPath(name) { return rec.paths[name] ?? process.env.FAKE_USER_DATA; },
  setPath(name, p) { rec.paths[name] = p; },
  getVersion: () => '0.0.0-test',
  quit() {},
};
export const ipcMain = { handle(ch, fn) { if (rec.handles[ch]) throw new Error('handled twice: ' + ch); rec.handles[ch] = fn; } };
export const Menu = {
  buildFromTemplate(t) { return { template: t }; },
  setApplicationMenu(m) { rec.menus.push(m.template); },
};
export const dialog = { showOpenDialog: async () => ({ canceled: true, filePaths: [] }) };
export const session = {
  defaultSession: {
    webRequest: { onHeadersReceived(fn) { rec.session.headers = fn; } },
    setPermissionRequestHandler(fn) { rec.session.permissionRequest = fn; },
    setPermissionCheckHandler(fn) { rec.session.permissionCheck = fn; },
  },
};
export const webUtils = { getPathForFile: () => '' };
export default { app, BrowserWindow, ipcMain, Menu, dialog, session, webUtils };
`;

const HOOKS = String.raw`
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: process.env.FAKE_ELECTRON_URL, shortCircuit: true };
  return next(specifier, context);
}
`;

const RUNNER = String.raw`
import { register } from 'node:module';
register(process.env.FAKE_HOOKS_URL);
await import(process.env.MAIN_URL);
await new Promise((r) => setTimeout(r, 300));
const rec = globalThis.__electron;
const win = rec.windows[0];
const out = { channels: Object.keys(rec.handles).sort(), options: win?.options, loaded: win?.loaded, menus: rec.menus.map((t) => t.map((m) => m.label ?? m.role)) };
// navigation, new windows, webviews
let prevented = 0;
for (const fn of win.win.webContents.events['will-navigate'] ?? []) fn({ preventDefault: () => prevented++ }, 'https://evil.example/');
out.navigationPrevented = prevented;
let allowedOwn = 0;
for (const fn of win.win.webContents.events['will-navigate'] ?? []) fn({ preventDefault: () => allowedOwn++ }, 'file://' + process.env.MAIN_DIR + '/../renderer/index.html');
out.ownNavigationPrevented = allowedOwn;
out.windowOpen = win.win.webContents.openHandler?.({ url: 'https://evil.example/' });
let webview = 0;
for (const fn of win.win.webContents.events['will-attach-webview'] ?? []) fn({ preventDefault: () => webview++ });
out.webviewPrevented = webview;
// headers and permissions
rec.session.headers?.({ responseHeaders: { 'x-test': ['1'] } }, (r) => (out.headers = r.responseHeaders));
rec.session.permissionRequest?.({}, 'media', (granted) => (out.permissionGranted = granted));
out.permissionCheck = rec.session.permissionCheck?.({}, 'geolocation');
// IPC: an untrusted sender is refused; our page gets real answers
const trusted = { sender: win.win.webContents, senderFrame: { url: 'file://' + process.env.MAIN_DIR + '/../renderer/index.html' } };
const untrusted = { sender: {}, senderFrame: { url: 'https://evil.example/' } };
out.untrusted = await rec.handles['stridescope:openExample'](untrusted);
out.example = await rec.handles['stridescope:openExample'](trusted);
out.hostile = await rec.handles['stridescope:readBytes'](trusted, 'a1', -1, 10);
out.window = await rec.handles['stridescope:readBytes'](trusted, out.example.value?.id, 128, 16);
process.stdout.write('@@' + JSON.stringify(out) + '@@');
process.exit(0);
`;

interface Recorded {
  channels: string[];
  options: { webPreferences: Record<string, unknown>; [k: string]: unknown };
  loaded: { file?: string; url?: string };
  menus: string[][];
  navigationPrevented: number;
  ownNavigationPrevented: number;
  windowOpen: { action: string };
  webviewPrevented: number;
  headers: Record<string, string[]>;
  permissionGranted: boolean;
  permissionCheck: boolean;
  untrusted: { ok: boolean; error?: { kind: string } };
  example: { ok: boolean; value: { id: string; shape: number[]; values: unknown[] } };
  hostile: { ok: boolean; error: { kind: string } };
  window: { ok: boolean; value: { hex: string } };
}

let rec: Recorded;

beforeAll(() => {
  if (!existsSync(MAIN) || process.env.STRIDESCOPE_TEST_BUILD !== '0') {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'pipe' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'stridescope-fake-electron-'));
  writeFileSync(join(dir, 'electron.mjs'), FAKE_ELECTRON);
  writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
  writeFileSync(join(dir, 'runner.mjs'), RUNNER);
  const stdout = execFileSync(process.execPath, [join(dir, 'runner.mjs')], {
    cwd: ROOT,
    env: {
      ...process.env,
      FAKE_ELECTRON_URL: pathToFileURL(join(dir, 'electron.mjs')).href,
      FAKE_HOOKS_URL: pathToFileURL(join(dir, 'hooks.mjs')).href,
      MAIN_URL: pathToFileURL(MAIN).href,
      MAIN_DIR: join(ROOT, 'out', 'main'),
      FAKE_USER_DATA: dir,
      ELECTRON_RENDERER_URL: '',
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const m = /@@(.*)@@/s.exec(stdout);
  if (!m) throw new Error(`the built main printed no record:\n${stdout}`);
  rec = JSON.parse(m[1]);
}, 120_000);

describe('the built Electron main under a stand-in electron', () => {
  it('registers exactly one ipcMain handler per contract method', () => {
    expect(rec.channels).toEqual(API_METHODS.map(channel).sort());
  });

  it('makes a window with secure web preferences and the sandboxed CommonJS preload', () => {
    const wp = rec.options.webPreferences;
    expect(wp.contextIsolation).toBe(true);
    expect(wp.sandbox).toBe(true);
    expect(wp.nodeIntegration).toBe(false);
    expect(wp.nodeIntegrationInWorker).toBe(false);
    expect(wp.nodeIntegrationInSubFrames).toBe(false);
    expect(wp.webSecurity).toBe(true);
    expect(wp.allowRunningInsecureContent).toBe(false);
    expect(wp.webviewTag).toBe(false);
    expect(String(wp.preload)).toMatch(/out[/\\]preload[/\\]index\.cjs$/);
    expect(existsSync(String(wp.preload))).toBe(true);
    expect(rec.loaded.file).toMatch(/out[/\\]renderer[/\\]index\.html$/);
  });

  it('sets the strict CSP on every response, and denies permissions, navigation, new windows and webviews', () => {
    expect(rec.headers['Content-Security-Policy']).toEqual([CSP]);
    expect(rec.headers['x-test']).toEqual(['1']);
    expect(CSP).toContain("default-src 'none'");
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).not.toContain('unsafe-eval');
    expect(rec.permissionGranted).toBe(false);
    expect(rec.permissionCheck).toBe(false);
    expect(rec.navigationPrevented).toBeGreaterThanOrEqual(1);
    expect(rec.ownNavigationPrevented).toBe(0);
    expect(rec.windowOpen).toEqual({ action: 'deny' });
    expect(rec.webviewPrevented).toBeGreaterThanOrEqual(1);
  });

  it('has a File menu with Open…, Open Recent and Open Example', () => {
    expect(rec.menus.length).toBeGreaterThanOrEqual(1);
    expect(rec.menus[0]).toContain('File');
  });

  it('answers IPC from its own page with the real core, and refuses other senders', () => {
    expect(rec.untrusted.ok).toBe(false);
    expect(rec.untrusted.error!.kind).toBe('argument');
    expect(rec.example.ok).toBe(true);
    expect(rec.example.value.shape).toEqual([2, 2]);
    expect(rec.example.value.values).toEqual([0, 1, 2, 3]);
    expect(rec.hostile).toMatchObject({ ok: false, error: { kind: 'argument' } });
    expect(rec.window.value.hex).toBe('00000000010000000200000003000000');
  });
});

describe('the built preload', () => {
  it('is one CommonJS file that requires only electron', async () => {
    const { readFileSync } = await import('node:fs');
    const src = readFileSync(join(ROOT, 'out', 'preload', 'index.cjs'), 'utf8');
    const requires = [...src.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(requires).toEqual(['electron']);
    expect(src).not.toMatch(/^\s*import\s/m);
    expect(src).toContain('exposeInMainWorld');
    for (const m of API_METHODS) expect(src).toContain(`"${m}"`);
  });

  it('the renderer page carries the same policy in its meta tag', async () => {
    const { readFileSync } = await import('node:fs');
    const html = readFileSync(join(ROOT, 'out', 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)![1];
    // frame-ancestors is ignored in a meta tag; every other directive must match the header's
    const norm = (p: string) =>
      p
        .split(';')
        .map((d) => d.trim())
        .filter((d) => d && !d.startsWith('frame-ancestors'))
        .sort();
    expect(norm(meta)).toEqual(norm(CSP));
  });
});
