/**
 * The rehearsal as tables: one row per statement (phase, task, statement, time, rows, result); with --probe,
 * the probes'. The caller lays them out (to the terminal's width: src/text/layout.ts, which this layer cannot import).
 */
import type { ProbeReport } from './probe.js';
import type { Row } from './run.js';

const HEADER = ['Phase', 'Task', 'Statement', 'Time', 'Rows', 'Result'];

/** `1234` → "1.2s", `56` → "56ms". */
export function duration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : `${ms}ms`;
}

/** Results are cut at this width in the table; the verdict and --json carry them whole. */
const RESULT_WIDTH = 70;

const cut = (text: string) => (text.length > RESULT_WIDTH ? `${text.slice(0, RESULT_WIDTH - 1)}…` : text);

/** Lays out a table: header, then rows of cells or lines of their own under the row above. */
export type TableLayout = (header: readonly string[], rows: readonly (readonly string[] | string)[]) => string;

export function rehearsalTable(rows: Row[], table: TableLayout): string {
  return table(HEADER, rows.map((r) => [r.phase, r.task, r.statement, duration(r.ms), r.rows === null ? '-' : String(r.rows), cut(r.result)]));
}

const PROBE_HEADER = ['Task', 'Statement', 'Table', 'Strongest lock', 'Held', 'Lock wait', 'Writer blocked', 'Lock timeout', 'Result'];

/**
 * One line per probed step, then its fail-fast and cancel findings indented under it. Held and Lock wait
 * are what the lock monitor saw (in steps of its 20 ms look); the lock timeout column shows the plan's,
 * and the one the probe ran with when it was scaled down.
 */
export function probeTable(probes: ProbeReport[], table: TableLayout): string {
  const timeout = (p: ProbeReport) => p.lockTimeoutMs === null ? 'none'
    : p.probeLockTimeoutMs === null || p.probeLockTimeoutMs === p.lockTimeoutMs ? duration(p.lockTimeoutMs) : `${duration(p.lockTimeoutMs)} (probe ${duration(p.probeLockTimeoutMs)})`;
  return table(PROBE_HEADER, probes.flatMap((p) => [
    [p.task, p.statement, p.table, p.lock ?? '-', duration(p.lockHeldMs), duration(p.lockWaitMs), duration(p.writerBlockedMs), timeout(p), cut(p.result)],
    ...[p.failFast && `lock timeout: ${p.failFast}`, p.cancelled].filter((extra): extra is string => Boolean(extra)).map((extra) => `    ${extra}`),
  ]));
}
