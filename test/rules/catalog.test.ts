import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile, checkLoaded } from '../../src/check/pipeline.js';
import { PlanInputError } from '../../src/errors.js';
import { analyzePlan } from '../../src/analysis/analyze.js';
import { parsePlan } from '../../src/model/load.js';
import type { Plan } from '../../src/model/schema.js';
import { RULES } from '../../src/rules/catalog.js';
import { loadRuleConfig } from '../../src/rules/config.js';
import { runRules } from '../../src/rules/run.js';
import { listTemplates } from '../../src/templates/registry.js';
import { expandTemplate } from '../../src/templates/expand.js';
import { computeRuleDocs, ruleFixtures } from '../../scripts/rule-docs.js';
import { ROOT, tempDir } from '../helpers.js';

const rulesOf = async (file: string) => (await checkFile(join(ROOT, file))).result.findings.map((f) => f.rule);

describe.each(RULES.map((r) => [r.id]))('rule %s', (id) => {
  const { bad, good } = ruleFixtures(id);
  it('fires on its failing fixture, and only it does', async () => {
    const fired = await rulesOf(bad);
    expect(fired).toContain(id);
    // A task blocked by a cycle is reported beside the cycle that blocks it.
    expect(new Set(fired)).toEqual(new Set(id === 'blocked-by-cycle' ? [id, 'cycle'] : [id]));
  });
  it('is silent on its passing fixture', async () => {
    expect(await rulesOf(good)).toEqual([]);
  });
});

describe('built-in templates', () => {
  const engines = ['postgres', 'mysql', 'sqlite', 'mongodb'];
  it.each(listTemplates().flatMap((t) => engines.map((db) => [t.name, db])))('%s on %s passes every rule at default severity', async (name, db) => {
    const template = listTemplates().find((t) => t.name === name)!;
    const given: Record<string, string> = template.manifest.parameters.some((p) => p.name === 'db') ? { db } : {};
    const takesTables = template.manifest.parameters.some((p) => p.name === 'tables');
    for (const tables of takesTables ? [undefined, 'a,b,c,d,e'] : [undefined]) {
      const { loaded } = expandTemplate(template, { given: tables ? { ...given, tables } : given });
      const report = (await checkLoaded('t', loaded)).result;
      expect(report.findings).toEqual([]);
    }
  });
});

describe('the multi-tenant plan without one of its safety tasks', () => {
  const plan = expandTemplate(listTemplates().find((t) => t.name === 'multi-tenant')!).loaded.plan;
  /** The plan as a person would leave it after deleting a task: its dependents inherit its dependencies. */
  const without = (id: string): Plan => {
    const gone = plan.tasks.find((t) => t.id === id)!;
    const tasks = plan.tasks.filter((t) => t.id !== id)
      .map((t) => ({ ...t, depends: [...new Set(t.depends.flatMap((d) => (d === id ? gone.depends : [d])))] }));
    return { ...plan, tasks };
  };
  it.each([
    ['T5', 'the backfill validation checkpoint', ['verify-each-change@T4']],
    ['T3', 'the rollback rehearsal', ['rollback-rehearsed@T4']],
    ['T7', 'the isolation audit', ['audit-before-cleanup@T8']],
    ['B1', 'the backup', ['point-of-no-return-guarded@T8']],
    ['G1', 'the gate before the backfill', ['gate-before-riskier-wave@T4']],
    ['G2', 'the gate before NOT NULL', ['gate-before-riskier-wave@T8', 'contract-after-gate@T8']],
    ['V1', 'the NOT NULL verification', ['verify-each-change@T8']],
  ])('removing %s (%s) gives exactly %j', (id, _, expected) => {
    const p = without(id);
    expect(runRules(p, analyzePlan(p)).findings.map((f) => `${f.rule}@${f.taskId}`)).toEqual(expected);
  });
});

