/**
 * `--url postgres://…` on Debian's PostgreSQL 15, a database per test: the whole model of the fixture,
 * and the proof that introspection writes nothing — it runs as a role that may only read, the cluster
 * assigns no transaction id while it runs (every write needs one), table statistics and the catalog are
 * unchanged, and the server's statement log shows one READ ONLY transaction of catalog SELECTs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlanInputError } from '../../src/errors.js';
import { introspect } from '../../src/inspect/live.js';
import { DatabaseSchemaSchema, type DatabaseSchema } from '../../src/model/database.js';
import { readSchemaFile } from '../../src/inspect/read.js';
import { canonical, fingerprint } from '../../src/inspect/query.js';
import { tempDir } from '../helpers.js';
import { freePort } from '../../src/rehearse/postgres.js';
import { serverForBlock, startDebianPostgres } from '../rehearse/servers.js';
import { PG_FIXTURE, PG_FIXTURE_VIEWS, pgDatabase, pgFixtureTables, runSql } from './live-fixtures.js';

/** The same URL as another user (Debian's test server trusts local connections: no password needed). */
function as(url: string, user: string, password?: string): string {
  const u = new URL(url);
  u.username = user;
  if (password) u.password = password;
  return u.toString();
}

/** What any write would change: the next transaction id, row counters per table, and the catalog's contents. */
async function footprint(url: string) {
  const [[xid, counters, catalog]] = await runSql(url, `
    SELECT pg_stat_clear_snapshot();
    SELECT txid_snapshot_xmax(txid_current_snapshot())::text,
           (SELECT string_agg(format('%s:%s/%s/%s', relname, n_tup_ins, n_tup_upd, n_tup_del), ' ' ORDER BY relname) FROM pg_stat_user_tables),
           (SELECT md5(string_agg(format('%s.%s:%s:%s', relnamespace, relname, relkind, relnatts), ',' ORDER BY relnamespace, relname)) FROM pg_class)`) as [[string, string, string]];
  return { xid, counters, catalog };
}

