#!/usr/bin/env node
// Makes this checkout ready to test (`npm test` runs it first) or to run the demo (`--node-only`):
//
// 1. The system tools the tests run for real: Taskwarrior (export scripts are run against it), jq (the
//    cleo export script reads ids with it), Chromium and a font (Mermaid renders in it; puppeteer
//    downloads no browser, see .puppeteerrc.cjs), tmux (tests drive the interactive `plan new` on a
//    terminal), git (a Backlog.md project is a git repository), PostgreSQL and MariaDB servers (plan
//    rehearse runs against them; the tests start them on temporary directories), the sqlite3 CLI (its
//    .schema output is a --schema input). Missing ones are installed with apt-get
//    when we are root and apt-get exists; otherwise this exits 2 at once, printing the one command to run.
// 2. The node dependencies: `npm install` when node_modules is missing or does not hold what
//    package-lock.json lists (compared by content, not by date: a fresh checkout's lock is always newer).
//
// No dependencies: it runs before node_modules exists. Quiet when there is nothing to do.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const nodeOnly = process.argv.includes('--node-only');

/** What the tests need, how to tell it is there, and the Debian package that brings it. */
const TOOLS = [
  { what: 'task', package: 'taskwarrior', present: () => onPath('task') },
  { what: 'jq', package: 'jq', present: () => onPath('jq') },
  { what: 'chromium', package: 'chromium', present: () => onPath('chromium')
    || [process.env.PLAN_CHROMIUM, process.env.PUPPETEER_EXECUTABLE_PATH].some((path) => path && existsSync(path)) },
  { what: 'DejaVu fonts', package: 'fonts-dejavu-core', present: () => existsSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf') },
  { what: 'tmux', package: 'tmux', present: () => onPath('tmux') },
  { what: 'git', package: 'git', present: () => onPath('git') },
  // plan rehearse runs against Debian's own servers too, started by the tests on temporary directories.
  { what: 'PostgreSQL server', package: 'postgresql', present: () => debianPostgres() !== undefined },
  { what: 'MariaDB server', package: 'mariadb-server', present: () => onPath('mariadbd') || existsSync('/usr/sbin/mariadbd') },
  // Tests make SQLite databases and print their schema (.schema) with the sqlite3 CLI, as users do.
  { what: 'sqlite3', package: 'sqlite3', present: () => onPath('sqlite3') },
  // Scaffolded Django and Alembic migrations are run by the frameworks themselves, from Debian's packages.
  { what: 'Django', package: 'python3-django', present: () => existsSync('/usr/lib/python3/dist-packages/django') },
  { what: 'Alembic', package: 'python3-alembic', present: () => existsSync('/usr/lib/python3/dist-packages/alembic') },
  { what: 'psycopg2', package: 'python3-psycopg2', present: () => existsSync('/usr/lib/python3/dist-packages/psycopg2') },
];

/** The bin directory of Debian's newest PostgreSQL (/usr/lib/postgresql/N/bin), if one is installed. */
function debianPostgres() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
}

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

function fail(lines) {
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(2);
}

function systemTools() {
  const missing = TOOLS.filter((t) => !t.present());
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((t) => t.package))];
  const install = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const names = missing.map((t) => t.what).join(', ');
  const isRoot = process.getuid?.() === 0;
  if (!onPath('apt-get')) {
    fail([`setup: the tests need ${names}, which are not installed, and there is no apt-get here to install them.`,
      `Install these (Debian package names): ${packages.join(' ')}`]);
  }
  if (!isRoot) {
    fail([`setup: the tests need ${names}, which are not installed. Run:`, `  sudo apt-get update && sudo ${install}`]);
  }
  process.stderr.write(`setup: installing ${packages.join(' ')} (apt-get)…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Quiet: apt's progress goes nowhere, its errors (stderr) to the terminal.
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...packages]]) {
    const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    // debconf's note that apt-utils is absent is no error.
    process.stderr.write(r.stderr.split('\n').filter((l) => l && !l.startsWith('debconf: delaying')).map((l) => `${l}\n`).join(''));
    if (r.status !== 0) fail([`setup: apt-get ${args[0]} failed (exit ${r.status ?? r.signal}). Run by hand:`, `  apt-get update && ${install}`]);
  }
  const still = TOOLS.filter((t) => !t.present());
  if (still.length) fail([`setup: still missing after apt-get: ${still.map((t) => t.what).join(', ')}`]);
}

/** True when node_modules holds every (non-optional) package at the version package-lock.json names. */
function nodeModulesCurrent() {
  const installed = join(ROOT, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return false;
  try {
    const want = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages ?? {};
    const have = JSON.parse(readFileSync(installed, 'utf8')).packages ?? {};
    for (const [path, entry] of Object.entries(want)) {
      // "" is the project itself; optional packages are other platforms' builds, absent by design.
      if (path === '' || entry.optional) continue;
      if (have[path]?.version !== entry.version) return false;
    }
    return true;
  } catch {
    return false;
  }
}

function nodeDependencies() {
  if (nodeModulesCurrent()) return;
  process.stderr.write('setup: installing node dependencies (npm install)…\n');
  // Not `npm ci`: the registry here serves only the linux-x64 build of Backlog.md's per-platform optional
  // packages, so the lock cannot list the others, and npm ci rejects such a lock; npm install takes it.
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) fail([`setup: npm install failed (exit ${r.status ?? r.signal}). Run it by hand in ${ROOT}: npm install`]);
}

if (!nodeOnly) systemTools();
nodeDependencies();
