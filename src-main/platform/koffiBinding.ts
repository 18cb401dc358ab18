/**
 * koffi (the FFI every platform module calls through), loaded on first use instead of at import time: a koffi whose
 * native binary does not load (a missing or foreign `koffi.node`, a broken asar unpack) must not take the app with
 * it. Without koffi the kernels run in TypeScript (nativeKernels says why), files cannot be mapped (opening one is a
 * typed IOError naming the cause), and the window still opens.
 *
 * Electron's main loads it with a dynamic `import('koffi')` at startup (`loadKoffi`); elsewhere (CLI, tests) the
 * first use `require`s it.
 */
import { createRequire } from 'node:module';
import type * as KoffiModule from 'koffi';
import { IOError } from '../core/errors';

export type Koffi = typeof KoffiModule;

let state: { koffi: Koffi } | { reason: string } | undefined;

/** Main's dynamic import result: the module (its default export or namespace), or why it failed. */
export function provideKoffi(loaded: { module: unknown } | { error: unknown }): void {
  if ('module' in loaded) {
    const m = loaded.module as { default?: Koffi } & Koffi;
    state = { koffi: (m.default ?? m) as Koffi };
  } else {
    state = {
      reason: `koffi could not be loaded: ${loaded.error instanceof Error ? loaded.error.message : String(loaded.error)}`,
    };
  }
}

/** Load koffi by dynamic import now (Electron's main, at startup): a failure is remembered, never thrown. */
export async function loadKoffi(): Promise<void> {
  provideKoffi(
    await import('koffi').then(
      (module: unknown) => ({ module }),
      (error: unknown) => ({ error }),
    ),
  );
}

/** koffi, or null when it cannot load (`koffiUnavailableReason()` says why). Loads it on the first call. */
export function koffiOrNull(): Koffi | null {
  if (!state) {
    try {
      state = { koffi: createRequire(import.meta.url)('koffi') as Koffi };
    } catch (e) {
      state = { reason: `koffi could not be loaded: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  return 'koffi' in state ? state.koffi : null;
}

/** Why koffi is unavailable (undefined when it loaded or was never asked for). */
export function koffiUnavailableReason(): string | undefined {
  return state && 'reason' in state ? state.reason : undefined;
}

/** koffi, or a typed IOError naming the file and why koffi is missing (for what cannot work without it: mapping). */
export function requireKoffi(file: string, what: string): Koffi {
  const k = koffiOrNull();
  if (!k) throw new IOError(file, `${what} needs koffi, which is unavailable (${koffiUnavailableReason()})`);
  return k;
}
