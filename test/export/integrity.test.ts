/**
 * Exports that cannot lose or corrupt a tracker's data (issue 15, part 5): one state per plan, every
 * tracker answer checked, every acceptance criterion arrives, limits checked at export time, a kill at
 * any call leaves nothing twice, labels a team has are left alone, Markdown and CSV neutralise user text.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { exportPlan } from '../../src/app/export.js';
import { PlanInputError } from '../../src/errors.js';
import { cleoText } from '../../src/export/dialects.js';
import { ROOT, runCli, tempDir } from '../helpers.js';
import {
  backlogProject, callsOf, countTaskwarrior, parseCsv, expected, expectedByTitle, exportScript, listBacklog, readBacklog, readBacklogByTitle,
  readTaskwarrior, readTaskwarriorByTitle, runScript, STAND_INS, stateOf, taskwarriorEnv, writePlan, type PlanSpec,
} from './trackers.js';

const FIRST: PlanSpec = {
  epic: 'Rename users.name',
  tasks: [
    { id: 'A', title: 'Add full_name', depends: [] },
    { id: 'B', title: 'Dual-write full_name', depends: ['A'] },
    { id: 'C', title: 'Switch reads', depends: ['B'] },
  ],
};
// The same ids as FIRST, other titles and other edges: a second plan that reused FIRST's state would
// skip A and B and wire C to FIRST's B.
const SECOND: PlanSpec = {
  epic: 'Drop legacy_flags',
  tasks: [
    { id: 'A', title: 'Stop reading legacy_flags', depends: [] },
    { id: 'B', title: 'Stop writing legacy_flags', depends: [] },
    { id: 'C', title: 'Drop the column', depends: ['A', 'B'] },
  ],
};

async function exportAs(dir: string, spec: PlanSpec, name: string, to: string): Promise<string> {
  const out = join(dir, `${name}.${to}.sh`);
  await exportPlan({ file: writePlan(dir, spec, `${name}.plan.yaml`), to, out, force: true });
  return out;
}

describe('two plans exported from one folder', () => {
  it('Taskwarrior holds the sum of both plans, each with its own dependencies', async () => {
    const dir = tempDir();
    const env = taskwarriorEnv(dir);
    for (const [spec, name] of [[FIRST, 'first'], [SECOND, 'second']] as const) {
      const r = runScript(await exportAs(dir, spec, name, 'taskwarrior'), dir, env);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    expect(countTaskwarrior(dir)).toBe(8);
    expect(readTaskwarriorByTitle(dir)).toEqual({ ...expectedByTitle(FIRST), ...expectedByTitle(SECOND) });
  });

  it('Backlog.md holds the sum of both plans, each with its own dependencies', async () => {
    const dir = tempDir();
    backlogProject(dir);
    for (const [spec, name] of [[FIRST, 'first'], [SECOND, 'second']] as const) {
      const r = runScript(await exportAs(dir, spec, name, 'backlog'), dir);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    expect(listBacklog(dir)).toHaveLength(8);
    expect(readBacklogByTitle(dir)).toEqual({ ...expectedByTitle(FIRST), ...expectedByTitle(SECOND) });
  });
});

describe('a state file from before state was per plan', () => {
  it('stops the script instead of creating the plan again or skipping another plan\'s tasks, and says how to go on', async () => {
    const dir = tempDir();
    const log = join(dir, 'calls.log');
    writeFileSync(join(dir, '.plan-export-beads-EPIC.state'), 'EPIC\tbd-1\nA\tbd-2\n');
    const script = await exportScript(writePlan(dir, FIRST), 'beads', dir);
    const r = runScript(script, dir, { PLAN_FAKE_LOG: log });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/\.plan-export-beads-EPIC\.state is the state of an earlier export[\s\S]*hint: if that export was of this plan, rename it: mv \.plan-export-beads-EPIC\.state \.plan-export-beads-[0-9a-f]{12}\.state/);
    expect(callsOf(log)).toEqual([]);
    const state = r.stderr.match(/PLAN_EXPORT_STATE=(\S+)/)![1]!;
    expect(runScript(script, dir, { PLAN_FAKE_LOG: log, PLAN_EXPORT_STATE: state }).status).toBe(0);
    expect(callsOf(log).filter((c) => c.creating)).toHaveLength(4);
  });
});

describe('cleo, through a stand-in that answers as cleo 0.98.4 does', () => {
  it('an add refused under session enforcement ({"success":false} and exit 0) stops the script with cleo\'s message and records nothing', async () => {
    const dir = tempDir();
    const log = join(dir, 'calls.log');
    const r = runScript(await exportScript(writePlan(dir, FIRST), 'cleo', dir), dir, { PLAN_FAKE_LOG: log, PLAN_FAKE_CT_SESSION: 'required' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('Session required: start one with ct session start');
    expect(r.stderr).toContain('hint: cleo refuses adds outside a session by default: run `ct config set session.enforcement warn`');
    expect(stateOf(dir, 'cleo').size).toBe(0);
    expect(callsOf(log)).toHaveLength(1);
  });

  it('the multi-tenant plan with 6 tables arrives whole: every acceptance criterion, descriptions within 2,000 characters', async () => {
    const dir = tempDir();
    const file = join(dir, 'mt.plan.yaml');
    expect(runCli(['new', 'multi-tenant', '--tables', 'users,orders,invoices,payments,projects,comments', '--out', file]).code).toBe(0);
    const plan = parseYaml(readFileSync(file, 'utf8')) as { tasks: { id: string; acceptance: string[] }[] };
    const log = join(dir, 'calls.log');
    const r = runScript(await exportScript(file, 'cleo', dir), dir, { PLAN_FAKE_LOG: log });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const held = new Map(callsOf(log).filter((c) => c.creating).map((c) => [c.id!, c.task!]));
    const ids = stateOf(dir, 'cleo');
    let criteria = 0;
    for (const task of plan.tasks) {
      const t = held.get(Number(ids.get(task.id)!.slice(1)))!;
      for (const criterion of task.acceptance) {
        criteria++;
        // A criterion cleo cannot hold as one item (a comma or a line break in it) is in the text instead.
        if (/[,\n]/.test(criterion)) expect(`${t.description}\n${t.notes ?? ''}`).toContain(criterion);
        else expect(t.acceptance).toContain(criterion);
      }
    }
    expect(criteria).toBeGreaterThan(30);
  });
});

describe('every tracker answer is checked', () => {
  it.each([
    ['cleo', 'null'],
    ['cleo', '{"success":true,"task":{"id":null}}'],
    ['beads', 'Error: database is locked'],
    ['beads', ''],
    ['github', 'could not create issue: HTTP 422'],
  ])('%s answering %j with exit 0: the script stops with the answer and records nothing', async (to, answer) => {
    const dir = tempDir();
    const r = runScript(await exportScript(writePlan(dir, FIRST), to, dir), dir, { PLAN_FAKE_LOG: join(dir, 'calls.log'), PLAN_FAKE_ANSWER: answer });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`plan export: ${to} created nothing for EPIC; it answered: ${answer}`);
    expect(stateOf(dir, to).size).toBe(0);
  });
});

describe('cleoText', () => {
  it('keeps a description within 2,000 characters, whole lines, and puts the rest in the note', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `- [ ] criterion ${i}, ${'é'.repeat(40)}`);
    const { description, notes } = cleoText(lines.join('\n'));
    expect([...description].length).toBeLessThanOrEqual(2000);
    expect(description).toMatch(/\(continued in the note\)$/);
    expect(`${description.replace(/\n\n\(continued in the note\)$/, '')}\n${notes}`).toBe(lines.join('\n'));
  });

  it('cuts a first line longer than 2,000 characters where the room ends', () => {
    const body = 'x'.repeat(2500);
    const { description, notes } = cleoText(body);
    expect([...description].length).toBe(2000);
    expect(description.replace(/\n\n\(continued in the note\)$/, '') + notes).toBe(body);
  });
});

describe('tracker limits are refused at export time, located, exit 2', () => {
  const refused = async (to: string, title: string, message: RegExp) => {
    const dir = tempDir();
    const file = writePlan(dir, { epic: 'E', tasks: [{ id: 'A', title: 'fine', depends: [] }, { id: 'B', title, depends: ['A'] }] });
    const error = await exportPlan({ file, to }).then(() => undefined, (e: PlanInputError) => e);
    expect(error).toBeInstanceOf(PlanInputError);
    expect(error!.exitCode).toBe(2);
    expect(error!.message).toMatch(/p\.plan\.yaml:\d+:\d+: tasks\.1\.title: /);
    expect(error!.message).toMatch(message);
  };

  it.each([
    ['a title over 120 characters', 'x'.repeat(121), /cleo refuses a title over 120 characters \(121\)/],
    ['a literal backslash-n', 'first\\nsecond', /cleo refuses a backslash-n/],
    ['a zero-width space', 'zero\u200bwidth', /cleo refuses zero-width characters/],
    ['a control character', 'bell\u0007', /cleo refuses control characters/],
  ])('cleo: %s', (_, title, message) => refused('cleo', title, message));

  it('cleo: a phase id cleo would refuse', async () => {
    const dir = tempDir();
    const file = join(dir, 'p.plan.yaml');
    writeFileSync(file, JSON.stringify({ version: 1, epic: { id: 'EPIC', title: 'E' }, phases: [{ id: 'Schema_1', name: 'S', rollback: 'r', risk: 'low' }],
      tasks: [{ id: 'A', title: 'a', phase: 'Schema_1' }] }, null, 2));
    await expect(exportPlan({ file, to: 'cleo' })).rejects.toThrow(/p\.plan\.yaml:\d+:\d+: tasks\.0\.phase: cleo refuses the phase id "Schema_1"/);
  });

  it.each([
    ['a title of spaces', '   ', /Backlog\.md refuses a title of spaces/],
    ['surrounding whitespace', ' padded ', /Backlog\.md trims the spaces around a title/],
  ])('backlog: %s', (_, title, message) => refused('backlog', title, message));

  it('the CLI says so with exit 2 and writes no script', () => {
    const dir = tempDir();
    const file = writePlan(dir, { epic: 'E', tasks: [{ id: 'A', title: 'x'.repeat(121), depends: [] }] });
    const r = runCli(['export', file, '--to', 'cleo', '--out', join(dir, 'cleo.sh')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cleo refuses a title over 120 characters');
    expect(readdirSync(dir)).toEqual(['p.plan.yaml']);
  });
});

/**
 * Every call the script makes to the tracker, one kill at each: before the tracker runs, and after it
 * wrote. A clean run makes 4 calls: one listing (what the tracker holds already), three creates.
 */
