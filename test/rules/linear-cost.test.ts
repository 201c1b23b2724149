/**
 * Every rule costs work in proportion to the plan, counted rather than timed: each rule runs alone on
 * what multi-tenant and blue-green write for 20 and 40 tables (PostgreSQL, statements included), and the
 * count of its work — reads of a task's fields, of the graph's adjacency and schedule, statements handed
 * out, descendants walked, description lines, regular expressions built — grows at most in step with the
 * tasks. A rule that scanned every task per task (a RegExp per constraint name run over every
 * description, a descendants walk per task) grows with their square and fails here.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyzePlan, type Analysis } from '../../src/analysis/analyze.js';
import { newPlan } from '../../src/app/new.js';
import { parsePlan } from '../../src/model/load.js';
import type { Plan } from '../../src/model/schema.js';
import { RULES } from '../../src/rules/catalog.js';
import { RuleContext } from '../../src/rules/context.js';
import { loadParser } from '../../src/sql/engines.js';

/** Work done by one rule; each counted operation adds to it. */
let work = 0;

/** Adjacency lists that count a read, and the edges a reader then walks. */
const countingLists = (lists: number[][]) => new Proxy(lists, {
  get(target, key, receiver) {
    const value = Reflect.get(target, key, receiver);
    if (typeof key === 'string' && /^\d+$/.test(key)) work += 1 + (value as number[]).length;
    return value;
  },
});

/** Tasks whose every field read counts. */
const countingTask = <T extends object>(task: T): T => new Proxy(task, {
  get(target, key, receiver) {
    work++;
    return Reflect.get(target, key, receiver);
  },
});

class CountingMap<K, V> extends Map<K, V> {
  override get(key: K) {
    work++;
    return super.get(key);
  }
}

/** The context's own answers, counted by the work they stand for. */
class CountingContext extends RuleContext {
  override descendants(v: number, maxWave?: number) {
    const found = super.descendants(v, maxWave);
    work += 1 + found.size;
    return found;
  }

  override statements(v: number) {
    const lines = super.statements(v);
    work += 1 + lines.length;
    return lines;
  }

  override sql(v: number) {
    const statements = super.sql(v);
    work += 1 + statements.length;
    return statements;
  }
}

const NativeRegExp = RegExp;
afterEach(() => {
  globalThis.RegExp = NativeRegExp;
});

/** A regular expression built at run time (`new RegExp`) counts as a pass over its source. */
function countRegExps() {
  globalThis.RegExp = new Proxy(NativeRegExp, {
    construct(target, args) {
      work += 1 + String(args[0] ?? '').length;
      return Reflect.construct(target, args);
    },
    apply(target, self, args) {
      work += 1 + String(args[0] ?? '').length;
      return Reflect.apply(target, self, args);
    },
  });
}

interface Sample {
  tasks: number;
  /** Work per rule id. */
  work: Map<string, number>;
}

const written = new Map<string, Promise<Plan>>();

/** What `template` writes for `tables` tables on PostgreSQL (written once per test file). */
function planOf(template: string, tables: number): Promise<Plan> {
  const key = `${template} ${tables}`;
  if (!written.has(key)) {
    const names = Array.from({ length: tables }, (_, i) => `table_${i}`).join(',');
    written.set(key, newPlan({ template, flags: { db: 'postgres', tables: names }, dryRun: true }).then((made) => parsePlan(made.text, 'plan.yaml').plan));
  }
  return written.get(key)!;
}

async function sample(template: string, tables: number): Promise<Sample> {
  const plan = await planOf(template, tables);
  const base = analyzePlan(plan);
  const counts = new Map<string, number>();
  for (const rule of RULES) {
    // A fresh context per rule: each pays for the statements it reads (parsed once per context).
    const analysis: Analysis = { ...base, tasks: base.tasks.map(countingTask), successors: countingLists(base.successors),
      predecessors: countingLists(base.predecessors), schedule: new CountingMap(base.schedule) };
    const ctx = new CountingContext(plan, analysis, new Set(RULES.map((r) => r.id)));
    work = 0;
    countRegExps();
    try {
      rule.check(ctx);
    } finally {
      globalThis.RegExp = NativeRegExp;
    }
    counts.set(rule.id, work);
  }
  return { tasks: base.tasks.length, work: counts };
}

describe('every rule costs work in proportion to the tasks', () => {
  beforeAll(() => loadParser('postgres'));

  for (const template of ['multi-tenant', 'blue-green']) {
    it(`${template}: 40 tables cost each rule at most ~2× the work of 20 (in step with the tasks)`, async () => {
      const small = await sample(template, 20);
      const large = await sample(template, 40);
      const taskGrowth = large.tasks / small.tasks;
      expect(taskGrowth).toBeGreaterThan(1.5);
      const over: string[] = [];
      for (const rule of RULES) {
        const a = small.work.get(rule.id)!;
        const b = large.work.get(rule.id)!;
        // 10 % over the tasks' own growth; a quadratic rule grows by its square (~3× here).
        if (b > 10 && b / Math.max(a, 1) > taskGrowth * 1.1) over.push(`${rule.id}: ${a} → ${b} (${(b / a).toFixed(2)}× for ${taskGrowth.toFixed(2)}× tasks)`);
      }
      expect(over).toEqual([]);
      // The count is real work: the statement rules read every statement, every rule reads the tasks.
      expect(large.work.get('statement-syntax')!).toBeGreaterThan(large.tasks);
      expect([...large.work.values()].filter((w) => w > 0).length).toBeGreaterThan(RULES.length / 2);
    });
  }

  it('the count catches a quadratic rule (a RegExp per task run over every description)', async () => {
    const quadratic = {
      ...RULES[0]!,
      check(ctx: RuleContext) {
        for (const t of ctx.tasks) for (const u of ctx.tasks) new RegExp(t.id.replace(/\W/g, '')).test(u.description);
        return [];
      },
    };
    const measure = async (tables: number) => {
      const plan = await planOf('multi-tenant', tables);
      const base = analyzePlan(plan);
      work = 0;
      countRegExps();
      quadratic.check(new CountingContext(plan, { ...base, tasks: base.tasks.map(countingTask) }));
      globalThis.RegExp = NativeRegExp;
      return { work, tasks: base.tasks.length };
    };
    const a = await measure(20);
    const b = await measure(40);
    expect(b.work / a.work).toBeGreaterThan((b.tasks / a.tasks) * 1.1);
  });
});
