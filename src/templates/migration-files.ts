/**
 * The files a plan names: migration files as each framework names and orders them, and application
 * files in the application's language and layout. Both are decided for the whole plan, not by the partial
 * that mentions one: a migration's number is its place in the plan's one chain (task order, then statement
 * order), and a task whose statements cannot share a transaction names one migration per such statement.
 *
 * Partials emit tokens (`migrationToken`, `applyToken`, `appFileToken`); `nameFiles` replaces them in the
 * rendered text once the plan's tasks and statements are known.
 */
import { parse } from 'yaml';
import { PlanInputError } from '../errors.js';
import type { EngineDefinition } from './engines.js';

export const FRAMEWORK_NAMES = ['sql', 'prisma', 'django', 'alembic', 'knex'] as const;
export const APP_LANGUAGES = ['auto', 'typescript', 'javascript', 'python', 'ruby', 'go', 'java'] as const;

/** What decides a file's name besides the template: the plan's `framework`, `app_language`, `app_dir`, `migration_start`. */
export interface FileSettings {
  framework: string;
  appLanguage: string;
  appDir: string;
  migrationStart: string;
}

/**
 * How a framework orders its migrations: by a number (Django: four digits, one chain per app; Alembic: the
 * revision id, chained by down_revision; plain files: three digits) or by a timestamp (Prisma's folders and
 * Knex's files sort by name, `YYYYMMDDHHMMSS_name`, and must sort after the ones already applied).
 */
interface Framework {
  order: { kind: 'number'; width: number; first: number } | { kind: 'timestamp' };
  file: (prefix: string, name: string, s: { appDir: string; language: string; engine: EngineDefinition }) => string;
  /**
   * The command that applies a task's migrations and no later ones: the files are all written before the
   * first task runs (`plan scaffold`), so "apply everything pending" in task 1 would run task 8's NOT NULL too.
   */
  apply: (engine: EngineDefinition, files: readonly string[]) => string;
  noTransaction: string;
}

/** Where each migration framework keeps a migration, and how it is applied (each framework's documented layout). */
export const FRAMEWORKS: Record<string, Framework> = {
  // Plain files are the engine's own: SQL, or for MongoDB mongosh scripts.
  sql: { order: { kind: 'number', width: 3, first: 1 }, file: (n, name, s) => `migrations/${n}_${name}.${s.engine.migrations.extension}`,
    apply: (engine, files) => eachFile(engine.migrations.apply, files), noTransaction: 'run this file on its own, without BEGIN/COMMIT around it' },
  // migrate deploy applies every folder present and takes no target: the task's folders are the last ones merged.
  prisma: { order: { kind: 'timestamp' }, file: (n, name) => `prisma/migrations/${n}_${name}/migration.sql`,
    apply: (_, files) => (files.length ? `npx prisma migrate deploy with the folders up to ${folderName(files.at(-1)!)} and none after (it applies every folder present)` : 'npx prisma migrate deploy'),
    noTransaction: 'put it in a migration of its own: a statement that cannot run in a transaction must be alone in migration.sql' },
  // 0001 is the app's own initial migration: the plan's chain starts after it unless told where.
  django: { order: { kind: 'number', width: 4, first: 2 }, file: (n, name, s) => `${s.appDir}/migrations/${n}_${name}.py`,
    apply: (_, files) => (files.length ? `python manage.py migrate ${folderName(files.at(-1)!.replace(/\/migrations\/[^/]*$/, ''))} ${stem(files.at(-1)!)}` : 'python manage.py migrate'),
    noTransaction: 'a migration of its own with atomic = False on the Migration class (AddIndexConcurrently for indexes)' },
  // The number is the revision id (`alembic revision --rev-id 0003`), each down_revision the one before.
  alembic: { order: { kind: 'number', width: 4, first: 1 }, file: (n, name) => `alembic/versions/${n}_${name}.py`,
    apply: (_, files) => `alembic upgrade ${files.length ? stem(files.at(-1)!).split('_')[0] : 'head'}`,
    noTransaction: 'a migration of its own, the statement in `with op.get_context().autocommit_block():`' },
  knex: { order: { kind: 'timestamp' }, file: (n, name, s) => `migrations/${n}_${name}.${s.language === 'typescript' ? 'ts' : 'js'}`,
    apply: (_, files) => (files.length ? files.map((f) => `npx knex migrate:up ${folderName(f)}`).join(' && ') : 'npx knex migrate:latest'),
    noTransaction: 'a migration of its own exporting `config = { transaction: false }`' },
};

