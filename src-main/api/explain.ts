/**
 * The app's explanations built from the core: `x.ctypes` as NumPy prints it, a `data_as(POINTER(T))` read,
 * the lifetime scenarios of the seed page run for real against the lifetime registry, and the kernel catalogue.
 * Used by handlers.ts; pure over core + platform (no Electron).
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LifetimeError, StridescopeError } from '../core/errors';
import { DType } from '../core/dtype';
import { OwnedMemory, type Memory } from '../core/memory';
import { NDArray } from '../core/ndarray';
import { CtypesView, CPointer } from '../core/ctypes';
import { LifetimeRegistry } from '../core/lifetime';
import { KERNEL_NAMES, kernelPrototype } from '../platform/nativeKernels';
import type { Mapper } from '../formats/npy';
import type {
  CTypeName,
  CtypesInfo,
  DataModelId,
  KernelInfo,
  LifetimeReport,
  LifetimeScenarioName,
  LifetimeStatement,
  LifetimeWarning,
  PointerResult,
} from './contract';

function hex(a: bigint): string {
  return '0x' + a.toString(16);
}

export function describeCtypes(arr: NDArray, name: string, model: DataModelId): CtypesInfo {
  const ct = new CtypesView(arr, { model });
  const shape = ct.shape;
  return {
    data: hex(ct.data),
    dataDecimal: ct.data.toString(),
    shape: [...arr.shape],
    strides: [...arr.strides],
    arrayType: shape ? shape.typeName : `${ct.intp.name}_Array_0`,
    repl: ct.repl(name),
  };
}

export interface PointerAsk {
  array: NDArray;
  /** the Python name of the array in the printed expression ("x" for the example, "a" for files) */
  name: string;
  expression: string;
  ctype: CTypeName;
  model: DataModelId;
  index: number;
  fileOffsetOf: (memoryOffset: number) => number;
}

