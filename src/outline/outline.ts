/**
 * What exports and diagrams render: the epic and its tasks in an order where every dependency
 * comes first (wave, then step, then plan order), each with what trackers need (labels, a body in
 * Markdown, a stable uuid) already worked out, so dialects and diagrams only choose words and shapes.
 */
import { createHash } from 'node:crypto';
import type { Analysis } from '../analysis/analyze.js';
import { formatHours, taskHours, type Plan, type Task } from '../model/schema.js';
import { languageOf, outlineSql, statementsMarkdown, type CodeLanguage, type OutlineSql } from './statements.js';

export interface OutlineTask {
  id: string;
  uuid: string;
  title: string;
  type: string;
  kind: string;
  phase: string;
  phaseName: string;
  wave: number;
  step: number;
  priority: string;
  size: string;
  risk: string;
  estimate: string;
  labels: string[];
  description: string;
  acceptance: string[];
  files: string[];
  depends: string[];
  /** `depends` as the uuids of those tasks (trackers that link by uuid). */
  dependsUuids: string[];
  /** First exported task of its phase (trackers that must create a phase before using it). */
  phaseFirst: boolean;
  rollback: string;
  checkpoint: boolean;
  pointOfNoReturn: boolean;
  /** On the critical path (the chain that decides the plan's duration). */
  critical: boolean;
  /** Earliest start and working hours, from estimates and dependencies. */
  start: number;
  hours: number;
  /** What the task runs (up, verify, down), when it has statements. */
  sql?: OutlineSql;
  /** The statements as Markdown fenced blocks ('' when none): what the body carries. */
  statements: string;
  /** Description, acceptance criteria, files, statements, rollback and risk as one Markdown body. */
  body: string;
  /** The body with the statements named, not written: for trackers that hold a few thousand characters (cleo). */
  brief: string;
  /** For checkpoints: the tasks of the next wave that wait for this gate. */
  blocks: string[];
}

export interface ViewEpic {
  id: string;
  uuid: string;
  title: string;
  description: string;
  labels: string[];
  priority: string;
  acceptance: string[];
  notes: string[];
  checklists: { before: string[]; during: string[]; after: string[] };
  success: string[];
  body: string;
}

export interface Outline {
  /**
   * The plan's identity for trackers (see planKey): export state files, Taskwarrior uuids and the
   * markers that find an item again are per plan, so two plans exported from one folder stay apart.
   */
  key: string;
  epic: ViewEpic;
  tasks: OutlineTask[];
  /** Every label in use, epic's included: trackers where labels must exist before use. */
  labels: string[];
  /** The most labels / dependencies of one task: CSV formats with repeated columns. */
  maxLabels: number;
  maxDepends: number;
  criticalPath: string[];
  phases: { id: string; name: string; rollback: string; risk: string }[];
  /** The language statements are shown in: SQL, or JavaScript on MongoDB. */
  language: CodeLanguage;
  /** Values the statements name as `:name`, given by whoever runs the plan. */
  placeholders: { name: string; description: string; example: string }[];
  waves: { wave: number; tasks: OutlineTask[] }[];
}

