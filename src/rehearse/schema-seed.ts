/**
 * Rows for the tables of the plan's recorded schema that the schema accepts: values of each column's
 * type (within its length, precision and range), never NULL where it is NOT NULL, distinct where a
 * primary key or unique constraint asks, foreign keys pointing at rows their parent holds (parents are
 * filled first; a self-reference points at an earlier row), a text column a CHECK holds to a list of
 * literals takes one of them. Generated columns are left to the engine.
 *
 * The edge values of the inferred schema (src/rehearse/seed.ts) stay wherever the schema allows them,
 * one kind every row in eight: NULL, the empty value, a duplicate, the longest (exactly the type's
 * length, or its largest number), non-ASCII text (a negative number), and an orphan id in a `*_id`
 * column no foreign key guards. Where a key asks for distinct values, each edge value appears once.
 * A row a CHECK (or anything else) rejects is inserted again with plain values (`plain`).
 */
import type { ColumnDef, ForeignKeyDef, TableDef } from '../model/database.js';
import { columnKind, quotedLiterals, UNBOUNDED_TEXT, type ColumnKind } from './column-kind.js';
import type { EngineName } from './driver.js';

/** The non-ASCII edge value (quotes included: the literal doubles them). */
export const NON_ASCII = "Zoë Ørsted 東京 🚀 'quoted'";

interface ColumnPlan {
  column: ColumnDef;
  kind: ColumnKind;
  /** Alone in a primary key or unique constraint (or its set has no other column that could be distinct). */
  distinct: boolean;
  /** The single-column integer primary key: always the row's id. */
  rowId: boolean;
  key?: { key: ForeignKeyDef; position: number; radix?: number };
}

export interface SeededTable {
  table: TableDef;
  /** The columns inserted (generated ones are not), quoted by the caller. */
  columns: string[];
  /** Row `id` (1-based) is rows[id - 1]: SQL literals, one per column. */
  rows: string[][];
}

const text = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** At most `length` characters (code points, as the engines count them). */
const fit = (value: string, length: number | undefined) => (length === undefined ? value : Array.from(value).slice(0, length).join(''));

/** `2024-01-01` plus `days`, as YYYY-MM-DD. */
function day(days: number): string {
  return new Date(Date.UTC(2024, 0, 1) + days * 86_400_000).toISOString().slice(0, 10);
}

function hex(bytes: number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
}

function binary(engine: EngineName, bytes: number[]): string {
  return engine === 'postgres' ? `'\\x${hex(bytes)}'` : `X'${hex(bytes)}'`;
}

/** Every literal of the table's CHECK constraints that mention the column, when there are any. */
function checkLiterals(table: TableDef, column: string): string[] {
  const mentions = new RegExp(`(^|[^\\w$])"?${column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?($|[^\\w$])`, 'i');
  return [...new Set(table.checks.filter((c) => mentions.test(c.expression)).flatMap((c) => quotedLiterals(c.expression)))];
}

