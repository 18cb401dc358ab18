/**
 * NumPy objects in the playground: `PyArray` (ndarray / memmap over a core NDArray), NumPy scalars, dtypes,
 * scalar types (`np.int32`), `arr.flags` and `arr.ctypes` (NumPy's `_ctypes`, over core's CtypesView).
 *
 * Views (indexing, .T, transpose, reshape, view) are core NDArray views over the same Memory; everything that
 * computes (astype, copy, byteswap, sum, arithmetic) allocates new memory, as NumPy does. A memmap's views stay
 * `memmap` (NumPy's __array_finalize__), ufunc results are plain arrays (memmap.__array_wrap__).
 */
import { PyNpCtypes, PyNpCtypesMissing } from './arrayCtypes';
import { PyFlags } from './flags';
import { type Descr, type DescrField, DType, type Value } from '../../core/dtype';
import { LayoutError } from '../../core/errors';
import { fStrides, isCContiguous, walkOffsets } from '../../core/layout';
import { NDArray, type Selector } from '../../core/ndarray';
import { pyTupleRepr } from '../../core/python/repr';
import { cToPy, PyCArray, PyCSimpleType } from '../ctypes/cobjects';
import { indexError, notImplemented, PyException, typeError, valueError } from '../runtime/errors';
import { REAL_DTYPE_NAMES, REAL_NDARRAY_NAMES } from './realNames';
import { astype, byteswap, cOrderBytesRaw, copyC } from './casting';
import { defaultIntDType, isIntKind, parseDTypeString, promoteTypes as promote } from './dtypes';
import { sum, sumDType } from './sum';
import { absolute, extreme, mean } from './reductions';
import { arrayFromNumbers, arrayFromBigInts } from './flat';
import { budgetItems, OwnedMemory } from '../../core/memory';
import {
  bindArgs,
  Ellipsis,
  indexValue,
  intSequence,
  PyBuiltin,
  PyDict,
  PyList,
  PyObject,
  PySlice,
  PyTuple,
  repr as pyRepr,
  truthy,
  typeName,
  type Ctx,
  type Kwargs,
  type PyValue,
} from '../runtime/objects';
import { arrayRepr, arrayStr, dtypeRepr, dtypeStr, scalarRepr, scalarStr } from './repr';

/** A decoded element as the Python value `.item()` gives. */
export function valueToPy(v: Value, d: DType): PyValue {
  if (typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'string' || v instanceof Uint8Array) return v;
  if (typeof v === 'number') return d.kind === 'f' ? v : BigInt(v);
  throw new PyException('NotImplementedError', `the playground has no Python value for ${d.name} elements`);
}

const wrappers = new WeakMap<NDArray, PyArray>();

export class PyArray extends PyObject {
  private constructor(
    readonly arr: NDArray,
    /** 'ndarray' or 'memmap' */
    readonly cls: 'ndarray' | 'memmap',
    /** np.memmap's `filename` / mode */
    readonly mmap: { filename: string; mode: string } | null,
  ) {
    super();
  }
  /** The one wrapper for an NDArray (so `a.base is a` holds). */
  static wrap(
    arr: NDArray,
    cls: 'ndarray' | 'memmap' = 'ndarray',
    mmap: { filename: string; mode: string } | null = null,
  ): PyArray {
    let w = wrappers.get(arr);
    if (!w) {
      w = new PyArray(arr, cls, mmap);
      wrappers.set(arr, w);
    }
    return w;
  }
  /** A new array handed to Python as a plain ndarray (`x.ctypes.shape` without the ctypes module: arrayCtypes.ts). */
  wrapNew(arr: NDArray): PyArray {
    return PyArray.wrap(arr);
  }
  /** A view of this array keeps the class (memmap views are memmaps). */
  private view(arr: NDArray): PyArray {
    return PyArray.wrap(arr, this.cls, this.cls === 'memmap' ? this.mmap : null);
  }
  /** A new allocation derived from this array (astype/copy keep a memmap's class, like NumPy's subok). */
  private derived(arr: NDArray, ctx: Ctx): PyArray {
    ctx.adopt(arr);
    return PyArray.wrap(arr, this.cls, null);
  }
  get typeName(): string {
    return this.cls === 'memmap' ? 'numpy.memmap' : 'numpy.ndarray';
  }
  override get node(): object | null {
    return this.arr;
  }
  override repr(ctx: Ctx): string {
    return arrayRepr(this.arr, this.cls === 'memmap' ? 'memmap' : 'array', ctx.modelName);
  }
  override str(): string {
    return arrayStr(this.arr);
  }
  override len(): number {
    if (this.arr.ndim === 0) throw typeError('len() of unsized object');
    return this.arr.shape[0];
  }
  override iter(ctx: Ctx): PyValue[] {
    if (this.arr.ndim === 0) throw typeError('iteration over a 0-d array');
    budgetItems(this.arr.shape[0], 'iterating over an array');
    return Array.from({ length: this.arr.shape[0] }, (_, i) => this.getitem(BigInt(i), ctx));
  }
  override truthy(): boolean {
    if (this.arr.size !== 1) {
      throw valueError('The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()');
    }
    const v = this.arr.get(new Array(this.arr.ndim).fill(0));
    return typeof v === 'object' ? true : Boolean(v);
  }

