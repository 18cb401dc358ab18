/**
 * Child process for ipcAbuse.test.ts: drives EVERY method of the real handler object (api/handlers createHandlers,
 * the object Electron's ipcMain and the e2e bridge call) with generated hostile arguments — wrong types, out of
 * range, negative, NaN, infinite, huge, BigInt, nested objects, stale and forged ids, paths to fifos, devices and
 * directories, hostile view expressions — and checks every answer:
 *   - the call returns a Promise (never throws synchronously) that resolves (never rejects);
 *   - to { ok: true, value } or { ok: false, error: { kind, message, offset } } with a TYPED kind (not 'internal');
 *   - that survives structured clone (what IPC does to it);
 * and, at the end, that closing the session leaves no mapping or fd of the test files.
 * Runs in a child so that a call that never returns (unbounded work) is caught by the parent's hang guard:
 * each call is announced on stdout first ("CALL <method> <args>"), so the parent can name it.
 *
 *   ipcFuzz.ts <dir> <runsPerMethod> <seed>
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { API_METHODS } from '../../../src-main/api/contract';
import { createHandlers } from '../../../src-main/api/handlers';
import { KERNEL_NAMES } from '../../../src-main/platform/nativeKernels';
import { arbViewExprText } from '../../fuzz/generators';
import { openHandlesUnder, writeNpyFile } from '../helpers';

const [dir, runsArg, seedArg] = process.argv.slice(2);
const RUNS = Number(runsArg);
const SEED = Number(seedArg);
const TYPED = new Set([
  'format',
  'dtype',
  'layout',
  'bounds',
  'lifetime',
  'expression',
  'io',
  'argument',
  'unsupported',
]);

// ------------------------------------------------------------------------------------------------ files
const npy = path.join(dir, 'a.npy');
writeNpyFile(npy, '<f8', [16, 8]);
const npy2 = path.join(dir, 'b.npy');
writeNpyFile(npy2, '>i2', [3, 4, 5]);
const raw = path.join(dir, 'r.bin');
fs.writeFileSync(
  raw,
  new Uint8Array(4096).map((_, i) => i & 0xff),
);
const fifo = path.join(dir, 'pipe.npy');
if (process.platform !== 'win32') execFileSync('mkfifo', [fifo]);
const garbage = path.join(dir, 'garbage.npy');
fs.writeFileSync(garbage, new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0xff, 0xff]));
const PATHS = [
  npy,
  npy2,
  raw,
  fifo,
  garbage,
  dir,
  '/dev/zero',
  '/dev/null',
  '/proc/self/mem',
  path.join(dir, 'missing.npy'),
  'a.npy',
  '../a.npy',
  '',
  '\\\\server\\share\\x.npy',
  'C:\\x.npy',
  npy + '\0.txt',
  '/' + 'x'.repeat(5000),
];

// ------------------------------------------------------------------------------------------------ values
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    undefined,
    null,
    true,
    false,
    NaN,
    Infinity,
    -Infinity,
    -0,
    0,
    -1,
    1,
    0.5,
    2 ** 31,
    2 ** 32,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 53),
    1e308,
    Number.MIN_VALUE,
  ),
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.string({ maxLength: 20 }),
  fc.constantFrom<unknown>(
    '',
    'a1',
    'a0',
    'a01',
    'a999999999',
    'a-1',
    '__proto__',
    'constructor',
    'toString',
    'lp64',
    'sum',
    'a',
    'a.T',
    '/',
    'x'.repeat(5000),
    'a\0b',
    '\u202e',
    'a\nb',
  ),
  fc.array(fc.integer({ min: -3, max: 10 }), { maxLength: 5 }),
  fc.constantFrom<unknown>(
    {},
    [],
    [[]],
    Object.create(null),
    new Date(0),
    /x/,
    new Uint8Array(4),
    new Map([[1, 2]]),
    new Set([1]),
    [1.5],
    [NaN],
    [2 ** 60],
    { path: 1 },
    { id: 'a1', __proto__: { x: 1 } },
  ),
  fc.object({ maxDepth: 2, maxKeys: 4 }),
);

/** Ids: live ones (opened by the session), stale ones (closed), forged ones, hostile values. */
const live: string[] = [];
const stale: string[] = [];
const arbId = fc.oneof(
  { arbitrary: fc.nat().map((i) => live[i % Math.max(1, live.length)] ?? 'a1'), weight: 5 },
  { arbitrary: fc.nat().map((i) => stale[i % Math.max(1, stale.length)] ?? 'a999'), weight: 2 },
  { arbitrary: hostile, weight: 2 },
);
const arbOffset = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 2000 }), weight: 4 },
  { arbitrary: fc.constantFrom(-1, 2 ** 53 - 1, 2 ** 31, 1024 * 1024, 1024 * 1024 + 1, 0.5, NaN), weight: 2 },
  { arbitrary: hostile, weight: 2 },
);
const arbExpr = fc.oneof({ arbitrary: arbViewExprText, weight: 5 }, { arbitrary: hostile, weight: 1 });
const arbPath = fc.oneof({ arbitrary: fc.constantFrom(...PATHS), weight: 5 }, { arbitrary: hostile, weight: 1 });
const arbRaw = fc.oneof(
  fc.constant(undefined),
  fc.record(
    {
      dtype: fc.oneof(fc.constantFrom('<f4', '|u1', '>i8', 'V2147483647', '|O', 'x'), hostile),
      shape: fc.oneof(
        fc.constant(undefined),
        fc.array(fc.integer({ min: -1, max: 64 }), { maxLength: 3 }),
        fc.constant([2 ** 40]),
        hostile,
      ),
      offset: fc.oneof(fc.constant(undefined), fc.integer({ min: -1, max: 5000 }), hostile),
      order: fc.oneof(fc.constantFrom(undefined, 'C', 'F', 'K'), hostile),
      mode: fc.oneof(fc.constantFrom(undefined, 'r', 'c', 'r+', 'w+', 'readwrite'), hostile),
      extra: hostile,
    },
    { requiredKeys: ['dtype'] },
  ),
  hostile,
);
const arbOpenRequest = fc.oneof(
  {
    arbitrary: fc.record(
      // grant ids main handed out (g1, g2), ones it never did, paths where an id belongs, hostile values
      {
        grant: fc.oneof(fc.constantFrom('g1', 'g2', 'g3', 'g99', ''), arbPath, hostile),
        member: fc.oneof(fc.constantFrom(undefined, 'x', 'nope'), hostile),
        raw: arbRaw,
        extra: hostile,
      },
      { requiredKeys: ['grant'] },
    ),
    weight: 5,
  },
  { arbitrary: hostile, weight: 1 },
);

