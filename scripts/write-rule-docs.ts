// npm run docs: rewrites docs/rules/ from the rule catalog and fixtures.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeRuleDocs } from './rule-docs.js';

for (const page of await computeRuleDocs()) writeFileSync(join(import.meta.dirname, '..', page.path), page.text);
console.log('wrote docs/rules/');
