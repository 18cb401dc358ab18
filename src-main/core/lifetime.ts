/**
 * Lifetime: which allocations exist, who keeps whom alive, and where an address came from.
 *
 * The model is CPython's reference counting, reduced to what the seed page warns about:
 *
 *   (a+b).ctypes.data_as(ctypes.c_void_p)  -> the pointer keeps (a+b) alive (NumPy sets `ptr._arr = arr`)
 *   ct = (a+b).ctypes                      -> ct keeps (a+b) alive (`_ctypes._arr`)
 *   p = (a+b).ctypes.data                  -> a bare int: keeps NOTHING alive; (a+b) is freed after the statement
 *   v = a[::2]                             -> a view keeps its base alive (`v.base`)
 *
 * Nodes are allocations (a tracked `Memory`) and holders (any object: an NDArray, a CtypesView, a CPointer, a
 * Python name, the evaluator's stack for one statement). `retain(holder, target)` adds one strong reference;
 * `drop(holder, where)` says the holder is gone: its references go away, and anything whose count falls to
 * zero goes with it — an object is dropped in turn, an allocation is FREED (its Memory released, so nothing can
 * read it again). A holder nobody references is a root and lives until dropped. `observe(holder, address)`
 * records a bare address: a weak edge that keeps nothing alive but lets the UI draw it and warn about it.
 *
 * `release(memory, where)` is an owner asking to free (a temporary at the end of its statement, `m.close()`):
 * it frees only when nothing live holds the memory, and otherwise says who does.
 *
 * `provenance(address)` finds the allocation (live or freed) that contained an address; `warningFor(address)`
 * turns a dangling one into the sentence a learner should read: "this address pointed into the temporary
 * `a+b`, freed after statement 3". `checkRead` is the gate every pointer read goes through: reading freed
 * memory throws a LifetimeError carrying that sentence.
 */
import { ArgumentError, LifetimeError } from './errors';
import type { Memory } from './memory';

export type AllocationKind = 'owned' | 'mapped' | 'temporary' | 'process';
export type AllocationState = 'live' | 'freed' | 'mapped' | 'closed';
/** What a reference is: a view's base, a ctypes object's array, a data_as pointer's array, a Python name,
 *  an array's own memory, an evaluator temporary, or a bare integer address (weak). */
export type HoldKind = 'view' | 'ctypes' | 'pointer' | 'array' | 'name' | 'temporary' | 'address';

export interface Allocation {
  readonly id: string;
  readonly label: string;
  readonly kind: AllocationKind;
  readonly address: bigint;
  readonly size: number;
  readonly state: AllocationState;
  /** where it was made ("statement 3", "np.load(mmap_mode='r')") */
  readonly createdBy: string;
  /** where it was freed/unmapped ("after statement 3", "m._mmap.close()"), null while live */
  readonly releasedBy: string | null;
  readonly memory: Memory;
}

export interface Provenance {
  allocation: Allocation;
  /** byte offset of the address inside the allocation */
  offset: number;
}

export interface LifetimeSnapshot {
  allocations: {
    id: string;
    label: string;
    kind: AllocationKind;
    state: AllocationState;
    address: string;
    size: number;
    createdBy: string;
    releasedBy: string | null;
    /** strong references to it right now */
    refcount: number;
  }[];
  holders: { id: string; label: string; alive: boolean; refcount: number }[];
  edges: { from: string; to: string; kind: HoldKind; keepsAlive: boolean; count: number }[];
}

/** What `adopt` needs of an array (core/ndarray's NDArray has it). */
export interface AdoptableArray {
  readonly memory: Memory;
  readonly base?: object | null;
  readonly label?: string;
}

interface Edge {
  kind: HoldKind;
  count: number;
}