const ARGS: Record<string, fc.Arbitrary<unknown[]>> = {
  openGrant: fc.tuple(arbOpenRequest),
  openRecent: fc.tuple(fc.oneof(fc.integer({ min: -2, max: 12 }), hostile)),
  cancel: fc.tuple(fc.oneof(fc.constantFrom('j1', 'j2', 'j999', ''), hostile)),
  closeArray: fc.tuple(arbId),
  getArray: fc.tuple(arbId),
  readBytes: fc.tuple(arbId, arbOffset, arbOffset),
  locateByte: fc.tuple(arbId, arbOffset),
  locateIndex: fc.tuple(arbId, fc.oneof(fc.array(fc.integer({ min: -2, max: 20 }), { maxLength: 4 }), hostile)),
  evalView: fc.tuple(arbId, arbExpr),
  walk: fc.tuple(arbId, arbExpr, arbOffset, arbOffset),
  reinterpret: fc.tuple(arbId, arbOffset, fc.oneof(fc.constantFrom('lp64', 'llp64', 'ilp32'), hostile)),
  pointer: fc.tuple(
    fc.oneof(
      fc.record(
        {
          id: arbId,
          expression: arbExpr,
          ctype: fc.oneof(fc.constantFrom('c_long', 'c_int', 'c_double', 'c_void_p', 'c_char'), hostile),
          model: fc.oneof(fc.constantFrom('lp64', 'llp64', 'ilp32'), hostile),
          index: fc.oneof(
            fc.integer({ min: -200, max: 200 }),
            fc.constantFrom(1_000_000, -1_000_000, 1_000_001),
            hostile,
          ),
          extra: hostile,
        },
        { requiredKeys: [] },
      ),
      hostile,
    ),
  ),
  lifetime: fc.tuple(
    fc.oneof(
      fc.constantFrom(
        null,
        undefined,
        'temporary-address',
        'ctypes-keeps-alive',
        'pointer-keeps-alive',
        'closed-mapping',
      ),
      hostile,
    ),
  ),
  runKernel: fc.tuple(arbId, fc.oneof(fc.constantFrom(...KERNEL_NAMES), hostile), arbExpr),
};
/** Methods without a known signature (new ones too): 0-4 hostile arguments. */
const GENERIC = fc.array(fc.oneof(hostile, arbId, arbExpr), { maxLength: 4 });

