/**
 * Alembic revisions written from plans, run by Alembic itself (Debian's python3-alembic, SQLAlchemy
 * 1.4, psycopg2) on Debian's PostgreSQL and on SQLite: upgrade to the new head (the verify checks run
 * inside), downgrade to the project's own head, and the database must be as it was (catalog and rows).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanInputError } from '../../src/errors.js';
import { diffSnapshots } from '../../src/rehearse/snapshot.js';
import { alembicExisting, alembicNotes } from '../../src/scaffold/alembic.js';
import { tempDir } from '../helpers.js';
import { serverForBlock, startDebianPostgres, type TestServer } from '../rehearse/servers.js';
import { ALEMBIC_HEAD, alembic, alembicProject, execute, ok, OWNER, planFor, postgresTarget, scaffold, SEED, snapshotOf, sqliteTarget } from './python-projects.js';

const revisionOf = (path: string) => /([0-9a-f]{12})_/.exec(path)![1]!;

describe('Alembic on PostgreSQL', () => {
  let server: TestServer | undefined;
  serverForBlock(async () => (server = await startDebianPostgres()), (s) => s.stop());

  it('multi-tenant: upgrade head (checks pass), downgrade to the old head, and the database is as it was', async () => {
    const target = await postgresTarget(server!.url, server!.socketDir!, 'alembic_multi_tenant');
    const dir = alembicProject(target);
    ok(alembic(dir, ['upgrade', 'head']));
    await execute(target, SEED);
    const before = await snapshotOf(target);

    const written = await scaffold('alembic', dir, await planFor('multi-tenant', 'postgres'));
    expect(readFileSync(join(dir, written[0]!), 'utf8')).toContain(`down_revision = "${ALEMBIC_HEAD}"`);
    for (const p of written.filter((f) => readFileSync(join(dir, f), 'utf8').includes('CREATE INDEX CONCURRENTLY'))) {
      expect(readFileSync(join(dir, p), 'utf8')).toMatch(/with op\.get_context\(\)\.autocommit_block\(\):\n {8}op\.execute\(sa\.text\("CREATE INDEX CONCURRENTLY/);
    }
    const heads = alembic(dir, ['heads']);
    ok(heads);
    expect(heads.stdout.trim()).toBe(`${revisionOf(written.at(-1)!)} (head)`);

    const missing = alembic(dir, ['upgrade', 'head']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('-x owner_tenant=VALUE');
    ok(alembic(dir, ['downgrade', ALEMBIC_HEAD]));

    ok(alembic(dir, ['-x', `owner_tenant=${OWNER}`, 'upgrade', 'head']));
    const after = await snapshotOf(target);
    expect(after['column users.tenant_id']).toBe('uuid not null');
    expect(after['index idx_tasks_tenant_id']).toContain('(valid)');

    ok(alembic(dir, ['-x', `owner_tenant=${OWNER}`, 'downgrade', ALEMBIC_HEAD]));
    expect(diffSnapshots(before, await snapshotOf(target))).toEqual([]);
  }, 180_000);
});

describe('Alembic on SQLite', () => {
  it('add-not-null-column: upgrade, downgrade, as it was; a second scaffold revises the new head', async () => {
    const dir = tempDir();
    const target = sqliteTarget(dir);
    alembicProject(target, dir);
    ok(alembic(dir, ['upgrade', 'head']));
    await execute(target, SEED);
    const before = await snapshotOf(target);

    const plan = await planFor('add-not-null-column', 'sqlite');
    const first = await scaffold('alembic', dir, plan);
    ok(alembic(dir, ['upgrade', 'head']));
    const after = await snapshotOf(target);
    expect(after['column users.email_verified']).toBe('boolean null default false');
    ok(alembic(dir, ['downgrade', ALEMBIC_HEAD]));
    expect(diffSnapshots(before, await snapshotOf(target))).toEqual([]);

    expect(await scaffold('alembic', dir, plan)).toEqual([]);
    const again = await scaffold('alembic', dir, await planFor('add-not-null-column', 'sqlite', ['column=archived'], 'ARCHIVE'));
    expect(readFileSync(join(dir, again[0]!), 'utf8')).toContain(`down_revision = "${revisionOf(first.at(-1)!)}"`);
    const heads = alembic(dir, ['heads']);
    ok(heads);
    expect(heads.stdout.trim()).toBe(`${revisionOf(again.at(-1)!)} (head)`);
  }, 120_000);
});

describe('what the versions folder already holds', () => {
  const revision = (id: string, down: string) => ({ path: `alembic/versions/${id}_x.py`, text: `revision = '${id}'\ndown_revision = ${down}\n` });

  it('finds the head through down_revision, merges included', () => {
    const found = alembicExisting([revision('aaa', 'None'), revision('bbb', "'aaa'"), revision('ccc', "'aaa'"), revision('ddd', "('bbb', 'ccc')")]);
    expect(found.head).toBe('ddd');
    expect(found.folder).toBe('alembic/versions');
  });

  it('refuses a history with two heads, with the merge command', () => {
    const files = [revision('aaa', 'None'), revision('bbb', "'aaa'"), revision('ccc', "'aaa'")];
    expect(() => alembicExisting(files)).toThrow(PlanInputError);
    expect(() => alembicExisting(files)).toThrow(/bbb, ccc/);
  });

  it('says when env.py would run every revision in one transaction (locks held to the end), except on MySQL', () => {
    const env = (configure: string) => ({ path: 'alembic/env.py', text: `def run():\n    context.configure(${configure})\n` });
    expect(alembicNotes([env('connection=connection, transaction_per_migration=True')], 'postgres')).toEqual([]);
    expect(alembicNotes([env('connection=connection')], 'postgres')).toEqual([expect.stringMatching(/^alembic\/env\.py does not set transaction_per_migration=True/)]);
    expect(alembicNotes([], 'sqlite')).toEqual([expect.stringMatching(/^no env\.py under DIR/)]);
    expect(alembicNotes([env('connection=connection')], 'mysql')).toEqual([]);
  });
});
