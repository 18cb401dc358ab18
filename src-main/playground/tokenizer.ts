/**
 * The playground's tokenizer: Python's tokens for the subset the playground runs, with 1-based line/column and
 * the byte offsets into the source (so the parser can label temporaries with their source text, `a+b`).
 *
 * Differs from core/viewexpr's tokenizer in what the REPL needs: `splitInputs` cuts a script into the inputs
 * Python's interactive interpreter would compile one at a time (a line, or several joined by open brackets or
 * a trailing backslash), so one bad line is reported and the next one still runs, as at `>>>`.
 * String literals are decoded here (escapes, b'' bytes, adjacent literals are joined by the parser).
 */
import { PySyntaxError } from './errors';

export type TokenType = 'NAME' | 'NUMBER' | 'STRING' | 'OP' | 'NEWLINE' | 'ENDMARKER';

export interface Token {
  type: TokenType;
  /** Source text (STRING: with prefix and quotes). */
  text: string;
  /** 1-based line and column of the first character. */
  line: number;
  column: number;
  /** Offsets into the tokenized source: [start, end). */
  start: number;
  end: number;
  /** STRING only: the decoded value (a string, or bytes for b''). */
  value?: string | Uint8Array;
}

const OPERATORS = [
  '**=', '//=', '>>=', '<<=', '...', '->', ':=', '**', '//', '<<', '>>', '<=', '>=', '==', '!=',
  '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=',
  '(', ')', '[', ']', '{', '}', ',', ':', '.', ';', '@', '=', '+', '-', '*', '/', '%', '&', '|', '^', '~', '<', '>',
];

const NUMBER_RE =
  /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?[jJ]?)/;
const NAME_RE = /^[A-Za-z_\u00C0-\uFFFF][A-Za-z0-9_\u00C0-\uFFFF]*/;
const STRING_PREFIX_RE = /^([rRbBuUfF]{0,2})(['"])/;

/** Decode the body of a string literal (between the quotes). */
function decodeString(body: string, raw: boolean, bytes: boolean, line: number, column: number): string | Uint8Array {
  const codes: number[] = [];
  let s = '';
  const push = (cp: number): void => {
    if (bytes) {
      if (cp > 0xff) throw new PySyntaxError('bytes can only contain ASCII literal characters', line, column);
      codes.push(cp);
    } else s += String.fromCodePoint(cp);
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\' || raw) {
      if (bytes && ch.codePointAt(0)! > 0x7f) throw new PySyntaxError('bytes can only contain ASCII literal characters', line, column);
      push(ch.codePointAt(0)!);
      if (raw && ch === '\\' && i + 1 < body.length) push(body.charCodeAt(++i));
      continue;
    }
    const e = body[++i];
    const simple: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, { n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11 });
    if (e === 'x') {
      const h = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new PySyntaxError(`(${bytes ? 'value' : 'unicode'} error) truncated \\xXX escape`, line, column);
      push(parseInt(h, 16));
      i += 2;
    } else if (/[0-7]/.test(e)) {
      let j = i;
      while (j < i + 3 && /[0-7]/.test(body[j] ?? '')) j++;
      push(parseInt(body.slice(i, j), 8));
      i = j - 1;
    } else if (!bytes && (e === 'u' || e === 'U')) {
      const n = e === 'u' ? 4 : 8;
      const h = body.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) throw new PySyntaxError(`(unicode error) truncated \\${e}${'X'.repeat(n)} escape`, line, column);
      push(parseInt(h, 16));
      i += n;
    } else if (e in simple) {
      push(simple[e]);
    } else {
      push(92);
      push(e.codePointAt(0)!);
    }
  }
  return bytes ? Uint8Array.from(codes) : s;
}

/**
 * Tokens of `src` (one interactive input or a whole file). `lineBase` is added to line numbers
 * (the line of `src`'s first line in its file, minus one).
 */
