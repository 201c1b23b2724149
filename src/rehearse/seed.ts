/**
 * The starting schema a plan assumes, and rows to rehearse on. Each table the statements use (and the
 * plan does not create) gets an integer primary key `id` and the columns the statements use (and the
 * plan does not add). A column's type is a guess: numeric when a statement compares it with a number
 * (or sets it to one), or when a loop pages by it; text otherwise.
 *
 * Rows carry the values migrations trip on, one kind every row in eight: NULL, the empty string (0 for
 * numbers), a duplicate, the longest value the column takes, non-ASCII text (a negative number), and in
 * `*_id` columns an orphan (an id no table holds).
 */
import { quoteName, type EngineName } from './driver.js';
import type { Usage } from './references.js';

/** `type`: the column's type when it comes from the plan's schema section (the inferred schema's columns are numeric or text). */
export interface StartColumn { name: string; numeric: boolean; type?: string }
export interface StartTable { name: string; columns: StartColumn[] }

/** Text columns hold at most this many characters (VARCHAR on MySQL, where TEXT cannot be indexed). */
export const TEXT_LENGTH = 255;

export function startingSchema(usage: Usage, numericKeys: Set<string> = new Set()): StartTable[] {
  return usage.tables.filter((t) => !usage.created.has(t)).map((table) => ({
    name: table,
    columns: [...usage.columns]
      .filter((key) => key.startsWith(`${table}.`) && !usage.added.has(key))
      .map((key) => key.slice(table.length + 1))
      .filter((name) => name !== 'id')
      .sort()
      .map((name) => ({ name, numeric: usage.numeric.has(`${table}.${name}`) || numericKeys.has(`${table}.${name}`) })),
  }));
}

const TYPES: Record<EngineName, { id: string; numeric: string; text: string }> = {
  postgres: { id: 'bigint PRIMARY KEY', numeric: 'bigint', text: 'text' },
  sqlite: { id: 'INTEGER PRIMARY KEY', numeric: 'INTEGER', text: 'TEXT' },
  mysql: { id: 'BIGINT PRIMARY KEY', numeric: 'BIGINT', text: `VARCHAR(${TEXT_LENGTH})` },
};

export function createTable(engine: EngineName, table: StartTable): string {
  const types = TYPES[engine];
  const columns = [`${quoteName(engine, 'id')} ${types.id}`, ...table.columns.map((c) => `${quoteName(engine, c.name)} ${c.numeric ? types.numeric : types.text}`)];
  return `CREATE TABLE ${quoteName(engine, table.name)} (${columns.join(', ')})`;
}

/** The value of a column in row `id` (1-based) of a table of `rows` rows, as an SQL literal. */
export function edgeValue(column: StartColumn, id: number, rows: number): string {
  const orphan = column.name.endsWith('_id');
  switch (id % 8) {
    case 0: return 'NULL';
    case 1: return column.numeric ? '0' : "''";
    case 2: return column.numeric ? '7' : "'duplicate'";
    case 3: return column.numeric ? '2147483647' : `'${'x'.repeat(TEXT_LENGTH)}'`;
    case 4: return column.numeric ? '-1' : "'Zoë Ørsted 東京 🚀 ''quoted'''";
    case 5: if (orphan) return String(rows + 1000 + id);
  }
  if (column.numeric) return orphan ? String((id * 7) % rows + 1) : String(id);
  return `'${column.name}-${id}'`;
}

/** INSERT statements filling a table, a hundred rows each. */
export function seedStatements(engine: EngineName, table: StartTable, rows: number): string[] {
  const names = ['id', ...table.columns.map((c) => c.name)].map((n) => quoteName(engine, n)).join(', ');
  const out: string[] = [];
  for (let first = 1; first <= rows; first += 100) {
    const values: string[] = [];
    for (let id = first; id < Math.min(first + 100, rows + 1); id++) values.push(`(${[String(id), ...table.columns.map((c) => edgeValue(c, id, rows))].join(', ')})`);
    out.push(`INSERT INTO ${quoteName(engine, table.name)} (${names}) VALUES ${values.join(', ')}`);
  }
  return out;
}
