import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newPlan } from '../../src/app/new.js';
import { setTaskStates } from '../../src/app/state.js';
import { baseFileOf, updatePlan } from '../../src/app/update.js';
import { checkFile } from '../../src/check/pipeline.js';
import { PlanInputError } from '../../src/errors.js';
import { parsePlan } from '../../src/model/load.js';
import type { Plan, Task } from '../../src/model/schema.js';
import { builtinTemplatesDir } from '../../src/templates/registry.js';
import { runCli, tempDir } from '../helpers.js';

const read = (file: string) => parsePlan(readFileSync(file, 'utf8'), file).plan;
const task = (plan: Plan, id: string): Task => {
  const found = plan.tasks.find((t) => t.id === id);
  if (!found) throw new Error(`no task ${id}`);
  return found;
};

/** Replaces the first `old` after `anchor` in the file. */
function edit(file: string, anchor: string, old: string, replacement: string): void {
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(old, text.indexOf(anchor));
  expect(at, `${old} after ${anchor}`).toBeGreaterThan(0);
  writeFileSync(file, text.slice(0, at) + replacement + text.slice(at + old.length));
}

async function generate(dir: string, tables: string, extra: string[] = [], templatesDirs?: string[]): Promise<string> {
  const file = join(dir, 'mt.plan.yaml');
  const made = await newPlan({ template: 'multi-tenant', set: [`tables=${tables}`, 'fan_out_above=1', ...extra], out: file, templatesDirs });
  expect(made.written).toBe(true);
  return file;
}

/** A task's block of lines in a generated plan (`  - id: ID` to the next task), or the text with it rewritten. */
function taskBlock(text: string, id: string, rewrite?: (block: string) => string): string {
  const from = text.indexOf(`  - id: ${id}\n`);
  const to = text.indexOf('\n  - id: ', from + 1) + 1;
  const block = text.slice(from, to);
  return rewrite ? text.slice(0, from) + rewrite(block) + text.slice(to) : block;
}

/** The 1-based line of the first line starting with `start` in task `id`'s block. */
function lineOf(text: string, id: string, start: string): number {
  const lines = text.split('\n');
  const from = lines.indexOf(`  - id: ${id}`);
  return lines.findIndex((l, i) => i > from && l.startsWith(start)) + 1;
}

/** The `sql:` mapping of a task block, to the next key of the task. */
function sqlBlock(block: string): string {
  const m = /^ {4}sql:\n(?: {6}.*\n)*/m.exec(block);
  if (!m) throw new Error('no sql block');
  return m[0];
}

const CUSTOM = `  - id: X1
    title: Check row-level security on the backfilled users  # added by hand
    type: validation
    phase: backfill
    depends: ["T4.users"]
    acceptance:
      - Cross-tenant reads are refused
`;

