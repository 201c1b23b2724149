/**
 * A diff as a pull request comment: a heading, the summary line in bold, tables of tasks, dependencies,
 * waves, the critical path and points of no return, and each task's field changes folded in
 * `<details>` (a diff block each), so a long SQL edit does not bury the summary.
 */
import type { FieldChange, PlanDiff } from './diff.js';
import { changedWaves, changeLines, describePointMove, edgesByTask, errorNotes, summaryLine, waveText } from './describe.js';

/**
 * Characters of folded field changes one comment holds: GitHub refuses a comment over 65,536, and the
 * tables must stay. Past it, a folded block says where the rest is instead of holding it.
 */
export const FOLDED_BUDGET = 50_000;

export function formatDiffMarkdown(diff: PlanDiff, budget = FOLDED_BUDGET): string {
  let left = budget;
  const details = (summary: string, changes: FieldChange[]): string[] => {
    const block = folded(summary, changes);
    const size = block.join('\n').length;
    if (size <= left) {
      left -= size;
      return block;
    }
    left = 0;
    return ['', `<details><summary>${escape(summary)}</summary>`, '',
      `Too long for this comment: ${code(`plan diff ${diff.before.file} ${diff.after.file}`)} shows it.`, '', '</details>'];
  };
  const out: string[] = [
    `### Plan diff: ${code(diff.before.file)} → ${code(diff.after.file)}`,
    '',
    `**${escape(summaryLine(diff, ' · '))}**`,
    ...errorNotes(diff).map((note) => `\n> [!WARNING]\n> ${escape(note)}`),
  ];
  const section = (title: string, lines: string[]) => out.push('', `#### ${title}`, '', ...lines);
  const { tasks, edges } = diff;

  if (tasks.added.length) {
    section('Tasks added', table(['Task', 'Title', 'Phase', 'Wave'], tasks.added.map((t) => [code(t.id), cell(t.title), code(t.phase), waveText(t.wave)])));
  }
  if (tasks.removed.length) {
    section('Tasks removed', table(['Task', 'Title', 'Phase', 'Wave'], tasks.removed.map((t) => [code(t.id), cell(t.title), code(t.phase), waveText(t.wave)])));
  }
  if (tasks.changed.length) {
    section('Tasks changed', [
      ...table(['Task', 'Title', 'Fields'], tasks.changed.map((t) => [code(t.id), cell(t.title), t.fields.map((f) => code(f.field)).join(', ')])),
      ...tasks.changed.flatMap((t) => details(`${t.id}: ${t.fields.length} field${t.fields.length === 1 ? '' : 's'}`, t.fields)),
    ]);
  }
  if (edges.added.length + edges.removed.length) {
    section('Dependencies', table(['Task', 'Now depends on', 'No longer depends on'],
      edgesByTask(diff).map((g) => [code(g.task), ids(g.added), ids(g.removed)])));
  }
  if (diff.states.length) {
    section('States', table(['Task', 'Before', 'After', 'By'], diff.states.map((s) => [code(s.id), s.from, s.to, cell(s.after?.by ?? '')])));
  }
  const waves = changedWaves(diff);
  if (waves.length || diff.waves.moved.length) {
    section(`Waves (${diff.before.waves} before, ${diff.after.waves} after)`, [
      ...(waves.length ? table(['Wave', 'Before', 'After'], waves.map((w) => [String(w.wave), ids(w.before), ids(w.after)])) : []),
      ...(diff.waves.moved.length ? ['', ...table(['Task', 'Wave before', 'Wave after'],
        diff.waves.moved.map((m) => [code(m.id), waveText(m.from), waveText(m.to)]))] : []),
    ]);
  }
  const { before, after } = diff.criticalPath;
  section(diff.criticalPath.changed ? 'Critical path' : 'Critical path (unchanged)', table(['', 'Tasks', 'Estimate'], [
    [diff.criticalPath.changed ? 'before' : 'both', cell(before.tasks.join(' → ')), before.estimate],
    ...(diff.criticalPath.changed ? [['after', cell(after.tasks.join(' → ')), after.estimate]] : []),
  ]));
  if (diff.pointsOfNoReturn.moved.length) {
    section('Points of no return', table(['Task', 'Change'], diff.pointsOfNoReturn.moved.map((m) => [code(m.id), cell(describePointMove(m))])));
  }
  const { phases } = diff;
  if (diff.epic.length) section('Epic', details(`${diff.epic.length} field${diff.epic.length === 1 ? '' : 's'}`, diff.epic));
  if (phases.added.length + phases.removed.length + phases.changed.length) {
    section('Phases', [
      ...table(['', 'Phase', 'Name'], [
        ...phases.added.map((p) => ['added', code(p.id), cell(p.name)]),
        ...phases.removed.map((p) => ['removed', code(p.id), cell(p.name)]),
        ...phases.changed.map((p) => ['changed', code(p.id), cell(p.name)]),
      ]),
      ...phases.changed.flatMap((p) => details(`${p.id}: ${p.fields.length} field${p.fields.length === 1 ? '' : 's'}`, p.fields)),
    ]);
  }
  if (diff.plan.length) section('Plan', details(diff.plan.map((f) => f.field).join(', '), diff.plan));
  return out.join('\n');
}

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** Field changes folded: one diff block per field, its path as the block's first line. */
function folded(summary: string, changes: FieldChange[]): string[] {
  const body = changes.flatMap((c) => [`@@ ${c.field} @@`, ...changeLines(c)]);
  const fence = '`'.repeat(Math.max(3, longestRun(body.join('\n'), '`') + 1));
  return ['', `<details><summary>${escape(summary)}</summary>`, '', `${fence}diff`, ...body, fence, '', '</details>'];
}

function longestRun(text: string, char: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

/** Text a table cell or the summary holds: no HTML, no cell breaks, one line. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cell(text: string): string {
  return escape(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** An id or file name in code style (a backtick inside cannot end it early: a longer fence). */
function code(text: string): string {
  const fence = '`'.repeat(longestRun(text, '`') + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}${pad}${fence}`;
}

const ids = (list: string[]) => (list.length ? list.map(code).join(', ') : '-');
