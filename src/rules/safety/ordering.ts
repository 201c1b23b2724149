/**
 * Safety rules about order: what must come before a risky, enforcing, contracting or irreversible
 * step. Each reads ops, kinds and the dependency graph; none reads titles.
 */
import type { RuleHit, SafetyRule } from '../types.js';
import { opMask, riskRank, type OpMask, type RuleContext } from '../context.js';

// Each rule finds its subjects first (cheap) and walks the graph only when there are some.
const CONTRACT = opMask('set-not-null', 'drop-column', 'drop-table', 'drop-not-null');
const ENFORCE = opMask('set-not-null', 'add-constraint', 'validate-constraint');
const DROP = opMask('drop-column', 'drop-table');
const STOP_WRITES = opMask('stop-writes');
/** Changes whose result must be verified: data, enforcement, and anything irreversible. */
const VERIFIABLE = opMask('backfill', 'change-type', 'set-not-null', 'add-constraint', 'drop-column', 'drop-table',
  'rename-column', 'rename-table');

/** Tasks doing `mask` with no checkpoint right before them (`predecessors`) or right after (`successors`). */
function withoutAdjacentCheckpoint(ctx: RuleContext, mask: OpMask, side: 'predecessors' | 'successors'): number[] {
  const neighbours = ctx.analysis[side];
  return ctx.withOps(mask).filter((v) => !neighbours[v]!.some((w) => ctx.tasks[w]!.kind === 'checkpoint'));
}

export const rollbackRehearsed: SafetyRule = {
  id: 'rollback-rehearsed',
  category: 'safety',
  severity: 'warning',
  summary: 'A rollback procedure is written and rehearsed before the first risky step.',
  hint: 'add a task of kind `rollback` (rehearse the rollback in staging) and make the risky step depend on it',
  why: 'A rollback that was never run fails when it is needed most. Rehearsing it before the first step that can hurt (risk medium or above) proves it works and how long it takes.',
  sources: ['Liquibase `update-testing-rollback`', 'strong_migrations (reversible migrations)'],
  check(ctx) {
    const risky = ctx.scheduled().filter((v) => riskRank(ctx.risk(v)) >= 1 && ctx.tasks[v]!.kind !== 'rollback');
    if (risky.length === 0) return [];
    const covered = ctx.upstreamOfKind('rollback');
    return ctx.earliest(risky.filter((v) => !covered[v])).map((v) => ({
      task: v,
      field: ['risk'],
      message: `"${ctx.tasks[v]!.id}" is the first ${ctx.risk(v)}-risk step and no rehearsed rollback procedure comes before it`,
    }));
  },
};

export const gateBeforeRiskierWave: SafetyRule = {
  id: 'gate-before-riskier-wave',
  category: 'safety',
  severity: 'warning',
  summary: 'A checkpoint closes every wave that leads into a riskier one, and the next wave waits for it.',
  hint: 'add a task of kind `checkpoint` at the end of the wave, with acceptance criteria saying what is verified, and make every task of the next wave depend on it',
  why: 'Moving into a riskier phase is a decision. A gate task that every task of the next wave depends on makes trackers block that work until someone has verified the previous wave and said so.',
  sources: ['pgroll `start` / `complete` (contract only when no old version runs)', 'Reshape `migration complete`'],
  check(ctx) {
    const hits: RuleHit[] = [];
    const waves = ctx.analysis.waves;
    const number = new Map(ctx.analysis.taskIds.map((id, v) => [id, v]));
    for (let i = 0; i + 1 < waves.length; i++) {
      const here = waves[i]!;
      const next = waves[i + 1]!;
      if (riskRank(ctx.waveRisk(next.phases)) <= riskRank(ctx.waveRisk(here.phases))) continue;
      const nextTasks = next.taskIds.map((id) => number.get(id)!);
      const gated = here.checkpoints.some((id) => {
        const after = ctx.descendants(number.get(id)!, next.wave);
        return nextTasks.every((v) => after.has(v));
      });
      if (!gated) {
        hits.push({
          task: nextTasks[0]!,
          message: `wave ${next.wave} (${ctx.waveRisk(next.phases)} risk) starts without a checkpoint closing wave ${here.wave} (${ctx.waveRisk(here.phases)} risk) that all its tasks wait for`,
        });
      }
    }
    return hits;
  },
};

