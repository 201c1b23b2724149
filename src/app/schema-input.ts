/**
 * The user's database schema, from the flags that give it: `--schema FILE` (a dump, Prisma, Atlas JSON,
 * `plan inspect` output) or `--url URL` (a live, read-only catalog), with `--stats FILE` over either.
 */
import { PlanInputError } from '../errors.js';
import type { DatabaseSchema } from '../model/database.js';
import { readSchemaFile, readStatsFile, type Engine } from '../inspect/read.js';
import { applyStats } from '../inspect/query.js';

export interface SchemaInput {
  schemaFile?: string;
  statsFile?: string;
  url?: string;
  /** `--db`, when given: the schema must be of that engine. */
  db?: string;
}

export async function loadSchema(input: SchemaInput): Promise<DatabaseSchema | undefined> {
  if (input.schemaFile && input.url) throw PlanInputError.single('give --schema or --url, not both');
  if (input.statsFile && !input.schemaFile && !input.url) {
    throw PlanInputError.single('--stats needs the schema it describes', { hint: 'pass --schema FILE or --url URL with it' });
  }
  const engine = input.db as Engine | undefined;
  let schema: DatabaseSchema | undefined;
  if (input.schemaFile) schema = await readSchemaFile(input.schemaFile, engine);
  if (input.url) {
    const { introspect } = await import('../inspect/live.js');
    schema = await introspect(input.url, { engine });
  }
  if (schema && input.statsFile) schema = applyStats(schema, readStatsFile(input.statsFile), input.statsFile);
  return schema;
}
