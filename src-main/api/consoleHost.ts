/**
 * The console inside the session: one console (the user's Python, or the built-in simulation), created on first
 * use, with its working folder, and the host through which the arrays it names are listed among the open arrays
 * (as source 'playground', their bytes the whole allocation each lives in).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { BoundsError } from '../core/errors';
import { mapFile } from '../platform/mappedMemory';
import { ConsoleSession } from './console';
import { LiveConsole } from './liveConsole';
import type { LiveSessionOptions } from '../livepython/liveSession';
import type { ByteSpace } from './openForInspection';
import { summary } from './presentation';
import type { SessionRegistry } from './sessionRegistry';
import type { DataModelId } from './contract';

export interface ConsoleHostOptions {
  /** The console's working directory; none = a temporary one, removed on dispose. */
  consoleDir?: string;
  /** Disk quota of the console's working directory in bytes (default 2 GiB: playground/runtime/files). */
  consoleQuotaBytes?: number;
  /** 'live' (default): the user's Python when one with NumPy is found, else the simulation; 'simulation': always the built-in one. */
  console?: 'live' | 'simulation';
  /** Which Python and its limits (time, memory, output) for the live console. */
  livePython?: LiveSessionOptions;
}

export class ConsoleHost {
  private consoleDir: string | null;
  private ownsConsoleDir = false;
  private consoleInstance: ConsoleSession | LiveConsole | null = null;

  constructor(
    private readonly options: ConsoleHostOptions,
    private readonly session: SessionRegistry,
    private readonly model: DataModelId,
  ) {
    this.consoleDir = options.consoleDir ?? null;
  }

  private ensureConsoleDir(): string {
    if (this.consoleDir === null) {
      this.consoleDir = mkdtempSync(`${tmpdir()}/stridescope-console-`);
      this.ownsConsoleDir = true;
    } else mkdirSync(this.consoleDir, { recursive: true });
    return this.consoleDir;
  }

  /** The session's console, created on first use. */
  consoleSession(): ConsoleSession | LiveConsole {
    const options = this.options;
    const session = this.session;
    const model = this.model;
    const Session = options.console === 'simulation' ? ConsoleSession : LiveConsole;
    this.consoleInstance ??= new Session({
      live: options.livePython,
      dir: () => this.ensureConsoleDir(),
      mapper: mapFile,
      quotaBytes: options.consoleQuotaBytes,
      model,
      host: {
        add(name, array, m) {
          const mem = array.memory;
          const bytes: ByteSpace = {
            size: mem.size,
            // the whole allocation the array lives in (a view shows its base's bytes); reads past it are zeros
            // (readBytes never asks for them; summary's small-array checksum of a view may)
            read(offset, length) {
              if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
                throw new BoundsError(
                  `bytes [${offset}, ${offset + length}) are outside ${name}'s memory (${mem.size} bytes)`,
                  offset,
                );
              }
              const out = new Uint8Array(length);
              const end = Math.min(offset + length, mem.size);
              if (offset < end) out.set(mem.read(offset, end - offset), 0);
              return out;
            },
          };
          return session.register({
            label: `${name} (console)`,
            source: 'playground',
            file: null,
            grant: null,
            array,
            bytes,
            dataOffset: array.offset,
            header: null,
            fortranOrder: false,
            npz: null,
            console: { name, model: m },
            close: () => {},
          }).id;
        },
        remove(id) {
          const o = session.find(id);
          if (o) session.close(o, 'its console name was rebound or deleted');
        },
        has: (id) => session.has(id),
        summary: (id) => summary(session.get(id), model),
      },
    });
    return this.consoleInstance;
  }

  /** Stop the console and remove its working folder when it was a temporary one. */
  dispose(): void {
    this.consoleInstance?.dispose();
    if (this.ownsConsoleDir && this.consoleDir) rmSync(this.consoleDir, { recursive: true, force: true });
  }
}