  // ---------------------------------------------------------------- indexing

  private selectors(key: PyValue): { sel: Selector[]; scalar: boolean } {
    const items = key instanceof PyTuple ? key.items : [key];
    const sel: Selector[] = [];
    let ints = 0;
    let other = false;
    for (const k of items) {
      if (k === null) {
        sel.push('newaxis');
        other = true;
      } else if (k === Ellipsis) {
        sel.push('ellipsis');
        other = true;
      } else if (k instanceof PySlice) {
        const n = (v: PyValue): number | null => (v === null ? null : indexValue(v, 'slice'));
        sel.push({ start: n(k.start), stop: n(k.stop), step: n(k.step) });
        other = true;
      } else if (typeof k === 'bigint' || (k instanceof NpScalar && isIntKind(k.dtype))) {
        sel.push(indexValue(k, 'array'));
        ints++;
      } else if (k instanceof PyArray || k instanceof PyList || typeof k === 'boolean') {
        throw new PyException(
          'NotImplementedError',
          'the playground does basic indexing only (integers, slices, ..., None): fancy and boolean indexing make copies, not views',
        );
      } else {
        throw indexError(
          'only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean arrays are valid indices',
        );
      }
    }
    return { sel, scalar: !other && ints === this.arr.ndim };
  }

  override getitem(key: PyValue, ctx: Ctx): PyValue {
    const { sel, scalar } = this.selectors(key);
    const v = this.arr.index(...sel);
    if (scalar) return new NpScalar(v.dtype, v.get([]), ctx);
    return this.view(v);
  }

  override setitem(key: PyValue, value: PyValue, ctx: Ctx): void {
    const { sel } = this.selectors(key);
    const target = this.arr.index(...sel);
    assignInto(target, value, ctx);
  }

  override abs(ctx: Ctx): PyValue {
    return this.derived(absolute(this.arr, ctx.label), ctx);
  }

  // ---------------------------------------------------------------- attributes

  override getattr(name: string, ctx: Ctx): PyValue {
    const a = this.arr;
    const tuple = (xs: number[]) => new PyTuple(xs.map((x) => BigInt(x)));
    switch (name) {
      case 'shape':
        return tuple(a.shape);
      case 'strides':
        return tuple(a.strides);
      case 'ndim':
        return BigInt(a.ndim);
      case 'size':
        return BigInt(a.size);
      case 'itemsize':
        return BigInt(a.itemsize);
      case 'nbytes':
        return BigInt(a.nbytes);
      case 'dtype':
        return new PyDType(a.dtype);
      case 'flags':
        return new PyFlags(a);
      case 'T':
        return this.view(a.T);
      case 'base':
        return a.base
          ? PyArray.wrap(a.base, this.cls === 'memmap' && a.base.memory.kind === 'mapped' ? 'memmap' : 'ndarray')
          : null;
      case 'ctypes':
        return ctx.ctypesAvailable ? new PyNpCtypes(this, ctx) : new PyNpCtypesMissing(this);
      case '__array_interface__':
        return this.arrayInterface(ctx);
      case 'filename':
        if (this.cls === 'memmap') return this.mmap?.filename ?? null;
        break;
      case 'mode':
        if (this.cls === 'memmap') return this.mmap?.mode ?? null;
        break;
    }
    const method = this.method(name);
    if (method) return new PyBuiltin(name, method, this);
    if (REAL_NDARRAY_NAMES.has(name)) throw notImplemented(`ndarray.${name}`);
    return super.getattr(name, ctx);
  }

