/**
 * The model's own JSON or YAML, as `plan inspect` writes it: validated as it is, errors located by
 * field path. Also the validation every structured input (stats, Atlas JSON) goes through.
 */
import type { z } from 'zod';
import { parseYaml, schemaError } from '../model/load.js';
import { DatabaseSchemaSchema, type DatabaseSchema } from '../model/database.js';

/** Parses YAML or JSON text and validates it against a zod schema, errors located in `file`. */
export function validated<S extends z.ZodType>(zodSchema: S, text: string, file: string): z.infer<S> {
  const { data, locate } = parseYaml(text, file);
  const result = zodSchema.safeParse(data);
  if (!result.success) throw schemaError(result.error, locate);
  return result.data;
}

export function readModelFile(text: string, file: string): DatabaseSchema {
  const schema = validated(DatabaseSchemaSchema, text, file);
  return { ...schema, source: { kind: schema.source.kind, file } };
}
