/**
 * `plan scaffold` for real: the files written for multi-tenant (PostgreSQL) and add-not-null-column
 * (SQLite) are run by the tools they are written for — plain SQL through `psql` (Debian PostgreSQL 15,
 * one server for the file, a database per test) and the `sqlite3` shell — forward, verify, back, and the
 * catalog snapshot (src/rehearse's) equals the one taken before. Prisma's engines download binaries at
 * install and cannot run here: its migration.sql files are sent with `psql -c` (one batch, as Prisma
 * sends them, so several statements share one implicit transaction). Knex is not among this project's
 * packages, so its files are only loaded by Node (steps.test.ts), not run. MySQL through MariaDB's client.
 * Placeholder values are the plan's examples.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scaffoldPlan } from '../../src/app/scaffold.js';
import { parsePlan } from '../../src/model/load.js';
import type { Plan } from '../../src/model/schema.js';
import { openPostgres } from '../../src/rehearse/postgres.js';
import { emptyUsage, readUsage } from '../../src/rehearse/references.js';
import { allStatements } from '../../src/rehearse/run.js';
import { createTable, seedStatements, startingSchema } from '../../src/rehearse/seed.js';
import { openSqlite } from '../../src/rehearse/sqlite.js';
import { diffSnapshots } from '../../src/rehearse/snapshot.js';
import type { Driver } from '../../src/rehearse/driver.js';
import { runCli, tempDir } from '../helpers.js';
import { openMysql } from '../../src/rehearse/mysql.js';
import { serverForBlock, startDebianPostgres, startMariadb } from '../rehearse/servers.js';

const ROWS = 20;
/** A run of many psql processes, on 2 shared cores. */
const SLOW = 240_000;

/** `plan new TEMPLATE --db DB` into a temp folder: the plan file and the plan. */
function newPlan(template: string, db: string): { file: string; plan: Plan } {
  const file = join(tempDir(), `${template}.plan.yaml`);
  const made = runCli(['new', template, '--db', db, '--out', file]);
  expect(made.code, made.stderr).toBe(0);
  return { file, plan: parsePlan(readFileSync(file, 'utf8'), file).plan };
}

const examples = (plan: Plan) => Object.fromEntries(plan.placeholders.map((p) => [p.name, p.example]));

/** The tables the statements use, created and seeded as a rehearsal would. */
async function startTables(plan: Plan, driver: Driver) {
  const tasks = plan.tasks.flatMap((t, index) => (t.sql ? [{ id: t.id, index, sql: t.sql }] : []));
  const usage = await readUsage(driver.engine, allStatements(tasks, examples(plan), driver.engine), emptyUsage());
  for (const table of startingSchema(usage)) for (const sql of [createTable(driver.engine, table), ...seedStatements(driver.engine, table, ROWS)]) await driver.run(sql);
}

function ok(r: ReturnType<typeof spawnSync>, what: string) {
  expect(r.status, `${what}\n${String(r.stdout)}\n${String(r.stderr)}`).toBe(0);
}

const stems = (dir: string) => readdirSync(join(dir, 'deploy')).sort();

