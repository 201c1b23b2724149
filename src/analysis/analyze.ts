/**
 * Integrity and shape of a plan's dependency graph: duplicate ids, unknown and self dependencies,
 * cycles (with the tasks they block), waves, declared-wave order, critical path and widest wave.
 *
 * Waves. A wave is a stage of the rollout ("Wave 0", "Wave 1", … in a migration epic). It is the longest path from
 * the roots in which a dependency edge moves to the next wave when it crosses into another phase, and
 * stays in the same wave when both tasks share a phase (a backfill and the validation that closes it
 * are one stage). Inside a wave, `step` orders tasks that depend on each other; tasks of one wave and
 * step can run in parallel. A declared `wave` may postpone a task, never pull it before its
 * dependencies: earlier than a dependency, or equal to a dependency in another phase, is an error.
 *
 * Tasks are numbered in plan order and edges kept as integer adjacency lists: building a graphlib
 * Graph alone takes 2.6 s for 100k tasks (bench/), more than the whole check may. The property tests
 * hold these algorithms against brute force and against graphlib's own (test/graph/).
 */
import { taskHours, type Plan, type Task } from '../model/schema.js';
import { longestPaths } from './schedule.js';
import { cycleThrough, stronglyConnectedComponents } from './scc.js';


export interface WaveSummary {
  wave: number;
  taskIds: string[];
  phases: string[];
  checkpoints: string[];
}

export interface ScheduledTask {
  wave: number;
  /** Position inside the wave: 0 for tasks that need nothing else from their own wave. */
  step: number;
  /** Earliest start and finish in working hours, from estimates and dependencies. */
  start: number;
  finish: number;
}

/**
 * What is wrong with the graph, as facts (task numbers and plan positions). The integrity rules
 * (src/rules/integrity.ts) turn them into findings: one place says each message and hint.
 */
export interface GraphProblems {
  /** A task whose id an earlier task has: `index` in plan.tasks, `first` the earlier one's index. */
  duplicateTasks: { index: number; first: number; id: string }[];
  /** A phase whose id an earlier phase has (`index` in plan.phases). */
  duplicatePhases: { index: number; id: string }[];
  /** Task `task` (numbered) lists `depends[k]` a second time. */
  duplicateDependencies: { task: number; k: number }[];
  selfDependencies: { task: number; k: number }[];
  unknownDependencies: { task: number; k: number }[];
  /** `index` in plan.tasks: the task names a phase the plan lacks. */
  unknownPhases: { index: number }[];
  /** Each cycle: its members in order (each needed by the next), the edge that closes it, and the rest of its knot. */
  cycles: { members: number[]; closing: { task: number; k: number }; others: number[] }[];
  /** Tasks outside every cycle that wait on one. */
  blocked: number[];
  /** A declared wave earlier than the dependency `dep` allows (`needed`). */
  waveOrder: { task: number; dep: number; depWave: number; needed: number; crossesPhase: boolean }[];
}

export interface Analysis {
  problems: GraphProblems;
  /** Plan order, duplicates removed (the first of each id); a task's number is its position here. */
  taskIds: string[];
  tasks: Task[];
  /** `planIndex[i]`: where task i stands in `plan.tasks`, for field paths. */
  planIndex: number[];
  /** Scheduled tasks in a topological order (dependencies first); tasks in or behind a cycle are absent. */
  order: number[];
  /** `successors[i]`: the tasks that depend on task i (edges point from a dependency to its dependent). */
  successors: number[][];
  /** `predecessors[i]`: the tasks task i depends on. */
  predecessors: number[][];
  /** Every dependency edge as `[dependency, dependent]` ids, in plan order. */
  edges: [string, string][];
  /** Tasks that have a place in the schedule (not in or behind a cycle). */
  schedule: Map<string, ScheduledTask>;
  waves: WaveSummary[];
  cycles: string[][];
  blockedByCycle: string[];
  criticalPath: { taskIds: string[]; hours: number };
  widestWave?: { wave: number; size: number };
  pointsOfNoReturn: string[];
}

