/**
 * The syntax of view expressions (core/viewexpr.ts evaluates them): Python-like tokens with line/column (on the
 * shared lexer, core/python/lexer.ts), the small AST, and its recursive-descent parser. What is not a view expression
 * is an ExpressionError naming the 1-based column of the offending token; nothing here ever hands text to
 * eval/Function.
 */
import { ExpressionError } from './errors';
import { CLOSING_BRACKET, decodeStringBody, NAME_RE, PYTHON_KEYWORDS, scanToken } from './python/lexer';

// ================================================================ tokenizer

export type TokenType = 'NAME' | 'NUMBER' | 'STRING' | 'OP' | 'NEWLINE' | 'INDENT' | 'DEDENT' | 'ENDMARKER';

export interface Token {
  type: TokenType;
  /** The token's source text (STRING keeps its quotes and prefix, like Python's tokenize). */
  value: string;
  /** 1-based line and column of the first character. */
  line: number;
  column: number;
  /** 1-based column just past the last character (on `line`). */
  endColumn: number;
}

/** Python-like tokens of `src`. Newlines inside brackets are ignored (implicit line joining), comments skipped. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  const lines = src.split(/\r\n|\r|\n/);
  const indents = [0];
  let depth = 0;
  const multiline = lines.length > 1;
  const fail = (msg: string, line: number, col: number): never => {
    throw new ExpressionError(msg, col, multiline ? line : undefined);
  };
  for (let li = 0; li < lines.length; li++) {
    const text = lines[li];
    const lineNo = li + 1;
    let i = 0;
    if (depth === 0) {
      // a logical line starts: indentation (blank and comment-only lines do not count)
      const m = /^[ \t]*/.exec(text)!;
      const rest = text.slice(m[0].length);
      if (rest === '' || rest.startsWith('#')) continue;
      const width = m[0].replace(/\t/g, '        ').length;
      if (width > indents[indents.length - 1]) {
        indents.push(width);
        tokens.push({ type: 'INDENT', value: m[0], line: lineNo, column: 1, endColumn: m[0].length + 1 });
      } else {
        while (width < indents[indents.length - 1]) {
          indents.pop();
          tokens.push({ type: 'DEDENT', value: '', line: lineNo, column: m[0].length + 1, endColumn: m[0].length + 1 });
        }
        if (width !== indents[indents.length - 1])
          fail('unindent does not match any outer indentation level', lineNo, 1);
      }
      i = m[0].length;
    }
    while (i < text.length) {
      const ch = text[i];
      if (ch === ' ' || ch === '\t' || ch === '\f') {
        i++;
        continue;
      }
      if (ch === '#') break;
      if (ch === '\\' && i === text.length - 1) {
        i++;
        continue; // explicit line joining
      }
      const col = i + 1;
      const tok = scanToken(text, i);
      if (!tok) return fail(`invalid character '${ch}'`, lineNo, col);
      const at = { line: lineNo, column: col, endColumn: col + tok.text.length };
      if (tok.type === 'STRING') {
        if (tok.triple) fail('triple-quoted strings are not supported', lineNo, col);
        if (!tok.terminated) fail('unterminated string literal', lineNo, col);
      } else if (tok.type === 'NUMBER') {
        const after = text.slice(tok.end);
        if (NAME_RE.test(after) || /^[0-9]/.test(after)) fail('invalid number literal', lineNo, col);
      } else if (tok.type === 'OP') {
        if (tok.text in CLOSING_BRACKET) depth++;
        else if (tok.text === ')' || tok.text === ']' || tok.text === '}') {
          if (depth === 0) fail(`unmatched '${tok.text}'`, lineNo, col);
          depth--;
        }
      }
      tokens.push({ type: tok.type, value: tok.text, ...at });
      i = tok.end;
    }
    if (depth === 0 && !(text.endsWith('\\') && li < lines.length - 1)) {
      const last = tokens[tokens.length - 1];
      if (last && last.type !== 'NEWLINE' && last.type !== 'INDENT' && last.type !== 'DEDENT') {
        tokens.push({ type: 'NEWLINE', value: '', line: lineNo, column: text.length + 1, endColumn: text.length + 1 });
      }
    }
  }
  const lastLine = lines.length;
  const endCol = lines[lines.length - 1].length + 1;
  if (depth > 0) {
    const open = [...tokens].reverse().find((t) => t.type === 'OP' && '([{'.includes(t.value));
    fail(`'${open?.value ?? '('}' was never closed`, open?.line ?? lastLine, open?.column ?? endCol);
  }
  while (indents.length > 1) {
    indents.pop();
    tokens.push({ type: 'DEDENT', value: '', line: lastLine, column: endCol, endColumn: endCol });
  }
  tokens.push({ type: 'ENDMARKER', value: '', line: lastLine, column: endCol, endColumn: endCol });
  return tokens;
}

