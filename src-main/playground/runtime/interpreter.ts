/**
 * The playground's evaluator: runs the parsed Python subset on the core model, the way CPython's interactive
 * interpreter runs lines typed at `>>>`.
 *
 * Lifetimes are CPython's reference counting, through core/lifetime's registry:
 *  - every name binding is a holder that retains its object; rebinding or `del` drops it;
 *  - every object produced while a statement runs is retained by that statement's holder, which is dropped when
 *    the statement ends — so a temporary's last reference goes at the end of its statement, as in CPython;
 *  - the REPL's `_` keeps the last printed result, as CPython's does.
 * Thus `p = (a+b).ctypes.data` frees `a+b` at the end of the statement (p is a bare int), while
 * `c = a+b` and `ct = (a+b).ctypes` keep it; a later read through `ctypes.cast(p, ...)` is refused with a
 * LifetimeError naming the temporary and the statement that freed it. `del m` on a memmap unmaps the file.
 *
 * Output is what the REPL prints: the repr of each expression statement's value (nothing for None or
 * assignments), warnings as `<stdin>:1: RuntimeWarning: ...`, and tracebacks for errors, after which the next
 * input runs.
 */
import { binaryOperator, compareOperator, unaryOperator } from './operators';
import { type DataModelName, type DataModel, dataModel, type ModelSpec } from '../../core/ctypeModel';
import { LifetimeRegistry } from '../../core/lifetime';
import { type AllocationBudget, type Memory, withAllocationBudget } from '../../core/memory';
import type { NDArray } from '../../core/ndarray';
import type { Mapper } from '../../formats/npy';
import type { RawFileSystem } from '../../formats/rawMemmap';
import { assignInto, NpScalar, PyArray } from '../numpy/arrays';
import { nameError, PyException, PySyntaxError, toPyException, typeError, valueError } from './errors';
import { numpyModule } from '../numpy/modules';
import { ctypesModule } from '../ctypes/ctypesModule';
import { type BinOp } from '../numpy/binop';
import { ufuncName } from '../numpy/ufuncTable';
import {
  type Ctx,
  Ellipsis,
  indexValue,
  type Kwargs,
  nodeOf,
  PyBuiltin,
  PyDict,
  PyList,
  PyModule,
  PyObject,
  PySlice,
  PyTuple,
  type PyValue,
  repr,
  truthy,
  typeName,
} from './objects';
import type { Expr, Stmt } from '../language/ast';
import { isIncomplete, parse } from '../language/parser';
import { splitInputs } from '../language/tokenizer';
import type { FilePolicy } from './files';
import { installBuiltins } from './builtins';
import type { WorkLimit } from './workLimit';

export interface PlaygroundOptions {
  /** Data model: LP64 (Linux/macOS, default), LLP64 (64-bit Windows), ILP32 (32-bit Windows). */
  model?: ModelSpec;
  /** Maps files for np.load(mmap_mode=...), np.memmap and (copying) np.load: platform/mappedMemory's mapFile. */
  mapper?: Mapper;
  fs?: RawFileSystem;
  /** Directory relative file names resolve against. */
  cwd?: string;
  /** Which files may be read and written (the app's console passes playground/runtime/files' sandboxFiles). */
  files?: FilePolicy;
  /** false: behave as NumPy does when the ctypes module is missing (the seed's "no ctypes" fallback). */
  ctypes?: boolean;
  /**
   * Charge every allocation and big temporary to this budget (core/memory): the app's console runs
   * statements the renderer sent, so a huge array or list is refused instead of exhausting the main process.
   */
  budget?: AllocationBudget;
  /** Stop an input after this much work with TimeoutError (the app's console: it runs on main; see workLimit.ts). */
  workLimit?: WorkLimit;
}

/** One statement's outcome, for the console pane and the tour. */
export interface StatementRecord {
  /** 1-based line of the statement in the script. */
  line: number;
  source: string;
  /** What the REPL printed for it (repr, warnings, traceback). */
  output: string;
  /** The Python exception (type and message) when it raised. */
  error: { type: string; message: string } | null;
  /** "User Beware!" notes from data_as pointers made by this statement (Python prints none of these). */
  notes: string[];
  /** The pointer reads C made in this statement (`.contents`, `p[i]`), first MAX_POINTER_READS. */
  pointerReads?: PlaygroundPointerRead[];
}