export const validateBeforeEnforce: SafetyRule = {
  id: 'validate-before-enforce',
  category: 'safety',
  severity: 'error',
  summary: 'A NOT NULL or other constraint is enforced only after a validation that the data complies.',
  hint: 'add a `checkpoint` that counts violating rows (expect 0) after the backfill, and make the enforcing task depend on it',
  why: 'Enforcing a constraint on data that violates it fails half-way, or, on some engines, scans and locks the table while it does. A validation checkpoint after the backfill turns that into a query you run first.',
  sources: ['Atlas `MF104`, `PG303`', 'squawk `adding-not-nullable-field`', 'strong_migrations (setting NOT NULL on an existing column)'],
  check(ctx) {
    const subjects = ctx.withOps(ENFORCE);
    if (subjects.length === 0) return [];
    const validated = ctx.upstream((t) => t.kind === 'checkpoint' || t.type === 'validation');
    return subjects
      .filter((v) => !validated[v])
      .map((v) => ({ task: v, field: ['ops'], message: `"${ctx.tasks[v]!.id}" enforces a constraint with no validation or checkpoint before it` }));
  },
};

export const auditBeforeCleanup: SafetyRule = {
  id: 'audit-before-cleanup',
  category: 'safety',
  severity: 'error',
  summary: 'In a multi-tenant plan, a tenant-isolation audit passes before any contract step.',
  hint: 'add a task of kind `audit` (RLS enabled and forced, runtime role without BYPASSRLS, cross-tenant tests) and make the contract step depend on it',
  why: 'Once NOT NULL is enforced or the old paths are gone, a tenant leak is a production incident with no easy way back. The audit proves isolation while rollback is still cheap. (A backfill under forced row-level security once touched one tenant only.)',
  sources: ['PostgreSQL row security policies (`FORCE ROW LEVEL SECURITY`, roles without `BYPASSRLS`)'],
  check(ctx) {
    if (!ctx.plan.epic.labels.includes('multi-tenant')) return [];
    const subjects = ctx.withOps(CONTRACT);
    if (subjects.length === 0) return [];
    const audited = ctx.upstreamOfKind('audit');
    return subjects
      .filter((v) => !audited[v])
      .map((v) => ({ task: v, field: ['ops'], message: `"${ctx.tasks[v]!.id}" contracts the schema of a multi-tenant plan with no tenant-isolation audit before it` }));
  },
};

export const pointOfNoReturnGuarded: SafetyRule = {
  id: 'point-of-no-return-guarded',
  category: 'safety',
  severity: 'error',
  summary: 'A point of no return comes after a backup task and a checkpoint.',
  hint: 'add a task of kind `backup` (take it and verify the restore) and a `checkpoint` (sign-off), both upstream of the point of no return',
  why: 'Past a point of no return the only way back is a restore. A verified backup makes that possible; a checkpoint makes going past it a decision someone signed.',
  sources: ['Liquibase (rollback tags before irreversible changes)', 'pgroll `complete`', 'Atlas `DS101`–`DS103`'],
  check(ctx) {
    const subjects = ctx.scheduled().filter((v) => ctx.tasks[v]!.point_of_no_return);
    if (subjects.length === 0) return [];
    const backedUp = ctx.upstreamOfKind('backup');
    const gated = ctx.upstreamOfKind('checkpoint');
    return subjects
      .filter((v) => !backedUp[v] || !gated[v])
      .map((v) => {
        const missing = [!backedUp[v] && 'a backup task', !gated[v] && 'a checkpoint'].filter(Boolean).join(' and ');
        return { task: v, field: ['point_of_no_return'], message: `"${ctx.tasks[v]!.id}" is a point of no return without ${missing} before it` };
      });
  },
};

export const dropIsPointOfNoReturn: SafetyRule = {
  id: 'drop-is-point-of-no-return',
  category: 'safety',
  severity: 'error',
  summary: 'Dropping a column or table is marked as a point of no return.',
  hint: 'set `point_of_no_return: true` on the task, so the backup and checkpoint rules apply to it',
  why: 'A dropped column takes its data with it; no down-migration brings it back. Marking it makes the plan say so and makes the guard rules apply.',
  sources: ['Atlas `DS101`–`DS103`', 'squawk `ban-drop-column`', 'squawk `ban-drop-table`'],
  check(ctx) {
    return ctx.withOps(DROP)
      .filter((v) => !ctx.tasks[v]!.point_of_no_return)
      .map((v) => ({ task: v, field: ['ops'], message: `"${ctx.tasks[v]!.id}" drops data but is not marked as a point of no return` }));
  },
};

