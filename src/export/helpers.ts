/**
 * Handlebars helpers of the tracker dialects (templates/trackers/) and of a user's own dialect
 * (`plan export --template`). Dialects emit shell, CSV and JSON, so every value goes through `sh`,
 * `csv_row` or `json`. Plan templates have their own set (src/templates/helpers.ts).
 */
import type { HelperDelegate } from 'handlebars';
import { args, logicHelpers } from '../handlebars/logic.js';
import { cleoText } from './dialects.js';
import { shellQuote } from './shell.js';

type Options = { hash: Record<string, unknown>; fn?: (ctx: unknown) => string };

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A cell a spreadsheet
 * would take for a formula (starting with =, +, -, @, a tab or a carriage return) gets a leading `'`.
 */
export function csvField(value: unknown): string {
  const raw = value === undefined || value === null ? '' : String(value);
  const s = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** User text inside Markdown: HTML and link syntax shown as text, on one line. */
export function markdownText(value: unknown): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/[[\]]/g, '\\$&').replace(/\r?\n|\r/g, ' ');
}

/** Each task's links as a CSV row holds them, by task position: a dependency is written at one of its two ends. */
export interface LinkColumns {
  blockedBy: string[][];
  blocks: string[][];
  maxBlockedBy: number;
  maxBlocks: number;
}

/**
 * Where each dependency goes in a CSV whose links are repeated columns: as "Blocked by" on the dependent
 * task, unless it waits for more tasks than the one it waits for is waited on by; then as "Blocks" on that
 * one. A gate after every table's backfill would otherwise give every row as many "Blocked by" columns as
 * there are tables, a file growing with the square of the tables. A chain is written as "Blocked by" only.
 */
export function linkColumns(tasks: readonly { id: string; depends: readonly string[] }[]): LinkColumns {
  const index = new Map(tasks.map((t, i) => [t.id, i]));
  const waitedOnBy = tasks.map(() => 0);
  for (const t of tasks) for (const d of t.depends) { const j = index.get(d); if (j !== undefined) waitedOnBy[j]! += 1; }
  const blockedBy: string[][] = tasks.map(() => []);
  const blocks: string[][] = tasks.map(() => []);
  tasks.forEach((t, i) => {
    for (const d of t.depends) {
      const j = index.get(d);
      if (j === undefined || t.depends.length <= waitedOnBy[j]!) blockedBy[i]!.push(d);
      else blocks[j]!.push(t.id);
    }
  });
  const widest = (rows: string[][]) => rows.reduce((m, r) => Math.max(m, r.length), 0);
  return { blockedBy, blocks, maxBlockedBy: widest(blockedBy), maxBlocks: widest(blocks) };
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
  /** User text in Markdown: `{{md title}}` (HTML and link syntax escaped). */
  md: (value: unknown) => markdownText(value),
  /** User text in a Markdown table cell: as `md`, and a `|` does not end the cell. */
  md_cell: (value: unknown) => markdownText(value).replace(/\|/g, '\\|'),
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
  /** `(link_columns tasks)`: each task's "Blocked by" and "Blocks" cells, by position (see linkColumns). */
  link_columns: (tasks: { id: string; depends: string[] }[]) => linkColumns(tasks),
  /**
   * `{{indent text "  "}}`: every non-empty line prefixed, so Markdown blocks (a task's fenced
   * statements) stay inside the list item they follow.
   */
  indent: (text: unknown, prefix: unknown) => String(text).split('\n').map((line) => (line ? `${String(prefix)}${line}` : line)).join('\n'),
  /** `(lines list)`: the items joined by line breaks (a string literal cannot hold one). */
  lines: (items: unknown[]) => items.join('\n'),
  /** `(record key=value …)`: an object, usually for `json`. */
  record: (options: Options) => ({ ...options.hash }),
  /** `(append list "x")`: a new list with items added at the end. */
  append: (items: unknown[], ...rest: unknown[]) => [...items, ...args(rest)],
  /**
   * Items a list flag that splits on commas, and reads one line, keeps whole (cleo's --acceptance,
   * --files): those without a comma or a line break. The rest are only in the body.
   */
  comma_safe: (items: string[]) => items.filter((i) => !/[,\r\n]/.test(i)),
  /** A body as cleo can hold it: the description part and the note part (src/export/dialects.ts cleoText). */
  cleo_description: (body: string) => cleoText(body).description,
  cleo_notes: (body: string) => cleoText(body).notes,
};
