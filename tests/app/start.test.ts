/**
 * `npm start` (scripts/start.mjs) with a stand-in Electron executable (ELECTRON_OVERRIDE_DIST_PATH, which
 * scripts/electronBinary.mjs honours like electron's own index.js): Chromium's sandbox failures are recognised from
 * their real FATAL lines, the exact fix is printed, and the CLI view follows; `--no-sandbox` is passed only on request.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

// Chromium's messages, as Electron 45 prints them (setuid_sandbox_host.cc, zygote_host_impl_linux.cc)
const SUID =
  "[12:12:FATAL:setuid_sandbox_host.cc(163)] The SUID sandbox helper binary was found, but is not configured correctly. Rather than run without sandboxing I'm aborting now. You need to make sure that /x/chrome-sandbox is owned by root and has mode 4755.";
const USERNS =
  '[12:12:FATAL:zygote_host_impl_linux.cc(128)] No usable sandbox! If you are running on Ubuntu 23.10+ or another Linux distro that has disabled unprivileged user namespaces with AppArmor, see https://chromium.googlesource.com/chromium/src/+/main/docs/security/apparmor-userns-restrictions.md.';

function fakeElectron(stderrLine: string | null, exitWith: string): { dir: string; argsFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'stridescope-fake-electron-bin-'));
  const argsFile = join(dir, 'args');
  const body = [
    '#!/bin/sh',
    `echo "$@" > '${argsFile}'`,
    stderrLine ? `echo '${stderrLine.replace(/'/g, "'\\''")}' >&2` : '',
    exitWith,
  ].join('\n');
  writeFileSync(join(dir, 'electron'), body + '\n');
  chmodSync(join(dir, 'electron'), 0o755);
  return { dir, argsFile };
}

function start(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DISPLAY: ':99', STRIDESCOPE_START_NO_BUILD: '1', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe.skipIf(process.platform === 'win32')('npm start', () => {
  it('the SUID sandbox failure: says exactly what to chown/chmod, offers the opt-in flag, then shows the CLI view', () => {
    const fake = fakeElectron(SUID, 'kill -TRAP $$');
    const r = start([], { ELECTRON_OVERRIDE_DIST_PATH: fake.dir });
    const helper = join(fake.dir, 'chrome-sandbox');
    expect(r.out).toContain(`sudo chown root:root '${helper}'`);
    expect(r.out).toContain(`sudo chmod 4755 '${helper}'`);
    expect(r.out).toContain('npm start -- --no-sandbox');
    expect(r.out).toContain('dtype       <i4');
    expect(r.status).toBe(0);
    expect(readFileSync(fake.argsFile, 'utf8').trim()).toBe('.'); // never --no-sandbox by default
  });

  it('the user-namespace (AppArmor, Ubuntu >= 23.10) failure gets the same advice and the CLI view', () => {
    const fake = fakeElectron(USERNS, 'exit 133');
    const r = start([], { ELECTRON_OVERRIDE_DIST_PATH: fake.dir });
    expect(r.out).toMatch(/restricts unprivileged user namespaces/);
    expect(r.out).toContain('sudo chmod 4755');
    expect(r.out).toContain('"shape":[2,2]');
  });

  it('--no-sandbox is passed to Electron only when asked for, with a warning', () => {
    const fake = fakeElectron(null, 'exit 0');
    const r = start(['--no-sandbox'], { ELECTRON_OVERRIDE_DIST_PATH: fake.dir });
    expect(r.status).toBe(0);
    expect(readFileSync(fake.argsFile, 'utf8').trim()).toBe('. --no-sandbox');
    expect(r.out).toContain('development only');
  });

  it('another Electron failure is not disguised as a sandbox problem: its exit status is kept', () => {
    const fake = fakeElectron('some other crash', 'exit 7');
    const r = start([], { ELECTRON_OVERRIDE_DIST_PATH: fake.dir });
    expect(r.status).toBe(7);
    expect(r.out).not.toContain('chmod');
  });

  it('without an Electron binary: says why and shows the CLI view', () => {
    const empty = mkdtempSync(join(tmpdir(), 'stridescope-no-electron-'));
    const r = start([], { ELECTRON_OVERRIDE_DIST_PATH: empty });
    expect(r.status).toBe(0);
    expect(r.out).toContain("Electron's binary is not installed");
    expect(r.out).toContain('dtype       <i4');
  });
});
