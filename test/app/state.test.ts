import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile } from '../../src/check/pipeline.js';
import { planStatus, setTaskStates, type StateCommand } from '../../src/app/state.js';
import { PlanInputError } from '../../src/errors.js';
import { parsePlan } from '../../src/model/load.js';
import { projectFinish } from '../../src/progress/progress.js';
import { runCli, tempDir } from '../helpers.js';

let generated: string | undefined;
/** A fresh multi-tenant plan (made by `plan new` once, then copied) in a folder of its own. */
function freshPlan(): { cwd: string; file: string } {
  if (generated === undefined) {
    const made = tempDir();
    expect(runCli(['new', 'multi-tenant', '--out', 'plan.yaml'], { cwd: made }).code).toBe(0);
    generated = readFileSync(join(made, 'plan.yaml'), 'utf8');
  }
  const cwd = tempDir();
  writeFileSync(join(cwd, 'plan.yaml'), generated);
  return { cwd, file: join(cwd, 'plan.yaml') };
}

const json = (r: { stdout: string }) => JSON.parse(r.stdout);
const readyIds = (cwd: string) => json(runCli(['next', 'plan.yaml', '--json'], { cwd })).ready.map((t: { id: string }) => t.id);

/** The text without its `state:` blocks (the key line and every line indented deeper), and the blocks removed. */
function withoutStateBlocks(text: string): { rest: string; blocks: string[] } {
  const lines = text.split('\n');
  const rest: string[] = [];
  const blocks: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const key = /^( *)state:$/.exec(lines[i]!);
    if (!key) {
      rest.push(lines[i]!);
      continue;
    }
    const block = [lines[i]!];
    while (i + 1 < lines.length && lines[i + 1]!.startsWith(`${key[1]}  `)) block.push(lines[++i]!);
    blocks.push(block.join('\n'));
  }
  return { rest: rest.join('\n'), blocks };
}

