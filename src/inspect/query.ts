/**
 * Questions templates, the recorder and the rehearsal ask of a database schema: a table or column by
 * name (or a located error with a did-you-mean), the foreign keys pointing at a table, the tables a
 * set of roots owns through foreign keys, the part of the schema a plan touches, and the fingerprint.
 * Pure functions over the model.
 */
import { createHash } from 'node:crypto';
import { didYouMean, PlanInputError } from '../errors.js';
import type { ColumnDef, DatabaseSchema, ForeignKeyDef, PlanSchemaSection, StatsFile, TableDef } from '../model/database.js';

/** Where a schema object is defined, for an error: the source file and the object's line. */
function at(schema: DatabaseSchema, line: number | undefined) {
  return { file: schema.source.file, line };
}

export function findTable(schema: DatabaseSchema, name: string): TableDef | undefined {
  return schema.tables.find((t) => t.name === name) ?? schema.tables.find((t) => t.name.toLowerCase() === name.toLowerCase());
}

/** The table, or exit 2 located in the schema file with the closest name (and where it is defined). */
export function requireTable(schema: DatabaseSchema, name: string, what = 'table'): TableDef {
  const table = findTable(schema, name);
  if (table) return table;
  const guess = didYouMean(name, schema.tables.map((t) => t.name));
  const guessed = guess ? findTable(schema, guess) : undefined;
  throw PlanInputError.single(`${what} "${name}" is not in the schema (${schema.tables.length} tables)`, {
    location: at(schema, guessed?.line),
    hint: guessed ? `did you mean "${guessed.name}"${guessed.line ? ` (line ${guessed.line})` : ''}?`
      : `tables: ${schema.tables.slice(0, 12).map((t) => t.name).join(', ')}${schema.tables.length > 12 ? ', …' : ''}`,
  });
}

export function findColumn(table: TableDef, name: string): ColumnDef | undefined {
  return table.columns.find((c) => c.name === name) ?? table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

/** The column, or exit 2 located at its table's definition with the closest column name. */
export function requireColumn(schema: DatabaseSchema, table: TableDef, name: string): ColumnDef {
  const column = findColumn(table, name);
  if (column) return column;
  const guess = didYouMean(name, table.columns.map((c) => c.name));
  const guessed = guess ? findColumn(table, guess) : undefined;
  throw PlanInputError.single(`column "${name}" is not in table "${table.name}"`, {
    location: at(schema, guessed?.line ?? table.line),
    hint: guessed ? `did you mean "${guessed.name}"${guessed.line ? ` (line ${guessed.line})` : ''}?`
      : `its columns: ${table.columns.map((c) => c.name).join(', ')}`,
  });
}

/** A name the plan will create must be free: exit 2 located at the one that exists. */
export function requireNewColumn(schema: DatabaseSchema, table: TableDef, name: string): void {
  const column = findColumn(table, name);
  if (column) {
    throw PlanInputError.single(`column "${name}" already exists in table "${table.name}"`, {
      location: at(schema, column.line ?? table.line), hint: 'choose another name',
    });
  }
}

export function requireNewTable(schema: DatabaseSchema, name: string): void {
  const table = findTable(schema, name);
  if (table) throw PlanInputError.single(`table "${name}" already exists`, { location: at(schema, table.line), hint: 'choose another name' });
}

export interface IncomingKey { table: TableDef; key: ForeignKeyDef }

/** Foreign keys of other tables (and self-references) that point at `table`. */
export function referencedBy(schema: DatabaseSchema, table: string): IncomingKey[] {
  const out: IncomingKey[] = [];
  for (const t of schema.tables) for (const key of t.foreign_keys) if (key.references === table) out.push({ table: t, key });
  return out;
}

export interface OwnedTable {
  table: TableDef;
  /** The foreign key this table's rows reach their owner through; absent for a root. */
  via?: ForeignKeyDef;
  /** The table `via` points at (already earlier in the list). */
  parent?: string;
  /** Steps from the nearest root (0 for a root). */
  depth: number;
}

/**
 * The tables a set of roots owns: the roots, then every table with a foreign key to an owned table,
 * each after its parent. Ownership follows NOT NULL keys first (breadth first, so the shortest such
 * chain), and a nullable key only for a table no NOT NULL chain reaches: a nullable key leaves some rows
 * with no owner, so a table reached through one needs a decision for those rows. Ties go to the order
 * of the schema.
 */
export function ownedTables(schema: DatabaseSchema, roots: readonly string[]): OwnedTable[] {
  const incoming = new Map<string, IncomingKey[]>();
  for (const t of schema.tables) for (const key of t.foreign_keys) {
    const list = incoming.get(key.references) ?? [];
    list.push({ table: t, key });
    incoming.set(key.references, list);
  }
  const order = new Map(schema.tables.map((t, i) => [t.name, i]));
  const owned = new Map<string, OwnedTable>();
  const rootTables: OwnedTable[] = roots.map((r) => ({ table: requireTable(schema, r), depth: 0 }));
  for (const o of rootTables) owned.set(o.table.name, o);
  // Grows the owned set from every owned table, through the keys `usable` accepts, breadth first.
  const grow = (usable: (table: TableDef, key: ForeignKeyDef) => boolean) => {
    let frontier = [...owned.values()];
    while (frontier.length > 0) {
      const next = new Map<string, OwnedTable>();
      for (const parent of frontier) {
        for (const { table, key } of incoming.get(parent.table.name) ?? []) {
          if (owned.has(table.name) || next.has(table.name) || !usable(table, key)) continue;
          next.set(table.name, { table, via: key, parent: parent.table.name, depth: parent.depth + 1 });
        }
      }
      frontier = [...next.values()].sort((a, b) => order.get(a.table.name)! - order.get(b.table.name)!);
      for (const o of frontier) owned.set(o.table.name, o);
    }
  };
  grow((table, key) => !keyNullable(table, key));
  grow(() => true);
  // Parents before children: by depth, then the schema's order.
  return [...owned.values()].sort((a, b) => a.depth - b.depth || order.get(a.table.name)! - order.get(b.table.name)!);
}

/** Whether any column of a foreign key may be NULL. */
export function keyNullable(table: TableDef, key: ForeignKeyDef): boolean {
  return key.columns.some((c) => findColumn(table, c)?.nullable ?? true);
}

/**
 * The tables a plan needs recorded: the ones it names, and every table they reference (transitively),
 * so the rehearsal can create them with their foreign keys. In the schema's order.
 */
export function touchedTables(schema: DatabaseSchema, named: readonly string[]): TableDef[] {
  const keep = new Set<string>();
  const visit = (name: string) => {
    const table = findTable(schema, name);
    if (!table || keep.has(table.name)) return;
    keep.add(table.name);
    for (const key of table.foreign_keys) visit(key.references);
  };
  for (const n of named) visit(n);
  return schema.tables.filter((t) => keep.has(t.name));
}

/**
 * sha256 of the canonical JSON of what the schema says: not where it was read from, nor source lines, nor
 * a view's definition text (each server prints it its own way; what it reads is kept).
 */
export function fingerprint(schema: DatabaseSchema): string {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'line' && k !== 'definition').sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, strip(v)]));
    }
    return value;
  };
  const ordered = canonical(schema);
  const text = JSON.stringify(strip({ engine: ordered.engine, version: ordered.version, tables: ordered.tables, views: ordered.views }));
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The plan's `schema:` section: the touched tables (and the views reading them), and the fingerprint of the whole. */
export function planSection(schema: DatabaseSchema, named: readonly string[]): PlanSchemaSection {
  const tables = touchedTables(schema, named);
  const names = new Set(tables.map((t) => t.name));
  const views = schema.views.filter((v) => v.reads.some((r) => names.has(r.split('.')[0]!)));
  return { source: schema.source, fingerprint: fingerprint(schema), engine: schema.engine, version: schema.version, tables, views };
}

