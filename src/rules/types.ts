/** The shape of a rule: catalog metadata (one id, one doc) and, for safety rules, the check itself. */
import type { Severity } from '../findings.js';
import type { RuleContext } from './context.js';

export interface RuleMeta {
  /** Stable id: what configs, suppressions, SARIF and docs refer to. */
  id: string;
  /** `integrity`: the plan's graph is broken. `safety`: the plan is sound but risky. */
  category: 'integrity' | 'safety';
  severity: Severity;
  /** One line: what the rule wants. */
  summary: string;
  /** How to fix a finding. */
  hint: string;
  /** Why it matters, for the rule's doc page. */
  why: string;
  /** The tools and catalog entries the rule comes from (shared/field-notes.md), for the doc page. */
  sources: string[];
}

/** One place a rule fires: the task and field, and a message specific to it. */
export interface RuleHit {
  task: number;
  field?: (string | number)[];
  message: string;
}

export interface SafetyRule extends RuleMeta {
  category: 'safety';
  check(ctx: RuleContext): RuleHit[];
}
