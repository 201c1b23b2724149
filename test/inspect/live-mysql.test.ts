/**
 * `--url mysql://…` / `mariadb://…` on Debian's MariaDB 10.11, a database per test: the whole model of
 * the fixture; a user with SELECT alone reads the same tables, keys and indexes (and is told what its
 * privileges hide), writes nothing (InnoDB row counters and statement counters unchanged, the general
 * log shows one READ ONLY transaction of reads); errors without the password. MySQL 8's spellings of
 * versions and defaults are checked on their own (no MySQL server here).
 */
import mysql from 'mysql2/promise';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlanInputError } from '../../src/errors.js';
import { introspect, readLive } from '../../src/inspect/live.js';
import { columnDefault, foreignKeyRules, mysqlVersion } from '../../src/inspect/live-mysql.js';
import { DatabaseSchemaSchema } from '../../src/model/database.js';
import { serverForBlock, startMariadb } from '../rehearse/servers.js';

const FIXTURE = `
CREATE TABLE accounts (
  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name varchar(120) NOT NULL DEFAULT 'unnamed' COMMENT 'Shown on invoices',
  email varchar(255) NOT NULL,
  UNIQUE KEY accounts_email_key (email),
  KEY accounts_name_idx (name)
) ENGINE=InnoDB COMMENT='Customers';
CREATE TABLE projects (
  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id bigint unsigned NOT NULL,
  title varchar(200) NOT NULL,
  budget decimal(12,2) DEFAULT NULL,
  archived_at datetime DEFAULT NULL,
  CONSTRAINT budget_positive CHECK (budget >= 0),
  CONSTRAINT projects_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB;
CREATE TABLE tasks (
  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  project_id bigint unsigned NOT NULL,
  parent_id bigint unsigned DEFAULT NULL,
  title varchar(200) NOT NULL,
  title_key varchar(200) AS (lower(title)) VIRTUAL,
  status enum('open','done') NOT NULL DEFAULT 'open',
  KEY tasks_title_idx (title, project_id),
  CONSTRAINT tasks_project_fk FOREIGN KEY (project_id) REFERENCES projects (id),
  CONSTRAINT tasks_parent_fk FOREIGN KEY (parent_id) REFERENCES tasks (id) ON DELETE SET NULL
) ENGINE=InnoDB;
CREATE TABLE comments (
  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  task_id bigint unsigned NOT NULL,
  body text NOT NULL,
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  CONSTRAINT comments_task_fk FOREIGN KEY (task_id) REFERENCES tasks (id)
) ENGINE=InnoDB;
CREATE TABLE tags (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, label varchar(50) NOT NULL) ENGINE=InnoDB;
CREATE TABLE task_tags (
  task_id bigint unsigned NOT NULL,
  tag_id int NOT NULL,
  PRIMARY KEY (task_id, tag_id),
  CONSTRAINT task_tags_task_fk FOREIGN KEY (task_id) REFERENCES tasks (id),
  CONSTRAINT task_tags_tag_fk FOREIGN KEY (tag_id) REFERENCES tags (id)
) ENGINE=InnoDB;
CREATE TRIGGER comments_touch BEFORE UPDATE ON comments FOR EACH ROW SET NEW.created_at = NEW.created_at;
CREATE VIEW open_tasks AS SELECT t.id, t.title, p.title AS project FROM tasks t JOIN projects p ON p.id = t.project_id WHERE t.status = 'open';
INSERT INTO accounts (name, email) SELECT concat('a', seq), concat('a', seq, '@x') FROM seq_1_to_20;
INSERT INTO projects (account_id, title, budget) SELECT 1 + seq % 20, concat('p', seq), seq FROM seq_1_to_50;
INSERT INTO tasks (project_id, title) SELECT 1 + seq % 50, concat('T', seq) FROM seq_1_to_200;
INSERT INTO comments (task_id, body) SELECT 1 + seq % 200, concat('c', seq) FROM seq_1_to_300;
ANALYZE TABLE accounts, projects, tasks, comments;
`;

