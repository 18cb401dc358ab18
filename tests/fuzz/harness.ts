/**
 * The fuzz harness shared by tests/fuzz/*.test.ts (a fixed, seeded CI budget) and scripts/fuzz.ts (longer runs).
 *
 * A fuzz *target* takes one generated input and runs the real parser on it. Every input must end in
 *   - a value, or
 *   - a StridescopeError subclass (FormatError, DTypeError, ...),
 * and never in anything else: a TypeError / RangeError / plain Error is a failure, so is a case that takes longer
 * than SLOW_CASE_MS (sizes are small by construction, so a slow case means super-linear work or a near-hang),
 * and so is a broken bound (bytes read from the file, bytes mapped, bytes allocated: see each target).
 *
 * Every input that ever failed is written to tests/fixtures/fuzz-regressions/<target>-<hash>.json (the shrunk
 * counterexample, serialised with bytes as base64 and NaN/Infinity/-0/bigint/undefined spelled out) and
 * replayed by tests/fuzz/regressions.test.ts forever after.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { StridescopeError } from '../../src-main/core/errors';

export const REGRESSIONS_DIR = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'fuzz-regressions',
);

/** The CI seed (any failure prints the seed and path to replay it). */
export const DEFAULT_SEED = 0x5eed_5c0b;

/** A case slower than this is a failure (inputs are at most a few KiB: real cases take well under 50 ms). */
export const SLOW_CASE_MS = 2000;

/** A property violation found by a target's own checks (a bound broken): always a failure. */
export class FuzzViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FuzzViolation';
  }
}

export interface Target<I> {
  name: string;
  /** Run the real code on the input. Throw FuzzViolation for a broken bound; let everything else propagate. */
  run(input: I): void;
}

export type Outcome = { ok: true; typed?: string } | { ok: false; why: string; error?: unknown };

/** Run one case and classify how it ended. */
export function runCase<I>(target: Target<I>, input: I): Outcome {
  const t0 = performance.now();
  let out: Outcome;
  try {
    target.run(input);
    out = { ok: true };
  } catch (e) {
    if (e instanceof FuzzViolation) out = { ok: false, why: `bound broken: ${e.message}`, error: e };
    else if (e instanceof StridescopeError) out = { ok: true, typed: e.name };
    else
      out = {
        ok: false,
        why: `wrong error type ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`,
        error: e,
      };
  }
  const ms = performance.now() - t0;
  if (out.ok && ms > SLOW_CASE_MS)
    out = { ok: false, why: `slow case: ${ms.toFixed(0)} ms (limit ${SLOW_CASE_MS} ms)` };
  return out;
}

// ------------------------------------------------------------------------------------------------ serialisation

export function encodeInput(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (typeof v === 'bigint') return { $bigint: v.toString() };
  if (v === undefined) return { $undefined: true };
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $number: 'NaN' };
    if (v === Infinity) return { $number: 'Infinity' };
    if (v === -Infinity) return { $number: '-Infinity' };
    if (Object.is(v, -0)) return { $number: '-0' };
    return v;
  }
  if (Array.isArray(v)) return v.map(encodeInput);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeInput(x)]));
  return v;
}

export function decodeInput(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeInput);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$bytes === 'string') return new Uint8Array(Buffer.from(o.$bytes, 'base64'));
    if (typeof o.$bigint === 'string') return BigInt(o.$bigint);
    if (o.$undefined === true) return undefined;
    if (typeof o.$number === 'string') return Number(o.$number);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeInput(x)]));
  }
  return v;
}

export interface RegressionFixture {
  target: string;
  /** Why it failed when it was found. */
  found: string;
  /** When, and how to reproduce the run that found it. */
  foundAt: string;
  seed?: number;
  path?: string;
  input: unknown;
}

/** Write a failing input as a regression fixture (idempotent: named by the hash of target + input). */
export function saveRegression(
  target: string,
  input: unknown,
  found: string,
  run: { seed?: number; path?: string } = {},
): string {
  const encoded = encodeInput(input);
  const hash = createHash('sha256').update(target).update(JSON.stringify(encoded)).digest('hex').slice(0, 16);
  fs.mkdirSync(REGRESSIONS_DIR, { recursive: true });
  const file = path.join(REGRESSIONS_DIR, `${target}-${hash}.json`);
  if (!fs.existsSync(file)) {
    const fixture: RegressionFixture = {
      target,
      found,
      foundAt: new Date().toISOString(),
      seed: run.seed,
      path: run.path,
      input: encoded,
    };
    fs.writeFileSync(file, JSON.stringify(fixture, null, 1) + '\n');
  }
  return file;
}

export function loadRegressions(): (RegressionFixture & { file: string })[] {
  if (!fs.existsSync(REGRESSIONS_DIR)) return [];
  return fs
    .readdirSync(REGRESSIONS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const fixture = JSON.parse(fs.readFileSync(path.join(REGRESSIONS_DIR, f), 'utf8')) as RegressionFixture;
      return { ...fixture, input: decodeInput(fixture.input), file: f };
    });
}

// ------------------------------------------------------------------------------------------------ running

export interface FuzzStats {
  target: string;
  runs: number;
  values: number;
  typed: Record<string, number>;
  failures: { why: string; file: string }[];
  seconds: number;
  seed: number;
}

/**
 * Run `numRuns` generated inputs through the target. On a failure the counterexample is shrunk, saved as a
 * regression fixture and reported (this returns; callers assert `failures` is empty).
 */
export function fuzz<I>(target: Target<I>, arb: fc.Arbitrary<I>, opts: { numRuns: number; seed?: number }): FuzzStats {
  const seed = opts.seed ?? DEFAULT_SEED;
  const stats: FuzzStats = { target: target.name, runs: 0, values: 0, typed: {}, failures: [], seconds: 0, seed };
  const t0 = performance.now();
  const details = fc.check(
    fc.property(arb, (input) => {
      const out = runCase(target, input);
      stats.runs++;
      if (out.ok) {
        if (out.typed) stats.typed[out.typed] = (stats.typed[out.typed] ?? 0) + 1;
        else stats.values++;
        return true;
      }
      throw Object.assign(new Error(out.why), { cause: out.error });
    }),
    { numRuns: opts.numRuns, seed, endOnFailure: false, maxSkipsPerRun: 1 },
  );
  if (details.failed && details.counterexample) {
    const input = details.counterexample[0];
    const again = runCase(target, input);
    const why = again.ok ? `flaky: ${String(details.errorInstance)}` : again.why;
    const file = saveRegression(target.name, input, why, { seed, path: details.counterexamplePath ?? undefined });
    stats.failures.push({ why, file });
  }
  stats.seconds = (performance.now() - t0) / 1e3;
  return stats;
}

export function summary(s: FuzzStats): string {
  const typed = Object.entries(s.typed)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `${s.target}: ${s.runs} inputs in ${s.seconds.toFixed(1)} s (seed ${s.seed}): ${s.values} values, typed errors {${typed}}, failures ${s.failures.length}${
    s.failures.length ? ` -> ${s.failures.map((f) => `${f.why} [${path.basename(f.file)}]`).join('; ')}` : ''
  }`;
}
