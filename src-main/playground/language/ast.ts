/**
 * The playground's syntax tree: the statements and expressions of its Python subset (parser.ts builds them,
 * runtime/interpreter.ts runs them), each node with its line, column and source span.
 */

export interface Span {
  line: number;
  column: number;
  /** [start, end) offsets into the parsed source. */
  start: number;
  end: number;
}

export type BinOpName = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '@' | '<<' | '>>' | '&' | '^' | '|';
export type CmpOpName = '<' | '<=' | '>' | '>=' | '==' | '!=' | 'in' | 'not in' | 'is' | 'is not';

export type Expr =
  | ({ kind: 'Name'; id: string } & Span)
  | ({ kind: 'Int'; value: bigint } & Span)
  | ({ kind: 'Float'; value: number } & Span)
  | ({ kind: 'Imag'; value: number } & Span)
  | ({ kind: 'Str'; value: string } & Span)
  | ({ kind: 'Bytes'; value: Uint8Array } & Span)
  | ({ kind: 'Const'; value: null | boolean } & Span)
  | ({ kind: 'Ellipsis' } & Span)
  | ({ kind: 'Tuple'; elts: Expr[] } & Span)
  | ({ kind: 'List'; elts: Expr[] } & Span)
  | ({ kind: 'Dict'; keys: Expr[]; values: Expr[] } & Span)
  | ({ kind: 'Starred'; value: Expr } & Span)
  | ({ kind: 'UnaryOp'; op: '-' | '+' | '~' | 'not'; operand: Expr } & Span)
  | ({ kind: 'BinOp'; op: BinOpName; left: Expr; right: Expr } & Span)
  | ({ kind: 'BoolOp'; op: 'and' | 'or'; values: Expr[] } & Span)
  | ({ kind: 'Compare'; left: Expr; ops: CmpOpName[]; comparators: Expr[] } & Span)
  | ({ kind: 'Attribute'; value: Expr; attr: string } & Span)
  | ({ kind: 'Call'; func: Expr; args: Expr[]; keywords: Keyword[] } & Span)
  | ({ kind: 'Subscript'; value: Expr; index: Expr } & Span)
  | ({ kind: 'Slice'; lower: Expr | null; upper: Expr | null; step: Expr | null } & Span);

export interface Keyword extends Span {
  /** null for `**kwargs` */
  arg: string | null;
  value: Expr;
}

export interface Alias {
  name: string;
  asname: string | null;
}

export type Stmt =
  | ({ kind: 'Import'; names: Alias[] } & Span)
  | ({ kind: 'ImportFrom'; module: string; names: Alias[] } & Span)
  | ({ kind: 'Assign'; targets: Expr[]; value: Expr } & Span)
  | ({ kind: 'AugAssign'; target: Expr; op: BinOpName; value: Expr } & Span)
  | ({ kind: 'Delete'; targets: Expr[] } & Span)
  | ({ kind: 'Pass' } & Span)
  | ({ kind: 'Expr'; value: Expr } & Span);

/** Keywords of Python the subset does not run, and what the error calls them. */
export const UNSUPPORTED_KEYWORDS: Record<string, string> = Object.assign(
  Object.create(null) as Record<string, string>,
  {
    lambda: 'lambda expressions',
    if: "'if' statements and conditional expressions",
    else: "'else'",
    elif: "'elif'",
    for: "'for' loops and comprehensions",
    while: "'while' loops",
    def: 'function definitions',
    class: 'class definitions',
    return: "'return'",
    yield: "'yield'",
    with: "'with' statements",
    try: "'try' statements",
    except: "'except'",
    finally: "'finally'",
    raise: "'raise'",
    assert: "'assert'",
    global: "'global'",
    nonlocal: "'nonlocal'",
    async: "'async'",
    await: "'await'",
    break: "'break'",
    continue: "'continue'",
  },
);

/** Augmented assignment operators and the binary operator each applies. */
export const AUG_OPS: Record<string, BinOpName> = Object.assign(Object.create(null) as Record<string, BinOpName>, {
  '+=': '+',
  '-=': '-',
  '*=': '*',
  '/=': '/',
  '//=': '//',
  '%=': '%',
  '**=': '**',
  '@=': '@',
  '<<=': '<<',
  '>>=': '>>',
  '&=': '&',
  '^=': '^',
  '|=': '|',
});

/** How Python's error messages name an expression ("function call", "literal", ...). */
export function describeNode(e: Expr): string {
  switch (e.kind) {
    case 'Call':
      return 'function call';
    case 'Int':
    case 'Float':
    case 'Imag':
    case 'Str':
    case 'Bytes':
      return 'literal';
    case 'Const':
      return e.value === null ? 'None' : String(e.value ? 'True' : 'False');
    case 'BinOp':
    case 'UnaryOp':
      return 'expression';
    case 'Compare':
      return 'comparison';
    case 'BoolOp':
      return 'expression';
    case 'Dict':
      return 'dict literal';
    case 'Ellipsis':
      return 'ellipsis';
    default:
      return 'expression';
  }
}
