/**
 * What the schema-reader tests share: reading a text as a `--schema` file, the located error a bad one
 * gives, and the line of the source text a model object points at.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { PlanInputError } from '../../src/errors.js';
import { readSchemaFile, type Engine } from '../../src/inspect/read.js';
import type { DatabaseSchema } from '../../src/model/database.js';
import { DatabaseSchemaSchema } from '../../src/model/database.js';
import { tempDir } from '../helpers.js';

/** Writes `text` to a file named `name` and reads it as `--schema` (validated against the model, as `plan inspect` would). */
export async function readText(text: string, name: string, engine?: Engine): Promise<DatabaseSchema> {
  const file = join(tempDir(), name);
  writeFileSync(file, text);
  const schema = await readSchemaFile(file, engine);
  expect(DatabaseSchemaSchema.parse(JSON.parse(JSON.stringify(schema)))).toEqual(schema);
  return schema;
}

/** The located exit-2 error reading `text` gives. */
export async function readError(text: string, name: string, engine?: Engine): Promise<PlanInputError> {
  try {
    await readText(text, name, engine);
  } catch (err) {
    if (err instanceof PlanInputError) {
      expect(err.exitCode).toBe(2);
      return err;
    }
    throw err;
  }
  throw new Error('expected a PlanInputError');
}

/** The source line a model object's `line` points at. */
export function lineOf(text: string, line: number | undefined): string {
  expect(line, 'the object has a line').toBeDefined();
  return text.split('\n')[line! - 1]!;
}

export function table(schema: DatabaseSchema, name: string) {
  const t = schema.tables.find((x) => x.name === name);
  expect(t, `table ${name}`).toBeDefined();
  return t!;
}

export function column(schema: DatabaseSchema, tableName: string, name: string) {
  const c = table(schema, tableName).columns.find((x) => x.name === name);
  expect(c, `column ${tableName}.${name}`).toBeDefined();
  return c!;
}

/** The chain of NOT NULL foreign keys from a table up to its root: `comments → tasks → projects → accounts`. */
export function chainUp(schema: DatabaseSchema, from: string): string[] {
  const chain = [from];
  for (let t = table(schema, from); ;) {
    const key = t.foreign_keys.find((k) => k.references !== t.name && k.columns.every((c) => t.columns.find((x) => x.name === c)?.nullable === false));
    if (!key || chain.includes(key.references)) return chain;
    chain.push(key.references);
    t = table(schema, key.references);
  }
}
