import { alg, Graph } from '@dagrejs/graphlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzePlan } from '../../src/analysis/analyze.js';
import { stronglyConnectedComponents } from '../../src/analysis/scc.js';
import type { Plan } from '../../src/model/schema.js';
import { RULES_BY_ID } from '../../src/rules/catalog.js';
import { runRules } from '../../src/rules/run.js';
import { planOf } from '../helpers.js';

/** What the integrity rules make of the analysis' facts. */
const integrity = (plan: Plan) =>
  runRules(plan, analyzePlan(plan)).findings.filter((f) => RULES_BY_ID.get(f.rule)!.category === 'integrity');

describe('analyzePlan', () => {
  it('finds a duplicate id and names the first holder', () => {
    const plan = planOf({ A: [], B: ['A'] });
    plan.tasks.push({ ...plan.tasks[1]!, title: 'again' });
    const f = integrity(plan).find((x) => x.rule === 'duplicate-id');
    expect(f).toMatchObject({ taskId: 'B', path: ['tasks', 2, 'id'] });
    expect(f!.message).toContain('tasks[1]');
  });

  it('suggests the closest id for an unknown dependency', () => {
    const f = integrity(planOf({ T1: [], T22: [], T3: ['T2'] }))[0]!;
    expect(f).toMatchObject({ rule: 'unknown-dependency', taskId: 'T3', path: ['tasks', 2, 'depends', 0] });
    expect(f.hint).toMatch(/did you mean "T(1|22)"/);
  });

  it('reports a self dependency', () => {
    expect(integrity(planOf({ A: ['A'] })).map((f) => f.rule)).toEqual(['self-dependency']);
  });

  it('reports each cycle in order and, separately, the tasks only blocked by it', () => {
    const plan = planOf({ R: [], A: ['R', 'C'], B: ['A'], C: ['B'], D: ['C'], E: ['D'], F: ['R'] });
    const a = analyzePlan(plan);
    expect(a.cycles).toEqual([['A', 'B', 'C']]);
    expect(a.blockedByCycle.sort()).toEqual(['D', 'E']);
    expect(integrity(plan).find((f) => f.rule === 'cycle')!.message).toContain('A → B → C → A');
    expect([...a.schedule.keys()].sort()).toEqual(['F', 'R']);
  });

  it('keeps a dependency inside a phase in the same wave, and moves to the next wave across phases', () => {
    const phase: Record<string, string> = { T1: 'a', T2: 'b', T3: 'b', T4: 'c' };
    const a = analyzePlan(planOf({ T1: [], T2: ['T1'], T3: ['T2'], T4: ['T3'] }, (id) => phase[id]!));
    expect([...a.schedule].map(([id, s]) => [id, s.wave, s.step])).toEqual([
      ['T1', 0, 0], ['T2', 1, 0], ['T3', 1, 1], ['T4', 2, 0],
    ]);
  });

  it('rejects a declared wave earlier than a dependency, and accepts a later one', () => {
    const plan = planOf({ A: [], B: ['A'] }, (id) => id);
    plan.tasks[1]!.wave = 0;
    expect(integrity(plan)).toMatchObject([{ rule: 'wave-order', taskId: 'B', path: ['tasks', 1, 'wave'] }]);
    expect(integrity(plan)[0]!.message).toContain('"A"');
    plan.tasks[1]!.wave = 3;
    const ok = analyzePlan(plan);
    expect(integrity(plan)).toEqual([]);
    expect(ok.schedule.get('B')!.wave).toBe(3);
    expect(ok.waves.map((w) => w.wave)).toEqual([0, 3]);
  });

  it('computes the critical path from estimates', () => {
    const plan = planOf({ A: [], B: ['A'], C: ['A'], D: ['B', 'C'] });
    plan.tasks[1]!.estimate = '3d';
    const a = analyzePlan(plan);
    expect(a.criticalPath).toEqual({ taskIds: ['A', 'B', 'D'], hours: 8 + 24 + 8 });
    expect(a.widestWave).toEqual({ wave: 0, size: 4 });
  });

  it('handles a 20,000-task chain without overflowing the stack', () => {
    const deps: Record<string, string[]> = { N0: [] };
    for (let i = 1; i < 20_000; i++) deps[`N${i}`] = [`N${i - 1}`];
    deps.N0 = ['N19999'];
    const a = analyzePlan(planOf(deps));
    expect(a.cycles[0]).toHaveLength(20_000);
  });
});

// ---- Property tests against brute force -------------------------------------------------------

/** Random graphs: n tasks, each depending on a random subset of all tasks (cycles allowed). */
const graphs = fc
  .integer({ min: 1, max: 9 })
  .chain((n) =>
    fc.record({
      n: fc.constant(n),
      deps: fc.array(fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }), { minLength: n, maxLength: n }),
      phases: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n, maxLength: n }),
    }),
  );

function toPlan(g: { n: number; deps: number[][]; phases: number[] }) {
  const depends: Record<string, string[]> = {};
  for (let i = 0; i < g.n; i++) depends[`t${i}`] = g.deps[i]!.filter((d) => d !== i).map((d) => `t${d}`);
  return planOf(depends, (id) => `p${g.phases[Number(id.slice(1))]}`);
}

