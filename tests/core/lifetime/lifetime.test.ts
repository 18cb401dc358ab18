/**
 * Lifetimes: which temporaries survive which statements must match what CPython + NumPy did
 * (tests/fixtures/ctypes/lifetime.json, observed with weakrefs by scripts/gen_ctypes_fixtures.py).
 * Each scenario drives the registry as the playground will: the statement's evaluation stack holds what the
 * statement creates, names hold what they are bound to, and the stack is dropped when the statement ends.
 */
import { describe, expect, it } from 'vitest';
import fixture from '../../fixtures/ctypes/lifetime.json';
import { CPointer, CValue, CtypesView } from '../../../src-main/core/ctypes';
import { LP64 } from '../../../src-main/core/ctypeModel';
import { DType } from '../../../src-main/core/dtype';
import { BoundsError, LifetimeError } from '../../../src-main/core/errors';
import { LifetimeRegistry } from '../../../src-main/core/lifetime';
import { OwnedMemory, type Memory } from '../../../src-main/core/memory';
import { NDArray } from '../../../src-main/core/ndarray';

class World {
  readonly lt = new LifetimeRegistry();
  private n = 0;
  private stack: object = {};
  private readonly names = new Map<string, object>();
  temp!: NDArray;
  alive: boolean[] = [];

  statement(fn: () => void): void {
    this.n++;
    this.stack = { label: `statement ${this.n}` };
    fn();
    this.lt.drop(this.stack, `after statement ${this.n}`);
    this.alive.push(this.temp.memory.alive);
  }
  /** an object the current statement created: held by the evaluation stack until the statement ends */
  tmp<T extends object>(o: T): T {
    this.lt.retain(this.stack, o, { kind: 'temporary' });
    return o;
  }
  aPlusB(): NDArray {
    const memory = new OwnedMemory('a+b', new Uint8Array(new Int32Array([0, 2, 4, 6]).buffer));
    this.lt.track(memory, { label: 'a+b', kind: 'temporary', origin: `statement ${this.n}` });
    this.temp = new NDArray({ memory, dtype: DType.parse('<i4'), shape: [4], label: 'a+b' });
    this.lt.adopt(this.temp);
    return this.tmp(this.temp);
  }
  ctypes(arr: NDArray): CtypesView {
    return this.tmp(new CtypesView(arr, { lifetime: this.lt }));
  }
  bind(name: string, value: object): void {
    const h = { label: name };
    this.lt.retain(h, value, { kind: 'name' });
    this.names.set(name, h);
  }
  bindAddress(name: string, address: bigint): void {
    const h = { label: name };
    this.lt.observe(h, address, { label: name });
    this.names.set(name, h);
  }
  del(name: string): void {
    this.lt.drop(this.names.get(name)!, `after statement ${this.n} (del ${name})`);
    this.names.delete(name);
  }
}

const step2 = { start: null, stop: null, step: 2 } as never;
const from1 = { start: 1, stop: null, step: null } as never;

