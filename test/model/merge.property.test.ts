/**
 * The merge behind `plan update`, under random hand edits × random parameter changes: every edit is kept
 * or reported as a conflict, the result checks clean whenever the edited file and the template's new plan
 * do and nothing conflicts, no hand edit means exactly the template's new plan, and no template change
 * means the file itself, byte for byte.
 */
import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkLoaded } from '../../src/check/pipeline.js';
import { parsePlan } from '../../src/model/load.js';
import { mergePlanTexts } from '../../src/model/merge.js';
import { expandTemplate } from '../../src/templates/expand.js';
import { findTemplate } from '../../src/templates/registry.js';

const TABLES = ['users', 'projects', 'tasks', 'orders'];
const template = findTemplate('multi-tenant');
const rendered = new Map<string, string>();

interface Parameters { tables: string[]; fanOut: number; column: string }

function render(p: Parameters): string {
  const key = JSON.stringify(p);
  let text = rendered.get(key);
  if (text === undefined) {
    text = expandTemplate(template, { given: { tables: p.tables.join(','), fan_out_above: String(p.fanOut), tenant_column: p.column } }).text;
    rendered.set(key, text);
  }
  return text;
}

const parameters = fc.record({
  tables: fc.subarray(TABLES, { minLength: 1 }),
  fanOut: fc.constantFrom(1, 3),
  column: fc.constantFrom('tenant_id', 'account_id'),
});

type Raw = { id: string; title: string; phase: string; depends?: string[]; acceptance?: string[]; description?: string; state?: unknown };

