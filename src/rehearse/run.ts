/**
 * A rehearsal: the starting schema and its rows, then for each phase in plan order, task by task:
 * up (in transactions as the statements ask, loops batch by batch) and verify; then every task's down,
 * newest first, each compared with a snapshot taken just before that task's up; then up and verify
 * again, which proves the phase can be rolled forward after a rollback. The first failure stops the
 * rehearsal: what follows it would rehearse a database the plan never meant.
 */
import type { DatabaseSchema } from '../model/database.js';
import { statementOf, type Statement, type TaskSql, type Verification } from '../model/schema.js';
import type { Driver, EngineName } from './driver.js';
import { emptyUsage, readUsage } from './references.js';
import { createTable, seedStatements, startingSchema, type StartTable } from './seed.js';
import { setUpFromSchema, startTables } from './schema-start.js';
import { isDdl, probeStep, tableExists, targetOf, type ProbeReport } from './probe.js';
import { describeDifference, diffSnapshots, type Snapshot } from './snapshot.js';
import { oneLine, withValues } from './sql-text.js';

export interface RehearsalTask { id: string; /** Index in the plan's tasks, for locations. */ index: number; sql: TaskSql }

export interface RehearsalPhase {
  id: string;
  tasks: RehearsalTask[];
  /** false: only rolled forward, to reach the state a later phase (`--phase`) starts from. */
  rehearse: boolean;
}

export interface RehearsalInput {
  driver: Driver;
  phases: RehearsalPhase[];
  /** Placeholder values (each declared placeholder's example). */
  values: Record<string, string>;
  rows: number;
  /**
   * The schema to start from (the plan's `schema:` section, or `--schema`): its tables are created as it
   * describes them; tables the statements use that it lacks are inferred from the statements, as without one.
   */
  start?: Pick<DatabaseSchema, 'tables' | 'views'>;
  /** Where `start` came from, for the notes: the schema file, or (by default) the plan's schema section. */
  startFrom?: string;
  /** Concurrency probes on each DDL step of a rehearsed phase's first up (PostgreSQL, MySQL/MariaDB). */
  probe?: boolean;
  progress?: (line: string) => void;
}

export interface Row {
  phase: string;
  task: string;
  statement: string;
  /** Where the statement is in the plan, e.g. ['tasks', 2, 'sql', 'down', 0]. */
  path: (string | number)[];
  ms: number;
  rows: number | null;
  result: string;
  ok: boolean;
  /** After a down: what differs from the snapshot taken before the task's up. */
  differences?: string[];
}

export interface Rehearsal {
  rows: Row[];
  ok: boolean;
  failure?: Row;
  schema: StartTable[];
  notes: string[];
  /** One per probed step, in the order run (empty without --probe). */
  probes: ProbeReport[];
}

/** Pauses between batches are cut to this in a rehearsal: the plan's pause is for production traffic. */
export const PAUSE_CAP_MS = 5;

/** Anything slower than this gets a progress line. */
const SLOW_MS = 1000;

class Stop extends Error {}

