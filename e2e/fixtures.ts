/**
 * The `app` fixture every spec uses: the Stridescope window, in one of two modes.
 *  - 'electron': an Electron binary is installed -> _electron.launch(out/main/index.js); the real preload and
 *    ipcMain handlers.
 *  - 'chromium': Debian's Chromium (/usr/bin/chromium) opens the built renderer; the bridge hands
 *    window.stridescope a createHandlers() object built here as main builds its own, with a stand-in for the
 *    native open dialog that answers a real path (`app.answerDialog`).
 * STRIDESCOPE_E2E=chromium|electron forces a mode.
 */
import {
  test as base,
  expect,
  _electron,
  chromium,
  type Browser,
  type Page,
  type ElectronApplication,
} from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHandlers, type Handlers } from '../src-main/api/handlers';
import { CSP } from '../src-main/electron/security';
import { installBridge, pushProgress, serveRenderer, ORIGIN } from './bridge';

let pythonHere: boolean | null = null;
/**
 * The console's Python in e2e: STRIDESCOPE_E2E_CONSOLE=live|simulation when a spec pins it, else live Python
 * where python3 with NumPy exists (as the app itself chooses), else the simulation.
 */
function consoleMode(): 'live' | 'simulation' {
  const pinned = process.env.STRIDESCOPE_E2E_CONSOLE;
  if (pinned === 'live' || pinned === 'simulation') return pinned;
  pythonHere ??=
    spawnSync(process.env.STRIDESCOPE_PYTHON || 'python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
  return pythonHere ? 'live' : 'simulation';
}

export const ROOT = resolve(import.meta.dirname, '..');
export const FIXTURES = join(ROOT, 'tests', 'fixtures', 'npy');
export const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');
/** Files specs make at run time (a sparse multi-GiB .npy); droppable like the fixtures. */
export const GENERATED = join(tmpdir(), 'stridescope-e2e-generated');
/** An offset as the app writes it by default (the offset switch starts on hex): `0x80`, `-0x4`. */
export const hexOff = (n: number): string => (n < 0 ? '-0x' : '0x') + Math.abs(n).toString(16);
export const CHROMIUM = process.env.STRIDESCOPE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The Electron executable if one is installed (never triggers electron's download). */
export function electronBinary(): string | null {
  if (process.env.ELECTRON_EXECUTABLE && existsSync(process.env.ELECTRON_EXECUTABLE))
    return process.env.ELECTRON_EXECUTABLE;
  const dir = join(ROOT, 'node_modules', 'electron');
  const pathTxt = join(dir, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const exe = join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(exe) ? exe : null;
}

export type Mode = 'chromium' | 'electron';
export function chooseMode(): Mode {
  const forced = process.env.STRIDESCOPE_E2E;
  if (forced === 'chromium' || forced === 'electron') return forced;
  return electronBinary() ? 'electron' : 'chromium';
}

/** Every fixture file by name, for the bridge's stand-in of webUtils.getPathForFile. */
function fixtureFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const dir of [FIXTURES, join(FIXTURES, 'bad'), join(ROOT, 'e2e', 'fixtures'), GENERATED]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) out[name] ??= join(dir, name);
  }
  return out;
}

export interface AppHandle {
  page: Page;
  mode: Mode;
  /** the handlers object (chromium mode: in this process; electron mode: null, they live in main) */
  handlers: Handlers | null;
  /** A real DataTransfer drop of a file onto the window. */
  drop(path: string): Promise<void>;
  /**
   * What the native open dialog answers next (a real path; null = cancelled). Chromium mode: the stand-in the
   * bridge's handlers get as `showOpenDialog`; electron mode: main's `dialog.showOpenDialog`, replaced in main.
   */
  answerDialog(path: string | null): Promise<void>;
  /** Save a screenshot to e2e/artifacts/<mode>-<name>.png */
  screenshot(name: string): Promise<string>;
  tab(name: 'array' | 'bytes' | 'walk' | 'reinterpret' | 'lifetime' | 'kernels'): Promise<void>;
  /** A real mouse click on a byte's cell of the canvas byte grid (`testId`), in its hex or ASCII column. */
  clickByte(offset: number, options?: { grid?: string; area?: 'hex' | 'ascii' }): Promise<void>;
  /** What the grid last drew in a byte's hex cell ('93', '··' while loading), null when the byte is not on screen. */
  cellText(offset: number, grid?: string): Promise<string | null>;
  /** The colour classes the grid paints a byte with ('el-a', 'hl-current', 'cursor', ...). */
  cellClasses(offset: number, grid?: string): Promise<string[]>;
}

