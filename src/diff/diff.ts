/**
 * What changed between two plans, as data: the `plan diff --json` document (its shape is the types
 * below, documented here once). Tasks and phases are matched by id, so moving a task in the file is no
 * change; waves, the critical path and the points of no return come from each plan's own check.
 * Every list has a fixed order: tasks (and edges, by their dependent task) as the plan after the change
 * schedules them (wave, then step), then those only the plan before had, as it scheduled them.
 */
import type { CheckedPlan } from '../check/pipeline.js';
import { statusOf, type Task, type TaskState, type TaskStatusName } from '../model/schema.js';
import { canonical, diffFields, type FieldChange } from './fields.js';

export type { FieldChange, JsonValue } from './fields.js';

/** A task as the summary tables show it; `wave` is null for a task in or behind a cycle. */
export interface TaskSummary {
  id: string;
  title: string;
  phase: string;
  wave: number | null;
}

export interface TaskChange {
  id: string;
  /** The title after the change. */
  title: string;
  /** Every field that differs, but `state` (see `states`). */
  fields: FieldChange[];
}

export interface PhaseChange {
  id: string;
  name: string;
  fields: FieldChange[];
}

/** A task both plans have whose recorded state differs (status, or who, when, why); no `state` (todo) is `null` here. */
export interface StateChange {
  id: string;
  from: TaskStatusName;
  to: TaskStatusName;
  before: TaskState | null;
  after: TaskState | null;
}

export interface WaveMove {
  id: string;
  from: number | null;
  to: number | null;
}

/** Where a point of no return stands on each side; `null` for the side that lacks the task. */
export interface PointOfNoReturnMove {
  id: string;
  before: { pointOfNoReturn: boolean; wave: number | null } | null;
  after: { pointOfNoReturn: boolean; wave: number | null } | null;
}

export interface CriticalPath {
  tasks: string[];
  hours: number;
  estimate: string;
}

/** One side of the comparison. */
export interface PlanSide {
  file: string;
  tasks: number;
  waves: number;
  /** Errors `plan check` reports on that side (a plan with errors is compared all the same). */
  errors: number;
}

/** A dependency edge: `[dependency, dependent]`, as `plan check --json` lists `edges`. */
export type Edge = [string, string];

export interface PlanDiff {
  before: PlanSide;
  after: PlanSide;
  /** True when nothing differs: no field of the plan, the epic, a phase or a task, and no state. */
  same: boolean;
  summary: {
    tasksAdded: number;
    tasksRemoved: number;
    tasksChanged: number;
    edgesAdded: number;
    edgesRemoved: number;
    phasesChanged: number;
    epicFieldsChanged: number;
    planFieldsChanged: number;
    wavesMoved: number;
    pointsOfNoReturnMoved: number;
    statesChanged: number;
    criticalPathChanged: boolean;
  };
  /** The plan's own fields: `version`, `generated_by`, `database`, `schema`, `placeholders`. */
  plan: FieldChange[];
  epic: FieldChange[];
  phases: { added: { id: string; name: string }[]; removed: { id: string; name: string }[]; changed: PhaseChange[] };
  tasks: { added: TaskSummary[]; removed: TaskSummary[]; changed: TaskChange[] };
  edges: { added: Edge[]; removed: Edge[] };
  waves: { before: { wave: number; tasks: string[] }[]; after: { wave: number; tasks: string[] }[]; moved: WaveMove[] };
  criticalPath: { before: CriticalPath; after: CriticalPath; changed: boolean };
  /** Tasks whose point_of_no_return changed, that a point of no return was added or removed with, or a point of no return whose wave moved. */
  pointsOfNoReturn: { before: string[]; after: string[]; moved: PointOfNoReturnMove[] };
  states: StateChange[];
}

/** What the comparison reads of each plan: the check pipeline's result. */
export type DiffInput = Pick<CheckedPlan, 'file' | 'loaded' | 'analysis' | 'result'>;

const PLAN_SKIP = new Set(['epic', 'phases', 'tasks']);
const TASK_SKIP = new Set(['id', 'state']);
const PHASE_SKIP = new Set(['id']);

