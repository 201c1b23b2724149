import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, exportPlan } from '../../src/app/export.js';
import { newPlan } from '../../src/app/new.js';
import { parse } from 'yaml';
import type { OutlineTask } from '../../src/outline/outline.js';
import { PlanInputError } from '../../src/errors.js';
import { fixture, ROOT, runCli, tempDir } from '../helpers.js';
import { hostileString } from './hostile.js';
import {
  backlogProject, callsOf, parseCsv, countTaskwarrior, expected, listBacklog, exportScript, failingTool, readBacklog, readStandIn, readTaskwarrior, runScript,
  stateOf, taskwarriorEnv, writePlan, type PlanSpec, type Readback, type Run,
} from './trackers.js';

const SMALL: PlanSpec = {
  epic: 'Rename users.name',
  tasks: [
    { id: 'A', title: 'Add full_name', depends: [] },
    { id: 'B', title: 'Dual-write full_name', depends: ['A'] },
    { id: 'C', title: 'Backfill full_name', depends: ['A'] },
    { id: 'D', title: 'Switch reads', depends: ['B', 'C'] },
  ],
};

let multiTenantPlan: { file: string; want: Readback } | undefined;

/** The multi-tenant plan (made once for every tracker), and as a spec to compare readbacks with. */
function multiTenant(): { file: string; want: Readback } {
  if (multiTenantPlan) return multiTenantPlan;
  const file = join(tempDir(), 'mt.plan.yaml');
  expect(runCli(['new', 'multi-tenant', '--out', file]).code).toBe(0);
  const json = JSON.parse(runCli(['check', file, '--json']).stdout);
  const want: Readback = { EPIC: { title: 'EPIC: Multi-Tenant Schema Migration', depends: [] } };
  for (const t of json.tasks) want[t.id] = { title: t.title, depends: [...t.depends].sort(), parent: 'EPIC' };
  multiTenantPlan = { file, want };
  return multiTenantPlan;
}

interface Target {
  dialect: 'taskwarrior' | 'backlog' | 'cleo' | 'beads' | 'github';
  /** Prepare a fresh tracker in `dir`; returns the environment the script runs with. */
  setup(dir: string): Record<string, string>;
  read(dir: string): Readback;
  /** How many tasks the tracker holds, duplicates included. */
  count(dir: string): number;
  /** The command a fail shim stands in front of, for real tools. */
  real?: string;
}

const TARGETS: Target[] = [
  { dialect: 'taskwarrior', setup: taskwarriorEnv, read: readTaskwarrior, count: countTaskwarrior, real: 'task' },
  { dialect: 'backlog', setup: (dir) => (backlogProject(dir), {}), read: readBacklog, count: (dir) => listBacklog(dir).length, real: 'backlog' },
  ...(['cleo', 'beads', 'github'] as const).map((dialect): Target => ({
    dialect,
    setup: (dir) => ({ PLAN_FAKE_LOG: join(dir, 'calls.log') }),
    read: (dir) => readStandIn(dir, dialect, join(dir, 'calls.log')),
    count: (dir) => callsOf(join(dir, 'calls.log')).filter((c) => c.creating).length,
  })),
];

