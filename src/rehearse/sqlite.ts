/**
 * SQLite: an in-memory database in this process (sql.js, SQLite compiled to WebAssembly), described
 * from sqlite_master and the table pragmas.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import initSqlJs from 'sql.js';
import { quoteName, type Driver } from './driver.js';
import { hashRows, type Snapshot } from './snapshot.js';

/** An in-memory database: empty, or a copy of a database file's bytes (to describe a file another tool changed). */
export async function openSqlite(bytes?: Uint8Array): Promise<Driver> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(bytes);
  const query = async (sql: string) => db.exec(sql)[0]?.values ?? [];
  // total_changes() counts every row any statement changed: the difference is this statement's rows
  // (changes() would still report the last DML after a DDL statement).
  const total = () => Number(db.exec('SELECT total_changes()')[0]!.values[0]![0]);
  return {
    engine: 'sqlite',
    async run(sql) {
      const before = total();
      const rows = db.exec(sql)[0]?.values.length ?? 0;
      return total() - before || rows;
    },
    query,
    snapshot: () => snapshotSqlite(query),
    async close(keep) {
      let where: string | undefined;
      if (keep) {
        const file = join(mkdtempSync(join(tmpdir(), 'plan-rehearse-sqlite-')), 'rehearsal.sqlite');
        writeFileSync(file, db.export());
        where = `the database is kept: sqlite3 ${file}`;
      }
      db.close();
      return where;
    },
  };
}

/**
 * A definition as SQLite stores it, compared up to layout and identifier quoting: a down that rebuilds an
 * index as `ON tasks (code)` restores the one created as `ON "tasks" ("code")`.
 */
const normal = (sql: unknown) => String(sql).replace(/\s+/g, ' ').replace(/["`]([A-Za-z_][A-Za-z0-9_]*)["`]/g, '$1').trim();

export async function snapshotSqlite(query: (sql: string) => Promise<unknown[][]>): Promise<Snapshot> {
  const snapshot: Snapshot = {};
  const objects = await query(`SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name`);
  const tables: string[] = [];
  for (const [type, name, sql] of objects) {
    // A table's text holds its CHECK constraints, which no pragma lists; ALTER TABLE edits that text in place.
    snapshot[`${String(type)} ${String(name)}`] = normal(sql);
    if (type === 'table') tables.push(String(name));
  }
  for (const table of tables) {
    const t = table.replaceAll("'", "''");
    for (const [name, type, notnull, dflt, pk] of await query(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info('${t}')`)) {
      snapshot[`column ${table}.${String(name)}`] = `${String(type)}${notnull ? ' not null' : ' null'}${dflt === null ? '' : ` default ${String(dflt)}`}${pk ? ' primary key' : ''}`;
    }
    for (const [name, unique, origin, partial] of await query(`SELECT name, "unique", origin, partial FROM pragma_index_list('${t}')`)) {
      const columns = (await query(`SELECT name FROM pragma_index_info('${String(name).replaceAll("'", "''")}') ORDER BY seqno`)).map((r) => String(r[0]));
      snapshot[`index ${String(name)} on ${table}`] = `(${columns.join(', ')})${unique ? ' unique' : ''}${partial ? ' partial' : ''} from ${String(origin)}`;
    }
    for (const [id, seq, target, from, to] of await query(`SELECT id, seq, "table", "from", "to" FROM pragma_foreign_key_list('${t}')`)) {
      snapshot[`foreign key ${table}.${String(id)}.${String(seq)}`] = `${String(from)} references ${String(target)}(${String(to)})`;
    }
    snapshot[`rows ${table}`] = hashRows(await query(`SELECT * FROM ${quoteName('sqlite', table)}`));
  }
  return snapshot;
}
