/** Placeholder until live introspection lands (--url). */
import { PlanInputError } from '../errors.js';
import type { DatabaseSchema } from '../model/database.js';

export async function introspect(url: string, _options: { engine?: string } = {}): Promise<DatabaseSchema> {
  throw PlanInputError.single(`--url is not supported yet (${url.replace(/:[^:@/]*@/, ':***@')})`);
}
