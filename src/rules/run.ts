/**
 * Running the catalog over a plan: every rule, integrity and safety alike, with the project's
 * severities applied and inline suppressions honoured (and shown, with their reasons).
 */
import type { Finding } from '../findings.js';
import type { Analysis } from '../analysis/analyze.js';
import type { Plan } from '../model/schema.js';
import { RULES, RULES_BY_ID } from './catalog.js';
import type { RuleConfig } from './config.js';
import { RuleContext } from './context.js';

export interface SuppressedFinding extends Finding {
  reason: string;
}

export interface RuleResults {
  findings: Finding[];
  suppressed: SuppressedFinding[];
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

export function runRules(plan: Plan, analysis: Analysis, config: RuleConfig = { rules: {} }): RuleResults {
  const ctx = new RuleContext(plan, analysis, new Set(RULES_BY_ID.keys()));
  const reasons = new Map(analysis.tasks.map((t) => [t.id, new Map(t.suppress.map((s) => [s.rule, s.reason]))]));
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const rule of RULES) {
    const setting = rule.fixed ? undefined : config.rules[rule.id];
    if (setting === 'off') continue;
    for (const hit of rule.check(ctx)) {
      const at = 'task' in hit
        ? { taskId: analysis.taskIds[hit.task], path: ['tasks', analysis.planIndex[hit.task]!, ...(hit.field ?? [])] }
        : { taskId: hit.taskId, path: hit.path };
      const finding: Finding = { rule: rule.id, severity: setting ?? rule.severity, ...at, message: hit.message, hint: hit.hint ?? rule.hint, ...(hit.within && { within: hit.within }) };
      // A task may accept a finding about itself, with a reason; a broken graph cannot be accepted.
      const reason = !rule.fixed && at.taskId !== undefined ? reasons.get(at.taskId)?.get(rule.id) : undefined;
      if (reason !== undefined) suppressed.push({ ...finding, reason });
      else findings.push(finding);
    }
  }
  // Errors first; the sort is stable, so catalog order, then plan order, holds within a severity.
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return { findings, suppressed };
}
