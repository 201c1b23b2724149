// npm run examples: rewrites examples/ from the templates.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stamp } from '../src/app/graph.js';
import { MermaidBrowser } from '../src/diagram/browser.js';
import { computeExamples, IMAGE_EXAMPLES } from './examples.js';

const root = join(import.meta.dirname, '..');
for (const example of computeExamples()) {
  mkdirSync(dirname(join(root, example.path)), { recursive: true });
  writeFileSync(join(root, example.path), example.text);
  console.log(`wrote ${example.path}`);
}

// Images through real Mermaid in Chromium, one browser for all of them.
const browser = await MermaidBrowser.launch();
try {
  for (const image of IMAGE_EXAMPLES) {
    const source = readFileSync(join(root, image.source), 'utf8');
    writeFileSync(join(root, image.path), stamp(await browser.svg(source), source));
    console.log(`wrote ${image.path}`);
  }
} finally {
  await browser.close();
}
