import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYamlText, stringify } from 'yaml';
import { diffPlanFiles } from '../../src/app/diff.js';
import { checkFile } from '../../src/check/pipeline.js';
import { newPlan } from '../../src/app/new.js';
import { summaryLine } from '../../src/diff/describe.js';
import { formatDiffMarkdown } from '../../src/diff/markdown.js';
import type { PlanDiff } from '../../src/diff/diff.js';
import { PlanInputError } from '../../src/errors.js';
import { parsePlan } from '../../src/model/load.js';
import { runCli, tempDir } from '../helpers.js';

interface RawTask { id: string; title: string; depends?: string[]; acceptance?: string[]; labels?: string[]; point_of_no_return?: boolean; state?: object; sql?: { up: unknown[] } }
interface RawPlan { tasks: RawTask[]; phases: unknown[] }

const dir = tempDir();
const texts: Record<string, string> = {};

/** multi-tenant expanded in-process (as `plan new --dry-run` does) and written to `name`. */
async function generate(name: string, set: string[]): Promise<string> {
  const made = await newPlan({ template: 'multi-tenant', set, dryRun: true, out: name });
  expect(made.check.ok).toBe(true);
  texts[name] = made.text;
  writeFileSync(join(dir, name), made.text);
  return join(dir, name);
}

function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

async function diffJson(before: string, after: string): Promise<PlanDiff> {
  return JSON.parse((await diffPlanFiles({ before, after, format: 'json' })).text) as PlanDiff;
}

/** Task ids and `dependency→task` edges read straight from the plan text, not through the diff's code. */
function facts(text: string): { ids: Set<string>; edges: Set<string> } {
  const { tasks } = parseYamlText(text) as RawPlan;
  return { ids: new Set(tasks.map((t) => t.id)), edges: new Set(tasks.flatMap((t) => (t.depends ?? []).map((d) => `${d}→${t.id}`))) };
}
const minus = <T>(a: Set<T>, b: Set<T>) => new Set([...a].filter((x) => !b.has(x)));

let two: string;
let three: string;
let twoUnfanned: string;
beforeAll(async () => {
  // fan_out_above=1: every table has its own backfill tasks, so a third table adds tasks and edges.
  two = await generate('two.yaml', ['tables=users,orders', 'fan_out_above=1']);
  three = await generate('three.yaml', ['tables=users,orders,invoices', 'fan_out_above=1']);
  // Two tables under the fan-out threshold: one backfill for all; three above it fan out.
  twoUnfanned = await generate('two-unfanned.yaml', ['tables=users,orders', 'fan_out_above=2']);
}, 60_000);

