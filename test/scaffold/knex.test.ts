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
import { execute, OWNER, planFor, postgresTarget, SEED, snapshotOf, type Target } from './python-projects.js';

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
