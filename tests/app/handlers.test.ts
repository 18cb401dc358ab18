/**
 * The IPC handlers: real answers over the core (checked against NumPy's fixtures and the seed page), and every
 * hostile argument refused as data — never a throw across IPC, never a read outside what the renderer was given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandlers, type Handlers } from '../../src-main/api/handlers';
import { API_METHODS, LIMITS, type ArraySummary, type Result } from '../../src-main/api/contract';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'npy');
const expected = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8'));
const I4 = expected.npy['i4.npy'];

function ok<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.kind}: ${r.error.message}`);
  return r.value;
}
function err<T>(r: Result<T>, kind?: string) {
  expect(r.ok).toBe(false);
  if (r.ok) throw new Error('unreachable');
  if (kind) expect(r.error.kind).toBe(kind);
  expect(typeof r.error.message).toBe('string');
  return r.error;
}

let dir: string;
let h: Handlers;
let example: ArraySummary;
let i4: ArraySummary;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stridescope-handlers-'));
  h = createHandlers({ recentFile: join(dir, 'recent.json'), console: 'simulation' });
  example = ok(await h.startup());
  i4 = ok(await h.openByUser(join(FIX, 'i4.npy'), 'drop'));
});
afterAll(() => {
  h.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('answers', () => {
  it('implements every contract method', () => {
    for (const m of API_METHODS) expect(typeof h[m]).toBe('function');
  });

  it('starts on the seed example: x = [[0, 1], [2, 3]] as int32, shown as its .npy image', async () => {
    expect(example.source).toBe('example');
    expect(example.shape).toEqual([2, 2]);
    expect(example.strides).toEqual([8, 4]);
    expect(example.dtype.str).toBe('<i4');
    expect(example.values).toEqual([0, 1, 2, 3]);
    expect(example.dataOffset).toBe(128);
    expect(example.fileSize).toBe(144);
    const w = ok(await h.readBytes(example.id, 128, 16));
    expect(w.hex).toBe('00000000' + '01000000' + '02000000' + '03000000');
    const head = ok(await h.readBytes(example.id, 0, 10));
    expect(head.hex).toBe('934e554d505901007600'); // \x93NUMPY, 1.0, HEADER_LEN 118
    expect(example.ctypes.data).toBe(example.address);
    expect(example.ctypes.repl[0]).toEqual({ input: 'x.ctypes.data', output: BigInt(example.address).toString() });
  });

  it("opens a .npy memory-mapped, with NumPy's shape, strides, values and header layout", () => {
    expect(i4.source).toBe('npy');
    expect(i4.memoryKind).toBe('mapped');
    expect(i4.shape).toEqual(I4.shape);
    expect(i4.strides).toEqual(I4.strides);
    expect(i4.values).toEqual(I4.first);
    expect(i4.dataOffset).toBe(I4.data_offset);
    expect(i4.fileSize).toBe(I4.file_size);
    const parts = Object.fromEntries(i4.header!.parts.map((p) => [p.name, p]));
    expect(parts.magic).toMatchObject({ offset: 0, length: 6 });
    expect(parts.header_len.text).toBe(String(I4.header_len));
    expect(parts.dict.offset + parts.dict.length).toBe(I4.dict_end);
    expect(parts.dict.text).toBe(I4.header_text.trimEnd());
    expect(parts.padding.offset + parts.padding.length).toBe(I4.data_offset);
  });

  it('reads the file bytes exactly, in bounded windows', async () => {
    const file = readFileSync(join(FIX, 'i4.npy'));
    const w = ok(await h.readBytes(i4.id, 100, 1000));
    expect(w.hex).toBe(file.subarray(100).toString('hex')); // clipped at the end of the file
    expect(ok(await h.readBytes(i4.id, file.length, 10)).hex).toBe('');
  });

  it('maps a byte to its element and an index back to its byte', async () => {
    for (let flat = 0; flat < 12; flat++) {
      const off = I4.data_offset + flat * 4 + (flat % 4);
      const loc = ok(await h.locateByte(i4.id, off));
      const index = [Math.floor(flat / I4.shape[1]), flat % I4.shape[1]];
      expect(loc.region).toBe('data');
      expect(loc.element!.index).toEqual(index);
      expect(loc.element!.byteInElement).toBe(flat % 4);
      expect(loc.element!.value).toBe(I4.first[flat]);
      const back = ok(await h.locateIndex(i4.id, index));
      expect(back.fileOffset).toBe(I4.data_offset + flat * 4);
    }
    expect(ok(await h.locateByte(i4.id, 7)).headerPart).toBe('version');
  });

  it('walks a[:, ::-1]: offsets equal base + Σ index·stride, and the data agrees', async () => {
    const w = ok(await h.walk(i4.id, 'a[:, ::-1]', 0, 100));
    const [s0, s1] = I4.strides;
    expect(w.view.strides).toEqual([s0, -s1]);
    expect(w.view.offset).toBe((I4.shape[1] - 1) * s1);
    expect(w.steps).toHaveLength(12);
    for (const st of w.steps) {
      expect(st.offset).toBe(w.view.offset + st.index[0] * s0 + st.index[1] * -s1);
      // the fixture holds first[k] at data byte k*4
      expect(I4.first.indexOf(st.value) * 4).toBe(st.offset);
      expect(st.fileOffset).toBe(I4.data_offset + st.offset);
    }
    const tail = ok(await h.walk(i4.id, 'a.T', 10, 100));
    expect(tail.start).toBe(10);
    // a.T has shape (4, 3): flat 10 and 11 in C order are (3, 1) and (3, 2); a.T[i, j] is a[j, i]
    expect(tail.steps.map((s) => s.index)).toEqual([
      [3, 1],
      [3, 2],
    ]);
    expect(tail.steps.map((s) => s.value)).toEqual([I4.first[1 * 4 + 3], I4.first[2 * 4 + 3]]);
  });

  it('reproduces the seed page: c_long(0) and c_longlong(4294967296) under LLP64', async () => {
    const long = ok(await h.pointer({ id: example.id, ctype: 'c_long', model: 'llp64', index: 0 }));
    const longlong = ok(await h.pointer({ id: example.id, ctype: 'c_longlong', model: 'llp64', index: 0 }));
    expect(long.repr).toBe('c_long(0)');
    expect(long.python).toBe('x.ctypes.data_as(POINTER(c_long)).contents');
    expect(longlong.repr).toBe('c_longlong(4294967296)');
    expect(longlong.bytes).toBe('0000000001000000');
    const lp64 = ok(await h.pointer({ id: example.id, ctype: 'c_longlong', model: 'lp64', index: 0 }));
    expect(lp64.repr).toBe('c_long(4294967296)'); // ctypes aliases c_longlong to c_long on LP64
    const third = ok(await h.pointer({ id: example.id, ctype: 'c_int', model: 'lp64', index: 3 }));
    expect(third.repr).toBe('3');
  });

  it('reinterprets bytes at a file offset as every C type', async () => {
    const r = ok(await h.reinterpret(example.id, 128, 'llp64'));
    expect(r.bytes).toBe('00000000010000000200000003000000');
    expect(r.values.c_long.size).toBe(4);
    expect(r.values.c_longlong.le).toBe('4294967296');
    expect(r.values.c_int.be).toBe(0);
    expect(r.element!.index).toEqual([0, 0]);
    const misaligned = ok(await h.reinterpret(example.id, 130, 'lp64'));
    expect(misaligned.warnings.join(' ')).toMatch(/not a multiple of/);
    const header = ok(await h.reinterpret(example.id, 2, 'lp64'));
    expect(header.warnings.join(' ')).toMatch(/header \(magic\)/);
  });

  it('runs the lifetime scenarios with the learner-facing warnings', async () => {
    const t = ok(await h.lifetime('temporary-address'));
    expect(t.warnings.map((w) => w.message)).toContain('p pointed into the temporary `a+b`, freed after statement 3');
    expect(t.allocations.find((a) => a.label === 'a+b')!.state).toBe('freed');
    const c = ok(await h.lifetime('ctypes-keeps-alive'));
    expect(c.statements.map((s) => s.effect)).toContain('read 33 (a+b is alive)');
    const p = ok(await h.lifetime('pointer-keeps-alive'));
    expect(p.allocations.find((a) => a.label === 'a+b')!.state).toBe('live');
    const m = ok(await h.lifetime('closed-mapping'));
    expect(m.allocations[0]).toMatchObject({ kind: 'mapped', state: 'closed' });
    expect(m.warnings[0].message).toBe('p pointed into the mapping of `m.bin`, unmapped by del m (statement 3)');
  });

  it('closing an array unmaps it; the session lifetime says so; its id is gone', async () => {
    const other = ok(await h.openByUser(join(FIX, 'f8.npy'), 'drop'));
    ok(await h.closeArray(other.id));
    const s = ok(await h.lifetime(null));
    const closed = s.allocations.filter((a) => a.kind === 'mapped' && a.state === 'closed');
    expect(closed.length).toBeGreaterThanOrEqual(1);
    expect(closed.some((a) => a.releasedBy?.includes('f8.npy'))).toBe(true);
    err(await h.getArray(other.id), 'argument');
    err(await h.readBytes(other.id, 0, 1), 'argument');
  });

  it('remembers recent files on disk', async () => {
    const recent = ok(await h.recentFiles());
    expect(recent[0]).toBe(join(FIX, 'f8.npy'));
    expect(JSON.parse(readFileSync(join(dir, 'recent.json'), 'utf8'))).toEqual(recent);
  });

  it('runs a kernel on a view and reports the C call', async () => {
    const r = ok(await h.runKernel(i4.id, 'sum', 'a[:, ::-1]'));
    expect(r.result).toBe(String(I4.first.reduce((x: number, y: number) => x + y, 0)));
    expect(r.prototype).toMatch(/^int32_t sk_reduce_ex\(/);
    expect(r.args.find((a) => a.name === 'strides')!.value).toBe(`[${I4.strides[0]}, ${-I4.strides[1]}]`);
  });
});

describe('hostile arguments come back as typed errors', () => {
  const bad: unknown[] = [
    undefined,
    null,
    1,
    '',
    'a0',
    'a-1',
    'b1',
    '__proto__',
    'constructor',
    'a1; rm -rf /',
    { id: 'a1' },
    ['a1'],
    'a' + '9'.repeat(40),
  ];

  it('refuses ids that were never handed out', async () => {
    for (const id of bad) {
      err(await h.getArray(id as string), 'argument');
      err(await h.readBytes(id as string, 0, 1), 'argument');
    }
    err(await h.getArray('a999'), 'argument');
  });

  it('refuses offsets and lengths that are not small non-negative integers', async () => {
    const cases: [unknown, unknown][] = [
      [-1, 1],
      [1.5, 1],
      ['0', 1],
      [0n, 1],
      [NaN, 1],
      [Infinity, 1],
      [0, -1],
      [0, LIMITS.maxBytesWindow + 1],
      [0, 2 ** 53],
      [I4.file_size + 1, 1],
      [Number.MAX_SAFE_INTEGER, 1],
      [null, 1],
      [{ valueOf: () => 0 }, 1],
    ];
    for (const [off, len] of cases) err(await h.readBytes(i4.id, off as number, len as number), 'argument');
    err(await h.locateByte(i4.id, I4.file_size), 'argument');
    err(await h.reinterpret(i4.id, -5, 'lp64'), 'argument');
    err(await h.reinterpret(i4.id, 0, 'win64' as 'lp64'), 'argument');
  });

  it('refuses out-of-range indexes and pointer reads outside the allocation', async () => {
    err(await h.locateIndex(i4.id, [3, 0]), 'bounds');
    err(await h.locateIndex(i4.id, [0]), 'argument');
    err(await h.locateIndex(i4.id, [0, -1]), 'argument');
    err(await h.locateIndex(i4.id, 'x' as unknown as number[]), 'argument');
    const e = err(await h.pointer({ id: i4.id, ctype: 'c_int', model: 'lp64', index: 12 }), 'bounds');
    expect(e.message).toMatch(/outside the allocation/);
    err(await h.pointer({ id: i4.id, ctype: 'c_int', model: 'lp64', index: -1 }), 'bounds');
    err(await h.pointer({ id: i4.id, ctype: 'c_int', model: 'lp64', index: 1e12 }), 'argument');
    err(await h.pointer({ id: i4.id, ctype: 'c_char_p' as 'c_int', model: 'lp64', index: 0 }), 'argument');
    err(
      await h.pointer({ id: i4.id, ctype: 'c_int', model: 'lp64', index: 0, address: '0x1000' } as never),
      'argument',
    );
  });

  it('bounds walk windows and view expressions, and never evaluates code', async () => {
    err(await h.walk(i4.id, 'a', 0, LIMITS.maxWalkCount + 1), 'argument');
    err(await h.walk(i4.id, 'a', -1, 1), 'argument');
    err(await h.walk(i4.id, 'a'.repeat(LIMITS.maxExpressionLength + 1), 0, 1), 'argument');
    err(await h.walk(i4.id, 'a\nimport os', 0, 1), 'argument');
    const e = err(await h.walk(i4.id, "__import__('os').system('touch /tmp/pwned')", 0, 1), 'expression');
    expect(e.column).toBeGreaterThan(0);
    err(await h.evalView(i4.id, 'b[0]'), 'expression');
    err(await h.evalView(i4.id, 42 as unknown as string), 'argument');
    err(await h.runKernel(i4.id, 'system', 'a'), 'argument');
    err(await h.lifetime('rm -rf' as 'temporary-address'), 'argument');
  });

  it('refuses paths that are not absolute strings, and reports files that are not arrays', async () => {
    err(await h.openByUser('relative/i4.npy', 'drop'), 'argument');
    err(await h.openByUser('', 'drop'), 'argument');
    err(await h.openByUser('/tmp/x\0.npy', 'drop'), 'argument');
    err(await h.openByUser('/' + 'x'.repeat(LIMITS.maxPathLength), 'drop'), 'argument');
    err(await h.openGrant('/etc/passwd' as never), 'argument');
    err(await h.openGrant({ grant: i4.grant!, extra: 1 } as never), 'argument');
    const rawGrant = err(await h.openByUser(join(FIX, 'raw_i2.bin'), 'drop'), 'argument').grant!;
    err(await h.openGrant({ grant: rawGrant, raw: { dtype: '<i2', mode: 'w+' } } as never), 'argument');
    err(await h.openByUser(join(dir, 'missing.npy'), 'drop'), 'io');
    err(await h.openByUser(dir, 'drop'), 'io');
    const bad = err(await h.openByUser(join(FIX, 'bad', 'bad_magic.npy'), 'drop'), 'format');
    expect(bad.offset).toBe(0);
    const empty = join(dir, 'empty.npy');
    writeFileSync(empty, new Uint8Array(0));
    err(await h.openByUser(empty, 'drop'), 'format');
    const notArray = join(dir, 'notes.txt');
    writeFileSync(notArray, 'hello');
    err(await h.openByUser(notArray, 'drop'), 'argument');
    // the session is untouched: the good arrays still answer
    expect(ok(await h.getArray(i4.id)).shape).toEqual(I4.shape);
  });

  it('opens a raw file like numpy.memmap when given a dtype', async () => {
    const raw = expected.raw?.['raw_i2.bin'];
    const grant = err(await h.openByUser(join(FIX, 'raw_i2.bin'), 'dialog'), 'argument').grant!;
    const r = ok(await h.openGrant({ grant, raw: { dtype: '<i2', mode: 'r' } }));
    expect(r.source).toBe('raw');
    expect(r.header).toBeNull();
    if (raw?.values) expect(r.values).toEqual(raw.values.slice(0, r.values.length));
  });

  it('has no dialog outside Electron', async () => {
    err(await h.openDialog(), 'argument');
    expect(ok(await h.appInfo()).canShowDialog).toBe(false);
  });

  it('a raw file answers the same "needs a dtype" error, naming the file, from every way in (path, dialog, startup)', async () => {
    const raw = join(FIX, 'raw_i2.bin');
    const viaDialog = createHandlers({ showOpenDialog: async () => raw });
    const viaStartup = createHandlers({ startupPath: raw });
    try {
      const answers = [await h.openByUser(raw, 'drop'), await viaDialog.openDialog(), await viaStartup.startup()];
      for (const a of answers) {
        const e = err(a, 'argument');
        // what the renderer's raw form keys on (src-renderer/app/RawOpenForm.tsx rawOptionsFileOf)
        expect(e.expected).toBe('a dtype (raw)');
        expect(e.file).toBe(raw);
        // and the grant the raw form opens with its options
        expect(e.grant).toMatch(/^g[0-9]+$/);
      }
    } finally {
      viaDialog.dispose();
      viaStartup.dispose();
    }
  });
});
