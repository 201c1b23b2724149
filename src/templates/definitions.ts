/**
 * Template helpers for statements that replace or remove a definition: a column restated whole (a MySQL
 * MODIFY that omits DEFAULT or COMMENT drops them), and what depends on a column that is dropped (views,
 * foreign keys in and out, indexes, unique constraints, checks, triggers, generated columns), with the
 * names and definitions the statements that drop and restore them need. Without a schema, the parameters
 * as given, and no dependents.
 */
import type { HelperDelegate } from 'handlebars';
import { PlanInputError } from '../errors.js';
import type { ColumnDef, ForeignKeyDef } from '../model/database.js';
import { columnDependents, hasDependents } from '../inspect/dependents.js';
import { findColumn, findTable } from '../inspect/query.js';
import type { SchemaBinding } from './schema-binding.js';

/** SQL string literal. */
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** What follows the type and nullability when a column is restated: DEFAULT and COMMENT, as the schema has them. */
export function restatedTail(column: ColumnDef | undefined, fallbackDefault: unknown): string {
  if (!column) return typeof fallbackDefault === 'string' && fallbackDefault !== '' ? ` DEFAULT ${fallbackDefault}` : '';
  return `${column.default !== undefined ? ` DEFAULT ${column.default}` : ''}${column.comment !== undefined ? ` COMMENT ${literal(column.comment)}` : ''}`;
}

const actions = (k: ForeignKeyDef) => `${k.on_delete ? ` ON DELETE ${k.on_delete}` : ''}${k.on_update ? ` ON UPDATE ${k.on_update}` : ''}`;
/** PostgreSQL's name for an unnamed constraint (the dumps and catalogs name every one; a hand-written schema may not). */
const defaultName = (table: string, columns: string[], suffix: string) => `${table}_${columns.join('_')}_${suffix}`.slice(0, 63);

