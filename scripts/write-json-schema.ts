// Regenerates schema/plan.schema.json from the zod schema (npm run schema); a test fails when it is stale.
import { writeFileSync } from 'node:fs';
import { planJsonSchema } from '../src/model/json-schema.js';

writeFileSync(new URL('../schema/plan.schema.json', import.meta.url), `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
