// npm run readme: regenerates the README's command reference (from the commands) and layout (from scripts/layout.ts and the tree).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withReference } from './command-reference.js';
import { withLayout } from './layout.js';

const file = join(import.meta.dirname, '..', 'README.md');
writeFileSync(file, withLayout(withReference(readFileSync(file, 'utf8'))));
console.log('wrote the command reference and the layout in README.md');
