/**
 * Memory: a span of bytes at a real address in this process that an NDArray can sit on.
 *
 * Two kinds implement it: `OwnedMemory` (here: a JS-allocated buffer, like an ndarray that owns its data)
 * and `MappedMemory` (in platform/: an OS file mapping made through koffi). Reads always COPY a bounded window
 * out (never an ArrayBuffer over foreign memory: that throws inside Electron's V8 memory cage), and every read
 * first checks the memory is still alive and the window lies inside it — so nothing ever reads freed or
 * unmapped memory.
 */
import { BoundsError, LifetimeError, StridescopeError } from './errors';

/** owned: a buffer of this process; mapped: a file mapping; process: the console Python's memory (read-only here). */
export type MemoryKind = 'owned' | 'mapped' | 'process';

export interface Memory {
  readonly kind: MemoryKind;
  /** What a learner would call it: "array a", "temporary a+b", "/data/x.npy (mapped)". */
  readonly label: string;
  /** Size in bytes. */
  readonly size: number;
  /** Address of byte 0 in this process (what ctypes.data reports for offset 0). */
  readonly address: bigint;
  readonly writeable: boolean;
  /** False once released (freed / unmapped). */
  readonly alive: boolean;
  /** Where it was released, for lifetime warnings ("after statement 3", "close()"). */
  readonly releasedBy: string | undefined;
  /** Throws LifetimeError if released, BoundsError unless [offset, offset+length) lies inside. */
  check(offset: number, length: number): void;
  /** A copy of [offset, offset+length). */
  read(offset: number, length: number): Uint8Array;
  /** Copy `data` in at `offset` (LifetimeError / BoundsError / refused when not writeable). */
  write(offset: number, data: Uint8Array): void;
  /** Free or unmap. Idempotent. */
  release(releasedBy: string): void;
}

/** Returns the real address of an ArrayBuffer's backing store. Installed by platform/ (koffi.address). */
export type AddressResolver = (buffer: ArrayBuffer) => bigint;

let resolveAddress: AddressResolver | undefined;
let syntheticNext = 0x10000000n;

/** platform/ installs koffi's address-of so owned buffers report real addresses. */
export function installAddressResolver(resolver: AddressResolver): void {
  resolveAddress = resolver;
}

export function hasRealAddresses(): boolean {
  return resolveAddress !== undefined;
}

/** Bounds check shared by every Memory implementation. */
export function checkWindow(
  mem: { size: number; alive: boolean; label: string; releasedBy?: string },
  offset: number,
  length: number,
): void {
  if (!mem.alive) {
    throw new LifetimeError(
      `${mem.label} was freed${mem.releasedBy ? ` (${mem.releasedBy})` : ''}: its memory can no longer be read`,
      offset,
    );
  }
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > mem.size
  ) {
    throw new BoundsError(`bytes [${offset}, ${offset + length}) are outside ${mem.label} (${mem.size} bytes)`, offset);
  }
}

/**
 * A memory budget for code that runs on behalf of someone else (the app's console: the renderer types the
 * statements, the main process runs them). While `withAllocationBudget(budget, fn)` runs, every new
 * OwnedMemory is charged to it (and credited back on release, or when collected without one), and the
 * playground asks `budgetItems` / `budgetScratch` before it builds big temporaries — so `np.zeros(10**12)` or
 * `list(range(10**9))` is refused at once with a MemoryBudgetError instead of exhausting the main process.
 * Outside any budget (the CLI, tests) nothing is limited.
 */
export class MemoryBudgetError extends StridescopeError {
  constructor(message: string, advice?: string) {
    super('unsupported', advice ? `${message}; ${advice}` : message, { expected: 'a smaller array' });
    this.name = 'MemoryBudgetError';
  }
}

export interface BudgetLimits {
  /** Bytes of OwnedMemory alive at once (and the largest single scratch buffer). */
  maxBytes: number;
  /** Items one statement may build as JS values: list/tuple/str/bytes lengths, array elements turned into a list. */
  maxItems: number;
  /** Decimal digits of one Python int (`10**10**9` would take minutes and gigabytes). */
  maxIntDigits: number;
  /** Said after every refusal (the app's simulated console: how to get real NumPy, without these limits). */
  advice?: string;
}

const MiB = 1024 * 1024;
export const DEFAULT_BUDGET: BudgetLimits = { maxBytes: 512 * MiB, maxItems: 1 << 22, maxIntDigits: 1_000_000 };

const fmtBytes = (n: number): string => (n >= MiB ? `${(n / MiB).toFixed(n >= 1024 * MiB ? 0 : 1)} MiB` : `${n} bytes`);

export class AllocationBudget {
  readonly limits: BudgetLimits;
  private _live = 0;
  private readonly collected = new FinalizationRegistry<{ bytes: number }>((held) => this.credit(held));
  constructor(limits: Partial<BudgetLimits> = {}) {
    this.limits = { ...DEFAULT_BUDGET, ...limits };
  }
  /** Bytes of live OwnedMemory charged to this budget. */
  get live(): number {
    return this._live;
  }
  /** Charge `bytes` for `owner`; throws MemoryBudgetError (and charges nothing) when they do not fit. */
  charge(bytes: number, what: string, owner: object): { bytes: number } {
    if (!(bytes <= this.limits.maxBytes - this._live)) {
      throw new MemoryBudgetError(
        `${what} needs ${fmtBytes(bytes)}, but the console may hold at most ${fmtBytes(this.limits.maxBytes)} of arrays (${fmtBytes(this._live)} in use): refused before allocating`,
        this.limits.advice,
      );
    }
    const token = { bytes };
    this._live += bytes;
    this.collected.register(owner, token, token);
    return token;
  }
  /** Give a charge back (idempotent per token). */
  credit(token: { bytes: number }): void {
    this._live -= token.bytes;
    token.bytes = 0;
    if (this._live < 0) this._live = 0;
  }
  release(token: { bytes: number }): void {
    this.collected.unregister(token);
    this.credit(token);
  }
}

