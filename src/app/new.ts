/**
 * `plan new`: expand a template with the user's parameters, validate the result, write it atomically,
 * and report what was written (the same report `plan check` gives).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { PlanInputError } from '../errors.js';
import { packageRoot, writeFileAtomic } from '../io/files.js';
import { parseSetFlags, type ParameterValues } from '../templates/parameters.js';
import { findTemplate } from '../templates/registry.js';
import { expandTemplate } from '../templates/expand.js';
import { checkLoaded, type CheckOptions } from '../check/pipeline.js';
import type { CheckResult } from '../check/result.js';
import { formatCheck } from '../text/check.js';
import { readSchemaSource, type SchemaSourceOptions } from '../inspect/source.js';
import type { Engine } from '../inspect/read.js';
import { terminalWidth } from '../text/layout.js';
import { useColor } from '../text/style.js';
import { baseFileOf } from './update.js';

export interface NewPlanOptions extends CheckOptions {
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
  /** The user's database schema: `--schema`, `--url`, `--stats`. */
  schema?: Omit<SchemaSourceOptions, 'db'>;
}

export interface NewPlanResult {
  template: string;
  parameters: ParameterValues;
  file: string;
  written: boolean;
  check: CheckResult;
  /** The plan text: what was (or would be) written. */
  text: string;
  /** What the schema source could not tell (privileges, statistics), each a sentence. */
  gaps: string[];
  /** What to print: the check of the expanded plan, and what to do next. */
  summary: string;
}

export async function newPlan(options: NewPlanOptions): Promise<NewPlanResult> {
  const template = findTemplate(options.template, options.templatesDirs);
  const given = parseSetFlags(options.set ?? []);
  for (const [name, value] of Object.entries(options.flags ?? {})) if (value !== undefined) given[name] = value;
  const file = options.out ?? `${template.name}.plan.yaml`;
  if (!options.force && !options.dryRun && existsSync(file) && statSync(file).isFile()) {
    throw PlanInputError.single('already exists; not overwritten', { location: { file },
      hint: `to change its parameters and keep your edits: plan update ${file} --set k=v; to start over: --force (your edits are lost)` });
  }
  const source = options.schema;
  const read = source && (source.schema || source.url || source.stats)
    ? await readSchemaSource({ ...source, db: given.db as Engine | undefined }) : undefined;
  const expansion = expandTemplate(template, { given, schemaRef: schemaRefFrom(file), schema: read?.schema });
  const { result } = await checkLoaded(file, expansion.loaded, options);
  // A template that yields a broken plan is a template bug: report it, write nothing.
  const written = !options.dryRun && result.ok;
  if (written) {
    writeFileAtomic(file, expansion.text, { force: options.force });
    // The template's own rendering, beside the plan: what `plan update` merges the user's edits from.
    writeFileAtomic(baseFileOf(file), expansion.text, { force: true });
  }
  const gaps = read?.gaps ?? [];
  return { template: template.name, parameters: expansion.parameters, file, written, check: result, text: expansion.text, gaps,
    summary: [...gaps.map((g) => `schema: ${g}`), summarize(file, result, written, options.dryRun ?? false)].join('\n') };
}

function summarize(file: string, result: CheckResult, written: boolean, dryRun: boolean): string {
  const lines = [formatCheck(result, useColor(), terminalWidth())];
  if (written) {
    lines.unshift(`Wrote ${file} (and ${baseFileOf(file)}, the template's own rendering that plan update merges your edits from: keep both)`);
    lines.push(`\nNext:\n  plan show ${file}            # the plan on one screen\n` +
      `  plan report ${file} --format html --out kickoff.html   # the kickoff document\n` +
      `  plan graph ${file} --format svg --out graph.svg       # the dependency diagram\n` +
      `  plan export ${file} --to taskwarrior --out tasks.sh  # tracker commands`);
  } else if (!dryRun) lines.push(`\n${file} not written: the expanded plan has errors (a template bug).`);
  return lines.join('\n');
}

/** Path from the plan file's folder to the shipped JSON Schema, for the editor modeline. */
function schemaRefFrom(file: string): string {
  const schema = resolve(packageRoot(), 'schema', 'plan.schema.json');
  return relative(dirname(resolve(file)), schema).split(sep).join('/');
}

/** `plan new` without a template where nobody can be asked: say which names and flags to pass. */
export function templateNeeded(templates: readonly { name: string }[]): PlanInputError {
  return PlanInputError.single('plan new needs a template (no terminal to ask on)', {
    hint: `templates: ${templates.map((t) => t.name).join(', ')}; e.g. plan new multi-tenant --tables users,orders --db postgres ` +
      '--set tenant_column=tenant_id (plan templates lists every parameter)',
  });
}
