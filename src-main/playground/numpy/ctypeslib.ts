/**
 * `numpy.ctypeslib`: as_array, as_ctypes, as_ctypes_type, ndpointer — NumPy's bridge between arrays and ctypes
 * objects (numpy/ctypeslib/_ctypeslib.py), over the simulated ctypes of playground/ctypes.
 */
import { moduleFunction, newArray, shapeArg } from './callArgs';
import { DType } from '../../core/dtype';
import { NDArray } from '../../core/ndarray';
import { arrayFromPy, dtypeOfCType, PyArray, toDType } from './arrays';
import { PyNpCtypes } from './arrayCtypes';
import { arrayType, PyCArray, PyCArrayType, PyCData, PyCPointer, PyCSimpleType, simpleType } from '../ctypes/cobjects';
import { PyException, typeError, valueError } from '../runtime/errors';
import { isIntKind } from './dtypes';
import {
  bindArgs,
  indexValue,
  PyBuiltin,
  PyModule,
  PyObject,
  repr as pyRepr,
  type Ctx,
  type PyValue,
} from '../runtime/objects';
function ctypeForDType(d: DType, ctx: Ctx): PyCSimpleType {
  if (!d.isNative) throw new PyException('NotImplementedError', `Converting dtype('${d.str}') to a ctypes type`);
  if (d.kind === 'b') return simpleType('c_bool', ctx);
  if (d.kind === 'f') {
    if (d.itemsize === 4) return simpleType('c_float', ctx);
    if (d.itemsize === 8) return simpleType('c_double', ctx);
  }
  if (isIntKind(d)) {
    const cands =
      d.kind === 'i'
        ? ['c_byte', 'c_short', 'c_int', 'c_long', 'c_longlong']
        : ['c_ubyte', 'c_ushort', 'c_uint', 'c_ulong', 'c_ulonglong'];
    const hit = cands.filter((n) => ctx.model.type(n).size === d.itemsize).at(-1);
    if (hit) return simpleType(hit, ctx);
  }
  throw new PyException('NotImplementedError', `Converting dtype('${d.str}') to a ctypes type`);
}

export function ctypeslibModule(): PyModule {
  const attrs = new Map<string, PyValue | (() => PyValue)>();
  attrs.set(
    'as_array',
    moduleFunction('as_array', (args, kw, ctx) => {
      const b = bindArgs('as_array', ['obj', 'shape'], args, kw, { required: 1 });
      const obj = b.obj!;
      if (obj instanceof PyCPointer) {
        if (b.shape === undefined || b.shape === null)
          throw typeError('as_array() requires a shape argument when called on a pointer');
        const shape = shapeArg(b.shape, ctx);
        const d = dtypeOfCType(obj.ptype.target, ctx);
        const p = ctx.registry.provenance(obj.addressValue);
        if (!p) throw valueError(`${pyRepr(obj, ctx)} does not point into memory Stridescope knows about`);
        const nbytes = shape.reduce((x, y) => x * y, 1) * d.itemsize;
        ctx.registry.checkRead(p.allocation.memory, p.offset, nbytes, ctx.label);
        const arr = new NDArray({
          memory: p.allocation.memory,
          dtype: d,
          shape,
          offset: p.offset,
          ownsData: false,
          label: ctx.label,
        });
        ctx.registry.adopt(arr);
        ctx.registry.retain(arr, obj.core, { kind: 'pointer', label: ctx.label });
        return PyArray.wrap(arr);
      }
      if (obj instanceof PyCArray) {
        const shape: number[] = [];
        let t: PyCArrayType | PyCSimpleType = obj.atype;
        while (t instanceof PyCArrayType) {
          shape.push(t.length);
          t = t.element;
        }
        const d = dtypeOfCType(t, ctx);
        const arr = new NDArray({
          memory: obj.memory,
          dtype: d,
          shape,
          offset: obj.offset,
          ownsData: false,
          label: ctx.label,
        });
        ctx.registry.adopt(arr);
        ctx.registry.retain(arr, obj, { kind: 'pointer', label: ctx.label });
        return PyArray.wrap(arr);
      }
      if (obj instanceof PyArray) return obj;
      return newArray(arrayFromPy(obj, null, ctx, ctx.label), ctx);
    }),
  );
  attrs.set(
    'as_ctypes',
    moduleFunction('as_ctypes', (args, kw, ctx) => {
      const b = bindArgs('as_ctypes', ['obj'], args, kw, { required: 1 });
      const obj = b.obj!;
      if (!(obj instanceof PyArray)) throw typeError(`argument must be an ndarray`);
      const a = obj.arr;
      if (!a.flags.C_CONTIGUOUS) throw typeError('strided arrays not supported');
      if (!a.writeable) throw typeError('readonly arrays unsupported');
      let t: PyCSimpleType | PyCArrayType = ctypeForDType(a.dtype, ctx);
      for (let i = a.ndim - 1; i >= 0; i--) t = arrayType(t, a.shape[i], '', ctx);
      if (t instanceof PyCSimpleType) {
        return PyCData.viewOnto(t, a.memory, a.offset, a, ctx);
      }
      return PyCArray.over(t, a.memory, a.offset, a, ctx);
    }),
  );
  attrs.set(
    'as_ctypes_type',
    moduleFunction('as_ctypes_type', (args, kw, ctx) => {
      const b = bindArgs('as_ctypes_type', ['dtype'], args, kw, { required: 1 });
      return ctypeForDType(toDType(b.dtype!, ctx), ctx);
    }),
  );
  attrs.set(
    'ndpointer',
    moduleFunction('ndpointer', (args, kw, ctx) => {
      const b = bindArgs('ndpointer', ['dtype', 'ndim', 'shape', 'flags'], args, kw);
      const d = b.dtype === undefined || b.dtype === null ? null : toDType(b.dtype, ctx);
      const ndim = b.ndim === undefined || b.ndim === null ? null : indexValue(b.ndim, 'ndim');
      const shape = b.shape === undefined || b.shape === null ? null : shapeArg(b.shape, ctx);
      let flags: string[] | null = null;
      if (b.flags !== undefined && b.flags !== null) {
        const raw =
          typeof b.flags === 'string' ? b.flags.split(',') : ((b.flags as PyObject).iter(ctx)?.map(String) ?? []);
        const aliases: Record<string, string> = {
          C: 'C_CONTIGUOUS',
          CONTIGUOUS: 'C_CONTIGUOUS',
          F: 'F_CONTIGUOUS',
          FORTRAN: 'F_CONTIGUOUS',
          W: 'WRITEABLE',
          A: 'ALIGNED',
          O: 'OWNDATA',
        };
        const order = ['C_CONTIGUOUS', 'F_CONTIGUOUS', 'ALIGNED', 'WRITEABLE', 'OWNDATA', 'WRITEBACKIFCOPY'];
        const set = new Set(
          raw
            .map((x) => x.trim().toUpperCase())
            .map((x) => (Object.prototype.hasOwnProperty.call(aliases, x) ? aliases[x] : x)),
        );
        for (const f of set) if (!order.includes(f)) throw typeError('invalid flags specification');
        flags = order.filter((f) => set.has(f));
      }
      const key = `ndpointer:${d?.str ?? ''}:${ndim}:${shape?.join('x')}:${flags?.join(',')}`;
      let cls = ctx.caches.get(key);
      if (!cls) {
        cls = new PyNdpointerType(d, ndim, shape, flags);
        ctx.caches.set(key, cls);
      }
      return cls;
    }),
  );
  attrs.set('c_intp', (() => null) as never);
  const mod = new PyModule('numpy.ctypeslib', attrs, 'numpy/ctypeslib/__init__.py');
  return new CtypeslibModule(mod);
}

