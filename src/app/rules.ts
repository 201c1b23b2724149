/** `plan rules`: the rule catalog, or one rule's page. */
import { didYouMean, PlanInputError } from '../errors.js';
import { readTextFile } from '../io/files.js';
import { RULES, RULES_BY_ID, rulePage } from '../rules/catalog.js';
import type { Rule } from '../rules/types.js';
import { fitLines, layoutTable, terminalWidth } from '../text/layout.js';

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

export function listRules(width = terminalWidth()): { rules: RuleInfo[]; text: string } {
  const table = layoutTable(RULES.map((r) => [r.id, r.severity, r.category, r.summary]), { width });
  return { rules: RULES.map(info), text: fitLines([table, '', 'plan rules ID prints a rule\'s page: why, a failing and a passing example, how to fix.'].join('\n'), width) };
}

export function showRule(id: string): { rule: RuleInfo; text: string } {
  const rule = RULES_BY_ID.get(id);
  if (!rule) {
    const guess = didYouMean(id, RULES_BY_ID.keys());
    throw PlanInputError.single(`unknown rule "${id}"`, { hint: guess ? `did you mean "${guess}"?` : 'plan rules lists them' });
  }
  return { rule: info(rule), text: readTextFile(rulePage(id)) };
}
