/**
 * The simulated `ctypes` module: its C types per data model (c_int, c_long, POINTER, ...), sizeof, addressof,
 * cast, byref and friends, over the objects of cobjects.ts.
 */
import { moduleFunction } from '../numpy/callArgs';
import { CTYPE_NAMES } from '../../core/ctypeModel';
import { PyBuiltinType } from '../numpy/arrays';
import { PyNpCtypes } from '../numpy/arrayCtypes';
import {
  PyCArray,
  PyCArrayType,
  PyCData,
  PyCPointer,
  PyCPointerType,
  PyCSimpleType,
  pointerType,
  simpleType,
} from './cobjects';
import { PyException, typeError } from '../runtime/errors';
import { REAL_CTYPES_NAMES } from '../numpy/realNames';
import { PyModule, typeName, type Ctx, type PyValue } from '../runtime/objects';
export function ctypesModule(): PyModule {
  const attrs = new Map<string, PyValue | (() => PyValue)>();
  const mod = new CtypesModule(attrs);
  attrs.set(
    'POINTER',
    moduleFunction('POINTER', (args, _kw, ctx) => {
      const t = args[0] ?? null;
      if (t instanceof PyCSimpleType) return pointerType(t, '__main__', ctx);
      // a pointer or array type is a ctypes type too (`POINTER(POINTER(c_int))`): the simulation models one level
      if (t instanceof PyCPointerType || t instanceof PyCArrayType) {
        throw new PyException(
          'NotImplementedError',
          `Stridescope's simulation does not implement POINTER(${t.repr()}) (a pointer to a pointer or an array); live Python does`,
        );
      }
      throw typeError(`must be a ctypes type`);
    }),
  );
  attrs.set(
    'pointer',
    moduleFunction('pointer', (args, _kw, ctx) => {
      const obj = args[0] ?? null;
      if (!(obj instanceof PyCData)) throw typeError('_type_ must have storage info');
      return pointerType(obj.ctype, '__main__', ctx).call([obj], new Map(), ctx);
    }),
  );
  attrs.set(
    'cast',
    moduleFunction('cast', (args, _kw, ctx) => {
      if (args.length !== 2) throw typeError(`cast() takes 2 positional arguments but ${args.length} were given`);
      const [obj, typ] = args;
      let address: bigint;
      let keeps: object | null = null;
      if (typeof obj === 'bigint') address = BigInt.asUintN(ctx.model.pointerSize * 8, obj);
      else if (obj === null) address = 0n;
      else if (obj instanceof PyCPointer) {
        address = obj.addressValue;
        keeps = obj.core;
      } else if (obj instanceof PyCData && obj.ctype.ctype.kind === 'pointer') {
        address = (obj.cvalue(ctx) as bigint | null) ?? 0n;
        keeps = obj;
      } else if (obj instanceof PyCArray) {
        address = obj.addressOf;
        keeps = obj;
      } else if (obj instanceof PyNpCtypes) {
        address = obj.view.data;
        keeps = obj.view;
      } else throw new PyException('ctypes.ArgumentError', 'argument 1: TypeError: wrong type');
      if (typ instanceof PyCPointerType) return PyCPointer.fromAddress(typ, address, keeps, ctx, ctx.label);
      if (typ instanceof PyCSimpleType && typ.ctype.kind === 'pointer') {
        const v = PyCData.create(typ, typ.ctype.name === 'c_char_p' ? null : address, ctx);
        if (keeps) ctx.registry.retain(v, keeps, { kind: 'pointer', label: ctx.label });
        return v;
      }
      throw typeError(
        `cast() argument 2 must be a pointer type, not ${typ instanceof PyCSimpleType || typ instanceof PyCArrayType ? typ.name : typeName(typ)}`,
      );
    }),
  );
  attrs.set(
    'sizeof',
    moduleFunction('sizeof', (args, _kw, ctx) => {
      const o = args[0] ?? null;
      if (o instanceof PyCSimpleType) return BigInt(o.ctype.size);
      if (o instanceof PyCData) return BigInt(o.ctype.ctype.size);
      if (o instanceof PyCPointerType || o instanceof PyCPointer) return BigInt(ctx.model.pointerSize);
      if (o instanceof PyCArrayType) return BigInt(o.size);
      if (o instanceof PyCArray) return BigInt(o.atype.size);
      throw typeError('this type has no size');
    }),
  );
  attrs.set(
    'alignment',
    moduleFunction('alignment', (args, _kw, ctx) => {
      const o = args[0] ?? null;
      if (o instanceof PyCSimpleType) return BigInt(o.ctype.alignment);
      if (o instanceof PyCData) return BigInt(o.ctype.ctype.alignment);
      if (o instanceof PyCPointerType || o instanceof PyCPointer) return BigInt(ctx.model.pointerSize);
      if (o instanceof PyCArrayType) return BigInt(o.scalar.alignment);
      if (o instanceof PyCArray) return BigInt(o.atype.scalar.alignment);
      throw typeError('no alignment info');
    }),
  );
  attrs.set(
    'addressof',
    moduleFunction('addressof', (args) => {
      const o = args[0] ?? null;
      if (o instanceof PyCData) return o.addressOf;
      if (o instanceof PyCArray) return o.addressOf;
      throw typeError('invalid type');
    }),
  );
  return mod;
}

/** The ctypes module: its simple types depend on the data model (c_long is 4 or 8 bytes). */
class CtypesModule extends PyModule {
  constructor(attrs: Map<string, PyValue | (() => PyValue)>) {
    super('ctypes', attrs, 'ctypes/__init__.py', REAL_CTYPES_NAMES);
  }
  override getattr(name: string, ctx: Ctx): PyValue {
    if ((CTYPE_NAMES as readonly string[]).includes(name) && ctx.model.has(name)) return simpleType(name, ctx);
    if (name === 'ArgumentError') return new PyBuiltinType('str', () => null) as unknown as PyValue;
    return super.getattr(name, ctx);
  }
  /** `from ctypes import *` */
  publicNames(): string[] {
    return [...CTYPE_NAMES, ...this.attrs.keys()];
  }
}
