/**
 * MappedMemory: a file mapped into this process by the operating system (NumPy's np.memmap / np.load(mmap_mode)),
 * made with koffi straight from libc (POSIX: open, lseek, ftruncate, mmap, msync, munmap, close) or kernel32
 * (Windows: CreateFileW, CreateFileMappingW, MapViewOfFile, FlushViewOfFile, UnmapViewOfFile, CloseHandle).
 *
 * - Opening costs the same for 4 KiB and 4 GiB: nothing is read at open; pages come in when touched.
 * - Offsets need not be page aligned: the view is mapped from the page (Windows: 64 KiB granule) below the
 *   offset and `address` points `delta` bytes into it, exactly as NumPy's memmap does.
 * - Modes are NumPy's: 'r' read-only shared, 'r+' read-write shared (writes reach the file), 'c' copy-on-write
 *   private (writes stay in this process), 'w+' create/overwrite then read-write shared. 'r+' and 'w+' grow a
 *   shorter file to offset+length as NumPy does; 'r' and 'c' refuse a file that is too short.
 * - A zero-length mapping maps nothing (mmap(0) is an error): `address` is 0 and there is nothing to read.
 * - Reads COPY a bounded window out (never an ArrayBuffer over the mapping: that throws in Electron's V8 cage).
 *   Before every read/write `check()` also asks the OS for the file's current size: if the file was truncated
 *   under the mapping, touching it would raise SIGBUS and kill the process, so it is a LifetimeError instead.
 *   When the native library is present the copy itself runs under its SIGBUS guard too (sk_copy_bytes).
 * - release() flushes writeable shared mappings (msync), unmaps and closes; idempotent.
 */
import { koffiOrNull, requireKoffi, type Koffi } from './koffiBinding';
import { constants as fsConstants, fstatSync } from 'node:fs';
import { IOError, LifetimeError, BoundsError, ArgumentError } from '../core/errors';
import { checkWindow, installAddressResolver, type Memory } from '../core/memory';
import { nativeLibrary, SK_E_FAULT, SK_OK } from './nativeLibrary';

export type MapMode = 'r' | 'r+' | 'c' | 'w+';
export type Mapper = (path: string, opts: MapOptions) => Memory;

/**
 * Where to map and how to open. `noFollow` and `verify` are for a folder that must not be escaped (the console's):
 * the file is opened with O_NOFOLLOW (a symbolic link as the last component is ELOOP, never followed) and
 * `verify(fd, size)` runs on the OPEN descriptor before anything is created, truncated, grown or mapped, so what is
 * checked is what gets mapped, whatever was swapped in the directory meanwhile. POSIX only: on Windows the handle
 * is not a file descriptor and `verify` is not called.
 */
export interface MapOptions {
  offset: number;
  length: number;
  mode: MapMode;
  noFollow?: boolean;
  verify?: (fd: number, size: number) => void;
}

/** One OS mapping: what the backend made and must undo. */
interface OsMapping {
  /** Address the OS returned (page aligned); 0n when nothing was mapped (length 0). */
  base: bigint;
  /** Bytes mapped from `base` (delta + length). */
  length: number;
  /** Backend handles (fd, or HANDLEs on Windows). */
  handle: unknown;
}

interface MappingBackend {
  /** Granularity mapping offsets must be multiples of. */
  readonly granularity: number;
  open(path: string, mode: MapMode, minSize: number, guard?: OpenGuard): { handle: unknown; size: number };
  map(h: unknown, fileOffset: number, length: number, mode: MapMode): bigint;
  fileSize(h: unknown, path: string): number;
  flush(base: bigint, length: number, h: unknown): void;
  unmap(base: bigint, length: number): void;
  close(h: unknown): void;
  /** Copy n bytes from `src` (an address) into `dst`. */
  copyOut(dst: Uint8Array, src: bigint, n: number): void;
  /** Copy `src` to the address `dst`. */
  copyIn(dst: bigint, src: Uint8Array): void;
}

type F = (...args: unknown[]) => any;

type OpenGuard = Pick<MapOptions, 'noFollow' | 'verify'>;

// ------------------------------------------------------------------------------------------------- POSIX

class PosixBackend implements MappingBackend {
  readonly granularity: number;
  private readonly c: Record<string, F>;
  private readonly k: {
    O_RDONLY: number;
    O_RDWR: number;
    O_CREAT: number;
    O_TRUNC: number;
    O_CLOEXEC: number;
    O_NONBLOCK: number;
    PROT_READ: number;
    PROT_WRITE: number;
    MAP_SHARED: number;
    MAP_PRIVATE: number;
    MS_SYNC: number;
    SEEK_END: number;
  };

