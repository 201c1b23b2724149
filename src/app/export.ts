/**
 * `plan export`: a checked plan rendered in a tracker's dialect, as a script that runs as it is or as
 * a file the tracker imports. A plan with errors is not exported; nor is a title the tracker refuses.
 */
import { basename, join } from 'node:path';
import { checkFile, requireNoErrors, type CheckOptions } from '../check/pipeline.js';
import { didYouMean, PlanInputError, type ErrorDetail } from '../errors.js';
import { writeFileAtomic } from '../io/files.js';
import { DIALECTS, type Dialect } from '../export/dialects.js';
import { compileTemplate } from '../handlebars/compile.js';
import { trackerHelpers } from '../export/helpers.js';
import { builtinTemplatesDir } from '../templates/registry.js';

export { DIALECT_NAMES, DIALECTS } from '../export/dialects.js';

export interface ExportOptions extends CheckOptions {
  file: string;
  /** A built-in dialect; or `template` for the user's own. */
  to?: string;
  template?: string;
  out?: string;
  force?: boolean;
  dryRun?: boolean;
}

export interface ExportResult {
  dialect: string;
  kind: 'script' | 'file';
  text: string;
  out?: string;
  written: boolean;
  /** What the tracker cannot carry, said plainly. */
  limits?: string;
}

export function trackersDir(): string {
  return join(builtinTemplatesDir(), 'trackers');
}

export async function exportPlan(options: ExportOptions): Promise<ExportResult> {
  const dialect = resolveDialect(options);
  const checked = requireNoErrors(await checkFile(options.file, options));
  const { plan, locate } = checked.loaded;
  const model = checked.outline;
  const refusals: ErrorDetail[] = [];
  for (const item of [model.epic, ...model.tasks]) {
    for (const refusal of dialect.refuse?.(item) ?? []) {
      const index = plan.tasks.findIndex((t) => t.id === item.id);
      const path = index >= 0 ? ['tasks', index, refusal.field] : ['epic', refusal.field];
      const what = refusal.field === 'title' ? `: ${JSON.stringify(item.title)}` : '';
      refusals.push({ message: `${refusal.message}${what}`, location: { ...locate(path), path: path.join('.') }, hint: `change the ${refusal.field}, or export --to another tracker` });
    }
  }
  if (refusals.length > 0) throw new PlanInputError(refusals);

  const file = options.template ?? join(trackersDir(), `${dialect.name}.hbs`);
  const render = compileTemplate(file, [join(trackersDir(), '_partials')], trackerHelpers);
  const text = render({
    ...model,
    dialect: dialect.name,
    source: basename(options.file),
    // Per plan (outline key): a second plan exported from the same folder keeps its own state.
    stateFile: `.plan-export-${dialect.name}-${model.key}.state`,
    legacyStateFile: `.plan-export-${dialect.name}-${model.epic.id}.state`,
  });
  const written = Boolean(options.out) && !options.dryRun;
  if (written) writeFileAtomic(options.out!, text, { force: options.force, mode: dialect.kind === 'script' ? 0o755 : 0o644 });
  return { dialect: dialect.name, kind: dialect.kind, text, out: options.out, written, limits: dialect.limits };
}

function resolveDialect(options: ExportOptions): Dialect {
  if (options.template) {
    return { name: basename(options.template).replace(/\.hbs$/, ''), kind: 'file', summary: 'user template' };
  }
  const found = DIALECTS.find((d) => d.name === options.to);
  if (found) return found;
  const guess = options.to ? didYouMean(options.to, DIALECTS.map((d) => d.name)) : undefined;
  throw PlanInputError.single(options.to ? `unknown tracker dialect "${options.to}"` : 'say which tracker: --to DIALECT or --template FILE', {
    hint: `${guess ? `did you mean "${guess}"? ` : ''}dialects: ${DIALECTS.map((d) => d.name).join(', ')}`,
  });
}
