import { Args, Flags } from '@oclif/core';
import { newPlan, type NewPlanResult } from '../src/app/new.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag, templatesDirFlag } from '../src/cli/flags.js';
import { loadRuleConfig } from '../src/rules/config.js';
import { useColor } from '../src/render/style.js';
import { formatReport } from '../src/render/summary.js';

export default class New extends BaseCommand {
  static override summary = 'Expand a migration template into a plan file.';
  static override description =
    'Writes <template>.plan.yaml (or --out) atomically and never replaces an existing file without --force. ' +
    'Exit codes: 0 written, 1 the expanded plan has errors (nothing written), 2 bad usage or parameters.';
  static override examples = [
    '<%= config.bin %> new multi-tenant',
    '<%= config.bin %> new multi-tenant --tables users,orders --db postgres',
    '<%= config.bin %> new multi-tenant --set tenant_column=account_id --out plans/tenancy.plan.yaml',
  ];
  static override args = {
    template: Args.string({ required: true, description: 'Template name (see `plan templates`).' }),
  };
  static override flags = {
    set: Flags.string({ char: 's', multiple: true, description: 'Template parameter as key=value (repeatable).' }),
    tables: Flags.string({ description: 'Tables, comma-separated (the template\'s `tables` parameter).' }),
    db: Flags.string({ description: 'Database engine (the template\'s `db` parameter).' }),
    out: Flags.string({ char: 'o', description: 'Output file [default: <template>.plan.yaml].' }),
    force: Flags.boolean({ char: 'f', description: 'Replace the output file if it exists.' }),
    'templates-dir': templatesDirFlag,
    config: configFlag,
    'dry-run': Flags.boolean({ description: 'Expand and check, print the plan, write nothing.' }),
  };

  async run(): Promise<NewPlanResult> {
    const { args, flags } = await this.parse(New);
    const result = newPlan({
      template: args.template,
      set: flags.set,
      flags: { tables: flags.tables, db: flags.db },
      out: flags.out,
      force: flags.force,
      templatesDirs: flags['templates-dir'],
      dryRun: flags['dry-run'],
      config: loadRuleConfig(flags.config),
    });
    process.exitCode = result.report.exitCode;
    if (flags['dry-run']) this.log(result.text);
    else if (result.written) this.log(`Wrote ${result.file}`);
    this.log(formatReport(result.report, useColor()));
    if (result.written) this.log(`\nNext: plan check ${result.file}`);
    else if (!flags['dry-run']) this.log(`\n${result.file} not written: the expanded plan has errors (a template bug).`);
    return result;
  }
}
