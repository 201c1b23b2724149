import { Args } from '@oclif/core';
import { checkPlanFile, type PlanReport } from '../src/app/check.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { formatReport } from '../src/render/summary.js';

export default class Check extends BaseCommand {
  static override summary = 'Check a plan: integrity, dependency waves, critical path.';
  static override description =
    'Exit codes: 0 no errors, 1 the plan has errors (cycles, unknown or duplicate ids, wave order), ' +
    '2 the file cannot be read as a plan (missing, YAML syntax, schema).';
  static override examples = ['<%= config.bin %> check multi-tenant.plan.yaml', '<%= config.bin %> check plan.yaml --json'];
  static override args = {
    file: Args.string({ required: true, description: 'Plan file (YAML or JSON).' }),
  };

  async run(): Promise<PlanReport> {
    const { args } = await this.parse(Check);
    const report = checkPlanFile(args.file);
    process.exitCode = report.exitCode;
    this.log(formatReport(report));
    return report;
  }
}
