/**
 * `stridescope run SCRIPT --python auto|PATH`: the script typed into the user's real Python, printed as
 * `python3 -i < SCRIPT` prints it — results on stdout; prompts, tracebacks and warnings on stderr — plus
 * Stridescope's lifetime warnings on stderr (`stridescope: lifetime: ...`), each as it happens.
 * Exit code 1 when any input raised, or Python died (its reason on stderr).
 */
import { dirname, resolve } from 'node:path';
import { LiveSession } from '../livepython/liveSession';
import { cutNotice } from '../livepython/liveSession';
import type { AgentLifetimeWarning } from '../livepython/protocol';

const lifetimeLine = (w: AgentLifetimeWarning): string =>
  `stridescope: lifetime: statement ${w.statement}: ${w.message}\n`;

export async function runLive(
  source: string,
  opts: { python: string | null; file: string },
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  const session = new LiveSession({
    python: opts.python,
    cwd: dirname(resolve(opts.file)),
  });
  // The live session's Python processes and sockets are unref'd (they must never keep the app alive), so in a
  // terminal nothing else holds the event loop while the script runs: Node would exit 13 ("unsettled top-level
  // await") before Python answered. This timer holds it until the session has answered.
  const hold = setInterval(() => {}, 1 << 30);
  try {
    const r = await session.run(source);
    let failed = false;
    for (const input of r.inputs) {
      err.write('>>> ' + '... '.repeat(Math.max(0, input.lines - 1)));
      for (const [stream, text] of input.parts) (stream === 'stdout' ? out : err).write(text);
      if (input.cut) err.write(cutNotice(input.cut));
      for (const w of input.lifetime) err.write(lifetimeLine(w));
      failed ||= input.raised;
    }
    if (r.died) {
      // the warnings the agent sent before the process died (the statement read what it warned about)
      for (const w of r.inputs.flatMap((i) => i.lifetime)) err.write(lifetimeLine(w));
      err.write(`\nstridescope: Python died: ${r.died}\n`);
      return 1;
    }
    if (r.exited === null) err.write('>>> \n');
    return r.exited !== null && r.exited !== 0 ? r.exited : failed ? 1 : 0;
  } finally {
    clearInterval(hold);
    session.dispose();
  }
}
