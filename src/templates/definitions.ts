/**
 * Template helpers for statements that replace or remove a definition: a column restated whole (a MySQL
 * MODIFY that omits DEFAULT or COMMENT drops them), and what depends on a column that is dropped (views,
 * foreign keys in and out, indexes, unique constraints, checks, triggers, generated columns), with the
 * names and definitions the statements that drop and restore them need. Without a schema, the parameters
 * as given, and no dependents.
 */
import { defaultAndComment } from './column-facts.js';
import type { HelperDelegate } from 'handlebars';
import { PlanInputError } from '../errors.js';
import type { ColumnDef, ForeignKeyDef } from '../model/database.js';
import { columnDependents, hasDependents } from '../inspect/dependents.js';
import { findColumn, findTable } from '../inspect/query.js';
import type { SchemaBinding } from './schema-binding.js';


/** What follows the type and nullability when a column is restated: DEFAULT and COMMENT, as the schema has them. */
export function restatedTail(column: ColumnDef | undefined, fallbackDefault: unknown): string {
  if (!column) return typeof fallbackDefault === 'string' && fallbackDefault !== '' ? ` DEFAULT ${fallbackDefault}` : '';
  return defaultAndComment(column.default, column.comment);
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
    /**
     * `(tables_rows tables rows)`: the rows of these tables together, from the schema's statistics (a table it has
     * no count for counts as `rows`); without a schema, `rows` (the one value the user gave for every table).
     */
    tables_rows: (tables: string[], fallback: unknown) => {
      if (!binding.schema) return fallback;
      return tables.reduce((sum, t) => {
        const table = findTable(binding.schema!, t);
        if (table) binding.touched.add(table.name);
        return sum + (table?.rows ?? Number(fallback));
      }, 0);
    },
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

/** A column type's family and size, for comparing a foreign key's column with the one it references. */
export function typeFamily(type: string): { family: string; size: string } {
  const t = type.toLowerCase().trim();
  const base = t.replace(/\(.*$/, '').replace(/\s+(unsigned|signed|zerofill)\b/g, '').trim();
  const sign = /\bunsigned\b/.test(t) ? ' unsigned' : '';
  const ints: Record<string, string> = { int: 'int', integer: 'int', int4: 'int', mediumint: 'mediumint', smallint: 'smallint', int2: 'smallint', tinyint: 'tinyint', bigint: 'bigint', int8: 'bigint', serial: 'int', bigserial: 'bigint' };
  if (ints[base]) return { family: 'integer', size: ints[base] + sign };
  if (/^(character varying|varchar|char|character|text|nvarchar|nchar|tinytext|mediumtext|longtext|string)$/.test(base)) return { family: 'string', size: '' };
  if (/^(numeric|decimal)$/.test(base)) return { family: 'decimal', size: t.replace(/^[^(]*/, '') };
  return { family: base, size: '' };
}

const sameColumns = (a: string[], b: string[]) => a.length === b.length && a.every((c, i) => c.toLowerCase() === b[i]!.toLowerCase());
const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((c) => b.some((d) => d.toLowerCase() === c.toLowerCase()));

export function schemaCheckHelpers(binding: SchemaBinding): Record<string, HelperDelegate> {
  return {
    /**
     * `(reference_check table column ref_table ref_column db)`: the referenced column is the primary key or unique
     * (else exit 2, located), no foreign key on the column already references that table (exit 2), and the types
     * match (incompatible: exit 2; compatible but different: the sentence returned, for the prose). "" without a schema.
     */
    reference_check: (t: string, c: string, rt: string, rc: string, db: string) => {
      const schema = binding.schema;
      if (!schema) return '';
      const table = findTable(schema, t);
      const ref = findTable(schema, rt);
      if (!table || !ref) return '';
      const column = findColumn(table, c);
      const refColumn = findColumn(ref, rc);
      if (!column || !refColumn) return '';
      const at = (line: number | undefined, fallback: number | undefined) => ({ file: schema.source.file, line: line ?? fallback });
      const keys = [ref.primary_key, ...ref.uniques.map((u) => u.columns), ...ref.indexes.filter((i) => i.unique && !i.where).map((i) => i.columns)];
      if (!keys.some((k) => sameColumns(k, [refColumn.name]))) {
        throw PlanInputError.single(`parameter "ref_column": ${ref.name}.${refColumn.name} is neither the primary key nor unique, so no foreign key can reference it`, {
          location: at(refColumn.line, ref.line),
          hint: ref.primary_key.length === 1 ? `reference its primary key ${ref.name}.${ref.primary_key[0]}, or make ${refColumn.name} unique first (plan new add-unique-constraint)`
            : `make ${refColumn.name} unique first (plan new add-unique-constraint)`,
        });
      }
      const existing = table.foreign_keys.find((k) => sameColumns(k.columns, [column.name]) && k.references.toLowerCase() === ref.name.toLowerCase());
      if (existing) {
        throw PlanInputError.single(`${table.name}.${column.name} already references ${existing.references} (${existing.ref_columns.join(', ')})${existing.name ? ` through ${existing.name}` : ''}`, {
          location: at(existing.line, table.line), hint: 'nothing to add; to change what it references, drop that foreign key first',
        });
      }
      const [a, b] = [typeFamily(column.type), typeFamily(refColumn.type)];
      const refuse = (why: string) => {
        throw PlanInputError.single(`${table.name}.${column.name} (${column.type}) cannot reference ${ref.name}.${refColumn.name} (${refColumn.type}): ${why}`, {
          location: at(column.line, table.line), hint: `change ${column.name} to ${refColumn.type} first (plan new change-column-type)`,
        });
      };
      if (a.family !== b.family) refuse('the types are incompatible');
      if (a.size !== b.size) {
        // MySQL and MariaDB demand the same integer size and sign, and the same decimal precision; PostgreSQL compares across them.
        if (db === 'mysql' && a.family !== 'string') refuse('MySQL needs the same size and sign for integer and decimal key columns');
        return `${table.name}.${column.name} is ${column.type} and ${ref.name}.${refColumn.name} is ${refColumn.type}: the key works, but every join compares across types and ${a.family === 'integer' ? 'the narrower one overflows first' : 'values may not fit both'}; align them when you next change either column.`;
      }
      if (column.type.toLowerCase() !== refColumn.type.toLowerCase()) {
        return `${table.name}.${column.name} is ${column.type} and ${ref.name}.${refColumn.name} is ${refColumn.type}: compatible, but a value longer than ${column.type} allows cannot be referenced.`;
      }
      return '';
    },
    /** `(leading_index table column)`: an index whose first column is `column` (it serves a foreign key on it), or "". */
    leading_index: (t: string, c: string) => {
      const table = binding.schema ? findTable(binding.schema, t) : undefined;
      return table?.indexes.find((i) => !i.where && i.columns[0]?.toLowerCase() === c.toLowerCase())?.name ?? '';
    },
    /**
     * `(index_check table columns unique)`: an index (or, for `unique`, a primary key, unique constraint or unique
     * index) on exactly these columns exists → exit 2, located, with its name; an index that starts with them already
     * serves their lookups → the sentence returned, for the prose. "" without a schema.
     */
    index_check: (t: string, columns: string[], unique: unknown) => {
      const schema = binding.schema;
      const table = schema ? findTable(schema, t) : undefined;
      if (!schema || !table) return '';
      const at = (line: number | undefined) => ({ file: schema.source.file, line: line ?? table.line });
      const same = unique === true
        ? [...(sameSet(table.primary_key, columns) ? [{ name: 'the primary key', line: table.line }] : []),
          ...table.uniques.filter((u) => sameSet(u.columns, columns)).map((u) => ({ name: u.name ?? 'a unique constraint', line: u.line })),
          ...table.indexes.filter((i) => i.unique && !i.where && sameSet(i.columns, columns)).map((i) => ({ name: i.name, line: i.line }))]
        : table.indexes.filter((i) => !i.where && sameColumns(i.columns, columns)).map((i) => ({ name: i.name, line: i.line }));
      if (same.length > 0) {
        throw PlanInputError.single(`${table.name} (${columns.join(', ')}) already has ${unique === true ? 'a unique' : 'an'} index: ${same[0]!.name}`, {
          location: at(same[0]!.line), hint: unique === true ? 'the values are already unique; nothing to add' : 'nothing to add; for another order or a partial index, write it by hand',
        });
      }
      const covering = table.indexes.find((i) => !i.where && i.columns.length > columns.length && sameColumns(i.columns.slice(0, columns.length), columns));
      if (covering && unique !== true) return `${covering.name} (${covering.columns.join(', ')}) already starts with ${columns.join(', ')} and serves the same lookups: keep this index only if the narrower one is measurably faster, and drop it otherwise.`;
      return '';
    },
  };
}