describe.each(TARGETS.map((t) => [t.dialect, t]))('export --to %s', (_, target) => {
  describe('the multi-tenant plan', () => {
    // One export run into one tracker, shared by the assertions below (a real tracker takes seconds).
    let run: { dir: string; script: string; env: Record<string, string>; want: Readback; first: Run };
    beforeAll(async () => {
      const dir = tempDir();
      const { file, want } = multiTenant();
      const script = await exportScript(file, target.dialect, dir);
      const env = target.setup(dir);
      run = { dir, script, env, want, first: runScript(script, dir, env) };
    });

    it('is created with its dependency graph and parent links, titles byte-identical', () => {
      expect(run.first.stderr).toBe('');
      expect(run.first.status).toBe(0);
      expect(target.read(run.dir)).toEqual(run.want);
    });

    it('run again, creates nothing twice', () => {
      const again = runScript(run.script, run.dir, run.env);
      expect(again.stderr).toBe('');
      expect(again.status).toBe(0);
      expect(target.count(run.dir)).toBe(Object.keys(run.want).length);
      expect(target.read(run.dir)).toEqual(run.want);
    });
  });

  it('killed half-way and run again, has every task exactly once with all links', async () => {
    const dir = tempDir();
    const file = writePlan(dir, SMALL);
    const script = await exportScript(file, target.dialect, dir);
    const env = target.setup(dir);
    const shimDir = target.real ? failingTool(target.real) : undefined;
    const realPath = target.real === 'backlog' ? join(process.cwd(), 'node_modules', '.bin', 'backlog') : '/usr/bin/task';
    // The third create fails: for real tools the fourth call (the first lists what the tracker holds).
    const fail = { SHIM_REAL: realPath, SHIM_COUNT: join(dir, 'count'), SHIM_FAIL_AT: '4', PLAN_FAKE_FAIL_AT: '3' };
    const first = runScript(script, dir, { ...env, ...fail }, shimDir ? [shimDir] : []);
    expect(first.status).not.toBe(0);
    expect(stateOf(dir, target.dialect).size).toBe(2);
    const second = runScript(script, dir, env);
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    expect(target.read(dir)).toEqual(expected(SMALL));
  });

  it('hostile titles, descriptions and criteria arrive intact and execute nothing', async () => {
    // Titles the tracker would refuse are refused at export time (tested in integrity.test.ts): left out here.
    const refuse = DIALECTS.find((d) => d.name === target.dialect)!.refuse ?? (() => []);
    const title = hostileString
      .filter((s) => s.trim().length > 0 && s.length <= 300 && refuse({ id: 'A', title: s, body: '', phase: 'p' } as OutlineTask).length === 0);
    await fc.assert(fc.asyncProperty(title, title, title, hostileString, async (t1, t2, epic, text) => {
      const dir = tempDir();
      const spec: PlanSpec = { epic, tasks: [
        { id: 'A', title: t1, depends: [], description: text, acceptance: [text] },
        { id: 'B', title: t2, depends: ['A'] },
      ] };
      const r = runScript(await exportScript(writePlan(dir, spec), target.dialect, dir), dir, target.setup(dir));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(target.read(dir)).toEqual(expected(spec));
      expect(readFileSync(join(dir, 'p.plan.yaml'), 'utf8')).toContain('"A"');
      expect(() => readFileSync(join(dir, 'pwned'))).toThrow();
    }), { seed: 23, numRuns: target.dialect === 'backlog' ? 4 : 12 });
  }, 240_000); // real Backlog.md: about a second a call, several on a loaded machine
});

describe('stand-ins check the exact argv', () => {
  it('cleo: ct add with the flags of seed 000, ids captured and passed on', async () => {
    const dir = tempDir();
    const r = runScript(await exportScript(writePlan(dir, SMALL), 'cleo', dir), dir, { PLAN_FAKE_LOG: join(dir, 'calls.log') });
    expect(r.status).toBe(0);
    const calls = callsOf(join(dir, 'calls.log'));
    expect(calls.map((c) => c.argv.slice(0, 2))).toEqual([['add', 'Rename users.name'], ['add', 'Add full_name'], ['add', 'Dual-write full_name'],
      ['add', 'Backfill full_name'], ['add', 'Switch reads'], ['session', 'start']]);
    const d = calls[4]!.argv;
    expect(d).toEqual(['add', 'Switch reads', '--type', 'task', '--size', 'medium', '--priority', 'medium', '--parent', 'T001',
      '--phase', 'p', '--labels', 'wave-0', '--description', expect.stringContaining('**Rollback**: revert'), '--depends', 'T003,T004', '--json']);
    expect(calls[1]!.argv).toContain('--add-phase');
    expect(calls[5]!.argv).toEqual(['session', 'start', '--scope', 'epic:T001', '--name', 'Rename users.name', '--focus', 'T002']);
  });

  it('beads: bd create with --parent, --deps blocked-by:ID, --acceptance, the title after --', async () => {
    const dir = tempDir();
    const spec: PlanSpec = { ...SMALL, tasks: SMALL.tasks.map((t) => (t.id === 'D' ? { ...t, title: '-D title', acceptance: ['reads switched', 'p95 stable'] } : t)) };
    expect(runScript(await exportScript(writePlan(dir, spec), 'beads', dir), dir, { PLAN_FAKE_LOG: join(dir, 'calls.log') }).status).toBe(0);
    const calls = callsOf(join(dir, 'calls.log'));
    expect(calls.at(-1)!.argv).toEqual(['create', '--type', 'task', '--parent', 'bd-1', '-p', '2', '-d', expect.any(String), '-l', 'wave-0',
      '--acceptance', 'reads switched\np95 stable', '--deps', 'blocked-by:bd-3,blocked-by:bd-4', '--silent', '--', '-D title']);
  });

  it('github: labels are created before any issue uses them', async () => {
    const dir = tempDir();
    runScript(await exportScript(writePlan(dir, SMALL), 'github', dir), dir, { PLAN_FAKE_LOG: join(dir, 'calls.log') });
    const calls = callsOf(join(dir, 'calls.log'));
    const firstIssue = calls.findIndex((c) => c.creating);
    expect(calls.slice(0, firstIssue).map((c) => c.argv)).toEqual([['label', 'list', '--json', 'name', '--limit', '1000'], ['label', 'create', 'wave-0']]);
    expect(calls.at(-1)!.argv).toEqual(['issue', 'create', '--title', 'Switch reads', '--body', expect.any(String), '--label', 'wave-0',
      '--parent', '1', '--blocked-by', '3', '--blocked-by', '4']);
  });
});

