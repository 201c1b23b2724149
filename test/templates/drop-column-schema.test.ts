/**
 * drop-column from a schema: what depends on the column (an index, a composite index, a view, a unique
 * constraint with a foreign key into it) is dropped by T1a before the column, in dependency order, and
 * restored by its down in reverse; the plan checks clean on every engine; a primary-key column and, on SQLite,
 * a column in a constraint are refused, located. Then the statements run on real engines (SQLite in process,
 * embedded PostgreSQL): T1a up, its verify, down (the snapshot equal to before), up again, then T1 drops the column.
 */
import { describe, expect, it } from 'vitest';
import { checkLoaded } from '../../src/check/pipeline.js';
import { PlanInputError } from '../../src/errors.js';
import { statementOf, type Task } from '../../src/model/schema.js';
import { expandTemplate } from '../../src/templates/expand.js';
import { listTemplates } from '../../src/templates/registry.js';
import { openSqlite } from '../../src/rehearse/sqlite.js';
import { openPostgres, startEmbedded } from '../../src/rehearse/postgres.js';
import type { Driver } from '../../src/rehearse/driver.js';
import { diffSnapshots } from '../../src/rehearse/snapshot.js';
import { serverForBlock } from '../rehearse/servers.js';
import { runCli } from '../helpers.js';
import { SERVERS, schemaFile, shopSchema } from './schema-fixtures.js';

const dropColumn = listTemplates().find((t) => t.name === 'drop-column')!;

async function planOn(server: string, column: string, table = 'customers') {
  const e = expandTemplate(dropColumn, { given: { table, column }, schema: shopSchema(SERVERS[server]!) });
  expect((await checkLoaded('drop-column', e.loaded, { strict: true })).result.findings).toEqual([]);
  return e;
}
const task = (e: { loaded: { plan: { tasks: Task[] } } }, id: string) => e.loaded.plan.tasks.find((t) => t.id === id)!;
const runs = (list: Task['sql'] extends infer S ? S extends { up: infer U } ? U : never : never) => (list ?? []).map((s) => statementOf(s).run);
/** Index of the first statement matching `pattern`. */
const at = (statements: string[], pattern: RegExp) => {
  const i = statements.findIndex((s) => pattern.test(s));
  expect(i, `${pattern} in\n${statements.join('\n')}`).toBeGreaterThanOrEqual(0);
  return i;
};

