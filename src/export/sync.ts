/**
 * `plan sync`: what a tracker holds, read back from its own CLI's JSON and mapped to the plan's tasks
 * through the export's state file and the marks every export leaves (Taskwarrior: the task's uuid and
 * the UDAs plan_id/plan_key; Backlog.md: the label plan.<plan key>.<id>). Drift between the two is
 * reported, not hidden. Pure functions over the texts the caller read; the caller runs the CLIs.
 */
import type { Outline } from '../outline/outline.js';

/** The plan's words for a task's state (the tracker's own word is kept beside it). */
export type SyncStatus = 'todo' | 'in-progress' | 'done' | 'skipped';

/** One item the tracker holds, in the plan's words. */
export interface TrackerItem {
  trackerId: string;
  title: string;
  status: SyncStatus;
  /** The tracker's own status word (Taskwarrior `completed`, Backlog.md `Done`, …). */
  trackerStatus: string;
  /** The plan id and plan key the export marked the item with, when it carries them. */
  planId?: string;
  planKey?: string;
}

export interface SyncedTask {
  id: string;
  title: string;
  trackerId?: string;
  trackerStatus?: string;
  /** `missing`: the tracker holds no item for this task (not exported yet, or removed there). */
  status: SyncStatus | 'missing';
}

export interface Drift {
  kind: 'done-before-dependency' | 'unknown-item' | 'missing';
  /** The plan id (or, for an item the plan does not know, the tracker's id). */
  id: string;
  message: string;
}

export interface SyncResult {
  dialect: SyncDialect;
  /** The plan key the export used (state file and marks). */
  key: string;
  /** The epic first, then the tasks in dependency order. */
  tasks: SyncedTask[];
  drift: Drift[];
}

export const SYNC_DIALECTS = ['taskwarrior', 'backlog'] as const;
export type SyncDialect = (typeof SYNC_DIALECTS)[number];

/** The state file an export script keeps: plan id → tracker id (its own `@` steps left out). */
export function parseState(text: string): Map<string, string> {
  const state = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [key, id] = line.split('\t');
    if (key && id && !key.startsWith('@')) state.set(key, id);
  }
  return state;
}

/** `task export` (rc.json.array=on). Taskwarrior writes control characters other than \n raw inside strings. */
export function taskwarriorItems(json: string): TrackerItem[] {
  const escaped = json.replace(/[\u0000-\u0009\u000b-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const tasks = JSON.parse(escaped) as { uuid: string; description: string; status: string; start?: string; plan_id?: string; plan_key?: string }[];
  const status = (t: (typeof tasks)[number]): SyncStatus =>
    t.status === 'completed' ? 'done' : t.status === 'deleted' ? 'skipped' : t.status === 'pending' && t.start ? 'in-progress' : 'todo';
  return tasks.map((t) => ({
    trackerId: t.uuid, title: t.description, status: status(t), trackerStatus: t.start && t.status === 'pending' ? 'started' : t.status,
    ...(t.plan_id ? { planId: t.plan_id } : {}), ...(t.plan_key ? { planKey: t.plan_key } : {}),
  }));
}

const BACKLOG_MARK = /^plan\.([0-9a-f]+)\.(.+)$/;

/** `backlog task list --json`. Its default statuses are "To Do", "In Progress" and "Done"; others count as to do. */
export function backlogItems(json: string): TrackerItem[] {
  const { tasks } = JSON.parse(json) as { tasks: { id: string; title: string; status: string; labels?: string[] }[] };
  return tasks.map((t) => {
    const mark = (t.labels ?? []).map((l) => BACKLOG_MARK.exec(l)).find(Boolean);
    const word = t.status.toLowerCase();
    const status: SyncStatus = word === 'done' ? 'done' : word === 'in progress' ? 'in-progress' : 'todo';
    return { trackerId: t.id, title: t.title, status, trackerStatus: t.status, ...(mark ? { planKey: mark[1], planId: mark[2] } : {}) };
  });
}

/**
 * Maps the tracker's items to the plan's tasks: by the state file first, then by the export's marks
 * (a task whose id was never recorded, e.g. after a kill). Drift: a task done while a dependency is
 * not; a task without an item; an item of this plan that the plan does not know.
 */
export function syncPlan(outline: Outline, dialect: SyncDialect, state: Map<string, string>, items: TrackerItem[]): SyncResult {
  const byTrackerId = new Map(items.map((i) => [i.trackerId, i]));
  const marked = new Map(items.filter((i) => i.planKey === outline.key && i.planId).map((i) => [i.planId!, i]));
  const planItems = [{ ...outline.epic, depends: [] as string[] }, ...outline.tasks];
  const drift: Drift[] = [];
  const claimed = new Set<string>();
  const tasks: SyncedTask[] = planItems.map((t) => {
    const recorded = state.get(t.id);
    const item = (recorded !== undefined ? byTrackerId.get(recorded) : undefined)
      ?? (dialect === 'taskwarrior' ? byTrackerId.get(t.uuid) : undefined) ?? marked.get(t.id);
    if (!item) {
      drift.push({ kind: 'missing', id: t.id, message: `${t.id} has no item in ${dialect}${recorded ? ` (the state file says ${recorded})` : ''}` });
      return { id: t.id, title: t.title, status: 'missing' };
    }
    claimed.add(item.trackerId);
    return { id: t.id, title: t.title, trackerId: item.trackerId, trackerStatus: item.trackerStatus, status: item.status };
  });
  const statusOf = new Map(tasks.map((t) => [t.id, t.status]));
  for (const t of outline.tasks) {
    if (statusOf.get(t.id) !== 'done') continue;
    const open = t.depends.filter((d) => statusOf.get(d) !== 'done' && statusOf.get(d) !== 'skipped');
    if (open.length > 0) {
      drift.push({ kind: 'done-before-dependency', id: t.id, message: `${t.id} is done in ${dialect} while ${open.join(', ')} ${open.length === 1 ? 'is' : 'are'} not` });
    }
  }
  const known = new Set(planItems.map((t) => t.id));
  for (const item of items) {
    if (item.planKey !== outline.key || claimed.has(item.trackerId)) continue;
    claimed.add(item.trackerId);
    drift.push({ kind: 'unknown-item', id: item.trackerId, message: `${item.trackerId} "${item.title}" was exported from this plan as ${item.planId}, which the plan ${known.has(item.planId!) ? 'maps to another item' : 'no longer has'}` });
  }
  for (const [planId, trackerId] of state) {
    if (!known.has(planId) && !claimed.has(trackerId)) {
      drift.push({ kind: 'unknown-item', id: trackerId, message: `the state file maps ${planId} to ${trackerId}; the plan has no ${planId}` });
    }
  }
  return { dialect, key: outline.key, tasks, drift };
}
