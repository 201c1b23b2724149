/**
 * The engine version picks the statement, and the task cites the version it relied on: plans made from a
 * schema (the model's own JSON) of each server version, checked strictly, their statements and citations
 * asserted; the facts table itself (src/templates/version-facts.ts) at its boundaries.
 */
import { describe, expect, it } from 'vitest';
import { checkLoaded } from '../../src/check/pipeline.js';
import { PlanInputError } from '../../src/errors.js';
import { expandTemplate } from '../../src/templates/expand.js';
import { listTemplates } from '../../src/templates/registry.js';
import { versionFact } from '../../src/templates/version-facts.js';
import { restatedTail } from '../../src/templates/definitions.js';
import { statementOf, type Task } from '../../src/model/schema.js';
import type { DatabaseSchema } from '../../src/model/database.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmbedded } from '../../src/rehearse/postgres.js';
import { serverForBlock } from '../rehearse/servers.js';
import { runCli, tempDir } from '../helpers.js';
import { SERVERS, schemaFile, shopSchema } from './schema-fixtures.js';

const template = (name: string) => listTemplates().find((t) => t.name === name)!;

/** The plan of `name` from the shop schema on `server`, after asserting a strict check finds nothing. */
async function planOn(name: string, server: string, given: Record<string, string>, schema?: DatabaseSchema) {
  const expansion = expandTemplate(template(name), { given, schema: schema ?? shopSchema(SERVERS[server]!) });
  expect((await checkLoaded(name, expansion.loaded, { strict: true })).result.findings).toEqual([]);
  return expansion;
}
const task = (e: { loaded: { plan: { tasks: Task[] } } }, id: string) => e.loaded.plan.tasks.find((t) => t.id === id)!;
const up = (t: Task) => (t.sql?.up ?? []).map((s) => statementOf(s).run);
const down = (t: Task) => (t.sql?.down ?? []).map((s) => statementOf(s).run);

describe('version facts', () => {
  const on = (server: string) => shopSchema(SERVERS[server]!);
  it.each([
    ['postgres 10', 'fast-default', false, 'PostgreSQL 10.23 (< 11)'],
    ['postgres 11', 'fast-default', true, 'PostgreSQL 11.22 (≥ 11): a constant default is a catalog change, no rewrite'],
    ['postgres 11', 'not-null-check', false, 'PostgreSQL 11.22 (< 12)'],
    ['postgres 12', 'not-null-check', true, 'PostgreSQL 12.20 (≥ 12)'],
    ['mysql 5.7', 'fast-default', false, 'MySQL 5.7.44 (< 8.0.12)'],
    ['mysql 8.0.11', 'fast-default', false, 'MySQL 8.0.11 (< 8.0.12)'],
    ['mysql 8.0.12', 'fast-default', true, 'MySQL 8.0.12 (≥ 8.0.12)'],
    ['mysql 8.0.12', 'instant-drop-column', false, 'MySQL 8.0.12 (< 8.0.29)'],
    ['mysql 8.0.29', 'instant-drop-column', true, 'MySQL 8.0.29 (≥ 8.0.29)'],
    ['mariadb 10.2', 'fast-default', false, 'MariaDB 10.2.44-MariaDB (< 10.3.2)'],
    ['mariadb 10.3', 'fast-default', true, 'MariaDB 10.3.39-MariaDB (≥ 10.3.2)'],
    ['mariadb 10.3', 'instant-drop-column', false, 'MariaDB 10.3.39-MariaDB (< 10.4)'],
    ['mariadb 10.11', 'instant-drop-column', true, 'MariaDB 10.11.6-MariaDB (≥ 10.4)'],
    ['sqlite 3.34', 'drop-column', false, 'SQLite 3.34.1 (< 3.35.0)'],
    ['sqlite 3.45', 'drop-column', true, 'SQLite 3.45.1 (≥ 3.35.0)'],
  ] as const)('%s, %s: supported %s, cited "%s…"', (server, fact, supported, cite) => {
    const answer = versionFact(on(server), fact, SERVERS[server]!.engine);
    expect(answer.supported).toBe(supported);
    expect(answer.cite.startsWith(cite)).toBe(true);
  });

  it('without a version: supported (today\'s statements), and the citation says what it assumes', () => {
    expect(versionFact(undefined, 'fast-default', 'postgres')).toEqual({ supported: true,
      cite: 'Assumes PostgreSQL 11 or later (server version unknown; give --schema or --url to check): a constant default is a catalog change, no rewrite' });
    expect(versionFact(undefined, 'instant-drop-column', 'mysql').cite).toMatch(/^Assumes MySQL 8\.0\.29\+ or MariaDB 10\.4\+/);
    expect(versionFact(undefined, 'fast-default', 'mongodb').supported).toBe(false);
  });
});

