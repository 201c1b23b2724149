/**
 * Alembic: one revision per step, `<versions>/<revision>_<name>.py`, the first revising the existing
 * head (the revision no other revision names as its `down_revision`), each next one the one before.
 *
 * - Statements are `op.execute(sa.text(…).bindparams(…))` in `upgrade()` / `downgrade()`; placeholders
 *   are SQLAlchemy's `:name` (any other `:word` escaped), their values given as `alembic -x name=VALUE`
 *   (or `PLAN_<NAME>` in the environment), read only when the statement runs.
 * - Statements that must not run in a transaction, and batched loops, run inside
 *   `with op.get_context().autocommit_block():` (Alembic commits what ran before; each statement then
 *   commits on its own, each loop batch too). The rest of the revision stays transactional.
 * - A batched loop is a Python loop over the key range `bounds` returns; then `remaining` must be 0.
 * - The step's verify queries run at the end of `upgrade()` and raise when a value differs.
 * - A step split off from its task first repeats the session settings the task's earlier steps made.
 * - An irreversible step's `downgrade()` raises, with the plan's reason.
 *
 * Revision ids are the first 12 hex digits of a hash of the step's key and the revision it revises:
 * the same plan into the same history gives the same ids.
 */
import { createHash } from 'node:crypto';
import { PlanInputError } from '../errors.js';
import { renderPlaceholders } from '../sql/render.js';
import { declaredNames, MATCHES_PY, placeholderTable, pyString, pyValue } from './python.js';
import { markerOf, type ExistingFile, type ExistingMigrations, type FrameworkWriter, type MigrationStep, type ScaffoldFile, type StepStatement, type WriteOptions } from './steps.js';

export interface AlembicExisting extends ExistingMigrations {
  /** The versions folder relative to DIR (where the existing revisions are; `alembic/versions` when none). */
  folder: string;
}

const VERSION_FILE = /^(?:(.*)\/)?versions\/[^/]+\.py$/;
const DEFAULT_FOLDER = 'alembic/versions';

/** `revision = 'x'` (also `revision: str = 'x'`); `down_revision` as a list of ids (a merge has several). */
function revisionOf(text: string): { revision?: string; down: string[] } {
  const revision = /^revision(?:\s*:\s*[\w[\], ]+)?\s*=\s*['"]([^'"]+)['"]/m.exec(text)?.[1];
  const downText = /^down_revision(?:\s*:\s*[\w[\], .]+)?\s*=\s*(.+)$/m.exec(text)?.[1] ?? 'None';
  return { ...(revision ? { revision } : {}), down: [...downText.matchAll(/['"]([^'"]+)['"]/g)].map((m) => m[1]!) };
}

export function alembicExisting(files: ExistingFile[]): AlembicExisting {
  const found = files.filter((f) => VERSION_FILE.test(f.path)).map((f) => ({ file: f, ...revisionOf(f.text) })).filter((r) => r.revision);
  const folders = [...new Set(found.map((r) => r.file.path.replace(/\/[^/]+$/, '')))];
  if (folders.length > 1) {
    throw PlanInputError.single(`DIR holds Alembic revisions in ${folders.length} folders (${folders.join(', ')}): which one?`, {
      hint: 'run plan scaffold with --dir set to the project whose alembic.ini names one script location',
    });
  }
  const revised = new Set(found.flatMap((r) => r.down));
  const heads = found.filter((r) => !revised.has(r.revision!));
  if (heads.length > 1) {
    const last = heads.at(-1)!.file;
    throw PlanInputError.single(`the Alembic history has ${heads.length} heads (${heads.map((h) => h.revision).join(', ')}): a new revision would need to merge them`, {
      location: { file: last.path, line: last.text.slice(0, last.text.search(/^revision/m)).split('\n').length },
      hint: 'merge them first (alembic merge heads), then scaffold again',
    });
  }
  return { files: found.map((r) => r.file.path).sort(), ...(heads[0] ? { head: heads[0].revision! } : {}), next: found.length + 1, folder: folders[0] ?? DEFAULT_FOLDER };
}

