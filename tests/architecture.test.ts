/**
 * The direction of imports, as the README draws it: core ← formats ← platform ← playground ← api ← electron / cli,
 * and the renderer imports the IPC contract's TYPES only. A violation names the file and the import.
 */
import { describe, expect, test } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const ROOT = resolve(__dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

function imports(file: string): { spec: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const out: { spec: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]/gm))
    out.push({ spec: m[3], typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ spec: m[1], typeOnly: false });
  return out;
}

/** Which layer a resolved import lands in ('' for a package). */
function layerOf(from: string, spec: string): string {
  if (spec === '@contract') return 'api';
  if (!spec.startsWith('.')) return spec.startsWith('node:') ? 'node' : `pkg:${spec.split('/')[0]}`;
  const target = relative(ROOT, resolve(dirname(from), spec));
  const [top, sub] = target.split(/[\\/]/);
  return top === 'src-main' ? sub : top;
}

const ALLOWED: Record<string, (layer: string) => boolean> = {
  core: (l) => l === 'core',
  formats: (l) => ['core', 'formats', 'node', 'pkg:fflate'].includes(l), // node: only in fileSource.ts (checked below)
  platform: (l) => ['core', 'formats', 'platform', 'node', 'pkg:koffi'].includes(l),
  playground: (l) => ['core', 'formats', 'platform', 'playground', 'node'].includes(l),
  livepython: (l) => ['core', 'formats', 'platform', 'livepython', 'node'].includes(l),
  api: (l) => ['core', 'formats', 'platform', 'playground', 'livepython', 'api', 'node'].includes(l),
  cli: (l) => ['core', 'formats', 'platform', 'playground', 'livepython', 'api', 'cli', 'node'].includes(l),
  electron: (l) =>
    ['core', 'formats', 'platform', 'playground', 'livepython', 'api', 'electron', 'node', 'pkg:electron'].includes(l),
};

describe('imports go one way', () => {
  for (const layer of Object.keys(ALLOWED)) {
    test(`src-main/${layer}`, () => {
      const bad: string[] = [];
      for (const f of files(join(ROOT, 'src-main', layer))) {
        for (const { spec } of imports(f)) {
          const l = layerOf(f, spec);
          if (!ALLOWED[layer](l)) bad.push(`${relative(ROOT, f)} imports ${spec} (${l})`);
        }
      }
      expect(bad).toEqual([]);
    });
  }

  test('the renderer imports only the contract, and only its types', () => {
    const bad: string[] = [];
    for (const f of files(join(ROOT, 'src-renderer'))) {
      for (const { spec, typeOnly } of imports(f)) {
        const l = layerOf(f, spec);
        if (l === 'src-renderer' || l.startsWith('pkg:react') || l === 'pkg:react-dom') continue;
        if (spec === '@contract' && typeOnly) continue;
        bad.push(`${relative(ROOT, f)} imports ${typeOnly ? 'type ' : ''}${spec} (${l})`);
      }
    }
    expect(bad).toEqual([]);
  });
});

test('the contract (self-contained, for the renderer) lists the same C types the core reinterprets', async () => {
  const { C_TYPES } = await import('../src-main/api/contract');
  const { REINTERPRET_CTYPES } = await import('../src-main/core/reinterpret');
  expect([...C_TYPES]).toEqual([...REINTERPRET_CTYPES]);
});

test('formats/ touches the file system only through its file-source module', () => {
  const bad: string[] = [];
  for (const f of files(join(ROOT, 'src-main', 'formats'))) {
    if (f.endsWith(join('formats', 'fileSource.ts'))) continue;
    // node:module is not the file system: npz.ts loads its inflater (fflate) with createRequire on first use
    for (const { spec } of imports(f))
      if (spec.startsWith('node:') && spec !== 'node:module') bad.push(`${relative(ROOT, f)} imports ${spec}`);
  }
  expect(bad).toEqual([]);
});

/** The file an import names, or null for a package (the '@contract' alias names the contract). */
function resolveImport(from: string, spec: string): string | null {
  const base =
    spec === '@contract'
      ? join(ROOT, 'src-main/api/contract')
      : spec.startsWith('.')
        ? resolve(dirname(from), spec)
        : null;
  if (base === null) return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

test('no import cycles: the files of src-main and src-renderer import each other in one direction only', () => {
  const all = [...files(join(ROOT, 'src-main')), ...files(join(ROOT, 'src-renderer'))];
  const edges = new Map(
    all.map((f) => [
      f,
      imports(f)
        .map(({ spec }) => resolveImport(f, spec))
        .filter((t): t is string => t !== null),
    ]),
  );
  // depth-first search; a back edge to a file on the stack is a cycle, reported as the files around it
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of edges.get(f) ?? []) {
      if (state.get(t) === 'open')
        cycles.push([...stack.slice(stack.indexOf(t)), t].map((x) => relative(ROOT, x)).join(' -> '));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of all) if (!state.has(f)) visit(f);
  expect(cycles).toEqual([]);
});

test('koffi is loaded only through platform/koffiBinding.ts (lazily: a koffi that fails to load must not stop the app)', () => {
  const bad: string[] = [];
  for (const f of files(join(ROOT, 'src-main'))) {
    if (f.endsWith(join('platform', 'koffiBinding.ts'))) continue;
    for (const { spec, typeOnly } of imports(f)) if (spec === 'koffi' && !typeOnly) bad.push(relative(ROOT, f));
  }
  expect(bad).toEqual([]);
});
