/**
 * Database engines as data. Each engine is a folder `_engines/<name>/` beside the templates: an
 * `engine.yaml` (what code needs to know about it: identifier quoting, migration files, phrases, …)
 * and one partial per statement (`backfill.hbs`, `create-index.hbs`, …). Adding an engine is adding
 * a folder; the `db` parameter takes the names of the folders found. Engines are looked for where
 * templates are (built-in, `./templates`, each `--templates-dir`); a later folder of the same name
 * replaces an earlier one as a whole.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { didYouMean, PlanInputError } from '../errors.js';
import { readTextFile } from '../io/files.js';
import { parseYaml, schemaError } from '../model/load.js';
import { DatabaseEngine } from '../model/schema.js';

export const ENGINES_DIR = '_engines';
export const ENGINE_FILE = 'engine.yaml';
/** What engine statements are called among the partials: `engines/mysql/backfill`. */
export const STATEMENT_PREFIX = 'engines';

export const EngineSchema = z.strictObject({
  title: z.string().min(1),
  /** What a plan says in `database:`; the safety rules that are engine-specific read it. */
  database: DatabaseEngine,
  /**
   * How names are quoted: only reserved words are (absent: names are never quoted). `bare` is what a bare
   * name must match to reach the object the schema names (PostgreSQL folds a bare name to lower case);
   * an engine folder without it (a user's, written before it existed) takes every name as read bare.
   */
  identifiers: z.strictObject({ quote: z.string().min(1), reserved: z.array(z.string().min(1)), bare: z.string().min(1).optional() }).optional(),
  /** Plain migration files (framework `sql`): their extension, and the command that applies one (FILE in it). */
  migrations: z.strictObject({ extension: z.string().regex(/^[a-z0-9]+$/), apply: z.string().includes('FILE') }),
  /** A table copy above `above_rows` rows runs through an online schema change `tool`, which does `how`. */
  online_copy: z.strictObject({ tool: z.string().min(1), above_rows: z.int().min(0), how: z.string().min(1) }).optional(),
  /** SQL type → the engine's own type name (`native_type`); others become `default` (or stay as they are). */
  types: z.strictObject({ names: z.record(z.string(), z.string()), default: z.string().optional() }).optional(),
  /** Words said inside a sentence, too short for a statement file: `(phrase db "drop-index")`. */
  phrases: z.record(z.string(), z.string()).default({}),
});
export type EngineDefinition = z.infer<typeof EngineSchema>;

export interface Engine extends EngineDefinition {
  name: string;
  dir: string;
  /** Names of its statements (the `.hbs` files of its folder). */
  statements: ReadonlySet<string>;
}

/** The engines found, by name (sorted). */
export type Engines = ReadonlyMap<string, Engine>;

/** Every engine folder under `<root>/_engines/` of each root, later roots replacing earlier ones. */
export function loadEngines(roots: readonly string[]): Engines {
  const byName = new Map<string, Engine>();
  for (const root of roots) {
    const dir = join(resolve(root), ENGINES_DIR);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).sort()) {
      if (existsSync(join(dir, name, ENGINE_FILE))) byName.set(name, loadEngine(join(dir, name), name));
    }
  }
  return new Map([...byName].sort(([a], [b]) => a.localeCompare(b)));
}

function loadEngine(dir: string, name: string): Engine {
  const file = join(dir, ENGINE_FILE);
  const { data, locate } = parseYaml(readTextFile(file), file);
  const result = EngineSchema.safeParse(data);
  if (!result.success) throw schemaError(result.error, locate);
  const statements = new Set(readdirSync(dir).filter((f) => f.endsWith('.hbs')).map((f) => f.slice(0, -'.hbs'.length)));
  return { ...result.data, name, dir, statements };
}

/** The engine called `name`; an unknown one is a usage error listing those there are. */
export function engineNamed(engines: Engines, name: string): Engine {
  const engine = engines.get(name);
  if (engine) return engine;
  const guess = didYouMean(name, engines.keys());
  throw PlanInputError.single(`unknown engine "${name}"`, {
    hint: `${guess ? `did you mean "${guess}"? ` : ''}engines: ${[...engines.keys()].join(', ')}`,
  });
}

/** Identifier as the engine writes it: bare when safe, quoted when it is one of its reserved words. */
export function quoteIdentifier(name: string, engine: EngineDefinition): string {
  const ids = engine.identifiers;
  if (!ids || !ids.reserved.includes(name.toLowerCase())) return name;
  // A closing backquote or bracket is the opening one's pair; quotes close with themselves.
  const close = ({ '[': ']' } as Record<string, string>)[ids.quote] ?? ids.quote;
  return `${ids.quote}${name}${close}`;
}

/** Whether the engine, reading `name` bare, finds the object the schema spells `name` (a reserved word is quoted by `ident`). */
export function readsBare(name: string, engine: EngineDefinition): boolean {
  const bare = engine.identifiers?.bare;
  return bare === undefined || new RegExp(bare).test(name);
}

/** The engine's own name for an SQL type (MongoDB: the BSON type `$convert` takes). */
export function nativeType(sqlType: string, engine: EngineDefinition): string {
  if (!engine.types) return sqlType;
  return engine.types.names[sqlType.toLowerCase().replace(/\(.*$/, '').trim()] ?? engine.types.default ?? sqlType;
}
