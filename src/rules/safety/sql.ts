/**
 * Safety rules that read the statements a task carries (its description): the engine-specific ways
 * a DDL step locks a live table, and a backfill that is not batched.
 */
import { opMask } from '../context.js';
import type { RuleHit, SafetyRule } from '../types.js';

const DDL = opMask('add-table', 'add-column', 'create-index', 'drop-index', 'add-constraint', 'validate-constraint',
  'set-not-null', 'drop-not-null', 'change-type', 'rename-column', 'rename-table', 'drop-column', 'drop-table');
const BACKFILL = opMask('backfill');

export const backfillSeparateAndBatched: SafetyRule = {
  id: 'backfill-separate-and-batched',
  category: 'safety',
  severity: 'warning',
  summary: 'A backfill is its own task, outside any DDL, and says how it is batched.',
  hint: 'split the DDL into its own task, and describe the batch size, the pause between batches and how the backfill resumes',
  why: 'A backfill inside a DDL transaction holds its locks for the whole update; an unbatched UPDATE of a large table does the same on its own and floods replication. Batches of a few thousand rows, each committed, with a pause, keep the table writable.',
  sources: ['strong_migrations (backfilling data)', 'pgroll (batched backfills)'],
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const v of ctx.withOps(BACKFILL)) {
      const task = ctx.tasks[v]!;
      const ddl = task.ops.filter((op) => (opMask(op) & DDL) !== 0);
      if (ddl.length > 0) hits.push({ task: v, field: ['ops'], message: `"${task.id}" mixes a backfill with DDL (${ddl.join(', ')})` });
      else if (!/\bbatch/i.test(task.description)) hits.push({ task: v, field: ['description'], message: `"${task.id}" is a backfill that does not say how it is batched` });
    }
    return hits;
  },
};

/** Statements in a PostgreSQL plan that match `bad` and lack `needed`. */
function pgStatements(
  ctx: Parameters<SafetyRule['check']>[0],
  bad: RegExp,
  needed: RegExp,
  message: (id: string, line: string) => string,
): RuleHit[] {
  if (ctx.plan.database !== 'postgres') return [];
  const hits: RuleHit[] = [];
  for (const v of ctx.scheduled()) {
    const line = ctx.statements(v).find((l) => bad.test(l) && !needed.test(l));
    if (line) hits.push({ task: v, field: ['description'], message: message(ctx.tasks[v]!.id, line) });
  }
  return hits;
}

export const pgConcurrentIndex: SafetyRule = {
  id: 'pg-concurrent-index',
  category: 'safety',
  severity: 'error',
  summary: 'On PostgreSQL, indexes on existing tables are created and dropped CONCURRENTLY.',
  hint: 'use CREATE INDEX CONCURRENTLY / DROP INDEX CONCURRENTLY, outside a transaction, and check the index is valid afterwards',
  why: 'A plain CREATE INDEX blocks every write to the table for the whole build; DROP INDEX takes an exclusive lock. The concurrent forms do not, at the price of running outside a transaction and possibly leaving an invalid index to check for.',
  sources: ['Atlas `PG101`–`PG103`', 'squawk `require-concurrent-index-creation`', 'squawk `require-concurrent-index-deletion`'],
  check(ctx) {
    return pgStatements(ctx, /\b(CREATE\s+(UNIQUE\s+)?INDEX|DROP\s+INDEX)\b/i, /\bCONCURRENTLY\b/i,
      (id, line) => `"${id}" builds or drops an index without CONCURRENTLY: ${line}`);
  },
};

export const pgNotValidConstraint: SafetyRule = {
  id: 'pg-not-valid-constraint',
  category: 'safety',
  severity: 'warning',
  summary: 'On PostgreSQL, foreign keys and CHECK constraints are added NOT VALID, then validated.',
  hint: 'ADD CONSTRAINT … NOT VALID first (instant), then ALTER TABLE … VALIDATE CONSTRAINT (no write lock)',
  why: 'Adding a foreign key or CHECK scans the whole table under a lock that blocks writes. NOT VALID adds it instantly for new rows; VALIDATE CONSTRAINT then checks old rows while writes go on.',
  sources: ['Atlas `PG305`, `PG306`', 'squawk `adding-foreign-key-constraint`', 'squawk `constraint-missing-not-valid`', 'strong_migrations'],
  check(ctx) {
    const hits = pgStatements(ctx, /\bADD\s+CONSTRAINT\b.*\b(FOREIGN\s+KEY|CHECK)\b/i, /\bNOT\s+VALID\b/i,
      (id, line) => `"${id}" adds a constraint without NOT VALID: ${line}`);
    if (ctx.plan.database !== 'postgres') return hits;
    // A NOT VALID constraint holds only for new rows until some task validates it.
    const plan = ctx.scheduled().map((v) => ctx.tasks[v]!.description).join('\n');
    for (const v of ctx.scheduled()) {
      for (const line of ctx.statements(v)) {
        const name = /\bADD\s+CONSTRAINT\s+("?[\w$]+"?).*\bNOT\s+VALID\b/i.exec(line)?.[1];
        if (name && !new RegExp(`\\bVALIDATE\\s+CONSTRAINT\\s+${name.replace(/[$"]/g, '\\$&')}`, 'i').test(plan)) {
          hits.push({ task: v, field: ['description'], message: `"${ctx.tasks[v]!.id}" adds ${name} NOT VALID, and no task validates it` });
        }
      }
    }
    return hits;
  },
};

export const ddlLockTimeout: SafetyRule = {
  id: 'ddl-lock-timeout',
  category: 'safety',
  severity: 'warning',
  summary: 'DDL on a live table sets a lock timeout (PostgreSQL lock_timeout, MySQL lock_wait_timeout).',
  hint: "start the task's statements with SET lock_timeout = '5s' (PostgreSQL) or SET SESSION lock_wait_timeout = 5 (MySQL), and retry on timeout",
  why: 'An ALTER waiting for its lock behind one long transaction makes every later query on the table queue behind it: a short outage from a metadata change. A lock timeout makes the ALTER give up and retry instead.',
  sources: ['squawk `require-timeout-settings`', 'strong_migrations (lock timeouts)'],
  check(ctx) {
    const setting = ctx.plan.database === 'postgres' ? /lock_timeout/i : ctx.plan.database === 'mysql' ? /lock_wait_timeout/i : undefined;
    if (!setting) return [];
    return ctx.scheduled()
      .filter((v) => /\bALTER\s+TABLE\b/i.test(ctx.tasks[v]!.description) && !setting.test(ctx.tasks[v]!.description))
      .map((v) => ({ task: v, field: ['description'], message: `"${ctx.tasks[v]!.id}" alters a table without a lock timeout` }));
  },
};

export const sqlRules = [backfillSeparateAndBatched, pgConcurrentIndex, pgNotValidConstraint, ddlLockTimeout];
