/**
 * ProcessMemory: a span of ANOTHER process's address space (the console's Python) as a read-only `Memory`.
 *
 * Three ways to read it, tried in this order:
 *  - Linux: `process_vm_readv(2)` through koffi. One syscall copies a window straight from the child; a range
 *    that is not mapped there returns short (or EFAULT), never faults here. Refused (EPERM) when Yama's
 *    `ptrace_scope` is 2 or 3, or the child is another user's.
 *  - Windows: `OpenProcess(PROCESS_VM_READ)` + `ReadProcessMemory`, which fails with ERROR_PARTIAL_COPY on an
 *    unmapped page (then read page by page to find the readable prefix).
 *  - Elsewhere, or when the OS refuses (macOS without entitlements, ptrace_scope): the agent answers reads itself
 *    (python/agent.py `GuardedReader`, write(2) into a pipe so an unmapped address is EFAULT, not SIGSEGV). Those
 *    answers arrive asynchronously, so `AgentWindows` keeps the windows fetched after each statement and the
 *    synchronous `read` answers from them; a window not fetched is a typed error saying so.
 *
 * Every read is a bounded window (≤ MAX_PROCESS_WINDOW) copied out; an unmapped range is an `UnmappedError`.
 * Nothing here writes to the child: Python writes its own memory.
 * Sources: process_vm_readv(2) man page; https://learn.microsoft.com/windows/win32/api/memoryapi/nf-memoryapi-readprocessmemory
 */
import { koffiOrNull, koffiUnavailableReason, type Koffi } from './koffiBinding';
import { BoundsError, LifetimeError, StridescopeError, UnmappedError, UnsupportedError } from '../core/errors';
import { checkWindow, type Memory } from '../core/memory';

/** The largest window one read copies (a pane asks for far less; a kernel over a big array reads in windows). */
export const MAX_PROCESS_WINDOW = 64 * 1024 * 1024;

export type ProcessReadPath = 'process_vm_readv' | 'ReadProcessMemory' | 'agent';

export interface ProcessReader {
  readonly path: ProcessReadPath;
  readonly pid: number;
  /** A copy of [address, address+length) of the process; UnmappedError when part of it is not mapped there. */
  read(address: bigint, length: number): Uint8Array;
}

/** koffi, loaded lazily as every platform module does (platform/koffiBinding.ts); without it there is no direct read. */
function ffi(): Koffi {
  const k = koffiOrNull();
  if (!k)
    throw new UnsupportedError(
      `no direct read of another process's memory without koffi (${koffiUnavailableReason()}): the agent answers reads`,
    );
  return k;
}

/** The OS refused to let this process read the child's memory (EPERM/EACCES): use the agent's reads. */
export class ProcessAccessRefused extends StridescopeError {
  constructor(
    readonly pid: number,
    readonly reason: string,
  ) {
    super('io', `reading the memory of process ${pid} directly was refused: ${reason}`, {
      expected: 'permission to read the process (same user, ptrace_scope ≤ 1)',
    });
    this.name = 'ProcessAccessRefused';
  }
}

const EPERM = 1;
const ESRCH = 3;
const EFAULT = 14;
const EACCES = 13;

type F = (...args: unknown[]) => any;

// ------------------------------------------------------------------------------------------------- Linux

let linuxCalls: { readv: F; strerror: F } | null = null;

function linux(): { readv: F; strerror: F } {
  if (linuxCalls) return linuxCalls;
  const libc = ffi().load('libc.so.6');
  // struct iovec { void *iov_base; size_t iov_len; } as two 64-bit words (Linux on 64-bit: LP64)
  const iovec = ffi().struct('stridescope_iovec', { base: 'uint64_t', len: 'uint64_t' });
  linuxCalls = {
    readv: libc.func('process_vm_readv', 'int64_t', [
      'int',
      ffi().pointer(iovec),
      'unsigned long',
      ffi().pointer(iovec),
      'unsigned long',
      'unsigned long',
    ]) as unknown as F,
    strerror: libc.func('const char *strerror(int errnum)') as unknown as F,
  };
  return linuxCalls;
}

class VmReadvReader implements ProcessReader {
  readonly path = 'process_vm_readv' as const;
  constructor(readonly pid: number) {}

