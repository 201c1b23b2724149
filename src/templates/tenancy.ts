/**
 * Template helpers for multi-tenant planning from the schema: which tables get the tenant column (the
 * ownership closure along foreign keys from the root tables, src/inspect/query.ts ownedTables), how each
 * one's rows find their tenant (a root: the owner tenant; a child: its parent's, through the foreign key),
 * the key a backfill pages by, the unique constraints and indexes re-scoped to (tenant, …), the composite
 * indexes that serve foreign keys between owned tables, and the tables left out (no path to a root).
 * Without a schema the tables given are all roots, keyed by `id`, as the template always assumed.
 */
import type { HelperDelegate } from 'handlebars';
import { PlanInputError } from '../errors.js';
import type { DatabaseSchema, ForeignKeyDef, TableDef } from '../model/database.js';
import { findColumn, keyNullable, ownedTables, referencedBy } from '../inspect/query.js';
import type { SchemaBinding } from './schema-binding.js';
import { indexName } from './helpers.js';
import { SMALL_TABLE } from './volume.js';

/** The table the plan creates; in a schema that has one already, it is not a table "left out". */
const TENANTS_TABLE = 'tenants';

/** One owned table, as the backfill and the constraints need it. */
export interface TenantTable {
  name: string;
  root: boolean;
  /** The table whose tenant this one's rows take (a child's), through `join`; '' for a root. */
  parent: string;
  /** The foreign key's column pairs: this table's column and the parent's column it references. */
  join: { column: string; ref_column: string }[];
  /** Some rows may have no parent (a nullable key): they take the owner tenant, listed for a decision. */
  nullable_parent: boolean;
  /** The single integer primary-key column the backfill pages by; '' when there is none (one UPDATE). */
  key: string;
  /** Why there is no key to page by (said in the task); '' when there is one. */
  keyless: string;
  /** Rows, from the schema's statistics, else the plan's `rows`. */
  rows: number;
  depth: number;
}

/** A unique constraint or a unique index of an owned table, rebuilt as (tenant, …). */
export interface RescopedUnique {
  table: string;
  /** Its name today. */
  name: string;
  columns: string[];
  /** A table constraint (UNIQUE), or a unique index of its own. */
  constraint: boolean;
  /** A partial index's predicate, kept; '' for none. */
  where: string;
  /** The new (tenant, …) index, and constraint on engines that have it. */
  new_name: string;
}

/** An index (tenant, foreign-key columns) for a key between two owned tables. */
export interface ForeignKeyIndex {
  table: string;
  columns: string[];
  references: string;
  /** The referenced columns, pairwise with `columns`. */
  join: { column: string; ref_column: string }[];
  name: string;
}

export interface Tenancy {
  tables: TenantTable[];
  names: string[];
  roots: TenantTable[];
  /** Tables with no foreign-key path to a root: a decision for the team (global, or owned another way). */
  unreachable: string[];
  uniques: RescopedUnique[];
  fk_indexes: ForeignKeyIndex[];
  /** The names of the indexes the plan builds: the foreign keys' and the re-scoped uniques'. */
  new_indexes: string[];
  /** The largest owned table's rows: what a statement over every owned table (NOT NULL) is sized by. */
  max_rows: number;
  /** The re-scoped uniques that are indexes of their own (not a table's UNIQUE constraint). */
  index_uniques: RescopedUnique[];
  /** The names of the re-scoped uniques' (tenant, …) indexes. */
  unique_indexes: string[];
  /**
   * Global uniques that stay global because a foreign key references them: dropping one fails (PostgreSQL: "other
   * objects depend on it"; InnoDB: "needed in a foreign key constraint"). Re-pointing the key is the team's decision.
   */
  held_uniques: HeldUnique[];
}

/** A unique a foreign key references, so the plan keeps it global; `referenced_by`: "table(columns)" per key. */
export interface HeldUnique {
  table: string;
  name: string;
  columns: string[];
  referenced_by: string[];
}

const INTEGER_TYPE = /^(tiny|small|medium|big)?int(eger)?\d?\b|^(small|big)?serial\b|^int[248]\b/i;

/** A name of at most 63 characters (PostgreSQL truncates longer ones, and MySQL refuses them beyond 64). */
const nameOf = (...parts: string[]) => parts.join('_').slice(0, 63);

/** The key a backfill pages by: the primary key when it is one integer column. */
function pagingKey(table: TableDef): { key: string; keyless: string } {
  const pk = table.primary_key;
  if (pk.length === 1) {
    const column = findColumn(table, pk[0]!);
    if (column && INTEGER_TYPE.test(column.type.trim())) return { key: column.name, keyless: '' };
    return { key: '', keyless: `its primary key ${pk[0]} is ${column?.type ?? 'not a column'}, not an integer` };
  }
  return { key: '', keyless: pk.length === 0 ? 'it has no primary key' : `its primary key is composite (${pk.join(', ')})` };
}

/** A foreign key's column pairs: this table's column, the referenced table's. */
const pairs = (key: ForeignKeyDef) => key.columns.map((column, i) => ({ column, ref_column: key.ref_columns[i] ?? key.ref_columns[0]! }));

/** Whether a unique already holds per tenant: it includes the key to the parent, whose rows each have one tenant. */
const scopedByParent = (columns: string[], via: ForeignKeyDef | undefined) => via !== undefined && via.columns.every((c) => columns.includes(c));

