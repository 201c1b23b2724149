/**
 * What a DBA reviewing generated plans from a real schema would have hit in production. Each case: our own fixture
 * (the saas model's JSON, changed where the case needs it), the plan expanded, the statements read.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSchemaFile } from '../../src/inspect/read.js';
import type { DatabaseSchema } from '../../src/model/database.js';
import type { Plan, Task } from '../../src/model/schema.js';
import { statementOf } from '../../src/model/schema.js';
import { expandTemplate } from '../../src/templates/expand.js';
import { findTemplate } from '../../src/templates/registry.js';
import { fixture, tempDir } from '../helpers.js';

/** The saas fixture on `engine`, changed by `change`, as a schema file. */
async function schemaWith(engine: 'postgres' | 'mysql', change: (s: DatabaseSchema) => void) {
  const s = JSON.parse(readFileSync(fixture('schema', 'saas.postgres.json'), 'utf8')) as DatabaseSchema;
  if (engine === 'mysql') {
    s.engine = 'mysql';
    s.version = { text: '10.11.6-MariaDB', num: 101106, flavor: 'mariadb' };
    for (const t of s.tables) for (const c of t.columns) c.type = c.type === 'text' ? 'varchar(255)' : c.type === 'integer' ? 'int' : c.type;
  }
  change(s);
  const file = join(tempDir(), `review.${engine}.json`);
  writeFileSync(file, JSON.stringify(s, null, 2));
  return readSchemaFile(file);
}

const task = (plan: Plan, id: string): Task | undefined => plan.tasks.find((t) => t.id === id);
const sql = (t: Task | undefined, part: 'up' | 'down') => (t?.sql?.[part] ?? []).map((s) => statementOf(s).run).join('\n');

describe('multi-tenant: a global unique that a foreign key references', () => {
  // accounts.slug is UNIQUE (accounts_slug_key); a table outside the closure references it by slug.
  const referenced = (s: DatabaseSchema) => {
    s.tables.push({
      name: 'account_aliases', line: 99, columns: [{ name: 'id', type: 'bigint', nullable: false }, { name: 'account_slug', type: 'text', nullable: false }],
      primary_key: ['id'], foreign_keys: [{ name: 'account_aliases_account_slug_fkey', columns: ['account_slug'], references: 'accounts', ref_columns: ['slug'] }],
      uniques: [], indexes: [], checks: [],
    } as unknown as DatabaseSchema['tables'][number]);
  };

  for (const engine of ['postgres', 'mysql'] as const) {
    it(`${engine}: stays global (dropping it fails while the key depends on it) and D1 says why`, async () => {
      const schema = await schemaWith(engine, referenced);
      const global = schema.tables.find((t) => t.name === 'accounts')!.uniques.find((u) => u.columns.join() === 'slug')!;
      const { loaded } = expandTemplate(findTemplate('multi-tenant'), { given: { tables: 'accounts' }, schema });
      const plan = loaded.plan;
      const all = plan.tasks.map((t) => `${sql(t, 'up')}\n${sql(t, 'down')}`).join('\n');
      expect(all).not.toMatch(new RegExp(`DROP (CONSTRAINT|INDEX)( IF EXISTS)? ${global.name}\\b`));
      expect(all).not.toMatch(/accounts_tenant_id_slug_key/);
      const d1 = task(plan, 'D1')!;
      expect(d1.description).toContain(`${global.name} (slug) stays global, because account_aliases(account_slug) references it`);
      // The uniques nothing references are still re-scoped.
      expect(sql(task(plan, 'K2'), 'up')).toMatch(/tasks_code/);
    });
  }

  it('without the referencing key, the same unique is re-scoped as before', async () => {
    const schema = await schemaWith('postgres', () => {});
    const { loaded } = expandTemplate(findTemplate('multi-tenant'), { given: { tables: 'accounts' }, schema });
    expect(sql(task(loaded.plan, 'K2'), 'up')).toMatch(/DROP CONSTRAINT IF EXISTS accounts_slug_key/);
    expect(task(loaded.plan, 'D1')!.description).not.toContain('stays global');
  });
});