let currentBudget: AllocationBudget | undefined;

/** Run `fn` with `budget` charged for every OwnedMemory it makes (synchronous code only). */
export function withAllocationBudget<T>(budget: AllocationBudget | undefined, fn: () => T): T {
  const saved = currentBudget;
  currentBudget = budget;
  try {
    return fn();
  } finally {
    currentBudget = saved;
  }
}

/** Throws MemoryBudgetError when a temporary of `bytes` would not fit the current budget (no charge kept). */
export function budgetScratch(bytes: number, what: string): void {
  const b = currentBudget;
  if (!b) return;
  if (!(bytes <= b.limits.maxBytes)) {
    throw new MemoryBudgetError(
      `${what} needs ${fmtBytes(bytes)} of working memory, more than the console's ${fmtBytes(b.limits.maxBytes)}: refused`,
      b.limits.advice,
    );
  }
}

/**
 * Throws MemoryBudgetError when a file that writing would create or extend to `bytes` exceeds the current budget
 * (a w+ memmap of 10**10 elements would otherwise make an 80 GB file — sparse here, real on filesystems without holes).
 */
export function budgetFileSize(bytes: number, what: string): void {
  const b = currentBudget;
  if (!b) return;
  if (!(bytes <= b.limits.maxBytes)) {
    throw new MemoryBudgetError(
      `${what} would make the file ${fmtBytes(bytes)} long, more than the ${fmtBytes(b.limits.maxBytes)} this session may write: refused before touching the file`,
      b.limits.advice,
    );
  }
}

/** Throws MemoryBudgetError when an integer of about `digits` decimal digits exceeds the current budget. */
export function budgetIntDigits(digits: number, what: string): void {
  const b = currentBudget;
  if (!b) return;
  if (!(digits <= b.limits.maxIntDigits)) {
    throw new MemoryBudgetError(
      `${what} would have about ${Math.round(digits)} digits, more than the console's limit of ${b.limits.maxIntDigits}: refused`,
      b.limits.advice,
    );
  }
}

/** Throws MemoryBudgetError when building `n` JS values (items, characters) exceeds the current budget. */
export function budgetItems(n: number, what: string): void {
  const b = currentBudget;
  if (!b) return;
  if (!(n <= b.limits.maxItems)) {
    throw new MemoryBudgetError(
      `${what} would build ${n} items, more than the console's limit of ${b.limits.maxItems}: refused`,
      b.limits.advice,
    );
  }
}

/** An allocation owned by this process: a JS ArrayBuffer (off-heap backing store, so its address is stable). */
export class OwnedMemory implements Memory {
  readonly kind = 'owned' as const;
  readonly size: number;
  readonly address: bigint;
  readonly writeable: boolean;
  private buffer: ArrayBuffer | undefined;
  private bytes: Uint8Array | undefined;
  private _releasedBy: string | undefined;
  private charge: { budget: AllocationBudget; token: { bytes: number } } | undefined;

  constructor(
    readonly label: string,
    source: number | Uint8Array,
    options: { writeable?: boolean } = {},
  ) {
    const size = typeof source === 'number' ? source : source.byteLength;
    if (!Number.isSafeInteger(size) || size < 0) throw new BoundsError(`cannot allocate ${size} bytes`);
    // charged before the buffer exists: a refused allocation allocates nothing
    if (currentBudget)
      this.charge = { budget: currentBudget, token: currentBudget.charge(Math.max(size, 1), label, this) };
    // Always allocate at least 1 byte so the address is real even for empty arrays (NumPy does the same).
    try {
      this.buffer = new ArrayBuffer(Math.max(size, 1));
    } catch (e) {
      if (this.charge) this.charge.budget.release(this.charge.token);
      throw e;
    }
    this.bytes = new Uint8Array(this.buffer, 0, size);
    if (typeof source !== 'number') this.bytes.set(source);
    this.size = size;
    this.writeable = options.writeable ?? true;
    if (resolveAddress) {
      this.address = resolveAddress(this.buffer);
    } else {
      // No native layer (pure tests): a made-up but stable, 64-byte aligned address.
      this.address = syntheticNext;
      syntheticNext += BigInt(Math.ceil(Math.max(size, 1) / 64) * 64 + 64);
    }
  }

  get alive(): boolean {
    return this.buffer !== undefined;
  }

  get releasedBy(): string | undefined {
    return this._releasedBy;
  }

  check(offset: number, length: number): void {
    checkWindow(this, offset, length);
  }

  read(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    return this.bytes!.slice(offset, offset + length);
  }

  write(offset: number, data: Uint8Array): void {
    if (!this.writeable) throw new BoundsError(`${this.label} is read-only`, offset);
    this.check(offset, data.byteLength);
    this.bytes!.set(data, offset);
  }

  /**
   * Direct access for code that runs in this process on owned memory (TS kernels, encoders).
   * Never handed across IPC; throws if released.
   */
  view(): Uint8Array {
    this.check(0, 0);
    return this.bytes!;
  }

  /** The ArrayBuffer itself, for passing to C through koffi (which pins it for the call). */
  arrayBuffer(): ArrayBuffer {
    this.check(0, 0);
    return this.buffer!;
  }

  release(releasedBy: string): void {
    if (!this.buffer) return;
    this.buffer = undefined;
    this.bytes = undefined;
    this._releasedBy = releasedBy;
    if (this.charge) this.charge.budget.release(this.charge.token);
    this.charge = undefined;
  }
}
