/**
 * Plain text of a check result for the terminal: the waves table (one row per wave, as a
 * migration lead writes it in an epic), the headline numbers, and findings grouped by task.
 */
import type { CheckResult } from '../check/result.js';
import { formatLocation } from '../errors.js';
import { paintSeverity } from './style.js';

const WIDTH = 100;

export function formatHeadline(result: CheckResult): string {
  const c = result.counts;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const suppressed = result.suppressed.length ? `, ${result.suppressed.length} suppressed` : '';
  return `${result.file}: ${plural(c.tasks, 'task')} in ${plural(c.waves, 'wave')}, ${plural(c.checkpoints, 'checkpoint')}; ` +
    `${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}${suppressed}`;
}

export function formatWavesTable(result: CheckResult): string {
  const header = ['Wave', 'Phase', 'Tasks', 'Checkpoint', 'Risk', 'Rollback'];
  const rows = result.waves.map((w) => [
    String(w.wave),
    w.phaseNames.join(', '),
    w.tasks.join(', '),
    w.checkpoints.join(', ') || '-',
    w.risk,
    w.rollback,
  ]);
  return table(header, rows);
}

export function formatFacts(result: CheckResult): string {
  const lines: string[] = [];
  if (result.criticalPath.tasks.length > 0) {
    lines.push(`Critical path: ${result.criticalPath.tasks.join(' → ')} (${result.criticalPath.estimate})`);
  }
  if (result.widestWave) lines.push(`Widest wave: ${result.widestWave.wave} (${result.widestWave.size} tasks)`);
  const titles = new Map(result.tasks.map((t) => [t.id, t.title]));
  for (const id of result.pointsOfNoReturn) lines.push(`Point of no return: ${id} ${titles.get(id) ?? ''}`.trimEnd());
  return lines.join('\n');
}

/** Findings grouped by task (plan order), each with its location and hint. */
export function formatFindings(result: CheckResult, color = false): string {
  const groups = new Map<string, CheckResult['findings']>();
  for (const f of result.findings) {
    const key = f.taskId ?? '(plan)';
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const out: string[] = [];
  for (const [task, findings] of groups) {
    out.push(`${task}:`);
    for (const f of findings) {
      const where = formatLocation({ file: f.file, line: f.line, column: f.column, path: f.path });
      out.push(`  ${where}: ${paintSeverity(f.severity, f.severity, color)} [${f.rule}] ${f.message}`);
      if (f.hint) out.push(`    hint: ${f.hint}`);
    }
  }
  return out.join('\n');
}

/** Suppressed findings stay visible, with the reason a reviewer is asked to accept. */
export function formatSuppressed(result: CheckResult): string {
  return ['Suppressed:', ...result.suppressed.map((f) => `  ${f.taskId ?? '(plan)'} [${f.rule}] ${f.message}\n    reason: ${f.reason}`)].join('\n');
}

export function formatCheck(result: CheckResult, color = false): string {
  const parts = [formatHeadline(result)];
  if (result.waves.length > 0) parts.push(formatWavesTable(result), formatFacts(result));
  if (result.findings.length > 0) parts.push(formatFindings(result, color));
  if (result.suppressed.length > 0) parts.push(formatSuppressed(result));
  if (result.strict && result.counts.warnings > 0 && result.counts.errors === 0) parts.push('Failed: --strict treats warnings as errors.');
  return parts.filter(Boolean).join('\n\n');
}

/** Columns sized to content; the last column wraps onto continuation lines to stay within WIDTH. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const indent = widths.slice(0, -1).reduce((a, b) => a + b + 2, 0);
  const lastWidth = Math.min(widths[widths.length - 1]!, Math.max(20, WIDTH - indent));
  const line = (cells: string[]) => {
    const lead = cells.slice(0, -1).map((c, i) => c.padEnd(widths[i]!)).join('  ');
    const [first = '', ...more] = wrap(cells[cells.length - 1]!, lastWidth);
    return [`${lead}  ${first}`.trimEnd(), ...more.map((m) => `${' '.repeat(indent)}${m}`)].join('\n');
  };
  return [line(header), line(widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? lastWidth : w))), ...rows.map(line)].join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  lines.push(current);
  return lines;
}

/** `plan show`: one screen — the waves table, critical path, widest wave, points of no return, findings count. */
export function formatShow(result: CheckResult, color = false): string {
  const c = result.counts;
  const findings = c.errors + c.warnings === 0
    ? 'Findings: none (every rule passes)'
    : `Findings: ${paintSeverity('error', `${c.errors} error${c.errors === 1 ? '' : 's'}`, color && c.errors > 0)}, ` +
      `${paintSeverity('warning', `${c.warnings} warning${c.warnings === 1 ? '' : 's'}`, color && c.warnings > 0)} (plan check ${result.file} for details)`;
  return [formatHeadline(result), formatWavesTable(result), formatFacts(result), findings].join('\n\n');
}