describe('plan update', () => {
  it('keeps a custom task, edits and a status while a third table is added, and wires the new tasks', async () => {
    const dir = tempDir();
    const file = await generate(dir, 'users,projects');
    expect(existsSync(baseFileOf(file))).toBe(true);
    edit(file, '  - id: T6\n', '  - id: T6\n', `${CUSTOM}  - id: T6\n`);
    edit(file, '  - id: T6\n', 'depends: ["T5.users", "T5.projects"]', 'depends: ["T5.users", "T5.projects", "X1"]');
    edit(file, '  - id: T2\n', 'title: ', 'title: "Ship dual-write behind the tenancy flag"\n    # was: ');
    edit(file, '  - id: T1\n', '      - Existing queries still work\n', '      - Existing queries still work (smoke suite green)\n');
    await setTaskStates({ file, command: 'done', ids: ['T1'], by: 'alice', now: new Date('2026-11-23T10:00:00Z') });
    const before = read(file);

    const result = await updatePlan({ file, set: ['tables=users,projects,tasks'] });
    const after = read(file);
    expect(result.written).toBe(true);
    // Kept: the custom task (and the dependency on it), the edits, the status and its sign-off.
    expect(task(after, 'X1')).toEqual(task(before, 'X1'));
    expect(task(after, 'T6').depends).toEqual(expect.arrayContaining(['X1', 'T5.tasks']));
    expect(task(after, 'T2').title).toBe('Ship dual-write behind the tenancy flag');
    expect(task(after, 'T1').acceptance).toContain('Existing queries still work (smoke suite green)');
    expect(task(after, 'T1').state).toEqual(task(before, 'T1').state);
    expect(readFileSync(file, 'utf8')).toContain('# added by hand');
    // The third table's tasks, wired like the others.
    expect(task(after, 'T4.tasks').depends).toEqual(task(after, 'T4.users').depends);
    expect(task(after, 'T5.tasks').depends).toEqual(['T4.tasks']);
    expect(task(after, 'T7').depends).toContain('T5.tasks');
    // T1 ran on two tables: the template's statements for three did not. That is a decision, not an edit.
    // (and its migration files: the template renumbers them for three tables)
    expect(result.conflicts.map((c) => c.at.join('.'))).toEqual(expect.arrayContaining(['tasks.T1.sql']));
    expect(result.conflicts.every((c) => c.at[1] === 'T1' && ['sql', 'files'].includes(c.at[2]!))).toBe(true);
    expect(task(after, 'T1').sql).toEqual(task(before, 'T1').sql);
    expect(task(after, 'T1').files).toEqual(task(before, 'T1').files);
    const conflict = result.conflicts.find((c) => c.at[2] === 'sql')!;
    const checked = await checkFile(file);
    const errors = checked.result.findings.filter((f) => f.severity === 'error');
    expect(errors.every((f) => f.rule === 'update-conflict')).toBe(true);
    expect(errors.map((f) => f.line)).toContain(lineOf(readFileSync(file, 'utf8'), 'T1', '    sql:') + 1);
    // Settled the way its statements allow (each is IF NOT EXISTS): take the template's statements and run T1
    // again. The plan then checks clean.
    const settled = taskBlock(readFileSync(file, 'utf8'), 'T1', (block) =>
      block.replace(sqlBlock(block), sqlBlock(taskBlock(readFileSync(baseFileOf(file), 'utf8'), 'T1'))).replace(/^    state:\n(?: {6}.*\n)*/m, ''));
    writeFileSync(file, settled.replace(/^conflicts:\n(?:[ -].*\n)*/m, ''));
    expect(task(read(file), 'T1').sql).toEqual(conflict.template);
    const clean = await checkFile(file);
    expect(clean.result.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('reports the same field changed differently by the user and the template: exit 1, located at the field', async () => {
    const dir = tempDir();
    const file = await generate(dir, 'users,projects');
    edit(file, '  - id: T1\n', '    description: |-\n', '    description: |-\n      Our DBA reviewed this on Monday.\n');
    const result = await updatePlan({ file, set: ['tables=users,projects,tasks'] });
    expect(result.conflicts.map((c) => c.at)).toEqual([['tasks', 'T1', 'description']]);
    expect(result.check.exitCode).toBe(1);
    expect(result.summary).toContain('tasks.T1.description');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('Our DBA reviewed this on Monday.');
    const finding = result.check.findings.find((f) => f.rule === 'update-conflict')!;
    expect(finding.line).toBe(lineOf(text, 'T1', '    description: |-'));
    // The command line says the same, with exit 1 and the conflict in --json.
    writeFileSync(file, text);
    const cli = runCli(['check', file, '--json']);
    expect(cli.code).toBe(1);
    expect(JSON.parse(cli.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('update-conflict');
  });

  it('changes nothing, byte for byte, when the template and the parameters are the same', async () => {
    const dir = tempDir();
    const file = await generate(dir, 'users,projects');
    edit(file, '  - id: T2\n', 'title: ', 'title: "Hand-edited"\n    # x: ');
    const text = readFileSync(file, 'utf8');
    const result = await updatePlan({ file });
    expect(result.unchanged).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(text);
    // Without the base file, the same template version renders it again.
    rmSync(baseFileOf(file));
    expect((await updatePlan({ file })).base).toBe('rendered');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('prints the diff and writes nothing with --dry-run', async () => {
    const dir = tempDir();
    const file = await generate(dir, 'users,projects');
    const text = readFileSync(file, 'utf8');
    const base = readFileSync(baseFileOf(file), 'utf8');
    const result = await updatePlan({ file, set: ['tables=users,projects,tasks'], dryRun: true });
    expect(result.written).toBe(false);
    expect(result.diff).toMatch(/^\+  - id: T4\.tasks$/m);
    expect(result.summary).toContain('+  - id: T4.tasks');
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(readFileSync(baseFileOf(file), 'utf8')).toBe(base);
    // The diff is a real one: patch(1) turns the file into the merged plan with it.
    writeFileSync(join(dir, 'update.diff'), result.diff);
    const patched = spawnSync('patch', ['-s', '-o', join(dir, 'patched.yaml'), file, join(dir, 'update.diff')], { encoding: 'utf8' });
    expect(patched.status, patched.stderr + patched.stdout).toBe(0);
    expect(readFileSync(join(dir, 'patched.yaml'), 'utf8')).toBe(result.text);
  });

  it('works when the template changed between generation and update (the base file holds the old one)', async () => {
    const dir = tempDir();
    const templates = join(dir, 'templates');
    cpSync(join(builtinTemplatesDir(), 'multi-tenant'), join(templates, 'multi-tenant'), { recursive: true });
    const file = await generate(dir, 'users,projects', [], [templates]);
    edit(file, '  - id: T2\n', 'title: ', 'title: "Ship dual-write behind the tenancy flag"\n    # was: ');
    // A later release of the template: a new acceptance item for T3 and another title for T6.
    const body = join(templates, 'multi-tenant', 'plan.yaml.hbs');
    const hbs = readFileSync(body, 'utf8');
    const t6 = hbs.indexOf('id: T6');
    const title = hbs.indexOf('title:', t6);
    const eol = hbs.indexOf('\n', title);
    writeFileSync(body, `${hbs.slice(0, title)}title: "Switch every query to tenant-aware reads"${hbs.slice(eol)}`);
    const result = await updatePlan({ file, templatesDirs: [templates] });
    expect(result.templateChanged).toBe(true);
    expect(result.base).toBe('file');
    const after = read(file);
    expect(task(after, 'T6').title).toBe('Switch every query to tenant-aware reads');
    expect(task(after, 'T2').title).toBe('Ship dual-write behind the tenancy flag');
    expect(result.conflicts).toEqual([]);
    // Without the base file the old template's output cannot be known: a located refusal, nothing written.
    const text = readFileSync(file, 'utf8');
    writeFileSync(body, `${readFileSync(body, 'utf8')}\n`.replace('tenant-aware reads', 'tenant-aware reads only'));
    rmSync(baseFileOf(file));
    const refused = await updatePlan({ file, templatesDirs: [templates] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PlanInputError);
    expect((refused as PlanInputError).details[0]!.location?.file).toBe(baseFileOf(file));
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('re-points a hand-added dependency when the task it named is split per table', async () => {
    const dir = tempDir();
    const file = join(dir, 'mt.plan.yaml');
    await newPlan({ template: 'multi-tenant', set: ['tables=users,projects', 'fan_out_above=3'], out: file });
    expect(task(read(file), 'T4').id).toBe('T4');
    edit(file, '  - id: T6\n', '  - id: T6\n', `${CUSTOM.replace('"T4.users"', '"T4"')}  - id: T6\n`);
    const result = await updatePlan({ file, set: ['fan_out_above=1'] });
    const after = read(file);
    expect(after.tasks.some((t) => t.id === 'T4')).toBe(false);
    expect(task(after, 'X1').depends).toEqual(['T4.users', 'T4.projects']);
    expect(result.notices.join('\n')).toContain('X1: depended on T4');
    expect(result.conflicts).toEqual([]);
    expect(result.check.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('plan diff FILE --set shows what the update would bring, and plan diff of the two files after it agrees', async () => {
    const dir = tempDir();
    const file = await generate(dir, 'users,projects');
    const before = readFileSync(file, 'utf8');
    const cli = runCli(['diff', file, '--set', 'tables=users,projects,tasks', '--json']);
    expect(cli.code, cli.stderr).toBe(0);
    const preview = JSON.parse(cli.stdout);
    expect(preview.tasks.added.map((t: { id: string }) => t.id).sort()).toEqual(['T4.tasks', 'T5.tasks']);
    await updatePlan({ file, set: ['tables=users,projects,tasks'] });
    writeFileSync(join(dir, 'before.plan.yaml'), before);
    const after = JSON.parse(runCli(['diff', join(dir, 'before.plan.yaml'), file, '--json']).stdout);
    expect(after.tasks.added).toEqual(preview.tasks.added);
    expect(after.edges).toEqual(preview.edges);
    // Nothing left to bring: the file is what its template writes.
    expect(JSON.parse(runCli(['diff', file, '--json']).stdout).tasks).toEqual({ added: [], removed: [], changed: [] });
  });

  it('refuses a plan that was not generated, located, exit 2', async () => {
    const dir = tempDir();
    const file = join(dir, 'hand.plan.yaml');
    writeFileSync(file, 'version: 1\nepic: {id: E, title: Hand-made}\nphases: [{id: p, name: P, rollback: none, risk: low}]\ntasks: [{id: T1, title: One, phase: p}]\n');
    const cli = runCli(['update', file]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('no generated_by');
    expect(cli.stderr).not.toMatch(/\n\s+at /);
  });
});
