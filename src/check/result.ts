/**
 * The check result: what `plan check` found in a plan, the one shape every output shares (text, JSON,
 * SARIF, GitHub annotations, the kickoff document). The JSON shape is a documented contract (README).
 */
import { ExitCode, formatPath, type ExitCodeValue } from '../errors.js';
import { countBySeverity, type Finding } from '../findings.js';
import type { Analysis } from '../analysis/analyze.js';
import type { LoadedPlan } from '../model/load.js';
import type { RuleResults } from '../rules/run.js';
import { formatHours, type Risk } from '../model/schema.js';

export interface WaveRow {
  wave: number;
  phases: string[];
  phaseNames: string[];
  tasks: string[];
  checkpoints: string[];
  rollback: string;
  risk: Risk;
}

export interface CheckResult {
  file: string;
  ok: boolean;
  exitCode: ExitCodeValue;
  counts: { tasks: number; waves: number; checkpoints: number; errors: number; warnings: number; info: number };
  waves: WaveRow[];
  tasks: { id: string; title: string; phase: string; kind: string; wave: number | null; step: number | null; depends: string[]; pointOfNoReturn: boolean }[];
  edges: [string, string][];
  criticalPath: { tasks: string[]; hours: number; estimate: string };
  widestWave: { wave: number; size: number } | null;
  pointsOfNoReturn: string[];
  cycles: string[][];
  blockedByCycle: string[];
  findings: ReportedFinding[];
  /** Findings silenced by a task's `suppress`, with the reason written there. */
  suppressed: (ReportedFinding & { reason: string })[];
  strict: boolean;
}

export type ReportedFinding = Omit<Finding, 'path'> & { path: string; file: string; line?: number; column?: number };

const RISK_ORDER: Risk[] = ['low', 'medium', 'high', 'critical'];

/** The check result from an analysis and the rules' results (a stage of its own, timed by bench/). */
export function buildCheckResult(
  file: string,
  loaded: LoadedPlan,
  analysis: Analysis,
  results: RuleResults & { strict: boolean },
): CheckResult {
  const { plan, locate } = loaded;
  const counts = countBySeverity(results.findings);
  const ok = counts.error === 0 && !(results.strict && counts.warning > 0);
  const place = <F extends Finding>({ path, within, ...f }: F) => {
    const loc = locate(path, { within });
    return { ...f, path: formatPath(path), file, line: loc.line, column: loc.column };
  };
  const phases = new Map(plan.phases.map((p) => [p.id, p]));
  const tasks = analysis.tasks;
  return {
    file,
    ok,
    exitCode: ok ? ExitCode.ok : ExitCode.planErrors,
    counts: {
      tasks: tasks.length,
      waves: analysis.waves.length,
      checkpoints: tasks.filter((t) => t.kind === 'checkpoint').length,
      errors: counts.error,
      warnings: counts.warning,
      info: counts.info,
    },
    waves: analysis.waves.map((w) => {
      const ps = w.phases.map((id) => phases.get(id)).filter((p) => p !== undefined);
      return {
        wave: w.wave,
        phases: w.phases,
        phaseNames: ps.map((p) => p.name),
        tasks: w.taskIds,
        checkpoints: w.checkpoints,
        rollback: ps.map((p) => p.rollback).join(' / '),
        risk: ps.reduce<Risk>((max, p) => (RISK_ORDER.indexOf(p.risk) > RISK_ORDER.indexOf(max) ? p.risk : max), 'low'),
      };
    }),
    tasks: tasks.map((t) => {
      const s = analysis.schedule.get(t.id);
      return { id: t.id, title: t.title, phase: t.phase, kind: t.kind, wave: s?.wave ?? null, step: s?.step ?? null,
        depends: t.depends, pointOfNoReturn: t.point_of_no_return };
    }),
    edges: analysis.edges,
    criticalPath: { tasks: analysis.criticalPath.taskIds, hours: analysis.criticalPath.hours, estimate: formatHours(analysis.criticalPath.hours) },
    widestWave: analysis.widestWave ?? null,
    pointsOfNoReturn: analysis.pointsOfNoReturn,
    cycles: analysis.cycles,
    blockedByCycle: analysis.blockedByCycle,
    findings: results.findings.map(place),
    suppressed: results.suppressed.map(place),
    strict: results.strict,
  };
}
