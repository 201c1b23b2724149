/**
 * `plan new`: expand a template with the user's parameters, validate the result, write it atomically,
 * and report what was written (the same report `plan check` gives).
 */
import { dirname, relative, resolve, sep } from 'node:path';
import { writeFileAtomic } from '../io/files.js';
import { parseSetFlags, type ParameterValues } from '../templates/parameters.js';
import { findTemplate, packageRoot } from '../templates/registry.js';
import { expandTemplate } from '../templates/expand.js';
import type { RuleConfig } from '../rules/config.js';
import { checkPlan, type PlanReport } from './check.js';

export interface NewPlanOptions {
  template: string;
  /** `--set k=v` pairs. */
  set?: string[];
  /** Values of the dedicated flags (`--tables`, `--db`), by parameter name; they win over `--set`. */
  flags?: Record<string, string | undefined>;
  out?: string;
  force?: boolean;
  templatesDirs?: string[];
  /** Expand and check only; write nothing. */
  dryRun?: boolean;
  config?: RuleConfig;
}

export interface NewPlanResult {
  template: string;
  parameters: ParameterValues;
  file: string;
  written: boolean;
  report: PlanReport;
  /** The plan text: what was (or would be) written. */
  text: string;
}

export function newPlan(options: NewPlanOptions): NewPlanResult {
  const template = findTemplate(options.template, options.templatesDirs);
  const given = parseSetFlags(options.set ?? []);
  for (const [name, value] of Object.entries(options.flags ?? {})) if (value !== undefined) given[name] = value;
  const file = options.out ?? `${template.name}.plan.yaml`;
  const expansion = expandTemplate(template, { given, schemaRef: schemaRefFrom(file) });
  const report = checkPlan(file, expansion.loaded, { config: options.config });
  // A template that yields a broken plan is a template bug: report it, write nothing.
  const written = !options.dryRun && report.ok;
  if (written) writeFileAtomic(file, expansion.text, { force: options.force });
  return { template: template.name, parameters: expansion.parameters, file, written, report, text: expansion.text };
}

/** Path from the plan file's folder to the shipped JSON Schema, for the editor modeline. */
function schemaRefFrom(file: string): string {
  const schema = resolve(packageRoot(), 'schema', 'plan.schema.json');
  return relative(dirname(resolve(file)), schema).split(sep).join('/');
}
