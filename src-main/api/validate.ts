/**
 * Validation of every argument that crosses IPC. The renderer is untrusted: whatever it sends is `unknown` here
 * until one of these functions has checked it. Each throws ArgumentError (kind 'argument') naming the argument
 * and what was expected; handlers turn that into `{ ok: false, error }`.
 */
import { ArgumentError } from '../core/errors';
import {
  C_TYPES,
  LIMITS,
  type CTypeName,
  type DataModelId,
  type LifetimeScenarioName,
  type OpenRequest,
  type RawOpenOptions,
  type ConsoleResetOptions,
  type TourRunRequest,
  type WalkRequest,
  type ByteSearchRequest,
} from './contract';

function describe(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 40 ? v.slice(0, 40) + '…' : v}'`;
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/** A safe integer in [min, max]. Rejects floats, NaN, strings, bigints, booleans. */
export function int(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw new ArgumentError(`${name} must be an integer, got ${describe(v)}`, `an integer in [${min}, ${max}]`);
  }
  if (v < min || v > max)
    throw new ArgumentError(`${name} must be in [${min}, ${max}], got ${v}`, `an integer in [${min}, ${max}]`);
  return v;
}

export function str(name: string, v: unknown, maxLength: number): string {
  if (typeof v !== 'string') throw new ArgumentError(`${name} must be a string, got ${describe(v)}`, 'a string');
  if (v.length > maxLength)
    throw new ArgumentError(
      `${name} is too long (${v.length} characters, at most ${maxLength})`,
      `at most ${maxLength} characters`,
    );
  if (v.includes('\0')) throw new ArgumentError(`${name} contains a NUL character`);
  return v;
}

export function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new ArgumentError(`${name} must be one of ${allowed.join(', ')}, got ${describe(v)}`, allowed.join(' | '));
  }
  return v as T;
}

/** Ids are "a" + a positive integer, as handed out by the session. */
export function arrayId(v: unknown): string {
  const id = str('id', v, 32);
  if (!/^a[1-9][0-9]{0,8}$/.test(id))
    throw new ArgumentError(`id must be an array id like 'a1', got ${describe(v)}`, "'a<number>'");
  return id;
}

/** A view expression on `a`: bounded length, printable, single line. */
export function expression(v: unknown): string {
  const e = str('expression', v, LIMITS.maxExpressionLength);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(e))
    throw new ArgumentError('expression contains control characters', 'one line of text');
  return e.trim() === '' ? 'a' : e.trim();
}

export function model(v: unknown): DataModelId {
  return oneOf('model', v, ['lp64', 'llp64', 'ilp32'] as const);
}

export function ctypeName(v: unknown): CTypeName {
  return oneOf('ctype', v, C_TYPES);
}

export function scenario(v: unknown): LifetimeScenarioName | null {
  if (v === null || v === undefined) return null;
  return oneOf('scenario', v, [
    'temporary-address',
    'ctypes-keeps-alive',
    'pointer-keeps-alive',
    'closed-mapping',
  ] as const);
}

/** An absolute path to a file (main's own: the recent list on disk; the renderer never sends one). */
export function path(v: unknown): string {
  const p = str('path', v, LIMITS.maxPathLength);
  if (p === '') throw new ArgumentError('path is empty', 'an absolute path');
  // UNC and device paths (\\host\share, \\?\, \\.\) are refused everywhere (grants.ts)
  const absolute = (p.startsWith('/') && !/^[\\/]{2}/.test(p)) || /^[A-Za-z]:[\\/]/.test(p);
  if (!absolute) throw new ArgumentError(`path must be absolute, got ${describe(p)}`, 'an absolute path');
  return p;
}

function plainObject(name: string, v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new ArgumentError(`${name} must be an object, got ${describe(v)}`, 'an object');
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null)
    throw new ArgumentError(`${name} must be a plain object`, 'an object');
  return v as Record<string, unknown>;
}

function onlyKeys(name: string, o: Record<string, unknown>, allowed: string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k))
      throw new ArgumentError(`${name} has an unknown key '${k.slice(0, 40)}'`, allowed.join(', '));
  }
}

export function intArray(name: string, v: unknown, maxLength: number, min: number, max: number): number[] {
  if (!Array.isArray(v))
    throw new ArgumentError(`${name} must be an array of integers, got ${describe(v)}`, 'an array of integers');
  if (v.length > maxLength)
    throw new ArgumentError(`${name} has ${v.length} entries, at most ${maxLength}`, `at most ${maxLength} entries`);
  return v.map((x, i) => int(`${name}[${i}]`, x, min, max));
}

