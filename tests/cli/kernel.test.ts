/**
 * `stridescope kernel FILE NAME --json` against NumPy (tests/fixtures/kernels, written by
 * scripts/gen_kernel_fixtures.py): every kernel on every dtype family and view of the fixtures, through the CLI's
 * own `main` (argument parsing, raw-file mapping, the view expression, the JSON it prints) — C and TypeScript.
 * The answer's fields are exactly those docs/cli.md lists: docs/cli.md is the contract.
 */
import { describe, expect, test, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../src-main/cli/main';
import { nativeLibrary } from '../../src-main/platform/nativeLibrary';
import {
  expectMatchesNumpy,
  loadDatasets,
  FIXTURES,
  REDUCTIONS,
  type KernelCase,
  type KernelDataset,
} from '../platform/helpers';
import type { KernelName } from '../../src-main/platform/nativeKernels';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new Capture();
  const err = new Capture();
  const code = await main(args, out, err);
  return { code, out: out.text, err: err.text };
}

/** The field names docs/cli.md lists for `stridescope kernel`, nested objects as "call.prototype". */
function documentedFields(): string[] {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'cli.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## `stridescope kernel'));
  const block = /```\n([\s\S]*?)```/.exec(section)![1];
  const fields: string[] = [];
  const re = /"(\w+)"(\s*:\s*\{([^}]*)\})?/g;
  for (let m = re.exec(block); m; m = re.exec(block)) {
    if (m[0].includes('{')) for (const inner of m[3].matchAll(/"(\w+)"/g)) fields.push(`${m[1]}.${inner[1]}`);
    else if (!/^(native|typescript)$/.test(m[1])) fields.push(m[1]);
  }
  return fields.sort();
}

function fieldsOf(json: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(json)) {
    if (k === 'call') for (const inner of Object.keys(v as object)) out.push(`call.${inner}`);
    else out.push(k);
  }
  return out.sort();
}

/** The fixture view as a view expression over the raw file opened as a flat array `a`. */
function viewExpr(ds: KernelDataset, c: KernelCase): string {
  const tuple = (xs: number[]) => (xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`);
  return `np.ndarray(${tuple(c.shape)}, '${ds.dtype}', buffer=a, offset=${c.offset}, strides=${tuple(c.strides)})`;
}

const datasets = loadDatasets();
const haveNative = nativeLibrary() !== null;
const KERNELS: KernelName[] = [...REDUCTIONS, 'contiguous_copy'];

describe('stridescope kernel --json', () => {
  test('docs/cli.md lists the fields the answer has', () => {
    expect(documentedFields()).toEqual([
      'call.args',
      'call.function',
      'call.prototype',
      'fallbackReason',
      'implementation',
      'kernel',
      'result',
      'seconds',
    ]);
  });

  for (const impl of ['native', 'typescript'] as const) {
    for (const ds of datasets) {
      test.skipIf(impl === 'native' && !haveNative)(
        `${ds.name} (${ds.dtype}), every kernel and view, ${impl}: NumPy's answers`,
        async () => {
          const fields = documentedFields();
          const file = join(FIXTURES, ds.file);
          for (const c of ds.cases) {
            for (const k of KERNELS) {
              const args = ['kernel', file, k, '--dtype', ds.dtype, '--view', viewExpr(ds, c), '--json'];
              if (impl === 'typescript') args.push('--no-native');
              const r = await cli(args);
              const what = `${ds.name} ${c.view} ${k} (${impl})`;
              const json = JSON.parse(r.out);
              const want = k === 'contiguous_copy' ? c.expected.checksum : c.expected[k];
              if (want === undefined) {
                // min/max of an empty view: NumPy's ValueError, a typed argument error here
                expect(r.code, what).toBe(1);
                expect(json.error.kind, what).toBe('argument');
                expect(json.error.message, what).toMatch(/zero-size array/);
                continue;
              }
              expect(r.err, what).toBe('');
              expect(r.code, what).toBe(0);
              expect(fieldsOf(json), what).toEqual(fields);
              expect(json.kernel).toBe(k);
              expect(json.implementation, what).toBe(impl);
              expect(json.fallbackReason === null, what).toBe(impl === 'native');
              expect(json.call.args.shape, what).toEqual(c.shape.map(String));
              expect(json.call.args.strides, what).toEqual(c.strides.map(String));
              if (k === 'contiguous_copy') {
                const itemsize = Number(ds.dtype.slice(2));
                expect(json.result, what).toEqual({
                  nbytes: c.shape.reduce((a, b) => a * b, 1) * itemsize,
                  checksum: want,
                });
              } else {
                expectMatchesNumpy(ds, c, k, json.result, what);
              }
            }
          }
        },
      );
    }
  }

  test('a bug inside a command is kind "internal" (exit 1), never blamed on the arguments', async () => {
    vi.resetModules();
    vi.doMock('../../src-main/cli/commands', async (orig) => ({
      ...(await orig<typeof import('../../src-main/cli/commands')>()),
      runCommand: async () => {
        throw new TypeError('Do not know how to serialize a BigInt');
      },
    }));
    try {
      const { main: mocked } = await import('../../src-main/cli/main');
      const out = new Capture();
      const err = new Capture();
      const code = await mocked(
        ['kernel', join(FIXTURES, datasets[0].file), 'sum', '--dtype', '|b1', '--json'],
        out,
        err,
      );
      expect(code).toBe(1);
      expect(JSON.parse(out.text)).toEqual({
        error: { kind: 'internal', message: 'Do not know how to serialize a BigInt', offset: null },
      });
      expect(err.text).toMatch(/^stridescope: internal error: TypeError/);
    } finally {
      vi.doUnmock('../../src-main/cli/commands');
      vi.resetModules();
    }
  });
});
