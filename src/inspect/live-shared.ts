import type { DatabaseSchema } from '../model/database.js';

/** What every live reader (live-postgres, live-mysql, live-sqlite) shares with `live.ts`, which dispatches to them. */

/** What an engine's reader gets: the URL to connect with, the one to show, and the limits. */
export interface LiveTarget {
  url: string;
  /** The URL without its password: what the model records and errors name. */
  shown: string;
  timeoutMs: number;
  /** Aborted when the time limit passes: the reader closes its connection. */
  signal: AbortSignal;
  /** PostgreSQL schemas to read, when the caller names them. */
  schemas?: string[];
}

/** A reader's result: the schema, and what the user's privileges hid from it (each a sentence). */
export interface LiveRead {
  schema: DatabaseSchema;
  gaps: string[];
}

/** The gap for tables whose rows the catalog does not know (never analyzed). */
export function unknownRows(tables: DatabaseSchema['tables'], why: string): string[] {
  const unknown = tables.filter((t) => t.rows === undefined).map((t) => t.name);
  return unknown.length ? [`rows: unknown for ${unknown.length} of ${tables.length} tables (${why}): ${unknown.join(', ')}; --stats can give them`] : [];
}

/** A view's `reads`: distinct, tables first, then `table.column`s, each alphabetically. */
export function viewReads(reads: Iterable<string>): string[] {
  return [...new Set(reads)].sort((a, b) => Number(a.includes('.')) - Number(b.includes('.')) || a.localeCompare(b));
}
