/**
 * MySQL and MariaDB: a throwaway database on the server at `--url`, reached with mysql2, described from
 * information_schema. DDL commits by itself there, so a failed migration can leave half its DDL behind:
 * the rehearsal shows it as it would happen.
 */
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { quoteName, throwawayName, type Driver, type Session } from './driver.js';
import { hashRows, type Snapshot } from './snapshot.js';

const OPTIONS = { multipleStatements: false, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true } as const;

export async function openMysql(url: string): Promise<Driver> {
  const connection = await mysql.createConnection({ uri: url, ...OPTIONS });
  const name = throwawayName(randomBytes(4).toString('hex'));
  await connection.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4`);
  await connection.query(`USE ${name}`);
  const query = async (sql: string) => (await connection.query({ sql, rowsAsArray: true }))[0] as unknown[][];
  return {
    engine: 'mysql',
    async run(sql) {
      const [result] = await connection.query(sql);
      return Array.isArray(result) ? result.length : (result as { affectedRows: number }).affectedRows;
    },
    query,
    snapshot: () => snapshotMysql(query),
    async openSession(): Promise<Session> {
      const other = await mysql.createConnection({ uri: url, ...OPTIONS });
      await other.query(`USE ${name}`);
      return {
        async run(sql) {
          const [result] = await other.query(sql);
          return Array.isArray(result) ? result.length : (result as { affectedRows: number }).affectedRows;
        },
        query: async (sql) => (await other.query({ sql, rowsAsArray: true }))[0] as unknown[][],
        close: () => other.end(),
      };
    },
    async close(keep) {
      if (!keep) await connection.query(`DROP DATABASE IF EXISTS ${name}`);
      await connection.end();
      const target = new URL(url);
      target.pathname = `/${name}`;
      return keep ? `the database is kept: ${target.toString()}` : undefined;
    },
  };
}

const HERE = 'TABLE_SCHEMA = DATABASE()';

/** Each query returns rows of [key, description]. */
const CATALOG: string[] = [
  `SELECT CONCAT('table ', TABLE_NAME), CONCAT_WS(' ', TABLE_TYPE, CONCAT('comment ', QUOTE(NULLIF(TABLE_COMMENT, '')))) FROM information_schema.TABLES WHERE ${HERE}`,
  `SELECT CONCAT('column ', TABLE_NAME, '.', COLUMN_NAME),
          CONCAT_WS(' ', COLUMN_TYPE, IF(IS_NULLABLE = 'YES', 'null', 'not null'), CONCAT('default ', COLUMN_DEFAULT), NULLIF(EXTRA, ''),
                    CONCAT('as ', NULLIF(GENERATION_EXPRESSION, '')), CONCAT('comment ', QUOTE(NULLIF(COLUMN_COMMENT, ''))))
     FROM information_schema.COLUMNS WHERE ${HERE}`,
  `SELECT CONCAT('index ', TABLE_NAME, '.', INDEX_NAME),
          CONCAT('(', GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR ', '), ')', IF(NON_UNIQUE = 0, ' unique', ''), ' ', INDEX_TYPE)
     FROM information_schema.STATISTICS WHERE ${HERE} GROUP BY TABLE_NAME, INDEX_NAME, NON_UNIQUE, INDEX_TYPE`,
  `SELECT CONCAT('constraint ', t.TABLE_NAME, '.', t.CONSTRAINT_NAME), CONCAT_WS(' ', t.CONSTRAINT_TYPE, c.CHECK_CLAUSE)
     FROM information_schema.TABLE_CONSTRAINTS t
     LEFT JOIN information_schema.CHECK_CONSTRAINTS c ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME
    WHERE t.CONSTRAINT_SCHEMA = DATABASE()`,
  `SELECT CONCAT('view ', TABLE_NAME), VIEW_DEFINITION FROM information_schema.VIEWS WHERE ${HERE}`,
  `SELECT CONCAT('trigger ', EVENT_OBJECT_TABLE, '.', TRIGGER_NAME), CONCAT_WS(' ', ACTION_TIMING, EVENT_MANIPULATION, ACTION_STATEMENT)
     FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()`,
];

async function snapshotMysql(query: (sql: string) => Promise<unknown[][]>): Promise<Snapshot> {
  const snapshot: Snapshot = {};
  for (const sql of CATALOG) for (const [key, value] of await query(sql)) snapshot[String(key)] = String(value);
  const tables = Object.entries(snapshot).filter(([k, v]) => k.startsWith('table ') && v.startsWith('BASE TABLE')).map(([k]) => k.slice('table '.length));
  for (const table of tables) snapshot[`rows ${table}`] = hashRows(await query(`SELECT * FROM ${quoteName('mysql', table)}`));
  return snapshot;
}
