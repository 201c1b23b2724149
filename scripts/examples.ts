/**
 * The committed examples under examples/, computed from the templates. `npm run examples` writes
 * them; test/examples.test.ts fails when a committed file differs from what this computes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkLoaded } from '../src/check/pipeline.js';
import { kickoffMermaid, renderKickoff } from '../src/app/kickoff.js';
import { dotFlow, mermaidFlow } from '../src/diagram/flow.js';
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
    ...(await computeWideExample()),
  ];
}

/** A SaaS monolith's 30 tenant-owned tables: the size where a flow diagram of every task stops reading. */
export const WIDE_TABLES = ['accounts', 'users', 'teams', 'memberships', 'invitations', 'projects', 'tasks', 'comments', 'attachments',
  'labels', 'task_labels', 'milestones', 'sprints', 'time_entries', 'invoices', 'invoice_lines', 'payments', 'subscriptions',
  'plans_usage', 'webhooks', 'webhook_deliveries', 'api_keys', 'audit_events', 'notifications', 'saved_views', 'dashboards',
  'widgets', 'integrations', 'imports', 'exports'];

/**
 * `plan new multi-tenant --tables <30 tables>` and its flow diagram: per-table steps drawn as one node
 * with the tables in the legend, within a 1,600 px page (the plan itself is 71 tasks).
 */
async function computeWideExample(): Promise<Example[]> {
  const dir = 'examples/multi-tenant-30';
  const planPath = `${dir}/multi-tenant-30.plan.yaml`;
  const { text } = expandTemplate(findTemplate('multi-tenant'), { given: { tables: WIDE_TABLES.join(',') }, schemaRef: '../../schema/plan.schema.json' });
  const { outline } = await checkLoaded(planPath, parsePlan(text, planPath), { config: { rules: {} } });
  // The plan (200 KB) is not committed: the command writes it again.
  const command = `plan new multi-tenant --tables ${WIDE_TABLES.join(',')}`;
  return [
    { path: `${dir}/README.md`, text: `# Multi-tenant over 30 tables: the flow diagram\n\n\`\`\`sh\n${command}\nplan graph multi-tenant.plan.yaml --format svg --out graph.svg\n\`\`\`\n\n` +
      `${outline.tasks.length} tasks; the backfill and its validation run once per table and are drawn as one node each, the tables listed ` +
      'in the legend (`--detail` draws every task); edges implied by others are left out.\n\n' +
      '| Mermaid (Chromium) | Graphviz (WASM) |\n|---|---|\n| ![Mermaid](graph.svg) | ![Graphviz](graph.graphviz.svg) |\n\n' +
      '[graph.png](graph.png) is the Mermaid SVG rasterised by resvg: the labels are SVG text, so viewers outside a browser show them.\n' },
    { path: `${dir}/graph.mmd`, text: mermaidFlow(outline) },
    { path: `${dir}/graph.dot`, text: dotFlow(outline) },
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

/**
 * The rendered images beside them, each stamped with the hash of the text it was drawn from: Mermaid in
 * Chromium (.mmd) or Graphviz (.dot); `png` also through resvg, which shows only real SVG text.
 */
export const IMAGE_EXAMPLES: { path: string; source: string; png?: string }[] = [
  { path: 'examples/multi-tenant/graph.svg', source: 'examples/multi-tenant/graph.mmd' },
  { path: 'examples/multi-tenant/gantt.svg', source: 'examples/multi-tenant/gantt.mmd' },
  { path: 'examples/multi-tenant-30/graph.svg', source: 'examples/multi-tenant-30/graph.mmd', png: 'examples/multi-tenant-30/graph.png' },
  { path: 'examples/multi-tenant-30/graph.graphviz.svg', source: 'examples/multi-tenant-30/graph.dot' },
];

