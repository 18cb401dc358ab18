/**
 * The `numpy` module the playground offers: array creation, load/save, memmap, stride tricks, scalar types, all
 * over the core model. Its `numpy.ctypeslib` is ctypeslib.ts; the `ctypes` module is playground/ctypes/ctypesModule.ts.
 */
import { DType } from '../../core/dtype';
import { OwnedMemory, budgetFileSize, budgetScratch } from '../../core/memory';
import { NDArray } from '../../core/ndarray';
import { openArrayFile } from '../../formats/load';
import { saveNpy } from '../../formats/load';
import { chooseVersion, dtypeToDescr, headerDictText, wrapHeader } from '../../formats/npy';
import { arrayFromPy, NpScalar, NpType, PyArray, PyArrayClass, PyDType, toDType } from './arrays';
import { PyException, typeError, valueError } from '../runtime/errors';
import { arrayFromBigInts, arrayFromNumbers, inByteOrder } from './flat';
import { REAL_NUMPY_NAMES } from './realNames';
import { defaultIntDType, parseDTypeString } from './dtypes';
import { sum as sumArray, sumDType } from './sum';
import { moduleFunction, newArray, optDType, shapeArg } from './callArgs';
import { ctypeslibModule } from './ctypeslib';
import {
  bindArgs,
  indexValue,
  intSequence,
  PyModule,
  PyTuple,
  typeName,
  type Ctx,
  type Kwargs,
  type PyValue,
} from '../runtime/objects';

function filled(shape: number[], d: DType, value: number, ctx: Ctx): PyArray {
  const n = shape.reduce((p, q) => p * q, 1);
  // the array and its float64 staging buffer, checked before either exists
  budgetScratch(
    n * (8 + d.itemsize),
    `an array of shape (${shape.join(', ')}${shape.length === 1 ? ',' : ''}) and dtype ${d.name}`,
  );
  const f = new Float64Array(n);
  if (value !== 0) f.fill(value);
  return newArray(inByteOrder(arrayFromNumbers(d, shape, f, ctx.label), d, ctx.label), ctx);
}

/** `bytes`: for a write, the size the file has after it (the console folder's quota checks it first). */
function pathOf(
  v: PyValue,
  ctx: Ctx,
  what: string,
  access: 'read' | 'write' = 'read',
  suffix?: string,
  bytes?: number,
): string {
  if (typeof v !== 'string') throw typeError(`${what}: expected a file name (str), got ${typeName(v)}`);
  if (suffix && !v.endsWith(suffix)) v += suffix;
  if (ctx.files) return ctx.files(v, access, `np.${what}`, bytes);
  if (v.startsWith('/') || /^[A-Za-z]:[\\/]/.test(v) || !ctx.cwd) return v;
  return `${ctx.cwd.replace(/[\\/]$/, '')}/${v}`;
}

/** Mapping modes that write to the file (np.memmap's default 'r+' among them). */
const WRITE_MODES = ['r+', 'w+', 'readwrite', 'write'];

function needMapper(ctx: Ctx, what: string) {
  if (!ctx.mapper)
    throw new PyException(
      'NotImplementedError',
      `${what} needs file access: run it with \`stridescope run\` or in the app`,
    );
  return ctx.mapper;
}

// ================================================================ numpy

