/**
 * `plan sync FILE --from DIALECT`: the tracker's state read back through its own CLI (Taskwarrior
 * `task export`, Backlog.md `backlog task list --json`), mapped to the plan's tasks by the export's
 * state file, with drift reported; then each status that differs from the plan's is recorded in the
 * plan file (as `plan done` would, every other byte kept), so `plan status` and `plan next` follow the
 * tracker. Drift is recorded as it is, not hidden: `plan check` then reports it. The tracker is only read.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { checkLoaded, requireNoErrors, type CheckedPlan, type CheckOptions } from '../check/pipeline.js';
import { parsePlan } from '../model/load.js';
import { PlanInputError } from '../errors.js';
import { readTextFile, writeFileAtomic } from '../io/files.js';
import { withTaskStates } from '../model/edit.js';
import { fitLines, layoutTable, terminalWidth } from '../text/layout.js';
import { statusOf, type TaskState, type TaskStatusName } from '../model/schema.js';
import { backlogItems, parseState, syncPlan, taskwarriorItems, type SyncDialect, type SyncedTask, type SyncResult, type TrackerItem } from '../export/sync.js';

export { SYNC_DIALECTS } from '../export/sync.js';

export interface SyncOptions extends CheckOptions {
  file: string;
  from: SyncDialect;
  /** The export's state file; default: $PLAN_EXPORT_STATE, else the export's default name in the working directory. */
  state?: string;
  /** Report only: record nothing in the plan file. */
  dryRun?: boolean;
  now?: Date;
}

export interface SyncReport extends SyncResult {
  file: string;
  /** The state file read (absent when there was none: items are then found by the export's marks only). */
  stateFile?: string;
  /** Statuses recorded in the plan file (or, with --dry-run, that would be). */
  recorded: { id: string; from: TaskStatusName; to: TaskStatusName }[];
  written: boolean;
}

/** The tracker's CLI and how its answer becomes items. */
const READERS: Record<SyncDialect, { argv: string[]; items: (json: string) => TrackerItem[] }> = {
  taskwarrior: { argv: ['task', 'rc.verbose=nothing', 'rc.json.array=on', 'export'], items: taskwarriorItems },
  backlog: { argv: ['backlog', 'task', 'list', '--json'], items: backlogItems },
};

export async function syncFromTracker(options: SyncOptions): Promise<SyncReport> {
  const text = readTextFile(options.file);
  const checked = requireNoErrors(await checkLoaded(options.file, parsePlan(text, options.file), options));
  const outline = checked.outline;
  const stateFile = options.state ?? process.env.PLAN_EXPORT_STATE ?? `.plan-export-${options.from}-${outline.key}.state`;
  const state = existsSync(stateFile) ? parseState(readTextFile(stateFile)) : new Map<string, string>();
  const reader = READERS[options.from];
  const [command, ...args] = reader.argv;
  const r = spawnSync(command!, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error || r.status !== 0) {
    const why = r.error ? (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? `${command} is not on PATH` : r.error.message : r.stderr.trim() || `exit ${r.status}`;
    throw PlanInputError.single(`cannot read ${options.from}: \`${reader.argv.join(' ')}\` failed: ${why}`, {
      hint: options.from === 'backlog' ? 'run plan sync in the Backlog.md project folder' : 'TASKRC and TASKDATA choose the Taskwarrior database',
    });
  }
  let items: TrackerItem[];
  try {
    items = reader.items(r.stdout);
  } catch (err) {
    throw PlanInputError.single(`cannot read what \`${reader.argv.join(' ')}\` answered: ${(err as Error).message}`);
  }
  const synced = syncPlan(outline, options.from, state, items);
  const { recorded, written } = record(text, checked, synced.tasks, options);
  return { file: options.file, ...(existsSync(stateFile) ? { stateFile } : {}), ...synced, recorded, written };
}

/** Records in the plan file each task whose status in the tracker differs from the plan's. */
function record(text: string, checked: CheckedPlan, tasks: SyncedTask[], options: SyncOptions): Pick<SyncReport, 'recorded' | 'written'> {
  const { plan } = checked.loaded;
  const index = new Map(plan.tasks.map((t, i) => [t.id, i]));
  const at = (options.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const states = new Map<number, TaskState>();
  const recorded: SyncReport['recorded'] = [];
  for (const t of tasks) {
    const i = index.get(t.id);
    if (i === undefined || t.status === 'missing') continue;
    const from = statusOf(plan.tasks[i]!);
    if (from === t.status) continue;
    recorded.push({ id: t.id, from, to: t.status });
    states.set(i, { status: t.status, at, by: options.from, note: `synced from ${options.from}${t.trackerId ? ` item ${t.trackerId}` : ''}` });
  }
  if (options.dryRun || states.size === 0) return { recorded, written: false };
  const edited = withTaskStates(text, options.file, plan, states);
  if (readTextFile(options.file) !== text) throw PlanInputError.single('changed while the states were being recorded; nothing was recorded', { location: { file: options.file }, hint: 'run plan sync again' });
  writeFileAtomic(options.file, edited, { force: true });
  return { recorded, written: true };
}

/** A line per task (id, status, the tracker's word and id), then the drift. */
export function formatSync(report: SyncReport, width = terminalWidth()): string {
  const lines = [layoutTable(report.tasks.map((t) => [t.id, t.status, t.trackerId ? `${t.trackerId} (${t.trackerStatus})` : '-', t.title]), { width })];
  const done = report.tasks.filter((t) => t.status === 'done').length;
  lines.push('', `${done} of ${report.tasks.length} done in ${report.dialect}; ${report.drift.length === 0 ? 'no drift' : `drift (${report.drift.length}):`}`);
  for (const d of report.drift) lines.push(`  ${d.kind}: ${d.message}`);
  if (report.recorded.length) {
    lines.push('', `${report.written ? 'Recorded' : 'Would record (--dry-run)'} in ${report.file}: ${report.recorded.map((r) => `${r.id} ${r.from} → ${r.to}`).join(', ')}`);
  }
  return `${fitLines(lines.join('\n'), width)}\n`;
}
