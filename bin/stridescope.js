#!/usr/bin/env node
// The `stridescope` command: runs the built CLI (out/main/cli.js, made by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('stridescope: the CLI is not built yet: run `npm run build` (or `npm ci`, which builds it)\n');
  process.exit(2);
}
const { main } = await import(pathToFileURL(cli).href);
process.exitCode = await main(process.argv.slice(2));
