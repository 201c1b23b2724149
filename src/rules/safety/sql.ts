/**
 * Safety rules that read the statements a task carries: the engine-specific ways a DDL step locks a
 * live table, a backfill that is not batched, a change with no way back.
 *
 * A task with `sql` is judged on its parse trees (src/sql/facts.ts), so a statement laid out in any
 * valid way is read as the engine reads it. A task without `sql` is still judged on its description,
 * line by line, until the templates state their statements as data; those description checks then go.
 */
import type { Facts } from '../../sql/facts.js';
import { opMask, type RuleContext, type SqlStatement } from '../context.js';
import { statementName } from '../statements.js';
import type { RuleHit, SafetyRule } from '../types.js';

const DDL = opMask('add-table', 'add-column', 'create-index', 'drop-index', 'add-constraint', 'validate-constraint',
  'set-not-null', 'drop-not-null', 'change-type', 'rename-column', 'rename-table', 'drop-column', 'drop-table');
const BACKFILL = opMask('backfill');

/** The statements of a task that change the database, list by list (up, then down): not the read-only queries. */
function changeLists(ctx: RuleContext, v: number): SqlStatement[][] {
  const changes = ctx.sql(v).filter((s) => !s.query);
  return [changes.filter((s) => s.list === 'up'), changes.filter((s) => s.list === 'down')].filter((l) => l.length > 0);
}

/**
 * Each statement of a list with its facts, and the tables the list created before it: a table created
 * by the same task is new and empty, so locking it harms nobody.
 */
function* withNewTables(list: readonly SqlStatement[]): Generator<{ s: SqlStatement; f: Facts; created: ReadonlySet<string> }> {
  const created = new Set<string>();
  for (const s of list) {
    for (const f of s.facts) {
      yield { s, f, created };
      if (f.creates) created.add(f.creates);
    }
  }
}

const isDdl = (f: Facts) => Boolean(f.alters || f.creates || f.index || f.constraints.length > 0);
/** A new table and nothing else: no ALTER, index or constraint on a table that is there already. */
const createsOnly = (f: Facts) => Boolean(f.creates && !f.alters && !f.index && f.constraints.length === 0);

export const backfillSeparateAndBatched: SafetyRule = {
  id: 'backfill-separate-and-batched',
  category: 'safety',
  severity: 'warning',
  summary: 'A backfill is its own task, outside any DDL, and says how it is batched.',
  hint: 'split the DDL into its own task, and batch the backfill: a statement with a loop (key, batch, bounds, remaining) using :from and :to, or, in a description, the batch size, the pause and how it resumes',
  why: 'A backfill inside a DDL transaction holds its locks for the whole update; an unbatched UPDATE of a large table does the same on its own and floods replication. Batches of a few thousand rows, each committed, with a pause, keep the table writable.',
  sources: ['strong_migrations (backfilling data)', 'pgroll (batched backfills)'],
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const v of ctx.scheduled()) {
      const task = ctx.tasks[v]!;
      const marked = ctx.hasOps(v, BACKFILL);
      const ddl = marked ? task.ops.filter((op) => (opMask(op) & DDL) !== 0) : [];
      if (ddl.length > 0) hits.push({ task: v, field: ['ops'], message: `"${task.id}" mixes a backfill with DDL (${ddl.join(', ')})` });
      else if (ctx.hasSql(v)) hits.push(...sqlBackfill(ctx, v));
      else if (marked && !/\bbatch/i.test(task.description)) hits.push({ task: v, field: ['description'], message: `"${task.id}" is a backfill that does not say how it is batched` });
    }
    return hits;
  },
};

