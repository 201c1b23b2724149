/**
 * The fixture schema the live-introspection tests build on real servers, per engine: six tables with a
 * four-level foreign-key chain (accounts → projects → tasks → comments), a self-reference (tasks.parent_id),
 * a global UNIQUE, a partial index, an indexed NOT NULL varchar(120) with a DEFAULT and a COMMENT, CHECKs,
 * a generated column, a trigger, a view, and rows.
 */
import pg, { type QueryResult } from 'pg';

export const PG_FIXTURE = `
CREATE TABLE accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name varchar(120) NOT NULL DEFAULT 'unnamed',
  email text NOT NULL,
  CONSTRAINT accounts_email_key UNIQUE (email)
);
COMMENT ON TABLE accounts IS 'Customers';
COMMENT ON COLUMN accounts.name IS 'Shown on invoices';
CREATE INDEX accounts_name_idx ON accounts (name);
CREATE TABLE projects (
  id bigserial PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  title text NOT NULL,
  budget numeric(12,2) CONSTRAINT budget_positive CHECK (budget >= 0),
  archived_at timestamptz
);
CREATE INDEX projects_active_idx ON projects (account_id) WHERE archived_at IS NULL;
CREATE TABLE tasks (
  id bigserial PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES projects (id),
  parent_id bigint REFERENCES tasks (id) ON DELETE SET NULL,
  title text NOT NULL,
  title_key text GENERATED ALWAYS AS (lower(title)) STORED
);
CREATE INDEX tasks_title_key_idx ON tasks (lower(title), project_id);
CREATE TABLE comments (
  id bigserial PRIMARY KEY,
  task_id bigint NOT NULL REFERENCES tasks (id),
  body text NOT NULL CHECK (length(body) > 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE tags (id serial PRIMARY KEY, label text NOT NULL);
CREATE TABLE task_tags (
  task_id bigint NOT NULL REFERENCES tasks (id),
  tag_id int NOT NULL REFERENCES tags,
  PRIMARY KEY (task_id, tag_id)
);
CREATE INDEX task_tags_tag_idx ON task_tags USING hash (tag_id);
CREATE FUNCTION touch_task() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER comments_touch BEFORE INSERT OR UPDATE OF body ON comments FOR EACH ROW EXECUTE FUNCTION touch_task();
CREATE VIEW open_tasks AS
  SELECT t.id, t.title, p.title AS project FROM tasks t JOIN projects p ON p.id = t.project_id WHERE p.archived_at IS NULL;
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
CREATE POLICY projects_by_account ON projects USING (account_id = current_setting('app.account_id')::bigint);
INSERT INTO accounts (name, email) SELECT 'a' || g, 'a' || g || '@x' FROM generate_series(1, 20) g;
INSERT INTO projects (account_id, title, budget) SELECT 1 + g % 20, 'p' || g, g FROM generate_series(1, 50) g;
INSERT INTO tasks (project_id, title) SELECT 1 + g % 50, 'T' || g FROM generate_series(1, 200) g;
INSERT INTO comments (task_id, body) SELECT 1 + g % 200, 'c' || g FROM generate_series(1, 300) g;
ANALYZE accounts; ANALYZE projects; ANALYZE tasks; ANALYZE comments;
`;

/** Runs statements on the server at `url` (one connection, closed after); the last statement's rows. */
export async function runSql(url: string, sql: string): Promise<unknown[][]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = (await client.query({ text: sql, rowMode: 'array' })) as QueryResult | QueryResult[];
    return (Array.isArray(result) ? result.at(-1)! : result).rows;
  } finally {
    await client.end();
  }
}

