import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { referencedBy } from '../../src/inspect/query.js';
import { detectKind } from '../../src/inspect/read.js';
import { fixture, tempDir } from '../helpers.js';
import { chainUp, column, lineOf, readError, readText, table } from './expect.js';

/** The fixture database built by the sqlite3 CLI, and its schema as `sqlite3 DB .schema` prints it. */
function sqliteSchema(): string {
  const db = join(tempDir(), 'fixture.db');
  const build = spawnSync('sqlite3', [db], { input: readFileSync(fixture('schema', 'fixture-sqlite.sql'), 'utf8'), encoding: 'utf8' });
  if (build.status !== 0 || build.stderr) throw new Error(`sqlite3 failed: ${build.stderr}`);
  const r = spawnSync('sqlite3', [db, '.schema'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 .schema failed: ${r.stderr}`);
  return r.stdout;
}

describe('a real sqlite3 .schema of a fixture database', () => {
  const dump = sqliteSchema();

  it('is read by SQLite itself: every table (not sqlite_sequence), no version (the reader\'s SQLite is not the user\'s)', async () => {
    expect(dump).toContain('CREATE TABLE sqlite_sequence');
    expect(detectKind(dump, 'schema.sql', undefined)).toBe('sqlite');
    const schema = await readText(dump, 'schema.sql');
    expect(schema.engine).toBe('sqlite');
    expect(schema.version).toBeUndefined();
    expect(schema.tables.map((t) => t.name)).toEqual(['accounts', 'users', 'projects', 'tasks', 'comments', 'audit_events']);
  });

  it('reads columns with their declared types, NOT NULL, defaults, generated expressions, each at its line', async () => {
    const schema = await readText(dump, 'schema.sql');
    const name = column(schema, 'accounts', 'name');
    expect(name).toMatchObject({ type: 'varchar(120)', nullable: false, default: "'unnamed'" });
    expect(lineOf(dump, name.line)).toMatch(/^\s+name varchar\(120\) NOT NULL/);
    expect(lineOf(dump, table(schema, 'projects').line)).toBe('CREATE TABLE projects (');
    expect(column(schema, 'accounts', 'id')).toMatchObject({ type: 'INTEGER', identity: true, nullable: false });
    expect(column(schema, 'projects', 'budget')).toMatchObject({ type: 'numeric(12,2)', nullable: true });
    expect(column(schema, 'tasks', 'title_lower').generated).toEqual({ expression: 'lower(title)', stored: true });
    expect(table(schema, 'audit_events').primary_key).toEqual(['table_name', 'row_id']);
    expect(column(schema, 'audit_events', 'row_id')).toMatchObject({ nullable: false, identity: false });
  });

  it('reads foreign keys in both directions, uniques (named where written), indexes incl. partial and expression, checks, triggers, views', async () => {
    const schema = await readText(dump, 'schema.sql');
    expect(chainUp(schema, 'comments')).toEqual(['comments', 'tasks', 'projects', 'accounts']);
    expect(referencedBy(schema, 'users').map((r) => `${r.table.name}.${r.key.columns[0]}`).sort()).toEqual(['comments.author_id', 'tasks.assignee_id', 'users.manager_id']);
    const fk = table(schema, 'tasks').foreign_keys.find((k) => k.references === 'projects')!;
    expect(fk).toMatchObject({ columns: ['project_id'], ref_columns: ['id'], on_delete: 'CASCADE' });
    expect(lineOf(dump, fk.line)).toContain('FOREIGN KEY (project_id) REFERENCES projects');
    expect(table(schema, 'accounts').uniques).toEqual([{ name: 'accounts_slug_key', columns: ['slug'], line: expect.any(Number) }]);
    expect(lineOf(dump, table(schema, 'users').uniques[0]!.line)).toContain('email varchar(254) NOT NULL UNIQUE');
    const partial = table(schema, 'projects').indexes.find((i) => i.name === 'projects_active_title')!;
    expect(partial).toMatchObject({ columns: ['account_id', 'title'], unique: true, where: 'archived_at IS NULL' });
    expect(lineOf(dump, partial.line)).toContain('CREATE UNIQUE INDEX projects_active_title');
    expect(table(schema, 'comments').indexes.map((i) => i.columns)).toEqual([['task_id', 'created_at'], ['(lower(body))']]);
    expect(table(schema, 'projects').checks).toEqual([expect.objectContaining({ name: 'projects_budget_check', expression: 'budget >= 0' })]);
    expect(table(schema, 'tasks').checks[0]).toMatchObject({ name: 'tasks_status_check', expression: "status IN ('open', 'done')" });
    const trigger = table(schema, 'tasks').triggers[0]!;
    expect(trigger).toMatchObject({ name: 'tasks_touch', timing: 'AFTER UPDATE', columns: ['title', 'status'] });
    expect(lineOf(dump, trigger.line)).toContain('CREATE TRIGGER tasks_touch');
    expect(schema.views[0]).toMatchObject({ name: 'open_tasks', reads: expect.arrayContaining(['tasks', 'projects', 'tasks.status']) });
  });
});

describe('SQLite reader on hand-written input', () => {
  it('reads quoted names, composite foreign keys, and .dump output with its transaction and rows', async () => {
    const text = `PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE "Parent Table" (a int, b int, PRIMARY KEY (a, b));
CREATE TABLE [child] (id integer primary key, pa int, pb int, FOREIGN KEY (pa, pb) REFERENCES "Parent Table" ON UPDATE CASCADE);
INSERT INTO "Parent Table" VALUES(1, 2);
COMMIT;
`;
    const schema = await readText(text, 'dump.sql');
    expect(table(schema, 'child').foreign_keys).toEqual([{ columns: ['pa', 'pb'], references: 'Parent Table', ref_columns: ['a', 'b'], on_update: 'CASCADE', line: 4 }]);
    expect(table(schema, 'Parent Table').line).toBe(3);
  });

  it('SQL that SQLite rejects is a located exit-2 error', async () => {
    const err = await readError('CREATE TABLE a (x int);\n\nCREATE TABLE b (y int,, z);\n', 'bad.sql');
    expect(err.details[0]!.location?.line).toBe(3);
    expect(err.details[0]!.message).toContain('syntax error');
    expect(err.details[0]!.hint).toContain('.schema');
  });

  it('garbage is a located exit-2 error too', async () => {
    const err = await readError('this is not a schema\n', 'notes.txt');
    expect(err.details[0]!.location?.line).toBe(1);
  });
});