export function tokenize(src: string, lineBase = 0, opts: { allowOpen?: boolean } = {}): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  const brackets: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  let continued = false; // explicit backslash continuation seen on this line
  let joined = false; // this physical line continues the previous one (backslash)
  const col = (): number => pos - lineStart + 1;
  const fail = (msg: string, l = line, c = col()): never => {
    throw new PySyntaxError(msg, l + lineBase, c);
  };
  const pushNewline = (): void => {
    const last = tokens[tokens.length - 1];
    if (last && last.type !== 'NEWLINE') tokens.push({ type: 'NEWLINE', text: '', line: line + lineBase, column: col(), start: pos, end: pos });
  };
  while (pos < src.length) {
    const ch = src[pos];
    if (ch === '\n' || ch === '\r') {
      if (depth === 0 && !continued) pushNewline();
      joined = continued;
      continued = false;
      pos += ch === '\r' && src[pos + 1] === '\n' ? 2 : 1;
      line++;
      lineStart = pos;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\f') {
      if (pos === lineStart && depth === 0 && !joined) {
        // leading indentation of a logical line: Python's "unexpected indent" unless the line is blank/comment
        let j = pos;
        while (src[j] === ' ' || src[j] === '\t' || src[j] === '\f') j++;
        if (j < src.length && src[j] !== '\n' && src[j] !== '\r' && src[j] !== '#') fail('unexpected indent', line, 1);
        pos = j;
        continue;
      }
      pos++;
      continue;
    }
    if (ch === '#') {
      while (pos < src.length && src[pos] !== '\n' && src[pos] !== '\r') pos++;
      continue;
    }
    if (ch === '\\') {
      const nx = src[pos + 1];
      if (nx === '\n' || nx === '\r' || nx === undefined) {
        continued = true;
        pos++;
        continue;
      }
      fail('unexpected character after line continuation character');
    }
    continued = false;
    const rest = src.slice(pos, pos + 400);
    const startCol = col();
    const sm = STRING_PREFIX_RE.exec(rest);
    if (sm && (sm[1] === '' || NAME_RE.exec(rest)![0].length === sm[1].length)) {
      const prefix = sm[1].toLowerCase();
      if (/[^rbu]/.test(prefix) || (prefix.includes('u') && prefix.length > 1)) {
        if (prefix.includes('f')) fail('f-strings are not supported in the Stridescope playground', line, startCol);
        fail('invalid string prefix', line, startCol);
      }
      const quote = sm[2];
      let j = pos + sm[0].length;
      const triple = src.startsWith(quote.repeat(3), j - 1);
      if (triple) fail('triple-quoted strings are not supported in the Stridescope playground', line, startCol);
      while (j < src.length && src[j] !== quote && src[j] !== '\n' && src[j] !== '\r') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length || src[j] !== quote) fail(`unterminated string literal (detected at line ${line + lineBase})`, line, startCol);
      const text = src.slice(pos, j + 1);
      const body = src.slice(pos + sm[0].length, j);
      const value = decodeString(body, prefix.includes('r'), prefix.includes('b'), line + lineBase, startCol);
      tokens.push({ type: 'STRING', text, line: line + lineBase, column: startCol, start: pos, end: j + 1, value });
      pos = j + 1;
      continue;
    }
    const nm = NAME_RE.exec(rest);
    if (nm) {
      tokens.push({ type: 'NAME', text: nm[0], line: line + lineBase, column: startCol, start: pos, end: pos + nm[0].length });
      pos += nm[0].length;
      continue;
    }
    const num = /^[0-9]|^\.[0-9]/.test(rest) ? NUMBER_RE.exec(rest) : null;
    if (num) {
      const after = rest.slice(num[0].length);
      if (/^[0-9A-Za-z_]/.test(after)) fail(/^[0-9]/.test(after) || /^0[0-9]/.test(num[0]) ? 'invalid decimal literal' : 'invalid decimal literal', line, startCol);
      if (/^0[0-9]+$/.test(num[0]) && /[1-9]/.test(num[0])) {
        fail('leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers', line, startCol);
      }
      tokens.push({ type: 'NUMBER', text: num[0], line: line + lineBase, column: startCol, start: pos, end: pos + num[0].length });
      pos += num[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op) {
      const tok: Token = { type: 'OP', text: op, line: line + lineBase, column: startCol, start: pos, end: pos + op.length };
      if (op === '(' || op === '[' || op === '{') {
        depth++;
        brackets.push(tok);
      } else if (op === ')' || op === ']' || op === '}') {
        const open = brackets.pop();
        if (!open) fail(`unmatched '${op}'`, line, startCol);
        const want = open!.text === '(' ? ')' : open!.text === '[' ? ']' : '}';
        if (want !== op) {
          const where = open!.line === line + lineBase ? '' : ` on line ${open!.line}`;
          fail(`closing parenthesis '${op}' does not match opening parenthesis '${open!.text}'${where}`, line, startCol);
        }
        depth--;
      }
      tokens.push(tok);
      pos += op.length;
      continue;
    }
    fail(ch === '$' || ch === '?' || ch === '`' || ch === '!' ? 'invalid syntax' : `invalid character '${ch}' (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`, line, startCol);
  }
  if (depth > 0 && !opts.allowOpen) {
    const open = brackets[brackets.length - 1];
    throw new PySyntaxError(`'${open.text}' was never closed`, open.line, open.column);
  }
  pushNewline();
  tokens.push({ type: 'ENDMARKER', text: '', line: line + lineBase, column: col(), start: pos, end: pos });
  return tokens;
}

/** One input as the interactive interpreter would read it: complete lines, from `line` (1-based) on. */
export interface Input {
  /** Line number of the input's first line in the script. */
  line: number;
  text: string;
}

/**
 * Cut a script into interactive inputs: each input ends at a line where every bracket is closed and no
 * backslash continues it (strings and comments are skipped while counting). Blank and comment-only lines are
 * inputs of their own that do nothing, as at `>>>`. An unclosed bracket runs to the end of the script
 * (Python then reports "'(' was never closed").
 */
export function splitInputs(source: string, incomplete: (text: string) => boolean = () => true): Input[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const out: Input[] = [];
  let cur: string[] = [];
  let startLine = 1;
  let depth = 0;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    if (cur.length === 0) startLine = i + 1;
    cur.push(text);
    let continued = false;
    for (let j = 0; j < text.length; j++) {
      const ch = text[j];
      if (ch === '#') break;
      if (ch === "'" || ch === '"') {
        j++;
        while (j < text.length && text[j] !== ch) j += text[j] === '\\' ? 2 : 1;
        continue;
      }
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
      else if (ch === '\\' && j === text.length - 1) continued = true;
    }
    // inside open brackets the input goes on while it is merely incomplete; once the lines so far cannot be
    // valid Python whatever follows, the REPL compiles (and reports) them, as codeop does
    if ((depth === 0 && !continued) || (depth > 0 && cur.length > 1 && !incomplete(cur.join('\n')))) {
      out.push({ line: startLine, text: cur.join('\n') });
      cur = [];
      depth = 0;
    }
  }
  if (cur.length) out.push({ line: startLine, text: cur.join('\n') });
  return out;
}
