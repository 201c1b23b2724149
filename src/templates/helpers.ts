/**
 * Handlebars helpers shared by every migration template, every tracker dialect, and a user's own
 * dialect (`plan export --template`). Plan templates emit YAML, so anything that is not a validated
 * identifier goes through `yaml`; dialects emit shell, so every value goes through `sh`.
 */
import type { HelperDelegate } from 'handlebars';
import { shellQuote } from '../export/shell.js';
import { volumePlan } from './volume.js';

type Options = { hash: Record<string, unknown>; data?: unknown; fn?: (ctx: unknown) => string };
/** Handlebars passes its options object last; helpers that take any number of arguments drop it. */
const args = (a: unknown[]): unknown[] => a.slice(0, -1);

/** Reserved words that must be quoted as identifiers (the common subset of the engines we emit). */
const RESERVED = new Set(['user', 'order', 'group', 'table', 'select', 'where', 'from', 'to', 'limit', 'offset',
  'index', 'key', 'primary', 'references', 'check', 'default', 'column', 'constraint', 'desc', 'asc', 'end', 'role']);

/** Identifier as the engine writes it: bare when safe, quoted when it is a reserved word. */
export function quoteIdentifier(name: string, db: string): string {
  if (db === 'mongodb' || !RESERVED.has(name.toLowerCase())) return name;
  return db === 'mysql' ? `\`${name}\`` : `"${name}"`;
}