  read(address: bigint, length: number): Uint8Array {
    const c = linux();
    const out = new Uint8Array(Math.max(length, 1));
    if (length === 0) return out.subarray(0, 0);
    const local = { base: ffi().address(out.buffer) + BigInt(out.byteOffset), len: BigInt(length) };
    const remote = { base: address, len: BigInt(length) };
    const n = Number(c.readv(this.pid, [local], 1, [remote], 1, 0));
    if (n < 0) {
      const err = ffi().errno();
      if (err === EFAULT) throw new UnmappedError(address, length, 0, `process ${this.pid}`);
      if (err === EPERM || err === EACCES)
        throw new ProcessAccessRefused(this.pid, `process_vm_readv: ${c.strerror(err)}`);
      if (err === ESRCH) throw new LifetimeError(`process ${this.pid} has exited: its memory can no longer be read`);
      throw new StridescopeError(
        'io',
        `process_vm_readv(${this.pid}, 0x${address.toString(16)}, ${length}): ${c.strerror(err)}`,
      );
    }
    if (n < length) throw new UnmappedError(address + BigInt(n), length - n, n, `process ${this.pid}`);
    return out;
  }
}

// ------------------------------------------------------------------------------------------------- Windows

let winCalls: { open: F; read: F; close: F; lastError: F } | null = null;

function windows(): { open: F; read: F; close: F; lastError: F } {
  if (winCalls) return winCalls;
  const k32 = ffi().load('kernel32.dll');
  winCalls = {
    open: k32.func('__stdcall', 'OpenProcess', 'void *', ['uint32_t', 'int', 'uint32_t']) as unknown as F,
    read: k32.func('__stdcall', 'ReadProcessMemory', 'int', [
      'void *',
      'uint64_t',
      '_Out_ uint8_t *',
      'size_t',
      '_Out_ size_t *',
    ]) as unknown as F,
    close: k32.func('__stdcall', 'CloseHandle', 'int', ['void *']) as unknown as F,
    lastError: k32.func('__stdcall', 'GetLastError', 'uint32_t', []) as unknown as F,
  };
  return winCalls;
}

const PROCESS_VM_READ = 0x0010;
const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
const ERROR_ACCESS_DENIED = 5;
const ERROR_PARTIAL_COPY = 299;
const WINDOWS_PAGE = 4096;

class ReadProcessMemoryReader implements ProcessReader {
  readonly path = 'ReadProcessMemory' as const;
  private handle: unknown;

  constructor(readonly pid: number) {
    const w = windows();
    this.handle = w.open(PROCESS_VM_READ | PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
    if (!this.handle) {
      const err = w.lastError() as number;
      if (err === ERROR_ACCESS_DENIED) throw new ProcessAccessRefused(pid, 'OpenProcess: access denied');
      throw new StridescopeError('io', `OpenProcess(${pid}) failed with Windows error ${err}`);
    }
  }

  /** Bytes read from [address, address+length) before the first unreadable page. */
  private readPrefix(address: bigint, out: Uint8Array): number {
    const w = windows();
    const done = [0];
    if (w.read(this.handle, address, out, out.byteLength, done)) return out.byteLength;
    const err = w.lastError() as number;
    if (err !== ERROR_PARTIAL_COPY)
      throw new StridescopeError(
        'io',
        `ReadProcessMemory(${this.pid}, 0x${address.toString(16)}): Windows error ${err}`,
      );
    // whole or nothing per call: walk page by page to the first unreadable one
    let got = 0;
    while (got < out.byteLength) {
      const here = address + BigInt(got);
      const n = Math.min(WINDOWS_PAGE - Number(here % BigInt(WINDOWS_PAGE)), out.byteLength - got);
      const part = new Uint8Array(n);
      if (!w.read(this.handle, here, part, n, done)) break;
      out.set(part, got);
      got += n;
    }
    return got;
  }

  read(address: bigint, length: number): Uint8Array {
    const out = new Uint8Array(length);
    if (length === 0) return out;
    const n = this.readPrefix(address, out);
    if (n < length) throw new UnmappedError(address + BigInt(n), length - n, n, `process ${this.pid}`);
    return out;
  }

  close(): void {
    if (this.handle) windows().close(this.handle);
    this.handle = null;
  }
}

/**
 * A direct reader of process `pid`, proven by reading `probe` (an address known to be mapped there, e.g. a Python
 * object's id()); ProcessAccessRefused when the OS says no, UnsupportedError where there is no such API.
 */
export function openDirectReader(pid: number, probe: bigint): ProcessReader {
  let reader: ProcessReader;
  if (process.platform === 'linux') reader = new VmReadvReader(pid);
  else if (process.platform === 'win32') reader = new ReadProcessMemoryReader(pid);
  else
    throw new UnsupportedError(
      `no direct read of another process's memory on ${process.platform}: the agent answers reads`,
    );
  reader.read(probe, 1);
  return reader;
}

// ------------------------------------------------------------------------------------------------- agent windows

/**
 * The agent path's synchronous face: windows the agent has sent (after each statement, for each reported array,
 * or on request), answered from here. A read not inside a fetched window is an error that says so — the caller
 * fetches it (asynchronously) and asks again; main never waits on the child.
 */
export class AgentWindows implements ProcessReader {
  readonly path = 'agent' as const;
  private windows: { address: bigint; bytes: Uint8Array; unmappedAt: bigint | null }[] = [];
  private total = 0;

