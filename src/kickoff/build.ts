/**
 * The kickoff document: what a lead shares so the team knows what will happen, in which order, what
 * can go wrong and how each phase rolls back. Built from the outline and the check result.
 */
import type { CheckResult } from '../check/result.js';
import type { Outline } from '../outline/outline.js';
import type { Progress } from '../progress/progress.js';
import type { Block } from './document.js';
import { placeholderBlocks, runbookBlocks, taskStatementBlocks, type Signoff } from './runbook.js';

export interface Diagrams {
  flow: { mermaid: string; svg?: string; fallback?: string };
  gantt: { mermaid: string; svg?: string; fallback?: string };
}

export function kickoffDocument(outline: Outline, result: CheckResult, diagrams: Diagrams, source: string, progress?: Progress,
  signoffs: Record<string, Signoff> = {}): Block[] {
  const { epic } = outline;
  const c = result.counts;
  const ponr = outline.tasks.filter((t) => t.pointOfNoReturn);
  const checkpoints = outline.tasks.filter((t) => t.checkpoint);
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: epic.title },
    { kind: 'paragraph', text: epic.description },
    { kind: 'paragraph', text: `**${c.tasks} tasks in ${c.waves} waves**, ${checkpoints.length} checkpoints. Critical path ` +
      `${result.criticalPath.tasks.join(' → ')}: **${result.criticalPath.estimate}** of work.` +
      (ponr.length ? ` Point of no return: **${ponr.map((t) => `${t.id} ${t.title}`).join(', ')}**.` : '') },
    ...(progress?.started ? progressBlocks(progress) : []),
    { kind: 'heading', level: 2, text: 'Goal and acceptance criteria' },
    { kind: 'list', checklist: true, items: epic.acceptance },
    ...(epic.notes.length ? [{ kind: 'list', items: epic.notes } as Block] : []),
    { kind: 'heading', level: 2, text: 'Dependency waves', id: 'flow' },
    { kind: 'diagram', title: 'Tasks by wave; thick red arrows are the critical path', ...diagrams.flow },
    { kind: 'heading', level: 2, text: 'Schedule', id: 'schedule' },
    { kind: 'diagram', title: 'From estimates and dependencies; one working day per calendar day', ...diagrams.gantt },
    { kind: 'heading', level: 2, text: 'Phases', id: 'phases' },
    { kind: 'table', header: ['Wave', 'Phase', 'Tasks', 'Checkpoint', 'Risk', 'Rollback'],
      rows: result.waves.map((w) => [String(w.wave), w.phaseNames.join(', '), w.tasks.join(', '), w.checkpoints.join(', ') || '-', w.risk, w.rollback]) },
    ...placeholderBlocks(outline),
    { kind: 'heading', level: 2, text: 'Tasks by wave', id: 'tasks' },
  ];
  for (const wave of outline.waves) {
    blocks.push({ kind: 'heading', level: 3, text: `Wave ${wave.wave} · ${[...new Set(wave.tasks.map((t) => t.phaseName))].join(', ')}` });
    for (const t of wave.tasks) {
      const role = [t.kind !== 'work' ? t.kind : '', t.pointOfNoReturn ? 'point of no return' : ''].filter(Boolean).join(', ');
      blocks.push({ kind: 'paragraph', text: `**${t.id}** ${t.title}${role ? ` (${role})` : ''} · ${t.estimate} · risk ${t.risk}` +
        (t.depends.length ? ` · after ${t.depends.join(', ')}` : '') });
      const items = [...t.acceptance, ...t.files.map((f) => `file: \`${f}\``)];
      if (items.length) blocks.push({ kind: 'list', checklist: true, items });
      blocks.push(...taskStatementBlocks(t));
    }
  }
  blocks.push(
    ...runbookBlocks(outline, signoffs),
    { kind: 'heading', level: 2, text: 'Rollback by phase' },
    { kind: 'table', header: ['Phase', 'Rollback', 'Risk'], rows: outline.phases.map((p) => [p.name, p.rollback, p.risk]) },
    { kind: 'heading', level: 2, text: 'Checkpoints' },
    { kind: 'paragraph', text: 'Each gate closes its wave: the tasks after it wait until what it verifies is signed off.' },
    { kind: 'table', header: ['Checkpoint', 'Wave', 'Verifies', 'Blocks'],
      rows: checkpoints.map((t) => [`${t.id} ${t.title}`, String(t.wave), t.acceptance.join('; '), t.blocks.join(', ') || '(end of plan)']) },
    { kind: 'heading', level: 2, text: 'Checklists' },
    { kind: 'heading', level: 3, text: 'Before the migration' },
    { kind: 'list', checklist: true, items: epic.checklists.before },
    { kind: 'heading', level: 3, text: 'During' },
    { kind: 'list', checklist: true, items: epic.checklists.during },
    { kind: 'heading', level: 3, text: 'After' },
    { kind: 'list', checklist: true, items: epic.checklists.after },
    { kind: 'heading', level: 2, text: 'Success criteria' },
    { kind: 'list', checklist: true, items: epic.success },
    { kind: 'heading', level: 2, text: 'Safety findings' },
  );
  if (result.findings.length === 0) {
    blocks.push({ kind: 'paragraph', text: 'None: every rule passes (`plan rules` lists what each checks).' });
  } else {
    blocks.push({ kind: 'table', header: ['Severity', 'Rule', 'Task', 'Finding'],
      rows: result.findings.map((f) => [f.severity, f.rule, f.taskId ?? '', f.message]) });
  }
  if (result.suppressed.length) {
    blocks.push({ kind: 'table', header: ['Suppressed rule', 'Task', 'Reason'], rows: result.suppressed.map((f) => [f.rule, f.taskId ?? '', f.reason]) });
  }
  blocks.push({ kind: 'paragraph', text: `Generated by \`plan report\` from \`${source}\`.` });
  return blocks;
}

/** Once the plan runs: a bar per wave, what is in progress and ready, and whether the point of no return is behind. */
function progressBlocks(p: Progress): Block[] {
  const done = (c: Progress['counts']) => `${c.done}/${c.total} done${c['in-progress'] ? `, ${c['in-progress']} in progress` : ''}` +
    `${c.failed ? `, ${c.failed} failed` : ''}${c.skipped ? `, ${c.skipped} skipped` : ''}`;
  return [
    { kind: 'heading', level: 2, text: 'Progress', id: 'progress' },
    { kind: 'paragraph', text: `**${done(p.counts)}**; ${Math.round(p.hours.fraction * 100)}% of the work by estimate. ` +
      `In progress: ${p.inProgress.map((t) => t.id).join(', ') || 'nothing'}. Ready now: ${p.ready.map((t) => t.id).join(', ') || 'nothing'}.` +
      (p.pointOfNoReturn.tasks.length ? ` Point of no return: **${p.pointOfNoReturn.behind ? 'behind' : 'ahead'}**.` : '') },
    { kind: 'bars', rows: p.waves.map((w) => ({ label: `Wave ${w.wave} · ${w.phaseNames.join(', ')}`, done: w.counts.done + w.counts.skipped,
      total: w.counts.total, text: done(w.counts) })) },
  ];
}
