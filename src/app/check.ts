/**
 * `plan check` and `plan show`: the two commands that report a plan's errors instead of refusing it.
 * Each returns the check result (the `--json` document) and the text to print.
 */
import { checkFile, type CheckOptions } from '../check/pipeline.js';
import type { CheckResult } from '../check/result.js';
import { asciiPlan } from '../diagram/ascii.js';
import { planProgress, type Progress } from '../progress/progress.js';
import { formatCheck, formatShow } from '../text/check.js';
import { formatProgress } from '../text/progress.js';
import { fitLines, terminalWidth } from '../text/layout.js';
import { toGithubAnnotations, toSarif } from '../text/sarif.js';
import { useColor } from '../text/style.js';

export type { CheckResult } from '../check/result.js';

export const CHECK_FORMATS = ['text', 'sarif', 'github'] as const;

export interface CheckPlanOptions extends CheckOptions {
  file: string;
  format?: (typeof CHECK_FORMATS)[number];
  /** Also the plan wave by wave (ASCII), when it has no errors. */
  graph?: boolean;
  /** The CLI's version, for SARIF. */
  version?: string;
  /** Columns the text fits in [default: the terminal's, 80 when not a terminal]. */
  width?: number;
}

export async function checkPlan(options: CheckPlanOptions): Promise<{ result: CheckResult; text: string }> {
  const checked = await checkFile(options.file, options);
  const { result } = checked;
  switch (options.format ?? 'text') {
    case 'sarif':
      return { result, text: JSON.stringify(toSarif(result, options.version ?? ''), null, 2) };
    case 'github':
      return { result, text: toGithubAnnotations(result) };
    default: {
      const graph = options.graph && result.ok ? `\n\n${asciiPlan(checked.outline)}` : '';
      return { result, text: formatCheck(result, useColor(), options.width ?? terminalWidth()) + graph };
    }
  }
}

/** `plan show`; once any task records a state, with the plan's progress (`progress` in JSON). */
export async function showPlan(options: CheckOptions & { file: string; width?: number }): Promise<{ result: CheckResult & { progress?: Progress }; text: string }> {
  const { result, loaded, analysis } = await checkFile(options.file, options);
  const width = options.width ?? terminalWidth();
  const progress = planProgress(loaded.plan, analysis);
  const shown = formatShow(result, useColor(), width);
  if (!progress.started) return { result, text: shown };
  return { result: { ...result, progress }, text: `${shown}\n\n${fitLines(`Progress: ${formatProgress(progress, undefined, width)}`, width)}` };
}