export function rawOptions(v: unknown): RawOpenOptions {
  const o = plainObject('raw', v);
  onlyKeys('raw', o, ['dtype', 'shape', 'offset', 'order', 'mode']);
  const out: RawOpenOptions = { dtype: str('raw.dtype', o.dtype, 256) };
  if (o.shape !== undefined) out.shape = intArray('raw.shape', o.shape, 32, 0, Number.MAX_SAFE_INTEGER);
  if (o.offset !== undefined) out.offset = int('raw.offset', o.offset, 0, Number.MAX_SAFE_INTEGER);
  if (o.order !== undefined) out.order = oneOf('raw.order', o.order, ['C', 'F'] as const);
  // The app never writes through a mapping: only read-only and copy-on-write modes are offered over IPC.
  if (o.mode !== undefined) out.mode = oneOf('raw.mode', o.mode, ['r', 'c'] as const);
  return out;
}

export function openRequest(v: unknown): OpenRequest {
  const o = plainObject('request', v);
  onlyKeys('request', o, ['grant', 'member', 'raw']);
  // whatever stands where a grant id belongs, main answers only "not granted" for it (grants.ts): no detail to probe
  const out: OpenRequest = { grant: typeof o.grant === 'string' ? o.grant : '' };
  if (o.member !== undefined) out.member = str('member', o.member, 1024);
  if (o.raw !== undefined) out.raw = rawOptions(o.raw);
  return out;
}

/** Console input: a string of at most LIMITS.maxConsoleInput characters (newlines allowed, NUL not). */
export function consoleSource(v: unknown): string {
  return str('source', v, LIMITS.maxConsoleInput);
}

export function consoleResetOptions(v: unknown): ConsoleResetOptions {
  if (v === undefined || v === null) return {};
  const o = plainObject('options', v);
  onlyKeys('options', o, ['model', 'ctypes']);
  const out: ConsoleResetOptions = {};
  if (o.model !== undefined) out.model = model(o.model);
  if (o.ctypes !== undefined) {
    if (typeof o.ctypes !== 'boolean')
      throw new ArgumentError(`options.ctypes must be a boolean, got ${describe(o.ctypes)}`, 'true | false');
    out.ctypes = o.ctypes;
  }
  return out;
}

export function tourRunRequest(v: unknown, ids: readonly string[]): TourRunRequest {
  const o = plainObject('request', v);
  onlyKeys('request', o, ['id', 'code']);
  const out: TourRunRequest = { id: oneOf('request.id', o.id, ids) };
  if (o.code !== undefined) {
    if (typeof o.code !== 'boolean')
      throw new ArgumentError(`request.code must be a boolean, got ${describe(o.code)}`, 'true | false');
    out.code = o.code;
  }
  return out;
}

export { plainObject, onlyKeys };

/** `walkMany`'s windows: a list of at most LIMITS.maxWalkWindows {expression, start, count}, LIMITS.maxWalkCount elements in all. */
export function walkRequests(v: unknown): WalkRequest[] {
  if (!Array.isArray(v))
    throw new ArgumentError(`requests must be a list, got ${describe(v)}`, 'a list of {expression, start, count}');
  if (v.length > LIMITS.maxWalkWindows)
    throw new ArgumentError(
      `at most ${LIMITS.maxWalkWindows} windows per call, got ${v.length}`,
      `at most ${LIMITS.maxWalkWindows} windows`,
    );
  let total = 0;
  return v.map((item, i) => {
    const r = plainObject(`requests[${i}]`, item);
    onlyKeys(`requests[${i}]`, r, ['expression', 'start', 'count']);
    const count = int(`requests[${i}].count`, r.count, 0, LIMITS.maxWalkCount);
    total += count;
    if (total > LIMITS.maxWalkCount)
      throw new ArgumentError(
        `the windows ask for more than ${LIMITS.maxWalkCount} elements together`,
        `at most ${LIMITS.maxWalkCount} elements`,
      );
    return {
      expression: expression(r.expression),
      start: int(`requests[${i}].start`, r.start, 0, Number.MAX_SAFE_INTEGER),
      count,
    };
  });
}

export function byteSearchRequest(v: unknown): ByteSearchRequest {
  const o = plainObject('request', v);
  onlyKeys('request', o, ['id', 'mode', 'query', 'from', 'direction']);
  return {
    id: arrayId(o.id),
    mode: oneOf('mode', o.mode, ['hex', 'value'] as const),
    query: str('query', o.query, LIMITS.maxSearchQuery),
    from: int('from', o.from, 0, Number.MAX_SAFE_INTEGER),
    direction: oneOf('direction', o.direction, ['forward', 'backward'] as const),
  };
}
