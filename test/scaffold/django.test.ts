/**
 * Django migrations written from plans, run by Django itself (Debian's python3-django) on Debian's
 * PostgreSQL and on SQLite: forward (the verify checks run inside), then back to the project's own
 * last migration, and the database must be as it was (catalog and rows). The project's migrations
 * graph must stay one chain with one leaf.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanInputError } from '../../src/errors.js';
import { diffSnapshots } from '../../src/rehearse/snapshot.js';
import { django, djangoExisting } from '../../src/scaffold/django.js';
import { parsePlan } from '../../src/model/load.js';
import { migrationSteps } from '../../src/scaffold/steps.js';
import { ROOT, tempDir } from '../helpers.js';
import { serverForBlock, startDebianPostgres, type TestServer } from '../rehearse/servers.js';
import { djangoProject, execute, ok, OWNER, planFor, postgresTarget, python, scaffold, SEED, snapshotOf, sqliteTarget } from './python-projects.js';

describe('Django on PostgreSQL', () => {
  let server: TestServer | undefined;
  serverForBlock(async () => (server = await startDebianPostgres()), (s) => s.stop());

  it('multi-tenant: migrate forward (checks pass), back to 0002, and the database is as it was', async () => {
    const target = await postgresTarget(server!.url, server!.socketDir!, 'django_multi_tenant');
    const dir = djangoProject(target);
    ok(python(dir, ['manage.py', 'migrate', '--no-input']));
    await execute(target, SEED);
    const before = await snapshotOf(target);

    const written = await scaffold('django', dir, await planFor('multi-tenant', 'postgres'));
    expect(written[0]).toMatch(/^core\/migrations\/0003_t1_/);
    // Non-transactional statements each alone, in a migration that is not atomic.
    const concurrently = written.filter((p) => readFileSync(join(dir, p), 'utf8').includes('CREATE INDEX CONCURRENTLY'));
    expect(concurrently.length).toBe(3);
    for (const p of concurrently) expect(readFileSync(join(dir, p), 'utf8')).toMatch(/^ {4}atomic = False/m);

    // A step split off from its task still runs under the task's lock_timeout (its own session may be new).
    const validate = readFileSync(join(dir, written.find((p) => readFileSync(join(dir, p), 'utf8').includes('VALIDATE CONSTRAINT users_tenant_id_not_null'))!), 'utf8');
    expect(validate.indexOf("SET lock_timeout = '5s'")).toBeGreaterThan(-1);
    expect(validate.indexOf("SET lock_timeout = '5s'")).toBeLessThan(validate.lastIndexOf('VALIDATE CONSTRAINT'));

    ok(python(dir, ['manage.py', 'makemigrations', '--check', '--dry-run', 'core']));
    const shown = python(dir, ['manage.py', 'showmigrations', 'core']);
    ok(shown);
    expect(shown.stdout).toContain(`[ ] ${written.at(-1)!.replace(/^.*\//, '').replace(/\.py$/, '')}`);

    // Without the placeholder's value the first migration that needs it stops, naming it.
    const missing = python(dir, ['manage.py', 'migrate', 'core']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('PLAN_OWNER_TENANT');
    // T1's first migration is not atomic (its reverse drops indexes CONCURRENTLY), yet its statements share
    // one transaction: the table created before the failing INSERT is gone with it.
    expect(readFileSync(join(dir, written[0]!), 'utf8')).toMatch(/atomic = False[\s\S]*_statements\([\s\S]*CREATE TABLE IF NOT EXISTS tenants[\s\S]*atomic=True/);
    expect((await snapshotOf(target))['table tenants']).toBeUndefined();
    ok(python(dir, ['manage.py', 'migrate', 'core', '0002'], { PLAN_OWNER_TENANT: OWNER }));

    ok(python(dir, ['manage.py', 'migrate', 'core'], { PLAN_OWNER_TENANT: OWNER }));
    const after = await snapshotOf(target);
    expect(after['column users.tenant_id']).toBe('uuid not null');
    expect(after['policy tasks.tasks_tenant_isolation']).toBeDefined();

    ok(python(dir, ['manage.py', 'migrate', 'core', '0002'], { PLAN_OWNER_TENANT: OWNER }));
    expect(diffSnapshots(before, await snapshotOf(target))).toEqual([]);
  }, 180_000);
});

describe('Django on SQLite', () => {
  it('add-not-null-column: forward, back, as it was; a second plan continues the chain with one leaf', async () => {
    const dir = tempDir();
    const target = sqliteTarget(dir);
    djangoProject(target, dir);
    ok(python(dir, ['manage.py', 'migrate', '--no-input']));
    await execute(target, SEED);
    const before = await snapshotOf(target);

    const plan = await planFor('add-not-null-column', 'sqlite');
    const first = await scaffold('django', dir, plan);
    expect(first[0]).toMatch(/^core\/migrations\/0003_/);
    ok(python(dir, ['manage.py', 'migrate', 'core']));
    const after = await snapshotOf(target);
    expect(after['column users.email_verified']).toBe('boolean null default false');
    expect(after['trigger users_email_verified_not_null_insert']).toBeDefined();
    ok(python(dir, ['manage.py', 'migrate', 'core', '0002']));
    expect(diffSnapshots(before, await snapshotOf(target))).toEqual([]);

    // The same plan again: nothing new. Another plan: numbered after what is there, from its leaf.
    expect(await scaffold('django', dir, plan)).toEqual([]);
    const other = await scaffold('django', dir, await planFor('add-not-null-column', 'sqlite', ['column=archived'], 'ARCHIVE'));
    const leaf = first.at(-1)!.replace(/^.*\//, '').replace(/\.py$/, '');
    expect(other[0]).toContain(`/${String(Number(leaf.slice(0, 4)) + 1).padStart(4, '0')}_`);
    expect(readFileSync(join(dir, other[0]!), 'utf8')).toContain(`("core", "${leaf}")`);
    ok(python(dir, ['manage.py', 'makemigrations', '--check', '--dry-run', 'core']));
    // One leaf, as Django's own loader sees the graph: the second plan's last migration.
    const leaves = python(dir, ['manage.py', 'shell', '-c', 'from django.db.migrations.loader import MigrationLoader; print(MigrationLoader(None).graph.leaf_nodes("core"))']);
    ok(leaves);
    expect(leaves.stdout.trim()).toBe(`[('core', '${other.at(-1)!.replace(/^.*\//, '').replace(/\.py$/, '')}')]`);
    ok(python(dir, ['manage.py', 'migrate', 'core']));
    expect((await snapshotOf(target))['column users.archived']).toBe('boolean null default false');
  }, 120_000);
});

describe('a verify that does not hold', () => {
  it('stops migrate at its migration, which is rolled back, naming the check', async () => {
    const dir = tempDir();
    const target = sqliteTarget(dir);
    djangoProject(target, dir);
    ok(python(dir, ['manage.py', 'migrate', '--no-input']));
    const file = await planFor('add-not-null-column', 'sqlite');
    writeFileSync(file, readFileSync(file, 'utf8').replace('expect: 1', 'expect: 2'));
    const [first] = await scaffold('django', dir, file);
    const run = python(dir, ['manage.py', 'migrate', 'core']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('verify failed');
    expect(run.stderr).toContain('expected 2, got 1');
    expect(python(dir, ['manage.py', 'showmigrations', 'core']).stdout).toContain(`[ ] ${first!.replace(/^.*\//, '').replace(/\.py$/, '')}`);
    expect((await snapshotOf(target))['column users.email_verified']).toBeUndefined();
  }, 60_000);
});

describe('what DIR already holds', () => {
  const file = (path: string, deps: string) => ({ path, text: `class Migration(migrations.Migration):\n    dependencies = [${deps}]\n` });

  it('finds the app\'s leaf from the dependencies, not from the highest number', () => {
    const found = djangoExisting([
      file('shop/migrations/0001_initial.py', ''),
      file('shop/migrations/0003_b.py', "('shop', '0001_initial')"),
      file('shop/migrations/0002_a.py', "('shop', '0003_b'), ('auth', '0012_x')"),
    ]);
    expect(found.head).toBe('0002_a');
    expect(found.next).toBe(4);
  });

  it('refuses an app that already has two leaves, located, with the merge command', () => {
    const files = [file('shop/migrations/0001_initial.py', ''), file('shop/migrations/0002_a.py', "('shop', '0001_initial')"), file('shop/migrations/0002_b.py', "('shop', '0001_initial')")];
    expect(() => djangoExisting(files)).toThrow(PlanInputError);
    expect(() => djangoExisting(files)).toThrow(/0002_a, 0002_b/);
  });

  it('takes DIR for the app folder itself when --app names its label', () => {
    const existing = djangoExisting([file('migrations/0001_initial.py', ''), file('migrations/0002_a.py', "('shop', '0001_initial')")]);
    const options = { engine: 'postgres' as const, now: new Date(), placeholders: [], values: {} };
    expect(() => django.write([], existing, options)).toThrow(/--app/);
    const steps = migrationSteps(parsePlan(readFileSync(join(ROOT, 'examples/add-column/add-column.plan.yaml'), 'utf8'), 'add-column.plan.yaml').plan);
    const [written] = django.write(steps, existing, { ...options, app: 'shop' });
    expect(written!.path).toMatch(/^migrations\/0003_/);
    expect(written!.text).toContain('("shop", "0002_a")');
  });

  it('asks which app when DIR has migrations for several', () => {
    const existing = djangoExisting([file('a/migrations/0001_initial.py', ''), file('b/migrations/0001_initial.py', '')]);
    expect(() => django.write([], existing, { engine: 'postgres', now: new Date(), placeholders: [], values: {} })).toThrow(/--app/);
  });
});
