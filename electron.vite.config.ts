import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { devCsp } from './src-main/electron/security';

/**
 * `npm run dev` only (apply: 'serve'): the page's meta CSP becomes the development policy, which lets in the inline
 * preamble @vitejs/plugin-react injects, Vite's injected <style> elements and the hot-reload WebSocket. Main relaxes
 * its header the same way, only unpackaged and only for the dev server's responses (security.ts `cspFor`). The
 * production build keeps index.html's policy untouched (tests/app/electronMain.test.ts compares it with CSP).
 */
export function devCspPlugin(): Plugin {
  return {
    name: 'stridescope:dev-csp',
    apply: 'serve',
    transformIndexHtml(html, ctx) {
      const url = ctx.server?.resolvedUrls?.local[0] ?? `http://localhost:${ctx.server?.config.server.port ?? 5173}/`;
      const meta = /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")/;
      if (!meta.test(html))
        throw new Error('src-renderer/index.html has no CSP meta tag for the dev policy to replace');
      // frame-ancestors is ignored (with a console error) in a meta tag; main's header carries it
      const policy = devCsp(url)
        .split('; ')
        .filter((d) => !d.startsWith('frame-ancestors'))
        .join('; ');
      return html.replace(meta, (_m, a: string, _old: string, b: string) => a + policy + b);
    },
  };
}

// Three bundles, as in the electron-vite templates:
//  - main: the Electron bootstrap AND the `stridescope` CLI (same core, two entry points)
//  - preload: ONE CommonJS file that requires only `electron` (a sandboxed preload cannot be ESM)
//  - renderer: React, which imports only the IPC contract's types from src-main/api/contract.ts
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          cli: resolve(__dirname, 'src-main/cli/main.ts'),
        },
        external: ['electron', 'koffi'],
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/electron/preload.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    // the renderer reaches the IPC contract (types only) through one alias, also set in tsconfig.json and vitest.config.ts
    resolve: { alias: { '@contract': resolve(__dirname, 'src-main/api/contract.ts') } },
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
    plugins: [react(), devCspPlugin()],
  },
});
