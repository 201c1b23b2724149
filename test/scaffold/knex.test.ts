/**
 * Knex migrations written from plans, run by Knex 3 itself (its migrator, in this process) on Debian's
 * PostgreSQL: migrate.latest, each new file's own `verify`, rollback of that batch, and the database
 * must be as it was (catalog and rows).
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { scaffoldPlan } from '../../src/app/scaffold.js';
import { diffSnapshots } from '../../src/rehearse/snapshot.js';
import { tempDir } from '../helpers.js';
import { serverForBlock, startDebianPostgres, type TestServer } from '../rehearse/servers.js';
import { execute, OWNER, planFor, postgresTarget, SEED, snapshotOf, sqliteTarget, type Target } from './python-projects.js';
import { existsSync } from 'node:fs';
import initSqlJs, { type Database } from 'sql.js';

const require = createRequire(import.meta.url);

/** The project's own first migration: the tables the plans touch. */
const FIRST = '20260101000000_users_projects_tasks.js';
const FIRST_TEXT = `exports.up = async (knex) => {
  await knex.schema.createTable('users', (t) => { t.increments('id'); t.text('name').notNullable(); });
  await knex.schema.createTable('projects', (t) => { t.increments('id'); t.text('name').notNullable(); t.integer('user_id').notNullable().references('users.id'); });
  await knex.schema.createTable('tasks', (t) => { t.increments('id'); t.text('title').notNullable(); t.integer('project_id').notNullable().references('projects.id'); t.boolean('done').notNullable().defaultTo(false); });
};
exports.down = async (knex) => {
  await knex.schema.dropTable('tasks');
  await knex.schema.dropTable('projects');
  await knex.schema.dropTable('users');
};
`;

/** A Knex project: a knexfile (client and connection given) and migrations/ holding FIRST. */
function knexProject(connection: string, client: string | Function): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'migrations'));
  writeFileSync(join(dir, 'migrations', FIRST), FIRST_TEXT);
  writeFileSync(join(dir, 'knexfile.js'), `module.exports = { client: ${typeof client === 'string' ? JSON.stringify(client) : 'undefined'}, connection: ${connection}, pool: { min: 1, max: 1 }, migrations: { directory: ${JSON.stringify(join(dir, 'migrations'))} } };\n`);
  return dir;
}

/** Knex configured by the project's knexfile (a client class, when given, replaces the named one). */
function knexOf(dir: string, client?: Function): Knex {
  const config = require(join(dir, 'knexfile.js')) as Knex.Config;
  return knexFactory({ ...config, ...(client ? { client: client as Knex.Config['client'] } : {}) });
}

async function scaffold(dir: string, file: string): Promise<string[]> {
  const { result } = await scaffoldPlan({ file, dir, framework: 'knex', now: new Date('2026-11-23T20:00:00Z') });
  return result.written;
}

/** A migration's own checks (its `up` runs them right after its step; the last step's still hold after the batch). */
const verifyOf = (dir: string, file: string) => (require(join(dir, file)) as { verify(k: Knex): Promise<void> }).verify;

const opened: Knex[] = [];
afterEach(async () => {
  for (const k of opened.splice(0)) await k.destroy();
  delete process.env.PLAN_OWNER_TENANT;
});

describe('Knex on PostgreSQL', () => {
  let server: TestServer | undefined;
  serverForBlock(async () => (server = await startDebianPostgres()), (s) => s.stop());

  it('multi-tenant: migrate latest, verify, roll the batch back, and the database is as it was', async () => {
    const target = (await postgresTarget(server!.url, server!.socketDir!, 'knex_multi_tenant')) as Extract<Target, { engine: 'postgres' }>;
    const dir = knexProject(JSON.stringify({ host: target.socketDir, port: target.port, user: 'postgres', database: target.database }), 'pg');
    const knex = knexOf(dir);
    opened.push(knex);
    await knex.migrate.latest();
    await execute(target, SEED);
    const before = await snapshotOf(target);

    const plan = await planFor('multi-tenant', 'postgres');
    const written = await scaffold(dir, plan);
    expect(written.length).toBeGreaterThan(0);
    expect(readdirSync(join(dir, 'migrations')).sort()).toEqual([FIRST, ...written.map((p) => p.slice('migrations/'.length))].sort());
    for (const p of written) expect(p.slice('migrations/'.length) > FIRST).toBe(true);

    await expect(knex.migrate.latest()).rejects.toThrow(/PLAN_OWNER_TENANT/);
    process.env.PLAN_OWNER_TENANT = OWNER;
    const [batch, ran] = (await knex.migrate.latest()) as [number, string[]];
    expect(batch).toBe(2);
    expect(ran).toEqual(written.map((p) => p.slice('migrations/'.length)));
    await verifyOf(dir, written.at(-1)!)(knex);
    const checked = written.map((p) => readFileSync(join(dir, p), 'utf8')).filter((text) => text.includes('  check('));
    expect(checked.length).toBeGreaterThan(1);
    for (const text of checked) expect(text).toMatch(/  await exports\.verify\(knex\);\n};\n\nexports\.down/);
    const after = await snapshotOf(target);
    expect(after['column users.tenant_id']).toBe('uuid not null');
    expect(after['index idx_tasks_tenant_id']).toContain('(valid)');

    await knex.migrate.rollback();
    expect(await knex.migrate.currentVersion()).toBe(FIRST.slice(0, 14));
    expect(diffSnapshots(before, await snapshotOf(target))).toEqual([]);

    expect(await scaffold(dir, plan)).toEqual([]);
  }, 120_000);
});

