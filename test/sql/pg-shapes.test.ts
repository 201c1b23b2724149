import * as pg from 'libpg-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { newPlan } from '../../src/app/new.js';
import { parsePlan } from '../../src/model/load.js';
import { maskPlaceholders } from '../../src/sql/placeholders.js';
import { shapeOf, sharingShapes } from '../../src/sql/pg-shapes.js';
import { statementSites } from '../../src/sql/statements.js';
import { listTemplates } from '../../src/templates/registry.js';
import { generatePlanYaml } from '../../bench/generate.js';

const direct = (text: string) => pg.parseSync(text).stmts?.map((s) => s.stmt!) ?? [];
const outcome = (parse: (text: string) => unknown, text: string) => {
  try {
    return { tree: parse(text) };
  } catch (err) {
    return { error: (err as Error).message, at: (err as { sqlDetails?: { cursorPosition: number } }).sqlDetails?.cursorPosition };
  }
};
const texts = (planText: string) => parsePlan(planText, 'plan.yaml').plan.tasks
  .flatMap((t) => statementSites(t)).map((s) => maskPlaceholders(s.text, 'postgres').text);

describe('PostgreSQL trees shared by statements of one shape', () => {
  beforeAll(() => pg.loadModule());

  it('are the trees the parser gives each text: every statement the templates write, at two table counts, and the bench plans', async () => {
    const all: string[] = [];
    for (const template of listTemplates().filter((t) => t.builtin)) {
      for (const tables of [undefined, 'users,orders,"Order",t1']) {
        const made = await newPlan({ template: template.name, flags: { db: 'postgres', ...(tables && template.manifest.parameters.some((p) => p.name === 'tables') && { tables }) }, dryRun: true }).catch(() => undefined);
        if (made) all.push(...texts(made.text));
      }
    }
    all.push(...texts(generatePlanYaml(60, 3, { sql: true })));
    expect(all.length).toBeGreaterThan(200);
    const shared = sharingShapes(direct, (text) => pg.scanSync(text));
    for (const text of all) expect(outcome(shared, text), text).toEqual(outcome(direct, text));
  });

  it('hand-written texts: case, quotes, keywords as names, casts, positions after long and short names, errors', () => {
    const shared = sharingShapes(direct, (text) => pg.scanSync(text));
    const cases = [
      'SELECT count(*) FROM Orders WHERE id <= 10 AND "Tenant" IS NULL',
      'SELECT count(*) FROM a_rather_long_table_name_here WHERE id <= 10 AND "Tenant" IS NULL',
      "ALTER TABLE t ADD COLUMN c bigint DEFAULT 0::bigint, ADD CONSTRAINT c_chk CHECK (c IN (1, 2, 3)) NOT VALID",
      "CREATE INDEX CONCURRENTLY idx_t_c ON public.t USING btree (c) WHERE d = 'x'''",
      'SELECT x::timestamptz, y::text FROM s.t1 JOIN s.t2 USING (id)',
      'SELECT * FROM t WHERE a IN (1, 2) AND b = ANY (ARRAY[1])',
      'UPDATE t SET a = 1 WHERE',
      'SELEC 1 FROM t',
      'SELECT 1 FROM t1 WHERE x = 1e5 AND y = .5',
      'SET lock_timeout = \'5s\'',
      'SET lock_timeout = \'6s\'',
    ];
    for (const text of [...cases, ...cases]) expect(outcome(shared, text), text).toEqual(outcome(direct, text));
  });

  it('leave to the parser what a small lexer could misread: comments, dollar quotes, prefixed strings, non-ASCII, its own slot names', () => {
    const never = () => { throw new Error('no keyword lookup expected'); };
    for (const text of ['SELECT 1 -- c', 'SELECT /* c */ 1', 'SELECT $$a$$', "SELECT E'a\\n'", "SELECT U&'a'", 'SELECT "ä" FROM t', 'SELECT zz0 FROM t']) {
      expect(shapeOf(text, never), text).toBeUndefined();
    }
    expect(shapeOf('SELECT a FROM b', (words) => words.map((w) => w === 'select' || w === 'from'))?.text).toBe('SELECT zz0 FROM zz1');
  });

  it('one parse per shape: tables of one template statement cost one parser call', () => {
    let calls = 0;
    const shared = sharingShapes((text) => { calls++; return direct(text); }, (text) => pg.scanSync(text));
    for (let i = 0; i < 50; i++) shared(`UPDATE orders_${i} SET tenant_id = 1 WHERE id >= 1 AND id < 2 AND tenant_id IS NULL`);
    expect(calls).toBe(1);
  });
});
