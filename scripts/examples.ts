/**
 * The committed examples under examples/, computed from the templates. `npm run examples` writes
 * them; test/examples.test.ts fails when a committed file differs from what this computes.
 */
import { checkPlan } from '../src/app/check.js';
import { parsePlan } from '../src/model/load.js';
import { formatReport } from '../src/render/summary.js';
import { findTemplate } from '../src/templates/registry.js';
import { expandTemplate } from '../src/templates/render.js';

export interface Example {
  /** Path relative to the repository root. */
  path: string;
  text: string;
}

export function computeExamples(): Example[] {
  const dir = 'examples/multi-tenant';
  const planPath = `${dir}/multi-tenant.plan.yaml`;
  const { text } = expandTemplate(findTemplate('multi-tenant'), { schemaRef: '../../schema/plan.schema.json' });
  const loaded = parsePlan(text, planPath);
  const report = checkPlan(planPath, loaded);
  return [
    { path: planPath, text },
    { path: `${dir}/check.txt`, text: `$ plan check ${planPath}\n${formatReport(report)}\n` },
  ];
}

