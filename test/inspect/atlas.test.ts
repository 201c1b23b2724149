import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { referencedBy } from '../../src/inspect/query.js';
import { detectKind } from '../../src/inspect/read.js';
import { fixture } from '../helpers.js';
import { column, lineOf, readError, readText, table } from './expect.js';

const text = readFileSync(fixture('schema', 'atlas-inspect.json'), 'utf8');

describe('Atlas schema inspect JSON reader', () => {
  it('needs --db: Atlas JSON names no engine', async () => {
    expect(detectKind(text, 'schema.json', undefined)).toBe('atlas');
    const err = await readError(text, 'schema.json');
    expect(err.details[0]).toMatchObject({ location: { line: 1 }, message: expect.stringContaining('engine') });
    expect(err.details[0]!.hint).toContain('--db');
  });

  it('reads tables, raw types, nullability, comments, keys, indexes (expressions in parentheses), foreign keys, at their lines', async () => {
    const schema = await readText(text, 'schema.json', 'postgres');
    expect(schema).toMatchObject({ engine: 'postgres', source: { kind: 'atlas' } });
    expect(schema.version).toBeUndefined();
    expect(column(schema, 'accounts', 'name')).toMatchObject({ type: 'character varying(120)', nullable: false, comment: 'Display name' });
    expect(column(schema, 'projects', 'parent_id').nullable).toBe(true);
    expect(table(schema, 'accounts').primary_key).toEqual(['id']);
    expect(table(schema, 'accounts').indexes.filter((i) => !i.constraint).map((i) => [i.name, i.unique, i.columns])).toEqual([
      ['accounts_slug_key', true, ['slug']], ['accounts_lower_name', false, ['(lower((name)::text))']],
    ]);
    expect(referencedBy(schema, 'projects').map((r) => r.key.name)).toEqual(['projects_parent_id_fkey']);
    expect(table(schema, 'projects').foreign_keys[0]).toMatchObject({ references: 'accounts', ref_columns: ['id'] });
    expect(table(schema, 'events').namespace).toBe('audit');
    expect(table(schema, 'accounts').namespace).toBeUndefined();
    expect(lineOf(text, column(schema, 'projects', 'budget').line)).toContain('"name": "budget"');
    expect(lineOf(text, table(schema, 'projects').foreign_keys[0]!.line)).toContain('projects_account_id_fkey');
  });

  it('a column without a type is a located exit-2 error at it', async () => {
    const bad = text.replace('{ "name": "slug", "type": "text" }', '{ "name": "slug" }');
    const err = await readError(bad, 'schema.json', 'postgres');
    expect(err.details[0]!.location).toMatchObject({ line: 11, path: expect.stringContaining('columns[2].type') });
  });
});
