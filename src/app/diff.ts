/**
 * `plan diff A B`: both plans read through the check pipeline (unreadable input is a located error,
 * exit 2; a plan with errors is compared all the same), compared, and rendered. `plan diff FILE` alone
 * compares the file with what its template generates now: FILE is the before, the regenerated plan the after.
 */
import { checkFile, checkLoaded, type CheckOptions } from '../check/pipeline.js';
import { diffPlans, type PlanDiff } from '../diff/diff.js';
import { formatDiffMarkdown } from '../diff/markdown.js';
import { formatDiffText } from '../diff/text.js';
import { PlanInputError } from '../errors.js';
import type { LoadedPlan } from '../model/load.js';
import { regenerate, type RegenerateOptions } from './update.js';

export type { PlanDiff } from '../diff/diff.js';

export const DIFF_FORMATS = ['text', 'md', 'json'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export interface DiffOptions extends CheckOptions, RegenerateOptions {
  before: string;
  /** Without it, `before` is compared with its regeneration (`regenerate`). */
  after?: string;
  format?: DiffFormat;
  /**
   * What the plan's template (`generated_by`) generates now, from the file's own recorded template and
   * parameters (`set` over them, `schema` when it was generated from one). Given in tests; by default,
   * the rendering `plan update` merges from.
   */
  regenerate?: (file: string) => Promise<LoadedPlan>;
  /** Columns of the text format. */
  width?: number;
}

export async function diffPlanFiles(options: DiffOptions): Promise<{ diff: PlanDiff; text: string }> {
  const before = await checkFile(options.before, options);
  let after;
  if (options.after !== undefined) {
    after = await checkFile(options.after, options);
  } else {
    const provenance = before.loaded.plan.generated_by;
    if (!provenance) {
      throw PlanInputError.single('the plan records no template (no `generated_by`): there is nothing to regenerate it from', {
        location: { file: options.before }, hint: `compare two files instead: plan diff ${options.before} OTHER.yaml`,
      });
    }
    const again = options.regenerate ?? (async (file: string) => (await regenerate(file, before.loaded.plan, options)).loaded);
    const file = `${options.before} (regenerated from ${provenance.template})`;
    after = await checkLoaded(file, await again(options.before), options);
  }
  const diff = diffPlans(before, after);
  return { diff, text: render(diff, options.format ?? 'text', options.width) };
}

function render(diff: PlanDiff, format: DiffFormat, width?: number): string {
  switch (format) {
    case 'json':
      return JSON.stringify(diff, null, 2);
    case 'md':
      return formatDiffMarkdown(diff);
    default:
      return formatDiffText(diff, width);
  }
}
