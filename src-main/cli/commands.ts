/** The CLI's commands, each a thin layer over api/inspect.ts and the core. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ArgumentError, IOError } from '../core/errors';
import { mapFile } from '../platform/mappedMemory';
import { DType } from '../core/dtype';
import type { DataModelId } from '../api/contract';
import { seedExample } from '../core/example';
import { CtypesView } from '../core/ctypes';
import type { NDArray } from '../core/ndarray';
import { inspectArray, walkArray, reinterpretAt, hexDump, kernelJSON } from '../api/inspect';
import { openSourceOnly, openTarget, type OpenedTarget } from './openTarget';
import type { KernelName } from '../platform/nativeKernels';

export const USAGE = `stridescope — see how an N-dimensional array lives in memory

  stridescope inspect [FILE] [--json] [--hash]         header, dtype, shape, strides, flags, ctypes, first values
  stridescope walk FILE [--view EXPR] [--start N] [--limit N] [--json]
                                                       elements in logical order with their byte offsets
  stridescope reinterpret FILE --offset N [--model lp64|llp64|ilp32] [--json]
                                                       the bytes at N as every C type, both byte orders
  stridescope hex FILE [--offset N] [--length N]       hex + ASCII dump
  stridescope run SCRIPT [--python auto|PATH|builtin] [--model lp64|llp64|ilp32]
                                                       the script typed at Python's >>> prompt: your Python (auto:
                                                       STRIDESCOPE_PYTHON or python3), or the built-in simulation
                                                       (builtin; the default with --model)
  stridescope kernel FILE NAME [--view EXPR] [--json] [--no-native]
                                                       run a C kernel: ${'sum min max count_nan count_nonzero checksum contiguous_copy'}

  FILE is a .npy, a .npz (pick a member with --member NAME) or a raw binary file opened like
  numpy.memmap: --dtype DT [--shape 3,4] [--offset N] [--order C|F] [--mode r|r+|c|w+].
  With no FILE, inspect describes the built-in example (the seed page's 2x2 int32 array).
  In EXPR the loaded array is named \`a\`, e.g. --view 'a[:, ::-1]'.
`;

/**
 * `stridescope run FILE`: the playground interpreter over a script, as Python's >>> prompt would print it.
 * The interpreter is imported here, on demand: no other command loads it (it is most of the bundle, and every
 * command's start time would pay for it — see bench/ "CLI start").
 */
export async function runScriptFile(
  file: string,
  model: string | undefined,
): Promise<{ output: string; exitCode: number }> {
  const { runScript } = await import('./run');
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    throw new IOError(file, (e as Error).message);
  }
  return runScript(source, { model: parseModel(model), mapper: mapFile, cwd: dirname(resolve(file)) });
}

export interface CliOptions {
  json?: boolean;
  hash?: boolean;
  view?: string;
  start?: string;
  limit?: string;
  offset?: string;
  length?: string;
  model?: string;
  dtype?: string;
  shape?: string;
  order?: string;
  mode?: string;
  member?: string;
  'no-native'?: boolean;
}

export function parseCount(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^(0|[1-9][0-9]*|0x[0-9a-fA-F]+)$/.test(text.trim()))
    throw new ArgumentError(`--${name} must be a non-negative integer, got '${text}'`);
  const n = Number(text.trim());
  if (!Number.isSafeInteger(n)) throw new ArgumentError(`--${name} is too large: ${text}`);
  return n;
}

function parseModel(text: string | undefined): DataModelId {
  const model = (text ?? 'lp64').toLowerCase();
  if (model !== 'lp64' && model !== 'llp64' && model !== 'ilp32')
    throw new ArgumentError(`--model must be lp64, llp64 or ilp32, got '${text}'`);
  return model;
}

function needFile(command: string, args: string[]): string {
  if (args.length < 1) throw new ArgumentError(`${command} needs a FILE`);
  return args[0];
}

