/**
 * The plan model: every shape a plan file may take, in one place. Types are inferred from these
 * schemas; data is parsed once at the boundary (src/model/load.ts) and trusted afterwards.
 */
import { z } from 'zod';
import { DatabaseEngine, PlanSchemaSectionSchema } from './database.js';

/** Stable ids: what `depends` refers to and what trackers receive. Dots allow per-table fan-out (T4.users). */
export const TaskId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9._-]{0,63}$/, 'an id starts with a letter, then letters, digits, ".", "_" or "-" (at most 64)');

export const Label = z
  .string()
  .regex(/^[a-z][a-z0-9.-]*$/, 'a label is lowercase: a letter, then letters, digits, "." or "-"');

export const Priority = z.enum(['critical', 'high', 'medium', 'low']);
export const Size = z.enum(['small', 'medium', 'large']);
export const Risk = z.enum(['low', 'medium', 'high', 'critical']);
export type Risk = z.infer<typeof Risk>;

/** What the work touches: rules later tell a DDL step from a backfill by this. */
export const TaskType = z.enum(['schema', 'data', 'code', 'validation', 'docs', 'ops']);

/**
 * What a task does to the database. The safety rules read these, never the prose: a backfill is a
 * task whose ops include `backfill`, however it is titled.
 */
export const Operation = z.enum([
  'add-table', 'add-column', 'create-index', 'drop-index', 'add-constraint', 'validate-constraint',
  'set-not-null', 'drop-not-null', 'change-type', 'rename-column', 'rename-table', 'backfill',
  'dual-write', 'switch-reads', 'stop-writes', 'remove-code', 'drop-column', 'drop-table',
]);
export type OperationName = z.infer<typeof Operation>;

export { DatabaseEngine };

/** A rule silenced for one task, with the reason a reviewer will read in every report. */
export const SuppressionSchema = z.strictObject({
  rule: z.string().min(1),
  reason: z.string().trim().min(10, 'a suppression needs a written reason (10 characters or more)'),
});

/** Ordinary work, or one of the safety roles that make a plan more than a task list. */
export const TaskKind = z.enum(['work', 'checkpoint', 'rollback', 'audit', 'backup']);

/** A duration with a unit: `30m`, `4h`, `1.5d`, `1w` (a day is 8 working hours, a week 5 days). */
export const Estimate = z
  .string()
  .regex(/^\d+(\.\d+)?(m|h|d|w)$/, 'an estimate is a number and a unit: m, h, d or w (e.g. "4h", "1.5d")');

export const PhaseSchema = z
  .strictObject({
    id: TaskId.describe('Stable phase id that tasks name in `phase`.'),
    name: z.string().min(1).describe('Human name, e.g. "A: Schema".'),
    description: z.string().optional(),
    rollback: z.string().min(1).describe('How this phase is rolled back.'),
    risk: Risk,
  })
  .describe('A migration phase: a stage of the rollout with its own rollback and risk.');

/**
 * The name of a value a statement needs but the plan cannot know (the owner tenant's id): written
 * `:name` in a statement, declared once in the plan's `placeholders`, given at run time, and rendered
 * in each framework's own syntax (a psql variable, DB-API and Knex named parameters).
 */
export const PlaceholderName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'a placeholder name is lowercase: a letter, then letters, digits or "_"');

/** Names a batched loop gives its statement, so no plan may declare them. */
export const LOOP_PLACEHOLDERS = ['from', 'to'] as const;

export const PlaceholderSchema = z.strictObject({
  name: PlaceholderName.refine((n) => !(LOOP_PLACEHOLDERS as readonly string[]).includes(n), 'from and to are the batched loop\'s own'),
  description: z.string().min(1).describe('What the value is, for whoever runs the plan.'),
  example: z.string().min(1).describe('A value to rehearse with.'),
});

/**
 * A statement run over the key range in batches: `:from` (inclusive) to `:to` (exclusive), `batch` keys
 * at a time, from the smallest to the largest key that `bounds` returns when the loop starts. The loop
 * therefore ends by itself, after (max - min) / batch rounds, however many rows the statement changes;
 * then `remaining` must return 0, or the loop failed with rows left.
 */
export const LoopSchema = z.strictObject({
  key: z.string().min(1).describe('The column paged by (an integer key, usually the primary key).'),
  batch: z.int().min(1).describe('Keys per batch.'),
  pause_ms: z.int().min(0).default(0).describe('Pause between batches, for replicas and other traffic.'),
  bounds: z.string().min(1).describe('A query returning the smallest and the largest key (one row, two columns).'),
  remaining: z.string().min(1).describe('A query returning how many rows are still to do (one row, one column): 0 when done.'),
});

