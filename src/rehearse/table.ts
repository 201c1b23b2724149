/** The rehearsal as text: one table (phase, task, statement, time, rows, result), then the verdict. */
import type { Row } from './run.js';

const HEADER = ['Phase', 'Task', 'Statement', 'Time', 'Rows', 'Result'];

/** `1234` → "1.2s", `56` → "56ms". */
export function duration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : `${ms}ms`;
}

/** Results are cut at this width in the table; the verdict and --json carry them whole. */
const RESULT_WIDTH = 70;

export function rehearsalTable(rows: Row[]): string {
  const cells = rows.map((r) => [r.phase, r.task, r.statement, duration(r.ms), r.rows === null ? '-' : String(r.rows),
    r.result.length > RESULT_WIDTH ? `${r.result.slice(0, RESULT_WIDTH - 1)}…` : r.result]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(HEADER), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
