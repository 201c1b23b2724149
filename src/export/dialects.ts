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
  /** What the tracker would refuse (or change) in this item: checked at export time, never half-way through a run. */
  refuse?: (item: OutlineTask | ViewEpic) => Refusal[];
}

/** One thing a tracker would refuse, and the item's field it is in. */
export interface Refusal {
  field: 'title' | 'description' | 'phase';
  message: string;
}

/** cleo counts characters (bash in a UTF-8 locale), so these count code points. */
const length = (s: string) => [...s].length;

/** What cleo 0.98.4 holds (its validation.sh): measured in the field notes, "cleo, measured against the real tool". */
export const CLEO_LIMITS = { title: 120, description: 2000, note: 5000 } as const;

/**
 * A body as cleo can hold it: a description within its 2,000 characters (whole lines, then a pointer)
 * and the rest as the task's one note (`--notes`, at most 5,000; more is refused at export time).
 */
export function cleoText(body: string): { description: string; notes: string } {
  if (length(body) <= CLEO_LIMITS.description) return { description: body, notes: '' };
  const more = '\n\n(continued in the note)';
  const room = CLEO_LIMITS.description - length(more);
  const lines = body.split('\n');
  let taken = 0;
  let used = 0;
  for (; taken < lines.length; taken++) {
    const next = used + (taken > 0 ? 1 : 0) + length(lines[taken]!);
    if (next > room) break;
    used = next;
  }
  const chars = [...body];
  // A first line longer than the room is cut where the room ends.
  const [description, notes] = taken === 0 ? [chars.slice(0, room).join(''), chars.slice(room).join('')]
    : [lines.slice(0, taken).join('\n'), lines.slice(taken).join('\n')];
  return { description: `${description.trimEnd()}${more}`, notes: notes.replace(/^\n+/, '') };
}

function cleoRefusals(item: OutlineTask | ViewEpic): Refusal[] {
  const out: Refusal[] = [];
  const title = (message: string) => out.push({ field: 'title', message });
  const t = item.title;
  if (t.startsWith('-')) title('cleo refuses a title that starts with "-"');
  if (/[\r\n]/.test(t)) title('cleo refuses a line break in a title');
  if (t.includes('\\n')) title('cleo refuses a backslash-n ("\\n") in a title');
  if (/[\u200b\u200c\u200d\ufeff\u2060\u00ad]/.test(t)) title('cleo refuses zero-width characters in a title');
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(t)) title('cleo refuses control characters in a title');
  if (length(t) > CLEO_LIMITS.title) title(`cleo refuses a title over ${CLEO_LIMITS.title} characters (${length(t)})`);
  // What cleo receives: the brief body (statements named, not written) for a task, the body for the epic.
  const text = 'brief' in item ? item.brief : item.body;
  const notes = length(cleoText(text).notes);
  if (notes > CLEO_LIMITS.note) {
    out.push({ field: 'description', message: `cleo holds ${CLEO_LIMITS.description} characters of description and ${CLEO_LIMITS.note} of note; this task's text is ${length(text)}` });
  }
  if ('phase' in item && !/^[a-z][a-z0-9-]*$/.test(item.phase)) {
    out.push({ field: 'phase', message: `cleo refuses the phase id "${item.phase}" (lowercase letters, digits and "-", starting with a letter)` });
  }
  return out;
}

function backlogRefusals(item: OutlineTask | ViewEpic): Refusal[] {
  if (item.title.trim() === '') return [{ field: 'title', message: 'Backlog.md refuses a title of spaces' }];
  if (item.title !== item.title.trim()) return [{ field: 'title', message: 'Backlog.md trims the spaces around a title, so it would not hold it as written' }];
  return [];
}

const noNewline = (tracker: string) => (item: OutlineTask | ViewEpic): Refusal[] =>
  /[\r\n]/.test(item.title) ? [{ field: 'title', message: `${tracker} refuses a line break in a title` }] : [];

export const DIALECTS: Dialect[] = [
  { name: 'cleo', kind: 'script', summary: 'cleo / claude-todo `ct add` commands, ids captured from --json and checked',
    limits: 'acceptance criteria and files that contain a comma or a line break are only in the text (cleo splits those flags on commas); text past 2,000 characters goes in the task\'s note',
    refuse: cleoRefusals },
  { name: 'taskwarrior', kind: 'script', summary: 'Taskwarrior: one `task import` per task (uuid, depends), titles byte-identical',
    limits: 'Taskwarrior has no parent field: the epic is a task tagged +epic, and each task carries it in the UDA plan_parent and its project' },
  { name: 'taskwarrior-import', kind: 'file', summary: 'Taskwarrior `task import` JSON (uuid + depends)',
    limits: 'Taskwarrior has no parent field: the epic is a task tagged +epic, and each task carries it in the UDA plan_parent and its project' },
  { name: 'backlog', kind: 'script', summary: 'Backlog.md `backlog task create` with -p parent, --dep, --ac, -l, --priority; each task labelled with its plan id',
    refuse: backlogRefusals },
  { name: 'beads', kind: 'script', summary: 'beads `bd create` with --parent, --deps blocked-by:ID, --acceptance' },
  { name: 'beads-jsonl', kind: 'file', summary: 'beads JSONL for `bd import`' },
  { name: 'github', kind: 'script', summary: 'GitHub `gh issue create`, missing labels created first, sub-issues (--parent) and --blocked-by',
    limits: 'needs a gh recent enough to have `issue create --parent/--blocked-by`', refuse: noNewline('GitHub') },
  { name: 'jira-csv', kind: 'file', summary: 'Jira CSV import: Issue ID, Parent (parents first), repeated "Blocked by" and "Blocks" link columns',
    limits: 'map the "Blocked by" columns to the link "is blocked by" and the "Blocks" columns to "blocks" in the import wizard; each dependency is written once, on the row with fewer links' },
  { name: 'linear', kind: 'file', summary: 'Linear CSV import: title, description, priority, labels',
    limits: "Linear's CSV importer has no parent or relation columns: dependencies and the epic are written into each description, not linked (its API's issueCreate{parentId} and issueRelationCreate{type: blocks} can; not done here)" },
  { name: 'markdown', kind: 'file', summary: 'a checklist grouped by wave, checkpoints marked' },
  { name: 'json', kind: 'file', summary: 'the export model as JSON (for your own tooling)' },
  { name: 'csv', kind: 'file', summary: 'one row per task: id, title, wave, phase, kind, depends, …' },
];

export const DIALECT_NAMES = DIALECTS.map((d) => d.name);
