/**
 * Concurrency probes (`plan rehearse --probe`): the pure parts (which statements are DDL, the lock
 * timeout a task sets, what the plan calls online, the verdict), then real servers, one per describe
 * block: embedded PostgreSQL and Debian's MariaDB. Assertions rest on facts the lock monitor saw and
 * on margins of hundreds of milliseconds, never on tight timings: the machine may be loaded.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { beforeAll, describe, expect, it } from 'vitest';
import { rehearsePlan } from '../../src/app/rehearse.js';
import { newPlan } from '../../src/app/new.js';
import { isDdl, judge, lockTimeoutOf, onlineClaim, strongestLock, writerBlockedMs, type ProbeTarget, type Sample } from '../../src/rehearse/probe.js';
import { startEmbedded } from '../../src/rehearse/postgres.js';
import { loadParser, parseText } from '../../src/sql/engines.js';
import { factsOf } from '../../src/sql/facts.js';
import { fixture, runCli, tempDir } from '../helpers.js';
import { serverForBlock, startDebianPostgres, startMariadb } from './servers.js';

const plan = (name: string) => fixture('rehearse', `${name}.plan.yaml`);

/** A copy of a plan with one piece of text replaced. */
function variant(file: string, from: string, to: string): string {
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  const out = join(tempDir(), 'variant.plan.yaml');
  writeFileSync(out, text.replace(from, to));
  return out;
}

/** The built-in add-index plan for PostgreSQL, as `plan new add-index --db postgres` writes it. */
async function addIndexPlan(): Promise<string> {
  const out = join(tempDir(), 'add-index.plan.yaml');
  const made = await newPlan({ template: 'add-index', flags: { db: 'postgres' }, out });
  expect(made.written, made.summary).toBe(true);
  return out;
}

