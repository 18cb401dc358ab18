/**
 * View expressions: NumPy syntax for views of named arrays — `a[:, ::-1, 1::2]`, `a.T[1]`,
 * `a.reshape((4, 6), order='F')`, `a.view(np.int16)`, `np.lib.stride_tricks.as_strided(a, shape=(3, 4), strides=(0, 4))`,
 * `np.broadcast_to(a, (5, 4))`, `np.ndarray((2, 2), '<i4', buffer=a, offset=4, strides=(8, 4))` ...
 *
 * Three stages, none of which ever hands text to eval/Function (tokenize and parse are in viewExprParser.ts):
 *   tokenize  — Python-like tokens (NAME, NUMBER, STRING, OP, NEWLINE, INDENT, DEDENT, ENDMARKER) with line/column;
 *               the playground's Python subset will grow from this tokenizer.
 *   parse     — recursive descent into a small AST (names, numbers, strings, tuples, lists, attribute access,
 *               calls with keyword arguments, subscripts with slices, `...`, unary minus).
 *   evaluate  — walks the AST over the given named NDArrays; every view is an NDArray method.
 * What is not a view expression (`a + 1`, fancy indexing `a[[0, 1]]`, `lambda`, ...) is an ExpressionError
 * naming the 1-based column of the offending token. Views NumPy refuses surface as NDArray's LayoutErrors.
 */
import { DType, type Descr, type DescrField } from './dtype';
import { ExpressionError, StridescopeError } from './errors';
import { cStrides, fStrides, size as shapeSize } from './layout';
import { NDArray, type Selector } from './ndarray';
import { parseViewExpr, type At, type Expr, type Keyword } from './viewExprParser';

// ================================================================ evaluator

type Val =
  | { t: 'array'; a: NDArray }
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'none' }
  | { t: 'bool'; v: boolean }
  | { t: 'ellipsis' }
  | { t: 'tuple'; items: Val[]; list: boolean }
  | { t: 'module'; path: string }
  | { t: 'func'; name: string }
  | { t: 'method'; a: NDArray; name: string }
  | { t: 'dtype'; d: DType };

/** np.<name> dtype spellings, resolved through DType.parse. */
const NP_SCALAR_TYPES: Record<string, string> = {
  bool: 'bool',
  bool_: 'bool',
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
  float16: 'float16',
  float32: 'float32',
  float64: 'float64',
  complex64: 'complex64',
  complex128: 'complex128',
  half: 'float16',
  single: 'float32',
  double: 'float64',
  byte: 'int8',
  ubyte: 'uint8',
  short: 'int16',
  ushort: 'uint16',
  intc: 'int32',
  uintc: 'uint32',
  int_: 'int64',
  intp: 'int64',
  uintp: 'uint64',
  uint: 'uint64',
  longlong: 'int64',
  ulonglong: 'uint64',
  csingle: 'complex64',
  cdouble: 'complex128',
  datetime64: 'M8',
  timedelta64: 'm8',
  void: 'V',
  bytes_: 'S',
  str_: 'U',
};

const NP_FUNCS: Record<string, string> = {
  'np.broadcast_to': 'broadcast_to',
  'np.ndarray': 'ndarray',
  'np.dtype': 'dtype',
  'np.lib.stride_tricks.as_strided': 'as_strided',
  'np.lib.stride_tricks.sliding_window_view': 'sliding_window_view',
  'np.lib.stride_tricks.broadcast_to': 'broadcast_to',
};

const ARRAY_METHODS = new Set(['transpose', 'reshape', 'view', 'copy']);

/** Options of evaluateViewExpr. */
export interface ViewExprOptions {
  /** Largest `.copy()` allowed, in bytes (an untrusted caller sets it low: a copy is the one thing that allocates). */
  maxCopyBytes?: number;
  /**
   * How `.copy()` makes its copy (default: `a.copy()`, at once). Views never read values, so a caller may return an
   * allocated but not yet filled C-ordered array here and fill it after evaluation (core/viewCopy's planViewExpr).
   */
  copy?: (a: NDArray) => NDArray;
}

class Evaluator {
  constructor(
    private readonly names: Record<string, NDArray>,
    private readonly multiline: boolean,
    private readonly options: ViewExprOptions = {},
  ) {}

