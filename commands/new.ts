import { Args, Flags } from '@oclif/core';
import { newPlan, type NewPlanResult } from '../src/app/new.js';
import { describeTemplates } from '../src/app/templates.js';
import { askNewPlan } from '../src/cli/prompt.js';
import { PlanInputError } from '../src/errors.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag, templatesDirFlag } from '../src/cli/flags.js';
import { loadRuleConfig } from '../src/rules/config.js';
import { useColor } from '../src/text/style.js';
import { formatReport } from '../src/text/check.js';

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
    out: Flags.string({ char: 'o', description: 'Output file [default: <template>.plan.yaml].' }),
    force: Flags.boolean({ char: 'f', description: 'Replace the output file if it exists.' }),
    'templates-dir': templatesDirFlag,
    config: configFlag,
    'dry-run': Flags.boolean({ description: 'Expand and check, print the plan, write nothing.' }),
  };

  /** No template given: ask on a terminal; elsewhere fail fast with what to pass. */
  private async ask(templatesDirs: string[] | undefined) {
    const templates = describeTemplates(templatesDirs);
    if (!process.stdin.isTTY || !process.stdout.isTTY || this.jsonEnabled()) {
      throw PlanInputError.single('plan new needs a template (no terminal to ask on)', {
        hint: `templates: ${templates.map((t) => t.name).join(', ')}; e.g. plan new multi-tenant --tables users,orders --db postgres ` +
          '--set tenant_column=tenant_id (plan templates lists every parameter)',
      });
    }
    return askNewPlan(templates, process.stdin, process.stdout);
  }

  async run(): Promise<NewPlanResult> {
    const { args, flags } = await this.parse(New);
    const { template, given } = args.template ? { template: args.template, given: {} } : await this.ask(flags['templates-dir']);
    const result = newPlan({
      template,
      set: [...(flags.set ?? []), ...Object.entries(given).map(([k, v]) => `${k}=${v}`)],
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
    if (result.written) {
      this.log(`\nNext:\n  plan show ${result.file}            # the plan on one screen\n` +
        `  plan report ${result.file} --format html --out kickoff.html   # the kickoff document\n` +
        `  plan graph ${result.file} --format svg --out graph.svg       # the dependency diagram\n` +
        `  plan export ${result.file} --to taskwarrior --out tasks.sh  # tracker commands`);
    }
    else if (!flags['dry-run']) this.log(`\n${result.file} not written: the expanded plan has errors (a template bug).`);
    return result;
  }
}
