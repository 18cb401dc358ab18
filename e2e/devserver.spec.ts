/**
 * `npm run dev` in Chromium: the renderer served by a Vite dev server made from the SAME electron-vite config
 * (its `renderer` section, resolved by electron-vite itself), with the preload's API bridged as in every spec.
 * Every response gets the header Electron's main would set (`cspFor`, unpackaged, dev URL = this server):
 *  - with the development policy the page renders (React's refresh preamble is inline, Vite injects <style>s);
 *  - with the production policy on the same dev server the page stays blank — the bug `npm run dev` had.
 */
import { test, expect, chromium, type Browser, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, mergeConfig, type ViteDevServer } from 'vite';
import { resolveConfig } from 'electron-vite';
import { createHandlers, type Handlers } from '../src-main/api/handlers';
import { CSP, cspFor } from '../src-main/electron/security';
import { installBridge } from './bridge';
import { CHROMIUM, CHROMIUM_ARGS, ROOT } from './fixtures';

let server: ViteDevServer;
let devUrl: string;
let browser: Browser;

test.beforeAll(async () => {
  const resolved = await resolveConfig(
    { root: ROOT, configFile: join(ROOT, 'electron.vite.config.ts') },
    'serve',
    'development',
  );
  const renderer = resolved.config?.renderer;
  if (!renderer) throw new Error('electron.vite.config.ts has no renderer section');
  server = await createServer(
    mergeConfig(renderer, {
      server: { port: 5199, strictPort: false, host: '127.0.0.1' },
      logLevel: 'warn',
      clearScreen: false,
    }),
  );
  await server.listen();
  devUrl = server.resolvedUrls!.local[0]!;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

test.afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Open the dev server's page with `header(url)` as the Content-Security-Policy header of every response. */
async function openDev(header: (url: string) => string): Promise<{ page: Page; handlers: Handlers; errors: string[] }> {
  const page = await (await browser.newContext()).newPage();
  const handlers = createHandlers({ recentFile: join(mkdtempSync(join(tmpdir(), 'stridescope-dev-')), 'recent.json') });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route(`${devUrl}**`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({
      response,
      headers: { ...response.headers(), 'content-security-policy': header(route.request().url()) },
    });
  });
  await installBridge(page, handlers, { dropFiles: {} });
  await page.goto(devUrl);
  return { page, handlers, errors };
}

test("the dev server page renders under the development CSP (meta tag from the dev-only plugin + main's header)", async () => {
  const { page, handlers, errors } = await openDev((url) => cspFor(url, devUrl));
  try {
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(meta).toContain("script-src 'self' 'unsafe-inline'");
    // the built-in example opens: React rendered and the bridge answered
    await expect(page.locator('#root')).not.toBeEmpty({ timeout: 30_000 });
    await expect(page.getByText('No array open')).toHaveCount(0);
    await expect(page.locator('body')).toContainText('int32', { timeout: 30_000 });
    expect(errors.filter((e) => /Content Security Policy|preamble/i.test(e))).toEqual([]);
    // React's StrictMode (on in development) runs the startup effect twice: still ONE example is opened
    await page.waitForTimeout(500);
    const open = await handlers.listArrays();
    expect(open.ok && open.value.map((a) => a.source)).toEqual(['example']);
  } finally {
    handlers.dispose();
    await page.close();
  }
});

test('the production CSP on the dev server blocks it (the blank window `npm run dev` used to show)', async () => {
  const { page, handlers, errors } = await openDev(() => CSP);
  try {
    await expect.poll(() => errors.some((e) => /Content Security Policy/i.test(e)), { timeout: 15_000 }).toBe(true);
    await page.waitForTimeout(1000);
    await expect(page.locator('#root')).toBeEmpty();
  } finally {
    handlers.dispose();
    await page.close();
  }
});
