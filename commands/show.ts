import { Args } from '@oclif/core';
import { showPlan, type CheckResult } from '../src/app/check.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag } from '../src/cli/flags.js';

export default class Show extends BaseCommand {
  static override summary = 'The plan on one screen: waves, critical path, widest wave, points of no return, findings.';
  static override examples = ['<%= config.bin %> show multi-tenant.plan.yaml', '<%= config.bin %> show multi-tenant.plan.yaml --json'];
  static override args = { file: Args.string({ required: true, description: 'Plan file.' }) };
  static override flags = { config: configFlag };

  async run(): Promise<CheckResult> {
    const { args, flags } = await this.parse(Show);
    const { result, text } = await showPlan({ file: args.file, configFile: flags.config });
    process.exitCode = result.exitCode;
    this.log(text);
    return result;
  }
}
