/**
 * What a database looks like, as one flat map: `column users.email` → `text null default 'x'`,
 * `index users_email_idx` → its definition and validity, `rows users` → a hash of the rows. Each engine's
 * driver fills it from its catalogs; comparing two is then the same for every engine.
 */
import { createHash } from 'node:crypto';

export type Snapshot = Record<string, string>;

export interface Difference {
  object: string;
  /** undefined: the object was not there. */
  before?: string;
  after?: string;
}

export function diffSnapshots(before: Snapshot, after: Snapshot): Difference[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((k) => before[k] !== after[k]).map((object) => ({ object, before: before[object], after: after[object] }));
}

/** `index users_t: was absent, now CREATE INDEX …`: one line a person reads. */
export function describeDifference(d: Difference): string {
  if (d.before === undefined) return `${d.object}: was absent, now ${d.after}`;
  if (d.after === undefined) return `${d.object}: was ${d.before}, now absent`;
  return `${d.object}: was ${d.before}, now ${d.after}`;
}

/**
 * A hash of a table's rows that ignores their physical order: every row serialised, the lines sorted.
 * Sorting the serialised rows orders them by key too (the key is in every row), and needs no key.
 */
export function hashRows(rows: unknown[][]): string {
  const lines = rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)));
  return `${rows.length} rows, sha256 ${createHash('sha256').update(lines.sort().join('\n')).digest('hex').slice(0, 16)}`;
}
