/**
 * The CLI's --json answers against NumPy's (tests/fixtures/cli/expected.json, written by scripts/gen_cli_fixtures.py
 * with numpy: inspect fields from np.load(mmap_mode='r'), walk offsets from NumPy's own element addresses,
 * reinterpret values from np.frombuffer). Runs the CLI's `main` in-process over real mappings.
 */
import { describe, expect, test } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { main } from '../../src-main/cli/main';

const FIX = join(__dirname, '..', 'fixtures');
const expected = JSON.parse(readFileSync(join(FIX, 'cli', 'expected.json'), 'utf8'));

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string; json: any }> {
  const out = new Capture();
  const err = new Capture();
  const code = await main(args, out, err);
  let json: any;
  try {
    json = JSON.parse(out.text);
  } catch {
    json = undefined;
  }
  return { code, out: out.text, err: err.text, json };
}

describe('stridescope inspect --json equals NumPy', () => {
  for (const [name, want] of Object.entries<any>(expected.inspect)) {
    test(name, async () => {
      const r = await cli('inspect', join(FIX, 'npy', name), '--json');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const got = r.json;
      expect(got.file).toBe(join(FIX, 'npy', name));
      expect(got.format.version).toEqual(want.format.version);
      expect(got.format.dataOffset).toBe(want.format.dataOffset);
      expect(got.format.headerLength).toBe(want.format.headerLength);
      expect(got.dtype).toEqual(want.dtype);
      expect(got.shape).toEqual(want.shape);
      expect(got.strides).toEqual(want.strides);
      expect(got.fortranOrder).toBe(want.fortranOrder);
      expect(got.nbytes).toBe(want.nbytes);
      expect(got.flags).toEqual(want.flags);
      expect(got.values).toEqual(want.values);
      expect(got.sha256).toBe(want.sha256);
      expect(got.ctypes.shape).toEqual(want.shape);
      expect(got.ctypes.strides).toEqual(want.strides);
      expect(got.ctypes.data).toMatch(/^0x[0-9a-f]+$/);
      expect(BigInt(got.ctypes.data)).not.toBe(0n);
      if (want.noticeHeaderLength === null) expect(got.notices).toEqual([]);
      else
        expect(got.notices).toEqual([
          expect.stringContaining(
            `the header has ${want.noticeHeaderLength} characters, over NumPy's 10000-character limit`,
          ),
        ]);
    });
  }

  for (const [name, message] of Object.entries<string>(expected.inspect_refused ?? {})) {
    test(`${name} is refused as NumPy refuses it (${message.slice(0, 40)}…)`, async () => {
      const r = await cli('inspect', join(FIX, 'npy', name), '--json');
      expect(r.code).toBe(1);
      expect(r.json.error.kind).toBe('format');
      expect(r.err).toContain(name);
    });
  }
});

describe('stridescope walk --json equals NumPy element addresses', () => {
  for (const { file, view, expected: want } of expected.walk) {
    test(`${file}: ${view}`, async () => {
      const r = await cli('walk', join(FIX, 'npy', file), '--view', view, '--limit', '64', '--json');
      expect(r.err).toBe('');
      expect(r.json).toEqual(want);
    });
  }

  test('--start pages through the walk', async () => {
    const { file, view, expected: want } = expected.walk.find((w: any) => w.view === 'a[:, ::-1]');
    const r = await cli('walk', join(FIX, 'npy', file), '--view', view, '--start', '5', '--limit', '3', '--json');
    expect(r.json.elements).toEqual(want.elements.slice(5, 8));
  });
});

describe('stridescope reinterpret --json equals np.frombuffer', () => {
  for (const { file, expected: want } of expected.reinterpret) {
    test(`${file} at ${want.offset} (${want.model})`, async () => {
      const r = await cli(
        'reinterpret',
        join(FIX, 'npy', file),
        '--offset',
        String(want.offset),
        '--model',
        want.model,
        '--json',
      );
      expect(r.err).toBe('');
      expect(r.json.offset).toBe(want.offset);
      expect(r.json.model).toBe(want.model);
      expect(r.json.bytes).toBe(want.bytes);
      for (const [type, v] of Object.entries<any>(want.values)) expect([type, r.json.values[type]]).toEqual([type, v]);
    });
  }
});

