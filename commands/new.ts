import { Args, Flags } from '@oclif/core';
import { newPlan, templateNeeded, type NewPlanResult } from '../src/app/new.js';
import { describeTemplates } from '../src/app/templates.js';
import { askNewPlan } from '../src/cli/prompt.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag, schemaSourceFlags, templatesDirFlag } from '../src/cli/flags.js';

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
    template: Args.string({ description: 'Template name (see `plan templates`). Left out on a terminal, plan asks.' }),
  };
  static override flags = {
    set: Flags.string({ char: 's', multiple: true, description: 'Template parameter as key=value (repeatable).' }),
    tables: Flags.string({ description: 'Tables, comma-separated (the template\'s `tables` parameter).' }),
    db: Flags.string({ description: 'Database engine (the template\'s `db` parameter).' }),
    ...schemaSourceFlags,
    out: Flags.string({ char: 'o', description: 'Output file [default: <template>.plan.yaml].' }),
    force: Flags.boolean({ char: 'f', description: 'Replace the output file if it exists.' }),
    'templates-dir': templatesDirFlag,
    config: configFlag,
    'dry-run': Flags.boolean({ description: 'Expand and check, print the plan, write nothing.' }),
  };

  /** No template given: ask on a terminal; elsewhere fail fast with what to pass. */
  private async ask(templatesDirs: string[] | undefined) {
    const templates = describeTemplates(templatesDirs);
    if (!process.stdin.isTTY || !process.stdout.isTTY || this.jsonEnabled()) throw templateNeeded(templates);
    return askNewPlan(templates, process.stdin, process.stdout);
  }

  async run(): Promise<NewPlanResult> {
    const { args, flags } = await this.parse(New);
    const { template, given } = args.template ? { template: args.template, given: {} } : await this.ask(flags['templates-dir']);
    const result = await newPlan({
      template,
      set: [...(flags.set ?? []), ...Object.entries(given).map(([k, v]) => `${k}=${v}`)],
      flags: { tables: flags.tables, db: flags.db },
      out: flags.out,
      force: flags.force,
      templatesDirs: flags['templates-dir'],
      dryRun: flags['dry-run'],
      configFile: flags.config,
      schema: { schema: flags.schema, url: flags.url, stats: flags.stats, timeout: flags.timeout },
    });
    process.exitCode = result.check.exitCode;
    if (flags['dry-run']) this.log(result.text);
    this.log(result.summary);
    return result;
  }
}