  override setattr(name: string, value: PyValue, ctx: Ctx): void {
    if (REAL_NDARRAY_NAMES.has(name)) throw notImplemented(`assigning ndarray.${name} (use reshape / a view)`);
    super.setattr(name, value, ctx);
  }

  private arrayInterface(_ctx: Ctx): PyDict {
    const a = this.arr;
    const contiguous = isCContiguous(a.layout, a.itemsize);
    const t = (xs: number[]) => new PyTuple(xs.map((x) => BigInt(x)));
    return new PyDict([
      ['data', new PyTuple([a.address, !a.writeable])],
      ['strides', contiguous ? null : t(a.strides)],
      [
        'descr',
        new PyList(
          a.dtype.descr.map(
            (f) =>
              new PyTuple([
                typeof f[0] === 'string' ? f[0] : f[0][1],
                typeof f[1] === 'string' ? f[1] : JSON.stringify(f[1]),
              ]),
          ),
        ),
      ],
      ['typestr', a.dtype.str],
      ['shape', t(a.shape)],
      ['version', 3n],
    ]);
  }

  private method(name: string): ((args: PyValue[], kw: Kwargs, ctx: Ctx) => PyValue) | null {
    const a = this.arr;
    switch (name) {
      case 'transpose':
        return (args, kw, ctx) => {
          if (kw.size) throw typeError('transpose() takes no keyword arguments');
          if (args.length === 0 || (args.length === 1 && args[0] === null)) return this.view(a.transpose());
          const axes = args.length === 1 ? intSequence(args[0], 'axes', ctx) : args.map((x) => indexValue(x, 'axes'));
          return this.view(a.transpose(axes));
        };
      case 'reshape':
        return (args, kw, ctx) => {
          const b = bindArgs('reshape', [], [], kw, { kwOnly: ['order', 'shape', 'copy'] });
          const shapeArg = args.length === 1 ? args[0] : args.length ? new PyTuple(args) : b.shape;
          if (shapeArg === undefined) throw typeError("reshape() missing required argument 'shape' (pos 0)");
          const shape = intSequence(shapeArg, 'shape', ctx);
          const order = b.order === undefined || b.order === null ? 'C' : String(b.order);
          if (order !== 'C' && order !== 'F')
            throw valueError("order must be one of 'C', 'F', 'A', or 'K' (got '" + order + "')");
          try {
            return this.view(a.reshape(shape, order));
          } catch (e) {
            if (!(e instanceof LayoutError) || !/avoid creating a copy/.test(e.message)) throw e;
            // NumPy copies when no view can do it
            const c = this.derived(order === 'C' ? copyC(a, ctx.label) : copyInOrder(a, 'F', ctx.label), ctx);
            return PyArray.wrap(c.arr.reshape(shape, order), this.cls);
          }
        };
      case 'view':
        return (args, kw, ctx) => {
          const b = bindArgs('view', ['dtype', 'type'], args, kw);
          if (b.dtype === undefined || b.dtype === null) return this.view(a.index('ellipsis'));
          if (b.dtype instanceof PyArrayClass) {
            return PyArray.wrap(a.index('ellipsis'), b.dtype.cls);
          }
          return this.view(a.view(toDType(b.dtype, ctx)));
        };
      case 'astype':
        return (args, kw, ctx) => {
          const b = bindArgs('astype', ['dtype', 'order', 'casting', 'subok', 'copy'], args, kw, { required: 1 });
          const d = toDType(b.dtype!, ctx);
          if (b.copy === false && d.equals(a.dtype)) return this;
          return this.derived(astype(a, d, ctx.label), ctx);
        };
      case 'copy':
        return (args, kw, ctx) => {
          const b = bindArgs('copy', ['order'], args, kw);
          const order = b.order === undefined ? 'C' : String(b.order);
          return this.derived(order === 'F' ? copyInOrder(a, 'F', ctx.label) : copyC(a, ctx.label), ctx);
        };
      case 'byteswap':
        return (args, kw, ctx) => {
          const b = bindArgs('byteswap', ['inplace'], args, kw);
          if (b.inplace === true)
            throw new PyException('NotImplementedError', 'byteswap(inplace=True) is not supported in the playground');
          return this.derived(byteswap(a, ctx.label), ctx);
        };
      case 'tobytes':
        return (args, kw) => {
          const b = bindArgs('tobytes', ['order'], args, kw);
          const order = b.order === undefined || b.order === null ? 'C' : String(b.order);
          if (order !== 'C' && order !== 'F' && order !== 'A')
            throw valueError("order must be one of 'C', 'F', 'A', or 'K' (got '" + order + "')");
          return order === 'C' ? cOrderBytesRaw(a) : a.toBytes(order);
        };
      case 'sum':
        return (args, kw, ctx) => {
          const b = bindArgs('sum', ['axis', 'dtype', 'out', 'keepdims'], args, kw);
          const axis = b.axis === undefined || b.axis === null ? null : indexValue(b.axis, 'axis');
          const d =
            b.dtype === undefined || b.dtype === null ? sumDType(a.dtype, ctx.modelName) : toDType(b.dtype, ctx);
          if (b.out !== undefined && b.out !== null)
            throw new PyException(
              'NotImplementedError',
              "Stridescope's simulation does not implement ndarray.sum(out=...); live Python does",
            );
          let r = sum(a, axis, d, ctx.label);
          if (b.keepdims !== undefined && truthy(b.keepdims, ctx)) {
            const ax = axis === null ? null : axis < 0 ? axis + a.ndim : axis;
            r = r.reshape(a.shape.map((n, i) => (ax === null || i === ax ? 1 : n)));
          }
          if (r.ndim === 0) return new NpScalar(r.dtype, r.get([]), ctx);
          ctx.adopt(r);
          return PyArray.wrap(r);
        };
      case 'max':
      case 'min':
      case 'mean':
        return (args, kw, ctx) => {
          const b = bindArgs(name, ['axis', 'dtype', 'out', 'keepdims'], args, kw);
          for (const k of ['axis', 'dtype', 'out', 'keepdims'] as const) {
            if (b[k] !== undefined && b[k] !== null && b[k] !== false)
              throw new PyException(
                'NotImplementedError',
                `Stridescope's simulation does not implement ndarray.${name}(${k}=...); live Python does`,
              );
          }
          const r = name === 'mean' ? mean(a, ctx.label) : extreme(a, name as 'max' | 'min', ctx.label);
          return new NpScalar(r.dtype, r.get([]), ctx);
        };
      case 'item':
        return (args, _kw, ctx) => {
          if (args.length === 0) {
            if (a.size !== 1) throw valueError('can only convert an array of size 1 to a Python scalar');
            return valueToPy(a.get(new Array(a.ndim).fill(0)), a.dtype);
          }
          const idx =
            args.length === 1 && args[0] instanceof PyTuple
              ? intSequence(args[0], 'index', ctx)
              : args.map((x) => indexValue(x, 'index'));
          if (idx.length === 1 && a.ndim !== 1) {
            const flat = idx[0] < 0 ? idx[0] + a.size : idx[0];
            if (flat < 0 || flat >= a.size) throw indexError(`index ${idx[0]} is out of bounds for size ${a.size}`);
            const off = walkOffsets(a.layout, flat, 1)[0];
            return valueToPy(a.dtype.decode(a.memory.read(off, a.itemsize), 0), a.dtype);
          }
          return valueToPy(a.get(idx), a.dtype);
        };
      case 'tolist':
        return (_args, _kw, _ctx) => {
          budgetItems(a.size, 'tolist()');
          // the innermost axis in one read (a view per element made tolist() ~10 µs an item)
          const rec = (v: NDArray): PyValue =>
            v.ndim === 0
              ? valueToPy(v.get([]), v.dtype)
              : v.ndim === 1
                ? new PyList(v.values().map((x) => valueToPy(x, v.dtype)))
                : new PyList(Array.from({ length: v.shape[0] }, (_, i) => rec(v.index(i))));
          return rec(a);
        };
      case 'fill':
        return (args, kw, ctx) => {
          const b = bindArgs('fill', ['value'], args, kw, { required: 1 });
          assignInto(a, b.value!, ctx);
          return null;
        };
      case 'flush':
        if (this.cls !== 'memmap') return null;
        return () => null;
    }
    return null;
  }
}

