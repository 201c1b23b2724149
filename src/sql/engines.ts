/**
 * Each engine's own parser, loaded on first need and only for the engine a plan names: PostgreSQL's
 * parser compiled to WebAssembly (libpg-query), node-sql-parser's MySQL (then MariaDB) and SQLite
 * grammars, and acorn for mongosh scripts. Loading is asynchronous only because WebAssembly compiles
 * asynchronously; once loaded, every parse is synchronous, so the rules that read trees stay plain
 * functions.
 */
import { createRequire } from 'node:module';
import type { Node as PgNode } from 'libpg-query';
import type { AST } from 'node-sql-parser';
import type { Program } from 'acorn';
import { maskPlaceholders, type PlaceholderUse } from './placeholders.js';
import { sharingShapes } from './pg-shapes.js';

export type Engine = 'postgres' | 'mysql' | 'sqlite' | 'mongodb';

export const ENGINE_NAMES: Record<Engine, string> = { postgres: 'PostgreSQL', mysql: 'MySQL', sqlite: 'SQLite', mongodb: 'mongosh (JavaScript)' };

/** A parsed statement text: one text may hold several statements. */
export type Tree =
  | { engine: 'postgres'; stmts: PgNode[] }
  /** `opaque`: a text the grammar could not read that the engine accepts (SQLite itself decided, or a known MySQL gap); no tree for the rules. */
  | { engine: 'mysql' | 'sqlite'; stmts: AST[]; opaque?: boolean }
  | { engine: 'mongodb'; program: Program };

export interface ParserError {
  /** The parser's own message, without its position. */
  message: string;
  /** Offset in the statement text; line and column (1-based) inside it. */
  offset: number;
  line: number;
  column: number;
}

export type ParseOutcome = { tree: Tree; error?: undefined } | { error: ParserError; tree?: undefined };

/** Parses one (already masked) text; throws what the parser throws. */
type RawParser = (text: string) => Tree;

const loaded = new Map<Engine, RawParser>();
const loading = new Map<Engine, Promise<void>>();
const require = createRequire(import.meta.url);

/** Makes `engine`'s parser ready; a second call, or a call for a loaded engine, costs nothing. */
export function loadParser(engine: Engine): Promise<void> {
  let ready = loading.get(engine);
  if (!ready) {
    ready = LOADERS[engine]().then((parse) => void loaded.set(engine, parse));
    loading.set(engine, ready);
  }
  return ready;
}

export function parserLoaded(engine: Engine): boolean {
  return loaded.has(engine);
}

const LOADERS: Record<Engine, () => Promise<RawParser>> = {
  async postgres() {
    const pg = await import('libpg-query');
    await pg.loadModule();
    const parse = sharingShapes((text) => pg.parseSync(text).stmts?.map((s) => s.stmt!) ?? [], (text) => pg.scanSync(text));
    return (text) => ({ engine: 'postgres', stmts: parse(text) as PgNode[] });
  },
  async mysql() {
    const mysql = sqlParser('mysql');
    // MariaDB (Debian's MySQL) accepts a few statements MySQL's grammar lacks: tried second, loaded then.
    let mariadb: ReturnType<typeof sqlParser> | undefined;
    return (text) => {
      try {
        return { engine: 'mysql', stmts: mysql(text, 'MySQL') };
      } catch (err) {
        mariadb ??= sqlParser('mariadb');
        try {
          return { engine: 'mysql', stmts: mariadb(text, 'MariaDB') };
        } catch {
          // Valid on both servers, missing from both grammars: known, so not a syntax error; no tree to read.
          if (MYSQL_GRAMMAR_GAPS.some((gap) => gap.test(text))) return { engine: 'mysql', stmts: [], opaque: true };
          throw err;
        }
      }
    };
  },
  async sqlite() {
    const sqlite = sqlParser('sqlite');
    // node-sql-parser's SQLite grammar lacks some of SQLite's own syntax (DROP INDEX IF EXISTS, PRAGMA):
    // where it fails, SQLite itself (sql.js) compiles the text on an empty database and decides.
    const { default: initSqlJs } = await import('sql.js');
    const db = new (await initSqlJs()).Database();
    return (text) => {
      try {
        return { engine: 'sqlite', stmts: sqlite(text, 'Sqlite') };
      } catch (err) {
        if (sqliteAccepts(db, text)) return { engine: 'sqlite', stmts: [], opaque: true };
        throw err;
      }
    };
  },
  async mongodb() {
    const acorn = await import('acorn');
    return (text) => ({
      engine: 'mongodb',
      program: acorn.parse(text, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true, locations: true }),
    });
  },
};

