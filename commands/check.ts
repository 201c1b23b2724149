import { Args, Flags } from '@oclif/core';
import { checkPlanFile, type PlanReport } from '../src/app/check.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag } from '../src/cli/flags.js';
import { loadRuleConfig } from '../src/rules/config.js';
import { useColor } from '../src/text/style.js';
import { formatReport } from '../src/text/check.js';

export default class Check extends BaseCommand {
  static override summary = 'Check a plan: integrity, safety rules, dependency waves, critical path.';
  static override description =
    'Runs every rule in docs/rules/. Severities come from plan.config.yaml (or --config); a task may ' +
    'suppress a rule with a written reason. Exit codes: 0 no errors, 1 the plan has errors (or warnings ' +
    'with --strict), 2 the file or config cannot be read (missing, YAML syntax, schema).';
  static override examples = [
    '<%= config.bin %> check multi-tenant.plan.yaml',
    '<%= config.bin %> check plan.yaml --strict --format github',
    '<%= config.bin %> check plan.yaml --format sarif > plan.sarif',
    '<%= config.bin %> check plan.yaml --json',
  ];
  static override args = {
    file: Args.string({ required: true, description: 'Plan file (YAML or JSON).' }),
  };
  static override flags = {
    config: configFlag,
    strict: Flags.boolean({ description: 'Warnings fail the check too (exit 1).' }),
    graph: Flags.boolean({ description: 'Also print the plan wave by wave with dependencies (plan graph --format ascii).' }),
    format: Flags.string({ options: ['text', 'sarif', 'github'], default: 'text',
      description: 'text for people, sarif for code scanning, github for workflow annotations.' }),
  };

  async run(): Promise<PlanReport> {
    const { args, flags } = await this.parse(Check);
    const report = checkPlanFile(args.file, { config: loadRuleConfig(flags.config), strict: flags.strict });
    process.exitCode = report.exitCode;
    // CI formats and the ASCII graph are loaded only when asked for: start-up stays small.
    if (flags.format === 'sarif') {
      const { toSarif } = await import('../src/text/sarif.js');
      this.log(JSON.stringify(toSarif(report, this.config.version), null, 2));
    } else if (flags.format === 'github') {
      const { toGithubAnnotations } = await import('../src/text/sarif.js');
      this.log(toGithubAnnotations(report));
    } else this.log(formatReport(report, useColor()));
    if (flags.graph && flags.format === 'text' && report.ok) {
      const [{ loadView }, { asciiPlan }] = await Promise.all([import('../src/app/diagram.js'), import('../src/diagram/ascii.js')]);
      this.log(`\n${asciiPlan(loadView(args.file))}`);
    }
    return report;
  }
}