  constructor(private readonly koffi: Koffi) {
    const mac = process.platform === 'darwin';
    const libc = koffi.load(mac ? 'libSystem.dylib' : 'libc.so.6');
    const fn = (proto: string): F => libc.func(proto) as unknown as F;
    this.c = {
      open: fn('int open(const char *path, int flags, int mode)'),
      close: fn('int close(int fd)'),
      lseek: fn('int64_t lseek(int fd, int64_t offset, int whence)'),
      ftruncate: fn('int ftruncate(int fd, int64_t length)'),
      mmap: fn('void *mmap(void *addr, size_t length, int prot, int flags, int fd, int64_t offset)'),
      munmap: fn('int munmap(void *addr, size_t length)'),
      msync: fn('int msync(void *addr, size_t length, int flags)'),
      getpagesize: fn('int getpagesize(void)'),
      strerror: fn('const char *strerror(int errnum)'),
      memcpyOut: fn('void *memcpy(void *dst, const void *src, size_t n)'),
    };
    this.k = mac
      ? {
          O_RDONLY: 0,
          O_RDWR: 2,
          O_CREAT: 0x200,
          O_TRUNC: 0x400,
          O_CLOEXEC: 0x1000000,
          O_NONBLOCK: 0x4,
          PROT_READ: 1,
          PROT_WRITE: 2,
          MAP_SHARED: 1,
          MAP_PRIVATE: 2,
          MS_SYNC: 0x10,
          SEEK_END: 2,
        }
      : {
          O_RDONLY: 0,
          O_RDWR: 2,
          O_CREAT: 0o100,
          O_TRUNC: 0o1000,
          O_CLOEXEC: 0o2000000,
          O_NONBLOCK: 0o4000,
          PROT_READ: 1,
          PROT_WRITE: 2,
          MAP_SHARED: 1,
          MAP_PRIVATE: 2,
          MS_SYNC: 4,
          SEEK_END: 2,
        };
    this.granularity = Number(this.c.getpagesize());
  }

  private fail(path: string, what: string): never {
    const errno = this.koffi.errno();
    throw new IOError(path, `${what} failed: ${String(this.c.strerror(errno))} (errno ${errno})`);
  }

  open(path: string, mode: MapMode, minSize: number, guard: OpenGuard = {}): { handle: unknown; size: number } {
    const k = this.k;
    // O_NONBLOCK: a fifo must not block open() until a writer appears (it is refused just below)
    let flags = (mode === 'r' || mode === 'c' ? k.O_RDONLY : k.O_RDWR) | k.O_CLOEXEC | k.O_NONBLOCK;
    // With a verify step, 'w+' must not truncate at open: the descriptor is checked first, then truncated (below).
    if (mode === 'w+') flags |= guard.verify ? k.O_CREAT : k.O_CREAT | k.O_TRUNC;
    // node's constant is this platform's O_NOFOLLOW (Linux 0o400000, macOS 0x100)
    if (guard.noFollow) flags |= fsConstants.O_NOFOLLOW;
    const fd = Number(this.c.open(path, flags, 0o644));
    if (fd < 0) this.fail(path, 'open');
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) {
        const what = st.isDirectory()
          ? 'a directory'
          : st.isFIFO()
            ? 'a fifo (named pipe)'
            : st.isCharacterDevice()
              ? 'a character device'
              : st.isBlockDevice()
                ? 'a block device'
                : 'not a regular file';
        throw new IOError(path, `${what}: only regular files can be mapped`);
      }
      let size = this.fileSize(fd, path);
      if (guard.verify) {
        guard.verify(fd, size);
        if (mode === 'w+' && size > 0) {
          if (Number(this.c.ftruncate(fd, 0n)) !== 0) this.fail(path, 'ftruncate');
          size = 0;
        }
      }
      if ((mode === 'r+' || mode === 'w+') && size < minSize) {
        if (Number(this.c.ftruncate(fd, BigInt(minSize))) !== 0) this.fail(path, 'ftruncate');
        size = minSize;
      }
      return { handle: fd, size };
    } catch (e) {
      this.c.close(fd);
      throw e;
    }
  }

  map(fd: unknown, fileOffset: number, length: number, mode: MapMode): bigint {
    const k = this.k;
    const prot = mode === 'r' ? k.PROT_READ : k.PROT_READ | k.PROT_WRITE;
    const flags = mode === 'c' ? k.MAP_PRIVATE : k.MAP_SHARED;
    const p = this.c.mmap(null, length, prot, flags, fd, BigInt(fileOffset)) as bigint | null;
    const addr = p === null ? 0n : BigInt(p);
    if (addr === 0n || addr === 0xffffffffffffffffn) this.fail(`fd ${String(fd)}`, 'mmap');
    return addr;
  }

  fileSize(fd: unknown, path: string): number {
    // lseek(fd, 0, SEEK_END) is the file's size now: portable, no `struct stat` layout to know.
    const size = Number(this.c.lseek(fd, 0n, this.k.SEEK_END));
    if (size < 0) this.fail(path, 'lseek');
    return size;
  }

  flush(base: bigint, length: number): void {
    if (length > 0 && Number(this.c.msync(base, length, this.k.MS_SYNC)) !== 0) this.fail('mapping', 'msync');
  }

  unmap(base: bigint, length: number): void {
    if (length > 0 && Number(this.c.munmap(base, length)) !== 0) this.fail('mapping', 'munmap');
  }

  close(fd: unknown): void {
    this.c.close(fd);
  }

  copyOut(dst: Uint8Array, src: bigint, n: number): void {
    if (n > 0) this.c.memcpyOut(dst, src, n);
  }

  copyIn(dst: bigint, src: Uint8Array): void {
    if (src.byteLength > 0) this.c.memcpyOut(dst, src, src.byteLength);
  }
}

