/**
 * What the plan's statements touch, read from their syntax trees (libpg-query on PostgreSQL,
 * node-sql-parser on SQLite and MySQL): the tables and columns they use, the ones they create, and the
 * columns they compare with (or set to) a number. The starting schema is built from this.
 *
 * A column is tied to its table by its qualifier (`u.email`, through the aliases), or, unqualified, to
 * the statement's only table; in a statement over several tables an unqualified column is left out.
 * A statement the parser cannot read contributes nothing.
 */
import { loadParser, parseText } from '../sql/engines.js';
import type { EngineName } from './driver.js';

export interface Usage {
  /** Tables used, in the order first met. */
  tables: string[];
  created: Set<string>;
  /** `table.column` */
  columns: Set<string>;
  added: Set<string>;
  numeric: Set<string>;
  /** `table.column` added with a number type: a column copied into one holds numbers. */
  addedNumeric: Set<string>;
}

export function emptyUsage(): Usage {
  return { tables: [], created: new Set(), columns: new Set(), added: new Set(), numeric: new Set(), addedNumeric: new Set() };
}

/**
 * Number types, as the parsers name them (PostgreSQL's internal int8, float8…; MySQL's and SQLite's words).
 * A column the plan converts to one of these (a cast, a change of type, a copy into a number column) is
 * taken to hold numbers to start with: the conversion is the plan's own statement of what the column holds.
 */
const NUMBER_TYPE = /^(int[248]?|integer|smallint|bigint|tinyint|mediumint|numeric|decimal|real|double|double precision|float[48]?|signed|unsigned)$/i;

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null;

/** Calls `visit` on every object in a tree, parents first. */
function walk(tree: unknown, visit: (node: Node) => void): void {
  if (Array.isArray(tree)) for (const item of tree) walk(item, visit);
  else if (isNode(tree)) {
    visit(tree);
    for (const value of Object.values(tree)) walk(value, visit);
  }
}

/** The engines' own tables (pg_index, sqlite_master, information_schema.columns): there already. */
function isCatalog(name: string, schema?: string | null): boolean {
  return /^(pg_|sqlite_|pragma_)/.test(name) || ['pg_catalog', 'information_schema', 'mysql', 'performance_schema'].includes(schema ?? '');
}

/** Ties columns of one statement to their tables, and records them. */
class Statement {
  private readonly aliases = new Map<string, string>();
  private readonly tables: string[] = [];
  constructor(private readonly usage: Usage) {}

  table(name: string, alias?: string | null, schema?: string | null): void {
    if (isCatalog(name, schema)) {
      // Known, so that its columns are not taken for another table's; never part of the schema.
      this.aliases.set(alias ?? name, '');
      return;
    }
    if (!this.usage.tables.includes(name)) this.usage.tables.push(name);
    if (!this.tables.includes(name)) this.tables.push(name);
    this.aliases.set(alias ?? name, name);
  }

  /** A table renamed to `name`: the plan makes it, unless a statement before used that name (a swap back). */
  renamedTo(name: string): void {
    if (!this.usage.tables.includes(name)) this.usage.created.add(name);
  }

  private key(column: string, qualifier?: string | null): string | undefined {
    const table = qualifier ? this.aliases.get(qualifier) ?? qualifier : this.aliases.size === 1 ? this.tables[0] : undefined;
    return table ? `${table}.${column}` : undefined;
  }

  column(column: string, qualifier?: string | null, numeric = false): void {
    if (column === '*') return;
    const key = this.key(column, qualifier);
    if (!key) return;
    this.usage.columns.add(key);
    if (numeric) this.usage.numeric.add(key);
  }

  /** A column the plan adds, unless an earlier statement used it (a down that renames it back). */
  added(column: string, numeric = false): void {
    const key = this.key(column);
    if (key && !this.usage.columns.has(key)) this.usage.added.add(key);
    if (key && numeric) this.usage.addedNumeric.add(key);
  }

  /** Whether `column` (of the statement's table) was added with a number type. */
  addedNumeric(column: string, qualifier?: string | null): boolean {
    const key = this.key(column, qualifier);
    return key !== undefined && this.usage.addedNumeric.has(key);
  }
}