export interface PlaygroundPointerRead {
  memory: Memory;
  offset: number;
  length: number;
}

/** A loop of `p[i]` reads lights only its first few: the panes show a handful, not thousands. */
export const MAX_POINTER_READS = 16;

export interface RunResult {
  output: string;
  statements: StatementRecord[];
  /** Number of statements (or inputs) that raised. */
  errors: number;
}

interface Binding {
  value: PyValue;
  holder: object;
}

export class Playground implements Ctx {
  readonly model: DataModel;
  readonly modelName: DataModelName;
  readonly registry = new LifetimeRegistry();
  readonly mapper?: Mapper;
  readonly fs?: RawFileSystem;
  readonly cwd?: string;
  readonly files?: FilePolicy;
  readonly ctypesAvailable: boolean;
  readonly budget?: AllocationBudget;
  readonly workLimit?: WorkLimit;
  readonly caches = new Map<string, PyObject>();
  private readonly globals = new Map<string, Binding>();
  private readonly builtins = new Map<string, PyValue>();
  private readonly modules = new Map<string, PyModule>();
  private statementNo = 0;
  private stmtHolder: object = {};
  private kept = new Set<object>();
  private out: string[] = [];
  private warnedOnce = new Set<string>();
  private curLabel = '';
  private curLine = 1;
  private curAbsLine = 1;
  private curSource = '';
  private curStatementLabel = '';
  private bindHint: { node: Expr; name: string } | null = null;
  private currentNode: Expr | null = null;
  private notes: string[] = [];
  private pointerReads: PlaygroundPointerRead[] = [];

  constructor(opts: PlaygroundOptions = {}) {
    this.model = dataModel(opts.model ?? 'LP64');
    this.modelName = this.model.name;
    this.mapper = opts.mapper;
    this.fs = opts.fs;
    this.cwd = opts.cwd;
    this.files = opts.files;
    this.ctypesAvailable = opts.ctypes ?? true;
    this.budget = opts.budget;
    this.workLimit = opts.workLimit;
    installBuiltins(this.builtins, this, this.out);
  }

  /**
   * End of the session: free every allocation and unmap every file mapping it still holds (flushing writeable
   * mappings), so nothing outlives it. Idempotent; the session must not run anything afterwards.
   */
  dispose(where = 'when the console session ended'): void {
    for (const a of this.registry.allocations) {
      try {
        a.memory.release(where);
      } catch {
        // one failed unmap (a flush error) must not keep the others mapped
      }
    }
  }

  // ---------------------------------------------------------------- Ctx

  get label(): string {
    return this.curLabel;
  }
  get statementLabel(): string {
    return this.curStatementLabel;
  }

  notePointerRead(memory: Memory, offset: number, length: number): void {
    if (this.pointerReads.length < MAX_POINTER_READS) this.pointerReads.push({ memory, offset, length });
  }

  warn(category: string, message: string): void {
    const key = `${category}:${message}:${this.curLine}`;
    if (this.warnedOnce.has(key)) return;
    this.warnedOnce.add(key);
    this.out.push(`<stdin>:${this.curLine}: ${category}: ${message}\n`);
  }

  adopt(arr: NDArray, opts: { kind?: 'owned' | 'mapped' | 'temporary'; label?: string } = {}): void {
    if (!this.registry.allocation(arr.memory) && !arr.base) {
      const top = this.bindHint && this.currentNode === this.bindHint.node;
      const label = opts.label ?? (top ? this.bindHint!.name : this.curLabel);
      const kind = opts.kind ?? (top ? 'owned' : 'temporary');
      this.registry.track(arr.memory, { label, kind, origin: this.curStatementLabel });
    }
    this.registry.adopt(arr);
  }

  // ---------------------------------------------------------------- names

