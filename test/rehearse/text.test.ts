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
  it('takes the tables and columns the statements use, minus what they create; numbers make numeric columns', async () => {
    for (const engine of ['postgres', 'sqlite'] as const) {
      const usage = await readUsage(engine, [
        'ALTER TABLE users ADD COLUMN tenant_id bigint',
        'UPDATE users u SET tenant_id = 1 WHERE u.org_id = 3 AND email IS NOT NULL',
        'CREATE TABLE tenants (id integer primary key, name text)',
        'SELECT count(*) FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 10 AND note IS NULL',
        "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'x'",
        'not sql at all',
      ]);
      expect(startingSchema(usage), engine).toEqual([
        { name: 'users', columns: [{ name: 'email', numeric: false }, { name: 'org_id', numeric: true }] },
        // `note` is unqualified in a statement over two tables: left out.
        { name: 'orders', columns: [{ name: 'total', numeric: true }, { name: 'user_id', numeric: false }] },
      ]);
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