// ------------------------------------------------------------------------------------------------- Windows

class WindowsBackend implements MappingBackend {
  readonly granularity = 65536; // dwAllocationGranularity: 64 KiB on every Windows release
  private readonly w: Record<string, F>;
  private static readonly GENERIC_READ = 0x80000000;
  private static readonly GENERIC_WRITE = 0x40000000;
  private static readonly FILE_SHARE_ALL = 0x7; // read | write | delete
  private static readonly OPEN_EXISTING = 3;
  private static readonly CREATE_ALWAYS = 2;
  private static readonly FILE_ATTRIBUTE_NORMAL = 0x80;
  private static readonly PAGE_READONLY = 0x02;
  private static readonly PAGE_READWRITE = 0x04;
  private static readonly PAGE_WRITECOPY = 0x08;
  private static readonly FILE_MAP_READ = 0x04;
  private static readonly FILE_MAP_WRITE = 0x02;
  private static readonly FILE_MAP_COPY = 0x01;
  private static readonly INVALID_HANDLE = 0xffffffffffffffffn;

  constructor(koffi: Koffi) {
    const k32 = koffi.load('kernel32.dll');
    const fn = (proto: string): F => k32.func(proto) as unknown as F;
    this.w = {
      CreateFileW: fn(
        'void * __stdcall CreateFileW(const char16_t *name, uint32_t access, uint32_t share, void *sa, uint32_t disposition, uint32_t flags, void *tmpl)',
      ),
      GetFileSizeEx: fn('int __stdcall GetFileSizeEx(void *file, _Out_ int64_t *size)'),
      SetFilePointerEx: fn(
        'int __stdcall SetFilePointerEx(void *file, int64_t distance, void *newPointer, uint32_t method)',
      ),
      SetEndOfFile: fn('int __stdcall SetEndOfFile(void *file)'),
      CreateFileMappingW: fn(
        'void * __stdcall CreateFileMappingW(void *file, void *sa, uint32_t protect, uint32_t maxHigh, uint32_t maxLow, const char16_t *name)',
      ),
      MapViewOfFile: fn(
        'void * __stdcall MapViewOfFile(void *mapping, uint32_t access, uint32_t offHigh, uint32_t offLow, size_t bytes)',
      ),
      UnmapViewOfFile: fn('int __stdcall UnmapViewOfFile(void *base)'),
      FlushViewOfFile: fn('int __stdcall FlushViewOfFile(void *base, size_t bytes)'),
      FlushFileBuffers: fn('int __stdcall FlushFileBuffers(void *file)'),
      CloseHandle: fn('int __stdcall CloseHandle(void *h)'),
      GetLastError: fn('uint32_t __stdcall GetLastError(void)'),
      RtlMoveMemory: fn('void __stdcall RtlMoveMemory(void *dst, const void *src, size_t n)'),
    };
  }

