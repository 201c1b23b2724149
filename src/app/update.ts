/**
 * `plan update`: the plan regenerated with new parameters (or a newer template, or a new schema), with
 * every hand edit kept. A three-way merge (src/model/merge.ts) of:
 *
 * - base: what the template wrote when the plan was generated. `plan new` and `plan update` keep it beside
 *   the plan, in `<name>.base.yaml` (the plan's file name with `.base` before the extension): the one
 *   way to know it after the built-in template has changed in a later release. Without that file, it is
 *   rendered again from `generated_by`, which is exact only while the template is the same version.
 * - theirs: the current template with the recorded parameters, the `--set` ones over them.
 * - ours: the file as it is.
 *
 * Conflicts are written into the file (`conflicts:`), which `plan check` reports as errors at each field;
 * the exit code is then 1. The base file is rewritten with theirs, so the next update starts from it.
 */
import { existsSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { PlanInputError } from '../errors.js';
import { readTextFile, writeFileAtomic } from '../io/files.js';
import { parsePlan, type LoadedPlan } from '../model/load.js';
import { mergePlanTexts } from '../model/merge.js';
import type { Conflict, Plan, Provenance } from '../model/schema.js';
import { checkLoaded, type CheckOptions } from '../check/pipeline.js';
import type { CheckResult } from '../check/result.js';
import { readSchemaSource, type SchemaSourceOptions } from '../inspect/source.js';
import type { Engine } from '../inspect/read.js';
import type { DatabaseSchema } from '../model/database.js';
import { expandTemplate } from '../templates/expand.js';
import { bindParameters, bindSchema } from '../templates/schema-binding.js';
import { parseSetFlags, resolveParameters, type ParameterValues } from '../templates/parameters.js';
import { findTemplate, templateVersion, type TemplateRef } from '../templates/registry.js';
import { formatCheck } from '../text/check.js';
import { unifiedDiff } from '../text/line-diff.js';
import { useColor } from '../text/style.js';

/** Where the template's own rendering of a plan is kept: `tenancy.plan.yaml` → `tenancy.plan.base.yaml`. */
export function baseFileOf(file: string): string {
  const ext = extname(file);
  return ext === '.yaml' || ext === '.yml' || ext === '.json' ? `${file.slice(0, -ext.length)}.base${ext}` : `${file}.base`;
}

export interface RegenerateOptions {
  /** `--set k=v` over the recorded parameters. */
  set?: string[];
  /** A schema to plan from (`--schema`, `--url`); needed when the plan was generated from one. */
  schema?: Omit<SchemaSourceOptions, 'db'>;
  templatesDirs?: string[];
}

export interface Regenerated {
  template: TemplateRef;
  parameters: ParameterValues;
  text: string;
  loaded: LoadedPlan;
  /** The template's version now, and the one the plan was generated with. */
  version: { now: string; recorded?: string };
}

/** The plan the template would write now, for a plan's `generated_by` (with `--set` values over it). */
export async function regenerate(file: string, plan: Plan, options: RegenerateOptions = {}): Promise<Regenerated> {
  const provenance = provenanceOf(file, plan);
  const template = findTemplate(provenance.template, options.templatesDirs);
  const schema = await schemaFor(file, provenance, options.schema);
  const given = { ...givenParameters(template, provenance, schema), ...parseSetFlags(options.set ?? []) };
  const expansion = expandTemplate(template, { given, schemaRef: schemaRefOf(readTextFile(file)), schema });
  return { template, parameters: expansion.parameters, text: expansion.text, loaded: expansion.loaded,
    version: { now: templateVersion(template), recorded: provenance.template_version } };
}

export interface UpdatePlanOptions extends CheckOptions, RegenerateOptions {
  file: string;
  /** Merge and check, print the diff, write nothing. */
  dryRun?: boolean;
}

export interface UpdatePlanResult {
  file: string;
  template: string;
  parameters: ParameterValues;
  /** The template's files changed since the plan was generated. */
  templateChanged: boolean;
  /** Where the base came from: the base file beside the plan, or rendered again from `generated_by`. */
  base: 'file' | 'rendered';
  /** The merge changed nothing: the file is as it was. */
  unchanged: boolean;
  written: boolean;
  conflicts: Conflict[];
  applied: string[];
  notices: string[];
  /** The unified diff from the file to the merged plan. */
  diff: string;
  /** The merged plan's text. */
  text: string;
  check: CheckResult;
  summary: string;
}

export async function updatePlan(options: UpdatePlanOptions): Promise<UpdatePlanResult> {
  const { file } = options;
  const ours = readTextFile(file);
  if (/^\s*[{[]/.test(ours)) {
    throw PlanInputError.single('plan update edits YAML plans; this one is JSON', { location: { file },
      hint: 'convert it to YAML (any JSON is valid YAML once written in block style), or regenerate it with plan new' });
  }
  const { plan } = parsePlan(ours, file);
  const theirs = await regenerate(file, plan, options);
  const base = await baseOf(file, plan, theirs, options);
  const merged = mergePlanTexts({ base: base.text, theirs: theirs.text, ours });
  const loaded = parsePlan(merged.text, file);
  const { result } = await checkLoaded(file, loaded, options);
  const unchanged = merged.text === ours;
  const written = !options.dryRun && !unchanged;
  const baseFile = baseFileOf(file);
  if (!options.dryRun) {
    if (written) writeFileAtomic(file, merged.text, { force: true });
    // The template's rendering is the next update's base, even when the file itself did not change.
    if (!existsSync(baseFile) || readTextFile(baseFile) !== theirs.text) writeFileAtomic(baseFile, theirs.text, { force: true });
  }
  const diff = unifiedDiff(ours, merged.edits, { from: file, to: `${file} (updated)` });
  const out: UpdatePlanResult = {
    file, template: theirs.template.name, parameters: theirs.parameters, base: base.from,
    templateChanged: theirs.version.recorded !== undefined && theirs.version.recorded !== theirs.version.now,
    unchanged, written, conflicts: merged.conflicts, applied: merged.applied, notices: merged.notices, diff, text: merged.text,
    check: result, summary: '',
  };
  out.summary = summarize(out, options.dryRun ?? false);
  return out;
}

function provenanceOf(file: string, plan: Plan): Provenance {
  if (!plan.generated_by) {
    throw PlanInputError.single('this plan has no generated_by: it was not generated from a template, so there is nothing to update it from',
      { location: { file }, hint: 'plan update works on plans written by plan new' });
  }
  return plan.generated_by;
}

/** The schema the plan was generated from must be given again: the template sees all of it, not only the part the plan records. */
async function schemaFor(file: string, provenance: Provenance, source: RegenerateOptions['schema']): Promise<DatabaseSchema | undefined> {
  const given = source && (source.schema || source.url || source.stats);
  if (!given) {
    if (provenance.schema_fingerprint) {
      throw PlanInputError.single('this plan was generated from a database schema: give it again with --schema or --url', {
        location: { file }, hint: `the plan records fingerprint ${provenance.schema_fingerprint}; a changed schema is fine, the plan is updated to it`,
      });
    }
    return undefined;
  }
  const db = provenance.parameters.db;
  return (await readSchemaSource({ ...source, db: typeof db === 'string' ? db as Engine : undefined })).schema;
}

/**
 * The parameters as given at generation: those whose recorded value differs from what the template (and
 * the schema) decide by themselves. Passing the rest would pin, say, a column type the schema decided,
 * or lay `rows` over every table's statistics.
 */
function givenParameters(template: TemplateRef, provenance: Provenance, schema: DatabaseSchema | undefined): Record<string, string> {
  const recorded = provenance.parameters;
  const derived = bindParameters(template.manifest, resolveParameters(template.manifest, {}), {}, bindSchema(schema));
  const given: Record<string, string> = {};
  const declared = new Set(template.manifest.parameters.map((p) => p.name));
  for (const [name, value] of Object.entries(recorded)) {
    if (!declared.has(name) || JSON.stringify(value) === JSON.stringify(derived[name])) continue;
    given[name] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return given;
}

function schemaRefOf(text: string): string | undefined {
  return /^# yaml-language-server: \$schema=(\S+)/m.exec(text)?.[1];
}

interface Base { text: string; from: 'file' | 'rendered' }

async function baseOf(file: string, plan: Plan, theirs: Regenerated, options: RegenerateOptions): Promise<Base> {
  const baseFile = baseFileOf(file);
  const provenance = plan.generated_by!;
  if (existsSync(baseFile)) {
    const text = readTextFile(baseFile);
    // Parameters may differ (edited by hand in generated_by: then they are the new ones); the template may not.
    // The header is enough to tell (the base is parsed in full by the merge).
    const recorded = /^generated_by:\r?\n\s+template: (\S+)/m.exec(text)?.[1];
    if (recorded !== provenance.template) {
      throw PlanInputError.single(`${basename(baseFile)} is not the base of this plan: it was written by template ${recorded ?? '(none)'}`, {
        location: { file: baseFile }, hint: 'restore the base file that belongs to this plan from version control (plan new and plan update write both)',
      });
    }
    return { text, from: 'file' };
  }
  if (provenance.template_version !== theirs.version.now) {
    throw PlanInputError.single(`${basename(baseFile)} is missing, and the template changed since the plan was generated ` +
      `(${provenance.template_version ?? 'no version recorded'} → ${theirs.version.now}): what it wrote then cannot be known`, {
      location: { file: baseFile }, hint: 'restore the base file from version control; plan new and plan update write it beside the plan',
    });
  }
  // Same template version: rendering the recorded parameters again gives what it wrote then.
  const again = await regenerate(file, plan, { ...options, set: [] });
  return { text: again.text, from: 'rendered' };
}

const SHOWN = 60;

function summarize(r: UpdatePlanResult, dryRun: boolean): string {
  const lines: string[] = [];
  if (r.unchanged) lines.push(`${r.file}: nothing to update (the template writes what it wrote, or your file already has it)`);
  else lines.push(`${dryRun ? 'Would update' : 'Updated'} ${r.file} from template ${r.template}${r.templateChanged ? ' (a newer version of it)' : ''}:`);
  // A long update (a thousand new tables) lists its first changes; --json has them all.
  const shown = [...r.applied.map((a) => `  ${a}`), ...r.notices.map((n) => `  note: ${n}`)];
  lines.push(...shown.slice(0, SHOWN), ...(shown.length > SHOWN ? [`  … and ${shown.length - SHOWN} more (--json lists every one)`] : []));
  if (r.conflicts.length) {
    lines.push(`${r.conflicts.length} conflict${r.conflicts.length > 1 ? 's' : ''}: changed by you and by the template differently; ` +
      'your value stays in the field, the template\'s is under conflicts: in the file. Settle each, then delete its entry.');
    for (const c of r.conflicts) lines.push(`  ${c.at.join('.')}: yours ${brief(c.yours)}; template ${brief(c.template)}`);
  }
  if (dryRun && r.diff) lines.push('', r.diff.trimEnd());
  lines.push('', formatCheck(r.check, useColor()));
  return lines.join('\n');
}

function brief(value: unknown): string {
  if (value === undefined) return '(none)';
  const s = JSON.stringify(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