  /** The value bound to a name (globals, then builtins), or undefined. */
  lookup(name: string): PyValue | undefined {
    const b = this.globals.get(name);
    if (b) return b.value;
    return this.builtins.get(name);
  }

  /** Names bound at the top level (for the app's panes). */
  names(): Map<string, PyValue> {
    return new Map([...this.globals].map(([k, b]) => [k, b.value]));
  }

  /** Arrays bound to names, for the panes. */
  arrays(): Map<string, NDArray> {
    const out = new Map<string, NDArray>();
    for (const [k, b] of this.globals) if (b.value instanceof PyArray) out.set(k, b.value.arr);
    return out;
  }

  private bind(name: string, value: PyValue, where: string): void {
    if (value instanceof PyArray) this.adopt(value.arr);
    const holder = { label: name };
    const node = nodeOf(value);
    if (node) this.registry.retain(holder, node, { kind: 'name', label: name });
    else this.registry.label(holder, name);
    if (typeof value === 'bigint' && this.registry.provenance(value))
      this.registry.observe(holder, value, { label: name });
    const old = this.globals.get(name);
    this.globals.set(name, { value, holder });
    if (old) this.registry.drop(old.holder, where);
  }

  private unbind(name: string, where: string): void {
    const old = this.globals.get(name);
    if (!old) throw nameError(`name '${name}' is not defined`);
    this.globals.delete(name);
    this.registry.drop(old.holder, where);
  }

  /** Retain an evaluated object for the rest of the statement (the evaluation stack's reference). */
  private keep<T extends PyValue>(v: T): T {
    // a view holds its base (adopt registers that edge; new allocations are tracked under the current label)
    if (v instanceof PyArray) this.adopt(v.arr);
    const node = nodeOf(v);
    if (node && !this.kept.has(node)) {
      this.kept.add(node);
      if (this.registry.isAlive(node)) this.registry.retain(this.stmtHolder, node, { kind: 'temporary' });
    }
    return v;
  }

  // ---------------------------------------------------------------- running

  /** Run a script as if its lines were typed at `>>>`. */
  run(source: string): RunResult {
    const statements: StatementRecord[] = [];
    let errors = 0;
    const all: string[] = [];
    for (const input of splitInputs(source, isIncomplete)) {
      const r = this.runInput(input.text, input.line);
      for (const s of r.statements) {
        statements.push(s);
        if (s.error) errors++;
        all.push(s.output);
      }
    }
    return { output: all.join(''), statements, errors };
  }

  /** Run one interactive input (one line, or several joined by brackets). */
  runInput(text: string, firstLine = 1): RunResult {
    return withAllocationBudget(this.budget, () => this.runInputBudgeted(text, firstLine));
  }

  private runInputBudgeted(text: string, firstLine: number): RunResult {
    this.workLimit?.begin();
    this.curInputText = text;
    let stmts: Stmt[];
    try {
      stmts = parse(text);
    } catch (e) {
      if (!(e instanceof PySyntaxError)) throw e;
      const out = syntaxErrorText(e, text);
      return {
        output: out,
        statements: [
          {
            line: firstLine + e.line - 1,
            source: text,
            output: out,
            error: { type: e.pyType, message: e.pyMessage },
            notes: [],
          },
        ],
        errors: 1,
      };
    }
    const records: StatementRecord[] = [];
    for (const s of stmts) {
      const rec = this.execStatement(s, text, firstLine);
      records.push(rec);
      if (rec.error) break; // the rest of a `;` line does not run after an exception
    }
    return {
      output: records.map((r) => r.output).join(''),
      statements: records,
      errors: records.filter((r) => r.error).length,
    };
  }

