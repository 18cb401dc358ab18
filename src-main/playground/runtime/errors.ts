/**
 * The playground's errors, as Python names them.
 *
 *  - `PySyntaxError`: the source does not parse (or uses syntax the playground does not run). It is a core
 *    ExpressionError (kind 'expression', with line and column) and carries Python's own message text.
 *  - `PyException`: a Python exception raised while running (`TypeError: ...`, `ValueError: ...`), printed by
 *    the REPL as a traceback. `LifetimeError` is the playground's own: a read of freed or unmapped memory that
 *    CPython would have performed (and returned garbage or crashed) is refused instead.
 *
 * `toPyException` maps the core's typed errors onto the exception NumPy/ctypes raise in the same situation.
 */
import { ExpressionError, StridescopeError } from '../../core/errors';
import { MemoryBudgetError } from '../../core/memory';

export class PySyntaxError extends ExpressionError {
  readonly pyMessage: string;
  readonly line: number;
  /** The error is at the end of the input (Python prints no caret under it). */
  atEnd = false;
  constructor(
    message: string,
    line: number,
    column: number,
    readonly pyType: 'SyntaxError' | 'IndentationError' = message.includes('indent')
      ? 'IndentationError'
      : 'SyntaxError',
  ) {
    super(message, column, line);
    this.pyMessage = message;
    this.line = line;
    this.name = 'PySyntaxError';
  }
}

export class PyException extends Error {
  constructor(
    /** Python's exception class name: TypeError, ValueError, ... */
    readonly pyType: string,
    readonly pyMessage: string,
    /** The core error it came from, when it did. */
    override readonly cause?: unknown,
  ) {
    super(pyMessage ? `${pyType}: ${pyMessage}` : pyType);
    this.name = 'PyException';
  }
  /** The last line of Python's traceback. */
  get lastLine(): string {
    return this.pyMessage === '' ? this.pyType : `${this.pyType}: ${this.pyMessage}`;
  }
}

export const typeError = (m: string): PyException => new PyException('TypeError', m);
export const valueError = (m: string): PyException => new PyException('ValueError', m);
export const attributeError = (m: string): PyException => new PyException('AttributeError', m);
export const nameError = (m: string): PyException => new PyException('NameError', m);
export const indexError = (m: string): PyException => new PyException('IndexError', m);
export const notSupported = (m: string): PyException => new PyException('NotImplementedError', m);

/** A core error as the Python exception NumPy would raise in its place. */
export function toPyException(e: unknown): PyException | PySyntaxError {
  if (e instanceof PyException || e instanceof PySyntaxError) return e;
  if (e instanceof MemoryBudgetError) return new PyException('MemoryError', e.message, e);
  if (e instanceof StridescopeError) {
    const m = e.message;
    switch (e.kind) {
      case 'lifetime':
        return new PyException('LifetimeError', m, e);
      case 'layout':
        if (/out of bounds for axis|too many indices/.test(m)) return new PyException('IndexError', m, e);
        if (/^only integers, slices/.test(m)) return new PyException('IndexError', m, e);
        if (/^axis .* is out of bounds/.test(m)) return new PyException('AxisError', m, e);
        return new PyException('ValueError', m, e);
      case 'dtype':
        return new PyException('TypeError', m, e);
      case 'bounds':
        return new PyException('ValueError', m, e);
      case 'io':
        return new PyException(/ENOENT|no such file/i.test(m) ? 'FileNotFoundError' : 'OSError', m, e);
      case 'unsupported':
        return new PyException('NotImplementedError', m, e);
      case 'format':
        return new PyException('ValueError', m, e);
      case 'argument':
        return new PyException(/must be|not\b/.test(m) ? 'TypeError' : 'ValueError', m, e);
      default:
        return new PyException('ValueError', m, e);
    }
  }
  if (e instanceof RangeError) return new PyException('MemoryError', e.message, e);
  throw e;
}

/** What the simulation does not do (and live Python does): never an error claiming NumPy or ctypes lack it. */
export function notImplemented(what: string): PyException {
  return new PyException(
    'NotImplementedError',
    `Stridescope's simulation does not implement ${what}; live Python does`,
  );
}
