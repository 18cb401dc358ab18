/**
 * A profile of the array diagram's first paint (not part of `npm run bench`; run it by hand with
 * `npx tsx bench/uiProfile.ts` after `electron-vite build`): a 1000×1000 float64 .npy, Bytes → Array tab switch,
 * with every bridge call timed in the page (start, end), the frames, the long tasks, and a Chromium CPU profile
 * (CDP Profiler) of the switch whose top self-time functions are printed. The same run measures the floor: an
 * idle page's frame and a bare round trip (`listArrays`) over the same bridge.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium } from '@playwright/test';
import { createHandlers } from '../src-main/api/handlers';
import { CSP } from '../src-main/electron/security';
import { installBridge, serveRenderer, ORIGIN } from '../e2e/bridge';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/fixtures';
import { makeDiagramNpy } from './uiDiagram';
import { median } from './stats';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount: number;
  children?: number[];
}

const runs = Number(process.argv[2] ?? 5);
const path = join(tmpdir(), 'ui-diagram-1000x1000.npy');
makeDiagramNpy(path);
const name = 'ui-diagram-1000x1000.npy';
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const rows: Record<string, number[]> = {};
const add = (k: string, v: number) => (rows[k] ??= []).push(v);
const self = new Map<string, number>();
try {
  for (let run = 0; run < runs; run++) {
    const handlers = createHandlers({ console: 'simulation' });
    // every handler call main answers, timed on this side (the page's clock is another process's)
    const log: { name: string; t0: number; t1: number }[] = [];
    let logging = false;
    const timed = new Proxy(handlers, {
      get(target, key, recv) {
        const f = Reflect.get(target, key, recv) as unknown;
        if (typeof f !== 'function') return f;
        return (...a: unknown[]) => {
          const rec = { name: String(key), t0: performance.now(), t1: 0 };
          if (logging) log.push(rec);
          const out = (f as (...x: unknown[]) => unknown).apply(target, a);
          if (out instanceof Promise) return out.finally(() => (rec.t1 = performance.now()));
          rec.t1 = performance.now();
          return out;
        };
      },
    });
    const context = await browser.newContext({ viewport: { width: 1320, height: 900 } });
    const page = await context.newPage();
    await serveRenderer(page, CSP);
    await installBridge(page, timed, { dropFiles: { [name]: path } });
    await page.goto(`${ORIGIN}/index.html`);
    await page.locator('[data-testid=array-diagram] [data-testid=diagram-cell]').first().waitFor();
    await page.evaluate((fileName) => {
      const dt = new DataTransfer();
      dt.items.add(new File([], fileName));
      const target = document.querySelector('[data-testid=app]')!;
      for (const type of ['dragenter', 'dragover', 'drop'])
        target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }, name);
    await page.locator('[data-testid=array-diagram] [data-testid=diagram-cell][data-index="999,999"]').waitFor();
    await page.getByTestId('tab-bytes').click();
    await page.getByTestId('byte-grid').waitFor();
    await page.waitForTimeout(300);
    // one run traced (devtools.timeline): where the renderer's main thread spends the switch, by event
    if (run === 0) await browser.startTracing(page, { categories: ['devtools.timeline', 'blink.user_timing'] });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    logging = true;
    const tNode = performance.now();
    const r = await page.evaluate(async () => {
      const api = (window as unknown as { stridescope: Record<string, (...a: unknown[]) => Promise<unknown>> })
        .stridescope;
      const longs: number[] = [];
      const obs = new PerformanceObserver((l) => l.getEntries().forEach((e) => longs.push(e.duration)));
      obs.observe({ type: 'longtask', buffered: false });
      performance.clearMarks();
      const t0 = performance.now();
      (document.querySelector('[data-testid=tab-array]') as HTMLButtonElement).click();
      const tClick = performance.now() - t0; // the synchronous React render + commit of the tab switch
      let tDom = 0;
      for (;;) {
        const corner = document.querySelector(
          '[data-testid=array-diagram] [data-testid=diagram-cell][data-index="999,999"]',
        );
        if (!tDom && document.querySelector('[data-testid=array-diagram]')) tDom = performance.now() - t0;
        if (corner?.textContent?.includes('499999.5')) break;
        await new Promise((res) => requestAnimationFrame(res));
      }
      const tCells = performance.now() - t0;
      await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
      const total = performance.now() - t0;
      const marks = Object.fromEntries(
        performance
          .getEntriesByType('mark')
          .filter((m) => m.name.startsWith('diagram:'))
          .map((m) => [m.name, m.startTime - t0]),
      );
      // the floor: a bare bridge round trip, and idle frames; then the diagram's own round trips alone
      const b0 = performance.now();
      const listed = (await api.listArrays()) as { value: { id: string }[] };
      const bare = performance.now() - b0;
      const id = listed.value[listed.value.length - 1].id;
      const blocks = ['0:3, 0:4', '0:3, 996:1000', '997:1000, 0:4', '997:1000, 996:1000'].map((sel) => ({
        expression: `(x)[${sel}]`,
        start: 0,
        count: 12,
      }));
      const w0 = performance.now();
      await api.walkMany(id, blocks);
      const walkTrip = performance.now() - w0;
      const r0 = performance.now();
      await api.readBytes(id, 128, 128);
      const readTrip = performance.now() - r0;
      const stamps: number[] = [];
      for (let k = 0; k < 31; k++) stamps.push(await new Promise<number>((res) => requestAnimationFrame(res)));
      const frames = stamps.slice(1).map((t, i) => t - stamps[i]);
      obs.disconnect();
      return {
        tClick,
        tDom,
        tCells,
        total,
        bare,
        idleFrame: frames.sort((a, b) => a - b)[15],
        marks,
        walkTrip,
        readTrip,
        id,
        blocks,
        longs,
      };
    });
    logging = false;
    if (run === 0) {
      const buf = await browser.stopTracing();
      const events = (
        JSON.parse(buf.toString()) as {
          traceEvents: {
            name: string;
            ph: string;
            dur?: number;
            ts: number;
            tid: number;
            args?: { data?: { frame?: string } };
          }[];
        }
      ).traceEvents;
      // the renderer main thread: the one running the page's FunctionCalls
      const tid = events.find((e) => e.name === 'FunctionCall')?.tid;
      const totals = new Map<string, number>();
      for (const e of events)
        if (e.tid === tid && e.ph === 'X' && e.dur) totals.set(e.name, (totals.get(e.name) ?? 0) + e.dur / 1000);
      // a Layout inside a script's FunctionCall / animation frame is forced (the script read layout after a write)
      const scripts = events.filter(
        (e) => e.tid === tid && e.ph === 'X' && (e.name === 'FunctionCall' || e.name === 'FireAnimationFrame'),
      );
      const forced = events.filter(
        (e) =>
          e.tid === tid &&
          e.ph === 'X' &&
          e.name === 'Layout' &&
          scripts.some((f) => e.ts >= f.ts && e.ts < f.ts + (f.dur ?? 0)),
      );
      console.log(
        `forced layouts inside scripts: ${forced.length}, ${forced.reduce((a, e) => a + (e.dur ?? 0) / 1000, 0).toFixed(1)} ms` +
          ` (all layouts: ${events.filter((e) => e.tid === tid && e.name === 'Layout').length})`,
      );
      console.log('trace of run 0, renderer main thread, top complete events (ms, nested events overlap):');
      for (const [k, v] of [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 14))
        console.log(`  ${v.toFixed(1).padStart(8)}  ${k}`);
    }
    const seen = new Map<string, number>();
    for (const c of log) {
      const n = (seen.get(c.name) ?? 0) + 1;
      seen.set(c.name, n);
      const tag = `${c.name}#${n}`;
      add(`main ${tag}: called at (ms after the evaluate began)`, c.t0 - tNode);
      add(`main ${tag}: ran (ms)`, c.t1 - c.t0);
    }
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: Node[]; samples: number[] } };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    for (const n of profile.nodes) {
      const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
      self.set(key, (self.get(key) ?? 0) + n.hitCount * 0.1);
    }
    void byId;
    add('click → React commit of the Array pane (sync, ms)', r.tClick);
    for (const [k, v] of Object.entries(r.marks)) add(`click → ${k} (ms)`, v);
    add('click → diagram cells with values in the DOM (ms)', r.tCells);
    add('click → painted (2 frames after, ms) = the bench figure', r.total);
    add('floor: a bare bridge round trip, listArrays (ms)', r.bare);
    add('floor: idle frame (median ms)', r.idleFrame);
    add('walkMany of the 4 blocks over the bridge, alone (ms)', r.walkTrip);
    add('readBytes of the strip over the bridge, alone (ms)', r.readTrip);
    // the handler alone, in this process (no transport): what main spends on the diagram's cells
    const h0 = performance.now();
    await handlers.walkMany(r.id as never, r.blocks);
    add('walkMany handler alone, no transport (ms)', performance.now() - h0);
    add('long tasks during the switch (count)', r.longs.length);
    add(
      'long tasks during the switch (sum ms)',
      r.longs.reduce((a, b) => a + b, 0),
    );
    writeFileSync(join(tmpdir(), `ui-diagram-profile-${run}.json`), JSON.stringify(r, null, 1));
    await context.close();
    handlers.dispose();
  }
} finally {
  await browser.close();
}
console.log(`array diagram first paint, profiled (median of ${runs})`);
for (const [k, v] of Object.entries(rows))
  console.log(`  ${k.padEnd(62)} ${median(v).toFixed(1)}  [${v.map((x) => x.toFixed(0)).join(', ')}]`);
console.log('top self time in the renderer over all runs (ms, CPU profile at 0.1 ms sampling):');
for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(`  ${v.toFixed(1).padStart(8)}  ${k}`);

// ---- the byte grid while its file-position slider jumps (bench/ui.ts's scroll), traced: what the long frames hold
if (process.argv[3] === 'grid') {
  const { makeSparseNpy } = await import('./ui');
  const gpath = join(tmpdir(), 'ui-profile-4GiB.npy');
  makeSparseNpy(gpath, 4 * 1024 ** 3);
  const b2 = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const handlers = createHandlers();
    const context = await b2.newContext({ viewport: { width: 1320, height: 900 } });
    const page = await context.newPage();
    await serveRenderer(page, CSP);
    await installBridge(page, handlers, { dropFiles: { 'g.npy': gpath } });
    await page.goto(`${ORIGIN}/index.html`);
    await page.getByTestId('shape').waitFor();
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([], 'g.npy'));
      const target = document.querySelector('[data-testid=app]')!;
      for (const type of ['dragenter', 'dragover', 'drop'])
        target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    });
    await page.getByTestId('tab-bytes').click();
    await page.locator('[data-testid=byte-grid][data-loaded=true]').waitFor();
    await b2.startTracing(page, { categories: ['devtools.timeline', 'v8.execute'] });
    const deltas = await page.evaluate(async () => {
      const grid = document.querySelector('[data-testid=byte-grid]') as HTMLDivElement;
      const slider = document.querySelector('[data-testid=file-slider]') as HTMLInputElement;
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      const max = Number(slider.max);
      const stamps: number[] = [];
      for (let k = 0; k < 300; k++) {
        if (k % 2 === 0) {
          setValue.call(slider, String(Math.round((k / 299) * max)));
          slider.dispatchEvent(new Event('input', { bubbles: true }));
        } else grid.scrollTop += 400;
        stamps.push(await new Promise<number>((r) => requestAnimationFrame(r)));
      }
      return stamps.slice(1).map((t, i) => t - stamps[i]);
    });
    const buf = await b2.stopTracing();
    const events = (
      JSON.parse(buf.toString()) as {
        traceEvents: {
          name: string;
          ph: string;
          dur?: number;
          ts: number;
          tid: number;
          args?: { data?: { functionName?: string; url?: string } };
        }[];
      }
    ).traceEvents;
    const tid = events.find((e) => e.name === 'FireAnimationFrame')?.tid;
    const totals = new Map<string, number>();
    for (const e of events) {
      if (e.tid !== tid || e.ph !== 'X' || !e.dur) continue;
      const key =
        e.name === 'FunctionCall'
          ? `FunctionCall ${e.args?.data?.functionName || ''} ${(e.args?.data?.url ?? '').split('/').pop()}`
          : e.name;
      totals.set(key, (totals.get(key) ?? 0) + e.dur / 1000);
    }
    const sorted = [...deltas].sort((a, b) => a - b);
    console.log(
      `grid, slider + wheel scroll of a 4 GiB file, 300 frames: median ${sorted[150].toFixed(1)} ms, p95 ${sorted[Math.floor(0.95 * sorted.length)].toFixed(1)} ms, frames > 20 ms: ${deltas.filter((d) => d > 20).length}`,
    );
    console.log('renderer main thread over those frames, top complete events (ms, nested events overlap):');
    for (const [k, v] of [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 16))
      console.log(`  ${v.toFixed(1).padStart(8)}  ${k}`);
    await context.close();
    handlers.dispose();
  } finally {
    await b2.close();
  }
}
