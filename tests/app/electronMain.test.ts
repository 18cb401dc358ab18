/**
 * The BUILT main process (out/main/index.js) loaded in plain Node with a stand-in 'electron' module (a loader
 * hook resolves 'electron' to a recorder): it must register an ipcMain handler for every contract method, make a
 * window with secure options, set the CSP header, deny permissions, navigation and new windows — and its IPC
 * handlers must answer from the real core (and refuse an untrusted sender).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_METHODS, DROP_CHANNEL, EVENT_OPENED, EVENT_PROGRESS, channel } from '../../src-main/api/contract';
import { CSP } from '../../src-main/electron/security';

const ROOT = resolve(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'out', 'main', 'index.js');

const FAKE_ELECTRON = String.raw`
const rec = (globalThis.__electron = { handles: {}, windows: [], appEvents: {}, session: {}, menus: [], paths: {}, sent: [], errorBoxes: [], exitCode: null, quit: 0, schemes: null, protocols: {}, order: [] });
class WebContents {
  constructor() { this.events = {}; this.openHandler = null; }
  on(name, fn) { (this.events[name] ??= []).push(fn); return this; }
  once(name, fn) { const once = (...a) => { this.events[name] = this.events[name].filter((f) => f !== once); fn(...a); }; return this.on(name, once); }
  emit(name, ...args) { for (const fn of [...(this.events[name] ?? [])]) fn(...args); }
  isLoading() { return this.loading === true; }
  setWindowOpenHandler(fn) { this.openHandler = fn; }
  send(channel, payload) { rec.sent.push({ channel, payload }); }
}
export class BrowserWindow {
  static getAllWindows() { return rec.windows.map((w) => w.win); }
  constructor(options) {
    this.webContents = new WebContents();
    this.events = {};
    this.visible = false; this.focused = 0; this.loads = [];
    rec.windows.push({ options, win: this, loaded: null });
    for (const fn of rec.appEvents['web-contents-created'] ?? []) fn({}, this.webContents);
  }
  once(name, fn) { (this.events[name] ??= []).push(fn); return this; }
  on(name, fn) { (this.events[name] ??= []).push(fn); return this; }
  emit(name, ...args) { for (const fn of this.events[name] ?? []) fn(...args); }
  show() { this.visible = true; }
  focus() { this.focused++; }
  isVisible() { return this.visible; }
  isDestroyed() { return false; }
  isMinimized() { return false; }
  restore() {}
  loadFile(p) { this.loads.push('file:' + p); rec.windows.find((w) => w.win === this).loaded = { file: p }; return Promise.resolve(); }
  loadURL(u) { this.loads.push(u); rec.windows.find((w) => w.win === this).loaded = { url: u }; return Promise.resolve(); }
}
let ready;
const readyPromise = new Promise((r) => (ready = r));
export const app = {
  isPackaged: process.env.FAKE_PACKAGED === '1',
  whenReady() {
    rec.order.push('whenReady');
    rec.openFileListenerBeforeReady = !!rec.appEvents['open-file'];
    // the OS hands a file over before ready (macOS: double-click in Finder launches the app)
    setTimeout(() => {
      if (process.env.FAKE_OPEN_FILE) for (const fn of rec.appEvents['open-file'] ?? []) fn({ preventDefault() {} }, process.env.FAKE_OPEN_FILE);
      rec.order.push('ready');
      ready();
    }, 20);
    return readyPromise;
  },
  on(name, fn) { (rec.appEvents[name] ??= []).push(fn); return app; },
  emit(name, ...args) { for (const fn of rec.appEvents[name] ?? []) fn(...args); },
  getPath(name) { return rec.paths[name] ?? process.env.FAKE_USER_DATA; },
  setPath(name, p) { rec.paths[name] = p; },
  getVersion: () => '0.0.0-test',
  requestSingleInstanceLock() { rec.order.push('lock'); return process.env.FAKE_LOCK !== '0'; },
  quit() { rec.quit++; },
  exit(code) { rec.exitCode = code ?? 0; },
};
export const protocol = {
  registerSchemesAsPrivileged(s) { rec.order.push('schemes'); rec.schemes = s; },
  handle(scheme, fn) { rec.protocols[scheme] = fn; },
};
export const ipcMain = { handle(ch, fn) { if (rec.handles[ch]) throw new Error('handled twice: ' + ch); rec.handles[ch] = fn; } };
export const Menu = {
  buildFromTemplate(t) { return { template: t }; },
  setApplicationMenu(m) { rec.menus.push(m.template); },
};
export const dialog = {
  showOpenDialog: async () => (process.env.FAKE_DIALOG_PATH ? { canceled: false, filePaths: [process.env.FAKE_DIALOG_PATH] } : { canceled: true, filePaths: [] }),
  showErrorBox(title, content) { rec.errorBoxes.push({ title, content }); },
};
export const session = {
  defaultSession: {
    webRequest: { onHeadersReceived(fn) { rec.session.headers = fn; } },
    setPermissionRequestHandler(fn) { rec.session.permissionRequest = fn; },
    setPermissionCheckHandler(fn) { rec.session.permissionCheck = fn; },
  },
};
export const webUtils = { getPathForFile: () => '' };
export default { app, BrowserWindow, ipcMain, Menu, dialog, session, webUtils, protocol };
`;

const HOOKS = String.raw`
export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: process.env.FAKE_ELECTRON_URL, shortCircuit: true };
  // a koffi whose native binary does not load (what a missing or foreign koffi.node does)
  if (specifier === 'koffi' && process.env.FAKE_KOFFI_BROKEN === '1') return { url: 'data:text/javascript,throw new Error("koffi.node: wrong ELF class")', shortCircuit: true };
  return next(specifier, context);
}
`;

/** Loads the built main under the stand-in, waits until it made its window (or gave up), runs SCENARIO, prints a record. */
const RUNNER = String.raw`
import { register } from 'node:module';
register(process.env.FAKE_HOOKS_URL);
await import(process.env.MAIN_URL);
const rec = globalThis.__electron;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
for (let i = 0; i < 200 && rec.windows.length === 0 && rec.quit === 0 && rec.exitCode === null; i++) await sleep(25);
await sleep(50);
const win = rec.windows[0];
const out = { order: rec.order, schemes: rec.schemes, quit: rec.quit, exitCode: rec.exitCode, windows: rec.windows.length, openFileListenerBeforeReady: rec.openFileListenerBeforeReady };
const scenario = await import(process.env.SCENARIO_URL);
await scenario.default({ rec, win: win?.win, out, sleep });
out.errorBoxes = rec.errorBoxes;
out.exitCodeAfter = rec.exitCode;
process.stdout.write('@@' + JSON.stringify(out) + '@@');
process.exit(0);
`;

