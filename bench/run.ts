/**
 * `npm run bench`: every measurement, in one run, medians of several runs each.
 * Sections: open (4 GiB vs 4 KiB), walk (stride-walk throughput), kernels (native vs fallback vs bandwidth vs NumPy),
 * playground (statement latency at 1e6 elements), live (live Python round trip and child-memory reads), ui
 * (drop-to-first-bytes and scroll frame times in Chromium; the array diagram's first paint), cli (`stridescope
 * inspect --json` start time against a bare `node -e 0`, same run), eventloop (main's largest event-loop delay while
 * each API method runs with its worst bounded arguments).
 * Pass section names to run only some: `npm run bench -- open walk`.
 */
import { benchDir, benchOpen, benchWalk } from './openAndWalk';
import { printTable } from './stats';

const only = new Set(process.argv.slice(2));
const want = (name: string) => only.size === 0 || only.has(name);
const results: Record<string, unknown> = { node: process.version, cpus: (await import('node:os')).cpus().length };

if (want('open')) Object.assign(results, benchOpen(benchDir()));
if (want('walk')) Object.assign(results, benchWalk());
if (want('kernels')) {
  const { benchKernels } = await import('./kernels');
  Object.assign(results, await benchKernels(benchDir()));
}
if (want('playground')) {
  const { benchPlayground } = await import('./playground');
  const r = benchPlayground();
  printTable(
    `playground: one statement on arrays of ${r.n} elements (median ms of 5; budget 50 ms)`,
    ['statement', 'ms'],
    Object.entries(r.statements).map(([k, v]) => [k, v.toFixed(2)]),
  );
  Object.assign(results, { playgroundMaxMs: r.maxMs, playgroundUnderBudget: r.underBudget });
}
if (want('cli')) {
  const { benchCliStart } = await import('./cliStart');
  Object.assign(results, benchCliStart());
}
if (want('live')) {
  const { benchLivePython } = await import('./livePython');
  Object.assign(results, await benchLivePython());
}
if (want('eventloop')) {
  const { benchEventLoop } = await import('./eventLoop');
  Object.assign(results, await benchEventLoop());
}
if (want('ui')) {
  const { benchUi } = await import('./ui');
  Object.assign(results, await benchUi(benchDir()));
  const { benchDiagram } = await import('./uiDiagram');
  Object.assign(results, await benchDiagram(benchDir()));
}
console.log('\nJSON ' + JSON.stringify(results));