/** Reads statements into `usage` with the engine's parser (src/sql; loaded once, on first use). */
export async function readUsage(engine: EngineName, statements: string[], usage: Usage = emptyUsage()): Promise<Usage> {
  await loadParser(engine);
  for (const sql of statements) {
    // A statement the parser cannot read adds nothing: `plan check` has already reported it.
    const { tree } = parseText(engine, sql);
    if (tree && tree.engine !== 'mongodb') for (const stmt of tree.stmts) readRenames(stmt, new Statement(usage));
    if (tree?.engine === 'postgres') for (const stmt of tree.stmts) readPostgres(stmt, new Statement(usage), usage);
    else if (tree?.engine === 'mysql' || tree?.engine === 'sqlite') for (const stmt of tree.stmts) readSqlParser(stmt, new Statement(usage), usage);
  }
  return usage;
}

/**
 * A table renamed to a new name (ALTER TABLE a RENAME TO b; MySQL's RENAME TABLE a TO b, c TO a): the new name is
 * the plan's, not a table to start with. Read before the rest of the statement, which then meets both names.
 */
function readRenames(stmt: unknown, s: Statement): void {
  if (!isNode(stmt)) return;
  walk(stmt, (n) => {
    if (isNode(n.RenameStmt) && n.RenameStmt.renameType === 'OBJECT_TABLE' && typeof n.RenameStmt.newname === 'string') s.renamedTo(n.RenameStmt.newname);
    if (n.type === 'alter' && Array.isArray(n.expr)) {
      for (const e of n.expr) if (isNode(e) && e.action === 'rename' && e.resource === 'table' && typeof e.table === 'string') s.renamedTo(e.table);
    }
  });
  if (stmt.type === 'rename' && Array.isArray(stmt.table)) {
    for (const pair of stmt.table) {
      if (!Array.isArray(pair) || !isNode(pair[0]) || !isNode(pair[1]) || typeof pair[0].table !== 'string' || typeof pair[1].table !== 'string') continue;
      // The source is used first: in a swap (a TO tmp, b TO a) the second target is a table that exists.
      s.table(pair[0].table);
      s.renamedTo(pair[1].table);
    }
  }
}

// PostgreSQL (libpg-query's tree) --------------------------------------------------------------------

const strings = (list: unknown): string[] =>
  Array.isArray(list) ? list.flatMap((f) => (isNode(f) && isNode(f.String) ? [String(f.String.sval)] : [])) : [];

/** ALTER TABLE subcommands whose `name` is a column the table must already have. */
const COLUMN_COMMANDS = new Set(['AT_DropColumn', 'AT_AlterColumnType', 'AT_SetNotNull', 'AT_DropNotNull', 'AT_ColumnDefault']);

/** A TypeName node's type, without its pg_catalog qualifier. */
const typeOf = (node: unknown): string => (isNode(node) ? strings(node.names).at(-1) ?? '' : '');

const isNumber = (node: unknown) => isNode(node) && isNode(node.A_Const) && ('ival' in node.A_Const || 'fval' in node.A_Const);

/** Every rehearsal table's key: a column compared with another table's `id` holds ids (`o.user_id = u.id`). */
const KEY = 'id';

/** A ColumnRef node's [column, qualifier]. */
function columnRef(node: unknown): [string, string | undefined] | undefined {
  if (!isNode(node) || !isNode(node.ColumnRef)) return undefined;
  const names = strings(node.ColumnRef.fields);
  return names.length ? [names[names.length - 1]!, names.length > 1 ? names[names.length - 2] : undefined] : undefined;
}

