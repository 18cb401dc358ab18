/**
 * NDArray: a dtype and a layout (shape + strides + offset) over a Memory — NumPy's ndarray without the math.
 *
 * Every method that NumPy answers with a view answers here with a view over the same Memory, with NumPy's
 * shape, strides, byte offset and flags, or throws the LayoutError NumPy would (its message where practical):
 * basic indexing, .T / transpose, reshape (only when NumPy can do it without a copy), view(dtype),
 * as_strided, broadcast_to, sliding_window_view and np.ndarray(buffer=...).
 *
 * Element reads copy bounded windows out through `Memory.read` (which checks liveness and bounds), so an
 * NDArray over a multi-GiB file mapping only ever touches the bytes it is asked for.
 */
import { DType, type Field, type Value } from './dtype';
import { BoundsError, LayoutError, UnsupportedError } from './errors';
import {
  byteBounds,
  cStrides,
  fStrides,
  isAligned,
  isCContiguous,
  isFContiguous,
  size as shapeSize,
  walkOffsets,
  type Layout,
} from './layout';
import { OwnedMemory, budgetItems, budgetScratch, type Memory } from './memory';
import { pyStrRepr, pyTupleRepr } from './python/repr';
import { attemptNocopyReshape, fixUnknownDimension, shapeString } from './reshape';
import { gatherStrided } from './gather';

/** A Python slice; null/undefined are Python's None. */
export interface Slice {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}

/** One entry of a basic index: an integer, a slice, `...` or `np.newaxis`. */
export type Selector = number | Slice | 'ellipsis' | 'newaxis';

export interface ArrayFlags {
  C_CONTIGUOUS: boolean;
  F_CONTIGUOUS: boolean;
  ALIGNED: boolean;
  WRITEABLE: boolean;
  OWNDATA: boolean;
}

export interface NDArrayInit {
  memory: Memory;
  dtype: DType;
  shape: number[];
  /** Bytes; C-order strides when absent. */
  strides?: number[];
  /** Bytes from the memory's byte 0 to element [0, ...]. */
  offset?: number;
  base?: NDArray | null;
  /** Requested writeability; never more than the memory allows. Defaults to the memory's. */
  writeable?: boolean;
  /** OWNDATA. Defaults to true for a root (no base) on owned memory, false otherwise (views, mappings). */
  ownsData?: boolean;
  label?: string;
  /**
   * Set by as_strided (and inherited by views of it): the layout was not checked against the memory, so its
   * byte bounds may lie outside it. Each read is still checked by `Memory.read`.
   */
  mayExceedMemory?: boolean;
}

/** Reads are grouped into windows of at most this many bytes. */
const READ_WINDOW = 1 << 20;
/** toBytes / copy refuse to materialise more than this. */
const MAX_MATERIALISE = 1 << 30;

/** Python's slice.indices(length) followed by the element count, as NumPy applies it. */
export function sliceIndices(sl: Slice, length: number): { start: number; stop: number; step: number; count: number } {
  const step = sl.step ?? 1;
  if (!Number.isInteger(step)) throw new LayoutError('slice indices must be integers or None');
  if (step === 0) throw new LayoutError('slice step cannot be zero');
  const lower = step < 0 ? -1 : 0;
  const upper = step < 0 ? length - 1 : length;
  const fix = (v: number | null | undefined, dflt: number): number => {
    if (v === null || v === undefined) return dflt;
    if (!Number.isInteger(v)) throw new LayoutError('slice indices must be integers or None');
    if (v < 0) {
      v += length;
      return v < lower ? lower : v;
    }
    return v > upper ? upper : v;
  };
  const start = fix(sl.start, step < 0 ? upper : lower);
  const stop = fix(sl.stop, step < 0 ? lower : upper);
  let count = 0;
  if (step < 0) {
    if (stop < start) count = Math.floor((start - stop - 1) / -step) + 1;
  } else if (start < stop) {
    count = Math.floor((stop - start - 1) / step) + 1;
  }
  return { start, stop, step, count };
}