const PY_KEYWORDS = new Set(['and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']);

/** `sa.text("…")`, with `.bindparams(name=_value("name"))` for the placeholders given now (not a loop's from/to). */
function text(sql: string, engine: WriteOptions['engine']): { python: string; names: string[] } {
  const rendered = renderPlaceholders(sql, engine, 'sqlalchemy');
  const names = rendered.names.filter((n) => n !== 'from' && n !== 'to');
  const arg = (n: string) => `_value(${pyString(n)})`;
  const binds = names.some((n) => PY_KEYWORDS.has(n))
    ? `**{${names.map((n) => `${pyString(n)}: ${arg(n)}`).join(', ')}}`
    : names.map((n) => `${n}=${arg(n)}`).join(', ');
  return { python: `sa.text(${pyString(rendered.text)})${names.length ? `.bindparams(${binds})` : ''}`, names };
}

const VALUE_PY = `def _value(name):
    """A placeholder's value: alembic -x NAME=VALUE, or PLAN_<NAME> in the environment."""
    value = context.get_x_argument(as_dictionary=True).get(name, os.environ.get('PLAN_' + name.upper()))
    if value is None:
        raise RuntimeError(f'placeholder {name} is not set: run alembic -x {name}=VALUE ... ({_PLACEHOLDERS.get(name, "")})')
    return value`;

const BATCHES_PY = `def _batches(statement, bounds, remaining, batch, pause_ms):
    """Runs statement over the keys [from, to), batch keys at a time, from the smallest to the largest
    key bounds returns, each batch committing on its own (in an autocommit block). Then remaining
    must return 0."""
    bind = op.get_bind()
    low, high = bind.execute(bounds).fetchone()
    if low is not None and high is not None:
        for start in range(int(low), int(high) + 1, batch):
            bind.execute(statement.bindparams(**{'from': start, 'to': start + batch}))
            time.sleep(pause_ms / 1000)
    left = bind.execute(remaining).scalar()
    if left != 0:
        raise RuntimeError(f'{left} rows remaining after the batches: {remaining}')`;

const VERIFY_PY = `def _verify(*checks):
    """The task's verify queries: each one's first value must be what the plan expects."""
    for query, expect, what in checks:
        row = op.get_bind().execute(query).fetchone()
        got = row[0] if row else None
        if not _matches(expect, got):
            raise RuntimeError(f'verify failed: {what}: expected {expect!r}, got {got!r}')`;

interface Lines { lines: string[]; names: string[] }

/** One statement as the Python that runs it. */
function statementLines(s: StepStatement, engine: WriteOptions['engine']): Lines {
  const run = text(s.run, engine);
  if (!s.loop) return { lines: [`op.execute(${run.python})`], names: run.names };
  const bounds = text(s.loop.bounds, engine);
  const remaining = text(s.loop.remaining, engine);
  return {
    lines: ['_batches(', `    ${run.python},`, `    ${bounds.python},`, `    ${remaining.python},`, `    batch=${s.loop.batch},`, `    pause_ms=${s.loop.pause_ms},`, ')'],
    names: [...run.names, ...bounds.names, ...remaining.names],
  };
}

/** A function body: transactional statements as they are, the others grouped in autocommit blocks. */
function body(list: StepStatement[], engine: WriteOptions['engine']): Lines {
  const lines: string[] = [];
  const names: string[] = [];
  let inBlock = false;
  for (const s of list) {
    const outside = !s.transaction || s.loop !== undefined;
    if (outside && !inBlock) lines.push('with op.get_context().autocommit_block():');
    inBlock = outside;
    const done = statementLines(s, engine);
    lines.push(...done.lines.map((l) => (outside ? `    ${l}` : l)));
    names.push(...done.names);
  }
  return { lines, names };
}

