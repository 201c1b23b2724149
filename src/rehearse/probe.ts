/**
 * Concurrency probes (`plan rehearse --probe`): while a DDL statement of a task's `up` runs, one extra
 * session holds an old open transaction on the table and another keeps writing to it. What the probe
 * reports for the step: the strongest lock it took or waited for and for how long, the longest the
 * writer was blocked, whether a step with a lock timeout failed fast instead of queueing behind the old
 * transaction, and (PostgreSQL, CONCURRENTLY) whether a build cancelled halfway leaves an INVALID index
 * that a plain re-run would accept as done.
 *
 * The old transaction reads the table and updates one row to its own value, as an application
 * transaction left open does: it holds the table's read lock and a write lock (PostgreSQL ACCESS SHARE
 * and ROW EXCLUSIVE; MariaDB a shared metadata lock). A step that needs a lock conflicting with either
 * queues behind it, and every writer then queues behind the step.
 *
 * Timings are small (the old transaction is held well under a second on PostgreSQL) and the verdicts
 * rest on facts the lock monitor saw (the writer waiting on a lock), not on latencies alone, so a
 * loaded machine makes the numbers larger but does not change the verdict.
 */
import { parseSql } from '../sql/engines.js';
import { factsOf, tablesOf, type Facts } from '../sql/facts.js';
import { quoteName, type Driver, type EngineName, type Session } from './driver.js';

/** One engine's probe settings and statements. */
interface EngineProbe {
  /** How long the old transaction is held while the step runs. */
  holdMs: number;
  /**
   * The lock timeout the probe runs the step with when the plan's is as long as the hold or longer: the
   * old transaction stands for one that outlives any lock timeout, so the timeout shrinks with it.
   */
  scaledTimeoutMs: number;
  /** Margin on every comparison with a timeout: polling, scheduling, a loaded machine. */
  slackMs: number;
  sessionId: string;
  begin: string;
  writerSetup: string[];
  /** The old transaction's session never waits long for its own locks: a probe must not hang. */
  oldSetup: string[];
  readLockTimeout: string;
  setLockTimeout(ms: number | null): string;
  restoreLockTimeout(value: string): string;
  cancel(id: number): string;
  isLockTimeout(message: string): boolean;
}

const ENGINES: Record<'postgres' | 'mysql', EngineProbe> = {
  postgres: {
    holdMs: 600, scaledTimeoutMs: 200, slackMs: 250,
    sessionId: 'SELECT pg_backend_pid()',
    begin: 'BEGIN',
    // A writer never waits longer than this, whatever happens: the probe cannot hang.
    writerSetup: [`SET statement_timeout = '5s'`],
    oldSetup: [`SET lock_timeout = '2s'`],
    readLockTimeout: `SELECT current_setting('lock_timeout')`,
    setLockTimeout: (ms) => `SELECT set_config('lock_timeout', '${ms ?? 0}ms', false)`,
    restoreLockTimeout: (value) => `SELECT set_config('lock_timeout', '${value.replaceAll("'", "''")}', false)`,
    cancel: (id) => `SELECT pg_cancel_backend(${id})`,
    isLockTimeout: (m) => /lock timeout/i.test(m),
  },
  mysql: {
    // lock_wait_timeout counts whole seconds: the hold must outlast the shortest one by a margin.
    holdMs: 2500, scaledTimeoutMs: 1000, slackMs: 700,
    sessionId: 'SELECT CONNECTION_ID()',
    begin: 'START TRANSACTION',
    writerSetup: ['SET SESSION max_statement_time = 5'],
    oldSetup: ['SET SESSION lock_wait_timeout = 2', 'SET SESSION innodb_lock_wait_timeout = 2'],
    readLockTimeout: 'SELECT @@SESSION.lock_wait_timeout',
    // No lock timeout in the task: the server's own (a day on MariaDB, a year on MySQL), not one an earlier task left in the session.
    setLockTimeout: (ms) => `SET SESSION lock_wait_timeout = ${ms === null ? 'DEFAULT' : Math.max(1, Math.ceil(ms / 1000))}`,
    restoreLockTimeout: (value) => `SET SESSION lock_wait_timeout = ${Number(value)}`,
    cancel: (id) => `KILL QUERY ${id}`,
    isLockTimeout: (m) => /lock wait timeout/i.test(m),
  },
};