describe('plan diff between generations of multi-tenant', () => {
  it('two tables → three: the JSON lists exactly the added tasks and the added and removed edges', async () => {
    const diff = await diffJson(two, three);
    const [b, a] = [facts(texts['two.yaml']!), facts(texts['three.yaml']!)];
    expect(new Set(diff.tasks.added.map((t) => t.id))).toEqual(minus(a.ids, b.ids));
    expect(diff.tasks.added.length).toBeGreaterThan(0);
    expect(diff.tasks.removed).toEqual([]);
    expect(new Set(diff.edges.added.map(([d, t]) => `${d}→${t}`))).toEqual(minus(a.edges, b.edges));
    expect(new Set(diff.edges.removed.map(([d, t]) => `${d}→${t}`))).toEqual(minus(b.edges, a.edges));
    expect(diff.edges.added).toHaveLength(minus(a.edges, b.edges).size);
    expect(diff.summary).toMatchObject({ tasksAdded: diff.tasks.added.length, tasksRemoved: 0, edgesAdded: diff.edges.added.length });
    // The recorded parameter shows as one list item added.
    expect(diff.plan).toContainEqual({ field: 'generated_by.parameters.tables', kind: 'list', added: ['invoices'], removed: [], reordered: false });
    // Every added task is in a wave of the plan after, as the diff says.
    const after = new Map(diff.waves.after.flatMap((w) => w.tasks.map((id) => [id, w.wave])));
    for (const t of diff.tasks.added) expect(t.wave).toBe(after.get(t.id));
    expect(diff.same).toBe(false);
  });

  it('crossing the fan-out threshold: tasks removed and added, edges both ways, each exactly', async () => {
    const diff = await diffJson(twoUnfanned, three);
    const [b, a] = [facts(texts['two-unfanned.yaml']!), facts(texts['three.yaml']!)];
    expect(new Set(diff.tasks.added.map((t) => t.id))).toEqual(minus(a.ids, b.ids));
    expect(new Set(diff.tasks.removed.map((t) => t.id))).toEqual(minus(b.ids, a.ids));
    expect(diff.tasks.removed.length).toBeGreaterThan(0);
    expect(new Set(diff.edges.added.map(([d, t]) => `${d}→${t}`))).toEqual(minus(a.edges, b.edges));
    expect(new Set(diff.edges.removed.map(([d, t]) => `${d}→${t}`))).toEqual(minus(b.edges, a.edges));
    expect(diff.edges.removed.length).toBeGreaterThan(0);
    // A task both plans have, whose depends changed, lists the change item-wise.
    for (const change of diff.tasks.changed) {
      for (const f of change.fields.filter((x) => x.field === 'depends')) {
        expect(f.kind).toBe('list');
        if (f.kind === 'list') for (const d of f.added) expect(a.edges.has(`${d}→${change.id}`) && !b.edges.has(`${d}→${change.id}`)).toBe(true);
      }
    }
  });

  it('the same diff twice is the same JSON (a fixed order)', async () => {
    expect((await diffPlanFiles({ before: twoUnfanned, after: three, format: 'json' })).text)
      .toBe((await diffPlanFiles({ before: twoUnfanned, after: three, format: 'json' })).text);
  });
});

