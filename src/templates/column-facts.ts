/**
 * Template helpers for what a replaced column carries (its full definition, indexes, unique and foreign-key constraints, default, NOT NULL, comment) and what depends on a column. Each answers without a schema too (from the parameters alone), so a
 * template works with and without one.
 */
import type { HelperDelegate } from 'handlebars';
import { findColumn, findTable, referencedBy } from '../inspect/query.js';
import type { ColumnDef, ForeignKeyDef, TableDef } from '../model/database.js';
import type { SchemaBinding } from './schema-binding.js';

/** The engines' longest identifier (PostgreSQL 63 bytes, MySQL 64 characters): generated names stay within it. */
const NAME_LIMIT = 63;

export interface CarriedIndex {
  /** The old column's index, dropped with it at the end. */
  name: string;
  /** The index rebuilt on the new column(s). */
  new_name: string;
  /** Its columns with the old column replaced; expressions as written, the column replaced inside. */
  columns: string[];
  unique: boolean;
  where: string | null;
  method: string | null;
  /** The old index's columns and predicate, for the down that builds it again. */
  old_columns: string[];
  old_where: string | null;
}

export interface CarriedKey {
  /** The table that holds the foreign key: the replaced column's table (outgoing) or another (incoming). */
  table: string;
  name: string;
  new_name: string;
  columns: string[];
  references: string;
  ref_columns: string[];
  /** The columns it referenced before (an incoming key) or held (an outgoing one), for the down that restores it. */
  old_columns: string[];
  old_ref_columns: string[];
  on_delete: string | null;
  on_update: string | null;
}

/** A CHECK constraint that uses the old column, re-made on the new one. */
export interface CarriedCheck {
  name: string;
  new_name: string;
  /** Its expression over the old column, and over the new one. */
  old_expression: string;
  expression: string;
}

/** What the new column(s) take over from the replaced one, as the schema has it. */
export interface ReplacedColumn {
  /** The old column's full type, as DDL writes it. */
  type: string;
  /** Its DEFAULT expression, where the new column takes it. */
  default: string | null;
  /** Its NOT NULL, where the new column takes it (the first new column of a split). */
  not_null: boolean;
  comment: string | null;
  indexes: CarriedIndex[];
  /** Unique constraints (not bare unique indexes, which are in `indexes`). */
  uniques: CarriedIndex[];
  /** The column's own foreign keys, re-made on the new column. */
  foreign_keys: CarriedKey[];
  /** Other tables' foreign keys that reference the column: re-pointed at the new one before the old is dropped. */
  incoming: CarriedKey[];
  /**
   * CHECK constraints that use the column, re-made on the new one (a rename, a type change): dropping the old column
   * silently drops them on PostgreSQL and MariaDB, and SQLite refuses the drop while one uses it.
   */
  checks: CarriedCheck[];
  /** Foreign keys the plan cannot carry (a type change, a split): listed for the DBA, each side must change. */
  listed_keys: CarriedKey[];
  /**
   * A split's unique indexes hold a half that is NULL where the whole had no space: engines take NULLs as distinct,
   * so two such rows the old unique refused would both pass (PostgreSQL 15+ has NULLS NOT DISTINCT for it).
   */
  nulls_distinct_risk: boolean;
  /** The column is part of the primary key: not something a replace can take over online. */
  in_primary_key: boolean;
  /** Whether anything is carried by statements after the backfill (indexes, constraints, NOT NULL, comment). */
  carries: boolean;
  /** Whether the old column's indexes or keys are dropped on their own before the column (they would block or outlive its drop). */
  retires: boolean;
}

/** How a replace treats the old column: a rename keeps everything, a type change what holds across types, a split what splits. */
export type ReplaceKind = 'rename-column' | 'change-type' | 'split-column';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An expression with `column` (as a whole identifier: `account_name` does not hold `name`) replaced by `by`. */
function substitute(text: string, column: string, by: string): string {
  return text.replace(new RegExp(`(?<![A-Za-z0-9_$])${escape(column)}(?![A-Za-z0-9_$])`, 'g'), by);
}

/** The new index's name: the old one with the column's name replaced, or the new columns appended; within the limit, and unique. */
export function carriedName(name: string, column: string, newColumns: string[], taken: Set<string>): string {
  // The column's name as a part of the index's, between underscores (`users_id_idx` for `id`, never inside `idx`).
  const part = new RegExp(`(^|_)${escape(column)}(?=_|$)`, 'g');
  const replaced = part.test(name) ? name.replace(part, (_m, lead: string) => `${lead}${newColumns.join('_')}`) : `${name}_${newColumns.join('_')}`;
  let candidate = replaced.slice(0, NAME_LIMIT);
  for (let n = 2; taken.has(candidate); n++) candidate = `${replaced.slice(0, NAME_LIMIT - String(n).length - 1)}_${n}`;
  taken.add(candidate);
  return candidate;
}