describe("the built-in example is the seed page's array", () => {
  test('inspect with no FILE', async () => {
    const r = await cli('inspect', '--json');
    expect(r.code).toBe(0);
    expect(r.json.file).toBeNull();
    expect(r.json.format).toBeNull();
    expect(r.json.dtype).toEqual({ str: '<i4', descr: '<i4', itemsize: 4 });
    expect(r.json.shape).toEqual([2, 2]);
    expect(r.json.strides).toEqual([8, 4]);
    expect(r.json.values).toEqual([0, 1, 2, 3]);
    expect(r.json.flags).toEqual({
      C_CONTIGUOUS: true,
      F_CONTIGUOUS: false,
      ALIGNED: true,
      WRITEABLE: true,
      OWNDATA: true,
    });
    // the data bytes are int32 0, 1, 2, 3 little-endian: 00000000 01000000 02000000 03000000
    const { createHash } = await import('node:crypto');
    const bytes = Buffer.from('00000000010000000200000003000000', 'hex');
    expect(r.json.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});

describe('raw files and .npz members', () => {
  test('raw file opened like numpy.memmap(dtype, offset, shape, order)', async () => {
    const want = JSON.parse(readFileSync(join(FIX, 'npy', 'expected.json'), 'utf8')).raw.i2_offset4_2d_F;
    const r = await cli(
      'inspect',
      join(FIX, 'npy', want.file),
      '--dtype',
      want.dtype,
      '--offset',
      String(want.offset),
      '--shape',
      want.shape.join(','),
      '--order',
      'F',
      '--json',
    );
    expect(r.err).toBe('');
    expect(r.json.format).toBeNull();
    expect(r.json.shape).toEqual(want.shape);
    expect(r.json.strides).toEqual(want.strides);
    expect(r.json.values.slice(0, want.first.length)).toEqual(want.first.slice(0, 16));
    expect(r.json.values).toHaveLength(Math.min(16, want.shape[0] * want.shape[1]));
    expect(r.json.sha256).toBe(want.data_sha256);
  });

  test('.npz stored member', async () => {
    const npz = JSON.parse(readFileSync(join(FIX, 'npy', 'expected.json'), 'utf8')).npz['stored.npz'];
    const m = npz.members[0];
    const r = await cli('inspect', join(FIX, 'npy', 'stored.npz'), '--member', m.name, '--json');
    expect(r.err).toBe('');
    expect(r.json.shape).toEqual(m.shape);
    expect(r.json.dtype.str).toBe(m.dtype_str);
    expect(r.json.sha256).toBe(m.data_sha256);
    expect(r.json.format.dataOffset).toBe(m.data_offset + m.npy_data_offset);
  });
});

describe('stridescope inspect --member --json equals NumPy (stored members mapped in place, deflated ones inflated)', () => {
  // stored: numpy.memmap of the zip at the member's data offset; deflated: np.load(npz)[name] — e.g. an empty 1-d
  // member's stride is 0 there (NumPy reads into a fresh np.ndarray(0), whose stride is 0)
  for (const { file, member, expected: want } of expected.npz) {
    test(`${file} ${member}`, async () => {
      const r = await cli('inspect', join(FIX, 'cli', file), '--member', member, '--json');
      expect(r.err).toBe('');
      const got = r.json;
      expect({ version: got.format.version, dataOffset: got.format.dataOffset }).toEqual(want.format);
      for (const key of ['dtype', 'shape', 'strides', 'fortranOrder', 'nbytes', 'values', 'sha256']) {
        expect([key, got[key]]).toEqual([key, want[key]]);
      }
      for (const [flag, v] of Object.entries(want.flags)) expect([flag, got.flags[flag]]).toEqual([flag, v]);
      expect(got.flags.WRITEABLE).toBe(false);
    });
  }
});

describe('errors are typed, name the file and offset, and exit non-zero', () => {
  const bad = join(FIX, 'npy', 'bad');
  test('bad magic', async () => {
    const r = await cli('inspect', join(bad, 'bad_magic.npy'), '--json');
    expect(r.code).toBe(1);
    expect(r.json.error.kind).toBe('format');
    expect(typeof r.json.error.offset).toBe('number');
    expect(r.err).toContain('bad_magic.npy');
  });
  test('zero-length file', async () => {
    const r = await cli('inspect', join(bad, 'zero_length.npy'), '--json');
    expect(r.code).toBe(1);
    expect(r.json.error.kind).toBe('format');
    expect(r.json.error.offset).toBe(0);
  });
  test('missing file', async () => {
    const r = await cli('inspect', join(bad, 'does-not-exist.npy'), '--json');
    expect(r.code).toBe(1);
    expect(r.json.error.kind).toBe('io');
  });
  test('unknown command and bad flags', async () => {
    expect((await cli('frobnicate')).code).toBe(1);
    expect((await cli('walk', join(FIX, 'npy', 'i4.npy'), '--limit', '-3', '--json')).json.error.kind).toBe('argument');
    expect((await cli('walk', join(FIX, 'npy', 'i4.npy'), '--view', 'a[[0, 1]]', '--json')).json.error.kind).toBe(
      'expression',
    );
    expect(
      (await cli('reinterpret', join(FIX, 'npy', 'i4.npy'), '--offset', '1', '--model', 'win16', '--json')).json.error
        .kind,
    ).toBe('argument');
  });
  test('every bad fixture NumPy refuses ends in a typed error, never a crash', async () => {
    const numpySays = JSON.parse(readFileSync(join(FIX, 'npy', 'expected.json'), 'utf8')).bad;
    for (const [name, { numpy_error }] of Object.entries<any>(numpySays)) {
      const r = await cli('inspect', join(bad, name), '--json');
      expect(r.err).not.toContain('internal error');
      if (numpy_error === null) {
        expect([name, r.code]).toEqual([name, 0]); // e.g. bomb.npz: an 8 MiB member, within the inflate limit
      } else if (/Header info length \(\d+\) is large/.test(numpy_error)) {
        // refused by np.load's 10,000-character limit only: opened here, with a notice of what np.load needs
        expect([name, r.code]).toEqual([name, 0]);
        expect(r.json.notices[0]).toMatch(/max_header_size=\d+ or more, or allow_pickle=True/);
      } else {
        expect([name, r.code]).toEqual([name, 1]);
        expect(['format', 'unsupported', 'dtype', 'io']).toContain(r.json.error.kind);
      }
    }
  });
});

describe('hex', () => {
  test('dumps the bytes of the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stridescope-hex-'));
    const path = join(dir, 'x.bin');
    writeFileSync(path, Buffer.from('Stridescope!\x00\x01\x02\x03\xff', 'latin1'));
    const r = await cli('hex', path, '--offset', '0', '--length', '32');
    expect(r.out).toBe(
      '00000000  53 74 72 69 64 65 73 63  6f 70 65 21 00 01 02 03  |Stridescope!....|\n00000010  ff                                                |.|\n',
    );
  });
});
