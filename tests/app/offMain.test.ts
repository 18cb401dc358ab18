/**
 * Heavy work stays off main's event loop, driven through the handler object main registers: while a multi-second
 * kernel or inflation runs, another call answers and the event loop's largest delay (perf_hooks.monitorEventLoopDelay)
 * is a small part of the run (the ≤ 50 ms bound per method: tests/app/eventLoopBound.test.ts, by main's synchronous
 * segments; wall-clock delays per method: `npm run bench -- eventloop`); long jobs report progress and cancel; contiguous_copy is capped by
 * LIMITS.maxViewCopyBytes and charged to the
 * session budget; an .npz member inflated past the budget answers "over the session budget".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHandlers, type Handlers } from '../../src-main/api/handlers';
import { LIMITS, type JobProgress, type Result } from '../../src-main/api/contract';
import { DType } from '../../src-main/core/dtype';
import { npyHeaderBytes } from '../../src-main/formats/npy';
import { nativeLibrary } from '../../src-main/platform/nativeLibrary';

const GiB = 1024 ** 3;
const FIX = join(import.meta.dirname, '..', 'fixtures', 'npy');
let dir: string;
let big: string;
let h: Handlers;
const events: JobProgress[] = [];
let bigId: string;

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}

/** A sparse .npy of `bytes` of <f8 zeros: a real header, then ftruncate (the OS hands back zero pages). */
function sparseNpy(file: string, bytes: number): void {
  const header = npyHeaderBytes(DType.parse('<f8'), [bytes / 8], false);
  const fd = openSync(file, 'w');
  writeSync(fd, header);
  ftruncateSync(fd, header.length + bytes);
  closeSync(fd);
}

