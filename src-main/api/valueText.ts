/**
 * Values and dtypes as NumPy prints them, for every pane: `str(a[i])` of an element (`1.5`, `b'alpha'`, a record
 * `(1.5, 1, b'alpha')`) and `repr(a.dtype)` (`dtype([('x', '<f8'), ('id', '<i4')])`). The JSON spelling
 * (`valueToJSON`) stays the wire format for numbers; these strings are what a learner compares with Python.
 *
 * Structured records follow numpy/_core/arrayprint.py `_void_scalar_to_string` (str: float fields with Python's
 * `str`, complex fields with `ComplexFloatingFormat`, bytes and str fields as their repr); dtype reprs follow
 * numpy/_core/_dtype.py (`_struct_list_str` when the fields are packed in order, else `_struct_dict_str`;
 * `_scalar_str(short=True)` for each field's format). Expected strings: tests/fixtures/values (made by NumPy).
 */
import type { Complex, DType, Value } from '../core/dtype';
import { valueToJSON } from '../core/dtype';
import { pyBytesRepr, pyStrRepr, pyTupleRepr } from '../core/python/repr';
import { FloatingFormat, floatScalarText } from '../playground/numpy/format';
import { dtypeRepr, scalarStr } from '../playground/numpy/repr';

const floatBits = (itemsize: number): 16 | 32 | 64 => (itemsize === 2 ? 16 : itemsize === 4 ? 32 : 64);

/** `str(a[i])`: what `print(a[i])` shows for one element of dtype `d`. */
export function elementText(d: DType, v: Value): string {
  if (d.fields) return recordText(d, v);
  switch (d.kind) {
    case 'b':
    case 'i':
    case 'u':
    case 'f':
    case 'c':
    case 'S':
    case 'U':
      return scalarStr(d, v);
    default: {
      // datetime, timedelta, plain void, subarrays: the JSON spelling (a count, hex bytes, nested lists)
      const j = valueToJSON(v, d);
      return typeof j === 'string' ? j : JSON.stringify(j);
    }
  }
}

/** A structured record as `str(np.void)` prints it: `(1.5, 1, b'alpha')`, nested records in parentheses. */
function recordText(d: DType, v: Value): string {
  const rec = v as { [field: string]: Value };
  return pyTupleRepr(d.fields!.map((f) => fieldText(f.dtype, rec[f.name])));
}

function fieldText(d: DType, v: Value): string {
  if (d.fields) return recordText(d, v);
  if (d.subarray) {
    const items = (v as Value[]).map((x) => fieldText(d.subarray!.base, x));
    return `[${items.join(', ')}]`;
  }
  switch (d.kind) {
    case 'b':
      return v ? 'True' : 'False';
    case 'f':
      return floatScalarText(v as number, floatBits(d.itemsize));
    case 'c': {
      // ComplexFloatingFormat over the one value: `1.+2.j`, `-0.-0.5j`
      const c = v as Complex;
      const bits = floatBits(d.itemsize / 2);
      const re = new FloatingFormat([c.re], bits).format(c.re);
      const im = new FloatingFormat([c.im], bits, '+').format(c.im);
      return `${re}${im.trimEnd()}j`;
    }
    case 'S': {
      const b = v as Uint8Array;
      let n = b.length;
      while (n > 0 && b[n - 1] === 0) n--;
      return pyBytesRepr(b.subarray(0, n));
    }
    case 'U':
      return pyStrRepr(v as string);
    default:
      return elementText(d, v);
  }
}

/** `repr(dtype)` as NumPy 2 prints it. */
export function dtypeReprText(d: DType): string {
  if (!d.fields) return dtypeRepr(d);
  return `dtype(${structText(d)})`;
}

/** A structured dtype's construction text: the list form when packed in order, else the dict form. */
function structText(d: DType): string {
  const fields = d.fields!;
  let at = 0;
  const packed =
    fields.every((f) => {
      const ok = f.offset === at;
      at += f.dtype.itemsize;
      return ok;
    }) && at === d.itemsize;
  const nameText = (f: (typeof fields)[number]) =>
    f.title === null ? pyStrRepr(f.name) : `(${pyStrRepr(f.title)}, ${pyStrRepr(f.name)})`;
  if (packed) {
    const items = fields.map((f) => {
      const sub = f.dtype.subarray;
      if (sub) return `(${nameText(f)}, ${formatText(sub.base)}, ${pyTupleRepr(sub.shape)})`;
      return `(${nameText(f)}, ${formatText(f.dtype)})`;
    });
    return `[${items.join(', ')}]`;
  }
  const parts = [
    `'names': [${fields.map((f) => pyStrRepr(f.name)).join(', ')}]`,
    `'formats': [${fields.map((f) => formatText(f.dtype)).join(', ')}]`,
    `'offsets': [${fields.map((f) => f.offset).join(', ')}]`,
  ];
  if (fields.some((f) => f.title !== null))
    parts.push(`'titles': [${fields.map((f) => (f.title === null ? 'None' : pyStrRepr(f.title))).join(', ')}]`);
  parts.push(`'itemsize': ${d.itemsize}`);
  return `{${parts.join(', ')}}`;
}

/** numpy/_core/_dtype.py `_construction_repr(short=True)` of a field's dtype. */
function formatText(d: DType): string {
  if (d.fields) return structText(d);
  if (d.subarray) return `(${formatText(d.subarray.base)}, ${pyTupleRepr(d.subarray.shape)})`;
  const order = d.byteorder === '|' ? '' : d.byteorder;
  switch (d.kind) {
    case 'b':
      return "'?'";
    case 'O':
      return "'O'";
    case 'S':
      return `'S${d.itemsize}'`;
    case 'U':
      return `'${order}U${d.itemsize / 4}'`;
    case 'V':
      return `'V${d.itemsize}'`;
    case 'M':
    case 'm':
      return `'${d.str}'`;
    default:
      return `'${order}${d.kind}${d.itemsize}'`;
  }
}