/** numpy.ctypeslib: its c_intp depends on the data model, so it is resolved per call. */
class CtypeslibModule extends PyModule {
  constructor(inner: PyModule) {
    super(inner.name, inner.attrs, inner.file);
  }
  override getattr(name: string, ctx: Ctx): PyValue {
    if (name === 'c_intp') return simpleType(ctx.model.intp.name, ctx);
    return super.getattr(name, ctx);
  }
}

/** `np.ctypeslib.ndpointer(...)`: a class whose from_param checks an array and returns its `.ctypes`. */
class PyNdpointerType extends PyObject {
  constructor(
    readonly dtype: DType | null,
    readonly ndim: number | null,
    readonly shape: number[] | null,
    readonly flags: string[] | null,
  ) {
    super();
  }
  get typeName(): string {
    return '_ctypes.PyCSimpleType';
  }
  get name(): string {
    let n = this.dtype ? this.dtype.str : 'any';
    if (this.ndim !== null) n += `_${this.ndim}d`;
    if (this.shape !== null) n += `_${this.shape.join('x')}`;
    if (this.flags !== null) n += `_${this.flags.join('_')}`;
    return `ndpointer_${n}`;
  }
  override repr(): string {
    return `<class 'numpy.ctypeslib._ctypeslib.${this.name}'>`;
  }
  override getattr(name: string, ctx: Ctx): PyValue {
    if (name === '__name__') return this.name;
    if (name === 'from_param') {
      return new PyBuiltin(
        'from_param',
        (args) => {
          const obj = args[0] ?? null;
          if (!(obj instanceof PyArray)) throw typeError('argument must be an ndarray');
          const a = obj.arr;
          if (this.dtype && !a.dtype.equals(this.dtype))
            throw typeError(`array must have data type ${dtypeName(this.dtype)}`);
          if (this.ndim !== null && a.ndim !== this.ndim) throw typeError(`array must have ${this.ndim} dimension(s)`);
          if (this.shape !== null && (a.ndim !== this.shape.length || a.shape.some((x, i) => x !== this.shape![i]))) {
            throw typeError(
              `array must have shape ${this.shape.length === 1 ? `(${this.shape[0]},)` : `(${this.shape.join(', ')})`}`,
            );
          }
          if (this.flags !== null) {
            const f = a.flags as unknown as Record<string, boolean>;
            if (!this.flags.every((k) => (k === 'WRITEBACKIFCOPY' ? false : f[k])))
              throw typeError(`array must have flags [${this.flags.map((x) => `'${x}'`).join(', ')}]`);
          }
          return new PyNpCtypes(obj, ctx);
        },
        this,
        'method',
      );
    }
    return super.getattr(name, ctx);
  }
}

function dtypeName(d: DType): string {
  return d.kind === 'b' ? 'bool' : d.isNative && 'iufc'.includes(d.kind) ? d.name : d.str;
}