/** Run `work` and answer the largest event-loop delay seen meanwhile, in ms. */
async function maxDelayDuring(work: () => Promise<unknown>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  try {
    await work();
  } finally {
    h.disable();
  }
  return h.max / 1e6;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sk-offmain-'));
  big = join(dir, 'sparse-2GiB-f8.npy');
  sparseNpy(big, 2 * GiB);
  h = createHandlers({ console: 'simulation', onProgress: (p) => events.push(p) });
  bigId = ok(await h.openByUser(big, 'drop')).id;
});
afterAll(() => {
  h.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const native = nativeLibrary() !== null;

describe.skipIf(!native)('kernels run off main with progress and cancel', () => {
  it('a sum over 2 GiB of a sparse file reports progress, keeps the event loop free, and another call answers meanwhile', async () => {
    events.length = 0;
    let other = -1;
    let otherFirst = false;
    let runMs = 0;
    const delay = await maxDelayDuring(async () => {
      const t0 = performance.now();
      let kernelDone = false;
      const run = h.runKernel(bigId, 'sum', 'a').finally(() => (kernelDone = true));
      // another pane's call while the kernel runs
      const bytes = await h.readBytes(bigId, 0, 64);
      other = performance.now() - t0;
      otherFirst = !kernelDone;
      expect(bytes.ok).toBe(true);
      const r = ok(await run);
      runMs = performance.now() - t0;
      expect(Number(r.result)).toBe(0);
    });
    console.log(
      `sum over 2 GiB in ${runMs.toFixed(0)} ms: max event-loop delay ${delay.toFixed(1)} ms; readBytes meanwhile answered in ${other.toFixed(1)} ms; ${events.length} progress events`,
    );
    // Not blocked: a call that ran on main would delay the loop by the whole run (seconds). Timing here is noisy
    // (shared 2-core machines, parallel test files), so the ≤ 50 ms goal is measured in `npm run bench -- eventloop`;
    // this asserts what noise cannot fake: the delay is a small part of the run, and another call answered first.
    expect(delay).toBeLessThan(runMs / 4);
    expect(otherFirst).toBe(true);
    const running = events.filter((e) => e.state === 'running');
    expect(running.length).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({ state: 'done', kind: 'kernel', total: 2 * GiB, done: 2 * GiB });
    for (let i = 1; i < running.length; i++) expect(running[i].done).toBeGreaterThanOrEqual(running[i - 1].done);
  }, 120_000);

  it('cancel(jobId) stops a running kernel: the run answers kind cancelled', async () => {
    events.length = 0;
    const run = h.runKernel(bigId, 'max', 'a');
    // wait for the first progress event, then cancel by its id
    const t0 = performance.now();
    while (!events.some((e) => e.state === 'running') && performance.now() - t0 < 20_000)
      await new Promise((r) => setTimeout(r, 10));
    const job = events.find((e) => e.state === 'running');
    expect(job).toBeTruthy();
    expect(ok(await h.cancel(job!.jobId))).toEqual({ cancelled: true });
    const r = await run;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe('cancelled');
    expect(events.at(-1)).toMatchObject({ jobId: job!.jobId, state: 'cancelled' });
    // a finished or unknown job: nothing to cancel
    expect(ok(await h.cancel(job!.jobId))).toEqual({ cancelled: false });
    expect(ok(await h.cancel('j999'))).toEqual({ cancelled: false });
  }, 120_000);
});

describe('an .npz member inflates off main with progress and cancel', () => {
  /** An .npz whose one member, a.npy, is 128 MiB of <f8 zeros deflated to a few hundred KiB (fflate's zipSync). */
  async function bombNpz(file: string): Promise<number> {
    const { zipSync } = await import('fflate');
    const n = (128 * 1024 * 1024) / 8;
    const head = npyHeaderBytes(DType.parse('<f8'), [n], false);
    const npy = new Uint8Array(head.length + n * 8);
    npy.set(head);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, zipSync({ 'a.npy': [npy, { level: 1 }] }));
    return npy.length;
  }

  it('128 MiB inflated from a small file: the event loop stays free, progress events arrive, cancel stops it', async () => {
    const file = join(dir, 'bomb.npz');
    const size = await bombNpz(file);
    events.length = 0;
    let opened: Result<unknown> | undefined;
    const t0 = performance.now();
    const delay = await maxDelayDuring(async () => {
      opened = await h.openByUser(file, 'drop');
    });
    const runMs = performance.now() - t0;
    console.log(
      `inflating 128 MiB in ${runMs.toFixed(0)} ms: max event-loop delay ${delay.toFixed(1)} ms, ${events.filter((e) => e.kind === 'inflate').length} progress events`,
    );
    expect(opened!.ok, JSON.stringify(opened).slice(0, 300)).toBe(true);
    // not blocked (see the sum above; the ≤ 50 ms goal is measured in `npm run bench -- eventloop`)
    expect(delay).toBeLessThan(runMs / 4);
    expect(events.some((e) => e.kind === 'inflate' && e.state === 'running')).toBe(true);
    expect(events.at(-1)).toMatchObject({ kind: 'inflate', state: 'done', total: size });
    // cancel: a second open of the same member, cancelled at its first progress event
    events.length = 0;
    const grant = (opened as { ok: true; value: { grant: string } }).value.grant;
    const again = h.openGrant({ grant, member: 'a.npy' });
    const t1 = performance.now();
    while (!events.some((e) => e.kind === 'inflate' && e.state === 'running') && performance.now() - t1 < 20_000)
      await new Promise((r) => setTimeout(r, 5));
    const job = events.find((e) => e.kind === 'inflate')!;
    expect(ok(await h.cancel(job.jobId))).toEqual({ cancelled: true });
    const r = await again;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe('cancelled');
  }, 120_000);
});

describe('the session budget and the copy cap', () => {
  it('contiguous_copy is capped by LIMITS.maxViewCopyBytes (not 1 GiB)', async () => {
    const r = await h.runKernel(bigId, 'contiguous_copy', `a[:${LIMITS.maxViewCopyBytes / 8 + 1}]`);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.kind).toBe('unsupported');
      expect(r.error.message).toContain(`at most ${LIMITS.maxViewCopyBytes} bytes`);
    }
  });

  it('a copy is charged to the session budget before it is allocated', async () => {
    const small = createHandlers({ console: 'simulation', budgetBytes: 1024 * 1024 });
    try {
      const id = ok(await small.openByUser(big, 'drop')).id;
      const r = await small.runKernel(id, 'contiguous_copy', 'a[:262145]');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/over the session budget \(0\.000 MiB of 1\.0 MiB used\)/);
      // within the budget it runs, and the charge is released afterwards (a second one runs too)
      expect(ok(await small.runKernel(id, 'contiguous_copy', 'a[:1000]')).result).toMatchObject({ nbytes: 8000 });
      expect(ok(await small.runKernel(id, 'contiguous_copy', 'a[:131072]')).result).toMatchObject({
        nbytes: 1024 * 1024,
      });
    } finally {
      small.dispose();
    }
  });

  it('inflating .npz members is bounded by the budget and charged while they are open', async () => {
    const npz = join(FIX, 'deflated.npz');
    const probe = createHandlers({ console: 'simulation' });
    const first = ok(await probe.openByUser(npz, 'drop'));
    const members = first.npz!.members.filter((m) => m.compressed);
    probe.dispose();
    expect(members.length).toBeGreaterThan(0);
    const size = members[0].size;
    // a budget that holds the first member once (inflated straight into its array: no second image), not twice
    const tight = createHandlers({ console: 'simulation', budgetBytes: size + Math.floor(size / 2) });
    try {
      const a = ok(await tight.openByUser(npz, 'drop'));
      expect(a.npz!.member).toBe(first.npz!.member);
      const again = await tight.openGrant({ grant: a.grant!, member: a.npz!.member });
      expect(again.ok).toBe(false);
      if (!again.ok) expect(again.error.message).toContain('over the session budget');
      // closing the first frees its charge: the member opens again
      ok(await tight.closeArray(a.id));
      expect((await tight.openGrant({ grant: a.grant!, member: a.npz!.member })).ok).toBe(true);
    } finally {
      tight.dispose();
    }
  });
});