function normalizeAxis(axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new LayoutError(`axis ${axis} is out of bounds for array of dimension ${ndim}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

function checkShape(shape: readonly number[], what = 'shape'): void {
  if (!Array.isArray(shape)) throw new LayoutError(`${what} must be a sequence of integers`);
  for (const d of shape) {
    if (!Number.isSafeInteger(d)) throw new LayoutError(`${what} entries must be integers, got ${d}`);
    if (d < 0) throw new LayoutError('negative dimensions are not allowed');
  }
}

function pySelector(s: Selector): string {
  if (s === 'ellipsis') return '...';
  if (s === 'newaxis') return 'None';
  if (typeof s === 'number') return String(s);
  const part = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return `${part(s.start)}:${part(s.stop)}${s.step === null || s.step === undefined ? '' : `:${s.step}`}`;
}

export class NDArray {
  readonly memory: Memory;
  readonly dtype: DType;
  readonly shape: number[];
  readonly strides: number[];
  readonly offset: number;
  /** The array that owns the memory this is a view of (chains collapse to it, as in NumPy); null for a root. */
  readonly base: NDArray | null;
  readonly label: string;
  readonly writeable: boolean;
  readonly ownsData: boolean;
  /** True for as_strided results and their views: byteBounds may exceed the memory (reads still check). */
  readonly mayExceedMemory: boolean;

  constructor(init: NDArrayInit) {
    const { memory, dtype } = init;
    checkShape(init.shape);
    const shape = init.shape.slice();
    const strides = init.strides ? init.strides.slice() : cStrides(shape, dtype.itemsize);
    if (strides.length !== shape.length) {
      throw new LayoutError(
        `strides ${pyTupleRepr(strides)} do not match the ${shape.length} dimensions of shape ${pyTupleRepr(shape)}`,
      );
    }
    for (const s of strides) if (!Number.isSafeInteger(s)) throw new LayoutError(`stride ${s} is not an integer`);
    const offset = init.offset ?? 0;
    if (!Number.isSafeInteger(offset)) throw new LayoutError(`offset ${offset} is not an integer`);
    this.memory = memory;
    this.dtype = dtype;
    this.shape = shape;
    this.strides = strides;
    this.offset = offset;
    this.base = init.base ?? null;
    this.label = init.label ?? this.base?.label ?? memory.label;
    this.writeable = (init.writeable ?? memory.writeable) && memory.writeable;
    this.ownsData = init.ownsData ?? (this.base === null && memory.kind === 'owned');
    this.mayExceedMemory = init.mayExceedMemory ?? false;
    if (!this.mayExceedMemory) {
      const { low, high } = byteBounds(this.layout, dtype.itemsize);
      if (high > low && (low < 0 || high > memory.size)) {
        throw new BoundsError(
          `an array of shape ${pyTupleRepr(shape)} and strides ${pyTupleRepr(strides)} at offset ${offset} reaches bytes [${low}, ${high}), outside ${memory.label} (${memory.size} bytes)`,
          low < 0 ? low : high,
        );
      }
    }
  }

  get ndim(): number {
    return this.shape.length;
  }
  get size(): number {
    return shapeSize(this.shape);
  }
  get itemsize(): number {
    return this.dtype.itemsize;
  }
  get nbytes(): number {
    return this.size * this.dtype.itemsize;
  }
  get layout(): Layout {
    return { shape: this.shape.slice(), strides: this.strides.slice(), offset: this.offset };
  }
  /** Address of element [0, ...] (what ctypes.data reports). */
  get address(): bigint {
    return this.memory.address + BigInt(this.offset);
  }
  /** np.byte_bounds relative to the memory's byte 0. */
  get byteBounds(): { low: number; high: number } {
    return byteBounds(this.layout, this.dtype.itemsize);
  }

  get flags(): ArrayFlags {
    const layout: Layout = { shape: this.shape, strides: this.strides, offset: this.offset };
    return {
      C_CONTIGUOUS: isCContiguous(layout, this.itemsize),
      F_CONTIGUOUS: isFContiguous(layout, this.itemsize),
      ALIGNED: isAligned(this.memory.address, layout, this.dtype.alignment),
      WRITEABLE: this.writeable,
      OWNDATA: this.ownsData,
    };
  }

  /** A view of this array's memory (base collapses to the owner). */
  private derive(p: {
    shape: number[];
    strides: number[];
    offset?: number;
    dtype?: DType;
    label: string;
    writeable?: boolean;
    mayExceedMemory?: boolean;
  }): NDArray {
    return new NDArray({
      memory: this.memory,
      dtype: p.dtype ?? this.dtype,
      shape: p.shape,
      strides: p.strides,
      offset: p.offset ?? this.offset,
      base: this.base ?? this,
      writeable: p.writeable ?? this.writeable,
      ownsData: false,
      label: p.label,
      mayExceedMemory: p.mayExceedMemory ?? this.mayExceedMemory,
    });
  }

  // ---------------------------------------------------------------- views

  /** Basic indexing `a[sel0, sel1, ...]`: integers (negative too), slices, `...` and `np.newaxis`. */
  index(...sel: Selector[]): NDArray {
    let ellipses = 0;
    let consuming = 0;
    for (const s of sel) {
      if (s === 'ellipsis') ellipses++;
      else if (s === 'newaxis') continue;
      else if (typeof s === 'number') {
        if (!Number.isInteger(s)) {
          throw new LayoutError(
            'only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean arrays are valid indices',
          );
        }
        consuming++;
      } else if (s !== null && typeof s === 'object') consuming++;
      else throw new LayoutError(`${String(s)} is not a valid index`);
    }
    if (ellipses > 1) throw new LayoutError("an index can only have a single ellipsis ('...')");
    if (consuming > this.ndim) {
      throw new LayoutError(
        `too many indices for array: array is ${this.ndim}-dimensional, but ${consuming} were indexed`,
      );
    }
    const shape: number[] = [];
    const strides: number[] = [];
    let offset = this.offset;
    let axis = 0;
    const full = (): void => {
      shape.push(this.shape[axis]);
      strides.push(this.strides[axis]);
      axis++;
    };
    for (const s of sel) {
      if (s === 'ellipsis') {
        for (let k = 0; k < this.ndim - consuming; k++) full();
      } else if (s === 'newaxis') {
        shape.push(1);
        strides.push(0);
      } else if (typeof s === 'number') {
        const n = this.shape[axis];
        if (s < -n || s >= n) throw new LayoutError(`index ${s} is out of bounds for axis ${axis} with size ${n}`);
        offset += (s < 0 ? s + n : s) * this.strides[axis];
        axis++;
      } else {
        let { start, step, count } = sliceIndices(s, this.shape[axis]);
        if (count <= 0) {
          count = 0;
          start = 0;
          step = 1;
        }
        offset += start * this.strides[axis];
        shape.push(count);
        strides.push(this.strides[axis] * step);
        axis++;
      }
    }
    while (axis < this.ndim) full();
    return this.derive({ shape, strides, offset, label: `${this.label}[${sel.map(pySelector).join(', ')}]` });
  }

  /** `a.T`: the axes reversed. */
  get T(): NDArray {
    return this.derive({
      shape: this.shape.slice().reverse(),
      strides: this.strides.slice().reverse(),
      label: `${this.label}.T`,
    });
  }

  /** `a.transpose(axes)`; no axes reverses them. */
  transpose(axes?: number[]): NDArray {
    if (axes === undefined || axes === null) {
      const t = this.T;
      return this.derive({ shape: t.shape, strides: t.strides, label: `${this.label}.transpose()` });
    }
    if (axes.length !== this.ndim) throw new LayoutError("axes don't match array");
    const perm = axes.map((a) => normalizeAxis(a, this.ndim));
    const seen = new Set<number>();
    for (const p of perm) {
      if (seen.has(p)) throw new LayoutError('repeated axis in transpose');
      seen.add(p);
    }
    return this.derive({
      shape: perm.map((p) => this.shape[p]),
      strides: perm.map((p) => this.strides[p]),
      label: `${this.label}.transpose(${axes.join(', ')})`,
    });
  }

  /**
   * `a.reshape(shape, order)` as a view (NumPy's `copy=False`): one dimension may be -1 (any negative);
   * throws a LayoutError when NumPy would have to copy.
   */
  reshape(shape: number[], order: 'C' | 'F' = 'C'): NDArray {
    if (order !== 'C' && order !== 'F') throw new LayoutError(`order must be 'C' or 'F', got '${String(order)}'`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d))) {
      throw new LayoutError('reshape expects a sequence of integers');
    }
    const label = `${this.label}.reshape(${pyTupleRepr(shape)}${order === 'F' ? ", order='F'" : ''})`;
    if (shape.length === this.ndim && shape.every((d, i) => d === this.shape[i])) {
      return this.derive({ shape: shape.slice(), strides: this.strides.slice(), label });
    }
    const dims = fixUnknownDimension(shape, this.size);
    const layout = this.layout;
    let strides: number[];
    if (
      (order === 'C' && !isCContiguous(layout, this.itemsize)) ||
      (order === 'F' && !isFContiguous(layout, this.itemsize))
    ) {
      const attempt = attemptNocopyReshape(this.shape, this.strides, this.itemsize, dims, order === 'F');
      if (!attempt) {
        throw new LayoutError(
          `Unable to avoid creating a copy while reshaping. (${this.label} has shape ${pyTupleRepr(this.shape)} and strides ${pyTupleRepr(this.strides)}: reshaping it to ${pyTupleRepr(dims)} in ${order} order needs a copy, not a view)`,
        );
      }
      strides = attempt;
    } else if (order === 'F' && dims.length > 1) {
      strides = fStrides(dims, this.itemsize);
    } else {
      strides = cStrides(dims, this.itemsize);
    }
    return this.derive({ shape: dims, strides, label });
  }

  /**
   * The field view `a['id']`: an array of the field's dtype at offset + the field's offset, with the same strides
   * (NumPy's `PyArray_GetField`); a subarray field adds its dimensions after the array's, C-contiguous within.
   */
  field(name: string): NDArray {
    const f = this.fieldNamed(name);
    const sub = f.dtype.subarray;
    const shape = sub ? [...this.shape, ...sub.shape] : this.shape.slice();
    const strides = sub ? [...this.strides, ...cStrides(sub.shape, sub.base.itemsize)] : this.strides.slice();
    return this.derive({
      shape,
      strides,
      offset: this.offset + f.offset,
      dtype: sub ? sub.base : f.dtype,
      label: `${this.label}[${pyStrRepr(name)}]`,
    });
  }

  /** The multi-field view `a[['x', 'id']]`: same shape, strides and itemsize, a dtype holding only those fields. */
  fieldsView(names: string[]): NDArray {
    const seen = new Set<string>();
    const fields = names.map((n) => {
      if (seen.has(n)) throw new LayoutError(`duplicate field of name ${pyStrRepr(n)}`);
      seen.add(n);
      return this.fieldNamed(n);
    });
    const dtype = DType.withFields(fields, this.dtype.itemsize);
    return this.derive({
      shape: this.shape.slice(),
      strides: this.strides.slice(),
      dtype,
      label: `${this.label}[[${names.map((n) => pyStrRepr(n)).join(', ')}]]`,
    });
  }

  private fieldNamed(name: string): Field {
    if (!this.dtype.fields)
      throw new LayoutError(`no field of name ${name}: the dtype ${this.dtype.str} is not structured`);
    const f = this.dtype.fields.find((x) => x.name === name || x.title === name);
    if (!f) throw new LayoutError(`no field of name ${name}`);
    return f;
  }

  /** `a.view(dtype)` with NumPy 2's rules for a different itemsize (resizes the last axis). */
  view(dtype: DType): NDArray {
    const label = `${this.label}.view('${dtype.str}')`;
    const old = this.dtype;
    if ((old.hasObject || dtype.hasObject) && !old.equals(dtype)) {
      throw new LayoutError('Cannot change data-type for array of references.');
    }
    let shape = this.shape.slice();
    let strides = this.strides.slice();
    if (dtype.itemsize !== old.itemsize) {
      if (this.ndim === 0) {
        throw new LayoutError('Changing the dtype of a 0d array is only supported if the itemsize is unchanged');
      }
      if (dtype.subarray) {
        throw new LayoutError(
          'Changing the dtype to a subarray type is only supported if the total itemsize is unchanged',
        );
      }
      const axis = this.ndim - 1;
      if (shape[axis] !== 1 && this.size !== 0 && strides[axis] !== old.itemsize) {
        throw new LayoutError('To change to a dtype of a different size, the last axis must be contiguous');
      }
      if (dtype.itemsize < old.itemsize) {
        if (dtype.itemsize === 0 || old.itemsize % dtype.itemsize !== 0) {
          throw new LayoutError(
            'When changing to a smaller dtype, its size must be a divisor of the size of original dtype',
          );
        }
        shape[axis] *= old.itemsize / dtype.itemsize;
      } else {
        const newdim = shape[axis] * old.itemsize;
        if (newdim % dtype.itemsize !== 0) {
          throw new LayoutError(
            'When changing to a larger dtype, its size must be a divisor of the total size in bytes of the last axis of the array.',
          );
        }
        shape[axis] = newdim / dtype.itemsize;
      }
      strides[axis] = dtype.itemsize;
    }
    let dt = dtype;
    if (dtype.subarray) {
      // viewing as a subarray dtype adds its dimensions
      shape = shape.concat(dtype.subarray.shape);
      strides = strides.concat(cStrides(dtype.subarray.shape, dtype.subarray.base.itemsize));
      dt = dtype.subarray.base;
    }
    return this.derive({ shape, strides, dtype: dt, label });
  }

  // ---------------------------------------------------------------- stride tricks

  /** `np.lib.stride_tricks.as_strided(a, shape, strides)`: any strides; no bounds promise. */
  static asStrided(a: NDArray, shape: number[], strides?: number[]): NDArray {
    checkShape(shape);
    const st = strides ?? a.strides; // as NumPy: without strides the array's own are kept
    if (st.length !== shape.length) throw new LayoutError('mismatch in length of strides and shape');
    return a.derive({
      shape: shape.slice(),
      strides: st.slice(),
      label: `as_strided(${a.label}, shape=${pyTupleRepr(shape)}, strides=${pyTupleRepr(st)})`,
      mayExceedMemory: true,
    });
  }

  /** `np.broadcast_to(a, shape)`: zero strides on the new and stretched axes; read-only like NumPy. */
  static broadcastTo(a: NDArray, shape: number[]): NDArray {
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d))) {
      throw new LayoutError('broadcast shape must be a sequence of integers');
    }
    if (shape.some((d) => d < 0)) throw new LayoutError('all elements of broadcast shape must be non-negative');
    if (shape.length < a.ndim) {
      throw new LayoutError('input operand has more dimensions than allowed by the axis remapping');
    }
    const lead = shape.length - a.ndim;
    const strides: number[] = [];
    for (let i = 0; i < shape.length; i++) {
      if (i < lead) {
        strides.push(0);
        continue;
      }
      const d = a.shape[i - lead];
      if (d === 1) strides.push(0);
      else if (d === shape[i]) strides.push(a.strides[i - lead]);
      else {
        throw new LayoutError(
          `operands could not be broadcast together with remapped shapes [original->remapped]: ${shapeString(a.shape)}  and requested shape ${shapeString(shape)}`,
        );
      }
    }
    return a.derive({
      shape: shape.slice(),
      strides,
      label: `broadcast_to(${a.label}, ${pyTupleRepr(shape)})`,
      writeable: false,
    });
  }

  /** `np.lib.stride_tricks.sliding_window_view(a, window_shape, axis)`; read-only like NumPy's default. */
  static slidingWindowView(a: NDArray, windowShape: number | number[], axis?: number | number[] | null): NDArray {
    const win = typeof windowShape === 'number' ? [windowShape] : windowShape.slice();
    if (!win.every((w) => Number.isSafeInteger(w))) throw new LayoutError('`window_shape` must contain integers');
    if (win.some((w) => w < 0)) throw new LayoutError('`window_shape` cannot contain negative values');
    let axes: number[];
    if (axis === undefined || axis === null) {
      axes = a.shape.map((_, i) => i);
      if (win.length !== axes.length) {
        throw new LayoutError(
          `Since axis is \`None\`, must provide window_shape for all dimensions of \`x\`; got ${win.length} window_shape elements and \`x.ndim\` is ${a.ndim}.`,
        );
      }
    } else {
      axes = (typeof axis === 'number' ? [axis] : axis).map((ax) => normalizeAxis(ax, a.ndim));
      if (win.length !== axes.length) {
        throw new LayoutError(
          `Must provide matching length window_shape and axis; got ${win.length} window_shape elements and ${axes.length} axes elements.`,
        );
      }
    }
    const trimmed = a.shape.slice();
    for (let k = 0; k < axes.length; k++) {
      if (trimmed[axes[k]] < win[k]) throw new LayoutError('window shape cannot be larger than input array shape');
      trimmed[axes[k]] -= win[k] - 1;
    }
    const argW = typeof windowShape === 'number' ? String(windowShape) : pyTupleRepr(win);
    const argA =
      axis === undefined || axis === null ? '' : `, axis=${typeof axis === 'number' ? axis : pyTupleRepr(axis)}`;
    return a.derive({
      shape: trimmed.concat(win),
      strides: a.strides.concat(axes.map((ax) => a.strides[ax])),
      label: `sliding_window_view(${a.label}, ${argW}${argA})`,
      writeable: false,
    });
  }

  /**
   * `np.ndarray(shape, dtype, buffer=a, offset=offset, strides=strides)`: the buffer is `a`'s bytes from its
   * first element (`a` must be C- or F-contiguous), with NumPy's "buffer is too small" and strides checks.
   */
  static fromBuffer(a: NDArray, dtype: DType, shape: number[], offset = 0, strides?: number[] | null): NDArray {
    const layout = a.layout;
    if (!isCContiguous(layout, a.itemsize) && !isFContiguous(layout, a.itemsize)) {
      throw new LayoutError('ndarray is not contiguous');
    }
    const bufLen = a.nbytes;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d))) {
      throw new LayoutError('shape must be a sequence of integers');
    }
    if (!Number.isSafeInteger(offset)) throw new LayoutError('offset must be an integer');
    const itemsize = dtype.itemsize;
    let dims = shape.slice();
    if (dims.length === 1 && dims[0] === -1) dims = [Math.floor((bufLen - offset) / itemsize)];
    checkShape(dims);
    if (strides !== undefined && strides !== null) {
      if (strides.length !== dims.length) throw new LayoutError('strides, if given, must be the same length as shape');
      // PyArray_CheckStrides
      let lower = 0;
      let upper = 0;
      if (!dims.some((d) => d === 0)) {
        for (let i = 0; i < dims.length; i++) {
          const span = (dims[i] - 1) * strides[i];
          if (span < 0) lower += span;
          else upper += span;
        }
        upper += itemsize;
      }
      const numbytes = bufLen === 0 ? shapeSize(dims) * itemsize : bufLen;
      if (upper > numbytes - offset || lower < -offset) {
        throw new LayoutError('strides is incompatible with shape of requested array and size of buffer');
      }
    } else if (bufLen < offset + itemsize * shapeSize(dims)) {
      throw new LayoutError('buffer is too small for requested array');
    }
    if (offset < 0) {
      // NumPy 2 lets a negative offset through (and then reads before the buffer); Stridescope refuses it.
      throw new LayoutError(`offset must be non-negative and no greater than buffer length (${bufLen})`);
    }
    const st = strides ? strides.slice() : cStrides(dims, itemsize);
    const stArg = strides ? `, strides=${pyTupleRepr(strides)}` : '';
    return a.derive({
      shape: dims,
      strides: st,
      offset: a.offset + offset,
      dtype,
      label: `ndarray(${pyTupleRepr(dims)}, '${dtype.str}', buffer=${a.label}, offset=${offset}${stArg})`,
    });
  }

  // ---------------------------------------------------------------- element reads

  /**
   * The elements at these memory offsets (as `elementOffset` gives them), in the order given, read in few spans:
   * elements within 64 KiB of each other share one `memory.read` (at most 1 MiB each) instead of one read per
   * element — a 4096-step walk of a mapped file is a handful of reads, not 4096.
   */
  getAtOffsets(offsets: readonly number[]): Value[] {
    const GAP = 64 * 1024;
    const MAX_SPAN = 1024 * 1024;
    const size = this.itemsize;
    const order = offsets.map((_, i) => i).sort((a, b) => offsets[a] - offsets[b]);
    const out = new Array<Value>(offsets.length);
    for (let i = 0; i < order.length;) {
      const start = offsets[order[i]];
      let end = start + size;
      let j = i;
      while (j + 1 < order.length) {
        const next = offsets[order[j + 1]];
        if (next - end > GAP || next + size - start > MAX_SPAN) break;
        end = Math.max(end, next + size);
        j++;
      }
      const bytes = this.memory.read(start, end - start);
      for (let k = i; k <= j; k++) out[order[k]] = this.dtype.decode(bytes, offsets[order[k]] - start);
      i = j + 1;
    }
    return out;
  }

  /** The element at `index` (negative indices count from the end). */
  get(index: number[]): Value {
    if (!Array.isArray(index) || index.length !== this.ndim) {
      throw new LayoutError(`an index of ${this.ndim} integers is needed for a ${this.ndim}-dimensional array`);
    }
    let off = this.offset;
    for (let i = 0; i < this.ndim; i++) {
      const n = this.shape[i];
      const k = index[i];
      if (!Number.isInteger(k) || k < -n || k >= n) {
        throw new LayoutError(`index ${k} is out of bounds for axis ${i} with size ${n}`);
      }
      off += (k < 0 ? k + n : k) * this.strides[i];
    }
    return this.dtype.decode(this.memory.read(off, this.itemsize), 0);
  }

  /** The first `limit` elements (default: all) in logical C order. */
  values(limit?: number): Value[] {
    const n = Math.min(this.size, limit === undefined ? this.size : Math.max(0, Math.floor(limit)));
    budgetItems(n, `reading ${n} elements of ${this.label}`);
    const out: Value[] = [];
    const offsets = walkOffsets(this.layout, 0, n);
    const dtype = this.dtype;
    this.readWindows(offsets, (window, lo, i, j) => {
      for (let k = i; k < j; k++) out.push(dtype.decode(window, offsets[k] - lo));
    });
    return out;
  }

  /** The elements' bytes in C order, F order, or 'A' (F when F-contiguous and not C-contiguous) — like tobytes(). */
  toBytes(order: 'C' | 'F' | 'A' = 'C'): Uint8Array {
    const out = new Uint8Array(this.checkedNBytes());
    this.gatherBytes(order, out);
    return out;
  }

  /** A C-ordered copy on new owned memory (OWNDATA, writeable, no base). */
  copy(): NDArray {
    const label = `${this.label}.copy()`;
    const memory = new OwnedMemory(label, this.checkedNBytes());
    this.gatherBytes('C', memory.view());
    // NumPy gives freshly allocated empty arrays zero strides
    const strides = this.size === 0 ? this.shape.map(() => 0) : cStrides(this.shape, this.itemsize);
    return new NDArray({
      memory,
      dtype: this.dtype,
      shape: this.shape,
      strides,
      offset: 0,
      base: null,
      ownsData: true,
      label,
    });
  }

  private checkedNBytes(): number {
    const nbytes = this.nbytes;
    if (nbytes > MAX_MATERIALISE) {
      throw new UnsupportedError(
        `${this.label} is ${nbytes} bytes: too large to copy out at once (read it in windows)`,
      );
    }
    // a strided gather also walks one float64 offset per element
    budgetScratch(this.flags.C_CONTIGUOUS ? nbytes : nbytes + this.size * 8, `a copy of ${this.label}`);
    return nbytes;
  }

  /**
   * Copy the elements' bytes, in `order`, into `out` (nbytes long). Owned memory is read in place; mapped
   * memory with one bounded read of the elements' byte span when that span is not much larger than the
   * elements themselves, else in READ_WINDOW windows. The gather runs along the innermost axis with typed
   * copies (one `set` per contiguous run).
   */
  private gatherBytes(order: 'C' | 'F' | 'A', out: Uint8Array): void {
    const nbytes = out.byteLength;
    if (nbytes === 0) return;
    const fl = this.flags;
    const useF = order === 'F' || (order === 'A' && fl.F_CONTIGUOUS && !fl.C_CONTIGUOUS);
    const layout: Layout = useF
      ? { shape: this.shape.slice().reverse(), strides: this.strides.slice().reverse(), offset: this.offset }
      : this.layout;
    const itemsize = this.itemsize;
    const { low, high } = byteBounds(layout, itemsize);
    if (isCContiguous(layout, itemsize)) {
      // one run: [offset, offset + nbytes) (low === offset for a C-contiguous layout)
      if (this.memory instanceof OwnedMemory) {
        this.memory.check(low, nbytes);
        out.set(this.memory.view().subarray(low, low + nbytes));
      } else out.set(this.memory.read(low, nbytes));
      return;
    }
    let src: Uint8Array | undefined;
    if (this.memory instanceof OwnedMemory) {
      try {
        this.memory.check(low, high - low);
        src = this.memory.view().subarray(low, high);
      } catch {
        src = undefined; // as_strided past the end: the windowed walk names the first element out of reach
      }
    } else if (high - low <= Math.min(MAX_MATERIALISE, Math.max(64 << 20, nbytes * 4))) {
      try {
        src = this.memory.read(low, high - low);
      } catch {
        src = undefined;
      }
    }
    if (src) {
      gatherStrided(src, layout.offset - low, layout.shape, layout.strides, itemsize, out);
      return;
    }
    let w = 0;
    const offsets = walkOffsets(layout, 0, this.size);
    this.readWindows(offsets, (window, lo, i, j) => {
      for (let k = i; k < j; k++) {
        const at = offsets[k] - lo;
        out.set(window.subarray(at, at + itemsize), w);
        w += itemsize;
      }
    });
  }

  /**
   * Read the elements at `offsets` (in that order) in bounded windows: consecutive elements whose bytes fit in
   * one READ_WINDOW are fetched with one `memory.read`, and `visit` gets each window (starting at byte `lo`)
   * with the range [i, j) of `offsets` it holds. Each read is checked by the memory.
   */
  private readWindows(
    offsets: Float64Array,
    visit: (window: Uint8Array, lo: number, i: number, j: number) => void,
  ): void {
    const itemsize = this.itemsize;
    const n = offsets.length;
    let i = 0;
    while (i < n) {
      let lo = offsets[i];
      let hi = lo + itemsize;
      let j = i + 1;
      while (j < n) {
        const o = offsets[j];
        const nlo = o < lo ? o : lo;
        const nhi = o + itemsize > hi ? o + itemsize : hi;
        if (nhi - nlo > READ_WINDOW) break;
        lo = nlo;
        hi = nhi;
        j++;
      }
      let window: Uint8Array;
      try {
        window = this.memory.read(lo, hi - lo);
      } catch (e) {
        if (j - i === 1) throw e;
        // name the first element that is out of reach
        for (let k = i; k < j; k++) this.memory.check(offsets[k], itemsize);
        throw e;
      }
      visit(window, lo, i, j);
      i = j;
    }
  }

  toString(): string {
    return `NDArray(${this.label}: shape=${pyTupleRepr(this.shape)}, strides=${pyTupleRepr(this.strides)}, offset=${this.offset}, dtype='${this.dtype.str}')`;
  }
}
