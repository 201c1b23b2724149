import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeExamples } from '../scripts/examples.js';
import { ROOT } from './helpers.js';

const EXAMPLES = await computeExamples();

describe('examples/', () => {
  it.each(EXAMPLES.map((e) => [e.path, e.text]))('%s is fresh (npm run examples regenerates it)', (path, text) => {
    expect(readFileSync(join(ROOT, path), 'utf8')).toBe(text);
  });
});
