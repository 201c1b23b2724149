/**
 * One small interface per engine: run a statement, query rows, describe the database, close. The
 * rehearsal drives transactions itself with BEGIN / COMMIT / ROLLBACK, which every engine here accepts.
 */
import type { Snapshot } from './snapshot.js';

export type EngineName = 'postgres' | 'sqlite' | 'mysql';

export interface Driver {
  engine: EngineName;
  /** Runs one statement; how many rows it changed (or returned). */
  run(sql: string): Promise<number>;
  /** Runs a query; its rows, each as an array of column values. */
  query(sql: string): Promise<unknown[][]>;
  snapshot(): Promise<Snapshot>;
  /** Closes the connection; removes the throwaway database unless `keep`, and then says how to reach it. */
  close(keep: boolean): Promise<string | undefined>;
  /** Another connection to the same throwaway database: the concurrency probes' old transaction, writer and lock monitor. */
  openSession?(): Promise<Session>;
}

/** A second connection: statements only, closed by the probe that opened it. */
export interface Session {
  run(sql: string): Promise<number>;
  query(sql: string): Promise<unknown[][]>;
  close(): Promise<void>;
}

/** `users` → `"users"` (or `` `users` `` on MySQL): names from the plan are quoted, never trusted. */
export function quoteName(engine: EngineName, name: string): string {
  const q = engine === 'mysql' ? '`' : '"';
  return `${q}${name.replaceAll(q, q + q)}${q}`;
}

/** A throwaway database's name: random, so rehearsals on one server never meet. */
export function throwawayName(random: string): string {
  return `plan_rehearse_${random}`;
}
