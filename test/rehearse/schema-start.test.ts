/**
 * Rehearsals that start from the plan's recorded schema (`plan new --schema` writes it into the plan):
 * the tables are created as the section describes them and read back from each engine's catalog; the
 * seed rows respect foreign keys, unique and check constraints; and plans made from the schema rehearse
 * end to end. A four-level chain of foreign keys (orgs ← teams ← projects ← tasks) with a
 * self-reference, on embedded PostgreSQL, MariaDB and SQLite.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatabaseSchema, TableDef } from '../../src/model/database.js';
import { DatabaseSchemaSchema } from '../../src/model/database.js';
import type { Driver, EngineName } from '../../src/rehearse/driver.js';
import { openMysql } from '../../src/rehearse/mysql.js';
import { openPostgres, startEmbedded } from '../../src/rehearse/postgres.js';
import { setUpFromSchema } from '../../src/rehearse/schema-start.js';
import { diffSnapshots } from '../../src/rehearse/snapshot.js';
import { openSqlite } from '../../src/rehearse/sqlite.js';
import { runCli, tempDir } from '../helpers.js';
import { serverForBlock, startMariadb } from './servers.js';

const ROWS = 100;

/** The fixture schema, in each engine's own type names. */
function fixtureSchema(engine: EngineName): DatabaseSchema {
  const pg = engine === 'postgres';
  const my = engine === 'mysql';
  const bigint = engine === 'sqlite' ? 'INTEGER' : 'bigint';
  const id = { name: 'id', type: bigint, nullable: false, identity: true };
  const timestamp = pg ? 'timestamp with time zone' : my ? 'datetime' : 'TIMESTAMP';
  const tables: unknown[] = [
    {
      name: 'orgs',
      columns: [id, { name: 'name', type: 'varchar(120)', nullable: false, default: "'acme'" },
        { name: 'created_at', type: timestamp, nullable: false, default: pg || my ? 'CURRENT_TIMESTAMP' : 'CURRENT_TIMESTAMP' }],
      primary_key: ['id'], uniques: [{ name: 'orgs_name_key', columns: ['name'] }],
    },
    {
      name: 'teams',
      columns: [id, { name: 'org_id', type: bigint, nullable: false },
        { name: 'title', type: 'varchar(120)', nullable: false, default: "''" },
        { name: 'budget', type: pg ? 'numeric(12,2)' : 'decimal(12,2)', default: '0' },
        { name: 'active', type: 'boolean', nullable: false, default: pg || engine === 'sqlite' ? 'true' : '1' }],
      primary_key: ['id'],
      foreign_keys: [{ name: 'teams_org_fk', columns: ['org_id'], references: 'orgs', ref_columns: ['id'], on_delete: 'CASCADE' }],
      checks: [{ name: 'teams_budget_check', expression: 'budget >= 0' }],
      indexes: [{ name: 'teams_org_idx', columns: ['org_id'] }],
    },
    {
      name: 'projects',
      columns: [id, { name: 'team_id', type: bigint, nullable: false },
        { name: 'code', type: 'varchar(20)', nullable: false },
        my ? { name: 'status', type: "enum('open','closed')", nullable: false, default: "'open'" }
          : { name: 'status', type: 'varchar(10)', nullable: false, default: "'open'" },
        ...(pg ? [{ name: 'ref', type: 'uuid', nullable: false }] : [])],
      primary_key: ['id'],
      foreign_keys: [{ name: 'projects_team_fk', columns: ['team_id'], references: 'teams', ref_columns: ['id'] }],
      uniques: [{ name: 'projects_code_key', columns: ['code'] }],
      checks: my ? [] : [{ name: 'projects_status_check', expression: "status IN ('open', 'closed')" }],
      indexes: my ? [{ name: 'projects_team_idx', columns: ['team_id'] }] : [{ name: 'projects_open_idx', columns: ['team_id'], where: "status = 'open'" }],
    },
    {
      name: 'tasks',
      comment: 'work items',
      columns: [id, { name: 'project_id', type: bigint, nullable: false },
        { name: 'parent_id', type: bigint },
        { name: 'fname', type: 'varchar(120)', nullable: false, default: "'todo'", comment: 'the first name' },
        { name: 'due', type: pg ? 'date' : my ? 'date' : 'DATE' }],
      primary_key: ['id'],
      foreign_keys: [{ name: 'tasks_project_fk', columns: ['project_id'], references: 'projects', ref_columns: ['id'] },
        { name: 'tasks_parent_fk', columns: ['parent_id'], references: 'tasks', ref_columns: ['id'] }],
      indexes: [{ name: 'tasks_fname_idx', columns: ['fname'] }, { name: 'tasks_project_idx', columns: ['project_id'] }, { name: 'tasks_parent_idx', columns: ['parent_id'] }],
    },
  ];
  return DatabaseSchemaSchema.parse({ engine, source: { kind: 'plan-json', file: 'fixture.json' }, tables, views: [] });
}

