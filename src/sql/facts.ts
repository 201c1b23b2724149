/**
 * What rules need to know about a statement, read from its parse tree once: whether it builds an index
 * concurrently, adds a constraint NOT VALID, sets a timeout, rewrites a table. One `Facts` per statement
 * of a text (a text may hold several), in order, engine-neutral: the rules never walk a tree themselves.
 * Which tables a statement touches is a walk over the whole tree, so it is a helper of its own
 * (`tablesOf`), not a fact every check pays for.
 */
import type { Node as PgNode } from 'libpg-query';
import type { AST } from 'node-sql-parser';
import type { Tree } from './engines.js';

export interface IndexFact {
  table: string;
  name?: string;
  /** DROP INDEX rather than a build. */
  drop: boolean;
  /** PostgreSQL's CONCURRENTLY. */
  concurrent: boolean;
}

export interface ConstraintFact {
  table: string;
  name?: string;
  kind: 'foreign-key' | 'check' | 'other';
  /** Added NOT VALID: existing rows are not checked yet. */
  notValid: boolean;
}

export interface Facts {
  /** The statement in SQL words: `CREATE INDEX`, `ALTER TABLE`, `UPDATE`, `SET`, `db.orders.updateMany`… */
  verb: string;
  /** MongoDB: the collection a call is on. */
  collection?: string;
  /** MongoDB: the call is inside a loop of the script, which is how a mongosh backfill batches itself. */
  looped?: boolean;
  /** The table it creates. */
  creates?: string;
  /** The table whose definition it changes (ALTER TABLE, RENAME). */
  alters?: string;
  /** The table whose existing rows it changes: UPDATE, DELETE, INSERT … SELECT. */
  writes?: string;
  index?: IndexFact;
  constraints: ConstraintFact[];
  /** Names of the constraints it validates (VALIDATE CONSTRAINT). */
  validates: string[];
  /** The timeout it sets: PostgreSQL lock_timeout / statement_timeout, MySQL lock_wait_timeout / max_execution_time. */
  timeout?: 'lock' | 'statement';
  /** Columns whose type it changes (PostgreSQL rewrites the table for most). */
  retypes: string[];
  /** Columns it makes NOT NULL (a scan of the table under lock). */
  notNull: string[];
  /** MySQL's online DDL clauses, when given. */
  algorithm?: string;
  lock?: string;
  /** Why PostgreSQL refuses it inside a transaction block, in SQL words (`CREATE INDEX CONCURRENTLY`). */
  nonTransactional?: string;
}

const blank = (verb: string): Facts => ({ verb, constraints: [], validates: [], retypes: [], notNull: [] });

export function factsOf(tree: Tree): Facts[] {
  switch (tree.engine) {
    case 'postgres': return tree.stmts.map(pgFacts);
    case 'mongodb': return mongoFacts(tree.program);
    default: return tree.stmts.map(sqlParserFacts);
  }
}

/** Every table (collection) a text's statements name, each once, in the order met. */
export function tablesOf(tree: Tree): string[] {
  switch (tree.engine) {
    case 'postgres': return [...pgTables(tree.stmts, new Set())];
    case 'mongodb': return [...new Set(mongoFacts(tree.program).map((f) => f.collection!))];
    default: return [...sqlParserTables(tree.stmts, new Set())];
  }
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL (libpg-query: each node is `{ NodeType: fields }`).

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (x && typeof x === 'object' ? (x as Obj) : {});
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

/** `schema.name` or `name` of a RangeVar. */
function relName(rel: unknown): string | undefined {
  const r = obj(rel);
  const name = str(r.relname);
  return name && (str(r.schemaname) ? `${str(r.schemaname)}.${name}` : name);
}

/** Every relation a tree names, in one walk over it. */
function pgTables(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const n of node) pgTables(n, into);
  else if (node && typeof node === 'object') {
    const name = relName(node);
    if (name) into.add(name);
    for (const v of Object.values(node)) if (v && typeof v === 'object') pgTables(v, into);
  }
  return into;
}