/** Rows and bytes from a stats file over the schema's; a table the schema lacks is a located error. */
export function applyStats(schema: DatabaseSchema, stats: StatsFile, statsFile: string): DatabaseSchema {
  const tables = schema.tables.map((t) => ({ ...t }));
  for (const [name, s] of Object.entries(stats.tables)) {
    const table = tables.find((t) => t.name === name);
    if (!table) {
      const guess = didYouMean(name, tables.map((t) => t.name));
      throw PlanInputError.single(`table "${name}" is not in the schema`, {
        location: { file: statsFile, path: `tables.${name}` }, hint: guess ? `did you mean "${guess}"?` : `the schema is ${schema.source.file}`,
      });
    }
    table.rows = s.rows;
    if (s.bytes !== undefined) table.bytes = s.bytes;
  }
  return { ...schema, tables };
}

/** The section back as a schema (what `rehearse` and `update` read from a plan file). */
export function sectionSchema(section: PlanSchemaSection): DatabaseSchema {
  return { engine: section.engine, version: section.version, source: section.source, tables: section.tables, views: section.views };
}

/**
 * One order for what has no order of its own: tables by namespace and name, and each table's indexes,
 * constraints and triggers by name. Readers keep their source's order (a dump's, the catalog's); the
 * fingerprint is taken in this one, so the same database read from a dump or live has the same one.
 */
export function canonical(schema: DatabaseSchema): DatabaseSchema {
  const byName = <T extends { name?: string; columns?: string[] }>(list: T[]) =>
    [...list].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || (a.columns ?? []).join().localeCompare((b.columns ?? []).join()));
  const tables = schema.tables.map((t) => ({ ...t, foreign_keys: byName(t.foreign_keys), uniques: byName(t.uniques), indexes: byName(t.indexes),
    checks: byName(t.checks), triggers: byName(t.triggers) }));
  tables.sort((a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name));
  const views = schema.views.map((v) => ({ ...v, reads: [...v.reads].sort() })).sort((a, b) => a.name.localeCompare(b.name));
  return { ...schema, tables, views };
}