export function numpyModule(ctx0: { ctypesAvailable: boolean }): PyModule {
  const attrs = new Map<string, PyValue | (() => PyValue)>();
  const t = (name: string, spec: string | ((ctx: Ctx) => DType)) =>
    attrs.set(
      name,
      new NpType(
        name === 'bool_' ? 'bool' : name,
        typeof spec === 'string' ? (ctx: Ctx) => parseDTypeString(spec, ctx.modelName) : spec,
      ),
    );
  for (const n of [
    'int8',
    'int16',
    'int32',
    'int64',
    'uint8',
    'uint16',
    'uint32',
    'uint64',
    'float16',
    'float32',
    'float64',
    'complex64',
    'complex128',
  ])
    t(n, n);
  t('bool', 'bool');
  t('bool_', 'bool');
  attrs.set('int_', new NpType('int64', (ctx) => defaultIntDType(ctx.modelName)));
  attrs.set('intp', new NpType('int64', (ctx) => defaultIntDType(ctx.modelName)));
  attrs.set('uintp', new NpType('uint64', (ctx) => parseDTypeString('uintp', ctx.modelName)));
  attrs.set('long', new NpType('long', (ctx) => parseDTypeString('long', ctx.modelName)));
  attrs.set('ulong', new NpType('ulong', (ctx) => parseDTypeString('ulong', ctx.modelName)));
  for (const [n, s] of [
    ['intc', 'int32'],
    ['uintc', 'uint32'],
    ['longlong', 'int64'],
    ['ulonglong', 'uint64'],
    ['short', 'int16'],
    ['ushort', 'uint16'],
    ['byte', 'int8'],
    ['ubyte', 'uint8'],
    ['single', 'float32'],
    ['double', 'float64'],
    ['half', 'float16'],
  ] as const) {
    attrs.set(n, new NpType(s, (ctx) => parseDTypeString(s, ctx.modelName)));
  }
  attrs.set('nan', NaN);
  attrs.set('inf', Infinity);
  attrs.set('pi', Math.PI);
  attrs.set('e', Math.E);
  attrs.set('newaxis', null);
  attrs.set('ndarray', new PyArrayClass('ndarray'));

  attrs.set(
    'dtype',
    moduleFunction('dtype', (args, kw, ctx) => {
      const b = bindArgs('dtype', ['dtype', 'align', 'copy'], args, kw, { required: 1 });
      return new PyDType(toDType(b.dtype!, ctx));
    }),
  );

  attrs.set(
    'array',
    moduleFunction(
      'array',
      (args, kw, ctx) => {
        const b = bindArgs('array', ['object', 'dtype'], args, kw, {
          required: 1,
          kwOnly: ['copy', 'order', 'subok', 'ndmin', 'like'],
        });
        const d = b.dtype === undefined || b.dtype === null ? null : toDType(b.dtype, ctx);
        if (b.copy === false && b.object instanceof PyArray && (!d || d.equals(b.object.arr.dtype))) return b.object;
        return newArray(arrayFromPy(b.object!, d, ctx, ctx.label), ctx);
      },
      'array',
    ),
  );
  attrs.set(
    'asarray',
    moduleFunction('asarray', (args, kw, ctx) => {
      const b = bindArgs('asarray', ['a', 'dtype', 'order'], args, kw, {
        required: 1,
        kwOnly: ['device', 'copy', 'like'],
      });
      const d = b.dtype === undefined || b.dtype === null ? null : toDType(b.dtype, ctx);
      if (b.a instanceof PyArray && (!d || d.equals(b.a.arr.dtype))) return b.a;
      return newArray(arrayFromPy(b.a!, d, ctx, ctx.label), ctx);
    }),
  );
  attrs.set(
    'ascontiguousarray',
    moduleFunction('ascontiguousarray', (args, kw, ctx) => {
      const b = bindArgs('ascontiguousarray', ['a', 'dtype'], args, kw, { required: 1, kwOnly: ['like'] });
      const d = b.dtype === undefined || b.dtype === null ? null : toDType(b.dtype, ctx);
      const a = b.a!;
      if (a instanceof PyArray) {
        const same = !d || d.equals(a.arr.dtype);
        if (same && a.arr.flags.C_CONTIGUOUS && a.arr.ndim >= 1)
          return a.cls === 'ndarray' ? a : PyArray.wrap(a.arr.index('ellipsis'));
        const src = a.arr.ndim === 0 ? a.arr.reshape([1]) : a.arr;
        return newArray(arrayFromPy(PyArray.wrap(src), d ?? a.arr.dtype, ctx, ctx.label), ctx);
      }
      const arr = arrayFromPy(a, d, ctx, ctx.label);
      return newArray(arr.ndim === 0 ? arr.reshape([1]) : arr, ctx);
    }),
  );

  const maker = (name: string, value: number) =>
    moduleFunction(name, (args, kw, ctx) => {
      const b = bindArgs(name, ['shape', 'dtype', 'order'], args, kw, { required: 1, kwOnly: ['like', 'device'] });
      const d = optDType(b.dtype, ctx, () => DType.parse('float64'));
      const order = b.order === undefined ? 'C' : String(b.order);
      const shape = shapeArg(b.shape!, ctx);
      if (shape.some((x) => x < 0)) throw valueError('negative dimensions are not allowed');
      const a = filled(shape, d, value, ctx);
      if (order === 'F' && shape.length > 1 && !shape.includes(0)) {
        const st: number[] = [];
        let s = d.itemsize;
        for (const x of shape) {
          st.push(s);
          s *= x || 1;
        }
        const f = new NDArray({ memory: a.arr.memory, dtype: d, shape, strides: st, label: ctx.label });
        return newArray(f, ctx);
      }
      return a;
    });
  attrs.set('zeros', maker('zeros', 0));
  attrs.set('ones', maker('ones', 1));
  // NumPy's empty returns whatever the allocator held; Stridescope's fresh memory is zeroed
  attrs.set('empty', maker('empty', 0));

  attrs.set(
    'arange',
    moduleFunction('arange', (args, kw, ctx) => {
      const b = bindArgs('arange', ['start', 'stop', 'step', 'dtype'], args, kw, { kwOnly: ['like', 'device'] });
      let start: PyValue = b.start ?? 0n;
      let stop: PyValue | undefined = b.stop;
      if (stop === undefined || stop === null) {
        if (b.start === undefined) throw typeError("arange() missing required argument 'start' (pos 1)");
        stop = start;
        start = 0n;
      }
      const step: PyValue = b.step ?? 1n;
      const num = (v: PyValue): number | bigint => {
        if (typeof v === 'bigint' || typeof v === 'number') return v;
        if (typeof v === 'boolean') return v ? 1n : 0n;
        if (v instanceof NpScalar) return v.asNumber();
        throw typeError(`unsupported operand type(s) for -: '${typeName(v)}' and 'int'`);
      };
      const s0 = num(start);
      const s1 = num(stop);
      const st = num(step);
      if (Number(st) === 0) throw new PyException('ZeroDivisionError', 'division by zero');
      const allInt = typeof s0 === 'bigint' && typeof s1 === 'bigint' && typeof st === 'bigint';
      const d = optDType(b.dtype, ctx, () => (allInt ? defaultIntDType(ctx.modelName) : DType.parse('float64')));
      if (allInt && (d.kind === 'i' || d.kind === 'u')) {
        // integers past 2**53 stay exact: count and fill in bigints, as NumPy does in int64
        const [b0, b1, bs] = [s0 as bigint, s1 as bigint, st as bigint];
        const span = b1 - b0;
        const n = span === 0n || span > 0n !== bs > 0n ? 0n : (span + bs - (bs > 0n ? 1n : -1n)) / bs;
        const len = Number(n);
        budgetScratch(len * (8 + d.itemsize), `arange of ${len} elements`);
        const vals = new Array<bigint>(len);
        for (let i = 0; i < len; i++) vals[i] = b0 + BigInt(i) * bs;
        return newArray(inByteOrder(arrayFromBigInts(d, [len], vals, ctx.label), d, ctx.label), ctx);
      }
      const len = Math.max(0, Math.ceil((Number(s1) - Number(s0)) / Number(st)));
      budgetScratch(len * (8 + d.itemsize), `arange of ${len} elements`);
      const f = new Float64Array(len);
      const a0 = Number(s0);
      const delta = a0 + Number(st) - a0;
      for (let i = 0; i < len; i++) f[i] = a0 + i * delta;
      return newArray(inByteOrder(arrayFromNumbers(d, [len], f, ctx.label), d, ctx.label), ctx);
    }),
  );

  attrs.set(
    'frombuffer',
    moduleFunction('frombuffer', (args, kw, ctx) => {
      const b = bindArgs('frombuffer', ['buffer', 'dtype', 'count', 'offset'], args, kw, {
        required: 1,
        kwOnly: ['like'],
      });
      const buf = b.buffer;
      if (!(buf instanceof Uint8Array))
        throw typeError(`a bytes-like object is required, not '${typeName(buf ?? null)}'`);
      const d = optDType(b.dtype, ctx, () => DType.parse('float64'));
      const offset = b.offset === undefined ? 0 : indexValue(b.offset, 'offset');
      let count = b.count === undefined ? -1 : indexValue(b.count, 'count');
      if (offset < 0 || offset > buf.length)
        throw valueError('offset must be non-negative and no greater than buffer length (' + buf.length + ')');
      const avail = buf.length - offset;
      if (count < 0) {
        if (avail % d.itemsize !== 0) throw valueError('buffer size must be a multiple of element size');
        count = avail / d.itemsize;
      } else if (count * d.itemsize > avail) throw valueError('buffer is smaller than requested size');
      // the array reads the bytes object's own (immutable) buffer: read-only, OWNDATA False
      const mem = new OwnedMemory(`bytes (${buf.length})`, buf, { writeable: false });
      const arr = new NDArray({ memory: mem, dtype: d, shape: [count], offset, ownsData: false, label: ctx.label });
      return newArray(arr, ctx);
    }),
  );

  attrs.set(
    'broadcast_to',
    moduleFunction('broadcast_to', (args, kw, ctx) => {
      const b = bindArgs('broadcast_to', ['array', 'shape', 'subok'], args, kw, { required: 2 });
      const a = b.array instanceof PyArray ? b.array : newArray(arrayFromPy(b.array!, null, ctx, ctx.label), ctx);
      return PyArray.wrap(NDArray.broadcastTo(a.arr, shapeArg(b.shape!, ctx)));
    }),
  );

  const asStrided = moduleFunction('as_strided', (args, kw, ctx) => {
    const b = bindArgs('as_strided', ['x', 'shape', 'strides', 'subok', 'writeable'], args, kw, { required: 1 });
    if (!(b.x instanceof PyArray)) throw typeError('as_strided() needs an array');
    const x = b.x.arr;
    const shape = b.shape === undefined || b.shape === null ? x.shape : shapeArg(b.shape, ctx);
    const strides = b.strides === undefined || b.strides === null ? undefined : intSequence(b.strides, 'strides', ctx);
    let v = NDArray.asStrided(x, shape, strides);
    if (b.writeable === false) {
      v = new NDArray({
        memory: v.memory,
        dtype: v.dtype,
        shape: v.shape,
        strides: v.strides,
        offset: v.offset,
        base: v.base,
        writeable: false,
        label: v.label,
        mayExceedMemory: true,
        ownsData: false,
      });
    }
    return PyArray.wrap(v);
  });
  const strideTricks = new PyModule(
    'numpy.lib.stride_tricks',
    new Map<string, PyValue | (() => PyValue)>([
      ['as_strided', asStrided],
      [
        'sliding_window_view',
        moduleFunction('sliding_window_view', (args, kw, ctx) => {
          const b = bindArgs('sliding_window_view', ['x', 'window_shape', 'axis'], args, kw, {
            required: 2,
            kwOnly: ['subok', 'writeable'],
          });
          if (!(b.x instanceof PyArray)) throw typeError('sliding_window_view() needs an array');
          const w = intSequence(b.window_shape!, 'window_shape', ctx);
          const axis = b.axis === undefined || b.axis === null ? null : intSequence(b.axis, 'axis', ctx);
          return PyArray.wrap(
            NDArray.slidingWindowView(
              b.x.arr,
              typeof b.window_shape === 'bigint' ? w[0] : w,
              axis === null ? null : typeof b.axis === 'bigint' ? axis[0] : axis,
            ),
          );
        }),
      ],
      ['broadcast_to', () => attrs.get('broadcast_to') as PyValue],
    ]),
  );
  attrs.set('lib', new PyModule('numpy.lib', new Map<string, PyValue>([['stride_tricks', strideTricks]])));

  attrs.set(
    'sum',
    moduleFunction('sum', (args, kw, ctx) => {
      const b = bindArgs('sum', ['a', 'axis', 'dtype', 'out', 'keepdims'], args, kw, { required: 1 });
      const a = b.a instanceof PyArray ? b.a.arr : arrayFromPy(b.a!, null, ctx, ctx.label);
      const axis = b.axis === undefined || b.axis === null ? null : indexValue(b.axis, 'axis');
      const d = b.dtype === undefined || b.dtype === null ? sumDType(a.dtype, ctx.modelName) : toDType(b.dtype, ctx);
      const r = sumArray(a, axis, d, ctx.label);
      return r.ndim === 0 ? new NpScalar(r.dtype, r.get([])) : newArray(r, ctx);
    }),
  );

  attrs.set(
    'load',
    moduleFunction('load', (args, kw, ctx) => {
      const b = bindArgs('load', ['file', 'mmap_mode', 'allow_pickle', 'fix_imports', 'encoding'], args, kw, {
        required: 1,
        kwOnly: ['max_header_size'],
      });
      const mode = b.mmap_mode === undefined || b.mmap_mode === null ? null : String(b.mmap_mode);
      const path = pathOf(b.file!, ctx, 'load', mode !== null && WRITE_MODES.includes(mode) ? 'write' : 'read');
      const mapper = needMapper(ctx, 'np.load');
      const opened = openArrayFile(path, { mode: (mode ?? 'r') as 'r' }, { mapper, fs: ctx.fs });
      if (mode !== null) {
        ctx.registry.track(opened.array.memory, { label: String(b.file), kind: 'mapped', origin: ctx.statementLabel });
        ctx.registry.adopt(opened.array);
        return PyArray.wrap(opened.array, 'memmap', { filename: path, mode });
      }
      // without mmap_mode NumPy reads the data into memory it owns: copy, then unmap
      const a = opened.array;
      let copy: NDArray;
      try {
        copy = a.copy();
      } finally {
        opened.close(); // unmapped whether the copy worked or not (too large, truncated file)
      }
      const arr = new NDArray({
        memory: copy.memory,
        dtype: a.dtype,
        shape: a.shape,
        strides: a.size === 0 ? undefined : copy.strides,
        label: ctx.label,
      });
      const fortran = opened.header?.fortranOrder;
      if (fortran && a.ndim > 1) {
        const fb = a.ndim ? copyF(a, ctx.label) : arr;
        return newArray(fb, ctx);
      }
      return newArray(arr, ctx);
    }),
  );

  attrs.set(
    'save',
    moduleFunction('save', (args, kw, ctx) => {
      const b = bindArgs('save', ['file', 'arr', 'allow_pickle', 'fix_imports'], args, kw, { required: 2 });
      const a = b.arr instanceof PyArray ? b.arr.arr : arrayFromPy(b.arr!, null, ctx, ctx.label);
      const path = pathOf(b.file!, ctx, 'save', 'write', '.npy', savedSize(a));
      saveNpy(path, a);
      return null;
    }),
  );

  attrs.set('memmap', new PyMemmapClass());

  attrs.set('ctypeslib', () => ctypeslibModule());
  void ctx0;
  return new PyModule('numpy', attrs, 'numpy/__init__.py', REAL_NUMPY_NAMES);
}

