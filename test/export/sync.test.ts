/**
 * `plan sync` against the real trackers: export, run the script, change state in the tracker with its
 * own CLI, and read it back.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers.js';
import { backlogProject, exportScript, runScript, stateOf, taskwarriorEnv, writePlan, type PlanSpec } from './trackers.js';

const SPEC: PlanSpec = {
  epic: 'Rename users.name',
  tasks: [
    { id: 'A', title: 'Add full_name', depends: [] },
    { id: 'B', title: 'Dual-write full_name', depends: ['A'] },
    { id: 'C', title: 'Backfill full_name', depends: ['A'] },
    { id: 'D', title: 'Switch reads', depends: ['B', 'C'] },
  ],
};

interface Report { tasks: { id: string; status: string; trackerId?: string }[]; drift: { kind: string; id: string; message: string }[] }

const sync = (dir: string, from: string, env: Record<string, string> = {}) => {
  const r = runCli(['sync', join(dir, 'p.plan.yaml'), '--from', from, '--json'], { cwd: dir, env: { ...env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` } });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Report;
};
const statuses = (report: Report) => Object.fromEntries(report.tasks.map((t) => [t.id, t.status]));

describe('plan sync --from taskwarrior', () => {
  it('reads back the tasks marked done in Taskwarrior, and the drift', async () => {
    const dir = tempDir();
    const env = taskwarriorEnv(dir);
    expect(runScript(await exportScript(writePlan(dir, SPEC), 'taskwarrior', dir), dir, env).status).toBe(0);
    expect(statuses(sync(dir, 'taskwarrior', env))).toEqual({ EPIC: 'todo', A: 'todo', B: 'todo', C: 'todo', D: 'todo' });

    const uuid = stateOf(dir, 'taskwarrior');
    const task = (...args: string[]) => expect(spawnSync('task', ['rc.confirmation=off', ...args], { env: { ...process.env, ...env } }).status).toBe(0);
    task(uuid.get('A')!, 'done');
    task(uuid.get('C')!, 'done');
    task(uuid.get('B')!, 'start');
    // D done while B is still in progress: drift, reported.
    task(uuid.get('D')!, 'done');
    const report = sync(dir, 'taskwarrior', env);
    expect(statuses(report)).toEqual({ EPIC: 'todo', A: 'done', B: 'in-progress', C: 'done', D: 'done' });
    expect(report.drift).toEqual([{ kind: 'done-before-dependency', id: 'D', message: 'D is done in taskwarrior while B is not' }]);
    // Recorded in the plan: plan status follows the tracker, and the drift stays visible to plan check.
    const status = runCli(['status', join(dir, 'p.plan.yaml'), '--json']);
    expect(status.code, status.stderr).toBe(0);
    const progress = JSON.parse(status.stdout) as { inProgress: { id: string }[]; findings: { rule: string; taskId?: string }[] };
    expect(progress.inProgress.map((t) => t.id)).toEqual(['B']);
    expect(progress.findings.map((f) => f.rule)).toContain('done-after-dependencies');
    const plan = JSON.parse(readFileSync(join(dir, 'p.plan.yaml'), 'utf8')) as { tasks: { id: string; state?: { status: string; by?: string } }[] };
    expect(Object.fromEntries(plan.tasks.map((t) => [t.id, t.state && [t.state.status, t.state.by]]))).toEqual({
      A: ['done', 'taskwarrior'], B: ['in-progress', 'taskwarrior'], C: ['done', 'taskwarrior'], D: ['done', 'taskwarrior'] });
    // A second sync finds nothing new to record.
    expect((sync(dir, 'taskwarrior', env) as Report & { recorded: unknown[] }).recorded).toEqual([]);

    // C leaves the plan: its item in Taskwarrior is one the plan no longer knows.
    writePlan(dir, { ...SPEC, tasks: SPEC.tasks.filter((t) => t.id !== 'C').map((t) => ({ ...t, depends: t.depends.filter((d) => d !== 'C') })) });
    const after = sync(dir, 'taskwarrior', env);
    expect(after.drift.map((d) => [d.kind, d.id])).toContainEqual(['unknown-item', uuid.get('C')]);
  });

  it('without a state file, finds the items by the uuids the export gave them', async () => {
    const dir = tempDir();
    const env = taskwarriorEnv(dir);
    expect(runScript(await exportScript(writePlan(dir, SPEC), 'taskwarrior', dir), dir, { ...env, PLAN_EXPORT_STATE: join(dir, 'elsewhere.state') }).status).toBe(0);
    expect(statuses(sync(dir, 'taskwarrior', env))).toEqual({ EPIC: 'todo', A: 'todo', B: 'todo', C: 'todo', D: 'todo' });
  });

  it('a task never exported is reported missing', async () => {
    const dir = tempDir();
    const env = taskwarriorEnv(dir);
    writePlan(dir, SPEC);
    const report = sync(dir, 'taskwarrior', env);
    expect(report.drift.filter((d) => d.kind === 'missing').map((d) => d.id)).toEqual(['EPIC', 'A', 'B', 'C', 'D']);
  });

  it('a tracker that cannot be read is a located exit 2', () => {
    const dir = tempDir();
    writePlan(dir, SPEC);
    writeFileSync(join(dir, 'taskrc'), 'data.location=/nonexistent/dir\n');
    const r = runCli(['sync', join(dir, 'p.plan.yaml'), '--from', 'taskwarrior'], { cwd: dir, env: { TASKRC: join(dir, 'taskrc'), TASKDATA: '/nonexistent/dir' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read taskwarrior');
  });
});

describe('plan sync --from backlog', () => {
  it('reads back Backlog.md statuses through its labels and state', async () => {
    const dir = tempDir();
    backlogProject(dir);
    expect(runScript(await exportScript(writePlan(dir, SPEC), 'backlog', dir), dir).status).toBe(0);
    const ids = stateOf(dir, 'backlog');
    const backlog = (...args: string[]) => expect(spawnSync(join(ROOT, 'node_modules', '.bin', 'backlog'), args, { cwd: dir }).status).toBe(0);
    backlog('task', 'edit', ids.get('A')!, '-s', 'Done');
    backlog('task', 'edit', ids.get('B')!, '-s', 'In Progress');
    const report = sync(dir, 'backlog');
    expect(statuses(report)).toEqual({ EPIC: 'todo', A: 'done', B: 'in-progress', C: 'todo', D: 'todo' });
    expect(report.drift).toEqual([]);
  });
});