const PG_TIMEOUTS: Record<string, Facts['timeout']> = { lock_timeout: 'lock', statement_timeout: 'statement' };

function pgFacts(node: PgNode): Facts {
  const [type, body] = Object.entries(node)[0] as [string, Obj];
  const facts = blank(type);
  switch (type) {
    case 'IndexStmt': {
      facts.verb = 'CREATE INDEX';
      facts.index = { table: relName(body.relation) ?? '', name: str(body.idxname), drop: false, concurrent: body.concurrent === true };
      if (facts.index.concurrent) facts.nonTransactional = 'CREATE INDEX CONCURRENTLY';
      break;
    }
    case 'DropStmt': {
      facts.verb = `DROP ${String(body.removeType).replace('OBJECT_', '')}`;
      if (body.removeType === 'OBJECT_INDEX') {
        const names = (body.objects as unknown[] ?? []).map((o) => ((obj(obj(o).List).items as unknown[]) ?? []).map((i) => str(obj(obj(i).String).sval)).join('.'));
        facts.index = { table: '', name: names[0], drop: true, concurrent: body.concurrent === true };
        if (facts.index.concurrent) facts.nonTransactional = 'DROP INDEX CONCURRENTLY';
      }
      break;
    }
    case 'AlterTableStmt': {
      if (body.objtype !== 'OBJECT_TABLE') break;
      facts.verb = 'ALTER TABLE';
      const table = relName(body.relation) ?? '';
      facts.alters = table;
      for (const c of (body.cmds as unknown[]) ?? []) pgAlterCommand(obj(obj(c).AlterTableCmd), table, facts);
      break;
    }
    case 'RenameStmt':
      facts.verb = 'RENAME';
      if (body.relation) facts.alters = relName(body.relation);
      break;
    case 'VariableSetStmt':
      facts.verb = 'SET';
      facts.timeout = PG_TIMEOUTS[str(body.name) ?? ''];
      break;
    case 'CreateStmt':
      facts.verb = 'CREATE TABLE';
      facts.creates = relName(body.relation);
      break;
    case 'UpdateStmt':
    case 'DeleteStmt':
      facts.verb = type === 'UpdateStmt' ? 'UPDATE' : 'DELETE';
      facts.writes = relName(body.relation);
      break;
    case 'InsertStmt': {
      facts.verb = 'INSERT';
      // INSERT … VALUES adds given rows; INSERT … SELECT copies existing ones (a backfill).
      if (obj(obj(body.selectStmt).SelectStmt).fromClause) facts.writes = relName(body.relation);
      break;
    }
    case 'ReindexStmt':
      facts.verb = 'REINDEX';
      if (((body.params as unknown[]) ?? []).some((p) => obj(obj(p).DefElem).defname === 'concurrently')) facts.nonTransactional = 'REINDEX CONCURRENTLY';
      break;
    case 'VacuumStmt':
      facts.verb = body.is_vacuumcmd ? 'VACUUM' : 'ANALYZE';
      if (body.is_vacuumcmd) facts.nonTransactional = 'VACUUM';
      break;
    case 'CreatedbStmt': case 'DropdbStmt': case 'AlterSystemStmt': case 'CreateTableSpaceStmt': case 'DropTableSpaceStmt':
      facts.nonTransactional = NON_TRANSACTIONAL[type];
      facts.verb = facts.nonTransactional!;
      break;
  }
  return facts;
}

const NON_TRANSACTIONAL: Record<string, string> = {
  CreatedbStmt: 'CREATE DATABASE', DropdbStmt: 'DROP DATABASE', AlterSystemStmt: 'ALTER SYSTEM',
  CreateTableSpaceStmt: 'CREATE TABLESPACE', DropTableSpaceStmt: 'DROP TABLESPACE',
};

