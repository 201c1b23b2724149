/**
 * Debian's PostgreSQL and MariaDB servers, started by a test on a temporary directory and a random
 * loopback port (PostgreSQL) or a Unix socket (MariaDB), and stopped after. `npm test` installs them
 * (scripts/setup.js). As root, each runs as its own system user, so the directory is opened to all.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../../src/rehearse/postgres.js';
import { tempDir } from '../helpers.js';

export interface TestServer {
  url: string;
  /** The directory holding the server's Unix socket, where it has one (for clients that take a socket, like psycopg2). */
  socketDir?: string;
  stop(): Promise<void>;
}

/**
 * One server for the describe block that calls this: started before its tests, stopped after them.
 * Returns the server's URL (read it inside a test: the server starts in beforeAll).
 */
export function serverForBlock<S extends { url: string }>(start: () => Promise<S>, stop: (server: S) => Promise<unknown>): () => string {
  let server: S | undefined;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    if (server) await stop(server);
  });
  return () => server!.url;
}

function debianPostgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions.length) throw new Error('Debian\'s postgresql is not installed (npm test installs it: node scripts/setup.js)');
  return join(root, versions[0]!, 'bin');
}

/** Runs a command as `user` when we are root (PostgreSQL refuses to run as root). */
function as(user: string, command: string, args: string[]) {
  const root = process.getuid?.() === 0;
  const r = spawnSync(root ? 'runuser' : command, root ? ['-u', user, '--', command, ...args] : args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr || r.stdout}`);
}

export async function startDebianPostgres(): Promise<TestServer> {
  const bin = debianPostgresBin();
  const dir = tempDir();
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  as('postgres', join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  as('postgres', join(bin, 'pg_ctl'), ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-k ${dir} -p ${port} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    socketDir: dir,
    async stop() {
      as('postgres', join(bin, 'pg_ctl'), ['-D', data, '-w', '-m', 'fast', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** MariaDB on a Unix socket only (no network): ready in a few seconds. */
export async function startMariadb(): Promise<TestServer> {
  const dir = tempDir();
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const socket = join(dir, 's');
  const install = spawnSync('mariadb-install-db', [`--datadir=${data}`, '--user=mysql', '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr}`);
  const server = spawn('mariadbd', [`--datadir=${data}`, `--socket=${socket}`, '--skip-networking', '--user=mysql', `--pid-file=${join(dir, 'pid')}`, `--log-error=${join(dir, 'log')}`],
    { stdio: 'ignore' });
  for (let i = 0; i < 300 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(socket)) throw new Error(`mariadbd did not start: ${existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : ''}`);
  return {
    url: `mysql://root@localhost/?socketPath=${encodeURIComponent(socket)}`,
    async stop() {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
