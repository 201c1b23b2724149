/**
 * `plan rehearse`: the plan's statements run for real on a throwaway database, phase by phase, each
 * phase rolled forward, verified, rolled back (the database compared with how it was), and rolled
 * forward again. PostgreSQL on an embedded server (or `--url`), SQLite in this process, MySQL and
 * MariaDB on `--url`; MongoDB plans are only parsed, and the output says so.
 */
import { checkFile, requireNoErrors, type CheckOptions } from '../check/pipeline.js';
import { didYouMean, ExitCode, formatLocation, formatPath, PlanInputError, type SourceLocation } from '../errors.js';
import type { Plan } from '../model/schema.js';
import type { DatabaseSchema } from '../model/database.js';
import { readSchemaFile } from '../inspect/read.js';
import type { Driver, EngineName } from '../rehearse/driver.js';
import { MONGODB_NOTE, parseMongo } from '../rehearse/mongodb.js';
import { probesNotApplicable, type ProbeReport } from '../rehearse/probe.js';
import { duration, probeTable, rehearsalTable, type TableLayout } from '../rehearse/table.js';
import { layoutTable, terminalWidth } from '../text/layout.js';
import { rehearse, timed, type RehearsalPhase, type Row } from '../rehearse/run.js';
import type { StartTable } from '../rehearse/seed.js';
import { parseSetFlags } from '../templates/parameters.js';

export interface RehearseOptions extends CheckOptions {
  file: string;
  /** A server to rehearse on (a throwaway database is created there and dropped after). */
  url?: string;
  /** `--schema FILE`: start from this schema instead of the plan's `schema:` section. */
  schemaFile?: string;
  /** Rows seeded per table. */
  rows?: number;
  /** Rehearse this phase only (the phases before it are rolled forward first). */
  phase?: string;
  /** Keep the throwaway database (and the embedded server's data) and say how to reach it. */
  keep?: boolean;
  /** `--set name=value`: placeholder values, instead of the examples the plan declares. */
  set?: string[];
  /** Concurrency probes on every DDL step (PostgreSQL, MySQL/MariaDB; said not to apply elsewhere). */
  probe?: boolean;
  /** A line for stderr when something takes longer than a second. */
  progress?: (line: string) => void;
}

export interface RehearseResult {
  file: string;
  engine: string;
  /** Where it ran: `embedded`, `url`, `in-process`, or `parse-only` (MongoDB). */
  server: 'embedded' | 'url' | 'in-process' | 'parse-only';
  ok: boolean;
  exitCode: number;
  verdict: string;
  rows: Row[];
  /** The starting schema: the plan's schema section (or --schema), and tables inferred from what the statements use. */
  schema: StartTable[];
  notes: string[];
  /** With --probe: one report per probed DDL step (empty on engines the probes do not apply to). */
  probes?: ProbeReport[];
  failure?: Row & SourceLocation;
  /** How to reach what --keep kept. */
  kept?: string;
  timings: { serverMs?: number; rehearsalMs: number };
}

export const DEFAULT_ROWS = 100;

export async function rehearsePlan(options: RehearseOptions): Promise<{ result: RehearseResult; text: string }> {
  const checked = requireNoErrors(await checkFile(options.file, options));
  const { plan, locate } = checked.loaded;
  const engine = engineOf(plan, options.url);
  const phases = phasesToRehearse(plan, checked.outline.tasks.map((t) => t.id), options.phase);
  const values = placeholderValues(plan, parseSetFlags(options.set ?? []));
  const startSchema = engine === 'mongodb' ? undefined : await startingSchemaOf(plan, engine, options.schemaFile, locate);

  const notApplicable = options.probe ? probesNotApplicable(engine) : undefined;
  const base = { file: options.file, engine, notes: [] as string[], schema: [] as StartTable[], ...(options.probe ? { probes: [] as ProbeReport[] } : {}) };
  if (engine === 'mongodb') {
    const rows = parseMongo(phases);
    return finish({ ...base, server: 'parse-only', rows, notes: [MONGODB_NOTE, ...(notApplicable ? [notApplicable] : [])], timings: { rehearsalMs: 0 } }, locate);
  }

  const start = performance.now();
  let serverMs: number | undefined;
  let server: Awaited<ReturnType<typeof import('../rehearse/postgres.js')['startEmbedded']>> | undefined;
  let driver: Driver | undefined;
  const kept: string[] = [];
  try {
    let url = options.url;
    if (engine === 'postgres' && !url) {
      const { startEmbedded } = await import('../rehearse/postgres.js');
      const started = await timed('Starting an embedded PostgreSQL', startEmbedded, options.progress);
      server = started.value;
      serverMs = started.ms;
      url = server.url;
    }
    driver = await openDriver(engine, url);
    const rehearsal = await rehearse({ driver, phases, values, rows: options.rows ?? DEFAULT_ROWS, start: startSchema, startFrom: options.schemaFile, probe: options.probe, progress: options.progress });
    const where = await driver.close(Boolean(options.keep));
    driver = undefined;
    if (where) kept.push(where);
    return finish({
      ...base, server: server ? 'embedded' : url ? 'url' : 'in-process', rows: rehearsal.rows, schema: rehearsal.schema,
      notes: [...rehearsal.notes, ...(notApplicable ? [notApplicable] : [])],
      ...(options.probe ? { probes: rehearsal.probes } : {}),
      timings: { serverMs, rehearsalMs: Math.round(performance.now() - start - (serverMs ?? 0)) },
    }, locate, kept);
  } finally {
    await driver?.close(false).catch(() => undefined);
    const where = await server?.stop(Boolean(options.keep));
    if (where) kept.push(where);
  }
}