/** The same set of columns, in any order (a foreign key may list the unique's columns in another order). */
const sameColumns = (a: string[], b: string[]) => a.length === b.length && a.every((c) => b.includes(c));

export function tenancy(schema: DatabaseSchema | undefined, roots: string[], column: string, rows: number): Tenancy {
  if (!schema) {
    const tables = roots.map((name) => ({ name, root: true, parent: '', join: [], nullable_parent: false, key: 'id', keyless: '', rows, depth: 0 }));
    return { tables, names: roots, roots: tables, unreachable: [], uniques: [], fk_indexes: [], new_indexes: [], max_rows: rows, index_uniques: [], unique_indexes: [], held_uniques: [] };
  }
  if (schema.engine === 'mongodb') {
    throw PlanInputError.single('multi-tenant from a schema follows foreign keys, which MongoDB collections do not have', {
      location: { file: schema.source.file }, hint: 'plan without --schema and name every collection with --tables',
    });
  }
  const owned = ownedTables(schema, roots);
  const ownedNames = new Set(owned.map((o) => o.table.name));
  const tables: TenantTable[] = owned.map((o) => {
    const tableRows = o.table.rows ?? rows;
    const { key, keyless } = pagingKey(o.table);
    if (!key && tableRows >= SMALL_TABLE) {
      throw PlanInputError.single(`table "${o.table.name}" cannot be backfilled in batches: ${keyless}`, {
        location: { file: schema.source.file, line: o.table.line },
        hint: `${tableRows.toLocaleString('en-US')} rows is too many for one UPDATE; give it an integer key first (or, if it is small, say so with --stats)`,
      });
    }
    return {
      name: o.table.name, root: o.via === undefined, parent: o.parent ?? '', depth: o.depth, rows: tableRows, key, keyless,
      join: o.via ? pairs(o.via) : [],
      nullable_parent: o.via !== undefined && keyNullable(o.table, o.via),
    };
  });
  const uniques: RescopedUnique[] = [];
  const held: HeldUnique[] = [];
  const fkIndexes: ForeignKeyIndex[] = [];
  for (const o of owned) {
    const t = o.table.name;
    const incoming = referencedBy(schema, t);
    const rescope = (name: string, columns: string[], constraint: boolean, where = '') => {
      if (columns.includes(column) || scopedByParent(columns, o.via)) return;
      const keys = incoming.filter((k) => sameColumns(k.key.ref_columns, columns));
      if (keys.length > 0) {
        held.push({ table: t, name, columns, referenced_by: keys.map((k) => `${k.table.name}(${k.key.columns.join(', ')})`) });
        return;
      }
      uniques.push({ table: t, name, columns, constraint, where, new_name: nameOf(t, column, ...columns.map((c) => c.replace(/\W+/g, '')), 'key') });
    };
    o.table.uniques.forEach((u, i) => rescope(u.name ?? nameOf(t, ...u.columns, 'key', String(i)), u.columns, true));
    for (const index of o.table.indexes) if (index.unique && !index.constraint) rescope(index.name, index.columns, false, index.where);
    for (const key of o.table.foreign_keys) {
      if (!ownedNames.has(key.references) || key.columns.includes(column)) continue;
      fkIndexes.push({ table: t, columns: key.columns, references: key.references, join: pairs(key), name: indexName(t, [column, ...key.columns].join('_')) });
    }
  }
  return {
    tables, names: tables.map((t) => t.name), roots: tables.filter((t) => t.root),
    unreachable: schema.tables.map((t) => t.name).filter((n) => !ownedNames.has(n) && n !== TENANTS_TABLE),
    uniques, fk_indexes: fkIndexes, new_indexes: [...fkIndexes.map((i) => i.name), ...uniques.map((u) => u.new_name)],
    max_rows: Math.max(rows, ...tables.map((t) => t.rows)), index_uniques: uniques.filter((u) => !u.constraint), unique_indexes: uniques.map((u) => u.new_name),
    held_uniques: held,
  };
}

export function tenancyHelpers(binding: SchemaBinding): Record<string, HelperDelegate> {
  // A template asks for several parts of the same tenancy: computed once per set of arguments.
  const computed = new Map<string, Tenancy>();
  const of = (roots: string[], column: string, rows: number) => {
    const key = JSON.stringify([roots, column, rows]);
    let t = computed.get(key);
    if (!t) {
      t = tenancy(binding.schema, roots, column, rows);
      for (const name of t.names) binding.touched.add(name);
      computed.set(key, t);
    }
    return t;
  };
  return {
    /** `(tenant_tables tables)`: the tables that get the tenant column: the closure from the roots, or the tables as given. */
    tenant_tables: (roots: string[]) => of(roots, '', 0).names,
    /**
     * `(tenancy tables tenant_column rows "tables")`: one part of the plan's tenancy (see `Tenancy`): `tables`
     * (each owned table, parents first), `roots`, `unreachable`, `uniques`, `fk_indexes`.
     */
    tenancy: (roots: string[], column: string, rows: number, part: keyof Tenancy) => {
      const t = of(roots, column, rows);
      if (!(part in t)) throw new Error(`tenancy: no part "${String(part)}" (one of ${Object.keys(t).join(', ')})`);
      return t[part];
    },
  };
}
