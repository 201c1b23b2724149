/**
 * rename-column, change-column-type and split-column planned from the user's schema (`--schema`, here the model's own
 * JSON): the new column gets the old one's full type; its indexes (plain, partial, composite) and unique constraints are
 * rebuilt online, its default, NOT NULL, comment and foreign keys (its own and other tables' that point at it) carried,
 * all before reads switch (the switch depends on those steps); the old indexes and keys are dropped on their own before
 * the old column. Each plan checks clean (strict) and is rehearsed on PostgreSQL (embedded), MariaDB and SQLite.
 *
 * The rehearsals seed two rows: until the rehearsal builds its starting schema from the plan's `schema:` section, it
 * infers every text column as nullable text and seeds NULLs and 255-character strings (from the third row on), which
 * a NOT NULL varchar(120) column never holds; the first two rows hold neither, so the same test passes both ways.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startEmbedded } from '../../src/rehearse/postgres.js';
import { replacedColumn } from '../../src/templates/column-facts.js';
import { TableDefSchema } from '../../src/model/database.js';
import { runCli, tempDir } from '../helpers.js';
import { serverForBlock, startMariadb } from '../rehearse/servers.js';

type Engine = 'postgres' | 'mysql' | 'sqlite';

/** Each engine's spelling of the column types and defaults, as its dump (and so the schema) writes them. */
const SPELLING: Record<Engine, { version: Record<string, unknown>; id: string; int: string; time: string; name: string; def: string; amount: string; zero: string }> = {
  postgres: { version: { text: '15.4', num: 150004 }, id: 'bigint', int: 'bigint', time: 'timestamp with time zone', name: 'character varying(120)', def: "''::character varying", amount: 'numeric(12,2)', zero: '0' },
  mysql: { version: { text: '10.11.6-MariaDB', num: 101106, flavor: 'mariadb' }, id: 'bigint', int: 'bigint', time: 'datetime', name: 'varchar(120)', def: "''", amount: 'decimal(12,2)', zero: '0.00' },
  sqlite: { version: { text: '3.46.0', num: 3046000 }, id: 'INTEGER', int: 'INTEGER', time: 'TEXT', name: 'VARCHAR(120)', def: "''", amount: 'NUMERIC(12,2)', zero: '0' },
};

interface FixtureOptions { column?: string; type?: 'name' | 'amount'; incoming?: boolean }

/**
 * `users` with `column` (fname): NOT NULL, a default, a comment (not on SQLite), three indexes — plain, partial (not on
 * MySQL), composite — and part of a UNIQUE (org_id, column). With `incoming`, the column is unique on its own and
 * `invitations.invited_by` references it.
 */
function schemaFile(engine: Engine, options: FixtureOptions = {}): string {
  const s = SPELLING[engine];
  const c = options.column ?? 'fname';
  const amount = options.type === 'amount';
  const unique = options.incoming ? [c] : ['org_id', c];
  const uniqueName = `users_${unique.join('_')}_key`;
  const users = {
    name: 'users',
    columns: [
      { name: 'id', type: s.id, nullable: false },
      { name: 'org_id', type: s.int, nullable: false },
      { name: 'deleted_at', type: s.time },
      { name: c, type: amount ? s.amount : s.name, nullable: false, default: amount ? s.zero : s.def, ...(engine === 'sqlite' ? {} : { comment: "Given name, as typed (it's free text)" }) },
    ],
    primary_key: ['id'],
    uniques: engine === 'sqlite' ? [] : [{ name: uniqueName, columns: unique }],
    indexes: [
      { name: `users_${c}_idx`, columns: [c] },
      ...(engine === 'mysql' ? [] : [{ name: `users_live_${c}_idx`, columns: [c], where: engine === 'postgres' ? '(deleted_at IS NULL)' : 'deleted_at IS NULL' }]),
      { name: `users_org_id_${c}_deleted_at_idx`, columns: ['org_id', c, 'deleted_at'] },
      // SQLite's unique is an index of its own (a table's UNIQUE constraint cannot be dropped without a rebuild).
      { name: uniqueName, columns: unique, unique: true, constraint: engine !== 'sqlite' },
    ],
    rows: 2_500_000,
  };
  const invitations = {
    name: 'invitations',
    columns: [{ name: 'id', type: s.id, nullable: false }, { name: 'invited_by', type: s.name }],
    primary_key: ['id'],
    foreign_keys: [{ name: 'invitations_invited_by_fkey', columns: ['invited_by'], references: 'users', ref_columns: [c], on_delete: 'SET NULL' }],
    indexes: [{ name: 'invitations_invited_by_idx', columns: ['invited_by'] }],
    rows: 40_000,
  };
  const file = join(tempDir(), `${engine}-schema.json`);
  writeFileSync(file, JSON.stringify({
    engine, version: s.version, source: { kind: 'plan-json', file: 'schema.json' },
    tables: [users, ...(options.incoming ? [invitations] : [])],
  }, null, 2));
  return file;
}

