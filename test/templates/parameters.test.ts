import { describe, expect, it } from 'vitest';
import { PlanInputError } from '../../src/errors.js';
import { expandTemplate } from '../../src/templates/expand.js';
import { resolveParameters } from '../../src/templates/parameters.js';
import { listTemplates } from '../../src/templates/registry.js';

const manifest = { name: 't', parameters: [{ name: 'column_type', type: 'sql-type' as const, default: 'text', help: 'Its SQL type.' }] };
const typeOf = (raw: string) => resolveParameters(manifest, { column_type: raw }).column_type;

describe('sql-type parameters', () => {
  it.each([
    ['varchar(64)', 'varchar(64)'],
    ['numeric(12, 2)', 'numeric(12, 2)'],
    ['timestamp   with time zone', 'timestamp with time zone'],
    ['timestamp(3) with time zone', 'timestamp(3) with time zone'],
    ['int unsigned', 'int unsigned'],
    ['text[]', 'text[]'],
  ])('takes a full SQL type: %s', (raw, expected) => {
    expect(typeOf(raw)).toBe(expected);
  });

  it.each(["text; DROP TABLE users", "varchar(64) DEFAULT 'x'", 'numeric(12,2,3)', '(64)', "text'", 'varchar(64)) x (', 'a'.repeat(65)])(
    'refuses what is not a type, before anything renders: %s', (raw) => {
      expect(() => typeOf(raw)).toThrow(PlanInputError);
      expect(() => typeOf(raw)).toThrow(/is not a column type/);
    });
});

describe('parameters an engine cannot take together', () => {
  it.each(['add-not-null-column', 'database-migration'])('%s refuses an SQL expression fill on MongoDB (mongosh cannot run it), before writing anything', (name) => {
    const template = listTemplates().find((t) => t.name === name)!;
    const expand = (db: string, fill: string) => expandTemplate(template, { given: { db, fill_value: fill, column_type: 'integer' } });
    expect(() => expand('mongodb', 'id * 10')).toThrow(PlanInputError);
    expect(() => expand('mongodb', 'id * 10')).toThrow(/parameter fill_value: "id \* 10" is an SQL expression, which mongosh cannot run/);
    expect(() => expand('mongodb', '0')).not.toThrow();
    expect(() => expand('postgres', 'id * 10')).not.toThrow();
  });
});
