/** What every live reader (live-postgres, live-mysql, live-sqlite) shares with `live.ts`, which dispatches to them. */

/** What an engine's reader gets: the URL to connect with, the one to show, and the limits. */
export interface LiveTarget {
  url: string;
  /** The URL without its password: what the model records and errors name. */
  shown: string;
  timeoutMs: number;
  /** Aborted when the time limit passes: the reader closes its connection. */
  signal: AbortSignal;
}

/** A view's `reads`: distinct, tables first, then `table.column`s, each alphabetically. */
export function viewReads(reads: Iterable<string>): string[] {
  return [...new Set(reads)].sort((a, b) => Number(a.includes('.')) - Number(b.includes('.')) || a.localeCompare(b));
}
