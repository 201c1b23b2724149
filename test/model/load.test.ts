import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PlanInputError } from '../../src/errors.js';
import { planJsonSchema } from '../../src/model/json-schema.js';
import { parsePlan } from '../../src/model/load.js';
import { ROOT } from '../helpers.js';

function errorOf(text: string): PlanInputError {
  try {
    parsePlan(text, 'p.yaml');
  } catch (err) {
    if (err instanceof PlanInputError) return err;
    throw err;
  }
  throw new Error('expected a PlanInputError');
}

const minimal = `version: 1
epic: {id: E, title: e}
phases: [{id: p, name: P, rollback: r, risk: low}]
tasks:
  - id: T1
    title: one
    phase: p
`;

describe('parsePlan', () => {
  it('fills defaults from the schema', () => {
    const { plan } = parsePlan(minimal, 'p.yaml');
    expect(plan.tasks[0]).toMatchObject({ kind: 'work', size: 'medium', depends: [], point_of_no_return: false });
  });

  it.each([
    ['a tab indent', minimal.replace('    title: one', '\ttitle: one'), /p\.yaml:6:1: YAML syntax error: Tabs are not allowed/],
    ['a duplicate key', `${minimal}    title: two\n`, /p\.yaml:\d+:5: YAML syntax error: Map keys must be unique/],
    ['a wrong enum', minimal.replace('phase: p', 'phase: p\n    size: huge'), /p\.yaml:8:11: tasks\[0\]\.size: Invalid option: expected one of "small"\|"medium"\|"large"/],
    ['a missing field', minimal.replace('    title: one\n', ''), /p\.yaml:5:5: tasks\[0\]\.title: is required \(expected string\)/],
    ['a bad estimate', minimal.replace('phase: p', 'phase: p\n    estimate: soon'), /tasks\[0\]\.estimate: an estimate is a number and a unit/],
    ['an empty file', '', /p\.yaml: the file is empty/],
    ['an alias bomb', `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`, /YAML rejected/],
  ])('locates %s', (_, text, message) => {
    expect(errorOf(text).message).toMatch(message);
  });
});

describe('JSON Schema', () => {
  it('schema/plan.schema.json is what the zod schema generates (run `npm run schema` when this fails)', () => {
    const committed = JSON.parse(readFileSync(`${ROOT}/schema/plan.schema.json`, 'utf8'));
    expect(committed).toEqual(planJsonSchema());
    expect(committed.properties.tasks.items.required).toEqual(['id', 'title', 'phase']);
    expect(committed.properties.tasks.items.additionalProperties).toBe(false);
  });
});
