/**
 * A tokenizer and parser of Python literals — the subset `ast.literal_eval` accepts that a .npy header can hold:
 * dict, list, tuple (incl. `()` and 1-tuples `(x,)`), str ('…', "…", triple-quoted, r/b/u prefixes, escapes,
 * implicit concatenation), int (decimal, 0x/0o/0b, underscores; bigint when not a safe integer), float,
 * True / False / None, unary +/- on numbers. Nothing is ever evaluated.
 *
 * Every node and every error carries its BYTE column in the encoded header (latin1: one byte per char;
 * utf8: the UTF-8 length of the preceding text), so a FormatError can point at the exact byte.
 */
import { decodeStringBody, hasLeadingZeros } from '../core/python/lexer';
import { pyBytesRepr, pyFloatRepr, pyStrRepr, pyTupleRepr } from '../core/python/repr';

export type PyLiteral =
  | { kind: 'dict'; entries: Array<[PyLiteral, PyLiteral]>; column: number }
  | { kind: 'list'; items: PyLiteral[]; column: number }
  | { kind: 'tuple'; items: PyLiteral[]; column: number }
  | { kind: 'str'; value: string; column: number }
  | { kind: 'bytes'; value: Uint8Array; column: number }
  | { kind: 'int'; value: number | bigint; column: number }
  | { kind: 'float'; value: number; column: number }
  | { kind: 'bool'; value: boolean; column: number }
  | { kind: 'none'; column: number };

/** A header text that is not a Python literal. `column` is the byte column in the encoded text. */
export class PyLiteralError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(`column ${column}: ${message}`);
    this.name = 'PyLiteralError';
  }
}

type TokenKind = 'punct' | 'str' | 'bytes' | 'int' | 'float' | 'name' | 'end';
interface Token {
  kind: TokenKind;
  text: string; // punct char, name, or raw number text
  value?: string | Uint8Array | number | bigint;
  pos: number; // char index
}

const NAME_START = /[A-Za-z_\u0080-\uffff]/;
const NAME_CHAR = /[A-Za-z0-9_\u0080-\uffff]/;
const MAX_DEPTH = 100;

class Tokenizer {
  private i = 0;
  private depth = 0; // bracket depth: newlines are insignificant inside brackets

  constructor(
    private readonly s: string,
    private readonly col: (charIndex: number) => number,
  ) {}

  fail(message: string, pos: number): never {
    throw new PyLiteralError(message, this.col(pos));
  }

  private skipSpace(): void {
    const s = this.s;
    for (;;) {
      const c = s[this.i];
      if (c === ' ' || c === '\t' || c === '\f') this.i++;
      else if (c === '\n' || c === '\r') {
        // A newline at top level ends the expression: only trailing whitespace/comments may follow.
        this.i++;
      } else if (c === '\\' && (s[this.i + 1] === '\n' || (s[this.i + 1] === '\r' && s[this.i + 2] === '\n'))) {
        this.i += s[this.i + 1] === '\n' ? 2 : 3;
      } else if (c === '#') {
        while (this.i < s.length && s[this.i] !== '\n' && s[this.i] !== '\r') this.i++;
      } else return;
    }
  }

  /** Top-level newlines followed by more tokens are a syntax error in eval mode. */
  private topLevelNewlineBefore(start: number, end: number): boolean {
    if (this.depth > 0) return false;
    for (let k = start; k < end; k++) {
      const c = this.s[k];
      if (c === '#') {
        while (k < end && this.s[k] !== '\n' && this.s[k] !== '\r') k++;
        k--;
        continue;
      }
      if (c === '\\') {
        k += this.s[k + 1] === '\r' ? 2 : 1;
        continue;
      }
      if (c === '\n' || c === '\r') return true;
    }
    return false;
  }