/** reach[i][j]: j can be reached from i following "is needed by" edges (dep → dependent). */
function reachability(g: { n: number; deps: number[][] }): boolean[][] {
  const edge = (a: number, b: number) => b !== a && g.deps[b]!.includes(a);
  const reach = Array.from({ length: g.n }, (_, i) => Array.from({ length: g.n }, (_, j) => edge(i, j)));
  for (let k = 0; k < g.n; k++) for (let i = 0; i < g.n; i++) for (let j = 0; j < g.n; j++) {
    if (reach[i]![k] && reach[k]![j]) reach[i]![j] = true;
  }
  return reach;
}

describe('graph algorithms against brute force', () => {
  it('cycle members are exactly the tasks that can reach themselves; blocked tasks are downstream of them', () => {
    fc.assert(fc.property(graphs, (g) => {
      const a = analyzePlan(toPlan(g));
      const reach = reachability(g);
      const expected = [...Array(g.n).keys()].filter((i) => reach[i]![i]).map((i) => `t${i}`).sort();
      expect(a.cycles.flat().length).toBeLessThanOrEqual(expected.length);
      const members = new Set(a.cycles.flat());
      // Every reported cycle is a real cycle, and every cyclic task lies in a reported component.
      for (const cycle of a.cycles) {
        cycle.forEach((v, i) => {
          const w = cycle[(i + 1) % cycle.length]!;
          expect(reach[Number(v.slice(1))]![Number(w.slice(1))]).toBe(true);
        });
      }
      const scheduled = new Set(a.schedule.keys());
      const blocked = [...Array(g.n).keys()].filter((j) => !reach[j]![j] && expected.some((c) => reach[Number(c.slice(1))]![j]));
      expect(a.blockedByCycle.slice().sort()).toEqual(blocked.map((j) => `t${j}`).sort());
      expect([...scheduled, ...a.blockedByCycle, ...expected].length).toBe(g.n);
      for (const id of expected) expect(scheduled.has(id)).toBe(false);
      expect(a.cycles.length > 0).toBe(expected.length > 0);
      for (const id of members) expect(expected).toContain(id);
    }), { seed: 42, numRuns: 400 });
  });

  it('waves equal the longest phase-crossing path, found by enumerating every path', () => {
    fc.assert(fc.property(graphs, (g) => {
      const plan = toPlan(g);
      const a = analyzePlan(plan);
      const depsOf = (i: number) => plan.tasks[i]!.depends.map((d) => Number(d.slice(1)));
      const phase = (i: number) => plan.tasks[i]!.phase;
      // Brute force: the maximum over all dependency paths ending at i, with memo-free recursion.
      const longest = (i: number, seen: Set<number>): number => {
        let best = 0;
        for (const d of depsOf(i)) {
          if (seen.has(d)) continue;
          best = Math.max(best, longest(d, new Set([...seen, d])) + (phase(d) !== phase(i) ? 1 : 0));
        }
        return best;
      };
      for (const [id, s] of a.schedule) {
        const i = Number(id.slice(1));
        expect(s.wave).toBe(longest(i, new Set([i])));
      }
      // Every edge respects the order: a dependent is never in an earlier wave.
      for (const [from, to] of a.edges) {
        const v = a.schedule.get(from);
        const w = a.schedule.get(to);
        if (v && w) expect(w.wave).toBeGreaterThanOrEqual(v.wave);
      }
    }), { seed: 7, numRuns: 400 });
  });

  it('the critical path is a real chain whose length is the longest of all chains', () => {
    fc.assert(fc.property(graphs, (g) => {
      const plan = toPlan(g);
      const a = analyzePlan(plan);
      if (a.schedule.size === 0) return;
      const path = a.criticalPath.taskIds;
      for (let i = 1; i < path.length; i++) expect(plan.tasks.find((t) => t.id === path[i])!.depends).toContain(path[i - 1]);
      // Every task costs 8h (medium, no estimate): the longest chain by count decides.
      const depth = (id: string): number =>
        1 + Math.max(0, ...plan.tasks.find((t) => t.id === id)!.depends.filter((d) => a.schedule.has(d)).map(depth));
      const longest = Math.max(...[...a.schedule.keys()].map(depth));
      expect(a.criticalPath.hours).toBe(longest * 8);
      expect(path).toHaveLength(longest);
    }), { seed: 11, numRuns: 400 });
  });
});

describe('graph algorithms against graphlib', () => {
  it('the same strongly connected components as graphlib\'s alg.tarjan, and acyclic exactly when graphlib says so', () => {
    fc.assert(fc.property(graphs, (g) => {
      const plan = toPlan(g);
      const a = analyzePlan(plan);
      const reference = new Graph();
      for (const t of plan.tasks) reference.setNode(t.id);
      for (const [from, to] of a.edges) reference.setEdge(from, to);
      const theirs = alg.tarjan(reference).filter((c) => c.length > 1).map((c) => c.sort().join(',')).sort();
      const ours = stronglyConnectedComponents(a.successors).filter((c) => c.length > 1)
        .map((c) => c.map((v) => a.taskIds[v]!).sort().join(',')).sort();
      expect(ours).toEqual(theirs);
      expect(a.schedule.size === plan.tasks.length).toBe(alg.isAcyclic(reference));
      // Kahn's order agrees with graphlib's topological sort on what must come first.
      if (alg.isAcyclic(reference)) {
        const order = alg.topsort(reference);
        for (const [from, to] of a.edges) expect(order.indexOf(from)).toBeLessThan(order.indexOf(to));
      }
    }), { seed: 3, numRuns: 400 });
  });
});
