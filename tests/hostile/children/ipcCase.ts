/**
 * Child process for ipcAbuse.test.ts: one named hostile call against a fresh handler object (after opening the
 * example and a .npy), printing the answer as one JSON line. In a child so a call that never returns is caught
 * by the parent's hang guard.   ipcCase.ts <dir> <method> <json args, "$ID" = the opened array's id>
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHandlers } from '../../../src-main/api/handlers';
import { writeNpyFile } from '../helpers';

const [dir, method, argsJson] = process.argv.slice(2);
const npy = path.join(dir, 'a.npy');
if (!fs.existsSync(npy)) writeNpyFile(npy, '<f8', [16, 8]);
const fifo = path.join(dir, 'pipe.npy');
if (process.platform !== 'win32' && !fs.existsSync(fifo)) execFileSync('mkfifo', [fifo]);

(async () => {
  const h = createHandlers({ console: 'simulation' }) as unknown as Record<
    string,
    (...a: unknown[]) => Promise<unknown>
  > & { dispose(): void };
  const opened = (await h.openByUser(npy, 'drop')) as { value: { id: string } };
  const args = JSON.parse(
    argsJson.replaceAll('$ID', opened.value.id).replaceAll('$FIFO', fifo).replaceAll('$DIR', dir),
  ) as unknown[];
  let out: unknown;
  try {
    out = await h[method](...args);
  } catch (e) {
    out = { threw: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  h.dispose();
  // exit only once the (possibly large) answer has reached the pipe
  process.stdout.write('\n@@RESULT ' + JSON.stringify(out) + '\n', () => process.exit(0));
})();
