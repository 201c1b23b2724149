/**
 * `--url mysql://…` (or mariadb://): the schema of the URL's database from information_schema, in a
 * read-only transaction with a statement time limit. Rows and bytes are the server's own estimates
 * (TABLES.TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH): no table is scanned. information_schema shows a user
 * only what it may see: triggers need the TRIGGER privilege and view definitions SHOW VIEW, so a user
 * with SELECT alone reads tables, keys and indexes but no triggers.
 */
import mysql from 'mysql2/promise';
import { PlanInputError } from '../errors.js';
import type { ColumnDef, DatabaseSchema, IndexDef, TableDef, ViewDef } from '../model/database.js';
import { viewReads, type LiveTarget } from './live-shared.js';

type Row = Record<string, unknown>;

const str = (v: unknown) => (v === null || v === undefined ? undefined : String(v));

/** `10.11.6-MariaDB-0+deb12u1` → mariadb 101106; `8.0.36` → mysql 80036. */
export function mysqlVersion(version: string): NonNullable<DatabaseSchema['version']> {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  const [major, minor, patch] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  const mariadb = /mariadb/i.test(version);
  return {
    text: m ? `${m[0]}${mariadb ? '-MariaDB' : ''}` : version,
    num: major * 10_000 + minor * 100 + patch,
    flavor: mariadb ? 'mariadb' : 'mysql',
  };
}

/** Types whose default MySQL's COLUMN_DEFAULT shows bare and DDL writes bare too. */
const BARE_DEFAULT = /^(tinyint|smallint|mediumint|int|integer|bigint|decimal|numeric|float|double|real|bit|bool|boolean)\b/i;

/**
 * COLUMN_DEFAULT as DDL writes it after DEFAULT. MariaDB (10.2.7+) already shows an SQL expression
 * (`'draft'`, `current_timestamp()`, `NULL`); MySQL shows the value, and marks an expression with
 * DEFAULT_GENERATED in EXTRA. `DEFAULT NULL` is no default.
 */
export function columnDefault(value: string | undefined, type: string, extra: string, flavor: 'mysql' | 'mariadb'): string | undefined {
  if (value === undefined) return undefined;
  if (flavor === 'mariadb') return value === 'NULL' ? undefined : value;
  if (/DEFAULT_GENERATED/i.test(extra)) return /^current_timestamp(\(\d*\))?$/i.test(value) ? value : `(${value})`;
  return BARE_DEFAULT.test(type) ? value : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** `VIRTUAL GENERATED`, `STORED GENERATED` (MySQL, MariaDB); `PERSISTENT GENERATED` is MariaDB's word for stored. */
function generatedKind(extra: string): 'virtual' | 'stored' | undefined {
  if (/\bVIRTUAL\b/i.test(extra)) return 'virtual';
  if (/\b(STORED|PERSISTENT)\b/i.test(extra)) return 'stored';
  return undefined;
}

/** Tables (`db`.`t`) and columns (`db`.`t`.`c`) a view definition names, for servers without VIEW_TABLE_USAGE. */
function namedIn(definition: string, database: string, tables: Set<string>): string[] {
  const out: string[] = [];
  const q = (s: string) => `\`${s.replace(/`/g, '``')}\``;
  const re = new RegExp(`${q(database).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\`((?:[^\`]|\`\`)+)\`(?:\\.\`((?:[^\`]|\`\`)+)\`)?`, 'g');
  for (const m of definition.matchAll(re)) {
    const table = m[1]!.replace(/``/g, '`');
    if (!tables.has(table)) continue;
    out.push(table);
    if (m[2]) out.push(`${table}.${m[2].replace(/``/g, '`')}`);
  }
  return out;
}

const ACTION_DEFAULT = new Set(['RESTRICT', 'NO ACTION']);