interface Task { id: string; depends?: string[]; description: string; sql?: { up?: unknown[]; down?: unknown[]; verify?: { query: string }[] } }

/** `plan new TEMPLATE --schema FILE --set …`, then `plan check --strict`: zero findings. The plan's tasks by id. */
function planFrom(template: string, schema: string, set: Record<string, string>) {
  const file = join(tempDir(), `${template}.plan.yaml`);
  const made = runCli(['new', template, '--schema', schema, '--out', file, ...Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${v}`])]);
  expect(made.code, made.stderr).toBe(0);
  const checked = runCli(['check', file, '--strict', '--json']);
  expect(checked.code, checked.stdout + checked.stderr).toBe(0);
  expect(JSON.parse(checked.stdout).counts).toMatchObject({ errors: 0, warnings: 0, info: 0 });
  const planned = parse(readFileSync(file, 'utf8'));
  const tasks: Task[] = planned.tasks;
  return { file, parameters: planned.generated_by.parameters as Record<string, unknown>, task: (id: string) => tasks.find((t) => t.id === id)!, has: (id: string) => tasks.some((t) => t.id === id) };
}

const statements = (list: unknown[] = []) => list.map((s) => (typeof s === 'string' ? s : (s as { run: string }).run)).join('\n');

function rehearse(file: string, url?: string): void {
  const r = runCli(['rehearse', file, '--rows', '2', ...(url ? ['--url', url] : []), '--json']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(JSON.parse(r.stdout).ok).toBe(true);
}

/** What every engine's rename must show; `url` reaches the server (none: SQLite in process). */
function renameChecks(engine: Engine, url: () => string | undefined) {
  it('rename-column: same full type, indexes rebuilt online and definition carried before the switch; old ones dropped first', () => {
    const s = SPELLING[engine];
    const plan = planFrom('rename-column', schemaFile(engine), { table: 'users', column: 'fname', new_column: 'first_name' });
    // The table's rows (2.5 million) size the batches and the estimates, not the template's default.
    expect(plan.parameters.rows).toBe(2_500_000);
    expect(statements(plan.task('T1').sql!.up)).toContain(`ADD COLUMN ${engine === 'postgres' ? 'IF NOT EXISTS ' : ''}first_name ${s.name}`);
    const indexes = statements(plan.task('C1').sql!.up);
    if (engine === 'postgres') {
      expect(indexes).toContain('CREATE INDEX CONCURRENTLY IF NOT EXISTS users_first_name_idx ON users (first_name)');
      expect(indexes).toContain('users_live_first_name_idx ON users (first_name) WHERE (deleted_at IS NULL)');
      expect(indexes).toContain('users_org_id_first_name_deleted_at_idx ON users (org_id, first_name, deleted_at)');
      expect(indexes).toContain('ADD CONSTRAINT users_org_id_first_name_key UNIQUE USING INDEX users_org_id_first_name_key');
      expect(plan.task('C1').sql!.up!.filter((u) => typeof u === 'object' && (u as { transaction?: boolean }).transaction === false)).toHaveLength(4);
    } else if (engine === 'mysql') {
      expect(indexes).toContain('ADD INDEX users_first_name_idx (first_name), ADD INDEX users_org_id_first_name_deleted_at_idx (org_id, first_name, deleted_at), ADD UNIQUE INDEX users_org_id_first_name_key (org_id, first_name), ALGORITHM=INPLACE, LOCK=NONE');
    } else {
      expect(indexes).toContain('CREATE INDEX IF NOT EXISTS users_live_first_name_idx ON users (first_name) WHERE deleted_at IS NULL');
      expect(indexes).toContain('CREATE UNIQUE INDEX IF NOT EXISTS users_org_id_first_name_key ON users (org_id, first_name)');
    }
    const carried = statements(plan.task('C2').sql!.up);
    if (engine === 'postgres') {
      expect(carried).toContain("ALTER COLUMN first_name SET DEFAULT ''::character varying");
      expect(carried).toMatch(/CHECK \(first_name IS NOT NULL\) NOT VALID[\s\S]*VALIDATE CONSTRAINT[\s\S]*ALTER COLUMN first_name SET NOT NULL/);
      expect(carried).toContain("COMMENT ON COLUMN users.first_name IS 'Given name, as typed (it''s free text)'");
    } else if (engine === 'mysql') {
      expect(carried).toContain("MODIFY first_name varchar(120) NOT NULL DEFAULT '' COMMENT 'Given name, as typed (it''s free text)', ALGORITHM=INPLACE, LOCK=NONE");
    } else {
      expect(carried).toContain('users_first_name_not_null_insert BEFORE INSERT');
      expect(plan.task('C2').description).toMatch(/default '' cannot be given to an existing column/);
    }
    // Reads switch after the indexes and the definition are there, and checked.
    expect(plan.task('T4').depends).toEqual(expect.arrayContaining(['C1', 'C2', 'V4']));
    expect(plan.task('C2').depends).toContain('C1');
    // The old indexes go on their own, checked, right before the column.
    expect(plan.task('T5').depends).toContain('T6');
    expect(statements(plan.task('T6').sql!.up)).toMatch(engine === 'postgres' ? /DROP INDEX CONCURRENTLY IF EXISTS users_org_id_fname_deleted_at_idx/
      : engine === 'mysql' ? /DROP INDEX IF EXISTS users_org_id_fname_deleted_at_idx/ : /DROP INDEX IF EXISTS users_org_id_fname_deleted_at_idx/);
    rehearse(plan.file, url());
  });

  it('rename-column: another table\'s foreign key to the column is re-pointed before the switch and dropped before the column', () => {
    const plan = planFrom('rename-column', schemaFile(engine, { incoming: true }), { table: 'users', column: 'fname', new_column: 'first_name' });
    if (engine === 'sqlite') {
      expect(plan.task('C2').description).toMatch(/foreign keys are part of a table's definition/);
      expect(plan.task('T6').description).toMatch(/needs the table rebuilt/);
    } else {
      expect(statements(plan.task('C2').sql!.up)).toMatch(/ALTER TABLE invitations ADD CONSTRAINT invitations_invited_by_fkey_first_name FOREIGN KEY \(invited_by\) REFERENCES users \(first_name\) ON DELETE SET NULL/);
      if (engine === 'postgres') expect(statements(plan.task('C2').sql!.up)).toMatch(/NOT VALID[\s\S]*VALIDATE CONSTRAINT invitations_invited_by_fkey_first_name/);
      expect(statements(plan.task('T6').sql!.up)).toMatch(/ALTER TABLE invitations DROP (CONSTRAINT IF EXISTS|FOREIGN KEY IF EXISTS) invitations_invited_by_fkey/);
    }
    rehearse(plan.file, url());
  });

  it('change-column-type: indexes and definition carried onto the converted column; the in-place path restates it', () => {
    const schema = schemaFile(engine, { column: 'amount', type: 'amount' });
    const plan = planFrom('change-column-type', schema, { table: 'users', column: 'amount', new_type: 'bigint', new_column: 'amount_bigint' });
    expect(statements(plan.task('C1').sql!.up)).toContain('users_org_id_amount_bigint_deleted_at_idx');
    expect(plan.task('T4').depends).toEqual(expect.arrayContaining(['C1', 'C2']));
    if (engine === 'mysql') expect(statements(plan.task('C2').sql!.up)).toContain("MODIFY amount_bigint bigint NOT NULL DEFAULT 0.00 COMMENT");
    rehearse(plan.file, url());
    if (engine === 'mysql') {
      const window = planFrom('change-column-type', schema, { table: 'users', column: 'amount', new_type: 'bigint', mode: 'maintenance-window' });
      expect(statements(window.task('T1').sql!.up)).toContain("MODIFY amount bigint NOT NULL DEFAULT 0.00 COMMENT 'Given name, as typed (it''s free text)', ALGORITHM=COPY");
      rehearse(window.file, url());
    }
  });

  it('split-column: the old column\'s indexes rebuilt on both halves, NOT NULL on the first', () => {
    const plan = planFrom('split-column', schemaFile(engine, { column: 'full_name' }), { table: 'users', column: 'full_name' });
    expect(statements(plan.task('C1').sql!.up)).toContain('(org_id, first_name, last_name, deleted_at)');
    // The second half is NULL where the whole had no space: PostgreSQL 15+ keeps the old uniqueness with NULLS NOT DISTINCT.
    if (engine === 'postgres') expect(statements(plan.task('C1').sql!.up)).toContain('(org_id, first_name, last_name) NULLS NOT DISTINCT');
    expect(plan.task('T4').depends).toEqual(expect.arrayContaining(['C1', 'C2']));
    expect(statements(plan.task('C2').sql!.up)).toMatch(/first_name/);
    expect(statements(plan.task('C2').sql!.up)).not.toMatch(/last_name/);
    rehearse(plan.file, url());
  });
}

describe('on PostgreSQL (embedded)', () => {
  const url = serverForBlock(startEmbedded, (server) => server.stop(false));
  renameChecks('postgres', url);
});

describe('on MySQL: MariaDB', () => {
  const url = serverForBlock(startMariadb, (server) => server.stop());
  renameChecks('mysql', url);
});

describe('on SQLite', () => {
  renameChecks('sqlite', () => undefined);
});

describe('without a schema', () => {
  it('nothing is carried by statements, and the switch says what must be and that --schema plans it', () => {
    const file = join(tempDir(), 'rename.plan.yaml');
    expect(runCli(['new', 'rename-column', '--db', 'postgres', '--out', file]).code).toBe(0);
    const tasks: Task[] = parse(readFileSync(file, 'utf8')).tasks;
    expect(tasks.map((t) => t.id)).not.toEqual(expect.arrayContaining(['C1']));
    expect(tasks.some((t) => ['C1', 'C2', 'V4', 'T6'].includes(t.id))).toBe(false);
    const switchReads = tasks.find((t) => t.id === 'T4')!;
    expect(switchReads.depends).toEqual(['V1']);
    expect(switchReads.description).toMatch(/indexes, unique and foreign-key constraints, default, NOT NULL or comment[\s\S]*--schema FILE/);
  });
});

describe('what a replaced column carries (src/templates/column-facts.ts)', () => {
  const table = TableDefSchema.parse({
    name: 'users',
    columns: [{ name: 'id', type: 'bigint', nullable: false }, { name: 'email', type: 'text', nullable: false }, { name: 'country', type: 'char(2)' }],
    primary_key: ['id'],
    foreign_keys: [{ name: 'users_country_fkey', columns: ['country'], references: 'countries', ref_columns: ['code'] }],
    indexes: [{ name: 'users_lower_email_idx', columns: ['(lower(email))'] }, { name: 'by_region', columns: ['country', 'id'], where: "country <> 'XX'" }, { name: 'users_id_idx', columns: ['id', 'email'] }],
  });
  const column = (name: string) => table.columns.find((c) => c.name === name)!;

  it('an expression index has the column replaced inside it; a name without the column gets the new one appended', () => {
    const facts = replacedColumn(table, column('email'), ['email_address'], 'rename-column', []);
    expect(facts.indexes).toMatchObject([{ name: 'users_lower_email_idx', new_name: 'users_lower_email_address_idx', columns: ['(lower(email_address))'], old_columns: ['(lower(email))'] },
      { name: 'users_id_idx', new_name: 'users_id_idx_email_address', columns: ['id', 'email_address'] }]);
    const country = replacedColumn(table, column('country'), ['country_code'], 'rename-column', []);
    expect(country.indexes).toMatchObject([{ new_name: 'by_region_country_code', columns: ['country_code', 'id'], where: "country_code <> 'XX'", old_where: "country <> 'XX'" }]);
    expect(country.foreign_keys).toMatchObject([{ new_name: 'users_country_code_fkey', columns: ['country_code'], references: 'countries', ref_columns: ['code'] }]);
    expect(country.not_null).toBe(false);
  });

  it('a type change or a split lists foreign keys instead of carrying them (the other side must change too)', () => {
    for (const kind of ['change-type', 'split-column'] as const) {
      const facts = replacedColumn(table, column('country'), ['country_new'], kind, []);
      expect(facts.foreign_keys).toEqual([]);
      expect(facts.listed_keys.map((k) => k.name)).toEqual(['users_country_fkey']);
    }
  });
});
