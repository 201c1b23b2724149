/**
 * Helpers that only compute with values (lists, strings, comparisons). Plan templates and tracker
 * dialects each build their own helper set on top of these; neither sees the other's.
 */
import type { HelperDelegate } from 'handlebars';

/** Handlebars passes its options object last; helpers that take any number of arguments drop it. */
export const args = (a: unknown[]): unknown[] => a.slice(0, -1);

export const logicHelpers: Record<string, HelperDelegate> = {
  list: (...a: unknown[]) => args(a),
  concat: (...a: unknown[]) => args(a).join(''),
  join: (items: unknown[], separator: unknown) => items.join(typeof separator === 'string' ? separator : ', '),
  eq: (a: unknown, b: unknown) => a === b,
  ne: (a: unknown, b: unknown) => a !== b,
  gt: (a: number, b: number) => a > b,
  not: (a: unknown) => !a,
  and: (...a: unknown[]) => args(a).every(Boolean),
  /** The first truthy argument (or false): a condition, and a default value, `(or part "in-place")`. */
  or: (...a: unknown[]) => args(a).find(Boolean) ?? false,
  len: (items: unknown[]) => items.length,
  /** `(when cond value)`: value if cond, else the empty string. */
  when: (cond: unknown, value: unknown) => (cond ? value : ''),
};
