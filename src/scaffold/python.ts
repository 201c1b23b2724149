/**
 * What the Django and Alembic writers share: Python literals, the statement runs they cut a step's
 * statements into, and the few lines of Python both write into a migration (the verify comparison, the
 * message for a missing placeholder). Each written migration is self-contained: no helper module to
 * import, so a migration still runs after its neighbours are squashed or deleted.
 */
import type { Verification } from '../model/schema.js';
import type { Placeholder, StepStatement } from './steps.js';

/** A Python string literal: JSON's escapes (`\"`, `\\`, `\n`, `\uXXXX`) are Python's too. */
export const pyString = (text: string): string => JSON.stringify(text);

/** A verify's expected value as a Python literal. */
export function pyValue(value: Verification['expect']): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return typeof value === 'number' ? String(value) : pyString(value);
}

/** A step's statements in runs: consecutive plain statements together, each batched loop alone. */
export type Run = { kind: 'sql'; statements: StepStatement[] } | { kind: 'loop'; statement: StepStatement & { loop: NonNullable<StepStatement['loop']> } };

export function runsOf(list: StepStatement[]): Run[] {
  const runs: Run[] = [];
  for (const s of list) {
    const last = runs.at(-1);
    if (s.loop) runs.push({ kind: 'loop', statement: { ...s, loop: s.loop } });
    else if (last?.kind === 'sql') last.statements.push(s);
    else runs.push({ kind: 'sql', statements: [s] });
  }
  return runs;
}

/**
 * The comparison `plan rehearse` makes (src/rehearse/run.ts `matches`), in Python: a number equals a
 * number or its text, a boolean also 1/0 and PostgreSQL's t/f, anything else by its text.
 */
export const MATCHES_PY = `def _matches(expect, got):
    """Whether a verify query's value is what the plan expects (as plan rehearse compares)."""
    if expect is None:
        return got is None
    if isinstance(expect, bool):
        return got in ((True, 1, '1', 't', 'true') if expect else (False, 0, '0', 'f', 'false'))
    if isinstance(expect, (int, float)):
        try:
            return got is not None and got != '' and float(got) == expect
        except (TypeError, ValueError):
            return False
    return str(got) == expect`;

/** `{'owner_tenant': 'The id of …'}`: what each placeholder a file uses is, for the error when it is not given. */
export function placeholderTable(names: string[], placeholders: Placeholder[]): string {
  const described = names.map((n) => `    ${pyString(n)}: ${pyString(placeholders.find((p) => p.name === n)?.description ?? '')},`);
  return `_PLACEHOLDERS = {\n${described.join('\n')}\n}`;
}

/** The placeholders a list of texts uses, in order, without the loop's own `from` and `to`. */
export function declaredNames(lists: string[][]): string[] {
  return [...new Set(lists.flat())].filter((n) => n !== 'from' && n !== 'to');
}