  private execStatement(s: Stmt, text: string, firstLine: number): StatementRecord {
    this.statementNo++;
    const source = text.slice(s.start, s.end);
    const line = firstLine + s.line - 1;
    this.curLine = s.line;
    this.curAbsLine = line;
    this.curSource = source;
    this.curStatementLabel = `statement ${this.statementNo} (line ${line}: \`${oneLine(source)}\`)`;
    this.stmtHolder = { label: `statement ${this.statementNo}` };
    this.registry.label(this.stmtHolder, `statement ${this.statementNo} (evaluation)`);
    this.kept = new Set();
    this.out = [];
    this.notes = [];
    this.pointerReads = [];
    this.bindHint = null;
    let error: StatementRecord['error'] = null;
    const endWhere = `at the end of ${this.curStatementLabel}`;
    try {
      this.exec(s);
    } catch (e) {
      const pe = toPyException(e);
      if (pe instanceof PySyntaxError) {
        this.out.push(syntaxErrorText(pe, text));
        error = { type: pe.pyType, message: pe.pyMessage };
      } else {
        this.out.push(
          `Traceback (most recent call last):\n  File "<stdin>", line ${s.line}, in <module>\n${pe.lastLine}\n`,
        );
        error = { type: pe.pyType, message: pe.pyMessage };
      }
    } finally {
      this.registry.drop(this.stmtHolder, endWhere);
    }
    return {
      line,
      source,
      output: this.out.join(''),
      error,
      notes: this.notes,
      ...(this.pointerReads.length ? { pointerReads: this.pointerReads } : {}),
    };
  }

  private exec(s: Stmt): void {
    switch (s.kind) {
      case 'Pass':
        return;
      case 'Expr': {
        const v = this.eval(s.value);
        if (v !== null) {
          this.out.push(repr(v, this) + '\n');
          this.bindUnderscore(v);
        }
        return;
      }
      case 'Assign': {
        if (s.targets.length === 1 && s.targets[0].kind === 'Name')
          this.bindHint = { node: s.value, name: s.targets[0].id };
        const v = this.eval(s.value);
        this.bindHint = null;
        for (const t of s.targets) this.assign(t, v);
        return;
      }
      case 'AugAssign':
        return this.augAssign(s);
      case 'Delete':
        for (const t of s.targets) this.del(t);
        return;
      case 'Import':
        for (const a of s.names) {
          const top = a.name.split('.')[0];
          const mod = this.importModule(a.name);
          if (a.asname) this.bind(a.asname, mod, this.rebindWhere(a.asname));
          else this.bind(top, this.importModule(top), this.rebindWhere(top));
        }
        return;
      case 'ImportFrom': {
        const mod = this.importModule(s.module);
        for (const a of s.names) {
          if (a.name === '*') {
            const names =
              'publicNames' in mod
                ? (mod as unknown as { publicNames(): string[] }).publicNames()
                : [...mod.attrs.keys()];
            for (const n of names) if (!n.startsWith('_')) this.bind(n, mod.getattr(n, this), this.rebindWhere(n));
            continue;
          }
          let v: PyValue;
          try {
            v = mod.getattr(a.name, this);
          } catch {
            throw new PyException(
              'ImportError',
              `cannot import name '${a.name}' from '${s.module}' (${mod.file ?? 'built-in'})`,
            );
          }
          this.bind(a.asname ?? a.name, v, this.rebindWhere(a.asname ?? a.name));
        }
        return;
      }
    }
  }

  private rebindWhere(name: string): string {
    return `when \`${name}\` was rebound by ${this.curStatementLabel}`;
  }

  private bindUnderscore(v: PyValue): void {
    this.bind('_', v, `when \`_\` was replaced by the next result (${this.curStatementLabel})`);
  }

  private importModule(name: string): PyModule {
    const have = this.modules.get(name);
    if (have) return have;
    let mod: PyModule;
    switch (name) {
      case 'numpy':
        mod = numpyModule({ ctypesAvailable: this.ctypesAvailable });
        break;
      case 'numpy.ctypeslib':
        if (!this.ctypesAvailable) throw new PyException('ModuleNotFoundError', "No module named 'ctypes'");
        mod = this.importModule('numpy').getattr('ctypeslib', this) as PyModule;
        break;
      case 'numpy.lib':
        mod = this.importModule('numpy').getattr('lib', this) as PyModule;
        break;
      case 'numpy.lib.stride_tricks':
        mod = this.importModule('numpy.lib').getattr('stride_tricks', this) as PyModule;
        break;
      case 'ctypes':
        if (!this.ctypesAvailable) throw new PyException('ModuleNotFoundError', "No module named 'ctypes'");
        mod = ctypesModule();
        break;
      default:
        throw new PyException('ModuleNotFoundError', `No module named '${name}'`);
    }
    this.modules.set(name, mod);
    return mod;
  }

