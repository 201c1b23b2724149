/**
 * `--schema FILE` and `--stats FILE`: which kind of file it is, and the reader for it. Each reader
 * (one file per source kind beside this one) turns its input into the one model (src/model/database.ts),
 * with every table and column located at its line.
 */
import { readTextFile } from '../io/files.js';
import { PlanInputError } from '../errors.js';
import { StatsFileSchema, type DatabaseSchema, type StatsFile } from '../model/database.js';
import { readModelFile, validated } from './model-file.js';

export type SourceKind = DatabaseSchema['source']['kind'];
export type Engine = DatabaseSchema['engine'];

/** A reader: the file's text to the model. `engine` is the user's `--db`, when given. */
export type SchemaReader = (text: string, file: string, engine: Engine | undefined) => Promise<DatabaseSchema> | DatabaseSchema;

/**
 * One reader per kind of source, each in its own file beside this one, loaded when a file of its kind
 * is read: a pg_dump never loads the Prisma grammar, nor a Prisma schema PostgreSQL's parser.
 */
const READERS: Partial<Record<SourceKind, () => Promise<SchemaReader>>> = {
  'plan-json': async () => readModelFile,
  pg_dump: async () => (await import('./pg-dump.js')).readPgDump,
  mysqldump: async () => (await import('./mysql-dump.js')).readMysqlDump,
  sqlite: async () => (await import('./sqlite-schema.js')).readSqliteSchema,
  prisma: async () => (await import('./prisma.js')).readPrisma,
  atlas: async () => (await import('./atlas.js')).readAtlas,
};

/**
 * What a schema file is, from its name and first lines: pg_dump and mysqldump/mariadb-dump say so in
 * their header (or, without one, by their dialect), Prisma files end in `.prisma`, Atlas JSON has `schemas`, `plan inspect` JSON has
 * `engine` and `tables`; other SQL is a SQLite `.schema` unless `--db` says otherwise.
 */
export function detectKind(text: string, file: string, engine: Engine | undefined): SourceKind {
  if (/\.prisma$/i.test(file) || /^\s*(datasource|generator|model)\s+\w+\s*\{/m.test(text.slice(0, 20_000))) return 'prisma';
  const head = text.slice(0, 4_000);
  if (/^\s*[{[]/.test(text) || /\.(ya?ml|json)$/i.test(file)) {
    return /"schemas"\s*:/.test(head) ? 'atlas' : 'plan-json';
  }
  if (/PostgreSQL database dump/i.test(head)) return 'pg_dump';
  if (/(MySQL|MariaDB) dump/i.test(head)) return 'mysqldump';
  // Headerless dumps (pg_dump --no-comments, mysqldump --compact) still speak their dialect.
  if (/pg_catalog\.|^\\(restrict|connect) /m.test(head)) return 'pg_dump';
  if (/^\/\*!\d{5} |\bENGINE\s*=\s*\w+/m.test(head)) return 'mysqldump';
  if (engine === 'postgres') return 'pg_dump';
  if (engine === 'mysql') return 'mysqldump';
  return 'sqlite';
}

const ENGINE_OF: Partial<Record<SourceKind, Engine>> = { pg_dump: 'postgres', mysqldump: 'mysql', sqlite: 'sqlite' };

/** Reads `--schema FILE`: exit 2, located, when the file cannot be read or its kind disagrees with `--db`. */
export async function readSchemaFile(file: string, engine?: Engine): Promise<DatabaseSchema> {
  const text = readTextFile(file);
  const kind = detectKind(text, file, engine);
  const implied = ENGINE_OF[kind];
  if (engine && implied && implied !== engine) {
    throw PlanInputError.single(`this is a ${kind} schema (${implied}), but --db says ${engine}`, {
      location: { file, line: 1 }, hint: `pass --db ${implied}, or the schema of the ${engine} database`,
    });
  }
  const load = READERS[kind];
  if (!load) throw PlanInputError.single(`${kind} schemas cannot be read yet`, { location: { file } });
  const schema = await (await load())(text, file, engine);
  if (engine && schema.engine !== engine) {
    throw PlanInputError.single(`the schema is for ${schema.engine}, but --db says ${engine}`, { location: { file, line: 1 } });
  }
  if (schema.tables.length === 0) throw PlanInputError.single('the schema has no tables', { location: { file } });
  return schema;
}

/** `--stats FILE`: `tables: {name: {rows, bytes}}`, YAML or JSON. */
export function readStatsFile(file: string): StatsFile {
  return validated(StatsFileSchema, readTextFile(file), file);
}
