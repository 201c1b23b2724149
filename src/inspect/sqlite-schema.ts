/**
 * `sqlite3 DB .schema` (or the schema lines of `.dump`) read into the model by SQLite itself: the
 * statements run on an empty in-memory database (sql.js), and the model is read back from the pragmas
 * (table_xinfo, foreign_key_list, index_list, index_xinfo) and sqlite_master, so whatever SQLite accepts
 * is read as SQLite reads it. What the pragmas do not tell (CHECK expressions, generated expressions,
 * partial-index predicates, lines) is taken from each object's CREATE text. The version is left out:
 * sql.js's SQLite is the reader's, not the user's.
 */
import initSqlJs from 'sql.js';
import type { Database } from 'sql.js';
import { loadParser } from '../sql/engines.js';
import type { ColumnDef, DatabaseSchema, TableDef, ViewDef } from '../model/database.js';
import { LineIndex, newColumn, newTable, schemaOf, splitTopLevel, unreadable, unwrapParens, viewReads } from './reader-kit.js';

const EXPECTED = 'the output of sqlite3 DB .schema (SQLite DDL)';

/** sql.js's statement iterator, as far as this reader uses it (rehearse/vendor.d.ts declares the rest). */
interface Statements extends IterableIterator<{ step(): boolean; getSQL(): string; free(): boolean }> { getRemainingSQL(): string }

const NAME = String.raw`("(?:[^"]|"")*"|\[[^\]]*\]|` + '`(?:[^`]|``)*`' + String.raw`|[\w$]+)`;
const CREATE = new RegExp(String.raw`^\s*CREATE\s+(?:UNIQUE\s+)?(?:TEMP(?:ORARY)?\s+)?(?:VIRTUAL\s+)?(TABLE|INDEX|VIEW|TRIGGER)\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:${NAME}\s*\.\s*)?${NAME}`, 'i');

/** A name as SQLite reads it: "a""b", [a b], `a` → unquoted. */
function unquote(name: string): string {
  const q = name[0];
  if (q === '"' || q === '`') return name.slice(1, -1).replaceAll(q + q, q);
  if (q === '[') return name.slice(1, -1);
  return name;
}

export async function readSqliteSchema(text: string, file: string): Promise<DatabaseSchema> {
  await loadParser('sqlite');
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  try {
    const offsets = runStatements(db, text, file);
    const lines = new LineIndex(text);
    const rows = (sql: string) => (db.exec(sql)[0]?.values ?? []) as (string | number | null)[][];
    const quoted = (name: string) => `'${name.replaceAll("'", "''")}'`;
    const master = rows("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY rowid");
    const lineOf = (type: string, name: string) => {
      const offset = offsets.get(`${type}:${name.toLowerCase()}`);
      return offset === undefined ? undefined : lines.line(offset);
    };
    const tables: TableDef[] = [];
    const views: ViewDef[] = [];
    const uniqueDefs = new Map<TableDef, WrittenUnique[]>();
    for (const [type, name, , sql] of master) {
      if (type === 'table') {
        const read = readTable(String(name), String(sql ?? ''), offsets.get(`table:${String(name).toLowerCase()}`), lines, rows, quoted);
        tables.push(read.table);
        uniqueDefs.set(read.table, read.uniques);
      }
      if (type === 'view') {
        const definition = /\bAS\b([\s\S]*)$/i.exec(String(sql))?.[1]?.replace(/\/\*[\s\S]*?\*\/\s*$/, '').trim();
        const line = lineOf('view', String(name));
        views.push({ name: String(name), reads: definition ? viewReads('sqlite', definition) : [], materialized: false, ...(definition ? { definition } : {}), ...(line ? { line } : {}) });
      }
    }
    const byName = new Map(tables.map((t) => [t.name, t]));
    for (const [type, name, tableName, sql] of master) {
      const table = byName.get(String(tableName));
      if (!table) continue;
      const line = lineOf(String(type), String(name));
      if (type === 'trigger') {
        const m = /\b(BEFORE|AFTER|INSTEAD\s+OF)\s+(INSERT|UPDATE|DELETE)(?:\s+OF\s+([\s\S]*?))?\s+ON\s/i.exec(String(sql));
        const columns = m?.[3] ? splitTopLevel(m[3]).map(unquote) : [];
        table.triggers.push({ name: String(name), ...(m ? { timing: `${m[1]!.toUpperCase().replace(/\s+/, ' ')} ${m[2]!.toUpperCase()}` } : {}), columns, ...(line ? { line } : {}) });
      }
    }
    for (const table of tables) readIndexes(table, uniqueDefs.get(table)!, rows, quoted, (name) => lineOf('index', name), master);
    return schemaOf('sqlite', 'sqlite', file, tables, { views });
  } finally {
    db.close();
  }
}