const PG_CONSTRAINT_KINDS: Record<string, ConstraintFact['kind']> = { CONSTR_FOREIGN: 'foreign-key', CONSTR_CHECK: 'check' };

function pgAlterCommand(cmd: Obj, table: string, facts: Facts): void {
  switch (cmd.subtype) {
    case 'AT_AddConstraint': {
      const c = obj(obj(cmd.def).Constraint);
      const kind = PG_CONSTRAINT_KINDS[str(c.contype) ?? ''] ?? 'other';
      facts.constraints.push({ table, name: str(c.conname), kind, notValid: c.skip_validation === true });
      // UNIQUE or PRIMARY KEY without USING INDEX builds its index under the ALTER's lock.
      if ((c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY') && !c.indexname) {
        facts.index = { table, name: str(c.conname), drop: false, concurrent: false };
      }
      break;
    }
    case 'AT_ValidateConstraint':
      if (str(cmd.name)) facts.validates.push(str(cmd.name)!);
      break;
    case 'AT_AlterColumnType':
      facts.retypes.push(str(cmd.name) ?? '');
      break;
    case 'AT_SetNotNull':
      facts.notNull.push(str(cmd.name) ?? '');
      break;
    case 'AT_DetachPartition':
      if (obj(obj(cmd.def).PartitionCmd).concurrent) facts.nonTransactional = 'DETACH PARTITION CONCURRENTLY';
      break;
  }
}

// ---------------------------------------------------------------------------------------------------
// MySQL and SQLite (node-sql-parser: plain objects with a `type`).

/** Every `{db, table}` a tree names, in one walk over it (column references carry a table too: skipped). */
function sqlParserTables(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const n of node) sqlParserTables(n, into);
  else if (node && typeof node === 'object') {
    const o = node as Obj;
    if (o.type !== 'column_ref' && 'db' in o && str(o.table)) into.add(str(o.db) ? `${str(o.db)}.${str(o.table)}` : str(o.table)!);
    for (const v of Object.values(o)) if (v && typeof v === 'object') sqlParserTables(v, into);
  }
  return into;
}

const MYSQL_TIMEOUTS: Record<string, Facts['timeout']> = { lock_wait_timeout: 'lock', innodb_lock_wait_timeout: 'lock', max_execution_time: 'statement' };

function sqlParserFacts(ast: AST): Facts {
  const node = ast as unknown as Obj;
  const type = String(node.type);
  const facts = blank(type.toUpperCase());
  // The statement's own table comes first in node-sql-parser's tree: `table` of CREATE, ALTER, UPDATE….
  const first = firstTable(node);
  switch (type) {
    case 'create': {
      const keyword = String(node.keyword);
      facts.verb = `CREATE ${keyword.toUpperCase()}`;
      if (keyword === 'table') facts.creates = first;
      if (keyword === 'index') {
        facts.index = { table: first ?? '', name: str(node.index), drop: false, concurrent: false };
        onlineClauses(obj(node.algorithm_option), facts);
        onlineClauses(obj(node.lock_option), facts);
      }
      break;
    }
    case 'alter': {
      facts.verb = 'ALTER TABLE';
      facts.alters = first;
      for (const e of (node.expr as unknown[]) ?? []) sqlParserAlter(obj(e), first ?? '', facts);
      break;
    }
    case 'rename':
      facts.verb = 'RENAME TABLE';
      facts.alters = first;
      break;
    case 'drop':
      facts.verb = `DROP ${String(node.keyword).toUpperCase()}`;
      if (node.keyword === 'index') facts.index = { table: str(obj(node.table).table) ?? '', name: str(obj(node.name).table) ?? str(node.name), drop: true, concurrent: false };
      break;
    case 'set':
      for (const e of (node.expr as unknown[]) ?? []) facts.timeout ??= MYSQL_TIMEOUTS[str(obj(obj(e).left).name)?.toLowerCase() ?? ''];
      break;
    case 'update':
    case 'delete':
      facts.writes = first;
      break;
    case 'insert':
    case 'replace':
      if (obj(node.values).type === 'select' || obj(node.select).type === 'select') facts.writes = first;
      break;
  }
  return facts;
}