describe('plain SQL and Prisma on PostgreSQL 15, run by psql', () => {
  const url = serverForBlock(startDebianPostgres, (s) => s.stop());

  /** A fresh database with the start tables; the URL psql reaches it by. */
  async function database(plan: Plan) {
    const driver = await openPostgres(url());
    await startTables(plan, driver);
    const target = new URL(url());
    target.pathname = `/${String((await driver.query('SELECT current_database()'))[0]![0])}`;
    return { driver, target: target.toString() };
  }

  const psql = (target: string, vars: Record<string, string>, args: string[], cwd: string) =>
    spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...Object.entries(vars).flatMap(([k, v]) => ['-v', `${k}=${v}`]), '-d', target, ...args], { cwd, encoding: 'utf8' });

  it('multi-tenant: deploy and verify each step, revert newest first, and the schema is as it was; a second scaffold writes nothing', async () => {
    const { file, plan } = newPlan('multi-tenant', 'postgres');
    const dir = tempDir();
    const { result } = await scaffoldPlan({ file, dir });
    expect(result.framework).toBe('sql');
    const steps = stems(dir);
    // The concurrent index builds each get a step of their own, not wrapped in BEGIN / COMMIT.
    const concurrent = steps.filter((s) => /CREATE INDEX CONCURRENTLY/.test(readFileSync(join(dir, 'deploy', s), 'utf8')));
    expect(concurrent).toHaveLength(3);
    for (const s of concurrent) {
      const text = readFileSync(join(dir, 'deploy', s), 'utf8');
      // After BEGIN; SET …; COMMIT; (the task's settings, for this file's own session) and never in a transaction.
      expect(text.split('CREATE INDEX CONCURRENTLY')[0]).toMatch(/SET lock_timeout = 0;\n(SET statement_timeout = 0;\n)?COMMIT;\n$/);
      expect(text.split('CREATE INDEX CONCURRENTLY')[1]).not.toMatch(/BEGIN|COMMIT/);
    }

    const { driver, target } = await database(plan);
    try {
      const before = await driver.snapshot();
      const vars = examples(plan);
      // A missing placeholder stops the script before it changes anything.
      const unset = steps.find((s) => /owner_tenant/.test(readFileSync(join(dir, 'deploy', s), 'utf8')))!;
      expect(psql(target, {}, ['-f', `deploy/${unset}`], dir).stderr).toMatch(/placeholder owner_tenant is not set/);
      // Deploy then verify, in one psql run per step (as Sqitch does).
      for (const s of steps) ok(psql(target, vars, ['-f', `deploy/${s}`, '-f', `verify/${s}`], dir), `deploy and verify ${s}`);
      const after = await driver.snapshot();
      expect(after['policy users.users_tenant_isolation']).toBeDefined();
      expect(after['column users.tenant_id']).toMatch(/not null/);
      expect(Number((await driver.query('SELECT count(*) FROM users WHERE tenant_id IS NULL'))[0]![0])).toBe(0);
      for (const s of [...steps].reverse()) ok(psql(target, vars, ['-f', `revert/${s}`], dir), `revert ${s}`);
      expect(diffSnapshots(before, await driver.snapshot())).toEqual([]);
      // A check that does not hold stops psql with its note: the last step's, once everything is reverted.
      expect(psql(target, vars, ['-f', `verify/${steps.at(-1)!}`], dir).stderr).toMatch(/verify failed: NOT NULL on every table/);
    } finally {
      await driver.close(false);
    }

    const again = await scaffoldPlan({ file, dir });
    expect(again.result.written).toEqual([]);
    expect(again.text).toMatch(/^Nothing new: all \d+ steps of the plan are already in/);
  }, SLOW);

  it('Prisma: migration.sql sent as one batch each, after the existing folders; down.sql back to the start; values written in', async () => {
    const { file, plan } = newPlan('multi-tenant', 'postgres');
    const dir = tempDir();
    const init = join(dir, 'prisma', 'migrations', '20300101000000_init');
    mkdirSync(init, { recursive: true });
    writeFileSync(join(init, 'migration.sql'), 'CREATE TABLE app_settings (key text PRIMARY KEY, value text);\n');

    // Without the value, refused: located at the placeholder's declaration, naming it.
    await expect(scaffoldPlan({ file, dir, framework: 'prisma' })).rejects.toThrow(/placeholder owner_tenant has no value[\s\S]*--set owner_tenant=VALUE/);
    const set = Object.entries(examples(plan)).map(([k, v]) => `${k}=${v}`);
    const { result } = await scaffoldPlan({ file, dir, framework: 'prisma', set, now: new Date('2026-11-23T20:00:00Z') });
    expect(result.existing).toEqual(['prisma/migrations/20300101000000_init/migration.sql']);
    const folders = readdirSync(join(dir, 'prisma', 'migrations')).sort();
    expect(folders[0]).toBe('20300101000000_init');
    expect(folders[1]).toMatch(/^20300101000001_t1_/);

    const { driver, target } = await database(plan);
    try {
      ok(psql(target, {}, ['-f', join(init, 'migration.sql')], dir), 'init');
      const before = await driver.snapshot();
      for (const f of folders.slice(1)) {
        const at = join(dir, 'prisma', 'migrations', f);
        ok(psql(target, {}, ['-c', readFileSync(join(at, 'migration.sql'), 'utf8'), '-f', join(at, 'verify.sql')], dir), `migration and verify ${f}`);
      }
      expect((await driver.snapshot())['column projects.tenant_id']).toMatch(/not null/);
      for (const f of folders.slice(1).reverse()) ok(psql(target, {}, ['-f', join(dir, 'prisma', 'migrations', f, 'down.sql')], dir), `down ${f}`);
      expect(diffSnapshots(before, await driver.snapshot())).toEqual([]);
    } finally {
      await driver.close(false);
    }
  }, SLOW);

  it('a batched loop runs batch by batch: psql \\gexec (plain SQL) and a committing DO block (Prisma), over every key', async () => {
    const dir = tempDir();
    const file = join(dir, 'loop.plan.yaml');
    writeFileSync(file, JSON.stringify({
      version: 1, database: 'postgres', epic: { id: 'E', title: 'loop' },
      phases: [{ id: 'p', name: 'p', rollback: 'r', risk: 'low' }],
      placeholders: [{ name: 'mark', description: 'the mark', example: '5' }],
      tasks: [{ id: 'T1', title: 'Mark the items', phase: 'p', type: 'data', sql: {
        up: [{ run: 'UPDATE items SET flag = :mark WHERE id >= :from AND id < :to', loop: { key: 'id', batch: 3, bounds: 'SELECT min(id), max(id) FROM items', remaining: 'SELECT count(*) FROM items WHERE flag IS DISTINCT FROM :mark' } }],
        verify: [{ query: 'SELECT count(*) FROM items WHERE flag = :mark', expect: 20 }],
        down: ['UPDATE items SET flag = NULL'] } }],
    }));
    const plain = join(dir, 'sql');
    const prisma = join(dir, 'prisma-project');
    await scaffoldPlan({ file, dir: plain });
    await scaffoldPlan({ file, dir: prisma, framework: 'prisma', set: ['mark=5'] });
    const [step] = stems(plain);
    const [folder] = readdirSync(join(prisma, 'prisma', 'migrations'));
    const driver = await openPostgres(url());
    try {
      await driver.run('CREATE TABLE items (id int PRIMARY KEY, flag int)');
      await driver.run('INSERT INTO items SELECT g, NULL FROM generate_series(1, 20) AS g');
      const target = new URL(url());
      target.pathname = `/${String((await driver.query('SELECT current_database()'))[0]![0])}`;
      const flagged = async () => Number((await driver.query('SELECT count(*) FROM items WHERE flag = 5'))[0]![0]);
      ok(psql(target.toString(), { mark: '5' }, ['-f', `deploy/${step}`], plain), 'deploy');
      ok(psql(target.toString(), { mark: '5' }, ['-f', `verify/${step}`], plain), 'verify');
      expect(await flagged()).toBe(20);
      ok(psql(target.toString(), { mark: '5' }, ['-f', `revert/${step}`], plain), 'revert');
      expect(await flagged()).toBe(0);
      const at = join(prisma, 'prisma', 'migrations', folder!);
      expect(readFileSync(join(at, 'migration.sql'), 'utf8')).toMatch(/COMMIT;/);
      ok(psql(target.toString(), {}, ['-c', readFileSync(join(at, 'migration.sql'), 'utf8')], dir), 'prisma migration');
      ok(psql(target.toString(), {}, ['-f', join(at, 'verify.sql')], dir), 'prisma verify');
      expect(await flagged()).toBe(20);
    } finally {
      await driver.close(false);
    }
  });
});


