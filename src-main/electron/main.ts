/**
 * Electron's main process: one locked-down window, one `ipcMain.handle` per contract method, and the ways to
 * open a file (menu + dialog, command line, a second launch, macOS open-file, recent files; drops arrive from the
 * renderer through the preload). Everything the app knows about arrays lives in `createHandlers()`; this file is
 * only the shell around it.
 *
 * The window always appears: the page is served from `app://stridescope/` (appProtocol.ts); a load failure, a dead
 * renderer, a preload error or no first paint within SHOW_TIMEOUT_MS replace it with the app's own error page and
 * show the window. A failure main cannot show (the error page itself fails, startup throws) ends in
 * `dialog.showErrorBox` and exit code 1 — never a process running with no window.
 */
import {
  app,
  BrowserWindow,
  Menu,
  dialog,
  ipcMain,
  protocol,
  session,
  type IpcMainInvokeEvent,
  type MenuItemConstructorOptions,
  type WebContents,
} from 'electron';
import { join, resolve, dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  API_METHODS,
  DROP_CHANNEL,
  EVENT_OPENED,
  EVENT_PROGRESS,
  channel,
  type ApiMethod,
  type ArraySummary,
  type JobProgress,
  type Result,
} from '../api/contract';
import type { GrantOrigin } from '../api/grants';
import type { Handlers } from '../api/handlers';
import {
  APP_INDEX_URL,
  APP_ORIGIN,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  cspFor,
  devServerUrl,
  isAppUrl,
  permissionAllowed,
  secureWebPreferences,
} from './security';
import { ERROR_PAGE_PATH, appProtocolHandler } from './appProtocol';

const here = dirname(fileURLToPath(import.meta.url));
const RENDERER_DIR = join(here, '../renderer');
const ERROR_URL = `${APP_ORIGIN}${ERROR_PAGE_PATH}`;
/** How long the window may stay invisible before the error page replaces it (STRIDESCOPE_SHOW_TIMEOUT_MS overrides). */
const SHOW_TIMEOUT_MS =
  Number(process.env.STRIDESCOPE_SHOW_TIMEOUT_MS) > 0 ? Number(process.env.STRIDESCOPE_SHOW_TIMEOUT_MS) : 20_000;

/**
 * The file named on a command line, if any: `stridescope-app file.npy` or, in development, `electron . file.npy`;
 * relative names resolve against `cwd` (a second instance's working directory). Flags (Chromium adds some) are skipped.
 */
export function commandLinePath(
  argv: readonly string[],
  packaged: boolean,
  cwd: string = process.cwd(),
): string | undefined {
  const args = argv.slice(packaged ? 1 : 2).filter((a) => !a.startsWith('-') && a !== '.');
  for (const a of args) {
    const p = resolve(cwd, a);
    if (existsSync(p)) return p;
  }
  return undefined;
}

let mainWindow: BrowserWindow | null = null;
let handlers: Handlers | undefined;
/** Files the OS handed over before the handlers existed (macOS open-file at launch): the first is the startup file. */
const pendingOpens: string[] = [];
/** The development server's URL, only in an unpackaged app (decided once `app` is ready to be asked). */
let devUrl: string | undefined;
/** What the error page says. */
let failureText = '';