  private fail(path: string, what: string): never {
    throw new IOError(path, `${what} failed (Windows error ${Number(this.w.GetLastError())})`);
  }

  open(path: string, mode: MapMode, minSize: number): { handle: unknown; size: number } {
    // (noFollow / verify are POSIX-only: see MapOptions)
    const W = WindowsBackend;
    const access = mode === 'r' || mode === 'c' ? W.GENERIC_READ : W.GENERIC_READ | W.GENERIC_WRITE;
    const disposition = mode === 'w+' ? W.CREATE_ALWAYS : W.OPEN_EXISTING;
    const h = this.w.CreateFileW(path, access, W.FILE_SHARE_ALL, null, disposition, W.FILE_ATTRIBUTE_NORMAL, null) as
      bigint | null;
    if (h === null || BigInt(h) === W.INVALID_HANDLE) this.fail(path, 'CreateFileW');
    const file = h as bigint;
    const handle = { file, mapping: null as bigint | null };
    try {
      let size = this.fileSize(handle, path);
      if ((mode === 'r+' || mode === 'w+') && size < minSize) {
        if (!this.w.SetFilePointerEx(file, BigInt(minSize), null, 0) || !this.w.SetEndOfFile(file))
          this.fail(path, 'SetEndOfFile');
        size = minSize;
      }
      return { handle, size };
    } catch (e) {
      this.w.CloseHandle(file);
      throw e;
    }
  }

  map(h: unknown, fileOffset: number, length: number, mode: MapMode): bigint {
    const W = WindowsBackend;
    const handle = h as { file: bigint; mapping: bigint | null };
    const protect = mode === 'r' ? W.PAGE_READONLY : mode === 'c' ? W.PAGE_WRITECOPY : W.PAGE_READWRITE;
    const end = fileOffset + length;
    const mapping = this.w.CreateFileMappingW(
      handle.file,
      null,
      protect,
      Math.floor(end / 2 ** 32),
      end >>> 0,
      null,
    ) as bigint | null;
    if (mapping === null || BigInt(mapping) === 0n) this.fail('mapping', 'CreateFileMappingW');
    handle.mapping = mapping as bigint;
    const access = mode === 'r' ? W.FILE_MAP_READ : mode === 'c' ? W.FILE_MAP_COPY : W.FILE_MAP_WRITE;
    const view = this.w.MapViewOfFile(
      handle.mapping,
      access,
      Math.floor(fileOffset / 2 ** 32),
      fileOffset >>> 0,
      length,
    ) as bigint | null;
    if (view === null || BigInt(view) === 0n) this.fail('mapping', 'MapViewOfFile');
    return BigInt(view as bigint);
  }

  fileSize(h: unknown, path: string): number {
    const out = [0n];
    if (!this.w.GetFileSizeEx((h as { file: bigint }).file, out)) this.fail(path, 'GetFileSizeEx');
    return Number(out[0]);
  }

  flush(base: bigint, length: number, h: unknown): void {
    if (length > 0 && !this.w.FlushViewOfFile(base, length)) this.fail('mapping', 'FlushViewOfFile');
    this.w.FlushFileBuffers((h as { file: bigint }).file);
  }

  unmap(base: bigint, length: number): void {
    if (length > 0 && !this.w.UnmapViewOfFile(base)) this.fail('mapping', 'UnmapViewOfFile');
  }

  close(h: unknown): void {
    const handle = h as { file: bigint; mapping: bigint | null };
    if (handle.mapping) this.w.CloseHandle(handle.mapping);
    this.w.CloseHandle(handle.file);
  }

  copyOut(dst: Uint8Array, src: bigint, n: number): void {
    if (n > 0) this.w.RtlMoveMemory(dst, src, n);
  }

  copyIn(dst: bigint, src: Uint8Array): void {
    if (src.byteLength > 0) this.w.RtlMoveMemory(dst, src, src.byteLength);
  }
}

let backend: MappingBackend | undefined;
/** The OS backend, made on the first mapping; without koffi, an IOError naming the file and the cause. */
function osBackend(path: string): MappingBackend {
  if (backend) return backend;
  const koffi = requireKoffi(path, 'mapping a file');
  backend = process.platform === 'win32' ? new WindowsBackend(koffi) : new PosixBackend(koffi);
  return backend;
}

// ------------------------------------------------------------------------------------------------- MappedMemory