/**
 * Knex's SQLite client with the driver underneath it replaced: neither native SQLite binding (sqlite3,
 * better-sqlite3) builds here, so the driver is sql.js, SQLite itself compiled to WebAssembly, behind the
 * few calls of the sqlite3 package Knex makes (Database, all, run, close; `this.lastID`/`this.changes`).
 * Knex and SQLite are both the real ones. The file is read when a connection opens and written when it
 * closes (sql.js's export would end an open transaction), so a test closes Knex before it reads the file.
 */
const SQL = await initSqlJs();
class SqlJsDatabase {
  private readonly db: Database;
  constructor(private readonly file: string, _flags: number, ready: (err: Error | null) => void) {
    this.db = new SQL.Database(existsSync(file) ? readFileSync(file) : undefined);
    setImmediate(() => ready(null));
  }
  private rows(sql: string, bindings: unknown[]): Record<string, unknown>[] {
    const stmt = this.db.prepare(sql);
    try {
      // As the sqlite3 package binds them: a Date as its milliseconds, a boolean as 1 or 0.
      stmt.bind((bindings ?? []).map((v) => (v instanceof Date ? v.valueOf() : typeof v === 'boolean' ? Number(v) : v ?? null)));
      const out: Record<string, unknown>[] = [];
      while (stmt.step()) out.push(stmt.getAsObject());
      return out;
    } finally {
      stmt.free();
    }
  }
  all(sql: string, bindings: unknown[], done: (this: object, err: Error | null, rows?: unknown[]) => void): void {
    let rows: unknown[];
    try { rows = this.rows(sql, bindings); } catch (err) { done.call({}, err as Error); return; }
    done.call({}, null, rows);
  }
  run(sql: string, bindings: unknown[], done: (this: object, err: Error | null) => void): void {
    try { this.rows(sql, bindings); } catch (err) { done.call({}, err as Error); return; }
    const lastID = this.db.exec('SELECT last_insert_rowid()')[0]?.values[0]?.[0];
    done.call({ lastID, changes: this.db.getRowsModified() }, null);
  }
  close(done: (err: Error | null) => void): void {
    writeFileSync(this.file, Buffer.from(this.db.export()));
    this.db.close();
    done(null);
  }
}
const Sqlite3Client = require('knex/lib/dialects/sqlite3') as new (config: Knex.Config) => object;
class SqlJsClient extends Sqlite3Client {
  _driver() {
    return { Database: SqlJsDatabase, OPEN_READWRITE: 2, OPEN_CREATE: 4 };
  }
}

describe('Knex on SQLite', () => {
  it('add-not-null-column: migrate latest, roll the batch back, and the database is as it was', async () => {
    const dir = knexProject('{}', SqlJsClient);
    const target = sqliteTarget(dir) as Extract<Target, { engine: 'sqlite' }>;
    const open = () => knexFactory({ client: SqlJsClient as unknown as Knex.Config['client'], connection: { filename: target.file },
      useNullAsDefault: true, pool: { min: 1, max: 1 }, migrations: { directory: join(dir, 'migrations') } });
    let knex = open();
    await knex.migrate.latest();
    await knex.destroy();
    await execute(target, SEED);
    const before = await snapshotOf(target);

    const plan = await planFor('add-not-null-column', 'sqlite');
    const written = await scaffold(dir, plan);
    expect(written.length).toBeGreaterThan(0);
    for (const p of written) expect(p.slice('migrations/'.length) > FIRST).toBe(true);
    knex = open();
    const [batch, ran] = (await knex.migrate.latest()) as [number, string[]];
    expect(batch).toBe(2);
    expect(ran).toEqual(written.map((p) => p.slice('migrations/'.length)));
    await knex.destroy();
    const after = await snapshotOf(target);
    expect(after['column users.email_verified']).toBe('boolean null default false');

    knex = open();
    await knex.migrate.rollback();
    expect(await knex.migrate.currentVersion()).toBe(FIRST.slice(0, 14));
    await knex.destroy();
    expect(diffSnapshots(before, await snapshotOf(target))).toEqual([]);
    expect(await scaffold(dir, plan)).toEqual([]);
  }, 60_000);
});