export function analyzePlan(plan: Plan): Analysis {
  const problems: GraphProblems = { duplicateTasks: [], duplicatePhases: [], duplicateDependencies: [], selfDependencies: [],
    unknownDependencies: [], unknownPhases: [], cycles: [], blocked: [], waveOrder: [] };
  const g = buildGraph(plan, problems);
  checkPhases(plan, problems);

  const { cycles, inCycle } = findCycles(g, problems);
  const blocked = reachableFrom(g.successors, inCycle);
  problems.blocked = [...blocked].sort((a, b) => a - b);

  const excluded = new Uint8Array(g.ids.length);
  for (const v of inCycle) excluded[v] = 1;
  for (const v of blocked) excluded[v] = 1;
  const { slots, order } = scheduleTasks(g, excluded, problems);
  const schedule = new Map<string, ScheduledTask>();
  slots.forEach((s, v) => s && schedule.set(g.ids[v]!, s));
  const waves = summarizeWaves(g, slots);
  const widest = waves.reduce<WaveSummary | undefined>((best, w) => (!best || w.taskIds.length > best.taskIds.length ? w : best), undefined);

  return {
    problems,
    taskIds: g.ids,
    tasks: g.tasks,
    planIndex: g.planIndex,
    order,
    successors: g.successors,
    predecessors: g.predecessors,
    edges: g.predecessors.flatMap((deps, v) => deps.map((d) => [g.ids[d]!, g.ids[v]!] as [string, string])),
    schedule,
    waves,
    cycles,
    blockedByCycle: problems.blocked.map((v) => g.ids[v]!),
    criticalPath: criticalPath(g, order),
    widestWave: widest ? { wave: widest.wave, size: widest.taskIds.length } : undefined,
    pointsOfNoReturn: g.tasks.filter((t) => t.point_of_no_return).map((t) => t.id),
  };
}

/** Tasks numbered in plan order (first of each id), with their dependency edges. */
interface IndexedGraph {
  ids: string[];
  tasks: Task[];
  /** Position of each numbered task in `plan.tasks`, for field paths. */
  planIndex: number[];
  successors: number[][];
  predecessors: number[][];
}

function buildGraph(plan: Plan, problems: GraphProblems): IndexedGraph {
  const number = new Map<string, number>();
  const g: IndexedGraph = { ids: [], tasks: [], planIndex: [], successors: [], predecessors: [] };
  plan.tasks.forEach((task, index) => {
    const first = number.get(task.id);
    if (first !== undefined) {
      problems.duplicateTasks.push({ index, first: g.planIndex[first]!, id: task.id });
      return;
    }
    number.set(task.id, g.ids.length);
    g.ids.push(task.id);
    g.tasks.push(task);
    g.planIndex.push(index);
    g.successors.push([]);
    g.predecessors.push([]);
  });

  // The hot loop of a large check: no allocation per edge unless there is something to report.
  g.tasks.forEach((task, v) => {
    task.depends.forEach((dep, k) => {
      if (task.depends.indexOf(dep) !== k) {
        problems.duplicateDependencies.push({ task: v, k });
        return;
      }
      const d = number.get(dep);
      if (dep === task.id) {
        problems.selfDependencies.push({ task: v, k });
      } else if (d === undefined) {
        problems.unknownDependencies.push({ task: v, k });
      } else {
        g.successors[d]!.push(v);
        g.predecessors[v]!.push(d);
      }
    });
  });
  return g;
}

function checkPhases(plan: Plan, problems: GraphProblems): void {
  const phaseIds = new Set<string>();
  plan.phases.forEach((phase, index) => {
    if (phaseIds.has(phase.id)) problems.duplicatePhases.push({ index, id: phase.id });
    phaseIds.add(phase.id);
  });
  plan.tasks.forEach((task, index) => {
    if (!phaseIds.has(task.phase)) problems.unknownPhases.push({ index });
  });
}