/** A Fortran-ordered copy (the layout `a.copy(order='F')` gives). */
function copyInOrder(a: NDArray, _order: 'F', label: string): NDArray {
  const bytes = a.toBytes('F');
  return new NDArray({
    memory: new OwnedMemory(label, bytes),
    dtype: a.dtype,
    shape: a.shape.slice(),
    strides: a.size === 0 ? a.shape.map(() => 0) : fStrides(a.shape, a.itemsize),
    label,
  });
}

/** `target[...] = value`: broadcast the value to the target's shape, cast (unsafely, as setitem does), write. */
export function assignInto(target: NDArray, value: PyValue, ctx: Ctx): void {
  if (!target.writeable) throw valueError('assignment destination is read-only');
  let src: NDArray;
  if (value instanceof PyArray) src = value.arr;
  else if (value instanceof NpScalar) src = value.toArray();
  else src = arrayFromPy(value, target.dtype, ctx, 'value');
  if (src.dtype.kind === 'i' && target.dtype.kind === 'i' && !(value instanceof PyArray) && typeof value === 'bigint') {
    const bits = BigInt(target.dtype.itemsize * 8);
    if (value < -(1n << (bits - 1n)) || value >= 1n << (bits - 1n))
      throw new PyException('OverflowError', `Python integer ${value} out of bounds for ${target.dtype.name}`);
  }
  const b = NDArray.broadcastTo(src, target.shape);
  const cast = astype(b, target.dtype, 'assignment');
  const bytes = cOrderBytesRaw(cast);
  const n = target.size;
  const itemsize = target.itemsize;
  if (isCContiguous(target.layout, itemsize)) {
    target.memory.write(target.offset, bytes);
    return;
  }
  const offs = walkOffsets(target.layout, 0, n);
  for (let i = 0; i < n; i++) target.memory.write(offs[i], bytes.subarray(i * itemsize, (i + 1) * itemsize));
}