/** PostgreSQL truncates identifiers at 63 bytes; keep generated names within it. */
export function indexName(table: string, column: string): string {
  return `idx_${table}_${column}`.slice(0, 63);
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvField(value: unknown): string {
  const s = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Where each migration framework keeps a migration, and how it is applied (seed 004's file conventions). */
const FRAMEWORKS: Record<string, { file: (n: string, name: string, app: string, db: string) => string; apply: (db: string) => string; noTransaction: string }> = {
  // Plain files are SQL, except for MongoDB, whose migrations are mongosh scripts.
  sql: { file: (n, name, _app, db) => `migrations/${n}_${name}.${db === 'mongodb' ? 'js' : 'sql'}`,
    apply: (db) => ({ postgres: 'psql -v ON_ERROR_STOP=1 -f FILE', mysql: 'mysql < FILE', sqlite: 'sqlite3 app.db < FILE', mongodb: 'mongosh FILE' })[db] ?? 'FILE',
    noTransaction: 'run this file on its own, without BEGIN/COMMIT around it' },
  prisma: { file: (n, name) => `prisma/migrations/${n}_${name}/migration.sql`, apply: () => 'npx prisma migrate deploy',
    noTransaction: 'put it in a migration of its own: a statement that cannot run in a transaction must be alone in migration.sql' },
  django: { file: (n, name, app) => `apps/${app}/migrations/${n.padStart(4, '0')}_${name}.py`, apply: () => 'python manage.py migrate',
    noTransaction: 'set atomic = False on the Migration class (AddIndexConcurrently for indexes)' },
  alembic: { file: (n, name) => `alembic/versions/${n}_${name}.py`, apply: () => 'alembic upgrade head',
    noTransaction: 'wrap it in `with op.get_context().autocommit_block():`' },
  knex: { file: (n, name) => `migrations/${n}_${name}.js`, apply: () => 'npx knex migrate:latest',
    noTransaction: 'export `config = { transaction: false }` from the migration' },
};

export function migrationFile(framework: string, ordinal: string, name: string, db = 'postgres', app = 'core'): string {
  const fw = FRAMEWORKS[framework];
  if (!fw) throw new Error(`unknown framework "${framework}"`);
  return fw.file(ordinal, name, app, db);
}

/** SQL type → the BSON type MongoDB's $convert takes; unknown types stay strings. */
const BSON_TYPES: Record<string, string> = { bigint: 'long', int8: 'long', integer: 'int', int: 'int', int4: 'int', smallint: 'int',
  numeric: 'decimal', decimal: 'decimal', real: 'double', double: 'double', float: 'double', boolean: 'bool', bool: 'bool',
  timestamp: 'date', timestamptz: 'date', date: 'date', datetime: 'date', text: 'string', varchar: 'string', uuid: 'string' };

export function bsonType(sqlType: string): string {
  return BSON_TYPES[sqlType.toLowerCase().replace(/\(.*$/, '').trim()] ?? 'string';
}

export const helpers: Record<string, HelperDelegate> = {
  /**
   * What the table's size decides (./volume.ts): `(volume rows db "batchSize")`, `"pauseMs"`, `"estimate"`,
   * `"reason"`, `"onlineTool"` (empty unless MySQL needs gh-ost), `"volume"` (small, medium, large).
   */
  volume: (rows: number, db: string, field: string) => {
    const plan = volumePlan(rows, db);
    if (!(field in plan)) throw new Error(`volume: no field "${field}" (one of ${Object.keys(plan).join(', ')})`);
    return plan[field as keyof typeof plan] ?? '';
  },
  /** `(bson_type "bigint")` → long: the target of MongoDB's $convert for an SQL type. */
  bson_type: (sqlType: string) => bsonType(sqlType),
  /** `(migration_file framework "002" "backfill_tenant_id")`: the path the framework expects. */
  migration_file: (framework: string, ordinal: string, name: string, options: Options) =>
    migrationFile(framework, ordinal, name, String((options.data as { root?: { db?: unknown } } | undefined)?.root?.db ?? 'postgres')),
  /** How the framework runs a step that must not be inside a transaction. */
  no_transaction: (framework: string) => FRAMEWORKS[framework]!.noTransaction,
  /** How the framework applies migrations, with the file in place of FILE. */
  apply_command: (framework: string, db: string, file: string) => FRAMEWORKS[framework]!.apply(db).replace('FILE', file),
  /**
   * Shell-quotes a value: `{{sh title}}`. As a block, quotes what the block renders:
   * `{{#sh}}{{> taskwarrior/record}}{{/sh}}`.
   */
  sh: function (this: unknown, ...a: unknown[]) {
    const options = a[a.length - 1] as Options;
    return shellQuote(a.length === 1 && options.fn ? options.fn(this) : String(a[0]));
  } as HelperDelegate,
  json: (value: unknown) => JSON.stringify(value),
  /** One CSV row; array arguments spread into several fields. */
  csv_row: (...a: unknown[]) => args(a).flat().map(csvField).join(','),
  /** `(pick priority "critical=H,high=H,medium=M,low=L")`: a value mapped by a small table. */
  pick: (value: unknown, table: string) => {
    const entry = table.split(',').map((kv) => kv.split('=')).find(([k]) => k === String(value));
    if (!entry) throw new Error(`pick: no entry for "${String(value)}" in "${table}"`);
    return entry[1];
  },
  /** `(pad list n)`: the list, filled with empty strings up to n items (CSV columns that repeat). */
  pad: (items: unknown[], n: number) => [...items, ...Array(Math.max(0, n - items.length)).fill('')],
  /** `(repeat "Labels" n)`: n copies (CSV headers that repeat). */
  repeat: (value: unknown, n: number) => Array(n).fill(value),
  /** `(lines list)`: the items joined by line breaks (a string literal cannot hold one). */
  lines: (items: unknown[]) => items.join('\n'),
  /** `(record key=value …)`: an object, usually for `json`. */
  record: (options: Options) => ({ ...options.hash }),
  /** `(append list "x")`: a new list with items added at the end. */
  append: (items: unknown[], ...rest: unknown[]) => [...items, ...args(rest)],
  /** Items without a comma: for trackers whose list flags split on commas (the rest go in the body). */
  no_commas: (items: string[]) => items.filter((i) => !i.includes(',')),
  /** A YAML-safe scalar or flow sequence (JSON is valid YAML). */
  yaml: (value: unknown) =>
    Array.isArray(value) ? `[${value.map((v) => JSON.stringify(v)).join(', ')}]` : JSON.stringify(value),
  list: (...a: unknown[]) => args(a),
  concat: (...a: unknown[]) => args(a).join(''),
  join: (items: unknown[], separator: unknown) => items.join(typeof separator === 'string' ? separator : ', '),
  eq: (a: unknown, b: unknown) => a === b,
  ne: (a: unknown, b: unknown) => a !== b,
  gt: (a: number, b: number) => a > b,
  not: (a: unknown) => !a,
  and: (...a: unknown[]) => args(a).every(Boolean),
  /** The first truthy argument (or false): a condition, and a default value, `(or part "in-place")`. */
  or: (...a: unknown[]) => args(a).find(Boolean) ?? false,
  len: (items: unknown[]) => items.length,
  /** `(when cond value)`: value if cond, else the empty string. */
  when: (cond: unknown, value: unknown) => (cond ? value : ''),
  ident: (name: string, db: string) => quoteIdentifier(name, db),
  index_name: (table: string, column: string) => indexName(table, column),
  /**
   * Ids of a task that fans out per table: `(fan_ids "T4" tables true)` → T4.users, T4.orders;
   * without fan-out, just the id.
   */
  fan_ids: (id: string, tables: string[], fanOut: boolean) => (fanOut ? tables.map((t) => `${id}.${t}`) : [id]),
  /** Labels are lowercase words: `phase-c`, `backfill`. */
  label: (value: string) => value.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^-+|-+$/g, ''),
  /** Block for the current table in a fan-out, or the whole list otherwise; keeps partials free of branches. */
  each_target: function (this: unknown, tables: string[], fanOut: boolean, options: Options & { fn: (ctx: unknown, o?: unknown) => string }) {
    const groups = fanOut ? tables.map((t) => [t]) : [tables];
    return groups.map((group) => options.fn({ ...(this as object), targets: group, suffix: fanOut ? `.${group[0]}` : '' })).join('');
  } as HelperDelegate,
};
