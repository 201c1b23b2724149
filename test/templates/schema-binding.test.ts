import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { PlanInputError } from '../../src/errors.js';
import { readSchemaFile } from '../../src/inspect/read.js';
import { fingerprint, ownedTables } from '../../src/inspect/query.js';
import { expandTemplate } from '../../src/templates/expand.js';
import { findTemplate } from '../../src/templates/registry.js';
import { templateManifestSchema } from '../../src/templates/parameters.js';
import type { DatabaseSchema } from '../../src/model/database.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'schema', 'shop.json');
const schema = async () => readSchemaFile(FIXTURE);

function thrown(fn: () => unknown): PlanInputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PlanInputError) return err;
    throw err;
  }
  throw new Error('expected a PlanInputError');
}

const rename = (s: DatabaseSchema, given: Record<string, string>) => expandTemplate(findTemplate('rename-column'), { given, schema: s });

describe('a template expanded against the schema', () => {
  it('fills the column type, the engine and the rows from it, and records the part it touches', async () => {
    const s = await schema();
    const { parameters, loaded } = rename(s, { table: 'projects', column: 'fname', new_column: 'first_name' });
    expect(parameters).toMatchObject({ column_type: 'character varying(120)', db: 'postgres', rows: 200_000 });
    const section = loaded.plan.schema!;
    // projects, and accounts because projects references it (the rehearsal creates both).
    expect(section.tables.map((t) => t.name)).toEqual(['accounts', 'projects']);
    expect(section.fingerprint).toBe(fingerprint(s));
    expect(section.version?.num).toBe(150018);
  });

  it('keeps what the user gave over what the schema says', async () => {
    const { parameters, text, loaded } = rename(await schema(), { table: 'projects', column: 'fname', new_column: 'first_name', column_type: 'text', rows: '10' });
    expect(parameters).toMatchObject({ column_type: 'text', rows: 10 });
    // The rows given stand for the table wherever the template sizes work; the plan records the schema as read.
    expect(text).toContain('10 rows is a small table');
    expect(loaded.plan.schema!.tables.find((t) => t.name === 'projects')!.rows).toBe(200_000);
  });

  it('spells names as the schema does', async () => {
    const { parameters } = rename(await schema(), { table: 'Projects', column: 'FNAME', new_column: 'first_name' });
    expect(parameters).toMatchObject({ table: 'projects', column: 'fname' });
  });

  it('refuses a table whose names the engine reads only quoted (the statements write names bare), located at each name', async () => {
    const s = await schema();
    // As Prisma creates a model without @@map on PostgreSQL: "Projects", with a column "accountId".
    const pascal: DatabaseSchema = { ...s, tables: s.tables.map((t) => (t.name !== 'projects' ? t
      : { ...t, name: 'Projects', columns: t.columns.map((c) => (c.name === 'account_id' ? { ...c, name: 'accountId' } : c)) })) };
    const err = thrown(() => rename(pascal, { table: 'Projects', column: 'fname', new_column: 'first_name' }));
    expect(err.exitCode).toBe(2);
    const projects = pascal.tables.find((t) => t.name === 'Projects')!;
    expect(err.details.map((d) => [d.message, d.location?.line])).toEqual([
      ['table "Projects": PostgreSQL reads this name only quoted, and the plan\'s statements write names bare', projects.line],
      ['column "accountId" of table "Projects": PostgreSQL reads this name only quoted, and the plan\'s statements write names bare', projects.columns.find((c) => c.name === 'accountId')!.line ?? projects.line],
    ]);
    expect(err.details[0]!.hint).toContain('ALTER TABLE "Projects" RENAME TO projects');
    // MySQL and SQLite read capitals bare as written; a space they do not.
    expect(() => rename({ ...pascal, engine: 'mysql' }, { table: 'Projects', column: 'fname', new_column: 'first_name' })).not.toThrow();
    const { version: _pgVersion, ...unversioned } = s;
    const spaced: DatabaseSchema = { ...unversioned, engine: 'sqlite', tables: s.tables.map((t) => (t.name !== 'projects' ? t
      : { ...t, columns: t.columns.map((c) => (c.name === 'account_id' ? { ...c, name: 'account id' } : c)) })) };
    expect(thrown(() => rename(spaced, { table: 'projects', column: 'fname', new_column: 'first_name' })).details[0]!.message)
      .toBe('column "account id" of table "projects": SQLite reads this name only quoted, and the plan\'s statements write names bare');
  });

  it('refuses an unknown table, located at the closest one in the schema file, with a did-you-mean', async () => {
    const s = await schema();
    const err = thrown(() => rename(s, { table: 'project', column: 'fname', new_column: 'x' }));
    expect(err.exitCode).toBe(2);
    expect(err.details[0]).toMatchObject({ location: { file: FIXTURE, line: 15 } });
    expect(err.details[0]!.message).toContain('parameter "table": table "project" is not in the schema');
    expect(err.details[0]!.hint).toContain('did you mean "projects" (line 15)');
  });

  it('refuses an unknown column, located at the closest column, and a new name that is taken', async () => {
    const s = await schema();
    const unknown = thrown(() => rename(s, { table: 'projects', column: 'fnam', new_column: 'x' }));
    expect(unknown.details[0]).toMatchObject({ location: { file: FIXTURE, line: 19 }, hint: 'did you mean "fname" (line 19)?' });
    const taken = thrown(() => rename(s, { table: 'projects', column: 'fname', new_column: 'account_id' }));
    expect(taken.details[0]!.message).toContain('column "account_id" already exists in table "projects"');
    expect(taken.details[0]!.location).toMatchObject({ line: 18 });
  });

  it('without a schema, changes nothing', () => {
    const plain = expandTemplate(findTemplate('rename-column'), {});
    expect(plain.loaded.plan.schema).toBeUndefined();
    expect(plain.parameters).toMatchObject({ table: 'users', column_type: 'text' });
  });
});

describe('the schema questions', () => {
  it('owns tables along foreign keys, parents first, through NOT NULL keys before nullable ones', async () => {
    const owned = ownedTables(await schema(), ['accounts']);
    expect(owned.map((o) => [o.table.name, o.parent, o.via?.columns[0], o.depth])).toEqual([
      ['accounts', undefined, undefined, 0],
      ['projects', 'accounts', 'account_id', 1],
      ['tasks', 'projects', 'owner_project_id', 2],
      // Through its NOT NULL key to tasks, not the shorter nullable one to accounts (rows without an author have an owner).
      ['comments', 'tasks', 'task_id', 3],
    ]);
  });

  it('fingerprints what the schema says, not where it says it', async () => {
    const s = await schema();
    const moved = { ...s, tables: s.tables.map((t) => ({ ...t, line: (t.line ?? 0) + 1 })) };
    expect(fingerprint(moved)).toBe(fingerprint(s));
    const retyped = { ...s, tables: s.tables.map((t) => ({ ...t, columns: t.columns.map((c) => ({ ...c, type: 'text' })) })) };
    expect(fingerprint(retyped)).not.toBe(fingerprint(s));
  });

  it('refuses a template whose schema reference names no such parameter', () => {
    const result = templateManifestSchema(['postgres']).safeParse({
      name: 'x', title: 'x', summary: 'x',
      parameters: [{ name: 'column', type: 'identifier', default: 'a', help: 'h', schema: { column: 'table' } }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('"table" must be a parameter naming a table');
  });
});