  error(msg: string, at: At): never {
    throw new ExpressionError(msg, at.column, this.multiline ? at.line : undefined);
  }

  eval(e: Expr): Val {
    switch (e.kind) {
      case 'Name': {
        if (Object.prototype.hasOwnProperty.call(this.names, e.id)) return { t: 'array', a: this.names[e.id] };
        if (e.id === 'np' || e.id === 'numpy') return { t: 'module', path: 'np' };
        const known = Object.keys(this.names);
        return this.error(`name '${e.id}' is not defined${known.length ? ` (arrays: ${known.join(', ')})` : ''}`, e);
      }
      case 'Number':
        return { t: 'num', v: e.value };
      case 'String':
        return { t: 'str', v: e.value };
      case 'Constant':
        return e.value === null ? { t: 'none' } : { t: 'bool', v: e.value };
      case 'Ellipsis':
        return { t: 'ellipsis' };
      case 'Tuple':
        return { t: 'tuple', items: e.elts.map((x) => this.eval(x)), list: false };
      case 'List':
        return { t: 'tuple', items: e.elts.map((x) => this.eval(x)), list: true };
      case 'UnaryOp': {
        const v = this.eval(e.operand);
        if (v.t === 'num' && e.op !== '~') return { t: 'num', v: e.op === '-' ? -v.v : v.v };
        if (v.t === 'num' && Number.isInteger(v.v)) return { t: 'num', v: ~v.v };
        return this.error(`unary '${e.op}' is only supported on numbers in a view expression`, e);
      }
      case 'Attribute':
        return this.attribute(this.eval(e.value), e);
      case 'Call':
        return this.call(e);
      case 'Subscript':
        return this.subscript(e);
      case 'Slice':
        return this.error('a slice is only allowed inside [ ]', e);
    }
  }

  private attribute(v: Val, e: Extract<Expr, { kind: 'Attribute' }>): Val {
    const name = e.attr;
    if (v.t === 'module') {
      const path = `${v.path}.${name}`;
      if (path === 'np.lib' || path === 'np.lib.stride_tricks') return { t: 'module', path };
      if (path === 'np.newaxis') return { t: 'none' };
      if (NP_FUNCS[path]) return { t: 'func', name: NP_FUNCS[path] };
      if (v.path === 'np' && Object.prototype.hasOwnProperty.call(NP_SCALAR_TYPES, name)) {
        return { t: 'dtype', d: this.dtype(NP_SCALAR_TYPES[name], e) };
      }
      return this.error(`'${path}' is not supported in a view expression`, e);
    }
    if (v.t === 'array') {
      if (name === 'T') return { t: 'array', a: v.a.T };
      if (ARRAY_METHODS.has(name)) return { t: 'method', a: v.a, name };
      return this.error(
        `array attribute '${name}' is not supported in a view expression (use .T, .transpose, .reshape, .view)`,
        e,
      );
    }
    return this.error(`'${name}' is not an attribute of a ${kindName(v)}`, e);
  }

  private dtype(spec: string, at: At): DType {
    try {
      return DType.parse(spec);
    } catch (err) {
      if (err instanceof StridescopeError)
        this.error(`data type ${JSON.stringify(spec)} not understood: ${err.message}`, at);
      throw err;
    }
  }

  /**
   * A dtype as np.dtype() takes it: a dtype, a string ('<i4', or comma-separated '<i4,<f8' for fields f0, f1, ...),
   * a list of (name, dtype[, shape]) fields (a '' name becomes f<i>; (title, name) pairs give titles), or a
   * (dtype, shape) subarray tuple.
   */
  private toDType(v: Val, at: At): DType {
    if (v.t === 'dtype') return v.d;
    if (v.t === 'str') return this.dtype(v.v, at);
    if (v.t === 'tuple' && v.list) {
      const fields = v.items.map((item, i): [string | [string, string], DType] => {
        if (item.t !== 'tuple' || item.list || (item.items.length !== 2 && item.items.length !== 3)) {
          return this.error(
            `a structured dtype's fields are (name, dtype) or (name, dtype, shape) tuples, got a ${kindName(item)}`,
            at,
          );
        }
        const [n, d, shape] = item.items;
        let name: string | [string, string];
        if (n.t === 'str') name = n.v === '' ? `f${i}` : n.v;
        else if (
          n.t === 'tuple' &&
          !n.list &&
          n.items.length === 2 &&
          n.items[0].t === 'str' &&
          n.items[1].t === 'str'
        ) {
          name = [n.items[0].v, n.items[1].v];
        } else return this.error(`a field name is a string or a (title, name) pair, got a ${kindName(n)}`, at);
        const dt = this.toDType(d, at);
        return [name, shape ? this.subarray(dt, shape, at) : dt];
      });
      return this.structDType(fields, at);
    }
    if (v.t === 'tuple' && v.items.length === 2) return this.subarray(this.toDType(v.items[0], at), v.items[1], at);
    return this.error(`expected a dtype (a string like '<i4' or np.int32), got a ${kindName(v)}`, at);
  }

