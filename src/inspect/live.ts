/**
 * `--url URL`: the schema read from a live database, read-only. The URL's scheme picks the engine
 * (postgres://, postgresql://, mysql://, mariadb://, sqlite:, file:); each engine's catalog reader is
 * in its own file beside this one. Nothing is written: PostgreSQL and MySQL sessions are read-only with a
 * statement time limit, and SQLite's file is read into memory. The password never leaves this file:
 * the model (and so the plan) records the URL without it, and so does every error.
 */
import { PlanInputError } from '../errors.js';
import type { DatabaseSchema } from '../model/database.js';
import { readMysql } from './live-mysql.js';
import { readPostgres } from './live-postgres.js';
import type { LiveRead, LiveTarget } from './live-shared.js';
import { readSqlite } from './live-sqlite.js';

export interface IntrospectOptions {
  /** The time limit of the connection and of each statement (10 s unless given); the whole reading gets three times it. */
  timeoutMs?: number;
  /** PostgreSQL schemas to read (otherwise the URL's `?schema=a,b`, else the session's search_path, usually `public`). */
  schemas?: string[];
}

type LiveReader = (target: LiveTarget) => Promise<LiveRead>;

const READERS: Record<string, LiveReader> = {
  'postgres:': readPostgres,
  'postgresql:': readPostgres,
  'mysql:': readMysql,
  'mariadb:': readMysql,
  'sqlite:': readSqlite,
  'file:': readSqlite,
};

export const DEFAULT_TIMEOUT_MS = 10_000;

/** The URL without its password (nor a `password` parameter); a URL that does not parse loses what precedes its `@`. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//');
  }
  const secrets = [...parsed.searchParams.keys()].filter((key) => /^pass(word)?$/i.test(key));
  if (!parsed.password && !secrets.length) return url;
  parsed.password = '';
  for (const key of secrets) parsed.searchParams.delete(key);
  return parsed.toString();
}

/** The message of a driver's error; Node's AggregateError (one per address tried) has none of its own. */
function driverMessage(err: unknown): string {
  if (err instanceof AggregateError && !err.message) return [...new Set(err.errors.map(driverMessage))].join('; ');
  if (err instanceof Error) return err.message || String((err as { code?: unknown }).code ?? err.name);
  return String(err);
}

/** JavaScript's own errors are bugs here, to surface as such; anything else a driver throws is about the database or the URL. */
const isBug = (err: unknown) => err instanceof TypeError || err instanceof ReferenceError || err instanceof SyntaxError || err instanceof RangeError;

/** The schema at `url`: exit 2 for a URL this tool does not read, or a database it cannot reach or read. */
export async function introspect(url: string, options: IntrospectOptions = {}): Promise<DatabaseSchema> {
  return (await readLive(url, options)).schema;
}

/** The schema at `url`, and what the user's privileges or the catalog's statistics left unknown. */
export async function readLive(url: string, options: IntrospectOptions = {}): Promise<LiveRead> {
  const shown = redactUrl(url);
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase();
  const reader = scheme ? READERS[scheme] : undefined;
  if (!reader) {
    throw PlanInputError.single(`--url ${shown}: not a database URL this tool reads`, {
      hint: 'postgres://user@host:5432/db, mysql://user@host:3306/db (or mariadb://), sqlite:///path/to.db or file:path/to.db',
    });
  }
  if (!URL.canParse(url)) {
    throw PlanInputError.single(`--url ${shown}: not a valid URL`, { hint: 'percent-encode special characters in the user name and password (@ is %40, / is %2F)' });
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${(3 * timeoutMs) / 1000} s`));
    }, 3 * timeoutMs);
  });
  const password = decodeURIComponent(new URL(url).password);
  try {
    const target: LiveTarget = { url, shown, timeoutMs, signal: controller.signal, schemas: options.schemas };
    const read = reader(target);
    read.catch(() => undefined);
    const result = await Promise.race([read, expired]);
    if (result.schema.tables.length === 0) {
      throw PlanInputError.single(`the database at ${shown} has no tables this user can see`, {
        hint: result.schema.engine === 'postgres' ? 'name the schemas with ?schema=a,b in the URL (the search_path\'s are read)' : 'check the database in the URL',
      });
    }
    return result;
  } catch (err) {
    if (err instanceof PlanInputError || isBug(err)) throw err;
    let message = driverMessage(err);
    if (password) message = message.split(password).join('***');
    throw PlanInputError.single(`cannot read the database at ${shown}: ${message}`, {
      hint: 'check the URL, that the server is up and reachable from here, and that the user may connect and read the catalog',
    });
  } finally {
    clearTimeout(timer);
  }
}
