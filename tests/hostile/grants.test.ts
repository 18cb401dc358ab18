/**
 * A hostile renderer against the handler object main registers (the same object the IPC channels call): it may
 * send anything to any method of the contract, but it cannot read, list, probe or plant a file the user did not
 * grant — /etc/passwd, a decoy key in a temporary HOME, `..`, symlinks, /proc/self/root — and the recent list
 * holds only real grants. (The console is the deliberate exception — the user's own Python prompt — and is not
 * driven here.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { createHandlers, type Handlers } from '../../src-main/api/handlers';
import { API_METHODS, type ApiError, type Result } from '../../src-main/api/contract';
import { isUncOrDevicePath } from '../../src-main/api/grants';
import { tmpDir, writeNpyFile } from './helpers';

const DECOY = 'DECOY-PRIVATE-KEY-7f3a9c';
let dir: string;
let home: string;
let key: string;
let good: string;
let h: Handlers;
let savedHome: string | undefined;

function err<T>(r: Result<T>): ApiError {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value).slice(0, 200)}`);
  return r.error;
}

/** Everything a hostile page could try to name a file with. */
function hostilePaths(): string[] {
  const link = join(dir, 'link-to-key');
  if (!fs.existsSync(link)) fs.symlinkSync(key, link);
  return [
    '/etc/passwd',
    key,
    join(dir, 'sub', '..', '..', home.split('/').pop()!, '.ssh', 'id_ed25519'),
    link,
    '/proc/self/root/etc/passwd',
    `/proc/self/root${key}`,
    join(dir, 'missing.npy'),
    dir,
    '\\\\host\\share\\x.npy',
    '//host/share/x.npy',
    '\\\\?\\C:\\secret.npy',
    '\\\\.\\PhysicalDrive0',
    'relative/../../etc/passwd',
    good,
  ];
}