  private subarray(base: DType, shape: Val, at: At): DType {
    return this.wrapDTypeError(() => DType.subarrayOf(base, this.toInts(shape, at, 'a subarray shape')), at);
  }

  /** A packed structured dtype from (name, dtype) pairs, through DType.fromDescr. */
  private structDType(fields: [string | [string, string], DType][], at: At): DType {
    const descr: Descr = fields.map(([name, dt]): DescrField => {
      const inner = (d: DType): Descr => (d.fields ? d.descr : d.str);
      return dt.subarray ? [name, inner(dt.subarray.base), [...dt.subarray.shape]] : [name, inner(dt)];
    });
    return this.wrapDTypeError(() => DType.fromDescr(descr), at);
  }

  private wrapDTypeError(make: () => DType, at: At): DType {
    try {
      return make();
    } catch (err) {
      if (err instanceof StridescopeError) this.error(`invalid dtype: ${err.message}`, at);
      throw err;
    }
  }

  private toInt(v: Val, at: At, what: string): number {
    if (v.t === 'num' && Number.isInteger(v.v)) return v.v;
    if (v.t === 'bool') return v.v ? 1 : 0;
    return this.error(`${what} must be an integer, got ${kindName(v)}`, at);
  }

  /** A shape-like argument: an int or a tuple/list of ints. */
  private toInts(v: Val, at: At, what: string): number[] {
    if (v.t === 'tuple') return v.items.map((x) => this.toInt(x, at, `${what} entries`));
    return [this.toInt(v, at, what)];
  }

  private subscript(e: Extract<Expr, { kind: 'Subscript' }>): Val {
    const target = this.eval(e.value);
    if (target.t !== 'array') return this.error(`only arrays can be indexed, not a ${kindName(target)}`, e);
    // a['id'] and a[['x', 'id']]: field views (NumPy's structured-array indexing), the same bytes
    const fieldIndex = this.fieldIndexOf(e.index);
    if (fieldIndex !== null) {
      try {
        return {
          t: 'array',
          a: typeof fieldIndex === 'string' ? target.a.field(fieldIndex) : target.a.fieldsView(fieldIndex),
        };
      } catch (err) {
        if (err instanceof StridescopeError) return this.error(err.message, e.index);
        throw err;
      }
    }
    const items = e.index.kind === 'Tuple' ? e.index.elts : [e.index];
    const sels: Selector[] = items.map((it) => this.selector(it));
    return { t: 'array', a: target.a.index(...sels) };
  }

  /** A field name (a string) or a list of field names as an index; null for any other index. */
  private fieldIndexOf(it: Expr): string | string[] | null {
    if (it.kind === 'String') return it.value;
    if (it.kind === 'List' && it.elts.length > 0 && it.elts.every((x) => x.kind === 'String')) {
      return it.elts.map((x) => (x as Extract<Expr, { kind: 'String' }>).value);
    }
    return null;
  }