export class MappedMemory implements Memory {
  readonly kind = 'mapped' as const;
  readonly label: string;
  readonly size: number;
  readonly address: bigint;
  readonly writeable: boolean;
  readonly path: string;
  readonly mode: MapMode;
  /** File offset of byte 0. */
  readonly fileOffset: number;
  /** What the OS mapped: from `address - delta` for `size + delta` bytes. */
  readonly mapping: { base: bigint; length: number; delta: number };
  private os: OsMapping | undefined;
  private _releasedBy: string | undefined;
  /** Kernels running on other threads over this mapping (see pin()). */
  private pins = 0;
  /** The mapping release() could not unmap yet because a kernel was running over it. */
  private deferredUnmap: OsMapping | undefined;

  private constructor(path: string, mode: MapMode, fileOffset: number, size: number, os: OsMapping, delta: number) {
    this.path = path;
    this.mode = mode;
    this.fileOffset = fileOffset;
    this.size = size;
    this.os = os;
    this.mapping = { base: os.base, length: os.length, delta };
    this.address = os.base === 0n ? 0n : os.base + BigInt(delta);
    this.writeable = mode !== 'r';
    this.label = `${path} (mapped ${mode})`;
  }

  /** Map [offset, offset+length) of `path`. See the module header for modes and growth rules. */
  static open(path: string, opts: { offset?: number; length: number; mode?: MapMode } & OpenGuard): MappedMemory {
    const mode = opts.mode ?? 'r';
    const offset = opts.offset ?? 0;
    const length = opts.length;
    if (!['r', 'r+', 'c', 'w+'].includes(mode))
      throw new ArgumentError(`mode must be one of 'r', 'r+', 'c', 'w+', got '${mode}'`);
    if (!Number.isSafeInteger(offset) || offset < 0)
      throw new ArgumentError(`offset must be a non-negative integer, got ${offset}`);
    if (!Number.isSafeInteger(length) || length < 0)
      throw new ArgumentError(`length must be a non-negative integer, got ${length}`);
    const os = osBackend(path);
    const { handle, size } = os.open(path, mode, offset + length, { noFollow: opts.noFollow, verify: opts.verify });
    try {
      if (size < offset + length) {
        throw new IOError(
          path,
          `mmap length is greater than file size: bytes [${offset}, ${offset + length}) requested, the file has ${size}`,
        );
      }
      const aligned = Math.floor(offset / os.granularity) * os.granularity;
      const delta = offset - aligned;
      if (length === 0) return new MappedMemory(path, mode, offset, 0, { base: 0n, length: 0, handle }, delta);
      const base = os.map(handle, aligned, length + delta, mode);
      return new MappedMemory(path, mode, offset, length, { base, length: length + delta, handle }, delta);
    } catch (e) {
      os.close(handle);
      throw e;
    }
  }

  get alive(): boolean {
    return this.os !== undefined;
  }

  get releasedBy(): string | undefined {
    return this._releasedBy;
  }

  /** The file's size now (asks the OS). LifetimeError once released. */
  currentFileSize(): number {
    if (!this.os)
      throw new LifetimeError(`${this.label} was unmapped${this._releasedBy ? ` (${this._releasedBy})` : ''}`);
    return osBackend(this.path).fileSize(this.os.handle, this.path);
  }

  /**
   * The open file behind a SHARED mapping ('r', 'r+', 'w+': MAP_SHARED, so the mapping and the file's page cache
   * are the same bytes), for kernels that read the file with pread instead of faulting the mapping in
   * (sk_reduce_file): the descriptor and the file offset of `address`. null for copy-on-write 'c' mappings (their
   * private pages may differ from the file), for empty or released mappings, and on Windows (HANDLEs). The
   * descriptor is the mapping's own, opened with it and closed only when it is unmapped — by release(), or after
   * the last pin() is undone — so a kernel holding a pin never reads a closed (or reused) descriptor.
   */
  fileSource(): { fd: number; address: bigint; fileOffset: number } | null {
    const m = this.os;
    if (!m || this.size === 0 || this.mode === 'c' || process.platform === 'win32') return null;
    if (typeof m.handle !== 'number' || m.handle < 0) return null;
    return { fd: m.handle, address: this.address, fileOffset: this.fileOffset };
  }

  /**
   * Alive, [offset, offset+length) inside, and the file still covers the whole mapping (a truncated file
   * turns any access to the lost pages into SIGBUS).
   */
  check(offset: number, length: number): void {
    checkWindow(this, offset, length);
    if (this.size === 0) return;
    const now = this.currentFileSize();
    const need = this.fileOffset + this.size;
    if (now < need) {
      throw new LifetimeError(
        `${this.path} was truncated to ${now} bytes while mapped (the mapping covers file bytes [${this.fileOffset}, ${need})): ` +
          'reading it would crash the process with SIGBUS, so nothing was read',
        Math.max(0, now - this.fileOffset),
      );
    }
  }

