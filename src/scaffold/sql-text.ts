/**
 * SQL text the writers share: a statement with its placeholders in the framework's syntax, runs of
 * transactional statements wrapped in BEGIN / COMMIT (the others left bare), a verification as a
 * statement that fails when the check does not hold, and a batched loop as something the tool really runs.
 */
import { PlanInputError } from '../errors.js';
import type { Verification } from '../model/schema.js';
import { maskPlaceholders } from '../sql/placeholders.js';
import { renderPlaceholders, type Syntax } from '../sql/render.js';
import type { Engine, Loop, StepStatement } from './steps.js';

export interface Render {
  engine: Engine;
  syntax: Syntax;
  /** Values for `inline` (Prisma); each placeholder used must have one. */
  values: Record<string, string>;
}

/** The statement in the framework's syntax, and the placeholders it uses. */
export function rendered(sql: string, r: Render): { text: string; names: string[] } {
  return renderPlaceholders(sql, r.engine, r.syntax, r.values);
}

/** An SQL string literal. */
export const quoted = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** A value as the literal the engine compares with. */
function literalOf(value: string | number): string {
  return typeof value === 'number' ? String(value) : quoted(value);
}

/** An error-raising statement whose message is `message`, in pure SQL (no procedural block, no client command). */
export function failWhenNot(engine: Engine, condition: string, message: string): string {
  switch (engine) {
    // The cast applies to the CASE's result, so it is evaluated (and fails, naming the check) only when the condition does not hold.
    case 'postgres': return `SELECT (CASE WHEN coalesce(${condition}, false) THEN NULL ELSE ${quoted(message)} END)::int;`;
    // SQLite has no RAISE outside triggers: a JSON path that is not one is an error that quotes it ("JSON path error near '…'").
    case 'sqlite': return `SELECT json_extract('{}', CASE WHEN coalesce(${condition}, 0) THEN '$' ELSE ${quoted(message)} END);`;
    // MySQL has no SIGNAL outside stored programs: a subquery of two rows is the error, evaluated only on failure.
    case 'mysql': return `SELECT IF(coalesce(${condition}, 0), 1, (SELECT ${quoted(message)} UNION ALL SELECT '')) INTO @plan_check;`;
    default: throw PlanInputError.single(`no SQL migrations for ${engine}`);
  }
}

/** The first column of the first row of `query`, as an expression. */
function firstValue(engine: Engine, query: string): string {
  // PostgreSQL renames the first column through the alias list, however many the query has.
  return engine === 'postgres' ? `(SELECT plan_q.plan_value FROM (${query}) AS plan_q(plan_value) LIMIT 1)` : `(${query})`;
}

/** Whether `value` (an expression) equals `expect` as the rehearsal compares them (numbers as numbers, booleans in each engine's form). */
function equals(engine: Engine, value: string, expect: Verification['expect']): string {
  if (expect === null) return `${value} IS NULL`;
  if (typeof expect === 'boolean') {
    const forms = expect ? ["'true'", "'t'", "'1'"] : ["'false'", "'f'", "'0'"];
    return `CAST(${value} AS ${engine === 'mysql' ? 'char' : 'text'}) IN (${forms.join(', ')})`;
  }
  if (typeof expect === 'number') return engine === 'postgres' ? `${value}::numeric = ${expect}` : `${value} = ${expect}`;
  return engine === 'postgres' ? `${value}::text = ${literalOf(expect)}` : `${value} = ${literalOf(expect)}`;
}

/** A verification as a statement that fails (naming it) when the query's first value is not the one expected. */
export function verifyStatement(v: Verification, r: Render): { text: string; names: string[] } {
  const { text, names } = rendered(v.query, r);
  const what = `verify failed: ${v.note ?? v.query.slice(0, 80)} (expected ${JSON.stringify(v.expect)})`;
  return { text: failWhenNot(r.engine, equals(r.engine, firstValue(r.engine, text), v.expect), what), names };
}

/** A statement ended with `;` once. */
export const terminated = (text: string): string => (/;\s*$/.test(text) ? text.trimEnd() : `${text.trimEnd()};`);

/** Statements with runs of transactional ones in BEGIN / COMMIT; a statement outside a transaction stays bare. */
export function inTransactions(list: { text: string; transaction: boolean }[]): string[] {
  const out: string[] = [];
  let open = false;
  for (const s of list) {
    if (s.transaction && !open) out.push('BEGIN;');
    if (!s.transaction && open) out.push('COMMIT;');
    open = s.transaction;
    out.push(s.text);
  }
  if (open) out.push('COMMIT;');
  return out;
}

type Part = { text: string } | { name: string };

/** The statement cut at its placeholders (the loop's `from` and `to` among them). */
function parts(sql: string, engine: Engine): Part[] {
  const out: Part[] = [];
  let at = 0;
  for (const { name, offset } of maskPlaceholders(sql, engine).uses) {
    out.push({ text: sql.slice(at, offset) }, { name });
    at = offset + 1 + name.length;
  }
  out.push({ text: sql.slice(at) });
  return out;
}

/** The names a statement's placeholders use, besides the loop's own. */
function namesIn(sql: string, engine: Engine): string[] {
  return [...new Set(maskPlaceholders(sql, engine).uses.map((u) => u.name).filter((n) => n !== 'from' && n !== 'to'))];
}

const literalValue = (value: string) => (/^-?\d+(\.\d+)?$/.test(value) ? value : quoted(value));

