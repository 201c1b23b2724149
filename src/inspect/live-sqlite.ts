/**
 * `--url sqlite:///path/to.db` (or `file:path/to.db`): the schema of a SQLite file, from sqlite_master
 * and the table pragmas, run on a copy of the file's bytes in memory (sql.js): the file is opened for
 * reading only and nothing is ever written back. What the pragmas do not tell (generated columns'
 * expressions, CHECKs, trigger timing, partial-index predicates) is read from the CREATE statements
 * sqlite_master keeps. Rows come from sqlite_stat1 when ANALYZE has filled it; otherwise they are unknown.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import initSqlJs from 'sql.js';
import { PlanInputError } from '../errors.js';
import { describeFsError } from '../io/files.js';
import type { ColumnDef, DatabaseSchema, ForeignKeyDef, IndexDef, TableDef, ViewDef } from '../model/database.js';
import { unknownRows, viewReads, type LiveRead, type LiveTarget } from './live-shared.js';

/** sql.js holds the whole file in memory; a larger database is better read through `--schema` and `--stats`. */
export const MAX_SQLITE_BYTES = 1024 * 1024 * 1024;

/** `sqlite:///abs/x.db` → `/abs/x.db`; `sqlite:x.db`, `sqlite://x.db`, `file:x.db` → `x.db`; a query string is dropped. */
export function sqlitePath(url: string): string {
  const rest = url.replace(/^(sqlite|file):/i, '').replace(/[?#].*$/s, '');
  return decodeURIComponent(rest.startsWith('//') ? rest.slice(2) : rest);
}

/** The index of the `)` closing the `(` at `open`, skipping quoted text. */
function closing(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"' || ch === '`' || ch === '[') {
      const end = sql.indexOf(ch === '[' ? ']' : ch, i + 1);
      if (end < 0) return sql.length;
      i = end;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
  }
  return sql.length;
}

/** Splits on commas outside parentheses and quotes. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '(') i = closing(text, i);
    else if (ch === "'" || ch === '"' || ch === '`' || ch === '[') i = Math.max(i, text.indexOf(ch === '[' ? ']' : ch, i + 1));
    else if (ch === ',') {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out.filter(Boolean);
}

/** The text inside the parentheses that open at or after `from`. */
function parenthesized(sql: string, from: number): { inner: string; end: number } | undefined {
  const open = sql.indexOf('(', from);
  if (open < 0) return undefined;
  const end = closing(sql, open);
  return { inner: sql.slice(open + 1, end).trim(), end };
}

const unquote = (name: string) => name.replace(/^["`[]|["`\]]$/g, '');

/** The items of a CREATE TABLE's parenthesized body: column definitions and table constraints. */
function tableItems(sql: string): string[] {
  const body = parenthesized(sql, 0);
  return body ? splitTopLevel(body.inner) : [];
}

/** `[CONSTRAINT name] CHECK (expr)` anywhere in a table's definition (column or table level). */
function checksOf(sql: string): { name?: string; expression: string }[] {
  const out: { name?: string; expression: string }[] = [];
  for (const item of tableItems(sql)) {
    for (const m of item.matchAll(/(?:\bCONSTRAINT\s+("[^"]+"|`[^`]+`|\[[^\]]+\]|\w+)\s+)?\bCHECK\s*\(/gi)) {
      const p = parenthesized(item, m.index! + m[0].length - 1);
      if (p) out.push({ ...(m[1] ? { name: unquote(m[1]) } : {}), expression: p.inner });
    }
  }
  return out;
}

