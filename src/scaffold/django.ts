/**
 * Django: one migration per step, `<app>/migrations/NNNN_<name>.py`, numbered after the app's highest
 * existing number and chained from the app's leaf (the migration no other migration of the app depends
 * on, read from the files' `dependencies`), so the app still has one leaf at the end.
 *
 * - Plain statements are `migrations.RunSQL(sql, reverse_sql)`; a step whose statements must not run in
 *   a transaction (the step cutter puts each alone) gets `atomic = False`, so Django runs it in
 *   autocommit.
 * - A statement with placeholders is an `(sql, params)` pair: `%(name)s` on PostgreSQL (DB-API
 *   pyformat); on SQLite `:name` with every other `%` doubled, which Django's SQLite cursor passes to
 *   sqlite3 unchanged in 3.2 and rewrites to the same in 4.x. The values are read from the environment
 *   (`PLAN_<NAME>`) only when the statement runs, so `showmigrations` and `makemigrations` need none.
 * - A batched loop is a `RunPython` with a real loop over the key range (`bounds`), one statement per
 *   batch (each its own transaction in the non-atomic migration), then `remaining` must return 0.
 * - The step's verify queries are a `RunPython` after its statements that raises when a value differs,
 *   so `migrate` stops at the step that did not do what the plan says.
 * - In a migration that is not atomic, statements that may share a transaction still do: two or more
 *   of them are one `RunPython(_statements(…), atomic=True)`.
 * - A step whose down is not one run of plain statements gets one operation per run: the down's runs
 *   first with a no-op forward (Django reverses operations last to first, so they run last, in order),
 *   then the up's runs with a no-op reverse.
 * - A step split off from its task first repeats the session settings (`SET lock_timeout …`) the task's
 *   earlier steps made: `migrate core 0014` may start a new session there.
 * - An irreversible step leaves its reverse out, so `migrate app <earlier>` refuses it (IrreversibleError).
 */
import { PlanInputError } from '../errors.js';
import { renderPlaceholders } from '../sql/render.js';
import { declaredNames, MATCHES_PY, placeholderTable, pyString, pyValue, runsOf, type Run } from './python.js';
import { markerOf, type ExistingFile, type ExistingMigrations, type FrameworkWriter, type MigrationStep, type ScaffoldFile, type StepStatement, type WriteOptions } from './steps.js';

/** One app's migrations folder as found in DIR. */
interface AppMigrations {
  /** The app's folder relative to DIR (`apps/core`), '' when DIR is the app itself. */
  folder: string;
  /** Its label as dependencies name it: the folder's last part. */
  label: string;
  files: string[];
  leaf?: string;
  next: number;
}

export interface DjangoExisting extends ExistingMigrations {
  apps: AppMigrations[];
}

const MIGRATION_FILE = /^(?:(.*)\/)?migrations\/(\d{4})_(\w+)\.py$/;

