/**
 * Running the catalog over a plan: the graph's integrity findings and every safety rule's, with the
 * project's severities applied and inline suppressions honoured (and shown, with their reasons).
 */
import { didYouMean } from '../errors.js';
import type { Finding } from '../findings.js';
import type { Analysis } from '../analysis/analyze.js';
import type { Plan } from '../model/schema.js';
import { RULES_BY_ID, SAFETY_RULES } from './catalog.js';
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
  const ctx = new RuleContext(plan, analysis);
  const raw: Finding[] = [...analysis.findings, ...suppressionFindings(analysis)];
  for (const rule of SAFETY_RULES) {
    if (config.rules[rule.id] === 'off') continue;
    for (const hit of rule.check(ctx)) {
      raw.push({
        rule: rule.id,
        severity: rule.severity,
        taskId: analysis.taskIds[hit.task],
        path: ['tasks', analysis.planIndex[hit.task]!, ...(hit.field ?? [])],
        message: hit.message,
        hint: rule.hint,
      });
    }
  }

  const reasons = new Map(analysis.tasks.map((t) => [t.id, new Map(t.suppress.map((s) => [s.rule, s.reason]))]));
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of raw) {
    const setting = config.rules[finding.rule];
    if (setting === 'off') continue;
    const f = setting ? { ...finding, severity: setting } : finding;
    const reason = f.taskId !== undefined ? reasons.get(f.taskId)?.get(f.rule) : undefined;
    if (reason !== undefined) suppressed.push({ ...f, reason });
    else findings.push(f);
  }
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return { findings, suppressed };
}

/** A suppression that names no rule suppresses nothing: say so. */
function suppressionFindings(analysis: Analysis): Finding[] {
  const out: Finding[] = [];
  analysis.tasks.forEach((task, v) => {
    task.suppress.forEach((s, k) => {
      if (RULES_BY_ID.has(s.rule)) return;
      const guess = didYouMean(s.rule, RULES_BY_ID.keys());
      out.push({ rule: 'unknown-rule', severity: 'error', taskId: task.id, path: ['tasks', analysis.planIndex[v]!, 'suppress', k, 'rule'],
        message: `suppression names unknown rule "${s.rule}"`, hint: guess ? `did you mean "${guess}"?` : 'rule ids are listed in docs/rules/' });
    });
  });
  return out;
}
