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
 */
import { Graph } from '@dagrejs/graphlib';
import { didYouMean } from '../errors.js';
import type { Finding } from '../findings.js';
import { taskHours, type Plan, type Task } from '../model/schema.js';
import { cycleThrough, stronglyConnectedComponents } from './scc.js';

type DependencyGraph = Graph;

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
  /** Plan order, duplicates removed; the nodes of `graph`. */
  taskIds: string[];
  /** Edges point from a dependency to the task that depends on it. */
  graph: DependencyGraph;
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
  const byId = new Map<string, { task: Task; index: number }>();
  const graph: DependencyGraph = new Graph({ directed: true });

  plan.tasks.forEach((task, index) => {
    const first = byId.get(task.id);
    if (first) {
      findings.push({
        rule: 'duplicate-id',
        severity: 'error',
        taskId: task.id,
        path: ['tasks', index, 'id'],
        message: `duplicate task id "${task.id}": tasks[${first.index}] already has it`,
        hint: 'give each task its own id; dependencies would be ambiguous otherwise',
      });
      return;
    }
    byId.set(task.id, { task, index });
    graph.setNode(task.id);
  });

  checkPhases(plan, findings);

  for (const [id, { task, index }] of byId) {
    const seen = new Set<string>();
    task.depends.forEach((dep, k) => {
      const path = ['tasks', index, 'depends', k];
      if (seen.has(dep)) {
        findings.push({ rule: 'duplicate-dependency', severity: 'warning', taskId: id, path,
          message: `"${dep}" is listed twice in depends` });
        return;
      }
      seen.add(dep);
      if (dep === id) {
        findings.push({ rule: 'self-dependency', severity: 'error', taskId: id, path,
          message: `task "${id}" depends on itself`, hint: 'remove it from its own depends' });
      } else if (!byId.has(dep)) {
        const guess = didYouMean(dep, byId.keys());
        findings.push({ rule: 'unknown-dependency', severity: 'error', taskId: id, path,
          message: `task "${id}" depends on unknown task "${dep}"`,
          hint: guess ? `did you mean "${guess}"?` : 'depends lists ids of tasks in this plan' });
      } else {
        graph.setEdge(dep, id);
      }
    });
  }

  const { cycles, inCycle } = findCycles(graph, byId, findings);
  const blockedByCycle = reachableFrom(graph, inCycle);
  for (const id of blockedByCycle) {
    findings.push({ rule: 'blocked-by-cycle', severity: 'info', taskId: id, path: ['tasks', byId.get(id)!.index],
      message: `task "${id}" is not in a cycle but waits on one, so it has no wave` });
  }

  const schedule = scheduleTasks(graph, byId, new Set([...inCycle, ...blockedByCycle]), findings);
  const waves = summarizeWaves(schedule, byId);
  const widest = waves.reduce<WaveSummary | undefined>((best, w) => (!best || w.taskIds.length > best.taskIds.length ? w : best), undefined);

  return {
    findings: sortFindings(findings),
    taskIds: [...byId.keys()],
    graph,
    schedule,
    waves,
    cycles,
    blockedByCycle: [...blockedByCycle],
    criticalPath: criticalPath(graph, schedule, byId),
    widestWave: widest ? { wave: widest.wave, size: widest.taskIds.length } : undefined,
    pointsOfNoReturn: [...byId.values()].filter(({ task }) => task.point_of_no_return).map(({ task }) => task.id),
  };
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

type TaskIndex = Map<string, { task: Task; index: number }>;

function findCycles(graph: DependencyGraph, byId: TaskIndex, findings: Finding[]) {
  const cycles: string[][] = [];
  const inCycle = new Set<string>();
  const order = (id: string) => byId.get(id)!.index;
  const components = stronglyConnectedComponents(graph)
    .filter((c) => c.length > 1)
    .map((c) => c.sort((a, b) => order(a) - order(b)))
    .sort((a, b) => order(a[0]!) - order(b[0]!));
  for (const members of components) {
    for (const id of members) inCycle.add(id);
    const start = members[0]!;
    const cycle = cycleThrough(graph, start, new Set(members));
    cycles.push(cycle);
    // The edge that closes the cycle is `start` depending on the last member: point there.
    const { task, index } = byId.get(start)!;
    const k = task.depends.indexOf(cycle[cycle.length - 1]!);
    const others = members.filter((m) => !cycle.includes(m));
    findings.push({
      rule: 'cycle',
      severity: 'error',
      taskId: start,
      path: ['tasks', index, 'depends', k],
      message: `dependency cycle: ${[...cycle, start].join(' → ')} (each is needed by the next)` +
        (others.length ? `; the same knot also holds ${others.join(', ')}` : ''),
      hint: 'remove one of these dependencies; a cycle can never start',
    });
  }
  return { cycles, inCycle };
}