/** A failure main cannot show in its window: a native error box, then exit code 1. */
function fatal(what: string, e?: unknown): void {
  const detail = e === undefined ? what : `${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  console.error(`stridescope: ${detail}`);
  try {
    dialog.showErrorBox('Stridescope could not start', detail);
  } finally {
    app.exit(1);
  }
}

function rendererUrlAllowed(url: string): boolean {
  return isAppUrl(url, { devUrl });
}

/** Only our own page may call the API: the main window's contents, in a frame of the origin main loaded. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return !!frame && rendererUrlAllowed(frame.url) && event.sender === mainWindow?.webContents;
}

function registerIpc(h: Handlers): void {
  for (const method of API_METHODS) {
    ipcMain.handle(channel(method), async (event, ...args: unknown[]) => {
      if (!trustedSender(event)) {
        return { ok: false, error: { kind: 'argument', message: 'IPC from an untrusted frame refused', offset: null } };
      }
      const fn = h[method as ApiMethod] as (...a: unknown[]) => Promise<unknown>;
      try {
        return await fn(...args);
      } catch (e) {
        // handlers answer errors as data; anything thrown past them is a bug, reported to the page, not a crash
        return {
          ok: false,
          error: { kind: 'internal', message: e instanceof Error ? e.message : String(e), offset: null },
        };
      }
    });
  }
  // A drop: the preload resolved the dropped File's path with webUtils.getPathForFile in its isolated world (the
  // page hands it a File, never a path). Dropping is the user's intent, so the path is granted and opened.
  ipcMain.handle(DROP_CHANNEL, async (event, path: unknown) => {
    if (!trustedSender(event)) {
      return { ok: false, error: { kind: 'argument', message: 'IPC from an untrusted frame refused', offset: null } };
    }
    if (typeof path !== 'string' || path === '')
      return {
        ok: false,
        error: {
          kind: 'argument',
          message: 'the dropped item has no file on disk (drop a file from a folder)',
          offset: null,
        },
      };
    return h.openByUser(path, 'drop');
  });
}

/** Progress of a job main runs off its event loop, for the page's progress bars. */
function sendProgress(progress: JobProgress): void {
  const contents = mainWindow?.webContents;
  if (contents && !contents.isDestroyed() && !contents.isLoading()) contents.send(EVENT_PROGRESS, progress);
}

/** Hand an open's answer to the page (a cancelled dialog answers null: nothing to show). */
function sendOpened(result: Result<ArraySummary | null>): void {
  if (!mainWindow || (result.ok && result.value === null)) return;
  const contents = mainWindow.webContents;
  // a message sent while the page is still loading would reach no preload; the preload keeps it until the page listens
  if (contents.isLoading()) contents.once('did-finish-load', () => contents.send(EVENT_OPENED, result));
  else contents.send(EVENT_OPENED, result);
}

/** Run an open started by main (menu, second instance, open-file) and show its answer; never an unhandled rejection. */
function openFromMain(open: (h: Handlers) => Promise<Result<ArraySummary | null>>): void {
  if (!handlers) return;
  open(handlers).then(sendOpened, (e: unknown) =>
    sendOpened({
      ok: false,
      error: { kind: 'internal', message: e instanceof Error ? e.message : String(e), offset: null },
    }),
  );
}

/** A file handed over by the OS or a second launch: opened now, or at startup when it arrives before the window. */
function openFromShell(path: string, origin: GrantOrigin = 'open-file'): void {
  if (!handlers) {
    pendingOpens.push(path);
    return;
  }
  openFromMain((h) => h.openByUser(path, origin));
}

async function showOpenDialog(): Promise<string | null> {
  const options: Electron.OpenDialogOptions = {
    title: 'Open an array',
    properties: ['openFile'],
    filters: [
      { name: 'NumPy arrays', extensions: ['npy', 'npz'] },
      { name: 'All files (raw binary)', extensions: ['*'] },
    ],
  };
  const r = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0];
}

/**
 * The application menu. Called at startup and by the handlers' `onRecentChanged` — the ONE place that rebuilds
 * File › Open Recent, after every successful open whatever started it (menu, Ctrl+O, toolbar, drop, recent list,
 * startup file, second instance).
 */
function buildMenu(recent: readonly string[]): void {
  const recentItems: MenuItemConstructorOptions[] = recent.length
    ? recent.map((p, i) => ({ label: p, click: () => openFromMain((h) => h.openRecent(i)) }))
    : [{ label: 'No recent files', enabled: false }];
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => openFromMain((h) => h.openDialog()) },
        { label: 'Open Recent', submenu: recentItems },
        { label: 'Open Example', click: () => openFromMain((h) => h.openExample()) },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** No navigation away, no new windows, no webviews, for every web contents the app ever creates. */
function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!rendererUrlAllowed(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/**
 * Replace the page with the app's error page and show the window. A failure OF the error page (or a second
 * failure after it) cannot be shown in the window: error box, exit 1.
 */
function showFailure(win: BrowserWindow, state: { errorPage: boolean }, reason: string): void {
  if (win.isDestroyed()) return;
  if (state.errorPage) {
    fatal(`the window could not show its error page (${reason}); first failure: ${failureText}`);
    return;
  }
  state.errorPage = true;
  failureText = reason;
  console.error(`stridescope: ${reason}`);
  win.loadURL(ERROR_URL).catch((e: unknown) => fatal(`the error page did not load (${reason})`, e));
  win.show();
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 800,
    minHeight: 560,
    title: 'Stridescope',
    show: false,
    backgroundColor: '#1e1e1e',
    // Spelled out as well as taken from security.ts, so a scanner reading this file sees them (electronegativity).
    webPreferences: {
      ...secureWebPreferences(join(here, '../preload/index.cjs')),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  lockDown(win.webContents);
  const state = { errorPage: false };
  const timer = setTimeout(() => {
    if (!win.isDestroyed() && !win.isVisible())
      showFailure(
        win,
        state,
        `the page did not appear within ${SHOW_TIMEOUT_MS / 1000} s (a hung renderer or a missing build)`,
      );
  }, SHOW_TIMEOUT_MS);
  win.once('ready-to-show', () => {
    clearTimeout(timer);
    win.show();
  });
  win.on('closed', () => {
    clearTimeout(timer);
    if (mainWindow === win) mainWindow = null;
  });
  win.webContents.on('did-fail-load', (_event, errorCode, errorDescription, validatedURL, isMainFrame) => {
    // -3 ERR_ABORTED: a load replaced by another (our own switch to the error page), not a failure
    if (!isMainFrame || errorCode === -3) return;
    showFailure(win, state, `${validatedURL} did not load: ${errorDescription} (${errorCode})`);
  });
  win.webContents.on('render-process-gone', (_event, details) => {
    showFailure(win, state, `the page's process ended (${details.reason}, exit code ${details.exitCode})`);
  });
  win.webContents.on('preload-error', (_event, preloadPath, error) => {
    showFailure(win, state, `the preload ${preloadPath} failed: ${error.message}`);
  });
  const url = devUrl ?? APP_INDEX_URL;
  if (!devUrl && !existsSync(join(RENDERER_DIR, 'index.html'))) {
    showFailure(
      win,
      state,
      `${join(RENDERER_DIR, 'index.html')} is missing: the renderer was not built (npm run build)`,
    );
  } else {
    // A failed load also emits did-fail-load (handled above); this catch only keeps the rejection handled.
    win.loadURL(url).catch((e: unknown) => {
      if (!state.errorPage && !win.isDestroyed() && !win.isVisible())
        showFailure(win, state, `${url} did not load: ${e instanceof Error ? e.message : String(e)}`);
    });
  }
  return win;
}