// ================================================================ building arrays from Python values

/** The shape and flat leaves of a nested list/tuple (NumPy's discovery), with its error for ragged input. */
function discover(v: PyValue, _ctx: Ctx): { shape: number[]; leaves: PyValue[] } {
  const seq = (x: PyValue): PyValue[] | null => {
    if (x instanceof PyList || x instanceof PyTuple) return x.items;
    if (x instanceof PyArray) {
      const a = x.arr;
      if (a.ndim === 0) return null;
      return Array.from({ length: a.shape[0] }, (_, i) => {
        const sub = a.index(i);
        return sub.ndim === 0 ? valueToPy(sub.get([]), a.dtype) : PyArray.wrap(sub);
      });
    }
    return null;
  };
  const shape: number[] = [];
  let level: PyValue[] = [v];
  for (;;) {
    const subs = level.map(seq);
    if (subs.every((s) => s === null)) break;
    const lens = subs.map((s) => (s === null ? -1 : s.length));
    if (lens.some((n) => n !== lens[0])) {
      throw valueError(
        `setting an array element with a sequence. The requested array has an inhomogeneous shape after ${shape.length} dimensions. The detected shape was ${pyTupleRepr(shape)} + inhomogeneous part.`,
      );
    }
    shape.push(lens[0]);
    level = subs.flatMap((s) => s!);
    if (lens[0] === 0) return { shape, leaves: [] };
  }
  return { shape, leaves: level };
}

/** The dtype NumPy infers from Python values: bool < int < float. */
function inferDType(leaves: PyValue[], ctx: Ctx): DType {
  let kind: 'b' | 'i' | 'f' = 'b';
  let npType: DType | null = null;
  // NumPy's discovery (numpy/_core/src/multiarray/abstractdtypes.c): ints fit int64, else uint64 when they are
  // all non-negative, else float64 when a negative one is there too; past uint64 it makes an object array
  let above = false;
  let negative = false;
  for (const x of leaves) {
    if (typeof x === 'boolean') continue;
    if (typeof x === 'bigint') {
      if (kind === 'b') kind = 'i';
      if (x > 18446744073709551615n || x < -9223372036854775808n) {
        throw new PyException(
          'NotImplementedError',
          `Stridescope's simulation does not make object arrays (NumPy holds ${x} as a Python object); live Python does`,
        );
      }
      if (x > 9223372036854775807n) above = true;
      if (x < 0n) negative = true;
    } else if (typeof x === 'number') kind = 'f';
    else if (x instanceof NpScalar) npType = npType ? promote(npType, x.dtype) : x.dtype;
    else if (typeof x === 'string' || x instanceof Uint8Array) {
      throw new PyException(
        'NotImplementedError',
        'the playground builds bool, integer and float arrays (not strings)',
      );
    } else
      throw new PyException('NotImplementedError', `the playground cannot build an array from ${typeName(x)} values`);
  }
  if (!leaves.length) return DType.parse('float64');
  if (kind === 'i' && above) kind = negative ? 'f' : 'i';
  const base =
    kind === 'b'
      ? DType.parse('bool')
      : kind === 'i'
        ? above
          ? DType.parse('uint64')
          : defaultIntDType(ctx.modelName)
        : DType.parse('float64');
  if (npType) return leaves.every((x) => x instanceof NpScalar) ? npType : promote(npType, base);
  return base;
}

