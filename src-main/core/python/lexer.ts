/**
 * Python's lexical grammar, once, for every reader of Python text in the project: the view-expression parser
 * (core/viewexpr), the `.npy` header's literal reader (formats/pyliteral) and the playground's tokenizer.
 * Follows https://docs.python.org/3/reference/lexical_analysis.html and CPython's Parser/tokenizer.c and
 * Parser/string_parser.c (escape decoding, with their error texts).
 *
 * `scanToken` reads the one token that starts at an offset (a name, number, string or operator) and says where it
 * ends; `decodeStringBody` turns a string literal's body into its value. Line structure (NEWLINE, INDENT, brackets
 * that join lines) and which errors to raise are each reader's own: a REPL input, an indented view expression and a
 * single literal differ there, and the readers on top keep only that.
 */

/** Operators and delimiters, longest first so a prefix never wins over the longer token. */
export const PYTHON_OPERATORS = [
  '**=',
  '//=',
  '>>=',
  '<<=',
  '...',
  '->',
  ':=',
  '**',
  '//',
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '@=',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '.',
  ';',
  '@',
  '=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '^',
  '~',
  '<',
  '>',
] as const;

export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
]);

/** An integer, float or imaginary literal (underscores between digits allowed). */
export const NUMBER_RE =
  /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?[jJ]?)/;
/** An identifier (ASCII letters, digits, `_`, and any non-ASCII letter as Python's XID classes mostly are). */
export const NAME_RE = /^[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_\u00C0-\uFFFF]*/;
/** A string literal's start: an optional prefix of up to two letters, then the quote. */
export const STRING_PREFIX_RE = /^([rRbBuUfF]{0,2})(['"])/;

/** Python's brackets: the closer each opener wants. */
export const CLOSING_BRACKET: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

export type ScannedToken =
  | { type: 'NAME' | 'NUMBER' | 'OP'; start: number; end: number; text: string }
  | {
      type: 'STRING';
      start: number;
      end: number;
      text: string;
      /** The prefix as written (`rb`, `B`, ...; '' for none). */
      prefix: string;
      quote: string;
      /** `'''` / `"""`: the reader decides whether it supports them; `end` is then just past the opening quotes. */
      triple: boolean;
      /** false when the line (or the text) ends before the closing quote; `end` is then where the scan stopped. */
      terminated: boolean;
      /** The characters between the quotes. */
      body: string;
    };

/**
 * The token that starts at `src[pos]` (which must not be white space, a comment or a line break), or null when no
 * token starts there (a character Python does not accept). A single-quoted string ends at its quote or, unclosed,
 * at the line's end; a backslash always takes the next character with it (in raw strings too, as in Python).
 */
export function scanToken(src: string, pos: number): ScannedToken | null {
  const rest = src.slice(pos, pos + 400);
  const sm = STRING_PREFIX_RE.exec(rest);
  if (sm) {
    const [open, prefix, quote] = sm;
    const bodyStart = pos + open.length;
    const triple = src.startsWith(quote.repeat(3), bodyStart - 1);
    if (triple)
      return {
        type: 'STRING',
        start: pos,
        end: bodyStart + 2,
        text: src.slice(pos, bodyStart + 2),
        prefix,
        quote,
        triple,
        terminated: false,
        body: '',
      };
    let j = bodyStart;
    while (j < src.length && src[j] !== quote && src[j] !== '\n' && src[j] !== '\r') j += src[j] === '\\' ? 2 : 1;
    const terminated = j < src.length && src[j] === quote;
    const end = terminated ? j + 1 : Math.min(j, src.length);
    return {
      type: 'STRING',
      start: pos,
      end,
      text: src.slice(pos, end),
      prefix,
      quote,
      triple,
      terminated,
      body: src.slice(bodyStart, Math.min(j, src.length)),
    };
  }
  const nm = NAME_RE.exec(rest);
  if (nm) return { type: 'NAME', start: pos, end: pos + nm[0].length, text: nm[0] };
  const num = /^[0-9]|^\.[0-9]/.test(rest) ? NUMBER_RE.exec(rest) : null;
  if (num) return { type: 'NUMBER', start: pos, end: pos + num[0].length, text: num[0] };
  const op = PYTHON_OPERATORS.find((o) => rest.startsWith(o));
  if (op) return { type: 'OP', start: pos, end: pos + op.length, text: op };
  return null;
}

/** A decimal integer literal with a leading zero and another digit (`007`): Python refuses it. */
export function hasLeadingZeros(number: string): boolean {
  return /^0[0-9_]+$/.test(number) && /[1-9]/.test(number);
}

/**
 * Why a string literal's body cannot be decoded. `codec` marks the errors CPython reports from its escape decoder
 * (the REPL shows them as `(unicode error) ...` for str and `(value error) ...` for bytes); `index` is the offset
 * in the body of the backslash (or character) at fault.
 */
export type EscapeFault = (message: string, index: number, codec: boolean) => never;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
});

/**
 * The value of a string literal's body (between the quotes): a string, or bytes for a `b` prefix. Escapes as
 * CPython's string_parser.c decodes them: `\\ \' \" \a \b \f \n \r \t \v \ooo \xhh`, in str also `\uXXXX \UXXXXXXXX`;
 * a backslash before a line break continues the line; an unknown escape keeps its backslash (CPython warns but
 * accepts); in bytes an octal escape above 0o377 keeps its low 8 bits, as CPython 3.11 stores it. A raw literal keeps
 * every backslash. `\N{name}` needs Unicode's name table, which the project does not carry: refused.
 */
export function decodeStringBody(body: string, raw: boolean, bytes: boolean, fail: EscapeFault): string | Uint8Array {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (bytes && c.charCodeAt(0) > 0x7f) fail('bytes can only contain ASCII literal characters', i, false);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) {
      out += c;
      continue;
    }
    if (raw) {
      out += c + e;
      i++;
      continue;
    }
    const at = i;
    i++;
    if (e === '\n') continue;
    if (e === '\r') {
      if (body[i + 1] === '\n') i++;
      continue;
    }
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
    } else if (e === 'x') {
      const h = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h))
        fail(bytes ? `invalid \\x escape at position ${at}` : 'truncated \\xXX escape', at, true);
      out += String.fromCharCode(parseInt(h, 16));
      i += 2;
    } else if (e >= '0' && e <= '7') {
      let j = i;
      while (j < i + 3 && body[j] >= '0' && body[j] <= '7') j++;
      const v = parseInt(body.slice(i, j), 8);
      out += String.fromCharCode(bytes ? v & 0xff : v);
      i = j - 1;
    } else if (!bytes && (e === 'u' || e === 'U')) {
      const n = e === 'u' ? 4 : 8;
      const h = body.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) fail(`truncated \\${e}${'X'.repeat(n)} escape`, at, true);
      const cp = parseInt(h, 16);
      if (cp > 0x10ffff) fail('illegal Unicode character', at, true);
      out += String.fromCodePoint(cp);
      i += n;
    } else if (!bytes && e === 'N') {
      fail('\\N{...} escapes are not supported', at, false);
    } else {
      out += c + e;
    }
  }
  if (!bytes) return out;
  const b = new Uint8Array(out.length);
  for (let k = 0; k < out.length; k++) b[k] = out.charCodeAt(k);
  return b;
}