/** How often the lock monitor looks. */
const SAMPLE_MS = 20;
/** Pause between the writer's statements. */
const WRITE_PAUSE_MS = 10;

export interface ProbeReport {
  phase: string;
  task: string;
  statement: string;
  path: (string | number)[];
  table: string;
  /** Why the plan calls the step online, if it does: `CONCURRENTLY`, `LOCK=NONE`, `lock timeout 5s`. */
  online?: string;
  /** The lock timeout the task sets before the statement (ms; null: none). */
  lockTimeoutMs: number | null;
  /** The one the probe ran the step with (scaled down to the probe's hold; null: none). */
  probeLockTimeoutMs: number | null;
  /** The strongest lock the step held or waited for on the table, as the engine names it. */
  lock: string | null;
  /** How long the monitor saw the step waiting for a lock, and holding its strongest one. */
  lockWaitMs: number;
  lockHeldMs: number;
  /** The longest writer statement during which the monitor saw the writer waiting on a lock (0: never). */
  writerBlockedMs: number;
  writes: number;
  /** With a lock timeout: how the step met the old transaction. */
  failFast?: string;
  /** PostgreSQL CONCURRENTLY: what a build cancelled halfway left behind. */
  cancelled?: string;
  ok: boolean;
  result: string;
}

/** What the probe found out about a statement before running it: its table and the plan's claims. */
export interface ProbeTarget {
  table: string;
  facts: Facts;
  online?: string;
  lockTimeoutMs: number | null;
}

/** A statement whose first keyword is ALTER, CREATE or DROP (comments and blanks before it skipped). */
export function isDdl(sql: string): boolean {
  const text = sql.replace(/^(\s+|--[^\n]*\n?|\/\*[\s\S]*?\*\/)+/, '');
  return /^(alter|create|drop)\b/i.test(text);
}

const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000 };

/**
 * The lock timeout the statements set, the last one winning, in ms; null when none does or it is 0
 * (PostgreSQL: `SET lock_timeout = '5s'`, a bare number is ms; MySQL: `SET SESSION lock_wait_timeout = 5`,
 * in seconds). Read from the text: a SET's value is all the probe needs, and the parse trees of the
 * two parsers carry it in different shapes.
 */
export function lockTimeoutOf(engine: EngineName, statements: string[]): number | null {
  let found: number | null = null;
  for (const sql of statements) {
    if (engine === 'postgres') {
      if (/^\s*reset\s+lock_timeout\b/i.test(sql)) found = null;
      const m = /\block_timeout\s*(?:=|\bto\b)\s*(?:'?\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h)?\s*'?|(default)\b)/i.exec(sql);
      if (m) found = m[3] ? null : Number(m[1]) * UNITS[(m[2] ?? 'ms').toLowerCase()]!;
    } else {
      const m = /\block_wait_timeout\s*=\s*(?:(\d+(?:\.\d+)?)|(default)\b)/i.exec(sql);
      if (m) found = m[2] ? null : Number(m[1]) * 1000;
    }
  }
  return found === 0 ? null : found;
}

/** Why the plan calls a step online, or undefined: a concurrent build, MySQL's LOCK=NONE, or a lock timeout. */
export function onlineClaim(facts: Facts, lockTimeoutMs: number | null): string | undefined {
  if (facts.index?.concurrent) return 'CONCURRENTLY';
  if (facts.lock === 'NONE') return 'LOCK=NONE';
  if (facts.algorithm === 'INSTANT') return 'ALGORITHM=INSTANT';
  if (lockTimeoutMs !== null) return `lock timeout ${seconds(lockTimeoutMs)}`;
  return undefined;
}

