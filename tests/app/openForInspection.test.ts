/**
 * openForInspection (shared by the handlers and the CLI) releases the mapping it made when opening the file's
 * bytes fails afterwards — the CLI used to keep such a mapping alive.
 */
import { describe, expect, test, vi } from 'vitest';
import { join } from 'node:path';
import type { MappedMemory } from '../../src-main/platform/mappedMemory';

const made: MappedMemory[] = [];
/** When set, the number of openFileSource calls that still succeed before one fails (formats/load opens the file first). */
let passBeforeFailing: number | null = null;

vi.mock('../../src-main/platform/mappedMemory', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src-main/platform/mappedMemory')>();
  return {
    ...real,
    mapFile: (path: string, opts: Parameters<typeof real.mapFile>[1]) => {
      const m = real.mapFile(path, opts) as MappedMemory;
      made.push(m);
      return m;
    },
  };
});

vi.mock('../../src-main/formats/fileSource', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src-main/formats/fileSource')>();
  return {
    ...real,
    openFileSource: (path: string) => {
      if (passBeforeFailing !== null && passBeforeFailing-- <= 0) throw new Error(`cannot open ${path} (test)`);
      return real.openFileSource(path);
    },
  };
});

const { openForInspection } = await import('../../src-main/api/openForInspection');
const { openTarget } = await import('../../src-main/cli/openTarget');
const NPY = join(__dirname, '../fixtures/npy/be_c16.npy');

describe('openForInspection', () => {
  test('opens a .npy: the array mapped, the file bytes beside it, the header regions', () => {
    passBeforeFailing = null;
    const f = openForInspection(NPY, { mode: 'r' });
    try {
      expect(f.kind).toBe('npy');
      expect(f.dataOffset).toBe(f.npy!.dataOffset);
      expect([...f.bytes.read(0, 6)]).toEqual([0x93, ...Buffer.from('NUMPY')]);
      expect(f.header!.parts.map((p) => p.name)).toEqual(['magic', 'version', 'header_len', 'dict', 'padding', 'data']);
    } finally {
      f.close();
    }
    expect(made.at(-1)!.alive).toBe(false);
  });

  test.each([
    ['the handlers', () => openForInspection(NPY, { mode: 'r' })],
    ['the CLI', () => openTarget(NPY, {})],
  ])('when the byte source fails, %s leave no mapping alive', (_who, open) => {
    passBeforeFailing = 1;
    const before = made.length;
    expect(open).toThrow(/cannot open/);
    expect(made.length).toBe(before + 1);
    expect(made.at(-1)!.alive).toBe(false);
    passBeforeFailing = null;
  });
});