  read(offset: number, length: number): Uint8Array {
    this.check(offset, length);
    const out = new Uint8Array(length);
    if (length === 0) return out;
    const src = this.address + BigInt(offset);
    const lib = nativeLibrary();
    if (lib) {
      const r = Number(lib.fn.sk_copy_bytes(out, src, length));
      if (r === SK_E_FAULT) {
        throw new LifetimeError(
          `${this.path}: the mapping faulted while reading bytes [${offset}, ${offset + length}) (the file shrank under it)`,
          offset,
        );
      }
      if (r !== SK_OK) throw new IOError(this.path, `copy out of the mapping failed (status ${r})`);
    } else {
      osBackend(this.path).copyOut(out, src, length);
    }
    return out;
  }

  write(offset: number, data: Uint8Array): void {
    if (!this.writeable) throw new BoundsError(`${this.label} is read-only (mode 'r')`, offset);
    this.check(offset, data.byteLength);
    if (data.byteLength === 0) return;
    const dst = this.address + BigInt(offset);
    const lib = nativeLibrary();
    if (lib) {
      // under the library's SIGBUS guard, like reads: the file may shrink between check() and the copy
      const r = Number(lib.fn.sk_copy_bytes(dst, data, data.byteLength));
      if (r === SK_E_FAULT) {
        throw new LifetimeError(
          `${this.path}: the mapping faulted while writing bytes [${offset}, ${offset + data.byteLength}) (the file shrank under it)`,
          offset,
        );
      }
      if (r !== SK_OK) throw new IOError(this.path, `copy into the mapping failed (status ${r})`);
    } else {
      osBackend(this.path).copyIn(dst, data);
    }
  }

  /** msync / FlushViewOfFile for writeable shared mappings ('r+', 'w+'); a no-op otherwise. */
  flush(): void {
    if (!this.os)
      throw new LifetimeError(`${this.label} was unmapped${this._releasedBy ? ` (${this._releasedBy})` : ''}`);
    if ((this.mode === 'r+' || this.mode === 'w+') && this.os.length > 0) {
      this.check(0, 0);
      osBackend(this.path).flush(this.os.base, this.os.length, this.os.handle);
    }
  }

  /**
   * Keep the OS mapping while native code reads it on another thread (an asynchronous kernel): a release()
   * meanwhile makes the memory dead at once (every new read or kernel is refused) but the unmap waits until
   * the returned function was called for every pin — so the running kernel never touches unmapped pages.
   */
  pin(): () => void {
    if (!this.os)
      throw new LifetimeError(`${this.label} was unmapped${this._releasedBy ? ` (${this._releasedBy})` : ''}`);
    this.pins++;
    let unpinned = false;
    return () => {
      if (unpinned) return;
      unpinned = true;
      this.pins--;
      const m = this.deferredUnmap;
      if (this.pins === 0 && m) {
        this.deferredUnmap = undefined;
        this.unmap(m);
      }
    };
  }

  release(releasedBy: string): void {
    const m = this.os;
    if (!m) return;
    this.os = undefined;
    this._releasedBy = releasedBy;
    if (this.pins > 0) this.deferredUnmap = m;
    else this.unmap(m);
  }

  private unmap(m: OsMapping): void {
    const os = osBackend(this.path);
    try {
      if ((this.mode === 'r+' || this.mode === 'w+') && m.length > 0) {
        // Flushing a truncated file's lost pages would fault in the kernel (EFAULT/SIGBUS-free), so only when intact.
        if (os.fileSize(m.handle, this.path) >= this.fileOffset + this.size) os.flush(m.base, m.length, m.handle);
      }
    } finally {
      try {
        os.unmap(m.base, m.length);
      } finally {
        os.close(m.handle);
      }
    }
  }
}

/** The real Mapper (formats/ receive it). */
export const mapFile: Mapper = (path, opts) => MappedMemory.open(path, opts);

/** Make OwnedMemory report real addresses (koffi's address of the ArrayBuffer's backing store). */
export function installRealAddresses(): void {
  const koffi = koffiOrNull();
  if (koffi) installAddressResolver((buffer: ArrayBuffer) => koffi.address(buffer));
}
