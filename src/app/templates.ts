/** `plan templates`: what each template is for and the parameters it takes. */
import type { Parameter } from '../templates/parameters.js';
import { findTemplate, listTemplates, loadTemplateDir } from '../templates/registry.js';
import { expandTemplate } from '../templates/expand.js';
import { checkLoaded } from '../check/pipeline.js';
import { ExitCode } from '../errors.js';
import { formatFindings, formatHeadline, formatShow } from '../text/check.js';
import { fitLines, terminalWidth } from '../text/layout.js';

export interface TemplateListing {
  name: string;
  title: string;
  summary: string;
  builtin: boolean;
  dir: string;
  parameters: Parameter[];
}

export function describeTemplates(extraDirs: readonly string[] = []): TemplateListing[] {
  return listTemplates(extraDirs).map((t) => ({
    name: t.name,
    title: t.manifest.title,
    summary: t.manifest.summary,
    builtin: t.builtin,
    dir: t.dir,
    parameters: t.manifest.parameters,
  }));
}

export function formatTemplates(listing: readonly TemplateListing[], width = terminalWidth()): string {
  return fitLines(listing
    .map((t) => {
      const params = t.parameters.map((p) => {
        const type = p.type === 'enum' ? p.values.join('|') : p.type;
        const flag = p.flag ? `--${p.flag}` : `--set ${p.name}=`;
        return `    ${p.name} (${type}, default ${JSON.stringify(p.default)}; ${flag})\n        ${p.help}`;
      });
      return [`${t.name}${t.builtin ? '' : ' (user)'} — ${t.title}`, `  ${t.summary}`, '  parameters:', ...params].join('\n');
    })
    .join('\n\n'), width);
}

/** `plan templates show NAME`: its parameters, a command line with every default, and what it expands to. */
export async function showTemplate(name: string, extraDirs: readonly string[] = [], width = terminalWidth()) {
  const template = findTemplate(name, extraDirs);
  const expansion = expandTemplate(template);
  const check = (await checkLoaded(`${template.name}.plan.yaml`, expansion.loaded, { config: { rules: {} } })).result;
  // An empty default means "not set" (migration_start, app_dir): nothing to show on the command line.
  const flags = template.manifest.parameters.filter((p) => p.default !== '').map((p) => {
    const value = Array.isArray(p.default) ? p.default.join(',') : String(p.default);
    return p.flag ? `--${p.flag} ${value}` : `--set ${p.name}=${value}`;
  });
  const listing = describeTemplates(extraDirs).find((t) => t.name === name)!;
  const example = `plan new ${name} ${flags.join(' ')}`;
  return { template: listing, example, check,
    text: `${formatTemplates([listing], width)}\n\nExample:\n  ${example}\n\nOn defaults it makes:\n\n${formatShow(check, false, width)}` };
}

/**
 * `plan templates check DIR`: renders the template with its defaults and with each example value of each
 * parameter (so every engine found, through `db`), and checks every plan. Template mistakes come back as
 * located errors (exit 2); plans with errors as results (exit 1).
 */
export async function checkTemplateDir(dir: string, extraDirs: readonly string[] = []) {
  const variants = await checkTemplateVariants(dir, extraDirs);
  return {
    variants,
    exitCode: variants.every((v) => v.check.ok) ? ExitCode.ok : ExitCode.planErrors,
    // One headline per variant and located findings: kept whole, as plan check prints them.
    text: variants.map(({ check }) => [formatHeadline(check), ...(check.findings.length ? [formatFindings(check)] : [])].join('\n')).join('\n'),
  };
}

async function checkTemplateVariants(dir: string, extraDirs: readonly string[]) {
  const template = loadTemplateDir(dir, extraDirs);
  const variants: Record<string, string>[] = [{}];
  for (const p of template.manifest.parameters) for (const value of p.examples ?? []) variants.push({ [p.name]: value });
  // Each set CI rehearses, on every engine the template renders for.
  for (const { set, engines } of template.manifest.rehearsals) {
    for (const db of template.engines.keys()) if (!engines || engines.includes(db)) variants.push({ ...set, db });
  }
  return Promise.all(variants.map(async (given) => {
    const expansion = expandTemplate(template, { given });
    const values = Object.entries(given).map(([k, v]) => `${k}=${v}`).join(' ');
    const file = `${template.name}/plan.yaml.hbs (rendered${values ? ` with ${values}` : ' on defaults'})`;
    return { given, check: (await checkLoaded(file, expansion.loaded, { config: { rules: {} } })).result };
  }));
}
