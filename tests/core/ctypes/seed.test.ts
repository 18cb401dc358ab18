/**
 * The seed page's example, reproduced: x = np.array([[0, 1], [2, 3]], dtype=np.int32) under each data model.
 * The page's output came from 32-bit Windows (ILP32): c_long is 4 bytes, c_longlong 8, c_intp is c_long.
 */
import { describe, expect, it } from 'vitest';
import { CtypesView, CPointer } from '../../../src-main/core/ctypes';
import { ILP32, LLP64, LP64 } from '../../../src-main/core/ctypeModel';
import { DType } from '../../../src-main/core/dtype';
import { ArgumentError, LifetimeError, UnsupportedError } from '../../../src-main/core/errors';
import { LifetimeRegistry } from '../../../src-main/core/lifetime';
import { OwnedMemory } from '../../../src-main/core/memory';
import { NDArray } from '../../../src-main/core/ndarray';

function seedX(): NDArray {
  const memory = new OwnedMemory('x', new Uint8Array(new Int32Array([0, 1, 2, 3]).buffer));
  return new NDArray({ memory, dtype: DType.parse('<i4'), shape: [2, 2], label: 'x' });
}

describe("the seed example under ILP32 (the page's own output)", () => {
  const x = seedX();
  const ct = new CtypesView(x, { model: 'ILP32' });
  it('data is the address of x[0, 0]', () => {
    expect(ct.data).toBe(x.memory.address);
  });
  it('data_as(POINTER(c_long)) is an LP_c_long; .contents is c_long(0)', () => {
    const p = ct.data_as(ct.POINTER('c_long'));
    expect(p.repr()).toMatch(/^<ctypes\.LP_c_long object at 0x[0-9a-f]+>$/);
    expect(p.contents.repr()).toBe('c_long(0)');
  });
  it('data_as(POINTER(c_longlong)).contents is c_longlong(4294967296): two int32s read as one', () => {
    expect(ct.data_as(ct.POINTER('c_longlong')).contents.repr()).toBe('c_longlong(4294967296)');
  });
  it('shape, shape_as(c_long), strides are c_long_Array_2; strides_as(c_longlong) a c_longlong_Array_2', () => {
    expect(ct.shape!.repr()).toMatch(/^<numpy\._core\._internal\.c_long_Array_2 object at 0x[0-9a-f]+>$/);
    expect(ct.shape_as('c_long')!.typeName).toBe('c_long_Array_2');
    expect(ct.strides!.typeName).toBe('c_long_Array_2');
    const s = ct.strides_as('c_longlong')!;
    expect(s.typeName).toBe('c_longlong_Array_2');
    expect(s.values).toEqual([8n, 4n]);
    expect(ct.shape!.values).toEqual([2, 2]);
  });
  it('c_int is c_long (ctypes aliases them when int and long are the same size)', () => {
    expect(ILP32.type('c_int')).toBe(ILP32.type('c_long'));
    expect(ILP32.sizeof('c_void_p')).toBe(4);
    expect(ILP32.type('c_size_t').name).toBe('c_ulong');
  });
});

describe('the seed example under LLP64 (64-bit Windows, NumPy 2)', () => {
  const ct = new CtypesView(seedX(), { model: 'LLP64' });
  it('c_long is still 4 bytes: c_long(0) and c_longlong(4294967296)', () => {
    expect(ct.data_as(ct.POINTER('c_long')).contents.repr()).toBe('c_long(0)');
    expect(ct.data_as(ct.POINTER('c_longlong')).contents.repr()).toBe('c_longlong(4294967296)');
  });
  it('c_intp is c_longlong, so shape is a c_longlong_Array_2', () => {
    expect(LLP64.intp.name).toBe('c_longlong');
    expect(ct.shape!.typeName).toBe('c_longlong_Array_2');
    expect(ct.strides_as('c_longlong')!.values).toEqual([8n, 4n]);
    expect(LLP64.type('c_size_t').name).toBe('c_ulonglong');
  });
});

describe('the seed example under LP64 (this Linux)', () => {
  const ct = new CtypesView(seedX());
  it('c_long is 8 bytes: data_as(POINTER(c_long)).contents is c_long(4294967296)', () => {
    expect(ct.data_as(ct.POINTER('c_long')).contents.repr()).toBe('c_long(4294967296)');
    // c_longlong IS c_long on LP64
    expect(LP64.type('c_longlong')).toBe(LP64.type('c_long'));
    expect(ct.data_as(ct.POINTER('c_longlong')).contents.repr()).toBe('c_long(4294967296)');
    expect(ct.data_as(ct.POINTER('c_int')).at(3)).toBe(3);
  });
  it('shape is c_long_Array_2; _as_parameter_ is data_as(c_void_p)', () => {
    expect(ct.shape!.typeName).toBe('c_long_Array_2');
    expect(ct._as_parameter_.repr()).toBe(`c_void_p(${ct.data})`);
    expect(ct.data_as('c_void_p').repr()).toBe(`c_void_p(${ct.data})`);
  });
  it('REPL lines', () => {
    const lines = ct.repl('x');
    expect(lines[0]).toEqual({ input: 'x.ctypes.data', output: ct.data.toString() });
    expect(lines.find((l) => l.input === 'list(x.ctypes.strides)')!.output).toBe('[8, 4]');
  });
});