  private assign(t: Expr, v: PyValue): void {
    switch (t.kind) {
      case 'Name':
        this.bind(t.id, v, this.rebindWhere(t.id));
        return;
      case 'Attribute': {
        const obj = this.eval(t.value);
        if (!(obj instanceof PyObject))
          throw new PyException('AttributeError', `'${typeName(obj)}' object attribute '${t.attr}' is read-only`);
        obj.setattr(t.attr, v, this);
        return;
      }
      case 'Subscript': {
        const obj = this.eval(t.value);
        const key = this.evalIndex(t.index);
        if (!(obj instanceof PyObject)) throw typeError(`'${typeName(obj)}' object does not support item assignment`);
        obj.setitem(key, v, this);
        return;
      }
      case 'Tuple':
      case 'List': {
        const items = this.iterate(v);
        if (items.length !== t.elts.length) {
          if (items.length > t.elts.length) throw valueError(`too many values to unpack (expected ${t.elts.length})`);
          throw valueError(`not enough values to unpack (expected ${t.elts.length}, got ${items.length})`);
        }
        t.elts.forEach((e, i) => this.assign(e, items[i]));
        return;
      }
      default:
        throw new PySyntaxError('cannot assign to expression', t.line, t.column);
    }
  }

  private augAssign(s: Extract<Stmt, { kind: 'AugAssign' }>): void {
    const cur = this.eval(s.target);
    const rhs = this.eval(s.value);
    if (cur instanceof PyArray) {
      const res = binaryOperator(s.op as BinOp, cur, rhs, this);
      const r = res instanceof PyArray ? res.arr : res instanceof NpScalar ? res.toArray() : null;
      if (!r) throw typeError('unsupported in-place operation');
      const from = r.dtype;
      const to = cur.arr.dtype;
      const kindRank: Record<string, number> = { b: 0, u: 1, i: 2, f: 3, c: 4 };
      if ((kindRank[from.kind] ?? 9) > (kindRank[to.kind] ?? 9) && !(from.kind === 'u' && to.kind === 'i')) {
        const dn = (d: typeof from) => (d.kind === 'b' ? 'bool' : d.name);
        throw new PyException(
          'numpy._core._exceptions._UFuncOutputCastingError',
          `Cannot cast ufunc '${ufuncName(s.op) ?? s.op}' output from dtype('${dn(from)}') to dtype('${dn(to)}') with casting rule 'same_kind'`,
        );
      }
      assignInto(cur.arr, res, this);
      return;
    }
    this.assign(s.target, binaryOperator(s.op as BinOp, cur, rhs, this));
  }

  private del(t: Expr): void {
    switch (t.kind) {
      case 'Name':
        this.unbind(t.id, `by \`${oneLine(this.curSource)}\` (statement ${this.statementNo}, line ${this.curAbsLine})`);
        return;
      case 'Tuple':
      case 'List':
        for (const e of t.elts) this.del(e);
        return;
      case 'Subscript': {
        const obj = this.eval(t.value);
        if (obj instanceof PyArray) throw valueError('cannot delete array elements');
        if (obj instanceof PyList) {
          const i = indexValue(this.evalIndex(t.index), 'list');
          const j = i < 0 ? i + obj.items.length : i;
          if (j < 0 || j >= obj.items.length) throw new PyException('IndexError', 'list assignment index out of range');
          obj.items.splice(j, 1);
          return;
        }
        throw typeError(`'${typeName(obj)}' object doesn't support item deletion`);
      }
      default:
        throw new PyException('AttributeError', 'the playground cannot delete attributes');
    }
  }

  // ---------------------------------------------------------------- expressions

  private srcOf(e: Expr): string {
    return this.curInputText.slice(e.start, e.end);
  }
  private curInputText = '';

