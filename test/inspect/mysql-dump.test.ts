import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referencedBy } from '../../src/inspect/query.js';
import { detectKind } from '../../src/inspect/read.js';
import { mysqlDumpVersion, mysqlStatements, readMysqlDump } from '../../src/inspect/mysql-dump.js';
import { fixture } from '../helpers.js';
import { serverForBlock, startMariadb } from '../rehearse/servers.js';
import { chainUp, column, lineOf, readError, readText, table } from './expect.js';

/** Runs a MariaDB client program on the test server's socket. */
function mariadbTool(url: string, program: string, args: string[], input?: string): string {
  const socket = new URL(url).searchParams.get('socketPath')!;
  const r = spawnSync(program, ['-S', socket, '-uroot', ...args], { encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`${program} failed: ${r.stderr}`);
  return r.stdout;
}

describe('a real mariadb-dump --no-data of a fixture database (Debian MariaDB 10.11)', () => {
  const url = serverForBlock(startMariadb, (s) => s.stop());
  let dump = '';
  const read = async () => {
    if (!dump) {
      mariadbTool(url(), 'mariadb', ['-e', 'CREATE DATABASE fixture']);
      mariadbTool(url(), 'mariadb', ['fixture'], readFileSync(fixture('schema', 'fixture-mariadb.sql'), 'utf8'));
      dump = mariadbTool(url(), 'mariadb-dump', ['--no-data', 'fixture']);
    }
    return { dump, schema: await readText(dump, 'dump.sql') };
  };

  it('is recognised by its header, with the server version and flavor', async () => {
    const { dump, schema } = await read();
    expect(detectKind(dump, 'dump.sql', undefined)).toBe('mysqldump');
    expect(schema.engine).toBe('mysql');
    expect(schema.version).toMatchObject({ flavor: 'mariadb', text: expect.stringMatching(/^10\.11\.\d+-MariaDB$/) });
    expect(schema.version!.num).toBe(101100 + Number(schema.version!.text.split('.')[2]!.split('-')[0]));
    expect(schema.tables.map((t) => t.name).sort()).toEqual(['accounts', 'audit_events', 'comments', 'projects', 'tasks', 'users']);
  });

  it('reads columns: full types, NOT NULL, defaults, AUTO_INCREMENT, comments, generated, each at its line', async () => {
    const { dump, schema } = await read();
    const name = column(schema, 'accounts', 'name');
    expect(name).toMatchObject({ type: 'varchar(120)', nullable: false, default: "'unnamed'", comment: 'Display name, shown to members' });
    expect(lineOf(dump, name.line)).toMatch(/^\s+`name` varchar\(120\) NOT NULL/);
    expect(lineOf(dump, table(schema, 'accounts').line)).toBe('CREATE TABLE `accounts` (');
    expect(column(schema, 'accounts', 'id')).toMatchObject({ type: 'bigint(20) unsigned', identity: true, nullable: false });
    expect(column(schema, 'accounts', 'plan')).toMatchObject({ type: "enum('free','team','enterprise')", default: "'free'" });
    expect(column(schema, 'projects', 'budget')).toMatchObject({ type: 'decimal(12,2)', nullable: true });
    expect(column(schema, 'projects', 'budget').default).toBeUndefined();
    expect(column(schema, 'audit_events', 'at')).toMatchObject({ type: 'datetime(3)', default: 'current_timestamp(3)' });
    expect(column(schema, 'tasks', 'title_length').generated).toEqual({ expression: 'char_length(`title`)', stored: true });
    expect(table(schema, 'accounts').comment).toBe('Tenants');
  });

  it('reads a table the grammar cannot (a column with its own character set, INVISIBLE) definition by definition', async () => {
    const { schema } = await read();
    expect(column(schema, 'audit_events', 'legacy_code')).toMatchObject({ type: 'varchar(10) CHARACTER SET latin1 COLLATE latin1_swedish_ci', nullable: true });
    expect(table(schema, 'audit_events').primary_key).toEqual(['id']);
  });

  it('reads the same model with and without node-sql-parser', async () => {
    const { dump, schema } = await read();
    const fallback = await readMysqlDump(dump, schema.source.file, undefined, { parser: false });
    expect(fallback).toEqual(schema);
  });

  it('reads keys, foreign keys in both directions, unique and plain indexes, checks, triggers, views', async () => {
    const { dump, schema } = await read();
    expect(chainUp(schema, 'comments')).toEqual(['comments', 'tasks', 'projects', 'accounts']);
    expect(referencedBy(schema, 'tasks').map((r) => `${r.table.name}.${r.key.columns[0]}`).sort()).toEqual(['comments.task_id', 'tasks.parent_id']);
    const fk = table(schema, 'tasks').foreign_keys.find((k) => k.name === 'tasks_project_fk')!;
    expect(fk).toMatchObject({ columns: ['project_id'], references: 'projects', ref_columns: ['id'], on_delete: 'CASCADE' });
    expect(lineOf(dump, fk.line)).toContain('CONSTRAINT `tasks_project_fk` FOREIGN KEY');
    expect(table(schema, 'users').uniques).toEqual([expect.objectContaining({ name: 'users_email_key', columns: ['email'] })]);
    const index = table(schema, 'accounts').indexes.find((i) => i.name === 'accounts_name_idx')!;
    expect(index).toMatchObject({ columns: ['name'], unique: false, constraint: false });
    expect(lineOf(dump, index.line)).toContain('KEY `accounts_name_idx`');
    expect(table(schema, 'comments').indexes.find((i) => i.name === 'comments_task_created')!.columns).toEqual(['task_id', 'created_at']);
    expect(table(schema, 'comments').indexes.find((i) => i.name === 'comments_body_ft')!.method).toBe('fulltext');
    expect(table(schema, 'tasks').checks).toEqual([expect.objectContaining({ name: 'tasks_status_check', expression: "`status` in ('open','done')" })]);
    const trigger = table(schema, 'tasks').triggers[0]!;
    expect(trigger).toMatchObject({ name: 'tasks_touch', timing: 'BEFORE UPDATE' });
    expect(lineOf(dump, trigger.line)).toContain('TRIGGER tasks_touch BEFORE UPDATE ON tasks');
    expect(schema.views).toHaveLength(1);
    expect(schema.views[0]!.reads).toEqual(expect.arrayContaining(['tasks', 'projects', 'tasks.status', 'projects.title']));
  });
});

describe('mysqldump reader on hand-written input', () => {
  const header = '-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Server version\t8.0.36\n\n';

  it('reads MySQL 8 versions', () => {
    expect(mysqlDumpVersion(header)).toEqual({ text: '8.0.36', num: 80036, flavor: 'mysql' });
    expect(mysqlDumpVersion('-- MariaDB dump 10.19\n-- Server version\t10.11.6-MariaDB-0+deb12u1')).toEqual({ text: '10.11.6-MariaDB', num: 101106, flavor: 'mariadb' });
  });

  it('splits statements as the client does: conditional comments opened, DELIMITER honoured, quotes respected', () => {
    const statements = mysqlStatements("/*!40101 SET NAMES utf8mb4 */;\nSELECT 'a;b' /* ; */;\nDELIMITER ;;\nCREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW BEGIN SET @a = 1; END;;\nDELIMITER ;\nLOCK TABLES `t` WRITE;\n");
    expect(statements.map((s) => s.sql.trim().replace(/\s+/g, ' '))).toEqual([
      'SET NAMES utf8mb4', "SELECT 'a;b'", 'CREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW BEGIN SET @a = 1; END', 'LOCK TABLES `t` WRITE',
    ]);
  });

  it('reads keys written in every form, and column-level PRIMARY KEY / UNIQUE, on both paths', async () => {
    const text = `${header}CREATE TABLE \`orgs\` (
  \`id\` int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  \`code\` char(3) NOT NULL UNIQUE,
  \`score\` int DEFAULT -1 COMMENT 'it''s a score',
  \`name\` varchar(200) NOT NULL,
  \`flags\` bit(1) NOT NULL DEFAULT b'0',
  UNIQUE INDEX \`orgs_name\` (\`name\`(100)),
  INDEX (\`score\`)
) ENGINE=InnoDB;
`;
    for (const parser of [true, false]) {
      const schema = await readMysqlDump(text, 'x.sql', undefined, { parser });
      expect(column(schema, 'orgs', 'id')).toMatchObject({ identity: true, nullable: false, line: 6 });
      expect(table(schema, 'orgs').primary_key).toEqual(['id']);
      expect(column(schema, 'orgs', 'score')).toMatchObject({ default: '-1', comment: "it's a score" });
      expect(column(schema, 'orgs', 'flags')).toMatchObject({ type: 'bit(1)', default: "b'0'", nullable: false });
      expect(table(schema, 'orgs').uniques.map((u) => u.columns)).toEqual([['code'], ['name']]);
      expect(table(schema, 'orgs').indexes.find((i) => i.columns[0] === 'score')).toMatchObject({ unique: false, line: 12 });
    }
  });

  it('a definition it cannot read is a located exit-2 error', async () => {
    const err = await readError(`${header}CREATE TABLE t (\n  \`a\` int,\n  = 5\n);\n`, 'bad.sql', 'mysql');
    expect(err.details[0]!.location?.line).toBe(7);
    expect(err.details[0]!.hint).toContain('mysqldump --no-data');
  });

  it('a file with no CREATE TABLE is no schema', async () => {
    const err = await readError(`${header}SET NAMES utf8mb4;\n`, 'empty.sql');
    expect(err.message).toContain('no tables');
  });
});

describe('mysqldump reader on MySQL 8 syntax', () => {
  const dump = `-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: localhost    Database: app
-- ------------------------------------------------------
-- Server version\t8.0.36

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
DROP TABLE IF EXISTS \`people\`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!50503 SET character_set_client = utf8mb4 */;
CREATE TABLE \`people\` (
  \`id\` int unsigned NOT NULL AUTO_INCREMENT,
  \`uuid\` binary(16) NOT NULL DEFAULT (uuid_to_bin(uuid())),
  \`name\` varchar(120) COLLATE utf8mb4_bin NOT NULL,
  \`secret\` varchar(40) DEFAULT NULL /*!80023 INVISIBLE */,
  \`age\` tinyint unsigned DEFAULT NULL,
  \`full_name\` varchar(200) GENERATED ALWAYS AS (concat(\`name\`,_utf8mb4' ')) VIRTUAL,
  PRIMARY KEY (\`id\`),
  UNIQUE KEY \`people_uuid\` (\`uuid\`),
  KEY \`people_lower_name\` ((lower(\`name\`))),
  CONSTRAINT \`people_age_check\` CHECK ((\`age\` < 150)) /*!80016 NOT ENFORCED */
) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
LOCK TABLES \`people\` WRITE;
UNLOCK TABLES;
`;

  it('reads the same model on both paths: expression defaults and indexes, collations, invisible and generated columns', async () => {
    const parsed = await readMysqlDump(dump, 'app.sql');
    expect(parsed.version).toEqual({ text: '8.0.36', num: 80036, flavor: 'mysql' });
    for (const schema of [parsed, await readMysqlDump(dump, 'app.sql', undefined, { parser: false })]) {
      expect(column(schema, 'people', 'id')).toMatchObject({ type: 'int unsigned', identity: true, nullable: false, line: 12 });
      expect(column(schema, 'people', 'uuid')).toMatchObject({ type: 'binary(16)', default: '(uuid_to_bin(uuid()))' });
      expect(column(schema, 'people', 'name')).toMatchObject({ type: 'varchar(120) COLLATE utf8mb4_bin', nullable: false });
      expect(column(schema, 'people', 'secret')).toMatchObject({ type: 'varchar(40)', nullable: true });
      expect(column(schema, 'people', 'full_name').generated).toEqual({ expression: "concat(`name`,_utf8mb4' ')", stored: false });
      expect(table(schema, 'people').uniques).toEqual([{ name: 'people_uuid', columns: ['uuid'], line: 19 }]);
      expect(table(schema, 'people').indexes.find((i) => i.name === 'people_lower_name')!.columns).toEqual(['(lower(`name`))']);
      expect(table(schema, 'people').checks).toEqual([{ name: 'people_age_check', expression: '(`age` < 150)', line: 21 }]);
    }
  });
});