const CALLS = 4;
const KILLS = ['before', 'after'].flatMap((when) => Array.from({ length: CALLS }, (_, i) => ({ when, at: i + 1 })));

describe.each([
  { dialect: 'taskwarrior', real: '/usr/bin/task', setup: taskwarriorEnv, read: readTaskwarrior, count: countTaskwarrior },
  { dialect: 'backlog', real: join(ROOT, 'node_modules', '.bin', 'backlog'), setup: (dir: string) => (backlogProject(dir), {}), read: readBacklog,
    count: (dir: string) => listBacklog(dir).length },
])('killed at any call of the $dialect script', ({ dialect, real, setup, read, count }) => {
  const SPEC: PlanSpec = { epic: 'Kill test', tasks: [{ id: 'A', title: 'First', depends: [] }, { id: 'B', title: 'Second', depends: ['A'] }] };
  const name = dialect === 'taskwarrior' ? 'task' : 'backlog';

  /** Runs the script under setsid (the shim kills the whole process group) with the kill shim in front of the tool. */
  function run(dir: string, script: string, env: Record<string, string>, kill: Record<string, string>) {
    const shim = tempDir();
    symlinkSync(join(STAND_INS, 'kill-shim.sh'), join(shim, name));
    return spawnSync('setsid', ['bash', script], {
      cwd: dir, encoding: 'utf8',
      env: { ...process.env, ...env, SHIM_REAL: real, SHIM_COUNT: join(dir, 'calls'), ...kill, PATH: [shim, process.env.PATH].join(':') },
    });
  }

  it(`a clean run makes ${CALLS} calls`, async () => {
    const dir = tempDir();
    const r = run(dir, await exportScript(writePlan(dir, SPEC), dialect, dir), setup(dir), {});
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(Number(readFileSync(join(dir, 'calls'), 'utf8'))).toBe(CALLS);
  });

  it.each(KILLS)('killed $when the tracker runs call $at: the re-run ends with each task exactly once, all edges wired', async ({ when, at }) => {
    const dir = tempDir();
    const script = await exportScript(writePlan(dir, SPEC), dialect, dir);
    const env = setup(dir);
    const killed = run(dir, script, env, { SHIM_KILL_AT: String(at), SHIM_KILL_WHEN: when });
    expect(killed.signal).toBe('SIGKILL');
    const again = runScript(script, dir, env);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(count(dir)).toBe(3);
    expect(read(dir)).toEqual(expected(SPEC));
  }, 120_000);
});