/** The last part of a path: a Django app's label, a Prisma folder, a Knex file. */
const folderName = (path: string) => path.replace(/\/migration\.sql$/, '').split('/').at(-1)!;
const stem = (path: string) => folderName(path).replace(/\.\w+$/, '');
const eachFile = (command: string, files: readonly string[]) =>
  command.includes('FILE') && files.length ? files.map((f) => command.replace('FILE', f)).join(' && ') : command;

export function frameworkNamed(name: string): Framework {
  const fw = FRAMEWORKS[name];
  if (!fw) throw new Error(`unknown framework "${name}"`);
  return fw;
}

/**
 * The settings from a plan's parameters; a template that declares none of them gets the defaults (plain
 * files, the language the framework implies, its usual folder).
 */
export function fileSettings(parameters: Readonly<Record<string, unknown>>): FileSettings {
  const str = (name: string, fallback: string) => (typeof parameters[name] === 'string' ? (parameters[name] as string) : fallback);
  const appDir = str('app_dir', '').trim();
  // A path the plan names in YAML and a scaffold would write under: relative, inside the repository.
  if (appDir !== '' && (!/^[A-Za-z0-9_][\w.\/-]*$/.test(appDir) || appDir.split('/').includes('..'))) {
    throw PlanInputError.single(`parameter "app_dir": "${appDir}" is not a relative folder inside the repository`,
      { hint: 'letters, digits, _ . - and /, not starting with / and without .., e.g. apps/billing or services/api/src' });
  }
  return { framework: str('framework', 'sql'), appLanguage: str('app_language', 'auto'), appDir, migrationStart: str('migration_start', '').trim() };
}

// ---- application files ----------------------------------------------------------------------------

/** The language a framework implies when `app_language` is `auto`. */
export function languageOf(s: Pick<FileSettings, 'framework' | 'appLanguage'>): string {
  if (s.appLanguage !== 'auto' && s.appLanguage !== '') return s.appLanguage;
  return s.framework === 'django' || s.framework === 'alembic' ? 'python' : 'typescript';
}

/** What an application file is: a table's model, a module, the query layer, a one-off script, a test. */
export type AppRole = 'model' | 'module' | 'queries' | 'script' | 'test';

