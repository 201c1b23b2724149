// npm run examples: rewrites examples/ from the templates.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stamp } from '../src/app/diagram.js';
import { MermaidBrowser, screenshotPage } from '../src/diagram/browser.js';
import { graphvizSvg, svgToPng } from '../src/diagram/graphviz.js';
import { computeExamples, IMAGE_EXAMPLES } from './examples.js';

const root = join(import.meta.dirname, '..');
const writeText = async () => {
  for (const example of await computeExamples()) {
    mkdirSync(dirname(join(root, example.path)), { recursive: true });
    writeFileSync(join(root, example.path), example.text);
    console.log(`wrote ${example.path}`);
  }
};
await writeText();

// Images through real Mermaid in Chromium, one browser for all of them, or Graphviz for DOT; PNGs through resvg.
const browser = await MermaidBrowser.launch();
try {
  for (const image of IMAGE_EXAMPLES) {
    const source = readFileSync(join(root, image.source), 'utf8');
    const svg = stamp(image.source.endsWith('.dot') ? await graphvizSvg(source) : await browser.svg(source), source);
    writeFileSync(join(root, image.path), svg);
    console.log(`wrote ${image.path}`);
    if (image.png) {
      writeFileSync(join(root, image.png), await svgToPng(svg));
      console.log(`wrote ${image.png}`);
    }
  }
} finally {
  await browser.close();
}

// The report embeds the images: write it again now that they are fresh, then photograph it for the README.
await writeText();
// The first screen: the summary and the diagram, as a reader opening the report sees it.
const { png } = await screenshotPage(join(root, 'examples/multi-tenant/report.html'), { width: 1200, height: 1500, fullPage: false });
writeFileSync(join(root, 'examples/multi-tenant/report.png'), png);
console.log('wrote examples/multi-tenant/report.png');
