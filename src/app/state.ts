/**
 * The commands of a running plan: `plan status` and `plan next` read the states tasks record;
 * `plan start|done|skip|fail` record them in the plan file itself, keeping every other byte of it.
 * A state is recorded only where it is true to the plan's order: done after its dependencies, a point
 * of no return only when confirmed, a checkpoint only with who signed it off.
 */
import { analyzePlan } from '../analysis/analyze.js';
import { checkLoaded, requireNoErrors, type CheckedPlan, type CheckOptions } from '../check/pipeline.js';
import type { ReportedFinding } from '../check/result.js';
import { didYouMean, ExitCode, formatPath, PlanInputError, type ErrorDetail } from '../errors.js';
import { readTextFile, writeFileAtomic } from '../io/files.js';
import { withTaskStates } from '../model/edit.js';
import { parsePlan } from '../model/load.js';
import { SETTLED_STATUSES, statusOf, type TaskState, type TaskStatusName } from '../model/schema.js';
import { planProgress, projectFinish, type Progress, type ReadyTask } from '../progress/progress.js';
import { STATE_RULES } from '../rules/integrity.js';
import { fitLines, terminalWidth } from '../text/layout.js';
import { formatProgress, formatReady } from '../text/progress.js';

export const STATE_COMMANDS = { start: 'in-progress', done: 'done', skip: 'skipped', fail: 'failed' } as const satisfies Record<string, TaskStatusName>;
export type StateCommand = keyof typeof STATE_COMMANDS;

/** Reads and checks a plan; a broken graph is refused, an inconsistent state is what these commands show and repair. */
async function loadRunning(file: string, options: CheckOptions): Promise<{ text: string; checked: CheckedPlan; stateFindings: ReportedFinding[] }> {
  const text = readTextFile(file);
  const checked = requireNoErrors(await checkLoaded(file, parsePlan(text, file), options));
  return { text, checked, stateFindings: checked.result.findings.filter((f) => STATE_RULES.has(f.rule)) };
}

const findingLine = (f: ReportedFinding) => `${f.file}:${f.line ?? ''}:${f.column ?? ''}: ${f.severity} [${f.rule}] ${f.message}`;

export interface StatusResult extends Omit<Progress, 'started'> {
  file: string;
  finish: { start: string; finish: string; workingDays: number };
  /** Recorded states that contradict the plan's order (done before a dependency, a checkpoint without sign-off). */
  findings: ReportedFinding[];
}

/** Today as YYYY-MM-DD in local time: the day a lead reads the projection on. */
export function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function checkDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw PlanInputError.single(`--start "${value}" is not a date`, { hint: 'give it as YYYY-MM-DD, e.g. 2026-11-23' });
  }
  return value;
}

export async function planStatus(options: CheckOptions & { file: string; start?: string; width?: number }): Promise<{ result: StatusResult; text: string }> {
  const width = options.width ?? terminalWidth();
  const start = checkDate(options.start ?? today());
  const { checked, stateFindings } = await loadRunning(options.file, options);
  const { started: _, ...progress } = planProgress(checked.loaded.plan, checked.analysis);
  const finish = projectFinish(start, progress.remaining.hours);
  const result: StatusResult = { file: options.file, ...progress, finish, findings: stateFindings };
  const text = fitLines([`${options.file}: ${checked.loaded.plan.epic.title}`, formatProgress({ ...progress, started: true }, finish, width),
    ...(stateFindings.length ? ['', 'Recorded states that contradict the plan:', ...stateFindings.map(findingLine)] : [])].join('\n'), width);
  return { result, text };
}

export async function planNext(options: CheckOptions & { file: string; width?: number }): Promise<{ result: { file: string; ready: ReadyTask[] }; text: string }> {
  const { checked } = await loadRunning(options.file, options);
  const { ready } = planProgress(checked.loaded.plan, checked.analysis);
  return { result: { file: options.file, ready }, text: `Ready now (least slack first):\n${formatReady(ready, options.width ?? terminalWidth())}` };
}

export interface SetStateOptions extends CheckOptions {
  file: string;
  command: StateCommand;
  ids: string[];
  note?: string;
  by?: string;
  evidence?: string;
  /** Confirms crossing a point of no return. */
  confirm?: boolean;
  now?: Date;
}

export interface SetStateResult {
  file: string;
  changed: { id: string; from: TaskStatusName; to: TaskStatusName }[];
  /** Already in the status asked for: left as recorded. */
  unchanged: string[];
  written: boolean;
  /** What can start after this change. */
  ready: ReadyTask[];
  notes: string[];
}

