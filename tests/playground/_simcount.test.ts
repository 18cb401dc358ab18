import { test } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulatedTranscript } from '/work/wt/w11b/tests/playground/simulatedTranscript';
test('count', () => {
  const DIR = '/work/wt/w11b/tests/fixtures/transcripts';
  const names = readdirSync(DIR).filter((f) => f.endsWith('.py')).map((f) => f.slice(0, -3)).sort();
  const ok: string[] = []; let report = '';
  for (const n of names) {
    const got = simulatedTranscript(readFileSync(join(DIR, n + '.py'), 'utf8'));
    const want = readFileSync(join(DIR, n + '.out'), 'utf8');
    if (got === want) ok.push(n); else report += `=== ${n}\n--- want\n${want}--- got\n${got}`;
  }
  writeFileSync('/tmp/sim-ok.txt', ok.join('\n') + '\n'); writeFileSync('/tmp/sim-diff.txt', report);
  console.log('MATCH', ok.length, '/', names.length);
});
