import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlanInputError } from '../../src/errors.js';
import { analyzePlan } from '../../src/analysis/analyze.js';
import { runRules } from '../../src/rules/run.js';
import { loadParser } from '../../src/sql/engines.js';
import { findTemplate } from '../../src/templates/registry.js';
import { expandTemplate } from '../../src/templates/expand.js';
import { fixture, ROOT } from '../helpers.js';

const expand = (given: Record<string, string> = {}) => expandTemplate(findTemplate('multi-tenant'), { given });

/** Seed 000's dependency graph, read from the seed itself so the test tracks the source of truth. */
function seedEdges(): string[] {
  const seed = readFileSync(`${ROOT}/../shared/seeds/000_be85ba73534612d4.txt`, 'utf8');
  const edges: string[] = [];
  for (const block of seed.split('# T').slice(1)) {
    const id = `T${block.match(/^(\d+)/)![1]}`;
    const deps = block.match(/--depends ([^\n]+)/)?.[1] ?? '';
    for (const m of deps.matchAll(/\{\{(T\d+)_ID\}\}/g)) edges.push(`${m[1]}->${id}`);
  }
  return edges.sort();
}

describe('multi-tenant template', () => {
  // The plan's statements are data: the rules read them with the engine's parser.
  beforeAll(() => loadParser('postgres'));

  it('reproduces seed 000: T1..T9 with its edges and five waves, T8 the point of no return', () => {
    const { loaded } = expand();
    const a = analyzePlan(loaded.plan);
    expect(runRules(loaded.plan, a).findings).toEqual([]);
    expect(a.taskIds).toEqual(['T1', 'T2', 'T3', 'G1', 'T4', 'T5', 'T6', 'T7', 'B1', 'G2', 'T8', 'V1', 'T9']);
    const edges = a.edges.map(([from, to]) => `${from}->${to}`).sort();
    expect(seedEdges()).toHaveLength(10);
    // The seed's edges, plus the safety tasks it asks for in prose, wired in (documented in the template).
    // T6->T7: the audit waits for tenant-aware queries (on PostgreSQL it turns row-level security on).
    expect(edges).toEqual([...seedEdges(), 'T2->G1', 'T3->G1', 'G1->T4', 'T6->T7', 'T6->B1', 'T7->B1', 'T6->G2', 'T7->G2', 'B1->G2',
      'G2->T8', 'T8->V1', 'V1->T9'].sort());
    expect(a.waves.map((w) => w.taskIds)).toEqual([['T1'], ['T2', 'T3', 'G1'], ['T4', 'T5'], ['T6', 'T7', 'B1', 'G2'], ['T8', 'V1', 'T9']]);
    expect(a.pointsOfNoReturn).toEqual(['T8']);
  });

  it('gives each safety role its kind and each phase a rollback and a risk', () => {
    const { plan } = expand().loaded;
    const kind = Object.fromEntries(plan.tasks.map((t) => [t.id, t.kind]));
    expect(kind).toMatchObject({ T3: 'rollback', T5: 'checkpoint', T7: 'audit', T1: 'work', T8: 'work', G1: 'checkpoint',
      G2: 'checkpoint', B1: 'backup', V1: 'checkpoint' });
    expect(plan.phases.map((p) => p.risk)).toEqual(['low', 'low', 'medium', 'medium', 'high']);
    for (const p of plan.phases) expect(p.rollback.length).toBeGreaterThan(10);
    for (const t of plan.tasks) expect(t.acceptance.length).toBeGreaterThanOrEqual(2);
  });

  it('fans the backfill and its validation out per table, within their wave', () => {
    const { plan } = expand({ tables: 'users,orders,invoices,events' }).loaded;
    const a = analyzePlan(plan);
    expect(runRules(plan, a).findings).toEqual([]);
    expect(a.waves).toHaveLength(5);
    expect(a.waves[2]!.taskIds).toEqual(['T4.users', 'T4.orders', 'T4.invoices', 'T4.events',
      'T5.users', 'T5.orders', 'T5.invoices', 'T5.events']);
    expect(plan.tasks.find((t) => t.id === 'T5.orders')!.depends).toEqual(['T4.orders']);
    expect(plan.tasks.find((t) => t.id === 'T6')!.depends).toHaveLength(4);
    expect(plan.tasks.find((t) => t.id === 'T4.orders')!.description).not.toContain('UPDATE users');
  });

  it('writes the engine\'s own SQL', () => {
    const pg = expand({ db: 'postgres' }).text;
    const my = expand({ db: 'mysql' }).text;
    const mongo = expand({ db: 'mongodb' }).text;
    expect(pg).toContain('CREATE INDEX CONCURRENTLY');
    expect(pg).toContain('NOT VALID');
    expect(pg).toContain('lock_timeout');
    expect(my).not.toContain('CONCURRENTLY');
    expect(my).toContain('ALGORITHM=INPLACE, LOCK=NONE');
    expect(mongo).toContain('updateMany');
    expect(mongo).not.toContain('ALTER TABLE');
  });

  it('is deterministic and uses the tenant column name everywhere', () => {
    expect(expand({ tenant_column: 'account_id' }).text).toBe(expand({ tenant_column: 'account_id' }).text);
    const text = expand({ tenant_column: 'account_id' }).text;
    expect(text).not.toContain('tenant_id');
    expect(text).toContain('ADD COLUMN IF NOT EXISTS account_id uuid NULL');
  });

  it('quotes reserved table names in SQL', () => {
    expect(expand({ tables: 'user,order' }).text).toContain('ALTER TABLE "user" ADD COLUMN');
    expect(expand({ tables: 'user,order', db: 'mysql' }).text).toContain('ALTER TABLE `order` ADD COLUMN');
  });

  it.each([
    [{ db: 'oracle' }, /"oracle" is not one of mongodb, mysql, postgres, sqlite/],
    [{ tables: 'users,users' }, /"users" is listed twice/],
    [{ tables: 'users;drop table x' }, /is not an identifier/],
    [{ tables: '' }, /needs at least one name/],
    [{ rows: 'many' }, /"many" is not an integer/],
    [{ tenant_colum: 'x' }, /no parameter "tenant_colum"[\s\S]*did you mean "tenant_column"/],
  ])('rejects bad parameters before rendering: %o', (given, message) => {
    expect(() => expand(given)).toThrow(PlanInputError);
    expect(() => expand(given)).toThrow(message);
  });
});