function readPostgres(stmt: unknown, s: Statement, usage: Usage): void {
  // Tables first, so that columns find their aliases whatever the order of the tree.
  walk(stmt, (n) => {
    if (isNode(n.CreateStmt) && isNode(n.CreateStmt.relation)) usage.created.add(String(n.CreateStmt.relation.relname));
    // CREATE TABLE … AS SELECT (an archive of rows, say) creates its table too.
    if (isNode(n.CreateTableAsStmt) && isNode(n.CreateTableAsStmt.into) && isNode(n.CreateTableAsStmt.into.rel)) usage.created.add(String(n.CreateTableAsStmt.into.rel.relname));
    // FROM lists wrap tables in RangeVar; `relation` (ALTER TABLE, UPDATE, CREATE INDEX) holds its fields directly.
    const range = isNode(n.RangeVar) ? n.RangeVar : isNode(n.relation) ? n.relation : undefined;
    if (range && typeof range.relname === 'string') s.table(range.relname, isNode(range.alias) ? String(range.alias.aliasname) : undefined, range.schemaname as string | undefined);
  });
  walk(stmt, (n) => {
    const ref = columnRef(n);
    if (ref) s.column(ref[0], ref[1]);
    if (isNode(n.A_Expr)) {
      const { lexpr, rexpr } = n.A_Expr;
      const compared = isNumber(rexpr) ? columnRef(lexpr) : isNumber(lexpr) ? columnRef(rexpr) : undefined;
      if (compared) s.column(compared[0], compared[1], true);
      const [left, right] = [columnRef(lexpr), columnRef(rexpr)];
      const ids = left && right && (left[0] === KEY) !== (right[0] === KEY) ? (left[0] === KEY ? right : left) : undefined;
      if (ids) s.column(ids[0], ids[1], true);
    }
    if (isNode(n.TypeCast) && NUMBER_TYPE.test(typeOf(n.TypeCast.typeName))) {
      const cast = columnRef(n.TypeCast.arg);
      if (cast) s.column(cast[0], cast[1], true);
    }
    if (isNode(n.IndexElem) && typeof n.IndexElem.name === 'string') s.column(n.IndexElem.name);
    if (isNode(n.Constraint)) for (const key of strings(n.Constraint.keys)) s.column(key);
    for (const kind of ['UpdateStmt', 'InsertStmt']) {
      const node = n[kind];
      if (!isNode(node)) continue;
      for (const target of [...(node.targetList as unknown[] ?? []), ...(node.cols as unknown[] ?? [])]) {
        if (isNode(target) && isNode(target.ResTarget) && typeof target.ResTarget.name === 'string') s.column(target.ResTarget.name, undefined, isNumber(target.ResTarget.val));
      }
    }
    if (isNode(n.AlterTableCmd)) {
      const cmd = n.AlterTableCmd;
      const def = isNode(cmd.def) && isNode(cmd.def.ColumnDef) ? cmd.def.ColumnDef : undefined;
      if (cmd.subtype === 'AT_AddColumn' && def) s.added(String(def.colname), NUMBER_TYPE.test(typeOf(def.typeName)));
      if (COLUMN_COMMANDS.has(String(cmd.subtype)) && typeof cmd.name === 'string') {
        s.column(cmd.name, undefined, cmd.subtype === 'AT_AlterColumnType' && def !== undefined && NUMBER_TYPE.test(typeOf(def.typeName)));
      }
    }
    if (isNode(n.RenameStmt) && n.RenameStmt.renameType === 'OBJECT_COLUMN') {
      s.column(String(n.RenameStmt.subname));
      s.added(String(n.RenameStmt.newname));
    }
  });
}

// SQLite and MySQL (node-sql-parser's tree) ---------------------------------------------------------

const nameOf = (column: unknown): string | undefined =>
  typeof column === 'string' ? column : isNode(column) && isNode(column.expr) ? String(column.expr.value) : undefined;

const isColumn = (n: unknown): n is Node => isNode(n) && n.type === 'column_ref';
const isLiteralNumber = (n: unknown) => isNode(n) && n.type === 'number';
const dataTypeOf = (definition: unknown): string => (isNode(definition) && typeof definition.dataType === 'string' ? definition.dataType : '');

