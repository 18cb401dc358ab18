/**
 * Typed errors. Every error Stridescope reports is one of these: it names what went wrong (`kind`),
 * where (`file`, byte `offset`, or `column` in an expression) and what was expected.
 * They cross the IPC boundary and the CLI's --json as `toJSON()`.
 */
export type ErrorKind =
  | 'format' // a file's bytes are not what its format requires
  | 'dtype' // a dtype string or descr NumPy would not accept
  | 'layout' // a view that NumPy would refuse (bad index, reshape needing a copy, view(dtype) itemsize clash, ...)
  | 'bounds' // an offset outside an allocation
  | 'lifetime' // use of freed or unmapped memory
  | 'unmapped' // another process's address range that is not mapped readable there (process memory reads)
  | 'expression' // a view expression / playground source that does not parse or evaluate
  | 'io' // the operating system said no (open, stat, mmap)
  | 'argument' // a caller (CLI flag, IPC argument) passed something invalid
  | 'unsupported' // valid, but not something Stridescope does (e.g. object dtype pickles)
  | 'cancelled'; // the user (or the caller's AbortSignal) stopped a long operation: no result

export interface ErrorJSON {
  kind: ErrorKind;
  message: string;
  offset: number | null;
  file?: string;
  column?: number;
  expected?: string;
}

export class StridescopeError extends Error {
  readonly kind: ErrorKind;
  readonly file?: string;
  readonly offset?: number;
  readonly column?: number;
  readonly expected?: string;

  constructor(
    kind: ErrorKind,
    message: string,
    where: { file?: string; offset?: number; column?: number; expected?: string } = {},
  ) {
    super(message);
    this.name = 'StridescopeError';
    this.kind = kind;
    this.file = where.file;
    this.offset = where.offset;
    this.column = where.column;
    this.expected = where.expected;
  }

  toJSON(): ErrorJSON {
    const out: ErrorJSON = { kind: this.kind, message: this.message, offset: this.offset ?? null };
    if (this.file !== undefined) out.file = this.file;
    if (this.column !== undefined) out.column = this.column;
    if (this.expected !== undefined) out.expected = this.expected;
    return out;
  }
}

/** A file's bytes break its format: names the file, the byte offset and what was expected there. */
export class FormatError extends StridescopeError {
  constructor(file: string, offset: number, message: string, expected?: string) {
    super('format', `${file}: at byte ${offset}: ${message}${expected ? ` (expected ${expected})` : ''}`, {
      file,
      offset,
      expected,
    });
    this.name = 'FormatError';
  }
}

export class DTypeError extends StridescopeError {
  constructor(message: string, expected?: string) {
    super('dtype', message, { expected });
    this.name = 'DTypeError';
  }
}

export class LayoutError extends StridescopeError {
  constructor(message: string) {
    super('layout', message);
    this.name = 'LayoutError';
  }
}

export class BoundsError extends StridescopeError {
  constructor(message: string, offset?: number) {
    super('bounds', message, { offset });
    this.name = 'BoundsError';
  }
}

export class LifetimeError extends StridescopeError {
  constructor(message: string, offset?: number) {
    super('lifetime', message, { offset });
    this.name = 'LifetimeError';
  }
}

/**
 * Bytes of another process (the console's Python) that are not mapped readable there: process_vm_readv or
 * ReadProcessMemory returned short, or the agent's fault-guarded read hit EFAULT. `address` is where the first
 * unreadable byte is; `read` how many bytes before it were readable.
 */
export class UnmappedError extends StridescopeError {
  constructor(
    readonly address: bigint,
    readonly length: number,
    readonly read: number,
    what: string,
  ) {
    super(
      'unmapped',
      `${what}: bytes [0x${address.toString(16)}, 0x${(address + BigInt(length)).toString(16)}) are not mapped in that process (${read} of ${length} bytes readable)`,
      {
        offset: read,
        expected: 'an address range mapped readable in the process',
      },
    );
    this.name = 'UnmappedError';
  }
}

export class ExpressionError extends StridescopeError {
  constructor(message: string, column: number, line?: number) {
    super('expression', `${line !== undefined ? `line ${line}, ` : ''}column ${column}: ${message}`, { column });
    this.name = 'ExpressionError';
  }
}

export class ArgumentError extends StridescopeError {
  constructor(message: string, expected?: string, file?: string) {
    super('argument', message, { expected, file });
    this.name = 'ArgumentError';
  }
}

export class IOError extends StridescopeError {
  constructor(file: string, message: string) {
    super('io', `${file}: ${message}`, { file });
    this.name = 'IOError';
  }
}

export class UnsupportedError extends StridescopeError {
  constructor(message: string, where: { file?: string; offset?: number } = {}) {
    super('unsupported', message, where);
    this.name = 'UnsupportedError';
  }
}

/** A long operation (a kernel over a big mapping) was stopped by its caller before it finished. */
export class CancelledError extends StridescopeError {
  constructor(message: string, where: { file?: string } = {}) {
    super('cancelled', message, where);
    this.name = 'CancelledError';
  }
}

export function isStridescopeError(e: unknown): e is StridescopeError {
  return e instanceof StridescopeError;
}
