/**
 * `plan inspect`: the schema a plan would be made from, read from a live database (`--url`, read-only)
 * or a schema file (`--schema`), with `--stats` laid over it; a short summary to print, and the model as
 * JSON (`--out`) for `--schema` later, where the database cannot be reached from.
 */
import { writeFileAtomic } from '../io/files.js';
import { fingerprint } from '../inspect/query.js';
import { readSchemaSource, type SchemaSourceOptions } from '../inspect/source.js';
import type { DatabaseSchema } from '../model/database.js';
import { fitLines, layoutTable, terminalWidth } from '../text/layout.js';

export interface InspectOptions extends SchemaSourceOptions {
  out?: string;
  force?: boolean;
}

export interface InspectSummary {
  engine: DatabaseSchema['engine'];
  version?: string;
  tables: number;
  columns: number;
  foreign_keys: number;
  indexes: number;
  views: number;
  /** Sum of the known rows, and how many tables they are known for. */
  rows: number;
  tables_with_rows: number;
}

export interface InspectResult {
  source: DatabaseSchema['source'];
  fingerprint: string;
  summary: InspectSummary;
  /** What the source could not tell (privileges, statistics), each a sentence. */
  gaps: string[];
  /** Where the model was written (`--out`). */
  out?: string;
  schema: DatabaseSchema;
  text: string;
}

export async function inspect(options: InspectOptions): Promise<InspectResult> {
  const { schema, gaps } = await readSchemaSource(options);
  if (options.out) writeFileAtomic(options.out, `${JSON.stringify(schema, null, 2)}\n`, { force: options.force });
  const result = { source: schema.source, fingerprint: fingerprint(schema), summary: summarize(schema), gaps, ...(options.out ? { out: options.out } : {}), schema };
  return { ...result, text: formatInspect(result) };
}

function summarize(schema: DatabaseSchema): InspectSummary {
  const sum = (f: (t: DatabaseSchema['tables'][number]) => number) => schema.tables.reduce((n, t) => n + f(t), 0);
  return {
    engine: schema.engine,
    ...(schema.version ? { version: schema.version.text } : {}),
    tables: schema.tables.length,
    columns: sum((t) => t.columns.length),
    foreign_keys: sum((t) => t.foreign_keys.length),
    indexes: sum((t) => t.indexes.length),
    views: schema.views.length,
    rows: sum((t) => t.rows ?? 0),
    tables_with_rows: schema.tables.filter((t) => t.rows !== undefined).length,
  };
}

const count = (n: number, word: string, words = `${word}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? word : words}`;

/** Bytes in the largest unit that keeps a number of at least 1. */
function size(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** The largest tables shown in the summary. */
const SHOWN_TABLES = 15;

function formatInspect(result: Omit<InspectResult, 'text'>, width = terminalWidth()): string {
  const { summary: s, schema } = result;
  const lines = [
    `${s.engine}${s.version ? ` ${s.version}` : ''} · ${result.source.file} (${result.source.kind})`,
    `${count(s.tables, 'table')}, ${count(s.columns, 'column')}, ${count(s.foreign_keys, 'foreign key')}, ${count(s.indexes, 'index', 'indexes')}, ${count(s.views, 'view')}`,
    `rows: ${s.rows.toLocaleString('en-US')} in the ${count(s.tables_with_rows, 'table')} whose rows are known, of ${s.tables}`,
    `fingerprint ${result.fingerprint}`,
  ];
  const largest = [...schema.tables].sort((a, b) => (b.rows ?? -1) - (a.rows ?? -1) || a.name.localeCompare(b.name)).slice(0, SHOWN_TABLES);
  if (largest.length) {
    lines.push('', schema.tables.length > SHOWN_TABLES ? `the ${SHOWN_TABLES} largest tables:` : 'tables:');
    lines.push(layoutTable(largest.map((t) => [t.name, `${t.rows !== undefined ? t.rows.toLocaleString('en-US') : '?'} rows`,
      t.bytes !== undefined ? size(t.bytes) : '?', count(t.columns.length, 'column')]), { width, indent: 2, right: [1, 2] }));
  }
  if (result.gaps.length) lines.push('', 'not known:', ...result.gaps.map((g) => `  - ${g}`));
  if (result.out) lines.push('', `Wrote ${result.out} (pass it as --schema ${result.out})`);
  return fitLines(lines.join('\n'), width);
}