function findCycles(g: IndexedGraph, problems: GraphProblems) {
  const cycles: string[][] = [];
  const inCycle = new Set<number>();
  const components = stronglyConnectedComponents(g.successors)
    .filter((c) => c.length > 1)
    .map((c) => c.sort((a, b) => a - b))
    .sort((a, b) => a[0]! - b[0]!);
  for (const members of components) {
    for (const v of members) inCycle.add(v);
    const start = members[0]!;
    const cycle = cycleThrough(g.successors, start, new Set(members));
    const names = cycle.map((v) => g.ids[v]!);
    cycles.push(names);
    // The edge that closes the cycle is `start` depending on the last member: point there.
    const k = g.tasks[start]!.depends.indexOf(names[names.length - 1]!);
    problems.cycles.push({ members: cycle, closing: { task: start, k }, others: members.filter((m) => !cycle.includes(m)) });
  }
  return { cycles, inCycle };
}

/** Everything downstream of `sources`, excluding the sources themselves. */
function reachableFrom(successors: number[][], sources: ReadonlySet<number>): Set<number> {
  const reached = new Set<number>();
  const stack = [...sources];
  while (stack.length > 0) {
    for (const w of successors[stack.pop()!]!) {
      if (sources.has(w) || reached.has(w)) continue;
      reached.add(w);
      stack.push(w);
    }
  }
  return reached;
}

/** Kahn's order over the acyclic part: waves, steps, declared-wave checks and earliest times. */
function scheduleTasks(g: IndexedGraph, excluded: Uint8Array, problems: GraphProblems) {
  const n = g.ids.length;
  const slots: (ScheduledTask | undefined)[] = new Array(n);
  const remaining = new Int32Array(n);
  const ready: number[] = [];
  for (let v = 0; v < n; v++) {
    if (excluded[v]) continue;
    remaining[v] = g.predecessors[v]!.length;
    if (remaining[v] === 0) ready.push(v);
  }
  for (let head = 0; head < ready.length; head++) {
    const v = ready[head]!;
    const task = g.tasks[v]!;
    let wave = 0;
    let start = 0;
    let forcedBy: { dep: number; crossesPhase: boolean } | undefined;
    for (const d of g.predecessors[v]!) {
      const slot = slots[d]!;
      const crossesPhase = g.tasks[d]!.phase !== task.phase;
      const needed = slot.wave + (crossesPhase ? 1 : 0);
      if (!forcedBy || needed > wave) forcedBy = { dep: d, crossesPhase };
      wave = Math.max(wave, needed);
      start = Math.max(start, slot.finish);
    }
    if (task.wave !== undefined) {
      if (forcedBy && task.wave < wave) {
        problems.waveOrder.push({ task: v, dep: forcedBy.dep, depWave: slots[forcedBy.dep]!.wave, needed: wave, crossesPhase: forcedBy.crossesPhase });
      }
      wave = Math.max(wave, task.wave);
    }
    let step = 0;
    for (const d of g.predecessors[v]!) {
      const slot = slots[d]!;
      if (slot.wave === wave) step = Math.max(step, slot.step + 1);
    }
    slots[v] = { wave, step, start, finish: start + taskHours(task) };
    for (const w of g.successors[v]!) {
      if (excluded[w]) continue;
      if (--remaining[w]! === 0) ready.push(w);
    }
  }
  return { slots, order: ready };
}

function summarizeWaves(g: IndexedGraph, slots: (ScheduledTask | undefined)[]): WaveSummary[] {
  const waves: WaveSummary[] = [];
  // Plan order inside a wave keeps output stable and familiar.
  slots.forEach((s, v) => {
    if (!s) return;
    const task = g.tasks[v]!;
    const w = (waves[s.wave] ??= { wave: s.wave, taskIds: [], phases: [], checkpoints: [] });
    w.taskIds.push(task.id);
    if (!w.phases.includes(task.phase)) w.phases.push(task.phase);
    if (task.kind === 'checkpoint') w.checkpoints.push(task.id);
  });
  // A declared wave may leave gaps; an empty wave is not a wave.
  return waves.filter(Boolean);
}

/** The chain of dependencies with the latest finish: what decides the plan's duration. */
function criticalPath(g: IndexedGraph, order: number[]) {
  const { path, hours } = longestPaths(order, g.predecessors, g.successors, (v) => taskHours(g.tasks[v]!));
  return { taskIds: path.map((v) => g.ids[v]!), hours };
}