/** `np.array(value, dtype)` for Python values (nested lists/tuples of numbers) and arrays. */
export function arrayFromPy(v: PyValue, dtype: DType | null, ctx: Ctx, label: string): NDArray {
  if (v instanceof PyArray) return dtype ? astype(v.arr, dtype, label) : copyC(v.arr, label);
  if (v instanceof NpScalar) return dtype ? astype(v.toArray(), dtype, label) : v.toArray();
  const { shape, leaves } = discover(v, ctx);
  const d = dtype ?? inferDType(leaves, ctx);
  if (
    d.kind === 'f' ||
    d.kind === 'b' ||
    !leaves.some((x) => typeof x === 'bigint' && (x > 2n ** 53n || x < -(2n ** 53n)))
  ) {
    const f = new Float64Array(leaves.length);
    leaves.forEach((x, i) => {
      f[i] = leafNumber(x, d);
    });
    if (isIntKind(d) && dtype) {
      // NumPy 2 refuses out-of-range Python ints for an explicit integer dtype
      const bits = BigInt(d.itemsize * 8);
      const [lo, hi] = d.kind === 'u' ? [0n, (1n << bits) - 1n] : [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
      for (const x of leaves)
        if (typeof x === 'bigint' && (x < lo || x > hi))
          throw new PyException('OverflowError', `Python integer ${x} out of bounds for ${d.name}`);
    }
    if (!d.isNative) return astype(arrayFromNumbers(d.newByteOrder('<'), shape, f, label), d, label);
    return arrayFromNumbers(d, shape, f, label);
  }
  return arrayFromBigInts(
    d,
    shape,
    leaves.map((x) => (typeof x === 'bigint' ? x : BigInt(Math.trunc(leafNumber(x, d))))),
    label,
  );
}

function leafNumber(x: PyValue, d: DType): number {
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x === 'bigint') return Number(x);
  if (typeof x === 'number') {
    if (isIntKind(d) && !Number.isFinite(x))
      throw valueError(
        `cannot convert float ${x === Infinity ? 'infinity' : x === -Infinity ? '-infinity' : 'NaN'} to integer`,
      );
    return x;
  }
  if (x instanceof NpScalar) return Number(x.value as number | bigint | boolean);
  throw typeError(`float() argument must be a string or a real number, not '${typeName(x)}'`);
}

/** Anything NumPy accepts as a dtype: np.int32, 'i4', np.dtype(...), int/float/bool, a ctypes type. */
export function toDType(v: PyValue, ctx: Ctx): DType {
  if (v instanceof PyDType) return v.dtype;
  if (v instanceof NpType) return v.dtype(ctx);
  if (typeof v === 'string') return parseDTypeString(v, ctx.modelName);
  if (v instanceof PyBuiltinType) return v.asDType(ctx);
  if (v instanceof PyCSimpleType) return dtypeOfCType(v, ctx);
  if (v === null) return DType.parse('float64');
  if (v instanceof PyDict) throw notImplemented('np.dtype({...}) (a dtype from a dict of names, formats and offsets)');
  if (
    v instanceof PyList &&
    v.items.every(
      (f) => f instanceof PyTuple && (f.items.length === 2 || f.items.length === 3) && typeof f.items[0] === 'string',
    )
  ) {
    // a structured dtype from (name, type[, shape]) fields, packed as np.dtype(list) packs them
    const descr: DescrField[] = v.items.map((f) => {
      const [name, type, shape] = (f as PyTuple).items;
      const t = toDType(type, ctx);
      const d = t.fields || t.subarray ? (t.descr as Descr) : t.str;
      return shape === undefined ? [name as string, d] : [name as string, d, intSequence(shape, 'shape', ctx)];
    });
    if (descr.some((f) => f[0] === ''))
      throw new PyException(
        'NotImplementedError',
        "Stridescope's simulation does not name unnamed fields (NumPy calls them f0, f1, ...); live Python does",
      );
    try {
      return DType.fromDescr(descr);
    } catch (e) {
      if (e instanceof PyException) throw e;
      throw valueError((e as Error).message);
    }
  }
  throw typeError(`Cannot interpret '${pyRepr(v, ctx)}' as a data type`);
}