/** One `DROP INDEX IF EXISTS name` or `DROP FOREIGN KEY IF EXISTS name` clause of MariaDB's ALTER TABLE. */
const DROP_IF_EXISTS = String.raw`DROP\s+(INDEX|FOREIGN\s+KEY)\s+IF\s+EXISTS\s+\w+`;

/**
 * Whole statements the servers run that node-sql-parser 5.4 rejects, matched exactly: the isolation level a
 * consistent archive read needs (at REPEATABLE READ, CREATE TABLE … SELECT share-locks every row it reads),
 * on MySQL 8 and MariaDB; MariaDB's (10.1.4+) idempotent drops of indexes and foreign keys, which templates
 * emit only for a schema that says MariaDB.
 */
const MYSQL_GRAMMAR_GAPS = [
  /^\s*SET\s+(SESSION\s+)?TRANSACTION\s+ISOLATION\s+LEVEL\s+(READ\s+UNCOMMITTED|READ\s+COMMITTED|REPEATABLE\s+READ|SERIALIZABLE)\s*;?\s*$/i,
  new RegExp(String.raw`^\s*ALTER\s+TABLE\s+\w+\s+${DROP_IF_EXISTS}(\s*,\s*${DROP_IF_EXISTS})*(\s*,\s*ALGORITHM\s*=\s*INPLACE)?(\s*,\s*LOCK\s*=\s*NONE)?\s*;?\s*$`, 'i'),
];

/**
 * Whether SQLite's parser accepts every statement of `text`. Compiling on an empty database also checks
 * names: "no such table" is no syntax error, so only SQLite's syntax errors count.
 */
function sqliteAccepts(db: import('sql.js').Database, text: string): boolean {
  try {
    for (const statement of db.iterateStatements(text)) statement.free();
    return true;
  } catch (err) {
    return !/syntax error|incomplete input|unrecognized token/.test(err instanceof Error ? err.message : String(err));
  }
}

/** One dialect's build of node-sql-parser (each build holds one grammar; the full package holds them all). */
function sqlParser(build: 'mysql' | 'mariadb' | 'sqlite'): (text: string, database: string) => AST[] {
  const { Parser } = require(`node-sql-parser/build/${build}`) as typeof import('node-sql-parser');
  const parser = new Parser();
  return (text, database) => {
    const ast = parser.astify(text, { database });
    return Array.isArray(ast) ? ast : [ast];
  };
}

/** Parses a text with `engine`'s loaded parser: its trees, or the parser's message located inside the text. */
export function parseText(engine: Engine, text: string): ParseOutcome {
  const parse = loaded.get(engine);
  if (!parse) throw new Error(`the ${ENGINE_NAMES[engine]} parser is not loaded (await loadParser first)`);
  try {
    return { tree: parse(text) };
  } catch (err) {
    return { error: located(text, err) };
  }
}

/** The position each parser reports, as an offset, line and column in the text. */
function located(text: string, err: unknown): ParserError {
  const e = err as { message?: string; sqlDetails?: { message: string; cursorPosition: number }; pos?: number; location?: { start: { offset: number } } };
  const message = (e.sqlDetails?.message ?? e.message ?? String(err))
    .replace(/ \(\d+:\d+\)$/, ''); // acorn appends (line:column)
  const offset = Math.max(0, Math.min(text.length, e.sqlDetails?.cursorPosition ?? e.pos ?? e.location?.start.offset ?? 0));
  return { message, offset, ...lineColumn(text, offset) };
}

/** 1-based line and column of an offset in a text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

export type ParsedSql = ParseOutcome & {
  /** The placeholders the text uses, in order. */
  uses: PlaceholderUse[];
};

/** A statement text parsed by its engine's parser, placeholders masked first; a text with no statement in it is an error too. */
export function parseSql(engine: Engine, text: string): ParsedSql {
  const masked = maskPlaceholders(text, engine);
  const outcome = parseText(engine, masked.text);
  if (outcome.tree && treeSize(outcome.tree) === 0 && !('opaque' in outcome.tree && outcome.tree.opaque)) {
    return { error: { message: 'no statement, only blanks or comments', offset: 0, line: 1, column: 1 }, uses: masked.uses };
  }
  return { ...outcome, uses: masked.uses };
}

function treeSize(tree: Tree): number {
  return tree.engine === 'mongodb' ? tree.program.body.length : tree.stmts.length;
}

/** Loads the one parser a plan needs: its database's, when some task carries `sql`; none otherwise. */
export async function loadParsersFor(plan: { database?: Engine; tasks: readonly { sql?: unknown }[] }): Promise<void> {
  if (plan.database && plan.tasks.some((t) => t.sql !== undefined)) await loadParser(plan.database);
}
