/**
 * Integrity rules: the plan's graph is broken. The analysis (src/analysis/analyze.ts) finds the facts
 * once, while it numbers and schedules the tasks; each rule here says what they mean, with one message
 * and one hint, like every safety rule. Most cannot be reconfigured (`fixed`): a plan that broke them
 * would be drawn, exported and run in the wrong order.
 */
import { didYouMean } from '../errors.js';
import { SETTLED_STATUSES, statusOf } from '../model/schema.js';
import type { RuleContext } from './context.js';
import type { Rule, RuleHit } from './types.js';

/** The rules about recorded task states (not the graph): commands that read or record states run despite them. */
export const STATE_RULES: ReadonlySet<string> = new Set(['done-after-dependencies', 'checkpoint-signed-off']);

const integrity = (rule: Omit<Rule, 'category'>): Rule => ({ ...rule, category: 'integrity' });

/** Where depends[k] of the numbered task v stands in the plan. */
const dependsPath = (ctx: RuleContext, v: number, k: number) => ['tasks', ctx.analysis.planIndex[v]!, 'depends', k];

/** The plan's graph rules come from: the dependency checks of Sqitch, Alembic and Django migrations. */
const GRAPH_SOURCES = ['Sqitch plan dependencies (`requires`)', 'Alembic "multiple heads"', 'Django "Conflicting migrations detected"'];