class AllocationRecord implements Allocation {
  refcount = 0;
  private _releasedBy: string | null = null;
  readonly address: bigint;
  readonly size: number;
  constructor(
    readonly id: string,
    readonly label: string,
    readonly kind: AllocationKind,
    readonly createdBy: string,
    readonly memory: Memory,
    readonly seq: number,
  ) {
    this.address = memory.address;
    this.size = memory.size;
  }
  get alive(): boolean {
    return this.memory.alive;
  }
  get state(): AllocationState {
    if (this.memory.kind === 'mapped') return this.alive ? 'mapped' : 'closed';
    return this.alive ? 'live' : 'freed';
  }
  get releasedBy(): string | null {
    if (this.alive) return null;
    return this._releasedBy ?? this.memory.releasedBy ?? null;
  }
  free(where: string): void {
    if (!this.alive) return;
    this._releasedBy = where;
    this.memory.release(where);
    this.freedSeq = ++AllocationRecord.clock;
  }
  freedSeq = 0;
  static clock = 0;
}

interface HolderNode {
  id: string;
  label: string;
  alive: boolean;
  refcount: number;
  out: Map<object, Edge>;
  /** weak: bare addresses it holds */
  addresses: { address: bigint; label: string }[];
}

/** How a learner should name an allocation in a sentence. */
export function describeAllocation(a: { label: string; kind: AllocationKind | 'owned' | 'mapped' }): string {
  if (a.kind === 'temporary') return `the temporary \`${a.label}\``;
  if (a.kind === 'mapped') return `the mapping of \`${a.label}\``;
  return `\`${a.label}\``;
}

/** "<what> pointed into <allocation>, freed <where>". */
export function danglingMessage(
  what: string,
  a: { label: string; kind: AllocationKind | 'owned' | 'mapped'; releasedBy: string | null | undefined },
): string {
  const verb = a.kind === 'mapped' ? 'unmapped' : 'freed';
  return `${what} pointed into ${describeAllocation(a)}, ${verb}${a.releasedBy ? ` ${a.releasedBy}` : ''}`;
}

function labelOf(o: object): string {
  const l = (o as { label?: unknown }).label;
  if (typeof l === 'string' && l) return l;
  return o.constructor?.name ?? 'object';
}

export class LifetimeRegistry {
  private readonly allocs = new Map<Memory, AllocationRecord>();
  private readonly holders = new Map<object, HolderNode>();
  private nextAlloc = 1;
  private nextHolder = 1;

  /** Register an allocation. Idempotent per Memory. `kind` defaults to the memory's kind. */
  track(memory: Memory, opts: { label?: string; origin?: string; kind?: AllocationKind } = {}): Allocation {
    const existing = this.allocs.get(memory);
    if (existing) return existing;
    const kind = opts.kind ?? memory.kind;
    if (kind === 'mapped' && memory.kind !== 'mapped') throw new ArgumentError(`${memory.label} is not a file mapping`);
    const rec = new AllocationRecord(
      `m${this.nextAlloc}`,
      opts.label ?? memory.label,
      kind,
      opts.origin ?? '',
      memory,
      this.nextAlloc,
    );
    this.nextAlloc++;
    this.allocs.set(memory, rec);
    return rec;
  }

  /** The allocation record of a tracked Memory (undefined if untracked). */
  allocation(memory: Memory): Allocation | undefined {
    return this.allocs.get(memory);
  }

  get allocations(): Allocation[] {
    return [...this.allocs.values()];
  }

  private node(holder: object, label?: string): HolderNode {
    let n = this.holders.get(holder);
    if (!n) {
      n = {
        id: `h${this.nextHolder++}`,
        label: label ?? labelOf(holder),
        alive: true,
        refcount: 0,
        out: new Map(),
        addresses: [],
      };
      this.holders.set(holder, n);
    } else if (label) {
      n.label = label;
    }
    return n;
  }

  private isMemory(o: object): o is Memory {
    return this.allocs.has(o as Memory);
  }

  /** Name a holder for the UI ("ct", "(a+b).ctypes", "LP_c_long"). */
  label(holder: object, label: string): void {
    this.node(holder, label);
  }