// ================================================================ AST

export interface At {
  line: number;
  column: number;
}
export type Expr =
  | ({ kind: 'Name'; id: string } & At)
  | ({ kind: 'Number'; value: number; text: string } & At)
  | ({ kind: 'String'; value: string } & At)
  | ({ kind: 'Constant'; value: null | boolean } & At)
  | ({ kind: 'Ellipsis' } & At)
  | ({ kind: 'Tuple'; elts: Expr[] } & At)
  | ({ kind: 'List'; elts: Expr[] } & At)
  | ({ kind: 'UnaryOp'; op: '-' | '+' | '~'; operand: Expr } & At)
  | ({ kind: 'Attribute'; value: Expr; attr: string } & At)
  | ({ kind: 'Call'; func: Expr; args: Expr[]; keywords: Keyword[] } & At)
  | ({ kind: 'Subscript'; value: Expr; index: Expr } & At)
  | ({ kind: 'Slice'; lower: Expr | null; upper: Expr | null; step: Expr | null } & At);
export interface Keyword extends At {
  arg: string;
  value: Expr;
}

// ================================================================ parser

/**
 * How deeply a view expression may nest (brackets, unary operators, calls, and chains of `.T` / `[...]` / `(...)`
 * trailers all count): the parser and the evaluator recurse once per level, so without a limit a long enough
 * expression ends in a RangeError (stack overflow) instead of an ExpressionError. Python's own parser stops at
 * 200 nested parentheses.
 */
