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
}

export function emptyUsage(): Usage {
  return { tables: [], created: new Set(), columns: new Set(), added: new Set(), numeric: new Set() };
}

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

  private key(column: string, qualifier?: string | null): string | undefined {
    const table = qualifier ? this.aliases.get(qualifier) ?? qualifier : this.aliases.size === 1 ? this.tables[0] : undefined;
    return table ? `${table}.${column}` : undefined;
  }

  column(column: string, qualifier?: string | null, numeric = false): void {
    const key = this.key(column, qualifier);
    if (!key) return;
    this.usage.columns.add(key);
    if (numeric) this.usage.numeric.add(key);
  }

  added(column: string): void {
    const key = this.key(column);
    if (key) this.usage.added.add(key);
  }
}

/** Reads statements into `usage` with the engine's parser (src/sql; loaded once, on first use). */
export async function readUsage(engine: EngineName, statements: string[], usage: Usage = emptyUsage()): Promise<Usage> {
  await loadParser(engine);
  for (const sql of statements) {
    // A statement the parser cannot read adds nothing: `plan check` has already reported it.
    const { tree } = parseText(engine, sql);
    if (tree?.engine === 'postgres') for (const stmt of tree.stmts) readPostgres(stmt, new Statement(usage), usage);
    else if (tree?.engine === 'mysql' || tree?.engine === 'sqlite') for (const stmt of tree.stmts) readSqlParser(stmt, new Statement(usage), usage);
  }
  return usage;
}

// PostgreSQL (libpg-query's tree) --------------------------------------------------------------------

const strings = (list: unknown): string[] =>
  Array.isArray(list) ? list.flatMap((f) => (isNode(f) && isNode(f.String) ? [String(f.String.sval)] : [])) : [];

/** ALTER TABLE subcommands whose `name` is a column the table must already have. */
const COLUMN_COMMANDS = new Set(['AT_DropColumn', 'AT_AlterColumnType', 'AT_SetNotNull', 'AT_DropNotNull', 'AT_ColumnDefault']);

const isNumber = (node: unknown) => isNode(node) && isNode(node.A_Const) && ('ival' in node.A_Const || 'fval' in node.A_Const);

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
    // CREATE TABLE … AS SELECT: the new table is the target of its INTO clause.
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
      if (cmd.subtype === 'AT_AddColumn' && isNode(cmd.def) && isNode(cmd.def.ColumnDef)) s.added(String(cmd.def.ColumnDef.colname));
      if (COLUMN_COMMANDS.has(String(cmd.subtype)) && typeof cmd.name === 'string') s.column(cmd.name);
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

function readSqlParser(stmt: unknown, s: Statement, usage: Usage): void {
  if (!isNode(stmt)) return;
  if (stmt.type === 'create' && stmt.keyword === 'trigger') return readTrigger(stmt, s);
  if (stmt.type === 'create' && stmt.keyword === 'table') {
    for (const t of [stmt.table].flat()) if (isNode(t) && typeof t.table === 'string') usage.created.add(t.table);
    // CREATE TABLE … AS SELECT: the query's tables are used, not created.
    if (isNode(stmt.query_expr)) readSqlParser(stmt.query_expr, s, usage);
    return;
  }
  walk(stmt, (n) => {
    if ('db' in n && typeof n.table === 'string' && n.type !== 'column_ref') {
      s.table(n.table, typeof n.as === 'string' ? n.as : undefined, typeof n.db === 'string' ? n.db : undefined);
    }
  });
  walk(stmt, (n) => {
    if (stmt.type === 'alter' && n.action === 'add' && n.resource === 'column') {
      const name = isNode(n.column) ? nameOf(n.column.column) : undefined;
      if (name) s.added(name);
      // Its column_ref is the new column's name, not a use: blank it for the walk below.
      n.column = undefined;
    }
    if (isColumn(n)) {
      const name = nameOf(n.column);
      if (name) s.column(name, typeof n.table === 'string' ? n.table : undefined);
    }
    if (n.type === 'binary_expr') {
      const compared = isLiteralNumber(n.right) && isColumn(n.left) ? n.left : isLiteralNumber(n.left) && isColumn(n.right) ? n.right : undefined;
      const name = compared ? nameOf(compared.column) : undefined;
      if (compared && name) s.column(name, typeof compared.table === 'string' ? compared.table : undefined, true);
    }
    if (Array.isArray(n.set)) {
      for (const item of n.set) if (isNode(item) && typeof item.column === 'string') s.column(item.column, typeof item.table === 'string' ? item.table : undefined, isLiteralNumber(item.value));
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
