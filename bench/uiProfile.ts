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
    const context = await browser.newContext({ viewport: { width: 1320, height: 900 } });
    const page = await context.newPage();
    await serveRenderer(page, CSP);
    await installBridge(page, handlers, { dropFiles: { [name]: path } });
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
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    const r = await page.evaluate(async () => {
      const api = (window as unknown as { stridescope: Record<string, (...a: unknown[]) => Promise<unknown>> })
        .stridescope;
      const calls: { name: string; t0: number; t1: number }[] = [];
      for (const k of Object.keys(api)) {
        const f = api[k];
        if (typeof f !== 'function') continue;
        api[k] = async (...a: unknown[]) => {
          const c = { name: k, t0: performance.now(), t1: 0 };
          calls.push(c);
          const out = await f(...a);
          c.t1 = performance.now();
          return out;
        };
      }
      const longs: number[] = [];
      const obs = new PerformanceObserver((l) => l.getEntries().forEach((e) => longs.push(e.duration)));
      obs.observe({ type: 'longtask', buffered: false });
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
      // the floor: a bare round trip over the same bridge, and idle frames
      const b0 = performance.now();
      await api.listArrays();
      const bare = performance.now() - b0;
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
        calls: calls.map((c) => ({ name: c.name, start: c.t0 - t0, ms: c.t1 - c.t0 })),
        longs,
      };
    });
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: Node[]; samples: number[] } };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    for (const n of profile.nodes) {
      const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
      self.set(key, (self.get(key) ?? 0) + n.hitCount * 0.1);
    }
    void byId;
    add('click → React commit of the Array pane (sync, ms)', r.tClick);
    add('click → diagram cells with values in the DOM (ms)', r.tCells);
    add('click → painted (2 frames after, ms) = the bench figure', r.total);
    add('floor: a bare bridge round trip, listArrays (ms)', r.bare);
    add('floor: idle frame (median ms)', r.idleFrame);
    for (const c of r.calls) add(`bridge ${c.name}: duration (ms)`, c.ms);
    for (const c of r.calls) add(`bridge ${c.name}: started at (ms after click)`, c.start);
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
