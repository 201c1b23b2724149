import { beforeAll, describe, expect, it } from 'vitest';
import { analyzePlan } from '../../src/analysis/analyze.js';
import { PlanInputError } from '../../src/errors.js';
import type { Plan } from '../../src/model/schema.js';
import { runRules } from '../../src/rules/run.js';
import { migrationName } from '../../src/rules/safety/files.js';
import { loadParser } from '../../src/sql/engines.js';
import { findTemplate, listTemplates } from '../../src/templates/registry.js';
import { expandTemplate } from '../../src/templates/expand.js';
import { segmentNames, segments } from '../../src/templates/migration-files.js';

const FRAMEWORKS = ['sql', 'prisma', 'django', 'alembic', 'knex'];
const plan = (name: string, given: Record<string, string>) => expandTemplate(findTemplate(name), { given }).loaded.plan;

/** The plan's migration files in the order its tasks run (dependencies first), each task's in its own order. */
function migrationsInRunOrder(p: Plan): string[] {
  const a = analyzePlan(p);
  return a.order.flatMap((v) => a.tasks[v]!.files.filter((f) => migrationName(f)));
}

const CASES: [string, Record<string, string>][] = [
  ['multi-tenant', { db: 'postgres', tables: 'users,orders,invoices,events,order' }],
  ['add-not-null-column', { db: 'sqlite' }],
  ['add-foreign-key', { db: 'postgres' }],
  ['split-column', { db: 'mysql' }],
];

describe('the migration files a plan names', () => {
  beforeAll(() => Promise.all(['postgres', 'mysql', 'sqlite'].map((db) => loadParser(db as 'postgres'))));

  describe.each(FRAMEWORKS)('%s', (framework) => {
    it.each(CASES)('%s: one chain, no file twice, sorted as the framework sorts them is the order the tasks run', (name, given) => {
      const files = migrationsInRunOrder(plan(name, { ...given, framework }));
      expect(files.length).toBeGreaterThan(1);
      expect(new Set(files).size).toBe(files.length);
      const prefixes = files.map((f) => migrationName(f)!.prefix);
      expect(new Set(prefixes).size).toBe(prefixes.length);
      // Every framework here sorts its folder by name; the plan's numbers are padded, so text order is theirs.
      expect([...files].sort()).toEqual(files);
      if (framework === 'django') expect(prefixes[0]).toBe('0002');
      if (framework === 'prisma' || framework === 'knex') for (const p of prefixes) expect(p).toMatch(/^YYYYMMDD\d{6}$/);
    });
  });

  // That no rule (migration-chain included) fires on any generated plan, every framework: test/templates/matrix.test.ts.

  it('a Django or Alembic plan names Python application files, never .ts or .js', () => {
    for (const t of listTemplates().filter((t) => t.manifest.parameters.some((p) => p.name === 'framework'))) {
      const files = plan(t.name, { framework: 'django' }).tasks.flatMap((task) => task.files);
      expect(files.filter((f) => /\.(ts|js)$/.test(f)), t.name).toEqual([]);
    }
    expect(plan('multi-tenant', { framework: 'alembic' }).tasks.flatMap((t) => t.files).filter((f) => /\.(ts|js)$/.test(f))).toEqual([]);
    const django = plan('multi-tenant', { framework: 'django' }).tasks;
    expect(django.find((t) => t.id === 'T2')!.files).toEqual(['apps/core/tenant_context.py', 'apps/core/models.py']);
    expect(django.find((t) => t.id === 'T4')!.files[0]).toBe('apps/core/management/commands/backfill_tenant_id.py');
  });

  it('app_language and app_dir place the application files; Knex follows the language', () => {
    const go = plan('multi-tenant', { app_language: 'go', app_dir: 'services/api' }).tasks;
    expect(go.find((t) => t.id === 'T2')!.files).toEqual(['services/api/db/tenant_context.go', 'services/api/models/*.go']);
    expect(go.find((t) => t.id === 'T4')!.files[0]).toBe('cmd/backfill-tenant-id/main.go');
    const billing = plan('add-column', { framework: 'django', app_dir: 'apps/billing' }).tasks.flatMap((t) => t.files);
    expect(billing.filter((f) => f.includes('/migrations/')).every((f) => f.startsWith('apps/billing/migrations/00'))).toBe(true);
    const knex = (app_language: string) => plan('add-index', { framework: 'knex', app_language }).tasks.flatMap((t) => t.files);
    expect(knex('javascript').some((f) => /^migrations\/YYYYMMDD\d{6}_\w+\.js$/.test(f))).toBe(true);
    expect(knex('typescript').some((f) => /^migrations\/YYYYMMDD\d{6}_\w+\.ts$/.test(f))).toBe(true);
    expect(() => plan('add-column', { app_dir: '../elsewhere' })).toThrow(PlanInputError);
  });

  it('migration_start continues the folder: a number for Django, a timestamp for Prisma (one second apart)', () => {
    const django = migrationsInRunOrder(plan('multi-tenant', { framework: 'django', migration_start: '0042' }));
    expect(django[0]).toBe('apps/core/migrations/0042_add_tenant_id.py');
    expect(django[1]).toBe('apps/core/migrations/0043_create_idx_users_tenant_id.py');
    const prisma = migrationsInRunOrder(plan('multi-tenant', { framework: 'prisma', migration_start: '20261123235959' }));
    expect(prisma.slice(0, 2)).toEqual(['prisma/migrations/20261123235959_add_tenant_id/migration.sql',
      'prisma/migrations/20261124000000_create_idx_users_tenant_id/migration.sql']);
    expect(() => plan('multi-tenant', { framework: 'prisma', migration_start: '0042' })).toThrow(/not a timestamp for prisma/);
    expect(() => plan('multi-tenant', { framework: 'django', migration_start: 'abc' })).toThrow(/not a migration number for django/);
  });

  it('Django: NOT VALID and VALIDATE are migrations of their own, not one atomic migration', () => {
    const t8 = plan('multi-tenant', { framework: 'django', tables: 'users,orders' }).tasks.find((t) => t.id === 'T8')!;
    expect(t8.files.map((f) => f.replace(/^apps\/core\/migrations\/\d+_/, ''))).toEqual([
      'add_users_tenant_id_not_null.py', 'validate_users_tenant_id_not_null.py', 'enforce_tenant_id_not_null_users.py',
      'add_orders_tenant_id_not_null.py', 'validate_orders_tenant_id_not_null.py', 'enforce_tenant_id_not_null_orders.py']);
    expect(t8.description).toContain('atomic = False');
  });

  it('each task applies its own migrations and none after them (all files exist before the first task runs)', () => {
    const apply = (framework: string) => plan('multi-tenant', { framework, tables: 'users,orders' }).tasks.find((t) => t.id === 'T1')!
      .description.split('\n').find((l) => l.startsWith('Apply: '));
    expect(apply('django')).toBe('Apply: python manage.py migrate core 0004_create_idx_orders_tenant_id');
    expect(apply('alembic')).toBe('Apply: alembic upgrade 0003');
    expect(apply('knex')).toBe(`Apply: ${['add_tenant_id', 'create_idx_users_tenant_id', 'create_idx_orders_tenant_id']
      .map((n, i) => `npx knex migrate:up YYYYMMDD00000${i + 1}_${n}.ts`).join(' && ')}`);
    expect(apply('prisma')).toMatch(/^Apply: npx prisma migrate deploy with the folders up to YYYYMMDD000003_create_idx_orders_tenant_id and none after/);
    expect(apply('sql')).toMatch(/^Apply: psql -v ON_ERROR_STOP=1 -f migrations\/001_add_tenant_id\.sql && psql .* -f migrations\/003_create_idx_orders_tenant_id\.sql$/);
  });

  it('cuts statements into migrations: settings travel with the statement after them', () => {
    const parts = segments(["SET lock_timeout = '5s'", 'ALTER TABLE a ADD COLUMN b int', 'SET lock_timeout = 0',
      { run: 'CREATE INDEX CONCURRENTLY i ON a (b)', transaction: false }, 'SET statement_timeout = 0',
      { run: 'ALTER TABLE a VALIDATE CONSTRAINT c', transaction: false }, 'UPDATE a SET b = 1']);
    expect(parts.map((p) => p.transactional)).toEqual([true, false, false, true]);
    // Two transactional migrations: told apart by the table they alter, or numbered.
    expect(segmentNames('change_a', parts)).toEqual(['change_a_a', 'create_i', 'validate_c', 'change_a']);
    expect(segmentNames('one', segments(['UPDATE a SET b = 1', 'UPDATE a SET c = 2']))).toEqual(['one']);
  });
});