/** Unique column sets: the primary key, unique constraints and unique indexes (expressions reduced to the columns they name). */
function uniqueSets(table: TableDef): string[][] {
  const named = (entry: string) => table.columns.find((c) => c.name === entry) ? [entry]
    : table.columns.filter((c) => new RegExp(`\\b${c.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(entry)).map((c) => c.name);
  return [
    ...(table.primary_key.length ? [table.primary_key] : []),
    ...table.uniques.map((u) => u.columns),
    ...table.indexes.filter((i) => i.unique).map((i) => i.columns.flatMap(named)),
  ].filter((set) => set.length > 0);
}

export function columnPlans(engine: EngineName, table: TableDef): ColumnPlan[] {
  const keyOf = new Map<string, { key: ForeignKeyDef; position: number; radix?: number }>();
  for (const key of table.foreign_keys) key.columns.forEach((c, position) => keyOf.has(c) || keyOf.set(c, { key, position }));
  const distinct = new Set<string>();
  for (const set of uniqueSets(table)) {
    const free = set.filter((c) => !keyOf.has(c));
    if (free.length) for (const c of free) distinct.add(c);
    else {
      // Only foreign-key columns (a join table's key): their keys count in mixed radix, so the pairs differ.
      const keys = [...new Set(set.map((c) => keyOf.get(c)!.key))];
      for (const c of set) keyOf.set(c, { ...keyOf.get(c)!, radix: keys.indexOf(keyOf.get(c)!.key) });
    }
  }
  const pk = table.primary_key;
  return table.columns.filter((c) => !c.generated).map((column) => {
    let kind = columnKind(engine, column.type);
    const literals = kind.kind === 'text' || kind.kind === 'other' ? checkLiterals(table, column.name) : [];
    if (literals.length) kind = { kind: 'member', members: literals };
    const rowId = pk.length === 1 && pk[0] === column.name && kind.kind === 'integer';
    return { column, kind, distinct: distinct.has(column.name), rowId, key: keyOf.get(column.name) };
  });
}

/** A column's own value in row `id`: an edge value when `edges` and the row's turn, otherwise a plain one. */
export function columnValue(engine: EngineName, plan: ColumnPlan, id: number, rows: number, edges: boolean): string {
  const { column, kind } = plan;
  if (plan.rowId) return String(id);
  const turn = !edges || (plan.distinct && id > 8) ? -1 : id % 8;
  const orphan = /_id$/i.test(column.name) && (kind.kind === 'integer' || kind.kind === 'text');
  if (turn === 0 && column.nullable) return 'NULL';
  const edge = turn === 1 ? empty(engine, kind) : turn === 2 && !plan.distinct ? duplicate(engine, kind)
    : turn === 3 ? longest(engine, kind) : turn === 4 ? nonAscii(kind)
      : turn === 5 && orphan ? fitsInteger(kind, rows + 1000 + id) : undefined;
  return edge ?? plain(engine, plan, id);
}

function fitsInteger(kind: ColumnKind, n: number): string | undefined {
  if (kind.kind === 'text') return kind.length === undefined || String(n).length <= kind.length ? text(String(n)) : undefined;
  return kind.kind === 'integer' && BigInt(n) <= kind.max ? String(n) : undefined;
}

function empty(engine: EngineName, kind: ColumnKind): string | undefined {
  switch (kind.kind) {
    case 'text': return "''";
    case 'integer': return kind.min <= 0n ? '0' : undefined;
    case 'decimal': case 'float': return '0';
    case 'boolean': return 'FALSE';
    case 'json': return "'{}'";
    case 'binary': return binary(engine, []);
    case 'uuid': return "'00000000-0000-0000-0000-000000000000'";
    case 'date': return "'1970-01-02'";
    case 'timestamp': return "'1970-01-02 00:00:00'";
    case 'time': return "'00:00:00'";
    case 'year': return '1901';
    default: return undefined;
  }
}

function duplicate(engine: EngineName, kind: ColumnKind): string | undefined {
  switch (kind.kind) {
    case 'text': return text(fit('duplicate', kind.length));
    case 'integer': return kind.max >= 7n ? '7' : undefined;
    case 'decimal': case 'float': return '7';
    case 'boolean': return 'TRUE';
    case 'json': return '\'{"duplicate": true}\'';
    case 'binary': return binary(engine, [7]);
    case 'uuid': return "'11111111-1111-4111-8111-111111111111'";
    case 'date': return "'2000-01-01'";
    case 'timestamp': return "'2000-01-01 00:00:00'";
    case 'time': return "'12:00:00'";
    case 'year': return '2000';
    case 'member': return text(kind.members[0]!);
    default: return undefined;
  }
}

function longest(engine: EngineName, kind: ColumnKind): string | undefined {
  switch (kind.kind) {
    case 'text': return text('x'.repeat(kind.length ?? UNBOUNDED_TEXT));
    case 'integer': return String(kind.max);
    case 'decimal': return kind.max;
    case 'float': return '2147483647.5';
    case 'json': return text(JSON.stringify({ x: 'x'.repeat(UNBOUNDED_TEXT) }));
    case 'binary': return binary(engine, new Array<number>(kind.length ?? UNBOUNDED_TEXT).fill(255));
    case 'uuid': return "'ffffffff-ffff-ffff-ffff-ffffffffffff'";
    case 'date': return "'9999-12-31'";
    case 'timestamp': return text(kind.max);
    case 'time': return "'23:59:59'";
    case 'year': return '2155';
    case 'member': return text(kind.members.reduce((a, b) => (Array.from(b).length > Array.from(a).length ? b : a)));
    default: return undefined;
  }
}

function nonAscii(kind: ColumnKind): string | undefined {
  switch (kind.kind) {
    case 'text': return text(fit(NON_ASCII, kind.length));
    case 'integer': return kind.min < 0n ? '-1' : undefined;
    case 'decimal': return '-1';
    case 'float': return '-1.5';
    case 'json': return text(JSON.stringify({ s: NON_ASCII }));
    default: return undefined;
  }
}

/** The plain value of a column in row `id`: distinct from every other row's. */
function plain(engine: EngineName, plan: ColumnPlan, id: number): string {
  const { column, kind } = plan;
  switch (kind.kind) {
    case 'text': {
      const value = `${column.name}-${id}`;
      return text(kind.length !== undefined && value.length > kind.length ? String(id).slice(-kind.length) : value);
    }
    case 'integer': return String(BigInt(id) <= kind.max ? id : BigInt(id) % (kind.max + 1n));
    case 'decimal': return String(id);
    case 'float': return `${id}.5`;
    case 'boolean': return id % 2 === 0 ? 'TRUE' : 'FALSE';
    case 'json': return text(JSON.stringify({ n: id }));
    case 'binary': return binary(engine, [id % 256, Math.floor(id / 256) % 256].slice(0, kind.length ?? 2));
    case 'uuid': return text(`00000000-0000-4000-8000-${id.toString(16).padStart(12, '0')}`);
    case 'date': return text(day(id));
    case 'timestamp': return text(`${day(id)} 12:34:56`);
    case 'time': return text(`${String(id % 24).padStart(2, '0')}:${String(id % 60).padStart(2, '0')}:00`);
    case 'year': return String(2000 + (id % 100));
    case 'member': return text(kind.members[id % kind.members.length]!);
    case 'other': return kind.literal ?? (column.nullable ? 'NULL' : column.default !== undefined && engine !== 'sqlite' ? 'DEFAULT' : "'1'");
  }
}

/**
 * The seed rows of every table, computed in foreign-key order so that a child reads its parent's rows
 * (as finally inserted: `replace` puts in a row that fell back to plain values).
 */
export class SeedPlanner {
  private readonly seeded = new Map<string, SeededTable>();
  private readonly plans = new Map<string, ColumnPlan[]>();

  constructor(private readonly engine: EngineName, private readonly tables: TableDef[], private readonly rows: number) {}

  private plansOf(table: TableDef): ColumnPlan[] {
    let plans = this.plans.get(table.name);
    if (!plans) this.plans.set(table.name, plans = columnPlans(this.engine, table));
    return plans;
  }

  /** The table's rows with edge values (computed once; parents must be seeded first). */
  rowsOf(table: TableDef): SeededTable {
    const known = this.seeded.get(table.name);
    if (known) return known;
    const plans = this.plansOf(table);
    const seeded: SeededTable = { table, columns: plans.map((p) => p.column.name), rows: [] };
    this.seeded.set(table.name, seeded);
    for (let id = 1; id <= this.rows; id++) seeded.rows.push(this.row(table, id, true));
    return seeded;
  }

  /** Row `id` with plain values only (its foreign keys as before). */
  plainRow(table: TableDef, id: number): string[] {
    return this.row(table, id, false);
  }

  /**
   * Row `id` with plain values, but the schema's default in each column that has one (not a key's, not a sequence):
   * a CHECK such as `priority BETWEEN 0 AND 5` refuses the plain value `id` and accepts the default.
   */
  defaultRow(table: TableDef, id: number): string[] {
    const plans = this.plansOf(table);
    return this.plainRow(table, id).map((value, i) => {
      const { column, key } = plans[i]!;
      return !key && column.default !== undefined && !/nextval\(/i.test(column.default) ? `(${column.default})` : value;
    });
  }

  replace(table: TableDef, id: number, row: string[]): void {
    this.seeded.get(table.name)!.rows[id - 1] = row;
  }

  private row(table: TableDef, id: number, edges: boolean): string[] {
    const plans = this.plansOf(table);
    const row = plans.map((p) => (p.key ? '' : columnValue(this.engine, p, id, this.rows, edges)));
    plans.forEach((p, i) => {
      if (p.key) row[i] = this.reference(table, p, id, row, edges);
    });
    return row;
  }

  /**
   * A foreign-key column's value: the referenced column of a parent row. Row `id` points at parent row
   * id (mixed radix for a join table's key, an earlier row for a self-reference), skipping parent rows
   * where that column is NULL; a nullable key is NULL every eighth row.
   */
  private reference(table: TableDef, plan: ColumnPlan, id: number, row: string[], edges: boolean): string {
    const { key, position, radix } = plan.key!;
    if (edges && plan.column.nullable && id % 8 === 0) return 'NULL';
    const parent = this.tables.find((t) => t.name === key.references);
    const ref = key.ref_columns[position]!;
    if (!parent) return plan.column.nullable ? 'NULL' : columnValue(this.engine, { ...plan, key: undefined }, id, this.rows, false);
    if (parent.name === table.name) {
      const self = this.plansOf(table).findIndex((p) => p.column.name === ref);
      if (id === 1) return plan.column.nullable ? 'NULL' : row[self] ?? 'NULL';
      return this.seeded.get(table.name)?.rows[id - 2]?.[self] ?? 'NULL';
    }
    // A parent in a cycle of keys is being seeded: its rows so far (none: NULL).
    const parentRows = this.rowsOf(parent);
    const at = parentRows.columns.indexOf(ref);
    const n = parentRows.rows.length;
    if (at < 0 || n === 0) return 'NULL';
    const start = radix === undefined ? (id - 1) % n : Math.floor((id - 1) / n ** radix) % n;
    for (let step = 0; step < n; step++) {
      const value = parentRows.rows[(start + step) % n]![at]!;
      if (value !== 'NULL') return value;
    }
    return 'NULL';
  }
}
