/**
 * A view expression's `.copy()` in the app: filled off main's event loop (platform/copyInto: the native copy kernel
 * in parts on koffi's worker thread, or the TypeScript copy yielding between parts), charged to the session budget
 * before allocating and released when the call has answered, cancellable as a job, and byte for byte NumPy's copy
 * (the views fixture's `tobytes(order='C')`, scripts/gen_view_fixtures.py).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandlers, type Handlers } from '../../src-main/api/handlers';
import { LIMITS, type JobProgress, type Result } from '../../src-main/api/contract';
import { evaluateViewOffMain } from '../../src-main/api/viewCopies';
import { JobTable } from '../../src-main/api/jobs';
import { SessionBudget } from '../../src-main/api/sessionBudget';
import { planViewExpr } from '../../src-main/core/viewCopy';
import { evaluateViewExpr } from '../../src-main/core/viewexpr';
import { NDArray } from '../../src-main/core/ndarray';
import { DType } from '../../src-main/core/dtype';
import { OwnedMemory } from '../../src-main/core/memory';
import { npyHeaderBytes } from '../../src-main/formats/npy';
import { copyIntoAsync } from '../../src-main/platform/copyInto';
import { mapFile } from '../../src-main/platform/mappedMemory';
import { nativeLibrary } from '../../src-main/platform/nativeLibrary';
import fixture from '../fixtures/views/expected.json';

const MiB = 1024 ** 2;
const fx = fixture as unknown as {
  bases: Record<string, { dtype: string; shape: number[]; strides: number[]; writeable: boolean; bytes: string }>;
  cases: { expr: string; expected?: { bytesC?: string } }[];
};
function makeBases(): Record<string, NDArray> {
  const out: Record<string, NDArray> = {};
  for (const [name, b] of Object.entries(fx.bases)) {
    const memory = new OwnedMemory(name, Uint8Array.from(Buffer.from(b.bytes, 'hex')), { writeable: b.writeable });
    out[name] = new NDArray({ memory, dtype: DType.parse(b.dtype), shape: b.shape, strides: b.strides, label: name });
  }
  return out;
}
function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}
const hasNative = nativeLibrary() !== null;
const paths = hasNative ? ([false, true] as const) : ([true] as const);

describe('copyIntoAsync copies what NumPy copies', () => {
  const cases = fx.cases.filter((c) => c.expected?.bytesC !== undefined);
  for (const forceFallback of paths) {
    const how = forceFallback ? 'TypeScript' : 'native';
    it(`${how}: every fixture view, cut into parts of 8 and 24 bytes and whole`, async () => {
      for (const c of cases) {
        for (const partBytes of [8, 24, undefined]) {
          const plan = planViewExpr(`(${c.expr}).copy()`, makeBases(), {
            allocate: (n, label) => new OwnedMemory(label, n),
          });
          const { source, target } = plan.copies[0];
          const r = await copyIntoAsync(source, target.memory as OwnedMemory, { forceFallback, partBytes });
          expect(r.implementation).toBe(forceFallback ? 'typescript' : 'native');
          expect(Buffer.from(target.memory.read(0, target.nbytes)).toString('hex'), c.expr).toBe(c.expected!.bytesC);
        }
      }
    });

    it(`${how}: the source released between parts: a lifetime error, nothing read from freed memory`, async () => {
      const mem = new OwnedMemory('src', new Uint8Array(4096).fill(7));
      const a = new NDArray({ memory: mem, dtype: DType.parse('<i4'), shape: [1024], label: 'src' });
      const out = new OwnedMemory('out', 2048);
      const copy = copyIntoAsync(evaluateViewExpr('a[::2]', { a }), out, {
        forceFallback,
        partBytes: 256,
        onProgress: () => mem.release('released during the copy'),
      });
      await expect(copy).rejects.toMatchObject({ kind: 'lifetime' });
    });

    it(`${how}: 64 MiB of a strided and a transposed view of random bytes equal tobytes('C')`, async () => {
      const bytes = new Uint8Array(64 * MiB);
      let s = 12345;
      for (let i = 0; i < bytes.length; i += 4) {
        s = (s * 1103515245 + 12345) >>> 0;
        bytes[i] = s >>> 24;
        bytes[i + 1] = s >>> 16;
        bytes[i + 2] = s >>> 8;
        bytes[i + 3] = s;
      }
      const mem = new OwnedMemory('r', bytes);
      const a = new NDArray({ memory: mem, dtype: DType.parse('<f8'), shape: [bytes.length / 8], label: 'r' });
      for (const e of ['a[::3]', 'a.reshape(1024, -1).T[::-1, 5:]', 'a.view("<i2")[1::4]']) {
        const v = evaluateViewExpr(e, { a });
        const out = new OwnedMemory('out', v.nbytes);
        await copyIntoAsync(v, out, { forceFallback });
        expect(Buffer.from(out.view()).equals(Buffer.from(v.toBytes('C'))), e).toBe(true);
      }
    }, 120_000);
  }
});

describe('the handlers evaluate .copy() off main, charged to the session budget', () => {
  let dir: string;
  let file: string;
  let h: Handlers;
  let id: string;
  const events: JobProgress[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sk-viewcopy-'));
    // a 96 MiB <f8 .npy whose element i holds i
    const n = (96 * MiB) / 8;
    const head = npyHeaderBytes(DType.parse('<f8'), [n], false);
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = i;
    file = join(dir, 'iota.npy');
    writeFileSync(file, Buffer.concat([head, new Uint8Array(data.buffer)]));
    h = createHandlers({ console: 'simulation', budgetBytes: 100 * MiB, onProgress: (p) => events.push(p) });
    id = ok(await h.openByUser(file, 'drop')).id;
  });
  afterAll(() => {
    h?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('evalView of the largest copy: a C-contiguous owned array of NumPy copy layout', async () => {
    const n = LIMITS.maxViewCopyBytes / 8;
    const v = ok(await h.evalView(id, `a[::-1][:${n}].copy()`));
    expect(v.shape).toEqual([n]);
    expect(v.strides).toEqual([8]);
    expect(v.flags.OWNDATA).toBe(true);
    expect(v.flags.C_CONTIGUOUS).toBe(true);
  });

  it('walk, walkMany, pointer and runKernel read the copy (values of the source, in C order)', async () => {
    const total = (96 * MiB) / 8;
    const w = ok(await h.walk(id, 'a.reshape(4096, -1)[:, :1024].T.copy()', 0, 3));
    expect(w.steps.map((s) => s.value)).toEqual([0, total / 4096, (2 * total) / 4096]);
    const many = ok(
      await h.walkMany(id, [
        { expression: 'a[::-1][:1000].copy()', start: 0, count: 2 },
        { expression: 'a[5:1005].copy()[::2]', start: 1, count: 1 },
      ]),
    );
    expect(many.map((m) => m.steps.map((s) => s.value))).toEqual([[total - 1, total - 2], [7]]);
    const p = ok(
      await h.pointer({ id, expression: 'a[::3][:100].copy()', ctype: 'c_double', model: 'lp64', index: 2 }),
    );
    expect(p.repr).toBe('6.0');
    const k = ok(await h.runKernel(id, 'sum', 'a[:1000].copy()'));
    expect(k.result).toBe((999 * 1000) / 2);
  });

  it('over the session budget: refused before allocating, and every charge is released after the call', async () => {
    // 100 MiB budget: one 64 MiB copy fits, two in one expression do not
    const r = await h.evalView(id, `a[:${(40 * MiB) / 8}].copy().copy()[:${(40 * MiB) / 8}].copy()`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/over the session budget \(80\.0 MiB of 100\.0 MiB used\)/);
    // nothing is left charged: the largest copy fits again, twice in a row
    for (let i = 0; i < 2; i++) ok(await h.evalView(id, `a[:${LIMITS.maxViewCopyBytes / 8}].copy()`));
    const over = await h.evalView(id, `a[:${LIMITS.maxViewCopyBytes / 8 + 1}].copy()`);
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.error.message).toMatch(/over the .*-byte limit/);
  });

  it('a copy runs as a job: cancelled by id, it answers "cancelled" and holds nothing', async () => {
    const h2 = createHandlers({ console: 'simulation', budgetBytes: 100 * MiB });
    try {
      const id2 = ok(await h2.openByUser(file, 'drop')).id;
      // the job starts synchronously with the call; a fresh session's first job is j1
      const pending = h2.evalView(id2, `a.reshape(1024, -1).T[:${LIMITS.maxViewCopyBytes / 8 / 1024}].copy()`);
      expect(ok(await h2.cancel('j1')).cancelled).toBe(true);
      const r = await pending;
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.kind).toBe('cancelled');
      ok(await h2.evalView(id2, `a[:${LIMITS.maxViewCopyBytes / 8}].copy()`)); // the budget was given back
    } finally {
      h2.dispose();
    }
  });
});

describe('a long copy (the TypeScript copy of a mapped file) reports progress and cancels', () => {
  it('progress events, then cancel by the job id they carry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sk-viewcopy-ts-'));
    try {
      const file = join(dir, 'sparse.bin');
      const fd = openSync(file, 'w');
      writeSync(fd, new Uint8Array(8));
      ftruncateSync(fd, 256 * MiB);
      closeSync(fd);
      const mem = mapFile(file, { offset: 0, length: 256 * MiB, mode: 'r' });
      const a = new NDArray({ memory: mem, dtype: DType.parse('<f8'), shape: [(256 * MiB) / 8], label: 'sparse' });
      const events: JobProgress[] = [];
      const jobs = new JobTable((p) => {
        events.push(p);
        if (p.state === 'running' && events.length === 2) jobs.cancel(p.jobId);
      });
      const budget = new SessionBudget(LIMITS.sessionBudgetBytes);
      // a column-wise copy: the slowest order to read a file in
      const e = `a.reshape(${(256 * MiB) / 8 / 4096}, 4096).T[:, ::4].copy()`;
      await expect(
        evaluateViewOffMain(e, { a }, 'sparse', { budget, jobs, forceFallback: true }),
      ).rejects.toMatchObject({ kind: 'cancelled' });
      expect(events.length).toBeGreaterThanOrEqual(2);
      expect(events.every((p) => p.kind === 'copy' && p.total === LIMITS.maxViewCopyBytes)).toBe(true);
      expect(events.at(-1)!.state).toBe('cancelled');
      expect(events[1].done).toBeGreaterThan(0);
      expect(budget.used).toBe(0);
      mem.release('test done');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