describe('the pure parts', () => {
  beforeAll(() => Promise.all([loadParser('postgres'), loadParser('mysql')]));
  const facts = (engine: 'postgres' | 'mysql', sql: string) => {
    const parsed = parseText(engine, sql);
    return factsOf(parsed.tree!)[0]!;
  };

  it('takes ALTER, CREATE and DROP for DDL, after comments, and nothing else', () => {
    expect(['ALTER TABLE t ADD c int', '  create index i on t (c)', '-- why\nDROP INDEX i', '/* x */ Create table t (id int)'].map(isDdl)).toEqual([true, true, true, true]);
    expect(['UPDATE t SET c = 1', 'SET lock_timeout = 0', 'SELECT 1', 'INSERT INTO created VALUES (1)'].map(isDdl)).toEqual([false, false, false, false]);
  });

  it('reads the lock timeout a task sets, the last one winning, in ms (0 and DEFAULT: none)', () => {
    expect(lockTimeoutOf('postgres', [`SET lock_timeout = '5s'`])).toBe(5000);
    expect(lockTimeoutOf('postgres', [`SET lock_timeout TO 250`])).toBe(250);
    expect(lockTimeoutOf('postgres', [`SET LOCAL lock_timeout = '2min'`])).toBe(120_000);
    expect(lockTimeoutOf('postgres', [`SET lock_timeout = '5s'`, 'SET lock_timeout = 0'])).toBeNull();
    expect(lockTimeoutOf('postgres', [`SET lock_timeout = '5s'`, 'RESET lock_timeout'])).toBeNull();
    expect(lockTimeoutOf('postgres', [`SET statement_timeout = '5s'`])).toBeNull();
    expect(lockTimeoutOf('mysql', ['SET SESSION lock_wait_timeout = 5'])).toBe(5000);
    expect(lockTimeoutOf('mysql', ['SET SESSION lock_wait_timeout = 5', 'SET lock_wait_timeout = DEFAULT'])).toBeNull();
  });

  it('calls a step online for CONCURRENTLY, LOCK=NONE, ALGORITHM=INSTANT or a lock timeout, from the parse tree', () => {
    expect(onlineClaim(facts('postgres', 'CREATE INDEX\n  CONCURRENTLY i ON t (c)'), null)).toBe('CONCURRENTLY');
    expect(onlineClaim(facts('postgres', 'CREATE INDEX i ON t (c)'), null)).toBeUndefined();
    expect(onlineClaim(facts('postgres', 'ALTER TABLE t ADD c int'), 5000)).toBe('lock timeout 5s');
    expect(onlineClaim(facts('mysql', 'CREATE INDEX i ON t (c) ALGORITHM=INPLACE LOCK=NONE'), null)).toBe('LOCK=NONE');
    expect(onlineClaim(facts('mysql', 'CREATE INDEX i ON t (c) ALGORITHM=INPLACE LOCK=EXCLUSIVE'), null)).toBeUndefined();
  });

  const sample = (at: number, mode: string, granted: boolean, writerWaiting: boolean): Sample => ({ at, step: [{ mode, granted }], stepWaiting: !granted, writerWaiting });

  it('counts a writer as blocked only for statements the monitor saw waiting on a lock', () => {
    const samples = [sample(10, 'ShareLock', false, true), sample(30, 'ShareLock', true, false)];
    // A slow write that never waited on a lock (a loaded machine) is not a block.
    expect(writerBlockedMs([{ start: 0, end: 600 }, { start: 700, end: 1500 }], samples)).toBe(600);
    expect(writerBlockedMs([{ start: 100, end: 900 }], samples)).toBe(0);
    expect(strongestLock('postgres', [sample(0, 'AccessShareLock', true, false), ...samples])).toMatchObject({ lock: 'ShareLock', waitMs: 20, heldMs: 20 });
  });

  const target = (online?: string, lockTimeoutMs: number | null = null): ProbeTarget => ({ table: 'users', facts: { verb: 'CREATE INDEX', constraints: [], validates: [], retypes: [], notNull: [] }, online, lockTimeoutMs });

  it('fails a step that blocks the writer beyond its lock timeout (none counts as zero), and one that queues instead of failing fast', () => {
    const base = { engine: 'postgres' as const, stepMs: 600, stepWaitMs: 560 };
    expect(judge({ ...base, target: target(), probeLockTimeoutMs: null, writerBlockedMs: 600 })).toMatchObject({ ok: false, result: expect.stringMatching(/a step with no lock timeout blocked the writer on users for 600 ms/) });
    expect(judge({ ...base, target: target('CONCURRENTLY'), probeLockTimeoutMs: null, writerBlockedMs: 0 }).ok).toBe(true);
    expect(judge({ ...base, target: target('lock timeout 5s', 5000), probeLockTimeoutMs: 200, writerBlockedMs: 210, stepError: 'canceling statement due to lock timeout', stepMs: 205 }))
      .toMatchObject({ ok: true, failFast: expect.stringMatching(/^failed fast: lock timeout after 205 ms/) });
    expect(judge({ ...base, target: target('lock timeout 5s', 5000), probeLockTimeoutMs: 200, writerBlockedMs: 600 }))
      .toMatchObject({ ok: false, result: expect.stringMatching(/queued 560 ms behind the old transaction instead of failing.*a step the plan calls online \(lock timeout 5s\) blocked the writer/) });
    expect(judge({ ...base, target: target('CONCURRENTLY'), probeLockTimeoutMs: null, writerBlockedMs: 0, cancelled: { text: 'cancel: left INVALID index i', ok: false } }).ok).toBe(false);
  });
});