export const MAX_EXPR_DEPTH = 200;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly multiline: boolean,
  ) {}

  private peek(): Token {
    return this.tokens[this.pos];
  }
  private next(): Token {
    return this.tokens[this.pos++];
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.type === 'OP' && t.value === v;
  }
  error(msg: string, t: At): never {
    throw new ExpressionError(msg, t.column, this.multiline ? t.line : undefined);
  }
  private expectOp(v: string): Token {
    const t = this.peek();
    if (t.type !== 'OP' || t.value !== v) this.error(`expected '${v}' but found ${describe(t)}`, t);
    return this.next();
  }

  parseTop(): Expr {
    while (this.peek().type === 'NEWLINE') this.next();
    if (this.peek().type === 'INDENT') this.error('unexpected indent', this.peek());
    if (this.peek().type === 'ENDMARKER') this.error('empty expression', this.peek());
    const e = this.parseExpr();
    while (this.peek().type === 'NEWLINE' || this.peek().type === 'DEDENT') this.next();
    const t = this.peek();
    if (t.type !== 'ENDMARKER') this.unexpected(t);
    return e;
  }

  /** Complain about a token that cannot continue a view expression. */
  private unexpected(t: Token): never {
    if (t.type === 'OP') {
      if (['=', ':='].includes(t.value))
        this.error(`assignment ('${t.value}') is not supported in a view expression`, t);
      if (!['(', ')', '[', ']', '{', '}', ',', ':', '.', ';'].includes(t.value)) {
        this.error(
          `operator '${t.value}' is not supported in a view expression (only views: indexing, .T, transpose, reshape, view, stride tricks)`,
          t,
        );
      }
    }
    if (t.type === 'NAME' && PYTHON_KEYWORDS.has(t.value)) {
      this.error(`'${t.value}' is not supported in a view expression`, t);
    }
    if (t.type === 'NEWLINE') this.error('only one expression is allowed', this.tokens[this.pos + 1] ?? t);
    this.error(`unexpected ${describe(t)}`, t);
  }

  /** One more level of nesting at token `t` (ExpressionError past MAX_EXPR_DEPTH). */
  private enter(t: Token): void {
    if (++this.depth > MAX_EXPR_DEPTH) this.error(`the expression nests more than ${MAX_EXPR_DEPTH} levels deep`, t);
  }

  parseExpr(): Expr {
    const t = this.peek();
    this.enter(t);
    try {
      if (t.type === 'OP' && (t.value === '-' || t.value === '+' || t.value === '~')) {
        this.next();
        return {
          kind: 'UnaryOp',
          op: t.value as '-' | '+' | '~',
          operand: this.parseExpr(),
          line: t.line,
          column: t.column,
        };
      }
      if (t.type === 'NAME' && PYTHON_KEYWORDS.has(t.value) && !['None', 'True', 'False'].includes(t.value)) {
        this.error(`'${t.value}' is not supported in a view expression`, t);
      }
      return this.parsePostfix();
    } finally {
      this.depth--;
    }
  }

  private parsePostfix(): Expr {
    const e = this.parseAtom();
    const outer = this.depth;
    try {
      return this.parseTrailers(e);
    } finally {
      this.depth = outer;
    }
  }

  /** `.name`, `(args)` and `[index]` after an atom: each wraps the expression so far (one level deeper). */
  private parseTrailers(e: Expr): Expr {
    for (;;) {
      const t = this.peek();
      if (t.type !== 'OP') break;
      if (t.value === '.' || t.value === '(' || t.value === '[') this.enter(t);
      if (t.value === '.') {
        this.next();
        const name = this.next();
        if (name.type !== 'NAME') this.error(`expected an attribute name after '.' but found ${describe(name)}`, name);
        e = { kind: 'Attribute', value: e, attr: name.value, line: name.line, column: name.column };
      } else if (t.value === '(') {
        this.next();
        const { args, keywords } = this.parseArgs();
        e = { kind: 'Call', func: e, args, keywords, line: t.line, column: t.column };
      } else if (t.value === '[') {
        this.next();
        const index = this.parseSubscript(t);
        this.expectOp(']');
        e = { kind: 'Subscript', value: e, index, line: t.line, column: t.column };
      } else {
        break;
      }
    }
    return e;
  }

  private parseArgs(): { args: Expr[]; keywords: Keyword[] } {
    const args: Expr[] = [];
    const keywords: Keyword[] = [];
    while (!this.isOp(')')) {
      const t = this.peek();
      if (t.type === 'OP' && (t.value === '*' || t.value === '**'))
        this.error(`'${t.value}' unpacking is not supported`, t);
      const after = this.tokens[this.pos + 1];
      if (t.type === 'NAME' && after.type === 'OP' && after.value === '=') {
        this.next();
        this.next();
        if (keywords.some((k) => k.arg === t.value)) this.error(`keyword argument repeated: ${t.value}`, t);
        keywords.push({ arg: t.value, value: this.parseExpr(), line: t.line, column: t.column });
      } else {
        if (keywords.length > 0) this.error('positional argument follows keyword argument', t);
        args.push(this.parseExpr());
      }
      if (!this.isOp(',')) break;
      this.next();
    }
    const close = this.peek();
    if (!this.isOp(')')) this.unexpected(close);
    this.next();
    return { args, keywords };
  }

  /** What goes between [ and ]: one item, or a tuple of items (slices allowed). */
  private parseSubscript(open: Token): Expr {
    const items: Expr[] = [];
    let trailingComma = false;
    while (!this.isOp(']')) {
      items.push(this.parseSliceItem());
      trailingComma = false;
      if (!this.isOp(',')) break;
      this.next();
      trailingComma = true;
    }
    if (!this.isOp(']')) this.unexpected(this.peek());
    if (items.length === 0) this.error('an empty index [] is not supported', open);
    if (items.length === 1 && !trailingComma) return items[0];
    return { kind: 'Tuple', elts: items, line: items[0].line, column: items[0].column };
  }

  private parseSliceItem(): Expr {
    const start = this.peek();
    let lower: Expr | null = null;
    if (!this.isOp(':')) {
      lower = this.parseExpr();
      if (!this.isOp(':')) return lower;
    }
    this.expectOp(':');
    let upper: Expr | null = null;
    let step: Expr | null = null;
    if (!this.isOp(':') && !this.isOp(',') && !this.isOp(']')) upper = this.parseExpr();
    if (this.isOp(':')) {
      this.next();
      if (!this.isOp(',') && !this.isOp(']')) step = this.parseExpr();
    }
    return { kind: 'Slice', lower, upper, step, line: start.line, column: start.column };
  }

  private parseAtom(): Expr {
    const t = this.next();
    const at = { line: t.line, column: t.column };
    switch (t.type) {
      case 'NAME':
        if (t.value === 'None') return { kind: 'Constant', value: null, ...at };
        if (t.value === 'True') return { kind: 'Constant', value: true, ...at };
        if (t.value === 'False') return { kind: 'Constant', value: false, ...at };
        if (PYTHON_KEYWORDS.has(t.value)) this.error(`'${t.value}' is not supported in a view expression`, t);
        return { kind: 'Name', id: t.value, ...at };
      case 'NUMBER':
        return { kind: 'Number', value: parseNumber(t, this), text: t.value, ...at };
      case 'STRING': {
        let value = decodeString(t, this);
        // adjacent string literals concatenate
        while (this.peek().type === 'STRING') value += decodeString(this.next(), this);
        return { kind: 'String', value, ...at };
      }
      case 'OP':
        if (t.value === '...') return { kind: 'Ellipsis', ...at };
        if (t.value === '(') {
          if (this.isOp(')')) {
            this.next();
            return { kind: 'Tuple', elts: [], ...at };
          }
          const first = this.parseExpr();
          if (this.isOp(')')) {
            this.next();
            return first;
          }
          const elts = [first];
          while (this.isOp(',')) {
            this.next();
            if (this.isOp(')')) break;
            elts.push(this.parseExpr());
          }
          if (!this.isOp(')')) this.unexpected(this.peek());
          this.next();
          return { kind: 'Tuple', elts, ...at };
        }
        if (t.value === '[') {
          const elts: Expr[] = [];
          while (!this.isOp(']')) {
            elts.push(this.parseExpr());
            if (!this.isOp(',')) break;
            this.next();
          }
          if (!this.isOp(']')) this.unexpected(this.peek());
          this.next();
          return { kind: 'List', elts, ...at };
        }
        if (t.value === '{') this.error('dict and set displays are not supported in a view expression', t);
        this.pos--;
        return this.unexpected(t);
      default:
        this.pos--;
        return this.unexpected(t);
    }
  }
}