/** The bytes np.save writes for `a`: its header (either order flag: the longer) and its data. */
function savedSize(a: NDArray): number {
  const descr = dtypeToDescr(a.dtype);
  const head = (f: boolean) => {
    const text = headerDictText(descr, f, a.shape);
    return wrapHeader(text, chooseVersion(text)).byteLength;
  };
  return Math.max(head(false), head(true)) + a.nbytes;
}

function copyF(a: NDArray, label: string): NDArray {
  const bytes = a.toBytes('F');
  const st: number[] = [];
  let s = a.itemsize;
  for (const d of a.shape) {
    st.push(s);
    s *= d || 1;
  }
  return new NDArray({ memory: new OwnedMemory(label, bytes), dtype: a.dtype, shape: a.shape, strides: st, label });
}

/** `np.memmap`: a class — calling it maps a file (numpy.memmap semantics through formats/rawMemmap). */
class PyMemmapClass extends PyArrayClass {
  constructor() {
    super('memmap');
  }
  override call(args: PyValue[], kwargs: Kwargs, ctx: Ctx): PyValue {
    const b = bindArgs('memmap', ['filename', 'dtype', 'mode', 'offset', 'shape', 'order'], args, kwargs, {
      required: 1,
    });
    const mode = b.mode === undefined ? 'r+' : String(b.mode);
    if (!['r', 'r+', 'c', 'w+', 'readonly', 'readwrite', 'copyonwrite', 'write'].includes(mode)) {
      throw valueError(
        `mode must be one of ['r', 'c', 'r+', 'w+', 'readonly', 'copyonwrite', 'readwrite', 'write'] (got '${mode}')`,
      );
    }
    const d = optDType(b.dtype, ctx, () => DType.parse('uint8'));
    const offset = b.offset === undefined ? 0 : indexValue(b.offset, 'offset');
    const shape = b.shape === undefined || b.shape === null ? null : shapeArg(b.shape, ctx);
    // the size a write leaves the file at, for the console folder's quota (r+ without a shape never grows it)
    const written =
      WRITE_MODES.includes(mode) && shape !== null ? offset + shape.reduce((p, q) => p * q, 1) * d.itemsize : undefined;
    // w+ creates the file and r+ extends a short one (as numpy.memmap does): bound what one statement may write.
    if (written !== undefined)
      budgetFileSize(written, `np.memmap(${JSON.stringify(String(b.filename))}, mode='${mode}')`);
    const path = pathOf(b.filename!, ctx, 'memmap', WRITE_MODES.includes(mode) ? 'write' : 'read', undefined, written);
    const mapper = needMapper(ctx, 'np.memmap');
    const order = b.order === undefined || b.order === null ? 'C' : (String(b.order) as 'C' | 'F');
    if ((mode === 'w+' || mode === 'write') && shape === null) throw valueError("shape must be given if mode == 'w+'");
    const opened = openArrayFile(
      path,
      { raw: { dtype: d, shape, offset, order, mode: mode as 'r' } },
      { mapper, fs: ctx.fs },
    );
    ctx.registry.track(opened.array.memory, { label: String(b.filename), kind: 'mapped', origin: ctx.statementLabel });
    ctx.registry.adopt(opened.array);
    return PyArray.wrap(opened.array, 'memmap', { filename: path, mode });
  }
}

export { PyTuple };
