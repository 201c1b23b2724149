/**
 * Field-by-field differences between two values of a plan (a task, a phase, the epic, the plan's own
 * fields). Objects are compared key by key, lists item by item, anything else as a whole value; so an
 * edited acceptance criterion reads as one item removed and one added, not as the whole list replaced.
 */
import { LoopSchema, EpicSchema, PhaseSchema, PlanSchema, ProvenanceSchema, TaskSchema, TaskSqlSchema, TaskStateSchema,
  VerificationSchema } from '../model/schema.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * One field that differs. `field` is its path below the thing compared (`title`, `sql.up`,
 * `generated_by.parameters.tables`; an item of a list of named things is `field[name]`).
 * - `value`: the value as a whole; `null` stands for a field that is absent on that side.
 * - `list`: the items only one side has (each as many times as it is unmatched), and, for lists whose
 *   order is meaningful (statements), whether the items both sides share stand in another order.
 */
export type FieldChange =
  | { field: string; kind: 'value'; before: JsonValue; after: JsonValue }
  | { field: string; kind: 'list'; added: JsonValue[]; removed: JsonValue[]; reordered: boolean };

/** Lists where order is meaning: statements run one after another. Paths are relative to the task. */
const ORDERED_LISTS = new Set(['sql.up', 'sql.down']);

/** Keys in the order the plan model declares them (a reader meets `title` before `sql`); other keys follow, sorted. */
const KEY_ORDER = new Map(
  [PlanSchema, TaskSchema, EpicSchema, PhaseSchema, TaskSqlSchema, VerificationSchema, LoopSchema, TaskStateSchema, ProvenanceSchema]
    .flatMap((s) => Object.keys(s.shape))
    .filter((k, i, all) => all.indexOf(k) === i)
    .map((k, i) => [k, i]),
);

/** The fields of `after` that differ from `before`'s, in a fixed order; `skip` names top-level keys compared elsewhere. */
export function diffFields(before: object, after: object, skip: ReadonlySet<string> = new Set()): FieldChange[] {
  const out: FieldChange[] = [];
  for (const key of orderedKeys(before as Record<string, unknown>, after as Record<string, unknown>)) {
    if (!skip.has(key)) diffValue(key, (before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key], out);
  }
  return out;
}

/** JSON with keys sorted: two values are the same exactly when these strings are. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v) ?? 'null';
}

function diffValue(field: string, before: unknown, after: unknown, out: FieldChange[]): void {
  // Parsed plans list keys in the schema's order, so plain JSON settles most comparisons without sorting keys.
  if (JSON.stringify(before) === JSON.stringify(after) || canonical(before) === canonical(after)) return;
  if (Array.isArray(before) && Array.isArray(after)) {
    diffList(field, before, after, out);
  } else if (isObject(before) && isObject(after)) {
    for (const key of orderedKeys(before, after)) diffValue(`${field}.${key}`, before[key], after[key], out);
  } else {
    out.push({ field, kind: 'value', before: json(before), after: json(after) });
  }
}

function diffList(field: string, before: unknown[], after: unknown[], out: FieldChange[]): void {
  const keyOf = listKey(before) && listKey(after) && listKey(before) === listKey(after) ? listKey(before) : undefined;
  if (keyOf) {
    // Named items (tables, columns, placeholders): matched by name, then compared field by field.
    const name = (item: unknown) => String((item as Record<string, unknown>)[keyOf]);
    const beforeByName = new Map(before.map((item) => [name(item), item]));
    const afterNames = new Set(after.map(name));
    const added = after.filter((item) => !beforeByName.has(name(item)));
    const removed = before.filter((item) => !afterNames.has(name(item)));
    if (added.length || removed.length) out.push({ field, kind: 'list', added: added.map(json), removed: removed.map(json), reordered: false });
    for (const item of after) {
      const old = beforeByName.get(name(item));
      if (old !== undefined) diffValue(`${field}[${name(item)}]`, old, item, out);
    }
    return;
  }
  // Plain items: a multiset difference, each item matched at most once.
  const unmatched = new Map<string, number>();
  for (const item of before) unmatched.set(canonical(item), (unmatched.get(canonical(item)) ?? 0) + 1);
  const added: unknown[] = [];
  const sharedAfter: string[] = [];
  for (const item of after) {
    const c = canonical(item);
    const left = unmatched.get(c) ?? 0;
    if (left > 0) {
      unmatched.set(c, left - 1);
      sharedAfter.push(c);
    } else added.push(item);
  }
  const removed: unknown[] = [];
  const sharedBefore: string[] = [];
  for (const item of before) {
    const c = canonical(item);
    const left = unmatched.get(c) ?? 0;
    if (left > 0) {
      unmatched.set(c, left - 1);
      removed.push(item);
    } else sharedBefore.push(c);
  }
  const reordered = ORDERED_LISTS.has(field) && sharedBefore.join('\n') !== sharedAfter.join('\n');
  if (added.length || removed.length || reordered) out.push({ field, kind: 'list', added: added.map(json), removed: removed.map(json), reordered });
}

/** `id` or `name`, when every item of the list is an object with that key as a string, unique in the list. */
function listKey(items: unknown[]): 'id' | 'name' | undefined {
  if (items.length === 0 || !items.every(isObject)) return undefined;
  for (const key of ['id', 'name'] as const) {
    const names = items.map((item) => item[key]);
    if (names.every((n) => typeof n === 'string') && new Set(names).size === names.length) return key;
  }
  return undefined;
}

function orderedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const rank = (k: string) => KEY_ORDER.get(k) ?? Infinity;
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A parsed plan's value as JSON; an absent field is `null`. */
function json(v: unknown): JsonValue {
  return v === undefined ? null : (v as JsonValue);
}