const scenarios: Record<string, (w: World) => void> = {
  'temporary-address': (w) => {
    let p = 0n;
    w.statement(() => {
      p = w.ctypes(w.aPlusB()).data;
      w.bindAddress('p', p);
    });
    w.statement(() => w.bindAddress('q', p + 4n));
    expect(w.lt.warningFor(p, { what: 'p' })).toBe('p pointed into the temporary `a+b`, freed after statement 1');
    expect(w.lt.provenance(p + 4n)!.offset).toBe(4);
  },
  'ctypes-keeps-alive': (w) => {
    let ct!: CtypesView;
    w.statement(() => {
      ct = w.ctypes(w.aPlusB());
      w.bind('ct', ct);
    });
    w.statement(() => w.bindAddress('p', ct.data));
    w.statement(() => w.del('ct'));
    expect(w.lt.warningFor(ct.data)).toBe(
      'this address pointed into the temporary `a+b`, freed after statement 3 (del ct)',
    );
  },
  'pointer-keeps-alive': (w) => {
    let ptr!: CPointer;
    w.statement(() => {
      ptr = w.tmp(w.ctypes(w.aPlusB()).data_as(LP64.POINTER('c_int')));
      w.bind('ptr', ptr);
    });
    w.statement(() => expect(ptr.at(1)).toBe(2));
    w.statement(() => w.del('ptr'));
  },
  'void-p-keeps-alive': (w) => {
    w.statement(() => w.bind('vp', w.tmp(w.ctypes(w.aPlusB()).data_as('c_void_p'))));
    w.statement(() => w.del('vp'));
  },
  'as-parameter-keeps-alive': (w) => {
    w.statement(() => w.bind('ap', w.tmp(w.ctypes(w.aPlusB())._as_parameter_)));
    w.statement(() => w.del('ap'));
  },
  'view-keeps-base': (w) => {
    let v!: NDArray;
    w.statement(() => {
      v = w.aPlusB().index(step2);
      w.lt.adopt(v);
      w.bind('v', w.tmp(v));
    });
    w.statement(() => {
      const u = v.index(from1);
      w.lt.adopt(u);
      w.bind('w', w.tmp(u));
    });
    w.statement(() => w.del('v'));
    w.statement(() => w.del('w'));
  },
  'c-void-p-of-int': (w) => {
    w.statement(() => {
      const addr = w.ctypes(w.aPlusB()).data;
      const vp = w.tmp(new CValue(LP64.type('c_void_p'), addr)); // c_void_p(int): holds a number, not the array
      w.bind('vp', vp);
      w.lt.observe(vp, addr);
    });
    w.statement(() => w.del('vp'));
  },
  'ctypes-then-pointer': (w) => {
    let ct!: CtypesView;
    w.statement(() => {
      ct = w.ctypes(w.aPlusB());
      w.bind('ct', ct);
    });
    w.statement(() => w.bind('ptr', w.tmp(ct.data_as(LP64.POINTER('c_int')))));
    w.statement(() => w.del('ct'));
    w.statement(() => w.del('ptr'));
  },
};

describe('temporaries live exactly as long as in CPython + NumPy', () => {
  it('every fixture scenario has a driver', () => {
    expect(Object.keys(scenarios).sort()).toEqual(fixture.scenarios.map((s) => s.name).sort());
  });
  for (const s of fixture.scenarios) {
    it(`${s.name}: ${s.statements.join('; ')}`, () => {
      const w = new World();
      scenarios[s.name](w);
      expect(w.alive).toEqual(s.tempAlive);
    });
  }
});

/** A file mapping for tests: the Memory interface with kind 'mapped', backed by an OwnedMemory. */
class TestMapping implements Memory {
  readonly kind = 'mapped' as const;
  private readonly inner: OwnedMemory;
  constructor(
    readonly label: string,
    size: number,
  ) {
    this.inner = new OwnedMemory(label, size);
  }
  get size() {
    return this.inner.size;
  }
  get address() {
    return this.inner.address;
  }
  get writeable() {
    return this.inner.writeable;
  }
  get alive() {
    return this.inner.alive;
  }
  get releasedBy() {
    return this.inner.releasedBy;
  }
  check(o: number, l: number) {
    this.inner.check(o, l);
  }
  read(o: number, l: number) {
    return this.inner.read(o, l);
  }
  write(o: number, d: Uint8Array) {
    this.inner.write(o, d);
  }
  release(by: string) {
    this.inner.release(by);
  }
}

