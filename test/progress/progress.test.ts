import { describe, expect, it } from 'vitest';
import { analyzePlan } from '../../src/analysis/analyze.js';
import type { Plan, TaskState } from '../../src/model/schema.js';
import { planProgress } from '../../src/progress/progress.js';
import { planOf } from '../helpers.js';

/** A diamond: A (1d), then B (1.1h) and C (3.3h), then D (1d) after both. */
function diamond(states: Record<string, TaskState['status']>): Plan {
  const plan = planOf({ A: [], B: ['A'], C: ['A'], D: ['B', 'C'] });
  return { ...plan, tasks: plan.tasks.map((t) => ({ ...t, estimate: t.id === 'B' ? '1.1h' : t.id === 'C' ? '3.3h' : '1d',
    ...(states[t.id] && { state: { status: states[t.id]! } }) })) };
}
const progressOf = (plan: Plan) => planProgress(plan, analyzePlan(plan));

describe('planProgress', () => {
  it('orders the ready tasks by slack, the longer branch first, with exact slack on fractional estimates', () => {
    const p = progressOf(diamond({ A: 'done' }));
    expect(p.ready.map((t) => [t.id, t.slackHours])).toEqual([['C', 0], ['B', 2.2]]);
    expect(p.remaining).toMatchObject({ criticalPath: ['C', 'D'], hours: 11.3 });
    expect(p.hours).toMatchObject({ done: 8, total: 20.4 });
  });

  it('a skipped task lets its dependents start; a failed one blocks them and is ready to retry', () => {
    expect(progressOf(diamond({ A: 'done', B: 'skipped', C: 'done' })).ready.map((t) => t.id)).toEqual(['D']);
    const failed = progressOf(diamond({ A: 'done', B: 'failed', C: 'done' }));
    expect(failed.ready.map((t) => [t.id, t.status])).toEqual([['B', 'failed']]);
    expect(failed.counts).toMatchObject({ done: 2, failed: 1, todo: 1, total: 4 });
    expect(progressOf(diamond({})).started).toBe(false);
    const finished = progressOf(diamond({ A: 'done', B: 'done', C: 'done', D: 'done' }));
    expect(finished).toMatchObject({ ready: [], remaining: { criticalPath: [], hours: 0 } });
  });
});