describe('add-column: a constant default', () => {
  const given = { table: 'orders', column: 'discount', column_type: 'integer', default_value: '0' };

  it.each(['postgres 11', 'postgres 15'])('%s: ADD COLUMN … DEFAULT, cited', async (server) => {
    const t1 = task(await planOn('add-column', server, given), 'T1');
    expect(up(t1)).toContain('ALTER TABLE orders ADD COLUMN IF NOT EXISTS discount integer NULL DEFAULT 0');
    expect(t1.description).toContain(`PostgreSQL ${SERVERS[server]!.text} (≥ 11): a constant default is a catalog change, no rewrite`);
  });

  it('postgres 10: nullable, then the default for new rows; T1b backfills the rest in batches', async () => {
    const plan = await planOn('add-column', 'postgres 10', given);
    const t1 = task(plan, 'T1');
    expect(up(t1)).toEqual([
      "SET lock_timeout = '5s'", "SET statement_timeout = '1min'",
      'ALTER TABLE orders ADD COLUMN IF NOT EXISTS discount integer NULL',
      'ALTER TABLE orders ALTER COLUMN discount SET DEFAULT 0',
    ]);
    expect(t1.description).toContain('PostgreSQL 10.23 (< 11): ADD COLUMN with a default rewrites every row');
    expect(down(t1)).toContain('ALTER TABLE orders DROP COLUMN IF EXISTS discount');
    const t1b = task(plan, 'T1b');
    expect(t1b.depends).toEqual(['T1', 'R1']);
    const loop = statementOf(t1b.sql!.up[1]!);
    expect(loop.run).toBe('UPDATE orders SET discount = 0 WHERE id >= :from AND id < :to AND discount IS NULL');
    // orders has 2,000,000 rows in the schema: medium batches with a pause.
    expect(loop.loop).toMatchObject({ batch: 5000, pause_ms: 100 });
    expect(task(plan, 'V1').depends).toEqual(['T1b']);
    // On 11+ there is no backfill task.
    expect((await planOn('add-column', 'postgres 11', given)).loaded.plan.tasks.some((t) => t.id === 'T1b')).toBe(false);
  });

  it.each([
    ['mysql 5.7', ', ALGORITHM=INPLACE, LOCK=NONE', 'MySQL 5.7.44 (< 8.0.12)'],
    ['mysql 8.0.11', ', ALGORITHM=INPLACE, LOCK=NONE', 'MySQL 8.0.11 (< 8.0.12)'],
    ['mysql 8.0.12', ', ALGORITHM=INSTANT', 'MySQL 8.0.12 (≥ 8.0.12)'],
    ['mysql 8.0.29', ', ALGORITHM=INSTANT', 'MySQL 8.0.29 (≥ 8.0.12)'],
    ['mariadb 10.2', ', ALGORITHM=INPLACE, LOCK=NONE', 'MariaDB 10.2.44-MariaDB (< 10.3.2)'],
    ['mariadb 10.3', ', ALGORITHM=INSTANT', 'MariaDB 10.3.39-MariaDB (≥ 10.3.2)'],
    ['mariadb 10.11', ', ALGORITHM=INSTANT', 'MariaDB 10.11.6-MariaDB (≥ 10.3.2)'],
  ])('%s: ADD COLUMN%s, cited', async (server, algorithm, cite) => {
    const t1 = task(await planOn('add-column', server, given), 'T1');
    expect(up(t1)).toContain(`ALTER TABLE orders ADD COLUMN discount integer NULL DEFAULT 0${algorithm}`);
    expect(t1.description).toContain(cite);
  });

  it('mysql 5.7 on a table above the online-copy threshold: the rebuild goes through gh-ost', async () => {
    const t1 = task(await planOn('add-column', 'mysql 5.7', given), 'T1');
    expect(t1.description).toContain('2,000,000 rows: a table copy that size blocks writes for too long, so gh-ost');
    const small = task(await planOn('add-column', 'mysql 5.7', { ...given, table: 'customers' }), 'T1');
    expect(small.description).not.toContain('gh-ost');
  });

  it('sqlite: a non-constant default is refused, as SQLite would', () => {
    expect(() => expandTemplate(template('add-column'), { given: { ...given, default_value: 'CURRENT_TIMESTAMP' }, schema: shopSchema(SERVERS['sqlite 3.45']!) }))
      .toThrow(/not a constant, and SQLite refuses ADD COLUMN with a non-constant default/);
  });
});

