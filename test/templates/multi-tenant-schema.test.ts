/**
 * Issue 14, part 4: `plan new multi-tenant --schema FILE --tables <roots>`. The fixture (our own, the model's JSON):
 * accounts → projects → tasks → comments (a 4-level chain of foreign keys), comments.task_id nullable, tasks
 * referencing itself (parent_task_id), task_labels with a composite primary key (no integer key to batch by), a
 * global UNIQUE constraint (accounts.slug) and a global unique index (tasks.code) on owned tables, a unique that
 * already includes the key to the parent (projects (account_id, name)), and two tables with no path to the root
 * (countries, which accounts references, and audit_log).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PlanInputError } from '../../src/errors.js';
import { analyzePlan } from '../../src/analysis/analyze.js';
import { fingerprint } from '../../src/inspect/query.js';
import { readSchemaFile } from '../../src/inspect/read.js';
import type { DatabaseSchema } from '../../src/model/database.js';
import type { Plan, Task } from '../../src/model/schema.js';
import { statementOf } from '../../src/model/schema.js';
import { startEmbedded } from '../../src/rehearse/postgres.js';
import { expandTemplate } from '../../src/templates/expand.js';
import { findTemplate } from '../../src/templates/registry.js';
import { fixture, ROOT, runCli, tempDir } from '../helpers.js';
import { serverForBlock, startMariadb } from '../rehearse/servers.js';

const FIXTURE = fixture('schema', 'saas.postgres.json');
const OWNED = ['accounts', 'projects', 'tasks', 'comments', 'task_labels'];
const OUTSIDE = ['countries', 'audit_log'];
type Engine = 'postgres' | 'mysql' | 'sqlite';

/** The fixture as another engine's schema: its engine, version and type names (the tables and keys the same). */
function variant(engine: Engine, change: (s: DatabaseSchema) => void = () => {}): string {
  const s = JSON.parse(readFileSync(FIXTURE, 'utf8')) as DatabaseSchema;
  if (engine !== 'postgres') {
    s.engine = engine;
    s.version = engine === 'mysql' ? { text: '10.11.6-MariaDB', num: 101106, flavor: 'mariadb' } : { text: '3.45.1', num: 3045001 };
    const types: Record<string, string> = engine === 'mysql' ? { bigint: 'bigint', integer: 'int', text: 'varchar(255)' } : { bigint: 'INTEGER', integer: 'INTEGER', text: 'TEXT' };
    for (const t of s.tables) for (const c of t.columns) c.type = types[c.type] ?? (engine === 'mysql' ? 'varchar(60)' : 'TEXT');
  }
  change(s);
  const file = join(tempDir(), `saas.${engine}.json`);
  writeFileSync(file, JSON.stringify(s, null, 2));
  return file;
}

const plans = new Map<string, { plan: Plan; text: string; schema: DatabaseSchema }>();
async function planFor(engine: Engine): Promise<{ plan: Plan; text: string; schema: DatabaseSchema }> {
  if (!plans.has(engine)) {
    const schema = await readSchemaFile(engine === 'postgres' ? FIXTURE : variant(engine));
    const { loaded, text } = expandTemplate(findTemplate('multi-tenant'), { given: { tables: 'accounts' }, schema });
    plans.set(engine, { plan: loaded.plan, text, schema });
  }
  return plans.get(engine)!;
}

const task = (plan: Plan, id: string): Task => {
  const found = plan.tasks.find((t) => t.id === id);
  if (!found) throw new Error(`no task ${id} in ${plan.tasks.map((t) => t.id).join(', ')}`);
  return found;
};
const up = (t: Task) => (t.sql?.up ?? []).map((s) => statementOf(s).run);
const down = (t: Task) => (t.sql?.down ?? []).map((s) => statementOf(s).run);
const verify = (t: Task) => (t.sql?.verify ?? []).map((v) => v.query);

