/**
 * Plain SQL, Sqitch's triplet per step: `deploy/NNN_name.sql`, `revert/NNN_name.sql`,
 * `verify/NNN_name.sql`, numbered after the highest NNN the folder holds. Run by the engine's client:
 * `psql -v ON_ERROR_STOP=1 -v name=VALUE -f …` (placeholders are psql variables, checked before anything
 * runs), `sqlite3 -bail DB ".parameter set :name VALUE" ".read …"`, or the mysql client after `SET @name`.
 * A step's transactional statements run in BEGIN / COMMIT; a statement that must not is left bare.
 * A verify file fails (with ON_ERROR_STOP / -bail) when a check does not hold.
 */
import { PlanInputError } from '../errors.js';
import { placeholderGuard, syntaxFor } from '../sql/render.js';
import { inTransactions, loopStatements, rendered, terminated, verifyStatement, failWhenNot, type Render } from './sql-text.js';
import { atomicAll, markerOf, type ExistingFile, type ExistingMigrations, type FrameworkWriter, type MigrationStep, type ScaffoldFile, type StepStatement, type WriteOptions } from './steps.js';

const FILE = /^(deploy|revert|verify)\/(\d+)_([^/]+)\.sql$/;

/** How a file of the step is run, for its header. */
function howToRun(engine: Render['engine'], path: string, names: string[]): string {
  switch (engine) {
    case 'postgres': return `psql -v ON_ERROR_STOP=1${names.map((n) => ` -v ${n}=VALUE`).join('')} -f ${path}`;
    case 'sqlite': return `sqlite3 -bail DATABASE${names.map((n) => ` ".parameter set :${n} VALUE"`).join('')} ".read ${path}"`;
    // Not the client's `source`: an error in a sourced file does not stop the run.
    default: return `mysql${names.length ? ` --init-command="${names.map((n) => `SET @${n} = 'VALUE'`).join('; ')}"` : ''} DATABASE < ${path}`;
  }
}

/** A list of statements as script lines, loops written out, runs of transactional statements in BEGIN / COMMIT. */
export function scriptOf(list: StepStatement[], r: Render): { lines: string[]; names: string[]; notes: string[] } {
  const names: string[] = [];
  const notes: string[] = [];
  const items = list.flatMap((s) => {
    if (s.loop) {
      const loop = loopStatements({ ...s, loop: s.loop }, r);
      names.push(...loop.names);
      if (loop.note) notes.push(loop.note);
      return loop.texts.map((text) => ({ text, transaction: false }));
    }
    const { text, names: used } = rendered(s.run, r);
    names.push(...used);
    return [{ text: terminated(text), transaction: s.transaction }];
  });
  return { lines: inTransactions(items), names, notes };
}

const OUTSIDE = '-- Not in a transaction: a statement here cannot run inside one (or commits batch by batch).';

function header(step: MigrationStep, what: string): string[] {
  return [
    `-- ${markerOf(step)}`,
    `-- ${what} ${step.task.id}: ${step.task.title.replaceAll('\n', ' ')}${step.parts > 1 ? ` (step ${step.part} of ${step.parts})` : ''}`,
  ];
}

function file(path: string, lines: string[]): ScaffoldFile {
  return { path, text: `${lines.join('\n')}\n` };
}

export const sqlWriter: FrameworkWriter = {
  framework: 'sql',
  existing(files: ExistingFile[]): ExistingMigrations {
    const ours = files.map((f) => f.path).filter((p) => FILE.test(p)).sort();
    const deploys = ours.map((p) => FILE.exec(p)!).filter((m) => m[1] === 'deploy');
    const top = Math.max(0, ...ours.map((p) => Number(FILE.exec(p)![2])));
    const head = deploys.sort((a, b) => Number(a[2]) - Number(b[2])).at(-1);
    return { files: ours, ...(head ? { head: `${head[2]}_${head[3]}` } : {}), next: top + 1 };
  },
  write(steps: MigrationStep[], existing: ExistingMigrations, options: WriteOptions): ScaffoldFile[] {
    if (options.engine === 'mongodb') throw PlanInputError.single('plain SQL migrations need an SQL database; this plan is on MongoDB');
    const r: Render = { engine: options.engine, syntax: syntaxFor('sql', options.engine), values: options.values };
    const width = Math.max(3, String(existing.next + steps.length - 1).length);
    return steps.flatMap((step, i) => {
      const stem = `${String(existing.next + i).padStart(width, '0')}_${step.name}`;
      const guarded = (script: { lines: string[]; names: string[] }) => [...placeholderGuard([...new Set(script.names)], r.syntax), ...script.lines];
      // The settings earlier steps of the task made: this file runs in a session of its own.
      const up = scriptOf([...step.settings, ...step.up], r);
      const deploy = [
        ...header(step, 'Deploys'),
        `-- Run: ${howToRun(r.engine, `deploy/${stem}.sql`, [...new Set(up.names)])}`,
        // A step is not atomic when only its down must run outside a transaction: say so where it is true.
        ...(atomicAll(step.up) ? [] : [OUTSIDE]),
        ...up.notes.map((n) => `-- Note: ${n}.`),
        ...guarded(up),
      ];
      const down = scriptOf(step.down, r);
      const revert = [
        ...header(step, 'Reverts'),
        ...(step.irreversible
          ? [`-- Cannot be undone: ${step.irreversible.replaceAll('\n', ' ')}`, failWhenNot(r.engine, '1 = 0', `${step.task.id} cannot be undone: restore from the backup`)]
          : step.part === 1
            ? [`-- Run: ${howToRun(r.engine, `revert/${stem}.sql`, [...new Set(down.names)])}`, ...(atomicAll(step.down) ? [] : [OUTSIDE]), ...down.notes.map((n) => `-- Note: ${n}.`),
              ...(step.parts > 1 ? [`-- The whole task's revert: its later steps' reverts are empty, so reverting them all, newest first, ends here.`] : []),
              ...guarded(down)]
            : [`-- Nothing: the revert of ${step.task.id} as a whole is in its step 1, which runs after this one when rolling back.`]),
      ];
      const checks = step.verify.map((v) => verifyStatement(v, r));
      const verify = [
        ...header(step, 'Verifies'),
        ...(checks.length
          ? [`-- Each check fails (stopping the script) when it does not hold.`,
            ...placeholderGuard([...new Set(checks.flatMap((c) => c.names))], r.syntax),
            ...step.verify.flatMap((v, k) => [...(v.note ? [`-- ${v.note.replaceAll('\n', ' ')}`] : []), checks[k]!.text])]
          : [step.part < step.parts ? `-- Nothing yet: ${step.task.id}'s checks are in its last step.` : '-- The task has no checks.', 'SELECT 1;']),
      ];
      return [file(`deploy/${stem}.sql`, deploy), file(`revert/${stem}.sql`, revert), file(`verify/${stem}.sql`, verify)];
    });
  },
};
