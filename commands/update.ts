import { Args, Flags } from '@oclif/core';
import { updatePlan, type UpdatePlanResult } from '../src/app/update.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag, schemaSourceFlags, templatesDirFlag } from '../src/cli/flags.js';

export default class Update extends BaseCommand {
  static override summary = 'Regenerate a plan with new parameters or a newer template, keeping every hand edit.';
  static override description =
    'A three-way merge: what the template wrote at generation (kept beside the plan in <name>.base.yaml), what it writes now ' +
    '(the recorded parameters, --set over them), and the file as edited. Tasks are matched by id and merged field by field; ' +
    'your tasks, deletions, statuses and sign-offs stay; lists such as depends and acceptance merge item by item. A field ' +
    'changed by you and by the template differently keeps your value and is recorded under conflicts:, which plan check ' +
    'reports at the field until you settle it. Exit codes: 0 updated (or nothing to update), 1 conflicts or plan errors, ' +
    '2 bad input (no generated_by, missing base after a template change, unknown parameter).';
  static override examples = [
    '<%= config.bin %> update multi-tenant.plan.yaml --set tables=users,orders,invoices',
    '<%= config.bin %> update multi-tenant.plan.yaml --dry-run',
    '<%= config.bin %> update tenancy.plan.yaml --schema schema.sql --json',
  ];
  static override args = {
    file: Args.string({ required: true, description: 'Plan file written by plan new (or plan update).' }),
  };
  static override flags = {
    set: Flags.string({ char: 's', multiple: true, description: 'Template parameter as key=value, over the recorded ones (repeatable).' }),
    ...schemaSourceFlags,
    'templates-dir': templatesDirFlag,
    config: configFlag,
    'dry-run': Flags.boolean({ description: 'Merge and check, print the diff, write nothing.' }),
  };

  async run(): Promise<UpdatePlanResult> {
    const { args, flags } = await this.parse(Update);
    const result = await updatePlan({
      file: args.file, set: flags.set, templatesDirs: flags['templates-dir'], dryRun: flags['dry-run'], configFile: flags.config,
      schema: { schema: flags.schema, url: flags.url, stats: flags.stats, timeout: flags.timeout },
    });
    process.exitCode = result.check.exitCode;
    this.log(result.summary);
    return result;
  }
}
