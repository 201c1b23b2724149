/**
 * What every schema reader shares: empty tables and columns with the model's defaults, lines from
 * offsets, the index that stands behind a key constraint, foreign keys completed once every table is
 * known, and the located error for a file a reader cannot understand.
 */
import { PlanInputError } from '../errors.js';
import { parseText } from '../sql/engines.js';
import type { ColumnDef, DatabaseSchema, TableDef } from '../model/database.js';

export function newTable(name: string, line: number | undefined, namespace?: string): TableDef {
  return {
    name, ...(namespace ? { namespace } : {}), columns: [], primary_key: [], foreign_keys: [], uniques: [], indexes: [], checks: [], triggers: [],
    ...(line ? { line } : {}),
  };
}

export function newColumn(name: string, type: string, line: number | undefined): ColumnDef {
  return { name, type, nullable: true, identity: false, ...(line ? { line } : {}) };
}

/** 1-based lines of offsets in a text (or in its UTF-8 bytes: PostgreSQL's parser counts bytes), by binary search. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string | Uint8Array) {
    if (typeof text === 'string') {
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    } else {
      for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) this.starts.push(i + 1);
    }
  }

  line(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

/**
 * Records a PRIMARY KEY or UNIQUE constraint on a table: the key itself, and the index behind it
 * (`constraint: true`), so a question about "the indexes on this column" sees it too.
 */
export function addKey(table: TableDef, kind: 'primary' | 'unique', columns: string[], name: string | undefined, line: number | undefined): void {
  const at = line ? { line } : {};
  if (kind === 'primary') {
    table.primary_key = columns;
    for (const c of table.columns) if (columns.includes(c.name)) c.nullable = false;
  } else {
    table.uniques.push({ ...(name ? { name } : {}), columns, ...at });
  }
  const indexName = name ?? (kind === 'primary' ? `${table.name}_pkey` : `${table.name}_${columns.join('_')}_key`);
  table.indexes.push({ name: indexName, columns, unique: true, constraint: true, ...at });
}

/** Foreign keys that name no referenced columns reference the primary key (SQL's rule), known once every table is read. */
export function completeForeignKeys(tables: TableDef[]): void {
  const byName = new Map(tables.map((t) => [t.name, t]));
  for (const t of tables) {
    for (const key of t.foreign_keys) {
      if (key.ref_columns.length === 0) key.ref_columns = byName.get(key.references)?.primary_key.slice() ?? key.columns.slice();
    }
  }
}

/** A file the reader cannot understand: exit 2, at the line, saying what was expected. */
export function unreadable(file: string, line: number | undefined, message: string, expected: string): PlanInputError {
  return PlanInputError.single(message, { location: { file, ...(line ? { line } : {}) }, hint: `expected ${expected}` });
}

/** Strips one pair of parentheses that encloses the whole text: `(a IS NULL)` → `a IS NULL`. */
export function unwrapParens(text: string): string {
  const t = text.trim();
  if (!t.startsWith('(') || !t.endsWith(')')) return t;
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < t.length; i++) {
    const ch = t[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0 && i < t.length - 1) return t;
  }
  return t.slice(1, -1).trim();
}

/** The schema with the fields every reader fills the same way. */
export function schemaOf(engine: DatabaseSchema['engine'], kind: DatabaseSchema['source']['kind'], file: string, tables: TableDef[],
  rest: Partial<Pick<DatabaseSchema, 'version' | 'views'>> = {}): DatabaseSchema {
  completeForeignKeys(tables);
  return { engine, ...(rest.version ? { version: rest.version } : {}), source: { kind, file }, tables, views: rest.views ?? [] };
}

/** Splits a list at commas outside parentheses and quotes. */
export function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  out.push(text.slice(from).trim());
  return out.filter(Boolean);
}

/** The tables and `table.column`s a view's SELECT reads, from node-sql-parser's tree (none when it cannot read it; the parser must be loaded). */
export function viewReads(engine: 'mysql' | 'sqlite', select: string): string[] {
  const parsed = parseText(engine, select);
  if (!parsed.tree || parsed.tree.engine !== engine) return [];
  const aliases = new Map<string, string>();
  const refs: { table: string | null; column: string }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      if (typeof o.table === 'string' && 'as' in o && !('column' in o)) aliases.set(o.as ?? o.table, o.table);
      if (o.type === 'column_ref') {
        const column = typeof o.column === 'string' ? o.column : o.column?.expr?.value;
        const table = typeof o.table === 'string' ? o.table : o.table?.value;
        if (typeof column === 'string') refs.push({ table: typeof table === 'string' ? table : null, column });
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(parsed.tree.stmts);
  const tables = [...new Set(aliases.values())];
  const reads = [...tables];
  for (const r of refs) {
    const table = r.table ? aliases.get(r.table) : tables.length === 1 ? tables[0] : undefined;
    if (table) reads.push(`${table}.${r.column}`);
  }
  return [...new Set(reads)];
}