const seconds = (ms: number) => (ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** The table a DDL statement is about (the first the parse tree names), with the statement's facts; undefined when it does not parse. */
export function targetOf(engine: 'postgres' | 'mysql', sql: string, before: string[]): ProbeTarget | undefined {
  const parsed = parseSql(engine, sql);
  if (!parsed.tree) return undefined;
  const table = tablesOf(parsed.tree)[0];
  const facts = factsOf(parsed.tree)[0];
  if (!table || !facts) return undefined;
  const lockTimeoutMs = lockTimeoutOf(engine, before);
  return { table, facts, lockTimeoutMs, online: onlineClaim(facts, lockTimeoutMs) };
}

/** `public.users` → `"public"."users"`: a name from a parse tree may carry its schema. */
export function quoteTable(engine: EngineName, table: string): string {
  return table.split('.').map((part) => quoteName(engine, part)).join('.');
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Whether the table exists now (a step that creates it has nothing to contend on). */
export async function tableExists(driver: Driver, table: string): Promise<boolean> {
  const sql = driver.engine === 'postgres'
    ? `SELECT to_regclass(${literal(quoteTable('postgres', table))}) IS NOT NULL`
    : `SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${literal(table.split('.').at(-1)!)}`;
  const value = (await driver.query(sql))[0]?.[0];
  return value === true || Number(value) > 0;
}

/** PostgreSQL's table lock modes, weakest first. */
const PG_MODES = ['AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'];

/** One look of the lock monitor. */
export interface Sample {
  at: number;
  /** The step's locks on the table: mode and whether granted. */
  step: { mode: string; granted: boolean }[];
  /** The step waits for some lock (on the table, or PostgreSQL's wait for older transactions). */
  stepWaiting: boolean;
  writerWaiting: boolean;
}

/** A writer statement: when it ran and whether it errored (a statement timeout, a cancel). */
export interface Write { start: number; end: number; error?: string }

/** The strongest mode seen, with the time it was seen held and the time the step was seen waiting. */
export function strongestLock(engine: EngineName, samples: Sample[]): { lock: string | null; heldMs: number; waitMs: number } {
  const rank = (mode: string) => (engine === 'postgres' ? PG_MODES.indexOf(mode) : mdlRank(mode));
  let lock: string | null = null;
  for (const s of samples) for (const l of s.step) if (lock === null || rank(l.mode) > rank(lock)) lock = l.mode;
  const span = (keep: (s: Sample) => boolean) => samples.filter(keep).length * SAMPLE_MS;
  return {
    lock,
    heldMs: span((s) => s.step.some((l) => l.mode === lock && l.granted)),
    waitMs: span((s) => s.stepWaiting),
  };
}

/** MariaDB metadata lock names (METADATA_LOCK_INFO), weakest first; without the plugin, the processlist's wait is all there is. */
function mdlRank(mode: string): number {
  return ['MDL_SHARED', 'MDL_SHARED_HIGH_PRIO', 'MDL_SHARED_READ', 'MDL_SHARED_WRITE', 'MDL_SHARED_UPGRADABLE', 'MDL_SHARED_READ_ONLY',
    'MDL_SHARED_NO_WRITE', 'MDL_SHARED_NO_READ_WRITE', 'MDL_EXCLUSIVE', 'metadata lock (waited)'].indexOf(mode);
}

/** The longest writer statement that the monitor saw waiting on a lock while it ran. */
export function writerBlockedMs(writes: Write[], samples: Sample[]): number {
  let longest = 0;
  for (const w of writes) {
    const waited = samples.some((s) => s.writerWaiting && s.at >= w.start && s.at <= w.end);
    if (waited) longest = Math.max(longest, Math.round(w.end - w.start));
  }
  return longest;
}

export interface Observation {
  engine: 'postgres' | 'mysql';
  target: ProbeTarget;
  probeLockTimeoutMs: number | null;
  writerBlockedMs: number;
  /** The step's error in the contended run, if it failed, and after how long. */
  stepError?: string;
  stepMs: number;
  stepWaitMs: number;
  cancelled?: { text: string; ok: boolean };
  /** PostgreSQL: INVALID indexes the step left when its lock timeout stopped it (a CONCURRENTLY build keeps its catalog entry). */
  timeoutLeftovers?: string[];
}

/**
 * The verdict on a probed step. The writer may be blocked for as long as the lock timeout in effect
 * (none set counts as zero: nothing bounds a queue behind the old transaction but its end, which in
 * production is the longest transaction's), plus the margin. A step that waits with a lock timeout must
 * fail with it, in about that time.
 */
export function judge(o: Observation): { ok: boolean; result: string; failFast?: string } {
  const { slackMs } = ENGINES[o.engine];
  const budget = o.probeLockTimeoutMs ?? 0;
  const problems: string[] = [];
  let failFast: string | undefined;
  if (o.probeLockTimeoutMs !== null) {
    if (o.stepError && ENGINES[o.engine].isLockTimeout(o.stepError)) {
      const fast = o.stepMs <= o.probeLockTimeoutMs + slackMs;
      failFast = `${fast ? 'failed fast' : 'failed late'}: lock timeout after ${o.stepMs} ms (timeout ${seconds(o.probeLockTimeoutMs)})`;
      if (!fast) problems.push(`waited ${o.stepMs} ms before its lock timeout of ${seconds(o.probeLockTimeoutMs)}`);
    } else if (o.stepWaitMs > o.probeLockTimeoutMs + slackMs) {
      failFast = `queued ${o.stepWaitMs} ms without failing (timeout ${seconds(o.probeLockTimeoutMs)})`;
      problems.push(`queued ${o.stepWaitMs} ms behind the old transaction instead of failing at its lock timeout of ${seconds(o.probeLockTimeoutMs)}`);
    } else {
      failFast = o.stepWaitMs ? `waited ${o.stepWaitMs} ms, within its lock timeout` : 'did not wait for a lock';
    }
  }
  if (o.writerBlockedMs > budget + slackMs) {
    const lockClause = o.target.facts.lock && o.target.facts.lock !== 'NONE' ? `LOCK=${o.target.facts.lock} and ` : '';
    const claim = o.target.online ? `a step the plan calls online (${o.target.online})` : `a step with ${lockClause}no lock timeout`;
    const bound = o.probeLockTimeoutMs === null ? 'no lock timeout bounds it' : `beyond the lock timeout of ${seconds(o.probeLockTimeoutMs)}`;
    problems.push(`${claim} blocked the writer on ${o.target.table} for ${o.writerBlockedMs} ms (${bound})`);
  }
  if (o.timeoutLeftovers?.length) {
    problems.push(`its lock timeout left INVALID index ${o.timeoutLeftovers.join(', ')} behind, which a re-run with IF NOT EXISTS accepts as done ` +
      '(a CONCURRENTLY build waits for every older transaction: run it with lock_timeout = 0, or drop the invalid index before retrying)');
  }
  if (o.cancelled && !o.cancelled.ok) problems.push(o.cancelled.text);
  if (problems.length) return { ok: false, failFast, result: `failed: ${problems.join('; ')}` };
  return { ok: true, failFast, result: `ok (writer blocked ${o.writerBlockedMs} ms${o.target.online ? `; online: ${o.target.online}` : ''})` };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;

/** The three extra sessions of a probe, and the ids the monitor watches. */
interface Sessions { old: Session; writer: Session; monitor: Session; stepId: number; writerId: number }

async function openSessions(driver: Driver, probe: EngineProbe): Promise<Sessions> {
  const [old, writer, monitor] = [await driver.openSession!(), await driver.openSession!(), await driver.openSession!()];
  // MySQL 8 has no max_statement_time (MariaDB's): the writer then goes without one, and the probe still ends it by cancelling.
  for (const sql of probe.writerSetup) await writer.run(sql).catch(() => undefined);
  for (const sql of probe.oldSetup) await old.run(sql).catch(() => undefined);
  const id = async (s: { query(sql: string): Promise<unknown[][]> }) => Number((await s.query(probe.sessionId))[0]![0]);
  return { old, writer, monitor, stepId: await id(driver), writerId: await id(writer) };
}

/** One look at the locks of the step's session and the writer's. */
async function sample(engine: 'postgres' | 'mysql', monitor: Session, table: string, stepId: number, writerId: number, mdlInfo: boolean): Promise<Sample> {
  const at = performance.now();
  if (engine === 'postgres') {
    const rows = await monitor.query(`SELECT l.pid, l.mode, l.granted, l.locktype = 'relation' AND l.relation = to_regclass(${literal(quoteTable('postgres', table))})
      FROM pg_locks l WHERE l.pid IN (${stepId}, ${writerId})`);
    const of = (pid: number) => rows.filter((r) => Number(r[0]) === pid);
    return {
      at,
      step: of(stepId).filter((r) => r[3] === true).map((r) => ({ mode: String(r[1]), granted: r[2] === true })),
      stepWaiting: of(stepId).some((r) => r[2] === false),
      writerWaiting: of(writerId).some((r) => r[2] === false),
    };
  }
  const states = await monitor.query(`SELECT ID, STATE FROM information_schema.PROCESSLIST WHERE ID IN (${stepId}, ${writerId})`);
  const waiting = (id: number) => states.some((r) => Number(r[0]) === id && /waiting for .*lock/i.test(String(r[1] ?? '')));
  const stepWaiting = waiting(stepId);
  const step = mdlInfo
    ? (await monitor.query(`SELECT LOCK_MODE FROM information_schema.METADATA_LOCK_INFO WHERE THREAD_ID = ${stepId} AND TABLE_NAME = ${literal(table.split('.').at(-1)!)}`))
      .map((r) => ({ mode: String(r[0]), granted: true }))
    : [];
  // The plugin lists granted locks only; without it, the wait is all there is to name.
  if (stepWaiting && !mdlInfo) step.push({ mode: 'metadata lock (waited)', granted: false });
  return { at, step, stepWaiting, writerWaiting: waiting(writerId) };
}

/** Whether MariaDB's metadata_lock_info plugin is there to ask (the probe never installs it). */
async function hasMdlInfo(monitor: Session): Promise<boolean> {
  const rows = await monitor.query(`SELECT COUNT(*) FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'METADATA_LOCK_INFO' AND PLUGIN_STATUS = 'ACTIVE'`).catch(() => [[0]]);
  return Number(rows[0]?.[0]) > 0;
}

export interface ProbeInput {
  driver: Driver;
  sql: string;
  target: ProbeTarget;
  /** The step runs inside the task's open transaction (PostgreSQL: a lock timeout is undone to a savepoint). */
  inTransaction: boolean;
  /** Runs the task's verify queries: whether every one holds (to see whether verify notices what a cancel left). */
  verifyHolds: () => Promise<boolean>;
  label: { phase: string; task: string; statement: string; path: (string | number)[] };
}

export interface ProbeOutcome {
  report: ProbeReport;
  /** The step ran to completion under the probe; when false the caller runs it again, unprobed. */
  ran: boolean;
  ms: number;
  rows: number;
}

/**
 * Probes one DDL step and runs it. The step runs on the rehearsal's own session (with the plan's
 * settings); when it fails with a lock timeout, the old transaction is gone by the time the caller runs
 * it again, as an operator would retry it.
 */
export async function probeStep(input: ProbeInput): Promise<ProbeOutcome> {
  const { driver, target, sql } = input;
  const engine = driver.engine as 'postgres' | 'mysql';
  const probe = ENGINES[engine];
  const table = quoteTable(engine, target.table);
  const [bounds] = await driver.query(`SELECT MIN(id), MAX(id) FROM ${table}`);
  const base = { ...input.label, table: target.table, online: target.online, lockTimeoutMs: target.lockTimeoutMs };
  if (bounds?.[0] === null || bounds?.[0] === undefined) {
    const report = { ...base, probeLockTimeoutMs: null, lock: null, lockWaitMs: 0, lockHeldMs: 0, writerBlockedMs: 0, writes: 0, ok: true, result: `not probed: ${target.table} has no rows to write` };
    return { report, ...(await runPlain(driver, sql)) };
  }
  const writerRow = Number(bounds[1]);
  const oldRow = Number(bounds[0]) === writerRow ? undefined : Number(bounds[0]);
  const sessions = await openSessions(driver, probe);
  try {
    // An earlier statement of the step's own transaction may hold the table already (two ALTERs of one
    // table in one transaction): then no other session gets near it until that transaction ends.
    const blockedBy = await ownLockOn(probe, sessions.old, target.table, oldRow, engine);
    if (blockedBy) {
      const report = { ...base, probeLockTimeoutMs: null, lock: null, lockWaitMs: 0, lockHeldMs: 0, writerBlockedMs: 0, writes: 0, ok: true,
        result: `not probed: ${blockedBy}` };
      return { report, ...(await runPlain(driver, sql)) };
    }
    const concurrentBuild = engine === 'postgres' && target.facts.index?.concurrent === true && !target.facts.index.drop;
    const cancelled = concurrentBuild ? await cancelHalfway(probe, sessions, driver, sql, target, oldRow, input.verifyHolds) : undefined;
    const invalidBefore = concurrentBuild ? await invalidIndexes(driver, target.table) : [];
    const probeLockTimeoutMs = target.lockTimeoutMs === null ? null : target.lockTimeoutMs >= probe.holdMs ? probe.scaledTimeoutMs : target.lockTimeoutMs;
    const contended = await contendedRun(engine, probe, sessions, driver, sql, target.table, oldRow, writerRow, probeLockTimeoutMs, input.inTransaction);
    const held = strongestLock(engine, contended.samples);
    const blocked = writerBlockedMs(contended.writes, contended.samples);
    const timeoutLeftovers = concurrentBuild && contended.error ? (await invalidIndexes(driver, target.table)).filter((n) => !invalidBefore.includes(n)) : [];
    const verdict = judge({ engine, target, probeLockTimeoutMs, writerBlockedMs: blocked, stepError: contended.error, stepMs: contended.ms, stepWaitMs: held.waitMs, cancelled, timeoutLeftovers });
    if (contended.error && !probe.isLockTimeout(contended.error)) throw new Error(contended.error);
    const report: ProbeReport = {
      ...base, probeLockTimeoutMs, lock: held.lock, lockWaitMs: held.waitMs, lockHeldMs: held.heldMs, writerBlockedMs: blocked,
      writes: contended.writes.length, failFast: verdict.failFast, cancelled: cancelled?.text, ok: verdict.ok, result: verdict.result,
    };
    if (!contended.error) return { report, ran: true, ms: contended.ms, rows: contended.rows };
    // As an operator would: run it again once the old transaction is gone.
    report.failFast += '; run again after the old transaction ended';
    return { report, ...(await runPlain(driver, sql)) };
  } finally {
    for (const s of [sessions.old, sessions.writer, sessions.monitor]) await s.close().catch(() => undefined);
  }
}

async function runPlain(driver: Driver, sql: string): Promise<{ ran: boolean; ms: number; rows: number }> {
  const start = performance.now();
  const rows = await driver.run(sql);
  return { ran: true, ms: Math.round(performance.now() - start), rows };
}

/**
 * Why the old transaction cannot take its locks on the table before the step runs (the rehearsal's own
 * open transaction holds it), or undefined when it can. The test transaction is rolled back at once.
 */
async function ownLockOn(probe: EngineProbe, old: Session, table: string, row: number | undefined, engine: EngineName): Promise<string | undefined> {
  try {
    await holdOld(probe, old, table, row, engine);
    return undefined;
  } catch (err) {
    if (!probe.isLockTimeout(message(err))) throw err;
    return `an earlier statement of the same transaction already holds ${table}: every reader and writer of it waits until that transaction commits`;
  } finally {
    await old.run('ROLLBACK').catch(() => undefined);
  }
}

/**
 * Opens the old transaction: it reads the table and rewrites one row as it was (none when the table has
 * a single row, which is the writer's: the probe measures table locks, not a row lock of its own making).
 */
async function holdOld(probe: EngineProbe, old: Session, table: string, row: number | undefined, engine: EngineName): Promise<void> {
  const t = quoteTable(engine, table);
  await old.run(probe.begin);
  await old.query(`SELECT 1 FROM ${t} LIMIT 1`);
  if (row !== undefined) await old.run(`UPDATE ${t} SET id = id WHERE id = ${row}`);
}

/**
 * The step on the rehearsal's session, with the old transaction held for `holdMs` (or until the step
 * ends, if sooner), the writer writing and the monitor watching until the step is over.
 */
async function contendedRun(engine: 'postgres' | 'mysql', probe: EngineProbe, s: Sessions, driver: Driver, sql: string, table: string,
  oldRow: number | undefined, writerRow: number, probeLockTimeoutMs: number | null, inTransaction: boolean) {
  const mdlInfo = engine === 'mysql' && await hasMdlInfo(s.monitor);
  const savedTimeout = String((await driver.query(probe.readLockTimeout))[0]![0]);
  await driver.query(probe.setLockTimeout(probeLockTimeoutMs));
  const savepoint = engine === 'postgres' && inTransaction;
  if (savepoint) await driver.run('SAVEPOINT plan_probe');
  await holdOld(probe, s.old, table, oldRow, engine);

  let over = false;
  const writes: Write[] = [];
  const samples: Sample[] = [];
  const t = quoteTable(engine, table);
  const writer = (async () => {
    while (!over) {
      const w: Write = { start: performance.now(), end: 0 };
      writes.push(w);
      try {
        await s.writer.run(`UPDATE ${t} SET id = id WHERE id = ${writerRow}`);
      } catch (err) {
        w.error = message(err);
      }
      w.end = performance.now();
      await sleep(WRITE_PAUSE_MS);
    }
  })();
  const monitor = (async () => {
    while (!over) {
      samples.push(await sample(engine, s.monitor, table, s.stepId, s.writerId, mdlInfo));
      await sleep(SAMPLE_MS);
    }
  })();
  // The writer and the monitor are going before the step starts.
  await sleep(3 * SAMPLE_MS);

  const start = performance.now();
  const step = driver.run(sql).then((rows) => ({ rows, error: undefined }), (err: unknown) => ({ rows: 0, error: message(err) }));
  // Ended once, by whichever comes first: the hold running out, or the step ending (a step that never
  // waited for the old transaction costs no more than itself).
  let releasing: Promise<unknown> | undefined;
  const release = () => (releasing ??= s.old.run('ROLLBACK'));
  const holdTimer = setTimeout(release, probe.holdMs);
  const done = await step;
  const ms = Math.round(performance.now() - start);
  clearTimeout(holdTimer);
  await release();
  // A writer still waiting (on the step's transaction, still open) is cancelled: what it waited so far counts.
  over = true;
  await s.monitor.query(probe.cancel(s.writerId)).catch(() => undefined);
  await Promise.all([writer, monitor]);
  if (savepoint) await driver.run(done.error ? 'ROLLBACK TO SAVEPOINT plan_probe' : 'RELEASE SAVEPOINT plan_probe');
  await driver.query(probe.restoreLockTimeout(savedTimeout));
  return { ...done, ms, writes: writes.filter((w) => w.start < start + ms), samples: samples.filter((x) => x.at >= start) };
}

/** PostgreSQL: the names of a table's indexes that satisfy `which` (a condition on pg_index `i`). */
async function indexesOf(driver: Driver, table: string, which: string): Promise<string[]> {
  const rel = `to_regclass(${literal(quoteTable('postgres', table))})`;
  return (await driver.query(`SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ${rel} AND ${which}`)).map((r) => String(r[0]));
}

const invalidIndexes = (driver: Driver, table: string) => indexesOf(driver, table, 'NOT i.indisvalid');

/**
 * PostgreSQL: a CONCURRENTLY build cancelled while it waits for the old transaction, on a session of its
 * own. It leaves an INVALID index behind; `IF NOT EXISTS` would then skip the build and report success.
 * What matters is whether anything notices: a re-run that fails loudly, or the task's verify. The
 * leftover is dropped after, so the rehearsal goes on from where the plan starts.
 */
async function cancelHalfway(probe: EngineProbe, s: Sessions, driver: Driver, sql: string, target: ProbeTarget, oldRow: number | undefined,
  verifyHolds: () => Promise<boolean>): Promise<{ text: string; ok: boolean }> {
  const indexes = () => indexesOf(driver, target.table, 'true');
  const invalid = () => invalidIndexes(driver, target.table);
  const before = new Set(await indexes());
  const builder = await driver.openSession!();
  try {
    const builderId = Number((await builder.query(probe.sessionId))[0]![0]);
    await holdOld(probe, s.old, target.table, oldRow, 'postgres');
    const build = builder.run(sql).then(() => undefined, (err: unknown) => message(err));
    // Cancel once the build waits for the old transaction, which is held until then: by then its INVALID
    // entry is in the catalog. The deadline is only for a build that never waits (a loaded machine is slow
    // to get there, so it is generous).
    const deadline = performance.now() + 10 * probe.holdMs;
    while (performance.now() < deadline) {
      const waiting = await s.monitor.query(`SELECT 1 FROM pg_locks WHERE pid = ${builderId} AND NOT granted`);
      if (waiting.length) break;
      await sleep(SAMPLE_MS);
    }
    await s.monitor.query(probe.cancel(builderId));
    const error = await build;
    await s.old.run('ROLLBACK');
    const left = (await invalid()).filter((name) => !before.has(name));
    if (!error) return { text: 'cancel: the build finished before it could be cancelled', ok: true };
    if (!left.length) return { text: 'cancel: left nothing behind', ok: true };
    // Verify runs with the leftover in place, as it would after a re-run that skipped the build.
    const rerun = await builder.run(sql).then(() => undefined, (err: unknown) => message(err));
    const stillInvalid = (await invalid()).filter((name) => left.includes(name));
    const silent = rerun === undefined && stillInvalid.length > 0;
    const caught = !(await verifyHolds());
    // Everything the cancelled build and the re-run made goes: the rehearsal runs the step as the plan says.
    for (const name of (await indexes()).filter((n) => !before.has(n))) await driver.run(`DROP INDEX IF EXISTS ${quoteName('postgres', name)}`);
    const what = `cancel: left INVALID index ${left.join(', ')}; ${silent ? 'a re-run reports success and leaves it INVALID' : rerun ? `a re-run fails (${rerun})` : 'a re-run rebuilds it'}`;
    if (!silent) return { text: what, ok: true };
    return caught
      ? { text: `${what}; verify catches it`, ok: true }
      : { text: `${what}, and verify does not catch it (check indisvalid in verify)`, ok: false };
  } finally {
    await builder.close().catch(() => undefined);
  }
}

/** Said when --probe meets an engine it does not apply to. */
export function probesNotApplicable(engine: string): string | undefined {
  if (engine === 'sqlite') return 'Probes: not applicable on SQLite (one writer at a time: any schema change holds the whole database, so there is no concurrent writer to measure)';
  if (engine === 'mongodb') return 'Probes: not applicable on MongoDB (parse-only: nothing is run)';
  return undefined;
}
