/**
 * The tracker dialects `plan export --to` knows. Each is a template under templates/trackers/ (data);
 * here is only what code must know about it: whether it is a script, what the
 * tracker cannot hold, and what it cannot carry (printed with every export).
 */
import type { ViewEpic, OutlineTask } from '../outline/outline.js';

export interface Dialect {
  name: string;
  /** A script runs the tracker's CLI; a file is imported by the tracker. */
  kind: 'script' | 'file';
  summary: string;
  /** Said with every export: what this tracker cannot carry. */
  limits?: string;
  /** Why the tracker would refuse this title, if it would. */
  refuseTitle?: (item: OutlineTask | ViewEpic) => string | undefined;
}

const noNewline = (tracker: string) => (item: OutlineTask | ViewEpic) =>
  item.title.includes('\n') ? `${tracker} refuses a line break in a title` : undefined;

export const DIALECTS: Dialect[] = [
  { name: 'cleo', kind: 'script', summary: 'cleo / claude-todo `ct add` commands, ids captured from --json',
    limits: 'acceptance criteria and files that contain a comma go in the description (cleo splits those flags on commas)',
    refuseTitle: (item) => (item.title.startsWith('-') ? 'cleo refuses a title that starts with "-"' : noNewline('cleo')(item)) },
  { name: 'taskwarrior', kind: 'script', summary: 'Taskwarrior: one `task import` per task (uuid, depends), titles byte-identical',
    limits: 'Taskwarrior has no parent field: the epic is a task tagged +epic, and each task carries it in the UDA plan_parent and its project' },
  { name: 'taskwarrior-import', kind: 'file', summary: 'Taskwarrior `task import` JSON (uuid + depends)',
    limits: 'Taskwarrior has no parent field: the epic is a task tagged +epic, and each task carries it in the UDA plan_parent and its project' },
  { name: 'backlog', kind: 'script', summary: 'Backlog.md `backlog task create` with -p parent, --dep, --ac, -l, --priority' },
  { name: 'beads', kind: 'script', summary: 'beads `bd create` with --parent, --deps blocked-by:ID, --acceptance' },
  { name: 'beads-jsonl', kind: 'file', summary: 'beads JSONL for `bd import`' },
  { name: 'github', kind: 'script', summary: 'GitHub `gh issue create`, labels created first, sub-issues (--parent) and --blocked-by',
    limits: 'needs a gh recent enough to have `issue create --parent/--blocked-by`', refuseTitle: noNewline('GitHub') },
  { name: 'jira-csv', kind: 'file', summary: 'Jira CSV import: Issue ID, Parent (parents first), repeated "Blocked by" link columns',
    limits: 'map the "Blocked by" columns to the link type "is blocked by" in the import wizard' },
  { name: 'linear', kind: 'file', summary: 'Linear CSV import: title, description, priority, labels',
    limits: "Linear's CSV importer has no parent or relation columns: dependencies and the epic are written into each description, not linked (its API's issueCreate{parentId} and issueRelationCreate{type: blocks} can; not done here)" },
  { name: 'markdown', kind: 'file', summary: 'a checklist grouped by wave, checkpoints marked' },
  { name: 'json', kind: 'file', summary: 'the export model as JSON (for your own tooling)' },
  { name: 'csv', kind: 'file', summary: 'one row per task: id, title, wave, phase, kind, depends, …' },
];

export const DIALECT_NAMES = DIALECTS.map((d) => d.name);
