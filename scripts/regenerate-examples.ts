// npm run examples: rewrites examples/ from the templates.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { computeExamples } from './examples.js';

const root = join(import.meta.dirname, '..');
for (const example of computeExamples()) {
  mkdirSync(dirname(join(root, example.path)), { recursive: true });
  writeFileSync(join(root, example.path), example.text);
  console.log(`wrote ${example.path}`);
}
