import { describe, expect, it } from 'vitest';
import { readUsage } from '../../src/rehearse/references.js';
import { edgeValue, startingSchema } from '../../src/rehearse/seed.js';
import { diffSnapshots, hashRows } from '../../src/rehearse/snapshot.js';
import { placeholdersIn, withValues } from '../../src/rehearse/sql-text.js';
import { matches } from '../../src/rehearse/run.js';

describe('placeholders', () => {
  it('finds :names outside quotes, comments and casts', () => {
    expect(placeholdersIn("UPDATE t SET a = :owner, b = '12:30', c = x::int -- :not\nWHERE id >= :from /* :no */", 'postgres')).toEqual(['owner', 'from']);
  });
  it('puts values in as literals: numbers as they are, text quoted', () => {
    expect(withValues('SELECT :a, :b, :c', { a: '42', b: "O'Brien", c: 7 }, 'postgres')).toBe("SELECT 42, 'O''Brien', 7");
  });
});

describe('the starting schema', () => {
  it('takes the tables and columns the statements use, minus what they create; numbers and ids make numeric columns', async () => {
    for (const engine of ['postgres', 'sqlite'] as const) {
      const usage = await readUsage(engine, [
        'ALTER TABLE users ADD COLUMN tenant_id bigint',
        'UPDATE users u SET tenant_id = 1 WHERE u.org_id = 3 AND email IS NOT NULL',
        'CREATE TABLE tenants (id integer primary key, name text)',
        'CREATE TABLE users_archive AS SELECT * FROM users WHERE email IS NULL',
        'INSERT INTO users SELECT * FROM users_archive',
        'SELECT count(*) FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 10 AND note IS NULL',
        "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'x'",
        'not sql at all',
      ]);
      expect(startingSchema(usage), engine).toEqual([
        { name: 'users', columns: [{ name: 'email', numeric: false }, { name: 'org_id', numeric: true }] },
        // `note` is unqualified in a statement over two tables: left out.
        // `user_id` is compared with users' integer key `id`: it holds ids, numeric (text would not compare on PostgreSQL).
        { name: 'orders', columns: [{ name: 'total', numeric: true }, { name: 'user_id', numeric: true }] },
      ]);
    }
  });
  it('takes a table renamed into as made by the plan (a swap back to a name used before is not), and SELECT * as no column', async () => {
    const cases = {
      postgres: ['ALTER TABLE customers RENAME TO accounts', 'CREATE VIEW customers AS SELECT * FROM accounts', 'ALTER TABLE accounts RENAME TO customers'],
      sqlite: ['ALTER TABLE customers RENAME TO accounts', 'CREATE VIEW customers AS SELECT * FROM accounts', 'ALTER TABLE accounts RENAME TO customers'],
      mysql: ['RENAME TABLE customers TO accounts', 'CREATE VIEW customers AS SELECT * FROM accounts', 'RENAME TABLE customers TO customers_old, accounts TO customers'],
    };
    for (const [engine, statements] of Object.entries(cases)) {
      expect(startingSchema(await readUsage(engine as keyof typeof cases, statements)), engine).toEqual([{ name: 'customers', columns: [] }]);
    }
  });
  it('a renamed column is there before the rename, its new name is not, even when a down renames it back', async () => {
    for (const engine of ['postgres', 'sqlite', 'mysql'] as const) {
      const usage = await readUsage(engine, ['ALTER TABLE users RENAME COLUMN fname TO first_name', 'ALTER TABLE users RENAME COLUMN first_name TO fname']);
      expect(startingSchema(usage), engine).toEqual([{ name: 'users', columns: [{ name: 'fname', numeric: false }] }]);
    }
  });
  it('a column the plan converts to a number (cast, change of type, copy into a number column) holds numbers', async () => {
    const statements = {
      postgres: ['UPDATE orders SET amount_new = amount::bigint', 'ALTER TABLE orders ALTER COLUMN price TYPE numeric(12,2)', 'UPDATE orders SET label = code::text'],
      sqlite: ['UPDATE orders SET amount_new = CAST(amount AS bigint)', 'UPDATE orders SET label = CAST(code AS text)'],
      mysql: ['ALTER TABLE orders ADD COLUMN amount_new bigint NULL', 'UPDATE orders SET amount_new = amount', 'ALTER TABLE orders MODIFY price decimal(12,2)', 'UPDATE orders SET label = code'],
    } as const;
    for (const [engine, list] of Object.entries(statements)) {
      const columns = startingSchema(await readUsage(engine as 'postgres', [...list]))[0]!.columns;
      expect(columns.filter((c) => c.numeric).map((c) => c.name), engine).toEqual(engine === 'sqlite' ? ['amount'] : ['amount', 'price']);
      expect(columns.find((c) => c.name === 'code')?.numeric, engine).toBe(false);
    }
  });
  it('CREATE TABLE … AS SELECT creates its table and uses the tables it selects from', async () => {
    for (const engine of ['postgres', 'sqlite', 'mysql'] as const) {
      const usage = await readUsage(engine, ['CREATE TABLE IF NOT EXISTS users_cutoff AS SELECT max(id) AS max_id, count(*) AS row_count FROM users WHERE org_id = 3']);
      expect(startingSchema(usage), engine).toEqual([{ name: 'users', columns: [{ name: 'org_id', numeric: true }] }]);
    }
  });
  it('a trigger is on its table: its name is no table, NEW.x is a column of the table, its body adds nothing', async () => {
    const usage = await readUsage('sqlite', [
      "CREATE TRIGGER IF NOT EXISTS users_a_check BEFORE INSERT ON users FOR EACH ROW WHEN NEW.a IS NULL BEGIN SELECT RAISE(ABORT, 'a is NOT NULL'); END",
    ]);
    expect(startingSchema(usage)).toEqual([{ name: 'users', columns: [{ name: 'a', numeric: false }] }]);
  });
  it('seeds edge values: NULL, empty, duplicate, longest, non-ASCII, orphans in *_id columns', () => {
    const text = { name: 'email', numeric: false };
    expect([8, 1, 2].map((id) => edgeValue(text, id, 100))).toEqual(['NULL', "''", "'duplicate'"]);
    expect(edgeValue(text, 3, 100)).toHaveLength(257);
    expect(edgeValue(text, 4, 100)).toMatch(/東京/);
    expect(edgeValue({ name: 'user_id', numeric: true }, 5, 100)).toBe('1105');
  });
});

describe('snapshots', () => {
  it('say what differs, and hash rows whatever their order', () => {
    expect(hashRows([[1, 'a'], [2, null]])).toBe(hashRows([[2, null], [1, 'a']]));
    expect(diffSnapshots({ 'index a': 'x', 'column t.c': 'text' }, { 'index a': 'y', 'index b': 'z' })).toEqual([
      { object: 'column t.c', before: 'text', after: undefined },
      { object: 'index a', before: 'x', after: 'y' },
      { object: 'index b', before: undefined, after: 'z' },
    ]);
  });
  it('verification compares numbers as numbers and booleans across engines', () => {
    expect(matches(0, '0')).toBe(true);
    expect(matches(0, null)).toBe(false);
    expect(matches(true, 1)).toBe(true);
    expect(matches(true, 't')).toBe(true);
    expect(matches(null, null)).toBe(true);
    expect(matches('a', 'b')).toBe(false);
  });
});