  constructor(
    readonly pid: number,
    /** Bytes kept at most (oldest windows dropped first). */
    private readonly budget = 256 * 1024 * 1024,
  ) {}

  /** Keep what the agent read at `address`: `bytes`, and whether the range ended at an unmapped byte. */
  fill(address: bigint, bytes: Uint8Array, unmapped: boolean): void {
    this.windows.push({ address, bytes, unmappedAt: unmapped ? address + BigInt(bytes.byteLength) : null });
    this.total += bytes.byteLength;
    while (this.total > this.budget && this.windows.length > 1) this.total -= this.windows.shift()!.bytes.byteLength;
  }

  /** Forget every window (after a statement: the process's memory may have changed). */
  clear(): void {
    this.windows = [];
    this.total = 0;
  }

  read(address: bigint, length: number): Uint8Array {
    const end = address + BigInt(length);
    for (let i = this.windows.length - 1; i >= 0; i--) {
      const w = this.windows[i];
      const wEnd = w.address + BigInt(w.bytes.byteLength);
      if (address < w.address || address > wEnd) continue;
      if (end <= wEnd) return w.bytes.slice(Number(address - w.address), Number(end - w.address));
      if (w.unmappedAt !== null) {
        const n = Number(wEnd - address);
        throw new UnmappedError(wEnd, length - n, n, `process ${this.pid}`);
      }
    }
    throw new StridescopeError(
      'io',
      `bytes [0x${address.toString(16)}, 0x${end.toString(16)}) of process ${this.pid} have not been fetched from Python yet`,
      {
        expected: 'a window fetched by the agent (ask again once it arrives)',
      },
    );
  }
}

// ------------------------------------------------------------------------------------------------- Memory

/** [address, address+size) of a process, through a ProcessReader. Read-only: Python writes its own memory. */
export class ProcessMemory implements Memory {
  readonly kind = 'process' as const;
  readonly writeable = false;
  private _alive = true;
  private _releasedBy: string | undefined;

  constructor(
    readonly label: string,
    readonly address: bigint,
    readonly size: number,
    private readonly reader: ProcessReader,
  ) {
    if (!Number.isSafeInteger(size) || size < 0) throw new BoundsError(`bad size ${size} for ${label}`);
  }

  get alive(): boolean {
    return this._alive;
  }

  get releasedBy(): string | undefined {
    return this._releasedBy;
  }

  /** How the bytes are read: process_vm_readv, ReadProcessMemory or the agent. */
  get path(): ProcessReadPath {
    return this.reader.path;
  }

  check(offset: number, length: number): void {
    checkWindow(this, offset, length);
    if (length > MAX_PROCESS_WINDOW)
      throw new BoundsError(
        `a window of ${length} bytes is more than one read copies (${MAX_PROCESS_WINDOW}); read it in parts`,
        offset,
      );
  }

  read(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    return this.reader.read(this.address + BigInt(offset), length);
  }

  write(offset: number): void {
    throw new UnsupportedError(
      `${this.label} is the console Python's memory: write to it from Python (the panes are read-only)`,
      { offset },
    );
  }

  release(releasedBy: string): void {
    if (!this._alive) return;
    this._alive = false;
    this._releasedBy = releasedBy;
  }
}
