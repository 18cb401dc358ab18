import { defineConfig } from '@playwright/test';

/**
 * End-to-end specs (e2e/). They drive the BUILT renderer (out/renderer, built by globalSetup):
 *  - in Debian's Chromium, with the preload's API provided by a bridge (page.exposeBinding) that calls the very
 *    same createHandlers() object Electron's main registers with ipcMain.handle — real files, real mmap, real koffi;
 *  - or, when an Electron binary is installed (node_modules/electron/dist), in Electron itself via _electron.launch.
 * STRIDESCOPE_E2E=chromium|electron forces one. Screenshots of every view go to e2e/artifacts/.
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  globalSetup: './e2e/globalSetup.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    viewport: { width: 1320, height: 900 },
  },
});