/** One hand edit, by position in the task list (taken modulo its length when applied). */
const editArb = fc.oneof(
  fc.record({ kind: fc.constant('title' as const), at: fc.nat(), text: fc.constantFrom('Reviewed by the DBA', 'Ship behind the flag', 'Renamed: check twice') }),
  fc.record({ kind: fc.constant('acceptance' as const), at: fc.nat(), text: fc.constantFrom('Dashboards green', 'Reviewed in the change meeting') }),
  fc.record({ kind: fc.constant('description' as const), at: fc.nat(), text: fc.constantFrom('Run at night.', 'Ask the on-call first.\nThen run it.') }),
  fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('move' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({ kind: fc.constant('done' as const), at: fc.nat() }),
);
type Edit = typeof editArb extends fc.Arbitrary<infer E> ? E : never;

interface Expected {
  fields: Map<string, unknown>; // `${id}\0${field}` → value
  removed: Set<string>;
  added: Set<string>;
  items: { id: string; field: 'acceptance'; item: string }[];
}

/** Applies the edits to the plan's data; returns what must survive. */
function applyEdits(data: { tasks: Raw[] }, edits: Edit[]): Expected {
  const expected: Expected = { fields: new Map(), removed: new Set(), added: new Set(), items: [] };
  let n = 0;
  for (const e of edits) {
    const tasks = data.tasks;
    const t = tasks[e.at % tasks.length]!;
    switch (e.kind) {
      case 'title':
      case 'description':
        t[e.kind] = e.text;
        expected.fields.set(`${t.id}\0${e.kind}`, e.text);
        break;
      case 'acceptance':
        t.acceptance = [...(t.acceptance ?? []), e.text];
        expected.items.push({ id: t.id, field: 'acceptance', item: e.text });
        break;
      case 'remove': {
        if (tasks.length < 3 || t.state !== undefined) break;
        tasks.splice(tasks.indexOf(t), 1);
        // Whoever waited for it now waits for what it waited for: the file stays a valid plan.
        for (const other of tasks) {
          if (!other.depends?.includes(t.id)) continue;
          other.depends = [...new Set(other.depends.flatMap((d) => (d === t.id ? t.depends ?? [] : [d])))];
        }
        expected.removed.add(t.id);
        expected.added.delete(t.id);
        for (const key of [...expected.fields.keys()]) if (key.startsWith(`${t.id}\0`)) expected.fields.delete(key);
        expected.items = expected.items.filter((i) => i.id !== t.id);
        break;
      }
      case 'add': {
        const id = `U${++n}`;
        tasks.splice(tasks.indexOf(t) + 1, 0, { id, title: `Hand-added after ${t.id}`, phase: t.phase, depends: [t.id] });
        expected.added.add(id);
        expected.fields.set(`${id}\0title`, `Hand-added after ${t.id}`);
        break;
      }
      case 'move': {
        tasks.splice(tasks.indexOf(t), 1);
        tasks.splice(e.to % (tasks.length + 1), 0, t);
        break;
      }
      case 'done': {
        const byId = new Map(tasks.map((x) => [x.id, x]));
        const ready = (t.depends ?? []).every((d) => (byId.get(d)?.state as { status?: string } | undefined)?.status === 'done');
        if (!ready || t.state !== undefined) break;
        t.state = { status: 'done', at: '2026-11-23T10:00:00Z', by: 'alice', evidence: 'dashboard' };
        expected.fields.set(`${t.id}\0state`, t.state);
        // What ran stays what the task says it ran.
        expected.fields.set(`${t.id}\0sql`, (t as { sql?: unknown }).sql);
        break;
      }
    }
  }
  return expected;
}

/** The edited plan as a person might have written it: other quoting and folding, and comments between tasks. */
function write(data: unknown): string {
  return stringify(data, { lineWidth: 0 }).replace(/^(  - id: )/gm, '  # reviewed\n$1');
}

async function errors(text: string): Promise<string[]> {
  const { result } = await checkLoaded('plan.yaml', parsePlan(text, 'plan.yaml'));
  return result.findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.taskId ?? ''} ${f.message}`);
}

describe('plan update merge, property', () => {
  it('keeps every hand edit or reports it, and checks clean without conflicts', async () => {
    let clean = 0;
    await fc.assert(fc.asyncProperty(parameters, parameters, fc.array(editArb, { maxLength: 8 }), async (before, after, edits) => {
      const base = render(before);
      const theirs = render(after);
      const data = jsYaml.load(base, { schema: jsYaml.CORE_SCHEMA }) as { tasks: Raw[] };
      const expected = applyEdits(data, edits);
      const ours = write(data);
      const merged = mergePlanTexts({ base, theirs, ours });
      const plan = parsePlan(merged.text, 'plan.yaml').plan;
      const tasks = new Map(plan.tasks.map((t) => [t.id, t as unknown as Record<string, unknown>]));
      const conflicted = (id: string, field?: string) =>
        merged.conflicts.some((c) => c.at[0] === 'tasks' && c.at[1] === id && (c.at.length === 2 || c.at[2] === field));
      for (const id of expected.removed) expect(tasks.has(id), `${id} stays deleted`).toBe(false);
      for (const id of expected.added) expect(tasks.has(id), `${id} added by hand stays`).toBe(true);
      for (const [key, value] of expected.fields) {
        const [id, field] = key.split('\0') as [string, string];
        if (!tasks.has(id)) {
          // Only a task the template removed can go, and then only when nothing the user changed is lost.
          expect(conflicted(id), `${id} removed although edited`).toBe(true);
          continue;
        }
        const kept = isDeepStrictEqual(tasks.get(id)![field], value);
        expect(kept || conflicted(id, field), `${id}.${field} kept or in conflict`).toBe(true);
      }
      for (const { id, field, item } of expected.items) {
        const list = tasks.get(id)?.[field] as string[] | undefined;
        expect(list?.includes(item) || conflicted(id, field), `${id}.${field} keeps "${item}"`).toBe(true);
      }
      // Every dependency names a task of the merged plan.
      for (const t of plan.tasks) for (const d of t.depends) expect(tasks.has(d), `${t.id} depends on ${d}`).toBe(true);
      if (merged.conflicts.length === 0 && (await errors(ours)).length === 0 && (await errors(theirs)).length === 0) {
        clean++;
        expect(await errors(merged.text)).toEqual([]);
      }
    }), { numRuns: 40, seed: 2026_11_23 });
    expect(clean, 'runs where the check property applied').toBeGreaterThan(5);
  }, 120_000);

  it('without hand edits gives the template\'s new plan; without template changes, the file byte for byte', async () => {
    await fc.assert(fc.asyncProperty(parameters, parameters, fc.array(editArb, { maxLength: 4 }), async (before, after, edits) => {
      const base = render(before);
      const theirs = render(after);
      const untouched = mergePlanTexts({ base, theirs, ours: base });
      expect(untouched.conflicts).toEqual([]);
      expect(parsePlan(untouched.text, 'plan.yaml').plan).toEqual(parsePlan(theirs, 'plan.yaml').plan);
      const data = jsYaml.load(base, { schema: jsYaml.CORE_SCHEMA }) as { tasks: Raw[] };
      applyEdits(data, edits);
      const ours = write(data);
      expect(mergePlanTexts({ base, theirs: base, ours }).text).toBe(ours);
    }), { numRuns: 25, seed: 2026_11_23 });
  }, 120_000);
});
