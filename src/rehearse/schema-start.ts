/**
 * Setting up the starting schema from the plan's recorded schema: the engine is asked which types it
 * knows (PostgreSQL; an unknown one becomes text, with a note), the tables are created in foreign-key
 * order and filled (src/rehearse/schema-seed.ts), then foreign keys, sequences and views follow.
 */
import type { DatabaseSchema } from '../model/database.js';
import { columnKind } from './column-kind.js';
import { quoteName, type Driver } from './driver.js';
import { schemaDdl, sequenceOf, withKnownTypes, type Unknown } from './schema-ddl.js';
import { SeedPlanner } from './schema-seed.js';
import type { StartTable } from './seed.js';

/** Runs a set-up statement as `statement` (its label); a failure is recorded and stops the rehearsal. */
export type Exec = (statement: string, sql: string) => Promise<number>;
/** Records a finished set-up step: its label, time and rows. */
export type Done = (statement: string, ms: number, rows: number | null) => void;

/** Rows per INSERT. */
const BATCH = 100;

/**
 * What PostgreSQL here does not know of the section: column types (to_regtype), and defaults it cannot
 * plan (EXPLAIN resolves the functions a default calls without running it; a default reads no column).
 * Other engines take every type and default the section can hold.
 */
export async function unknownOf(driver: Driver, schema: Pick<DatabaseSchema, 'tables'>): Promise<Unknown> {
  const types = new Set<string>();
  const defaults = new Set<string>();
  if (driver.engine !== 'postgres') return { types, defaults };
  const fails = (sql: string) => driver.query(sql).then(() => false, () => true);
  for (const type of new Set(schema.tables.flatMap((t) => t.columns.map((c) => c.type)))) {
    const known = await driver.query(`SELECT to_regtype('${type.replaceAll("'", "''")}') IS NOT NULL`).then((r) => r[0]?.[0] === true, () => false);
    if (!known) types.add(type);
  }
  for (const t of schema.tables) {
    for (const c of t.columns) {
      // nextval's sequence is created with the table; a default of an unknown type goes with the type.
      if (c.default === undefined || sequenceOf(c) || types.has(c.type)) continue;
      if (await fails(`EXPLAIN SELECT ${c.default}`)) defaults.add(`${t.name}.${c.name}`);
    }
  }
  return { types, defaults };
}

/** The tables as the rehearsal reports them: each column with its type. */
export function startTables(schema: Pick<DatabaseSchema, 'tables'>, engine: Driver['engine']): StartTable[] {
  return schema.tables.map((t) => ({
    name: t.name,
    columns: t.columns.map((c) => ({ name: c.name, numeric: ['integer', 'decimal', 'float'].includes(columnKind(engine, c.type).kind), type: c.type })),
  }));
}

/**
 * A rejected row with as few edge values given up as it takes: each edge value replaced by its plain
 * one alone first (the row keeps its other edges), then every one. `inserted`: one of those went in.
 */
async function lessEdgy(row: string[], plain: string[], insert: (row: string[]) => Promise<boolean>): Promise<{ row: string[]; inserted: boolean }> {
  for (const [i, value] of plain.entries()) {
    if (value === row[i]) continue;
    const candidate = row.map((v, j) => (j === i ? value : v));
    if (await insert(candidate)) return { row: candidate, inserted: true };
  }
  return { row: plain, inserted: false };
}

export async function setUpFromSchema(driver: Driver, section: Pick<DatabaseSchema, 'tables' | 'views'>, rows: number, exec: Exec, done: Done, notes: string[]): Promise<void> {
  const engine = driver.engine;
  const tables = withKnownTypes(section.tables, await unknownOf(driver, section), notes);
  const ddl = schemaDdl(engine, { tables, views: section.views }, rows);
  notes.push(...ddl.notes);
  const planner = new SeedPlanner(engine, ddl.tables.map((t) => t.table), rows);
  for (const { table, create } of ddl.tables) {
    const label = `create ${table.name} as the schema describes it (${table.columns.length} column${table.columns.length === 1 ? '' : 's'})`;
    let ms = 0;
    for (const sql of create) ms += await exec(label, sql);
    const seeded = planner.rowsOf(table);
    const insert = (list: string[][]) => `INSERT INTO ${quoteName(engine, table.name)} (${seeded.columns.map((c) => quoteName(engine, c)).join(', ')}) VALUES ${list.map((r) => `(${r.join(', ')})`).join(', ')}`;
    const start = performance.now();
    let plain = 0;
    for (let first = 0; first < seeded.rows.length; first += BATCH) {
      const batch = seeded.rows.slice(first, first + BATCH);
      if (await driver.run(insert(batch)).then(() => true, () => false)) continue;
      // A row the schema rejects (a CHECK, most often): row by row, and a rejected row again with plain values.
      for (const [i, row] of batch.entries()) {
        if (await driver.run(insert([row])).then(() => true, () => false)) continue;
        const id = first + i + 1;
        const tryRow = (r: string[]) => driver.run(insert([r])).then(() => true, () => false);
        let fallback = await lessEdgy(row, planner.plainRow(table, id), tryRow);
        // Plain values a CHECK refuses too: the columns' defaults, one at a time, then all.
        if (!fallback.inserted) fallback = await lessEdgy(fallback.row, planner.defaultRow(table, id), tryRow);
        if (!fallback.inserted) await exec(label, insert([fallback.row]));
        planner.replace(table, id, fallback.row);
        plain++;
      }
    }
    if (plain) notes.push(`${table.name}: ${plain} of ${rows} seed rows were rejected with edge values (a CHECK constraint or the type) and seeded with plain values in the columns that rejected them`);
    done(label, ms + Math.round(performance.now() - start), rows);
  }
  for (const step of ddl.later) {
    if (step.optional) {
      const start = performance.now();
      const failed = await driver.run(step.sql).then(() => undefined, (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]);
      if (failed) notes.push(`${step.what} could not be created here (${failed}); the rehearsal runs without it`);
      else done(step.what, Math.round(performance.now() - start), null);
      continue;
    }
    done(step.what, await exec(step.what, step.sql), null);
  }
}
