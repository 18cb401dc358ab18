/**
 * arr.ctypes against what NumPy + ctypes said on an LP64 Linux (scripts/gen_ctypes_fixtures.py).
 */
import { describe, expect, it } from 'vitest';
import expected from '../../fixtures/ctypes/expected.json';
import { CtypesView } from '../../../src-main/core/ctypes';
import { CTYPE_NAMES, LP64, convertToC, cValueRepr } from '../../../src-main/core/ctypeModel';
import { DType } from '../../../src-main/core/dtype';
import { BoundsError } from '../../../src-main/core/errors';
import { OwnedMemory } from '../../../src-main/core/memory';
import { NDArray } from '../../../src-main/core/ndarray';

type Case = (typeof expected.cases)[number];

function build(c: Case): { arr: NDArray; memory: OwnedMemory } {
  const bytes = Uint8Array.from(Buffer.from(c.base.hex, 'hex'));
  const memory = new OwnedMemory(c.name, bytes);
  const owner = new NDArray({ memory, dtype: DType.parse('|u1'), shape: [bytes.length], label: c.name });
  const arr = new NDArray({
    memory,
    dtype: DType.parse(c.dtype),
    shape: c.layout.shape,
    strides: c.layout.strides,
    offset: c.layout.offset,
    base: owner,
    writeable: c.writeable,
  });
  return { arr, memory };
}

describe('ctypes type table (LP64) equals ctypes.sizeof / alignment / aliasing', () => {
  it('covers every name the generator knows', () => {
    expect(Object.keys(expected.types).sort()).toEqual([...CTYPE_NAMES].sort());
  });
  for (const [name, t] of Object.entries(expected.types)) {
    it(name, () => {
      const ours = LP64.type(name);
      expect({ className: ours.name, sizeof: ours.size, alignment: ours.alignment }).toEqual(t);
      expect(LP64.sizeof(name)).toBe(t.sizeof);
    });
  }
  it('c_intp is numpy.ctypeslib.c_intp', () => {
    expect(LP64.intp.name).toBe(expected.meta.c_intp);
    expect(LP64.intp.size).toBe(expected.meta.intp);
  });
});

describe('Python reprs of ctypes instances', () => {
  const floatOf = (v: number | string): number =>
    v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0.0' ? -0 : (v as number);
  for (const t of ['c_double', 'c_float'] as const) {
    it(t, () => {
      for (const [v, repr] of expected.reprs[t]) {
        const type = LP64.type(t);
        expect(cValueRepr(type, convertToC(type, floatOf(v as number | string)))).toBe(repr);
      }
    });
  }
  const intTypes = Object.keys(expected.reprs).filter(
    (k) => !['c_double', 'c_float', 'c_char', 'c_void_p', 'arrays', 'pointers'].includes(k),
  );
  for (const t of intTypes) {
    it(`${t} (silent wrap-around)`, () => {
      const type = LP64.type(t);
      for (const [v, repr] of (expected.reprs as unknown as Record<string, [string, string][]>)[t]) {
        expect(cValueRepr(type, convertToC(type, BigInt(v)))).toBe(repr);
      }
    });
  }
  it('c_char and c_void_p', () => {
    for (const [v, repr] of expected.reprs.c_char)
      expect(cValueRepr(LP64.type('c_char'), convertToC(LP64.type('c_char'), v as number))).toBe(repr);
    for (const [v, repr] of expected.reprs.c_void_p)
      expect(cValueRepr(LP64.type('c_void_p'), convertToC(LP64.type('c_void_p'), BigInt(v)))).toBe(repr);
  });
  it('array and pointer type names', () => {
    for (const [k, name] of Object.entries(expected.reprs.arrays)) {
      const [t, n] = k.split('*');
      expect(LP64.arrayTypeName(t, Number(n))).toBe(name);
    }
    for (const [t, name] of Object.entries(expected.reprs.pointers)) expect(LP64.POINTER(t).name).toBe(name);
  });
});

describe.each(expected.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  it('data is memory.address + offset; shape and strides are c_intp arrays', () => {
    const { arr, memory } = build(c);
    const ct = new CtypesView(arr);
    expect(ct.data - memory.address).toBe(BigInt(c.dataOffset));
    expect(ct.data).toBe(arr.address);
    if (c.shape === null) {
      expect(ct.shape).toBeNull();
      expect(ct.strides).toBeNull();
    } else {
      expect(ct.shape!.values.map(Number)).toEqual(c.shape);
      expect(ct.strides!.values.map(Number)).toEqual(c.strides);
      expect(ct.shape!.typeName).toBe(c.shapeType);
      expect(ct.shape!.repr()).toMatch(
        new RegExp(`^<${c.shapeModule!.replace(/\./g, '\\.')}\\.${c.shapeType} object at 0x[0-9a-f]+>$`),
      );
    }
    expect(c.asParameterIsDataAsVoidP).toBe(true);
    expect(ct._as_parameter_.repr()).toBe(`c_void_p(${ct.data})`);
  });

  it('shape_as / strides_as convert like ctypes (silent truncation)', () => {
    const ct = new CtypesView(build(c).arr);
    for (const [t, want] of Object.entries(c.shapeAs)) {
      const got = ct.shape_as(t);
      if (want === null) expect(got).toBeNull();
      else {
        expect(got!.typeName).toBe(want.type);
        expect(got!.listRepr()).toBe(`[${want.repr.join(', ')}]`);
      }
    }
    for (const [t, want] of Object.entries(c.stridesAs)) {
      const got = ct.strides_as(t);
      if (want === null) expect(got).toBeNull();
      else {
        expect(got!.typeName).toBe(want.type);
        expect(got!.listRepr()).toBe(`[${want.repr.join(', ')}]`);
      }
    }
  });

  it('data_as(POINTER(T)): contents, ptr[i] over the whole allocation, bounds beyond it', () => {
    const { arr, memory } = build(c);
    const ct = new CtypesView(arr);
    for (const [t, want] of Object.entries(c.dataAs)) {
      const ptr = ct.data_as(ct.POINTER(t));
      expect(ptr.type.name).toBe(want.pointerType);
      expect(ptr.repr()).toMatch(new RegExp(`^<ctypes\\.${want.pointerType} object at 0x[0-9a-f]+>$`));
      if (want.contents === null) expect(() => ptr.contents).toThrow(BoundsError);
      else expect(ptr.contents.repr()).toBe(want.contents);
      const idx = Object.keys(want.items).map(Number);
      for (const i of idx)
        expect([t, i, ptr.read(i).valueRepr]).toEqual([t, i, (want.items as Record<string, string>)[String(i)]]);
      const lo = idx.length ? Math.min(...idx) : 0;
      const hi = idx.length ? Math.max(...idx) + 1 : 0;
      expect(() => ptr.at(lo - 1)).toThrow(BoundsError);
      expect(() => ptr.at(hi)).toThrow(BoundsError);
      // misalignment: numpy's base address mod 64 may differ from ours; both follow (base + offset) % alignment
      const align = ptr.target.alignment;
      expect(want.misalignment).toBe((c.base.addressMod64 + c.dataOffset) % align);
      const ours = Number(ct.data % BigInt(align));
      expect(ours).toBe((Number(memory.address % 64n) + c.dataOffset) % align);
      expect(ptr.warnings.some((w) => w.includes('not a multiple of'))).toBe(ours !== 0);
    }
  });
});
