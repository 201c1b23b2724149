/**
 * Every statement text a task carries in `sql`, with the field it stands in: `up[i]` (or its `run`),
 * a loop's `bounds` and `remaining` queries, `verify[i].query`, `down[i]`. What is parsed, and where a
 * finding about it points.
 */
import { statementOf, type Task } from '../model/schema.js';

export type SqlList = 'up' | 'verify' | 'down';

export interface StatementSite {
  list: SqlList;
  /** The statement's index in its list. */
  index: number;
  /** Path from the task to the text: `['sql', 'up', 2, 'run']`. */
  field: (string | number)[];
  /** The field as a person reads it: `sql.up[2]`, `sql.verify[0].query`, `sql.up[1].loop.bounds`. */
  label: string;
  text: string;
  /** Runs inside a transaction (statements only; queries and a loop's own queries run as they are). */
  transaction: boolean;
  /** The batched statement of a loop: the only text where `:from` and `:to` mean something. */
  batched: boolean;
  /** A loop's `bounds` or `remaining` query, or a `verify` query: reads only. */
  query: boolean;
}

export function statementSites(task: Task): StatementSite[] {
  const sql = task.sql;
  if (!sql) return [];
  const sites: StatementSite[] = [];
  const label = (field: (string | number)[]) => field.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  const statements = (list: 'up' | 'down') => sql[list].forEach((raw, index) => {
    const s = statementOf(raw);
    const field = typeof raw === 'string' ? ['sql', list, index] : ['sql', list, index, 'run'];
    sites.push({ list, index, field, label: label(field), text: s.run, transaction: s.transaction, batched: s.loop !== undefined, query: false });
    for (const part of s.loop ? (['bounds', 'remaining'] as const) : []) {
      const at = ['sql', list, index, 'loop', part];
      sites.push({ list, index, field: at, label: label(at), text: s.loop![part], transaction: false, batched: false, query: true });
    }
  });
  statements('up');
  sql.verify.forEach((v, index) => {
    const field = ['sql', 'verify', index, 'query'];
    sites.push({ list: 'verify', index, field, label: label(field), text: v.query, transaction: false, batched: false, query: true });
  });
  statements('down');
  return sites;
}
