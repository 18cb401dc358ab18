/**
 * The playground's parser: Python's grammar, cut down to the documented subset, into an AST whose every node
 * knows its line, column and source span (`src.slice(start, end)` is the text a learner typed: `a+b`).
 *
 * Statements: `import a.b [as c], ...`, `from a.b import x [as y], ...`, assignment (`a = b = expr`, targets
 * names, attributes, subscripts, tuples/lists of them), `del`, `pass`, expression statements; several on one
 * line separated by `;`.
 * Expressions: names, numbers (int, float, imaginary), strings and bytes (adjacent literals joined), `None`
 * `True` `False` `...`, tuples, lists, dicts, attribute access, calls with positional, keyword, `*args` and
 * `**kwargs` arguments, subscripts with slices and tuples, unary `+ - ~ not`, binary `** * / // % @ + - << >>
 * & ^ |`, comparison chains (`< <= > >= == != in not in is is not`), `and`, `or`.
 * Anything else Python accepts (lambda, comprehensions, conditional expressions, `def`, loops...) is a
 * PySyntaxError saying the playground does not run it, at its line and column — never a silent misreading.
 */
import { PYTHON_KEYWORDS } from '../../core/python/lexer';
import { PySyntaxError } from '../runtime/errors';
import { tokenize, type Token } from './tokenizer';
import {
  AUG_OPS,
  describeNode,
  UNSUPPORTED_KEYWORDS,
  type Alias,
  type BinOpName,
  type CmpOpName,
  type Expr,
  type Keyword,
  type Span,
  type Stmt,
} from './ast';

/** Nesting limit of expressions (CPython: 'too many nested parentheses' at 200). */
const MAX_NESTING = 200;