function fixtureFile(engine: EngineName): string {
  const file = join(tempDir(), `${engine}-schema.json`);
  const { source: _source, ...rest } = fixtureSchema(engine);
  writeFileSync(file, JSON.stringify({ ...rest, source: { kind: 'plan-json', file: 'x' } }, null, 2));
  return file;
}

/** Sets the fixture up on the driver; the notes and set-up rows. */
async function setUp(driver: Driver) {
  const notes: string[] = [];
  const steps: string[] = [];
  const exec = async (label: string, sql: string) => {
    try {
      await driver.run(sql);
    } catch (err) {
      throw new Error(`${label}: ${sql}: ${String(err)}`);
    }
    return 0;
  };
  await setUpFromSchema(driver, fixtureSchema(driver.engine), ROWS, exec, (s) => steps.push(s), notes);
  return { notes, steps };
}

/** budget >= 0 rejects the negative edge value of every eighth row (4, 12, …, 100): those rows get a plain budget. */
const CHECK_NOTE = 'teams: 13 of 100 seed rows were rejected with edge values (a CHECK constraint or the type) and seeded with plain values in the columns that rejected them';

/** The snapshot objects a statement changes (what a down that forgot to undo it would leave different). */
async function changedBy(driver: Driver, sql: string): Promise<string[]> {
  const before = await driver.snapshot();
  await driver.run(sql);
  return diffSnapshots(before, await driver.snapshot()).map((d) => d.object);
}

const count = async (driver: Driver, sql: string) => Number((await driver.query(sql))[0]![0]);

/** What every engine's seed rows must satisfy: keys, uniqueness, checks, NOT NULL, and the edge values kept. */
async function assertRows(driver: Driver) {
  for (const t of ['orgs', 'teams', 'projects', 'tasks']) expect(await count(driver, `SELECT count(*) FROM ${t}`), t).toBe(ROWS);
  // Every foreign key reaches a parent row; the self-reference points at an earlier row or is NULL.
  expect(await count(driver, 'SELECT count(*) FROM teams c LEFT JOIN orgs p ON p.id = c.org_id WHERE p.id IS NULL')).toBe(0);
  expect(await count(driver, 'SELECT count(*) FROM projects c LEFT JOIN teams p ON p.id = c.team_id WHERE p.id IS NULL')).toBe(0);
  expect(await count(driver, 'SELECT count(*) FROM tasks c LEFT JOIN projects p ON p.id = c.project_id WHERE p.id IS NULL')).toBe(0);
  expect(await count(driver, 'SELECT count(*) FROM tasks c LEFT JOIN tasks p ON p.id = c.parent_id WHERE c.parent_id IS NOT NULL AND (p.id IS NULL OR p.id >= c.id)')).toBe(0);
  expect(await count(driver, 'SELECT count(*) FROM tasks WHERE parent_id IS NULL')).toBeGreaterThan(1);
  // Unique columns distinct, the check respected, NOT NULL never NULL.
  expect(await count(driver, 'SELECT count(DISTINCT name) FROM orgs')).toBe(ROWS);
  expect(await count(driver, 'SELECT count(DISTINCT code) FROM projects')).toBe(ROWS);
  expect(await count(driver, 'SELECT count(*) FROM teams WHERE budget < 0')).toBe(0);
  // Those rows kept their other edge values: the non-ASCII title is in the same rows as the rejected budget.
  expect(await count(driver, "SELECT count(*) FROM teams WHERE title LIKE '%東京%'")).toBe(13);
  expect(await count(driver, "SELECT count(*) FROM projects WHERE status NOT IN ('open', 'closed')")).toBe(0);
  expect(await count(driver, 'SELECT count(*) FROM tasks WHERE fname IS NULL')).toBe(0);
  // The edge values stayed where the schema allows them: the longest value is exactly varchar(120), '' and non-ASCII are there.
  const length = driver.engine === 'mysql' ? 'CHAR_LENGTH' : 'length';
  expect(await count(driver, `SELECT max(${length}(fname)) FROM tasks`)).toBe(120);
  expect(await count(driver, `SELECT max(${length}(code)) FROM projects`)).toBe(20);
  expect(await count(driver, "SELECT count(*) FROM tasks WHERE fname = ''")).toBeGreaterThan(1);
  expect(await count(driver, "SELECT count(*) FROM tasks WHERE fname LIKE '%東京%'")).toBeGreaterThan(1);
  expect(await count(driver, 'SELECT count(*) FROM teams WHERE budget = 9999999999.99')).toBeGreaterThan(1);
  expect(await count(driver, 'SELECT count(*) FROM tasks WHERE due IS NULL')).toBeGreaterThan(1);
}