/** Runs `work`, telling `progress` when it takes longer than a second. */
export async function timed<T>(label: string, work: () => Promise<T>, progress?: (line: string) => void): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const timer = progress ? setTimeout(() => progress(`${label}…`), SLOW_MS) : undefined;
  try {
    const value = await work();
    return { value, ms: Math.round(performance.now() - start) };
  } finally {
    clearTimeout(timer);
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

/** Verification: the first column of the first row equals `expect`, numbers compared as numbers. */
export function matches(expect: Verification['expect'], value: unknown): boolean {
  if (expect === null) return value === null || value === undefined;
  if (typeof expect === 'number') return value !== null && value !== undefined && value !== '' && Number(value) === expect;
  // SQLite and MySQL answer booleans as 1 and 0; PostgreSQL's text form is t and f.
  if (typeof expect === 'boolean') return value === expect || [expect ? 1 : 0, expect ? '1' : '0', expect ? 't' : 'f', String(expect)].includes(value as never);
  return String(value) === expect;
}

/** Every statement a task list runs or queries, with placeholder values in (loop bounds as 1 and 2). */
export function allStatements(tasks: RehearsalTask[], values: Record<string, string>, engine: EngineName): string[] {
  const fill = (sql: string) => withValues(sql, { ...values, from: 1, to: 2 }, engine);
  return tasks.flatMap(({ sql }) => [
    ...[...sql.up, ...sql.down].flatMap((s) => {
      const { run, loop } = statementOf(s);
      return [run, ...(loop ? [loop.bounds, loop.remaining] : [])];
    }),
    ...sql.verify.map((v) => v.query),
  ].map(fill));
}

export async function rehearse(input: RehearsalInput): Promise<Rehearsal> {
  const { driver, values, progress } = input;
  const rows: Row[] = [];
  const notes: string[] = [];
  const probes: ProbeReport[] = [];
  const tasks = input.phases.flatMap((p) => p.tasks);
  // The schema's tables and views are there already: a statement using one (a view dropped and restored) infers nothing.
  const known = new Set([...(input.start?.tables ?? []), ...(input.start?.views ?? [])].map((t) => t.name));
  const inferred = startingSchema(await readUsage(driver.engine, allStatements(tasks, values, driver.engine), emptyUsage())).filter((t) => !known.has(t.name));
  const schema = [...(input.start ? startTables(input.start, driver.engine) : []), ...inferred];
  if (input.start) {
    notes.push(`starting schema: ${input.start.tables.length} table${input.start.tables.length === 1 ? '' : 's'} from ${input.startFrom ?? 'the plan\'s schema section'}` +
      (inferred.length ? `; ${inferred.map((t) => t.name).join(', ')} inferred from the statements (not in that schema)` : ''));
  }

  const record = (row: Row) => {
    rows.push(row);
    if (!row.ok) throw new Stop(row.result);
  };

  /** Runs one statement (or fails the rehearsal, located), returning the rows it changed. */
  const run = async (row: Omit<Row, 'ms' | 'rows' | 'result' | 'ok'>, sql: string) => {
    try {
      const { value, ms } = await timed(`${row.task} ${row.statement}`, () => driver.run(sql), progress);
      return { ms, rows: value };
    } catch (err) {
      record({ ...row, ms: 0, rows: null, result: `failed: ${message(err)}`, ok: false });
      throw new Stop();
    }
  };

  const setUp = async () => {
    if (input.start) {
      const exec = async (statement: string, sql: string) => (await run({ phase: '-', task: '-', statement, path: [] }, sql)).ms;
      const done = (statement: string, ms: number, count: number | null) => record({ phase: '-', task: '-', statement, path: [], ms, rows: count, result: 'ok', ok: true });
      await setUpFromSchema(driver, input.start, input.rows, exec, done, notes);
    }
    for (const table of inferred) {
      const statement = `create ${table.name} (id${table.columns.map((c) => `, ${c.name} ${c.numeric ? 'numeric' : 'text'}`).join('')})`;
      let ms = 0;
      for (const sql of [createTable(driver.engine, table), ...seedStatements(driver.engine, table, input.rows)]) ms += (await run({ phase: '-', task: '-', statement, path: [] }, sql)).ms;
      record({ phase: '-', task: '-', statement, path: [], ms, rows: input.rows, result: 'ok', ok: true });
    }
  };

  /** A task's up or down: consecutive statements that allow it share one transaction; loops commit per batch. */
  const runList = async (phase: string, task: RehearsalTask, part: 'up' | 'down', again: string) => {
    const list: Statement[] = task.sql[part];
    let open = false;
    const close = async (how: 'COMMIT' | 'ROLLBACK') => {
      if (open) await driver.run(how);
      open = false;
    };
    try {
      for (const [i, s] of list.entries()) {
        const { run: text, transaction, loop } = statementOf(s);
        const row = { phase, task: task.id, statement: `${part}[${i}]${again} ${oneLine(text, 48)}`, path: ['tasks', task.index, 'sql', part, i] };
        if (!transaction || loop) await close('COMMIT');
        if (loop) {
          record({ ...row, ...(await runLoop(row, text, loop, transaction)) });
          continue;
        }
        if (transaction && !open) {
          await driver.run('BEGIN');
          open = true;
        }
        const sql = withValues(text, values, driver.engine);
        const before = () => list.slice(0, i).map((b) => withValues(statementOf(b).run, values, driver.engine));
        const probed = probing(part, again) ? await probe(row, task, sql, before(), open) : undefined;
        const done = probed ?? await run(row, sql);
        record({ ...row, ms: done.ms, rows: done.rows, result: transaction ? 'ok' : 'ok (no transaction)', ok: true });
        if (probed) record({ ...row, statement: `probe ${row.statement}`, ms: probed.probeMs, rows: null, result: probed.report.result, ok: probed.report.ok });
      }
      await close('COMMIT');
    } catch (err) {
      await close('ROLLBACK').catch(() => undefined);
      throw err;
    }
  };

  /** Probes run once per step: on the first up of a rehearsed phase, not in set-up, not again. */
  const probing = (part: 'up' | 'down', again: string) => Boolean(input.probe) && part === 'up' && again === '' && driver.openSession !== undefined;

  /** A DDL step under the probe (undefined: not a DDL step, or no table of it exists yet); its probe row is recorded after. */
  const probe = async (row: Omit<Row, 'ms' | 'rows' | 'result' | 'ok'>, task: RehearsalTask, sql: string, before: string[], inTransaction: boolean) => {
    if (!isDdl(sql) || driver.engine === 'sqlite') return undefined;
    const target = targetOf(driver.engine, sql, before);
    if (!target || !(await tableExists(driver, target.table))) return undefined;
    try {
      const outcome = await timed(`${row.task} ${row.statement} (probe)`, () => probeStep({
        driver, sql, target, inTransaction, label: row, verifyHolds: () => verifyHolds(task),
      }), progress);
      probes.push(outcome.value.report);
      return { ms: outcome.value.ms, rows: outcome.value.rows, report: outcome.value.report, probeMs: outcome.ms };
    } catch (err) {
      record({ ...row, ms: 0, rows: null, result: `failed: ${message(err)}`, ok: false });
      throw new Stop();
    }
  };

  /** Whether every verify query of the task holds now (a query that errors does not). */
  const verifyHolds = async (task: RehearsalTask) => {
    for (const v of task.sql.verify) {
      const value = await driver.query(withValues(v.query, values, driver.engine)).then((r) => r[0]?.[0], () => Symbol('error'));
      if (typeof value === 'symbol' || !matches(v.expect, value)) return false;
    }
    return true;
  };

  const runLoop = async (row: Omit<Row, 'ms' | 'rows' | 'result' | 'ok'>, text: string, loop: NonNullable<ReturnType<typeof statementOf>['loop']>, transaction: boolean) => {
    const start = performance.now();
    const bounds = (await driver.query(withValues(loop.bounds, values, driver.engine)))[0] ?? [];
    const [min, max] = [bounds[0], bounds[1]].map((v) => (v === null || v === undefined ? undefined : Number(v)));
    let changed = 0;
    let batches = 0;
    if (min !== undefined && max !== undefined) {
      for (let from = min; from <= max; from += loop.batch) {
        if (transaction) await driver.run('BEGIN');
        try {
          changed += (await run(row, withValues(text, { ...values, from, to: from + loop.batch }, driver.engine))).rows;
        } catch (err) {
          if (transaction) await driver.run('ROLLBACK').catch(() => undefined);
          throw err;
        }
        if (transaction) await driver.run('COMMIT');
        batches++;
        await new Promise((r) => setTimeout(r, Math.min(loop.pause_ms, PAUSE_CAP_MS)));
      }
    }
    if (loop.pause_ms > PAUSE_CAP_MS) notes.push(`${row.task}: loop pauses of ${loop.pause_ms} ms were cut to ${PAUSE_CAP_MS} ms in this rehearsal`);
    const remaining = (await driver.query(withValues(loop.remaining, values, driver.engine)))[0]?.[0];
    const ms = Math.round(performance.now() - start);
    const ok = Number(remaining) === 0;
    return { ms, rows: changed, ok, result: ok ? `ok (${batches} batch${batches === 1 ? '' : 'es'})` : `failed: ${String(remaining)} rows remaining after ${batches} batches (loop.remaining must return 0)` };
  };

  const verify = async (phase: string, task: RehearsalTask, again: string) => {
    for (const [i, v] of task.sql.verify.entries()) {
      const row = { phase, task: task.id, statement: `verify[${i}]${again} ${oneLine(v.query, 48)}`, path: ['tasks', task.index, 'sql', 'verify', i] };
      let got: { value: unknown[][]; ms: number };
      try {
        got = await timed(`${task.id} ${row.statement}`, () => driver.query(withValues(v.query, values, driver.engine)), progress);
      } catch (err) {
        record({ ...row, ms: 0, rows: null, result: `failed: ${message(err)}`, ok: false });
        return;
      }
      const value = got.value[0]?.[0];
      const ok = matches(v.expect, value);
      record({ ...row, ms: got.ms, rows: got.value.length, ok, result: ok ? `ok (${JSON.stringify(v.expect)})` : `failed: expected ${JSON.stringify(v.expect)}, got ${JSON.stringify(value ?? null)}` });
    }
  };

  const forward = async (phase: RehearsalPhase, again: string, before?: Map<string, Snapshot>) => {
    for (const task of phase.tasks) {
      before?.set(task.id, await driver.snapshot());
      await runList(phase.id, task, 'up', again);
      if (phase.rehearse) await verify(phase.id, task, again);
    }
  };

  const back = async (phase: RehearsalPhase, before: Map<string, Snapshot>) => {
    for (const task of [...phase.tasks].reverse()) {
      await runList(phase.id, task, 'down', '');
      const start = performance.now();
      const differences = diffSnapshots(before.get(task.id)!, await driver.snapshot()).map(describeDifference);
      const ok = differences.length === 0;
      record({
        phase: phase.id, task: task.id, statement: 'down: snapshot compared with before up', path: ['tasks', task.index, 'sql', 'down'],
        ms: Math.round(performance.now() - start), rows: null, ok, differences,
        result: ok ? 'ok (no difference)' : `failed: after down the database differs from before up: ${differences.join('; ')}`,
      });
    }
  };

  try {
    await setUp();
    for (const phase of input.phases) {
      if (!phase.rehearse) {
        await forward(phase, ' (setup)');
        continue;
      }
      const irreversible = phase.tasks.filter((t) => t.sql.irreversible);
      const before = new Map<string, Snapshot>();
      await forward(phase, '', before);
      if (irreversible.length) {
        notes.push(`phase ${phase.id}: not rolled back, ${irreversible.map((t) => `${t.id} is irreversible (${t.sql.irreversible})`).join('; ')}`);
        continue;
      }
      await back(phase, before);
      await forward(phase, ' again');
    }
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
  }
  const failure = rows.find((r) => !r.ok);
  return { rows, ok: !failure, failure, schema, notes: [...new Set(notes)], probes };
}
