import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { referencedBy, requireColumn, requireTable } from '../../src/inspect/query.js';
import type { PlanInputError } from '../../src/errors.js';
import { detectKind } from '../../src/inspect/read.js';
import { pgDumpVersion } from '../../src/inspect/pg-dump.js';
import { fixture } from '../helpers.js';
import { serverForBlock, startDebianPostgres } from '../rehearse/servers.js';
import { chainUp, column, lineOf, readError, readText, table } from './expect.js';

/** Runs a Debian PostgreSQL client program against the test server's database `db`. */
function pgTool(url: string, program: string, db: string, args: string[]): string {
  const { hostname, port } = new URL(url);
  const r = spawnSync(program, ['-h', hostname, '-p', port, '-U', 'postgres', ...args, db], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${program} failed: ${r.stderr}`);
  return r.stdout;
}

describe('a real pg_dump --schema-only of a fixture database (Debian PostgreSQL 15)', () => {
  const url = serverForBlock(startDebianPostgres, (s) => s.stop());
  let dump = '';
  const read = async () => {
    if (!dump) {
      pgTool(url(), 'createdb', 'fixture', []);
      pgTool(url(), 'psql', 'fixture', ['-q', '-v', 'ON_ERROR_STOP=1', '-f', fixture('schema', 'fixture-postgres.sql')]);
      dump = pgTool(url(), 'pg_dump', 'fixture', ['--schema-only']);
    }
    return { dump, schema: await readText(dump, 'dump.sql') };
  };

  it('reads the engine, the server version from the header, and every table (a namespace only when not public)', async () => {
    const { schema } = await read();
    expect(schema.engine).toBe('postgres');
    expect(schema.source.kind).toBe('pg_dump');
    expect(schema.version?.text).toMatch(/^15\.\d+$/);
    expect(schema.version!.num).toBe(150000 + Number(schema.version!.text.split('.')[1]));
    expect(schema.tables.map((t) => t.name).sort()).toEqual(['Invoice Lines', 'accounts', 'comments', 'events', 'measurements', 'measurements_2026', 'projects', 'tasks', 'users']);
    expect(table(schema, 'events').namespace).toBe('audit');
    expect(table(schema, 'accounts').namespace).toBeUndefined();
  });

  it('reads columns with their full type, NOT NULL, default and comment, each at its line', async () => {
    const { dump, schema } = await read();
    const name = column(schema, 'accounts', 'name');
    expect(name).toMatchObject({ type: 'character varying(120)', nullable: false, default: "'unnamed'::character varying", comment: 'Display name, shown to members' });
    expect(lineOf(dump, name.line)).toMatch(/^\s+name character varying\(120\) DEFAULT/);
    expect(lineOf(dump, table(schema, 'accounts').line)).toBe('CREATE TABLE public.accounts (');
    expect(column(schema, 'projects', 'budget')).toMatchObject({ type: 'numeric(12,2)', nullable: true });
    expect(column(schema, 'users', 'tags')).toMatchObject({ type: 'text[]', default: "'{}'::text[]" });
    expect(column(schema, 'comments', 'created_at')).toMatchObject({ type: 'timestamp with time zone', nullable: false, default: 'now()' });
    expect(column(schema, 'tasks', 'title_lower').generated).toEqual({ expression: 'lower(title)', stored: true });
    expect(table(schema, 'accounts').comment).toBe('Tenants');
  });

  it('marks identity columns and serial ones (a sequence owned by the column, nextval as its default)', async () => {
    const { schema } = await read();
    expect(column(schema, 'accounts', 'id').identity).toBe(true);
    expect(column(schema, 'users', 'id')).toMatchObject({ identity: true, type: 'integer', default: "nextval('public.users_id_seq'::regclass)" });
    expect(column(schema, 'users', 'email').identity).toBe(false);
  });

  it('reads keys, foreign keys in both directions (the 4-level chain and the self-reference), uniques, checks', async () => {
    const { dump, schema } = await read();
    expect(table(schema, 'tasks').primary_key).toEqual(['id']);
    const fk = table(schema, 'tasks').foreign_keys.find((k) => k.columns[0] === 'project_id')!;
    expect(fk).toMatchObject({ name: 'tasks_project_id_fkey', references: 'projects', ref_columns: ['id'], on_delete: 'CASCADE' });
    expect(lineOf(dump, fk.line)).toContain('ADD CONSTRAINT tasks_project_id_fkey FOREIGN KEY');
    expect(referencedBy(schema, 'tasks').map((r) => `${r.table.name}.${r.key.columns[0]}`).sort()).toEqual(['Invoice Lines.Task', 'comments.task_id', 'tasks.parent_id']);
    expect(referencedBy(schema, 'users').map((r) => `${r.table.name}.${r.key.columns[0]}`).sort()).toEqual(['comments.author_id', 'tasks.assignee_id', 'users.manager_id']);
    expect(chainUp(schema, 'comments')).toEqual(['comments', 'tasks', 'projects', 'accounts']);
    const unique = table(schema, 'users').uniques[0]!;
    expect(unique).toMatchObject({ name: 'users_email_key', columns: ['email'] });
    expect(lineOf(dump, unique.line)).toContain('ADD CONSTRAINT users_email_key UNIQUE (email)');
    expect(table(schema, 'projects').checks).toEqual([expect.objectContaining({ name: 'projects_budget_check', expression: '(budget >= (0)::numeric)' })]);
    expect(table(schema, 'tasks').checks[0]!.expression).toContain("ARRAY['open'::character varying, 'done'::character varying]");
  });

  it('reads indexes: plain, on an expression, partial, and the ones behind key constraints', async () => {
    const { dump, schema } = await read();
    const byName = (t: string, n: string) => table(schema, t).indexes.find((i) => i.name === n)!;
    expect(byName('accounts', 'accounts_name_idx')).toMatchObject({ columns: ['name'], unique: false, constraint: false });
    expect(lineOf(dump, byName('accounts', 'accounts_name_idx').line)).toContain('CREATE INDEX accounts_name_idx');
    expect(byName('projects', 'projects_active_title')).toMatchObject({ columns: ['account_id', 'title'], unique: true, where: 'archived_at IS NULL' });
    expect(byName('comments', 'comments_body_lower').columns).toEqual(['(lower(body))']);
    expect(byName('comments', 'comments_task_created').columns).toEqual(['task_id', 'created_at']);
    expect(byName('users', 'users_email_key')).toMatchObject({ unique: true, constraint: true });
    expect(byName('users', 'users_pkey')).toMatchObject({ columns: ['id'], constraint: true });
  });

  it('reads triggers, row-level security with its policy, and views with what they read', async () => {
    const { dump, schema } = await read();
    const trigger = table(schema, 'tasks').triggers[0]!;
    expect(trigger).toMatchObject({ name: 'tasks_touch', timing: 'BEFORE UPDATE', columns: ['title', 'status'] });
    expect(lineOf(dump, trigger.line)).toContain('CREATE TRIGGER tasks_touch');
    expect(table(schema, 'projects').rls).toEqual({ enabled: true, forced: true, policies: ['projects_by_account'] });
    expect(table(schema, 'tasks').rls).toBeUndefined();
    const view = schema.views[0]!;
    expect(view.name).toBe('open_tasks');
    expect(view.reads).toEqual(expect.arrayContaining(['tasks', 'projects', 'tasks.status', 'tasks.project_id', 'projects.title']));
    expect(lineOf(dump, view.line)).toBe('CREATE VIEW public.open_tasks AS');
  });

  it('an unknown table or column is a located exit-2 error pointing into the dump, with a did-you-mean', async () => {
    const { dump, schema } = await read();
    const unknownTable = (() => { try { requireTable(schema, 'taks'); } catch (err) { return err as PlanInputError; } })()!;
    expect(unknownTable.exitCode).toBe(2);
    expect(lineOf(dump, unknownTable.details[0]!.location!.line)).toBe('CREATE TABLE public.tasks (');
    expect(unknownTable.details[0]!.hint).toContain('did you mean "tasks"');
    const unknownColumn = (() => { try { requireColumn(schema, table(schema, 'accounts'), 'nme'); } catch (err) { return err as PlanInputError; } })()!;
    expect(lineOf(dump, unknownColumn.details[0]!.location!.line)).toMatch(/^\s+name character varying\(120\)/);
  });

  it('reads what pg_dump writes less often: quoted names, enum and domain types, collations, NOT VALID keys, INCLUDE, partitions, materialized views', async () => {
    const { dump, schema } = await read();
    const lines = table(schema, 'Invoice Lines');
    expect(lineOf(dump, lines.line)).toBe('CREATE TABLE public."Invoice Lines" (');
    expect(lines.primary_key).toEqual(['Id']);
    expect(column(schema, 'Invoice Lines', 'amount')).toMatchObject({ type: 'public.positive_money', nullable: false });
    expect(column(schema, 'Invoice Lines', 'level')).toMatchObject({ type: 'public.priority', default: "'low'::public.priority" });
    expect(column(schema, 'Invoice Lines', 'note').type).toBe('text COLLATE pg_catalog."C"');
    expect(lines.foreign_keys).toEqual([expect.objectContaining({ name: 'invoice_lines_task_fkey', columns: ['Task'], references: 'tasks' })]);
    expect(lines.uniques).toEqual([expect.objectContaining({ name: 'invoice_lines_code_key', columns: ['code'] })]);
    expect(lines.indexes.find((i) => i.name === 'invoice_lines_task')!.columns).toEqual(['Task']);
    expect(column(schema, 'measurements', 'at')).toMatchObject({ type: 'timestamp with time zone', nullable: false });
    expect(schema.views.find((v) => v.name === 'task_counts')).toMatchObject({ materialized: true, reads: ['tasks', 'tasks.project_id'] });
  });
});

describe('pg_dump reader on hand-written input', () => {
  const header = '--\n-- PostgreSQL database dump\n--\n\n-- Dumped from database version 16.4\n\n';

  it('reads inline constraints, serial types, ALTER ADD COLUMN, comments; skips what the model has no place for', async () => {
    const text = `${header}CREATE EXTENSION IF NOT EXISTS pgcrypto;
GRANT ALL ON SCHEMA public TO app;
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;
CREATE TABLE orgs (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE members (
  id serial,
  org_id bigint NOT NULL REFERENCES orgs ON DELETE CASCADE, -- a comment between elements
  role varchar(20) COLLATE "C" DEFAULT 'member' NOT NULL CHECK (role <> ''),
  PRIMARY KEY (id)
);
ALTER TABLE members ADD COLUMN joined_at timestamptz DEFAULT now() NOT NULL;
COMMENT ON COLUMN members.role IS 'Rôle';
`;
    const schema = await readText(text, 'hand.sql');
    expect(schema.version).toEqual({ text: '16.4', num: 160004 });
    expect(column(schema, 'orgs', 'id')).toMatchObject({ type: 'bigint', identity: true, nullable: false });
    expect(table(schema, 'orgs').uniques).toEqual([{ columns: ['name'], line: 10 }]);
    expect(column(schema, 'members', 'role')).toMatchObject({ type: 'varchar(20) COLLATE "C"', default: "'member'", nullable: false, comment: 'Rôle', line: 14 });
    expect(table(schema, 'members').foreign_keys).toEqual([{ columns: ['org_id'], references: 'orgs', ref_columns: ['id'], on_delete: 'CASCADE', line: 13 }]);
    expect(table(schema, 'members').checks).toEqual([{ expression: "role <> ''", line: 14 }]);
    expect(table(schema, 'members').primary_key).toEqual(['id']);
    expect(column(schema, 'members', 'joined_at')).toMatchObject({ type: 'timestamptz', default: 'now()', nullable: false });
  });

  it('counts lines in bytes as the parser does: offsets after non-ASCII text still land on the right line', async () => {
    const text = `${header}COMMENT ON SCHEMA public IS 'école, café, 数据库';\nCREATE TABLE t (\n  a int,\n  b text DEFAULT 'é'\n);\n`;
    const schema = await readText(text, 'utf8.sql');
    expect(column(schema, 't', 'b')).toMatchObject({ default: "'é'", line: 10 });
  });

  it('a file PostgreSQL cannot parse is a located exit-2 error saying what was expected', async () => {
    const err = await readError(`${header}CREATE TABLE ok (a int);\nCREATE TABLE broken (a int,, b int);\n`, 'bad.sql');
    expect(err.details[0]!.location).toEqual({ file: expect.stringMatching(/bad\.sql$/), line: 8 });
    expect(err.details[0]!.message).toContain('syntax error');
    expect(err.details[0]!.hint).toContain('pg_dump --schema-only');
  });

  it('a dump with no table is an error, not an empty schema', async () => {
    const err = await readError(`${header}SET statement_timeout = 0;\n`, 'empty.sql');
    expect(err.message).toContain('no tables');
  });

  it('reads versions of every numbering scheme', () => {
    expect(pgDumpVersion('-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)')).toEqual({ text: '15.18', num: 150018 });
    expect(pgDumpVersion('-- Dumped from database version 9.6.24')).toEqual({ text: '9.6.24', num: 90624 });
    expect(pgDumpVersion('CREATE TABLE t (a int);')).toBeUndefined();
  });

  it('detectKind tells pg_dump output by its header, and plain SQL by --db', async () => {
    expect(detectKind(header, 'x.sql', undefined)).toBe('pg_dump');
    expect(detectKind('CREATE TABLE t (a int);', 'x.sql', 'postgres')).toBe('pg_dump');
  });
});