describe('template errors', () => {
  const dir = fixture('templates');
  it('an unknown variable is an error with the template file and line (strict mode)', () => {
    const e = (() => { try { expandTemplate(findTemplate('unknown-variable', [dir])); } catch (err) { return err; } })();
    expect(e).toBeInstanceOf(PlanInputError);
    const d = (e as PlanInputError).details[0]!;
    expect(d.message).toContain('"colunm" not defined');
    expect(d.location).toMatchObject({ file: expect.stringContaining('unknown-variable/plan.yaml.hbs'), line: 11 });
  });

  it('YAML broken by rendering is located in the rendered output', () => {
    expect(() => expandTemplate(findTemplate('bad-yaml', [dir]))).toThrow(/bad-yaml\/plan\.yaml\.hbs \(rendered\):\d+:\d+: YAML syntax error/);
  });

  it('an unknown template lists the known ones', () => {
    expect(() => findTemplate('multi-tenat')).toThrow(PlanInputError);
    try { findTemplate('../multi-tenant'); } catch (err) {
      expect((err as PlanInputError).details[0]!.hint).toContain('multi-tenant');
    }
  });

  it('renders with no prototype access', () => {
    const e = (() => { try { expandTemplate(findTemplate('unknown-variable', [dir]), { given: { table: 'constructor' } }); } catch (err) { return err; } })();
    // `constructor` is a valid identifier, so it renders as text; the unknown variable still fails.
    expect(String(e)).toContain('"colunm" not defined');
  });
});