/** A fresh database on the server at `serverUrl`, built from `sql`; its URL. */
export async function pgDatabase(serverUrl: string, name: string, sql: string): Promise<string> {
  await runSql(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  // Flush this session's table statistics before it ends, so a later snapshot of them is stable.
  await runSql(url.toString(), `${sql}; SELECT pg_stat_force_next_flush()`);
  return url.toString();
}

export const pgColumn = (name: string, type: string, more: object = {}) => ({ name, type, nullable: true, identity: false, ...more });

const serial = (table: string, type = 'bigint') => pgColumn('id', type, { nullable: false, identity: true, default: `nextval('public.${table}_id_seq'::regclass)` });
const pkey = (table: string, columns = ['id']) => ({ name: `${table}_pkey`, columns, unique: true, constraint: true });

/** The model PG_FIXTURE reads into, tables by name. `anyBytes` is the test's `expect.any(Number)`. */
export function pgFixtureTables(anyBytes: unknown) {
  const pgTable = <M extends { columns: object[] }>(name: string, more: M) => ({ name, foreign_keys: [], uniques: [], indexes: [], checks: [], triggers: [], bytes: anyBytes, ...more });
  return [
    pgTable('accounts', {
      columns: [pgColumn('id', 'bigint', { nullable: false, identity: true }),
        pgColumn('name', 'character varying(120)', { nullable: false, default: "'unnamed'::character varying", comment: 'Shown on invoices' }),
        pgColumn('email', 'text', { nullable: false })],
      primary_key: ['id'],
      uniques: [{ name: 'accounts_email_key', columns: ['email'] }],
      indexes: [{ name: 'accounts_email_key', columns: ['email'], unique: true, constraint: true },
        { name: 'accounts_name_idx', columns: ['name'], unique: false, constraint: false }, pkey('accounts')],
      comment: 'Customers',
      rows: 20,
    }),
    pgTable('comments', {
      columns: [serial('comments'), pgColumn('task_id', 'bigint', { nullable: false }), pgColumn('body', 'text', { nullable: false }),
        pgColumn('created_at', 'timestamp with time zone', { nullable: false, default: 'now()' })],
      primary_key: ['id'],
      foreign_keys: [{ name: 'comments_task_id_fkey', columns: ['task_id'], references: 'tasks', ref_columns: ['id'] }],
      indexes: [pkey('comments')],
      checks: [{ name: 'comments_body_check', expression: '(length(body) > 0)' }],
      triggers: [{ name: 'comments_touch', timing: 'BEFORE INSERT OR UPDATE', columns: ['body'] }],
      rows: 300,
    }),
    pgTable('projects', {
      columns: [serial('projects'), pgColumn('account_id', 'bigint', { nullable: false }), pgColumn('title', 'text', { nullable: false }),
        pgColumn('budget', 'numeric(12,2)'), pgColumn('archived_at', 'timestamp with time zone')],
      primary_key: ['id'],
      foreign_keys: [{ name: 'projects_account_id_fkey', columns: ['account_id'], references: 'accounts', ref_columns: ['id'], on_delete: 'CASCADE' }],
      indexes: [{ name: 'projects_active_idx', columns: ['account_id'], unique: false, where: 'archived_at IS NULL', constraint: false }, pkey('projects')],
      checks: [{ name: 'budget_positive', expression: '(budget >= (0)::numeric)' }],
      rls: { enabled: true, forced: true, policies: ['projects_by_account'] },
      rows: 50,
    }),
    // Never analyzed: reltuples is -1, so rows are unknown.
    pgTable('tags', { columns: [serial('tags', 'integer'), pgColumn('label', 'text', { nullable: false })], primary_key: ['id'], indexes: [pkey('tags')] }),
    pgTable('task_tags', {
      columns: [pgColumn('task_id', 'bigint', { nullable: false }), pgColumn('tag_id', 'integer', { nullable: false })],
      primary_key: ['task_id', 'tag_id'],
      foreign_keys: [{ name: 'task_tags_tag_id_fkey', columns: ['tag_id'], references: 'tags', ref_columns: ['id'] },
        { name: 'task_tags_task_id_fkey', columns: ['task_id'], references: 'tasks', ref_columns: ['id'] }],
      indexes: [pkey('task_tags', ['task_id', 'tag_id']), { name: 'task_tags_tag_idx', columns: ['tag_id'], unique: false, method: 'hash', constraint: false }],
    }),
    pgTable('tasks', {
      columns: [serial('tasks'), pgColumn('project_id', 'bigint', { nullable: false }), pgColumn('parent_id', 'bigint'),
        pgColumn('title', 'text', { nullable: false }), pgColumn('title_key', 'text', { generated: { expression: 'lower(title)', stored: true } })],
      primary_key: ['id'],
      foreign_keys: [{ name: 'tasks_parent_id_fkey', columns: ['parent_id'], references: 'tasks', ref_columns: ['id'], on_delete: 'SET NULL' },
        { name: 'tasks_project_id_fkey', columns: ['project_id'], references: 'projects', ref_columns: ['id'] }],
      indexes: [pkey('tasks'), { name: 'tasks_title_key_idx', columns: ['(lower(title))', 'project_id'], unique: false, constraint: false }],
      rows: 200,
    }),
  ];
}

export const PG_FIXTURE_VIEWS = [{
  name: 'open_tasks',
  reads: ['projects', 'tasks', 'projects.archived_at', 'projects.id', 'projects.title', 'tasks.id', 'tasks.project_id', 'tasks.title'],
  definition: 'SELECT t.id,\n    t.title,\n    p.title AS project\n   FROM public.tasks t\n     JOIN public.projects p ON p.id = t.project_id\n  WHERE p.archived_at IS NULL',
  materialized: false,
}];
