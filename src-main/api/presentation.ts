/**
 * What the renderer is shown of an open array: its summary (dtype, shape, strides, flags, first values, ctypes), a
 * view's facts, an element under a byte, a window of walk steps, a reinterpretation's warnings, and the names and
 * value texts the panes print. Pure functions of an OpenedArray: nothing here opens, closes or allocates.
 */
import { valueToJSON, type DType } from '../core/dtype';
import type { NDArray } from '../core/ndarray';
import { elementAt, elementOffset, unravelIndex } from '../core/layout';
import type { FileSource } from '../formats/fileSource';
import { inspectArray, hexAddress, headerDescr, reinterpretAt } from './inspect';
import { spaceSource } from './openForInspection';
import { dtypeReprText, elementText } from './valueText';
import { describeCtypes } from './explain';
import type { OpenedArray } from './sessionRegistry';
import type {
  ArraySummary,
  ByteLocation,
  DataModelId,
  DTypeInfo,
  ElementInfo,
  FieldSpan,
  ReinterpretResult,
  ViewInfo,
  WalkWindow,
} from './contract';

/** Bytes as lowercase hex, two digits a byte (the Bytes pane's wire format). */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Leaves of a structured dtype, flattened with dotted names (nested structs) and absolute item offsets. */
export function fieldSpans(dtype: DType, prefix = '', base = 0): FieldSpan[] {
  if (!dtype.fields) return [];
  const out: FieldSpan[] = [];
  for (const f of dtype.fields) {
    const name = prefix ? `${prefix}.${f.name}` : f.name;
    const inner = f.dtype.subarray ? f.dtype.subarray.base : f.dtype;
    if (inner.fields && !f.dtype.subarray) {
      out.push(...fieldSpans(inner, name, base + f.offset));
    } else {
      out.push({
        name,
        offset: base + f.offset,
        size: f.dtype.itemsize,
        str: inner.str,
        shape: f.dtype.subarray ? [...f.dtype.subarray.shape] : [],
      });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

export function dtypeInfo(dtype: DType, descr: unknown): DTypeInfo {
  return {
    str: dtype.str,
    name: dtype.name,
    descr,
    itemsize: dtype.itemsize,
    alignment: dtype.alignment,
    kind: dtype.kind,
    byteorder: dtype.byteorder,
    isNative: dtype.isNative,
    fields: dtype.fields ? fieldSpans(dtype) : null,
    repr: dtypeReprText(dtype),
  };
}

/** The bytes the panes show of `o`, as a FileSource (the example has no file: it shows an image of one). */
export function sourceOf(o: OpenedArray): FileSource {
  return spaceSource(o.file ?? '(built-in example)', o.bytes);
}

/** memory offset (from memory byte 0) -> file offset */
export function fileOffsetOf(o: OpenedArray, memoryOffset: number): number {
  return o.dataOffset + (memoryOffset - o.array.offset);
}

/** The name the panes call the array by: its console name, `x` (the seed's name, and every other array's too). */
export function nameOf(o: OpenedArray): string {
  return o.console ? o.console.name : 'x';
}

export function summary(o: OpenedArray, model: DataModelId): ArraySummary {
  const a = o.array;
  const json = inspectArray(a, {
    file: o.file,
    format: o.header
      ? { version: o.header.version, headerLength: o.header.headerLength, dataOffset: o.dataOffset }
      : null,
    fortranOrder: o.fortranOrder,
    readData: (off, n) => o.bytes.read(o.dataOffset + off, n),
    hash: false,
    valueLimit: 16,
  });
  return {
    id: o.id,
    label: o.label,
    source: o.source,
    file: o.file,
    grant: o.grant,
    fileSize: o.bytes.size,
    dataOffset: o.dataOffset,
    header: o.header,
    dtype: dtypeInfo(a.dtype, headerDescr(a)),
    shape: json.shape,
    strides: json.strides,
    offset: 0,
    size: a.size,
    ndim: a.ndim,
    nbytes: a.nbytes,
    fortranOrder: o.fortranOrder,
    flags: json.flags,
    address: hexAddress(a.address),
    ctypes: describeCtypes(a, nameOf(o), o.console ? o.console.model : model),
    values: json.values,
    valueTexts: a.values(json.values.length).map((val) => elementText(a.dtype, val)),
    memoryKind: a.memory.kind,
    platformModel: o.console ? o.console.model : model,
    npz: o.npz ? { member: o.npz.member, members: o.npz.members.map((m) => ({ ...m })) } : null,
  };
}

export function viewInfo(o: OpenedArray, expression: string, w: NDArray): ViewInfo {
  const f = w.flags;
  return {
    expression,
    shape: [...w.shape],
    strides: [...w.strides],
    offset: w.offset - o.array.offset,
    size: w.size,
    itemsize: w.itemsize,
    dtype: w.dtype.str,
    dtypeRepr: dtypeReprText(w.dtype),
    flags: {
      C_CONTIGUOUS: f.C_CONTIGUOUS,
      F_CONTIGUOUS: f.F_CONTIGUOUS,
      ALIGNED: f.ALIGNED,
      WRITEABLE: f.WRITEABLE,
      OWNDATA: f.OWNDATA,
    },
    dataOffset: o.dataOffset,
  };
}

export function elementInfo(o: OpenedArray, index: number[], byteInElement: number): ElementInfo {
  const a = o.array;
  const m = elementOffset(a.layout, index);
  const spans = a.dtype.fields ? fieldSpans(a.dtype) : [];
  const field = spans.find((s) => byteInElement >= s.offset && byteInElement < s.offset + s.size) ?? null;
  const value = a.get(index);
  return {
    index,
    fileOffset: fileOffsetOf(o, m),
    byteInElement,
    field,
    value: valueToJSON(value, a.dtype),
    text: elementText(a.dtype, value),
  };
}

export function locate(o: OpenedArray, fileOffset: number): ByteLocation {
  const headerPart =
    o.header?.parts.find((p) => p.name !== 'data' && fileOffset >= p.offset && fileOffset < p.offset + p.length)
      ?.name ?? null;
  if (headerPart) return { fileOffset, region: 'header', headerPart, element: null };
  const a = o.array;
  const m = fileOffset - o.dataOffset + a.offset;
  const hit = elementAt(a.layout, a.itemsize, m);
  if (!hit) return { fileOffset, region: 'outside', headerPart: null, element: null };
  return { fileOffset, region: 'data', headerPart: null, element: elementInfo(o, hit.index, hit.byteInElement) };
}

/** Steps `from` .. `from + count` of a view in logical C order, each with its offsets and value. */
export function walkWindow(o: OpenedArray, e: string, w: NDArray, from: number, count: number): WalkWindow {
  const n = Math.min(count, w.size - from);
  const indices = Array.from({ length: Math.max(0, n) }, (_, k) => unravelIndex(w.shape, from + k));
  const offsets = indices.map((index) => elementOffset(w.layout, index));
  // one read per span of nearby elements (a walk of a mapped file must not make thousands of reads on main)
  const values = w.getAtOffsets(offsets);
  const steps = [];
  for (let k = 0; k < n; k++) {
    const index = indices[k];
    const m = offsets[k];
    const value = values[k];
    steps.push({
      n: from + k,
      index,
      offset: m - o.array.offset,
      fileOffset: fileOffsetOf(o, m),
      value: valueToJSON(value, w.dtype),
      text: elementText(w.dtype, value),
    });
  }
  return { view: viewInfo(o, e, w), start: from, steps };
}

/**
 * The C types at `off` of the bytes the panes show, under data model `m`, with the element there and the warnings a
 * C reader needs: a misaligned address, a byte order that is not this machine's, a byte of the header, too few bytes.
 */
export function reinterpretReport(o: OpenedArray, off: number, m: DataModelId): ReinterpretResult {
  const json = reinterpretAt(sourceOf(o), off, m);
  const loc = locate(o, off);
  const warnings: string[] = [];
  const a = o.array;
  if (loc.region === 'data') {
    const address = a.memory.address + BigInt(off - o.dataOffset + a.offset);
    for (const size of [2, 4, 8]) {
      if (address % BigInt(size) !== 0n) {
        warnings.push(
          `address ${hexAddress(address)} is not a multiple of ${size}: a ${size}-byte C type read here is misaligned (slow on x86, a crash on some CPUs)`,
        );
        break;
      }
    }
    if (!a.dtype.isNative && a.dtype.byteorder !== '|') {
      warnings.push(
        `the array's dtype ${a.dtype.str} is ${a.dtype.byteorder === '>' ? 'big' : 'little'}-endian, not this machine's order: C code reading it natively sees the other column`,
      );
    }
  } else if (loc.region === 'header') {
    warnings.push(`byte ${off} is in the .npy header (${loc.headerPart}), not array data`);
  }
  const shortBy = Object.entries(json.values)
    .filter(([, val]) => val.le === null)
    .map(([k]) => k);
  if (shortBy.length) warnings.push(`fewer bytes than needed remain at the end of the file for: ${shortBy.join(', ')}`);
  return { ...json, model: m, element: loc.element, warnings };
}