export function definitionHelpers(binding: SchemaBinding): Record<string, HelperDelegate> {
  const column = (t: string, c: string): ColumnDef | undefined => {
    const table = binding.schema ? findTable(binding.schema, t) : undefined;
    if (table) binding.touched.add(table.name);
    return table ? findColumn(table, c) : undefined;
  };
  return {
    /** `(restated_type table column column_type)`: the column's full type from the schema, else the one given. */
    restated_type: (t: string, c: string, fallback: unknown) => column(t, c)?.type ?? fallback,
    /** `(restated_tail table column default_value)`: " DEFAULT … COMMENT '…'" from the schema, else the default given. */
    restated_tail: (t: string, c: string, fallbackDefault: unknown) => restatedTail(column(t, c), fallbackDefault),
    /** `(restated_from_schema table column)`: whether the restated definition comes from the schema. */
    restated_from_schema: (t: string, c: string) => column(t, c) !== undefined,
    /**
     * `(column_dependents table column)`: what must go before the column is dropped, named and defined for the
     * statements (null without a schema). A primary-key column is refused, located at it.
     */
    column_dependents: (t: string, c: string, db: unknown) => {
      const schema = binding.schema;
      if (!schema) return null;
      const d = columnDependents(schema, t, c);
      const at = (line: number | undefined) => ({ file: schema.source.file, line: line ?? d.column.line ?? d.table.line });
      const blank = d.views.find((v) => !v.definition);
      if (blank) {
        throw PlanInputError.single(`view "${blank.name}" reads ${d.table.name}.${d.column.name}, and the schema has no definition to recreate it from`, {
          location: at(blank.line), hint: 'give a schema that carries view definitions (pg_dump, mysqldump, sqlite3 .schema), or drop the view by hand first',
        });
      }
      // SQLite's DROP COLUMN refuses a column in a constraint or generated column; only a table rebuild removes those.
      const rebuild = [...d.outgoing.map((k) => `foreign key (${k.columns.join(', ')})`), ...d.incoming.map((k) => `foreign key from ${k.table}`),
        ...d.uniques.map((u) => `unique (${u.columns.join(', ')})`), ...d.checks.map((k) => `check (${k.expression})`), ...d.generated.map((g) => `generated column ${g.name}`)];
      if (db === 'sqlite' && rebuild.length > 0) {
        throw PlanInputError.single(`SQLite cannot drop ${d.table.name}.${d.column.name}: it is in ${rebuild.join(', ')}`, {
          location: at(undefined), hint: 'rebuild the table without the column (sqlite.org/lang_altertable.html, "other kinds of table schema changes"), or drop those first by hand',
        });
      }
      binding.touched.add(d.table.name);
      for (const k of d.incoming) binding.touched.add(k.table);
      const table = d.table.name;
      const list = (cols: string[]) => cols.join(', ');
      const views = d.views.map((v) => ({ name: v.name, materialized: v.materialized, definition: (v.definition ?? '').trim().replace(/;\s*$/, '') }));
      return {
        /** Whether anything needs a statement (triggers and unnamed checks are prose only). */
        any: hasDependents({ ...d, triggers: [], checks: d.checks.filter((k) => k.name) }),
        manual: d.triggers.length > 0,
        /** In the order they are recreated (a view after those it reads); `views_dropped` is the reverse. */
        views,
        views_dropped: [...views].reverse(),
        incoming: d.incoming.map(({ table: from, key }) => ({
          table: from, name: key.name ?? defaultName(from, key.columns, 'fkey'), columns: list(key.columns), ref_columns: list(key.ref_columns), actions: actions(key),
        })),
        outgoing: d.outgoing.map((key) => ({
          name: key.name ?? defaultName(table, key.columns, 'fkey'), columns: list(key.columns), references: key.references, ref_columns: list(key.ref_columns), actions: actions(key),
        })),
        indexes: d.indexes.map((i) => ({ name: i.name, columns: list(i.columns), unique: i.unique, where: i.where ?? '', composite: i.columns.length > 1 })),
        uniques: d.uniques.map((u) => ({ name: u.name ?? defaultName(table, u.columns, 'key'), columns: list(u.columns), composite: u.columns.length > 1 })),
        checks: d.checks.map((k) => ({ name: k.name ?? '', expression: k.expression })),
        triggers: d.triggers.map((tr) => ({ name: tr.name, timing: tr.timing ?? '' })),
        generated: d.generated.map((g) => ({ name: g.name, type: g.type, expression: g.generated!.expression, stored: g.generated!.stored })),
        /** Names a verify looks for: relations (views, indexes) and constraints that must be gone. */
        relation_names: [...d.views.map((v) => v.name), ...d.indexes.map((i) => i.name)],
        constraint_names: [...d.incoming.map(({ table: from, key }) => key.name ?? defaultName(from, key.columns, 'fkey')),
          ...d.outgoing.map((key) => key.name ?? defaultName(table, key.columns, 'fkey')),
          ...d.uniques.map((u) => u.name ?? defaultName(table, u.columns, 'key')), ...d.checks.flatMap((k) => (k.name ? [k.name] : []))],
        /** One line per dependent, for the task's prose. */
        lines: [
          ...d.views.map((v) => `view ${v.name}${v.materialized ? ' (materialized)' : ''}: dropped first, recreated by down from its definition in the schema`),
          ...d.incoming.map(({ table: from, key }) => `foreign key ${key.name ?? defaultName(from, key.columns, 'fkey')} from ${from} (${list(key.columns)}) into ${table}.${d.column.name}`),
          ...d.outgoing.map((key) => `foreign key ${key.name ?? defaultName(table, key.columns, 'fkey')} (${list(key.columns)}) to ${key.references} (${list(key.ref_columns)})`),
          ...d.generated.map((g) => `generated column ${g.name} (${g.generated!.expression})`),
          ...d.checks.map((k) => `check ${k.name ?? '(unnamed)'} (${k.expression})`),
          ...d.uniques.map((u) => `unique constraint ${u.name ?? defaultName(table, u.columns, 'key')} (${list(u.columns)})`),
          ...d.indexes.map((i) => `${i.unique ? 'unique ' : ''}index ${i.name} (${list(i.columns)})${i.columns.length > 1 ? ', composite: recreate it without the column if queries still need the rest' : ''}`),
          ...d.triggers.map((tr) => `trigger ${tr.name}: the schema has no body to restore, so it is rewritten by hand before the drop`),
        ],
      };
    },
  };
}
