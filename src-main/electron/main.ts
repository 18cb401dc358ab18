/**
 * Electron's main process: one locked-down window, one `ipcMain.handle` per contract method, and the ways to
 * open a file (menu + dialog, command line, recent files; drops arrive from the renderer through the preload).
 * Everything the app knows about arrays lives in `createHandlers()`; this file is only the shell around it.
 */
import { app, BrowserWindow, Menu, dialog, ipcMain, session, type IpcMainInvokeEvent, type MenuItemConstructorOptions, type WebContents } from 'electron';
import { join, resolve, dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { API_METHODS, EVENT_OPENED, channel, type ApiMethod, type ArraySummary, type Result } from '../api/contract';
import { createHandlers, type Handlers } from '../api/handlers';
import { CSP, isAppUrl, secureWebPreferences } from './security';

const here = dirname(fileURLToPath(import.meta.url));

/** The file named on the command line, if any: `stridescope-app file.npy` or, in development, `electron . file.npy`. */
export function commandLinePath(argv: readonly string[], packaged: boolean): string | undefined {
  const args = argv.slice(packaged ? 1 : 2).filter((a) => !a.startsWith('-') && a !== '.');
  for (const a of args) {
    const p = resolve(a);
    if (existsSync(p)) return p;
  }
  return undefined;
}

let mainWindow: BrowserWindow | null = null;
let handlers: Handlers;

function rendererUrlAllowed(url: string): boolean {
  return isAppUrl(url, { indexFile: join(here, '../renderer/index.html'), devUrl: process.env.ELECTRON_RENDERER_URL });
}

/** Only our own page may call the API. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return !!frame && rendererUrlAllowed(frame.url) && event.sender === mainWindow?.webContents;
}

function registerIpc(): void {
  for (const method of API_METHODS) {
    ipcMain.handle(channel(method), async (event, ...args: unknown[]) => {
      if (!trustedSender(event)) {
        return { ok: false, error: { kind: 'argument', message: 'IPC from an untrusted frame refused', offset: null } };
      }
      const fn = handlers[method as ApiMethod] as (...a: unknown[]) => Promise<unknown>;
      return fn(...args);
    });
  }
}

function sendOpened(result: Result<ArraySummary | null>): void {
  if (!mainWindow || (result.ok && result.value === null)) return; // cancelled dialog: nothing to show
  mainWindow.webContents.send(EVENT_OPENED, result);
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

async function buildMenu(): Promise<void> {
  const recent = await handlers.recentFiles();
  const recentItems: MenuItemConstructorOptions[] =
    recent.ok && recent.value.length
      ? recent.value.map((p) => ({ label: p, click: () => void handlers.openPath({ path: p }).then(sendOpened).then(buildMenu) }))
      : [{ label: 'No recent files', enabled: false }];
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => void handlers.openDialog().then(sendOpened).then(buildMenu) },
        { label: 'Open Recent', submenu: recentItems },
        { label: 'Open Example', click: () => void handlers.openExample().then(sendOpened) },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
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
    webPreferences: { ...secureWebPreferences(join(here, '../preload/index.cjs')), contextIsolation: true, sandbox: true, nodeIntegration: false, disableBlinkFeatures: 'Auxclick' },
  });
  lockDown(win.webContents);
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  const dev = process.env.ELECTRON_RENDERER_URL;
  if (dev) void win.loadURL(dev);
  else void win.loadFile(join(here, '../renderer/index.html'));
  return win;
}

function secureSession(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

export async function start(): Promise<void> {
  // Tests and portable setups can point the profile (recent files) elsewhere.
  if (process.env.STRIDESCOPE_USER_DATA) app.setPath('userData', process.env.STRIDESCOPE_USER_DATA);
  app.on('web-contents-created', (_event, contents) => lockDown(contents));
  await app.whenReady();
  handlers = createHandlers({
    recentFile: join(app.getPath('userData'), 'recent.json'),
    startupPath: commandLinePath(process.argv, app.isPackaged),
    showOpenDialog,
    version: app.getVersion(),
    // the console's working directory: relative names in np.load/np.save resolve here, and only here may it write
    consoleDir: join(app.getPath('userData'), 'console'),
  });
  secureSession();
  registerIpc();
  await buildMenu();
  mainWindow = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => handlers.dispose());
}

void start();