  eval(e: Expr): PyValue {
    this.workLimit?.check();
    const saved = this.currentNode;
    this.currentNode = e;
    try {
      return this.keep(this.evalNode(e));
    } finally {
      this.currentNode = saved;
    }
  }

  private withLabel<T>(e: Expr, f: () => T): T {
    const saved = this.curLabel;
    const savedNode = this.currentNode;
    this.curLabel = this.srcOf(e);
    this.currentNode = e;
    try {
      return f();
    } finally {
      this.curLabel = saved;
      this.currentNode = savedNode;
    }
  }

  private evalNode(e: Expr): PyValue {
    switch (e.kind) {
      case 'Name': {
        const v = this.lookup(e.id);
        if (v === undefined) throw nameError(`name '${e.id}' is not defined`);
        return v;
      }
      case 'Int':
        return e.value;
      case 'Float':
        return e.value;
      case 'Imag':
        throw new PyException('NotImplementedError', 'complex numbers are not supported in the Stridescope playground');
      case 'Str':
        return e.value;
      case 'Bytes':
        return e.value;
      case 'Const':
        return e.value;
      case 'Ellipsis':
        return Ellipsis;
      case 'Tuple':
        return this.container(new PyTuple(this.evalItems(e.elts)));
      case 'List':
        return this.container(new PyList(this.evalItems(e.elts)));
      case 'Dict':
        return this.container(
          new PyDict(e.keys.map((k, i) => [this.eval(k), this.eval(e.values[i])] as [PyValue, PyValue])),
        );
      case 'Starred':
        throw new PySyntaxError("can't use starred expression here", e.line, e.column);
      case 'Slice':
        return new PySlice(
          e.lower ? this.eval(e.lower) : null,
          e.upper ? this.eval(e.upper) : null,
          e.step ? this.eval(e.step) : null,
        );
      case 'UnaryOp': {
        const v = this.eval(e.operand);
        return this.withLabel(e, () => unaryOperator(e.op, v, this));
      }
      case 'BinOp': {
        const l = this.eval(e.left);
        const r = this.eval(e.right);
        return this.withLabel(e, () => binaryOperator(e.op as BinOp, l, r, this));
      }
      case 'BoolOp': {
        let v: PyValue = null;
        for (const x of e.values) {
          v = this.eval(x);
          if (e.op === 'and' ? !truthy(v, this) : truthy(v, this)) return v;
        }
        return v;
      }
      case 'Compare': {
        let left = this.eval(e.left);
        let result: PyValue = true;
        for (let i = 0; i < e.ops.length; i++) {
          const right = this.eval(e.comparators[i]);
          result = this.withLabel(e, () => compareOperator(e.ops[i], left, right, this));
          if (i < e.ops.length - 1 && !truthy(result, this)) return result;
          left = right;
        }
        return result;
      }
      case 'Attribute': {
        const obj = this.eval(e.value);
        return this.withLabel(e, () => this.getattr(obj, e.attr));
      }
      case 'Subscript': {
        const obj = this.eval(e.value);
        const key = this.evalIndex(e.index);
        return this.withLabel(e, () => {
          if (obj instanceof PyObject) return obj.getitem(key, this);
          return this.primitiveGetItem(obj, key);
        });
      }
      case 'Call': {
        const f = this.eval(e.func);
        const args: PyValue[] = [];
        for (const a of e.args) {
          if (a.kind === 'Starred') args.push(...this.iterate(this.eval(a.value)));
          else args.push(this.eval(a));
        }
        const kwargs: Kwargs = new Map();
        for (const k of e.keywords) {
          const v = this.eval(k.value);
          if (k.arg === null) {
            if (!(v instanceof PyDict)) throw typeError(`argument after ** must be a mapping, not ${typeName(v)}`);
            for (const [kk, vv] of v.entries) kwargs.set(String(kk), vv);
          } else kwargs.set(k.arg, v);
        }
        return this.withLabel(e, () => {
          if (!(f instanceof PyObject)) throw typeError(`'${typeName(f)}' object is not callable`);
          return f.call(args, kwargs, this);
        });
      }
    }
  }