/** `('core', '0002_backfill')` pairs of a migration's `dependencies` list. */
function dependenciesOf(text: string): Array<[string, string]> {
  const list = /^\s*dependencies\s*=\s*\[([\s\S]*?)\]/m.exec(text)?.[1] ?? '';
  return [...list.matchAll(/\(\s*['"]([\w.]+)['"]\s*,\s*['"](\w+)['"]\s*\)/g)].map((m) => [m[1]!, m[2]!]);
}

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  return at < 0 ? 1 : text.slice(0, at).split('\n').length;
}

export function djangoExisting(files: ExistingFile[]): DjangoExisting {
  const byFolder = new Map<string, ExistingFile[]>();
  for (const f of files) {
    const m = MIGRATION_FILE.exec(f.path);
    if (!m) continue;
    const folder = m[1] ?? '';
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), f]);
  }
  const apps = [...byFolder.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([folder, list]): AppMigrations => {
    const label = folder.split('/').at(-1) ?? '';
    const names = list.map((f) => f.path.replace(/^.*\//, '').replace(/\.py$/, ''));
    // A leaf: a migration of this app that no migration of this app depends on.
    const needed = new Set(list.flatMap((f) => dependenciesOf(f.text).filter(([app]) => app === label || label === '').map(([, name]) => name)));
    const leaves = names.filter((n) => !needed.has(n)).sort();
    if (leaves.length > 1) {
      const last = list.find((f) => f.path.endsWith(`/${leaves.at(-1)}.py`) || f.path === `migrations/${leaves.at(-1)}.py`)!;
      throw PlanInputError.single(`the app ${label || '(DIR)'} already has ${leaves.length} leaf migrations (${leaves.join(', ')}): Django refuses to migrate it`, {
        location: { file: last.path, line: lineOf(last.text, 'dependencies') },
        hint: `merge them first (python manage.py makemigrations --merge ${label}), then scaffold again`,
      });
    }
    const next = Math.max(0, ...list.map((f) => Number(MIGRATION_FILE.exec(f.path)![2]))) + 1;
    return { folder, label, files: list.map((f) => f.path).sort(), ...(leaves[0] ? { leaf: leaves[0] } : {}), next };
  });
  const only = apps.length === 1 ? apps[0] : undefined;
  return { files: apps.flatMap((a) => a.files), ...(only?.leaf ? { head: only.leaf } : {}), next: only?.next ?? 1, apps };
}

/** The app the migrations go to: `--app` (a label or a folder), or the only app DIR has migrations for. */
function targetApp(existing: ExistingMigrations, app: string | undefined): AppMigrations {
  const apps = (existing as Partial<DjangoExisting>).apps ?? [];
  // DIR may be the app's own folder (migrations/ right in it): its label is then only known from --app.
  const own = apps.find((a) => a.folder === '');
  if (app) {
    const found = apps.find((a) => a.folder === app || a.label === app) ?? (own && apps.length === 1 ? { ...own, label: app } : undefined);
    return found ?? { folder: app, label: app.split('/').at(-1)!, files: [], next: 1 };
  }
  if (apps.length === 1 && !own) return apps[0]!;
  throw PlanInputError.single(apps.length === 0
    ? 'no Django app to write migrations for: DIR has no <app>/migrations/NNNN_*.py'
    : own ? 'DIR is a Django app folder (migrations/ in it): which app label do its migrations have?'
      : `DIR has migrations for ${apps.length} apps (${apps.map((a) => a.label).join(', ')}): which one?`, {
    hint: 'name the app with --app LABEL (its folder relative to DIR also works)',
  });
}

/** A statement as Django runs it: the text alone, or `(text, _Values(names…))` when it takes placeholders. */
function statement(sql: string, engine: WriteOptions['engine']): { python: string; names: string[] } {
  const { names } = renderPlaceholders(sql, engine, 'pyformat');
  if (names.length === 0) return { python: pyString(sql), names };
  // Django 3.2's SQLite cursor leaves %(name)s alone; sqlite3's own :name works there and in 4.x.
  const text = engine === 'sqlite' ? renderPlaceholders(sql, engine, 'sqlite3').text.replaceAll('%', '%%') : renderPlaceholders(sql, engine, 'pyformat').text;
  return { python: `(${pyString(text)}, _Values(${names.map(pyString).join(', ')}))`, names };
}

/** A query that may take placeholders, as the `(sql, params)` pair cursor.execute takes. */
function query(sql: string, engine: WriteOptions['engine']): { python: string; names: string[] } {
  const s = statement(sql, engine);
  return { python: s.names.length ? s.python : `(${s.python}, None)`, names: s.names };
}

const indent = (text: string, by: string) => text.split('\n').map((l) => (l ? by + l : l)).join('\n');

const VALUES_PY = `class _Values(dict):
    """The placeholders a statement takes, read from the environment (PLAN_<NAME>) only when it runs."""

    def __init__(self, *names, **given):
        super().__init__()
        self._names = names
        self._given = given

    def with_(self, **given):
        return _Values(*self._names, **{**self._given, **given})

    def __getitem__(self, name):
        if name in self._given:
            return self._given[name]
        value = os.environ.get('PLAN_' + name.upper())
        if value is None:
            raise RuntimeError(f'placeholder {name} is not set: run with PLAN_{name.upper()}=VALUE in the environment ({_PLACEHOLDERS.get(name, "")})')
        return value

    def __iter__(self):
        return iter(self._names)

    def __len__(self):
        return len(self._names)

    def __contains__(self, name):
        return name in self._names

    def keys(self):
        return list(self._names)

    def values(self):
        return [self[name] for name in self._names]

    def items(self):
        return [(name, self[name]) for name in self._names]`;

const BATCHES_PY = `def _batches(statement, bounds, remaining, batch, pause_ms):
    """Runs statement over the keys [from, to), batch keys at a time, from the smallest to the largest
    key bounds returns; each batch is its own transaction (the migration is not atomic). Then
    remaining must return 0."""

    def run(apps, schema_editor):
        sql, params = statement
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(*bounds)
            low, high = cursor.fetchone()
            if low is not None and high is not None:
                for start in range(int(low), int(high) + 1, batch):
                    cursor.execute(sql, params.with_(**{'from': start, 'to': start + batch}))
                    time.sleep(pause_ms / 1000)
            cursor.execute(*remaining)
            left = cursor.fetchone()[0]
        if left != 0:
            raise RuntimeError(f'{left} rows remaining after the batches: {remaining[0]}')

    return run`;

const STATEMENTS_PY = `def _statements(*statements):
    """Statements that share one transaction (the RunPython is atomic) in a migration that is not."""

    def run(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)

    return run`;

const VERIFY_PY = `def _verify(*checks):
    """The task's verify queries: each one's first value must be what the plan expects."""

    def run(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            for (sql, params), expect, what in checks:
                cursor.execute(sql, params)
                row = cursor.fetchone()
                got = row[0] if row else None
                if not _matches(expect, got):
                    raise RuntimeError(f'verify failed: {what}: expected {expect!r}, got {got!r}')

    return run`;

interface Operation { python: string; names: string[] }

const NOOP_SQL = 'migrations.RunSQL.noop';
const NOOP_PYTHON = 'migrations.RunPython.noop';

/** `migrations.Kind(\n    arg,\n    …\n)`. */
const call = (kind: string, args: string[]) => `migrations.${kind}(\n${indent(args.join(',\n'), '    ')},\n)`;

/** A run of plain statements as RunSQL's list. */
function sqlList(statements: StepStatement[], engine: WriteOptions['engine']): Operation {
  const list = statements.map((s) => statement(s.run, engine));
  return { python: `[\n${list.map((s) => `    ${s.python},`).join('\n')}\n]`, names: list.flatMap((s) => s.names) };
}

/** A batched loop as the `_batches(…)` RunPython runs. */
function batches(run: Extract<Run, { kind: 'loop' }>, engine: WriteOptions['engine']): Operation {
  const { run: text, loop } = run.statement;
  const parts = [statement(text, engine), query(loop.bounds, engine), query(loop.remaining, engine)];
  return {
    python: `_batches(\n    ${parts.map((p) => p.python).join(',\n    ')},\n    batch=${loop.batch},\n    pause_ms=${loop.pause_ms},\n)`,
    names: parts.flatMap((p) => p.names),
  };
}

/**
 * In a migration that is not atomic, a run's statements that may share a transaction are one group
 * (run in one by an atomic RunPython), each other statement alone (autocommit).
 */
function byTransaction(runs: Run[]): Run[] {
  return runs.flatMap((run): Run[] => {
    if (run.kind === 'loop') return [run];
    const groups: StepStatement[][] = [];
    for (const s of run.statements) {
      const last = groups.at(-1);
      if (s.transaction && last?.[0]?.transaction) last.push(s);
      else groups.push([s]);
    }
    return groups.map((statements) => ({ kind: 'sql', statements }));
  });
}

/** Statements that must share a transaction where the migration gives none: `_statements(…)` in an atomic RunPython. */
function atomicGroup(statements: StepStatement[], engine: WriteOptions['engine']): Operation {
  const list = statements.map((s) => query(s.run, engine));
  return { python: `_statements(\n${list.map((q) => `    ${q.python},`).join('\n')}\n)`, names: list.flatMap((q) => q.names) };
}

/** One run as an operation doing it one way and nothing the other (or refusing to: `refuse`). */
function runOperation(run: Run, engine: WriteOptions['engine'], direction: 'forward' | 'reverse', refuse = false, atomic = true): Operation {
  const grouped = !atomic && run.kind === 'sql' && run.statements.length > 1;
  const done = grouped ? atomicGroup(run.statements, engine) : run.kind === 'sql' ? sqlList(run.statements, engine) : batches(run, engine);
  const [kind, noop] = run.kind === 'sql' && !grouped ? ['RunSQL', NOOP_SQL] : ['RunPython', NOOP_PYTHON];
  const args = direction === 'reverse' ? [noop, done.python] : [done.python, ...(refuse ? [] : [noop])];
  return { python: call(kind!, [...args, ...(grouped ? ['atomic=True'] : [])]), names: done.names };
}

function operationsOf(step: MigrationStep, engine: WriteOptions['engine']): Operation[] {
  // The session settings the task's earlier steps made come first: this migration may run in a session of its own.
  const cut = step.atomic ? (runs: Run[]) => runs : byTransaction;
  const up = cut(runsOf([...step.settings, ...step.up]));
  const down = cut(runsOf(step.down));
  const refuse = step.irreversible !== undefined;
  const ops: Operation[] = [];
  const plain = (runs: Run[]) => runs.every((r) => r.kind === 'sql');
  const alone = (runs: Run[]) => step.atomic || runs.every((r) => r.kind === 'sql' && r.statements.length === 1);
  if (up.length === 1 && down.length <= 1 && plain(up) && plain(down) && alone(up) && alone(down)) {
    // The common case, as a person writes it: one RunSQL(sql, reverse_sql).
    const forward = sqlList((up[0] as Extract<Run, { kind: 'sql' }>).statements, engine);
    const reverse = down[0] ? sqlList((down[0] as Extract<Run, { kind: 'sql' }>).statements, engine) : undefined;
    const reverseArg = reverse ? reverse.python : refuse ? undefined : NOOP_SQL;
    ops.push({ python: call('RunSQL', [`sql=${forward.python}`, ...(reverseArg ? [`reverse_sql=${reverseArg}`] : [])]), names: [...forward.names, ...(reverse?.names ?? [])] });
  } else {
    for (const run of [...down].reverse()) ops.push(runOperation(run, engine, 'reverse', false, step.atomic));
    for (const run of up) ops.push(runOperation(run, engine, 'forward', refuse, step.atomic));
  }
  if (step.verify.length) {
    const checks = step.verify.map((v) => {
      const q = query(v.query, engine);
      return { python: `(${q.python}, ${pyValue(v.expect)}, ${pyString(v.note ?? v.query)})`, names: q.names };
    });
    ops.push({ python: call('RunPython', [`_verify(\n${checks.map((c) => `    ${c.python},`).join('\n')}\n)`, NOOP_PYTHON]), names: checks.flatMap((c) => c.names) });
  }
  return ops;
}

/** Why a step is not atomic: its statement that must run outside a transaction, on one line. */
function whyNotAtomic(step: MigrationStep): string {
  const all: StepStatement[] = [...step.up, ...step.down];
  const first = all.find((s) => s.loop) ?? all.find((s) => !s.transaction)!;
  if (first.loop) return 'a batched loop: each batch commits on its own';
  const text = first.run.replace(/\s+/g, ' ');
  return `outside a transaction: ${text.length > 60 ? `${text.slice(0, 59)}…` : text}`;
}

function migrationText(step: MigrationStep, dependency: [string, string] | undefined, options: WriteOptions): string {
  const ops = operationsOf(step, options.engine);
  const names = declaredNames(ops.map((o) => o.names));
  const python = ops.map((o) => o.python).join('\n');
  const loops = python.includes('_batches(');
  const verifies = python.includes('_verify(');
  const groups = python.includes('_statements(');
  const title = `${step.task.id} ${step.task.title}${step.parts > 1 ? ` (step ${step.part} of ${step.parts})` : ''}`;
  const header = [
    `# ${markerOf(step)}`,
    `# ${title}`,
    '# Written by plan scaffold from the plan\'s statements; the plan is where to change them.',
    ...(names.length ? [`# Placeholders, from the environment when it runs: ${names.map((n) => `PLAN_${n.toUpperCase()}`).join(', ')}.`] : []),
    ...(step.irreversible ? [`# Irreversible: ${step.irreversible.replace(/\s+/g, ' ')}`] : []),
  ];
  const imports = [...(names.length || loops ? ['import os'] : []), ...(loops ? ['import time'] : [])];
  const helpers = [
    ...(names.length || loops ? [placeholderTable(names, options.placeholders), VALUES_PY] : []),
    ...(loops ? [BATCHES_PY] : []),
    ...(groups ? [STATEMENTS_PY] : []),
    ...(verifies ? [MATCHES_PY, VERIFY_PY] : []),
  ];
  const body = [
    'class Migration(migrations.Migration):',
    ...(step.atomic ? [] : [`    atomic = False  # ${whyNotAtomic(step)}`, '']),
    `    dependencies = [${dependency ? `\n        (${pyString(dependency[0])}, ${pyString(dependency[1])}),\n    ` : ''}]`,
    '',
    '    operations = [',
    ...ops.map((o) => `${indent(o.python, '        ')},`),
    '    ]',
  ];
  return [
    header.join('\n'),
    [...imports, ...(imports.length ? [''] : []), 'from django.db import migrations'].join('\n'),
    ...helpers,
    body.join('\n'),
  ].join('\n\n\n') + '\n';
}

export const django: FrameworkWriter = {
  framework: 'django',
  existing: djangoExisting,
  write(steps, existing, options) {
    const app = targetApp(existing, options.app);
    const dir = app.folder ? `${app.folder}/migrations` : 'migrations';
    let previous: [string, string] | undefined = app.leaf ? [app.label, app.leaf] : undefined;
    return steps.map((step, i): ScaffoldFile => {
      const name = `${String(app.next + i).padStart(4, '0')}_${step.name}`;
      const file = { path: `${dir}/${name}.py`, text: migrationText(step, previous, options) };
      previous = [app.label, name];
      return file;
    });
  },
};
