/**
 * `plan scaffold`: the migration files the plan names, written for a framework into DIR, continuing
 * what DIR already holds. DIR's migration files are read (with limits), the writer numbers after them,
 * and each new file is written atomically; an existing file is never overwritten. A step whose marker
 * (`plan-scaffold TEMPLATE/EPIC/TASK DIGEST`) is already in DIR is not written again, so a second run writes nothing;
 * the same marker over other statements (another plan with that template and epic id, or an edited plan) is refused.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { checkFile, requireNoErrors, type CheckOptions } from '../check/pipeline.js';
import { didYouMean, PlanInputError, type SourceLocation } from '../errors.js';
import { readTextFile, writeFileAtomic } from '../io/files.js';
import type { Plan } from '../model/schema.js';
import { maskPlaceholders } from '../sql/placeholders.js';
import { syntaxFor } from '../sql/render.js';
import { migrationSteps, scaffoldedSteps, type ExistingFile, type FrameworkWriter, type MigrationStep, type ScaffoldFile } from '../scaffold/steps.js';
import { FRAMEWORKS, WRITERS } from '../scaffold/writers.js';
import { parseSetFlags } from '../templates/parameters.js';

/** The frameworks `--framework` accepts. */
export { FRAMEWORKS };

export interface ScaffoldOptions extends CheckOptions {
  file: string;
  /** Where the migrations live (default: the current directory). */
  dir?: string;
  /** Default: the plan's generated_by parameter `framework`, else `sql`. */
  framework?: string;
  dryRun?: boolean;
  /** `--set name=value`: values written into files of frameworks that take no parameters (Prisma). */
  set?: string[];
  /** The application the migrations belong to (Django's app label). */
  app?: string;
  /** For tests: the time new timestamps start from. */
  now?: Date;
}

export interface ScaffoldResult {
  file: string;
  dir: string;
  framework: string;
  /** Files written (or, with --dry-run, that would be), relative to DIR. */
  written: string[];
  /** Steps already in DIR (their marker found), not written again. */
  present: string[];
  /** The framework's migration files DIR held before. */
  existing: string[];
  dryRun: boolean;
  /** With --dry-run (and --json): the files' text. */
  files?: ScaffoldFile[];
  /** What the project's own configuration must do for the files to run as the plan means. */
  notes: string[];
}

/** Folders never read: version control, dependencies, caches. */
const SKIP = new Set(['.git', 'node_modules', '__pycache__', '.venv', 'venv']);
/** Only these files can be migrations. */
const MIGRATION_FILE = /\.(sql|py|js|cjs|mjs|ts)$/;
const MAX_FILES = 5000;
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;

/** DIR's possible migration files, relative paths with `/`; a folder too large to be a project's migrations is an error. */
export function readMigrationsDir(dir: string): ExistingFile[] {
  const out: ExistingFile[] = [];
  let total = 0;
  const walk = (at: string) => {
    let names: string[];
    try {
      names = readdirSync(at).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (SKIP.has(name) || name.startsWith('.')) continue;
      const path = join(at, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile() && MIGRATION_FILE.test(name) && stat.size <= MAX_FILE_BYTES) {
        total += stat.size;
        if (out.length >= MAX_FILES || total > MAX_TOTAL_BYTES) {
          throw PlanInputError.single(`more than ${out.length >= MAX_FILES ? `${MAX_FILES} source files` : `${MAX_TOTAL_BYTES / 1024 / 1024} MB of source files`} under it`,
            { location: { file: dir }, hint: 'give --dir the folder that holds the migrations' });
        }
        out.push({ path: relative(dir, path).split(sep).join('/'), text: readTextFile(path) });
      }
    }
  };
  walk(dir);
  return out;
}

function writerFor(plan: Plan, chosen: string | undefined, locate: (path: (string | number)[]) => SourceLocation): FrameworkWriter {
  const fromPlan = plan.generated_by?.parameters['framework'];
  const name = chosen ?? (typeof fromPlan === 'string' ? fromPlan : 'sql');
  const writer = WRITERS[name as FrameworkWriter['framework']];
  if (writer) return writer;
  const guess = didYouMean(name, FRAMEWORKS);
  throw PlanInputError.single(`no scaffold writer for framework "${name}"`, {
    ...(chosen ? {} : { location: locate(['generated_by', 'parameters', 'framework']) }),
    hint: `${guess && guess !== name ? `did you mean "${guess}"? ` : ''}frameworks: ${FRAMEWORKS.join(', ')}${chosen ? '' : ' (choose one with --framework)'}`,
  });
}