export async function setTaskStates(options: SetStateOptions): Promise<{ result: SetStateResult; text: string }> {
  const { file, command } = options;
  const to = STATE_COMMANDS[command];
  const { text, checked } = await loadRunning(file, options);
  const { analysis, loaded } = checked;
  const number = new Map(analysis.taskIds.map((id, v) => [id, v]));
  const status = analysis.tasks.map(statusOf);
  const usage: ErrorDetail[] = [];
  const order: ErrorDetail[] = [];
  const notes: string[] = [];
  const states = new Map<number, TaskState>();
  const changed: SetStateResult['changed'] = [];
  const unchanged: string[] = [];
  const at = (options.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const located = (v: number, ...field: (string | number)[]) => {
    const path = ['tasks', analysis.planIndex[v]!, ...field];
    return { ...loaded.locate(path), path: formatPath(path) };
  };

  for (const id of options.ids) {
    const v = number.get(id);
    if (v === undefined) {
      const guess = didYouMean(id, analysis.taskIds);
      usage.push({ message: `unknown task "${id}"`, location: { file }, hint: guess ? `did you mean "${guess}"?` : analysis.taskIds.length <= 30 ? `tasks: ${analysis.taskIds.join(', ')}` : undefined });
      continue;
    }
    const task = analysis.tasks[v]!;
    if (task.point_of_no_return && (to === 'in-progress' || to === 'done') && !options.confirm) {
      usage.push({ message: `${id} is a point of no return: past it the plan cannot simply be rolled back`, location: located(v, 'point_of_no_return'),
        hint: `check its guards first (plan status ${file}), then pass --confirm` });
    }
    if (task.kind === 'checkpoint' && (to === 'done' || to === 'skipped') && !options.by) {
      usage.push({ message: `${id} is a checkpoint: marking it ${to} is a sign-off, and needs who gives it`, location: located(v, 'kind'),
        hint: 'pass --by NAME (and --evidence TEXT: what shows it passed)' });
    }
    const open = analysis.predecessors[v]!.filter((d) => !SETTLED_STATUSES.includes(status[d]!));
    const openText = open.map((d) => `${analysis.taskIds[d]} (${status[d]})`).join(', ');
    if (to === 'done' && open.length) {
      order.push({ message: `${id} cannot be done: ${open.length === 1 ? 'its dependency' : 'its dependencies'} ${openText} ${open.length === 1 ? 'is' : 'are'} not done`, location: located(v, 'depends'),
        hint: `mark ${open.length === 1 ? 'it' : 'them'} done or skipped first (plan next ${file} lists what can start)` });
    } else if (to === 'in-progress' && open.length) {
      notes.push(`${id} started while ${openText} ${open.length === 1 ? 'is' : 'are'} not done`);
    }
    // Taking back a finished task would leave the tasks done after it done too early.
    const doneAfter = SETTLED_STATUSES.includes(to) ? [] : analysis.successors[v]!.filter((w) => status[w] === 'done');
    if (doneAfter.length) {
      order.push({ message: `${id} cannot be ${to}: ${doneAfter.map((w) => analysis.taskIds[w]).join(', ')} ${doneAfter.length === 1 ? 'depends on it and is' : 'depend on it and are'} done`,
        location: located(v), hint: 'set those back first, dependents before what they depend on' });
    }
    if (status[v] === to) {
      unchanged.push(id);
      continue;
    }
    const state: TaskState = { status: to, at };
    if (options.by) state.by = options.by;
    if (options.note) state.note = options.note;
    if (options.evidence) state.evidence = options.evidence;
    changed.push({ id, from: status[v]!, to });
    status[v] = to;
    states.set(analysis.planIndex[v]!, state);
  }
  if (usage.length) throw new PlanInputError([...usage, { message: 'nothing was recorded' }], ExitCode.badInput);
  if (order.length) throw new PlanInputError([...order, { message: 'nothing was recorded' }], ExitCode.planErrors);

  let plan = loaded.plan;
  if (states.size) {
    const edited = withTaskStates(text, file, plan, states);
    // Another command (or an editor) wrote the file meanwhile: recording now would lose its change.
    if (readTextFile(file) !== text) throw PlanInputError.single('changed while the states were being recorded; nothing was recorded', { location: { file }, hint: 'run the command again' });
    writeFileAtomic(file, edited, { force: true });
    plan = parsePlan(edited, file).plan;
  }
  const { ready } = planProgress(plan, analyzePlan(plan));
  const result: SetStateResult = { file, changed, unchanged, written: states.size > 0, ready, notes };
  const lines = [
    ...changed.map((c) => `${c.id}: ${c.from} → ${c.to}`),
    ...unchanged.map((id) => `${id}: already ${to}`),
    ...notes.map((n) => `note: ${n}`),
    `Ready now: ${ready.map((t) => t.id).join(', ') || 'nothing'}`,
  ];
  return { result, text: lines.join('\n') };
}