/** One statement of a task: SQL, or a mongosh script on MongoDB. */
export const StatementSchema = z.union([
  z.string().min(1),
  z.strictObject({
    run: z.string().min(1).describe('The statement.'),
    transaction: z.boolean().default(true)
      .describe('false: runs outside a transaction (CREATE INDEX CONCURRENTLY, ALTER TYPE … ADD VALUE), alone in its migration.'),
    loop: LoopSchema.optional(),
  }),
]);

/** A check after a statement ran: the query's first column of its first row equals `expect`. */
export const VerificationSchema = z.strictObject({
  query: z.string().min(1),
  expect: z.union([z.number(), z.string(), z.boolean(), z.null()]).describe('The value of the first column of the first row.'),
  note: z.string().optional().describe('What the check proves.'),
});

/**
 * What a task does to the database, as data: `up` changes it, `verify` proves it, `down` restores what
 * was there before. A task whose change cannot be undone says why in `irreversible` and is a point of
 * no return.
 */
export const TaskSqlSchema = z.strictObject({
  up: z.array(StatementSchema).default([]),
  verify: z.array(VerificationSchema).default([]),
  down: z.array(StatementSchema).default([]),
  irreversible: z.string().min(10).optional().describe('Why this change has no `down` (the task must be a point of no return).'),
});

/** Where a task stands while the plan runs; a task without `state` is `todo`. */
export const TaskStatus = z.enum(['todo', 'in-progress', 'done', 'skipped', 'failed']);
export type TaskStatusName = z.infer<typeof TaskStatus>;

/** Statuses that let the tasks after it start: the work is finished, or deliberately not needed. */
export const SETTLED_STATUSES: readonly TaskStatusName[] = ['done', 'skipped'];

/**
 * A task's state, recorded by `plan start|done|skip|fail` (or by hand). One block per task, so the
 * plan reads as it runs: what, when, who, why. A checkpoint's `done` is its sign-off: `by` is who
 * signed it off, `evidence` what they looked at.
 */
export const TaskStateSchema = z
  .strictObject({
    status: TaskStatus,
    at: z.iso.datetime({ offset: true }).optional().describe('When the status was set (ISO 8601, e.g. 2026-11-23T16:05:00Z).'),
    by: z.string().min(1).optional().describe('Who set it; for a checkpoint marked done, who signed it off.'),
    note: z.string().min(1).optional().describe('Why, or what happened (a failure\'s cause, a skip\'s reason).'),
    evidence: z.string().min(1).optional().describe('For a checkpoint\'s sign-off: what proves it passed (a query result, a dashboard, a ticket).'),
  })
  .describe('Where the task stands: todo (the default), in-progress, done, skipped or failed.');
export type TaskState = z.infer<typeof TaskStateSchema>;

export const TaskSchema = z
  .strictObject({
    id: TaskId,
    title: z.string().min(1).max(300),
    type: TaskType.default('code'),
    kind: TaskKind.default('work'),
    size: Size.default('medium'),
    priority: Priority.default('medium'),
    phase: TaskId.describe('The id of one of the plan\'s phases.'),
    wave: z.int().min(0).max(10_000).optional().describe('Declared wave; checked against the computed one.'),
    labels: z.array(Label).default([]),
    description: z.string().default(''),
    acceptance: z.array(z.string().min(1)).default([]),
    files: z.array(z.string().min(1)).default([]),
    depends: z.array(TaskId).default([]),
    ops: z.array(Operation).default([]).describe('What the task does to the database; the safety rules read these.'),
    suppress: z.array(SuppressionSchema).default([]).describe('Rules silenced for this task, each with a reason.'),
    rollback: z.string().optional().describe('How to undo this task, when it differs from its phase\'s rollback.'),
    risk: Risk.default('low'),
    estimate: Estimate.optional().describe('Defaults from size: small 4h, medium 1d, large 3d.'),
    point_of_no_return: z.boolean().default(false).describe('Past this task the plan cannot simply be rolled back.'),
    sql: TaskSqlSchema.optional().describe('The statements the task runs, their checks, and how they are undone.'),
    notes: z.string().optional(),
    state: TaskStateSchema.optional(),
  })
  .describe('One unit of work in the migration.');

export const EpicSchema = z.strictObject({
  id: TaskId,
  title: z.string().min(1).max(300),
  description: z.string().default(''),
  labels: z.array(Label).default([]),
  priority: Priority.default('high'),
  size: Size.default('large'),
  acceptance: z.array(z.string().min(1)).default([]),
  notes: z.array(z.string()).default([]),
  /** What to check before, during and after the migration. */
  checklists: z
    .strictObject({ before: z.array(z.string().min(1)).default([]), during: z.array(z.string().min(1)).default([]),
      after: z.array(z.string().min(1)).default([]) })
    .default({ before: [], during: [], after: [] }),
  /** How the team will know the migration succeeded. */
  success: z.array(z.string().min(1)).default([]),
});

