/**
 * A plan's statements cut into migration steps, the unit every framework writer turns into files (one
 * Sqitch change, one Django migration, one Alembic revision, one Prisma folder, one Knex file).
 *
 * Tasks run in the plan's run order (the outline's: wave, then step, then plan order, so every
 * dependency comes first). A task's `up` becomes one step when every statement may share a
 * transaction; a statement that must not run in one (`transaction: false`: CREATE INDEX CONCURRENTLY,
 * ALTER TYPE … ADD VALUE) or that commits batch by batch (`loop`) is a step of its own, and the
 * statements between such ones form steps of their own, in order. A step is `atomic` when all its
 * statements, up and down, may run in one transaction.
 *
 * How a split task's `down` and `verify` are distributed: the task's whole `down` is in its FIRST step,
 * the other steps' downs are empty (a no-op); the task's whole `verify` is in its LAST step. Rolling
 * back all its steps in reverse order (as every framework does) therefore runs the no-ops first and the
 * whole down last, which restores the state before the task; the verify runs once everything it checks
 * has run. A task's down is written against the state after its whole up, so it cannot be cut per step.
 *
 * Each step may run in a session of its own (a psql run, a Django migration, a pooled Knex connection),
 * so the session settings a task's earlier steps made (`SET lock_timeout = '5s'`) would be lost before a
 * later step: `settings` repeats the ones in force, and writers run them first. Without it, an
 * `ADD CONSTRAINT … NOT VALID` split off after `SET lock_timeout` would wait for its lock with no
 * timeout, blocking every query queued behind it.
 */
import { createHash } from 'node:crypto';
import { analyzePlan } from '../analysis/analyze.js';
import { statementOf, type Plan, type Task, type Verification } from '../model/schema.js';
import { buildOutline } from '../outline/outline.js';
import type { Engine } from '../sql/engines.js';

export type { Engine };
export type Loop = NonNullable<ReturnType<typeof statementOf>['loop']>;
export type Placeholder = Plan['placeholders'][number];

export interface StepStatement { run: string; transaction: boolean; loop?: Loop }

export interface MigrationStep {
  /** 1-based, in the plan's run order. */
  ordinal: number;
  task: Task;
  /** Lowercase file-name stem from the task id and title (and the part, when split), [a-z0-9_], at most 60 characters. */
  name: string;
  up: StepStatement[];
  down: StepStatement[];
  verify: Verification[];
  /** false when a statement here must run outside a transaction; such a statement is alone in its step. */
  atomic: boolean;
  /** Which step of its task this is (1-based), and how many the task has. */
  part: number;
  parts: number;
  /** The task's reason when its change cannot be undone (then `down` is empty and a rollback must stop). */
  irreversible?: string;
  /**
   * `TEMPLATE/EPIC/TASK` (with `#part` when split; `EPIC/TASK` for a plan written by hand): what the
   * marker comment in each written file names. Plans of two templates both have the epic id `EPIC`.
   */
  key: string;
  /** 12 hex digits of a hash of the step's statements: the marker tells the same step from another plan's step of the same key. */
  digest: string;
  /**
   * Session settings (`SET name = …`, not `SET LOCAL`) the task's earlier steps made, the latest per
   * name, in order: to run at the start of this step's session, before `up`. Empty for a task's first step.
   */
  settings: StepStatement[];
}

/** `SET lock_timeout = '5s'` → `lock_timeout` (a session setting; `SET LOCAL` ends with its transaction). */
function settingOf(s: StepStatement): string | undefined {
  const m = /^\s*SET\s+(?:SESSION\s+)?(?!LOCAL\b)([A-Za-z_][\w.]*)\s*(?:=|TO\b)/i.exec(s.run);
  return m ? m[1]!.toLowerCase() : undefined;
}

/** The longest file-name stem a step gets. */
export const MAX_NAME = 60;

/** `T3` + `Add tenant_id to orders` → `t3_add_tenant_id_to_orders`, cut at a word within `max`. */
export function stemOf(text: string, max = MAX_NAME): string {
  const stem = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'step';
  if (stem.length <= max) return stem;
  const cut = stem.slice(0, max);
  const word = cut.lastIndexOf('_');
  return (word > max / 2 ? cut.slice(0, word) : cut).replace(/_+$/, '');
}

/** Cuts a task's up into steps: a statement outside a transaction (or a loop) alone, the others grouped between them. */
function cut(up: StepStatement[]): StepStatement[][] {
  const groups: StepStatement[][] = [];
  let open: StepStatement[] | undefined;
  for (const s of up) {
    if (!s.transaction || s.loop) {
      groups.push([s]);
      open = undefined;
    } else {
      if (!open) groups.push((open = []));
      open.push(s);
    }
  }
  return groups;
}