/** `<expr>.ctypes.data_as(POINTER(T)).contents` (index 0) or `[...][i]`, read through the core's CPointer. */
export function readPointer(ask: PointerAsk): PointerResult {
  const ct = new CtypesView(ask.array, { model: ask.model });
  const ptr = ct.data_as(ct.POINTER(ask.ctype));
  const r = ptr.read(ask.index);
  const expr = ask.expression === 'a' ? ask.name : ask.expression.replace(/\ba\b/g, ask.name);
  const base = `${expr}.ctypes.data_as(POINTER(${ask.ctype}))`;
  return {
    python: ask.index === 0 ? `${base}.contents` : `${base}[${ask.index}]`,
    repr: ask.index === 0 ? r.repr : r.valueRepr,
    value:
      typeof r.value === 'bigint'
        ? r.value.toString()
        : r.value instanceof Uint8Array
          ? Buffer.from(r.value).toString('hex')
          : r.value,
    ctype: ask.ctype,
    size: ptr.target.size,
    model: ask.model,
    address: hex(r.address),
    fileOffset: ask.fileOffsetOf(r.memoryOffset),
    bytes: Buffer.from(r.bytes).toString('hex'),
    warnings: [...ptr.warnings],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Lifetime scenarios: the seed page's warning, statement by statement, with real buffers and a real mapping.

const I4 = (): DType => DType.parse('<i4');

function int32Array(
  label: string,
  values: number[],
  kind: 'owned' | 'temporary',
  reg: LifetimeRegistry,
  statement: number,
): NDArray {
  const memory = new OwnedMemory(label, new Uint8Array(new Int32Array(values).buffer));
  reg.track(memory, { label, kind, origin: `statement ${statement}` });
  const arr = new NDArray({ memory, dtype: I4(), shape: [values.length], ownsData: true, label });
  reg.retain(arr, memory, { kind: 'array', label });
  return arr;
}

function sum(label: string, a: NDArray, b: NDArray, reg: LifetimeRegistry, statement: number): NDArray {
  const values = (a.values() as number[]).map((x, i) => x + (b.values() as number[])[i]);
  return int32Array(label, values, 'temporary', reg, statement);
}

/** Run one scenario. `mapper` maps the temporary file of 'closed-mapping' (the real OS mapping). */
export function runLifetimeScenario(name: LifetimeScenarioName, mapper: Mapper): LifetimeReport {
  const reg = new LifetimeRegistry();
  const statements: LifetimeStatement[] = [];
  const warnings: LifetimeWarning[] = [];
  const say = (source: string, effect: string) => statements.push({ n: statements.length + 1, source, effect });
  const names = new Map<string, object>();
  const bind = (n: string, target: object, kind: 'name' = 'name') => {
    const holder = { label: `name ${n}` };
    reg.retain(holder, target, { kind, label: `name ${n}` });
    names.set(n, holder);
  };
  const warnFrom = (e: unknown, address: bigint | null) => {
    if (e instanceof LifetimeError) {
      const p = address !== null ? reg.provenance(address) : null;
      warnings.push({
        message: e.message,
        allocation: p?.allocation.id ?? null,
        address: address !== null ? hex(address) : null,
      });
      return e.message;
    }
    throw e;
  };
  let cleanup: (() => void) | undefined;

  try {
    if (name === 'temporary-address' || name === 'ctypes-keeps-alive' || name === 'pointer-keeps-alive') {
      const a = int32Array('a', [1, 2, 3, 4], 'owned', reg, 1);
      bind('a', a);
      say('a = np.array([1, 2, 3, 4], dtype=np.int32)', `allocated a: 16 bytes at ${hex(a.address)}`);
      const b = int32Array('b', [10, 20, 30, 40], 'owned', reg, 2);
      bind('b', b);
      say('b = np.array([10, 20, 30, 40], dtype=np.int32)', `allocated b: 16 bytes at ${hex(b.address)}`);
      const scenario = name;
      const stack = { label: 'statement 3 (evaluation stack)' };
      const t = sum('a+b', a, b, reg, 3);
      reg.retain(stack, t, { kind: 'temporary', label: 'statement 3 (evaluation stack)' });
      if (scenario === 'temporary-address') {
        const p = new CtypesView(t).data;
        const pHolder = { label: 'p' };
        reg.observe(pHolder, p, { label: 'p (a bare int)' });
        reg.drop(stack, 'after statement 3');
        say(
          'p = (a+b).ctypes.data',
          `allocated the temporary a+b at ${hex(p)}; p = ${p} is a plain int: it keeps nothing alive; a+b freed after statement 3`,
        );
        const ptr = CPointer.fromAddress(p, new CtypesView(a).POINTER('c_int'), reg, 'p');
        try {
          const v = ptr.at(0);
          say('ctypes.cast(p, POINTER(c_int))[0]', `read ${String(v)}`);
        } catch (e) {
          say('ctypes.cast(p, POINTER(c_int))[0]', `refused: ${warnFrom(e, p)}`);
        }
      } else if (scenario === 'ctypes-keeps-alive') {
        const ct = new CtypesView(t, { lifetime: reg, label: 'ct = (a+b).ctypes' });
        bind('ct', ct);
        reg.drop(stack, 'after statement 3');
        say('ct = (a+b).ctypes', `the temporary a+b at ${hex(ct.data)} is held by ct (ct._arr): it stays alive`);
        const ptr = ct.data_as(ct.POINTER('c_int'));
        say('ct.data_as(POINTER(c_int))[2]', `read ${String(ptr.at(2))} (a+b is alive)`);
        reg.drop(ptr, 'after statement 4');
        const p = ct.data;
        reg.observe({ label: 'p' }, p, { label: 'p (a bare int)' });
        say('p = ct.data', `p = ${p}: a plain int, it keeps nothing alive`);
        reg.drop(names.get('ct')!, 'by del ct (statement 6)');
        say('del ct', 'the last reference to a+b is gone: freed by del ct (statement 6)');
        try {
          CPointer.fromAddress(p, ct.POINTER('c_int'), reg, 'p').at(0);
        } catch (e) {
          say('ctypes.cast(p, POINTER(c_int))[0]', `refused: ${warnFrom(e, p)}`);
        }
      } else {
        const ctv = new CtypesView(t, { lifetime: reg, label: '(a+b).ctypes' });
        const ptr = ctv.data_as(ctv.POINTER('c_int'));
        bind('ptr', ptr);
        reg.drop(ctv, 'after statement 3');
        reg.drop(stack, 'after statement 3');
        say(
          'ptr = (a+b).ctypes.data_as(POINTER(c_int))',
          'ptr keeps a+b alive (NumPy sets ptr._arr): the seed page\'s warning ("returns a pointer to memory that is invalid") is history for data_as',
        );
        say('ptr[1]', `read ${String(ptr.at(1))}`);
        for (const w of ptr.warnings) warnings.push({ message: w, allocation: null, address: hex(ptr.address) });
      }
    } else {
      // closed-mapping: a real file, really mapped and unmapped.
      const dir = mkdtempSync(join(tmpdir(), 'stridescope-lifetime-'));
      const file = join(dir, 'm.bin');
      writeFileSync(file, new Uint8Array(new Int32Array([7, 8, 9, 10]).buffer));
      cleanup = () => rmSync(dir, { recursive: true, force: true });
      const memory: Memory = mapper(file, { offset: 0, length: 16, mode: 'r' });
      reg.track(memory, { label: 'm.bin', origin: 'statement 1' });
      const m = new NDArray({ memory, dtype: I4(), shape: [4], ownsData: false, label: 'm', writeable: false });
      reg.retain(m, memory, { kind: 'array', label: 'm' });
      bind('m', m);
      say("m = np.memmap('m.bin', dtype=np.int32, mode='r')", `mapped m.bin: 16 bytes at ${hex(m.address)}`);
      const p = new CtypesView(m).data;
      reg.observe({ label: 'p' }, p, { label: 'p (a bare int)' });
      say('p = m.ctypes.data', `p = ${p}: a plain int, it keeps nothing alive`);
      reg.drop(names.get('m')!, 'by del m (statement 3)');
      say('del m', 'the last reference to the mapping is gone: m.bin unmapped by del m (statement 3)');
      try {
        CPointer.fromAddress(p, new CtypesView(m).POINTER('c_int'), reg, 'p').at(0);
      } catch (e) {
        say('ctypes.cast(p, POINTER(c_int))[0]', `refused: ${warnFrom(e, p)}`);
      }
    }
  } catch (e) {
    if (!(e instanceof StridescopeError)) throw e;
    warnings.push({ message: e.message, allocation: null, address: null });
  } finally {
    cleanup?.();
  }

  return reportOf(reg, name, statements, warnings);
}

/** A registry's state as the contract's LifetimeReport. */
export function reportOf(
  reg: LifetimeRegistry,
  scenario: LifetimeScenarioName | null,
  statements: LifetimeStatement[],
  warnings: LifetimeWarning[],
): LifetimeReport {
  const snap = reg.snapshot();
  const labelOf = new Map(snap.holders.map((h) => [h.id, h.label]));
  const allocOf = new Set(snap.allocations.map((a) => a.id));
  const holds = snap.edges.map((e) => ({
    holder: labelOf.get(e.from) ?? e.from,
    allocation: allocOf.has(e.to) ? e.to : (labelOf.get(e.to) ?? e.to),
    kind: e.kind,
    keepsAlive: e.keepsAlive,
  }));
  return {
    scenario,
    statements,
    allocations: snap.allocations.map((a) => ({
      id: a.id,
      label: a.label,
      kind: a.kind,
      createdBy: a.createdBy,
      refcount: a.refcount,
      state: a.state,
      address: a.address,
      size: a.size,
      releasedBy: a.releasedBy,
    })),
    holds,
    warnings,
  };
}

// ---------------------------------------------------------------------------------------------------------------

const KERNEL_TEXT: Record<string, string> = {
  sum: 'sum of every element, walking the strides (as NumPy sums that dtype)',
  min: 'smallest element',
  max: 'largest element',
  count_nan: 'how many elements are NaN',
  count_nonzero: 'how many elements are not zero',
  checksum: 'a checksum of the element bytes in logical order',
  contiguous_copy: 'copy the view into a fresh C-contiguous buffer (what np.ascontiguousarray does)',
};

export function kernelCatalog(): KernelInfo[] {
  return KERNEL_NAMES.map((name) => ({ name, prototype: kernelPrototype(name), description: KERNEL_TEXT[name] ?? '' }));
}
