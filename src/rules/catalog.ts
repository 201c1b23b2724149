/** Every rule `plan check` knows, integrity and safety, in the order the docs list them. */
import { integrityRules } from './integrity.js';
import { orderingRules } from './safety/ordering.js';
import { sqlRules } from './safety/sql.js';
import type { RuleMeta, SafetyRule } from './types.js';

export const SAFETY_RULES: SafetyRule[] = [...orderingRules, ...sqlRules];
export const RULES: RuleMeta[] = [...integrityRules, ...SAFETY_RULES];
export const RULES_BY_ID = new Map(RULES.map((r) => [r.id, r]));
