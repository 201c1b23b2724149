/**
 * Issue "SQL as data": every built-in plan states its database work as `sql`, not prose. For every template ×
 * engine × mode, on defaults and on each rehearsal set: a task that changes the database (a schema or data
 * task, or one whose ops touch the database) has `sql`, and when it runs statements, either `down` statements or a reason
 * it is a point of no return; and no description holds an executable statement (a line that starts like one).
 */
import { describe, expect, it } from 'vitest';
import type { Task } from '../../src/model/schema.js';
import { expandTemplate } from '../../src/templates/expand.js';
import { listTemplates } from '../../src/templates/registry.js';

/** Ops that are application or people work, not statements. */
const NOT_DATABASE = new Set(['dual-write', 'switch-reads', 'stop-writes', 'remove-code']);

export function changesDatabase(task: Task): boolean {
  return task.type === 'schema' || task.type === 'data' || task.ops.some((op) => !NOT_DATABASE.has(op));
}

/** A line of prose that starts like an executable statement (SQL or mongosh). */
const STATEMENT_LINE = /^\s*(ALTER TABLE|CREATE (UNIQUE )?INDEX|CREATE (TABLE|VIEW|TRIGGER|FUNCTION|POLICY)|DROP (TABLE|INDEX|VIEW|TRIGGER|FUNCTION|POLICY)|UPDATE \S+ SET|INSERT INTO|DELETE FROM|SELECT .+ FROM|BEGIN;|COMMIT;|SET (LOCAL |SESSION )?\w+ ?=|PRAGMA |db\.\w+\.\w+\()/i;

const plans = listTemplates().filter((t) => t.builtin).flatMap((t) => {
  const has = (name: string) => t.manifest.parameters.some((p) => p.name === name);
  const sets = [{ set: {} }, ...t.manifest.rehearsals];
  return ['postgres', 'mysql', 'sqlite', 'mongodb'].flatMap((db) => (has('mode') ? ['zero-downtime', 'maintenance-window'] : [undefined]).flatMap((mode) =>
    sets.filter((r) => !('engines' in r) || !r.engines || r.engines.includes(db))
      .map(({ set }) => ({ template: t, given: { ...set, db, ...(mode ? { mode } : {}) } }))));
});

describe('statements are data in every built-in plan', () => {
  it.each(plans.map((p) => [`${p.template.name} ${Object.entries(p.given).map(([k, v]) => `${k}=${v}`).join(' ')}`, p] as const))('%s', (_name, { template, given }) => {
    const { plan } = expandTemplate(template, { given }).loaded;
    const problems: string[] = [];
    for (const task of plan.tasks) {
      if (changesDatabase(task)) {
        // An engine with nothing to run (a nullable field on MongoDB) still says so: sql with only checks.
        if (!task.sql) problems.push(`${task.id}: changes the database but has no sql`);
        else if (task.sql.up.length && !task.sql.down.length && !task.sql.irreversible) problems.push(`${task.id}: no sql.down and not marked irreversible`);
      }
      for (const line of (task.description ?? '').split('\n')) if (STATEMENT_LINE.test(line)) problems.push(`${task.id}: statement in the description: ${line.trim()}`);
    }
    expect(problems).toEqual([]);
  });
});