describe('multi-tenant from a schema (PostgreSQL)', () => {
  let plan: Plan;
  beforeAll(async () => {
    ({ plan } = await planFor('postgres'));
  });

  it('adds the tenant column to the ownership closure of the root, and nowhere else', () => {
    const added = up(task(plan, 'T1')).flatMap((s) => s.match(/^ALTER TABLE (\w+) ADD COLUMN IF NOT EXISTS tenant_id uuid NULL$/)?.[1] ?? []);
    expect(added).toEqual(OWNED);
    expect(up(task(plan, 'T8')).join('\n')).not.toMatch(/countries|audit_log/);
  });

  it('lists the tables with no path to the root, and the rows with no parent, for a decision', () => {
    expect(plan.epic.notes.join('\n')).toContain('Needs a decision (no foreign-key path to accounts): countries, audit_log; see D1.');
    const d1 = task(plan, 'D1').description;
    for (const t of OUTSIDE) expect(d1).toContain(t);
    expect(d1).toContain('comments: rows with a NULL task_id have no tasks to inherit a tenant from');
    // The decision comes before any backfill.
    expect(task(plan, 'T4.accounts').depends).toContain('D1');
  });

  it('backfills per table, each child after its parent, along the foreign keys', () => {
    const backfills = plan.tasks.filter((t) => t.id.startsWith('T4.'));
    expect(backfills.map((t) => t.id)).toEqual(OWNED.map((t) => `T4.${t}`));
    expect(task(plan, 'T4.accounts').depends).toEqual(['T2', 'T3', 'G1', 'D1']);
    expect(task(plan, 'T4.projects').depends).toEqual(['T4.accounts']);
    expect(task(plan, 'T4.tasks').depends).toEqual(['T4.projects']);
    expect(task(plan, 'T4.comments').depends).toEqual(['T4.tasks']);
    expect(task(plan, 'T4.task_labels').depends).toEqual(['T4.tasks']);
    // The chain is the plan's critical path, in order: each backfill waits for its parent's.
    const path = analyzePlan(plan).criticalPath.taskIds;
    const chain = ['T4.accounts', 'T4.projects', 'T4.tasks', 'T4.comments'];
    expect(path.filter((id) => chain.includes(id))).toEqual(chain);
    // Each checkpoint waits for its own table's backfill.
    for (const t of OWNED) expect(task(plan, `T5.${t}`).depends).toEqual([`T4.${t}`]);
  });

  it('gives a root the owner tenant and a child its parent\'s, by joining it, paged by the primary key', () => {
    expect(up(task(plan, 'T4.accounts'))[1]).toBe('UPDATE accounts AS c SET tenant_id = :owner_tenant WHERE c.id >= :from AND c.id < :to AND c.tenant_id IS NULL');
    const projects = task(plan, 'T4.projects');
    expect(up(projects)[1]).toBe('UPDATE projects AS c SET tenant_id = p.tenant_id FROM accounts AS p WHERE c.account_id = p.id AND c.id >= :from AND c.id < :to AND c.tenant_id IS NULL AND p.tenant_id IS NOT NULL');
    // Rows with no parent (NULL, or dangling where the key is not enforced) get the owner tenant in a pass of their own.
    expect(up(task(plan, 'T4.comments'))[2]).toContain('SET tenant_id = :owner_tenant WHERE c.id >= :from AND c.id < :to AND c.tenant_id IS NULL AND NOT EXISTS (SELECT 1 FROM tasks AS p WHERE c.task_id = p.id)');
    // The table's size decides its batches: 200,000 rows (medium) vs 20,000,000 (large).
    const loop = (t: Task) => statementOf(t.sql!.up[1]!).loop!;
    expect(loop(projects)).toMatchObject({ key: 'id', batch: 5000, pause_ms: 100 });
    expect(loop(task(plan, 'T4.comments'))).toMatchObject({ batch: 2000, pause_ms: 250 });
    // The checkpoint proves every child row is in its parent's tenant.
    expect(verify(task(plan, 'T5.comments'))).toContain('SELECT count(*) FROM comments AS c JOIN tasks AS p ON c.task_id = p.id WHERE c.tenant_id <> p.tenant_id');
  });

  it('says so, and updates in one statement, for a small table without an integer key', () => {
    const labels = task(plan, 'T4.task_labels');
    expect(labels.description).toContain('task_labels has no key to batch by (its primary key is composite (task_id, label))');
    expect(labels.sql!.up.every((s) => typeof s === 'string')).toBe(true);
    expect(labels.suppress.map((s) => s.rule)).toEqual(['backfill-separate-and-batched']);
  });

  it('refuses a large table without an integer key, located in the schema', async () => {
    const file = variant('postgres', (s) => {
      s.tables.find((t) => t.name === 'task_labels')!.rows = 5_000_000;
    });
    const schema = await readSchemaFile(file);
    let error: unknown;
    try {
      expandTemplate(findTemplate('multi-tenant'), { given: { tables: 'accounts' }, schema });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PlanInputError);
    const [detail] = (error as PlanInputError).details;
    expect(detail!.message).toContain('table "task_labels" cannot be backfilled in batches: its primary key is composite (task_id, label)');
    expect(detail!.location).toEqual({ file, line: 50 });
  });

  it('gives the root a foreign key to tenants, NOT VALID then validated, and indexes (tenant, key) for keys between owned tables', () => {
    const k1 = up(task(plan, 'K1'));
    expect(k1).toContain('ALTER TABLE accounts ADD CONSTRAINT accounts_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) NOT VALID');
    expect(k1).toContain('ALTER TABLE accounts VALIDATE CONSTRAINT accounts_tenant_id_fkey');
    // Each committed on its own: in one transaction the ADD's lock would last through the VALIDATE's scan.
    const own = task(plan, 'K1').sql!.up.map(statementOf).filter((s) => /NOT VALID|VALIDATE/.test(s.run));
    expect(own.map((s) => s.transaction)).toEqual([false, false]);
    // The self-reference too (tasks.parent_task_id); not accounts.country_id (countries is not owned).
    expect(k1.filter((s) => s.startsWith('CREATE INDEX'))).toEqual([
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_projects_tenant_id_account_id ON projects (tenant_id, account_id)',
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_tasks_tenant_id_project_id ON tasks (tenant_id, project_id)',
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_tasks_tenant_id_parent_task_id ON tasks (tenant_id, parent_task_id)',
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_comments_tenant_id_task_id ON comments (tenant_id, task_id)',
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_task_labels_tenant_id_task_id ON task_labels (tenant_id, task_id)',
    ]);
    expect(verify(task(plan, 'V2'))).toContain('SELECT count(*) FROM tasks AS c JOIN tasks AS p ON c.parent_task_id = p.id WHERE c.tenant_id <> p.tenant_id');
    expect(task(plan, 'V2').depends).toEqual(['K1']);
  });

  it('re-scopes the global uniques to (tenant_id, …) and swaps them in with NOT NULL; the down restores the global ones', () => {
    const k1 = up(task(plan, 'K1'));
    expect(k1).toContain('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS accounts_tenant_id_slug_key ON accounts (tenant_id, slug)');
    expect(k1).toContain('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS tasks_tenant_id_code_key ON tasks (tenant_id, code)');
    // A unique that includes the key to the parent is per tenant already.
    expect(k1.join('\n')).not.toMatch(/UNIQUE INDEX .* ON projects/);
    const k2 = task(plan, 'K2');
    expect(k2.depends).toEqual(['T8', 'V1']);
    expect(up(k2)).toEqual(expect.arrayContaining([
      'ALTER TABLE accounts ADD CONSTRAINT accounts_tenant_id_slug_key UNIQUE USING INDEX accounts_tenant_id_slug_key',
      'ALTER TABLE accounts DROP CONSTRAINT IF EXISTS accounts_slug_key',
      'DROP INDEX CONCURRENTLY IF EXISTS tasks_code_idx',
    ]));
    expect(down(k2)).toEqual(expect.arrayContaining([
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS accounts_slug_key ON accounts (slug)',
      'ALTER TABLE accounts ADD CONSTRAINT accounts_slug_key UNIQUE USING INDEX accounts_slug_key',
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS tasks_code_idx ON tasks (code)',
    ]));
    expect(task(plan, 'V3').depends).toEqual(['K2']);
    expect(task(plan, 'T9').depends).toEqual(['T8', 'V1', 'V3']);
  });

  it('enables and forces row-level security with a policy per owned table, and the audit verifies exactly that', () => {
    const t7 = task(plan, 'T7');
    for (const t of OWNED) {
      expect(up(t7)).toEqual(expect.arrayContaining([`ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`, `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`,
        `CREATE POLICY ${t}_tenant_isolation ON ${t} USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`]));
      expect(down(t7)).toEqual(expect.arrayContaining([`DROP POLICY IF EXISTS ${t}_tenant_isolation ON ${t}`, `ALTER TABLE ${t} NO FORCE ROW LEVEL SECURITY`,
        `ALTER TABLE ${t} DISABLE ROW LEVEL SECURITY`]));
    }
    const checks = t7.sql!.verify;
    const pairs = OWNED.map((t) => `('${t}', '${t}_tenant_isolation')`).join(', ');
    expect(checks.map((c) => [c.query, c.expect])).toEqual(expect.arrayContaining([
      [`SELECT count(*) FROM pg_class WHERE oid IN (${OWNED.map((t) => `to_regclass('${t}')`).join(', ')}) AND relrowsecurity AND relforcerowsecurity`, 5],
      [`SELECT count(*) FROM pg_policies WHERE schemaname = current_schema() AND (tablename, policyname) IN (${pairs})`, 5],
      [`SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'tenant_id' AND table_name IN (${OWNED.map((t) => `'${t}'`).join(', ')})`, 5],
    ]));
    // The re-scoped uniques, by name: each unique, valid, leading with the tenant column.
    expect(checks.filter((c) => c.query.includes('indisunique')).map((c) => c.query.match(/to_regclass\('(\w+)'\)/)![1])).toEqual(['accounts_tenant_id_slug_key', 'tasks_tenant_id_code_key']);
    expect(JSON.stringify(t7.sql)).not.toMatch(/countries|audit_log/);
  });

  it('records the tables it touches and the fingerprint of the whole schema', async () => {
    const { plan: p, schema } = await planFor('postgres');
    expect(p.schema!.fingerprint).toBe(fingerprint(schema));
    // The owned tables and what they reference (countries, for the rehearsal's keys); not audit_log.
    expect(p.schema!.tables.map((t) => t.name).sort()).toEqual([...OWNED, 'countries'].sort());
  });
});

