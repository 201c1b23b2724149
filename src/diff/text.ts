/**
 * A diff for the terminal: the summary line, then one section per kind of change, every line wrapped
 * to fit the width (80 columns by default), continuation lines indented under their first.
 */
import type { FieldChange, PlanDiff } from './diff.js';
import { changedWaves, changeLines, describePointMove, edgesByTask, errorNotes, inlineChange, summaryLine, waveText } from './describe.js';

export function formatDiffText(diff: PlanDiff, width = 80): string {
  const out: string[] = [];
  const line = (indent: number, text: string) => out.push(...wrap(text, width, indent));
  const section = (title: string, body: () => void) => {
    out.push('', title);
    body();
  };
  const fields = (indent: number, changes: FieldChange[]) => {
    for (const change of changes) {
      const inline = inlineChange(change);
      if (inline !== undefined && indent + inline.length <= width) {
        line(indent, inline);
        continue;
      }
      line(indent, change.field);
      for (const l of changeLines(change)) line(indent + 2, l);
    }
  };

  line(0, `plan diff: ${diff.before.file} → ${diff.after.file}`);
  line(0, summaryLine(diff));
  for (const note of errorNotes(diff)) line(0, `Note: ${note}`);
  const { tasks, edges } = diff;
  if (tasks.added.length) section('Tasks added:', () => tasks.added.forEach((t) => line(2, `+ ${t.id}  ${t.title} (wave ${waveText(t.wave)})`)));
  if (tasks.removed.length) section('Tasks removed:', () => tasks.removed.forEach((t) => line(2, `- ${t.id}  ${t.title} (wave ${waveText(t.wave)})`)));
  if (tasks.changed.length) {
    section('Tasks changed:', () => tasks.changed.forEach((t) => {
      line(2, `~ ${t.id}  ${t.title}`);
      fields(6, t.fields);
    }));
  }
  if (edges.added.length + edges.removed.length) {
    section('Dependencies:', () => edgesByTask(diff).forEach((g) => {
      if (g.added.length) line(2, `+ ${g.task} now depends on ${g.added.join(', ')}`);
      if (g.removed.length) line(2, `- ${g.task} no longer depends on ${g.removed.join(', ')}`);
    }));
  }
  if (diff.states.length) section('States:', () => diff.states.forEach((s) => line(2, `${s.id}: ${s.from} → ${s.to}${s.after?.by ? ` (by ${s.after.by})` : ''}`)));

  const waves = changedWaves(diff);
  if (waves.length || diff.waves.moved.length) {
    section(`Waves (${diff.before.waves} before, ${diff.after.waves} after):`, () => {
      for (const w of waves) {
        line(2, `wave ${w.wave}`);
        line(4, `before: ${w.before.join(', ') || '(none)'}`);
        line(4, `after:  ${w.after.join(', ') || '(none)'}`);
      }
      for (const m of diff.waves.moved) line(2, `${m.id} moved: wave ${waveText(m.from)} → ${waveText(m.to)}`);
    });
  }
  if (diff.criticalPath.changed) {
    section('Critical path:', () => {
      const { before, after } = diff.criticalPath;
      line(2, `before: ${before.tasks.join(' → ')} (${before.estimate})`);
      line(2, `after:  ${after.tasks.join(' → ')} (${after.estimate})`);
    });
  }
  if (diff.pointsOfNoReturn.moved.length) {
    section('Points of no return:', () => diff.pointsOfNoReturn.moved.forEach((m) => line(2, `${m.id}: ${describePointMove(m)}`)));
  }
  if (diff.epic.length) section('Epic:', () => fields(2, diff.epic));
  const { phases } = diff;
  if (phases.added.length + phases.removed.length + phases.changed.length) {
    section('Phases:', () => {
      phases.added.forEach((p) => line(2, `+ ${p.id}  ${p.name}`));
      phases.removed.forEach((p) => line(2, `- ${p.id}  ${p.name}`));
      phases.changed.forEach((p) => {
        line(2, `~ ${p.id}  ${p.name}`);
        fields(6, p.fields);
      });
    });
  }
  if (diff.plan.length) section('Plan:', () => fields(2, diff.plan));
  return out.join('\n');
}

/**
 * `text` indented by `indent` and cut into lines of at most `width` characters, at spaces where there
 * are any (a longer word is cut where it must be); continuation lines are indented two more.
 */
export function wrap(text: string, width: number, indent: number): string[] {
  const lines: string[] = [];
  let prefix = ' '.repeat(indent);
  let rest = text;
  // Never less than 20 characters of text on a line, however deep the indentation.
  const room = () => Math.max(20, width - prefix.length);
  while (rest.length > room()) {
    const cut = rest.lastIndexOf(' ', room());
    const at = cut > 0 ? cut : room();
    lines.push(prefix + rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
    prefix = ' '.repeat(indent + 2);
  }
  lines.push(prefix + rest);
  return lines;
}
