/**
 * The playground's tokenizer: Python's tokens for the subset the playground runs, with 1-based line/column and
 * the byte offsets into the source (so the parser can label temporaries with their source text, `a+b`).
 *
 * Differs from core/viewexpr's tokenizer in what the REPL needs: `splitInputs` cuts a script into the inputs
 * Python's interactive interpreter would compile one at a time (a line, or several joined by open brackets or
 * a trailing backslash), so one bad line is reported and the next one still runs, as at `>>>`.
 * String literals are decoded here (escapes, b'' bytes, adjacent literals are joined by the parser).
 */
import { CLOSING_BRACKET, decodeStringBody, hasLeadingZeros, scanToken } from '../../core/python/lexer';
import { PySyntaxError } from '../runtime/errors';

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
    if (last && last.type !== 'NEWLINE')
      tokens.push({ type: 'NEWLINE', text: '', line: line + lineBase, column: col(), start: pos, end: pos });
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
    const startCol = col();
    const tok = scanToken(src, pos);
    if (!tok)
      return fail(
        ch === '$' || ch === '?' || ch === '`' || ch === '!'
          ? 'invalid syntax'
          : `invalid character '${ch}' (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`,
        line,
        startCol,
      );
    const at = { line: line + lineBase, column: startCol, start: pos, end: tok.end };
    if (tok.type === 'STRING') {
      const prefix = tok.prefix.toLowerCase();
      if (/[^rbu]/.test(prefix) || (prefix.includes('u') && prefix.length > 1)) {
        if (prefix.includes('f')) fail('f-strings are not supported in the Stridescope playground', line, startCol);
        fail('invalid string prefix', line, startCol);
      }
      if (tok.triple) fail('triple-quoted strings are not supported in the Stridescope playground', line, startCol);
      if (!tok.terminated) fail(`unterminated string literal (detected at line ${line + lineBase})`, line, startCol);
      const bytes = prefix.includes('b');
      const value = decodeStringBody(tok.body, prefix.includes('r'), bytes, (msg, _index, codec) => {
        throw new PySyntaxError(
          codec ? `(${bytes ? 'value' : 'unicode'} error) ${msg}` : msg,
          line + lineBase,
          startCol,
        );
      });
      tokens.push({ type: 'STRING', text: tok.text, ...at, value });
    } else if (tok.type === 'NUMBER') {
      if (/^[0-9A-Za-z_]/.test(src.slice(tok.end, tok.end + 1))) fail('invalid decimal literal', line, startCol);
      if (hasLeadingZeros(tok.text))
        fail(
          'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers',
          line,
          startCol,
        );
      tokens.push({ type: 'NUMBER', text: tok.text, ...at });
    } else if (tok.type === 'OP') {
      const op = tok.text;
      const t: Token = { type: 'OP', text: op, ...at };
      if (op in CLOSING_BRACKET) {
        depth++;
        brackets.push(t);
      } else if (op === ')' || op === ']' || op === '}') {
        const open = brackets.pop();
        if (!open) fail(`unmatched '${op}'`, line, startCol);
        if (CLOSING_BRACKET[open!.text] !== op) {
          const where = open!.line === line + lineBase ? '' : ` on line ${open!.line}`;
          fail(
            `closing parenthesis '${op}' does not match opening parenthesis '${open!.text}'${where}`,
            line,
            startCol,
          );
        }
        depth--;
      }
      tokens.push(t);
    } else {
      tokens.push({ type: 'NAME', text: tok.text, ...at });
    }
    pos = tok.end;
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
