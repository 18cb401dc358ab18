/**
 * The long fuzz run (the CI budget lives in tests/fuzz/*.test.ts):
 *
 *   npx tsx scripts/fuzz.ts [--runs N] [--seed S] [--target npy|npz|raw|viewexpr]...
 *
 * --runs is per target (default 20000), --seed the fast-check seed (default: the time, printed so a failing run
 * can be repeated). Every failing input is shrunk and written to tests/fixtures/fuzz-regressions/, where
 * tests/fuzz/regressions.test.ts replays it on every `npm test`. Exits 1 when anything failed.
 */
import { fuzz, summary } from '../tests/fuzz/harness';
import { FUZZ_ARBITRARIES } from '../tests/fuzz/arbitraries';
import { TARGETS, type TargetName } from '../tests/fuzz/targets';

function arg(name: string): string[] {
  const out: string[] = [];
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) out.push(argv[++i]);
    else if (argv[i].startsWith(`--${name}=`)) out.push(argv[i].slice(name.length + 3));
  }
  return out;
}

const runs = Number(arg('runs')[0] ?? 20000);
const seed = Number(arg('seed')[0] ?? Date.now() % 0x7fffffff);
const targets = (arg('target').length ? arg('target') : Object.keys(TARGETS)) as TargetName[];
if (!Number.isSafeInteger(runs) || runs <= 0 || !Number.isSafeInteger(seed)) {
  console.error('usage: tsx scripts/fuzz.ts [--runs N] [--seed S] [--target npy|npz|raw|viewexpr]...');
  process.exit(2);
}
let failed = 0;
console.log(`fuzz: ${runs} runs per target, seed ${seed}`);
for (const [i, name] of targets.entries()) {
  const target = TARGETS[name];
  if (!target) {
    console.error(`unknown target ${name} (${Object.keys(TARGETS).join(', ')})`);
    process.exit(2);
  }
  const stats = fuzz(target as never, FUZZ_ARBITRARIES[name] as never, { numRuns: runs, seed: seed + i });
  console.log(summary(stats));
  failed += stats.failures.length;
}
console.log(failed ? `${failed} failing input(s) saved under tests/fixtures/fuzz-regressions/` : 'no failures');
process.exit(failed ? 1 : 0);
