/**
 * The playground against real Python + NumPy: every case in tests/fixtures/playground/expected.json (written by
 * scripts/gen_playground_fixtures.py, which typed the same lines at Python's interactive prompt) is replayed
 * input by input; outputs must match exactly after normalising addresses. Lines where CPython reads freed
 * memory are checked for the playground's refusal instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Playground } from '../../src-main/playground/runtime/interpreter';
import { isIncomplete } from '../../src-main/playground/language/parser';
import { splitInputs } from '../../src-main/playground/language/tokenizer';
import { runScript } from '../../src-main/cli/run';
import { mapFile } from '../../src-main/platform/mappedMemory';
import expected from '../fixtures/playground/expected.json';
import { normalise } from './normalise';

interface Case {
  name: string;
  model: 'lp64' | 'llp64';
  ctypes: boolean;
  files: boolean;
  refuse: number[];
  inputs: { line: number; source: string; output: string }[];
}

const cases = (expected as { cases: Case[] }).cases;

describe.each(cases.map((c) => [c.name, c] as const))('golden transcript: %s', (_name, c) => {
  it('matches Python input by input', () => {
    const dir = c.files ? mkdtempSync(join(tmpdir(), 'pg-')) : undefined;
    try {
      const pg = new Playground({ model: c.model, ctypes: c.ctypes, mapper: mapFile, cwd: dir });
      const mismatches: string[] = [];
      for (const input of c.inputs) {
        const got = pg.runInput(input.source, input.line).output;
        if (c.refuse.includes(input.line)) {
          expect(got, `line ${input.line}: ${input.source}`).toMatch(
            /^Traceback[^]*\nLifetimeError: .* pointed into the temporary `a\+b`, freed (at the end of statement \d+ \(line 5: `p = \(a\+b\)\.ctypes\.data`\)|by `del ct` \(statement \d+, line 17\))/,
          );
          continue;
        }
        if (normalise(got) !== normalise(input.output)) {
          mismatches.push(`line ${input.line}: >>> ${input.source}\n--- python\n${input.output}--- playground\n${got}`);
        }
      }
      expect(mismatches.join('\n')).toBe('');
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("scripts are cut into inputs the way Python's console cut them", () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const script = c.inputs.map((i) => i.source).join('\n');
    const got = splitInputs(script, isIncomplete).map((i) => ({ line: i.line, source: i.text }));
    expect(got).toEqual(c.inputs.map((i) => ({ line: i.line, source: i.source })));
  });
});

describe('stridescope run (runScript) prints the whole transcript', () => {
  it.each(cases.filter((c) => !c.files && c.ctypes).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const script = c.inputs.map((i) => i.source).join('\n') + '\n';
    const { output, exitCode } = runScript(script, { model: c.model });
    const want = c.inputs
      .filter((i) => !c.refuse.includes(i.line))
      .map((i) => normalise(i.output))
      .join('');
    const refused = c.inputs.filter((i) => c.refuse.includes(i.line)).length;
    // the refused reads print LifetimeError tracebacks where CPython printed stale memory
    const lines = normalise(output).split(
      /(?=Traceback \(most recent call last\):\n {2}File "<stdin>", line \d+, in <module>\nLifetimeError)/,
    );
    const kept = lines
      .map((b) =>
        b.replace(
          /^Traceback \(most recent call last\):\n {2}File "<stdin>", line \d+, in <module>\nLifetimeError: [^\n]*\n/,
          '',
        ),
      )
      .join('');
    expect(kept).toBe(want);
    expect((output.match(/\nLifetimeError: /g) ?? []).length).toBe(refused);
    expect(exitCode).toBe(c.inputs.some((i) => /Traceback|Error: /.test(i.output)) || refused ? 1 : 0);
  });
});