/** The values `--set` gives, each a declared placeholder; where the framework writes values in, every placeholder the steps use must have one. */
function placeholderValues(plan: Plan, set: string[], inline: boolean, steps: MigrationStep[], engine: Plan['database'], locate: (path: (string | number)[]) => SourceLocation): Record<string, string> {
  const given = parseSetFlags(set);
  const declared = plan.placeholders.map((p) => p.name);
  const unknown = Object.keys(given).filter((n) => !declared.includes(n));
  if (unknown.length) {
    throw new PlanInputError(unknown.map((name) => {
      const guess = didYouMean(name, declared);
      return { message: `--set ${name}: the plan declares no placeholder "${name}"`, hint: guess ? `did you mean "${guess}"?` : declared.length ? `its placeholders: ${declared.join(', ')}` : 'the plan declares no placeholders' };
    }));
  }
  if (inline && engine) {
    const used = new Set(steps.flatMap((s) => [...s.up, ...s.down].flatMap((x) => [x.run, ...(x.loop ? [x.loop.bounds, x.loop.remaining] : [])])
      .concat(s.verify.map((v) => v.query)).flatMap((sql) => maskPlaceholders(sql, engine).uses.map((u) => u.name))));
    const missing = plan.placeholders.map((p, i) => ({ p, i })).filter(({ p }) => used.has(p.name) && given[p.name] === undefined);
    if (missing.length) {
      throw new PlanInputError(missing.map(({ p, i }) => ({
        message: `placeholder ${p.name} has no value: this framework runs its migration files as they are, so each value is written in`,
        location: locate(['placeholders', i, 'name']),
        hint: `give it with --set ${p.name}=VALUE (${p.description}; e.g. ${p.example})`,
      })));
    }
  }
  return given;
}

export async function scaffoldPlan(options: ScaffoldOptions): Promise<{ result: ScaffoldResult; text: string }> {
  const checked = requireNoErrors(await checkFile(options.file, options));
  const { plan, locate } = checked.loaded;
  const engine = plan.database;
  if (!engine || engine === 'mongodb') {
    throw PlanInputError.single(engine ? 'scaffold writes SQL migrations; this plan is on MongoDB' : 'the plan names no database engine', {
      location: locate(engine ? ['database'] : []), hint: 'set database: postgres, mysql or sqlite',
    });
  }
  const writer = writerFor(plan, options.framework, locate);
  const dir = options.dir ?? '.';
  const files = readMigrationsDir(dir);
  const existing = writer.existing(files);
  // Only this framework's files count: steps scaffolded as plain SQL are not Prisma migrations.
  const own = new Set(existing.files);
  const done = scaffoldedSteps(files.filter((f) => own.has(f.path)));
  const all = migrationSteps(plan);
  const other = all.filter((s) => { const d = done.get(s.key)?.digest; return d !== undefined && d !== s.digest; });
  if (other.length) {
    throw new PlanInputError(other.map((s) => {
      const found = done.get(s.key)!;
      return {
        message: `holds step ${s.key} written from other statements than the plan's: another plan with the same template and epic id, or the plan's statements changed since it was written`,
        location: { file: join(dir, found.file), line: found.line },
        hint: 'give this plan its own epic id (epic.id); or, if the file has not run anywhere, delete it and scaffold again; if it has, put the change in a migration of its own',
      };
    }));
  }
  const todo = all.filter((s) => !done.has(s.key));
  const present = all.filter((s) => done.has(s.key)).map((s) => s.key);
  const values = placeholderValues(plan, options.set ?? [], syntaxFor(writer.framework, engine) === 'inline', todo, engine, locate);
  const written = todo.length
    ? writer.write(todo, existing, { engine, ...(options.app ? { app: options.app } : {}), now: options.now ?? new Date(), placeholders: plan.placeholders, values })
    : [];
  const held = new Set(files.map((f) => f.path));
  const clash = written.filter((f) => held.has(f.path) || statSync(join(dir, f.path), { throwIfNoEntry: false }));
  if (clash.length) {
    throw new PlanInputError(clash.map((f) => ({ message: 'already exists; not overwritten', location: { file: join(dir, f.path) } })));
  }
  if (!options.dryRun) {
    for (const f of written) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileAtomic(join(dir, f.path), f.text);
    }
  }
  const result: ScaffoldResult = {
    file: options.file, dir, framework: writer.framework, written: written.map((f) => f.path), present, existing: existing.files, dryRun: Boolean(options.dryRun),
    ...(options.dryRun ? { files: written } : {}), notes: writer.notes?.(files, engine) ?? [],
  };
  return { result, text: describe(result, all.length) };
}

function describe(r: ScaffoldResult, steps: number): string {
  if (!steps) return 'The plan has no task with statements (sql.up): nothing to scaffold.';
  if (!r.written.length) return `Nothing new: all ${steps} step${steps === 1 ? '' : 's'} of the plan are already in ${r.dir} (${r.framework}).`;
  const verb = r.dryRun ? 'Would write' : 'Wrote';
  const lines = [`${verb} ${r.written.length} file${r.written.length === 1 ? '' : 's'} for ${r.framework} in ${r.dir}:`, ...r.written.map((p) => `  ${p}`)];
  if (r.present.length) lines.push(`Already there (not written again): ${r.present.join(', ')}`);
  if (r.existing.length) lines.push(`Continuing after ${r.existing.length} existing migration file${r.existing.length === 1 ? '' : 's'}.`);
  for (const note of r.notes) lines.push(`Note: ${note}`);
  if (r.dryRun && r.files) for (const f of r.files) lines.push('', `==> ${f.path} <==`, f.text.trimEnd());
  return lines.join('\n');
}
