/**
 * The live console prints what `python3 -i` prints: each golden transcript (recorded from python3 -i by
 * scripts/gen_transcripts.py, addresses masked) equals the live console's output for the same script, byte for
 * byte. Needs python3 with NumPy (CI installs Debian's python3-numpy when missing).
 */
import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { liveTranscript } from './transcript';

const DIR = join(__dirname, '..', 'fixtures', 'transcripts');
const names = readdirSync(DIR)
  .filter((f) => f.endsWith('.py'))
  .map((f) => f.slice(0, -3))
  .sort();

test('there are at least 100 golden transcripts', () => {
  expect(names.length).toBeGreaterThanOrEqual(100);
});

describe.concurrent('golden transcripts from python3 -i', () => {
  for (const name of names) {
    test(
      name,
      async () => {
        const script = readFileSync(join(DIR, `${name}.py`), 'utf8');
        const golden = readFileSync(join(DIR, `${name}.out`), 'utf8');
        expect(await liveTranscript(script)).toBe(golden);
      },
      60_000,
    );
  }
});
