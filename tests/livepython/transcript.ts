/** Masking as scripts/gen_transcripts.py masks (object addresses, decimal addresses), and a temp dir per script. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveSession, promptTranscript, type LiveSessionOptions } from '../../src-main/livepython/liveSession';

export function mask(text: string): string {
  return text
    .replace(/0x[0-9a-fA-F]{6,}/g, '0xADDR')
    .replace(/(?<![\d.])\d{13,15}(?![\d.])/g, (m) => (BigInt(m) >= 2n ** 40n && BigInt(m) < 2n ** 48n ? 'ADDR' : m));
}

/** Run `script` in a fresh live Python (in a temporary directory) and return what `python3 -i` would print. */
export async function liveTranscript(script: string, opts: LiveSessionOptions = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'stridescope-live-'));
  const s = new LiveSession({ cwd: dir, ...opts });
  try {
    const r = await s.run(script);
    return mask(promptTranscript(r.inputs) + (r.exited === null ? '>>> \n' : ''));
  } finally {
    s.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