/** The probe the canvas byte grid hangs on its scroll element (src-renderer/bytes/gridEngine.ts). */
interface GridProbe {
  cellText(offset: number): string | null;
  cellCenter(offset: number, area?: 'hex' | 'ascii'): { x: number; y: number } | null;
  classesAt(offset: number): string[];
}

async function probe<T>(page: Page, grid: string, fn: string, args: unknown[]): Promise<T> {
  return page.evaluate(
    ({ grid, fn, args }) => {
      const el = document.querySelector(`[data-testid="${grid}"]`) as
        (HTMLElement & { __byteGrid?: Record<string, (...a: unknown[]) => unknown> }) | null;
      const p = el?.__byteGrid;
      if (!p) throw new Error(`no byte grid '${grid}' on the page`);
      return p[fn](...args) as never;
    },
    { grid, fn, args },
  ) as Promise<T>;
}

export const test = base.extend<{ app: AppHandle }, { bridgeBrowser: Browser | null }>({
  bridgeBrowser: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      if (chooseMode() === 'electron') return use(null);
      const b = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      await use(b);
      await b.close();
    },
    { scope: 'worker' },
  ],
  app: async ({ bridgeBrowser }, use) => {
    const mode = chooseMode();
    const userData = mkdtempSync(join(tmpdir(), 'stridescope-e2e-'));
    let page: Page;
    let handlers: Handlers | null = null;
    // the dialog stand-in: main's showOpenDialog hands createHandlers a `() => Promise<string | null>`; this is one
    let dialogAnswer: string | null = null;
    let electronApp: ElectronApplication | null = null;
    if (mode === 'electron') {
      electronApp = await _electron.launch({
        executablePath: electronBinary()!,
        args: [join(ROOT, 'out', 'main', 'index.js')],
        env: { ...process.env, STRIDESCOPE_USER_DATA: userData },
      });
      page = await electronApp.firstWindow();
    } else {
      const context = await bridgeBrowser!.newContext({ viewport: { width: 1320, height: 900 } });
      page = await context.newPage();
      handlers = createHandlers({
        recentFile: join(userData, 'recent.json'),
        showOpenDialog: async () => dialogAnswer,
        console: consoleMode(),
        onProgress: (p) => pushProgress(page, p),
      });
      await serveRenderer(page, CSP);
      await installBridge(page, handlers, { dropFiles: fixtureFiles() });
      await page.goto(`${ORIGIN}/index.html`);
    }
    const handle: AppHandle = {
      page,
      mode,
      handlers,
      async drop(path: string) {
        const input = await page.evaluateHandle(() => {
          const i = document.createElement('input');
          i.type = 'file';
          i.style.display = 'none';
          document.body.appendChild(i);
          return i;
        });
        await input.asElement()!.setInputFiles(path);
        await page.evaluate((i) => {
          const el = i as HTMLInputElement;
          const dt = new DataTransfer();
          dt.items.add(el.files![0]);
          const target = document.querySelector('[data-testid=app]') ?? document.body;
          for (const type of ['dragenter', 'dragover', 'drop']) {
            target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
          }
          el.remove();
        }, input);
      },
      async answerDialog(path: string | null) {
        dialogAnswer = path;
        if (electronApp) {
          await electronApp.evaluate(({ dialog }, answer) => {
            const reply = async () => ({ canceled: answer === null, filePaths: answer === null ? [] : [answer] });
            (dialog as unknown as { showOpenDialog: typeof reply }).showOpenDialog = reply;
          }, path);
        }
      },
      async screenshot(name: string) {
        mkdirSync(ARTIFACTS, { recursive: true });
        const path = join(ARTIFACTS, `${mode}-${name}.png`);
        await page.screenshot({ path, fullPage: false });
        return path;
      },
      async clickByte(offset, options = {}) {
        const grid = options.grid ?? 'byte-grid';
        let at: { x: number; y: number } | null = null;
        await expect
          .poll(
            async () =>
              (at = await probe<ReturnType<GridProbe['cellCenter']>>(page, grid, 'cellCenter', [
                offset,
                options.area ?? 'hex',
              ])),
            {
              message: `byte ${offset} on screen in ${grid}`,
            },
          )
          .not.toBeNull();
        await page.mouse.click(at!.x, at!.y);
      },
      cellText: (offset, grid = 'byte-grid') => probe<string | null>(page, grid, 'cellText', [offset]),
      cellClasses: (offset, grid = 'byte-grid') => probe<string[]>(page, grid, 'classesAt', [offset]),
      async tab(name) {
        await page.getByTestId(`tab-${name}`).click();
        await expect(page.getByTestId(`tab-${name}`)).toHaveAttribute('aria-selected', 'true');
      },
    };
    await use(handle);
    if (electronApp) await electronApp.close();
    else await page.context().close();
    handlers?.dispose();
    rmSync(userData, { recursive: true, force: true });
  },
});

export { expect };
