/**
 * Statements as data: each engine's parser, placeholders masked before parsing, facts read from trees,
 * and the rules that read them, down to the file:line of a statement that does not parse.
 */
import { describe, expect, it } from 'vitest';
import { generatePlanYaml } from '../../bench/generate.js';
import { checkLoaded } from '../../src/check/pipeline.js';
import { parsePlan } from '../../src/model/load.js';
import { loadParser, parseSql, type Engine } from '../../src/sql/engines.js';
import { factsOf, tablesOf } from '../../src/sql/facts.js';
import { maskPlaceholders } from '../../src/sql/placeholders.js';
import { fixture, runCli } from '../helpers.js';

for (const engine of ['postgres', 'mysql', 'sqlite', 'mongodb'] as const) await loadParser(engine);

const names = (text: string, engine: Engine = 'postgres') => maskPlaceholders(text, engine).uses.map((u) => u.name);

describe('placeholders', () => {
  it('are replaced by a literal of the same length, so positions hold', () => {
    const text = 'UPDATE t SET a = :tenant_id WHERE id >= :from AND id < :to';
    const masked = maskPlaceholders(text, 'postgres');
    expect(masked.text).toBe('UPDATE t SET a = 1000000000 WHERE id >= 10000 AND id < 100');
    expect(masked.uses).toEqual([{ name: 'tenant_id', offset: 17 }, { name: 'from', offset: 40 }, { name: 'to', offset: 55 }]);
  });

  it('are not casts, strings, identifiers, comments, dollar quotes or psql variables', () => {
    expect(names("SELECT a::text, 'x :no', \"col:no\", $$ :no $$, $f$ :no $f$, E'\\' :no', :'psql', :\"psql\" -- :no\n/* :no /* :no */ :no */ WHERE b = :yes")).toEqual(['yes']);
    expect(names('SELECT arr[lo:hi] FROM t')).toEqual([]);
    expect(names("SELECT 'it\\'s :no' # :no\n, `c:no`, :yes", 'mysql')).toEqual(['yes']);
    expect(names('db.t.find({ "a":b, c: :yes }) // :no', 'mongodb')).toEqual(['yes']);
  });
});

