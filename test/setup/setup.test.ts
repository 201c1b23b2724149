import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers.js';

const SETUP = join(ROOT, 'scripts', 'setup.js');

/** A PATH holding only node (and apt-get when asked): every system tool the tests use is missing there. */
function barePath(withAptGet: boolean): string {
  const dir = tempDir();
  chmodSync(dir, 0o755); // readable by nobody too
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, 'node'));
  if (withAptGet) symlinkSync('/usr/bin/apt-get', join(bin, 'apt-get'));
  return bin;
}

function setup(command: string[], env: Record<string, string>) {
  const started = performance.now();
  const r = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - started };
}

describe('scripts/setup.js (run first by npm test)', () => {
  it('with everything installed it does nothing, quietly and at once (no reinstall)', () => {
    const r = setup([process.execPath, SETUP], {});
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(2_000);
  });

  it('without apt-get, missing tools fail in the first second, naming the packages to install', () => {
    const r = setup([process.execPath, SETUP], { PATH: barePath(false) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('setup: the tests need task, jq, chromium, tmux, git, sqlite3, which are not installed');
    expect(r.stderr).toContain('Install these (Debian package names): taskwarrior jq chromium tmux git sqlite3');
    expect(r.ms).toBeLessThan(1_000);
  });

  it('not as root, missing tools fail in the first second with the one command to run', () => {
    const path = barePath(true);
    // As nobody (uid 65534): apt-get is there but cannot install.
    const r = setup(['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', join(path, 'node'), SETUP], { PATH: path });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('setup: the tests need task, jq, chromium, tmux, git, sqlite3, which are not installed. Run:\n'
      + '  sudo apt-get update && sudo apt-get install -y --no-install-recommends taskwarrior jq chromium tmux git sqlite3\n');
    expect(r.ms).toBeLessThan(1_000);
  });
});
