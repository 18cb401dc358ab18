/** A golden transcript (tests/fixtures/transcripts) replayed through the built-in interpreter, masked as the live one. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Playground } from '../../src-main/playground/runtime/interpreter';
import { isIncomplete } from '../../src-main/playground/language/parser';
import { splitInputs } from '../../src-main/playground/language/tokenizer';
import { mapFile } from '../../src-main/platform/mappedMemory';
import { mask } from '../livepython/transcript';

export function simulatedTranscript(script: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pg-transcript-'));
  try {
    const pg = new Playground({ model: 'lp64', ctypes: true, mapper: mapFile, cwd: dir });
    let out = '';
    for (const input of splitInputs(script, isIncomplete)) {
      const lines = input.text.split('\n').length;
      let text: string;
      try {
        text = pg.runInput(input.text, input.line).output;
      } catch (e) {
        text = `[the simulation threw ${(e as Error).name}: ${(e as Error).message}]\n`;
      }
      out += '>>> ' + '... '.repeat(lines - 1) + text;
    }
    return mask(out + '>>> \n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