describe('add-not-null-column: the fill as a default only where the server adds it without a rewrite', () => {
  const given = { table: 'orders', column: 'priority', column_type: 'integer', fill_value: '0' };

  it('postgres 15: T1 adds it with DEFAULT 0; postgres 10: T1 adds it bare and T3 backfills every row', async () => {
    const pg15 = await planOn('add-not-null-column', 'postgres 15', given);
    expect(up(task(pg15, 'T1'))).toContain('ALTER TABLE orders ADD COLUMN IF NOT EXISTS priority integer NULL DEFAULT 0');
    const pg10 = await planOn('add-not-null-column', 'postgres 10', given);
    expect(up(task(pg10, 'T1'))).toContain('ALTER TABLE orders ADD COLUMN IF NOT EXISTS priority integer NULL');
    expect(down(task(pg10, 'T3')).some((s) => s.startsWith('UPDATE orders SET priority = NULL'))).toBe(true);
    expect(pg10.text).toContain('PostgreSQL 10.23 (< 11)');
  });

  it.each(['postgres 12', 'postgres 15'])('%s: SET NOT NULL after the validated CHECK, which is then dropped', async (server) => {
    const t4 = task(await planOn('add-not-null-column', server, given), 'T4');
    expect(up(t4)).toContain('ALTER TABLE orders ALTER COLUMN priority SET NOT NULL');
    expect(up(t4)).toContain('ALTER TABLE orders DROP CONSTRAINT orders_priority_not_null');
    expect(t4.description).toContain(`PostgreSQL ${SERVERS[server]!.text} (≥ 12): SET NOT NULL uses the validated CHECK and skips its own scan`);
  });

  it.each(['postgres 10', 'postgres 11'])('%s: the validated CHECK stays as the constraint; SET NOT NULL waits for a window', async (server) => {
    const plan = await planOn('add-not-null-column', server, given);
    const t4 = task(plan, 'T4');
    expect(up(t4)).toContain('ALTER TABLE orders VALIDATE CONSTRAINT orders_priority_not_null');
    expect(up(t4).some((s) => /SET NOT NULL|DROP CONSTRAINT/.test(s))).toBe(false);
    expect(t4.description).toContain(`PostgreSQL ${SERVERS[server]!.text} (< 12): SET NOT NULL ignores the CHECK and scans the whole table under ACCESS EXCLUSIVE`);
    expect(t4.description).toContain('maintenance window');
    expect(t4.sql!.verify[0]!.query).toContain('k.convalidated');
    expect(task(plan, 'V2').sql!.verify[0]!.query).toContain('k.convalidated');
  });

  it('mysql 5.7: no instant default, the backfill fills every row, MODIFY restates the column', async () => {
    const plan = await planOn('add-not-null-column', 'mysql 5.7', given);
    expect(up(task(plan, 'T1'))).toContain('ALTER TABLE orders ADD COLUMN priority integer NULL, ALGORITHM=INPLACE, LOCK=NONE');
    expect(up(task(plan, 'T4'))).toContain('ALTER TABLE orders MODIFY priority integer NOT NULL, ALGORITHM=INPLACE, LOCK=NONE');
    const my8 = await planOn('add-not-null-column', 'mysql 8.0.12', given);
    expect(up(task(my8, 'T1'))).toContain('ALTER TABLE orders ADD COLUMN priority integer NULL DEFAULT 0, ALGORITHM=INSTANT');
    expect(up(task(my8, 'T4'))).toContain('ALTER TABLE orders MODIFY priority integer NOT NULL DEFAULT 0, ALGORITHM=INPLACE, LOCK=NONE');
  });
});