export async function readMysql(target: LiveTarget): Promise<DatabaseSchema> {
  const url = new URL(target.url);
  if (url.protocol === 'mariadb:') url.protocol = 'mysql:';
  const database = decodeURIComponent(url.pathname.slice(1));
  if (!database) {
    throw PlanInputError.single(`--url ${target.shown} names no database`, { hint: 'add it as the path: mysql://user@host:3306/DATABASE' });
  }
  const connection = await mysql.createConnection({
    uri: url.toString(), connectTimeout: target.timeoutMs, supportBigNumbers: true, bigNumberStrings: false, dateStrings: true, multipleStatements: false,
  });
  connection.on('error', () => undefined);
  target.signal.addEventListener('abort', () => connection.destroy(), { once: true });
  try {
    const query = async (sql: string, values: unknown[] = []) => (await connection.query(sql, values))[0] as Row[];
    const [{ version: versionText }] = await query('SELECT VERSION() AS version') as [{ version: string }];
    const version = mysqlVersion(versionText);
    const seconds = Math.max(1, Math.ceil(target.timeoutMs / 1000));
    await connection.query(version.flavor === 'mariadb' ? `SET SESSION max_statement_time = ${seconds}` : `SET SESSION max_execution_time = ${seconds * 1000}`);
    await connection.query(`SET SESSION lock_wait_timeout = ${seconds}`);
    await connection.query('SET SESSION TRANSACTION READ ONLY');
    await connection.query('START TRANSACTION READ ONLY');
    const here = [database];
    const tables = await query(`SELECT * FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`, here);
    const columns = await query(`SELECT * FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`, here);
    const statistics = await query(`SELECT * FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`, here);
    const constraints = await query(`SELECT * FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? ORDER BY TABLE_NAME, CONSTRAINT_NAME`, here);
    const keyColumns = await query(`SELECT * FROM information_schema.KEY_COLUMN_USAGE WHERE CONSTRAINT_SCHEMA = ? ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`, here);
    const referential = await query(`SELECT * FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?`, here);
    const has = async (table: string) => (await query(`SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = ?`, [table])).length > 0;
    const checks = await has('CHECK_CONSTRAINTS') ? await query(`SELECT * FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? ORDER BY CONSTRAINT_NAME`, here) : [];
    const triggers = await query(`SELECT * FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER, TRIGGER_NAME`, here);
    const views = await query(`SELECT * FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`, here);
    const viewUsage = await has('VIEW_TABLE_USAGE') ? await query(`SELECT * FROM information_schema.VIEW_TABLE_USAGE WHERE VIEW_SCHEMA = ?`, here) : undefined;
    await connection.query('ROLLBACK');

    const baseTables = tables.filter((t) => t.TABLE_TYPE === 'BASE TABLE');
    const names = new Set(baseTables.map((t) => String(t.TABLE_NAME)));
    // MySQL's CHECK_CONSTRAINTS has no TABLE_NAME (names are unique per schema there); MariaDB's has.
    const checkTable = new Map(constraints.filter((c) => c.CONSTRAINT_TYPE === 'CHECK').map((c) => [String(c.CONSTRAINT_NAME), String(c.TABLE_NAME)]));
    const rules = new Map(referential.map((r) => [`${r.TABLE_NAME}.${r.CONSTRAINT_NAME}`, r]));
    const keyColumnsOf = (table: string, name: string) => keyColumns.filter((k) => k.TABLE_NAME === table && k.CONSTRAINT_NAME === name);

    const tableDef = (t: Row): TableDef => {
      const name = String(t.TABLE_NAME);
      const own = (rows: Row[]) => rows.filter((r) => r.TABLE_NAME === name);
      const cons = own(constraints);
      const indexNames = [...new Set(own(statistics).map((s) => String(s.INDEX_NAME)))];
      const constraintIndexes = new Set(cons.filter((c) => c.CONSTRAINT_TYPE === 'PRIMARY KEY' || c.CONSTRAINT_TYPE === 'UNIQUE').map((c) => String(c.CONSTRAINT_NAME)));
      const comment = str(t.TABLE_COMMENT);
      return {
        name,
        columns: own(columns).map((c): ColumnDef => {
          const type = String(c.COLUMN_TYPE);
          const extra = String(c.EXTRA ?? '');
          const generated = generatedKind(extra);
          const def = generated ? undefined : columnDefault(str(c.COLUMN_DEFAULT), type, extra, version.flavor!);
          return {
            name: String(c.COLUMN_NAME),
            type,
            nullable: c.IS_NULLABLE === 'YES',
            ...(def !== undefined ? { default: def } : {}),
            ...(generated ? { generated: { expression: String(c.GENERATION_EXPRESSION ?? ''), stored: generated === 'stored' } } : {}),
            identity: /auto_increment/i.test(extra),
            ...(c.COLUMN_COMMENT ? { comment: String(c.COLUMN_COMMENT) } : {}),
          };
        }),
        primary_key: keyColumnsOf(name, 'PRIMARY').map((k) => String(k.COLUMN_NAME)),
        foreign_keys: cons.filter((c) => c.CONSTRAINT_TYPE === 'FOREIGN KEY').map((c) => {
          const keys = keyColumnsOf(name, String(c.CONSTRAINT_NAME));
          const rule = rules.get(`${name}.${c.CONSTRAINT_NAME}`);
          const onDelete = str(rule?.DELETE_RULE);
          const onUpdate = str(rule?.UPDATE_RULE);
          return {
            name: String(c.CONSTRAINT_NAME),
            columns: keys.map((k) => String(k.COLUMN_NAME)),
            references: String(keys[0]?.REFERENCED_TABLE_NAME ?? rule?.REFERENCED_TABLE_NAME),
            ref_columns: keys.map((k) => String(k.REFERENCED_COLUMN_NAME)),
            ...(onDelete && !ACTION_DEFAULT.has(onDelete) ? { on_delete: onDelete } : {}),
            ...(onUpdate && !ACTION_DEFAULT.has(onUpdate) ? { on_update: onUpdate } : {}),
          };
        }),
        uniques: cons.filter((c) => c.CONSTRAINT_TYPE === 'UNIQUE').map((c) => ({
          name: String(c.CONSTRAINT_NAME), columns: keyColumnsOf(name, String(c.CONSTRAINT_NAME)).map((k) => String(k.COLUMN_NAME)),
        })),
        indexes: indexNames.map((index): IndexDef => {
          const parts = own(statistics).filter((s) => s.INDEX_NAME === index);
          const method = String(parts[0]!.INDEX_TYPE ?? 'BTREE').toLowerCase();
          return {
            name: index,
            // MySQL 8's functional key parts have no COLUMN_NAME but an EXPRESSION.
            columns: parts.map((s) => (s.COLUMN_NAME !== null && s.COLUMN_NAME !== undefined ? String(s.COLUMN_NAME) : `(${String(s.EXPRESSION)})`)),
            unique: Number(parts[0]!.NON_UNIQUE) === 0,
            ...(method !== 'btree' ? { method } : {}),
            constraint: constraintIndexes.has(index),
          };
        }),
        checks: checks.filter((c) => (c.TABLE_NAME ?? checkTable.get(String(c.CONSTRAINT_NAME))) === name)
          .map((c) => ({ name: String(c.CONSTRAINT_NAME), expression: String(c.CHECK_CLAUSE) })),
        triggers: triggers.filter((tr) => tr.EVENT_OBJECT_TABLE === name)
          .map((tr) => ({ name: String(tr.TRIGGER_NAME), timing: `${tr.ACTION_TIMING} ${tr.EVENT_MANIPULATION}`, columns: [] })),
        ...(comment ? { comment } : {}),
        // InnoDB's estimate, from its sampled statistics: never a scan.
        ...(t.TABLE_ROWS !== null && t.TABLE_ROWS !== undefined ? { rows: Number(t.TABLE_ROWS) } : {}),
        ...(t.DATA_LENGTH !== null && t.DATA_LENGTH !== undefined ? { bytes: Number(t.DATA_LENGTH) + Number(t.INDEX_LENGTH ?? 0) } : {}),
      };
    };

    const viewDef = (v: Row): ViewDef => {
      const name = String(v.TABLE_NAME);
      const definition = str(v.VIEW_DEFINITION);
      const reads = viewUsage
        ? viewUsage.filter((u) => u.VIEW_NAME === name && u.TABLE_SCHEMA === database).map((u) => String(u.TABLE_NAME))
        : namedIn(definition ?? '', database, new Set([...names, ...views.map((w) => String(w.TABLE_NAME))]));
      return { name, reads: viewReads(reads), ...(definition ? { definition } : {}), materialized: false };
    };

    return {
      engine: 'mysql',
      version,
      source: { kind: 'live', file: target.shown },
      tables: baseTables.map(tableDef),
      views: views.map(viewDef),
    };
  } finally {
    connection.destroy();
  }
}