/**
 * A batched loop as statements the tool runs:
 * - psql: `\gexec` runs each generated statement on its own (each batch commits by itself), from the
 *   smallest key to the largest `bounds` returns, with `pg_sleep` between batches;
 * - PostgreSQL without psql (Prisma, values written in): a DO block that commits after each batch (a
 *   DO block may commit when it is not inside a transaction, as a migration of one statement is not);
 * - MySQL: a procedure looping over the batches, created, called and dropped by the mysql client;
 * - SQLite: the sqlite3 shell has no loop, so the batches run as ONE statement over the whole key range
 *   (SQLite has one writer at a time anyway); said in the file.
 * Then `remaining` must be 0, or the script stops.
 */
export function loopStatements(statement: StepStatement & { loop: Loop }, r: Render): { texts: string[]; names: string[]; note?: string } {
  const { loop } = statement;
  const names = [...new Set([...namesIn(statement.run, r.engine), ...namesIn(loop.bounds, r.engine), ...namesIn(loop.remaining, r.engine)])];
  const bounds = rendered(loop.bounds, r).text;
  const check = failWhenNot(r.engine, equals(r.engine, firstValue(r.engine, rendered(loop.remaining, r).text), 0),
    'loop failed: rows remain after the last batch (loop.remaining is not 0)');
  const pieces = parts(statement.run, r.engine);
  const sleep = loop.pause_ms > 0 ? loop.pause_ms / 1000 : 0;
  if (r.engine === 'postgres' && r.syntax === 'psql') {
    const expr = pieces.map((p) => ('text' in p ? quoted(p.text)
      : p.name === 'from' ? 'plan_from::text' : p.name === 'to' ? `(plan_from + ${loop.batch})::text` : `quote_literal(:'${p.name}')`))
      .filter((e) => e !== "''").join(' || ');
    const generate = `SELECT ${expr}${sleep ? `, 'SELECT pg_sleep(${sleep})'` : ''}\n  FROM (${bounds}) AS plan_bounds(plan_lo, plan_hi),\n       generate_series(plan_bounds.plan_lo, plan_bounds.plan_hi, ${loop.batch}) AS plan_from \\gexec`;
    return { texts: [generate, check], names };
  }
  if (r.engine === 'postgres') {
    const body = pieces.map((p) => ('text' in p ? p.text : p.name === 'from' ? 'plan_from' : p.name === 'to' ? `plan_from + ${loop.batch}`
      : literalValue(requireValue(r, p.name)))).join('');
    const block = [
      'DO $plan$',
      'DECLARE plan_lo bigint; plan_hi bigint; plan_from bigint;',
      'BEGIN',
      `  SELECT * INTO plan_lo, plan_hi FROM (${bounds}) AS plan_bounds;`,
      '  plan_from := plan_lo;',
      '  WHILE plan_from <= plan_hi LOOP',
      `    ${body};`,
      ...(statement.transaction ? ['    COMMIT;'] : []),
      ...(sleep ? [`    PERFORM pg_sleep(${sleep});`] : []),
      `    plan_from := plan_from + ${loop.batch};`,
      '  END LOOP;',
      'END',
      '$plan$;',
    ].join('\n');
    return { texts: [block, check], names };
  }
  const placeholder = (name: string) => rendered(`:${name}`, r).text;
  if (r.engine === 'sqlite') {
    const body = pieces.map((p) => ('text' in p ? p.text : p.name === 'from' ? '(SELECT plan_lo FROM plan_bounds)' : p.name === 'to' ? '(SELECT plan_hi FROM plan_bounds) + 1' : placeholder(p.name))).join('');
    return { texts: [terminated(`WITH plan_bounds(plan_lo, plan_hi) AS (${bounds})\n${body}`), check], names, note: 'the sqlite3 shell has no loop: the batches run as one statement over the whole key range' };
  }
  // MySQL: a procedure for the loop (the client's DELIMITER lets its body hold `;`); user variables
  // (@name, the placeholders) are visible inside it. Autocommit commits each batch.
  const body = pieces.map((p) => ('text' in p ? p.text : p.name === 'from' ? 'plan_from' : p.name === 'to' ? `plan_from + ${loop.batch}` : placeholder(p.name))).join('');
  const procedure = [
    'DROP PROCEDURE IF EXISTS plan_loop;',
    'DELIMITER //',
    'CREATE PROCEDURE plan_loop()',
    'BEGIN',
    '  DECLARE plan_lo BIGINT; DECLARE plan_hi BIGINT; DECLARE plan_from BIGINT;',
    `  SELECT plan_bounds.* INTO plan_lo, plan_hi FROM (${bounds}) AS plan_bounds;`,
    '  SET plan_from = plan_lo;',
    '  WHILE plan_from <= plan_hi DO',
    `    ${body};`,
    ...(sleep ? [`    DO SLEEP(${sleep});`] : []),
    `    SET plan_from = plan_from + ${loop.batch};`,
    '  END WHILE;',
    'END //',
    'DELIMITER ;',
    'CALL plan_loop();',
    'DROP PROCEDURE plan_loop;',
  ].join('\n');
  return { texts: [procedure, check], names, note: 'the loop is a procedure (needs CREATE ROUTINE), created, called and dropped' };
}

function requireValue(r: Render, name: string): string {
  const value = r.values[name];
  if (value === undefined) rendered(`:${name}`, r);
  return value!;
}