/** Everything downstream of `sources`, excluding the sources themselves. */
function reachableFrom(graph: DependencyGraph, sources: ReadonlySet<string>): Set<string> {
  const reached = new Set<string>();
  const stack = [...sources];
  while (stack.length > 0) {
    for (const w of graph.successors(stack.pop()!) ?? []) {
      if (sources.has(w) || reached.has(w)) continue;
      reached.add(w);
      stack.push(w);
    }
  }
  return reached;
}

/** Kahn's order over the acyclic part: waves, steps, declared-wave checks and earliest times. */
function scheduleTasks(graph: DependencyGraph, byId: TaskIndex, excluded: ReadonlySet<string>, findings: Finding[]) {
  const schedule = new Map<string, ScheduledTask>();
  const remaining = new Map<string, number>();
  const ready: string[] = [];
  for (const id of byId.keys()) {
    if (excluded.has(id)) continue;
    const n = graph.predecessors(id)?.length ?? 0;
    remaining.set(id, n);
    if (n === 0) ready.push(id);
  }
  for (let head = 0; head < ready.length; head++) {
    const id = ready[head]!;
    const { task, index } = byId.get(id)!;
    let wave = 0;
    let step = 0;
    let start = 0;
    let forcedBy: { dep: string; wave: number; crossesPhase: boolean } | undefined;
    for (const dep of graph.predecessors(id) ?? []) {
      const d = schedule.get(dep)!;
      const crossesPhase = byId.get(dep)!.task.phase !== task.phase;
      const needed = d.wave + (crossesPhase ? 1 : 0);
      if (needed > wave || (needed === wave && !forcedBy)) forcedBy = { dep, wave: d.wave, crossesPhase };
      wave = Math.max(wave, needed);
      start = Math.max(start, d.finish);
    }
    if (task.wave !== undefined) {
      if (forcedBy && task.wave < wave) {
        findings.push({
          rule: 'wave-order',
          severity: 'error',
          taskId: id,
          path: ['tasks', index, 'wave'],
          message: `task "${id}" is declared in wave ${task.wave} but depends on "${forcedBy.dep}" in wave ${forcedBy.wave}` +
            (forcedBy.crossesPhase ? ' of another phase' : ''),
          hint: `declare wave ${wave} or later, or remove the dependency`,
        });
      }
      wave = Math.max(wave, task.wave);
    }
    for (const dep of graph.predecessors(id) ?? []) {
      const d = schedule.get(dep)!;
      if (d.wave === wave) step = Math.max(step, d.step + 1);
    }
    schedule.set(id, { wave, step, start, finish: start + taskHours(task) });
    for (const next of graph.successors(id) ?? []) {
      const left = remaining.get(next);
      if (left === undefined) continue;
      remaining.set(next, left - 1);
      if (left === 1) ready.push(next);
    }
  }
  return schedule;
}

function summarizeWaves(schedule: Map<string, ScheduledTask>, byId: TaskIndex): WaveSummary[] {
  const waves: WaveSummary[] = [];
  // Plan order inside a wave keeps output stable and familiar.
  for (const [id, { task }] of byId) {
    const s = schedule.get(id);
    if (!s) continue;
    const w = (waves[s.wave] ??= { wave: s.wave, taskIds: [], phases: [], checkpoints: [] });
    w.taskIds.push(id);
    if (!w.phases.includes(task.phase)) w.phases.push(task.phase);
    if (task.kind === 'checkpoint') w.checkpoints.push(id);
  }
  // A declared wave may leave gaps; an empty wave is not a wave.
  return waves.filter(Boolean);
}

/** The chain of dependencies with the latest finish: what decides the plan's duration. */
function criticalPath(graph: DependencyGraph, schedule: Map<string, ScheduledTask>, byId: TaskIndex) {
  let end: string | undefined;
  for (const id of byId.keys()) {
    const s = schedule.get(id);
    if (s && (!end || s.finish > schedule.get(end)!.finish)) end = id;
  }
  if (!end) return { taskIds: [], hours: 0 };
  const path = [end];
  for (;;) {
    const current = schedule.get(path[0]!)!;
    const prev = (graph.predecessors(path[0]!) ?? [])
      .filter((d) => schedule.get(d)?.finish === current.start)
      .sort((a, b) => byId.get(a)!.index - byId.get(b)!.index)[0];
    if (prev === undefined || current.start === 0) break;
    path.unshift(prev);
  }
  return { taskIds: path, hours: schedule.get(end)!.finish };
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