const ENGINE_NAMES: Record<string, string> = { postgres: 'PostgreSQL', sqlite: 'SQLite', mysql: 'MySQL/MariaDB', mongodb: 'MongoDB' };

/** The result and its text, once the run is over (the kept list fills as servers stop). */
function finish(partial: Omit<RehearseResult, 'ok' | 'exitCode' | 'verdict' | 'failure' | 'kept'> & { kept?: string }, locate: (p: (string | number)[]) => SourceLocation, kept: string[] = []) {
  const bad = partial.rows.find((r) => !r.ok);
  const failure = bad ? { ...bad, ...locate(bad.path), path: formatPath(bad.path) } as unknown as Row & SourceLocation : undefined;
  const tasks = new Set(partial.rows.filter((r) => r.task !== '-').map((r) => r.task)).size;
  const phases = new Set(partial.rows.filter((r) => r.phase !== '-').map((r) => r.phase)).size;
  const on = `${ENGINE_NAMES[partial.engine]}${partial.server === 'embedded' ? ' (embedded server)' : partial.server === 'url' ? ' (--url)' : ''}`;
  const verdict = failure
    ? `FAILED at ${failure.task === '-' ? 'the starting schema' : `task ${failure.task}`}, ${formatLocation({ file: failure.file, line: failure.line, column: failure.column, path: formatPath(bad!.path) })} (${failure.statement}): ${failure.result.replace(/^failed: /, '')}`
    : partial.server === 'parse-only'
      ? `Parsed ${partial.rows.length} statements of ${tasks} tasks; nothing was run (MongoDB is parse-only)`
      : `OK: ${phases} phase${phases === 1 ? '' : 's'}, ${tasks} task${tasks === 1 ? '' : 's'} rehearsed on ${on}; every down restored the database`;
  const result: RehearseResult = { ...partial, ok: !failure, exitCode: failure ? ExitCode.planErrors : ExitCode.ok, verdict, failure, get kept() { return kept.join('\n') || undefined; } };
  const table: TableLayout = (header, rows) => layoutTable(rows, { header, width: terminalWidth() });
  const text = () => [
    rehearsalTable(partial.rows, table),
    '',
    ...(partial.probes?.length ? ['Concurrency probes (an old transaction holds the table while a writer writes):', probeTable(partial.probes, table), ''] : []),
    ...(partial.probes && !partial.probes.length && partial.engine !== 'sqlite' && partial.engine !== 'mongodb'
      ? [`Concurrency probes: ${failure ? 'none ran before the failure' : 'no DDL step on an existing table to probe'}`, ''] : []),
    ...partial.notes.map((n) => `Note: ${n}`),
    ...(failure?.differences?.length ? ['Differences after down:', ...failure.differences.map((d) => `  ${d}`)] : []),
    ...(partial.timings.serverMs !== undefined ? [`Embedded PostgreSQL started in ${duration(partial.timings.serverMs)}; rehearsal took ${duration(partial.timings.rehearsalMs)}`] : []),
    ...kept,
    verdict,
  ].join('\n');
  return { result, get text() { return text(); } };
}