/** The NumPy dtype of a ctypes simple type (np.dtype(ctypes.c_long)). */
export function dtypeOfCType(t: PyCSimpleType, _ctx: Ctx): DType {
  const c = t.ctype;
  switch (c.kind) {
    case 'bool':
      return DType.parse('bool');
    case 'char':
      return DType.parse('S1');
    case 'float':
      return DType.parse(`f${c.size}`);
    case 'pointer':
      return DType.parse(`u${c.size}`);
    default:
      return DType.parse(`${c.signed ? 'i' : 'u'}${c.size}`);
  }
}

// ================================================================ scalars, dtypes, types

export class NpScalar extends PyObject {
  constructor(
    readonly dtype: DType,
    readonly value: Value,
    _ctx?: Ctx,
  ) {
    super();
  }
  get typeName(): string {
    return `numpy.${this.dtype.kind === 'b' ? 'bool' : this.dtype.name}`;
  }
  override repr(): string {
    return scalarRepr(this.dtype, this.value);
  }
  override str(): string {
    return scalarStr(this.dtype, this.value);
  }
  asIndex(): number {
    if (!isIntKind(this.dtype)) throw typeError(`'${this.typeName}' object cannot be interpreted as an integer`);
    return Number(this.value);
  }
  asNumber(): number | bigint {
    if (isIntKind(this.dtype)) return BigInt(this.value as number | bigint);
    return Number(this.value);
  }
  /** A 0-d array holding the value (strongly typed operand for arithmetic). */
  toArray(): NDArray {
    const mem = new OwnedMemory(`np.${this.dtype.name}`, this.dtype.itemsize);
    const bytes = new Uint8Array(this.dtype.itemsize);
    this.dtype.encode(this.value, bytes, 0);
    mem.write(0, bytes);
    return new NDArray({ memory: mem, dtype: this.dtype, shape: [], label: this.repr() });
  }
  override truthy(): boolean {
    return typeof this.value === 'object' ? true : Boolean(this.value);
  }
  override getattr(name: string, ctx: Ctx): PyValue {
    switch (name) {
      case 'dtype':
        return new PyDType(this.dtype);
      case 'itemsize':
        return BigInt(this.dtype.itemsize);
      case 'item':
        return new PyBuiltin('item', () => valueToPy(this.value, this.dtype), this);
      case 'shape':
        return new PyTuple([]);
      case 'ndim':
        return 0n;
      case 'nbytes':
        return BigInt(this.dtype.itemsize);
      case 'tobytes':
        return new PyBuiltin(
          'tobytes',
          () => {
            const b = new Uint8Array(this.dtype.itemsize);
            this.dtype.encode(this.value, b, 0);
            return b;
          },
          this,
        );
    }
    return super.getattr(name, ctx);
  }
}

export class PyDType extends PyObject {
  constructor(readonly dtype: DType) {
    super();
  }
  get typeName(): string {
    return `numpy.dtypes.${dtypeClassName(this.dtype)}`;
  }
  override repr(): string {
    return dtypeRepr(this.dtype);
  }
  override str(): string {
    return dtypeStr(this.dtype);
  }
  override getattr(name: string, ctx: Ctx): PyValue {
    const d = this.dtype;
    switch (name) {
      case 'str':
        return d.str;
      case 'name':
        return d.name;
      case 'itemsize':
        return BigInt(d.itemsize);
      case 'alignment':
        return BigInt(d.alignment);
      case 'kind':
        return d.kind;
      case 'byteorder':
        return d.byteorder === '|' ? '|' : d.isNative ? '=' : d.byteorder;
      case 'char':
        return dtypeChar(d, ctx);
      case 'isnative':
        return d.isNative;
      case 'descr':
        return new PyList(
          d.descr.map(
            (f) =>
              new PyTuple([
                typeof f[0] === 'string' ? f[0] : f[0][1],
                typeof f[1] === 'string' ? f[1] : JSON.stringify(f[1]),
              ]),
          ),
        );
      case 'newbyteorder':
        return new PyBuiltin(
          'newbyteorder',
          (args) => {
            const o = args.length ? String(args[0]) : 'S';
            const map: Record<string, '<' | '>' | '|' | 'S'> = {
              S: 'S',
              s: 'S',
              '<': '<',
              '>': '>',
              '=': '<',
              '|': '|',
              little: '<',
              big: '>',
              L: '<',
              B: '>',
              l: '<',
              b: '>',
            };
            if (!Object.prototype.hasOwnProperty.call(map, o)) throw valueError(`${o} is an unrecognized byteorder`);
            return new PyDType(d.newByteOrder(map[o]));
          },
          this,
        );
      case 'type':
        return npTypeFor(d, ctx);
    }
    if (REAL_DTYPE_NAMES.has(name)) throw notImplemented(`dtype.${name}`);
    return super.getattr(name, ctx);
  }
}

