import { Args } from '@oclif/core';
import { planNext } from '../src/app/state.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag } from '../src/cli/flags.js';

export default class Next extends BaseCommand {
  static override summary = 'What can start now: tasks whose dependencies are all done or skipped, least slack first.';
  static override description =
    'Lists the tasks not done or skipped whose every dependency is, ordered by slack on the remaining critical path ' +
    '(how long each may wait without moving the finish), with the reason each is ready. Failed and in-progress tasks ' +
    'whose dependencies are done are listed too, marked.';
  static override examples = ['<%= config.bin %> next multi-tenant.plan.yaml', '<%= config.bin %> next multi-tenant.plan.yaml --json'];
  static override args = { file: Args.string({ required: true, description: 'Plan file.' }) };
  static override flags = { config: configFlag };

  async run(): Promise<Awaited<ReturnType<typeof planNext>>['result']> {
    const { args, flags } = await this.parse(Next);
    const { result, text } = await planNext({ file: args.file, configFile: flags.config });
    this.log(text);
    return result;
  }
}