export const dropAfterStopWrites: SafetyRule = {
  id: 'drop-after-stop-writes',
  category: 'safety',
  severity: 'error',
  summary: 'A column or table is dropped only after a release that stopped reading and writing it.',
  hint: 'add a task with op `stop-writes` (deploy the release that no longer reads or writes it) upstream of the drop',
  why: 'A running application version that still reads or writes the column fails the moment it is dropped. The release that stops using it has to be deployed everywhere first.',
  sources: ['strong_migrations (removing a column: ignore it in the application first)', 'squawk `ban-drop-column`', 'Atlas `DS103`'],
  check(ctx) {
    const subjects = ctx.withOps(DROP);
    if (subjects.length === 0) return [];
    const stopped = ctx.upstream((_, d) => ctx.hasOps(d, STOP_WRITES));
    return subjects
      .filter((v) => !stopped[v])
      .map((v) => ({ task: v, field: ['ops'], message: `"${ctx.tasks[v]!.id}" drops a column or table with no stop-writes release before it` }));
  },
};

export const contractAfterGate: SafetyRule = {
  id: 'contract-after-gate',
  category: 'safety',
  severity: 'warning',
  summary: 'A contract step depends directly on a checkpoint confirming no old application version runs.',
  hint: 'make the contract step depend on a `checkpoint` whose acceptance says every running version uses the new schema',
  why: 'Contracting (NOT NULL, dropping the old column) breaks every application version that still uses the old shape. The gate right before it is where someone confirms none is left running.',
  sources: ['pgroll `complete`', 'Reshape `migration complete`'],
  check(ctx) {
    return withoutAdjacentCheckpoint(ctx, CONTRACT, 'predecessors')
      .map((v) => ({ task: v, field: ['depends'], message: `"${ctx.tasks[v]!.id}" contracts the schema without depending directly on a checkpoint` }));
  },
};

export const verifyEachChange: SafetyRule = {
  id: 'verify-each-change',
  category: 'safety',
  severity: 'warning',
  summary: 'Every data change, enforcement or drop is followed directly by a checkpoint that verifies it.',
  hint: 'add a `checkpoint` that depends on the task and checks its result (row counts, NULL counts, checksums, orphans)',
  why: 'A change that is not verified is assumed. A checkpoint right after it (counts, checksums, NULL and orphan checks) catches a partial backfill before anything builds on it; a failed verify is the signal to revert.',
  sources: ['Sqitch `verify` scripts'],
  check(ctx) {
    return withoutAdjacentCheckpoint(ctx, VERIFIABLE, 'successors')
      .map((v) => ({ task: v, field: ['ops'], message: `"${ctx.tasks[v]!.id}" changes data or schema and no checkpoint verifies it` }));
  },
};

export const singleTerminal: SafetyRule = {
  id: 'single-terminal',
  category: 'safety',
  severity: 'warning',
  summary: 'The plan converges on one final task.',
  hint: 'make the loose ends dependencies of the last task (e.g. "document the migration as complete")',
  why: 'Two tasks with nothing after them are two ends: the plan never says when the migration is done, and work can be forgotten. Migration tools call this "multiple heads".',
  sources: ['Sqitch plan', 'Alembic "multiple heads"', 'Django "Conflicting migrations detected; multiple leaf nodes"'],
  check(ctx) {
    const sinks = ctx.scheduled().filter((v) => ctx.analysis.successors[v]!.length === 0).sort((a, b) => a - b);
    if (sinks.length <= 1) return [];
    const names = sinks.slice(0, 8).map((v) => ctx.tasks[v]!.id).join(', ') + (sinks.length > 8 ? `, and ${sinks.length - 8} more` : '');
    return [{ task: sinks[1]!, message: `the plan ends in ${sinks.length} tasks (${names}); it should converge on one` }];
  },
};

export const orderingRules = [
  rollbackRehearsed, gateBeforeRiskierWave, validateBeforeEnforce, auditBeforeCleanup, pointOfNoReturnGuarded,
  dropIsPointOfNoReturn, dropAfterStopWrites, contractAfterGate, verifyEachChange, singleTerminal,
];