class Parser {
  private pos = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(k = 0): Token {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)];
  }
  private next(): Token {
    return this.toks[this.pos++];
  }
  private isOp(v: string, k = 0): boolean {
    const t = this.peek(k);
    return t.type === 'OP' && t.text === v;
  }
  private isKw(v: string, k = 0): boolean {
    const t = this.peek(k);
    return t.type === 'NAME' && t.text === v;
  }
  private expectOp(v: string): Token {
    if (!this.isOp(v)) this.syntax(this.peek(), `expected '${v}'`);
    return this.next();
  }
  private prevEnd(): number {
    return this.toks[this.pos - 1].end;
  }
  private span(t: Token): Span {
    return { line: t.line, column: t.column, start: t.start, end: t.end };
  }
  private from(first: { line: number; column: number; start: number }): Span {
    return { line: first.line, column: first.column, start: first.start, end: this.prevEnd() };
  }
  syntax(t: Token, msg = 'invalid syntax'): never {
    const e = new PySyntaxError(msg, t.line, t.column);
    // an error at the end of the input: Python prints no caret
    if (t.type === 'NEWLINE' || t.type === 'ENDMARKER') e.atEnd = true;
    throw e;
  }
  private unsupported(t: Token, what: string): never {
    throw new PySyntaxError(`the Stridescope playground does not run ${what}`, t.line, t.column);
  }

  // ---------------------------------------------------------------- statements

  /** simple_stmt (';' simple_stmt)* [';'] NEWLINE, repeated to ENDMARKER */
  parseInput(): Stmt[] {
    const out: Stmt[] = [];
    while (this.peek().type !== 'ENDMARKER') {
      if (this.peek().type === 'NEWLINE') {
        this.next();
        continue;
      }
      out.push(this.statement());
      while (this.isOp(';')) {
        this.next();
        if (this.peek().type === 'NEWLINE' || this.peek().type === 'ENDMARKER') break;
        out.push(this.statement());
      }
      const t = this.peek();
      if (t.type !== 'NEWLINE' && t.type !== 'ENDMARKER') this.syntax(t);
    }
    return out;
  }

  private statement(): Stmt {
    const t = this.peek();
    if (t.type === 'NAME') {
      if (t.text === 'import') return this.importStmt();
      if (t.text === 'from') return this.fromStmt();
      if (t.text === 'del') {
        this.next();
        const targets = [this.targetAtom()];
        while (this.isOp(',')) {
          this.next();
          if (this.peek().type === 'NEWLINE' || this.isOp(';')) break;
          targets.push(this.targetAtom());
        }
        return { kind: 'Delete', targets, ...this.from(t) };
      }
      if (t.text === 'pass') {
        this.next();
        return { kind: 'Pass', ...this.span(t) };
      }
      if (UNSUPPORTED_KEYWORDS[t.text] && t.text !== 'if' && t.text !== 'else')
        this.unsupported(t, UNSUPPORTED_KEYWORDS[t.text]);
      if (t.text === 'if') this.unsupported(t, UNSUPPORTED_KEYWORDS.if);
    }
    const first = this.exprList();
    if (this.isOp('=')) {
      const targets: Expr[] = [first];
      let value: Expr = first;
      while (this.isOp('=')) {
        this.next();
        value = this.exprList();
        if (this.isOp('=')) targets.push(value);
      }
      for (const tg of targets) this.checkTarget(tg, 'assign to');
      return { kind: 'Assign', targets, value, ...this.from(t) };
    }
    const aug = this.peek();
    if (aug.type === 'OP' && AUG_OPS[aug.text]) {
      this.next();
      if (first.kind !== 'Name' && first.kind !== 'Attribute' && first.kind !== 'Subscript') {
        throw new PySyntaxError(
          `'${describeNode(first)}' is an illegal expression for augmented assignment`,
          first.line,
          first.column,
        );
      }
      const value = this.exprList();
      return { kind: 'AugAssign', target: first, op: AUG_OPS[aug.text], value, ...this.from(t) };
    }
    if (aug.type === 'OP' && aug.text === ':') this.unsupported(aug, 'annotated assignments');
    return { kind: 'Expr', value: first, ...this.from(t) };
  }

  private checkTarget(e: Expr, verb: string): void {
    switch (e.kind) {
      case 'Name':
      case 'Attribute':
      case 'Subscript':
        return;
      case 'Tuple':
      case 'List':
        for (const x of e.elts) this.checkTarget(x.kind === 'Starred' ? x.value : x, verb);
        return;
      default: {
        const what = describeNode(e);
        const hint =
          e.kind === 'Call'
            ? ` here. Maybe you meant '==' instead of '='?`
            : ` here. Maybe you meant '==' instead of '='?`;
        throw new PySyntaxError(`cannot ${verb} ${what}${hint}`, e.line, e.column);
      }
    }
  }

  /** a target of `del`: an expression that must be a name, attribute or subscript */
  private targetAtom(): Expr {
    const e = this.bitOr();
    if (
      e.kind !== 'Name' &&
      e.kind !== 'Attribute' &&
      e.kind !== 'Subscript' &&
      e.kind !== 'Tuple' &&
      e.kind !== 'List'
    ) {
      throw new PySyntaxError(`cannot delete ${describeNode(e)}`, e.line, e.column);
    }
    return e;
  }

  private dotted(): { name: string; tok: Token } {
    const t = this.peek();
    if (t.type !== 'NAME' || PYTHON_KEYWORDS.has(t.text)) this.syntax(t);
    let name = this.next().text;
    while (this.isOp('.')) {
      this.next();
      const n = this.peek();
      if (n.type !== 'NAME' || PYTHON_KEYWORDS.has(n.text)) this.syntax(n);
      name += '.' + this.next().text;
    }
    return { name, tok: t };
  }

  private asName(): string | null {
    if (!this.isKw('as')) return null;
    this.next();
    const n = this.peek();
    if (n.type !== 'NAME' || PYTHON_KEYWORDS.has(n.text)) this.syntax(n);
    return this.next().text;
  }

  private importStmt(): Stmt {
    const t = this.next();
    const names: Alias[] = [];
    do {
      if (names.length) this.next();
      const { name } = this.dotted();
      names.push({ name, asname: this.asName() });
    } while (this.isOp(','));
    return { kind: 'Import', names, ...this.from(t) };
  }

  private fromStmt(): Stmt {
    const t = this.next();
    if (this.isOp('.') || this.isOp('...')) this.unsupported(this.peek(), 'relative imports');
    const { name: module } = this.dotted();
    if (!this.isKw('import')) this.syntax(this.peek());
    this.next();
    const names: Alias[] = [];
    if (this.isOp('*')) {
      this.next();
      names.push({ name: '*', asname: null });
      return { kind: 'ImportFrom', module, names, ...this.from(t) };
    }
    const paren = this.isOp('(');
    if (paren) this.next();
    do {
      if (names.length) {
        this.next();
        if (paren && this.isOp(')')) break;
      }
      const n = this.peek();
      if (n.type !== 'NAME' || PYTHON_KEYWORDS.has(n.text)) this.syntax(n);
      this.next();
      names.push({ name: n.text, asname: this.asName() });
    } while (this.isOp(','));
    if (paren) this.expectOp(')');
    return { kind: 'ImportFrom', module, names, ...this.from(t) };
  }

  // ---------------------------------------------------------------- expressions

  /** expr (',' expr)* [','] -> a Tuple when there is a comma */
  private exprList(): Expr {
    const first = this.peek();
    const e = this.starOrExpr();
    if (!this.isOp(',')) {
      if (e.kind === 'Starred') throw new PySyntaxError("can't use starred expression here", e.line, e.column);
      return e;
    }
    const elts = [e];
    while (this.isOp(',')) {
      this.next();
      if (this.atExprEnd()) break;
      elts.push(this.starOrExpr());
    }
    return { kind: 'Tuple', elts, ...this.from(first) };
  }

  private atExprEnd(): boolean {
    const t = this.peek();
    if (t.type === 'NEWLINE' || t.type === 'ENDMARKER') return true;
    return (
      (t.type === 'OP' && [')', ']', '}', '=', ';', ':'].includes(t.text)) ||
      (t.type === 'OP' && AUG_OPS[t.text] !== undefined)
    );
  }

  private starOrExpr(): Expr {
    if (this.isOp('*')) {
      const t = this.next();
      const value = this.bitOr();
      return { kind: 'Starred', value, ...this.from(t) };
    }
    return this.expr();
  }

  expr(): Expr {
    const t = this.peek();
    if (t.type === 'NAME' && t.text === 'lambda') this.unsupported(t, UNSUPPORTED_KEYWORDS.lambda);
    if (t.type === 'NAME' && (t.text === 'yield' || t.text === 'await'))
      this.unsupported(t, UNSUPPORTED_KEYWORDS[t.text]);
    const e = this.orTest();
    if (this.isKw('if')) this.unsupported(this.peek(), 'conditional expressions (x if c else y)');
    if (this.isKw('for') || this.isKw('async'))
      this.unsupported(this.peek(), 'comprehensions and generator expressions');
    if (this.isOp(':=')) this.unsupported(this.peek(), 'assignment expressions (:=)');
    return e;
  }

  private orTest(): Expr {
    const t = this.peek();
    const first = this.andTest();
    if (!this.isKw('or')) return first;
    const values = [first];
    while (this.isKw('or')) {
      this.next();
      values.push(this.andTest());
    }
    return { kind: 'BoolOp', op: 'or', values, ...this.from(t) };
  }

  private andTest(): Expr {
    const t = this.peek();
    const first = this.notTest();
    if (!this.isKw('and')) return first;
    const values = [first];
    while (this.isKw('and')) {
      this.next();
      values.push(this.notTest());
    }
    return { kind: 'BoolOp', op: 'and', values, ...this.from(t) };
  }

  private notTest(): Expr {
    if (this.isKw('not')) {
      const t = this.next();
      if (++this.nesting > MAX_NESTING) this.syntax(t, 'too many nested parentheses');
      try {
        const operand = this.notTest();
        return { kind: 'UnaryOp', op: 'not', operand, ...this.from(t) };
      } finally {
        this.nesting--;
      }
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const t = this.peek();
    const left = this.bitOr();
    const ops: CmpOpName[] = [];
    const comparators: Expr[] = [];
    for (;;) {
      const p = this.peek();
      let op: CmpOpName | null = null;
      if (p.type === 'OP' && ['<', '<=', '>', '>=', '==', '!='].includes(p.text)) {
        this.next();
        op = p.text as CmpOpName;
      } else if (this.isKw('in')) {
        this.next();
        op = 'in';
      } else if (this.isKw('not') && this.isKw('in', 1)) {
        this.next();
        this.next();
        op = 'not in';
      } else if (this.isKw('is')) {
        this.next();
        if (this.isKw('not')) {
          this.next();
          op = 'is not';
        } else op = 'is';
      }
      if (!op) break;
      ops.push(op);
      comparators.push(this.bitOr());
    }
    if (!ops.length) return left;
    return { kind: 'Compare', left, ops, comparators, ...this.from(t) };
  }

  private binLevel(ops: string[], sub: () => Expr): Expr {
    const t = this.peek();
    let left = sub();
    while (this.peek().type === 'OP' && ops.includes(this.peek().text)) {
      const op = this.next().text as BinOpName;
      const right = sub();
      left = { kind: 'BinOp', op, left, right, ...this.from(t) };
    }
    return left;
  }

  private bitOr = (): Expr => this.binLevel(['|'], this.bitXor);
  private bitXor = (): Expr => this.binLevel(['^'], this.bitAnd);
  private bitAnd = (): Expr => this.binLevel(['&'], this.shift);
  private shift = (): Expr => this.binLevel(['<<', '>>'], this.arith);
  private arith = (): Expr => this.binLevel(['+', '-'], this.term);
  private term = (): Expr => this.binLevel(['*', '/', '//', '%', '@'], this.factor);

  /** How deep expressions may nest: CPython's parser stops at 200 nested parentheses; so do we (never a stack overflow). */
  private nesting = 0;

  private factor = (): Expr => {
    const t = this.peek();
    if (++this.nesting > MAX_NESTING) this.syntax(t, 'too many nested parentheses');
    try {
      if (t.type === 'OP' && (t.text === '-' || t.text === '+' || t.text === '~')) {
        this.next();
        const operand = this.factor();
        return { kind: 'UnaryOp', op: t.text as '-' | '+' | '~', operand, ...this.from(t) };
      }
      return this.power();
    } finally {
      this.nesting--;
    }
  };

  private power(): Expr {
    const t = this.peek();
    const base = this.primary();
    if (this.isOp('**')) {
      this.next();
      const exp = this.factor();
      return { kind: 'BinOp', op: '**', left: base, right: exp, ...this.from(t) };
    }
    return base;
  }

  private primary(): Expr {
    const t = this.peek();
    let e = this.atom();
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const n = this.peek();
        if (n.type !== 'NAME' || PYTHON_KEYWORDS.has(n.text)) this.syntax(n);
        this.next();
        e = { kind: 'Attribute', value: e, attr: n.text, ...this.from(t) };
      } else if (this.isOp('(')) {
        this.next();
        const { args, keywords } = this.callArgs();
        this.expectOp(')');
        e = { kind: 'Call', func: e, args, keywords, ...this.from(t) };
      } else if (this.isOp('[')) {
        const lb = this.next();
        const index = this.subscriptList(lb);
        this.expectOp(']');
        e = { kind: 'Subscript', value: e, index, ...this.from(t) };
      } else break;
    }
    return e;
  }

  private callArgs(): { args: Expr[]; keywords: Keyword[] } {
    const args: Expr[] = [];
    const keywords: Keyword[] = [];
    while (!this.isOp(')')) {
      const t = this.peek();
      if (this.isOp('**')) {
        this.next();
        const value = this.expr();
        keywords.push({ arg: null, value, ...this.from(t) });
      } else if (t.type === 'NAME' && !PYTHON_KEYWORDS.has(t.text) && this.isOp('=', 1)) {
        this.next();
        this.next();
        const value = this.expr();
        if (keywords.some((k) => k.arg === t.text))
          throw new PySyntaxError(`keyword argument repeated: ${t.text}`, t.line, t.column);
        keywords.push({ arg: t.text, value, ...this.from(t) });
      } else {
        const e = this.starOrExpr();
        if (keywords.length && e.kind !== 'Starred') {
          throw new PySyntaxError(
            keywords.some((k) => k.arg === null)
              ? 'positional argument follows keyword argument unpacking'
              : 'positional argument follows keyword argument',
            e.line,
            e.column,
          );
        }
        if (this.isOp('=')) {
          throw new PySyntaxError('expression cannot contain assignment, perhaps you meant "=="?', e.line, e.column);
        }
        args.push(e);
      }
      if (!this.isOp(',')) break;
      this.next();
    }
    return { args, keywords };
  }

  private subscriptList(_lb: Token): Expr {
    const first = this.peek();
    const items: Expr[] = [];
    let trailingComma = false;
    while (!this.isOp(']')) {
      items.push(this.subscript());
      trailingComma = false;
      if (!this.isOp(',')) break;
      this.next();
      trailingComma = true;
    }
    if (!items.length) this.syntax(this.peek());
    if (items.length === 1 && !trailingComma) return items[0];
    return { kind: 'Tuple', elts: items, ...this.from(first) };
  }

  private subscript(): Expr {
    const t = this.peek();
    let lower: Expr | null = null;
    if (!this.isOp(':')) {
      lower = this.starOrExpr();
      if (!this.isOp(':')) return lower;
    }
    this.next(); // ':'
    let upper: Expr | null = null;
    let step: Expr | null = null;
    if (!this.isOp(':') && !this.isOp(']') && !this.isOp(',')) upper = this.expr();
    if (this.isOp(':')) {
      this.next();
      if (!this.isOp(']') && !this.isOp(',')) step = this.expr();
    }
    return { kind: 'Slice', lower, upper, step, ...this.from(t) };
  }

  private atom(): Expr {
    const t = this.peek();
    if (t.type === 'NUMBER') {
      this.next();
      return parseNumber(t, this.span(t));
    }
    if (t.type === 'STRING') {
      let s = this.next();
      let value = s.value!;
      while (this.peek().type === 'STRING') {
        s = this.next();
        const v = s.value!;
        if ((typeof v === 'string') !== (typeof value === 'string'))
          throw new PySyntaxError('cannot mix bytes and nonbytes literals', t.line, t.column);
        value = typeof v === 'string' ? (value as string) + v : concatBytes(value as Uint8Array, v);
      }
      const sp = this.from(t);
      return typeof value === 'string' ? { kind: 'Str', value, ...sp } : { kind: 'Bytes', value, ...sp };
    }
    if (t.type === 'NAME') {
      if (t.text === 'None' || t.text === 'True' || t.text === 'False') {
        this.next();
        return { kind: 'Const', value: t.text === 'None' ? null : t.text === 'True', ...this.span(t) };
      }
      if (UNSUPPORTED_KEYWORDS[t.text]) this.unsupported(t, UNSUPPORTED_KEYWORDS[t.text]);
      if (PYTHON_KEYWORDS.has(t.text)) this.syntax(t);
      this.next();
      return { kind: 'Name', id: t.text, ...this.span(t) };
    }
    if (t.type === 'OP') {
      if (t.text === '...') {
        this.next();
        return { kind: 'Ellipsis', ...this.span(t) };
      }
      if (t.text === '(') {
        this.next();
        if (this.isOp(')')) {
          this.next();
          return { kind: 'Tuple', elts: [], ...this.from(t) };
        }
        const inner = this.starOrExpr();
        if (this.isOp(')')) {
          this.next();
          if (inner.kind === 'Starred')
            throw new PySyntaxError('cannot use starred expression here', inner.line, inner.column);
          // a parenthesised expression keeps its own span (the label of `(a+b)` is `a+b`)
          return inner;
        }
        const elts = [inner];
        while (this.isOp(',')) {
          this.next();
          if (this.isOp(')')) break;
          elts.push(this.starOrExpr());
        }
        if (!this.isOp(')')) {
          if (this.isKw('for')) this.unsupported(this.peek(), 'comprehensions and generator expressions');
          this.syntax(this.peek(), elts.length > 1 ? 'invalid syntax' : 'invalid syntax. Perhaps you forgot a comma?');
        }
        this.next();
        return { kind: 'Tuple', elts, ...this.from(t) };
      }
      if (t.text === '[') {
        this.next();
        const elts: Expr[] = [];
        while (!this.isOp(']')) {
          elts.push(this.starOrExpr());
          if (this.isKw('for')) this.unsupported(this.peek(), 'comprehensions and generator expressions');
          if (!this.isOp(',')) break;
          this.next();
        }
        if (!this.isOp(']')) this.syntax(this.peek(), 'invalid syntax. Perhaps you forgot a comma?');
        this.next();
        return { kind: 'List', elts, ...this.from(t) };
      }
      if (t.text === '{') {
        this.next();
        const keys: Expr[] = [];
        const values: Expr[] = [];
        while (!this.isOp('}')) {
          keys.push(this.expr());
          if (!this.isOp(':')) this.unsupported(this.peek(), 'set displays');
          this.next();
          values.push(this.expr());
          if (this.isKw('for')) this.unsupported(this.peek(), 'comprehensions and generator expressions');
          if (!this.isOp(',')) break;
          this.next();
        }
        this.expectOp('}');
        return { kind: 'Dict', keys, values, ...this.from(t) };
      }
    }
    if (t.type === 'NEWLINE' || t.type === 'ENDMARKER') this.syntax(t, 'invalid syntax');
    this.syntax(t);
  }
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function parseNumber(t: Token, sp: Span): Expr {
  const text = t.text.replace(/_/g, '');
  if (/[jJ]$/.test(text)) return { kind: 'Imag', value: Number(text.slice(0, -1)), ...sp };
  if (/^0[xX]/.test(text)) return { kind: 'Int', value: BigInt(text), ...sp };
  if (/^0[oO]/.test(text)) return { kind: 'Int', value: BigInt('0o' + text.slice(2)), ...sp };
  if (/^0[bB]/.test(text)) return { kind: 'Int', value: BigInt('0b' + text.slice(2)), ...sp };
  if (/[.eE]/.test(text)) return { kind: 'Float', value: Number(text), ...sp };
  return { kind: 'Int', value: BigInt(text), ...sp };
}

/** Parse one interactive input (or a whole file) into statements. `lineBase` offsets line numbers. */
export function parse(src: string, lineBase = 0): Stmt[] {
  return new Parser(tokenize(src, lineBase)).parseInput();
}

/** Is `src` (with brackets still open) an incomplete input rather than an invalid one? */
export function isIncomplete(src: string): boolean {
  try {
    new Parser(tokenize(src, 0, { allowOpen: true })).parseInput();
    return true;
  } catch (e) {
    return e instanceof PySyntaxError && e.atEnd;
  }
}

/** Parse a single expression (the console's "evaluate this" path). */
export function parseExpression(src: string): Expr {
  const stmts = parse(src);
  if (stmts.length !== 1 || stmts[0].kind !== 'Expr') throw new PySyntaxError('expected a single expression', 1, 1);
  return stmts[0].value;
}