/** The expression of generated column `column` (`[GENERATED ALWAYS] AS (expr)`). */
function generatedExpression(sql: string, column: string): string | undefined {
  const item = tableItems(sql).find((i) => unquote(i.split(/\s+/)[0]!).toLowerCase() === column.toLowerCase());
  const m = item ? /\bAS\s*\(/i.exec(item) : null;
  return m ? parenthesized(item!, m.index + m[0].length - 1)?.inner : undefined;
}

/** A CREATE INDEX's key items and WHERE predicate. */
function indexParts(sql: string | null): { items: string[]; where?: string } {
  if (!sql) return { items: [] };
  const on = /\bON\s+/i.exec(sql);
  const p = on ? parenthesized(sql, on.index) : undefined;
  if (!p) return { items: [] };
  const where = /^\s*WHERE\s+([\s\S]*?)\s*;?\s*$/i.exec(sql.slice(p.end + 1))?.[1];
  return { items: splitTopLevel(p.inner), ...(where ? { where } : {}) };
}

/** `BEFORE UPDATE` and the columns of `UPDATE OF a, b`; SQLite's default timing is BEFORE. */
function triggerParts(sql: string): { timing?: string; columns: string[] } {
  const m = /\bTRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?\S+\s+(?:(BEFORE|AFTER|INSTEAD\s+OF)\s+)?(INSERT|DELETE|UPDATE)(?:\s+OF\s+([\s\S]+?))?\s+ON\s/i.exec(sql);
  if (!m) return { columns: [] };
  return {
    timing: `${(m[1] ?? 'BEFORE').toUpperCase().replace(/\s+/g, ' ')} ${m[2]!.toUpperCase()}`,
    columns: m[3] ? splitTopLevel(m[3]).map(unquote) : [],
  };
}

/** Tables a view's SELECT names after FROM or JOIN. */
function viewTables(sql: string, known: Set<string>): string[] {
  const out: string[] = [];
  for (const m of sql.matchAll(/\b(?:FROM|JOIN)\s+("[^"]+"|`[^`]+`|\[[^\]]+\]|[\w$]+)/gi)) {
    const name = unquote(m[1]!);
    if (known.has(name)) out.push(name);
  }
  return out;
}

/** The file header's "SQLite version number" (offset 96): the library that last wrote the file. */
function writerVersion(bytes: Uint8Array): NonNullable<DatabaseSchema['version']> {
  const num = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(96);
  return { text: `${Math.floor(num / 1_000_000)}.${Math.floor(num / 1000) % 1000}.${num % 1000}`, num };
}

function readBytes(file: string): Uint8Array {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (err) {
    throw PlanInputError.single(describeFsError(err, 'cannot read'), { location: { file }, hint: 'sqlite:///absolute/path.db, or sqlite:relative/path.db' });
  }
  if (size > MAX_SQLITE_BYTES) {
    throw PlanInputError.single(`the SQLite database is ${Math.round(size / 1024 / 1024)} MiB: too large to read in memory`, {
      location: { file }, hint: `pass its schema instead: sqlite3 -readonly ${file} .schema > schema.sql, then --schema schema.sql (and --stats for rows)`,
    });
  }
  const bytes = new Uint8Array(readFileSync(file));
  if (bytes.length < 100 || new TextDecoder().decode(bytes.subarray(0, 15)) !== 'SQLite format 3') {
    throw PlanInputError.single('is not a SQLite database (no "SQLite format 3" header)', { location: { file } });
  }
  // Write-ahead-log mode (header bytes 18 and 19 are 2): the main file lacks what the log holds.
  if (bytes[18] === 2 || bytes[19] === 2) {
    const wal = `${file}-wal`;
    if (existsSync(wal) && statSync(wal).size > 0) {
      throw PlanInputError.single('the database is in WAL mode and its log holds changes the file does not have yet', {
        location: { file }, hint: `checkpoint it first (sqlite3 ${file} 'PRAGMA wal_checkpoint(TRUNCATE)'), or read a copy made with .backup`,
      });
    }
    // The copy in memory is read as a rollback-journal database; the file itself is untouched.
    bytes[18] = 1;
    bytes[19] = 1;
  }
  return bytes;
}

type Value = string | number | null;

export async function readSqlite(target: LiveTarget): Promise<LiveRead> {
  const file = sqlitePath(target.url);
  const bytes = readBytes(file);
  const version = writerVersion(bytes);
  const SQL = await initSqlJs();
  const db = new SQL.Database(bytes);
  try {
    const rows = (sql: string): Record<string, Value>[] => {
      const result = db.exec(sql)[0];
      return result ? result.values.map((v) => Object.fromEntries(result.columns.map((c, i) => [c, v[i] as Value]))) : [];
    };
    const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
    const master = rows(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid`);
    const tables = master.filter((m) => m.type === 'table');
    const stats = new Map<string, number>();
    if (rows(`SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'`).length) {
      for (const s of rows('SELECT tbl, stat FROM sqlite_stat1')) {
        const n = Number(String(s.stat).split(' ')[0]);
        if (Number.isFinite(n)) stats.set(String(s.tbl), Math.max(stats.get(String(s.tbl)) ?? 0, n));
      }
    }
    const primaryKey = (table: string) => rows(`SELECT name FROM pragma_table_xinfo(${lit(table)}) WHERE pk > 0 ORDER BY pk`).map((r) => String(r.name));

    const tableDef = (t: Record<string, Value>): TableDef => {
      const name = String(t.name);
      const sql = String(t.sql ?? '');
      const xinfo = rows(`SELECT * FROM pragma_table_xinfo(${lit(name)}) ORDER BY cid`);
      const pk = xinfo.filter((c) => Number(c.pk) > 0).sort((a, b) => Number(a.pk) - Number(b.pk)).map((c) => String(c.name));
      // A lone INTEGER PRIMARY KEY is the rowid: SQLite fills it.
      const rowidAlias = pk.length === 1 && !/\bWITHOUT\s+ROWID\b/i.test(sql) ? pk[0] : undefined;
      // SQLite numbers a table's foreign keys from the last declared: DESC is the order of the CREATE TABLE.
      const keys = new Map<number, Record<string, Value>[]>();
      for (const k of rows(`SELECT * FROM pragma_foreign_key_list(${lit(name)}) ORDER BY id DESC, seq`)) keys.set(Number(k.id), [...(keys.get(Number(k.id)) ?? []), k]);
      const indexList = rows(`SELECT * FROM pragma_index_list(${lit(name)}) ORDER BY name`);
      const indexSql = new Map(master.filter((m) => m.type === 'index').map((m) => [String(m.name), m.sql as string | null]));
      return {
        name,
        columns: xinfo.filter((c) => Number(c.hidden) !== 1).map((c): ColumnDef => {
          // hidden: 2 a virtual generated column, 3 a stored one.
          const hidden = Number(c.hidden);
          const expression = hidden >= 2 ? generatedExpression(sql, String(c.name)) : undefined;
          return {
            name: String(c.name),
            type: String(c.type || 'BLOB'),
            nullable: Number(c.notnull) === 0 && !(c.name === rowidAlias && String(c.type).toUpperCase() === 'INTEGER'),
            ...(c.dflt_value !== null ? { default: String(c.dflt_value) } : {}),
            ...(expression !== undefined ? { generated: { expression, stored: hidden === 3 } } : {}),
            identity: c.name === rowidAlias && String(c.type).toUpperCase() === 'INTEGER',
          };
        }),
        primary_key: pk,
        foreign_keys: [...keys.values()].map((parts): ForeignKeyDef => {
          const references = String(parts[0]!.table);
          const to = parts.some((p) => p.to === null) ? primaryKey(references) : parts.map((p) => String(p.to));
          const onDelete = String(parts[0]!.on_delete);
          const onUpdate = String(parts[0]!.on_update);
          return {
            columns: parts.map((p) => String(p.from)), references, ref_columns: to,
            ...(onDelete !== 'NO ACTION' ? { on_delete: onDelete } : {}),
            ...(onUpdate !== 'NO ACTION' ? { on_update: onUpdate } : {}),
          };
        }),
        uniques: indexList.filter((i) => i.origin === 'u').map((i) => ({
          columns: rows(`SELECT name FROM pragma_index_info(${lit(String(i.name))}) ORDER BY seqno`).map((r) => String(r.name)),
        })),
        indexes: indexList.map((i): IndexDef => {
          const parts = indexParts(indexSql.get(String(i.name)) ?? null);
          const columns = rows(`SELECT * FROM pragma_index_xinfo(${lit(String(i.name))}) WHERE key = 1 ORDER BY seqno`)
            .map((k) => (k.name !== null ? String(k.name) : `(${parts.items[Number(k.seqno)] ?? 'expression'})`));
          return {
            name: String(i.name), columns, unique: Number(i.unique) === 1,
            ...(parts.where ? { where: parts.where } : {}),
            constraint: i.origin !== 'c',
          };
        }),
        checks: checksOf(sql),
        triggers: master.filter((m) => m.type === 'trigger' && m.tbl_name === name)
          .map((m) => ({ name: String(m.name), ...triggerParts(String(m.sql ?? '')) })),
        ...(stats.has(name) ? { rows: stats.get(name)! } : {}),
      };
    };

    const known = new Set(master.filter((m) => m.type === 'table' || m.type === 'view').map((m) => String(m.name)));
    const viewDef = (v: Record<string, Value>): ViewDef => {
      const definition = String(v.sql ?? '');
      return { name: String(v.name), reads: viewReads(viewTables(definition, known)), definition, materialized: false };
    };
    const schema: DatabaseSchema = {
      engine: 'sqlite',
      version,
      source: { kind: 'live', file: target.shown },
      tables: tables.map(tableDef),
      views: master.filter((m) => m.type === 'view').map(viewDef),
    };
    return { schema, gaps: unknownRows(schema.tables, stats.size ? 'empty, or created after the last ANALYZE' : 'ANALYZE never ran') };
  } finally {
    db.close();
  }
}