function revisionText(step: MigrationStep, revision: string, down: string | undefined, options: WriteOptions): string {
  // The session settings the task's earlier steps made come first: this revision may run in a session of its own.
  const up = body([...step.settings, ...step.up], options.engine);
  const checks = step.verify.map((v) => {
    const q = text(v.query, options.engine);
    return { line: `    (${q.python}, ${pyValue(v.expect)}, ${pyString(v.note ?? v.query)}),`, names: q.names };
  });
  if (checks.length) up.lines.push('_verify(', ...checks.map((c) => c.line), ')');
  const downBody: Lines = step.irreversible
    ? { lines: [`raise RuntimeError(${pyString(`irreversible: ${step.irreversible.replace(/\s+/g, ' ')}`)})`], names: [] }
    : step.down.length ? body(step.down, options.engine) : { lines: ['pass  # the task\'s down is in its first step'], names: [] };
  const names = declaredNames([up.names, checks.flatMap((c) => c.names), downBody.names]);
  const code = [...up.lines, ...downBody.lines].join('\n');
  const loops = code.includes('_batches(');
  const title = `${step.task.id} ${step.task.title}${step.parts > 1 ? ` (step ${step.part} of ${step.parts})` : ''}`;
  const fn = (name: string, lines: string[]) => `def ${name}():\n${(lines.length ? lines : ['pass']).map((l) => `    ${l}`).join('\n')}`;
  return [
    [`"""${title.replaceAll('\\', '\\\\').replaceAll('"""', '\\"\\"\\"')}`, '', `Revision ID: ${revision}`, `Revises: ${down ?? ''}`, `Create Date: ${options.now.toISOString()}`, '"""'].join('\n'),
    [
      `# ${markerOf(step)}`,
      '# Written by plan scaffold from the plan\'s statements; the plan is where to change them.',
      ...(names.length ? [`# Placeholders: alembic ${names.map((n) => `-x ${n}=VALUE`).join(' ')} upgrade head (or PLAN_${names[0]!.toUpperCase()}=… in the environment).`] : []),
      ...(names.length ? ['import os'] : []),
      ...(loops ? ['import time'] : []),
      ...(names.length || loops ? [''] : []),
      `from alembic import ${names.length ? 'context, op' : 'op'}`,
      'import sqlalchemy as sa',
    ].join('\n'),
    [`revision = ${pyString(revision)}`, `down_revision = ${down ? pyString(down) : 'None'}`, 'branch_labels = None', 'depends_on = None'].join('\n'),
    ...(names.length ? [placeholderTable(names, options.placeholders), VALUE_PY] : []),
    ...(loops ? [BATCHES_PY] : []),
    ...(checks.length ? [MATCHES_PY, VERIFY_PY] : []),
    fn('upgrade', up.lines),
    fn('downgrade', downBody.lines),
  ].join('\n\n\n') + '\n';
}

/**
 * Alembic runs every revision of one `alembic upgrade` in a single transaction unless env.py configures
 * `transaction_per_migration=True`: each step's locks (ACCESS EXCLUSIVE for SET NOT NULL, SHARE for a
 * plain index) would be held until the next autocommit block or the last revision commits, not for the
 * step alone. MySQL commits every DDL statement by itself, so there it does not matter.
 */
export function alembicNotes(files: ExistingFile[], engine: WriteOptions['engine']): string[] {
  if (engine === 'mysql') return [];
  const env = files.find((f) => /(^|\/)env\.py$/.test(f.path));
  if (env && /transaction_per_migration\s*=\s*True/.test(env.text)) return [];
  const where = env ? `${env.path} does not set` : 'no env.py under DIR; make sure context.configure() in env.py sets';
  return [`${where} transaction_per_migration=True: without it, alembic upgrade runs all these revisions in one transaction and holds each step's locks until the last one commits`];
}

export const alembic: FrameworkWriter = {
  framework: 'alembic',
  existing: alembicExisting,
  notes: alembicNotes,
  write(steps, existing, options) {
    const folder = (existing as Partial<AlembicExisting>).folder ?? DEFAULT_FOLDER;
    let down = existing.head;
    return steps.map((step): ScaffoldFile => {
      const revision = createHash('sha256').update(`${step.key}\n${down ?? ''}`).digest('hex').slice(0, 12);
      const file = { path: `${folder}/${revision}_${step.name}.py`, text: revisionText(step, revision, down, options) };
      down = revision;
      return file;
    });
  },
};
