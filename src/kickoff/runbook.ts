/**
 * The parts of the kickoff that carry statements: each task's up, verify and down for review, the
 * plan's placeholders, and the runbook: per phase, the commands in order with how each runs, who signs
 * which checkpoint, the rollback commands (down statements, tasks in reverse order) and the point of
 * no return, marked where it is crossed.
 */
import type { Outline, OutlineTask } from '../outline/outline.js';
import { codeSections, comment, expectText, statementLines, terminated, type OutlineSql, type OutlineStatement } from '../outline/statements.js';
import type { Block } from './document.js';

/** Who signed a checkpoint off (its `done` state), when it has been. */
export interface Signoff {
  by?: string;
  at?: string;
  evidence?: string;
}

/** A task's statements for review, after its summary in "Tasks by wave". */
export function taskStatementBlocks(t: OutlineTask): Block[] {
  if (!t.sql) return [];
  const blocks: Block[] = codeSections(t.sql).map((s) => ({ kind: 'code', language: t.sql!.language, title: `${t.id} ${s.title.toLowerCase()}`, code: s.code }));
  if (t.sql.irreversible) blocks.push({ kind: 'paragraph', text: `**${t.id} has no down**: ${t.sql.irreversible}` });
  return blocks;
}

export function placeholderBlocks(outline: Outline): Block[] {
  if (outline.placeholders.length === 0) return [];
  return [
    { kind: 'heading', level: 2, text: 'Placeholders', id: 'placeholders' },
    { kind: 'paragraph', text: 'The statements show these as written (`:name`); whoever runs the plan gives each value. ' +
      'A batched loop also has `:from` and `:to`, given by the loop for each batch.' },
    { kind: 'table', header: ['Placeholder', 'What it is', 'Example (rehearsals use it)'],
      rows: outline.placeholders.map((p) => [`\`:${p.name}\``, p.description, p.example]) },
  ];
}

/** How a task's up statements run, in words: runs of ordinary statements share a transaction. */
export function runSummary(up: OutlineStatement[]): string {
  const parts: string[] = [];
  const range = (from: number, to: number) => (from === to ? `statement ${from}` : `statements ${from}–${to}`);
  for (let i = 0; i < up.length;) {
    const s = up[i]!;
    if (s.transaction && !s.loop) {
      let j = i;
      while (j + 1 < up.length && up[j + 1]!.transaction && !up[j + 1]!.loop) j++;
      parts.push(`${range(i + 1, j + 1)} in one transaction`);
      i = j + 1;
    } else {
      parts.push(s.loop ? `statement ${i + 1} in batches of ${s.loop.batch} on \`${s.loop.key}\`, until the remaining query returns 0`
        : `statement ${i + 1} alone, outside a transaction`);
      i++;
    }
  }
  return parts.join('; ');
}

/** The up statements, then the verify queries, of the phase's tasks in order: what the operator runs. */
function commandsCode(tasks: OutlineTask[], sql: (t: OutlineTask) => OutlineSql): string {
  return tasks.map((t) => {
    const { language, up, verify } = sql(t);
    const lines = [comment(`${t.id}: ${t.title}`, language)];
    up.forEach((s, n) => lines.push(...statementLines(s, language, `${t.id} up ${n + 1}`)));
    verify.forEach((v, n) => lines.push(comment(`${t.id} verify ${n + 1}: expect ${expectText(v.expect)}`, language), terminated(v.query, language)));
    return lines.join('\n');
  }).join('\n\n');
}

/** The down statements of the phase's tasks, last task first; what cannot be undone is said in place. */
function rollbackCode(tasks: OutlineTask[], language: OutlineSql['language']): string {
  return [...tasks].reverse().map((t) => {
    if (!t.sql) return comment(`${t.id}: no statements; ${t.rollback}`, language);
    if (t.sql.up.length === 0) return comment(`${t.id}: checks only, nothing to undo`, language);
    if (t.sql.down.length === 0) return comment(`${t.id} cannot be undone by statements: ${t.sql.irreversible ?? t.rollback}`, language);
    const lines = [comment(`undo ${t.id}: ${t.title}`, language)];
    for (const s of t.sql.down) lines.push(...statementLines(s, language));
    return lines.join('\n');
  }).join('\n\n');
}

export function runbookBlocks(outline: Outline, signoffs: Record<string, Signoff> = {}): Block[] {
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: 'Runbook', id: 'runbook' },
    { kind: 'paragraph', text: 'Per phase: the commands in order, the checkpoints and who signs them, the rollback commands. ' +
      'Statements of a task run in one transaction unless marked; placeholders are shown as written.' },
  ];
  const language = outline.language;
  for (const phase of outline.phases) {
    const tasks = outline.tasks.filter((t) => t.phase === phase.id);
    if (tasks.length === 0) continue;
    blocks.push({ kind: 'heading', level: 3, text: `Phase ${phase.name} · risk ${phase.risk}`, id: `runbook-${phase.id}`, pageBreak: true });
    blocks.push({ kind: 'heading', level: 4, text: 'Steps in order' });
    const steps: string[] = [];
    const flush = () => {
      if (steps.length) blocks.push({ kind: 'steps', items: steps.splice(0) });
    };
    for (const t of tasks) {
      if (t.pointOfNoReturn) {
        flush();
        blocks.push({ kind: 'warning', text: `⚠ POINT OF NO RETURN: ${t.id} ${t.title}. Past this step the plan cannot simply be rolled back` +
          `${t.sql?.irreversible ? `: ${t.sql.irreversible}` : '.'}${t.depends.length ? ` Before it: ${t.depends.join(', ')} must be done and signed.` : ''}` });
      }
      const role = t.checkpoint ? 'checkpoint: sign below before going on' : t.kind !== 'work' ? t.kind : '';
      const checks = t.sql?.verify.length ?? 0;
      const how = t.sql ? [t.sql.up.length ? `run its up (${runSummary(t.sql.up)})` : '',
        checks ? `${t.sql.up.length ? 'then ' : ''}run its ${checks === 1 ? 'verify query, which must return what it expects' : `${checks} verify queries, each of which must return what it expects`}` : '']
        .filter(Boolean).join(', ') : 'no statements';
      steps.push(`**${t.id}** ${t.title}${role ? ` (${role})` : ''}: ${how}.`);
    }
    flush();
    const withSql = tasks.filter((t) => t.sql && (t.sql.up.length || t.sql.verify.length));
    if (withSql.length) blocks.push({ kind: 'code', language, title: `Commands of phase ${phase.name}, in order`, code: commandsCode(withSql, (t) => t.sql!) });

    const checkpoints = tasks.filter((t) => t.checkpoint);
    if (checkpoints.length) {
      blocks.push({ kind: 'heading', level: 4, text: 'Sign-off' });
      blocks.push({ kind: 'table', header: ['Checkpoint', 'Verifies', 'Signed by', 'When', 'Evidence'],
        rows: checkpoints.map((t) => {
          const s = signoffs[t.id];
          return [`${t.id} ${t.title}`, t.acceptance.join('; ') || '-', s?.by ?? '____________', s?.at ?? '________', s?.evidence ?? ''];
        }) });
    }

    blocks.push({ kind: 'heading', level: 4, text: 'Rollback' });
    blocks.push({ kind: 'paragraph', text: phase.rollback });
    if (tasks.some((t) => t.sql)) blocks.push({ kind: 'code', language, title: `Rollback of phase ${phase.name}: last task first`, code: rollbackCode(tasks, language) });
  }
  return blocks;
}