describe('configuration and suppression', () => {
  const plan = (file: string) => parsePlan(readFileSync(join(ROOT, file), 'utf8'), file);
  const bad = 'test/fixtures/rules/single-terminal/bad.plan.yaml';

  it('plan.config.yaml can turn a rule off or change its severity', async () => {
    expect((await checkLoaded(bad, plan(bad), { config: { rules: { 'single-terminal': 'off' } } })).result.findings).toEqual([]);
    const raised = (await checkLoaded(bad, plan(bad), { config: { rules: { 'single-terminal': 'error' } } })).result;
    expect(raised.findings.map((f) => f.severity)).toEqual(['error']);
    expect(raised.exitCode).toBe(1);
  });

  it('--strict makes a warning fail', async () => {
    expect((await checkLoaded(bad, plan(bad))).result.exitCode).toBe(0);
    expect((await checkLoaded(bad, plan(bad), { strict: true })).result.exitCode).toBe(1);
  });

  it('a config naming an unknown rule or changing a graph rule is a located error', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plan.config.yaml'), 'rules:\n  single-terminl: off\n  cycle: warning\n');
    const e = (() => { try { loadRuleConfig(undefined, dir); } catch (err) { return err as PlanInputError; } })()!;
    expect(e).toBeInstanceOf(PlanInputError);
    expect(e.message).toMatch(/plan\.config\.yaml:2:3: rules\.single-terminl: unknown rule "single-terminl"\n  hint: did you mean "single-terminal"\?/);
    expect(e.message).toMatch(/plan\.config\.yaml:3:3: rules\.cycle: rule "cycle" cannot be changed/);
  });

  it('a suppression with a reason moves the finding aside, and the report keeps the reason', async () => {
    const text = readFileSync(join(ROOT, bad), 'utf8').replace("    title: Update the runbook\n",
      "    title: Update the runbook\n    suppress: [{rule: single-terminal, reason: The runbook update may trail the migration.}]\n");
    const report = (await checkLoaded(bad, parsePlan(text, bad))).result;
    expect(report.findings).toEqual([]);
    expect(report.suppressed).toMatchObject([{ rule: 'single-terminal', taskId: 'D1', reason: 'The runbook update may trail the migration.' }]);
  });

  it('a suppression needs a written reason', async () => {
    const text = readFileSync(join(ROOT, bad), 'utf8').replace("    title: Update the runbook\n",
      "    title: Update the runbook\n    suppress: [{rule: single-terminal, reason: ok}]\n");
    expect(() => parsePlan(text, bad)).toThrow(/tasks\[5\]\.suppress\[0\]\.reason: a suppression needs a written reason/);
  });
});

const DOCS = await computeRuleDocs();

describe('docs/rules', () => {
  it.each(DOCS.map((d) => [d.path, d.text]))('%s is fresh (npm run docs regenerates it)', (path, text) => {
    expect(readFileSync(join(ROOT, path), 'utf8')).toBe(text);
  });
});

describe('engine-specific rules', () => {
  const load = (file: string, edit: (s: string) => string = (s) => s) =>
    parsePlan(edit(readFileSync(join(ROOT, file), 'utf8')), file);

  it('pg-not-valid-constraint also wants the NOT VALID constraint validated somewhere in the plan', async () => {
    const file = 'test/fixtures/rules/pg-not-valid-constraint/good.plan.yaml';
    const report = (await checkLoaded(file, load(file, (s) => s.replace(/.*VALIDATE CONSTRAINT.*\n/, '')))).result;
    expect(report.findings.map((f) => f.message)).toEqual(['"T1" adds orders_customer_fk NOT VALID, and no task validates it']);
  });

  it.each(['pg-concurrent-index', 'pg-not-valid-constraint', 'ddl-lock-timeout'])('%s does not apply to another engine', async (id) => {
    const file = `test/fixtures/rules/${id}/bad.plan.yaml`;
    expect((await checkLoaded(file, load(file, (s) => s.replace('database: postgres', 'database: sqlite')))).result.findings).toEqual([]);
  });

  it('ddl-lock-timeout wants lock_wait_timeout on MySQL', async () => {
    const file = 'test/fixtures/rules/ddl-lock-timeout/good.plan.yaml';
    const mysql = load(file, (s) => s.replace('database: postgres', 'database: mysql'));
    expect((await checkLoaded(file, mysql)).result.findings.map((f) => f.rule)).toEqual(['ddl-lock-timeout']);
  });
});
