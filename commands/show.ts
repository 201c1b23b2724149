import { Args } from '@oclif/core';
import { checkPlanFile, type PlanReport } from '../src/app/check.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag } from '../src/cli/flags.js';
import { loadRuleConfig } from '../src/rules/config.js';
import { useColor } from '../src/text/style.js';
import { formatShow } from '../src/text/check.js';

export default class Show extends BaseCommand {
  static override summary = 'The plan on one screen: waves, critical path, widest wave, points of no return, findings.';
  static override examples = ['<%= config.bin %> show multi-tenant.plan.yaml', '<%= config.bin %> show multi-tenant.plan.yaml --json'];
  static override args = { file: Args.string({ required: true, description: 'Plan file.' }) };
  static override flags = { config: configFlag };

  async run(): Promise<PlanReport> {
    const { args, flags } = await this.parse(Show);
    const report = checkPlanFile(args.file, { config: loadRuleConfig(flags.config) });
    process.exitCode = report.exitCode;
    this.log(formatShow(report, useColor()));
    return report;
  }
}