/**
 * Runs every statement; returns where each CREATE starts in the text (`table:name`). SQLite's own
 * tables (`CREATE TABLE sqlite_sequence`, which .schema prints) cannot be created and are skipped.
 */
function runStatements(db: Database, text: string, file: string): Map<string, number> {
  const offsets = new Map<string, number>();
  const lines = new LineIndex(text);
  // Blanked, keeping offsets: SQLite refuses to create its own tables even where the statement is read.
  text = text.replace(/CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?["`[]?sqlite_\w+["`\]]?\s*\([^;]*\);/gi, (m) => m.replace(/[^\n]/g, ' '));
  // No rollback journal: every CREATE would otherwise copy the growing schema (3x slower at 1,000 tables).
  db.run('PRAGMA journal_mode = OFF');
  const iterator = db.iterateStatements(text) as unknown as Statements;
  let cursor = 0;
  for (;;) {
    let next: IteratorResult<{ step(): boolean; getSQL(): string; free(): boolean }>;
    try {
      next = iterator.next();
    } catch (err) {
      const remaining = iterator.getRemainingSQL();
      const at = text.length - remaining.trimStart().length;
      throw unreadable(file, lines.line(at), `SQLite cannot read this: ${err instanceof Error ? err.message : String(err)}`, EXPECTED);
    }
    if (next.done) break;
    const statement = next.value;
    const sql = statement.getSQL();
    const found = text.indexOf(sql, cursor);
    // The statement's text starts with the blanks and comments before it.
    const offset = (found >= 0 ? found : cursor) + /^(\s|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/.exec(sql)![0].length;
    if (found >= 0) cursor = found + sql.length;
    const created = CREATE.exec(sql);
    try {
      statement.step();
    } catch (err) {
      throw unreadable(file, lines.line(offset), `SQLite cannot run this: ${err instanceof Error ? err.message : String(err)}`, EXPECTED);
    } finally {
      statement.free();
    }
    if (created) offsets.set(`${created[1]!.toLowerCase()}:${unquote(created[3]!).toLowerCase()}`, offset);
  }
  return offsets;
}

/** A table's CREATE body split into its definitions, each with its offset in the body's statement. */
function definitions(sql: string): { text: string; offset: number }[] {
  const open = sql.indexOf('(');
  if (open < 0) return [];
  const out: { text: string; offset: number }[] = [];
  let depth = 0;
  let quote: string | undefined;
  let from = open + 1;
  for (let i = open + 1; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '[') quote = ']';
    else if (ch === '-' && sql[i + 1] === '-') i = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
    else if (ch === '(') depth++;
    else if ((ch === ',' && depth === 0) || (ch === ')' && depth-- === 0)) {
      const raw = sql.slice(from, i);
      const lead = raw.length - raw.replace(/^(\s|--[^\n]*\n)*/, '').length;
      if (raw.trim()) out.push({ text: raw.slice(lead).replace(/--[^\n]*/g, '').trim(), offset: from + lead });
      from = i + 1;
      if (ch === ')') break;
    }
  }
  return out;
}

/** The text inside the first parenthesis after `from` in `text`. */
function parenthesized(text: string, from: number): string | undefined {
  const open = text.indexOf('(', from);
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i).trim();
  }
  return undefined;
}

/** A UNIQUE constraint as the CREATE TABLE writes it (the pragmas give its columns, not its name or line). */
interface WrittenUnique { columns: string[]; name?: string; line?: number }

const TABLE_CONSTRAINT = /^(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN)\b/i;

function readTable(name: string, sql: string, offset: number | undefined, lines: LineIndex,
  rows: (sql: string) => (string | number | null)[][], quoted: (name: string) => string): { table: TableDef; uniques: WrittenUnique[] } {
  const line = (at: number) => (offset === undefined ? undefined : lines.line(offset + at));
  const table = newTable(name, line(0));
  const defs = definitions(sql);
  const columnDef = new Map<string, { text: string; offset: number }>();
  const uniques: WrittenUnique[] = [];
  for (const d of defs) {
    const first = /^("(?:[^"]|"")*"|\[[^\]]*\]|`(?:[^`]|``)*`|[\w$]+)/.exec(d.text)?.[1];
    const at = line(d.offset);
    if (first && !TABLE_CONSTRAINT.test(d.text)) {
      columnDef.set(unquote(first).toLowerCase(), d);
      if (/\bUNIQUE\b/i.test(d.text)) uniques.push({ columns: [unquote(first)], ...(at ? { line: at } : {}) });
    } else {
      const m = new RegExp(String.raw`^(?:CONSTRAINT\s+${NAME}\s+)?UNIQUE\s*\(`, 'i').exec(d.text);
      if (m) uniques.push({ columns: splitTopLevel(parenthesized(d.text, 0) ?? '').map(unquote), ...(m[1] ? { name: unquote(m[1]) } : {}), ...(at ? { line: at } : {}) });
    }
  }
  // cid, name, type, notnull, dflt_value, pk, hidden (2: virtual generated, 3: stored generated)
  const info = rows(`PRAGMA table_xinfo(${quoted(name)})`);
  const pk: [number, string][] = [];
  for (const [, colName, type, notnull, dflt, pkPos, hidden] of info) {
    const d = columnDef.get(String(colName).toLowerCase());
    const column: ColumnDef = newColumn(String(colName), String(type || 'BLOB'), d ? line(d.offset) : undefined);
    column.nullable = Number(notnull) === 0;
    if (dflt !== null) column.default = String(dflt);
    if (Number(hidden) >= 2 && d) {
      const as = /\bAS\s*\(/i.exec(d.text);
      const expression = as ? parenthesized(d.text, as.index) : undefined;
      if (expression) column.generated = { expression, stored: Number(hidden) === 3 };
    }
    if (Number(pkPos) > 0) pk.push([Number(pkPos), column.name]);
    table.columns.push(column);
  }
  table.primary_key = pk.sort((a, b) => a[0] - b[0]).map(([, c]) => c);
  // A single INTEGER PRIMARY KEY is the rowid: SQLite fills it.
  if (table.primary_key.length === 1) {
    const column = table.columns.find((c) => c.name === table.primary_key[0])!;
    if (column.type.toUpperCase() === 'INTEGER' && !/\bWITHOUT\s+ROWID\b/i.test(sql.slice(sql.lastIndexOf(')')))) column.identity = true;
  }
  for (const c of table.columns) if (table.primary_key.includes(c.name)) c.nullable = false;
  for (const d of defs) {
    for (const m of d.text.matchAll(/(?:\bCONSTRAINT\s+("(?:[^"]|"")*"|\[[^\]]*\]|`(?:[^`]|``)*`|[\w$]+)\s+)?\bCHECK\s*\(/gi)) {
      const expression = parenthesized(d.text, m.index);
      if (expression) table.checks.push({ ...(m[1] ? { name: unquote(m[1]) } : {}), expression, ...(line(d.offset) ? { line: line(d.offset)! } : {}) });
    }
  }
  // id, seq, table, from, to, on_update, on_delete, match: one row per column of each key.
  const keys = new Map<number, (string | number | null)[][]>();
  for (const row of rows(`PRAGMA foreign_key_list(${quoted(name)})`)) keys.set(Number(row[0]), [...(keys.get(Number(row[0])) ?? []), row]);
  for (const key of [...keys.keys()].sort((a, b) => b - a).map((id) => keys.get(id)!)) {
    key.sort((a, b) => Number(a[1]) - Number(b[1]));
    const columns = key.map((r) => String(r[3]));
    const at = defs.find((d) => new RegExp(String.raw`^FOREIGN\s+KEY\s*\(\s*["\`\[]?${columns[0]}\b`, 'i').test(d.text))
      ?? columnDef.get(columns[0]!.toLowerCase());
    const onDelete = String(key[0]![6]);
    const onUpdate = String(key[0]![5]);
    table.foreign_keys.push({
      columns, references: String(key[0]![2]), ref_columns: key.every((r) => r[4] !== null) ? key.map((r) => String(r[4])) : [],
      ...(onDelete !== 'NO ACTION' ? { on_delete: onDelete } : {}), ...(onUpdate !== 'NO ACTION' ? { on_update: onUpdate } : {}),
      ...(at && line(at.offset) ? { line: line(at.offset)! } : {}),
    });
  }
  return { table, uniques };
}

function readIndexes(table: TableDef, written: WrittenUnique[], rows: (sql: string) => (string | number | null)[][], quoted: (name: string) => string,
  lineOf: (name: string) => number | undefined, master: (string | number | null)[][]): void {
  const sqlOf = new Map(master.filter((m) => m[0] === 'index').map((m) => [String(m[1]), String(m[3] ?? '')]));
  // seq, name, unique, origin (c: CREATE INDEX, u: UNIQUE constraint, pk: PRIMARY KEY), partial
  for (const [, name, unique, origin, partial] of rows(`PRAGMA index_list(${quoted(table.name)})`).reverse()) {
    const indexName = String(name);
    const sql = sqlOf.get(indexName) ?? '';
    const listed = sql ? splitTopLevel(parenthesized(sql, sql.search(/\bON\b/i)) ?? '') : [];
    // seqno, cid, name, desc, coll, key: the key columns; cid -2 is an expression, read from the CREATE text.
    const columns = rows(`PRAGMA index_xinfo(${quoted(indexName)})`).filter((r) => Number(r[5]) === 1).map((r, i) => {
      if (r[2] !== null) return String(r[2]);
      const written = (listed[i] ?? '').replace(/\s+(ASC|DESC|COLLATE\s+\S+)\s*$/i, '').trim();
      return written.startsWith('(') ? written : `(${written})`;
    });
    const line = lineOf(indexName);
    if (origin === 'u') {
      const w = written.find((u) => u.columns.join() === columns.join());
      const at = w?.line ?? table.line;
      table.uniques.push({ columns, ...(w?.name ? { name: w.name } : {}), ...(at ? { line: at } : {}) });
      table.indexes.push({ name: indexName, columns, unique: true, constraint: true, ...(at ? { line: at } : {}) });
      continue;
    }
    if (origin === 'pk') {
      table.indexes.push({ name: indexName, columns, unique: true, constraint: true, ...(table.line ? { line: table.line } : {}) });
      continue;
    }
    const where = Number(partial) === 1 ? /\bWHERE\b([\s\S]*)$/i.exec(sql)?.[1] : undefined;
    table.indexes.push({
      name: indexName, columns, unique: Number(unique) === 1, constraint: false,
      ...(where ? { where: unwrapParens(where.replace(/;\s*$/, '')) } : {}), ...(line ? { line } : {}),
    });
  }
}