/** `plan new TEMPLATE --schema FILE …` then `plan rehearse`: passes, with the tables from the section. */
function planAndRehearse(engine: EngineName, template: string, set: Record<string, string>, tables: string[], url?: string) {
  const dir = tempDir();
  const file = join(dir, `${template}.plan.yaml`);
  const made = runCli(['new', template, '--schema', fixtureFile(engine), '--out', file, ...Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${v}`])]);
  expect(made.code, made.stdout + made.stderr).toBe(0);
  const r = runCli(['rehearse', file, ...(url ? ['--url', url] : []), '--json']);
  const json = JSON.parse(r.stdout);
  expect(json.ok, `${json.verdict}\n${json.notes.join("\n")}\n${JSON.stringify(json.failure?.differences ?? [])}`).toBe(true);
  expect(r.code).toBe(0);
  expect(json.rows.filter((row: { statement: string }) => row.statement.startsWith('create ')).map((row: { statement: string }) => row.statement.split(' ')[1]))
    .toEqual(tables);
  expect(json.notes[0]).toMatch(new RegExp(`^starting schema: ${tables.length} tables from the plan's schema section`));
  const downs = json.rows.filter((row: { statement: string }) => row.statement.startsWith('down: snapshot'));
  expect(downs.length).toBeGreaterThan(0);
  return json;
}

/** Each plan: its template, parameters, and the tables its schema section records (the named one and those it references, parents first). */
const PLANS: [string, Record<string, string>, string[]][] = [
  ['rename-column', { table: 'teams', column: 'title', new_column: 'heading' }, ['orgs', 'teams']],
  ['add-not-null-column', { table: 'tasks', column: 'done', column_type: 'boolean', fill_value: 'false' }, ['orgs', 'teams', 'projects', 'tasks']],
];

describe('on PostgreSQL (embedded)', () => {
  const url = serverForBlock(startEmbedded, (server) => server.stop(false));

  it('creates the tables as the section describes them and seeds rows they accept', async () => {
    const driver = await openPostgres(url());
    try {
      const { notes } = await setUp(driver);
      expect(notes).toEqual([CHECK_NOTE]);
      const columns = Object.fromEntries((await driver.query(`SELECT table_name || '.' || column_name, concat_ws(' ', data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable, column_default, is_identity)
        FROM information_schema.columns WHERE table_schema = 'public'`)).map(([k, v]) => [k, v]));
      expect(columns['tasks.fname']).toBe("character varying 120 NO 'todo'::character varying NO");
      expect(columns['teams.budget']).toBe('numeric 12 2 YES 0 NO');
      expect(columns['teams.active']).toBe('boolean NO true NO');
      expect(columns['orgs.created_at']).toBe('timestamp with time zone NO CURRENT_TIMESTAMP NO');
      expect(columns['projects.ref']).toBe('uuid NO NO');
      expect(columns['orgs.id']).toBe('bigint 64 0 NO YES');
      const constraints = (await driver.query(`SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1`)).map((r) => r[0]);
      expect(constraints).toEqual(expect.arrayContaining([
        'orgs_name_key UNIQUE (name)', 'projects_code_key UNIQUE (code)', 'teams_budget_check CHECK ((budget >= (0)::numeric))',
        'teams_org_fk FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE CASCADE', 'tasks_parent_fk FOREIGN KEY (parent_id) REFERENCES tasks(id)',
        "projects_status_check CHECK (((status)::text = ANY ((ARRAY['open'::character varying, 'closed'::character varying])::text[])))",
      ]));
      const indexes = Object.fromEntries((await driver.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'`)).map(([k, v]) => [k, v]));
      expect(indexes.projects_open_idx).toBe("CREATE INDEX projects_open_idx ON public.projects USING btree (team_id) WHERE ((status)::text = 'open'::text)");
      expect(indexes.tasks_fname_idx).toBe('CREATE INDEX tasks_fname_idx ON public.tasks USING btree (fname)');
      expect((await driver.query(`SELECT col_description('tasks'::regclass, 4), obj_description('tasks'::regclass, 'pg_class')`))[0]).toEqual(['the first name', 'work items']);
      await assertRows(driver);
      expect(await count(driver, "SELECT count(*) FROM projects WHERE ref = '00000000-0000-0000-0000-000000000000'")).toBe(13);
      // The snapshot a down is compared with sees comments, identity and defaults.
      expect(await changedBy(driver, "COMMENT ON COLUMN tasks.fname IS 'changed'")).toEqual(['column tasks.fname']);
      expect(await changedBy(driver, "COMMENT ON TABLE tasks IS 'changed'")).toEqual(['table tasks']);
      expect(await changedBy(driver, 'ALTER TABLE orgs ALTER COLUMN id SET GENERATED ALWAYS')).toEqual(['column orgs.id']);
      expect(await changedBy(driver, 'ALTER TABLE tasks ALTER COLUMN fname DROP DEFAULT')).toEqual(['column tasks.fname']);
      // The identity continues after the seeded ids.
      await driver.run("INSERT INTO orgs (name) VALUES ('new org')");
      expect(await count(driver, "SELECT id FROM orgs WHERE name = 'new org'")).toBe(ROWS + 1);
    } finally {
      await driver.close(false);
    }
  });

  it('a type the server does not know becomes text, a default it cannot evaluate is left out, each said in a note', async () => {
    const driver = await openPostgres(url());
    try {
      const schema = fixtureSchema('postgres');
      const orgs: TableDef = { ...schema.tables[0]!, columns: [...schema.tables[0]!.columns,
        { name: 'mood', type: 'mood', nullable: false, default: "'ok'::mood", identity: false },
        { name: 'key', type: 'uuid', nullable: false, default: 'public.uuid_generate_v4()', identity: false },
        { name: 'made', type: 'uuid', nullable: false, default: 'gen_random_uuid()', identity: false }] };
      const notes: string[] = [];
      await setUpFromSchema(driver, { tables: [orgs], views: [] }, 10, async (_l, sql) => (await driver.run(sql), 0), () => undefined, notes);
      expect(notes).toEqual([
        'orgs.mood: type mood is not in the plan\'s schema section (a user-defined type?); the rehearsal creates the column as text, without its default',
        'orgs.key: its default public.uuid_generate_v4() cannot be evaluated here (an extension\'s function?); the rehearsal creates the column without it',
      ]);
      expect(await count(driver, 'SELECT count(*) FROM orgs WHERE mood IS NOT NULL AND key IS NOT NULL')).toBe(10);
      expect((await driver.query(`SELECT column_default FROM information_schema.columns WHERE table_name = 'orgs' AND column_name = 'made'`))[0]).toEqual(['gen_random_uuid()']);
    } finally {
      await driver.close(false);
    }
  });

  it.each(PLANS)('plan new %s --schema, then plan rehearse, passes', (template, set, tables) => {
    planAndRehearse('postgres', template, set, tables, url());
  });
});

describe('on SQLite (in-process)', () => {
  it('creates the tables as the section describes them and seeds rows they accept', async () => {
    const driver = await openSqlite();
    try {
      const { notes } = await setUp(driver);
      expect(notes).toEqual([CHECK_NOTE]);
      const info = (await driver.query(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info('tasks')`)).map((r) => r.join(' '));
      expect(info).toEqual(['id INTEGER 1  1', 'project_id INTEGER 1  0', 'parent_id INTEGER 0  0', "fname varchar(120) 1 'todo' 0", 'due DATE 0  0']);
      const partial = await driver.query(`SELECT sql FROM sqlite_master WHERE name = 'projects_open_idx'`);
      expect(partial[0]![0]).toBe(`CREATE INDEX "projects_open_idx" ON "projects" ("team_id") WHERE status = 'open'`);
      expect((await driver.query(`SELECT "table", "from", "to" FROM pragma_foreign_key_list('tasks') ORDER BY id`)).map((r) => r.join(' ')).sort()).toEqual(['projects project_id id', 'tasks parent_id id']);
      await assertRows(driver);
      // Foreign keys as SQLite itself checks them.
      expect(await driver.query('PRAGMA foreign_key_check')).toEqual([]);
    } finally {
      await driver.close(false);
    }
  });

  it.each(PLANS)('plan new %s --schema, then plan rehearse, passes', (template, set, tables) => {
    planAndRehearse('sqlite', template, set, tables);
  });
});

describe('plan rehearse --schema FILE (a plan written without one)', () => {
  const plan = () => {
    const file = join(tempDir(), 'rename.plan.yaml');
    const made = runCli(['new', 'rename-column', '--db', 'sqlite', '--out', file, '--set', 'table=teams', '--set', 'column=title', '--set', 'new_column=heading']);
    expect(made.code, made.stderr).toBe(0);
    return file;
  };

  it('starts from the schema file instead of the inferred tables', () => {
    const schema = fixtureFile('sqlite');
    const r = runCli(['rehearse', plan(), '--schema', schema, '--json']);
    const json = JSON.parse(r.stdout);
    expect(json.ok, json.verdict).toBe(true);
    expect(json.notes[0]).toBe(`starting schema: 4 tables from ${schema}`);
    expect(json.schema.find((t: { name: string }) => t.name === 'teams').columns.map((c: { type: string }) => c.type)).toEqual(['INTEGER', 'INTEGER', 'varchar(120)', 'decimal(12,2)', 'boolean']);
  });

  it('tables the statements use that the schema lacks are inferred, as without one', () => {
    const file = join(tempDir(), 'rename-users.plan.yaml');
    expect(runCli(['new', 'rename-column', '--db', 'sqlite', '--out', file]).code).toBe(0);
    const schema = fixtureFile('sqlite');
    const json = JSON.parse(runCli(['rehearse', file, '--schema', schema, '--json']).stdout);
    expect(json.ok, json.verdict).toBe(true);
    expect(json.notes[0]).toBe(`starting schema: 4 tables from ${schema}; users inferred from the statements (not in that schema)`);
    expect(json.rows.filter((r: { statement: string }) => r.statement.startsWith('create ')).map((r: { statement: string }) => r.statement))
      .toEqual(['orgs', 'teams', 'projects', 'tasks'].map((t) => `create ${t} as the schema describes it (${t === 'teams' ? 5 : t === 'tasks' ? 5 : t === 'orgs' ? 3 : 4} columns)`).concat('create users (id, fname text)'));
  });

  it('a schema of another engine is bad usage, located in the schema file', () => {
    const schema = fixtureFile('postgres');
    const r = runCli(['rehearse', plan(), '--schema', schema]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${schema}:1`);
    expect(r.stderr).toContain('the schema is for postgres, but the plan is rehearsed on sqlite');
  });
});

describe('on MySQL: MariaDB', () => {
  const url = serverForBlock(startMariadb, (server) => server.stop());

  it('creates the tables as the section describes them and seeds rows they accept', async () => {
    const driver = await openMysql(url());
    try {
      const { notes } = await setUp(driver);
      expect(notes).toEqual([CHECK_NOTE]);
      const columns = Object.fromEntries((await driver.query(`SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME), CONCAT_WS(' ', COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, NULLIF(EXTRA, ''), NULLIF(COLUMN_COMMENT, ''))
        FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()`)).map(([k, v]) => [k, v]));
      expect(columns['tasks.fname']).toBe("varchar(120) NO 'todo' the first name");
      expect(columns['teams.budget']).toBe('decimal(12,2) YES 0.00');
      expect(columns['projects.status']).toBe("enum('open','closed') NO 'open'");
      expect(columns['orgs.id']).toBe('bigint(20) NO auto_increment');
      const constraints = (await driver.query(`SELECT CONCAT(TABLE_NAME, '.', CONSTRAINT_NAME, ' ', CONSTRAINT_TYPE) FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`)).map((r) => r[0]);
      expect(constraints).toEqual(expect.arrayContaining(['orgs.orgs_name_key UNIQUE', 'teams.teams_budget_check CHECK', 'tasks.tasks_parent_fk FOREIGN KEY', 'projects.projects_team_fk FOREIGN KEY']));
      expect((await driver.query(`SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'tasks'`))[0]).toEqual(['work items']);
      await assertRows(driver);
      expect(await count(driver, "SELECT count(*) FROM projects WHERE status = 'closed'")).toBeGreaterThan(1);
      // The snapshot a down is compared with sees comments.
      expect(await changedBy(driver, "ALTER TABLE tasks MODIFY fname varchar(120) NOT NULL DEFAULT 'todo' COMMENT 'changed'")).toEqual(['column tasks.fname']);
      expect(await changedBy(driver, "ALTER TABLE tasks COMMENT = 'changed'")).toEqual(['table tasks']);
    } finally {
      await driver.close(false);
    }
  });

  it.each(PLANS)('plan new %s --schema, then plan rehearse, passes', (template, set, tables) => {
    planAndRehearse('mysql', template, set, tables, url());
  });
});