  next(): Token {
    const before = this.i;
    this.skipSpace();
    const s = this.s;
    const pos = this.i;
    if (pos >= s.length) return { kind: 'end', text: '', pos };
    if (pos > 0 && before < pos && this.topLevelNewlineBefore(before, pos) && this.sawToken) {
      this.fail('unexpected newline: a literal must be a single expression', before);
    }
    this.sawToken = true;
    const c = s[pos];
    if ('{}[](),:+-'.includes(c)) {
      this.i++;
      if (c === '{' || c === '[' || c === '(') {
        this.depth++;
        if (this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`, pos);
      } else if (c === '}' || c === ']' || c === ')') this.depth = Math.max(0, this.depth - 1);
      return { kind: 'punct', text: c, pos };
    }
    if (c === "'" || c === '"') return this.string(pos, '');
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(s[pos + 1] ?? ''))) return this.number(pos);
    if (NAME_START.test(c)) {
      let j = pos + 1;
      while (j < s.length && NAME_CHAR.test(s[j])) j++;
      const name = s.slice(pos, j);
      const q = s[j];
      if ((q === "'" || q === '"') && /^(r|u|b|br|rb)$/i.test(name)) {
        this.i = j;
        return this.string(pos, name.toLowerCase());
      }
      this.i = j;
      return { kind: 'name', text: name, pos };
    }
    this.fail(`unexpected character ${JSON.stringify(c)}`, pos);
  }

  private sawToken = false;

  private string(pos: number, prefix: string): Token {
    const s = this.s;
    const raw = prefix.includes('r');
    const isBytes = prefix.includes('b');
    const q = s[this.i];
    const triple = s[this.i + 1] === q && s[this.i + 2] === q;
    const delim = triple ? q + q + q : q;
    const bodyStart = this.i + delim.length;
    let j = bodyStart;
    for (;;) {
      if (j >= s.length) this.fail(triple ? 'unterminated triple-quoted string' : 'unterminated string literal', pos);
      const c = s[j];
      if (s.startsWith(delim, j)) break;
      if (!triple && (c === '\n' || c === '\r')) this.fail('unterminated string literal (newline inside)', pos);
      if (c === '\\' && j + 1 >= s.length) this.fail('unterminated string literal', pos);
      // a backslash keeps the next character from closing the string (in raw strings too)
      j += c === '\\' ? 2 : 1;
    }
    const value = decodeStringBody(s.slice(bodyStart, j), raw, isBytes, (msg, index) =>
      this.fail(msg, bodyStart + index),
    );
    j += delim.length;
    this.i = j;
    if (value instanceof Uint8Array) return { kind: 'bytes', text: s.slice(pos, j), value, pos };
    return { kind: 'str', text: s.slice(pos, j), value, pos };
  }

  private number(pos: number): Token {
    const s = this.s;
    const rest = s.slice(pos);
    let m: RegExpMatchArray | null;
    const after = (len: number): void => {
      const c = s[pos + len];
      if (c !== undefined && (NAME_CHAR.test(c) || c === '.')) this.fail('invalid number literal', pos);
    };
    if (
      (m = rest.match(/^0[xX](?:_?[0-9a-fA-F])+/)) ||
      (m = rest.match(/^0[oO](?:_?[0-7])+/)) ||
      (m = rest.match(/^0[bB](?:_?[01])+/))
    ) {
      after(m[0].length);
      this.i = pos + m[0].length;
      const digits = m[0].replace(/_/g, '');
      return { kind: 'int', text: m[0], value: toInt(BigInt(digits)), pos };
    }
    if (/^0[xXoObB]/.test(rest)) this.fail('invalid number literal', pos);
    const dec = '[0-9](?:_?[0-9])*';
    const floatRe = new RegExp(
      `^(?:(?:${dec})?\\.${dec}(?:[eE][+-]?${dec})?|${dec}\\.(?:[eE][+-]?${dec})?|${dec}[eE][+-]?${dec})`,
    );
    if ((m = rest.match(floatRe))) {
      const len = m[0].length;
      if (/[jJ]/.test(s[pos + len] ?? '')) this.fail('complex literals are not supported', pos);
      after(len);
      this.i = pos + len;
      return { kind: 'float', text: m[0], value: Number(m[0].replace(/_/g, '')), pos };
    }
    m = rest.match(new RegExp(`^${dec}`))!;
    const len = m[0].length;
    if (/[jJ]/.test(s[pos + len] ?? '')) this.fail('complex literals are not supported', pos);
    after(len);
    const digits = m[0].replace(/_/g, '');
    if (hasLeadingZeros(digits)) {
      this.fail('leading zeros in decimal integer literals are not permitted', pos);
    }
    if (digits.length > 4300) this.fail('integer literal exceeds the limit of 4300 digits', pos);
    this.i = pos + len;
    return { kind: 'int', text: m[0], value: toInt(BigInt(digits)), pos };
  }
}

function toInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function utf8Columns(text: string): (i: number) => number {
  const enc = new TextEncoder();
  return (i) => enc.encode(text.slice(0, i)).length;
}

class Parser {
  private tok: Token;
  private readonly t: Tokenizer;

  constructor(
    text: string,
    private readonly col: (i: number) => number,
  ) {
    this.t = new Tokenizer(text, col);
    this.tok = this.t.next();
  }

  private advance(): Token {
    const t = this.tok;
    this.tok = this.t.next();
    return t;
  }

  private fail(message: string, tok: Token = this.tok): never {
    throw new PyLiteralError(message, this.col(tok.pos));
  }

  private describe(tok: Token): string {
    return tok.kind === 'end' ? 'end of input' : JSON.stringify(tok.text);
  }

  private expectPunct(p: string): Token {
    if (this.tok.kind !== 'punct' || this.tok.text !== p)
      this.fail(`expected '${p}', found ${this.describe(this.tok)}`);
    return this.advance();
  }

  private isPunct(p: string): boolean {
    return this.tok.kind === 'punct' && this.tok.text === p;
  }

  parseTop(): PyLiteral {
    if (this.atEnd()) this.fail('empty literal');
    const v = this.value();
    // a bare top-level tuple `1, 2`
    if (this.isPunct(',')) {
      const items = [v];
      while (this.isPunct(',')) {
        this.advance();
        if (this.atEnd()) break;
        items.push(this.value());
      }
      return this.finish({ kind: 'tuple', items, column: v.column });
    }
    return this.finish(v);
  }

  private atEnd(): boolean {
    return this.tok.kind === 'end';
  }

  private finish(v: PyLiteral): PyLiteral {
    if (!this.atEnd()) this.fail(`unexpected ${this.describe(this.tok)} after the literal`);
    return v;
  }

  private value(): PyLiteral {
    const tok = this.tok;
    const column = this.col(tok.pos);
    switch (tok.kind) {
      case 'str':
      case 'bytes': {
        this.advance();
        let acc = tok.value as string | Uint8Array;
        while (this.tok.kind === 'str' || this.tok.kind === 'bytes') {
          if (this.tok.kind !== tok.kind) this.fail('cannot mix bytes and nonbytes literals');
          const nxt = this.advance().value as string | Uint8Array;
          if (typeof acc === 'string') acc += nxt as string;
          else {
            const b = new Uint8Array(acc.length + (nxt as Uint8Array).length);
            b.set(acc);
            b.set(nxt as Uint8Array, acc.length);
            acc = b;
          }
        }
        return typeof acc === 'string' ? { kind: 'str', value: acc, column } : { kind: 'bytes', value: acc, column };
      }
      case 'int':
        this.advance();
        return { kind: 'int', value: tok.value as number | bigint, column };
      case 'float':
        this.advance();
        return { kind: 'float', value: tok.value as number, column };
      case 'name':
        this.advance();
        if (tok.text === 'True') return { kind: 'bool', value: true, column };
        if (tok.text === 'False') return { kind: 'bool', value: false, column };
        if (tok.text === 'None') return { kind: 'none', column };
        this.fail(`name ${JSON.stringify(tok.text)} is not a literal (nothing is evaluated)`, tok);
      // eslint-disable-next-line no-fallthrough
      case 'punct':
        break;
      case 'end':
        this.fail('unexpected end of input');
    }
    switch (tok.text) {
      case '+':
      case '-': {
        this.advance();
        const operand = this.value();
        if (operand.kind === 'int') {
          const v = operand.value;
          const neg = tok.text === '-';
          const r = typeof v === 'bigint' ? (neg ? -v : v) : neg ? -v : v;
          return { kind: 'int', value: typeof r === 'bigint' ? toInt(r) : r === 0 ? 0 : r, column };
        }
        if (operand.kind === 'float')
          return { kind: 'float', value: tok.text === '-' ? -operand.value : operand.value, column };
        if (operand.kind === 'bool') {
          // Python: -True == -1 but ast.literal_eval refuses unary ops on non-numbers; bool is refused there too
          this.fail('unary +/- applies only to numbers', tok);
        }
        this.fail('unary +/- applies only to numbers', tok);
      }
      // eslint-disable-next-line no-fallthrough
      case '(': {
        this.advance();
        if (this.isPunct(')')) {
          this.advance();
          return { kind: 'tuple', items: [], column };
        }
        const first = this.value();
        if (this.isPunct(')')) {
          this.advance();
          return first; // parenthesised expression, not a tuple
        }
        const items = [first];
        while (this.isPunct(',')) {
          this.advance();
          if (this.isPunct(')')) break;
          items.push(this.value());
        }
        this.expectPunct(')');
        return { kind: 'tuple', items, column };
      }
      case '[': {
        this.advance();
        const items: PyLiteral[] = [];
        while (!this.isPunct(']')) {
          items.push(this.value());
          if (!this.isPunct(',')) break;
          this.advance();
        }
        this.expectPunct(']');
        return { kind: 'list', items, column };
      }
      case '{': {
        this.advance();
        const entries: Array<[PyLiteral, PyLiteral]> = [];
        if (this.isPunct('}')) {
          this.advance();
          return { kind: 'dict', entries, column };
        }
        for (;;) {
          const keyTok = this.tok;
          const key = this.value();
          if (entries.length === 0 && !this.isPunct(':')) this.fail("set literals are not supported; expected ':'");
          if (!isHashable(key)) this.fail(`unhashable dict key of type ${typeName(key)}`, keyTok);
          this.expectPunct(':');
          const val = this.value();
          // Python dicts keep the first key's position and the last value
          const at = entries.findIndex(([k]) => pyEquals(k, key));
          if (at >= 0) entries[at] = [entries[at][0], val];
          else entries.push([key, val]);
          if (!this.isPunct(',')) break;
          this.advance();
          if (this.isPunct('}')) break;
        }
        this.expectPunct('}');
        return { kind: 'dict', entries, column };
      }
    }
    this.fail(`unexpected ${this.describe(tok)}`, tok);
  }
}

function isHashable(v: PyLiteral): boolean {
  if (v.kind === 'list' || v.kind === 'dict') return false;
  if (v.kind === 'tuple') return v.items.every(isHashable);
  return true;
}

/** Python `==` between literals (True == 1, 1 == 1.0), enough for dict key identity. */
export function pyEquals(a: PyLiteral, b: PyLiteral): boolean {
  const num = (v: PyLiteral): number | bigint | undefined =>
    v.kind === 'int' || v.kind === 'float' ? v.value : v.kind === 'bool' ? (v.value ? 1 : 0) : undefined;
  const na = num(a);
  const nb = num(b);
  if (na !== undefined && nb !== undefined) {
    // eslint-disable-next-line eqeqeq
    return na == nb;
  }
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'str':
      return a.value === (b as typeof a).value;
    case 'bytes': {
      const bv = (b as typeof a).value;
      return a.value.length === bv.length && a.value.every((x, i) => x === bv[i]);
    }
    case 'none':
      return true;
    case 'tuple':
    case 'list': {
      const bi = (b as typeof a).items;
      return a.items.length === bi.length && a.items.every((x, i) => pyEquals(x, bi[i]));
    }
    default:
      return false;
  }
}

export function typeName(v: PyLiteral): string {
  switch (v.kind) {
    case 'none':
      return 'NoneType';
    default:
      return v.kind;
  }
}

/**
 * Parse one Python literal. `encoding` says how the text was decoded from bytes so that columns are byte columns
 * ('latin1': char index == byte index; 'utf8': UTF-8 length of the preceding text). `byteBase` is added to columns.
 */
export function parsePyLiteral(
  text: string,
  options: { encoding?: 'latin1' | 'utf8'; byteBase?: number } = {},
): PyLiteral {
  const base = options.byteBase ?? 0;
  const inner = options.encoding === 'utf8' ? utf8Columns(text) : (i: number) => i;
  const col = (i: number) => base + inner(i);
  // ast.literal_eval strips leading spaces and tabs
  return new Parser(text, col).parseTop();
}

/** Python's repr() of a literal (used to quote values in error messages the way NumPy does). */
export function pyRepr(v: PyLiteral): string {
  switch (v.kind) {
    case 'none':
      return 'None';
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'int':
      return String(v.value);
    case 'float':
      return pyFloatRepr(v.value);
    case 'str':
      return pyStrRepr(v.value);
    case 'bytes':
      return pyBytesRepr(v.value);
    case 'list':
      return `[${v.items.map(pyRepr).join(', ')}]`;
    case 'tuple':
      return pyTupleRepr(v.items.map(pyRepr));
    case 'dict':
      return `{${v.entries.map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  }
}