describe('User Beware', () => {
  it('cast to a non-pointer type is refused as ctypes.cast refuses it', () => {
    const ct = new CtypesView(seedX());
    expect(() => ct.data_as(LP64.type('c_long'))).toThrow(ArgumentError);
    expect(() => ct.data_as(LP64.type('c_long'))).toThrow(/must be a pointer type, not c_long/);
  });
  it('misaligned, byte-swapped, itemsize-mismatched and non-contiguous pointers carry warnings', () => {
    const memory = new OwnedMemory(
      'buf',
      Uint8Array.from({ length: 40 }, (_, i) => i),
    );
    const owner = new NDArray({ memory, dtype: DType.parse('|u1'), shape: [40], label: 'buf' });
    const m = NDArray.fromBuffer(owner, DType.parse('>i4'), [3, 2], 1);
    const p = new CtypesView(m).data_as(LP64.POINTER('c_int'));
    expect(p.warnings.join('\n')).toMatch(/not a multiple of 4, the alignment of c_int/);
    expect(p.warnings.join('\n')).toMatch(/big-endian/);
    expect(p.at(0)).toBe(0x04030201); // little-endian C read of bytes 1..4
    const q = new CtypesView(m.index({ start: null, stop: null, step: 2 } as never)).data_as(LP64.POINTER('c_double'));
    expect(q.warnings.join('\n')).toMatch(/8 bytes but the array's items are 4/);
    expect(q.warnings.join('\n')).toMatch(/not C-contiguous/);
  });
  it('writing through a pointer into a read-only array warns; ctypes writes anyway', () => {
    const memory = new OwnedMemory('w', new Uint8Array(8));
    const a = new NDArray({ memory, dtype: DType.parse('<i4'), shape: [2], writeable: false, label: 'w' });
    const p = new CtypesView(a).data_as(LP64.POINTER('c_short'));
    expect(p.set(1, 70000)).toEqual([expect.stringMatching(/not writeable/)]);
    expect(p.at(1)).toBe(4464);
    expect(a.get([0])).toBe(4464 * 65536);
  });
  it('c_char_p is never dereferenced', () => {
    const ct = new CtypesView(seedX());
    expect(() => ct.data_as(LP64.POINTER('c_char_p')).contents).toThrow(UnsupportedError);
  });
  it('0-d arrays: shape and strides are None', () => {
    const memory = new OwnedMemory('z', new Uint8Array(new Float32Array([7.25]).buffer));
    const z = new NDArray({ memory, dtype: DType.parse('<f4'), shape: [], label: 'z' });
    const ct = new CtypesView(z);
    expect(ct.shape).toBeNull();
    expect(ct.strides_as('c_short')).toBeNull();
    expect(ct.data_as(ct.POINTER('c_float')).contents.repr()).toBe('c_float(7.25)');
  });
});

describe('pointers and lifetimes', () => {
  function temporary(lt: LifetimeRegistry): NDArray {
    const memory = new OwnedMemory('a+b', new Uint8Array(new Int32Array([0, 2, 4, 6]).buffer));
    lt.track(memory, { label: 'a+b', kind: 'temporary', origin: 'statement 1' });
    return new NDArray({ memory, dtype: DType.parse('<i4'), shape: [4], label: 'a+b' });
  }
  it('data_as keeps the array alive; a bare address does not, and reading it throws the warning', () => {
    const lt = new LifetimeRegistry();
    const stack1 = { label: 'statement 1' };
    const t = temporary(lt);
    lt.retain(stack1, t, { kind: 'temporary' });
    const ct = new CtypesView(t, { lifetime: lt });
    lt.retain(stack1, ct, { kind: 'temporary' });
    const ptr = ct.data_as(ct.POINTER('c_int'));
    const name = { label: 'ptr' };
    lt.retain(name, ptr, { kind: 'name' });
    const addr = ct.data;
    lt.drop(stack1, 'after statement 1');
    expect(t.memory.alive).toBe(true); // ptr._arr keeps it
    expect(ptr.at(2)).toBe(4);
    const raw = CPointer.fromAddress(addr + 4n, LP64.POINTER('c_int'), lt, 'q');
    expect(raw.at(0)).toBe(2);
    lt.drop(name, 'after statement 2 (del ptr)');
    expect(t.memory.alive).toBe(false);
    expect(() => raw.at(0)).toThrow(LifetimeError);
    expect(() => raw.at(0)).toThrow('q pointed into the temporary `a+b`, freed after statement 2 (del ptr)');
    expect(lt.warningFor(addr, { what: 'p' })).toBe(
      'p pointed into the temporary `a+b`, freed after statement 2 (del ptr)',
    );
  });
});
