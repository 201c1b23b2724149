/**
 * SARIF 2.1.0, the format code-scanning tools (GitHub among them) read: one run, the rule catalog as
 * the driver's rules, one result per finding, located in the plan file.
 */
import type { CheckResult, ReportedFinding } from '../check/result.js';
import { pathToFileURL } from 'node:url';
import { RULES, rulePage } from '../rules/catalog.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export function toSarif(check: CheckResult, version: string): object {
  const result = (f: ReportedFinding, suppression?: string) => ({
    ruleId: f.rule,
    level: LEVEL[f.severity],
    message: { text: f.taskId ? `${f.taskId}: ${f.message}` : f.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: f.file },
        ...(f.line !== undefined ? { region: { startLine: f.line, startColumn: f.column ?? 1 } } : {}),
      },
      logicalLocations: [{ fullyQualifiedName: f.path }],
    }],
    ...(suppression ? { suppressions: [{ kind: 'inSource', justification: suppression }] } : {}),
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'plan',
          version,
          rules: RULES.map((r) => ({
            id: r.id,
            shortDescription: { text: r.summary },
            fullDescription: { text: r.why },
            help: { text: `${r.hint} (plan rules ${r.id})` },
            helpUri: pathToFileURL(rulePage(r.id)).href,
            defaultConfiguration: { level: LEVEL[r.severity] },
          })),
        },
      },
      results: [...check.findings.map((f) => result(f)), ...check.suppressed.map((f) => result(f, f.reason))],
    }],
  };
}

/** GitHub Actions workflow commands: each finding becomes an annotation on the plan file in the PR. */
export function toGithubAnnotations(result: CheckResult): string {
  const command = { error: 'error', warning: 'warning', info: 'notice' } as const;
  return result.findings
    .map((f) => {
      const props = [`file=${escapeProperty(f.file)}`, f.line !== undefined && `line=${f.line}`, f.column !== undefined && `col=${f.column}`,
        `title=${escapeProperty(`plan ${f.rule}`)}`].filter(Boolean).join(',');
      const text = `${f.taskId ? `${f.taskId}: ` : ''}${f.message}${f.hint ? ` (hint: ${f.hint})` : ''}`;
      return `::${command[f.severity]} ${props}::${escapeData(text)}`;
    })
    .join('\n');
}

// https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
