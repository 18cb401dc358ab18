import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

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
    plugins: [react()],
  },
});