/** Each declared placeholder's value: given with --set, or its example. A name the plan does not declare is an error. */
function placeholderValues(plan: Plan, given: Record<string, string>): Record<string, string> {
  const declared = plan.placeholders.map((p) => p.name);
  const unknown = Object.keys(given).filter((name) => !declared.includes(name));
  if (unknown.length) {
    throw new PlanInputError(unknown.map((name) => {
      const guess = didYouMean(name, declared);
      return { message: `--set ${name}: the plan declares no placeholder "${name}"`, hint: guess ? `did you mean "${guess}"?` : declared.length ? `its placeholders: ${declared.join(', ')}` : 'the plan declares no placeholders' };
    }));
  }
  return Object.fromEntries(plan.placeholders.map((p) => [p.name, given[p.name] ?? p.example]));
}

/**
 * The schema the rehearsal starts from: `--schema FILE` when given, otherwise the plan's `schema:`
 * section; none without either (the starting schema is then inferred from the statements alone).
 * Its engine must be the rehearsal's.
 */
async function startingSchemaOf(plan: Plan, engine: EngineName, schemaFile: string | undefined, locate: (p: (string | number)[]) => SourceLocation): Promise<Pick<DatabaseSchema, 'tables' | 'views'> | undefined> {
  const schema = schemaFile ? await readSchemaFile(schemaFile) : plan.schema;
  if (!schema) return undefined;
  if (schema.engine !== engine) {
    throw PlanInputError.single(`${schemaFile ? 'the schema' : 'the plan\'s schema section'} is for ${schema.engine}, but the plan is rehearsed on ${engine}`, {
      location: schemaFile ? { file: schemaFile, line: 1 } : locate(['schema', 'engine']),
      hint: schemaFile ? `give the schema of the ${engine} database` : `make the plan again with --db ${schema.engine}, or with the schema of the ${engine} database`,
    });
  }
  return schema;
}

function engineOf(plan: Plan, url: string | undefined): EngineName | 'mongodb' {
  const fromUrl = url === undefined ? undefined : /^postgres(ql)?:\/\//.test(url) ? 'postgres' : /^mysql:\/\//.test(url) ? 'mysql' : 'unknown';
  if (fromUrl === 'unknown') throw PlanInputError.single(`--url must start with postgres:// (or postgresql://) or mysql://`, { hint: 'e.g. --url postgres://user:password@127.0.0.1:5432/postgres' });
  const engine = plan.database ?? fromUrl;
  if (!engine) throw PlanInputError.single('the plan names no database, and no --url says which', { hint: 'add `database: postgres` (or sqlite, mysql, mongodb) to the plan' });
  if (fromUrl && fromUrl !== engine) throw PlanInputError.single(`the plan is for ${engine}, but --url is a ${fromUrl} server`);
  if (engine === 'mysql' && !url) throw PlanInputError.single('a MySQL plan is rehearsed on a server you name', { hint: '--url mysql://root:password@127.0.0.1:3306/ (a throwaway database is created there and dropped after)' });
  if ((engine === 'sqlite' || engine === 'mongodb') && url) throw PlanInputError.single(`--url is for PostgreSQL and MySQL; ${engine === 'sqlite' ? 'SQLite is rehearsed in this process' : 'MongoDB is only parsed'}`);
  return engine;
}

async function openDriver(engine: EngineName, url: string | undefined): Promise<Driver> {
  if (engine === 'sqlite') return (await import('../rehearse/sqlite.js')).openSqlite();
  if (engine === 'mysql') return (await import('../rehearse/mysql.js')).openMysql(url!);
  return (await import('../rehearse/postgres.js')).openPostgres(url!);
}

/**
 * Tasks with statements, grouped by phase, in plan order (by wave, then as written). With `only`, the
 * phases before it are rolled forward as set-up, and the ones after it are left out.
 */
export function phasesToRehearse(plan: Plan, order: string[], only?: string): RehearsalPhase[] {
  const phases: RehearsalPhase[] = [];
  for (const id of order) {
    const index = plan.tasks.findIndex((t) => t.id === id);
    const task = plan.tasks[index]!;
    if (!task.sql) continue;
    let phase = phases.find((p) => p.id === task.phase);
    if (!phase) phases.push(phase = { id: task.phase, tasks: [], rehearse: true });
    phase.tasks.push({ id, index, sql: task.sql });
  }
  if (only === undefined) return phases;
  const at = phases.findIndex((p) => p.id === only);
  if (at < 0) {
    const ids = phases.map((p) => p.id);
    const guess = didYouMean(only, plan.phases.map((p) => p.id));
    throw PlanInputError.single(`no phase "${only}" with statements to rehearse`, { hint: `${guess && guess !== only ? `did you mean "${guess}"? ` : ''}phases with statements: ${ids.join(', ') || 'none'}` });
  }
  return phases.slice(0, at + 1).map((p, i) => ({ ...p, rehearse: i === at }));
}

