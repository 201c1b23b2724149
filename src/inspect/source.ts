/**
 * The schema a command plans from, whichever way the user gave it: `--url` (read live, read-only) or
 * `--schema FILE`, with `--stats FILE` laid over either. One function, so `plan new`, `plan inspect`
 * and later `rehearse` and `update` take the same flags the same way.
 */
import { PlanInputError } from '../errors.js';
import type { DatabaseSchema } from '../model/database.js';
import { DEFAULT_TIMEOUT_MS, readLive } from './live.js';
import { applyStats } from './query.js';
import { readSchemaFile, readStatsFile, type Engine } from './read.js';

export interface SchemaSourceOptions {
  url?: string;
  schema?: string;
  /** The engine the user named (`--db`): a `--schema` file must agree with it. */
  db?: Engine;
  stats?: string;
  /** Seconds for the connection and each statement of `--url`. */
  timeout?: number;
}

export interface SchemaRead {
  schema: DatabaseSchema;
  /** What the source could not tell (privileges, statistics), each a sentence. */
  gaps: string[];
}

/** Exit 2 unless exactly one of `--url` and `--schema` is given. */
export async function readSchemaSource(options: SchemaSourceOptions): Promise<SchemaRead> {
  if (!options.url === !options.schema) {
    throw PlanInputError.single(options.url ? 'give --url or --schema, not both' : 'the schema is needed: --url or --schema', {
      hint: '--url postgres://user@host/db (read live, read-only), or --schema schema.sql (a dump, schema.prisma, Atlas JSON)',
    });
  }
  const read = options.url
    ? await readLive(options.url, { timeoutMs: options.timeout !== undefined ? options.timeout * 1000 : DEFAULT_TIMEOUT_MS })
    : { schema: await readSchemaFile(options.schema!, options.db), gaps: [] };
  if (options.url && options.db && read.schema.engine !== options.db) {
    throw PlanInputError.single(`the database at ${read.schema.source.file} is ${read.schema.engine}, but --db says ${options.db}`, { hint: `pass --db ${read.schema.engine}` });
  }
  if (!options.stats) return read;
  // Rows the stats file gives are no longer unknown: the catalog's gap about them goes.
  return { schema: applyStats(read.schema, readStatsFile(options.stats), options.stats), gaps: read.gaps.filter((g) => !g.startsWith('rows:')) };
}
