/** The shape of a rule: catalog metadata (one id, one page) and the check itself, for every rule alike. */
import type { Finding, Severity } from '../findings.js';
import type { RuleContext } from './context.js';

export interface RuleMeta {
  /** Stable id: what configs, suppressions, SARIF and docs refer to. */
  id: string;
  /** `integrity`: the plan's graph is broken. `safety`: the plan is sound but risky. */
  category: 'integrity' | 'safety';
  severity: Severity;
  /** True when the severity cannot be changed or the rule switched off: waves and exports would be wrong. */
  fixed?: boolean;
  /** One line: what the rule wants. */
  summary: string;
  /** How to fix a finding (a hit may add a specific suggestion, such as the id that was probably meant). */
  hint: string;
  /** Why it matters, for the rule's page. */
  why: string;
  /** The public tools and their rules this one comes from, by their own names (e.g. squawk `ban-drop-column`). */
  sources: string[];
}

/**
 * One place a rule fires, with a message specific to it: a scheduled task (`task`, its number in the
 * analysis, and the `field` inside it), or any other place in the plan (`path`, and the task's id when
 * it is about one).
 */
export type RuleHit = { message: string; hint?: string; within?: Finding['within'] } & (
  | { task: number; field?: (string | number)[] }
  | { path: (string | number)[]; taskId?: string }
);

export interface Rule extends RuleMeta {
  check(ctx: RuleContext): RuleHit[];
}

export type SafetyRule = Rule & { category: 'safety' };