describe('multi-tenant from a schema on MySQL and SQLite', () => {
  it('joins the parent the engine\'s way', async () => {
    const my = (await planFor('mysql')).plan;
    expect(up(task(my, 'T4.projects'))[2]).toBe('UPDATE projects AS c JOIN accounts AS p ON c.account_id = p.id SET c.tenant_id = p.tenant_id WHERE c.id >= :from AND c.id < :to AND c.tenant_id IS NULL AND p.tenant_id IS NOT NULL');
    const lite = (await planFor('sqlite')).plan;
    expect(up(task(lite, 'T4.projects'))[1]).toBe('UPDATE projects SET tenant_id = (SELECT p.tenant_id FROM accounts AS p WHERE p.id = projects.account_id) WHERE id >= :from AND id < :to AND tenant_id IS NULL AND EXISTS (SELECT 1 FROM accounts AS p WHERE p.id = projects.account_id AND p.tenant_id IS NOT NULL)');
  });

  it('adds the foreign key to tenants on MySQL after the backfill; says SQLite cannot', async () => {
    const my = (await planFor('mysql')).plan;
    expect(up(task(my, 'K1'))).toContain('ALTER TABLE accounts ADD CONSTRAINT accounts_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id), ALGORITHM=INPLACE, LOCK=NONE');
    const lite = (await planFor('sqlite')).plan;
    expect(up(task(lite, 'K1')).join('\n')).not.toContain('FOREIGN KEY');
    expect(task(lite, 'K1').description).toContain('SQLite has no ALTER TABLE … ADD CONSTRAINT');
  });

  it('has no row-level security there, and says so', async () => {
    for (const engine of ['mysql', 'sqlite'] as const) {
      const { plan, text } = await planFor(engine);
      expect(text).not.toContain('ROW LEVEL SECURITY');
      expect(task(plan, 'T7').description).toMatch(/no\s+(users, roles or )?row-level security/);
    }
  });

  it('keeps a SQLite table\'s UNIQUE constraint (a rebuild would drop it) and drops only unique indexes of their own', async () => {
    const k2 = task((await planFor('sqlite')).plan, 'K2');
    expect(up(k2)).toEqual(['DROP INDEX IF EXISTS tasks_code_idx']);
    expect(k2.description).toContain('until accounts is rebuilt its global uniqueness stays');
  });
});

