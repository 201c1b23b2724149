/**
 * `plan sync FILE --from DIALECT`: the tracker's state read back through its own CLI (Taskwarrior
 * `task export`, Backlog.md `backlog task list --json`), mapped to the plan's tasks by the export's
 * state file, with drift reported. Reads only: neither the tracker nor the plan file is changed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { checkFile, requireNoErrors, type CheckOptions } from '../check/pipeline.js';
import { PlanInputError } from '../errors.js';
import { readTextFile } from '../io/files.js';
import { backlogItems, parseState, syncPlan, taskwarriorItems, type SyncDialect, type SyncResult, type TrackerItem } from '../export/sync.js';

export { SYNC_DIALECTS } from '../export/sync.js';

export interface SyncOptions extends CheckOptions {
  file: string;
  from: SyncDialect;
  /** The export's state file; default: $PLAN_EXPORT_STATE, else the export's default name in the working directory. */
  state?: string;
}

export interface SyncReport extends SyncResult {
  file: string;
  /** The state file read (absent when there was none: items are then found by the export's marks only). */
  stateFile?: string;
}

/** The tracker's CLI and how its answer becomes items. */
const READERS: Record<SyncDialect, { argv: string[]; items: (json: string) => TrackerItem[] }> = {
  taskwarrior: { argv: ['task', 'rc.verbose=nothing', 'rc.json.array=on', 'export'], items: taskwarriorItems },
  backlog: { argv: ['backlog', 'task', 'list', '--json'], items: backlogItems },
};

export async function syncFromTracker(options: SyncOptions): Promise<SyncReport> {
  const checked = requireNoErrors(await checkFile(options.file, options));
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
  return { file: options.file, ...(existsSync(stateFile) ? { stateFile } : {}), ...syncPlan(outline, options.from, state, items) };
}

/** A line per task (id, status, the tracker's word and id), then the drift. */
export function formatSync(report: SyncReport): string {
  const held = report.tasks.map((t) => (t.trackerId ? `${t.trackerId} (${t.trackerStatus})` : '-'));
  const idWidth = Math.max(...report.tasks.map((t) => t.id.length));
  const heldWidth = Math.max(...held.map((h) => h.length));
  const lines = report.tasks.map((t, i) => `${t.id.padEnd(idWidth)}  ${t.status.padEnd(11)}  ${held[i]!.padEnd(heldWidth)}  ${t.title}`);
  const done = report.tasks.filter((t) => t.status === 'done').length;
  lines.push('', `${done} of ${report.tasks.length} done in ${report.dialect}; ${report.drift.length === 0 ? 'no drift' : `drift (${report.drift.length}):`}`);
  for (const d of report.drift) lines.push(`  ${d.kind}: ${d.message}`);
  return `${lines.join('\n')}\n`;
}