const col = (name: string, type: string, more: object = {}) => ({ name, type, nullable: true, identity: false, ...more });
const id = (type = 'bigint(20) unsigned') => col('id', type, { nullable: false, identity: true });
const table = (name: string, more: object) => ({ name, foreign_keys: [], uniques: [], indexes: [], checks: [], triggers: [], bytes: expect.any(Number), ...more });
const index = (name: string, columns: string[], unique = false) => ({ name, columns, unique, constraint: unique });

const TABLES = [
  table('accounts', {
    columns: [id(), col('name', 'varchar(120)', { nullable: false, default: "'unnamed'", comment: 'Shown on invoices' }), col('email', 'varchar(255)', { nullable: false })],
    primary_key: ['id'],
    uniques: [{ name: 'accounts_email_key', columns: ['email'] }],
    indexes: [index('accounts_email_key', ['email'], true), index('accounts_name_idx', ['name']), index('PRIMARY', ['id'], true)],
    comment: 'Customers',
    rows: 20,
  }),
  table('comments', {
    columns: [id(), col('task_id', 'bigint(20) unsigned', { nullable: false }), col('body', 'text', { nullable: false }),
      col('created_at', 'timestamp', { nullable: false, default: 'current_timestamp()' })],
    primary_key: ['id'],
    foreign_keys: [{ name: 'comments_task_fk', columns: ['task_id'], references: 'tasks', ref_columns: ['id'] }],
    indexes: [index('comments_task_fk', ['task_id']), index('PRIMARY', ['id'], true)],
    triggers: [{ name: 'comments_touch', timing: 'BEFORE UPDATE', columns: [] }],
    rows: 300,
  }),
  table('projects', {
    columns: [id(), col('account_id', 'bigint(20) unsigned', { nullable: false }), col('title', 'varchar(200)', { nullable: false }),
      col('budget', 'decimal(12,2)'), col('archived_at', 'datetime')],
    primary_key: ['id'],
    foreign_keys: [{ name: 'projects_account_fk', columns: ['account_id'], references: 'accounts', ref_columns: ['id'], on_delete: 'CASCADE' }],
    indexes: [index('PRIMARY', ['id'], true), index('projects_account_fk', ['account_id'])],
    checks: [{ name: 'budget_positive', expression: '`budget` >= 0' }],
    rows: 50,
  }),
  table('tags', { columns: [id('int(11)'), col('label', 'varchar(50)', { nullable: false })], primary_key: ['id'], indexes: [index('PRIMARY', ['id'], true)], rows: 0 }),
  table('task_tags', {
    columns: [col('task_id', 'bigint(20) unsigned', { nullable: false }), col('tag_id', 'int(11)', { nullable: false })],
    primary_key: ['task_id', 'tag_id'],
    foreign_keys: [{ name: 'task_tags_tag_fk', columns: ['tag_id'], references: 'tags', ref_columns: ['id'] },
      { name: 'task_tags_task_fk', columns: ['task_id'], references: 'tasks', ref_columns: ['id'] }],
    indexes: [index('PRIMARY', ['task_id', 'tag_id'], true), index('task_tags_tag_fk', ['tag_id'])],
    rows: 0,
  }),
  table('tasks', {
    columns: [id(), col('project_id', 'bigint(20) unsigned', { nullable: false }), col('parent_id', 'bigint(20) unsigned'),
      col('title', 'varchar(200)', { nullable: false }), col('title_key', 'varchar(200)', { generated: { expression: 'lcase(`title`)', stored: false } }),
      col('status', "enum('open','done')", { nullable: false, default: "'open'" })],
    primary_key: ['id'],
    foreign_keys: [{ name: 'tasks_parent_fk', columns: ['parent_id'], references: 'tasks', ref_columns: ['id'], on_delete: 'SET NULL' },
      { name: 'tasks_project_fk', columns: ['project_id'], references: 'projects', ref_columns: ['id'] }],
    indexes: [index('PRIMARY', ['id'], true), index('tasks_parent_fk', ['parent_id']), index('tasks_project_fk', ['project_id']), index('tasks_title_idx', ['title', 'project_id'])],
    rows: 200,
  }),
];

