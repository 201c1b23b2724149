import { describe, expect, it } from 'vitest';
import { checkLoaded } from '../../src/check/pipeline.js';
import { analyzePlan } from '../../src/analysis/analyze.js';
import { listTemplates } from '../../src/templates/registry.js';
import { expandTemplate } from '../../src/templates/expand.js';
import { statementOf } from '../../src/model/schema.js';

const ENGINES = ['postgres', 'mysql', 'sqlite', 'mongodb'];
const FRAMEWORKS = ['sql', 'prisma', 'django', 'alembic', 'knex'];

const MODES = ['zero-downtime', 'maintenance-window'];

/** Every built-in template, with every engine, framework and mode it takes, on defaults otherwise. */
const combinations = listTemplates().flatMap((t) => {
  const has = (name: string) => t.manifest.parameters.some((p) => p.name === name);
  return (has('db') ? ENGINES : [undefined]).flatMap((db) => (has('framework') ? FRAMEWORKS : [undefined]).flatMap((framework) =>
    (has('mode') ? MODES : [undefined]).map((mode) => [t.name, db ?? '-', framework ?? '-', mode ?? '-'] as const)));
});

describe('template matrix', () => {
  it('covers the template library the issue asks for', () => {
    expect(listTemplates().map((t) => t.name).sort()).toEqual(['add-column', 'add-foreign-key', 'add-index', 'add-not-null-column',
      'add-unique-constraint', 'blue-green', 'change-column-type', 'database-migration', 'drop-column', 'multi-tenant', 'rename-column',
      'rename-table', 'split-column']);
  });

  it.each(combinations)('%s on %s with %s, %s: zero findings, and the same bytes twice', async (name, db, framework, mode) => {
    const template = listTemplates().find((t) => t.name === name)!;
    const given: Record<string, string> = { ...(db !== '-' ? { db } : {}), ...(framework !== '-' ? { framework } : {}), ...(mode !== '-' ? { mode } : {}) };
    const first = expandTemplate(template, { given });
    expect((await checkLoaded('matrix', first.loaded, { strict: true })).result.findings).toEqual([]);
    expect(expandTemplate(template, { given }).text).toBe(first.text);
  });

  it('the framework decides files and commands, and nothing else of the plan', () => {
    const template = listTemplates().find((t) => t.name === 'multi-tenant')!;
    const files = (framework: string) => expandTemplate(template, { given: { framework } }).loaded.plan.tasks.find((t) => t.id === 'T1')!.files;
    // The tenants table and the columns in one migration, each CONCURRENTLY index (no transaction) in one of its own.
    const indexes = ['users', 'projects', 'tasks'].map((t) => `create_idx_${t}_tenant_id`);
    expect(files('sql')).toEqual(['add_tenant_id', ...indexes].map((n, i) => `migrations/00${i + 1}_${n}.sql`));
    expect(files('prisma')).toEqual(['add_tenant_id', ...indexes].map((n, i) => `prisma/migrations/YYYYMMDD00000${i + 1}_${n}/migration.sql`));
    expect(files('django')).toEqual(['add_tenant_id', ...indexes].map((n, i) => `apps/core/migrations/000${i + 2}_${n}.py`));
    expect(files('alembic')).toEqual(['add_tenant_id', ...indexes].map((n, i) => `alembic/versions/000${i + 1}_${n}.py`));
    expect(files('knex')).toEqual(['add_tenant_id', ...indexes].map((n, i) => `migrations/YYYYMMDD00000${i + 1}_${n}.ts`));
    const django = expandTemplate(template, { given: { framework: 'django' } }).text;
    expect(django).toContain('with atomic = False');
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
    // The backfill is a key-range loop up to a cut-off recorded when it starts.
    expect(pg).toContain('WHERE id >= :from AND id < :to');
    expect(pg).toContain('_cutoff AS SELECT max(id) AS max_id, count(*) AS row_count');
    expect(my).toContain('SET SESSION lock_wait_timeout = 5');
    expect(my).not.toMatch(/CONCURRENTLY|NOT VALID|lock_timeout =/);
    expect(lite).toMatch(/SQLite cannot add NOT NULL to an existing column: the real constraint takes the documented twelve-step table\s+rebuild/);
    expect(lite).toContain('RAISE(ABORT');
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
    // The statements are data (sql), alone and outside a transaction where the engine needs it; the
    // description says why, without the SQL.
    expect(build('postgres').sql!.up).toContainEqual({ run: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer_id_created_at ON orders (customer_id, created_at)', transaction: false });
    expect(build('postgres').sql!.down).toContainEqual({ run: 'DROP INDEX CONCURRENTLY IF EXISTS idx_orders_customer_id_created_at', transaction: false });
    expect(build('postgres').description).not.toContain('CREATE INDEX');
    expect(build('postgres').description).toContain('not inside a transaction (run this file on its own');
    expect(build('mysql').sql!.up).toContain('ALTER TABLE orders ADD INDEX idx_orders_customer_id_created_at (customer_id, created_at), ALGORITHM=INPLACE, LOCK=NONE');
    expect(JSON.stringify(plan('mysql'))).not.toContain('CONCURRENTLY');
    expect(build('mongodb').sql!.up[0]).toContain('db.orders.createIndex({ customer_id: 1, created_at: 1 }');
    expect(plan('postgres').tasks.find((t) => t.id === 'V1')!.sql!.verify[0]!.query).toContain('indisvalid');
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
    // The drop is data: under a lock timeout, checked in the catalog, irreversible with its reason (no down).
    expect(drop.sql).toMatchObject({ up: ["SET lock_timeout = '5s'", "SET statement_timeout = '1min'", 'ALTER TABLE users DROP COLUMN IF EXISTS legacy_name'], down: [] });
    expect(drop.sql!.irreversible).toMatch(/backup/);
    expect(plan('mysql').tasks.find((t) => t.id === 'T1')!.sql!.up).toContain('ALTER TABLE users DROP COLUMN legacy_name, ALGORITHM=INSTANT');
    expect(plan('mongodb').tasks.find((t) => t.id === 'T1')!.sql!.up[0]).toContain('$unset: { legacy_name: "" }');
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

describe('every template speaks only its engine', () => {
  const withDb = listTemplates().filter((t) => t.manifest.parameters.some((p) => p.name === 'db'));
  const render = (t: (typeof withDb)[number], db: string, mode?: string) =>
    expandTemplate(t, { given: { db, ...(mode ? { mode } : {}) } }).text;
  const cases = withDb.flatMap((t) => (t.manifest.parameters.some((p) => p.name === 'mode') ? MODES : [undefined]).map((mode) => [t.name, mode ?? 'default'] as const));
  it.each(cases)('%s (%s): no PostgreSQL-only syntax outside PostgreSQL, no SQL in MongoDB, no MongoDB shell in SQL', (name, mode) => {
    const t = withDb.find((x) => x.name === name)!;
    const m = mode === 'default' ? undefined : mode;
    const pg = render(t, 'postgres', m);
    expect(pg).not.toMatch(/ALGORITHM=|lock_wait_timeout|updateMany|db\.runCommand|gh-ost --/);
    for (const db of ['mysql', 'sqlite', 'mongodb']) expect(render(t, db, m)).not.toMatch(/CONCURRENTLY|NOT VALID|lock_timeout = |::/);
    expect(render(t, 'sqlite', m)).not.toMatch(/ALGORITHM=|lock_wait_timeout|updateMany/);
    expect(render(t, 'mongodb', m)).not.toMatch(/ALTER TABLE|CREATE (UNIQUE )?INDEX|UPDATE \w+ SET/);
    expect(render(t, 'mysql', m)).not.toMatch(/updateMany|PRAGMA/);
  });
});

describe('the new templates: engine-specific statements where they must be', () => {
  const text = (name: string, given: Record<string, string>) => expandTemplate(listTemplates().find((t) => t.name === name)!, { given }).text;
  const plan = (name: string, given: Record<string, string>) => expandTemplate(listTemplates().find((t) => t.name === name)!, { given }).loaded.plan;

  it('rename-column: a copy by key range with the engine\'s null-safe comparison; in a window, the RENAME itself', () => {
    // The copy is a loop over the key range that touches only rows not yet copied, and `remaining` counts the same rows.
    const copy = (db: string) => statementOf(plan('rename-column', { db }).tasks.find((t) => t.id === 'T3')!.sql!.up.at(-1)!);
    expect(copy('postgres').run).toBe('UPDATE users SET first_name = fname\n WHERE id >= :from AND id < :to AND (first_name IS DISTINCT FROM fname)');
    expect(copy('postgres').loop).toMatchObject({ key: 'id', remaining: 'SELECT count(*) FROM users WHERE first_name IS DISTINCT FROM fname' });
    expect(copy('mysql').run).toContain('(first_name <> fname OR (first_name IS NULL) <> (fname IS NULL))');
    expect(copy('sqlite').run).toContain('AND (first_name IS NOT fname)');
    expect(copy('mongodb').run).toContain('[{ $set: { first_name: "$fname" } }]');
    const window = (db: string) => plan('rename-column', { db, mode: 'maintenance-window' });
    const rename = (db: string) => window(db).tasks.find((t) => t.id === 'T1')!.sql!;
    expect(rename('postgres')).toMatchObject({ up: ["SET lock_timeout = '5s'", "SET statement_timeout = '1min'", 'ALTER TABLE users RENAME COLUMN fname TO first_name'],
      down: ["SET lock_timeout = '5s'", "SET statement_timeout = '1min'", 'ALTER TABLE users RENAME COLUMN first_name TO fname'] });
    expect(rename('mysql').up).toContain('ALTER TABLE users RENAME COLUMN fname TO first_name, ALGORITHM=INSTANT');
    expect(rename('mongodb').up[0]).toContain('{ $rename: { fname: "first_name" } }');
    expect(text('rename-column', { db: 'postgres', mode: 'maintenance-window' })).not.toContain('dual-write');
  });

  it('mode: a maintenance window has fewer phases and an explicit downtime task; zero downtime has none', () => {
    for (const name of ['rename-column', 'rename-table', 'change-column-type', 'split-column']) {
      const online = plan(name, {});
      const window = plan(name, { mode: 'maintenance-window' });
      expect(window.phases.length).toBeLessThan(online.phases.length);
      const downtime = window.tasks.find((t) => t.id === 'W1')!;
      expect(downtime.labels).toContain('downtime');
      expect(downtime.ops).toEqual(['stop-writes']);
      expect(online.tasks.some((t) => t.labels.includes('downtime'))).toBe(false);
      expect(window.tasks.at(-1)!.title).toBe('Deploy the new release and end the window');
    }
  });

  it('change-column-type: converts with the engine\'s cast; in place in a window, gh-ost on MySQL only for large tables', () => {
    expect(text('change-column-type', { db: 'postgres' })).toContain('SET amount_bigint = amount::bigint');
    expect(text('change-column-type', { db: 'sqlite' })).toContain('SET amount_bigint = CAST(amount AS bigint)');
    expect(text('change-column-type', { db: 'mongodb' })).toContain('{ $convert: { input: "$amount", to: "long", onError: null, onNull: null } }');
    const window = (db: string, rows: string) => text('change-column-type', { db, rows, mode: 'maintenance-window' });
    const inPlace = (db: string, rows: string) => plan('change-column-type', { db, rows, mode: 'maintenance-window' }).tasks.find((t) => t.id === 'T1')!;
    // In place, the conversion is a point of no return: the old type is not known, and converting back is not the same data.
    expect(inPlace('postgres', '1000')).toMatchObject({ point_of_no_return: true, sql: { up: ["SET lock_timeout = '5s'", 'ALTER TABLE orders ALTER COLUMN amount TYPE bigint USING amount::bigint', 'ANALYZE orders'], down: [] } });
    expect(inPlace('postgres', '1000').sql!.irreversible).toMatch(/backup/);
    expect(inPlace('mysql', '50000').sql!.up).toContain('ALTER TABLE orders MODIFY amount bigint, ALGORITHM=COPY, LOCK=SHARED');
    expect(window('mysql', '50000')).not.toContain('gh-ost --');
    expect(window('mysql', '50000000')).toContain('gh-ost --database=app --table=orders --alter="MODIFY amount bigint"');
    expect(window('mysql', '50000000')).toContain('50,000,000 rows: a table copy that size blocks writes for too long');
    // SQLite has no ALTER COLUMN ... TYPE: a new column, the copy, the drop, the rename.
    expect(plan('change-column-type', { db: 'sqlite', mode: 'maintenance-window' }).tasks.filter((t) => t.type === 'schema' || t.type === 'data').map((t) => t.ops[0]))
      .toEqual(['add-column', 'backfill', 'drop-column', 'rename-column']);
  });

  it('split-column: the engine\'s string functions, both columns filled and compared', () => {
    expect(text('split-column', { db: 'postgres' })).toContain("first_name = split_part(full_name, ' ', 1), last_name = nullif(substr(full_name, strpos(full_name, ' ') + 1), full_name)");
    expect(text('split-column', { db: 'mysql' })).toContain("first_name = SUBSTRING_INDEX(full_name, ' ', 1)");
    expect(text('split-column', { db: 'sqlite' })).toContain("instr(full_name || ' ', ' ')");
    expect(text('split-column', { db: 'mongodb' })).toContain('{ $split: ["$full_name", " "] }');
    const window = plan('split-column', { mode: 'maintenance-window' });
    expect(window.tasks.find((t) => t.ops.includes('drop-column'))!.point_of_no_return).toBe(true);
  });

  it('rename-table: a compatibility view in the same transaction where the engine allows it', () => {
    const t1 = (db: string, mode = 'zero-downtime') => plan('rename-table', { db, mode }).tasks.find((t) => t.id === 'T1')!.sql!;
    expect(t1('postgres').up).toEqual(["SET LOCAL lock_timeout = '5s'", "SET LOCAL statement_timeout = '30s'", 'ALTER TABLE customers RENAME TO accounts', 'CREATE VIEW customers AS SELECT * FROM accounts']);
    expect(t1('mysql').up).toContain('RENAME TABLE customers TO accounts');
    expect(t1('mysql').down).toContain('RENAME TABLE customers TO customers_old_view, accounts TO customers');
    expect(text('rename-table', { db: 'mysql' })).toContain('MySQL has no transactional DDL');
    expect(text('rename-table', { db: 'sqlite' })).toContain('SQLite views are read-only');
    expect(t1('mongodb').up).toContain('db.customers.renameCollection("accounts")');
    expect(JSON.stringify(t1('postgres', 'maintenance-window'))).not.toContain('CREATE VIEW');
  });

  it('add-foreign-key: NOT VALID then VALIDATE on PostgreSQL; each other engine its own way', () => {
    const pg = plan('add-foreign-key', { db: 'postgres' });
    const up = (p: typeof pg, id: string) => p.tasks.find((t) => t.id === id)!.sql!.up;
    expect(up(pg, 'T2')).toContain('ALTER TABLE orders ADD CONSTRAINT fk_orders_customer_id FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID');
    expect(up(pg, 'T3')).toContain('ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_customer_id');
    expect(up(pg, 'T1')).toContainEqual({ run: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_customer_id ON orders (customer_id)', transaction: false });
    expect(up(plan('add-foreign-key', { db: 'mysql' }), 'T2')).toEqual(expect.arrayContaining(['SET SESSION foreign_key_checks = 0', 'SET SESSION foreign_key_checks = 1']));
    // SQLite cannot add a constraint to a table: triggers enforce the reference.
    expect(up(plan('add-foreign-key', { db: 'sqlite' }), 'T2')[0]).toMatch(/^CREATE TRIGGER IF NOT EXISTS fk_orders_customer_id_insert BEFORE INSERT ON orders /);
    expect(text('add-foreign-key', { db: 'mongodb' })).toContain('$lookup: { from: "customers", localField: "customer_id", foreignField: "_id"');
  });

  it('add-unique-constraint: a unique index online, attached with USING INDEX on PostgreSQL only', () => {
    expect(text('add-unique-constraint', { db: 'postgres' })).toContain('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON users (email)\n');
    expect(plan('add-unique-constraint', { db: 'postgres' }).tasks.find((t) => t.id === 'T2')!.sql!.up).toContain('ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE USING INDEX idx_users_email');
    expect(text('add-unique-constraint', { db: 'mysql' })).toContain('ADD UNIQUE INDEX idx_users_email (email), ALGORITHM=INPLACE, LOCK=NONE\n');
    expect(plan('add-unique-constraint', { db: 'mysql' }).tasks.map((t) => t.id)).not.toContain('T2');
    expect(text('add-unique-constraint', { db: 'mongodb' })).toContain('{ name: "idx_users_email", unique: true }');
  });

  it('blue-green: per-table copies in parallel, checksums per engine, two points of no return guarded', () => {
    const p = plan('blue-green', {});
    expect(p.tasks.filter((t) => t.id.startsWith('T2.')).map((t) => [t.id, t.depends])).toEqual([['T2.users', ['T1']], ['T2.orders', ['T1']]]);
    expect(p.tasks.filter((t) => t.point_of_no_return).map((t) => t.id)).toEqual(['S1', 'T4']);
    expect(text('blue-green', { db: 'postgres' })).toContain('pg_dump --data-only --table=users --rows-per-insert=5000 --on-conflict-do-nothing');
    expect(text('blue-green', { db: 'mysql' })).toContain('pt-table-checksum');
    expect(text('blue-green', { db: 'sqlite' })).toContain('INSERT OR IGNORE');
    expect(text('blue-green', { db: 'mongodb' })).toContain('mongodump --uri="$BLUE_URI" --db=app --collection=orders --archive | mongorestore');
    const pg = plan('blue-green', { db: 'postgres' });
    expect(pg.placeholders.map((p) => p.name)).toEqual(['users_cutoff', 'users_blue_rows', 'orders_cutoff', 'orders_blue_rows']);
    expect(pg.tasks.find((t) => t.id === 'V1.users')!.sql!.verify[0]!.query).toBe('SELECT count(*) - :users_blue_rows FROM users WHERE id <= :users_cutoff');
    expect(pg.tasks.find((t) => t.id === 'S1')!.sql!.up[0]).toContain("setval(pg_get_serial_sequence('users', 'id')");
    expect(plan('blue-green', { db: 'mysql' }).tasks.find((t) => t.id === 'S1')!.sql).toBeUndefined();
  });

  it('rows decides the batch size, the pause and the estimate of a backfill, and says why', () => {
    const backfill = (rows: string) => plan('rename-column', { rows }).tasks.find((t) => t.id === 'T3')!;
    const loop = (rows: string) => statementOf(backfill(rows).sql!.up.at(-1)!).loop!;
    expect(loop('50000')).toMatchObject({ batch: 10000, pause_ms: 0 });
    expect(backfill('50000').description).toContain('50,000 rows is a small table');
    expect(loop('50000000')).toMatchObject({ batch: 2000, pause_ms: 250 });
    expect(backfill('50000000').description).toContain('throttled further while replica lag is above 1 s');
    expect(backfill('50000').estimate).toBe('2.5d');
    expect(backfill('5000000000').estimate).toBe('27.5d');
  });
});