describe('plan new --schema and plan check --strict', () => {
  it.each(['postgres', 'mysql', 'sqlite'] as const)('%s: clean', (engine) => {
    const out = join(tempDir(), 'mt.plan.yaml');
    const made = runCli(['new', 'multi-tenant', '--schema', engine === 'postgres' ? FIXTURE : variant(engine), '--tables', 'accounts', '--out', out]);
    expect(made.code, made.stderr).toBe(0);
    const checked = runCli(['check', out, '--strict', '--json']);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(JSON.parse(checked.stdout).findings).toEqual([]);
  });
});

/** `plan new --schema` then `plan rehearse` (every up, verify, down; each down restores its snapshot). */
function rehearse(schemaFile: string, url?: string) {
  const out = join(tempDir(), 'mt.plan.yaml');
  const made = runCli(['new', 'multi-tenant', '--schema', schemaFile, '--tables', 'accounts', '--out', out]);
  expect(made.code, made.stderr).toBe(0);
  const r = runCli(['rehearse', out, ...(url ? ['--url', url] : []), '--json']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const json = JSON.parse(r.stdout);
  expect(json.ok).toBe(true);
  const tasks: Task[] = parse(readFileSync(out, 'utf8')).tasks;
  const rolledBack = new Set(json.rows.filter((row: { statement: string }) => row.statement.startsWith('down: snapshot')).map((row: { task: string }) => row.task));
  // Every backfill in the chain ran and was undone.
  for (const t of OWNED) expect(rolledBack.has(`T4.${t}`), `T4.${t}`).toBe(true);
  expect(rolledBack.has('K1')).toBe(true);
  expect(tasks.length).toBeGreaterThan(20);
  return json;
}

/**
 * Today the rehearsal infers its starting tables from the statements and seeds duplicates in every text column, so a
 * unique the schema has (accounts.slug) is not there and the (tenant_id, slug) index cannot be built; the start built
 * from the plan's `schema:` section (src/rehearse/schema-start.ts, another branch) has it. Until that lands, the
 * plans are rehearsed from the fixture without its uniques; the whole fixture once it has.
 */
const startFromSchema = existsSync(join(ROOT, 'src', 'rehearse', 'schema-start.ts'));
const withoutUniques = (engine: Engine) => variant(engine, (s) => {
  for (const t of s.tables) {
    t.uniques = [];
    t.indexes = (t.indexes ?? []).filter((i) => !i.unique);
  }
});

describe('plan rehearse on PostgreSQL (embedded)', () => {
  const url = serverForBlock(startEmbedded, (server) => server.stop(false));
  it('the chain, the tenant keys, row-level security and NOT NULL', () => {
    rehearse(withoutUniques('postgres'), url());
  });
  it.runIf(startFromSchema)('the whole fixture, uniques re-scoped', () => {
    const json = rehearse(FIXTURE, url());
    expect(json.rows.some((r: { task: string }) => r.task === 'K2')).toBe(true);
  });
});

describe('plan rehearse on SQLite', () => {
  it('the chain, the tenant keys and the NOT NULL triggers', () => {
    rehearse(withoutUniques('sqlite'));
  });
  it.runIf(startFromSchema)('the whole fixture, uniques re-scoped', () => {
    rehearse(variant('sqlite'));
  });
});

describe('plan rehearse on MySQL: MariaDB via --url', () => {
  const url = serverForBlock(startMariadb, (server) => server.stop());
  it('the chain (multi-table UPDATE … JOIN), the tenant keys and NOT NULL', () => {
    rehearse(withoutUniques('mysql'), url());
  });
  it.runIf(startFromSchema)('the whole fixture, uniques re-scoped', () => {
    rehearse(variant('mysql'), url());
  });
});
