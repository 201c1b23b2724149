// npm run readme: regenerates the command reference in README.md from the commands.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withReference } from './command-reference.js';

const file = join(import.meta.dirname, '..', 'README.md');
writeFileSync(file, withReference(readFileSync(file, 'utf8')));
console.log('wrote the command reference in README.md');