describe('hand edits', () => {
  it('a reorder of tasks and phases in the file alone is no change', async () => {
    const data = parseYamlText(texts['two.yaml']!) as RawPlan;
    data.tasks.reverse();
    data.phases.reverse();
    const diff = await diffJson(two, write('reordered.yaml', stringify(data)));
    expect(diff.same).toBe(true);
    expect([diff.tasks.added, diff.tasks.removed, diff.tasks.changed, diff.edges.added, diff.edges.removed, diff.states, diff.epic, diff.plan])
      .toEqual([[], [], [], [], [], [], [], []]);
    expect((await diffPlanFiles({ before: two, after: join(dir, 'reordered.yaml') })).text).toMatch(/No changes/);
  });

  it('edited fields show field by field; list fields item by item; the status as a state change', async () => {
    const data = parseYamlText(texts['two.yaml']!) as RawPlan;
    const task = data.tasks.find((t) => (t.acceptance ?? []).length > 1 && !t.point_of_no_return)!;
    const oldTitle = task.title;
    const [oldCriterion] = task.acceptance!;
    task.title = 'Reviewed by the DBA';
    task.acceptance![0] = 'The DBA signed off the batch size';
    task.labels = [...(task.labels ?? []), 'reviewed'];
    task.point_of_no_return = true;
    task.state = { status: 'done', by: 'ana' };
    const diff = await diffJson(two, write('edited.yaml', stringify(data)));

    expect(diff.tasks.changed.map((c) => c.id)).toEqual([task.id]);
    expect(diff.tasks.changed[0]!.fields).toEqual([
      { field: 'title', kind: 'value', before: oldTitle, after: 'Reviewed by the DBA' },
      { field: 'labels', kind: 'list', added: ['reviewed'], removed: [], reordered: false },
      { field: 'acceptance', kind: 'list', added: ['The DBA signed off the batch size'], removed: [oldCriterion], reordered: false },
      { field: 'point_of_no_return', kind: 'value', before: false, after: true },
    ]);
    expect(diff.states).toEqual([{ id: task.id, from: 'todo', to: 'done', before: null, after: { status: 'done', by: 'ana' } }]);
    expect(diff.pointsOfNoReturn.moved.map((m) => [m.id, m.before?.pointOfNoReturn, m.after?.pointOfNoReturn])).toEqual([[task.id, false, true]]);
    expect([diff.tasks.added, diff.tasks.removed, diff.edges.added, diff.edges.removed]).toEqual([[], [], [], []]);

    const { text } = await diffPlanFiles({ before: two, after: join(dir, 'edited.yaml') });
    expect(text).toContain(`title: ${oldTitle} → Reviewed by the DBA`);
    expect(text).toContain(`${task.id}: todo → done (by ana)`);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('a point of no return freed of its dependencies moves to wave 0: a wave move and a point of no return moved', async () => {
    const data = parseYamlText(texts['two.yaml']!) as RawPlan;
    const point = data.tasks.find((t) => t.point_of_no_return && (t.depends ?? []).length > 0)!;
    const oldDepends = point.depends!;
    point.depends = [];
    const edited = write('freed.yaml', stringify(data));
    const diff = await diffJson(two, edited);
    const waveIn = async (file: string) => new Map((await checkFile(file)).result.tasks.map((t) => [t.id, t.wave]));
    const [before, after] = [await waveIn(two), await waveIn(edited)];
    expect(before.get(point.id)).toBeGreaterThan(0);
    expect(diff.waves.moved).toContainEqual({ id: point.id, from: before.get(point.id), to: 0 });
    expect(new Set(diff.waves.moved.map((m) => m.id))).toEqual(new Set([...after.keys()].filter((id) => before.get(id) !== after.get(id))));
    expect(diff.pointsOfNoReturn.moved).toContainEqual({ id: point.id, before: { pointOfNoReturn: true, wave: before.get(point.id) }, after: { pointOfNoReturn: true, wave: 0 } });
    expect(new Set(diff.edges.removed.map(([d, t]) => `${d}→${t}`))).toEqual(new Set(oldDepends.map((d) => `${d}→${point.id}`)));
    expect(diff.tasks.changed).toEqual([{ id: point.id, title: point.title, fields: [{ field: 'depends', kind: 'list', added: [], removed: oldDepends, reordered: false }] }]);
  });

  it('a plan with errors (a cycle) is compared all the same, with a note; its tasks in the cycle have no wave', async () => {
    const data = parseYamlText(texts['two.yaml']!) as RawPlan;
    const [first, last] = [data.tasks[0]!, data.tasks[data.tasks.length - 1]!];
    first.depends = [...(first.depends ?? []), last.id];
    const cyclic = write('cycle.yaml', stringify(data));
    const { diff, text } = await diffPlanFiles({ before: two, after: cyclic });
    expect(diff.after.errors).toBeGreaterThan(0);
    expect(diff.edges.added).toEqual([[last.id, first.id]]);
    expect(diff.waves.moved).toContainEqual(expect.objectContaining({ id: first.id, from: 0, to: null }));
    expect(text).toContain(`Note: ${cyclic} has ${diff.after.errors} error`);
    expect(diff.before.errors).toBe(0);
  });

  it('a reordered statement list is a change; reordered acceptance criteria are not', async () => {
    const data = parseYamlText(texts['two.yaml']!) as RawPlan;
    const task = data.tasks.find((t) => (t.sql?.up.length ?? 0) > 1 && (t.acceptance ?? []).length > 1)!;
    task.sql!.up.reverse();
    task.acceptance!.reverse();
    const diff = await diffJson(two, write('statements.yaml', stringify(data)));
    expect(diff.tasks.changed).toEqual([{ id: task.id, title: task.title, fields: [{ field: 'sql.up', kind: 'list', added: [], removed: [], reordered: true }] }]);
  });
});

describe('formats', () => {
  it('Markdown: a heading, the summary line in bold, tables, field diffs folded in <details>', async () => {
    const { diff, text } = await diffPlanFiles({ before: two, after: three, format: 'md' });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^### Plan diff: `.*two\.yaml` → `.*three\.yaml`$/);
    expect(lines).toContain(`**${summaryLine(diff, ' · ')}**`);
    expect(summaryLine(diff, ' · ')).toMatch(new RegExp(`^${diff.tasks.added.length} tasks added, 0 removed, ${diff.tasks.changed.length} changed`));
    expect(text).toContain('| Task | Title | Phase | Wave |');
    for (const t of diff.tasks.added) expect(text).toContain(`| \`${t.id}\` |`);
    // Each task that depends on something new: one row, its new dependencies in the second column.
    for (const t of new Set(diff.edges.added.map(([, x]) => x))) {
      const row = lines.slice(lines.indexOf('#### Dependencies')).find((l) => l.startsWith(`| \`${t}\` | `));
      expect(row?.split(' | ')[1]).toBe(diff.edges.added.filter(([, x]) => x === t).map(([d]) => `\`${d}\``).join(', '));
    }
    expect(text.match(/<details>/g)).toHaveLength(diff.tasks.changed.length + (diff.epic.length ? 1 : 0) + (diff.plan.length ? 1 : 0));
    expect(text.match(/<details>/g)?.length).toBe(text.match(/<\/details>/g)?.length);
  });

  it('Markdown past its budget of folded changes points to the full diff instead of holding it', async () => {
    const { diff, text } = await diffPlanFiles({ before: twoUnfanned, after: three, format: 'md' });
    const small = formatDiffMarkdown(diff, 2_000);
    expect(small.length).toBeLessThan(text.length);
    expect(small).toContain('Too long for this comment');
    expect(text).not.toContain('Too long for this comment');
    expect(small.match(/<details>/g)?.length).toBe(text.match(/<details>/g)?.length);
  });

  it('text fits 80 columns', async () => {
    const { text } = await diffPlanFiles({ before: twoUnfanned, after: three });
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(text).toMatch(/^\d+ tasks? added, \d+ removed/m);
  });
});

describe('input errors and the one-file form', () => {
  const inputError = async (run: () => Promise<unknown>): Promise<PlanInputError> => {
    const err = await run().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(PlanInputError);
    return err as PlanInputError;
  };

  it('a missing file and a broken one are located input errors (exit 2)', async () => {
    const missing = await inputError(() => diffPlanFiles({ before: two, after: join(dir, 'nope.yaml') }));
    expect(missing.exitCode).toBe(2);
    expect(missing.details[0]!.location?.file).toBe(join(dir, 'nope.yaml'));
    const bad = write('bad.yaml', texts['two.yaml']!.replace(/^(\s+title: )(.*)$/m, '$1"unclosed'));
    const broken = await inputError(() => diffPlanFiles({ before: bad, after: two }));
    expect(broken.exitCode).toBe(2);
    expect(broken.details[0]!.location).toMatchObject({ file: bad, line: expect.any(Number) });
  });

  it('one file: compared with its regeneration (the template now, or one given)', async () => {
    // Unchanged since it was generated: the template writes it again, field for field.
    expect((await diffPlanFiles({ before: two })).diff.same).toBe(true);
    expect((await diffPlanFiles({ before: two, set: ['tables=users,projects,tasks'] })).diff.tasks.added.length).toBeGreaterThan(0);
    const regenerated = await diffPlanFiles({ before: two, format: 'json', regenerate: async () => parsePlan(texts['three.yaml']!, 'three.yaml') });
    const direct = await diffJson(two, three);
    expect(regenerated.diff.tasks).toEqual(direct.tasks);
    expect(regenerated.diff.edges).toEqual(direct.edges);
    expect(regenerated.diff.after.file).toMatch(/regenerated from multi-tenant/);
    const handWritten = write('hand.yaml', stringify({ ...(parseYamlText(texts['two.yaml']!) as object), generated_by: undefined }));
    expect((await inputError(() => diffPlanFiles({ before: handWritten }))).message).toMatch(/no `generated_by`/);
  });

  it('the command: exit 2 with the located error on stderr; --json prints the diff', () => {
    const missing = runCli(['diff', join(dir, 'nope.yaml'), two]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(join(dir, 'nope.yaml'));
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    const ok = runCli(['diff', two, three, '--json']);
    expect(ok.code).toBe(0);
    const json = JSON.parse(ok.stdout) as PlanDiff;
    expect(json.tasks.added.length).toBe(minus(facts(texts['three.yaml']!).ids, facts(texts['two.yaml']!).ids).size);
  });
});
