import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { parseDocument, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PlanInputError } from '../../src/errors.js';
import { planJsonSchema } from '../../src/model/json-schema.js';
import { hasAnchorOrAlias, parsePlan } from '../../src/model/load.js';
import { findTemplate } from '../../src/templates/registry.js';
import { expandTemplate } from '../../src/templates/expand.js';
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

describe('the fast parsers agree with the yaml package', () => {
  const agree = (text: string) => {
    const careful = parseDocument(text, { strict: true, uniqueKeys: true }).toJS();
    expect(jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA })).toEqual(careful);
  };

  it('on every fixture plan and on the template output for each engine', () => {
    const dir = `${ROOT}/test/fixtures/plans`;
    for (const name of readdirSync(dir).filter((f) => !f.startsWith('yaml-syntax'))) agree(readFileSync(`${dir}/${name}`, 'utf8'));
    for (const db of ['postgres', 'mysql', 'sqlite', 'mongodb']) {
      agree(expandTemplate(findTemplate('multi-tenant'), { given: { db, tables: 'a,b,c,d,e' } }).text);
    }
  });

  it('on random documents written by the yaml package, hostile strings included', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.integer(), fc.boolean(), fc.constant(null),
        fc.constantFrom('yes', 'no', 'on', '0x1F', '1e3', '~', 'null', '2026-01-01', '- x', ': y', '#z', '*a', '&b', '"q', "'s")),
      node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string({ minLength: 1 }), tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(fc.property(value, (v) => agree(stringify(v))), { seed: 5, numRuns: 500 });
  });

  it('JSON plans parse on the fast path and are still located', () => {
    const json = JSON.stringify({ version: 1, epic: { id: 'E', title: 'e' }, phases: [{ id: 'p', name: 'P', rollback: 'r', risk: 'low' }],
      tasks: [{ id: 'T1', title: 't', phase: 'p', depends: ['T9'] }] }, null, 2);
    const { plan, locate } = parsePlan(json, 'p.json');
    expect(plan.tasks[0]!.depends).toEqual(['T9']);
    expect(locate(['tasks', 0, 'depends', 0])).toEqual({ file: 'p.json', line: 21, column: 9 });
  });
});

describe('which parser reads a plan', () => {
  it('the careful one (alias expansion capped) for an anchor or alias wherever a node starts; the fast one for && in a command', () => {
    for (const text of ['a: &x 1', 'a: *x', '- &x 1', '- - *x', '? &k a', '{a: &x 1, b: *x}', '[*a]', 'a: !!str &x v', '  &x\n', '"a":&x 1', 'a:\n  *x', '--- &x\na: 1']) {
      expect(hasAnchorOrAlias(text), text).toBe(true);
    }
    for (const text of ['run: psql -f a.sql && psql -f b.sql', 'note: a && b', 'query: SELECT * FROM t', 'query: SELECT count(*) FROM t', 'a: x *y']) {
      expect(hasAnchorOrAlias(text), text).toBe(false);
    }
    // Every plan naming a framework says how to apply its files with `&&`: it must not cost the careful parse.
    const text = expandTemplate(findTemplate('multi-tenant'), { given: { framework: 'sql' } }).text;
    expect(text).toContain(' && ');
    expect(hasAnchorOrAlias(text)).toBe(false);
  });
});
