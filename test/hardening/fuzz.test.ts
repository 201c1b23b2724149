/**
 * Fuzzing the command layer (the functions each command calls) with fast-check, fixed seeds and a
 * budget of about a minute: random plan files and random parameters never raise anything but a
 * located PlanInputError, whatever the input.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkFile } from '../../src/check/pipeline.js';
import { exportPlan } from '../../src/app/export.js';
import { drawDiagram } from '../../src/app/diagram.js';
import { newPlan } from '../../src/app/new.js';
import { writeKickoff } from '../../src/app/kickoff.js';
import { PlanInputError } from '../../src/errors.js';
import { DIALECT_NAMES } from '../../src/export/dialects.js';
import { Operation, Priority, Risk, Size, TaskKind, TaskType } from '../../src/model/schema.js';
import { runCli, tempDir } from '../helpers.js';
import { hostileString } from '../export/hostile.js';

/** Only a PlanInputError (the user's to fix, with a message) may escape. */
async function userErrorsOnly(run: () => unknown): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof PlanInputError)) throw err;
    expect(err.message.length).toBeGreaterThan(0);
    for (const d of err.details) expect(d.message).not.toMatch(/undefined|\[object Object\]/);
  }
}

const ids = ['T1', 'T2', 'T3', 'T4', 'T5', 'G1', 'B1'];
const id = fc.constantFrom(...ids);
/** A well-formed task; ids, phases and dependencies come from small pools so graphs (and cycles) form. */
const task = fc.record({
  id, title: hostileString, phase: fc.constantFrom('p', 'q', 'r'), depends: fc.uniqueArray(id, { maxLength: 3 }),
  kind: fc.constantFrom(...TaskKind.options), type: fc.constantFrom(...TaskType.options), size: fc.constantFrom(...Size.options),
  priority: fc.constantFrom(...Priority.options), risk: fc.constantFrom(...Risk.options), wave: fc.nat(5),
  ops: fc.uniqueArray(fc.constantFrom(...Operation.options), { maxLength: 3 }), point_of_no_return: fc.boolean(),
  description: hostileString, acceptance: fc.array(hostileString, { maxLength: 3 }), estimate: fc.constantFrom('4h', '1.5d', '0m', '2w'),
}, { requiredKeys: ['id', 'title', 'phase'] });
const validPlan = fc.record({
  version: fc.constant(1),
  database: fc.constantFrom('postgres', 'mysql', 'sqlite', 'mongodb'),
  epic: fc.record({ id: fc.constant('E'), title: hostileString, labels: fc.uniqueArray(fc.constantFrom('migration', 'multi-tenant')) }),
  phases: fc.constant([{ id: 'p', name: 'P', rollback: 'r', risk: 'low' }, { id: 'q', name: 'Q', rollback: 'r', risk: 'medium' },
    { id: 'r', name: 'R', rollback: 'r', risk: 'high' }]),
  tasks: fc.uniqueArray(task, { minLength: 1, maxLength: 7, selector: (t) => t.id }),
  acyclic: fc.nat(9),
}, { requiredKeys: ['version', 'epic', 'phases', 'tasks', 'acyclic'] }).map(({ acyclic, ...doc }) => ({
  ...doc,
  // Mostly sound graphs (dependencies on earlier tasks, no declared wave), so checks, exports and
  // diagrams all run; one in ten keeps whatever the generator drew (cycles, unknown ids, early waves).
  tasks: acyclic === 0 ? doc.tasks : doc.tasks.map(({ wave, ...t }, k) => ({ ...t, ...(k % 3 === 0 && wave !== undefined ? { wave } : {}),
    depends: (t.depends ?? []).filter((d) => doc.tasks.slice(0, k).some((e) => e.id === d)) })),
}));
/** A valid plan with one value, anywhere in it, replaced by anything at all. */
const mutatedPlan = fc.tuple(validPlan, fc.nat(), fc.nat(), fc.anything()).map(([doc, i, j, junk]) => {
  const copy = structuredClone(doc) as Record<string, unknown> & { tasks: Record<string, unknown>[] };
  const taskKeys = ['id', 'title', 'phase', 'depends', 'kind', 'wave', 'ops', 'estimate', 'point_of_no_return'];
  if (i % 4 === 0) copy[['version', 'epic', 'phases', 'tasks', 'database'][j % 5]!] = junk;
  else copy.tasks[i % copy.tasks.length]![taskKeys[j % taskKeys.length]!] = junk;
  return copy;
});
const plan = fc.oneof(validPlan, mutatedPlan);

describe('fuzz', () => {
  it('random plan files through check, show, graph (text), report (md) and every export dialect', async () => {
    const dir = tempDir();
    let n = 0;
    await fc.assert(fc.asyncProperty(plan, fc.boolean(), async (doc, asJson) => {
      const file = join(dir, `p${n++}.plan.yaml`);
      writeFileSync(file, asJson ? JSON.stringify(doc) : stringify(doc));
      await userErrorsOnly(() => checkFile(file, { strict: true }));
      await userErrorsOnly(() => drawDiagram({ file, format: 'mmd' }));
      await userErrorsOnly(() => drawDiagram({ file, format: 'ascii', view: 'gantt' }));
      await userErrorsOnly(() => writeKickoff({ file, format: 'md' }));
      for (const to of DIALECT_NAMES) await userErrorsOnly(() => exportPlan({ file, to }));
    // 600 plans × 16 commands: about 20 s unloaded, well inside the limit on a loaded 2-core machine.
    }), { seed: 4242, numRuns: 600 });
  }, 120_000);

  it('random template parameters through plan new', async () => {
    const name = fc.oneof(fc.constantFrom('tables', 'db', 'tenant_column', 'fan_out_above', 'rows'), fc.string({ maxLength: 8 }));
    const value = fc.oneof(hostileString, fc.constantFrom('', ',', 'users,users', '0', '-1', '99999999999', 'postgres', 'a,b,c,d,e,f'));
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(name, value), { maxLength: 4 }), async (pairs) => {
      await userErrorsOnly(() => newPlan({ template: 'multi-tenant', set: pairs.map(([k, v]) => `${k}=${v}`), dryRun: true }));
    }), { seed: 99, numRuns: 300 });
  }, 120_000);

  it('random arguments to the CLI: a documented exit code and never a stack trace', () => {
    const word = fc.oneof(fc.constantFrom('new', 'check', 'show', 'graph', 'export', 'report', 'templates', 'multi-tenant', '--json', '--to',
      '--format', '--out', '--force', '--strict', '--set', '-x', '--', 'nonexistent.yaml', 'cleo', 'svg'), hostileString);
    fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), (argv) => {
      const r = runCli(argv.filter((a) => !['png', 'pdf', 'svg'].includes(a)), { cwd: tempDir() });
      expect([0, 1, 2]).toContain(r.code);
      expect(r.stderr + r.stdout).not.toMatch(/\n\s+at .+:\d+:\d+\)?|internal error/);
    }), { seed: 7, numRuns: 40 });
  }, 120_000);
});
