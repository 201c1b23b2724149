/** `plan rules`: the rule catalog, or one rule's page. */
import { didYouMean, PlanInputError } from '../errors.js';
import { readTextFile } from '../io/files.js';
import { RULES, RULES_BY_ID, rulePage } from '../rules/catalog.js';
import type { Rule } from '../rules/types.js';

export interface RuleInfo {
  id: string;
  category: Rule['category'];
  severity: Rule['severity'];
  /** False for integrity rules whose severity cannot be changed. */
  configurable: boolean;
  summary: string;
  hint: string;
  why: string;
  sources: string[];
  /** The rule's page in this installation. */
  page: string;
}

const info = (rule: Rule): RuleInfo => ({
  id: rule.id, category: rule.category, severity: rule.severity, configurable: !rule.fixed, summary: rule.summary,
  hint: rule.hint, why: rule.why, sources: rule.sources, page: rulePage(rule.id),
});

export function listRules(): { rules: RuleInfo[]; text: string } {
  const width = Math.max(...RULES.map((r) => r.id.length));
  const lines = RULES.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.category.padEnd(9)}  ${r.summary}`);
  return { rules: RULES.map(info), text: [...lines, '', 'plan rules ID prints a rule\'s page: why, a failing and a passing example, how to fix.'].join('\n') };
}

export function showRule(id: string): { rule: RuleInfo; text: string } {
  const rule = RULES_BY_ID.get(id);
  if (!rule) {
    const guess = didYouMean(id, RULES_BY_ID.keys());
    throw PlanInputError.single(`unknown rule "${id}"`, { hint: guess ? `did you mean "${guess}"?` : 'plan rules lists them' });
  }
  return { rule: info(rule), text: readTextFile(rulePage(id)) };
}