describe('rule migration-chain on a hand-edited plan', () => {
  const base = plan('multi-tenant', { framework: 'django', tables: 'users,orders' });
  const findings = (edit: (file: string) => string) => {
    const p: Plan = { ...base, tasks: base.tasks.map((t) => ({ ...t, files: t.files.map(edit) })) };
    return runRules(p, analyzePlan(p)).findings.filter((f) => f.rule === 'migration-chain').map((f) => `${f.taskId}: ${f.message}`);
  };

  it('is silent on the generated plan', () => expect(findings((f) => f)).toEqual([]));

  it('five sibling 0002 migrations of one app: two heads', () => {
    const hits = findings((f) => f.replace(/migrations\/\d{4}_backfill/, 'migrations/0002_backfill'));
    expect(hits.some((h) => /two migrations 0002 in apps\/core\/migrations/.test(h))).toBe(true);
  });

  it('a new 0001 beside the initial migration, and a migration before one its task runs after', () => {
    const hits = findings((f) => f.replace('0002_add_tenant_id', '0001_add_tenant_id').replace(/\d{4}(_enforce_tenant_id_not_null_users\.py)/, '0001$1'));
    expect(hits).toContainEqual(expect.stringMatching(/^T1: .*0001 is the app's initial migration/));
    expect(hits).toContainEqual(expect.stringMatching(/^T8: .*0001_enforce_tenant_id_not_null_users\.py, which sorts before .* it runs after/));
  });

  it('Prisma folders numbered 001_ sort before the timestamped ones', () => {
    const prisma = plan('add-index', { framework: 'prisma' });
    const p: Plan = { ...prisma, tasks: prisma.tasks.map((t) => ({ ...t, files: t.files.map((f) => f.replace(/YYYYMMDD\d{4}(\d\d)_/, '0$1_')) })) };
    const hits = runRules(p, analyzePlan(p)).findings.filter((f) => f.rule === 'migration-chain');
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0]!.message).toMatch(/sorts before the timestamped folders/);
  });
});