const snake = (name: string) => name.replace(/[-.]/g, '_');
const pascal = (name: string) => (name === '*' ? '*' : name.split(/[-_.]/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join(''));
const kebab = (name: string) => name.replace(/[_.]/g, '-');

/**
 * Each language's conventional layout, under `app_dir` (its default first): Django keeps an app's models in
 * its `models.py` and one-off jobs as management commands; Go puts a command in `cmd/NAME/main.go`; Rails
 * runs scripts as rake tasks.
 */
const LAYOUTS: Record<string, { dir: string; file: (role: AppRole, name: string, dir: string) => string }> = {
  typescript: { dir: 'src', file: (role, name, dir) => scriptish(role, name, dir, 'ts') },
  javascript: { dir: 'src', file: (role, name, dir) => scriptish(role, name, dir, 'js') },
  python: { dir: 'app', file: (role, name, dir) => ({
    model: `${dir}/models/${snake(name)}.py`, module: `${dir}/db/${snake(name)}.py`, queries: `${dir}/repositories/${snake(name)}.py`,
    script: `scripts/${snake(name)}.py`, test: `tests/migrations/test_${snake(name)}.py` })[role] },
  django: { dir: 'apps/core', file: (role, name, dir) => ({
    model: `${dir}/models.py`, module: `${dir}/${snake(name)}.py`, queries: `${dir}/managers.py`,
    script: `${dir}/management/commands/${snake(name)}.py`, test: `${dir}/tests/test_${snake(name)}.py` })[role] },
  ruby: { dir: 'app', file: (role, name, dir) => ({
    model: `${dir}/models/${snake(name)}.rb`, module: `${dir}/lib/${snake(name)}.rb`, queries: `${dir}/queries/${snake(name)}.rb`,
    script: `lib/tasks/${snake(name)}.rake`, test: `spec/migrations/${snake(name)}_spec.rb` })[role] },
  go: { dir: 'internal', file: (role, name, dir) => ({
    model: `${dir}/models/${snake(name)}.go`, module: `${dir}/db/${snake(name)}.go`, queries: `${dir}/repository/${snake(name)}.go`,
    script: `cmd/${kebab(name)}/main.go`, test: `${dir}/migrations/${snake(name)}_test.go` })[role] },
  java: { dir: 'src/main/java/app', file: (role, name, dir) => ({
    model: `${dir}/model/${pascal(name)}.java`, module: `${dir}/db/${pascal(name)}.java`, queries: `${dir}/repository/${pascal(name)}.java`,
    script: `${dir}/migration/${pascal(name)}.java`, test: `src/test/java/app/migration/${pascal(name)}Test.java` })[role] },
};

function scriptish(role: AppRole, name: string, dir: string, ext: string): string {
  return ({ model: `${dir}/models/${name}.${ext}`, module: `${dir}/db/${name}.${ext}`, queries: `${dir}/repositories/${name}.${ext}`,
    script: `scripts/${name}.${ext}`, test: `test/migrations/${name}.test.${ext}` })[role];
}

function layoutOf(s: FileSettings) {
  const language = languageOf(s);
  const layout = language === 'python' && s.framework === 'django' ? LAYOUTS.django! : LAYOUTS[language]!;
  return { language, layout, dir: s.appDir === '' ? layout.dir : s.appDir.replace(/\/+$/, '') };
}

/** `(app_file "model" "users")` → `src/models/users.ts`, `apps/core/models.py`, …: the file in the application's layout. */
export function appFile(role: AppRole, name: string, s: FileSettings): string {
  const { layout, dir } = layoutOf(s);
  return layout.file(role, name, dir);
}

// ---- tokens ---------------------------------------------------------------------------------------

const TOKEN = /@@(migration|apply|app)\|([^@"|]+)\|([^@"|]+)\|([^@"|]+)@@/g;

export const migrationToken = (fw: string, db: string, name: string) => `@@migration|${fw}|${db}|${name}@@`;
export const applyToken = (fw: string, db: string, name: string) => `@@apply|${fw}|${db}|${name}@@`;
export const appFileToken = (role: AppRole, name: string) => `@@app|${role}|${name}|-@@`;
/** The migration token `apply_command` was given, if it was one. */
export const parseMigrationToken = (text: string) => /^@@migration\|([^|]+)\|([^|]+)\|([^@]+)@@$/.exec(text)?.slice(1) as [string, string, string] | undefined;

// ---- migrations -----------------------------------------------------------------------------------

type Statement = string | { run?: unknown; transaction?: unknown };
/** A run of statements that go into one migration: one that must not be in a transaction, or any that may share one. */
interface Segment { transactional: boolean; main?: string }

const text = (s: Statement) => (typeof s === 'string' ? s : typeof s?.run === 'string' ? s.run : '');
const isSession = (sql: string) => /^\s*(SET|RESET)\s/i.test(sql);

/**
 * A task's `up` statements cut into migrations: each statement that must not run in a transaction alone
 * in one (with the session settings before it), the others together. So Django's NOT VALID and VALIDATE
 * are two non-atomic migrations, not one atomic one holding its lock through every validation.
 */
export function segments(up: readonly Statement[]): Segment[] {
  const out: Segment[] = [];
  let pending = false;
  for (const s of up) {
    const sql = text(s);
    const transactional = !(typeof s === 'object' && s !== null && s.transaction === false);
    if (transactional && isSession(sql)) { pending = true; continue; }
    const last = out.at(-1);
    // Settings before a transactional statement stay with the statements around them.
    if (transactional && last?.transactional) { pending = false; continue; }
    out.push({ transactional, main: sql });
    pending = false;
  }
  return out.length > 0 ? out : [{ transactional: true }];
}

/** A migration's name from the one statement it holds: `create_idx_users_tenant_id`, `validate_users_tenant_id_not_null`. */
function statementSlug(sql: string): string | undefined {
  const id = '"?([A-Za-z_][\\w$]*)"?';
  const patterns: [RegExp, string][] = [
    [new RegExp(`^\\s*CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${id}`, 'i'), 'create_'],
    [new RegExp(`^\\s*DROP\\s+INDEX\\s+CONCURRENTLY\\s+(?:IF\\s+EXISTS\\s+)?${id}`, 'i'), 'drop_'],
    [new RegExp(`^\\s*REINDEX\\s+(?:\\(.*?\\)\\s*)?\\w+\\s+CONCURRENTLY\\s+${id}`, 'i'), 'reindex_'],
    [new RegExp(`^\\s*ALTER\\s+TABLE\\s+.*?VALIDATE\\s+CONSTRAINT\\s+${id}`, 'is'), 'validate_'],
    [new RegExp(`^\\s*ALTER\\s+TABLE\\s+.*?ADD\\s+CONSTRAINT\\s+${id}`, 'is'), 'add_'],
  ];
  for (const [re, verb] of patterns) {
    const m = re.exec(sql);
    if (m) return `${verb}${m[1]!.toLowerCase()}`.slice(0, 60);
  }
  return undefined;
}

/** The names of a task's migrations: its own name when one is enough, else one per segment, none twice. */
export function segmentNames(base: string, parts: readonly Segment[]): string[] {
  if (parts.length === 1) return [base];
  const used = new Set<string>();
  // Several migrations that may each run in a transaction: told apart by the table each alters, else numbered.
  const several = parts.filter((p) => p.transactional).length > 1;
  let k = 0;
  return parts.map((p) => {
    const table = several && p.main ? /^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?"?(\w+)"?/i.exec(p.main)?.[1]?.toLowerCase() : undefined;
    let name = (!p.transactional && p.main && statementSlug(p.main)) || (table ? `${base}_${table}` : ++k === 1 ? base : `${base}_${k}`);
    for (let n = 2; used.has(name); n++) name = `${base}_${k}_${n}`;
    used.add(name);
    return name;
  });
}

const TIMESTAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/** The i-th prefix (from 0) of a framework's chain: a number, or a timestamp one second after the previous. */
function prefixAt(fw: Framework, i: number, start: string): string {
  if (fw.order.kind === 'number') return String((start === '' ? fw.order.first : Number(start)) + i).padStart(fw.order.width, '0');
  // Without a start, a placeholder date that sorts after every real timestamp, replaced by the day the files are written.
  if (start === '') return `YYYYMMDD${String(i + 1).padStart(6, '0')}`;
  const [, y, mo, d, h, mi, s] = TIMESTAMP.exec(start)!.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s! + i)).toISOString().replace(/\D/g, '').slice(0, 14);
}

/** `migration_start` checked against the framework: a number for Django, Alembic and plain files, a timestamp for Prisma and Knex. */
function checkStart(frameworkName: string, start: string): void {
  if (start === '') return;
  const fw = frameworkNamed(frameworkName);
  const hint = fw.order.kind === 'number'
    ? 'the number after the latest migration in the folder, e.g. 0042 (Django: ls APP/migrations)'
    : `a timestamp YYYYMMDDHHMMSS after the latest ${frameworkName === 'prisma' ? 'folder in prisma/migrations' : 'file in migrations/'}, e.g. 20261123090000`;
  const ok = fw.order.kind === 'number' ? /^\d{1,6}$/.test(start) && Number(start) > 0
    : TIMESTAMP.test(start) && !Number.isNaN(Date.parse(start.replace(TIMESTAMP, '$1-$2-$3T$4:$5:$6Z')));
  if (!ok) throw PlanInputError.single(`parameter "migration_start": "${start}" is not a ${fw.order.kind === 'number' ? 'migration number' : 'timestamp'} for ${frameworkName}`, { hint });
}

interface RawTask { id?: unknown; depends?: unknown; files?: unknown; sql?: { up?: unknown } }

/** Tasks in dependency order, ties in the order the plan lists them (Kahn's algorithm); what a cycle holds, last. */
function dependencyOrder(tasks: readonly RawTask[]): RawTask[] {
  const index = new Map(tasks.map((t, i) => [String(t.id), i]));
  const waiting = tasks.map(() => 0);
  const next: number[][] = tasks.map(() => []);
  tasks.forEach((t, i) => {
    for (const d of Array.isArray(t.depends) ? t.depends : []) {
      const j = index.get(String(d));
      if (j === undefined || j === i) continue;
      waiting[i]!++;
      next[j]!.push(i);
    }
  });
  const ready = tasks.flatMap((_, i) => (waiting[i] === 0 ? [i] : []));
  const out: number[] = [];
  while (ready.length > 0) {
    const v = ready.shift()!;
    out.push(v);
    for (const w of next[v]!) {
      if (--waiting[w]! > 0) continue;
      // Keep `ready` sorted by position in the plan: the chain reads like the plan.
      let at = ready.findIndex((r) => r > w);
      if (at < 0) at = ready.length;
      ready.splice(at, 0, w);
    }
  }
  const placed = new Set(out);
  return [...out, ...tasks.flatMap((_, i) => (placed.has(i) ? [] : [i]))].map((i) => tasks[i]!);
}

/**
 * Replaces the file tokens of a rendered plan: application files by the layout, migrations by their
 * place in the plan's chain (one per framework folder) and the statements of the task that names them.
 */
export function nameFiles(body: string, settings: FileSettings, engine: (db: string) => EngineDefinition): string {
  if (!body.includes('@@')) return body;
  const migrations = migrationPaths(body, settings, engine);
  return body.replace(TOKEN, (token, kind: string, a: string, b: string, c: string) => {
    if (kind === 'app') return appFile(a as AppRole, b, settings);
    const paths = migrations.get(migrationToken(a, b, c)) ?? [];
    if (kind === 'migration') return paths.join('", "');
    return frameworkNamed(a).apply(engine(b), paths);
  });
}

/** Each migration token's files, numbered along the plan's dependency order. */
function migrationPaths(body: string, settings: FileSettings, engine: (db: string) => EngineDefinition): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!body.includes('@@migration|')) return out;
  const doc = parse(body) as { tasks?: RawTask[] } | null;
  const tasks = Array.isArray(doc?.tasks) ? doc.tasks : [];
  const { language, dir } = layoutOf(settings);
  const counters = new Map<string, number>();
  for (const task of dependencyOrder(tasks)) {
    const up = Array.isArray(task.sql?.up) ? (task.sql.up as Statement[]) : [];
    for (const entry of Array.isArray(task.files) ? task.files : []) {
      const token = typeof entry === 'string' ? parseMigrationToken(entry) : undefined;
      if (!token || out.has(entry as string)) continue;
      const [fwName, db, base] = token;
      checkStart(fwName, settings.migrationStart);
      const fw = frameworkNamed(fwName);
      const s = { appDir: dir, language, engine: engine(db) };
      // One chain per folder the framework reads (a Django app; the project's folder for the others).
      const folder = fw.file('', '', s).replace(/[^/]*$/, '');
      out.set(entry as string, segmentNames(base, segments(up)).map((name) => {
        const i = counters.get(folder) ?? 0;
        counters.set(folder, i + 1);
        return fw.file(prefixAt(fw, i, settings.migrationStart), name, s);
      }));
    }
  }
  return out;
}
