/**
 * `--url mysql://…` (or mariadb://): the schema of the URL's database from information_schema, in a
 * read-only transaction with a statement time limit. Rows and bytes are the server's own estimates
 * (TABLES.TABLE_ROWS, DATA_LENGTH + INDEX_LENGTH): no table is scanned. information_schema shows a user
 * only what it may see: keys are read from what SELECT alone shows (KEY_COLUMN_USAGE, STATISTICS; a
 * foreign key's ON DELETE/UPDATE from SHOW CREATE TABLE when REFERENTIAL_CONSTRAINTS hides it), but
 * triggers need the TRIGGER privilege and view definitions SHOW VIEW: what stays hidden is reported as a gap.
 */
import mysql from 'mysql2/promise';
import { PlanInputError } from '../errors.js';
import type { ColumnDef, DatabaseSchema, IndexDef, TableDef, ViewDef } from '../model/database.js';
import { viewReads, type LiveRead, type LiveTarget } from './live-shared.js';

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

/** RESTRICT is MySQL's default (SHOW CREATE TABLE leaves it out) and NO ACTION means the same there. */
const ACTION_DEFAULT = new Set(['RESTRICT', 'NO ACTION']);

/** The user as information_schema's GRANTEE column spells it: `'reader'@'localhost'`. */
const GRANTEE = `CONCAT("'", SUBSTRING_INDEX(CURRENT_USER(), '@', 1), "'@'", SUBSTRING_INDEX(CURRENT_USER(), '@', -1), "'")`;

/** A key part: its column, or (MySQL 8's functional key parts) its expression in parentheses. */
const partName = (s: Row) => (s.COLUMN_NAME !== null && s.COLUMN_NAME !== undefined ? String(s.COLUMN_NAME) : `(${String(s.EXPRESSION)})`);

/** Each foreign key's ON DELETE / ON UPDATE, from SHOW CREATE TABLE's `CONSTRAINT \`name\` FOREIGN KEY … REFERENCES …` lines. */
export function foreignKeyRules(createTable: string): Map<string, { onDelete?: string; onUpdate?: string }> {
  const out = new Map<string, { onDelete?: string; onUpdate?: string }>();
  for (const m of createTable.matchAll(/CONSTRAINT `((?:[^`]|``)+)` FOREIGN KEY [^\n]*?REFERENCES [^\n]*?\)((?: ON (?:DELETE|UPDATE) (?:CASCADE|SET NULL|SET DEFAULT|RESTRICT|NO ACTION))*)/g)) {
    const actions = m[2]!;
    out.set(m[1]!.replace(/``/g, '`'), {
      onDelete: /ON DELETE (CASCADE|SET NULL|SET DEFAULT|RESTRICT|NO ACTION)/.exec(actions)?.[1] ?? 'RESTRICT',
      onUpdate: /ON UPDATE (CASCADE|SET NULL|SET DEFAULT|RESTRICT|NO ACTION)/.exec(actions)?.[1] ?? 'RESTRICT',
    });
  }
  return out;
}