/** A task's statements as a backfill: rows rewritten from other rows, batched by a loop, away from DDL. */
function sqlBackfill(ctx: RuleContext, v: number): RuleHit[] {
  const up = ctx.sql(v).filter((s) => s.list === 'up' && !s.query);
  const writes = up.filter((s) => s.facts.some((f) => f.writes));
  if (writes.length === 0) return [];
  // A table the task creates for itself (an archive of the rows it changes, a cut-off record) is new: its locks stand in nobody's way.
  const ddl = up.find((s) => s.facts.some((f) => isDdl(f) && !createsOnly(f)));
  if (ddl) return [{ task: v, field: ddl.field, message: `${statementName(ctx, v, ddl)} is DDL in a task that also backfills (${writes[0]!.label}): its locks are held for the whole backfill` }];
  return writes.flatMap((s): RuleHit[] => {
    const table = s.facts.find((f) => f.writes)!.writes;
    // MongoDB: a write in a cursor's callback or in the script's own paging loop is one small write per round.
    if (!s.batched && s.facts.filter((f) => f.writes).every((f) => f.repeated)) return [];
    if (!s.batched) return [{ task: v, field: s.field, message: `${statementName(ctx, v, s)} rewrites ${table} in one statement, not in batches` }];
    const used = new Set(s.parsed?.uses.map((u) => u.name));
    if (used.has('from') && used.has('to')) return [];
    return [{ task: v, field: s.field, message: `${statementName(ctx, v, s)} is a loop's statement without :from and :to: every batch would rewrite all of ${table}` }];
  });
}

/** Description lines of a PostgreSQL plan's tasks without `sql` that match `bad` and lack `needed`. */
function pgDescriptions(ctx: RuleContext, bad: RegExp, needed: RegExp, message: (id: string, line: string) => string): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const v of ctx.scheduled()) {
    if (ctx.hasSql(v)) continue;
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
  hint: 'use CREATE INDEX CONCURRENTLY / DROP INDEX CONCURRENTLY, outside a transaction, and check the index is valid afterwards (a UNIQUE or PRIMARY KEY constraint: build its index CONCURRENTLY, then ADD CONSTRAINT … USING INDEX)',
  why: 'A plain CREATE INDEX blocks every write to the table for the whole build; DROP INDEX takes an exclusive lock. The concurrent forms do not, at the price of running outside a transaction and possibly leaving an invalid index to check for.',
  sources: ['Atlas `PG101`–`PG103`', 'squawk `require-concurrent-index-creation`', 'squawk `require-concurrent-index-deletion`', 'squawk `disallowed-unique-constraint`'],
  check(ctx) {
    if (ctx.plan.database !== 'postgres') return [];
    const hits: RuleHit[] = [];
    for (const v of ctx.scheduled()) {
      if (!ctx.hasSql(v)) continue;
      for (const list of changeLists(ctx, v)) {
        for (const { s, f, created } of withNewTables(list)) {
          if (!f.index || f.index.concurrent || created.has(f.index.table)) continue;
          const what = f.index.drop ? 'drops' : 'builds';
          hits.push({ task: v, field: s.field,
            message: `${statementName(ctx, v, s)} ${what} index ${f.index.name ?? '(unnamed)'}${f.index.table ? ` on ${f.index.table}` : ''} without CONCURRENTLY (${f.verb})` });
        }
      }
    }
    return [...hits, ...pgDescriptions(ctx, /\b(CREATE\s+(UNIQUE\s+)?INDEX|DROP\s+INDEX)\b/i, /\bCONCURRENTLY\b/i,
      (id, line) => `"${id}" builds or drops an index without CONCURRENTLY: ${line}`)];
  },
};

/** A constraint name as PostgreSQL stores it: unquoted names fold to lower case, quoted ones are kept. */
const constraintKey = (name: string) => (name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase());

const DESCRIBED_NOT_VALID = /\bADD\s+CONSTRAINT\s+("(?:[^"]|"")+"|[\w$]+).*\bNOT\s+VALID\b/i;
const DESCRIBED_VALIDATE = /\bVALIDATE\s+CONSTRAINT\s+("(?:[^"]|"")+"|[\w$]+)/gi;