  private selector(it: Expr): Selector {
    if (it.kind === 'Slice') {
      const part = (x: Expr | null): number | null => {
        if (x === null) return null;
        const v = this.eval(x);
        if (v.t === 'none') return null;
        if (v.t === 'num' && Number.isInteger(v.v)) return v.v;
        return this.error('slice indices must be integers or None', x);
      };
      return { start: part(it.lower), stop: part(it.upper), step: part(it.step) };
    }
    if (it.kind === 'List')
      return this.error('fancy indexing (an index list) is not supported: it makes a copy, not a view', it);
    const v = this.eval(it);
    switch (v.t) {
      case 'num':
        if (!Number.isInteger(v.v)) {
          return this.error(
            'only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) are valid indices in a view expression',
            it,
          );
        }
        return v.v;
      case 'ellipsis':
        return 'ellipsis';
      case 'none':
        return 'newaxis';
      case 'array':
        return this.error('indexing with an array is not supported: it makes a copy, not a view', it);
      case 'bool':
        return this.error('boolean indexing is not supported: it makes a copy, not a view', it);
      case 'tuple':
        return this.error('fancy indexing (a sequence index) is not supported: it makes a copy, not a view', it);
      default:
        return this.error(`a ${kindName(v)} is not a valid index`, it);
    }
  }

  private call(e: Extract<Expr, { kind: 'Call' }>): Val {
    const f = this.eval(e.func);
    if (f.t === 'method') return this.callMethod(f.a, f.name, e);
    if (f.t === 'func') return this.callFunc(f.name, e);
    return this.error(`a ${kindName(f)} is not callable`, e);
  }

  /**
   * Bind positional and keyword arguments to a Python-style signature; returns the evaluated values by name.
   * `names` lists parameters in order; those after `kwOnlyFrom` are keyword-only.
   */
  private bind(
    e: Extract<Expr, { kind: 'Call' }>,
    fname: string,
    names: string[],
    opts: { required?: number; kwOnlyFrom?: number; varargs?: string } = {},
  ): Map<string, { v: Val; at: At }> {
    const out = new Map<string, { v: Val; at: At }>();
    const positional = opts.kwOnlyFrom ?? names.length;
    if (opts.varargs) {
      out.set(opts.varargs, {
        v: { t: 'tuple', items: e.args.map((a) => this.eval(a)), list: false },
        at: e.args[0] ?? e,
      });
    } else {
      if (e.args.length > positional) {
        this.error(
          `${fname}() takes at most ${positional} positional arguments but ${e.args.length} were given`,
          e.args[positional],
        );
      }
      e.args.forEach((a, i) => out.set(names[i], { v: this.eval(a), at: a }));
    }
    for (const k of e.keywords) {
      if (!names.includes(k.arg)) this.error(`${fname}() got an unexpected keyword argument '${k.arg}'`, k);
      if (out.has(k.arg)) this.error(`${fname}() got multiple values for argument '${k.arg}'`, k);
      out.set(k.arg, { v: this.eval(k.value), at: k.value });
    }
    for (let i = 0; i < (opts.required ?? 0); i++) {
      if (!out.has(names[i])) this.error(`${fname}() missing required argument: '${names[i]}'`, e);
    }
    return out;
  }