describe('enforce-not-null restates a column the schema has, whole', () => {
  it('a MODIFY of orders.status keeps its DEFAULT and COMMENT; a new column takes the default given', () => {
    const status = shopSchema(SERVERS['mysql 8.0.29']!).tables[1]!.columns[3]!;
    expect(restatedTail(status, '')).toBe(" DEFAULT 'new' COMMENT 'lifecycle'");
    expect(restatedTail({ ...status, comment: "it's" }, '')).toBe(" DEFAULT 'new' COMMENT 'it''s'");
    expect(restatedTail(undefined, '0')).toBe(' DEFAULT 0');
    expect(restatedTail(undefined, '')).toBe('');
  });
});

describe('drop-column on MySQL and SQLite versions', () => {
  it.each([
    ['mysql 8.0.12', 'ALGORITHM=INPLACE, LOCK=NONE', 'MySQL 8.0.12 (< 8.0.29)'],
    ['mysql 8.0.29', 'ALGORITHM=INSTANT', 'MySQL 8.0.29 (≥ 8.0.29)'],
    ['mariadb 10.3', 'ALGORITHM=INPLACE, LOCK=NONE', 'MariaDB 10.3.39-MariaDB (< 10.4)'],
    ['mariadb 10.11', 'ALGORITHM=INSTANT', 'MariaDB 10.11.6-MariaDB (≥ 10.4)'],
  ])('%s: DROP COLUMN, %s', async (server, algorithm, cite) => {
    const t1 = task(await planOn('drop-column', server, { table: 'orders', column: 'status' }), 'T1');
    expect(up(t1)).toContain(`ALTER TABLE orders DROP COLUMN status, ${algorithm}`);
    expect(t1.description).toContain(cite);
  });

  it('sqlite 3.34 has no DROP COLUMN: refused with the version', () => {
    expect(() => expandTemplate(template('drop-column'), { given: { table: 'orders', column: 'status' }, schema: shopSchema(SERVERS['sqlite 3.34']!) }))
      .toThrow(/SQLite 3\.34\.1 has no ALTER TABLE … DROP COLUMN/);
  });
});

describe('add-foreign-key, add-unique-constraint, add-index check the schema first', () => {
  const refused = (name: string, server: string, given: Record<string, string>) => {
    try {
      expandTemplate(template(name), { given, schema: shopSchema(SERVERS[server]!) });
    } catch (e) {
      expect(e).toBeInstanceOf(PlanInputError);
      return (e as PlanInputError).details[0]!;
    }
    throw new Error('not refused');
  };

  it('a referenced column that is neither the primary key nor unique: exit 2, located at it, with a hint', () => {
    const d = refused('add-foreign-key', 'postgres 15', { table: 'orders', column: 'customer_code', ref_table: 'customers', ref_column: 'note' });
    expect(d.message).toBe('parameter "ref_column": customers.note is neither the primary key nor unique, so no foreign key can reference it');
    expect(d.location).toMatchObject({ file: 'shop.json', line: 7 });
    expect(d.hint).toContain('reference its primary key customers.id');
  });

  it('the foreign key already there: refused, located at it', () => {
    const d = refused('add-foreign-key', 'postgres 15', { table: 'orders', column: 'customer_id', ref_table: 'customers', ref_column: 'id' });
    expect(d.message).toBe('orders.customer_id already references customers (id) through orders_customer_id_fkey');
    expect(d.location).toMatchObject({ line: 17 });
  });

  it('bigint referencing integer: a warning in the prose on PostgreSQL, refused on MySQL (same size and sign required)', async () => {
    const given = { table: 'order_items', column: 'order_id', ref_table: 'orders', ref_column: 'id' };
    const pg = await planOn('add-foreign-key', 'postgres 15', given);
    expect(pg.loaded.plan.epic!.notes).toContain('order_items.order_id is bigint and orders.id is integer: the key works, but every join compares across types and the narrower one overflows first; align them when you next change either column.');
    expect(refused('add-foreign-key', 'mysql 8.0.29', given).message).toMatch(/cannot reference orders\.id \(int\): MySQL needs the same size and sign/);
  });

  it('incompatible types are refused on every engine', () => {
    const d = refused('add-foreign-key', 'postgres 15', { table: 'orders', column: 'status', ref_table: 'customers', ref_column: 'id' });
    expect(d.message).toMatch(/orders\.status \(character varying\(20\)\) cannot reference customers\.id \(integer\): the types are incompatible/);
    expect(d.location).toMatchObject({ line: 16 });
  });

  it('a unique constraint that exists already: refused with its name; a new one plans', async () => {
    expect(refused('add-unique-constraint', 'postgres 15', { table: 'customers', columns: 'legacy_code' }).message)
      .toBe('customers (legacy_code) already has a unique index: customers_legacy_code_key');
    await planOn('add-unique-constraint', 'postgres 15', { table: 'customers', columns: 'email' });
  });

  it('an index that exists already: refused; one a composite index starts with: said in the notes', async () => {
    expect(refused('add-index', 'mysql 8.0.29', { table: 'customers', columns: 'email' }).message).toBe('customers (email) already has an index: idx_customers_email');
    const plan = await planOn('add-index', 'mysql 8.0.29', { table: 'customers', columns: 'region' });
    expect(plan.loaded.plan.epic!.notes![0]).toMatch(/^idx_customers_region_email \(region, email\) already starts with region/);
  });
});

