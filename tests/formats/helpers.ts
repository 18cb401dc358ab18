/**
 * Test support for formats/: a Mapper backed by OwnedMemory (the file window is read into memory), with numpy's
 * mode semantics emulated: 'r' read-only, 'c' a private writeable copy, 'r+'/'w+' writes go through to the file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { OwnedMemory, type Memory } from '../../src-main/core/memory';
import type { Mapper } from '../../src-main/formats/npy';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'npy');
export const BAD = path.join(FIXTURES, 'bad');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const expected: any = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8'));

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'stridescope-formats-'));
}

/** A Memory over an OwnedMemory copy of a file window; 'r+'/'w+' writes also go to the file. */
class FileWindowMemory implements Memory {
  readonly kind = 'mapped' as const;
  constructor(
    private readonly inner: OwnedMemory,
    private readonly file: string,
    private readonly fileOffset: number,
    private readonly writeThrough: boolean,
  ) {}
  get label(): string {
    return this.inner.label;
  }
  get size(): number {
    return this.inner.size;
  }
  get address(): bigint {
    return this.inner.address;
  }
  get writeable(): boolean {
    return this.inner.writeable;
  }
  get alive(): boolean {
    return this.inner.alive;
  }
  get releasedBy(): string | undefined {
    return this.inner.releasedBy;
  }
  check(offset: number, length: number): void {
    this.inner.check(offset, length);
  }
  read(offset: number, length: number): Uint8Array {
    return this.inner.read(offset, length);
  }
  write(offset: number, data: Uint8Array): void {
    this.inner.write(offset, data);
    if (this.writeThrough) {
      const fd = fs.openSync(this.file, 'r+');
      try {
        fs.writeSync(fd, data, 0, data.length, this.fileOffset + offset);
      } finally {
        fs.closeSync(fd);
      }
    }
  }
  release(by: string): void {
    this.inner.release(by);
  }
}

export interface MapCall {
  path: string;
  offset: number;
  length: number;
  mode: string;
}

/** The OwnedMemory-backed Mapper; `calls` records every mapping asked for. */
export function ownedMapper(): Mapper & { calls: MapCall[] } {
  const calls: MapCall[] = [];
  const mapper = ((file: string, opts: { offset: number; length: number; mode: 'r' | 'r+' | 'c' | 'w+' }) => {
    calls.push({ path: file, ...opts });
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (opts.offset + opts.length > size)
        throw new Error(
          `test mapper: window [${opts.offset}, ${opts.offset + opts.length}) past end of ${file} (${size})`,
        );
      const buf = new Uint8Array(opts.length);
      fs.readSync(fd, buf, 0, opts.length, opts.offset);
      const inner = new OwnedMemory(`${file} (mapped)`, buf, { writeable: opts.mode !== 'r' });
      return new FileWindowMemory(inner, file, opts.offset, opts.mode === 'r+' || opts.mode === 'w+');
    } finally {
      fs.closeSync(fd);
    }
  }) as unknown as Mapper & { calls: MapCall[] };
  mapper.calls = calls;
  return mapper;
}