  private callMethod(a: NDArray, name: string, e: Extract<Expr, { kind: 'Call' }>): Val {
    switch (name) {
      case 'transpose': {
        // a.transpose(), a.transpose(None), a.transpose(1, 0, 2), a.transpose((1, 0, 2))
        const args = this.bind(e, 'transpose', ['axes'], { varargs: 'axes' });
        const v = args.get('axes')!.v as Extract<Val, { t: 'tuple' }>;
        if (e.keywords.length) this.error('transpose() takes no keyword arguments', e.keywords[0]);
        if (v.items.length === 0 || (v.items.length === 1 && v.items[0].t === 'none'))
          return { t: 'array', a: a.transpose() };
        const axes = v.items.length === 1 && v.items[0].t === 'tuple' ? v.items[0] : v;
        return { t: 'array', a: a.transpose(this.toInts(axes, e.args[0] ?? e, 'axes')) };
      }
      case 'reshape': {
        // a.reshape(4, 6), a.reshape((4, 6), order='F'), a.reshape(shape=(4, 6)), copy=False
        const extra = new Map<string, Keyword>();
        for (const k of e.keywords) {
          if (!['order', 'copy', 'shape'].includes(k.arg))
            this.error(`reshape() got an unexpected keyword argument '${k.arg}'`, k);
          extra.set(k.arg, k);
        }
        let shapeVal: Val;
        let shapeAt: At = e;
        if (extra.has('shape')) {
          if (e.args.length) this.error('reshape() got multiple values for argument shape', extra.get('shape')!);
          shapeVal = this.eval(extra.get('shape')!.value);
          shapeAt = extra.get('shape')!.value;
        } else {
          if (e.args.length === 0) this.error("reshape() missing required argument 'shape'", e);
          const vals = e.args.map((x) => this.eval(x));
          shapeVal = vals.length === 1 ? vals[0] : { t: 'tuple', items: vals, list: false };
          shapeAt = e.args[0];
        }
        let order: 'C' | 'F' = 'C';
        if (extra.has('order')) {
          const o = this.eval(extra.get('order')!.value);
          if (o.t !== 'str' || !['C', 'F', 'A'].includes(o.v))
            this.error("order must be one of 'C', 'F', 'A'", extra.get('order')!.value);
          if (o.v === 'A') {
            const fl = a.flags;
            order = fl.F_CONTIGUOUS && !fl.C_CONTIGUOUS ? 'F' : 'C';
          } else order = o.v as 'C' | 'F';
        }
        if (extra.has('copy')) {
          const c = this.eval(extra.get('copy')!.value);
          if (c.t === 'bool' && c.v)
            this.error('reshape(copy=True) makes a copy, not a view', extra.get('copy')!.value);
        }
        return { t: 'array', a: a.reshape(this.toInts(shapeVal, shapeAt, 'shape'), order) };
      }
      case 'view': {
        const args = this.bind(e, 'view', ['dtype', 'type']);
        const d = args.get('dtype');
        if (args.has('type')) this.error('view(type=...) is not supported', args.get('type')!.at);
        if (!d || d.v.t === 'none') return { t: 'array', a: a.view(a.dtype) };
        return { t: 'array', a: a.view(this.toDType(d.v, d.at)) };
      }
      case 'copy': {
        const args = this.bind(e, 'copy', ['order']);
        const o = args.get('order');
        if (o && !(o.v.t === 'str' && o.v.v === 'C')) this.error("only copy() / copy(order='C') is supported", o.at);
        const limit = this.options.maxCopyBytes;
        if (limit !== undefined && a.nbytes > limit) {
          this.error(`copy() of ${a.nbytes} bytes is over the ${limit}-byte limit for a view expression here`, e);
        }
        return { t: 'array', a: this.options.copy ? this.options.copy(a) : a.copy() };
      }
    }
    return this.error(`method '${name}' is not supported`, e);
  }

