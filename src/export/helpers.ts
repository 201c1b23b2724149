/**
 * Handlebars helpers of the tracker dialects (templates/trackers/) and of a user's own dialect
 * (`plan export --template`). Dialects emit shell, CSV and JSON, so every value goes through `sh`,
 * `csv_row` or `json`. Plan templates have their own set (src/templates/helpers.ts).
 */
import type { HelperDelegate } from 'handlebars';
import { args, logicHelpers } from '../handlebars/logic.js';
import { shellQuote } from './shell.js';

type Options = { hash: Record<string, unknown>; fn?: (ctx: unknown) => string };

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvField(value: unknown): string {
  const s = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const trackerHelpers: Record<string, HelperDelegate> = {
  ...logicHelpers,
  /**
   * Shell-quotes a value: `{{sh title}}`. As a block, quotes what the block renders:
   * `{{#sh}}{{> taskwarrior/record}}{{/sh}}`.
   */
  sh: function (this: unknown, ...a: unknown[]) {
    const options = a[a.length - 1] as Options;
    return shellQuote(a.length === 1 && options.fn ? options.fn(this) : String(a[0]));
  } as HelperDelegate,
  json: (value: unknown) => JSON.stringify(value),
  /** One CSV row; array arguments spread into several fields. */
  csv_row: (...a: unknown[]) => args(a).flat().map(csvField).join(','),
  /** `(pick priority "critical=H,high=H,medium=M,low=L")`: a value mapped by a small table. */
  pick: (value: unknown, table: string) => {
    const entry = table.split(',').map((kv) => kv.split('=')).find(([k]) => k === String(value));
    if (!entry) throw new Error(`pick: no entry for "${String(value)}" in "${table}"`);
    return entry[1];
  },
  /** `(pad list n)`: the list, filled with empty strings up to n items (CSV columns that repeat). */
  pad: (items: unknown[], n: number) => [...items, ...Array(Math.max(0, n - items.length)).fill('')],
  /** `(repeat "Labels" n)`: n copies (CSV headers that repeat). */
  repeat: (value: unknown, n: number) => Array(n).fill(value),
  /** `(lines list)`: the items joined by line breaks (a string literal cannot hold one). */
  lines: (items: unknown[]) => items.join('\n'),
  /** `(record key=value …)`: an object, usually for `json`. */
  record: (options: Options) => ({ ...options.hash }),
  /** `(append list "x")`: a new list with items added at the end. */
  append: (items: unknown[], ...rest: unknown[]) => [...items, ...args(rest)],
  /** Items without a comma: for trackers whose list flags split on commas (the rest go in the body). */
  no_commas: (items: string[]) => items.filter((i) => !i.includes(',')),
};
