/**
 * The electron-builder configuration against the BUILT app (out/): every file the packaged app loads at run time
 * is packed, and what must live outside the asar is unpacked where the loader looks. electron-builder cannot build
 * here (Electron's download host is unreachable), so this reads what it would read: the config (validated with
 * electron-builder's own schema check), package.json and out/. Patterns are matched with minimatch, the matcher
 * electron-builder itself uses for `files` / `asarUnpack`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const minimatch = require('minimatch') as (path: string, pattern: string, opts?: { dot?: boolean }) => boolean;

interface BuilderConfig {
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  extraResources: { from: string; to: string; filter: string[] }[];
  fileAssociations: { ext: string; name: string }[];
  linux: { target: string[] };
  win: { target: string[] };
  mac: { target: string[] };
  electronFuses: Record<string, boolean>;
}

const config = JSON.parse(readFileSync(join(ROOT, 'electron-builder.json'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

/** electron-builder's `files`: included when some positive pattern matches and no later `!pattern` does. */
function packed(rel: string): boolean {
  let inc = false;
  for (const p of config.files) {
    if (p.startsWith('!')) {
      if (minimatch(rel, p.slice(1), { dot: true })) inc = false;
    } else if (minimatch(rel, p, { dot: true })) inc = true;
  }
  return inc;
}
const unpacked = (rel: string) => config.asarUnpack.some((p) => minimatch(rel, p, { dot: true }));

/** Every module main loads: out/main/index.js and the chunks it imports, statically or dynamically, transitively. */
function mainGraph(): { files: string[]; bare: Set<string> } {
  const files: string[] = [];
  const bare = new Set<string>();
  const todo = [join(ROOT, pkg.main)];
  while (todo.length) {
    const file = todo.pop()!;
    if (files.includes(file)) continue;
    files.push(file);
    const src = readFileSync(file, 'utf8');
    // rollup's output: static imports at the start of a line, dynamic ones as import("./chunk.js")
    const specs = [
      ...src.matchAll(/^import\s[^;]*?from\s*"([^"]+)"/gm),
      ...src.matchAll(/^import\s*"([^"]+)"/gm),
      ...src.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
    ];
    for (const m of specs) {
      const spec = m[1]!;
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec));
      else if (!spec.startsWith('node:'))
        bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return { files, bare };
}

beforeAll(() => {
  if (!existsSync(join(ROOT, pkg.main)) || process.env.STRIDESCOPE_TEST_BUILD !== '0') {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
  }
}, 120_000);

describe('electron-builder configuration', () => {
  it("passes electron-builder's own schema validation (and the check can fail)", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util');
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...structuredClone(config), asarUnpak: [] }, new DebugLogger(false)),
    ).rejects.toThrow();
  });

  it('targets AppImage + deb, NSIS and dmg, and associates .npy / .npz', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.fileAssociations.map((a) => a.ext)).toEqual(['npy', 'npz']);
  });

  it('flips the fuses: no RunAsNode, NODE_OPTIONS or --inspect; cookie encryption, asar integrity, only app.asar', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('`npm run dist` builds then packages, and the README documents it', () => {
    expect(pkg.scripts.dist).toMatch(/^npm run build && electron-builder --config electron-builder\.json/);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('npm run dist');
    expect(pkg.devDependencies['electron-builder']).toBeDefined();
  });
});

describe('every file the packaged app loads at run time is packed, and unpacked where it must be', () => {
  it("main's entry and every chunk it imports (statically or lazily) are in the asar", () => {
    const { files } = mainGraph();
    expect(files.length).toBeGreaterThan(1); // the entry and at least the lazily loaded API chunk
    for (const f of files) expect(packed(relative(ROOT, f).split('\\').join('/')), f).toBe(true);
  });

  it("main's bare imports are production dependencies (electron-builder packs dependencies, not devDependencies)", () => {
    const { bare } = mainGraph();
    expect(bare.has('koffi')).toBe(true);
    for (const name of bare) {
      if (name === 'electron') continue;
      expect(pkg.dependencies[name], name).toBeDefined();
    }
  });

  it('the preload and the whole renderer (index.html and every asset it names) are in the asar', () => {
    expect(packed('out/preload/index.cjs')).toBe(true);
    const html = readFileSync(join(ROOT, 'out', 'renderer', 'index.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="\.?\/?([^"]+)"/g)].map((m) => posix.join('out/renderer', m[1]!));
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const a of ['out/renderer/index.html', ...assets]) {
      expect(existsSync(join(ROOT, a)), a).toBe(true);
      expect(packed(a), a).toBe(true);
    }
    expect(packed('out/main/index.js.map')).toBe(false);
    expect(packed('src-main/electron/main.ts')).toBe(false);
  });

  it('koffi and its native binary (koffi 3: @koromix/koffi-<platform>-<arch>) are unpacked from the asar', () => {
    const koffiNode = require.resolve('koffi');
    const binaries: string[] = [];
    const scope = join(ROOT, 'node_modules', '@koromix');
    for (const d of existsSync(scope) ? readdirSync(scope) : []) {
      for (const sub of readdirSync(join(scope, d), { withFileTypes: true })) {
        if (sub.isDirectory() && existsSync(join(scope, d, sub.name, 'koffi.node')))
          binaries.push(`node_modules/@koromix/${d}/${sub.name}/koffi.node`);
      }
    }
    expect(binaries.length).toBeGreaterThan(0);
    for (const b of [relative(ROOT, koffiNode).split('\\').join('/'), ...binaries]) expect(unpacked(b), b).toBe(true);
  });

  it('the kernel library goes to <resources>/native/, exactly where nativeLibrary() looks first in a packaged app', async () => {
    const { LIBRARY_FILE, libraryCandidates } = await import('../../src-main/platform/nativeLibrary');
    const native = config.extraResources.find((r) => r.from === 'native/build')!;
    expect(native).toBeDefined();
    expect(native.filter).toContain(LIBRARY_FILE);
    expect(existsSync(join(ROOT, 'native', 'build', LIBRARY_FILE))).toBe(true);
    const proc = process as NodeJS.Process & { resourcesPath?: string };
    const before = proc.resourcesPath;
    const savedEnv = process.env.STRIDESCOPE_NATIVE_LIB;
    delete process.env.STRIDESCOPE_NATIVE_LIB;
    proc.resourcesPath = '/opt/Stridescope/resources';
    try {
      expect(libraryCandidates()[0]).toBe(join('/opt/Stridescope/resources', native.to, LIBRARY_FILE));
    } finally {
      proc.resourcesPath = before;
      if (savedEnv !== undefined) process.env.STRIDESCOPE_NATIVE_LIB = savedEnv;
    }
  });

  it('the Python agent folder, when the repository has one, is copied to <resources>/python/', () => {
    const py = config.extraResources.find((r) => r.from === 'python')!;
    expect(py).toMatchObject({ to: 'python' });
    const dir = join(ROOT, 'python');
    if (existsSync(dir)) {
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.py')))
        expect(
          py.filter.some((p) => minimatch(f, p)),
          f,
        ).toBe(true);
    }
  });
});