describe('live MariaDB', () => {
  const server = serverForBlock(startMariadb, (s) => s.stop());
  /** The server's URL with another database path and user. */
  const urlOf = (database: string, user = 'root', password?: string, scheme = 'mysql:') => {
    const u = new URL(server());
    u.pathname = `/${database}`;
    u.username = user;
    if (password) u.password = password;
    return u.toString().replace(/^mysql:/, scheme);
  };
  async function run(database: string, sql: string): Promise<unknown> {
    const connection = await mysql.createConnection({ uri: urlOf(database), multipleStatements: true });
    try {
      return (await connection.query(sql))[0];
    } finally {
      await connection.end();
    }
  }
  async function database(name: string): Promise<string> {
    await run('', `CREATE DATABASE ${name}; USE ${name}; ${FIXTURE}`);
    return urlOf(name);
  }
  beforeAll(async () => {
    await run('', `SET GLOBAL log_output = 'TABLE'; SET GLOBAL general_log = 1`);
  });

  it('reads the whole fixture into the model: full types, defaults, auto_increment, keys, indexes, check, trigger, comments, rows, view', async () => {
    const url = await database('model');
    const { schema, gaps } = await readLive(url);
    expect(DatabaseSchemaSchema.parse(schema)).toEqual(schema);
    expect(schema).toEqual({
      engine: 'mysql',
      version: { text: expect.stringMatching(/^10\.11\.\d+-MariaDB$/), num: expect.any(Number), flavor: 'mariadb' },
      source: { kind: 'live', file: url },
      tables: TABLES,
      views: [{
        name: 'open_tasks', reads: ['projects', 'tasks'], materialized: false,
        definition: "select `t`.`id` AS `id`,`t`.`title` AS `title`,`p`.`title` AS `project` from (`model`.`tasks` `t` join `model`.`projects` `p` on(`p`.`id` = `t`.`project_id`)) where `t`.`status` = 'open'",
      }],
    });
    expect(schema.version!.num).toBe(mysqlVersion(schema.version!.text).num);
    expect(Math.floor(schema.version!.num / 100)).toBe(1011);
    expect(gaps).toEqual([]);
  });

  it('writes nothing: a user with SELECT alone reads the same keys, is told what it cannot see, and no row or table changes', async () => {
    const url = await database('readonly');
    await run('readonly', `CREATE USER reader@localhost IDENTIFIED BY 'pw'; GRANT SELECT ON readonly.* TO reader@localhost`);
    const reference = await introspect(url);
    const counters = async () => Object.fromEntries((await run('', `SHOW GLOBAL STATUS WHERE Variable_name IN
      ('Innodb_rows_inserted', 'Innodb_rows_updated', 'Innodb_rows_deleted', 'Com_insert', 'Com_update', 'Com_delete', 'Com_insert_select',
       'Com_replace', 'Com_create_table', 'Com_alter_table', 'Com_drop_table', 'Com_create_index', 'Com_drop_index', 'Com_create_trigger')`) as { Variable_name: string; Value: string }[])
      .map((r) => [r.Variable_name, r.Value]));
    const before = await counters();
    const { schema, gaps } = await readLive(urlOf('readonly', 'reader', 'pw', 'mariadb:'));
    expect(await counters()).toEqual(before);
    expect(schema.source.file).not.toContain('pw');
    // Only what its privileges hide differs: the trigger, and the view's definition.
    const comments = reference.tables.findIndex((t) => t.name === 'comments');
    const expected = structuredClone(reference);
    expected.tables[comments]!.triggers = [];
    expected.views = [{ name: 'open_tasks', reads: [], materialized: false }];
    expect({ ...schema, source: reference.source }).toEqual(expected);
    expect(gaps).toEqual([
      'triggers: this user lacks the TRIGGER privilege on readonly, so information_schema shows none; the schema lists none',
      'view open_tasks: this user lacks the SHOW VIEW privilege, so its definition and the tables it reads are unknown',
    ]);
    const log = await run('', `SELECT CONVERT(argument USING utf8mb4) AS statement FROM mysql.general_log
      WHERE command_type = 'Query' AND thread_id IN (SELECT thread_id FROM mysql.general_log WHERE command_type = 'Connect' AND argument LIKE 'reader@%')
      ORDER BY event_time`) as { statement: string }[];
    const statements = log.map((r) => r.statement);
    expect(statements.slice(0, 5)).toEqual(['SELECT VERSION() AS version', 'SET SESSION max_statement_time = 10', 'SET SESSION lock_wait_timeout = 10',
      'SET SESSION TRANSACTION READ ONLY', 'START TRANSACTION READ ONLY']);
    expect(statements.at(-1)).toBe('ROLLBACK');
    expect(new Set(statements.slice(5, -1).map((s) => s.trim().split(/\s+/)[0]))).toEqual(new Set(['SELECT', 'SHOW']));
    expect(statements.join('\n')).not.toMatch(/count\s*\(/i);
  });

  it('lists system-versioned tables, and not sequences', async () => {
    await run('', 'CREATE DATABASE versioned; USE versioned; CREATE TABLE audit (id int PRIMARY KEY) WITH SYSTEM VERSIONING; CREATE SEQUENCE ticket_numbers');
    expect((await introspect(urlOf('versioned'))).tables.map((t) => t.name)).toEqual(['audit']);
  });

  it('asks for the database when the URL names none, and reports a refused login without the password', async () => {
    await expect(introspect(urlOf(''))).rejects.toThrow(/names no database/);
    const err = await introspect(urlOf('mysql', 'nobody', 'hunter2-secret')).catch((e: unknown) => e) as PlanInputError;
    expect(err).toBeInstanceOf(PlanInputError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/^cannot read the database at mysql:\/\/nobody@localhost\/mysql\?socketPath=.*: Access denied for user 'nobody'@'localhost'/);
    expect(err.message).not.toContain('hunter2');
  });
});

describe('MySQL spellings', () => {
  it('reads the flavor and a comparable number from VERSION()', () => {
    expect(mysqlVersion('10.11.6-MariaDB-0+deb12u1')).toEqual({ text: '10.11.6-MariaDB', num: 101106, flavor: 'mariadb' });
    expect(mysqlVersion('8.0.36')).toEqual({ text: '8.0.36', num: 80036, flavor: 'mysql' });
    expect(mysqlVersion('8.4.2-log')).toEqual({ text: '8.4.2', num: 80402, flavor: 'mysql' });
  });

  it('writes COLUMN_DEFAULT as DDL would on each flavor', () => {
    expect(columnDefault("'draft'", 'varchar(20)', '', 'mariadb')).toBe("'draft'");
    expect(columnDefault('NULL', 'varchar(20)', '', 'mariadb')).toBeUndefined();
    expect(columnDefault('draft', 'varchar(20)', '', 'mysql')).toBe("'draft'");
    expect(columnDefault("it's", 'text', '', 'mysql')).toBe("'it''s'");
    expect(columnDefault('0', 'int', '', 'mysql')).toBe('0');
    expect(columnDefault('CURRENT_TIMESTAMP', 'timestamp', 'DEFAULT_GENERATED', 'mysql')).toBe('CURRENT_TIMESTAMP');
    expect(columnDefault('uuid()', 'char(36)', 'DEFAULT_GENERATED', 'mysql')).toBe('(uuid())');
    expect(columnDefault(undefined, 'int', '', 'mysql')).toBeUndefined();
  });

  it('reads foreign-key actions from SHOW CREATE TABLE', () => {
    const rules = foreignKeyRules([
      'CREATE TABLE `t` (',
      '  CONSTRAINT `t_a_fk` FOREIGN KEY (`a`) REFERENCES `a` (`id`) ON DELETE CASCADE ON UPDATE SET NULL,',
      '  CONSTRAINT `t_b_fk` FOREIGN KEY (`b`, `c`) REFERENCES `b` (`x`, `y`),',
      '  CONSTRAINT `odd``name` FOREIGN KEY (`d`) REFERENCES `d` (`id`) ON UPDATE NO ACTION',
      ')'].join('\n'));
    expect([...rules]).toEqual([
      ['t_a_fk', { onDelete: 'CASCADE', onUpdate: 'SET NULL' }],
      ['t_b_fk', { onDelete: 'RESTRICT', onUpdate: 'RESTRICT' }],
      ['odd`name', { onDelete: 'RESTRICT', onUpdate: 'NO ACTION' }],
    ]);
  });
});