  /** `holder` takes one strong reference to `target` (another holder, or a tracked Memory). */
  retain(holder: object, target: object, opts: { kind?: HoldKind; label?: string; targetLabel?: string } = {}): void {
    if (holder === target) throw new ArgumentError('an object cannot hold itself');
    const h = this.node(holder, opts.label);
    if (!h.alive) throw new LifetimeError(`${h.label} is gone: it cannot hold anything`);
    if (this.isMemory(target)) {
      const rec = this.allocs.get(target)!;
      if (!rec.alive) throw new LifetimeError(danglingMessage(h.label, rec));
      rec.refcount++;
    } else {
      const t = this.node(target, opts.targetLabel);
      if (!t.alive) throw new LifetimeError(`${t.label} is gone: ${h.label} cannot hold it`);
      t.refcount++;
    }
    const e = h.out.get(target);
    if (e) e.count++;
    else h.out.set(target, { kind: opts.kind ?? (this.isMemory(target) ? 'array' : 'view'), count: 1 });
  }

  /** Record that `holder` keeps a bare address (an int): keeps nothing alive, remembered for warnings. */
  observe(holder: object, address: bigint, opts: { label?: string } = {}): void {
    const h = this.node(holder, opts.label);
    h.addresses.push({ address, label: opts.label ?? h.label });
  }

  /** Give up ONE reference from holder to target (Python's Py_DECREF on one attribute). */
  unretain(holder: object, target: object, where: string): void {
    const h = this.holders.get(holder);
    const e = h?.out.get(target);
    if (!h || !e) throw new ArgumentError(`${h?.label ?? labelOf(holder)} does not hold ${labelOf(target)}`);
    if (--e.count === 0) h.out.delete(target);
    this.decref(target, where);
  }

  /** The holder is gone (a name deleted, a statement's temporaries released, an object collected): its
   *  references go, and whatever they alone kept alive is dropped or freed, `where` naming the moment. */
  drop(holder: object, where: string): void {
    const h = this.holders.get(holder);
    if (!h || !h.alive) return;
    h.alive = false;
    const out = [...h.out.entries()];
    h.out.clear();
    for (const [target, e] of out) for (let i = 0; i < e.count; i++) this.decref(target, where);
  }

  private decref(target: object, where: string): void {
    if (this.isMemory(target)) {
      const rec = this.allocs.get(target)!;
      rec.refcount--;
      if (rec.refcount <= 0) {
        rec.refcount = 0;
        rec.free(where);
      }
      return;
    }
    const t = this.holders.get(target);
    if (!t) return;
    t.refcount--;
    if (t.refcount <= 0) {
      t.refcount = 0;
      this.drop(target, where);
    }
  }

  private readonly adopted = new WeakSet<object>();

  /**
   * Register an array and its base chain: a view holds its base (`view`), an array without a base holds its
   * memory (`array`), tracking the memory if it is not yet. Idempotent.
   */
  adopt(arr: AdoptableArray): void {
    if (this.adopted.has(arr)) return;
    this.adopted.add(arr);
    const base = arr.base;
    if (base && typeof base === 'object' && 'memory' in base) {
      this.adopt(base as AdoptableArray);
      this.retain(arr, base, {
        kind: 'view',
        label: this.holders.get(arr)?.label ?? arr.label,
        targetLabel: (base as AdoptableArray).label,
      });
    } else {
      this.track(arr.memory, { label: arr.memory.label });
      this.retain(arr, arr.memory, { kind: 'array', label: this.holders.get(arr)?.label ?? arr.label });
    }
  }

  /** Has this object been seen as a holder or target? */
  isKnown(holder: object): boolean {
    return this.holders.has(holder);
  }

  /** Is this holder still alive (never dropped)? Untracked objects count as alive. */
  isAlive(holder: object): boolean {
    return this.holders.get(holder)?.alive ?? true;
  }

