/**
 * A finding is one problem in a plan, from the integrity checks or (later) the safety rules. One shape
 * for all of them, so every report (text, JSON, CI annotations) has a single source.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** Stable rule id, e.g. `unknown-dependency`. */
  rule: string;
  severity: Severity;
  /** The task the finding is about, when it is about one. */
  taskId?: string;
  /** Field path inside the plan, e.g. `['tasks', 3, 'depends', 0]`. */
  path: (string | number)[];
  message: string;
  hint?: string;
  /** A position inside the text of the field `path` names (where a statement's parser stopped), 1-based. */
  within?: { line: number; column: number };
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
