/**
 * The session's open arrays, named by id ("a1", "a2", …): what the renderer may ask about. Each entry keeps its
 * array, the bytes the panes show (the whole file, or an image of it) and how to release them. The registry is
 * bounded (LIMITS.maxOpenArrays: opening one more closes the oldest), records every allocation in the session's
 * LifetimeRegistry (the example's buffer, every file mapping; closing an array frees/unmaps it) and owns the
 * session's memory budget (inflated members and copies are charged to it until their array closes).
 */
import { ArgumentError } from '../core/errors';
import type { NDArray } from '../core/ndarray';
import { LifetimeRegistry } from '../core/lifetime';
import { adoptArray } from '../core/ctypes';
import * as v from './validate';
import { SessionBudget } from './sessionBudget';
import type { ByteSpace } from './openForInspection';
import {
  LIMITS,
  type ArrayId,
  type DataModelId,
  type GrantId,
  type NpyHeaderInfo,
  type NpzInfo,
  type SourceKind,
} from './contract';

export interface OpenedArray {
  id: ArrayId;
  label: string;
  source: SourceKind;
  file: string | null;
  grant: GrantId | null;
  array: NDArray;
  bytes: ByteSpace;
  /** File offset of the byte that memory byte `array.offset` sits at. */
  dataOffset: number;
  header: NpyHeaderInfo | null;
  fortranOrder: boolean;
  /** .npz members: the archive's directory and which member this is */
  npz: NpzInfo | null;
  /** An array bound to a name in the console: the name, and the console's data model. */
  console?: { name: string; model: DataModelId };
  close(): void;
}

export class SessionRegistry {
  private readonly arrays = new Map<ArrayId, OpenedArray>();
  private nextId = 1;
  /** The session's allocations: the example's buffer, every file mapping; closing an array frees/unmaps it. */
  readonly lifetimes = new LifetimeRegistry();
  /** JS-owned bytes the renderer made main allocate (inflated members, contiguous copies). */
  readonly budget: SessionBudget;

  constructor(budgetBytes?: number) {
    this.budget = new SessionBudget(budgetBytes);
  }

  /** The open array `id` names (validated: anything the renderer sends is unknown), or an ArgumentError. */
  get(id: unknown): OpenedArray {
    const key = v.arrayId(id);
    const o = this.arrays.get(key);
    if (!o) throw new ArgumentError(`no open array with id '${key}'`, 'an id returned by openPath/openExample');
    return o;
  }

  /** The open array with this id, if there is one. */
  find(id: ArrayId): OpenedArray | undefined {
    return this.arrays.get(id);
  }

  has(id: ArrayId): boolean {
    return this.arrays.has(id);
  }

  /** Every open array, oldest first. */
  all(): OpenedArray[] {
    return [...this.arrays.values()];
  }

  /** Give `o` the next id and keep it; the oldest array is closed when the session is full. */
  register(o: Omit<OpenedArray, 'id'>): OpenedArray {
    if (this.arrays.size >= LIMITS.maxOpenArrays) {
      // Close the oldest: the session is bounded.
      const oldest = this.arrays.keys().next().value as ArrayId;
      this.close(this.arrays.get(oldest)!, 'closed to make room (more than ' + LIMITS.maxOpenArrays + ' arrays open)');
    }
    const full = { ...o, id: `a${this.nextId++}` };
    // console arrays live in the console's own registry (its lifetimes are Python's)
    if (full.source !== 'playground') adoptArray(this.lifetimes, full.array);
    this.arrays.set(full.id, full);
    return full;
  }

  /** Forget `o`, record why its allocation ended (`where`), and release its memory. */
  close(o: OpenedArray, where: string): void {
    this.arrays.delete(o.id);
    this.lifetimes.drop(o.array, where);
    o.close();
  }

  /** Close every open array (the window closed, the test finished). */
  closeAll(where: string): void {
    for (const o of this.all()) this.close(o, where);
  }
}