/** Index columns with the old column replaced by the new ones (a split puts both where the one was). */
function replaceColumns(columns: string[], column: string, newColumns: string[]): string[] {
  return columns.flatMap((c) => (c === column ? newColumns : [c.startsWith('(') ? substitute(c, column, newColumns[0]!) : c]));
}

/** The facts of `column` of `table` that `newColumns` take over, for `kind`; `taken` collects the names generated. */
export function replacedColumn(table: TableDef, column: ColumnDef, newColumns: string[], kind: ReplaceKind, incoming: { table: TableDef; key: ForeignKeyDef }[]): ReplacedColumn {
  const taken = new Set<string>([...table.indexes.map((i) => i.name), ...table.uniques.flatMap((u) => (u.name ? [u.name] : []))]);
  const uses = (columns: string[]) => columns.some((c) => c === column.name || (c.startsWith('(') && substitute(c, column.name, '\0') !== c));
  const uniqueNames = new Set(table.uniques.flatMap((u) => (u.name ? [u.name] : [])));
  const carry = (name: string, columns: string[], unique: boolean, where?: string, method?: string): CarriedIndex => ({
    name,
    new_name: carriedName(name, column.name, newColumns, taken),
    columns: replaceColumns(columns, column.name, newColumns),
    unique,
    where: where ? substitute(where, column.name, newColumns[0]!) : null,
    method: method ?? null,
    old_columns: columns,
    old_where: where ?? null,
  });
  const indexes = table.indexes
    .filter((i) => !i.constraint && !uniqueNames.has(i.name) && uses(i.columns))
    .map((i) => carry(i.name, i.columns, i.unique, i.where, i.method));
  const uniques = table.uniques
    .filter((u) => u.columns.includes(column.name))
    .map((u, n) => carry(u.name ?? `${table.name}_${u.columns.join('_')}_key${n ? `_${n}` : ''}`, u.columns, true));
  const keyName = (k: ForeignKeyDef, owner: string) => k.name ?? `${owner}_${k.columns.join('_')}_fkey`;
  const outgoing: CarriedKey[] = table.foreign_keys.filter((k) => k.columns.includes(column.name)).map((k) => ({
    table: table.name, name: keyName(k, table.name), new_name: carriedName(keyName(k, table.name), column.name, newColumns, taken),
    columns: replaceColumns(k.columns, column.name, newColumns), references: k.references, ref_columns: k.ref_columns,
    old_columns: k.columns, old_ref_columns: k.ref_columns,
    on_delete: k.on_delete ?? null, on_update: k.on_update ?? null,
  }));
  const pointing: CarriedKey[] = incoming.filter(({ key }) => key.ref_columns.includes(column.name)).map(({ table: t, key }) => ({
    table: t.name, name: keyName(key, t.name), new_name: carriedName(keyName(key, t.name), column.name, newColumns, taken),
    columns: key.columns, references: table.name, ref_columns: replaceColumns(key.ref_columns, column.name, newColumns),
    old_columns: key.columns, old_ref_columns: key.ref_columns,
    on_delete: key.on_delete ?? null, on_update: key.on_update ?? null,
  }));
  const mentions = (text: string) => substitute(text, column.name, '\0') !== text;
  const checks: CarriedCheck[] = kind === 'split-column' ? [] : table.checks.filter((c) => mentions(c.expression)).map((c, n) => {
    const name = c.name ?? `${table.name}_${column.name}_check${n ? n : ''}`;
    return { name, new_name: carriedName(name, column.name, newColumns, taken), old_expression: c.expression, expression: substitute(c.expression, column.name, newColumns[0]!) };
  });
  // Only a rename keeps what a foreign key needs on both sides (the same type, one column for one).
  const keysCarried = kind === 'rename-column';
  const facts: ReplacedColumn = {
    type: column.type,
    // A split's halves have no default of the whole; a type change restates it (the DBA checks it converts).
    default: column.default !== undefined && kind !== 'split-column' ? column.default : null,
    not_null: !column.nullable,
    comment: column.comment !== undefined && kind !== 'split-column' ? column.comment : null,
    indexes,
    uniques,
    foreign_keys: keysCarried ? outgoing : [],
    incoming: keysCarried ? pointing : [],
    checks,
    listed_keys: keysCarried ? [] : [...outgoing, ...pointing],
    nulls_distinct_risk: kind === 'split-column' && [...indexes, ...uniques].some((i) => i.unique),
    in_primary_key: table.primary_key.includes(column.name),
    carries: false,
    retires: false,
  };
  facts.carries = facts.not_null || facts.default !== null || facts.comment !== null || [indexes, uniques, facts.foreign_keys, facts.incoming, checks].some((l) => l.length > 0);
  facts.retires = [indexes, uniques, facts.foreign_keys, facts.incoming].some((l) => l.length > 0);
  return facts;
}

