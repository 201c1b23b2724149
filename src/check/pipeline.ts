/**
 * The one way a command gets a plan: read the file once, parse it, analyse its graph once, run the rules
 * with the project's configuration, build the check result, and (on demand, once) the outline that
 * diagrams, exports and the kickoff document draw from. Each command then states its gate: `check` and
 * `show` report errors; every command that acts on a plan calls `requireNoErrors` first.
 */
import { basename } from 'node:path';
import { ExitCode, PlanInputError } from '../errors.js';
import { analyzePlan, type Analysis } from '../analysis/analyze.js';
import { readTextFile } from '../io/files.js';
import { parsePlan, type LoadedPlan } from '../model/load.js';
import { buildOutline, type Outline } from '../outline/outline.js';
import { loadRuleConfig, type RuleConfig } from '../rules/config.js';
import { runRules, type RuleResults } from '../rules/run.js';
import { STATE_RULES } from '../rules/integrity.js';
import { loadParsersFor } from '../sql/engines.js';
import { buildCheckResult, type CheckResult } from './result.js';

export interface CheckOptions {
  /** Rule configuration file (`--config`); without it, ./plan.config.yaml when present. */
  configFile?: string;
  /** A configuration given as data (`plan templates` checks with none, whatever the working directory has). Wins over `configFile`. */
  config?: RuleConfig;
  /** Warnings fail the check too (exit 1). */
  strict?: boolean;
}

export interface CheckedPlan {
  file: string;
  loaded: LoadedPlan;
  analysis: Analysis;
  rules: RuleResults;
  result: CheckResult;
  /** Built on first use and kept: only commands that draw or export need it. */
  readonly outline: Outline;
}

/** Reads, parses and checks a plan file. */
export async function checkFile(file: string, options: CheckOptions = {}): Promise<CheckedPlan> {
  return checkLoaded(file, parsePlan(readTextFile(file), file), options);
}

/**
 * Checks a plan that is already parsed (`plan new` expands one in memory). Asynchronous only to load
 * the statement parser the plan needs (WebAssembly compiles asynchronously); the rest is synchronous.
 */
export async function checkLoaded(file: string, loaded: LoadedPlan, options: CheckOptions = {}): Promise<CheckedPlan> {
  await loadParsersFor(loaded.plan);
  const config = options.config ?? loadRuleConfig(options.configFile);
  const analysis = analyzePlan(loaded.plan);
  const rules = runRules(loaded.plan, analysis, config);
  const result = buildCheckResult(file, loaded, analysis, { ...rules, strict: options.strict ?? false });
  let outline: Outline | undefined;
  return {
    file, loaded, analysis, rules, result,
    get outline() {
      outline ??= buildOutline(loaded.plan, analysis, basename(file));
      return outline;
    },
  };
}

/**
 * The gate of every command that acts on a plan (draw, report, export, …): a plan with errors has no
 * trustworthy order, so it is refused with every error located (exit 1), as `plan check` would list them.
 * `except` names rules a command can live with: by default the state rules, since recorded progress that
 * contradicts the graph (a tracker closed an item early) is drift to report (`check`, `status`), not a
 * reason to withhold a diagram, a report or an export.
 */
export function requireNoErrors(checked: CheckedPlan, except: ReadonlySet<string> = STATE_RULES): CheckedPlan {
  const errors = checked.result.findings.filter((f) => f.severity === 'error' && !except.has(f.rule));
  if (errors.length === 0) return checked;
  throw new PlanInputError(
    [
      ...errors.map((f) => ({
        message: `${f.taskId ? `${f.taskId}: ` : ''}error [${f.rule}] ${f.message}`,
        hint: f.hint,
        location: { file: f.file, line: f.line, column: f.column, path: f.path },
      })),
      { message: `the plan has ${errors.length} error${errors.length === 1 ? '' : 's'}: nothing was done`, hint: `fix them (plan check ${checked.file})` },
    ],
    ExitCode.planErrors,
  );
}