function show(args: unknown[]): string {
  try {
    const s = JSON.stringify(args, (_k, v) =>
      typeof v === 'bigint'
        ? `${v}n`
        : typeof v === 'number' && !Number.isFinite(v)
          ? String(v)
          : v === undefined
            ? '(undefined)'
            : v,
    );
    return s.length > 300 ? s.slice(0, 300) + '…' : s;
  } catch {
    return String(args);
  }
}

async function main(): Promise<void> {
  const h = createHandlers({
    recentFile: path.join(dir, 'profile', 'recent.json'),
    console: 'simulation',
  }) as unknown as Record<string, (...a: unknown[]) => unknown> & { dispose(): void };
  const open = async (p: string): Promise<string> => {
    const r = (await h.openByUser(p, 'drop')) as { ok: boolean; value?: { id: string } };
    if (!r.ok) throw new Error(`could not open ${p}`);
    return r.value!.id;
  };
  const ex = (await h.openExample()) as { value: { id: string } };
  live.push(ex.value.id, await open(npy), await open(npy2));
  for (let i = 0; i < 3; i++) {
    const id = await open(npy);
    await h.closeArray(id);
    stale.push(id);
  }
  const failures: { method: string; args: string; why: string }[] = [];
  const calls: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  const missing: string[] = [];
  for (const [k, method] of API_METHODS.entries()) {
    if (typeof h[method] !== 'function') {
      missing.push(method);
      continue;
    }
    const samples = fc.sample(ARGS[method] ?? GENERIC, { numRuns: RUNS, seed: SEED + k });
    for (const args of samples) {
      process.stdout.write(`CALL ${method} ${show(args)}\n`);
      calls[method] = (calls[method] ?? 0) + 1;
      const fail = (why: string) => failures.push({ method, args: show(args), why });
      let p: unknown;
      try {
        p = h[method](...args);
      } catch (e) {
        fail(`threw synchronously: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        continue;
      }
      if (!(p instanceof Promise)) {
        fail(`returned ${typeof p}, not a Promise`);
        continue;
      }
      let r: { ok?: unknown; value?: unknown; error?: { kind?: unknown; message?: unknown } };
      try {
        r = (await p) as typeof r;
      } catch (e) {
        fail(`rejected: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        continue;
      }
      if (r?.ok === true) {
        outcomes.ok = (outcomes.ok ?? 0) + 1;
        // keep track of what the session hands out, so later calls use live ids
        const v = r.value as { id?: unknown } | null;
        if (method === 'openGrant' || method === 'openRecent' || method === 'openExample' || method === 'startup')
          if (v && typeof v.id === 'string') live.push(v.id);
        if (method === 'closeArray') {
          const id = (r.value as { closed: string }).closed;
          live.splice(live.indexOf(id), 1);
          stale.push(id);
        }
      } else if (
        r?.ok === false &&
        r.error &&
        typeof r.error.message === 'string' &&
        typeof r.error.kind === 'string'
      ) {
        outcomes[r.error.kind] = (outcomes[r.error.kind] ?? 0) + 1;
        if (!TYPED.has(r.error.kind)) fail(`untyped error kind '${r.error.kind}': ${r.error.message}`);
      } else {
        fail(`not a Result: ${show([r])}`);
      }
      try {
        structuredClone(r);
      } catch (e) {
        fail(`the answer cannot cross IPC (structured clone): ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  const before = openHandlesUnder(dir);
  h.dispose();
  const after = openHandlesUnder(dir);
  process.stdout.write(
    '\n@@RESULT ' +
      JSON.stringify({
        failures: failures.slice(0, 50),
        failureCount: failures.length,
        calls,
        outcomes,
        missing,
        handlesBeforeDispose: before.maps.length + before.fds.length,
        handlesAfterDispose: after,
      }) +
      '\n',
  );
}

main().then(
  () => process.stdout.write('', () => process.exit(0)),
  (e) => {
    console.error(e);
    process.exit(3);
  },
);
