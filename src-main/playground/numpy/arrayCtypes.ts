/**
 * `x.ctypes`: NumPy's `_ctypes` object (numpy/_core/_internal.py), over core's CtypesView — data, shape, strides,
 * data_as, shape_as, strides_as, _as_parameter_ — and NumPy 2's `_missing_ctypes` fallback when the ctypes module is
 * missing. Each keeps its array alive, as NumPy's does.
 */
import { CtypesView } from '../../core/ctypes';
import { NDArray } from '../../core/ndarray';
import {
  arrayType,
  PyCArrayType,
  PyCData,
  PyCPointer,
  PyCPointerType,
  PyCSimpleType,
  simpleType,
} from '../ctypes/cobjects';
import { attributeError, typeError } from '../runtime/errors';
import { defaultIntDType } from './dtypes';
import { arrayFromNumbers } from './flat';
import { bindArgs, PyBuiltin, PyObject, typeName, type Ctx, type PyValue } from '../runtime/objects';

/** The array `x.ctypes` belongs to (PyArray, arrays.ts): its NDArray, and how a new array is handed to Python. */
export interface CtypesOwner extends PyObject {
  readonly arr: NDArray;
  wrapNew(arr: NDArray): PyValue;
}

/** NumPy's `_ctypes` object: `x.ctypes`. Keeps the array alive (core CtypesView retains it). */
export class PyNpCtypes extends PyObject {
  readonly view: CtypesView;
  constructor(
    readonly owner: CtypesOwner,
    ctx: Ctx,
  ) {
    super();
    this.view = new CtypesView(owner.arr, { model: ctx.model, lifetime: ctx.registry, label: `${ctx.label}` });
  }
  get typeName(): string {
    return 'numpy._core._internal._ctypes';
  }
  override get node(): object | null {
    return this.view;
  }
  private asArray(values: readonly number[], t: PyCSimpleType, ctx: Ctx): PyValue {
    if (this.owner.arr.ndim === 0) return null;
    if (t.ctype.name === 'c_char_p') throw typeError('bytes or integer address expected instead of int instance');
    const at = arrayType(t, this.owner.arr.ndim, 'numpy._core._internal', ctx);
    return at.call(
      values.map((v) => BigInt(v)),
      new Map(),
      ctx,
    );
  }
  override getattr(name: string, ctx: Ctx): PyValue {
    const intp = simpleType(
      ctx.model.intp.name === 'c_long' ? 'c_long' : ctx.model.intp.name === 'c_int' ? 'c_int' : 'c_longlong',
      ctx,
    );
    switch (name) {
      case 'data':
        return this.view.data;
      case 'shape':
        return this.asArray(this.owner.arr.shape, intp, ctx);
      case 'strides':
        return this.asArray(this.owner.arr.strides, intp, ctx);
      case '_as_parameter_':
        return this.dataAs(simpleType('c_void_p', ctx), ctx);
      case '_arr':
        return this.owner;
      case 'data_as':
        return new PyBuiltin(
          'data_as',
          (args, kw) => {
            const b = bindArgs('data_as', ['obj'], args, kw, { required: 1 });
            return this.dataAs(b.obj!, ctx);
          },
          this,
          'function',
          '_ctypes.data_as',
        );
      case 'shape_as':
      case 'strides_as':
        return new PyBuiltin(
          name,
          (args, kw) => {
            const b = bindArgs(name, ['obj'], args, kw, { required: 1 });
            const t = b.obj!;
            if (!(t instanceof PyCSimpleType))
              throw typeError(`unsupported operand type(s) for *: '${typeName(t)}' and 'int'`);
            return this.asArray(name === 'shape_as' ? this.owner.arr.shape : this.owner.arr.strides, t, ctx);
          },
          this,
          'function',
          `_ctypes.${name}`,
        );
      case 'get_data':
      case 'get_shape':
      case 'get_strides':
      case 'get_as_parameter':
        return new PyBuiltin(
          name,
          () => this.getattr(name === 'get_as_parameter' ? '_as_parameter_' : name.slice(4), ctx),
          this,
          'function',
          `_ctypes.${name}`,
        );
    }
    return super.getattr(name, ctx);
  }

  /** `data_as(obj)`: `ctypes.cast(self._data, obj)` then `ptr._arr = self._arr` (the pointer keeps the array). */
  dataAs(t: PyValue, ctx: Ctx): PyValue {
    if (t instanceof PyCPointerType) {
      const core = this.view.data_as(t.ctype);
      ctx.registry.label(core, ctx.label);
      return new PyCPointer(t, core);
    }
    if (t instanceof PyCSimpleType && t.ctype.name === 'c_void_p') {
      const v = PyCData.create(t, this.view.data, ctx);
      ctx.registry.retain(v, this.owner.arr, { kind: 'pointer', label: ctx.label });
      return v;
    }
    if (t instanceof PyCSimpleType) throw typeError(`cast() argument 2 must be a pointer type, not ${t.ctype.name}`);
    if (t instanceof PyCArrayType) throw typeError(`cast() argument 2 must be a pointer type, not ${t.name}`);
    throw typeError(`cast() argument 2 must be a pointer type, not ${typeName(t)}`);
  }
}

/** `x.ctypes` when the ctypes module is missing: NumPy 2's `_missing_ctypes` fallback, faithfully. */
export class PyNpCtypesMissing extends PyObject {
  constructor(readonly owner: CtypesOwner) {
    super();
  }
  get typeName(): string {
    return 'numpy._core._internal._ctypes';
  }
  override get node(): object | null {
    return this.owner.arr;
  }
  override getattr(name: string, ctx: Ctx): PyValue {
    const a = this.owner.arr;
    const intpArray = (xs: number[]): PyValue => {
      if (a.ndim === 0) return null;
      // dummy_ctype(np.intp)(*shape) is np.intp(shape): an intp array
      const arr = arrayFromNumbers(defaultIntDType(ctx.modelName), [xs.length], Float64Array.from(xs), ctx.label);
      ctx.adopt(arr);
      return this.owner.wrapNew(arr);
    };
    switch (name) {
      case 'data':
        return a.address;
      case 'shape':
        return intpArray(a.shape);
      case 'strides':
        return intpArray(a.strides);
      case '_as_parameter_':
        throw attributeError("'NoneType' object has no attribute 'c_void_p'");
      case 'data_as':
        return new PyBuiltin(
          'data_as',
          () => {
            throw attributeError("'int' object has no attribute '_arr'");
          },
          this,
          'function',
          '_ctypes.data_as',
        );
      case 'shape_as':
      case 'strides_as':
        return new PyBuiltin(
          name,
          (args) => {
            if (a.ndim === 0) return null;
            const t = args[0] ?? null;
            throw typeError(`unsupported operand type(s) for *: '${typeName(t)}' and 'int'`);
          },
          this,
          'function',
          `_ctypes.${name}`,
        );
    }
    return super.getattr(name, ctx);
  }
}
