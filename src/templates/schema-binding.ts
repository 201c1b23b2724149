/**
 * A template expanded against the user's database schema (`--schema`, `--url`): the parameters that
 * name tables and columns are checked there (exit 2, located in the schema file, with a did-you-mean),
 * the ones the schema decides are filled from it (a column's full type, the engine, the rows), and the
 * helpers templates ask the schema through record which tables they asked about, so the plan records
 * exactly the part it touches.
 */
import type { HelperDelegate } from 'handlebars';
import { PlanInputError } from '../errors.js';
import type { ColumnDef, DatabaseSchema, TableDef } from '../model/database.js';
import { findColumn, findTable, ownedTables, requireColumn, requireNewColumn, requireNewTable, requireTable } from '../inspect/query.js';
import type { ParameterValues, TemplateManifest } from './parameters.js';

export interface SchemaBinding {
  schema: DatabaseSchema | undefined;
  /** Tables named by parameters or asked about while rendering: the plan records these (and what they reference). */
  touched: Set<string>;
  /** The schema as read: what the plan records (`schema` may differ in the rows the user gave). */
  recorded: DatabaseSchema | undefined;
}

export function bindSchema(schema: DatabaseSchema | undefined): SchemaBinding {
  return { schema, recorded: schema, touched: new Set() };
}

/** Runs a check, its error prefixed with the parameter it is about. */
function about<T>(parameter: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof PlanInputError)) throw err;
    throw new PlanInputError(err.details.map((d) => ({ ...d, message: `parameter "${parameter}": ${d.message}` })), err.exitCode);
  }
}

/**
 * Checks every parameter that names a schema object and fills those the schema decides and the user
 * did not give (`given`): `type_of` columns' types, `db`, `rows`. Names are returned as the schema
 * spells them. Without a schema, the values are returned as they are.
 */
export function bindParameters(
  manifest: Pick<TemplateManifest, 'parameters'>,
  values: ParameterValues,
  given: Record<string, string>,
  binding: SchemaBinding,
): ParameterValues {
  if (!binding.schema) return values;
  // `--set rows=` stands for every table, over the schema's statistics, wherever a template asks.
  if (given.rows !== undefined && typeof values.rows === 'number') {
    const rows = values.rows;
    binding.schema = { ...binding.schema, tables: binding.schema.tables.map((t) => ({ ...t, rows })) };
  }
  const { schema } = binding;
  const out: ParameterValues = { ...values };
  const table = (name: string, parameter: string): TableDef => {
    const def = about(parameter, () => requireTable(schema, name));
    binding.touched.add(def.name);
    return def;
  };
  const tableOf = (parameter: string): TableDef => table(String(out[parameter]), parameter);
  const columnOf = (columnParameter: string): { table: TableDef; column: ColumnDef } => {
    const ref = manifest.parameters.find((p) => p.name === columnParameter)?.schema;
    if (!ref || typeof ref !== 'object' || !('column' in ref)) throw new Error(`parameter ${columnParameter} is not a column of a table`);
    const def = tableOf(ref.column);
    return { table: def, column: about(columnParameter, () => requireColumn(schema, def, String(out[columnParameter]))) };
  };
  // Tables first, then what depends on them.
  const order = (ref: unknown) => (typeof ref === 'string' ? 0 : ref && typeof ref === 'object' && 'type_of' in ref ? 2 : 1);
  for (const p of [...manifest.parameters].sort((a, b) => order(a.schema) - order(b.schema))) {
    const ref = p.schema;
    if (!ref) continue;
    if (ref === 'table') out[p.name] = tableOf(p.name).name;
    else if (ref === 'tables' || ref === 'roots') out[p.name] = (out[p.name] as string[]).map((t) => table(t, p.name).name);
    else if (ref === 'new-table') about(p.name, () => requireNewTable(schema, String(out[p.name])));
    else if ('column' in ref) out[p.name] = columnOf(p.name).column.name;
    else if ('columns' in ref) {
      const def = tableOf(ref.columns);
      out[p.name] = (out[p.name] as string[]).map((c) => about(p.name, () => requireColumn(schema, def, c)).name);
    } else if ('new_column' in ref) about(p.name, () => requireNewColumn(schema, tableOf(ref.new_column), String(out[p.name])));
    else if ('type_of' in ref && given[p.name] === undefined) out[p.name] = columnOf(ref.type_of).column.type;
  }
  if ('db' in out && given.db === undefined) out.db = schema.engine;
  if ('rows' in out && given.rows === undefined) {
    const rows = [...binding.touched].map((t) => findTable(schema, t)?.rows).filter((r): r is number => r !== undefined);
    if (rows.length > 0) out.rows = Math.max(...rows);
  }
  return out;
}

/**
 * The statements write the schema's names bare (quoting only reserved words), so every name of a table the
 * plan touches must be one the engine reads bare as the schema spells it: on PostgreSQL, `Account` or
 * `"Invoice Lines"` (a Prisma model without @@map, a quoted name) would be read as `account` or not at
 * all. Until the statements quote such names, the plan is refused there (exit 2, located in the schema),
 * rather than written with statements that reach another table or fail.
 */
