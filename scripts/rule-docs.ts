/**
 * The rule docs (docs/rules/<id>.md and the index), computed from the catalog and each rule's
 * fixtures, so a doc's bad and good examples are exactly what the tests run. `npm run docs` writes
 * them; test/rules/docs.test.ts fails when a committed page differs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkFile } from '../src/check/pipeline.js';
import { RULES } from '../src/rules/catalog.js';
import { formatFindings } from '../src/text/check.js';

const ROOT = join(import.meta.dirname, '..');
export const VALID_PLAN = 'test/fixtures/plans/valid.plan.yaml';

/** Repository-relative paths of a rule's fixtures; integrity rules share the valid plan as their good case. */
export function ruleFixtures(id: string): { bad: string; good: string } {
  const dir = `test/fixtures/rules/${id}`;
  return { bad: `${dir}/bad.plan.yaml`, good: existsSync(join(ROOT, dir, 'good.plan.yaml')) ? `${dir}/good.plan.yaml` : VALID_PLAN };
}

export async function computeRuleDocs(): Promise<{ path: string; text: string }[]> {
  const pages = await Promise.all(RULES.map(async (rule) => {
    const { bad, good } = ruleFixtures(rule.id);
    const read = (p: string) => readFileSync(join(ROOT, p), 'utf8').trimEnd();
    const said = formatFindings((await checkFile(bad, { config: { rules: {} } })).result).trimEnd();
    const text = [
      `# ${rule.id}`,
      '',
      `${rule.summary}`,
      '',
      '| default severity | category | configurable | comes from |',
      '|---|---|---|---|',
      `| ${rule.severity} | ${rule.category} | ${rule.fixed ? 'no' : 'yes'} | ${rule.sources.join('; ')} |`,
      '',
      '## Why',
      '',
      rule.why,
      '',
      '## Bad',
      '',
      `[${bad}](../../${bad})`,
      '',
      '```yaml',
      read(bad),
      '```',
      '',
      '`plan check` says:',
      '',
      '```',
      said,
      '```',
      '',
      '## Good',
      '',
      `[${good}](../../${good})`,
      '',
      '```yaml',
      read(good),
      '```',
      '',
      '## How to fix',
      '',
      `${rule.hint[0]!.toUpperCase()}${rule.hint.slice(1)}.`,
      '',
      rule.fixed
        ? 'This rule cannot be switched off or changed: the plan\'s graph would be wrong.'
        : `To change its severity for a project, in \`plan.config.yaml\`: \`rules: { ${rule.id}: warning }\` (or \`off\`). ` +
          `To accept it for one task, with a reason every report shows: \`suppress: [{ rule: ${rule.id}, reason: "…" }]\`.`,
      '',
    ].join('\n');
    return { path: `docs/rules/${rule.id}.md`, text };
  }));
  const index = [
    '# Rules',
    '',
    '`plan check` runs every rule below (`plan rules` lists them, `plan rules ID` prints a page). Integrity rules',
    'come from the dependency graph; safety rules encode what the tools in each page\'s "comes from" column enforce',
    'on single migrations, lifted to the level of a plan. Each page has a failing and a passing example; both are',
    'test fixtures.',
    '',
    '| rule | severity | what it wants |',
    '|---|---|---|',
    ...RULES.map((r) => `| [${r.id}](${r.id}.md) | ${r.severity} | ${r.summary} |`),
    '',
  ].join('\n');
  return [...pages, { path: 'docs/rules/README.md', text: index }];
}