function secureSession(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [cspFor(details.url, devUrl)] },
    });
  });
  // Only the copy buttons' clipboard write, only for our own page in our own window; everything else is denied.
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(contents === mainWindow?.webContents && permissionAllowed(permission, details.requestingUrl, devUrl));
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    permissionAllowed(permission, requestingOrigin, devUrl),
  );
}

async function start(): Promise<void> {
  // Tests and portable setups can point the profile (recent files) elsewhere.
  if (process.env.STRIDESCOPE_USER_DATA) app.setPath('userData', process.env.STRIDESCOPE_USER_DATA);
  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  await app.whenReady();
  devUrl = devServerUrl(process.env, app.isPackaged);
  protocol.handle(
    APP_SCHEME,
    appProtocolHandler(RENDERER_DIR, () => failureText),
  );
  // Loaded after `ready` and only here: if koffi or anything below the API cannot load, the error is shown and
  // explained (fatal) instead of the process dying before any window or dialog exists.
  // koffi (a native module) by dynamic import: when its binary does not load, the window still opens, kernels run in
  // TypeScript and say why, and opening a file names the cause.
  await (await import('../platform/koffiBinding')).loadKoffi();
  const { createHandlers } = await import('../api/handlers');
  const startupPath = pendingOpens.shift() ?? commandLinePath(process.argv, app.isPackaged);
  const h = createHandlers({
    recentFile: join(app.getPath('userData'), 'recent.json'),
    startupPath,
    showOpenDialog,
    version: app.getVersion(),
    // the console's working directory: relative names in np.load/np.save resolve here, and only here may it write
    consoleDir: join(app.getPath('userData'), 'console'),
    onRecentChanged: buildMenu,
    onProgress: sendProgress,
  });
  handlers = h;
  secureSession();
  registerIpc(h);
  const recent = await h.recentFiles();
  buildMenu(recent.ok ? recent.value : []);
  mainWindow = createWindow();
  for (const path of pendingOpens.splice(0)) openFromShell(path);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => h.dispose());
}

/**
 * Everything that must happen before `ready`: the privileged scheme, the single-instance lock (a second launch
 * hands its file to this one and quits), and macOS `open-file` (Finder and the Dock send it before `ready` when they
 * launch the app with a file).
 */
function main(): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const win = mainWindow;
    if (win && !win.isDestroyed()) {
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    }
    const path = commandLinePath(argv, app.isPackaged, workingDirectory);
    if (path) openFromShell(path, 'second-instance');
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    openFromShell(path);
  });
  // a safety net that reports (every promise above is handled; a bug elsewhere must not pass in silence)
  process.on('unhandledRejection', (reason) => console.error('stridescope: unhandled rejection in main:', reason));
  start().catch((e: unknown) => fatal('startup failed', e));
}

main();