/** Where a generated plan came from, so it can be regenerated and updated (`plan update`). */
export const ProvenanceSchema = z.strictObject({
  template: z.string(),
  template_version: z.string().regex(/^[0-9a-f]{12}$/).optional()
    .describe('A hash of the template\'s files (manifest, body, partials, engines): tells whether the template changed since.'),
  parameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])),
  schema_fingerprint: z.string().optional().describe('The fingerprint of the database schema the plan was generated from.'),
});

/**
 * A field that `plan update` found changed both by hand and by the template, differently. The field keeps
 * the hand-made value; the template's waits here until someone settles it and deletes the entry. Tasks,
 * phases and placeholders are named by id in `at`, so the entry stays right when the list is reordered.
 */
export const ConflictSchema = z.strictObject({
  at: z.array(z.string()).min(1).describe('The field: `[tasks, T4.users, title]`, `[epic, title]`, `[database]`.'),
  yours: z.unknown().optional().describe('The value in the file (kept in the field); absent when you deleted it.'),
  template: z.unknown().optional().describe('What the template now writes; absent when it no longer writes the field.'),
  base: z.unknown().optional().describe('What the template wrote before: both changed this.'),
});
export type Conflict = z.infer<typeof ConflictSchema>;
export type Provenance = z.infer<typeof ProvenanceSchema>;

export const PLAN_FORMAT_VERSION = 1;

export const PlanSchema = z
  .strictObject({
    version: z.literal(PLAN_FORMAT_VERSION).describe('Plan file format version.'),
    generated_by: ProvenanceSchema.optional(),
    database: DatabaseEngine.optional().describe('The engine; engine-specific rules apply only to it.'),
    schema: PlanSchemaSectionSchema.optional(),
    placeholders: z.array(PlaceholderSchema).default([]).describe('Values the statements need that only whoever runs the plan knows.'),
    conflicts: z.array(ConflictSchema).optional().describe('Left by `plan update` where you and the template changed a field differently; `plan check` fails until each is settled and deleted.'),
    epic: EpicSchema,
    phases: z.array(PhaseSchema).min(1),
    tasks: z.array(TaskSchema).min(1),
  })
  .describe('A database migration plan: an epic, its phases, and its tasks with dependencies.');

export type Phase = z.infer<typeof PhaseSchema>;
export type Statement = z.infer<typeof StatementSchema>;
export type Verification = z.infer<typeof VerificationSchema>;
export type TaskSql = z.infer<typeof TaskSqlSchema>;
export type Task = z.infer<typeof TaskSchema>;
export type Epic = z.infer<typeof EpicSchema>;
export type Plan = z.infer<typeof PlanSchema>;
export type TaskKindName = z.infer<typeof TaskKind>;
export type SizeName = z.infer<typeof Size>;

/** A task's status: `todo` until something is recorded. */
export function statusOf(task: Pick<Task, 'state'>): TaskStatusName {
  return task.state?.status ?? 'todo';
}

/** Hours of work a size stands for when a task gives no estimate (a small step is half a day). */
export const HOURS_BY_SIZE: Record<SizeName, number> = { small: 4, medium: 8, large: 24 };

const HOURS_PER_UNIT = { m: 1 / 60, h: 1, d: 8, w: 40 } as const;

/** Working hours of a task: its estimate, or the default for its size. */
export function taskHours(task: Pick<Task, 'estimate' | 'size'>): number {
  if (task.estimate === undefined) return HOURS_BY_SIZE[task.size];
  const unit = task.estimate.slice(-1) as keyof typeof HOURS_PER_UNIT;
  return Number(task.estimate.slice(0, -1)) * HOURS_PER_UNIT[unit];
}

/** `12` → "1.5d"; `3` → "3h": the largest unit that reads naturally. */
export function formatHours(hours: number): string {
  const round = (n: number) => String(Math.round(n * 10) / 10);
  if (hours >= 8) return `${round(hours / 8)}d`;
  if (hours >= 1) return `${round(hours)}h`;
  return `${Math.round(hours * 60)}m`;
}

/** A statement in its full form: a bare string is a statement run in a transaction, once. */
export function statementOf(statement: Statement): { run: string; transaction: boolean; loop?: z.infer<typeof LoopSchema> } {
  return typeof statement === 'string' ? { run: statement, transaction: true } : statement;
}
