/**
 * The project's rule configuration (`plan.config.yaml`): a rule's severity changed, or the rule off.
 *
 *     rules:
 *       ddl-lock-timeout: off
 *       single-terminal: error
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { didYouMean, PlanInputError, type ErrorDetail } from '../errors.js';
import { readTextFile } from '../io/files.js';
import { parseYaml, schemaError } from '../model/load.js';
import { RULES_BY_ID } from './catalog.js';

export const CONFIG_FILE = 'plan.config.yaml';

export const RuleConfigSchema = z.strictObject({
  rules: z.record(z.string(), z.enum(['error', 'warning', 'info', 'off'])).default({}),
});
export type RuleConfig = z.infer<typeof RuleConfigSchema>;

/** `explicit` (from --config) must exist; otherwise `plan.config.yaml` in `cwd` is used when present. */
export function loadRuleConfig(explicit: string | undefined, cwd = process.cwd()): RuleConfig {
  const file = explicit ?? resolve(cwd, CONFIG_FILE);
  if (!explicit && !existsSync(file)) return { rules: {} };
  const { data, locate } = parseYaml(readTextFile(file), file);
  const result = RuleConfigSchema.safeParse(data ?? {});
  if (!result.success) throw schemaError(result.error, locate);
  const details: ErrorDetail[] = [];
  for (const id of Object.keys(result.data.rules)) {
    const location = { ...locate(['rules', id], { atKey: true }), path: `rules.${id}` };
    if (!RULES_BY_ID.has(id)) {
      const guess = didYouMean(id, RULES_BY_ID.keys());
      details.push({ message: `unknown rule "${id}"`, location, hint: guess ? `did you mean "${guess}"?` : 'plan rules lists them' });
    } else if (RULES_BY_ID.get(id)!.fixed) {
      details.push({ message: `rule "${id}" cannot be changed: the plan's graph would be wrong`, location });
    }
  }
  if (details.length > 0) throw new PlanInputError(details);
  return result.data;
}
