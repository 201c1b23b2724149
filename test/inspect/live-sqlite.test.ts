/**
 * `--url sqlite:…` on a database file built here with Debian's sqlite3 CLI: the whole model, the file
 * left byte-for-byte as it was, rows only from ANALYZE, and the errors a user can act on.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanInputError } from '../../src/errors.js';
import { introspect } from '../../src/inspect/live.js';
import { sqlitePath } from '../../src/inspect/live-sqlite.js';
import { DatabaseSchemaSchema } from '../../src/model/database.js';
import { tempDir } from '../helpers.js';

const FIXTURE = `
CREATE TABLE accounts (id INTEGER PRIMARY KEY, name varchar(120) NOT NULL DEFAULT 'unnamed', email TEXT NOT NULL UNIQUE);
CREATE INDEX accounts_name_idx ON accounts (name);
CREATE TABLE projects (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  title TEXT NOT NULL, budget INTEGER CONSTRAINT budget_positive CHECK (budget >= 0), archived_at TEXT);
CREATE INDEX projects_active_idx ON projects (account_id) WHERE archived_at IS NULL;
CREATE TABLE tasks (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES projects (id),
  parent_id INTEGER REFERENCES tasks (id), title TEXT NOT NULL, title_key TEXT GENERATED ALWAYS AS (lower(title)) VIRTUAL);
CREATE INDEX tasks_title_key_idx ON tasks (lower(title), project_id);
CREATE TABLE comments (id INTEGER PRIMARY KEY, task_id INTEGER NOT NULL REFERENCES tasks (id), body TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, CHECK (length(body) > 0));
CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE task_tags (task_id INTEGER NOT NULL REFERENCES tasks (id), tag_id INTEGER NOT NULL REFERENCES tags,
  PRIMARY KEY (task_id, tag_id)) WITHOUT ROWID;
CREATE TRIGGER comments_touch AFTER UPDATE OF body ON comments BEGIN UPDATE tasks SET title = title WHERE id = NEW.task_id; END;
CREATE VIEW open_tasks AS SELECT t.id, t.title, p.title AS project FROM tasks t JOIN projects p ON p.id = t.project_id;
INSERT INTO accounts (name, email) VALUES ('a', 'a@x'), ('b', 'b@x');
INSERT INTO projects (account_id, title, budget) VALUES (1, 'p1', 10), (1, 'p2', 5), (2, 'p3', 0);
INSERT INTO tasks (project_id, parent_id, title) VALUES (1, NULL, 'T1'), (1, 1, 'T2'), (2, NULL, 'T3'), (3, NULL, 'T4');
INSERT INTO comments (task_id, body) VALUES (1, 'c1'), (2, 'c2');
`;

function sqliteFile(sql: string): string {
  const file = join(tempDir(), 'app.db');
  const r = spawnSync('sqlite3', [file], { input: sql, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
  return file;
}

const col = (name: string, type: string, more: object = {}) => ({ name, type, nullable: true, identity: false, ...more });
const id = col('id', 'INTEGER', { nullable: false, identity: true });
const table = (name: string, more: object) => ({ name, foreign_keys: [], uniques: [], indexes: [], checks: [], triggers: [], ...more });

describe('live SQLite', () => {
  it('reads tables, keys, indexes, checks, triggers, views and ANALYZE rows into the model', async () => {
    const file = sqliteFile(`${FIXTURE} ANALYZE;`);
    const schema = await introspect(`sqlite://${file}`);
    expect(DatabaseSchemaSchema.parse(schema)).toEqual(schema);
    expect(schema).toEqual({
      engine: 'sqlite',
      version: { text: expect.stringMatching(/^3\.\d+\.\d+$/), num: expect.any(Number) },
      source: { kind: 'live', file: `sqlite://${file}` },
      tables: [
        table('accounts', {
          columns: [id, col('name', 'varchar(120)', { nullable: false, default: "'unnamed'" }), col('email', 'TEXT', { nullable: false })],
          primary_key: ['id'],
          uniques: [{ columns: ['email'] }],
          indexes: [
            { name: 'accounts_name_idx', columns: ['name'], unique: false, constraint: false },
            { name: 'sqlite_autoindex_accounts_1', columns: ['email'], unique: true, constraint: true },
          ],
          rows: 2,
        }),
        table('projects', {
          columns: [id, col('account_id', 'INTEGER', { nullable: false }), col('title', 'TEXT', { nullable: false }), col('budget', 'INTEGER'), col('archived_at', 'TEXT')],
          primary_key: ['id'],
          foreign_keys: [{ columns: ['account_id'], references: 'accounts', ref_columns: ['id'], on_delete: 'CASCADE' }],
          indexes: [{ name: 'projects_active_idx', columns: ['account_id'], unique: false, where: 'archived_at IS NULL', constraint: false }],
          checks: [{ name: 'budget_positive', expression: 'budget >= 0' }],
          rows: 3,
        }),
        table('tasks', {
          columns: [id, col('project_id', 'INTEGER', { nullable: false }), col('parent_id', 'INTEGER'), col('title', 'TEXT', { nullable: false }),
            col('title_key', 'TEXT', { generated: { expression: 'lower(title)', stored: false } })],
          primary_key: ['id'],
          foreign_keys: [
            { columns: ['project_id'], references: 'projects', ref_columns: ['id'] },
            { columns: ['parent_id'], references: 'tasks', ref_columns: ['id'] },
          ],
          indexes: [{ name: 'tasks_title_key_idx', columns: ['(lower(title))', 'project_id'], unique: false, constraint: false }],
          rows: 4,
        }),
        table('comments', {
          columns: [id, col('task_id', 'INTEGER', { nullable: false }), col('body', 'TEXT', { nullable: false }),
            col('created_at', 'TEXT', { nullable: false, default: 'CURRENT_TIMESTAMP' })],
          primary_key: ['id'],
          foreign_keys: [{ columns: ['task_id'], references: 'tasks', ref_columns: ['id'] }],
          checks: [{ expression: 'length(body) > 0' }],
          triggers: [{ name: 'comments_touch', timing: 'AFTER UPDATE', columns: ['body'] }],
          rows: 2,
        }),
        // Empty: ANALYZE writes no sqlite_stat1 row for it, so its rows stay unknown.
        table('tags', { columns: [id, col('label', 'TEXT', { nullable: false })], primary_key: ['id'] }),
        table('task_tags', {
          columns: [col('task_id', 'INTEGER', { nullable: false }), col('tag_id', 'INTEGER', { nullable: false })],
          primary_key: ['task_id', 'tag_id'],
          // `REFERENCES tags` names no column: the parent's primary key.
          foreign_keys: [
            { columns: ['task_id'], references: 'tasks', ref_columns: ['id'] },
            { columns: ['tag_id'], references: 'tags', ref_columns: ['id'] },
          ],
          indexes: [{ name: 'sqlite_autoindex_task_tags_1', columns: ['task_id', 'tag_id'], unique: true, constraint: true }],
        }),
      ],
      views: [{
        name: 'open_tasks', reads: ['projects', 'tasks'], materialized: false,
        definition: 'CREATE VIEW open_tasks AS SELECT t.id, t.title, p.title AS project FROM tasks t JOIN projects p ON p.id = t.project_id',
      }],
    });
  });

  it('leaves the file exactly as it was, and knows no rows before ANALYZE', async () => {
    const file = sqliteFile(FIXTURE);
    const before = { hash: createHash('sha256').update(readFileSync(file)).digest('hex'), mtime: statSync(file).mtimeMs };
    const schema = await introspect(`file:${file}`);
    expect(schema.tables.map((t) => t.rows)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    expect({ hash: createHash('sha256').update(readFileSync(file)).digest('hex'), mtime: statSync(file).mtimeMs }).toEqual(before);
  });

  it('reads a database in WAL mode, whose header the copy in memory changes and the file keeps', async () => {
    const file = sqliteFile(`PRAGMA journal_mode = WAL; ${FIXTURE}`);
    expect(readFileSync(file)[18]).toBe(2);
    const schema = await introspect(`sqlite:${file}`);
    expect(schema.tables).toHaveLength(6);
    expect(readFileSync(file)[18]).toBe(2);
  });

  it('refuses a missing file and a file that is not SQLite with exit 2, located', async () => {
    const dir = tempDir();
    await expect(introspect(`sqlite://${dir}/missing.db`)).rejects.toThrow(`${dir}/missing.db: no such file`);
    writeFileSync(join(dir, 'text.db'), 'CREATE TABLE t (a int);\n'.repeat(10));
    const err = await introspect(`sqlite://${dir}/text.db`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlanInputError);
    expect((err as PlanInputError).exitCode).toBe(2);
    expect((err as PlanInputError).message).toBe(`${dir}/text.db: is not a SQLite database (no "SQLite format 3" header)`);
  });

  it('takes the path from each URL form', () => {
    expect(sqlitePath('sqlite:///var/db/app.db')).toBe('/var/db/app.db');
    expect(sqlitePath('sqlite://app.db')).toBe('app.db');
    expect(sqlitePath('sqlite:data/app.db?mode=ro')).toBe('data/app.db');
    expect(sqlitePath('file:///var/db/my%20app.db')).toBe('/var/db/my app.db');
    expect(sqlitePath('file:app.db')).toBe('app.db');
  });
});