export const pgNotValidConstraint: SafetyRule = {
  id: 'pg-not-valid-constraint',
  category: 'safety',
  severity: 'warning',
  summary: 'On PostgreSQL, foreign keys and CHECK constraints are added NOT VALID, then validated.',
  hint: 'ADD CONSTRAINT … NOT VALID first (instant), then ALTER TABLE … VALIDATE CONSTRAINT (no write lock)',
  why: 'Adding a foreign key or CHECK scans the whole table under a lock that blocks writes. NOT VALID adds it instantly for new rows; VALIDATE CONSTRAINT then checks old rows while writes go on.',
  sources: ['Atlas `PG305`, `PG306`', 'squawk `adding-foreign-key-constraint`', 'squawk `constraint-missing-not-valid`', 'strong_migrations'],
  check(ctx) {
    if (ctx.plan.database !== 'postgres') return [];
    const hits: RuleHit[] = [];
    // Every constraint some task validates, collected in one pass, so each NOT VALID one is a lookup.
    const validated = new Set<string>();
    const notValid: { v: number; field: (string | number)[]; name: string; who: string }[] = [];
    for (const v of ctx.scheduled()) {
      if (!ctx.hasSql(v)) {
        for (const line of ctx.statements(v)) {
          for (const m of line.matchAll(DESCRIBED_VALIDATE)) validated.add(constraintKey(m[1]!));
          const name = DESCRIBED_NOT_VALID.exec(line)?.[1];
          if (name) notValid.push({ v, field: ['description'], name: constraintKey(name), who: `"${ctx.tasks[v]!.id}"` });
        }
        continue;
      }
      for (const list of changeLists(ctx, v)) {
        for (const { s, f, created } of withNewTables(list)) {
          for (const name of f.validates) validated.add(name);
          for (const c of f.constraints) {
            if (c.kind === 'other') continue;
            if (c.notValid) notValid.push({ v, field: s.field, name: c.name ?? '', who: statementName(ctx, v, s) });
            else if (!created.has(c.table)) {
              hits.push({ task: v, field: s.field, message: `${statementName(ctx, v, s)} adds ${c.kind === 'check' ? 'CHECK' : 'FOREIGN KEY'} ${c.name ?? '(unnamed)'} on ${c.table} without NOT VALID` });
            }
          }
        }
      }
    }
    hits.push(...pgDescriptions(ctx, /\bADD\s+CONSTRAINT\b.*\b(FOREIGN\s+KEY|CHECK)\b/i, /\bNOT\s+VALID\b/i,
      (id, line) => `"${id}" adds a constraint without NOT VALID: ${line}`));
    // A NOT VALID constraint holds only for new rows until some task validates it.
    for (const c of notValid) {
      if (!validated.has(c.name)) hits.push({ task: c.v, field: c.field, message: `${c.who} adds ${c.name || 'a constraint'} NOT VALID, and no task validates it` });
    }
    return hits;
  },
};

const LOCK_TIMEOUT = { postgres: { setting: /lock_timeout/i, words: 'SET lock_timeout' }, mysql: { setting: /lock_wait_timeout/i, words: 'SET lock_wait_timeout' } } as const;

export const ddlLockTimeout: SafetyRule = {
  id: 'ddl-lock-timeout',
  category: 'safety',
  severity: 'warning',
  summary: 'DDL on a live table sets a lock timeout first (PostgreSQL lock_timeout, MySQL lock_wait_timeout).',
  hint: "start the task's statements with SET lock_timeout = '5s' (PostgreSQL) or SET SESSION lock_wait_timeout = 5 (MySQL), and retry on timeout",
  why: 'An ALTER waiting for its lock behind one long transaction makes every later query on the table queue behind it: a short outage from a metadata change. A lock timeout makes the ALTER give up and retry instead.',
  sources: ['squawk `require-timeout-settings`', 'strong_migrations (lock timeouts)'],
  check(ctx) {
    const engine = ctx.plan.database === 'postgres' || ctx.plan.database === 'mysql' ? LOCK_TIMEOUT[ctx.plan.database] : undefined;
    if (!engine) return [];
    const hits: RuleHit[] = [];
    for (const v of ctx.scheduled()) {
      if (!ctx.hasSql(v)) {
        const description = ctx.tasks[v]!.description;
        if (/\bALTER\s+TABLE\b/i.test(description) && !engine.setting.test(description)) {
          hits.push({ task: v, field: ['description'], message: `"${ctx.tasks[v]!.id}" alters a table without a lock timeout` });
        }
        continue;
      }
      for (const list of changeLists(ctx, v)) {
        let guarded = false;
        for (const { s, f, created } of withNewTables(list)) {
          if (f.timeout === 'lock') guarded = true;
          if (guarded || !f.alters || created.has(f.alters)) continue;
          hits.push({ task: v, field: s.field, message: `${statementName(ctx, v, s)} alters ${f.alters} (${f.verb}) with no ${engine.words} before it` });
          break;
        }
      }
    }
    return hits;
  },
};