describe('rename-column: a CHECK constraint that uses the column', () => {
  // projects.title with CHECK (length(title) > 0): dropping title drops the CHECK with it (PostgreSQL, MariaDB).
  const withCheck = (s: DatabaseSchema) => {
    const projects = s.tables.find((t) => t.name === 'projects')!;
    projects.checks = [{ name: 'projects_name_nonempty', expression: 'length(name) > 0' }];
  };
  const renamed = async (engine: 'postgres' | 'mysql') => {
    const schema = await schemaWith(engine, withCheck);
    const { loaded } = expandTemplate(findTemplate('rename-column'), { given: { table: 'projects', column: 'name', new_column: 'title' }, schema });
    const plan = loaded.plan;
    const carry = plan.tasks.find((t) => sql(t, 'up').includes('projects_title_nonempty'));
    return { plan, carry };
  };

  it('postgres: re-made on the new column NOT VALID, validated, verified; down takes it off', async () => {
    const { carry } = await renamed('postgres');
    expect(carry?.title).toContain('CHECK constraints');
    const up = carry!.sql!.up!.map((s) => statementOf(s));
    const add = up.find((s) => s.run.includes('ADD CONSTRAINT projects_title_nonempty'))!;
    expect(add.run).toBe('ALTER TABLE projects ADD CONSTRAINT projects_title_nonempty CHECK (length(title) > 0) NOT VALID');
    expect(add.transaction).toBe(false);
    expect(up.findIndex((s) => s.run === 'ALTER TABLE projects VALIDATE CONSTRAINT projects_title_nonempty')).toBeGreaterThan(up.indexOf(add));
    expect(JSON.stringify(carry!.sql!.verify)).toContain("k.conname = 'projects_title_nonempty'");
    expect(sql(carry, 'down')).toContain('DROP CONSTRAINT IF EXISTS projects_title_nonempty');
  });

  it('mysql: re-made with the table copy ADD CHECK needs, said in the description; down drops it', async () => {
    const { carry } = await renamed('mysql');
    expect(sql(carry, 'up')).toContain('ALTER TABLE projects ADD CONSTRAINT projects_title_nonempty CHECK (length(title) > 0), ALGORITHM=COPY, LOCK=SHARED');
    expect(carry!.description).toContain('ALGORITHM=COPY, LOCK=SHARED');
    expect(sql(carry, 'down')).toContain('ALTER TABLE projects DROP CONSTRAINT projects_title_nonempty');
  });

  it('a CHECK on another column is left alone', async () => {
    const schema = await schemaWith('postgres', (s) => {
      s.tables.find((t) => t.name === 'projects')!.checks = [{ name: 'projects_named', expression: 'length(account_name) > 0' }];
    });
    const { loaded } = expandTemplate(findTemplate('rename-column'), { given: { table: 'projects', column: 'name', new_column: 'title' }, schema });
    expect(loaded.plan.tasks.map((t) => sql(t, 'up')).join('\n')).not.toContain('CHECK (length(');
  });
});

describe('drop-column: a view that reads the column', () => {
  const withView = (s: DatabaseSchema) => {
    s.views = [
      { name: 'project_names', reads: ['projects', 'projects.name'], definition: 'SELECT id, name FROM projects', materialized: false },
      { name: 'project_ids', reads: ['projects', 'projects.id'], definition: 'SELECT id FROM projects', materialized: false },
    ] as DatabaseSchema['views'];
  };

  it('postgres: the view that reads the column is dropped before the column (and restored by down), the other left alone', async () => {
    const schema = await schemaWith('postgres', withView);
    const { loaded } = expandTemplate(findTemplate('drop-column'), { given: { table: 'projects', column: 'name' }, schema });
    const plan = loaded.plan;
    const drop = plan.tasks.find((t) => sql(t, 'up').includes('DROP COLUMN IF EXISTS name'))!;
    const dependents = plan.tasks.find((t) => /DROP VIEW[^\n]*project_names/.test(sql(t, 'up')))!;
    expect(drop.depends).toContain(dependents.id);
    expect(sql(dependents, 'up')).not.toContain('project_ids');
    expect(sql(dependents, 'down')).toContain('SELECT id, name FROM projects');
    // The dependents step covers the views: no second step for them.
    expect(plan.tasks.some((t) => t.id.endsWith('.views'))).toBe(false);
  });

  it('no step when no view reads the column', async () => {
    const schema = await schemaWith('postgres', () => {});
    const { loaded } = expandTemplate(findTemplate('drop-column'), { given: { table: 'projects', column: 'name' }, schema });
    expect(loaded.plan.tasks.some((t) => t.id.endsWith('.views'))).toBe(false);
  });
});
