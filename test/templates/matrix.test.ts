import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../src/app/check.js';
import { analyzePlan } from '../../src/graph/analyze.js';
import { listTemplates } from '../../src/templates/registry.js';
import { expandTemplate } from '../../src/templates/render.js';

const ENGINES = ['postgres', 'mysql', 'sqlite', 'mongodb'];
const FRAMEWORKS = ['sql', 'prisma', 'django', 'alembic', 'knex'];

/** Every built-in template, with every engine and framework it takes, on defaults otherwise. */
const combinations = listTemplates().flatMap((t) => {
  const has = (name: string) => t.manifest.parameters.some((p) => p.name === name);
  return (has('db') ? ENGINES : [undefined]).flatMap((db) => (has('framework') ? FRAMEWORKS : [undefined]).map((framework) =>
    [t.name, db ?? '-', framework ?? '-'] as const));
});

describe('template matrix', () => {
  it.each(combinations)('%s on %s with %s: zero findings, and the same bytes twice', (name, db, framework) => {
    const template = listTemplates().find((t) => t.name === name)!;
    const given: Record<string, string> = { ...(db !== '-' ? { db } : {}), ...(framework !== '-' ? { framework } : {}) };
    const first = expandTemplate(template, { given });
    expect(checkPlan('matrix', first.loaded, { strict: true }).findings).toEqual([]);
    expect(expandTemplate(template, { given }).text).toBe(first.text);
  });

  it('the framework decides files and commands, and nothing else of the plan', () => {
    const template = listTemplates().find((t) => t.name === 'multi-tenant')!;
    const files = (framework: string) => expandTemplate(template, { given: { framework } }).loaded.plan.tasks.find((t) => t.id === 'T1')!.files;
    expect(files('sql')).toEqual(['migrations/001_add_tenant_id.sql']);
    expect(files('prisma')).toEqual(['prisma/migrations/001_add_tenant_id/migration.sql']);
    expect(files('django')).toEqual(['apps/core/migrations/0001_add_tenant_id.py']);
    expect(files('alembic')).toEqual(['alembic/versions/001_add_tenant_id.py']);
    expect(files('knex')).toEqual(['migrations/001_add_tenant_id.js']);
    const django = expandTemplate(template, { given: { framework: 'django' } }).text;
    expect(django).toContain('set atomic = False');
    expect(django).toContain('python manage.py migrate');
    expect(django).not.toContain('alembic');
  });
});

describe('the engine decides the statements', () => {
  const plan = (name: string, db: string) => expandTemplate(listTemplates().find((t) => t.name === name)!, { given: { db } }).text;
  it.each(['multi-tenant', 'add-not-null-column'])('%s: PostgreSQL, MySQL, SQLite and MongoDB each get their own', (name) => {
    const pg = plan(name, 'postgres');
    const my = plan(name, 'mysql');
    const lite = plan(name, 'sqlite');
    const mongo = plan(name, 'mongodb');
    expect(pg).toContain("SET lock_timeout = '5s'");
    expect(pg).toMatch(/CHECK \(\w+ IS NOT NULL\) NOT VALID/);
    expect(pg).toContain('VALIDATE CONSTRAINT');
    expect(pg).toContain('FOR UPDATE SKIP LOCKED');
    expect(my).toContain('SET SESSION lock_wait_timeout = 5');
    expect(my).not.toMatch(/CONCURRENTLY|NOT VALID|lock_timeout =/);
    expect(lite).toMatch(/SQLite cannot add NOT NULL to a column: rebuild each table/);
    expect(lite).not.toMatch(/CONCURRENTLY|ALGORITHM=|lock_timeout/);
    expect(mongo).toContain('updateMany');
    expect(mongo).toContain('validationLevel: "strict"');
    expect(mongo).not.toMatch(/ALTER TABLE|CONCURRENTLY/);
  });

  it('add-not-null-column is reversible: no point of no return, so no backup gate', () => {
    const p = expandTemplate(listTemplates().find((t) => t.name === 'add-not-null-column')!).loaded.plan;
    expect(p.tasks.filter((t) => t.point_of_no_return)).toEqual([]);
    expect(p.tasks.map((t) => [t.id, t.kind])).toEqual([['T1', 'work'], ['T2', 'work'], ['R1', 'rollback'], ['G1', 'checkpoint'],
      ['T3', 'work'], ['V1', 'checkpoint'], ['T4', 'work'], ['V2', 'checkpoint']]);
    expect(p.tasks.find((t) => t.id === 'T3')!.description).not.toContain('tenant');
  });
});

describe('add-index', () => {
  const plan = (db: string) => expandTemplate(listTemplates().find((t) => t.name === 'add-index')!, { given: { db } }).loaded.plan;
  it('builds the index in a task of its own, online the way each engine can, then checks it is valid and used', () => {
    const build = (db: string) => plan(db).tasks.find((t) => t.id === 'T1')!;
    expect(build('postgres').ops).toEqual(['create-index']);
    expect(build('postgres').description).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer_id_created_at ON orders (customer_id, created_at);');
    expect(build('postgres').description).toContain('not inside a transaction (run this file on its own');
    expect(build('mysql').description).toContain('ALGORITHM=INPLACE, LOCK=NONE');
    expect(build('mysql').description).not.toContain('CONCURRENTLY');
    expect(build('mongodb').description).toContain('db.orders.createIndex({ customer_id: 1, created_at: 1 }');
    expect(plan('postgres').tasks.find((t) => t.id === 'V1')!.description).toContain('indisvalid');
    expect(plan('postgres').tasks.find((t) => t.id === 'R1')!.description).toContain('DROP INDEX CONCURRENTLY');
  });
});

describe('drop-column', () => {
  const plan = (db: string) => expandTemplate(listTemplates().find((t) => t.name === 'drop-column')!, { given: { db } }).loaded.plan;
  it('stops using the column, waits, backs it up and signs off before the drop, the point of no return', () => {
    const p = plan('postgres');
    const drop = p.tasks.find((t) => t.id === 'T1')!;
    expect(drop).toMatchObject({ point_of_no_return: true, ops: ['drop-column'], depends: ['G2'] });
    expect(p.tasks.find((t) => t.id === 'W1')!.estimate).toBe('7d');
    expect(drop.description).toContain('ALTER TABLE users DROP COLUMN IF EXISTS legacy_name;');
    expect(plan('mysql').tasks.find((t) => t.id === 'T1')!.description).toContain('DROP COLUMN legacy_name, ALGORITHM=INSTANT;');
    expect(plan('mongodb').tasks.find((t) => t.id === 'T1')!.description).toContain('$unset: { legacy_name: "" }');
  });
});

describe('database-migration', () => {
  it('is seed 004: plan, schema, data, validation, one after the other', () => {
    const p = expandTemplate(listTemplates().find((t) => t.name === 'database-migration')!).loaded.plan;
    const a = analyzePlan(p);
    expect(a.waves.map((w) => w.taskIds)).toEqual([['P1'], ['T1', 'R1', 'G1'], ['T2', 'V1'], ['T3']]);
    expect(a.waves.map((w) => w.phases)).toEqual([['plan'], ['schema'], ['data'], ['validation']]);
    expect(p.tasks.find((t) => t.id === 'T3')!.acceptance).toEqual(['Migration applies successfully', 'Rollback works',
      'Data preserved (no loss)', 'Performance acceptable (large tables)']);
  });
});