const dir = mkdtempSync(join(tmpdir(), 'stridescope-fake-electron-'));

/** Run the built main (from `mainFile`) under the stand-in with a scenario (the body of an async function). */
function runMain(scenario: string, env: Record<string, string> = {}, mainFile = MAIN): Record<string, any> {
  const name = `scenario-${Math.random().toString(36).slice(2)}.mjs`;
  writeFileSync(join(dir, name), `export default async function ({ rec, win, out, sleep }) {\n${scenario}\n}\n`);
  const stdout = execFileSync(process.execPath, [join(dir, 'runner.mjs')], {
    cwd: ROOT,
    env: {
      ...process.env,
      FAKE_ELECTRON_URL: pathToFileURL(join(dir, 'electron.mjs')).href,
      FAKE_HOOKS_URL: pathToFileURL(join(dir, 'hooks.mjs')).href,
      MAIN_URL: pathToFileURL(mainFile).href,
      SCENARIO_URL: pathToFileURL(join(dir, name)).href,
      FAKE_USER_DATA: mkdtempSync(join(dir, 'profile-')),
      ELECTRON_RENDERER_URL: '',
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const m = /@@(.*)@@/s.exec(stdout);
  if (!m) throw new Error(`the built main printed no record:\n${stdout}`);
  return JSON.parse(m[1]);
}

const MAIN_SCENARIO = String.raw`
const appPage = 'app://stridescope/index.html';
out.options = rec.windows[0].options;
out.loaded = rec.windows[0].loaded;
out.channels = Object.keys(rec.handles).sort();
out.menus = rec.menus.map((t) => t.map((m) => m.label ?? m.role));
// navigation, new windows, webviews
const navigation = (url) => { let n = 0; win.webContents.emit('will-navigate', { preventDefault: () => n++ }, url); return n > 0; };
out.navigationPrevented = [navigation('https://evil.example/'), navigation('file://' + process.env.MAIN_DIR + '/../renderer/index.html')];
let allowedOwn = 0;
win.webContents.emit('will-navigate', { preventDefault: () => allowedOwn++ }, appPage + '#x');
out.ownNavigationPrevented = allowedOwn;
out.windowOpen = win.webContents.openHandler?.({ url: 'https://evil.example/' });
let webview = 0;
win.webContents.emit('will-attach-webview', { preventDefault: () => webview++ });
out.webviewPrevented = webview;
// headers and permissions: only clipboard-sanitized-write, only for the app's page in the app's window
rec.session.headers?.({ url: appPage, responseHeaders: { 'x-test': ['1'] } }, (r) => (out.headers = r.responseHeaders));
const ask = (contents, permission, url) => { let g; rec.session.permissionRequest(contents, permission, (x) => (g = x), { requestingUrl: url, isMainFrame: true }); return g; };
out.permissions = {
  clipboardApp: ask(win.webContents, 'clipboard-sanitized-write', appPage),
  clipboardEvil: ask(win.webContents, 'clipboard-sanitized-write', 'https://evil.example/'),
  clipboardFile: ask(win.webContents, 'clipboard-sanitized-write', 'file://' + process.env.MAIN_DIR + '/../renderer/index.html'),
  clipboardOtherContents: ask({}, 'clipboard-sanitized-write', appPage),
  clipboardRead: ask(win.webContents, 'clipboard-read', appPage),
  media: ask(win.webContents, 'media', appPage),
  notifications: ask(win.webContents, 'notifications', appPage),
  checkClipboardApp: rec.session.permissionCheck(win.webContents, 'clipboard-sanitized-write', 'app://stridescope', {}),
  checkClipboardEvil: rec.session.permissionCheck(win.webContents, 'clipboard-sanitized-write', 'https://evil.example', {}),
  checkGeolocation: rec.session.permissionCheck(win.webContents, 'geolocation', 'app://stridescope', {}),
};
// the app:// protocol serves the built renderer with the CSP, and nothing outside it
const serve = rec.protocols.app;
const get = async (u) => { const r = await serve(new Request(u)); return { status: r.status, type: r.headers.get('content-type'), csp: r.headers.get('content-security-policy'), body: (await r.text()).slice(0, 2000) }; };
out.served = { index: await get(appPage), traversal: await get('app://stridescope/..%2f..%2fmain%2findex.js'), badEscape: await get('app://stridescope/%E0%A4%A'), otherHost: await get('app://evil/index.html') };
// IPC: the sender check compares origins with what main loaded; no decoding
const call = (frameUrl, sender = win.webContents) => rec.handles['stridescope:appInfo']({ sender, senderFrame: { url: frameUrl } });
out.sender = {
  app: (await call(appPage)).ok,
  appHash: (await call(appPage + '#/walk?x=%E0%A4%A')).ok,
  fileIndex: (await call('file://' + process.env.MAIN_DIR + '/../renderer/index.html')).ok,
  unc: (await call('file://server/share/Stridescope/resources/app.asar/out/renderer/index.html')).ok,
  percent: (await call('file:///opt/100%/out/renderer/index.html')).ok,
  evil: (await call('https://evil.example/')).ok,
  otherContents: (await call(appPage, {})).ok,
  lookalike: (await call('app://stridescope.evil/index.html')).ok,
};
const trusted = { sender: win.webContents, senderFrame: { url: appPage } };
out.untrusted = await rec.handles['stridescope:openExample']({ sender: {}, senderFrame: { url: 'https://evil.example/' } });
out.example = await rec.handles['stridescope:openExample'](trusted);
out.hostile = await rec.handles['stridescope:readBytes'](trusted, 'a1', -1, 10);
out.window = await rec.handles['stridescope:readBytes'](trusted, out.example.value?.id, 128, 16);
const recentLabels = () => rec.menus.at(-1).find((m) => m.label === 'File').submenu.find((i) => i.label === 'Open Recent').submenu.map((i) => i.label);
out.recentBefore = recentLabels();
out.startup = await rec.handles['stridescope:startup'](trusted);
out.recentAfterStartup = recentLabels();
// the menu is rebuilt after every successful open, whatever started it: IPC open (drop / toolbar / recent list), dialog, menu
await rec.handles['stridescope:drop'](trusted, process.env.FIX_A);
out.recentAfterIpcOpen = recentLabels();
await rec.handles['stridescope:openDialog'](trusted);
out.recentAfterDialog = recentLabels();
const fileMenu = rec.menus.at(-1).find((m) => m.label === 'File').submenu;
fileMenu.find((i) => i.label === 'Open Recent').submenu.at(-1).click();
await sleep(100);
out.recentAfterMenuRecent = recentLabels();
out.sentAfterMenu = rec.sent.map((s) => s.channel + ':' + s.payload.ok);
`;

let rec: Record<string, any>;
const FIX_A = join(ROOT, 'tests', 'fixtures', 'npy', 'M8D.npy');
const FIX_B = join(ROOT, 'tests', 'fixtures', 'npy', 'S5.npy');

beforeAll(() => {
  if (!existsSync(MAIN) || process.env.STRIDESCOPE_TEST_BUILD !== '0') {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  }
  writeFileSync(join(dir, 'electron.mjs'), FAKE_ELECTRON);
  writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
  writeFileSync(join(dir, 'runner.mjs'), RUNNER);
  rec = runMain(MAIN_SCENARIO, {
    MAIN_DIR: join(ROOT, 'out', 'main'),
    FIX_A,
    FAKE_DIALOG_PATH: FIX_B,
    FAKE_OPEN_FILE: FIX_B,
  });
}, 120_000);

describe('the built Electron main under a stand-in electron', () => {
  it('registers exactly one ipcMain handler per contract method', () => {
    // plus the preload-only drop channel (a dropped File's path, resolved in the preload's isolated world)
    expect(rec.channels).toEqual([...API_METHODS.map(channel), DROP_CHANNEL].sort());
  });

  it('before ready: registers app: as a privileged standard scheme, takes the single-instance lock, listens for open-file', () => {
    expect(rec.schemes).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    expect(rec.order.indexOf('schemes')).toBeLessThan(rec.order.indexOf('whenReady'));
    expect(rec.order.indexOf('lock')).toBeLessThan(rec.order.indexOf('whenReady'));
    expect(rec.openFileListenerBeforeReady).toBe(true);
  });

  it('makes a window with secure web preferences, the sandboxed CommonJS preload, and loads app://stridescope/', () => {
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
    expect(rec.loaded).toEqual({ url: 'app://stridescope/index.html' });
  });

  it('serves the built renderer on app:// with the CSP, and nothing outside out/renderer', () => {
    expect(rec.served.index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', csp: CSP });
    expect(rec.served.index.body).toContain('<div id="root">');
    expect(rec.served.traversal.status).toBe(404);
    expect(rec.served.badEscape.status).toBe(404);
    expect(rec.served.otherHost.status).toBe(404);
  });

  it('sets the strict CSP, denies navigation, new windows and webviews', () => {
    expect(rec.headers['Content-Security-Policy']).toEqual([CSP]);
    expect(rec.headers['x-test']).toEqual(['1']);
    expect(CSP).toContain("default-src 'none'");
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).not.toContain('unsafe-eval');
    expect(CSP).not.toContain('unsafe-inline');
    expect(rec.navigationPrevented).toEqual([true, true]); // a remote page and the old file:// page
    expect(rec.ownNavigationPrevented).toBe(0);
    expect(rec.windowOpen).toEqual({ action: 'deny' });
    expect(rec.webviewPrevented).toBeGreaterThanOrEqual(1);
  });

  it('grants exactly clipboard-sanitized-write, to the app page in the app window; every other permission is denied', () => {
    expect(rec.permissions).toEqual({
      clipboardApp: true,
      clipboardEvil: false,
      clipboardFile: false,
      clipboardOtherContents: false,
      clipboardRead: false,
      media: false,
      notifications: false,
      checkClipboardApp: true,
      checkClipboardEvil: false,
      checkGeolocation: false,
    });
  });

  it('the sender check compares origins (app://stridescope): any install path, %, UNC, encoded — no decoding', () => {
    expect(rec.sender).toEqual({
      app: true,
      appHash: true,
      fileIndex: false,
      unc: false,
      percent: false,
      evil: false,
      otherContents: false,
      lookalike: false,
    });
  });

  it('answers IPC from its own page with the real core, and refuses other senders', () => {
    expect(rec.untrusted.ok).toBe(false);
    expect(rec.untrusted.error.kind).toBe('argument');
    expect(rec.example.ok).toBe(true);
    expect(rec.example.value.shape).toEqual([2, 2]);
    expect(rec.example.value.values).toEqual([0, 1, 2, 3]);
    expect(rec.hostile).toMatchObject({ ok: false, error: { kind: 'argument' } });
    expect(rec.window.value.hex).toBe('00000000010000000200000003000000');
  });

  it('a file the OS hands over before ready (macOS open-file) becomes the startup file', () => {
    expect(rec.startup.ok).toBe(true);
    expect(rec.startup.value.file).toBe(FIX_B);
  });

  it('rebuilds File › Open Recent after every successful open, whatever started it (IPC, dialog, the menu)', () => {
    expect(rec.menus[0]).toContain('File');
    expect(rec.recentBefore).toEqual(['No recent files']);
    expect(rec.recentAfterStartup).toEqual([FIX_B]); // the startup file (here: handed over by open-file)
    expect(rec.recentAfterIpcOpen[0]).toBe(FIX_A); // a drop / toolbar / recent-list open goes through IPC
    expect(rec.recentAfterDialog[0]).toBe(FIX_B); // Ctrl+O / the Open button
    expect(rec.recentAfterMenuRecent[0]).toBe(rec.recentAfterDialog.at(-1)); // File › Open Recent › the oldest entry
    expect(rec.sentAfterMenu).toEqual([EVENT_OPENED + ':true']);
  });
});

describe('the window always appears, or the app exits with an error box', () => {
  const errorPage = 'app://stridescope/error.html';

  it('a main-frame load failure shows the app error page; a failure of that page ends with an error box and exit code 1', () => {
    const r = runMain(String.raw`
      out.visibleBefore = win.isVisible();
      win.webContents.emit('did-fail-load', {}, -3, 'ERR_ABORTED', 'app://stridescope/index.html', true);
      out.afterAbort = { visible: win.isVisible(), loads: [...win.loads] };
      win.webContents.emit('did-fail-load', {}, -6, 'ERR_FILE_NOT_FOUND', 'app://stridescope/index.html', true);
      out.afterFail = { visible: win.isVisible(), loads: [...win.loads] };
      const page = await rec.protocols.app(new Request('app://stridescope/error.html'));
      out.page = await page.text();
      out.exitBefore = rec.exitCode;
      win.webContents.emit('did-fail-load', {}, -6, 'ERR_FILE_NOT_FOUND', 'app://stridescope/error.html', true);
    `);
    expect(r.visibleBefore).toBe(false);
    expect(r.afterAbort).toEqual({ visible: false, loads: ['app://stridescope/index.html'] });
    expect(r.afterFail).toEqual({ visible: true, loads: ['app://stridescope/index.html', errorPage] });
    expect(r.page).toContain('ERR_FILE_NOT_FOUND');
    expect(r.exitBefore).toBe(null);
    expect(r.errorBoxes).toHaveLength(1);
    expect(r.errorBoxes[0].content).toContain('ERR_FILE_NOT_FOUND');
    expect(r.exitCodeAfter).toBe(1);
  });

  it('a renderer that dies before its first paint, or a preload error, shows the error page', () => {
    const gone = runMain(String.raw`
      win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
      out.state = { visible: win.isVisible(), last: win.loads.at(-1) };
      out.page = await (await rec.protocols.app(new Request('app://stridescope/error.html'))).text();
    `);
    expect(gone.state).toEqual({ visible: true, last: errorPage });
    expect(gone.page).toContain('crashed, exit code 139');
    const preload = runMain(String.raw`
      win.webContents.emit('preload-error', {}, '/x/preload/index.cjs', new Error('boom <b>'));
      out.state = { visible: win.isVisible(), last: win.loads.at(-1) };
      out.page = await (await rec.protocols.app(new Request('app://stridescope/error.html'))).text();
    `);
    expect(preload.state).toEqual({ visible: true, last: errorPage });
    expect(preload.page).toContain('boom &lt;b&gt;');
  });

  it('a window that never paints is shown with the error page after the timeout', () => {
    const r = runMain(
      String.raw`
      out.early = win.isVisible();
      await sleep(400);
      out.late = { visible: win.isVisible(), last: win.loads.at(-1) };
    `,
      { STRIDESCOPE_SHOW_TIMEOUT_MS: '200' },
    );
    expect(r.early).toBe(false);
    expect(r.late).toEqual({ visible: true, last: errorPage });
    expect(r.exitCodeAfter).toBe(null);
  });

  it('ready-to-show shows the window and cancels the timeout', () => {
    const r = runMain(
      String.raw`
      win.emit('ready-to-show');
      await sleep(400);
      out.state = { visible: win.isVisible(), loads: win.loads };
    `,
      { STRIDESCOPE_SHOW_TIMEOUT_MS: '200' },
    );
    expect(r.state).toEqual({ visible: true, loads: ['app://stridescope/index.html'] });
  });
});

describe('single instance, development server, packaged builds', () => {
  it('a second instance quits without a window; the first focuses and opens the file it was given', () => {
    const second = runMain('', { FAKE_LOCK: '0' });
    expect(second.windows).toBe(0);
    expect(second.quit).toBe(1);
    const first = runMain(
      String.raw`
      rec.sent.length = 0;
      win.webContents.loading = true; // the page is still loading: the answer waits for did-finish-load
      for (const fn of rec.appEvents['second-instance']) fn({}, ['/opt/stridescope', '--original-process-start-time=1', 'S5.npy'], process.env.FIX_DIR, {});
      await sleep(200);
      out.sentWhileLoading = rec.sent.map((s) => s.channel);
      win.webContents.loading = false;
      win.webContents.emit('did-finish-load');
      out.focused = win.focused;
      out.visible = win.isVisible();
      out.sent = rec.sent.map((s) => ({ channel: s.channel, ok: s.payload.ok, path: s.payload.value?.file }));
    `,
      { FIX_DIR: join(ROOT, 'tests', 'fixtures', 'npy') },
    );
    expect(first.sentWhileLoading).toEqual([]);
    expect(first.focused).toBe(1);
    expect(first.visible).toBe(true);
    expect(first.sent).toEqual([{ channel: EVENT_OPENED, ok: true, path: FIX_B }]);
  });

  it('ELECTRON_RENDERER_URL: the dev server (with the dev CSP on its responses only) unpackaged; ignored when packaged', () => {
    const dev = runMain(
      String.raw`
      out.loaded = win.loads;
      rec.session.headers({ url: 'http://localhost:5173/src/main.tsx', responseHeaders: {} }, (r) => (out.devCsp = r.responseHeaders['Content-Security-Policy'][0]));
      rec.session.headers({ url: 'app://stridescope/index.html', responseHeaders: {} }, (r) => (out.appCsp = r.responseHeaders['Content-Security-Policy'][0]));
      rec.session.headers({ url: 'http://localhost:5174/x.js', responseHeaders: {} }, (r) => (out.otherCsp = r.responseHeaders['Content-Security-Policy'][0]));
      out.devSender = (await rec.handles['stridescope:appInfo']({ sender: win.webContents, senderFrame: { url: 'http://localhost:5173/' } })).ok;
    `,
      { ELECTRON_RENDERER_URL: 'http://localhost:5173/' },
    );
    expect(dev.loaded).toEqual(['http://localhost:5173/']);
    expect(dev.devCsp).toContain("script-src 'self' 'unsafe-inline'");
    expect(dev.devCsp).toContain('ws://localhost:5173');
    expect(dev.appCsp).toBe(CSP);
    expect(dev.otherCsp).toBe(CSP);
    expect(dev.devSender).toBe(true);
    const packaged = runMain(
      String.raw`
      out.loaded = win.loads;
      out.devSender = (await rec.handles['stridescope:appInfo']({ sender: win.webContents, senderFrame: { url: 'http://localhost:5173/' } })).ok;
      rec.session.headers({ url: 'http://localhost:5173/src/main.tsx', responseHeaders: {} }, (r) => (out.devCsp = r.responseHeaders['Content-Security-Policy'][0]));
    `,
      { ELECTRON_RENDERER_URL: 'http://localhost:5173/', FAKE_PACKAGED: '1' },
    );
    expect(packaged.loaded).toEqual(['app://stridescope/index.html']);
    expect(packaged.devSender).toBe(false);
    expect(packaged.devCsp).toBe(CSP);
  });

  it('koffi failing to load: the window still opens, kernels run in TypeScript and say why, opening a file names the cause', () => {
    const r = runMain(
      String.raw`
      const trusted = { sender: win.webContents, senderFrame: { url: 'app://stridescope/index.html' } };
      out.loaded = win.loads;
      const ex = await rec.handles['stridescope:openExample'](trusted);
      out.example = ex.ok;
      out.kernel = await rec.handles['stridescope:runKernel'](trusted, ex.value.id, 'sum', 'a');
      out.open = await rec.handles['stridescope:drop'](trusted, process.env.FIX_A);
    `,
      { FAKE_KOFFI_BROKEN: '1', FIX_A },
    );
    expect(r.loaded).toEqual(['app://stridescope/index.html']);
    expect(r.example).toBe(true);
    expect(r.kernel, JSON.stringify(r.kernel)).toMatchObject({ ok: true });
    expect(r.kernel.value.implementation).toBe('typescript');
    expect(r.kernel.value.fallbackReason).toContain('koffi could not be loaded: koffi.node: wrong ELF class');
    expect(r.kernel.value.result).toBe('6');
    expect(r.open).toMatchObject({ ok: false, error: { kind: 'io' } });
    expect(r.open.error.message).toContain('needs koffi');
    expect(r.errorBoxes).toEqual([]);
  });

  it('installed under a path with %, spaces and # the page is still served and trusted (nothing of the path is in a URL)', () => {
    const inst = mkdtempSync(join(dir, 'Stride 100%scope #1 %41-'));
    cpSync(join(ROOT, 'out'), join(inst, 'out'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(inst, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(inst, 'node_modules'));
    const r = runMain(
      String.raw`
      out.loaded = win.loads;
      const res = await rec.protocols.app(new Request('app://stridescope/index.html'));
      out.status = res.status;
      const js = (await res.text()).match(/src="([^"]+)"/)[1];
      out.script = (await rec.protocols.app(new Request(new URL(js, 'app://stridescope/index.html').href))).status;
      out.trusted = (await rec.handles['stridescope:appInfo']({ sender: win.webContents, senderFrame: { url: 'app://stridescope/index.html' } })).ok;
      out.preload = rec.windows[0].options.webPreferences.preload;
    `,
      {},
      join(inst, 'out', 'main', 'index.js'),
    );
    expect(r.loaded).toEqual(['app://stridescope/index.html']);
    expect(r.status).toBe(200);
    expect(r.script).toBe(200);
    expect(r.trusted).toBe(true);
    expect(r.preload.startsWith(inst)).toBe(true);
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

describe('the built preload, run with a stand-in electron', () => {
  it('keeps files main opened before the page subscribed, and hands them to the first listener', async () => {
    const { readFileSync } = await import('node:fs');
    const src = readFileSync(join(ROOT, 'out', 'preload', 'index.cjs'), 'utf8');
    const ipc: Record<string, (...a: unknown[]) => void> = {};
    let exposed: { onOpened(l: (r: unknown) => void): () => void } | undefined;
    const electron = {
      ipcRenderer: {
        on: (ch: string, fn: (...a: unknown[]) => void) => (ipc[ch] = fn),
        removeListener() {},
        invoke: async () => null,
      },
      contextBridge: { exposeInMainWorld: (_name: string, api: typeof exposed) => (exposed = api) },
      webUtils: { getPathForFile: () => '' },
    };
    const module = { exports: {} };
    new Function('require', 'module', 'exports', src)(
      (id: string) => (id === 'electron' ? electron : undefined),
      module,
      module.exports,
    );
    ipc[EVENT_OPENED]!({}, { ok: true, value: { id: 'a1' } });
    ipc[EVENT_OPENED]!({}, { ok: true, value: { id: 'a2' } });
    const got: unknown[] = [];
    const off = exposed!.onOpened((r) => got.push(r));
    expect(got).toEqual([
      { ok: true, value: { id: 'a1' } },
      { ok: true, value: { id: 'a2' } },
    ]);
    ipc[EVENT_OPENED]!({}, { ok: true, value: { id: 'a3' } });
    expect(got).toHaveLength(3);
    off();
    ipc[EVENT_OPENED]!({}, { ok: true, value: { id: 'a4' } });
    expect(got).toHaveLength(3);
  });
  it('a drop: the page hands a File, the preload resolves its path with webUtils and sends only that to main; progress events reach listeners', async () => {
    const { readFileSync } = await import('node:fs');
    const src = readFileSync(join(ROOT, 'out', 'preload', 'index.cjs'), 'utf8');
    const ipc: Record<string, (...a: unknown[]) => void> = {};
    const invoked: unknown[][] = [];
    let exposed: Record<string, (...a: unknown[]) => unknown> | undefined;
    const dropped = { name: 'M8D.npy' };
    const electron = {
      ipcRenderer: {
        on: (ch: string, fn: (...a: unknown[]) => void) => (ipc[ch] = fn),
        removeListener() {},
        invoke: async (...a: unknown[]) => invoked.push(a),
      },
      contextBridge: { exposeInMainWorld: (_name: string, api: typeof exposed) => (exposed = api) },
      // only a File from the OS has a path; one the page built has none
      webUtils: { getPathForFile: (f: unknown) => (f === dropped ? FIX_A : '') },
    };
    const module = { exports: {} };
    new Function('require', 'module', 'exports', src)(
      (id: string) => (id === 'electron' ? electron : undefined),
      module,
      module.exports,
    );
    expect(exposed!.pathForFile).toBeUndefined();
    expect(exposed!.openPath).toBeUndefined();
    await exposed!.openDroppedFile(dropped);
    await exposed!.openDroppedFile({ name: '/etc/passwd' });
    expect(invoked).toEqual([
      [DROP_CHANNEL, FIX_A],
      [DROP_CHANNEL, ''],
    ]);
    const seen: unknown[] = [];
    const off = exposed!.onProgress((p: unknown) => seen.push(p)) as () => void;
    ipc[EVENT_PROGRESS]!({}, { jobId: 'j1', state: 'running' });
    off();
    ipc[EVENT_PROGRESS]!({}, { jobId: 'j1', state: 'done' });
    expect(seen).toEqual([{ jobId: 'j1', state: 'running' }]);
  });
});