  /**
   * The owner asks to free `memory` (end of the statement that made a temporary, `close()` of a mapping).
   * Frees only when nothing live holds it; otherwise returns who does (their labels) and leaves it alone —
   * it will be freed when the last of them lets go.
   */
  release(memory: Memory, where: string): { freed: boolean; heldBy: string[] } {
    const rec = this.allocs.get(memory);
    if (!rec) throw new ArgumentError(`${memory.label} is not tracked`);
    if (!rec.alive) return { freed: false, heldBy: [] };
    const heldBy = this.directHolders(memory);
    if (heldBy.length) return { freed: false, heldBy };
    rec.free(where);
    return { freed: true, heldBy: [] };
  }

  /** Labels of the live holders with a strong reference to `target`. */
  directHolders(target: object): string[] {
    const out: string[] = [];
    for (const n of this.holders.values()) if (n.alive && n.out.has(target)) out.push(n.label);
    return out;
  }

  /** The allocation that contains `address`: a live one first, else the most recently freed. */
  provenance(address: bigint): Provenance | null {
    let best: AllocationRecord | undefined;
    for (const rec of this.allocs.values()) {
      if (address < rec.address || address >= rec.address + BigInt(rec.size)) continue;
      if (rec.alive) {
        if (!best || !best.alive) best = rec;
      } else if (!best || (!best.alive && rec.freedSeq > best.freedSeq)) {
        best = rec;
      }
    }
    return best ? { allocation: best, offset: Number(address - best.address) } : null;
  }

  /**
   * The learner-facing warning for using `address` now: null when it lies in a live allocation; otherwise
   * "this address pointed into the temporary `a+b`, freed after statement 3" (or that no known allocation
   * contains it).
   */
  warningFor(address: bigint, opts: { what?: string } = {}): string | null {
    const what = opts.what ?? 'this address';
    const p = this.provenance(address);
    if (!p) return `${what} (0x${address.toString(16)}) does not point into any allocation Stridescope knows about`;
    if (p.allocation.state === 'live' || p.allocation.state === 'mapped') return null;
    return danglingMessage(what, p.allocation);
  }

  /**
   * The gate for reading [offset, offset+length) of `memory` through a pointer: throws LifetimeError (with the
   * warning sentence) when it was freed, BoundsError (from the Memory) when outside it.
   */
  checkRead(memory: Memory, offset: number, length: number, what = 'this pointer'): void {
    const rec = this.allocs.get(memory);
    if (rec && !rec.alive) throw new LifetimeError(danglingMessage(what, rec), offset);
    if (!memory.alive)
      throw new LifetimeError(
        danglingMessage(what, { label: memory.label, kind: memory.kind, releasedBy: memory.releasedBy }),
        offset,
      );
    memory.check(offset, length);
  }

  /** Everything, for the lifetime panel. Addresses as hex strings. */
  snapshot(): LifetimeSnapshot {
    const idOf = (o: object): string => this.allocs.get(o as Memory)?.id ?? this.holders.get(o)?.id ?? '?';
    const edges: LifetimeSnapshot['edges'] = [];
    for (const n of this.holders.values()) {
      for (const [target, e] of n.out)
        edges.push({ from: n.id, to: idOf(target), kind: e.kind, keepsAlive: true, count: e.count });
      for (const a of n.addresses) {
        const p = this.provenance(a.address);
        if (p) edges.push({ from: n.id, to: p.allocation.id, kind: 'address', keepsAlive: false, count: 1 });
      }
    }
    return {
      allocations: [...this.allocs.values()].map((r) => ({
        id: r.id,
        label: r.label,
        kind: r.kind,
        state: r.state,
        address: `0x${r.address.toString(16)}`,
        size: r.size,
        createdBy: r.createdBy,
        releasedBy: r.releasedBy,
        refcount: r.refcount,
      })),
      holders: [...this.holders.values()].map((n) => ({
        id: n.id,
        label: n.label,
        alive: n.alive,
        refcount: n.refcount,
      })),
      edges,
    };
  }
}
