/**
 * The UI figures the user feels (issue 4), measured by Playwright in Chromium over the real handlers
 * (the e2e bridge: built renderer, real mmap):
 *  - drop -> first painted bytes, for a 4 GiB .npy (sparse: header, then ftruncate);
 *  - frame times while scrolling its byte grid from the start to the end (file-position slider + wheel-sized
 *    scrolls each frame), 95th percentile.
 * Targets: first bytes < 300 ms, p95 frame < 20 ms. The same run measures the floor (a trivial static page's frame
 * times) so the figures can be read against what this machine's Chromium gives any page. Needs `electron-vite build` (out/renderer) and /usr/bin/chromium.
 */
import { closeSync, existsSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { DType } from '../src-main/core/dtype';
import { npyHeaderBytes } from '../src-main/formats/npy';
import { createHandlers } from '../src-main/api/handlers';
import { CSP } from '../src-main/electron/security';
import { installBridge, serveRenderer, ORIGIN, RENDERER_DIR } from '../e2e/bridge';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/fixtures';
import { median, printTable } from './stats';

const GiB = 1024 ** 3;

export function makeSparseNpy(path: string, nbytes: number): void {
  const header = npyHeaderBytes(DType.parse('<f8'), [nbytes / 8], false);
  const fd = openSync(path, 'w');
  writeSync(fd, header);
  ftruncateSync(fd, header.length + nbytes);
  closeSync(fd);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/**
 * The floor: what this machine's Chromium gives a page that does (almost) nothing, measured the same way
 * (rAF timestamp deltas over 300 frames): an idle static page, and a static page whose trivial div is scrolled
 * 400 px every frame. Frame times of the byte grid can't go below these.
 */
async function floorFrames(browser: import('@playwright/test').Browser): Promise<{ idle: number[]; scroll: number[] }> {
  const context = await browser.newContext({ viewport: { width: 1320, height: 900 } });
  const page = await context.newPage();
  await page.setContent(
    '<!doctype html><body style="margin:0"><div id="s" style="height:520px;width:700px;overflow-y:auto;font:13px monospace">' +
      Array.from({ length: 2000 }, (_, i) => `<div style="height:20px">row ${i}</div>`).join('') +
      '</div></body>',
  );
  // (loops, not named helpers: tsx's keepNames would inject a __name helper the page does not have)
  const out = await page.evaluate(async () => {
    const el = document.getElementById('s') as HTMLDivElement;
    const res: number[][] = [];
    for (const scroll of [false, true]) {
      const stamps: number[] = [];
      for (let k = 0; k < 300; k++) {
        if (scroll) el.scrollTop = (el.scrollTop + 400) % 30000;
        stamps.push(await new Promise<number>((r) => requestAnimationFrame(r)));
      }
      res.push(stamps.slice(1).map((t, i) => t - stamps[i]));
    }
    return { idle: res[0], scroll: res[1] };
  });
  await context.close();
  return out;
}

export async function benchUi(dir: string, runs = 5): Promise<Record<string, number>> {
  if (!existsSync(join(RENDERER_DIR, 'index.html')))
    throw new Error('build the renderer first: npx electron-vite build');
  const name = 'ui-4GiB.npy';
  const path = join(dir, name);
  makeSparseNpy(path, 4 * GiB);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const firstBytes: number[] = [];
  const frames: number[] = [];
  const realFrames: number[] = [];
  const wheelFrames: number[] = [];
  const draws: number[] = [];
  const wheelDraws: number[] = [];
  const wheelReal: number[] = [];
  const floorIdle: number[] = [];
  const floorScroll: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const handlers = createHandlers();
      const context = await browser.newContext({ viewport: { width: 1320, height: 900 } });
      const page = await context.newPage();
      await serveRenderer(page, CSP);
      await installBridge(page, handlers, { dropFiles: { [name]: path } });
      await page.goto(`${ORIGIN}/index.html`);
      await page.getByTestId('shape').waitFor();
      await page.getByTestId('tab-bytes').click();
      await page.getByTestId('byte-grid').waitFor();
      const rows = Math.ceil((4 * GiB + 128) / 16);
      // drop -> the new file's first row painted (real bytes, then two animation frames = on screen)
      const ms = await page.evaluate(
        async ({ fileName, rowCount }) => {
          const t0 = performance.now();
          const dt = new DataTransfer();
          dt.items.add(new File([], fileName));
          const target = document.querySelector('[data-testid=app]')!;
          for (const type of ['dragenter', 'dragover', 'drop'])
            target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
          // (a loop, not a named callback: tsx's keepNames would inject a helper the page does not have)
          for (;;) {
            // the canvas grid's probe answers what its last paint drew in byte 0's cell
            const grid = document.querySelector('[data-testid=byte-grid]') as
              (HTMLElement & { __byteGrid?: { cellText(o: number): string | null } }) | null;
            if (grid?.dataset.rows === String(rowCount) && grid.__byteGrid?.cellText(0) === '93') break;
            await new Promise((r) => requestAnimationFrame(r));
          }
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          return performance.now() - t0;
        },
        { fileName: name, rowCount: rows },
      );
      firstBytes.push(ms);
      // scroll from start to end: 300 frames, slider position k/299 of the file, plus a wheel-sized scroll
      const deltas = await page.evaluate(async () => {
        const grid = document.querySelector('[data-testid=byte-grid]') as HTMLDivElement;
        const slider = document.querySelector('[data-testid=file-slider]') as HTMLInputElement;
        const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
        const max = Number(slider.max);
        (grid as unknown as { __byteGrid: { drawTimes(r: boolean): number[] } }).__byteGrid.drawTimes(true);
        const stamps: number[] = [];
        const N = 300;
        let real = 0;
        for (let k = 0; k < N; k++) {
          if (k % 2 === 0) {
            setValue.call(slider, String(Math.round((k / (N - 1)) * max)));
            slider.dispatchEvent(new Event('input', { bubbles: true }));
          } else {
            grid.scrollTop += 400;
          }
          stamps.push(await new Promise<number>((r) => requestAnimationFrame(r)));
          // did the last paint show real bytes in every visible cell, or placeholders while a window loads?
          if (grid.dataset.loaded === 'true') real++;
        }
        setValue.call(slider, String(max));
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        return { deltas: stamps.slice(1).map((t, i) => t - stamps[i]), real: real / N };
      });
      frames.push(...deltas.deltas);
      realFrames.push(deltas.real);
      draws.push(
        ...(await page.evaluate(() =>
          (
            document.querySelector('[data-testid=byte-grid]') as unknown as {
              __byteGrid: { drawTimes(r: boolean): number[] };
            }
          ).__byteGrid.drawTimes(true),
        )),
      );
      // wheel-only: 300 frames of 400 px (20 rows) each from the middle of the file, as a reader scrolls
      const wheel = await page.evaluate(async () => {
        const grid = document.querySelector('[data-testid=byte-grid]') as HTMLDivElement;
        const slider = document.querySelector('[data-testid=file-slider]') as HTMLInputElement;
        const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
        setValue.call(slider, String(Math.round(Number(slider.max) / 2)));
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        for (let k = 0; k < 30; k++) await new Promise((r) => requestAnimationFrame(r));
        (grid as unknown as { __byteGrid: { drawTimes(r: boolean): number[] } }).__byteGrid.drawTimes(true);
        const stamps: number[] = [];
        let real = 0;
        for (let k = 0; k < 300; k++) {
          grid.scrollTop += 400;
          stamps.push(await new Promise<number>((r) => requestAnimationFrame(r)));
          if (grid.dataset.loaded === 'true') real++;
        }
        return { deltas: stamps.slice(1).map((t, i) => t - stamps[i]), real: real / 300 };
      });
      wheelFrames.push(...wheel.deltas);
      wheelDraws.push(
        ...(await page.evaluate(() =>
          (
            document.querySelector('[data-testid=byte-grid]') as unknown as {
              __byteGrid: { drawTimes(r: boolean): number[] };
            }
          ).__byteGrid.drawTimes(true),
        )),
      );
      wheelReal.push(wheel.real);
      await page.evaluate(() => {
        const slider = document.querySelector('[data-testid=file-slider]') as HTMLInputElement;
        const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
        setValue.call(slider, slider.max);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
      });
      // the end of the file is reachable and painted with its real bytes (zeros: the file is sparse)
      await page.waitForFunction(
        (last) =>
          (
            document.querySelector('[data-testid=byte-grid]') as unknown as {
              __byteGrid?: { cellText(o: number): string | null };
            }
          )?.__byteGrid?.cellText(last) === '00',
        4 * GiB + 127,
        { timeout: 10_000 },
      );
      await context.close();
      handlers.dispose();
      // the floor, interleaved with the runs so both see the same machine load
      const floor = await floorFrames(browser);
      floorIdle.push(...floor.idle);
      floorScroll.push(...floor.scroll);
    }
  } finally {
    await browser.close();
  }
  const first = median(firstBytes);
  const p95 = percentile(frames, 95);
  printTable(
    'UI (Chromium over the real handlers, 4 GiB .npy)',
    ['measure', 'value', 'target'],
    [
      ['drop -> first bytes painted (median ms)', first.toFixed(1), '< 300'],
      ['scroll start -> end: p95 frame (ms)', p95.toFixed(2), '< 20'],
      ['scroll: median frame (ms)', median(frames).toFixed(2), ''],
      ['scroll: frames painted with every visible byte loaded (median %)', (median(realFrames) * 100).toFixed(0), ''],
      [
        'scroll: grid draw on the main thread, median / p95 (ms)',
        `${median(draws).toFixed(2)} / ${percentile(draws, 95).toFixed(2)}`,
        '',
      ],
      [
        'wheel-only scroll, 20 rows/frame: median / p95 frame (ms)',
        `${median(wheelFrames).toFixed(2)} / ${percentile(wheelFrames, 95).toFixed(2)}`,
        '',
      ],
      ['wheel-only scroll: frames with every visible byte loaded (median %)', (median(wheelReal) * 100).toFixed(0), ''],
      [
        'wheel-only scroll: grid draw, median / p95 (ms)',
        `${median(wheelDraws).toFixed(2)} / ${percentile(wheelDraws, 95).toFixed(2)}`,
        '',
      ],
      [
        'floor, idle static page: median / p95 frame (ms)',
        `${median(floorIdle).toFixed(2)} / ${percentile(floorIdle, 95).toFixed(2)}`,
        '',
      ],
      [
        'floor, trivial div scrolled 400 px/frame: median / p95 (ms)',
        `${median(floorScroll).toFixed(2)} / ${percentile(floorScroll, 95).toFixed(2)}`,
        '',
      ],
    ],
  );
  console.log(`first-bytes runs (ms): ${firstBytes.map((x) => x.toFixed(0)).join(', ')}`);
  return {
    uiFirstBytesMs: first,
    uiScrollP95FrameMs: p95,
    uiScrollMedianFrameMs: median(frames),
    uiScrollLoadedFrameShare: median(realFrames),
    uiScrollDrawMedianMs: median(draws),
    uiScrollDrawP95Ms: percentile(draws, 95),
    uiWheelDrawP95Ms: percentile(wheelDraws, 95),
    uiWheelMedianFrameMs: median(wheelFrames),
    uiWheelP95FrameMs: percentile(wheelFrames, 95),
    uiWheelLoadedFrameShare: median(wheelReal),
    uiFloorIdleMedianMs: median(floorIdle),
    uiFloorIdleP95Ms: percentile(floorIdle, 95),
    uiFloorScrollMedianMs: median(floorScroll),
    uiFloorScrollP95Ms: percentile(floorScroll, 95),
  };
}