describe('the parsers', () => {
  it('give a tree, or the parser\'s message with a line and column inside the statement', () => {
    expect(parseSql('postgres', 'SELECT 1 FROM\nWHERE x').error).toMatchObject({ message: 'syntax error at or near "WHERE"', line: 2, column: 1 });
    expect(parseSql('mysql', 'SELECT 1 FROM\n  WHERE x').error).toMatchObject({ line: 2 });
    expect(parseSql('sqlite', 'CREAT TABLE t (a)').error).toMatchObject({ line: 1 });
    expect(parseSql('mongodb', 'db.t.find(\n  {a: 1}').error).toMatchObject({ message: 'Unexpected token', line: 2 });
    expect(parseSql('postgres', '-- nothing but a comment').error?.message).toMatch(/no statement/);
    expect(parseSql('mongodb', 'await db.orders.updateMany({}, {$set: {a: 1}})').tree).toBeDefined();
  });

  it('SQLite itself decides what node-sql-parser\'s SQLite grammar cannot read', () => {
    // Valid SQLite that the grammar rejects: accepted, without a tree.
    for (const text of ['DROP INDEX IF EXISTS users_email_idx', 'PRAGMA foreign_keys = ON', 'ALTER TABLE users DROP COLUMN nickname']) {
      expect(parseSql('sqlite', text).error, text).toBeUndefined();
    }
    // What SQLite refuses stays an error, with the grammar's located message.
    expect(parseSql('sqlite', 'DROP INDEXX users_email_idx').error).toMatchObject({ line: 1 });
    expect(parseSql('sqlite', 'PRAGMA foreign_keys = ').error).toBeDefined();
  });

  it('MySQL: the isolation level statements both servers run are known, not syntax errors; near misses still are', () => {
    for (const text of ['SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', 'set transaction isolation level repeatable read;']) {
      expect(parseSql('mysql', text).error, text).toBeUndefined();
    }
    expect(parseSql('mysql', 'SET SESSION TRANSACTION ISOLATION LEVEL READ SOMETIMES').error).toBeDefined();
    expect(parseSql('mysql', 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED; DROP TABLE users').error).toBeDefined();
  });

  it('MySQL: MariaDB\'s DROP INDEX / FOREIGN KEY IF EXISTS clauses are known; other text around them is not', () => {
    for (const text of ['ALTER TABLE users DROP INDEX IF EXISTS users_a_idx, DROP INDEX IF EXISTS users_b_key, ALGORITHM=INPLACE, LOCK=NONE',
      'alter table invites drop foreign key if exists invites_owner_fkey']) {
      expect(parseSql('mysql', text).error, text).toBeUndefined();
    }
    expect(parseSql('mysql', 'ALTER TABLE users DROP INDEX IF EXISTS a, DROP COLUMN IF EXISTS b').error).toBeDefined();
    expect(parseSql('mysql', 'ALTER TABLE users DROP INDEX IF EXISTS a; DROP TABLE users').error).toBeDefined();
  });

  it('placeholders parse as values on every engine', () => {
    expect(parseSql('postgres', 'UPDATE t SET a = :x WHERE id >= :from AND id < :to').error).toBeUndefined();
    expect(parseSql('mysql', 'UPDATE t SET a = :x WHERE id >= :from AND id < :to').error).toBeUndefined();
    expect(parseSql('sqlite', 'UPDATE t SET a = :x WHERE id >= :from AND id < :to').error).toBeUndefined();
    expect(parseSql('mongodb', 'db.t.updateMany({_id: {$gte: :from, $lt: :to}}, {$set: {a: :x}})').error).toBeUndefined();
  });
});

describe('facts and tables, from trees', () => {
  const facts = (engine: Engine, text: string) => factsOf(parseSql(engine, text).tree!);

  it('PostgreSQL', () => {
    expect(facts('postgres', 'CREATE INDEX CONCURRENTLY i ON s.t (a)')[0]!.index).toEqual({ table: 's.t', name: 'i', drop: false, concurrent: true });
    expect(facts('postgres', 'drop index concurrently i')[0]).toMatchObject({ index: { drop: true, concurrent: true }, nonTransactional: 'DROP INDEX CONCURRENTLY' });
    const [alter] = facts('postgres', 'ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id) NOT VALID, ADD CONSTRAINT c CHECK (a > 0), ALTER COLUMN b TYPE bigint, ALTER COLUMN b SET NOT NULL');
    expect(alter).toMatchObject({ alters: 't', retypes: ['b'], notNull: ['b'], constraints: [
      { table: 't', name: 'fk', kind: 'foreign-key', notValid: true }, { table: 't', name: 'c', kind: 'check', notValid: false }] });
    expect(facts('postgres', 'ALTER TABLE t VALIDATE CONSTRAINT "Fk"')[0]!.validates).toEqual(['Fk']);
    expect(facts('postgres', "SET lock_timeout = '5s'; set local statement_timeout to 0").map((f) => f.timeout)).toEqual(['lock', 'statement']);
    expect(facts('postgres', 'INSERT INTO a SELECT * FROM b; INSERT INTO a VALUES (1)').map((f) => f.writes)).toEqual(['a', undefined]);
    expect(tablesOf(parseSql('postgres', 'UPDATE a SET x = b.x FROM b WHERE a.id = b.id').tree!)).toEqual(['a', 'b']);
  });

  it('MySQL', () => {
    expect(facts('mysql', 'ALTER TABLE t ADD INDEX i (a), ALGORITHM=INPLACE, LOCK=NONE')[0]).toMatchObject({ alters: 't', algorithm: 'INPLACE', lock: 'NONE', index: { table: 't', name: 'i' } });
    expect(facts('mysql', 'SET SESSION lock_wait_timeout = 5')[0]!.timeout).toBe('lock');
  });
});

/** A one-task PostgreSQL plan around `up` statements (YAML lines, already indented for `up:`). */
function planWith(up: string[], extra: string[] = []): string {
  return ['version: 1', 'database: postgres', 'epic: {id: E, title: Epic}', 'phases: [{id: p, name: P, rollback: r, risk: low}]', 'tasks:',
    '  - id: T1', '    title: The step', '    phase: p', '    sql:', '      up:', ...up.map((l) => `        ${l}`),
    '      down: ["SELECT 1"]', ...extra, ''].join('\n');
}

const rulesOn = async (text: string) => (await checkLoaded('t.plan.yaml', parsePlan(text, 't.plan.yaml'))).result.findings;

describe('rules read parse trees, not the text', () => {
  it('a plain CREATE INDEX in a layout no regex expects (comment between keywords, newline, quotes, lower case) is found', async () => {
    const findings = await rulesOn(planWith(['- |', '  create /* online? */ index', '    "idx_a" ON "t" (a)']));
    expect(findings.map((f) => f.rule)).toEqual(['pg-concurrent-index']);
    expect(findings[0]!.message).toBe('"T1" sql.up[0], statement 0 builds index idx_a on t without CONCURRENTLY (CREATE INDEX)');
  });

  it('a CONCURRENTLY written in an unusual layout is understood', async () => {
    expect(await rulesOn(planWith(['- run: |', '    CREATE', '      /* no lock */ INDEX', '      concurrently "idx_a" ON "t" (a)', '  transaction: false']))).toEqual([]);
  });

  it('words inside comments and strings do not count: a "CONCURRENTLY" in a comment is no concurrent build', async () => {
    expect((await rulesOn(planWith(['- "CREATE INDEX /* CONCURRENTLY */ i ON t (a)"']))).map((f) => f.rule)).toEqual(['pg-concurrent-index']);
    expect(await rulesOn(planWith(['- "SELECT \'CREATE INDEX i ON t (a)\'"']))).toEqual([]);
  });

  it('an index on a table the task itself creates needs no CONCURRENTLY', async () => {
    expect(await rulesOn(planWith(['- CREATE TABLE t (a int)', '- CREATE INDEX i ON t (a)']))).toEqual([]);
  });

  it('a concurrent build inside a transaction, or beside another statement, is an error', async () => {
    expect((await rulesOn(planWith(['- CREATE INDEX CONCURRENTLY i ON t (a)']))).map((f) => f.rule)).toEqual(['pg-outside-transaction']);
    const together = await rulesOn(planWith(['- {run: "SELECT 1; CREATE INDEX CONCURRENTLY i ON t (a)", transaction: false}']));
    expect(together.map((f) => f.message)).toEqual(['"T1" sql.up[0].run, statement 0 sends CREATE INDEX CONCURRENTLY with 1 other statement(s) in one text, which PostgreSQL runs as one transaction']);
  });

  it('a lock timeout counts only before the ALTER it guards, however it is spelled', async () => {
    expect(await rulesOn(planWith(['- "set local\\n  LOCK_TIMEOUT to \'2s\'"', '- ALTER TABLE t ADD COLUMN b int']))).toEqual([]);
    expect((await rulesOn(planWith(['- ALTER TABLE t ADD COLUMN b int', "- SET lock_timeout = '2s'"]))).map((f) => f.rule)).toEqual(['ddl-lock-timeout']);
  });

  it('a NOT VALID constraint wants a VALIDATE in some task; quoted and unquoted names are PostgreSQL\'s', async () => {
    const add = ["- SET lock_timeout = '1s'", '- ALTER TABLE t ADD CONSTRAINT "Fk" FOREIGN KEY (a) REFERENCES u (id) NOT VALID'];
    expect((await rulesOn(planWith(add))).map((f) => f.message)).toEqual(['"T1" sql.up[1], statement 1 adds Fk NOT VALID, and no task validates it']);
    expect(await rulesOn(planWith([...add, '- ALTER TABLE t VALIDATE CONSTRAINT "Fk"']))).toEqual([]);
    expect((await rulesOn(planWith([...add, '- ALTER TABLE t VALIDATE CONSTRAINT fk']))).map((f) => f.rule)).toEqual(['pg-not-valid-constraint']);
  });

  it('a backfill runs in a loop over :from and :to, in a task of its own', async () => {
    expect((await rulesOn(planWith(['- UPDATE t SET a = 0']))).map((f) => f.message)).toEqual(['"T1" sql.up[0], statement 0 rewrites t in one statement, not in batches']);
    const loop = 'loop: {key: id, batch: 10, bounds: "SELECT min(id), max(id) FROM t", remaining: "SELECT count(*) FROM t WHERE a IS NULL"}';
    expect(await rulesOn(planWith([`- {run: "UPDATE t SET a = 0 WHERE id >= :from AND id < :to", ${loop}}`]))).toEqual([]);
    expect((await rulesOn(planWith([`- {run: "UPDATE t SET a = 0", ${loop}}`]))).map((f) => f.rule)).toEqual(['backfill-separate-and-batched']);
    expect((await rulesOn(planWith(["- SET lock_timeout = '1s'", '- ALTER TABLE t ADD COLUMN a int', `- {run: "UPDATE t SET a = 0 WHERE id >= :from AND id < :to", ${loop}}`])))
      .map((f) => f.rule)).toEqual(['backfill-separate-and-batched']);
    // A new table the task fills first (an archive of the rows it then changes) holds no lock on anyone's rows.
    const archive = '- CREATE TABLE t_archive AS SELECT * FROM t WHERE a IS NULL';
    for (const db of ['postgres', 'sqlite', 'mysql']) {
      expect(await rulesOn(planWith([archive, `- {run: "UPDATE t SET a = 0 WHERE id >= :from AND id < :to", ${loop}}`]).replace('database: postgres', `database: ${db}`)), db).toEqual([]);
    }
  });

  it('MongoDB: a write in a cursor\'s callback runs once per document, each a small write of its own', async () => {
    const mongo = (statement: string) => planWith([`- '${statement}'`]).replace('database: postgres', 'database: mongodb').replace('down: ["SELECT 1"]', 'down: ["db.t.countDocuments()"]');
    expect(await rulesOn(mongo('db.t_archive.find().toArray().forEach((d) => db.t.deleteOne({ _id: d._id }))'))).toEqual([]);
    expect((await rulesOn(mongo('db.t.deleteMany({ a: null })'))).map((f) => f.rule)).toEqual(['backfill-separate-and-batched']);
  });

  it('a mongosh script that pages through the collection in a loop of its own is batched; one updateMany is not', async () => {
    const mongo = (up: string[]) => planWith(up).replace('database: postgres', 'database: mongodb').replace('down: ["SELECT 1"]', 'down: ["db.t.find()"]');
    const paged = '- "let last = MinKey; for (;;) { const ids = db.t.find({ _id: { $gt: last } }).limit(10).toArray().map((d) => d._id); if (!ids.length) break; db.t.updateMany({ _id: { $in: ids } }, { $unset: { a: \\"\\" } }); last = ids[ids.length - 1]; }"';
    expect(await rulesOn(mongo([paged]))).toEqual([]);
    expect((await rulesOn(mongo(['- "db.t.updateMany({}, { $unset: { a: 1 } })"']))).map((f) => f.rule)).toEqual(['backfill-separate-and-batched']);
  });

  it('a backfill may first create a table of its own (its cut-off record): a new table locks no live one', async () => {
    const loop = 'loop: {key: id, batch: 10, bounds: "SELECT min(id), max(id) FROM t", remaining: "SELECT count(*) FROM t WHERE a IS NULL"}';
    const sqlite = (up: string[]) => planWith(up).replace('database: postgres', 'database: sqlite');
    expect(await rulesOn(sqlite(['- CREATE TABLE IF NOT EXISTS t_cutoff AS SELECT max(id) AS max_id FROM t', `- {run: "UPDATE t SET a = 0 WHERE id >= :from AND id < :to", ${loop}}`]))).toEqual([]);
    expect((await rulesOn(sqlite(['- CREATE INDEX t_a ON t (a)', `- {run: "UPDATE t SET a = 0 WHERE id >= :from AND id < :to", ${loop}}`]))).map((f) => f.rule))
      .toEqual(['backfill-separate-and-batched']);
  });

  it('a mongosh backfill batches itself in a loop of its script; one updateMany over the collection does not', async () => {
    const mongo = (up: string) => planWith([`- '${up}'`]).replace('database: postgres', 'database: mongodb').replace('["SELECT 1"]', '["db.t.find()"]');
    expect(await rulesOn(mongo('let after = MinKey(); while (true) { const ids = db.t.find({ _id: { $gt: after } }).limit(10).toArray().map((d) => d._id); if (!ids.length) break; db.t.updateMany({ _id: { $in: ids } }, { $set: { a: 0 } }); after = ids[ids.length - 1]; }'))).toEqual([]);
    expect((await rulesOn(mongo('db.t.updateMany({}, { $set: { a: 0 } })'))).map((f) => f.rule)).toEqual(['backfill-separate-and-batched']);
  });

  it('an irreversible step is a point of no return', async () => {
    const text = planWith(['- SELECT 1']).replace('      down: ["SELECT 1"]', '      irreversible: The old values are gone for good.');
    expect((await rulesOn(text)).map((f) => f.message)).toEqual(['"T1" is irreversible but not marked point_of_no_return: true']);
  });

  it('a plan with statements and no database says so', async () => {
    expect((await rulesOn(planWith(['- SELECT 1']).replace('database: postgres\n', ''))).map((f) => `${f.rule} ${f.path}`)).toEqual(['statement-syntax database']);
  });
});

describe('plan check on a corrupted statement', () => {
  it('exits 1 naming task, field, statement and the parser\'s message, at the line and column the parser points to', () => {
    const r = runCli(['check', fixture('rules', 'statement-syntax', 'bad.plan.yaml')]);
    expect(r.code).toBe(1);
    // Line 17 of the file is the statement's second line; the parser stopped at "COLUMN" (column 15).
    expect(r.stdout).toMatch(/bad\.plan\.yaml:17:15: tasks\[0\]\.sql\.up\[1\]: error \[statement-syntax\] "T1" sql\.up\[1\], statement 1: syntax error at or near "COLUMN" \(PostgreSQL parser, line 2, column 3 of the statement\)/);
  });

  it('--json carries the same finding, located', () => {
    const r = runCli(['check', fixture('rules', 'statement-syntax', 'bad.plan.yaml'), '--json']);
    expect(JSON.parse(r.stdout).findings).toMatchObject([{ rule: 'statement-syntax', taskId: 'T1', path: 'tasks[0].sql.up[1]', line: 17, column: 15 }]);
  });
});

describe('size', () => {
  // No timing assertion (bench/ times it): this keeps 10,000 tasks with ~45,000 statements checkable in one run.
  it('a 10,000-task PostgreSQL plan with statements in every task checks clean', async () => {
    const text = generatePlanYaml(10_000, 20, { sql: true });
    const { result } = await checkLoaded('big.plan.yaml', parsePlan(text, 'big.plan.yaml'));
    expect(result.findings).toEqual([]);
    expect(result.counts.tasks).toBe(10_000);
  }, 120_000);
});