/** What the step after the indexes carries, in words; empty when nothing. */
export function carriedWords(facts: ReplacedColumn): string {
  const words = [
    ...(facts.default !== null ? ['the default'] : []),
    ...(facts.not_null ? ['NOT NULL'] : []),
    ...(facts.foreign_keys.length + facts.incoming.length > 0 ? ['foreign keys'] : []),
    ...(facts.checks.length > 0 ? ['CHECK constraints'] : []),
    ...(facts.comment !== null ? ['the comment'] : []),
  ];
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** A column's NOT NULL, DEFAULT and COMMENT as a MySQL column definition writes them after the type. */
export function restatedDefinition(facts: Pick<ReplacedColumn, 'not_null' | 'default' | 'comment'>): string {
  return `${facts.not_null ? ' NOT NULL' : ' NULL'}${defaultAndComment(facts.default, facts.comment)}`;
}

/** ` DEFAULT … COMMENT '…'`: what a MySQL MODIFY must restate after the type, or it drops them. */
export function defaultAndComment(defaultSql: string | null | undefined, comment: string | null | undefined): string {
  return `${defaultSql != null ? ` DEFAULT ${defaultSql}` : ''}${comment != null ? ` COMMENT ${sqlString(comment)}` : ''}`;
}

/** An SQL string literal: single quotes, a quote doubled. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function columnFactsHelpers(binding: SchemaBinding): Record<string, HelperDelegate> {
  const { schema } = binding;
  return {
    /**
     * `(replaced_column table column new_columns kind)`: what the new column(s) take over from `column`
     * (ReplacedColumn: type, default, not_null, comment, indexes, uniques, foreign_keys, incoming…), or null
     * without a schema. The tables of incoming foreign keys are recorded with the plan.
     */
    replaced_column: (tableName: string, columnName: string, newColumns: string[], kind: ReplaceKind) => {
      const table = schema ? findTable(schema, tableName) : undefined;
      const column = table ? findColumn(table, columnName) : undefined;
      if (!schema || !table || !column) return null;
      binding.touched.add(table.name);
      const incoming = referencedBy(schema, table.name);
      const facts = replacedColumn(table, column, newColumns, kind, incoming);
      for (const k of [...facts.incoming, ...facts.listed_keys]) binding.touched.add(k.table);
      return facts;
    },
    /** `(carried_words facts)`: what the constraints step carries, in words ("the default, NOT NULL, foreign keys"). */
    carried_words: (facts: ReplacedColumn) => carriedWords(facts),
    /**
     * `(carry_steps facts "C1" "C2" ["V4"])`: the ids of the steps that carry indexes (the first id) and the rest (the
     * second), and the gate that checks them (the third, if given, when there is a step) — the ones there is something
     * for; an empty id is left out. Reads switch after them.
     */
    carry_steps: (facts: ReplacedColumn | null, indexes: string, constraints: string, ...rest: unknown[]) => {
      if (!facts) return [];
      const steps = [...(facts.indexes.length + facts.uniques.length > 0 ? [indexes] : []), ...(carriedWords(facts) ? [constraints] : [])];
      const gate = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : '';
      return [...steps, ...(steps.length > 0 ? [gate] : [])].filter((id) => typeof id === 'string' && id !== '');
    },
    /**
     * `(restated_definition facts)`: what follows the type in a MySQL MODIFY that must keep the column as it was —
     * ` NOT NULL DEFAULT 'x' COMMENT 'y'` (NULL when it may be NULL); empty without the schema's facts.
     */
    restated_definition: (facts: ReplacedColumn | null) => (facts ? restatedDefinition(facts) : ''),
    /** `(sql_string comment)`: a value as an SQL string literal ('it''s'). */
    sql_string: (value: string) => sqlString(String(value)),
  };
}
