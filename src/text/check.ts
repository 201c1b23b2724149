/**
 * Plain text of a check result for the terminal: the waves table (one row per wave, as a
 * migration lead writes it in an epic), the headline numbers, and findings grouped by task.
 */
import type { CheckResult } from '../check/result.js';
import { formatLocation } from '../errors.js';
import { DEFAULT_WIDTH, fitLines, layoutTable } from './layout.js';
import { paintSeverity } from './style.js';

export function formatHeadline(result: CheckResult): string {
  const c = result.counts;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const suppressed = result.suppressed.length ? `, ${result.suppressed.length} suppressed` : '';
  return `${result.file}: ${plural(c.tasks, 'task')} in ${plural(c.waves, 'wave')}, ${plural(c.checkpoints, 'checkpoint')}; ` +
    `${plural(c.errors, 'error')}, ${plural(c.warnings, 'warning')}${suppressed}`;
}

export function formatWavesTable(result: CheckResult, width = DEFAULT_WIDTH): string {
  const header = ['Wave', 'Phase', 'Tasks', 'Checkpoint', 'Risk', 'Rollback'];
  const rows = result.waves.map((w) => [
    String(w.wave),
    w.phaseNames.join(', '),
    w.tasks.join(', '),
    w.checkpoints.join(', ') || '-',
    w.risk,
    w.rollback,
  ]);
  return layoutTable(rows, { header, width });
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

/**
 * The waves table and the facts fit the width. The headline and each located finding stay one line, as
 * compilers print them, so editors, CI and grep read `file:line:column: message` whole.
 */
export function formatCheck(result: CheckResult, color = false, width = DEFAULT_WIDTH): string {
  const fit = (text: string) => fitLines(text, width);
  const parts = [formatHeadline(result)];
  if (result.waves.length > 0) parts.push(formatWavesTable(result, width), fit(formatFacts(result)));
  if (result.findings.length > 0) parts.push(formatFindings(result, color));
  if (result.suppressed.length > 0) parts.push(fit(formatSuppressed(result)));
  if (result.strict && result.counts.warnings > 0 && result.counts.errors === 0) parts.push('Failed: --strict treats warnings as errors.');
  return parts.filter(Boolean).join('\n\n');
}

/** `plan show`: one screen — the waves table, critical path, widest wave, points of no return, findings count. */
export function formatShow(result: CheckResult, color = false, width = DEFAULT_WIDTH): string {
  const c = result.counts;
  const findings = c.errors + c.warnings === 0
    ? 'Findings: none (every rule passes)'
    : `Findings: ${paintSeverity('error', `${c.errors} error${c.errors === 1 ? '' : 's'}`, color && c.errors > 0)}, ` +
      `${paintSeverity('warning', `${c.warnings} warning${c.warnings === 1 ? '' : 's'}`, color && c.warnings > 0)}; for details:`;
  // The command stays whole on its own line, however long the path, so it can be copied and run.
  const details = c.errors + c.warnings === 0 ? '' : `\n  plan check ${result.file}`;
  return [formatHeadline(result), formatWavesTable(result, width), fitLines(formatFacts(result), width), fitLines(findings, width) + details]
    .join('\n\n');
}
