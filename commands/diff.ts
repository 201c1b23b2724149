import { Args, Flags } from '@oclif/core';
import { DIFF_FORMATS, diffPlanFiles, type PlanDiff } from '../src/app/diff.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag, schemaSourceFlags, templatesDirFlag } from '../src/cli/flags.js';

export default class Diff extends BaseCommand {
  static override summary = 'What changed between two plans: tasks, fields, dependencies, waves, critical path, points of no return.';
  static override description =
    'Tasks are matched by id: moving a task in the file is no change. Each changed task lists its fields, lists ' +
    'item by item. With one file, compares it with what its template (generated_by) generates now. --format md ' +
    'is a pull request comment; --format json (or --json) the diff as data. Exit codes: 0 the diff was printed ' +
    '(whether or not the plans differ), 2 a file cannot be read (missing, YAML syntax, schema).';
  static override examples = [
    '<%= config.bin %> diff old.plan.yaml new.plan.yaml',
    '<%= config.bin %> diff old.plan.yaml new.plan.yaml --format md > comment.md',
    '<%= config.bin %> diff old.plan.yaml new.plan.yaml --json',
    '<%= config.bin %> diff tenancy.plan.yaml --set tables=users,orders,invoices   # what plan update would bring',
  ];
  static override args = {
    before: Args.string({ required: true, description: 'The plan before the change.' }),
    after: Args.string({ description: 'The plan after the change [default: what the first one\'s template generates now].' }),
  };
  static override flags = {
    format: Flags.option({ options: DIFF_FORMATS, default: 'text' as const,
      description: 'text for a terminal, md for a pull request comment, json for tools.' })(),
    set: Flags.string({ char: 's', multiple: true, description: 'With one file: template parameters as key=value over the recorded ones, to see what plan update would change.' }),
    ...schemaSourceFlags,
    'templates-dir': templatesDirFlag,
    config: configFlag,
  };

  async run(): Promise<PlanDiff> {
    const { args, flags } = await this.parse(Diff);
    const { diff, text } = await diffPlanFiles({ before: args.before, after: args.after, format: flags.format, configFile: flags.config,
      set: flags.set, templatesDirs: flags['templates-dir'], schema: { schema: flags.schema, url: flags.url, stats: flags.stats, timeout: flags.timeout } });
    if (!this.jsonEnabled()) this.log(text);
    return diff;
  }
}