beforeAll(() => {
  dir = tmpDir('sk-grants-');
  home = join(dir, 'home');
  fs.mkdirSync(join(home, '.ssh'), { recursive: true });
  key = join(home, '.ssh', 'id_ed25519');
  fs.writeFileSync(key, `-----BEGIN OPENSSH PRIVATE KEY-----\n${DECOY}\n-----END OPENSSH PRIVATE KEY-----\n`);
  good = join(dir, 'good.npy');
  writeNpyFile(good, '<i4', [4, 4]);
  fs.mkdirSync(join(dir, 'sub'));
  savedHome = process.env.HOME;
  process.env.HOME = home;
  h = createHandlers({ recentFile: join(dir, 'profile', 'recent.json'), console: 'simulation' });
});
afterAll(() => {
  h.dispose();
  process.env.HOME = savedHome;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a hostile renderer cannot name a file', () => {
  it('every method, given every hostile path in every argument position, reads nothing and answers no probe', async () => {
    const answers: string[] = [];
    for (const method of API_METHODS) {
      if (method === 'consoleRun' || method === 'tourRun' || method === 'openDialog') continue; // the console is the user's; no dialog here
      const fn = h[method] as (...a: unknown[]) => Promise<Result<unknown>>;
      for (const p of hostilePaths()) {
        for (const args of [
          [p],
          [{ grant: p }],
          [{ grant: p, member: p }],
          [{ path: p }],
          [{ grant: 'g1', path: p }],
          ['a1', p, 0, 64],
          [p, 0, 1024],
        ]) {
          const r = await fn(...args);
          answers.push(JSON.stringify(r));
        }
      }
    }
    const all = answers.join('\n');
    expect(all).not.toContain(DECOY);
    expect(all).not.toContain('root:x:0:0');
    // the bytes of the decoy, hex-encoded as readBytes would send them
    expect(all).not.toContain(Buffer.from(DECOY).toString('hex'));
    // no OS error names leak whether a path exists
    for (const probe of ['ENOENT', 'EISDIR', 'ELOOP', 'EACCES', 'no such file', 'is a directory'])
      expect(all).not.toContain(probe);
    // nothing was remembered
    expect((await h.recentFiles()).ok && (await h.recentFiles())).toEqual({ ok: true, value: [] });
    expect(fs.existsSync(join(dir, 'profile', 'recent.json'))).toBe(false);
  });

  it('what was never granted answers only "not granted", the same for a file that exists and one that does not', async () => {
    const a = err(await h.openGrant({ grant: '/etc/passwd' }));
    const b = err(await h.openGrant({ grant: join(dir, 'missing.npy') }));
    const c = err(await h.openGrant({ grant: 'g1' }));
    const d = err(await h.openGrant({ grant: 'g1', member: '../../etc/passwd' }));
    const e = err(await h.openRecent(0));
    for (const x of [a, b, c, d, e]) {
      expect(x.message).toBe('not granted');
      expect(x.file).toBeUndefined();
    }
  });

  it('a grant opens exactly its file: a symlink swapped after the grant does not redirect it', async () => {
    const link = join(dir, 'swap.npy');
    fs.symlinkSync(good, link);
    const opened = await h.openByUser(link, 'drop');
    expect(opened.ok).toBe(true);
    const grant = opened.ok ? opened.value.grant! : '';
    fs.unlinkSync(link);
    fs.symlinkSync(key, link);
    const again = await h.openGrant({ grant, raw: { dtype: 'u1' } });
    // the grant is to the file the user dropped (resolved when it was granted), not to what the name points at now
    expect(JSON.stringify(again)).not.toContain(Buffer.from(DECOY).toString('hex').slice(0, 16));
    if (again.ok) {
      const bytes = await h.readBytes(again.value.id, 0, 1024);
      expect(JSON.stringify(bytes)).not.toContain(Buffer.from(DECOY).toString('hex').slice(0, 16));
    }
  });

  it('the recent list holds only real grants, and picking an entry is the only way to reopen one by index', async () => {
    const hh = createHandlers({ recentFile: join(dir, 'profile2', 'recent.json'), console: 'simulation' });
    try {
      for (const p of hostilePaths()) await hh.openGrant({ grant: p });
      expect(await hh.recentFiles()).toEqual({ ok: true, value: [] });
      const r = await hh.openByUser(good, 'dialog');
      expect(r.ok).toBe(true);
      expect(await hh.recentFiles()).toEqual({ ok: true, value: [good] });
      expect((await hh.openRecent(0)).ok).toBe(true);
      for (const i of [1, 9, -1, 10, 1e9, '0', null])
        expect(err(await hh.openRecent(i as number)).kind).toBe('argument');
    } finally {
      hh.dispose();
    }
  });

  it('UNC and device paths are refused even when main names them', async () => {
    for (const p of [
      '\\\\host\\share\\x.npy',
      '//host/share/x.npy',
      '\\\\?\\C:\\x.npy',
      '\\\\.\\PhysicalDrive0',
      '\\\\?\\UNC\\host\\share\\x',
    ]) {
      expect(isUncOrDevicePath(p)).toBe(true);
      const e = err(await h.openByUser(p, 'command-line'));
      expect(e.kind).toBe('argument');
      expect(e.message).toContain('UNC and device paths');
    }
    expect(isUncOrDevicePath('/home/u/x.npy')).toBe(false);
    expect(isUncOrDevicePath('C:\\data\\x.npy')).toBe(false);
  });

  it('an .npz grant covers its members; another grant id does not open them', async () => {
    const npz = join(import.meta.dirname, '..', 'fixtures', 'npy', 'multi.npz');
    const npzFile = fs.existsSync(npz)
      ? npz
      : fs.readdirSync(join(import.meta.dirname, '..', 'fixtures', 'npy')).find((f) => f.endsWith('.npz'));
    expect(npzFile).toBeTruthy();
    const path = npzFile!.startsWith('/') ? npzFile! : join(import.meta.dirname, '..', 'fixtures', 'npy', npzFile!);
    const first = await h.openByUser(path, 'drop');
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const s = first.value;
    for (const m of s.npz!.members) {
      const r = await h.openGrant({ grant: s.grant!, member: m.name });
      expect(r.ok, JSON.stringify(r)).toBe(true);
    }
    expect(err(await h.openGrant({ grant: 'g999', member: s.npz!.members[0].name })).message).toBe('not granted');
  });
});