  private evalItems(elts: Expr[]): PyValue[] {
    const out: PyValue[] = [];
    for (const x of elts) {
      if (x.kind === 'Starred') out.push(...this.iterate(this.eval(x.value)));
      else out.push(this.eval(x));
    }
    return out;
  }

  /** A container literal holds its items (registered so the items live as long as it does). */
  private container<T extends PyTuple | PyList | PyDict>(c: T): T {
    const vals = c instanceof PyDict ? c.entries.flatMap(([k, v]) => [k, v]) : c.items;
    for (const v of vals) {
      const n = nodeOf(v);
      if (n) this.registry.retain(c, n, { kind: 'view', label: c.typeName });
    }
    return c;
  }

  private evalIndex(e: Expr): PyValue {
    if (e.kind === 'Slice') {
      return new PySlice(
        e.lower ? this.eval(e.lower) : null,
        e.upper ? this.eval(e.upper) : null,
        e.step ? this.eval(e.step) : null,
      );
    }
    if (e.kind === 'Tuple') return new PyTuple(e.elts.map((x) => this.evalIndex(x)));
    return this.eval(e);
  }

  iterate(v: PyValue): PyValue[] {
    if (typeof v === 'string') return [...v];
    if (v instanceof Uint8Array) return Array.from(v, (b) => BigInt(b));
    if (v instanceof PyObject) {
      const items = v.iter(this);
      if (items) return items;
    }
    throw typeError(`'${typeName(v)}' object is not iterable`);
  }

  private getattr(obj: PyValue, name: string): PyValue {
    if (obj instanceof PyObject) return obj.getattr(name, this);
    if (typeof obj === 'bigint' || typeof obj === 'boolean') {
      if (name === 'bit_length')
        return new PyBuiltin('bit_length', () =>
          BigInt(
            (typeof obj === 'bigint' ? (obj < 0n ? -obj : obj) : obj ? 1n : 0n).toString(2).replace(/^0$/, '').length,
          ),
        );
      if (name === 'real') return obj;
    }
    if (typeof obj === 'number') {
      if (name === 'real') return obj;
      if (name === 'is_integer') return new PyBuiltin('is_integer', () => Number.isInteger(obj));
    }
    if (obj instanceof Uint8Array && name === 'hex') {
      return new PyBuiltin('hex', () => Array.from(obj, (b) => b.toString(16).padStart(2, '0')).join(''));
    }
    throw new PyException('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`);
  }

  private primitiveGetItem(obj: PyValue, key: PyValue): PyValue {
    if (typeof obj === 'string' || obj instanceof Uint8Array) {
      const items: PyValue[] = typeof obj === 'string' ? [...obj] : Array.from(obj, (b) => BigInt(b));
      const t = new PyTuple(items).getitem(key, this);
      if (t instanceof PyTuple)
        return typeof obj === 'string' ? t.items.join('') : Uint8Array.from(t.items.map((x) => Number(x)));
      return t;
    }
    throw typeError(`'${typeName(obj)}' object is not subscriptable`);
  }

  /** The current data model's name ('LP64' ...). */
  get modelLabel(): string {
    return this.modelName;
  }

  /** For the app's lifetime pane. */
  snapshot(): ReturnType<LifetimeRegistry['snapshot']> {
    return this.registry.snapshot();
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}

/** The REPL's report of a SyntaxError: the line, a caret under the column, the message. */
export function syntaxErrorText(e: PySyntaxError, text: string): string {
  const lines = text.split('\n');
  const src = lines[e.line - 1] ?? '';
  const stripped = src.replace(/^[ \t\f]+/, '');
  const lead = src.length - stripped.length;
  const col = Math.max(1, (e.column ?? 1) - lead);
  const body = stripped.replace(/\s+$/, '');
  const caret = e.atEnd || e.pyType === 'IndentationError' ? '' : `    ${' '.repeat(col - 1)}^\n`;
  return `  File "<stdin>", line ${e.line}\n    ${body}\n${caret}${e.pyType}: ${e.pyMessage}\n`;
}
