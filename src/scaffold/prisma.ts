/**
 * Prisma: `prisma/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql`, timestamped after the latest folder
 * there (and after now), one second apart. Prisma runs migration.sql as it is, without parameters, so
 * each placeholder's value is written in (`--set name=value`; a missing one is an error naming it).
 *
 * Prisma sends a migration.sql to the database as one batch, which PostgreSQL runs as one implicit
 * transaction when it holds more than one statement; a single statement runs on its own. So a step
 * that must not run in a transaction (CREATE INDEX CONCURRENTLY, a loop committing per batch) is a
 * migration of exactly one statement, and an atomic step needs no BEGIN / COMMIT.
 *
 * Prisma has no down migrations: each folder also holds `down.sql` (Prisma's own advice for rolling
 * back, applied with `prisma db execute --file` or psql) and `verify.sql` (checks that fail when they do
 * not hold); Prisma reads only migration.sql.
 */
import { PlanInputError } from '../errors.js';
import { syntaxFor } from '../sql/render.js';
import { scriptOf } from './sql.js';
import { failWhenNot, loopStatements, rendered, terminated, verifyStatement, type Render } from './sql-text.js';
import { markerOf, type ExistingFile, type ExistingMigrations, type FrameworkWriter, type MigrationStep, type ScaffoldFile, type WriteOptions } from './steps.js';

const FOLDER = /^prisma\/migrations\/(\d{14})_([^/]+)\/migration\.sql$/;

/** `20261123204501` for a date (UTC), as Prisma names its folders. */
export function timestampOf(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** The date of a `YYYYMMDDHHMMSS` stamp (UTC). */
export function dateOf(stamp: string): Date {
  return new Date(`${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(8, 10)}:${stamp.slice(10, 12)}:${stamp.slice(12, 14)}Z`);
}

/** Timestamps for `count` new migrations: one second apart, after both `now` and the latest existing one. */
export function nextStamps(latest: string | undefined, now: Date, count: number): string[] {
  const after = latest ? dateOf(latest).getTime() + 1000 : 0;
  const start = Math.max(Math.floor(now.getTime() / 1000) * 1000, after);
  return Array.from({ length: count }, (_, i) => timestampOf(new Date(start + i * 1000)));
}

/** Whether the step's up is one statement that must not run in a transaction (or a loop): migration.sql must hold it alone. */
const alone = (step: MigrationStep) => step.up.length === 1 && (!step.up[0]!.transaction || step.up[0]!.loop !== undefined);

/**
 * migration.sql of a step: its statements (a transactional run, or one statement alone). The settings
 * the task's earlier steps made come first, except before a statement that must stay alone: there they
 * are named in a comment, to be set on the role or the connection instead.
 */
function migrationSql(step: MigrationStep, r: Render): string[] {
  const settings = step.settings.map((s) => terminated(rendered(s.run, r).text));
  if (alone(step) && settings.length) {
    return [`-- Prisma runs this statement alone: the task's session settings (${settings.join(' ')}) must be set on the role or in the connection URL (options=-c name=value).`,
      ...migrationStatement(step, r)];
  }
  return [...settings, ...migrationStatement(step, r)];
}

function migrationStatement(step: MigrationStep, r: Render): string[] {
  const [only] = step.up;
  // The loop's `remaining` check goes to verify.sql: migration.sql must stay one statement.
  if (only?.loop) return [loopStatements({ ...only, loop: only.loop }, r).texts[0]!];
  return step.up.map((s) => terminated(rendered(s.run, r).text));
}

export const prismaWriter: FrameworkWriter = {
  framework: 'prisma',
  existing(files: ExistingFile[]): ExistingMigrations {
    const ours = files.map((f) => f.path).filter((p) => FOLDER.test(p)).sort();
    const last = ours.at(-1);
    return { files: ours, ...(last ? { head: FOLDER.exec(last)![1]! } : {}), next: ours.length + 1 };
  },
  write(steps: MigrationStep[], existing: ExistingMigrations, options: WriteOptions): ScaffoldFile[] {
    if (options.engine === 'mongodb') throw PlanInputError.single('Prisma SQL migrations need an SQL database; this plan is on MongoDB');
    const r: Render = { engine: options.engine, syntax: syntaxFor('prisma', options.engine), values: options.values };
    const stamps = nextStamps(existing.head, options.now, steps.length);
    return steps.flatMap((step, i) => {
      const folder = `prisma/migrations/${stamps[i]}_${step.name}`;
      const title = `${step.task.id}: ${step.task.title.replaceAll('\n', ' ')}${step.parts > 1 ? ` (step ${step.part} of ${step.parts})` : ''}`;
      const head = [`-- ${markerOf(step)}`, `-- ${title}`];
      const migration = [...head,
        ...(!alone(step) ? [] : ['-- One statement alone: it must not run in a transaction, and Prisma runs a single statement outside one.']),
        ...migrationSql(step, r)];
      const down = scriptOf(step.down, r);
      const downSql = [...head,
        ...(step.irreversible
          ? [`-- Cannot be undone: ${step.irreversible.replaceAll('\n', ' ')}`, failWhenNot(r.engine, '1 = 0', `${step.task.id} cannot be undone: restore from the backup`)]
          : step.part === 1
            ? ['-- Roll back with: psql -v ON_ERROR_STOP=1 -f down.sql (statement by statement: a statement here may not run in a transaction).', ...down.lines]
            : [`-- Nothing: the rollback of ${step.task.id} as a whole is in its step 1, rolled back after this one.`])];
      const loop = step.up.find((s) => s.loop);
      const checks = [
        ...(loop?.loop ? [loopStatements({ ...loop, loop: loop.loop }, r).texts.slice(1).join('\n')] : []),
        ...step.verify.map((v) => verifyStatement(v, r).text),
      ];
      const verify = [...head, ...(checks.length ? ['-- Each check fails when it does not hold.', ...checks] : ['SELECT 1;'])];
      const at = (name: string, lines: string[]): ScaffoldFile => ({ path: `${folder}/${name}`, text: `${lines.join('\n')}\n` });
      return [at('migration.sql', migration), at('down.sql', downSql), at('verify.sql', verify)];
    });
  },
};
