import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, tempDir } from '../helpers.js';

const NO_STACK = /\n\s+at .+:\d+:\d+\)?/;

describe('plan new', () => {
  it('writes multi-tenant.plan.yaml on defaults, then plan check passes with five waves and T8 flagged', () => {
    const cwd = tempDir();
    const created = runCli(['new', 'multi-tenant'], { cwd });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Wrote multi-tenant.plan.yaml');
    expect(created.stdout).toContain('13 tasks in 5 waves, 4 checkpoints; 0 errors, 0 warnings');
    const checked = runCli(['check', 'multi-tenant.plan.yaml', '--json'], { cwd });
    expect(checked.code).toBe(0);
    const report = JSON.parse(checked.stdout);
    expect(report.counts).toMatchObject({ tasks: 13, waves: 5, errors: 0, warnings: 0 });
    expect(report.pointsOfNoReturn).toEqual(['T8']);
    expect(report.edges).toContainEqual(['T3', 'T4']);
    expect(report.waves.map((w: { tasks: string[] }) => w.tasks)).toEqual([['T1'], ['T2', 'T3', 'G1'], ['T4', 'T5'], ['T6', 'T7', 'B1', 'G2'], ['T8', 'V1', 'T9']]);
    const text = runCli(['check', 'multi-tenant.plan.yaml'], { cwd }).stdout;
    expect(text).toMatch(/Point of no return: T8 Enforce NOT NULL/);
    expect(text).toMatch(/^2\s+C: Backfill\s+T4, T5\s+T5\s+medium/m);
    expect(text).toMatch(/^1\s+B: Dual-Write\s+T2, T3, G1\s+G1\s+low/m);
  });

  it('never overwrites without --force, and replaces with it', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'multi-tenant.plan.yaml'), 'my edits\n');
    const refused = runCli(['new', 'multi-tenant'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('multi-tenant.plan.yaml: already exists; not overwritten');
    expect(readFileSync(join(cwd, 'multi-tenant.plan.yaml'), 'utf8')).toBe('my edits\n');
    expect(runCli(['new', 'multi-tenant', '--force'], { cwd }).code).toBe(0);
    expect(readFileSync(join(cwd, 'multi-tenant.plan.yaml'), 'utf8')).toContain('version: 1');
  });

  it('takes --tables, --db, --set and --out', () => {
    const cwd = tempDir();
    const r = runCli(['new', 'multi-tenant', '--tables', 'users,orders', '--db', 'mysql', '--set', 'tenant_column=org_id',
      '--out', 'tenancy.plan.yaml', '--json'], { cwd });
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.parameters).toMatchObject({ tables: ['users', 'orders'], db: 'mysql', tenant_column: 'org_id' });
    const text = readFileSync(join(cwd, 'tenancy.plan.yaml'), 'utf8');
    expect(text).toContain('ALTER TABLE orders ADD COLUMN org_id CHAR(36) NULL, ALGORITHM=INSTANT');
    expect(text).toMatch(/^# yaml-language-server: \$schema=.*schema\/plan\.schema\.json$/m);
  });

  it.each([
    [['new', 'multi-tenat'], /unknown template "multi-tenat"[\s\S]*did you mean "multi-tenant"\?/],
    [['new', 'multi-tenant', '--db', 'oracle'], /parameter "db": "oracle" is not one of/],
    [['new', 'multi-tenant', '--set', 'nokey'], /--set expects key=value/],
    [['new', 'multi-tenant', '--out', '.'], /is a directory/],
    [['new', 'multi-tenant', '--out', 'no/such/dir/x.yaml'], /cannot write: the folder does not exist/],
  ])('rejects %j with exit 2 and no stack trace', (args, message) => {
    const cwd = tempDir();
    const r = runCli(args, { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(existsSync(join(cwd, 'multi-tenant.plan.yaml'))).toBe(false);
  });

  it('writes nothing and exits 1 when a template yields a plan with errors', () => {
    const cwd = tempDir();
    const r = runCli(['new', 'cyclic', '--templates-dir', fixture('templates')], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('dependency cycle: A → B → A');
    expect(r.stdout).toContain('cyclic.plan.yaml not written');
    expect(existsSync(join(cwd, 'cyclic.plan.yaml'))).toBe(false);
  });

  it('reports an error as JSON under --json, with the same exit code', () => {
    const r = runCli(['new', 'multi-tenant', '--db', 'oracle', '--json'], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({ exitCode: 2, details: [{ message: expect.stringContaining('oracle') }] });
  });
});

describe('plan check on edited plans', () => {
  const cases: [string, number, RegExp][] = [
    ['plans/valid', 0, /4 tasks in 2 waves, 1 checkpoint; 0 errors/],
    ['rules/cycle/bad', 1, /cycle\/bad.plan.yaml:23:19: tasks\[1\]\.depends\[1\]: error \[cycle\] dependency cycle: T1 → T2 → T3 → T1/],
    ['rules/unknown-dependency/bad', 1, /bad.plan.yaml:33:19: tasks\[3\]\.depends\[1\]: error \[unknown-dependency\] task "T3" depends on unknown task "T2x"\n    hint: did you mean "T2"\?/],
    ['rules/duplicate-id/bad', 1, /bad.plan.yaml:29:9: tasks\[3\]\.id: error \[duplicate-id\] duplicate task id "T2": tasks\[2\] already has it/],
    ['rules/self-dependency/bad', 1, /tasks\[3\]\.depends\[1\]: error \[self-dependency\] task "T3" depends on itself/],
    ['rules/wave-order/bad', 1, /bad.plan.yaml:33:11: tasks\[3\]\.wave: error \[wave-order\] task "T3" is declared in wave 0 but depends on "T2" in wave 0 of another phase/],
    ['plans/yaml-syntax', 2, /yaml-syntax.plan.yaml:25:12: YAML syntax error: Missing closing "quote/],
    ['plans/schema-error', 2, /schema-error.plan.yaml:28:14: tasks\[2\]\.depends: Invalid input: expected array, received string/],
    ['plans/unknown-field', 2, /unknown-field.plan.yaml:26:5: tasks\[2\]\.knd: unknown field "knd"\n  hint: did you mean "kind"\?/],
  ];
  it.each(cases)('%s → exit %i with a located message', (name, code, message) => {
    const r = runCli(['check', fixture(`${name}.plan.yaml`)]);
    expect(r.code).toBe(code);
    expect(r.stdout + r.stderr).toMatch(message);
    expect(r.stdout + r.stderr).not.toMatch(NO_STACK);
  });

  it('the cycle message names the members in order and where the closing edge is', () => {
    const r = runCli(['check', fixture('rules', 'cycle', 'bad.plan.yaml')]);
    expect(r.stdout).toContain('dependency cycle: T1 → T2 → T3 → T1');
    expect(r.stdout).toMatch(/bad\.plan\.yaml:23:19: tasks\[1\]\.depends\[1\]/);
  });

  it('a missing file is exit 2 and a directory is exit 2', () => {
    const dir = tempDir();
    expect(runCli(['check', join(dir, 'nope.yaml')])).toMatchObject({ code: 2, stderr: expect.stringContaining('no such file') });
    mkdirSync(join(dir, 'd.yaml'));
    expect(runCli(['check', join(dir, 'd.yaml')])).toMatchObject({ code: 2, stderr: expect.stringContaining('is a directory') });
  });

  it('--json findings carry rule, severity, task, path, file, line and column', () => {
    const r = runCli(['check', fixture('rules', 'unknown-dependency', 'bad.plan.yaml'), '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings).toEqual([{
      rule: 'unknown-dependency', severity: 'error', taskId: 'T3', path: 'tasks[3].depends[1]',
      message: 'task "T3" depends on unknown task "T2x"', hint: 'did you mean "T2"?',
      file: expect.stringContaining('unknown-dependency/bad.plan.yaml'), line: 33, column: 19,
    }]);
  });

  it('missing arguments are bad usage (exit 2)', () => {
    expect(runCli(['check']).code).toBe(2);
  });
});

describe('plan templates', () => {
  it('lists templates with their parameters, as text and JSON', () => {
    const text = runCli(['templates']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('multi-tenant');
    expect(text.stdout).toMatch(/tables \(identifier-list, default \["users","projects","tasks"\]; --tables\)/);
    const json = JSON.parse(runCli(['templates', '--json']).stdout);
    expect(json.find((t: { name: string }) => t.name === 'multi-tenant').parameters.map((p: { name: string }) => p.name))
      .toEqual(expect.arrayContaining(['tables', 'db', 'tenant_column']));
  });

  it('includes user templates from --templates-dir', () => {
    const json = JSON.parse(runCli(['templates', '--templates-dir', fixture('templates'), '--json']).stdout);
    expect(json.map((t: { name: string; builtin: boolean }) => [t.name, t.builtin])).toContainEqual(['unknown-variable', false]);
  });
});

describe('plan check output formats', () => {
  const bad = fixture('rules', 'single-terminal', 'bad.plan.yaml');

  it('--format sarif is SARIF 2.1.0 with the catalog and one result per finding', () => {
    const r = runCli(['check', fixture('rules', 'cycle', 'bad.plan.yaml'), '--format', 'sarif']);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toContain('cycle');
    expect(run.results).toEqual([expect.objectContaining({
      ruleId: 'cycle', level: 'error',
      locations: [expect.objectContaining({ physicalLocation: { artifactLocation: { uri: expect.stringContaining('cycle/bad.plan.yaml') }, region: { startLine: 23, startColumn: 19 } } })],
    })]);
  });

  it('--format github prints workflow annotations, escaped', () => {
    const r = runCli(['check', bad, '--format', 'github']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^::warning file=.*single-terminal\/bad\.plan\.yaml,line=36,col=5,title=plan single-terminal::D1: the plan ends in 2 tasks \(V1, D1\); it should converge on one \(hint: .*\)$/);
  });

  it('--strict fails on warnings; a config file from --config or the working directory applies', () => {
    expect(runCli(['check', bad, '--strict']).code).toBe(1);
    const cwd = tempDir();
    writeFileSync(join(cwd, 'plan.config.yaml'), 'rules:\n  single-terminal: error\n');
    expect(runCli(['check', bad], { cwd }).code).toBe(1);
    expect(runCli(['check', bad, '--config', join(cwd, 'plan.config.yaml')]).code).toBe(1);
    writeFileSync(join(cwd, 'plan.config.yaml'), 'rules:\n  single-terminal: off\n');
    expect(runCli(['check', bad, '--strict'], { cwd }).code).toBe(0);
  });

  it('colours severities only on a terminal: piped output has no escape codes', () => {
    expect(runCli(['check', bad]).stdout).not.toContain('\u001b[');
  });
});