function describe(t: Token): string {
  switch (t.type) {
    case 'ENDMARKER':
      return 'the end of the expression';
    case 'NEWLINE':
      return 'the end of the line';
    case 'INDENT':
    case 'DEDENT':
      return 'a change of indentation';
    default:
      return `'${t.value}'`;
  }
}

function parseNumber(t: Token, p: Parser): number {
  const s = t.value.replace(/_/g, '');
  if (/[jJ]$/.test(s)) p.error('complex numbers are not supported in a view expression', t);
  let v: number;
  if (/^0[xX]/.test(s)) v = parseInt(s.slice(2), 16);
  else if (/^0[oO]/.test(s)) v = parseInt(s.slice(2), 8);
  else if (/^0[bB]/.test(s)) v = parseInt(s.slice(2), 2);
  else {
    if (/^0\d/.test(s) && /^\d+$/.test(s) && /[1-9]/.test(s)) {
      p.error('leading zeros in decimal integer literals are not permitted', t);
    }
    v = Number(s);
  }
  if (/^\d+$|^0[xXoObB]/.test(s) && !Number.isSafeInteger(v)) p.error(`integer ${t.value} is too large`, t);
  return v;
}

function decodeString(t: Token, p: Parser): string {
  const m = /^([rRbBuUfF]*)(['"])([\s\S]*)\2$/.exec(t.value)!;
  const prefix = m[1].toLowerCase();
  if (prefix.includes('f')) p.error('f-strings are not supported in a view expression', t);
  if (prefix.includes('b')) p.error('bytes literals are not supported in a view expression', t);
  return decodeStringBody(m[3], prefix.includes('r'), false, (msg) =>
    p.error(`${msg} in a string literal`, t),
  ) as string;
}

/** Parse a view expression into its AST (ExpressionError with the column on a syntax error). */
export function parseViewExpr(src: string): Expr {
  const tokens = tokenize(src);
  return new Parser(tokens, /\r|\n/.test(src)).parseTop();
}