  private callFunc(name: string, e: Extract<Expr, { kind: 'Call' }>): Val {
    const array = (p: { v: Val; at: At } | undefined, what: string): NDArray => {
      if (!p) return this.error(`${name}() missing required argument: '${what}'`, e);
      if (p.v.t !== 'array') return this.error(`${what} must be an array, got a ${kindName(p.v)}`, p.at);
      return p.v.a;
    };
    const isNone = (p: { v: Val } | undefined) => !p || p.v.t === 'none';
    const falsy = (p: { v: Val } | undefined, dflt: boolean) => (p ? p.v.t === 'bool' && p.v.v : dflt);
    switch (name) {
      case 'as_strided': {
        const args = this.bind(e, name, ['x', 'shape', 'strides', 'subok', 'writeable'], { required: 1 });
        const x = array(args.get('x'), 'x');
        const shape = isNone(args.get('shape'))
          ? x.shape
          : this.toInts(args.get('shape')!.v, args.get('shape')!.at, 'shape');
        const strides = isNone(args.get('strides'))
          ? undefined
          : this.toInts(args.get('strides')!.v, args.get('strides')!.at, 'strides');
        const out = NDArray.asStrided(x, shape, strides);
        return { t: 'array', a: falsy(args.get('writeable'), true) ? out : readOnly(out) };
      }
      case 'sliding_window_view': {
        const args = this.bind(e, name, ['x', 'window_shape', 'axis', 'subok', 'writeable'], {
          required: 2,
          kwOnlyFrom: 3,
        });
        const x = array(args.get('x'), 'x');
        const w = args.get('window_shape')!;
        const windowShape =
          w.v.t === 'tuple' ? this.toInts(w.v, w.at, 'window_shape') : this.toInt(w.v, w.at, 'window_shape');
        const ax = args.get('axis');
        const axis = isNone(ax)
          ? null
          : ax!.v.t === 'tuple'
            ? this.toInts(ax!.v, ax!.at, 'axis')
            : this.toInt(ax!.v, ax!.at, 'axis');
        if (falsy(args.get('writeable'), false))
          this.error('sliding_window_view(writeable=True) is not supported', args.get('writeable')!.at);
        return { t: 'array', a: NDArray.slidingWindowView(x, windowShape, axis) };
      }
      case 'broadcast_to': {
        const args = this.bind(e, name, ['array', 'shape', 'subok'], { required: 2 });
        const x = array(args.get('array'), 'array');
        const s = args.get('shape')!;
        return { t: 'array', a: NDArray.broadcastTo(x, this.toInts(s.v, s.at, 'shape')) };
      }
      case 'ndarray': {
        const args = this.bind(e, name, ['shape', 'dtype', 'buffer', 'offset', 'strides', 'order'], { required: 1 });
        const s = args.get('shape')!;
        const shape = this.toInts(s.v, s.at, 'shape');
        const dt = isNone(args.get('dtype'))
          ? DType.parse('<f8')
          : this.toDType(args.get('dtype')!.v, args.get('dtype')!.at);
        if (isNone(args.get('buffer'))) {
          return this.error(
            'np.ndarray(...) without buffer= allocates new memory; only views of a buffer are supported',
            e,
          );
        }
        const buffer = array(args.get('buffer'), 'buffer');
        const offset = args.has('offset') ? this.toInt(args.get('offset')!.v, args.get('offset')!.at, 'offset') : 0;
        let strides = isNone(args.get('strides'))
          ? null
          : this.toInts(args.get('strides')!.v, args.get('strides')!.at, 'strides');
        const order = args.get('order');
        if (order && !isNone(order)) {
          if (order.v.t !== 'str' || !['C', 'F'].includes(order.v.v)) this.error("order must be 'C' or 'F'", order.at);
          if (order.v.v === 'F' && strides === null) {
            if (shapeSize(shape) * dt.itemsize + offset > buffer.nbytes) {
              return { t: 'array', a: NDArray.fromBuffer(buffer, dt, shape, offset, null) }; // NumPy's "too small" error
            }
            strides = fStrides(shape, dt.itemsize);
          }
        }
        return { t: 'array', a: NDArray.fromBuffer(buffer, dt, shape, offset, strides) };
      }
      case 'dtype': {
        const args = this.bind(e, name, ['dtype'], { required: 1 });
        return { t: 'dtype', d: this.toDType(args.get('dtype')!.v, args.get('dtype')!.at) };
      }
    }
    return this.error(`'${name}' is not supported`, e);
  }
}

/** The same view with WRITEABLE cleared (as_strided(..., writeable=False)). */
function readOnly(a: NDArray): NDArray {
  return new NDArray({
    memory: a.memory,
    dtype: a.dtype,
    shape: a.shape,
    strides: a.strides.length ? a.strides : cStrides(a.shape, a.itemsize),
    offset: a.offset,
    base: a.base,
    writeable: false,
    ownsData: false,
    label: a.label,
    mayExceedMemory: a.mayExceedMemory,
  });
}

function kindName(v: Val): string {
  switch (v.t) {
    case 'array':
      return 'array';
    case 'num':
      return Number.isInteger(v.v) ? 'int' : 'float';
    case 'str':
      return 'str';
    case 'none':
      return 'None';
    case 'bool':
      return 'bool';
    case 'ellipsis':
      return 'ellipsis';
    case 'tuple':
      return v.list ? 'list' : 'tuple';
    case 'module':
      return `module (${v.path})`;
    case 'func':
      return `function (${v.name})`;
    case 'method':
      return `method (${v.name})`;
    case 'dtype':
      return 'dtype';
  }
}

/**
 * Evaluate a view expression over named arrays (`np`/`numpy` is NumPy). Returns the view as an NDArray;
 * ExpressionError for what is not a view expression, LayoutError for views NumPy would refuse.
 */
export function evaluateViewExpr(src: string, names: Record<string, NDArray>, options: ViewExprOptions = {}): NDArray {
  const ast = parseViewExpr(src);
  const ev = new Evaluator(names, /\r|\n/.test(src), options);
  const v = ev.eval(ast);
  if (v.t !== 'array') return ev.error(`the expression is a ${kindName(v)}, not an array`, ast);
  return v.a;
}