export const integrityRules: Rule[] = [
  integrity({
    id: 'duplicate-id', severity: 'error', fixed: true,
    summary: 'Task and phase ids are unique.',
    hint: 'give each task and each phase its own id',
    why: 'Dependencies, trackers and reports refer to tasks by id. Two tasks with one id make every reference ambiguous.',
    sources: ['Sqitch (a change name is unique in its plan)', 'Alembic (one revision per id)'],
    check: (ctx) => [
      ...ctx.analysis.problems.duplicateTasks.map(({ index, first, id }): RuleHit => ({
        path: ['tasks', index, 'id'], taskId: id, message: `duplicate task id "${id}": tasks[${first}] already has it` })),
      ...ctx.analysis.problems.duplicatePhases.map(({ index, id }): RuleHit => ({
        path: ['phases', index, 'id'], message: `duplicate phase id "${id}"` })),
    ],
  }),
  integrity({
    id: 'unknown-dependency', severity: 'error', fixed: true,
    summary: 'Every dependency names a task of the plan.',
    hint: 'fix the id or remove the dependency',
    why: 'A dependency on a task that does not exist is usually a typo, and it silently removes an ordering the author meant.',
    sources: GRAPH_SOURCES,
    check: (ctx) => ctx.analysis.problems.unknownDependencies.map(({ task: v, k }) => {
      const task = ctx.tasks[v]!;
      const dep = task.depends[k]!;
      const guess = didYouMean(dep, ctx.analysis.taskIds);
      return { path: dependsPath(ctx, v, k), taskId: task.id, message: `task "${task.id}" depends on unknown task "${dep}"`,
        hint: guess ? `did you mean "${guess}"?` : undefined };
    }),
  }),
  integrity({
    id: 'self-dependency', severity: 'error', fixed: true,
    summary: 'No task depends on itself.',
    hint: 'remove the task from its own depends',
    why: 'A task that waits for itself can never start.',
    sources: GRAPH_SOURCES,
    check: (ctx) => ctx.analysis.problems.selfDependencies.map(({ task: v, k }) => ({
      path: dependsPath(ctx, v, k), taskId: ctx.tasks[v]!.id, message: `task "${ctx.tasks[v]!.id}" depends on itself` })),
  }),
  integrity({
    id: 'cycle', severity: 'error', fixed: true,
    summary: 'Dependencies form no cycle.',
    hint: 'remove one dependency of the cycle; a cycle can never start',
    why: 'Tasks in a cycle wait for each other forever; no tracker can schedule them and no wave can hold them.',
    sources: GRAPH_SOURCES,
    check: (ctx) => ctx.analysis.problems.cycles.map(({ members, closing, others }) => {
      const ids = ctx.analysis.taskIds;
      const names = members.map((v) => ids[v]!);
      return {
        path: dependsPath(ctx, closing.task, closing.k),
        taskId: ids[closing.task]!,
        message: `dependency cycle: ${[...names, names[0]].join(' → ')} (each is needed by the next)` +
          (others.length ? `; the same knot also holds ${others.map((v) => ids[v]!).join(', ')}` : ''),
      };
    }),
  }),
  integrity({
    id: 'blocked-by-cycle', severity: 'info',
    summary: 'Tasks downstream of a cycle are listed: they have no wave until the cycle is broken.',
    hint: 'fix the cycle; these tasks need no change',
    why: 'A task outside a cycle that depends on one cannot start either. Listing them apart shows the cycle is the one thing to fix.',
    sources: GRAPH_SOURCES,
    check: (ctx) => ctx.analysis.problems.blocked.map((v) => ({
      path: ['tasks', ctx.analysis.planIndex[v]!], taskId: ctx.tasks[v]!.id,
      message: `task "${ctx.tasks[v]!.id}" is not in a cycle but waits on one, so it has no wave` })),
  }),
  integrity({
    id: 'wave-order', severity: 'error', fixed: true,
    summary: 'A declared wave is not earlier than its dependencies allow.',
    hint: 'declare the wave the message names or a later one, or remove the dependency',
    why: 'A declared wave may postpone a task, never pull it before what it depends on: a plan that says otherwise would be run in the wrong order.',
    sources: ['Sqitch (a change is deployed after what it requires)', 'Django migration dependencies'],
    check: (ctx) => ctx.analysis.problems.waveOrder.map(({ task: v, dep, depWave, needed, crossesPhase }) => ({
      task: v, field: ['wave'],
      message: `task "${ctx.tasks[v]!.id}" is declared in wave ${ctx.tasks[v]!.wave} but depends on "${ctx.analysis.taskIds[dep]}" ` +
        `in wave ${depWave}${crossesPhase ? ' of another phase' : ''}: wave ${needed} or later`,
    })),
  }),
  integrity({
    id: 'unknown-phase', severity: 'error', fixed: true,
    summary: 'Every task names one of the plan\'s phases.',
    hint: 'fix the phase id or add the phase',
    why: 'The phase carries the rollback and the risk of the task; a task in an unknown phase has neither.',
    sources: ['Liquibase (a changeset belongs to a changelog)'],
    check: (ctx) => ctx.analysis.problems.unknownPhases.map(({ index }) => {
      const task = ctx.plan.tasks[index]!;
      const phases = ctx.plan.phases.map((p) => p.id);
      const guess = didYouMean(task.phase, phases);
      return { path: ['tasks', index, 'phase'], taskId: task.id, message: `task "${task.id}" names unknown phase "${task.phase}"`,
        hint: guess ? `did you mean "${guess}"?` : `phases: ${phases.join(', ')}` };
    }),
  }),
  integrity({
    id: 'duplicate-dependency', severity: 'warning',
    summary: 'A dependency is listed once.',
    hint: 'remove the repeated entry',
    why: 'Harmless to the graph, but usually a copy-paste slip where another id was meant.',
    sources: GRAPH_SOURCES,
    check: (ctx) => ctx.analysis.problems.duplicateDependencies.map(({ task: v, k }) => ({
      path: dependsPath(ctx, v, k), taskId: ctx.tasks[v]!.id, message: `"${ctx.tasks[v]!.depends[k]}" is listed twice in depends` })),
  }),
  integrity({
    id: 'done-after-dependencies', severity: 'error',
    summary: 'A task is done only when every task it depends on is done or skipped.',
    hint: 'finish (or skip) the dependencies first, or set this task back to in-progress',
    why: 'A migration runs in dependency order: a backfill marked done before the column it fills exists, or a cleanup ' +
      'done before the checkpoint that guards it, means the record is wrong or the order was broken. Either way, ' +
      '`plan next` and `plan status` would build on a false state.',
    sources: ['Taskwarrior (a task is blocked while a dependency is pending)', 'GitHub issues "blocked by"'],
    check: (ctx) => {
      const hits: RuleHit[] = [];
      for (const v of ctx.scheduled()) {
        if (statusOf(ctx.tasks[v]!) !== 'done') continue;
        const open = ctx.analysis.predecessors[v]!.filter((d) => !SETTLED_STATUSES.includes(statusOf(ctx.tasks[d]!)));
        if (open.length === 0) continue;
        hits.push({ task: v, field: ['state', 'status'], message: `task "${ctx.tasks[v]!.id}" is done but depends on ` +
          open.map((d) => `"${ctx.tasks[d]!.id}" (${statusOf(ctx.tasks[d]!)})`).join(', ') });
      }
      return hits;
    },
  }),
  integrity({
    id: 'checkpoint-signed-off', severity: 'error',
    summary: 'A checkpoint marked done records its sign-off: who (`state.by`) and when (`state.at`).',
    hint: 'add state.by and state.at (plan done FILE ID --by NAME records both), and state.evidence',
    why: 'A checkpoint is a gate someone is accountable for: passing it without a name and a time leaves no one to ask ' +
      'when the tasks behind it go wrong.',
    sources: ['Change-advisory sign-off (ITIL)', 'GitHub environment protection rules (required reviewers)'],
    check: (ctx) => {
      const hits: RuleHit[] = [];
      for (const v of ctx.scheduled()) {
        const task = ctx.tasks[v]!;
        if (task.kind !== 'checkpoint' || statusOf(task) !== 'done') continue;
        const missing = (['by', 'at'] as const).filter((k) => task.state![k] === undefined);
        if (missing.length) hits.push({ task: v, field: ['state'], message: `checkpoint "${task.id}" is done without a sign-off: no ${missing.map((k) => `state.${k}`).join(' or ')}` });
      }
      return hits;
    },
  }),
  integrity({
    id: 'update-conflict', severity: 'error', fixed: true,
    summary: 'No field is left in conflict by `plan update`.',
    hint: 'settle the field (keep yours, take the template\'s, or write a third value), then delete its entry under conflicts:',
    why: '`plan update` found the field changed by hand and by the template, differently. The file keeps the hand-made ' +
      'value, but the template\'s change may be the one that makes the plan safe (a new table\'s statement, a corrected ' +
      'lock timeout): someone has to decide before the plan runs.',
    sources: ['git merge conflicts', 'Copier and Cruft template updates (`.rej` files)'],
    check: (ctx) => (ctx.plan.conflicts ?? []).map((conflict, k): RuleHit => {
      const path = conflictPath(ctx, conflict.at) ?? ['conflicts', k];
      const taskId = conflict.at[0] === 'tasks' ? conflict.at[1] : undefined;
      const template = conflict.template === undefined ? 'no longer writes it' : `writes ${JSON.stringify(conflict.template)}`;
      return { path, taskId, message: `${conflict.at.join('.')} was changed by you and by the template: the template ${template.length > 160 ? `${template.slice(0, 157)}...` : template} (conflicts[${k}])` };
    }),
  }),
  integrity({
    id: 'unknown-rule', severity: 'error',
    summary: 'A suppression names a rule that exists.',
    hint: 'fix the rule id (plan rules lists them)',
    why: 'A suppression of a misspelt rule suppresses nothing, and the reader believes the opposite.',
    sources: ['squawk (`-- squawk-ignore` names rules)', 'Atlas (`atlas:nolint` names analyzers)'],
    check: (ctx) => {
      const hits: RuleHit[] = [];
      ctx.tasks.forEach((task, v) => {
        task.suppress.forEach((s, k) => {
          if (ctx.ruleIds.has(s.rule)) return;
          const guess = didYouMean(s.rule, ctx.ruleIds);
          hits.push({ task: v, field: ['suppress', k, 'rule'], message: `suppression names unknown rule "${s.rule}"`,
            hint: guess ? `did you mean "${guess}"?` : undefined });
        });
      });
      return hits;
    },
  }),
];

/** Where a conflict's field stands in the plan: tasks, phases and placeholders by key; undefined when it is gone. */
function conflictPath(ctx: RuleContext, at: readonly string[]): (string | number)[] | undefined {
  const [head, id, ...rest] = at;
  const keyed: Record<string, { items: readonly Record<string, unknown>[]; key: string }> = {
    tasks: { items: ctx.plan.tasks, key: 'id' }, phases: { items: ctx.plan.phases, key: 'id' },
    placeholders: { items: ctx.plan.placeholders, key: 'name' },
  };
  const list = keyed[head!];
  if (!list) return at as string[];
  const index = list.items.findIndex((x) => x[list.key] === id);
  return index < 0 ? undefined : [head!, index, ...rest];
}