/** Whether every statement of list may run inside one transaction. */
export const atomicAll = (list: StepStatement[]) => list.every((s) => s.transaction && !s.loop);

/** The plan's tasks that have `sql.up`, as migration steps in run order. */
export function migrationSteps(plan: Plan): MigrationStep[] {
  const byId = new Map(plan.tasks.map((t) => [t.id, t]));
  const order = buildOutline(plan, analyzePlan(plan)).tasks.map((t) => byId.get(t.id)!);
  const steps: MigrationStep[] = [];
  for (const task of order) {
    if (!task.sql?.up.length) continue;
    const groups = cut(task.sql.up.map(statementOf));
    const down = task.sql.down.map(statementOf);
    const base = stemOf(`${task.id} ${task.title}`, MAX_NAME - (groups.length > 1 ? `_${groups.length}of${groups.length}`.length : 0));
    const inForce = new Map<string, StepStatement>();
    groups.forEach((up, i) => {
      const part = i + 1;
      const settings = [...inForce.values()];
      for (const s of up) {
        const name = settingOf(s);
        if (name) {
          inForce.delete(name);
          inForce.set(name, s);
        }
      }
      const stepDown = part === 1 ? down : [];
      const split = groups.length > 1;
      steps.push({
        ordinal: steps.length + 1,
        task,
        name: split ? `${base}_${part}of${groups.length}` : base,
        up,
        down: stepDown,
        verify: part === groups.length ? task.sql!.verify : [],
        atomic: atomicAll(up) && atomicAll(stepDown),
        part,
        parts: groups.length,
        ...(task.sql!.irreversible ? { irreversible: task.sql!.irreversible } : {}),
        key: `${plan.generated_by ? `${plan.generated_by.template}/` : ''}${plan.epic.id}/${task.id}${split ? `#${part}` : ''}`,
        digest: createHash('sha256').update(JSON.stringify([settings, up, stepDown, part === groups.length ? task.sql!.verify : []])).digest('hex').slice(0, 12),
        settings,
      });
    });
  }
  return steps;
}

/** The marker every written file carries (after the framework's comment sign), so a second run knows the step is there. */
export const markerOf = (step: Pick<MigrationStep, 'key' | 'digest'>): string => `plan-scaffold ${step.key} ${step.digest}`;

/** A marker found in DIR: the step's key, the digest of the statements it was written from, where. */
export interface FoundMarker { key: string; digest?: string; file: string; line: number }

/** The markers the files already carry, by step key (the first one of a key). */
export function scaffoldedSteps(files: ExistingFile[]): Map<string, FoundMarker> {
  const found = new Map<string, FoundMarker>();
  for (const f of files) {
    for (const m of f.text.matchAll(/plan-scaffold (\S+)(?: ([0-9a-f]{12})\b)?/g)) {
      if (found.has(m[1]!)) continue;
      found.set(m[1]!, { key: m[1]!, ...(m[2] ? { digest: m[2] } : {}), file: f.path, line: f.text.slice(0, m.index).split('\n').length });
    }
  }
  return found;
}

/** A file DIR holds (read by the app layer; the path relative to DIR, with `/`). */
export interface ExistingFile { path: string; text: string }

/** What a framework finds in DIR. */
export interface ExistingMigrations {
  /** Its migration files there, relative paths. */
  files: string[];
  /** The framework's id of the latest migration (Django's name, Alembic's revision, a timestamp). */
  head?: string;
  /** The number the next migration gets (plain SQL's NNN; 1 in an empty DIR). */
  next: number;
}

/** A file to write, relative to DIR. */
export interface ScaffoldFile { path: string; text: string }

export interface WriteOptions {
  engine: Engine;
  /** The application the migrations belong to (Django's app label). */
  app?: string;
  /** Timestamps (Knex, Prisma) start after both this and the latest existing one. */
  now: Date;
  /** The plan's placeholders (for the comments that say how each is given). */
  placeholders: Placeholder[];
  /** Values given with `--set NAME=VALUE`: written in where the framework takes no parameters (Prisma). */
  values: Record<string, string>;
}

export interface FrameworkWriter {
  framework: 'sql' | 'django' | 'alembic' | 'prisma' | 'knex';
  existing(files: ExistingFile[]): ExistingMigrations;
  write(steps: MigrationStep[], existing: ExistingMigrations, options: WriteOptions): ScaffoldFile[];
  /** What the project's own configuration must do for the written steps to run as the plan means (said, not changed). */
  notes?(files: ExistingFile[], engine: Engine): string[];
}
