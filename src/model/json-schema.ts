/** The plan file's JSON Schema, generated from the zod schema so editors validate and complete plans. */
import { z } from 'zod';
import { PlanSchema } from './schema.js';

export function planJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(PlanSchema, { io: 'input', target: 'draft-2020-12' }),
    title: 'plan: database migration plan',
  };
}