function dtypeClassName(d: DType): string {
  const names: Record<string, string> = { b: 'BoolDType', f: 'Float', i: 'Int', u: 'UInt', c: 'Complex' };
  if (d.kind === 'b') return 'BoolDType';
  if (d.kind in names) return `${names[d.kind]}${d.itemsize * (d.kind === 'c' ? 4 : 8)}DType`;
  return 'VoidDType';
}

function dtypeChar(d: DType, ctx: Ctx): string {
  if (d.kind === 'b') return '?';
  if (d.kind === 'f') return d.itemsize === 2 ? 'e' : d.itemsize === 4 ? 'f' : d.itemsize === 8 ? 'd' : 'g';
  if (d.kind === 'i' || d.kind === 'u') {
    const longSize = ctx.modelName === 'LP64' ? 8 : 4;
    const c =
      d.itemsize === 1
        ? 'b'
        : d.itemsize === 2
          ? 'h'
          : d.itemsize === 4
            ? longSize === 4
              ? 'l'
              : 'i'
            : longSize === 8
              ? 'l'
              : 'q';
    return d.kind === 'u' ? c.toUpperCase() : c;
  }
  return d.kind;
}

/** A NumPy scalar type (`np.int32`, `np.float64`, `np.bool`): a class; calling it makes a scalar or an array. */
export class NpType extends PyObject {
  constructor(
    readonly name: string,
    readonly dtype: (ctx: Ctx) => DType,
  ) {
    super();
  }
  get typeName(): string {
    return 'type';
  }
  override repr(): string {
    return `<class 'numpy.${this.name}'>`;
  }
  override getattr(name: string, ctx: Ctx): PyValue {
    if (name === '__name__') return this.name;
    return super.getattr(name, ctx);
  }
  override call(args: PyValue[], _kwargs: Kwargs, ctx: Ctx): PyValue {
    const d = this.dtype(ctx);
    const v = args.length ? args[0] : 0n;
    if (v instanceof PyList || v instanceof PyTuple || v instanceof PyArray) {
      const arr = arrayFromPy(v, d, ctx, ctx.label);
      ctx.adopt(arr);
      return PyArray.wrap(arr);
    }
    const a = arrayFromPy(new PyList([v]), d, ctx, ctx.label);
    return new NpScalar(d, a.get([0]), ctx);
  }
}

/** `arr.dtype.type` / `np.dtype(x).type`. */
export function npTypeFor(d: DType, _ctx: Ctx): NpType {
  const name = d.kind === 'b' ? 'bool' : d.name;
  return new NpType(name, () => d);
}

/** Python's int, float, bool, complex used as dtypes (`np.zeros(3, dtype=int)`). */
export class PyBuiltinType extends PyObject {
  constructor(
    readonly name: 'int' | 'float' | 'bool' | 'str' | 'bytes' | 'list' | 'tuple' | 'complex',
    readonly fn: (args: PyValue[], kwargs: Kwargs, ctx: Ctx) => PyValue,
  ) {
    super();
  }
  get typeName(): string {
    return 'type';
  }
  override repr(): string {
    return `<class '${this.name}'>`;
  }
  override call(args: PyValue[], kwargs: Kwargs, ctx: Ctx): PyValue {
    return this.fn(args, kwargs, ctx);
  }
  asDType(ctx: Ctx): DType {
    switch (this.name) {
      case 'int':
        return defaultIntDType(ctx.modelName);
      case 'float':
        return DType.parse('float64');
      case 'bool':
        return DType.parse('bool');
      case 'complex':
        return DType.parse('complex128');
      default:
        throw typeError(`the playground does not make ${this.name} arrays`);
    }
  }
}

/** `np.ndarray` / `np.memmap` as classes (for `a.view(np.memmap)`, `type(a)`, repr). */
export class PyArrayClass extends PyObject {
  constructor(readonly cls: 'ndarray' | 'memmap') {
    super();
  }
  get typeName(): string {
    return 'type';
  }
  override repr(): string {
    return `<class 'numpy.${this.cls}'>`;
  }
}

export { cToPy, PyCArray };
