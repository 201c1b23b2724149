import { Args, Flags } from '@oclif/core';
import { planStatus, type StatusResult } from '../src/app/state.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag } from '../src/cli/flags.js';

export default class Status extends BaseCommand {
  static override summary = 'Where a running plan stands: progress per wave, what is ready, open checkpoints, projected finish.';
  static override description =
    'Reads the states tasks record (plan start|done|skip|fail write them): a bar per wave, the work done by estimate, ' +
    'what is in progress, what can start now, the open checkpoints and what each blocks, whether the point of no return ' +
    'is behind, the remaining critical path (done and skipped tasks take no time, the rest their full estimate) and the ' +
    'projected finish in working days (8 h, Monday to Friday) from --start or today. Recorded states that contradict ' +
    'the plan are listed. Exit codes: 0, 1 the plan\'s graph has errors, 2 unreadable plan or bad --start.';
  static override examples = [
    '<%= config.bin %> status multi-tenant.plan.yaml',
    '<%= config.bin %> status multi-tenant.plan.yaml --start 2026-12-01 --json',
  ];
  static override args = { file: Args.string({ required: true, description: 'Plan file.' }) };
  static override flags = {
    start: Flags.string({ description: 'The day the remaining work starts, YYYY-MM-DD [default: today].' }),
    config: configFlag,
  };

  async run(): Promise<StatusResult> {
    const { args, flags } = await this.parse(Status);
    const { result, text } = await planStatus({ file: args.file, start: flags.start, configFile: flags.config });
    this.log(text);
    return result;
  }
}
