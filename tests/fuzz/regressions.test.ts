/**
 * Every input that ever made a fuzz target fail (tests/fixtures/fuzz-regressions/*.json, written by the harness
 * when a property fails — in CI or in `tsx scripts/fuzz.ts`) is replayed here, forever.
 */
import { describe, expect, it } from 'vitest';
import { loadRegressions, runCase } from './harness';
import { TARGETS, type TargetName } from './targets';

const fixtures = loadRegressions();

describe('fuzz regressions', () => {
  it('the regression corpus is present', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });
  it.each(fixtures.map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const target = TARGETS[f.target as TargetName];
    expect(target, `unknown target ${f.target}`).toBeDefined();
    expect(runCase(target as never, f.input as never)).toMatchObject({ ok: true });
  });
});