/** RFC 4122 version-5 style uuid from a name: re-exporting a plan names the same tasks again. */
export function stableUuid(name: string): string {
  const h = createHash('sha1').update(`plan:${name}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A plan's identity: a hash of its file name, epic id and title, and the template it was generated from.
 * Every plan's epic id is usually `EPIC`, so the id alone would make two plans one. Editing tasks keeps
 * the identity, and so does `plan update` (new parameters, a newer template: the same plan, going on);
 * renaming the file or the epic makes a new plan for trackers.
 */
export function planKey(plan: Plan, fileName: string): string {
  const identity = JSON.stringify([fileName, plan.epic.id, plan.epic.title, plan.generated_by?.template ?? null]);
  return createHash('sha256').update(identity).digest('hex').slice(0, 12);
}

export function buildOutline(plan: Plan, analysis: Analysis, fileName = ''): Outline {
  const phases = new Map(plan.phases.map((p) => [p.id, p]));
  const key = planKey(plan, fileName);
  const scope = `${key}/${plan.epic.id}`;
  const critical = new Set(analysis.criticalPath.taskIds);
  const ordered = analysis.order
    .map((v) => ({ v, slot: analysis.schedule.get(analysis.taskIds[v]!)! }))
    .sort((a, b) => a.slot.wave - b.slot.wave || a.slot.step - b.slot.step || a.v - b.v);

  const tasks: OutlineTask[] = ordered.map(({ v, slot }) => {
    const t = analysis.tasks[v]!;
    const phase = phases.get(t.phase);
    const rollback = t.rollback ?? phase?.rollback ?? '';
    const sql = outlineSql(t, plan.database);
    return {
      id: t.id,
      uuid: stableUuid(`${scope}/${t.id}`),
      title: t.title,
      type: t.type,
      kind: t.kind,
      phase: t.phase,
      phaseName: phase?.name ?? t.phase,
      wave: slot.wave,
      step: slot.step,
      priority: t.priority,
      size: t.size,
      risk: t.risk,
      estimate: formatHours(taskHours(t)),
      labels: taskLabels(t, slot.wave),
      description: t.description,
      acceptance: t.acceptance,
      files: t.files,
      depends: t.depends,
      dependsUuids: t.depends.map((d) => stableUuid(`${scope}/${d}`)),
      phaseFirst: false,
      rollback,
      checkpoint: t.kind === 'checkpoint',
      pointOfNoReturn: t.point_of_no_return,
      critical: critical.has(t.id),
      start: slot.start,
      hours: taskHours(t),
      ...(sql && { sql }),
      statements: statementsMarkdown(sql),
      body: '',
      brief: '',
      blocks: t.kind === 'checkpoint' ? analysis.successors[v]!.map((w) => analysis.taskIds[w]!) : [],
    };
  });
  const seenPhases = new Set<string>();
  for (const t of tasks) {
    t.body = taskBody(t, t.statements);
    t.brief = taskBody(t, t.sql ? `**Statements**: ${[['up', t.sql.up.length], ['verify', t.sql.verify.length], ['down', t.sql.down.length]]
      .filter(([, n]) => n).map(([list, n]) => `${n} ${list}`).join(', ')}, in the plan file (task ${t.id}) and the kickoff report.` : '');
    t.phaseFirst = !seenPhases.has(t.phase);
    seenPhases.add(t.phase);
  }

  const epic = plan.epic;
  const waves = [...new Set(tasks.map((t) => t.wave))].map((wave) => ({ wave, tasks: tasks.filter((t) => t.wave === wave) }));
  return {
    key,
    epic: {
      id: epic.id,
      uuid: stableUuid(scope),
      title: epic.title,
      description: epic.description,
      labels: epic.labels,
      priority: epic.priority,
      acceptance: epic.acceptance,
      notes: epic.notes,
      checklists: epic.checklists,
      success: epic.success,
      body: [epic.description, section('Acceptance criteria', epic.acceptance.map((a) => `- [ ] ${a}`)),
        section('Notes', epic.notes.map((n) => `- ${n}`)),
        section('Before the migration', epic.checklists.before.map((c) => `- [ ] ${c}`)),
        section('During', epic.checklists.during.map((c) => `- [ ] ${c}`)),
        section('After', epic.checklists.after.map((c) => `- [ ] ${c}`)),
        section('Success criteria', epic.success.map((c) => `- [ ] ${c}`))].filter(Boolean).join('\n\n'),
    },
    tasks,
    labels: [...new Set([...epic.labels, ...tasks.flatMap((t) => t.labels)])],
    // A loop, not Math.max(...list): 100k arguments overflow the call stack.
    maxLabels: tasks.reduce((m, t) => Math.max(m, t.labels.length), epic.labels.length),
    maxDepends: tasks.reduce((m, t) => Math.max(m, t.depends.length), 0),
    criticalPath: analysis.criticalPath.taskIds,
    phases: plan.phases.map((p) => ({ id: p.id, name: p.name, rollback: p.rollback, risk: p.risk })),
    language: languageOf(plan.database),
    placeholders: plan.placeholders.map((p) => ({ name: p.name, description: p.description, example: p.example })),
    waves,
  };
}

/** The task's own labels, then what trackers filter on: its wave, its safety role, its phase. */
function taskLabels(t: Task, wave: number): string[] {
  const extra = [`wave-${wave}`, ...(t.kind !== 'work' ? [t.kind] : []), ...(t.point_of_no_return ? ['point-of-no-return'] : [])];
  return [...new Set([...t.labels, ...extra])];
}

function taskBody(t: OutlineTask, statements: string): string {
  return [
    t.description,
    t.checkpoint ? `**Checkpoint**: don't proceed until this passes; ${t.blocks.join(', ') || 'the rest of the plan'} wait${t.blocks.length === 1 ? 's' : ''} for it.` : '',
    t.pointOfNoReturn ? '**Point of no return**: past this task the plan cannot simply be rolled back.' : '',
    section('Acceptance criteria', t.acceptance.map((a) => `- [ ] ${a}`)),
    section('Files', t.files.map((f) => `- \`${f}\``)),
    statements,
    `**Rollback**: ${t.rollback}`,
    `**Risk**: ${t.risk} · **Wave** ${t.wave} · **Phase** ${t.phaseName} · **Estimate** ${t.estimate}`,
  ].filter(Boolean).join('\n\n');
}

function section(title: string, lines: string[]): string {
  return lines.length ? `**${title}**\n\n${lines.join('\n')}` : '';
}
