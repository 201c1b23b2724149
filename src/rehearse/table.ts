/** The rehearsal as text: one table (phase, task, statement, time, rows, result), then the verdict; with --probe, the probes' table. */
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

export function rehearsalTable(rows: Row[]): string {
  return table(HEADER, rows.map((r) => [r.phase, r.task, r.statement, duration(r.ms), r.rows === null ? '-' : String(r.rows), cut(r.result)]));
}

const PROBE_HEADER = ['Task', 'Statement', 'Table', 'Strongest lock', 'Held', 'Lock wait', 'Writer blocked', 'Lock timeout', 'Result'];

/**
 * One line per probed step, then its fail-fast and cancel findings indented under it. Held and Lock wait
 * are what the lock monitor saw (in steps of its 20 ms look); the lock timeout column shows the plan's,
 * and the one the probe ran with when it was scaled down.
 */
export function probeTable(probes: ProbeReport[]): string {
  const timeout = (p: ProbeReport) => p.lockTimeoutMs === null ? 'none'
    : p.probeLockTimeoutMs === null || p.probeLockTimeoutMs === p.lockTimeoutMs ? duration(p.lockTimeoutMs) : `${duration(p.lockTimeoutMs)} (probe ${duration(p.probeLockTimeoutMs)})`;
  const lines = table(PROBE_HEADER, probes.map((p) => [p.task, p.statement, p.table, p.lock ?? '-', duration(p.lockHeldMs), duration(p.lockWaitMs),
    duration(p.writerBlockedMs), timeout(p), cut(p.result)])).split('\n');
  const out = lines.slice(0, 2);
  probes.forEach((p, i) => {
    out.push(lines[i + 2]!);
    for (const extra of [p.failFast && `lock timeout: ${p.failFast}`, p.cancelled]) if (extra) out.push(`    ${extra}`);
  });
  return out.join('\n');
}

function table(header: string[], cells: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