function sqlParserAlter(e: Obj, table: string, facts: Facts): void {
  if (e.resource === 'algorithm' || e.resource === 'lock') onlineClauses(e, facts);
  else if (e.resource === 'index' && e.action === 'add') facts.index = { table, name: str(e.index), drop: false, concurrent: false };
  else if (e.resource === 'index' && e.action === 'drop') facts.index = { table, name: str(e.index), drop: true, concurrent: false };
  else if (e.resource === 'constraint' && e.action === 'add') {
    const def = obj(e.create_definitions);
    const type = String(def.constraint_type ?? '').toUpperCase();
    facts.constraints.push({ table, name: str(def.constraint), kind: type === 'FOREIGN KEY' ? 'foreign-key' : type === 'CHECK' ? 'check' : 'other', notValid: false });
  } else if (e.resource === 'column' && e.action === 'modify') {
    facts.retypes.push(str(obj(e.column).column) ?? '');
    if (obj(e.nullable).type === 'not null') facts.notNull.push(str(obj(e.column).column) ?? '');
  }
}

function firstTable(node: Obj): string | undefined {
  const t = Array.isArray(node.table) ? obj(node.table[0]) : obj(node.table);
  const name = str(t.table);
  return name && (str(t.db) ? `${str(t.db)}.${name}` : name);
}

function onlineClauses(e: Obj, facts: Facts): void {
  if (e.resource === 'algorithm') facts.algorithm = String(e.algorithm).toUpperCase();
  if (e.resource === 'lock') facts.lock = String(e.lock).toUpperCase();
}

// ---------------------------------------------------------------------------------------------------
// MongoDB (acorn): `db.orders.updateMany(…)` and `db.getCollection("orders").createIndex(…)`.

const MONGO_WRITES = new Set(['updateMany', 'updateOne', 'deleteMany', 'deleteOne', 'replaceOne', 'bulkWrite', 'findOneAndUpdate']);

function mongoFacts(program: import('acorn').Program): Facts[] {
  const out: Facts[] = [];
  walkMongo(program, out);
  return out;
}

const MONGO_LOOPS = new Set(['WhileStatement', 'DoWhileStatement', 'ForStatement', 'ForOfStatement', 'ForInStatement']);

function walkMongo(node: unknown, out: Facts[], looped = false): void {
  if (Array.isArray(node)) {
    for (const n of node) walkMongo(n, out, looped);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const n = node as Obj;
  const inLoop = looped || MONGO_LOOPS.has(String(n.type));
  if (n.type === 'CallExpression') {
    const callee = obj(n.callee);
    const method = str(obj(callee.property).name);
    const collection = collectionOf(obj(callee.object));
    if (method && collection) {
      const facts = blank(`db.${collection}.${method}`);
      facts.collection = collection;
      if (MONGO_WRITES.has(method)) facts.writes = collection;
      if (inLoop) facts.looped = true;
      if (method === 'createIndex' || method === 'dropIndex') facts.index = { table: collection, drop: method === 'dropIndex', concurrent: false };
      out.push(facts);
    }
  }
  for (const v of Object.values(n)) if (v && typeof v === 'object') walkMongo(v, out, inLoop);
}

/** `db.name` or `db.getCollection("name")`. */
function collectionOf(expr: Obj): string | undefined {
  if (expr.type === 'MemberExpression' && obj(expr.object).name === 'db') {
    return expr.computed ? str(obj(expr.property).value) : str(obj(expr.property).name);
  }
  if (expr.type === 'CallExpression' && str(obj(obj(expr.callee).property).name) === 'getCollection' && obj(obj(expr.callee).object).name === 'db') {
    return str(obj((expr.arguments as unknown[])[0]).value);
  }
  return undefined;
}