export async function readMysql(target: LiveTarget): Promise<LiveRead> {
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
    // MySQL 8 caches TABLE_ROWS for a day by default: ask InnoDB for its current estimate instead.
    if (version.flavor === 'mysql' && version.num >= 80003) await connection.query('SET SESSION information_schema_stats_expiry = 0');
    await connection.query('SET SESSION TRANSACTION READ ONLY');
    await connection.query('START TRANSACTION READ ONLY');
    const here = [database];
    const tables = await query(`SELECT * FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`, here);
    const columns = await query(`SELECT * FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`, here);
    const statistics = await query(`SELECT * FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`, here);
    const constraints = await query(`SELECT * FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND CONSTRAINT_TYPE = 'CHECK'`, here);
    const keyColumns = await query(`SELECT * FROM information_schema.KEY_COLUMN_USAGE WHERE CONSTRAINT_SCHEMA = ? ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`, here);
    const referential = await query(`SELECT * FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?`, here);
    const has = async (table: string) => (await query(`SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = ?`, [table])).length > 0;
    const checks = await has('CHECK_CONSTRAINTS') ? await query(`SELECT * FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? ORDER BY CONSTRAINT_NAME`, here) : [];
    const triggers = await query(`SELECT * FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER, TRIGGER_NAME`, here);
    const views = await query(`SELECT * FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`, here);
    const viewUsage = await has('VIEW_TABLE_USAGE') ? await query(`SELECT * FROM information_schema.VIEW_TABLE_USAGE WHERE VIEW_SCHEMA = ?`, here) : undefined;
    // The grants information_schema lists for this user (global, on the database, on a table).
    const grants = new Set((await query(`SELECT PRIVILEGE_TYPE AS p FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ${GRANTEE}
      UNION SELECT PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ${GRANTEE} AND TABLE_SCHEMA = ?
      UNION SELECT PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = ${GRANTEE} AND TABLE_SCHEMA = ?`, [database, database])).map((r) => String(r.p)));
    // REFERENTIAL_CONSTRAINTS lists a foreign key only to a user with more than SELECT on its table (MariaDB);
    // SHOW CREATE TABLE needs SELECT alone.
    const ruleKey = (table: unknown, name: unknown) => `${table}.${name}`;
    const rules = new Map<string, { onDelete?: string; onUpdate?: string }>(
      referential.map((r) => [ruleKey(r.TABLE_NAME, r.CONSTRAINT_NAME), { onDelete: str(r.DELETE_RULE), onUpdate: str(r.UPDATE_RULE) }]));
    for (const table of new Set(keyColumns.filter((k) => k.REFERENCED_TABLE_NAME && !rules.has(ruleKey(k.TABLE_NAME, k.CONSTRAINT_NAME))).map((k) => String(k.TABLE_NAME)))) {
      const [[, create]] = (await connection.query({ sql: `SHOW CREATE TABLE \`${table.replace(/`/g, '``')}\``, rowsAsArray: true }))[0] as [[string, string]];
      for (const [name, rule] of foreignKeyRules(create)) rules.set(ruleKey(table, name), rule);
    }
    await connection.query('ROLLBACK');

    // In code-unit order, as PostgreSQL's catalog sorts names: the server's collation is the user's choice.
    const byName = (a: Row, b: Row) => (String(a.TABLE_NAME) < String(b.TABLE_NAME) ? -1 : String(a.TABLE_NAME) > String(b.TABLE_NAME) ? 1 : 0);
    // MariaDB's system-versioned tables are tables too (its sequences are not).
    const baseTables = tables.filter((t) => t.TABLE_TYPE === 'BASE TABLE' || t.TABLE_TYPE === 'SYSTEM VERSIONED').sort(byName);
    const names = new Set(baseTables.map((t) => String(t.TABLE_NAME)));
    // MySQL's CHECK_CONSTRAINTS has no TABLE_NAME (names are unique per schema there); MariaDB's has.
    const checkTable = new Map(constraints.map((c) => [String(c.CONSTRAINT_NAME), String(c.TABLE_NAME)]));
    const keyColumnsOf = (table: string, name: string) => keyColumns.filter((k) => k.TABLE_NAME === table && k.CONSTRAINT_NAME === name);
    const gaps: string[] = [];
    if (!grants.has('TRIGGER') && !grants.has('ALL PRIVILEGES')) {
      gaps.push(`triggers: this user lacks the TRIGGER privilege on ${database}, so information_schema shows none; the schema lists none`);
    }

    const tableDef = (t: Row): TableDef => {
      const name = String(t.TABLE_NAME);
      const own = (rows: Row[]) => rows.filter((r) => r.TABLE_NAME === name);
      const indexes = [...new Set(own(statistics).map((s) => String(s.INDEX_NAME)))].map((index) => {
        const parts = own(statistics).filter((s) => s.INDEX_NAME === index);
        return { index, parts, unique: Number(parts[0]!.NON_UNIQUE) === 0 };
      });
      const foreignKeys = [...new Set(own(keyColumns).filter((k) => k.REFERENCED_TABLE_NAME).map((k) => String(k.CONSTRAINT_NAME)))];
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
        foreign_keys: foreignKeys.map((fk) => {
          const keys = keyColumnsOf(name, fk);
          const { onDelete, onUpdate } = rules.get(ruleKey(name, fk)) ?? {};
          return {
            name: fk,
            columns: keys.map((k) => String(k.COLUMN_NAME)),
            references: String(keys[0]!.REFERENCED_TABLE_NAME),
            ref_columns: keys.map((k) => String(k.REFERENCED_COLUMN_NAME)),
            ...(onDelete && !ACTION_DEFAULT.has(onDelete) ? { on_delete: onDelete } : {}),
            ...(onUpdate && !ACTION_DEFAULT.has(onUpdate) ? { on_update: onUpdate } : {}),
          };
        }),
        // A unique index is a unique constraint in MySQL: one object, listed by STATISTICS to any user with SELECT.
        uniques: indexes.filter((i) => i.unique && i.index !== 'PRIMARY').map((i) => ({ name: i.index, columns: i.parts.map(partName) })),
        indexes: indexes.map(({ index, parts, unique }): IndexDef => {
          const method = String(parts[0]!.INDEX_TYPE ?? 'BTREE').toLowerCase();
          return { name: index, columns: parts.map(partName), unique, ...(method !== 'btree' ? { method } : {}), constraint: unique };
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
      const definition = str(v.VIEW_DEFINITION) || undefined;
      if (!definition) gaps.push(`view ${name}: this user lacks the SHOW VIEW privilege, so its definition and the tables it reads are unknown`);
      const reads = viewUsage
        ? viewUsage.filter((u) => u.VIEW_NAME === name && u.TABLE_SCHEMA === database).map((u) => String(u.TABLE_NAME))
        : namedIn(definition ?? '', database, new Set([...names, ...views.map((w) => String(w.TABLE_NAME))]));
      return { name, reads: viewReads(reads), ...(definition ? { definition } : {}), materialized: false };
    };

    const schema: DatabaseSchema = {
      engine: 'mysql',
      version,
      source: { kind: 'live', file: target.shown },
      tables: baseTables.map(tableDef),
      views: [...views].sort(byName).map(viewDef),
    };
    return { schema, gaps };
  } finally {
    connection.destroy();
  }
}