export function requireBareNames(binding: SchemaBinding, readsBare: (name: string) => boolean, engineName: string): void {
  const { schema } = binding;
  if (!schema) return;
  const details = [...binding.touched].sort().flatMap((name) => {
    const t = findTable(schema, name);
    if (!t) return [];
    const named: { what: string; name: string; line?: number }[] = [
      { what: `table "${t.name}"`, name: t.name, line: t.line },
      ...t.columns.map((c) => ({ what: `column "${c.name}" of table "${t.name}"`, name: c.name, line: c.line })),
      ...t.indexes.map((o) => ({ what: `index "${o.name}" of table "${t.name}"`, name: o.name, line: o.line })),
      ...[...t.uniques, ...t.foreign_keys, ...t.checks].flatMap((o) => (o.name ? [{ what: `constraint "${o.name}" of table "${t.name}"`, name: o.name, line: o.line }] : [])),
    ];
    return named.filter((n) => !readsBare(n.name)).map((n) => ({
      message: `${n.what}: ${engineName} reads this name only quoted, and the plan's statements write names bare`,
      location: { file: schema.source.file, ...(n.line ?? t.line ? { line: n.line ?? t.line } : {}) },
      hint: n.name === t.name && n.line === t.line
        ? `rename it to a lower-case name first (ALTER TABLE "${n.name}" RENAME TO ${n.name.toLowerCase().replace(/[^a-z0-9_]+/g, '_')}; with Prisma, @@map), or leave it out of the plan`
        : 'rename it to a lower-case name first (with Prisma, @map), or leave its table out of the plan',
    }));
  });
  if (details.length) throw new PlanInputError(details);
}

/** Numbers as the engines compare versions: PostgreSQL 150018, MySQL 80036, MariaDB 101106, SQLite 3040001. */
export function versionNumber(engine: DatabaseSchema['engine'], version: string): number {
  const [a = 0, b = 0, c = 0] = version.split('.').map((n) => Number.parseInt(n, 10) || 0);
  if (engine === 'postgres') return a >= 10 ? a * 10_000 + b : a * 10_000 + b * 100 + c;
  if (engine === 'sqlite') return a * 1_000_000 + b * 1_000 + c;
  return a * 10_000 + b * 100 + c;
}

/**
 * The helpers templates ask the schema through. Each answers `null` (or the fallback given) without a
 * schema, so a template works with and without one.
 */
export function schemaHelpers(binding: SchemaBinding): Record<string, HelperDelegate> {
  const { schema } = binding;
  const table = (name: string): TableDef | null => {
    const def = schema ? findTable(schema, name) : undefined;
    if (def) binding.touched.add(def.name);
    return def ?? null;
  };
  return {
    /** Whether the plan is made from a schema. */
    schema_known: () => schema !== undefined,
    /** `(table_def "users")`: the table as the schema has it (columns, primary_key, foreign_keys, indexes…), or null. */
    table_def: (name: string) => table(name),
    /** `(column_def "users" "email")`: the column (type, nullable, default, comment…), or null. */
    column_def: (t: string, c: string) => {
      const def = table(t);
      return (def && findColumn(def, c)) ?? null;
    },
    /**
     * `(views_reading "users" "email")`: the views that read the column (name, line, definition): PostgreSQL refuses
     * to drop a column a view reads, SQLite too, and MySQL leaves the view broken. Empty without a schema.
     */
    views_reading: (t: string, c: string) => {
      const def = table(t);
      if (!schema || !def) return [];
      const read = `${def.name}.${findColumn(def, c)?.name ?? c}`;
      return schema.views.filter((v) => v.reads.includes(read)).map((v) => ({ name: v.name, line: v.line ?? null, definition: v.definition ?? null }));
    },
    /** `(table_rows "users" rows)`: the table's rows from the schema's statistics, else the fallback. */
    table_rows: (t: string, fallback: unknown) => table(t)?.rows ?? fallback,
    /**
     * `(owned_tables tables)`: the root tables and every table that reaches them through foreign keys, each
     * after its parent (src/inspect/query.ts ownedTables); without a schema, the tables as given.
     */
    owned_tables: (roots: string[]) => {
      if (!schema) return roots.map((name) => ({ table: null, name, depth: 0 }));
      return ownedTables(schema, roots).map((o) => {
        binding.touched.add(o.table.name);
        return { ...o, name: o.table.name };
      });
    },
    /**
     * `(version_at_least "12")`, `(version_at_least "8.0.12" "mysql")`: whether the server is that version or newer
     * (and of that flavour, MySQL or MariaDB, when given). Unknown version: true — the plan assumes a supported
     * release and says so through `version_text`.
     */
    version_at_least: (version: string, ...rest: unknown[]) => {
      const flavor = rest.length > 1 ? rest[0] : undefined;
      const v = schema?.version;
      if (!schema || !v) return true;
      if (typeof flavor === 'string' && v.flavor && v.flavor !== flavor) return false;
      return v.num >= versionNumber(schema.engine, version);
    },
    /** `(version_text)`: the server version the plan relied on, for a task to cite ("15.18"), or "" when unknown. */
    version_text: () => schema?.version?.text ?? '',
  };
}