describe('export files and refusals', () => {
  const file = fixture('plans', 'valid.plan.yaml');

  it('taskwarrior-import: task import reads the file back as the plan', async () => {
    const dir = tempDir();
    const out = join(dir, 'tasks.json');
    await exportPlan({ file: writePlan(dir, SMALL), to: 'taskwarrior-import', out });
    const env = taskwarriorEnv(dir);
    const imp = spawnSync('task', ['import', out], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(imp.status).toBe(0);
    expect(readTaskwarrior(dir)).toEqual(expected(SMALL));
  });

  it('jira-csv: a header, parents first, repeated link columns', async () => {
    const rows = parseCsv((await exportPlan({ file, to: 'jira-csv' })).text);
    expect(rows[0]).toEqual(['Issue ID', 'Parent', 'Issue Type', 'Summary', 'Description', 'Priority', 'Labels', 'Labels', 'Blocked by']);
    expect(rows.map((r) => r[0])).toEqual(['Issue ID', 'EPIC', 'B1', 'T1', 'T2', 'T3']);
    const t3 = rows.find((r) => r[0] === 'T3')!;
    expect([t3[1], t3[3], t3[5], t3[6], t3[7], t3[8]]).toEqual(['EPIC', 'Set NOT NULL', 'Medium', 'wave-1', 'point-of-no-return', 'T2']);
    expect(t3[4]).toContain('**Point of no return**');
  });

  it('jira-csv: link columns stay few however many tables, and every dependency is written exactly once', async () => {
    const dir = tempDir();
    const columns = async (tables: number) => {
      const out = join(dir, `mt-${tables}.plan.yaml`);
      const names = Array.from({ length: tables }, (_, i) => `t${i}`).join(',');
      await newPlan({ template: 'multi-tenant', flags: { tables: names }, out });
      const rows = parseCsv((await exportPlan({ file: out, to: 'jira-csv' })).text);
      const header = rows[0]!;
      // Each dependency once: as "Blocked by" on the dependent row or as "Blocks" on the row it waits for.
      const written = rows.slice(1).flatMap((r) => header.flatMap((h, i) => (!r[i] ? []
        : h === 'Blocked by' ? [`${r[i]}->${r[0]}`] : h === 'Blocks' ? [`${r[0]}->${r[i]}`] : [])));
      const plan = parse(readFileSync(out, 'utf8')) as { tasks: { id: string; depends?: string[] }[] };
      expect(written.sort()).toEqual(plan.tasks.flatMap((t) => (t.depends ?? []).map((d) => `${d}->${t.id}`)).sort());
      return header.filter((h) => h === 'Blocked by' || h === 'Blocks').length;
    };
    // A gate waits for every table's backfill: one "Blocked by" column per table before (quadratic file).
    expect(await columns(100)).toBe(await columns(10));
  });

  it('markdown: a checklist by wave with checkpoints marked; json and beads-jsonl parse', async () => {
    const md = (await exportPlan({ file, to: 'markdown' })).text;
    expect(md).toMatch(/## Wave 0[\s\S]*- \[ \] \*\*T2\*\* Verify zero NULL email — \*\*checkpoint\*\*[\s\S]*## Wave 1[\s\S]*\*\*T3\*\* Set NOT NULL — \*\*point of no return\*\*/);
    expect(md).toContain("> Don't proceed until this passes: T3 waits for it.");
    expect(JSON.parse((await exportPlan({ file, to: 'json' })).text).tasks.map((t: { id: string }) => t.id)).toEqual(['B1', 'T1', 'T2', 'T3']);
    const lines = (await exportPlan({ file, to: 'beads-jsonl' })).text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.find((l) => l.id === 'T3').dependencies).toEqual([
      { issue_id: 'T3', depends_on_id: 'EPIC', type: 'parent-child' }, { issue_id: 'T3', depends_on_id: 'T2', type: 'blocks' }]);
  });

  it('linear says plainly that it cannot carry dependencies', async () => {
    const r = await exportPlan({ file, to: 'linear' });
    expect(r.limits).toMatch(/no parent or relation columns/);
    expect(r.text).toContain('**Blocked by**: T2');
  });

  it('refuses a title the tracker would refuse, located, and a plan with errors', async () => {
    const dir = tempDir();
    const bad = writePlan(dir, { epic: 'E', tasks: [{ id: 'A', title: '-rf everything', depends: [] }] });
    await expect(exportPlan({ file: bad, to: 'cleo' })).rejects.toThrow(/p\.plan\.yaml:\d+:\d+: tasks\.0\.title: cleo refuses a title that starts with "-"/);
    expect((await exportPlan({ file: bad, to: 'backlog' })).text).toContain("-- '-rf everything'");
    const e = await exportPlan({ file: fixture('rules', 'cycle', 'bad.plan.yaml'), to: 'markdown' }).then(() => undefined, (err: PlanInputError) => err) as PlanInputError;
    expect(e.exitCode).toBe(1);
    expect(e.message).toContain('[cycle]');
  });

  it('a user template gets the same data and helpers', async () => {
    const dir = tempDir();
    const tpl = join(dir, 'mine.hbs');
    writeFileSync(tpl, '{{#each tasks}}{{sh id}} {{sh title}} {{json depends}}\n{{/each}}');
    expect((await exportPlan({ file, template: tpl })).text).toBe("'B1' 'Back up users and verify the restore' []\n'T1' 'Backfill email' [\"B1\"]\n'T2' 'Verify zero NULL email' [\"T1\"]\n'T3' 'Set NOT NULL' [\"T2\"]\n");
  });

  it('the CLI writes scripts executable, refuses to overwrite, and knows its dialects', () => {
    const dir = tempDir();
    const out = join(dir, 'x.sh');
    expect(runCli(['export', file, '--to', 'taskwarrior', '--out', out]).code).toBe(0);
    expect(statSync(out).mode & 0o111).not.toBe(0);
    expect(runCli(['export', file, '--to', 'taskwarrior', '--out', out]).code).toBe(2);
    const unknown = runCli(['export', file, '--to', 'jira']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('jira-csv');
  });
});

describe('statements in task bodies', () => {
  // A statement holding a fence and shell expansions: the body's fence must be longer, and the shell must run none of it.
  const HOSTILE_SQL = "SELECT '\n```\n$(touch pwned) `touch pwned` ${HOME} '' \"\n' AS x";
  const spec: PlanSpec = { epic: 'Statements', database: 'postgres', tasks: [
    { id: 'A', title: "Add x $(touch pwned) ```", depends: [], sql: { up: [HOSTILE_SQL], down: ['SELECT 2'] } },
    { id: 'B', title: 'Then B', depends: ['A'] },
  ] };
  const body = "**Up**\n\n````sql\n" + HOSTILE_SQL + ";\n````\n\n**Down**\n\n```sql\nSELECT 2;\n```";

  it('github: the issue body carries the statement fenced (a longer fence than the one inside), byte for byte, and nothing runs', async () => {
    const dir = tempDir();
    const r = runScript(await exportScript(writePlan(dir, spec), 'github', dir), dir, { PLAN_FAKE_LOG: join(dir, 'calls.log') });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const issueA = callsOf(join(dir, 'calls.log')).find((c) => c.creating && c.argv[3] === spec.tasks[0]!.title)!;
    const sent = issueA.argv[issueA.argv.indexOf('--body') + 1]!;
    expect(sent).toContain(body);
    // No line of the statement closes the four-backtick fence early.
    const inside = sent.slice(sent.indexOf('````sql\n') + 8, sent.indexOf('\n````\n'));
    expect(inside).toBe(`${HOSTILE_SQL};`);
    expect(inside.split('\n').some((line) => /^````/.test(line))).toBe(false);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('backlog: the real Backlog.md holds the fenced statement in the task description, and nothing runs', async () => {
    const dir = tempDir();
    backlogProject(dir);
    const r = runScript(await exportScript(writePlan(dir, spec), 'backlog', dir), dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const id = stateOf(dir, 'backlog').get('A')!;
    const file = readdirSync(join(dir, 'backlog', 'tasks')).find((n) => n.toLowerCase().startsWith(`${id.toLowerCase()} `))!;
    expect(readFileSync(join(dir, 'backlog', 'tasks', file), 'utf8')).toContain(body);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  }, 120_000);

  it('markdown: the statements are fenced inside the task\'s list item; no SQL indented as a paragraph', async () => {
    const dir = tempDir();
    const md = (await exportPlan({ file: writePlan(dir, spec), to: 'markdown' })).text;
    expect(md).toContain("  **Up**\n\n  ````sql\n  SELECT '\n  ```\n  $(touch pwned)");
    const mt = (await exportPlan({ file: join(ROOT, 'examples', 'multi-tenant', 'multi-tenant.plan.yaml'), to: 'markdown' })).text;
    expect(mt).toContain('  **Up**\n\n  ```sql\n  SET lock_timeout = \'5s\';\n');
    expect(mt).toContain('  **Verify**\n\n  ```sql\n  -- expect 3: The tenant column is on every table, nullable\n');
    expect(mt).toContain('  **Down**\n\n  ```sql\n');
  });
});
