/**
 * Integrity and shape of a plan's dependency graph: duplicate ids, unknown and self dependencies,
 * cycles (with the tasks they block), waves, declared-wave order, critical path and widest wave.
 *
 * Waves. A wave is a stage of the rollout (seed 000's "Wave 0".."Wave 4"). It is the longest path from
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
import { didYouMean } from '../errors.js';
import type { Finding } from '../findings.js';
import { taskHours, type Plan, type Task } from '../model/schema.js';
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

export interface Analysis {
  findings: Finding[];
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
  const findings: Finding[] = [];
  const g = buildGraph(plan, findings);
  checkPhases(plan, findings);

  const { cycles, inCycle } = findCycles(g, findings);
  const blocked = reachableFrom(g.successors, inCycle);
  for (const v of blocked) {
    findings.push({ rule: 'blocked-by-cycle', severity: 'info', taskId: g.ids[v]!, path: ['tasks', g.planIndex[v]!],
      message: `task "${g.ids[v]}" is not in a cycle but waits on one, so it has no wave` });
  }

  const excluded = new Uint8Array(g.ids.length);
  for (const v of inCycle) excluded[v] = 1;
  for (const v of blocked) excluded[v] = 1;
  const { slots, order } = scheduleTasks(g, excluded, findings);
  const schedule = new Map<string, ScheduledTask>();
  slots.forEach((s, v) => s && schedule.set(g.ids[v]!, s));
  const waves = summarizeWaves(g, slots);
  const widest = waves.reduce<WaveSummary | undefined>((best, w) => (!best || w.taskIds.length > best.taskIds.length ? w : best), undefined);

  return {
    findings: sortFindings(findings),
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
    blockedByCycle: [...blocked].sort((a, b) => a - b).map((v) => g.ids[v]!),
    criticalPath: criticalPath(g, slots),
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

function buildGraph(plan: Plan, findings: Finding[]): IndexedGraph {
  const number = new Map<string, number>();
  const g: IndexedGraph = { ids: [], tasks: [], planIndex: [], successors: [], predecessors: [] };
  plan.tasks.forEach((task, index) => {
    const first = number.get(task.id);
    if (first !== undefined) {
      findings.push({
        rule: 'duplicate-id',
        severity: 'error',
        taskId: task.id,
        path: ['tasks', index, 'id'],
        message: `duplicate task id "${task.id}": tasks[${g.planIndex[first]}] already has it`,
        hint: 'give each task its own id; dependencies would be ambiguous otherwise',
      });
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
      const path = () => ['tasks', g.planIndex[v]!, 'depends', k];
      if (task.depends.indexOf(dep) !== k) {
        findings.push({ rule: 'duplicate-dependency', severity: 'warning', taskId: task.id, path: path(),
          message: `"${dep}" is listed twice in depends` });
        return;
      }
      const d = number.get(dep);
      if (dep === task.id) {
        findings.push({ rule: 'self-dependency', severity: 'error', taskId: task.id, path: path(),
          message: `task "${task.id}" depends on itself`, hint: 'remove it from its own depends' });
      } else if (d === undefined) {
        const guess = didYouMean(dep, number.keys());
        findings.push({ rule: 'unknown-dependency', severity: 'error', taskId: task.id, path: path(),
          message: `task "${task.id}" depends on unknown task "${dep}"`,
          hint: guess ? `did you mean "${guess}"?` : 'depends lists ids of tasks in this plan' });
      } else {
        g.successors[d]!.push(v);
        g.predecessors[v]!.push(d);
      }
    });
  });
  return g;
}

function checkPhases(plan: Plan, findings: Finding[]): void {
  const phaseIds = new Set<string>();
  plan.phases.forEach((phase, index) => {
    if (phaseIds.has(phase.id)) {
      findings.push({ rule: 'duplicate-id', severity: 'error', path: ['phases', index, 'id'],
        message: `duplicate phase id "${phase.id}"`, hint: 'give each phase its own id' });
    }
    phaseIds.add(phase.id);
  });
  plan.tasks.forEach((task, index) => {
    if (phaseIds.has(task.phase)) return;
    const guess = didYouMean(task.phase, phaseIds);
    findings.push({ rule: 'unknown-phase', severity: 'error', taskId: task.id, path: ['tasks', index, 'phase'],
      message: `task "${task.id}" names unknown phase "${task.phase}"`,
      hint: guess ? `did you mean "${guess}"?` : `phases: ${[...phaseIds].join(', ')}` });
  });
}

function findCycles(g: IndexedGraph, findings: Finding[]) {
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
    const others = members.filter((m) => !cycle.includes(m)).map((v) => g.ids[v]!);
    findings.push({
      rule: 'cycle',
      severity: 'error',
      taskId: g.ids[start]!,
      path: ['tasks', g.planIndex[start]!, 'depends', k],
      message: `dependency cycle: ${[...names, g.ids[start]].join(' → ')} (each is needed by the next)` +
        (others.length ? `; the same knot also holds ${others.join(', ')}` : ''),
      hint: 'remove one of these dependencies; a cycle can never start',
    });
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
function scheduleTasks(g: IndexedGraph, excluded: Uint8Array, findings: Finding[]) {
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
        const dep = g.ids[forcedBy.dep]!;
        findings.push({
          rule: 'wave-order',
          severity: 'error',
          taskId: task.id,
          path: ['tasks', g.planIndex[v]!, 'wave'],
          message: `task "${task.id}" is declared in wave ${task.wave} but depends on "${dep}" in wave ${slots[forcedBy.dep]!.wave}` +
            (forcedBy.crossesPhase ? ' of another phase' : ''),
          hint: `declare wave ${wave} or later, or remove the dependency`,
        });
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
function criticalPath(g: IndexedGraph, slots: (ScheduledTask | undefined)[]) {
  let end = -1;
  slots.forEach((s, v) => {
    if (s && (end === -1 || s.finish > slots[end]!.finish)) end = v;
  });
  if (end === -1) return { taskIds: [], hours: 0 };
  const path = [end];
  for (let current = slots[end]!; current.start > 0; ) {
    // The first (in plan order) dependency that finishes exactly when this task can start.
    const prev = g.predecessors[path[0]!]!.filter((d) => slots[d]!.finish === current.start).sort((a, b) => a - b)[0];
    if (prev === undefined) break;
    path.unshift(prev);
    current = slots[prev]!;
  }
  return { taskIds: path.map((v) => g.ids[v]!), hours: slots[end]!.finish };
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Errors first; the sort is stable, so plan order holds within a severity. */
function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
