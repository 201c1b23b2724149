/** `plan templates`: what each template is for and the parameters it takes. */
import type { Parameter } from '../templates/parameters.js';
import { listTemplates } from '../templates/registry.js';

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

export function formatTemplates(listing: readonly TemplateListing[]): string {
  return listing
    .map((t) => {
      const params = t.parameters.map((p) => {
        const type = p.type === 'enum' ? p.values.join('|') : p.type;
        const flag = p.flag ? `--${p.flag}` : `--set ${p.name}=`;
        return `    ${p.name} (${type}, default ${JSON.stringify(p.default)}; ${flag})\n        ${p.help}`;
      });
      return [`${t.name}${t.builtin ? '' : ' (user)'} — ${t.title}`, `  ${t.summary}`, '  parameters:', ...params].join('\n');
    })
    .join('\n\n');
}