describe('on PostgreSQL (embedded, one server for the block)', () => {
  const url = serverForBlock(startEmbedded, (server) => server.stop(false));

  it('reports a plain CREATE INDEX on a live table as blocking the writer, and fails there, located (CLI, exit 1, --json)', () => {
    const r = runCli(['rehearse', plan('probe-unsafe'), '--url', url(), '--probe', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.failure).toMatchObject({ task: 'T1', path: 'tasks[0].sql.up[0]', statement: expect.stringMatching(/^probe up\[0\] CREATE INDEX users_email_idx/) });
    const [probe] = result.probes;
    // The old transaction is held 600 ms: the writer queues behind the index build for most of it.
    expect(probe).toMatchObject({ task: 'T1', table: 'users', lock: 'ShareLock', lockTimeoutMs: null, ok: false });
    expect(probe.writerBlockedMs).toBeGreaterThanOrEqual(300);
    expect(probe.lockWaitMs).toBeGreaterThan(0);
    expect(result.verdict).toMatch(/a step with no lock timeout blocked the writer on users for \d+ ms/);
  });

  it('passes the built-in add-index plan (CREATE INDEX CONCURRENTLY): the writer never waits, and verify catches what a cancelled build leaves', async () => {
    const { result, text } = await rehearsePlan({ file: await addIndexPlan(), url: url(), probe: true });
    expect(result.ok, text).toBe(true);
    expect(result.probes).toHaveLength(1);
    expect(result.probes![0]).toMatchObject({ lock: 'ShareUpdateExclusiveLock', online: 'CONCURRENTLY', writerBlockedMs: 0, ok: true });
    expect(result.probes![0]!.cancelled).toMatch(/left INVALID index idx_orders_customer_id_created_at; a re-run reports success and leaves it INVALID; verify catches it/);
    expect(text).toMatch(/^Concurrency probes/m);
    expect(text).toMatch(/^Task +Statement +Table +Strongest lock +Held +Lock wait +Writer blocked +Lock timeout +Result$/m);
  });

  it('fails a CONCURRENTLY build whose verify would accept the INVALID index a cancel leaves', async () => {
    const file = variant(await addIndexPlan(), `AND i.indrelid = to_regclass('orders') AND i.indisvalid\n`, `AND i.indrelid = to_regclass('orders')\n`);
    const { result } = await rehearsePlan({ file, url: url(), probe: true });
    expect(result.failure).toMatchObject({ task: 'T1', path: 'tasks[3].sql.up[2]' });
    expect(result.failure!.result).toMatch(/left INVALID index .*a re-run reports success and leaves it INVALID, and verify does not catch it/);
  });

  it('fails a CONCURRENTLY build run with a lock timeout: timing out leaves an INVALID index that IF NOT EXISTS accepts', async () => {
    const file = variant(await addIndexPlan(), '- SET lock_timeout = 0\n', `- SET lock_timeout = '5s'\n`);
    const { result } = await rehearsePlan({ file, url: url(), probe: true });
    expect(result.probes![0]!.failFast).toMatch(/^failed fast: lock timeout/);
    expect(result.failure).toMatchObject({ task: 'T1', path: 'tasks[3].sql.up[2]', statement: expect.stringMatching(/^probe up\[2\]/) });
    expect(result.failure!.result).toMatch(/its lock timeout left INVALID index idx_orders_customer_id_created_at behind, which a re-run with IF NOT EXISTS accepts as done/);
  });

  it('a step with a lock timeout fails fast behind the old transaction (scaled to the probe), in and out of a transaction, and is run again', async () => {
    const file = join(tempDir(), 'lock-timeout.plan.yaml');
    writeFileSync(file, [
      'version: 1', 'database: postgres', 'epic: { id: E, title: Epic }', 'phases: [{ id: A, name: A, rollback: r, risk: low }]', 'tasks:',
      '  - { id: T1, title: In a transaction, phase: A, type: schema, ops: [add-column], sql: { up: ["SET lock_timeout = \'5s\'", ALTER TABLE users ADD COLUMN note text], down: [ALTER TABLE users DROP COLUMN IF EXISTS note] } }',
      '  - { id: T2, title: Alone, phase: A, type: schema, ops: [add-column], sql: { up: [{ run: "SET lock_timeout = \'100ms\'", transaction: false }, { run: ALTER TABLE users ADD COLUMN tag text, transaction: false }], down: [ALTER TABLE users DROP COLUMN IF EXISTS tag] } }', '',
    ].join('\n'));
    // Wide enough that the probe table keeps each cell on one line (it wraps to the terminal, 80 when piped).
    const columns = process.env.COLUMNS;
    process.env.COLUMNS = '240';
    try {
      const { result, text } = await rehearsePlan({ file, url: url(), probe: true });
      expect(result.ok, text).toBe(true);
      expect(result.probes!.map((p) => [p.task, p.lock, p.lockTimeoutMs, p.probeLockTimeoutMs])).toEqual([['T1', 'AccessExclusiveLock', 5000, 200], ['T2', 'AccessExclusiveLock', 100, 100]]);
      for (const p of result.probes!) expect(p.failFast).toMatch(/^failed fast: lock timeout after \d+ ms .*; run again after the old transaction ended$/);
      expect(text).toContain('5.0s (probe 200ms)');
    } finally {
      if (columns === undefined) delete process.env.COLUMNS; else process.env.COLUMNS = columns;
    }
  });

  it('does not hang on a second DDL step of one table in one transaction: the first holds the table, and the second says so', async () => {
    const file = join(tempDir(), 'same-table.plan.yaml');
    writeFileSync(file, [
      'version: 1', 'database: postgres', 'epic: { id: E, title: Epic }', 'phases: [{ id: A, name: A, rollback: r, risk: low }]', 'tasks:',
      '  - { id: T1, title: Two changes, phase: A, type: schema, ops: [add-column], sql: { up: ["SET lock_timeout = \'5s\'", ALTER TABLE users ADD COLUMN note text, ALTER TABLE users ADD COLUMN tag text], down: [ALTER TABLE users DROP COLUMN IF EXISTS tag, ALTER TABLE users DROP COLUMN IF EXISTS note] } }', '',
    ].join('\n'));
    const { result, text } = await rehearsePlan({ file, url: url(), probe: true });
    expect(result.ok, text).toBe(true);
    expect(result.probes!.map((p) => p.statement.slice(0, 5))).toEqual(['up[1]', 'up[2]']);
    expect(result.probes![0]!.lock).toBe('AccessExclusiveLock');
    expect(result.probes![1]!.result).toMatch(/^not probed: an earlier statement of the same transaction already holds users/);
  });
});

describe('on PostgreSQL 15 (Debian\'s server, --url)', () => {
  const url = serverForBlock(startDebianPostgres, (server) => server.stop());

  it('reports the plain CREATE INDEX as blocking the writer there too', async () => {
    const { result } = await rehearsePlan({ file: plan('probe-unsafe'), url: url(), probe: true });
    expect(result.probes![0]).toMatchObject({ lock: 'ShareLock', ok: false });
    expect(result.failure).toMatchObject({ task: 'T1', path: 'tasks[0].sql.up[0]' });
  });
});

describe('on MariaDB (one server for the block)', () => {
  const url = serverForBlock(startMariadb, (server) => server.stop());

  it('passes an INPLACE, LOCK=NONE build with a lock wait timeout (it fails fast), and fails a LOCK=EXCLUSIVE one without', async () => {
    const { result, text } = await rehearsePlan({ file: plan('probe-mysql'), url: url(), probe: true });
    const [online, exclusive] = result.probes!;
    expect(online, text).toMatchObject({ task: 'T1', online: 'LOCK=NONE', lockTimeoutMs: 5000, probeLockTimeoutMs: 1000, ok: true });
    expect(online!.failFast).toMatch(/^failed fast: lock timeout/);
    expect(exclusive).toMatchObject({ task: 'T2', lockTimeoutMs: null, ok: false });
    // The old transaction is held 2.5 s: the writer queues behind the metadata lock the build waits for.
    expect(exclusive!.writerBlockedMs).toBeGreaterThanOrEqual(1500);
    expect(result.failure).toMatchObject({ task: 'T2', path: 'tasks[1].sql.up[0]' });
    expect(result.failure!.result).toMatch(/a step with LOCK=EXCLUSIVE and no lock timeout blocked the writer on users/);
  });

  it('names the metadata lock the step holds when the metadata_lock_info plugin is there (installed by this test, never by the probe)', async () => {
    const connection = await mysql.createConnection({ uri: url() });
    await connection.query(`INSTALL SONAME 'metadata_lock_info'`);
    await connection.end();
    const { result, text } = await rehearsePlan({ file: plan('probe-mysql'), url: url(), probe: true, phase: 'A' });
    expect(result.ok, text).toBe(true);
    expect(result.probes![0]).toMatchObject({ lock: 'MDL_SHARED_UPGRADABLE', ok: true });
    expect(result.probes![0]!.lockHeldMs).toBeGreaterThan(0);
  });
});

describe('on SQLite', () => {
  it('says plainly that the probes do not apply, and rehearses as without them', async () => {
    const { result, text } = await rehearsePlan({ file: plan('sqlite'), probe: true });
    expect(result.ok).toBe(true);
    expect(result.probes).toEqual([]);
    expect(text).toMatch(/Probes: not applicable on SQLite \(one writer at a time/);
    expect((await rehearsePlan({ file: plan('sqlite') })).result.probes).toBeUndefined();
  });
});
