/**
 * What depends on a column, from the schema: what must go before the column can be dropped (and come back
 * if the drop is called off), and what an engine drops silently with it. Pure functions over the model.
 */
import { PlanInputError } from '../errors.js';
import type { CheckDefSchema, ColumnDef, DatabaseSchema, ForeignKeyDef, IndexDef, TableDef, TriggerDefSchema, UniqueDef, ViewDef } from '../model/database.js';
import type { z } from 'zod';
import { referencedBy, requireColumn, requireTable } from './query.js';

type CheckDef = z.infer<typeof CheckDefSchema>;
type TriggerDef = z.infer<typeof TriggerDefSchema>;

export interface IncomingForeignKey { table: string; key: ForeignKeyDef }

export interface ColumnDependents {
  table: TableDef;
  column: ColumnDef;
  /** Views that read the column, and views reading those, each after every view it reads (drop in reverse). */
  views: ViewDef[];
  /** Foreign keys of other tables (or this one) that reference the column. */
  incoming: IncomingForeignKey[];
  /** This table's foreign keys that include the column. */
  outgoing: ForeignKeyDef[];
  /** Indexes that include the column, single or composite (those behind a constraint are under `uniques`). */
  indexes: IndexDef[];
  /** UNIQUE constraints that include it. */
  uniques: UniqueDef[];
  checks: CheckDef[];
  /** Triggers that watch it (UPDATE OF) or whose definition names it, where the source tells. */
  triggers: TriggerDef[];
  /** Generated columns whose expression uses it. */
  generated: ColumnDef[];
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
/** Whether an SQL expression names the column (as a whole word, quoted or not). */
export function mentions(expression: string, column: string): boolean {
  const escaped = column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_$])["\`]?${escaped}["\`]?($|[^A-Za-z0-9_$])`, 'i').test(expression);
}
/** An index column is a name, or an expression in parentheses that may name the column. */
const inIndex = (entries: string[], column: string) => entries.some((c) => same(c, column) || (c.startsWith('(') && mentions(c, column)));

/**
 * Everything that depends on `table.column`. A primary-key column is refused (exit 2, located at the
 * column): dropping it is a different migration (a new key first).
 */
export function columnDependents(schema: DatabaseSchema, tableName: string, columnName: string): ColumnDependents {
  const table = requireTable(schema, tableName);
  const column = requireColumn(schema, table, columnName);
  if (table.primary_key.some((c) => same(c, column.name))) {
    throw PlanInputError.single(`column "${column.name}" is part of the primary key of "${table.name}" (${table.primary_key.join(', ')})`, {
      location: { file: schema.source.file, line: column.line ?? table.line },
      hint: 'give the table a new primary key first (its own migration), then drop the column',
    });
  }
  // Views reading the column, then views reading those views (by name), breadth first.
  const views: ViewDef[] = schema.views.filter((v) => v.reads.some((r) => same(r, `${table.name}.${column.name}`)));
  for (let i = 0; i < views.length; i++) {
    for (const v of schema.views) {
      if (!views.includes(v) && v.reads.some((r) => same(r.split('.')[0]!, views[i]!.name))) views.push(v);
    }
  }
  return {
    table,
    column,
    views,
    incoming: referencedBy(schema, table.name).filter(({ key }) => key.ref_columns.some((c) => same(c, column.name)))
      .map(({ table: t, key }) => ({ table: t.name, key })),
    outgoing: table.foreign_keys.filter((k) => k.columns.some((c) => same(c, column.name))),
    indexes: table.indexes.filter((i) => !i.constraint && inIndex(i.columns, column.name)),
    uniques: table.uniques.filter((u) => u.columns.some((c) => same(c, column.name))),
    checks: table.checks.filter((c) => mentions(c.expression, column.name)),
    triggers: table.triggers.filter((t) => t.columns.some((c) => same(c, column.name))),
    generated: table.columns.filter((c) => c !== column && c.generated && mentions(c.generated.expression, column.name)),
  };
}

/** Whether any dependent is there (the drop-column template adds its dependents task only then). */
export function hasDependents(d: ColumnDependents): boolean {
  return [d.views, d.incoming, d.outgoing, d.indexes, d.uniques, d.checks, d.triggers, d.generated].some((l) => l.length > 0);
}