/**
 * The array, or the view EXPR makes of it. The view-expression parser, like the kernels below, is imported only by
 * the commands that use it: each command loads what it needs, and `inspect` starts fast (bench/ "CLI start").
 */
async function withView(target: OpenedTarget, expr: string | undefined) {
  if (!expr) return target.array;
  const { evaluateViewExpr } = await import('../core/viewexpr');
  return evaluateViewExpr(expr, { a: target.array });
}

export async function runCommand(command: string, args: string[], opts: CliOptions): Promise<string> {
  switch (command) {
    case 'inspect': {
      if (args.length === 0) {
        const x = seedExample();
        const json = inspectArray(x, {
          file: null,
          format: null,
          fortranOrder: false,
          readData: (o, n) => x.memory.read(x.offset + o, n),
          hash: true,
        });
        return opts.json ? JSON.stringify(json) : formatInspect(json, x) + '\n\n' + seedLines(x);
      }
      const target = openTarget(args[0], opts);
      try {
        const json = inspectArray(target.array, {
          file: target.path,
          format: target.format,
          fortranOrder: target.fortranOrder,
          descr: target.descr,
          notices: target.notices,
          readData: target.readData,
          hash: opts.hash,
        });
        return opts.json ? JSON.stringify(json) : formatInspect(json, target.array, target);
      } finally {
        target.close();
      }
    }
    case 'walk': {
      const target = openTarget(needFile('walk', args), opts);
      try {
        const view = await withView(target, opts.view);
        const json = walkArray(view, parseCount('start', opts.start, 0), parseCount('limit', opts.limit, 64));
        if (opts.json) return JSON.stringify(json);
        const lines = [
          `shape ${fmtTuple(json.shape)}  strides ${fmtTuple(json.strides)}  offset ${json.offset}  size ${json.size}`,
        ];
        for (const e of json.elements) {
          const terms = e.index.map((i, k) => `${i}·${json.strides[k]}`).join(' + ');
          lines.push(
            `${fmtTuple(e.index).padEnd(14)} offset = ${json.offset}${terms ? ' + ' + terms : ''} = ${e.offset}`,
          );
        }
        return lines.join('\n');
      } finally {
        target.close();
      }
    }
    case 'reinterpret': {
      const target = openSourceOnly(needFile('reinterpret', args));
      try {
        if (opts.offset === undefined)
          throw new ArgumentError('reinterpret needs --offset N (a byte offset in the file)');
        const offset = parseCount('offset', opts.offset, 0);
        if (offset >= target.source.size)
          throw new ArgumentError(`--offset ${offset} is past the end of ${target.path} (${target.source.size} bytes)`);
        const json = reinterpretAt(target.source, offset, parseModel(opts.model));
        if (opts.json) return JSON.stringify(json);
        const lines = [
          `offset ${json.offset}  model ${json.model}  bytes ${json.bytes.replace(/(..)/g, '$1 ').trim()}`,
        ];
        for (const [name, v] of Object.entries(json.values)) {
          lines.push(
            `${name.padEnd(12)} ${String(v.size).padStart(2)} B  le ${fmtJSON(v.le).padEnd(24)} be ${fmtJSON(v.be)}`,
          );
        }
        return lines.join('\n');
      } finally {
        target.close();
      }
    }
    case 'hex': {
      const target = openSourceOnly(needFile('hex', args));
      try {
        const offset = parseCount('offset', opts.offset, 0);
        const length = Math.min(parseCount('length', opts.length, 256), 16 * 1024 * 1024);
        const end = Math.min(target.source.size, offset + length);
        const bytes = offset < end ? target.source.read(offset, end - offset) : new Uint8Array(0);
        return hexDump(bytes, offset);
      } finally {
        target.close();
      }
    }
    case 'kernel': {
      const { runKernel, KERNEL_NAMES } = await import('../platform/nativeKernels');
      if (args.length < 2) throw new ArgumentError(`kernel needs FILE and NAME (one of ${KERNEL_NAMES.join(', ')})`);
      const name = args[1];
      if (!(KERNEL_NAMES as readonly string[]).includes(name))
        throw new ArgumentError(`unknown kernel '${name}': expected one of ${KERNEL_NAMES.join(', ')}`);
      const target = openTarget(args[0], opts);
      try {
        const view = await withView(target, opts.view);
        const answer = kernelJSON(runKernel(name as KernelName, view, { forceFallback: opts['no-native'] }));
        if (opts.json) return JSON.stringify(answer);
        return [
          `${answer.kernel} = ${fmtJSON(answer.result)}   (${answer.implementation}, ${(answer.seconds * 1e3).toFixed(3)} ms)`,
          `C call: ${answer.call.prototype}`,
          `args:   ${JSON.stringify(answer.call.args)}`,
        ].join('\n');
      } finally {
        target.close();
      }
    }
    default:
      throw new ArgumentError(`unknown command '${command}': expected inspect, walk, reinterpret, hex, kernel or run`);
  }
}