export const pgOutsideTransaction: SafetyRule = {
  id: 'pg-outside-transaction',
  category: 'safety',
  severity: 'error',
  summary: 'On PostgreSQL, a statement that cannot run in a transaction block (CREATE INDEX CONCURRENTLY, VACUUM, …) is marked `transaction: false` and stands alone.',
  hint: 'write the statement as {run: "…", transaction: false}, with nothing else in its text',
  why: 'PostgreSQL refuses CREATE/DROP/REINDEX … CONCURRENTLY, VACUUM, CREATE DATABASE and a few others inside a transaction block ("cannot run inside a transaction block"), and runs several statements sent as one text in an implicit one. A migration tool wraps each migration in a transaction unless told not to, so the step fails when it runs, not when it is reviewed.',
  sources: ['strong_migrations `disable_ddl_transaction!`', 'Django `atomic = False`', 'Alembic `autocommit_block()`', 'squawk `ban-concurrent-index-creation-in-transaction`'],
  check(ctx) {
    if (ctx.plan.database !== 'postgres') return [];
    const hits: RuleHit[] = [];
    for (const v of ctx.tasks.keys()) {
      if (!ctx.hasSql(v)) continue;
      for (const s of ctx.sql(v)) {
        const what = s.query ? undefined : s.facts.find((f) => f.nonTransactional)?.nonTransactional;
        if (!what) continue;
        if (s.transaction) hits.push({ task: v, field: s.field, message: `${statementName(ctx, v, s)} runs ${what} in a transaction, which PostgreSQL refuses` });
        else if (s.facts.length > 1) hits.push({ task: v, field: s.field, message: `${statementName(ctx, v, s)} sends ${what} with ${s.facts.length - 1} other statement(s) in one text, which PostgreSQL runs as one transaction` });
      }
    }
    return hits;
  },
};

export const downOrIrreversible: SafetyRule = {
  id: 'down-or-irreversible',
  category: 'safety',
  severity: 'error',
  summary: 'A task with `sql.up` says how it is undone: `sql.down`, or `sql.irreversible` (why not) on a point of no return.',
  hint: 'add the statements that restore what was there before under sql.down; if nothing can, say why in sql.irreversible and set point_of_no_return: true',
  why: 'A rollback plan is only as good as its least reversible step. Writing the down statements next to the up ones is when the author still knows what was there; a step that cannot be undone is named as such, and the point-of-no-return rules then ask for a backup and a sign-off before it.',
  sources: ['Liquibase `rollback` (changes without automatic rollback need one)', 'Flyway undo migrations (`U` scripts)', 'Rails `ActiveRecord::IrreversibleMigration`', 'Django `RunSQL(reverse_sql=…)`'],
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const v of ctx.tasks.keys()) {
      const task = ctx.tasks[v]!;
      const sql = task.sql;
      if (!sql || sql.up.length === 0) continue;
      if (sql.down.length > 0 && sql.irreversible !== undefined) {
        hits.push({ task: v, field: ['sql', 'irreversible'], message: `"${task.id}" has both sql.down and sql.irreversible: which is it?` });
      } else if (sql.down.length === 0 && sql.irreversible === undefined) {
        hits.push({ task: v, field: ['sql', 'up'], message: `"${task.id}" has sql.up but neither sql.down nor sql.irreversible` });
      } else if (sql.irreversible !== undefined && !task.point_of_no_return) {
        hits.push({ task: v, field: ['sql', 'irreversible'], message: `"${task.id}" is irreversible but not marked point_of_no_return: true` });
      }
    }
    return hits;
  },
};

export const sqlRules = [backfillSeparateAndBatched, pgConcurrentIndex, pgNotValidConstraint, ddlLockTimeout, pgOutsideTransaction, downOrIrreversible];