describe('registry', () => {
  it('release frees only when nothing live holds the memory, and names the holders otherwise', () => {
    const lt = new LifetimeRegistry();
    const m = new OwnedMemory('a', 16);
    const a = lt.track(m, { label: 'a', origin: 'statement 1' });
    const holder = { label: 'view a[::2]' };
    lt.retain(holder, m, { kind: 'view' });
    expect(lt.release(m, 'del a')).toEqual({ freed: false, heldBy: ['view a[::2]'] });
    expect(a.state).toBe('live');
    lt.unretain(holder, m, 'statement 4');
    expect(a.state).toBe('freed');
    expect(a.releasedBy).toBe('statement 4');
    const n = new OwnedMemory('n', 8);
    lt.track(n);
    expect(lt.release(n, 'statement 5')).toEqual({ freed: true, heldBy: [] });
    expect(() => lt.retain(holder, n)).toThrow(LifetimeError);
  });

  it('mappings are mapped, then closed; warnings say unmapped', () => {
    const lt = new LifetimeRegistry();
    const mm = new TestMapping('/data/x.npy', 64);
    const rec = lt.track(mm, { origin: "np.load(mmap_mode='r')" });
    expect(rec.kind).toBe('mapped');
    expect(rec.state).toBe('mapped');
    expect(lt.warningFor(mm.address + 8n)).toBeNull();
    lt.release(mm, 'by m._mmap.close()');
    expect(rec.state).toBe('closed');
    expect(lt.warningFor(mm.address + 8n, { what: 'p' })).toBe(
      'p pointed into the mapping of `/data/x.npy`, unmapped by m._mmap.close()',
    );
    expect(() => lt.checkRead(mm, 8, 4, 'p')).toThrow(
      'p pointed into the mapping of `/data/x.npy`, unmapped by m._mmap.close()',
    );
  });

  it('provenance: live allocations first, then the most recently freed; unknown addresses', () => {
    const lt = new LifetimeRegistry();
    const m1 = new OwnedMemory('t1', 32);
    const m2 = new OwnedMemory('t2', 32);
    lt.track(m1, { kind: 'temporary' });
    lt.track(m2, { kind: 'temporary' });
    expect(lt.provenance(m2.address + 31n)).toMatchObject({ offset: 31, allocation: { label: 't2', state: 'live' } });
    expect(lt.provenance(m2.address + 32n)?.allocation.label).not.toBe('t2');
    lt.release(m1, 'after statement 1');
    expect(lt.provenance(m1.address)).toMatchObject({
      offset: 0,
      allocation: { label: 't1', state: 'freed', releasedBy: 'after statement 1' },
    });
    expect(lt.warningFor(m1.address + 3n)).toBe(
      'this address pointed into the temporary `t1`, freed after statement 1',
    );
    expect(lt.warningFor(1n)).toMatch(/does not point into any allocation/);
    expect(() => lt.checkRead(m2, 30, 4)).toThrow(BoundsError);
  });

  it('snapshot: allocations, holders and edges (a bare address keeps nothing alive)', () => {
    const lt = new LifetimeRegistry();
    const memory = new OwnedMemory('a', new Uint8Array(new Int32Array([1, 2, 3, 4]).buffer));
    const a = new NDArray({ memory, dtype: DType.parse('<i4'), shape: [4], label: 'a' });
    const v = a.index(step2);
    lt.adopt(v);
    const nameA = { label: 'a' };
    const nameV = { label: 'v' };
    lt.retain(nameA, a, { kind: 'name' });
    lt.retain(nameV, v, { kind: 'name' });
    const ct = new CtypesView(v, { lifetime: lt, label: 'ct' });
    const p = { label: 'p' };
    lt.observe(p, ct.data);
    const snap = lt.snapshot();
    expect(snap.allocations).toEqual([
      expect.objectContaining({
        label: 'a',
        kind: 'owned',
        state: 'live',
        size: 16,
        refcount: 1,
        address: `0x${memory.address.toString(16)}`,
      }),
    ]);
    const kinds = snap.edges.map((e) => [e.kind, e.keepsAlive]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['view', true],
        ['array', true],
        ['ctypes', true],
        ['address', false],
      ]),
    );
    lt.drop(ct, 'del ct');
    expect(memory.alive).toBe(true); // the names a and v still hold
    lt.drop(nameA, 'del a');
    expect(memory.alive).toBe(true); // v's base is a
    lt.drop(nameV, 'del v');
    expect(memory.alive).toBe(false);
    expect(lt.snapshot().allocations[0]).toMatchObject({ state: 'freed', releasedBy: 'del v', refcount: 0 });
  });
});