function readSqlParser(stmt: unknown, s: Statement, usage: Usage): void {
  if (!isNode(stmt)) return;
  if (stmt.type === 'create' && stmt.keyword === 'trigger') return readTrigger(stmt, s);
  if (stmt.type === 'create' && stmt.keyword === 'table') {
    // The table it names is new; the tables of its AS SELECT or LIKE are used, read as a statement of their own.
    for (const t of Array.isArray(stmt.table) ? stmt.table : []) if (isNode(t) && typeof t.table === 'string') usage.created.add(t.table);
    if (isNode(stmt.query_expr)) readSqlParser(stmt.query_expr, new Statement(usage), usage);
    if (isNode(stmt.like)) readSqlParser({ type: 'like', ...stmt.like }, new Statement(usage), usage);
    return;
  }
  walk(stmt, (n) => {
    if ('db' in n && typeof n.table === 'string' && n.type !== 'column_ref') s.table(n.table, typeof n.as === 'string' ? n.as : undefined, typeof n.db === 'string' ? n.db : undefined);
  });
  walk(stmt, (n) => {
    if (stmt.type === 'alter' && n.action === 'add' && n.resource === 'column') {
      const name = isNode(n.column) ? nameOf(n.column.column) : undefined;
      if (name) s.added(name, NUMBER_TYPE.test(dataTypeOf(n.definition)));
      // Its column_ref is the new column's name, not a use: blank it for the walk below.
      n.column = undefined;
    }
    if (stmt.type === 'alter' && n.action === 'rename' && n.resource === 'column') {
      const [from, to] = [nameOf(isNode(n.old_column) ? n.old_column.column : undefined), nameOf(isNode(n.column) ? n.column.column : undefined)];
      if (from) s.column(from);
      if (to) s.added(to);
      n.old_column = undefined;
      n.column = undefined;
    }
    if (stmt.type === 'alter' && n.action === 'modify' && isColumn(n.column) && NUMBER_TYPE.test(dataTypeOf(n.definition))) {
      const name = nameOf(n.column.column);
      if (name) s.column(name, undefined, true);
    }
    if (n.type === 'cast' && isColumn(n.expr) && NUMBER_TYPE.test(dataTypeOf(Array.isArray(n.target) ? n.target[0] : n.target))) {
      const name = nameOf(n.expr.column);
      if (name) s.column(name, typeof n.expr.table === 'string' ? n.expr.table : undefined, true);
    }
    if (isColumn(n)) {
      const name = nameOf(n.column);
      if (name) s.column(name, typeof n.table === 'string' ? n.table : undefined);
    }
    if (n.type === 'binary_expr') {
      const compared = isLiteralNumber(n.right) && isColumn(n.left) ? n.left : isLiteralNumber(n.left) && isColumn(n.right) ? n.right : undefined;
      const name = compared ? nameOf(compared.column) : undefined;
      if (compared && name) s.column(name, typeof compared.table === 'string' ? compared.table : undefined, true);
      if (isColumn(n.left) && isColumn(n.right) && (nameOf(n.left.column) === KEY) !== (nameOf(n.right.column) === KEY)) {
        const ids = nameOf(n.left.column) === KEY ? n.right : n.left;
        const idsName = nameOf(ids.column);
        if (idsName) s.column(idsName, typeof ids.table === 'string' ? ids.table : undefined, true);
      }
    }
    if (Array.isArray(n.set)) {
      for (const item of n.set) {
        if (!isNode(item) || typeof item.column !== 'string') continue;
        const table = typeof item.table === 'string' ? item.table : undefined;
        s.column(item.column, table, isLiteralNumber(item.value));
        // A copy into a column added with a number type: the source holds numbers.
        const value = item.value;
        const source = isColumn(value) ? nameOf(value.column) : undefined;
        if (source && isColumn(value) && s.addedNumeric(item.column, table)) s.column(source, typeof value.table === 'string' ? value.table : undefined, true);
      }
    }
  });
}

/**
 * CREATE TRIGGER (node-sql-parser): its table, and the columns its WHEN condition reads through NEW and OLD.
 * The trigger's own name is not a table, and its body's words (RAISE(ABORT, …)) are not columns.
 */
function readTrigger(stmt: Node, s: Statement): void {
  const table = isNode(stmt.table) && typeof stmt.table.table === 'string' ? stmt.table.table : undefined;
  if (!table) return;
  s.table(table);
  walk(stmt.when, (n) => {
    if (!isColumn(n)) return;
    const name = nameOf(n.column);
    if (name && (n.table === null || ['NEW', 'OLD'].includes(String(n.table).toUpperCase()))) s.column(name, table);
  });
}
