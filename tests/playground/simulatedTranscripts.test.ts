/**
 * The built-in interpreter (the simulation used where no Python with NumPy exists) against the golden transcripts
 * recorded from `python3 -i` (tests/fixtures/transcripts): every transcript listed in
 * tests/fixtures/transcripts/simulation-matches.txt must come out byte for byte (addresses masked). The others
 * are beyond the simulation; each must at least not print an error claiming NumPy or ctypes lack something
 * that they have (the simulation says NotImplementedError instead).
 */
import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulatedTranscript } from './simulatedTranscript';

const DIR = join(__dirname, '..', 'fixtures', 'transcripts');
const all = readdirSync(DIR)
  .filter((f) => f.endsWith('.py'))
  .map((f) => f.slice(0, -3))
  .sort();
const mustMatch = readFileSync(join(DIR, 'simulation-matches.txt'), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'));

test('the list names real transcripts', () => {
  for (const n of mustMatch) expect(all).toContain(n);
  expect(mustMatch.length).toBeGreaterThanOrEqual(50);
});

describe('golden transcripts the simulation reproduces', () => {
  for (const name of mustMatch) {
    test(name, () => {
      const script = readFileSync(join(DIR, `${name}.py`), 'utf8');
      expect(simulatedTranscript(script)).toBe(readFileSync(join(DIR, `${name}.out`), 'utf8'));
    });
  }
});

test('where the simulation differs, it never blames NumPy or ctypes for what it lacks', () => {
  const blaming: string[] = [];
  for (const name of all.filter((n) => !mustMatch.includes(n))) {
    const got = simulatedTranscript(readFileSync(join(DIR, `${name}.py`), 'utf8'));
    const golden = readFileSync(join(DIR, `${name}.out`), 'utf8');
    // an AttributeError / "must be a ctypes type" / "Cannot interpret" the real Python did not print
    for (const line of got.split('\n')) {
      if (
        /^(AttributeError: '(numpy\.)?(ndarray|dtype)|AttributeError: module '(numpy|ctypes)'|TypeError: must be a ctypes type|TypeError: Cannot interpret)/.test(
          line,
        ) &&
        !golden.includes(line)
      )
        blaming.push(`${name}: ${line}`);
    }
  }
  expect(blaming).toEqual([]);
});
