/**
 * `npm run bench`: every measurement, in one run, medians of several runs each.
 * Sections: open cost (4 GiB vs 4 KiB), stride-walk throughput, native kernels vs bandwidth vs NumPy, UI.
 * Pass section names to run only some: `npm run bench -- open walk`.
 */
import { benchDir, benchOpen, benchWalk } from './openAndWalk';

const only = new Set(process.argv.slice(2));
const want = (name: string) => only.size === 0 || only.has(name);
const results: Record<string, unknown> = { node: process.version, cpus: (await import('node:os')).cpus().length };

if (want('open')) Object.assign(results, benchOpen(benchDir()));
if (want('walk')) Object.assign(results, benchWalk());
if (want('kernels')) {
  const { benchKernels } = await import('./kernels');
  Object.assign(results, await benchKernels(benchDir()));
}
if (want('ui')) {
  const { benchUi } = await import('./ui');
  Object.assign(results, await benchUi(benchDir()));
}
console.log('\nJSON ' + JSON.stringify(results));
