/**
 * Where a running plan stands, from the states its tasks record: counts per wave, work done by
 * estimate, what is in progress, what may start now (and how much each may slip), the open
 * checkpoints, whether the point of no return is behind, and the critical path of the work left.
 * Pure: the caller gives the plan, its analysis and the day to project from.
 */
import type { Analysis } from '../analysis/analyze.js';
import { longestPaths } from '../analysis/schedule.js';
import { formatHours, SETTLED_STATUSES, statusOf, taskHours, TaskStatus, type Plan, type TaskStatusName } from '../model/schema.js';

export type StatusCounts = Record<TaskStatusName, number> & { total: number };

export interface ReadyTask {
  id: string;
  title: string;
  wave: number;
  status: TaskStatusName;
  /** Working hours it may slip without moving the projected finish; 0 on the remaining critical path. */
  slackHours: number;
  /** Why it may start: its dependencies and their statuses, or that it has none. */
  reason: string;
}

export interface Progress {
  /** Whether any task records a state (a plan that has not started shows no progress). */
  started: boolean;
  counts: StatusCounts;
  /** Working hours by estimate: `done` of the tasks done, `total` of every task not skipped. */
  hours: { done: number; total: number; fraction: number };
  waves: { wave: number; phaseNames: string[]; counts: StatusCounts }[];
  inProgress: { id: string; title: string; at?: string; by?: string }[];
  ready: ReadyTask[];
  openCheckpoints: { id: string; title: string; wave: number; status: TaskStatusName; blocks: string[] }[];
  pointOfNoReturn: { tasks: string[]; done: string[]; behind: boolean };
  /** The chain that decides when the work left ends (done and skipped tasks take no time). */
  remaining: { criticalPath: string[]; hours: number; estimate: string };
}

const emptyCounts = (): StatusCounts => ({ total: 0, ...Object.fromEntries(TaskStatus.options.map((s) => [s, 0])) } as StatusCounts);
const settled = (status: TaskStatusName) => SETTLED_STATUSES.includes(status);

export function planProgress(plan: Plan, analysis: Analysis): Progress {
  const { tasks, taskIds, order, predecessors, successors } = analysis;
  const status = tasks.map(statusOf);
  const waveOf = (v: number) => analysis.schedule.get(taskIds[v]!)!.wave;
  const left = longestPaths(order, predecessors, successors, (v) => (settled(status[v]!) ? 0 : taskHours(tasks[v]!)));

  const counts = emptyCounts();
  const phaseNames = new Map(plan.phases.map((p) => [p.id, p.name]));
  const waves = analysis.waves.map((w) => ({ wave: w.wave, phaseNames: w.phases.map((p) => phaseNames.get(p) ?? p), counts: emptyCounts() }));
  const waveRow = new Map(waves.map((w) => [w.wave, w]));
  const hours = { done: 0, total: 0, fraction: 0 };
  for (const v of order) {
    const s = status[v]!;
    for (const c of [counts, waveRow.get(waveOf(v))!.counts]) {
      c.total++;
      c[s]++;
    }
    if (s !== 'skipped') hours.total += taskHours(tasks[v]!);
    if (s === 'done') hours.done += taskHours(tasks[v]!);
  }
  hours.fraction = hours.total ? hours.done / hours.total : 0;

  const ready: (ReadyTask & { v: number })[] = order
    .filter((v) => !settled(status[v]!) && predecessors[v]!.every((d) => settled(status[d]!)))
    .map((v) => ({
      // Rounded (to 0.001 h): sums of fractional estimates must not read as slack.
      v, id: taskIds[v]!, title: tasks[v]!.title, wave: waveOf(v), status: status[v]!, slackHours: Math.round(left.slack[v]! * 1000) / 1000,
      reason: predecessors[v]!.length ? `after ${predecessors[v]!.map((d) => `${taskIds[d]} (${status[d]})`).join(', ')}` : 'no dependencies',
    }));
  ready.sort((a, b) => a.slackHours - b.slackHours || a.wave - b.wave || a.v - b.v);

  const ponr = order.filter((v) => tasks[v]!.point_of_no_return);
  const byWave = [...order].sort((a, b) => waveOf(a) - waveOf(b) || a - b);
  return {
    started: tasks.some((t) => t.state !== undefined),
    counts,
    hours,
    waves,
    inProgress: byWave.filter((v) => status[v] === 'in-progress')
      .map((v) => ({ id: taskIds[v]!, title: tasks[v]!.title, at: tasks[v]!.state?.at, by: tasks[v]!.state?.by })),
    ready: ready.map(({ v: _, ...r }) => r),
    openCheckpoints: byWave.filter((v) => tasks[v]!.kind === 'checkpoint' && !settled(status[v]!))
      .map((v) => ({ id: taskIds[v]!, title: tasks[v]!.title, wave: waveOf(v), status: status[v]!, blocks: successors[v]!.map((w) => taskIds[w]!) })),
    pointOfNoReturn: { tasks: ponr.map((v) => taskIds[v]!), done: ponr.filter((v) => status[v] === 'done').map((v) => taskIds[v]!),
      behind: ponr.some((v) => status[v] === 'done') },
    remaining: { criticalPath: left.path.filter((v) => !settled(status[v]!)).map((v) => taskIds[v]!), hours: left.hours, estimate: formatHours(left.hours) },
  };
}

/** Working hours in a day; a week has five (Monday to Friday). */
export const HOURS_PER_DAY = 8;

/**
 * The working day on which `hours` of work end when it starts on `start` (YYYY-MM-DD; a weekend start
 * begins the Monday after): day one is the first working day, each working day holds 8 hours.
 */
export function projectFinish(start: string, hours: number): { start: string; finish: string; workingDays: number } {
  const day = new Date(`${start}T00:00:00Z`);
  const isWeekend = () => day.getUTCDay() === 0 || day.getUTCDay() === 6;
  while (isWeekend()) day.setUTCDate(day.getUTCDate() + 1);
  const workingDays = Math.max(0, Math.ceil(hours / HOURS_PER_DAY - 1e-9));
  for (let d = 1; d < workingDays; d++) {
    do day.setUTCDate(day.getUTCDate() + 1);
    while (isWeekend());
  }
  return { start, finish: day.toISOString().slice(0, 10), workingDays };
}

/** A bar of `width` cells for `done` of `total`: `######----` (Markdown draws it with `█` and `░`). */
export function progressBar(done: number, total: number, { width = 20, full = '#', empty = '-' } = {}): string {
  const filled = total ? Math.round((done / total) * width) : 0;
  return `${full.repeat(filled)}${empty.repeat(width - filled)}`;
}