describe('drop-column lists and drops what depends on the column', () => {
  it('postgres: the view, then the index and the composite index; down in reverse; T1 after T1a', async () => {
    const plan = await planOn('postgres 15', 'email');
    const t1a = task(plan, 'T1a');
    expect(t1a.phase).toBe('stop');
    expect(task(plan, 'T1').depends).toEqual(['G2', 'T1a']);
    const up = runs(t1a.sql!.up);
    expect(at(up, /^DROP VIEW IF EXISTS customer_emails$/)).toBeLessThan(at(up, /DROP INDEX CONCURRENTLY IF EXISTS idx_customers_email$/));
    expect(at(up, /idx_customers_email$/)).toBeLessThan(at(up, /idx_customers_region_email$/));
    const down = runs(t1a.sql!.down);
    expect(at(down, /CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_customers_region_email ON customers \(region, email\)/))
      .toBeLessThan(at(down, /^CREATE VIEW customer_emails AS SELECT id, email FROM customers$/));
    for (const line of ['view customer_emails', 'index idx_customers_email (email)', 'index idx_customers_region_email (region, email), composite']) {
      expect(t1a.description).toContain(line);
    }
    expect(plan.text).toContain('Depends on email: view customer_emails');
  });

  it('postgres: the foreign key into the column before its unique constraint; down rebuilds the unique index first', async () => {
    const t1a = task(await planOn('postgres 15', 'legacy_code'), 'T1a');
    const up = runs(t1a.sql!.up);
    expect(at(up, /ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_customer_code_fkey/))
      .toBeLessThan(at(up, /ALTER TABLE customers DROP CONSTRAINT IF EXISTS customers_legacy_code_key/));
    const down = runs(t1a.sql!.down);
    expect(at(down, /CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS customers_legacy_code_key/))
      .toBeLessThan(at(down, /ADD CONSTRAINT customers_legacy_code_key UNIQUE USING INDEX customers_legacy_code_key/));
    expect(at(down, /UNIQUE USING INDEX/)).toBeLessThan(at(down, /ALTER TABLE orders ADD CONSTRAINT orders_customer_code_fkey FOREIGN KEY \(customer_code\) REFERENCES customers \(legacy_code\) NOT VALID/));
    expect(at(down, /NOT VALID/)).toBeLessThan(at(down, /ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_code_fkey/));
    expect(t1a.description).toContain('foreign key orders_customer_code_fkey from orders (customer_code) into customers.legacy_code');
  });

  it('mysql and mariadb: foreign keys and indexes each their own in-place ALTER, restored with foreign_key_checks off', async () => {
    for (const server of ['mysql 8.0.29', 'mariadb 10.11']) {
      const t1a = task(await planOn(server, 'legacy_code'), 'T1a');
      expect(runs(t1a.sql!.up)).toEqual(['SET SESSION lock_wait_timeout = 5',
        'ALTER TABLE orders DROP FOREIGN KEY orders_customer_code_fkey, ALGORITHM=INPLACE, LOCK=NONE',
        'ALTER TABLE customers DROP INDEX customers_legacy_code_key, ALGORITHM=INPLACE, LOCK=NONE']);
      expect(runs(t1a.sql!.down)).toEqual(['SET SESSION lock_wait_timeout = 5',
        'ALTER TABLE customers ADD UNIQUE INDEX customers_legacy_code_key (legacy_code), ALGORITHM=INPLACE, LOCK=NONE',
        'SET SESSION foreign_key_checks = 0',
        'ALTER TABLE orders ADD CONSTRAINT orders_customer_code_fkey FOREIGN KEY (customer_code) REFERENCES customers (legacy_code), ALGORITHM=INPLACE, LOCK=NONE',
        'SET SESSION foreign_key_checks = 1']);
    }
  });

  it('sqlite: the view and the indexes (SQLite refuses DROP COLUMN while they use it)', async () => {
    const t1a = task(await planOn('sqlite 3.45', 'email'), 'T1a');
    expect(runs(t1a.sql!.up)).toEqual(['DROP VIEW IF EXISTS customer_emails', 'DROP INDEX IF EXISTS idx_customers_email', 'DROP INDEX IF EXISTS idx_customers_region_email']);
    expect(runs(t1a.sql!.down)).toEqual(['CREATE INDEX IF NOT EXISTS idx_customers_email ON customers (email)',
      'CREATE INDEX IF NOT EXISTS idx_customers_region_email ON customers (region, email)', 'CREATE VIEW customer_emails AS SELECT id, email FROM customers']);
  });

  it('a column nothing depends on: no T1a, the plan as without a schema', async () => {
    const plan = await planOn('postgres 15', 'note');
    expect(plan.loaded.plan.tasks.some((t) => t.id === 'T1a')).toBe(false);
    expect(task(plan, 'T1').depends).toEqual(['G2']);
  });

  it('a primary-key column is refused, exit 2, located at the column', () => {
    const file = schemaFile(shopSchema(SERVERS['postgres 15']!));
    const r = runCli(['new', 'drop-column', '--schema', file, '--set', 'table=customers', '--set', 'column=id', '--out', `${file}.plan.yaml`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:3: column "id" is part of the primary key of "customers"`);
    expect(r.stderr).toContain('give the table a new primary key first');
  });

  it('sqlite: a column in a unique constraint with a foreign key into it is refused (a table rebuild), located', () => {
    let error: unknown;
    try { expandTemplate(dropColumn, { given: { table: 'customers', column: 'legacy_code' }, schema: shopSchema(SERVERS['sqlite 3.45']!) }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(PlanInputError);
    expect((error as PlanInputError).details[0]).toMatchObject({ location: { file: 'shop.json', line: 6 } });
    expect((error as PlanInputError).message).toMatch(/SQLite cannot drop customers\.legacy_code: it is in foreign key from orders, unique \(legacy_code\)/);
  });
});

/** The shop's tables as DDL (what the fixture schema describes), with a few rows. */
function shopDdl(engine: 'postgres' | 'sqlite'): string[] {
  const serial = engine === 'postgres' ? 'integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY' : 'INTEGER PRIMARY KEY';
  const text = (n: number) => (engine === 'postgres' ? `varchar(${n})` : 'TEXT');
  return [
    `CREATE TABLE customers (id ${serial}, email ${text(120)} NOT NULL DEFAULT '', region ${text(20)}, legacy_code ${text(16)}, note ${text(200)}${engine === 'postgres' ? ', CONSTRAINT customers_legacy_code_key UNIQUE (legacy_code)' : ''})`,
    'CREATE INDEX idx_customers_email ON customers (email)',
    'CREATE INDEX idx_customers_region_email ON customers (region, email)',
    `CREATE TABLE orders (id ${serial}, customer_id integer NOT NULL REFERENCES customers (id), customer_code ${text(16)}${engine === 'postgres' ? ' CONSTRAINT orders_customer_code_fkey REFERENCES customers (legacy_code)' : ''}, status ${text(20)} NOT NULL DEFAULT 'new')`,
    'CREATE VIEW customer_emails AS SELECT id, email FROM customers',
    "INSERT INTO customers (email, region, legacy_code) VALUES ('a@example.com', 'eu', 'A1'), ('b@example.com', 'us', 'B2'), ('ü@example.com', NULL, NULL)",
    "INSERT INTO orders (customer_id, customer_code) VALUES (1, 'A1'), (2, NULL)",
  ];
}

/** T1a forward, verified, rolled back to the same snapshot, forward again; then T1 drops the column. */
async function rehearseDrop(driver: Driver, plan: Awaited<ReturnType<typeof planOn>>) {
  const t1a = task(plan, 'T1a');
  const t1 = task(plan, 'T1');
  const runAll = async (list: string[]) => { for (const s of list) await driver.run(s); };
  const verify = async (t: Task) => {
    for (const v of t.sql!.verify) expect(Number((await driver.query(v.query))[0]![0]), v.query).toBe(v.expect);
  };
  const before = await driver.snapshot();
  await runAll(runs(t1a.sql!.up));
  await verify(t1a);
  await runAll(runs(t1a.sql!.down));
  expect(diffSnapshots(before, await driver.snapshot())).toEqual([]);
  await runAll(runs(t1a.sql!.up));
  await verify(t1a);
  await runAll(runs(t1.sql!.up));
  await verify(t1);
}

describe('on SQLite (sql.js): the dependents go, come back, go again, then the column', () => {
  it('customers.email: a view, an index and a composite index', async () => {
    const driver = await openSqlite();
    for (const s of shopDdl('sqlite')) await driver.run(s);
    await rehearseDrop(driver, await planOn('sqlite 3.45', 'email'));
    expect(await driver.query("SELECT count(*) FROM pragma_table_info('customers') WHERE name = 'email'")).toEqual([[0]]);
    await driver.close(false);
  });
});

describe('on PostgreSQL (embedded): the dependents go, come back, go again, then the column', () => {
  const url = serverForBlock(startEmbedded, (server) => server.stop(false));

  it.each(['email', 'legacy_code'])('customers.%s', async (column) => {
    const driver = await openPostgres(url());
    try {
      for (const s of shopDdl('postgres')) await driver.run(s);
      await rehearseDrop(driver, await planOn('postgres 15', column));
    } finally {
      await driver.close(false);
    }
  }, 60_000);
});