/** The seed page's c_long vs c_longlong example on the built-in array, under each C data model. */
function seedLines(x: NDArray): string {
  const lines = ['the seed page, under each C data model (c_long is 8 bytes on LP64, 4 on LLP64 and ILP32):'];
  for (const model of ['LP64', 'LLP64', 'ILP32'] as const) {
    const ct = new CtypesView(x, { model });
    const long = ct.data_as(ct.POINTER('c_long')).contents.repr();
    const longlong = ct.data_as(ct.POINTER('c_longlong')).contents.repr();
    lines.push(
      `  ${model.padEnd(5)}  x.ctypes.data_as(POINTER(c_long)).contents = ${long.padEnd(18)} …(POINTER(c_longlong)).contents = ${longlong}   shape: ${ct.shape?.repr().replace(/ object at 0x[0-9a-f]+/, '')}`,
    );
  }
  return lines.join('\n');
}

function fmtTuple(xs: readonly number[]): string {
  return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(', ')})`;
}

function fmtJSON(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function formatInspect(json: ReturnType<typeof inspectArray>, arr: { dtype: DType }, target?: OpenedTarget): string {
  const lines: string[] = [];
  lines.push(
    `file        ${json.file ?? "(built-in example: the seed page's x = np.array([[0, 1], [2, 3]], dtype=np.int32))"}`,
  );
  if (target?.member) lines.push(`member      ${target.member}`);
  if (json.format) {
    lines.push(
      `format      .npy ${json.format.version.join('.')}, header ${json.format.headerLength} bytes, data at byte ${json.format.dataOffset}`,
    );
  }
  lines.push(`dtype       ${json.dtype.str} (${arr.dtype.name}, itemsize ${json.dtype.itemsize})`);
  lines.push(
    `shape       ${fmtTuple(json.shape)}   strides ${fmtTuple(json.strides)}   ${json.fortranOrder ? 'Fortran order' : 'C order'}`,
  );
  lines.push(`nbytes      ${json.nbytes}`);
  lines.push(
    `flags       ${Object.entries(json.flags)
      .map(([k, v]) => `${k}=${v ? 'True' : 'False'}`)
      .join(' ')}`,
  );
  lines.push(
    `ctypes      data=${json.ctypes.data} shape=${fmtTuple(json.ctypes.shape)} strides=${fmtTuple(json.ctypes.strides)}`,
  );
  lines.push(
    `values      ${json.values.map(fmtJSON).join(', ')}${json.values.length < json.shape.reduce((a, b) => a * b, 1) ? ', …' : ''}`,
  );
  lines.push(`sha256      ${json.sha256 ?? '(not computed: data > 256 MiB; pass --hash)'}`);
  for (const n of json.notices) lines.push(`notice      ${n}`);
  return lines.join('\n');
}
