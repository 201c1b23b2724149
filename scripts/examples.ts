/**
 * The committed examples under examples/, computed from the templates. `npm run examples` writes
 * them; test/examples.test.ts fails when a committed file differs from what this computes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkLoaded } from '../src/check/pipeline.js';
import { kickoffMermaid, renderKickoff } from '../src/app/kickoff.js';
import { mermaidFlow } from '../src/diagram/flow.js';
import { mermaidGantt } from '../src/diagram/gantt.js';
import { parsePlan } from '../src/model/load.js';
import { formatCheck } from '../src/text/check.js';
import { findTemplate } from '../src/templates/registry.js';
import { expandTemplate } from '../src/templates/expand.js';

const ROOT = join(import.meta.dirname, '..');

export interface Example {
  /** Path relative to the repository root. */
  path: string;
  text: string;
}

export async function computeExamples(): Promise<Example[]> {
  const dir = 'examples/multi-tenant';
  const planPath = `${dir}/multi-tenant.plan.yaml`;
  const { text } = expandTemplate(findTemplate('multi-tenant'), { schemaRef: '../../schema/plan.schema.json' });
  const loaded = parsePlan(text, planPath);
  const { result, outline } = await checkLoaded(planPath, loaded, { config: { rules: {} } });
  const flow = mermaidFlow(outline, false);
  const gantt = mermaidGantt(outline);
  const kickoff = { outline, result, source: 'multi-tenant.plan.yaml' };
  const mermaid = kickoffMermaid(outline);
  // The HTML report embeds the committed SVGs (their own freshness is checked by their stamps).
  const svg = (name: string) => (existsSync(join(ROOT, dir, name)) ? readFileSync(join(ROOT, dir, name), 'utf8') : undefined);
  return [
    ...computeTemplateSnapshots(),
    { path: planPath, text },
    { path: `${dir}/check.txt`, text: `$ plan check ${planPath}\n${formatCheck(result)}\n` },
    { path: `${dir}/graph.mmd`, text: flow },
    { path: `${dir}/gantt.mmd`, text: gantt },
    { path: `${dir}/report.md`, text: renderKickoff(kickoff, 'md', { flow: { mermaid: mermaid.flow }, gantt: { mermaid: mermaid.gantt } }) },
    { path: `${dir}/report.html`, text: renderKickoff(kickoff, 'html', { flow: { mermaid: mermaid.flow, svg: svg('graph.svg') }, gantt: { mermaid: mermaid.gantt, svg: svg('gantt.svg') } }) },
    { path: `${dir}/graph.md`, text: `# ${outline.epic.title}\n\n## Dependency waves\n\n\`\`\`mermaid\n${flow}\`\`\`\n\n## Schedule\n\n\`\`\`mermaid\n${gantt}\`\`\`\n` },
  ];
}

/**
 * One representative plan per other template, committed as a snapshot a reviewer reads like documentation.
 * The combination is chosen to show what the template does differently, not only the defaults.
 */
const SNAPSHOTS: Record<string, Record<string, string>> = {
  'add-column': { db: 'mysql', framework: 'prisma' },
  'add-foreign-key': { db: 'postgres', framework: 'knex' },
  'add-index': { db: 'postgres', framework: 'alembic' },
  'add-not-null-column': { db: 'postgres', framework: 'django' },
  'add-unique-constraint': { db: 'mongodb', framework: 'sql' },
  'blue-green': { db: 'postgres', framework: 'alembic' },
  // The maintenance-window shape, on a table large enough for MySQL to need gh-ost.
  'change-column-type': { db: 'mysql', framework: 'knex', mode: 'maintenance-window', rows: '50000000' },
  'database-migration': { db: 'sqlite', framework: 'alembic' },
  'drop-column': { db: 'mysql', framework: 'knex' },
  'rename-column': { db: 'postgres', framework: 'prisma' },
  'rename-table': { db: 'postgres', framework: 'django' },
  'split-column': { db: 'sqlite', framework: 'sql' },
};

export function computeTemplateSnapshots(): Example[] {
  return Object.entries(SNAPSHOTS).map(([name, given]) => {
    const dir = `examples/${name}`;
    const { text } = expandTemplate(findTemplate(name), { given, schemaRef: '../../schema/plan.schema.json' });
    return { path: `${dir}/${name}.plan.yaml`, text };
  });
}

/** The rendered images beside them, each stamped with the hash of the Mermaid text it was drawn from. */
export const IMAGE_EXAMPLES = [
  { path: 'examples/multi-tenant/graph.svg', source: 'examples/multi-tenant/graph.mmd' },
  { path: 'examples/multi-tenant/gantt.svg', source: 'examples/multi-tenant/gantt.mmd' },
];