describe('live PostgreSQL', () => {
  const server = serverForBlock(startDebianPostgres, (s) => s.stop());
  let log: string;
  beforeAll(async () => {
    // No autovacuum (its ANALYZE writes pg_statistic with a transaction id of its own); every statement logged, with its application.
    for (const setting of ['autovacuum = off', "log_statement = 'all'", "log_line_prefix = '%a|'"]) await runSql(server(), `ALTER SYSTEM SET ${setting}`);
    const [[dataDir]] = await runSql(server(), `SELECT pg_reload_conf(); SELECT current_setting('data_directory')`) as [[string]];
    log = join(dirname(dataDir), 'log');
  });

  it('reads the whole fixture into the model: types, defaults, identity, keys, indexes, checks, trigger, RLS, comments, rows, view', async () => {
    const url = await pgDatabase(server(), 'model', PG_FIXTURE);
    const schema = await introspect(url);
    expect(DatabaseSchemaSchema.parse(schema)).toEqual(schema);
    expect(schema).toEqual({
      engine: 'postgres',
      version: { text: expect.stringMatching(/^15\.\d+$/), num: expect.any(Number) },
      source: { kind: 'live', file: url },
      tables: pgFixtureTables(expect.any(Number)),
      views: PG_FIXTURE_VIEWS,
    });
    expect(schema.version!.num).toBeGreaterThanOrEqual(150000);
    expect(schema.version!.num).toBeLessThan(160000);
    expect(schema.tables.every((t) => t.bytes! >= 8192)).toBe(true);
  });

  it('agrees with what pg_dump -s of the same database reads as: one schema, one fingerprint', async () => {
    const url = await pgDatabase(server(), 'twoways', PG_FIXTURE);
    const dump = join(tempDir(), 'twoways.sql');
    writeFileSync(dump, execFileSync('pg_dump', ['--schema-only', url], { encoding: 'utf8' }));
    const live = await introspect(url);
    const dumped = await readSchemaFile(dump);
    // A dump has no statistics, a live catalog no lines; each prints a view's definition its own way.
    const comparable = (s: DatabaseSchema) => ({ ...s, source: undefined, version: undefined,
      tables: s.tables.map(({ rows: _r, bytes: _b, ...t }) => t), views: s.views.map(({ definition: _d, ...v }) => v) });
    const strip = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (k, v) => (k === 'line' ? undefined : v)));
    expect(strip(comparable(canonical(dumped)))).toEqual(strip(comparable(canonical(live))));
    const noStats = (s: DatabaseSchema) => ({ ...s, tables: s.tables.map(({ rows: _r, bytes: _b, ...t }) => t) });
    expect(fingerprint(noStats(dumped))).toBe(fingerprint(noStats(live)));
  });

  it('writes nothing: as roles that may only read, no transaction id is assigned and statistics and catalog stay as they were', async () => {
    const url = await pgDatabase(server(), 'readonly', PG_FIXTURE);
    await runSql(url, `CREATE ROLE inspector LOGIN; GRANT pg_read_all_data TO inspector;
      CREATE ROLE inspector_ro LOGIN; ALTER ROLE inspector_ro SET default_transaction_read_only = on;
      GRANT CONNECT ON DATABASE readonly TO inspector_ro; GRANT USAGE ON SCHEMA public TO inspector_ro; GRANT SELECT ON ALL TABLES IN SCHEMA public TO inspector_ro;
      CREATE ROLE bare LOGIN; REVOKE ALL ON SCHEMA public FROM PUBLIC`);
    const reference = await introspect(url);
    const before = await footprint(url);
    // bare may only connect (not even USAGE on public): the catalog describes the schema to it all the same.
    for (const user of ['inspector', 'inspector_ro', 'bare']) {
      const schema = await introspect(as(url, user));
      expect({ ...schema, source: reference.source }).toEqual(reference);
    }
    expect(await footprint(url)).toEqual(before);
  });

  it('sends one READ ONLY transaction of catalog SELECTs, and never counts rows', async () => {
    const url = await pgDatabase(server(), 'logged', PG_FIXTURE);
    const from = readFileSync(log, 'utf8').length;
    await introspect(url);
    const lines = readFileSync(log, 'utf8').slice(from).split('\n');
    const statements = lines.map((l) => /^plan inspect\|LOG: {2}(?:statement|execute [^:]*): (.*)$/.exec(l)?.[1]).filter((s): s is string => s !== undefined);
    expect(statements[0]).toBe('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    expect(statements.at(-1)).toBe('ROLLBACK');
    expect(statements.slice(1, -1).map((s) => s.split(' ')[0])).toEqual(['SELECT', 'SET', 'SELECT', 'SELECT', 'SELECT', 'SELECT', 'SELECT', 'SELECT']);
    const ours = lines.filter((l) => !/^\S+\|/.test(l) || l.startsWith('plan inspect|')).join('\n');
    expect(ours).not.toMatch(/count\s*\(/i);
  });

  it('resolves catalog functions in pg_catalog, whatever the role\'s search_path puts first', async () => {
    const url = await pgDatabase(server(), 'shadowed', `${PG_FIXTURE};
      CREATE FUNCTION public.col_description(oid, integer) RETURNS text LANGUAGE sql AS $$ SELECT 'not the catalog' $$;
      CREATE FUNCTION public.format_type(oid, integer) RETURNS text LANGUAGE sql AS $$ SELECT 'not the catalog' $$;
      CREATE ROLE shadowed LOGIN; ALTER ROLE shadowed SET search_path = public, pg_catalog`);
    const schema = await introspect(as(url, 'shadowed'));
    const accounts = schema.tables.find((t) => t.name === 'accounts')!;
    expect(accounts.columns.map((c) => [c.type, c.comment])).toEqual([['bigint', undefined], ['character varying(120)', 'Shown on invoices'], ['text', undefined]]);
  });

  it('reads the search_path\'s schemas, or the ones the URL names; tables elsewhere carry their namespace', async () => {
    const url = await pgDatabase(server(), 'namespaces', `CREATE TABLE accounts (id int PRIMARY KEY);
      CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int PRIMARY KEY, account_id int REFERENCES public.accounts)`);
    expect((await introspect(url)).tables.map((t) => t.name)).toEqual(['accounts']);
    const both = await introspect(`${url}?schema=public,billing`);
    expect(both.tables.map((t) => [t.namespace, t.name, t.foreign_keys.map((k) => k.references)])).toEqual([[undefined, 'accounts', []], ['billing', 'invoices', ['accounts']]]);
    expect(both.source.file).toBe(`${url}?schema=public,billing`);
  });

  it('gives a partitioned table its partitions\' rows and bytes, and does not list the partitions', async () => {
    const url = await pgDatabase(server(), 'partitioned', `
      CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
      CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
      CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      INSERT INTO events SELECT g, date '2025-06-01' + (g % 400) FROM generate_series(1, 1000) g`);
    const before = await introspect(url);
    expect(before.tables.map((t) => [t.name, t.rows])).toEqual([['events', undefined]]);
    await runSql(url, 'ANALYZE events');
    const [events] = (await introspect(url)).tables;
    expect(events!.rows).toBe(1000);
    const [[bytes]] = await runSql(url, `SELECT (pg_total_relation_size('events_2025') + pg_total_relation_size('events_2026'))::int`) as [[number]];
    expect(events!.bytes).toBe(bytes);
  });

  it('refuses a database with no tables in the schemas read, with exit 2', async () => {
    const url = await pgDatabase(server(), 'empty', 'CREATE SCHEMA other; CREATE TABLE other.t (id int)');
    await expect(introspect(url)).rejects.toThrow(`the database at ${url} has no tables this user can see`);
    expect((await introspect(url, { schemas: ['other'] })).tables.map((t) => [t.namespace, t.name])).toEqual([['other', 't']]);
  });

  it('gives up at the time limit when a table is locked, with exit 2', async () => {
    const url = await pgDatabase(server(), 'locked', PG_FIXTURE);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN; LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE');
      const err = await introspect(url, { timeoutMs: 1000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PlanInputError);
      expect((err as PlanInputError).exitCode).toBe(2);
      expect((err as PlanInputError).message).toMatch(/^cannot read the database at postgres:\/\/.*: canceling statement due to (lock|statement) timeout/);
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
  });

  it('gives up on a server that accepts the connection and never answers, with exit 2', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      for (const scheme of ['postgres', 'mysql']) {
        const err = await introspect(`${scheme}://app:s3cret@127.0.0.1:${port}/prod`, { timeoutMs: 500 }).catch((e: unknown) => e) as PlanInputError;
        expect(err, scheme).toBeInstanceOf(PlanInputError);
        expect(err.message).toMatch(new RegExp(`^cannot read the database at ${scheme}://app@127\\.0\\.0\\.1:${port}/prod: .*(timeout|ETIMEDOUT|no answer)`, 'i'));
        expect(err.message).not.toContain('s3cret');
      }
    } finally {
      silent.close();
    }
  });

  it('reports a refused connection and an unknown database with exit 2, without the password', async () => {
    const port = await freePort();
    const refused = await introspect(`postgres://app:s3cret-pw@127.0.0.1:${port}/prod`).catch((e: unknown) => e) as PlanInputError;
    expect(refused).toBeInstanceOf(PlanInputError);
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toContain(`cannot read the database at postgres://app@127.0.0.1:${port}/prod: connect ECONNREFUSED`);
    expect(refused.message).not.toContain('s3cret');
    const missing = await introspect(as(server().replace(/\/postgres$/, '/nope'), 'postgres', 's3cret-pw')).catch((e: unknown) => e) as PlanInputError;
    expect(missing.message).toMatch(/^cannot read the database at postgres:\/\/postgres@127\.0\.0\.1:\d+\/nope: database "nope" does not exist/);
    expect(missing.message).not.toContain('s3cret');
    await expect(introspect('redis://localhost/0')).rejects.toThrow('--url redis://localhost/0: not a database URL this tool reads');
    const malformed = await introspect('postgres://app:s3cret@db:port/prod').catch((e: unknown) => e) as PlanInputError;
    expect(malformed).toBeInstanceOf(PlanInputError);
    expect(malformed.message).toBe('--url postgres://db:port/prod: not a valid URL\n  hint: percent-encode special characters in the user name and password (@ is %40, / is %2F)');
  });
});