describe('plan next and plan done on a fresh multi-tenant plan', () => {
  it('lists the first task only, then exactly the dependents of T1 whose dependencies are done', async () => {
    const { cwd } = freshPlan();
    expect(readyIds(cwd)).toEqual(['T1']);
    const done = runCli(['done', 'plan.yaml', 'T1', '--json'], { cwd });
    expect(done.code).toBe(0);
    expect(json(done).changed).toEqual([{ id: 'T1', from: 'todo', to: 'done' }]);
    // From the plan's own edges: every task that depends on T1 and on nothing else not done.
    const { edges } = (await checkFile(join(cwd, 'plan.yaml'))).result;
    const dependents = [...new Set(edges.filter(([d]) => d === 'T1').map(([, t]) => t))]
      .filter((t) => edges.filter(([, x]) => x === t).every(([d]) => d === 'T1'));
    expect(dependents.length).toBeGreaterThan(0);
    const next = json(runCli(['next', 'plan.yaml', '--json'], { cwd })).ready;
    expect(new Set(next.map((t: { id: string }) => t.id))).toEqual(new Set(dependents));
    // Least slack first: T2 is on the critical path, the rollback rehearsal T3 may wait.
    expect(next.map((t: { id: string }) => t.id)).toEqual(['T2', 'T3']);
    expect(next[0]).toMatchObject({ slackHours: 0, reason: 'after T1 (done)' });
    expect(next[1].slackHours).toBeGreaterThan(0);
  });

  it('refuses done on a task with open dependencies (exit 1), naming them, and writes nothing', () => {
    const { cwd, file } = freshPlan();
    const before = readFileSync(file, 'utf8');
    const r = runCli(['done', 'plan.yaml', 'T4'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/plan\.yaml:\d+:\d+: tasks\[4\]\.depends: T4 cannot be done: its dependencies T2 \(todo\), T3 \(todo\), G1 \(todo\) are not done/);
    expect(r.stderr).toContain('nothing was recorded');
    expect(readFileSync(file, 'utf8')).toBe(before);
    // Several ids are recorded in the order given: T1 then T2 is fine, all at once.
    expect(runCli(['done', 'plan.yaml', 'T1', 'T2'], { cwd }).code).toBe(0);
  });

  it('an unknown id is bad usage (exit 2) with a did-you-mean; a checkpoint needs --by; a point of no return needs --confirm', async () => {
    const { cwd, file } = freshPlan();
    const unknown = runCli(['done', 'plan.yaml', 'T1', 'T44'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown task "T44"\n\s+hint: did you mean "T4"\?/);
    expect(readFileSync(file, 'utf8')).not.toContain('state:');

    // In process from here: the same code the commands run, without a process per step.
    const mark = (command: StateCommand, ids: string[], more: { by?: string; evidence?: string; confirm?: boolean } = {}) =>
      setTaskStates({ file, command, ids, ...more });
    const exitOf = (p: Promise<unknown>) => p.then(() => 0, (err: unknown) => (err instanceof PlanInputError ? err.exitCode : -1));
    await mark('done', ['T1', 'T2', 'T3']);
    await expect(mark('done', ['G1'])).rejects.toThrow('G1 is a checkpoint: marking it done is a sign-off');
    expect(await exitOf(mark('done', ['G1']))).toBe(2);
    await mark('done', ['G1'], { by: 'alice', evidence: 'staging counts match' });
    const g1 = parsePlan(readFileSync(file, 'utf8'), file).plan.tasks.find((t) => t.id === 'G1')!;
    expect(g1.state).toMatchObject({ status: 'done', by: 'alice', evidence: 'staging counts match' });
    expect(g1.state!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // Up to the point of no return, checkpoints signed off.
    await mark('done', ['T4', 'T5', 'T6', 'T7', 'B1', 'G2'], { by: 'bob' });
    expect((await planStatus({ file })).result.pointOfNoReturn).toEqual({ tasks: ['T8'], done: [], behind: false });
    await expect(mark('done', ['T8'])).rejects.toThrow(/T8 is a point of no return/);
    expect(await exitOf(mark('start', ['T8']))).toBe(2);
    await mark('done', ['T8'], { confirm: true });
    expect((await planStatus({ file })).result.pointOfNoReturn).toEqual({ tasks: ['T8'], done: ['T8'], behind: true });
    // The file stays a plan that plan check passes.
    expect(runCli(['check', 'plan.yaml'], { cwd }).code).toBe(0);
  });
});

describe('recording states keeps the user\'s file', () => {
  it('comments, key order and formatting survive every change: the diff is exactly the state lines', async () => {
    const { cwd, file } = freshPlan();
    // Hand edits: comments at the top, between tasks, after a value, and inside a task.
    const generated = readFileSync(file, 'utf8');
    const edited = generated
      .replace('version: 1\n', '# Owner: the platform team\nversion: 1   # format\n')
      .replace('  - id: T2\n', '  # T2 ships behind the dual_write flag\n  - id: T2\n')
      .replace('    depends: ["T1"]\n', '    depends: ["T1"]   # after the schema change\n')
      .replace(/(  - id: T3\n(?:    .*\n)*?)(  - id: G1\n)/, (_, t3: string, g1: string) => `${t3}    # last line of T3, kept\n${g1}`);
    expect(edited).not.toBe(generated);
    writeFileSync(file, edited);

    const steps: string[][] = [['start', 'T1'], ['done', 'T1', '--by', 'ana'], ['done', 'T2', '--note', 'flag on: 100%'], ['skip', 'T3', '--note', 'rehearsed last week'],
      ['fail', 'G1', '--note', 'counts differ by 3'], ['start', 'G1']];
    for (const [i, step] of steps.entries()) {
      // The first through the CLI; the rest in process (the same code, without a process per step).
      if (i === 0) {
        const r = runCli([step[0]!, 'plan.yaml', ...step.slice(1)], { cwd });
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
      } else {
        const [command, id, flag, value] = step as [StateCommand, string, string?, string?];
        await setTaskStates({ file, command, ids: [id], ...(flag === '--by' ? { by: value } : flag === '--note' ? { note: value } : {}) });
      }
      const text = readFileSync(file, 'utf8');
      const { rest, blocks } = withoutStateBlocks(text);
      // Every byte but the state blocks is the hand-edited file's.
      expect(rest).toBe(edited);
      for (const block of blocks) expect(block).toMatch(/^ {4}state:\n {6}status: [a-z-]+\n {6}at: \d{4}-/);
    }
    const text = readFileSync(file, 'utf8');
    expect(withoutStateBlocks(text).blocks).toHaveLength(4);
    const states = Object.fromEntries(parsePlan(text, file).plan.tasks.filter((t) => t.state).map((t) => [t.id, t.state]));
    expect(states.T1).toMatchObject({ status: 'done', by: 'ana' });
    expect(states.T2).toMatchObject({ status: 'done', note: 'flag on: 100%' });
    expect(states.T3).toMatchObject({ status: 'skipped', note: 'rehearsed last week' });
    expect(states.G1).toMatchObject({ status: 'in-progress' });
    // The block goes right after a task's last field; a comment line after it stays where it was, before the next task.
    expect(text).toMatch(/ {4}state:\n {6}status: skipped\n.*\n.*\n {4}# last line of T3, kept\n {2}- id: G1\n/);
    expect(text).toContain('    depends: ["T1"]   # after the schema change\n');
  });

  it('records state in a JSON plan as JSON, and refuses a task written on one line (exit 2, located)', async () => {
    const cwd = tempDir();
    const plan = { version: 1, epic: { id: 'E', title: 'e' }, phases: [{ id: 'p', name: 'P', rollback: 'r', risk: 'low' }],
      tasks: [{ id: 'A', title: 'a', phase: 'p' }, { id: 'B', title: 'b', phase: 'p', depends: ['A'] }] };
    writeFileSync(join(cwd, 'plan.json'), `${JSON.stringify(plan, null, 2)}\n`);
    expect(runCli(['done', 'plan.json', 'A'], { cwd }).code).toBe(0);
    const written = readFileSync(join(cwd, 'plan.json'), 'utf8');
    expect(JSON.parse(written).tasks[0].state.status).toBe('done');
    expect(written).toMatch(/^\{\n {2}"version": 1,/);

    // A file with CRLF line ends keeps them, in the new lines too.
    writeFileSync(join(cwd, 'crlf.yaml'), 'version: 1\r\nepic: {id: E, title: e}\r\nphases:\r\n  - {id: p, name: P, rollback: r, risk: low}\r\ntasks:\r\n  - id: A # first\r\n    title: a\r\n    phase: p\r\n');
    await setTaskStates({ file: join(cwd, 'crlf.yaml'), command: 'start', ids: ['A'], now: new Date('2026-11-23T09:00:00Z') });
    expect(readFileSync(join(cwd, 'crlf.yaml'), 'utf8')).toBe('version: 1\r\nepic: {id: E, title: e}\r\nphases:\r\n  - {id: p, name: P, rollback: r, risk: low}\r\n' +
      'tasks:\r\n  - id: A # first\r\n    title: a\r\n    phase: p\r\n    state:\r\n      status: in-progress\r\n      at: 2026-11-23T09:00:00Z\r\n');

    writeFileSync(join(cwd, 'flow.yaml'), 'version: 1\nepic: {id: E, title: e}\nphases:\n  - {id: p, name: P, rollback: r, risk: low}\ntasks:\n  - {id: A, title: a, phase: p}\n');
    const r = runCli(['done', 'flow.yaml', 'A'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/flow\.yaml:6:5: tasks\[0\]: this task is written on one line/);
  });
});

describe('plan status', () => {
  it('--json gives per-wave counts, the ready tasks, open checkpoints, the point of no return and the projected finish', async () => {
    const { cwd, file } = freshPlan();
    await setTaskStates({ file, command: 'done', ids: ['T1', 'T2'] });
    await setTaskStates({ file, command: 'start', ids: ['T3'], by: 'cy' });
    const r = runCli(['status', 'plan.yaml', '--start', '2026-11-23', '--json'], { cwd });
    expect(r.code).toBe(0);
    const s = json(r);
    expect(s.counts).toMatchObject({ total: 13, done: 2, 'in-progress': 1, todo: 10 });
    expect(s.waves.map((w: { wave: number; counts: { total: number; done: number } }) => [w.wave, w.counts.total, w.counts.done]))
      .toEqual([[0, 1, 1], [1, 3, 1], [2, 2, 0], [3, 4, 0], [4, 3, 0]]);
    expect(s.waves[1].counts['in-progress']).toBe(1);
    expect(s.inProgress).toEqual([expect.objectContaining({ id: 'T3', by: 'cy' })]);
    expect(s.ready.map((t: { id: string }) => t.id)).toEqual(['T3']);
    expect(s.openCheckpoints.map((c: { id: string; blocks: string[] }) => [c.id, c.blocks])).toEqual([['G1', ['T4']], ['T5', ['T6', 'T7']], ['G2', ['T8']], ['V1', ['T9']]]);
    expect(s.pointOfNoReturn).toEqual({ tasks: ['T8'], done: [], behind: false });
    expect(s.hours.done).toBeGreaterThan(0);
    expect(s.hours.fraction).toBeCloseTo(s.hours.done / s.hours.total);
    expect(s.remaining.criticalPath[0]).toBe('T3');
    expect(s.remaining.criticalPath.at(-1)).toBe('T9');
    expect(s.finish).toEqual(projectFinish('2026-11-23', s.remaining.hours));
    expect(s.finish.workingDays).toBe(Math.ceil(s.remaining.hours / 8));
    expect(s.findings).toEqual([]);

    const text = runCli(['status', 'plan.yaml', '--start', '2026-11-23'], { cwd }).stdout;
    expect(text).toMatch(/^Wave 1 {2}B: Dual-Write {2}\[#{7}-{13}\] {2}1\/3 done, 1 in progress$/m);
    expect(text).toContain('Open checkpoints: G1 (blocks T4); T5 (blocks T6, T7)');
    expect(text).toContain('Point of no return: ahead (T8)');
    expect(text).toMatch(/Projected finish: \d{4}-\d\d-\d\d \(\d+ working days from 2026-11-23/);
  });

  it('shows recorded states that contradict the plan, and refuses a bad --start', async () => {
    const { cwd, file } = freshPlan();
    // Marked by hand, out of order: the integrity rules catch it, status lists it.
    writeFileSync(file, readFileSync(file, 'utf8').replace('    depends: ["T1"]\n', '    depends: ["T1"]\n    state: {status: done}\n'));
    const s = json(runCli(['status', 'plan.yaml', '--json'], { cwd }));
    expect(s.findings.map((f: { rule: string; taskId: string }) => `${f.rule}@${f.taskId}`)).toEqual(['done-after-dependencies@T2']);
    expect((await checkFile(file)).result.exitCode).toBe(1);
    await expect(planStatus({ file, start: '2026-02-30' })).rejects.toThrow('--start "2026-02-30" is not a date');
  });
});

describe('projectFinish', () => {
  it.each([
    ['2026-11-23', 8, '2026-11-23', 1], // Monday, one day's work
    ['2026-11-23', 9, '2026-11-24', 2],
    ['2026-11-23', 40, '2026-11-27', 5], // the whole week, ends Friday
    ['2026-11-23', 41, '2026-11-30', 6], // the weekend is skipped
    ['2026-11-28', 8, '2026-11-30', 1], // a Saturday start begins on Monday
    ['2026-11-23', 0, '2026-11-23', 0],
  ])('from %s, %d hours end on %s (%d working days)', (start, hours, finish, days) => {
    expect(projectFinish(start, hours)).toEqual({ start, finish, workingDays: days });
  });
});

describe('plan show and plan report once the plan runs', () => {
  it('say nothing of progress before any state, then show a bar per wave (text, Markdown, HTML)', async () => {
    const { file } = freshPlan();
    const { showPlan } = await import('../../src/app/check.js');
    const { loadKickoff, renderKickoff, kickoffMermaid } = await import('../../src/app/kickoff.js');
    const render = async (format: 'md' | 'html') => {
      const input = await loadKickoff(file);
      const m = kickoffMermaid(input.outline);
      return renderKickoff(input, format, { flow: { mermaid: m.flow, fallback: 'flow' }, gantt: { mermaid: m.gantt, fallback: 'gantt' } });
    };
    expect((await showPlan({ file })).text).not.toContain('Progress');
    expect(await render('md')).not.toContain('## Progress');

    await setTaskStates({ file, command: 'done', ids: ['T1', 'T2'] });
    const shown = await showPlan({ file });
    expect(shown.result.progress?.counts).toMatchObject({ done: 2, total: 13 });
    expect(shown.text).toMatch(/^Wave 0 {2}A: Schema {6}\[#{20}\] {2}1\/1 done$/m);
    const md = await render('md');
    expect(md).toContain('## Progress');
    expect(md).toMatch(/^\| Wave 1 · B: Dual-Write \| `█{7}░{13}` \| 1\/3 done \|$/m);
    const html = await render('html');
    expect(html).toContain('<td>Wave 1 · B: Dual-Write</td><td><progress value="1" max="3" style="width:18rem">1/3</progress></td>');
  });
});

describe('states that would contradict the plan', () => {
  it('a finished task is not taken back while a task done after it stays done; a flat status says where it goes', async () => {
    const { file } = freshPlan();
    await setTaskStates({ file, command: 'done', ids: ['T1', 'T2'] });
    await expect(setTaskStates({ file, command: 'start', ids: ['T1'] })).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('T1 cannot be in-progress: T2 depends on it and is done') });
    await expect(setTaskStates({ file, command: 'fail', ids: ['T1'] })).rejects.toMatchObject({ exitCode: 1 });
    // Dependents first, then what they depend on.
    await setTaskStates({ file, command: 'start', ids: ['T2', 'T1'] });
    expect(parsePlan(readFileSync(file, 'utf8'), file).plan.tasks.filter((t) => t.state).map((t) => [t.id, t.state!.status]))
      .toEqual([['T1', 'in-progress'], ['T2', 'in-progress']]);

    const flat = readFileSync(file, 'utf8').replace('  - id: T3\n', '  - id: T3\n    status: done\n');
    expect(() => parsePlan(flat, file)).toThrow(/unknown field "status"\n\s+hint: a task's status goes under `state:`/);
  });
});