/** `plan new … --schema`, `plan check --strict`, then `plan rehearse` (every up, verify and down; snapshots equal after each down). */
function rehearsed(name: string, server: string, set: Record<string, string>, url?: string) {
  const schema = schemaFile(shopSchema(SERVERS[server]!));
  const file = join(tempDir(), `${name}.plan.yaml`);
  const made = runCli(['new', name, '--schema', schema, '--out', file, ...Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${v}`])]);
  expect(made.code, made.stderr).toBe(0);
  const checked = runCli(['check', file, '--strict', '--json']);
  expect(checked.code, checked.stdout + checked.stderr).toBe(0);
  const r = runCli(['rehearse', file, ...(url ? ['--url', url] : []), '--json']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const json = JSON.parse(r.stdout);
  expect(json.ok).toBe(true);
  const rolledBack = json.rows.filter((row: { statement: string }) => row.statement.startsWith('down: snapshot'));
  expect(rolledBack.length).toBeGreaterThan(0);
  expect(rolledBack.every((row: { differences?: string[] }) => (row.differences ?? []).length === 0)).toBe(true);
  return { text: readFileSync(file, 'utf8'), json };
}

describe('rehearsed on PostgreSQL (embedded) from a schema of an older server', () => {
  const url = serverForBlock(startEmbedded, (server) => server.stop(false));

  it('add-column with a default, from PostgreSQL 10: the bare column, its default, the backfill', () => {
    const { text, json } = rehearsed('add-column', 'postgres 10', { table: 'orders', column: 'discount', column_type: 'integer', default_value: '0' }, url());
    expect(text).toContain('PostgreSQL 10.23 (< 11)');
    expect(json.rows.some((r: { task: string }) => r.task === 'T1b')).toBe(true);
  }, 120_000);

  it('add-not-null-column from PostgreSQL 11: the validated CHECK is the constraint', () => {
    const { text } = rehearsed('add-not-null-column', 'postgres 11', { table: 'orders', column: 'priority', column_type: 'integer', fill_value: 'id * 2' }, url());
    expect(text).not.toMatch(/ALTER COLUMN priority SET NOT NULL/);
    expect(text).toContain('PostgreSQL 11.22 (< 12)');
  }, 120_000);
});

describe('rehearsed on SQLite from a schema', () => {
  it('add-column with a constant default', () => {
    const { text } = rehearsed('add-column', 'sqlite 3.45', { table: 'orders', column: 'discount', column_type: 'INTEGER', default_value: '0' });
    expect(text).toContain('SQLite 3.45.1: ADD COLUMN with a constant default only edits the schema');
  }, 120_000);

  it('add-not-null-column with an expression fill', () => {
    rehearsed('add-not-null-column', 'sqlite 3.45', { table: 'orders', column: 'priority', column_type: 'INTEGER', fill_value: 'id * 2' });
  }, 120_000);
});