/** The tables the plan's statements use, seeded as a rehearsal would (in sql.js), copied into `db` by the sqlite3 shell. */
async function sqliteStart(plan: Plan, dir: string, db: string): Promise<void> {
  const seed = await openSqlite();
  await startTables(plan, seed);
  const tables = (await seed.query(`SELECT name, sql FROM sqlite_master WHERE type = 'table'`)).map((r) => [String(r[0]), String(r[1])]);
  const start = tables.map(([, sql]) => `${sql};`);
  for (const [table] of tables) {
    for (const row of await seed.query(`SELECT * FROM "${table}"`)) {
      start.push(`INSERT INTO "${table}" VALUES (${row.map((v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`)).join(', ')});`);
    }
  }
  await seed.close(false);
  writeFileSync(join(dir, 'start.sql'), start.join('\n'));
  ok(spawnSync('sqlite3', ['-bail', db, '.read start.sql'], { cwd: dir, encoding: 'utf8' }), 'start');
}

/** The SQLite file's catalog and rows, as plan rehearse compares them. */
async function sqliteSnapshot(db: string) {
  const d = await openSqlite(readFileSync(db));
  try {
    return await d.snapshot();
  } finally {
    await d.close(false);
  }
}

describe('plain SQL on SQLite, run by the sqlite3 shell', () => {
  it('add-not-null-column: numbering continues after the folder\'s own migration; forward, verify, back to the start', async () => {
    const { file, plan } = newPlan('add-not-null-column', 'sqlite');
    const dir = tempDir();
    for (const [kind, sql] of [['deploy', 'CREATE TABLE app_settings (key text PRIMARY KEY, value text);'], ['revert', 'DROP TABLE app_settings;'], ['verify', 'SELECT key FROM app_settings WHERE 0;']]) {
      mkdirSync(join(dir, kind!), { recursive: true });
      writeFileSync(join(dir, kind!, '001_app_settings.sql'), `${sql}\n`);
    }
    const { result } = await scaffoldPlan({ file, dir });
    expect(result.existing).toHaveLength(3);
    const steps = stems(dir);
    expect(steps[0]).toBe('001_app_settings.sql');
    expect(steps[1]).toMatch(/^002_t1_/);

    const db = join(dir, 'app.sqlite');
    const sqlite = (script: string) => spawnSync('sqlite3', ['-bail', db, `.read ${script}`], { cwd: dir, encoding: 'utf8' });
    const snapshot = () => sqliteSnapshot(db);
    // The start, then the folder's own migration.
    await sqliteStart(plan, dir, db);
    ok(sqlite('deploy/001_app_settings.sql'), 'own migration');

    const before = await snapshot();
    expect(before['column users.email_verified']).toBeUndefined();
    for (const s of steps.slice(1)) {
      ok(sqlite(`deploy/${s}`), `deploy ${s}`);
      ok(sqlite(`verify/${s}`), `verify ${s}`);
    }
    expect((await snapshot())['column users.email_verified']).toBeDefined();
    for (const s of steps.slice(1).reverse()) ok(sqlite(`revert/${s}`), `revert ${s}`);
    expect(diffSnapshots(before, await snapshot())).toEqual([]);

    // A check that does not hold stops the shell with its note.
    const last = steps.at(-1)!;
    const failed = sqlite(`verify/${last}`);
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/verify failed/);

    expect((await scaffoldPlan({ file, dir })).result.written).toEqual([]);
  }, SLOW);
});

describe('Prisma on SQLite, its migration.sql applied by the sqlite3 shell (Prisma\'s engines cannot run here)', () => {
  it('add-not-null-column: folders after the existing one, migration.sql forward, down.sql back to the start', async () => {
    const { file, plan } = newPlan('add-not-null-column', 'sqlite');
    const dir = tempDir();
    const own = join(dir, 'prisma', 'migrations', '20260101000000_init');
    mkdirSync(own, { recursive: true });
    writeFileSync(join(own, 'migration.sql'), 'CREATE TABLE app_settings (key text PRIMARY KEY, value text);\n');
    const { result } = await scaffoldPlan({ file, dir, framework: 'prisma', now: new Date('2026-11-23T20:00:00Z') });
    const folders = readdirSync(join(dir, 'prisma', 'migrations')).sort();
    expect(folders[0]).toBe('20260101000000_init');
    expect(folders.length).toBe(1 + new Set(result.written.map((p) => p.split('/')[2])).size);

    const db = join(dir, 'dev.db');
    const sqlite = (script: string) => spawnSync('sqlite3', ['-bail', db, `.read ${script}`], { cwd: dir, encoding: 'utf8' });
    await sqliteStart(plan, dir, db);
    ok(sqlite('prisma/migrations/20260101000000_init/migration.sql'), 'own migration');
    const snapshot = () => sqliteSnapshot(db);
    const before = await snapshot();
    for (const f of folders.slice(1)) ok(sqlite(`prisma/migrations/${f}/migration.sql`), `migration ${f}`);
    expect((await snapshot())['column users.email_verified']).toBeDefined();
    for (const f of folders.slice(1).reverse()) {
      if (existsSync(join(dir, 'prisma', 'migrations', f, 'down.sql'))) ok(sqlite(`prisma/migrations/${f}/down.sql`), `down ${f}`);
    }
    expect(diffSnapshots(before, await snapshot())).toEqual([]);
    expect((await scaffoldPlan({ file, dir, framework: 'prisma' })).result.written).toEqual([]);
  }, SLOW);
});

describe('plain SQL on MariaDB 10.11, run by the mariadb client', () => {
  const url = serverForBlock(startMariadb, (s) => s.stop());

  it('add-not-null-column: the loop as a procedure, forward, verify, back to the start', async () => {
    const { file, plan } = newPlan('add-not-null-column', 'mysql');
    const dir = tempDir();
    await scaffoldPlan({ file, dir });
    const steps = stems(dir);
    const driver = await openMysql(url());
    try {
      await startTables(plan, driver);
      const db = String((await driver.query('SELECT DATABASE()'))[0]![0]);
      const socket = new URL(url()).searchParams.get('socketPath')!;
      const vars = Object.entries(examples(plan)).map(([k, v]) => `SET @${k} = '${v.replaceAll("'", "''")}';\n`).join('');
      // The file on stdin after the values (the client's `source` would not fail the run on an error).
      const client = (script: string) => spawnSync('mariadb', ['--socket', socket, '-u', 'root', db], { cwd: dir, input: vars + readFileSync(join(dir, script), 'utf8'), encoding: 'utf8' });
      const before = await driver.snapshot();
      for (const s of steps) {
        ok(client(`deploy/${s}`), `deploy ${s}`);
        ok(client(`verify/${s}`), `verify ${s}`);
      }
      expect((await driver.snapshot())['column users.email_verified']).toMatch(/not null/i);
      for (const s of [...steps].reverse()) ok(client(`revert/${s}`), `revert ${s}`);
      expect(diffSnapshots(before, await driver.snapshot())).toEqual([]);
      const failed = client(`verify/${steps.at(-1)!}`);
      expect(failed.status).not.toBe(0);
      expect(failed.stderr).toMatch(/Subquery returns more than 1 row/);
    } finally {
      await driver.close(false);
    }
  }, SLOW);
});