export function diffPlans(before: DiffInput, after: DiffInput): PlanDiff {
  const beforeTasks = byId(before.analysis.tasks);
  const afterTasks = byId(after.analysis.tasks);
  const rank = ranking(after, before);
  const byRank = (a: string, b: string) => rank(a) - rank(b);
  const sortedIds = (ids: Iterable<string>) => [...ids].sort(byRank);

  const waveOf = (side: DiffInput, id: string) => side.analysis.schedule.get(id)?.wave ?? null;
  const summary = (side: DiffInput, t: Task): TaskSummary => ({ id: t.id, title: t.title, phase: t.phase, wave: waveOf(side, t.id) });

  const added = sortedIds([...afterTasks.keys()].filter((id) => !beforeTasks.has(id))).map((id) => summary(after, afterTasks.get(id)!));
  const removed = sortedIds([...beforeTasks.keys()].filter((id) => !afterTasks.has(id))).map((id) => summary(before, beforeTasks.get(id)!));
  const shared = sortedIds([...afterTasks.keys()].filter((id) => beforeTasks.has(id)));

  const changed: TaskChange[] = [];
  const states: StateChange[] = [];
  const moved: WaveMove[] = [];
  for (const id of shared) {
    const [b, a] = [beforeTasks.get(id)!, afterTasks.get(id)!];
    const fields = diffFields(b, a, TASK_SKIP);
    if (fields.length) changed.push({ id, title: a.title, fields });
    if (canonical(b.state) !== canonical(a.state)) {
      states.push({ id, from: statusOf(b), to: statusOf(a), before: b.state ?? null, after: a.state ?? null });
    }
    if (waveOf(before, id) !== waveOf(after, id)) moved.push({ id, from: waveOf(before, id), to: waveOf(after, id) });
  }

  const pointsMoved: PointOfNoReturnMove[] = [];
  const where = (side: DiffInput, t: Task | undefined) => (t ? { pointOfNoReturn: t.point_of_no_return, wave: waveOf(side, t.id) } : null);
  for (const id of sortedIds(new Set([...beforeTasks.keys(), ...afterTasks.keys()]))) {
    const b = where(before, beforeTasks.get(id));
    const a = where(after, afterTasks.get(id));
    const isPoint = Boolean(b?.pointOfNoReturn || a?.pointOfNoReturn);
    if (isPoint && canonical(b) !== canonical(a)) pointsMoved.push({ id, before: b, after: a });
  }

  const edgeKey = ([d, t]: Edge) => `${d}\u0000${t}`;
  const beforeEdges = new Set(before.analysis.edges.map(edgeKey));
  const afterEdges = new Set(after.analysis.edges.map(edgeKey));
  const byEdge = (x: Edge, y: Edge) => rank(x[1]) - rank(y[1]) || rank(x[0]) - rank(y[0]);
  const edgesAdded = after.analysis.edges.filter((e) => !beforeEdges.has(edgeKey(e))).sort(byEdge);
  const edgesRemoved = before.analysis.edges.filter((e) => !afterEdges.has(edgeKey(e))).sort(byEdge);

  const beforePlan = before.loaded.plan;
  const afterPlan = after.loaded.plan;
  const planFields = diffFields(beforePlan, afterPlan, PLAN_SKIP);
  const epic = diffFields(beforePlan.epic, afterPlan.epic);
  const phases = diffPhases(beforePlan.phases, afterPlan.phases);

  const path = (side: DiffInput): CriticalPath => ({ ...side.result.criticalPath });
  const criticalPath = { before: path(before), after: path(after), changed: canonical(path(before)) !== canonical(path(after)) };
  const phasesChanged = phases.added.length + phases.removed.length + phases.changed.length;
  return {
    before: side(before),
    after: side(after),
    same: planFields.length + epic.length + phasesChanged + added.length + removed.length + changed.length + states.length === 0,
    summary: {
      tasksAdded: added.length,
      tasksRemoved: removed.length,
      tasksChanged: changed.length,
      edgesAdded: edgesAdded.length,
      edgesRemoved: edgesRemoved.length,
      phasesChanged,
      epicFieldsChanged: epic.length,
      planFieldsChanged: planFields.length,
      wavesMoved: moved.length,
      pointsOfNoReturnMoved: pointsMoved.length,
      statesChanged: states.length,
      criticalPathChanged: criticalPath.changed,
    },
    plan: planFields,
    epic,
    phases,
    tasks: { added, removed, changed },
    edges: { added: edgesAdded, removed: edgesRemoved },
    waves: { before: waves(before), after: waves(after), moved },
    criticalPath,
    pointsOfNoReturn: { before: [...before.result.pointsOfNoReturn], after: [...after.result.pointsOfNoReturn], moved: pointsMoved },
    states,
  };
}

function side(checked: DiffInput): PlanSide {
  const { counts } = checked.result;
  return { file: checked.file, tasks: counts.tasks, waves: counts.waves, errors: counts.errors };
}

function waves(checked: DiffInput): { wave: number; tasks: string[] }[] {
  return checked.result.waves.map((w) => ({ wave: w.wave, tasks: [...w.tasks] }));
}

/** The first task of each id, as the analysis numbers them (a duplicate id is a check error, not a second task). */
function byId(tasks: readonly Task[]): Map<string, Task> {
  return new Map(tasks.map((t) => [t.id, t]));
}

/**
 * A task's place in every list of the diff: as the plan after schedules it (the outline's order: wave,
 * step, plan order), then tasks only the plan before has, as it schedules them; tasks in or behind a
 * cycle (no schedule) last, in plan order.
 */
function ranking(first: DiffInput, second: DiffInput): (id: string) => number {
  const rank = new Map<string, number>();
  for (const ids of [scheduled(first), scheduled(second), first.analysis.taskIds, second.analysis.taskIds]) {
    for (const id of ids) if (!rank.has(id)) rank.set(id, rank.size);
  }
  return (id) => rank.get(id) ?? rank.size;
}

/** Scheduled tasks in the outline's order (src/outline), without building the outline's bodies and uuids. */
function scheduled({ analysis }: DiffInput): string[] {
  const slot = (v: number) => analysis.schedule.get(analysis.taskIds[v]!)!;
  return [...analysis.order]
    .sort((a, b) => slot(a).wave - slot(b).wave || slot(a).step - slot(b).step || a - b)
    .map((v) => analysis.taskIds[v]!);
}

function diffPhases(before: readonly { id: string; name: string }[], after: readonly { id: string; name: string }[]): PlanDiff['phases'] {
  const first = <P extends { id: string }>(phases: readonly P[]) => {
    const map = new Map<string, P>();
    for (const p of phases) if (!map.has(p.id)) map.set(p.id, p);
    return map;
  };
  const b = first(before);
  const a = first(after);
  const brief = (p: { id: string; name: string }) => ({ id: p.id, name: p.name });
  const changed: PhaseChange[] = [];
  for (const [id, phase] of a) {
    const old = b.get(id);
    const fields = old ? diffFields(old, phase, PHASE_SKIP) : [];
    if (fields.length) changed.push({ id, name: phase.name, fields });
  }
  return {
    added: [...a.values()].filter((p) => !b.has(p.id)).map(brief),
    removed: [...b.values()].filter((p) => !a.has(p.id)).map(brief),
    changed,
  };
}
