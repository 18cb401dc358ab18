/**
 * The IPC surface under hostile input: every method of the real handler object (api/handlers createHandlers —
 * what Electron's ipcMain and the e2e bridge call) driven with generated wrong-type, out-of-range, negative, NaN,
 * infinite, huge, BigInt, nested-object, stale-id and forged-id arguments, hostile paths (fifo, devices,
 * directories, /proc/self/mem, relative, NUL) and hostile view expressions (tests/fuzz generators).
 * Each call must resolve to a Result whose error, if any, is TYPED (a StridescopeError kind, not 'internal'), must
 * survive structured clone, and must not throw or reject; closing the session leaves no mapping or fd behind.
 *
 * The drive runs in a child process (children/ipcFuzz.ts) with a hang guard, because the failure worth finding
 * here is a call that never returns: the parent names the last call announced. Then named hostile calls, each in
 * its own child: the ones found by hand and by the fuzzer (a fifo path that used to block the main process, an
 * unbounded kernel, a stack-deep console input).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS } from '../../src-main/api/contract';
import { startChild, tmpDir, waitExit } from './helpers';

const RUNS_PER_METHOD = 600;
const SEED = 0x1bc;
const TYPED = ['format', 'dtype', 'layout', 'bounds', 'lifetime', 'expression', 'io', 'argument', 'unsupported'];

let dir: string;
beforeAll(() => {
  dir = tmpDir('sk-ipc-');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function runChild(script: string, args: string[], guardMs: number): Promise<string> {
  const child = startChild(script, args);
  try {
    await waitExit(child, guardMs);
  } catch (e) {
    const last = child
      .output()
      .split('\n')
      .filter((l) => l.startsWith('CALL '))
      .pop();
    throw new Error(`${(e as Error).message}; the call that did not return: ${last ?? '(the only call)'}`);
  }
  expect(child.exitCode, child.output().slice(-2000)).toBe(0);
  const line = child
    .output()
    .split('\n')
    .filter((l) => l.startsWith('@@RESULT '))
    .pop();
  if (!line) throw new Error(`no result from ${script}:\n${child.output().slice(-2000)}`);
  return line.slice('@@RESULT '.length);
}

describe('IPC abuse', () => {
  it(`every API method, ${RUNS_PER_METHOD} hostile argument lists each: typed Results only, nothing thrown, nothing leaked`, async () => {
    const sub = path.join(dir, 'fuzz');
    fs.mkdirSync(sub);
    const r = JSON.parse(await runChild('ipcFuzz.ts', [sub, String(RUNS_PER_METHOD), String(SEED)], 120_000));
    console.log(
      `ipc abuse: ${Object.values(r.calls as Record<string, number>).reduce((a, b) => a + b, 0)} calls, outcomes ${JSON.stringify(r.outcomes)}, missing ${JSON.stringify(r.missing)}`,
    );
    expect(r.failures).toEqual([]);
    expect(r.missing).toEqual([]);
    for (const m of API_METHODS) expect(r.calls[m], m).toBe(RUNS_PER_METHOD);
    expect(r.handlesAfterDispose).toEqual({ fds: [], maps: [] });
    // the drive reaches past validation: real answers and typed refusals of several kinds
    expect(r.outcomes.ok).toBeGreaterThan(1000);
    expect(Object.keys(r.outcomes).filter((k) => k !== 'ok').length).toBeGreaterThanOrEqual(3);
  }, 150_000);

  const cases: [string, string, unknown[]][] = [
    // what the user names (a drop, the dialog) is granted and opened by main: still bounded, still typed
    ['a dropped fifo answers an io error instead of blocking the main process', 'openByUser', ['$FIFO', 'drop']],
    ['a dropped /dev/zero', 'openByUser', ['/dev/zero', 'drop']],
    ['a dropped directory', 'openByUser', ['$DIR', 'drop']],
    [
      'openGrant raw with a 2 GiB itemsize and a 2**40 shape (grant g1 = a.npy)',
      'openGrant',
      [{ grant: 'g1', raw: { dtype: 'V2147483647', shape: [1099511627776] } }],
    ],
    [
      'walk far into a 2**106-element zero-stride view',
      'walk',
      [
        '$ID',
        'np.lib.stride_tricks.as_strided(a, shape=(9007199254740991, 9007199254740991), strides=(0, 0))',
        9007199254740990,
        4096,
      ],
    ],
    ['readBytes at the last byte with the largest window', 'readBytes', ['$ID', 1151, 1048576]],
    [
      'a kernel over a 2**53-element zero-stride view (unbounded work unless refused)',
      'runKernel',
      ['$ID', 'sum', 'np.lib.stride_tricks.as_strided(a, shape=(9007199254740991,), strides=(0,))'],
    ],
    ['a view expression nested 5,000 deep', 'evalView', ['$ID', '('.repeat(5000) + 'a' + ')'.repeat(5000)]],
    ['console input nested 3,000 deep', 'consoleRun', ['('.repeat(3000) + '1' + ')'.repeat(3000)]],
  ];
  it.each(cases)(
    '%s',
    async (_name, method, args) => {
      const out = JSON.parse(await runChild('ipcCase.ts', [dir, method, JSON.stringify(args)], 30_000));
      expect(out.threw, JSON.stringify(out)).toBeUndefined();
      if (!out.ok) {
        expect(TYPED, JSON.stringify(out.error)).toContain(out.error.kind);
        expect(typeof out.error.message).toBe('string');
      }
    },
    40_000,
  );
});
