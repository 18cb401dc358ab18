/**
 * Memory: a span of bytes at a real address in this process that an NDArray can sit on.
 *
 * Two kinds implement it: `OwnedMemory` (here: a JS-allocated buffer, like an ndarray that owns its data)
 * and `MappedMemory` (in platform/: an OS file mapping made through koffi). Reads always COPY a bounded window
 * out (never an ArrayBuffer over foreign memory: that throws inside Electron's V8 memory cage), and every read
 * first checks the memory is still alive and the window lies inside it — so nothing ever reads freed or
 * unmapped memory.
 */
import { BoundsError, LifetimeError } from './errors';

export type MemoryKind = 'owned' | 'mapped';

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
export function checkWindow(mem: { size: number; alive: boolean; label: string; releasedBy?: string }, offset: number, length: number): void {
  if (!mem.alive) {
    throw new LifetimeError(`${mem.label} was freed${mem.releasedBy ? ` (${mem.releasedBy})` : ''}: its memory can no longer be read`, offset);
  }
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > mem.size) {
    throw new BoundsError(`bytes [${offset}, ${offset + length}) are outside ${mem.label} (${mem.size} bytes)`, offset);
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

  constructor(
    readonly label: string,
    source: number | Uint8Array,
    options: { writeable?: boolean } = {},
  ) {
    const size = typeof source === 'number' ? source : source.byteLength;
    if (!Number.isSafeInteger(size) || size < 0) throw new BoundsError(`cannot allocate ${size} bytes`);
    // Always allocate at least 1 byte so the address is real even for empty arrays (NumPy does the same).
    this.buffer = new ArrayBuffer(Math.max(size, 1));
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
  }
}