describe('GitHub labels', () => {
  it('creates only the labels the repository lacks, and never overwrites one (no --force)', async () => {
    const dir = tempDir();
    const spec: PlanSpec = { epic: 'E', tasks: [{ id: 'A', title: 'a', depends: [], labels: ['db'] }, { id: 'B', title: 'b', depends: ['A'], labels: ['api'] },
      { id: 'C', title: 'c', depends: ['B'], labels: ['bug'] }] };
    const log = join(dir, 'calls.log');
    const r = runScript(await exportScript(writePlan(dir, spec), 'github', dir), dir, { PLAN_FAKE_LOG: log, PLAN_FAKE_LABELS: 'Bug,wave-0' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const labelCalls = callsOf(log).filter((c) => c.argv[0] === 'label').map((c) => c.argv);
    expect(labelCalls).toEqual([['label', 'list', '--json', 'name', '--limit', '1000'], ['label', 'create', 'db'], ['label', 'create', 'api']]);
  });
});

describe('Markdown and CSV outputs neutralise user text', () => {
  const HOSTILE: PlanSpec = {
    epic: 'Epic <img src=x onerror=alert(1)>',
    tasks: [
      { id: 'A', title: '=HYPERLINK("http://evil.example","click")', depends: [], acceptance: ['[click](javascript:alert(1))'] },
      { id: 'B', title: '<script>alert(1)</script> and [x](http://evil.example)', depends: ['A'] },
      { id: 'C', title: '@SUM(1+1)', depends: ['A'] },
      { id: 'D', title: '+1', depends: ['A'] },
      { id: 'E', title: '-1+cmd|calc', depends: ['A'] },
    ],
  };
  let file: string;
  beforeAll(() => {
    file = writePlan(tempDir(), HOSTILE);
  });

  it('markdown: no raw HTML, no link syntax from user text', async () => {
    const md = (await exportPlan({ file, to: 'markdown' })).text;
    expect(md).not.toMatch(/<script|<img|(?<!\\)\]\(/);
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt; and \\[x\\](http://evil.example)');
  });

  it('the kickoff report in Markdown: no raw HTML, no link syntax from user text', () => {
    const r = runCli(['report', file, '--format', 'md']);
    expect(r.code).toBe(0);
    // Diagrams are fenced code, which Markdown does not read as HTML or links (src/diagram escapes their labels).
    expect(r.stdout.replace(/```[\s\S]*?```/g, '')).not.toMatch(/<script|<img|(?<!\\)\]\(/);
  });

  it.each(['csv', 'jira-csv', 'linear'])('%s: no cell starts with =, +, -, @ (a spreadsheet formula)', async (to) => {
    const text = (await exportPlan({ file, to })).text;
    const cells = parseCsv(text).flat();
    expect(cells.filter((c) => /^[=+\-@]/.test(c))).toEqual([]);
    expect(text).toContain(`'=HYPERLINK(`);
  });
});
