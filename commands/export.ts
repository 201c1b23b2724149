import { Args, Flags } from '@oclif/core';
import { DIALECT_NAMES, DIALECTS, exportPlan, type ExportResult } from '../src/app/export.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag } from '../src/cli/flags.js';

export default class Export extends BaseCommand {
  static override summary = 'Export a plan to a task tracker: a script that runs as it is, or an import file.';
  static override description =
    'Scripts are bash (set -euo pipefail), capture each created id and pass it to later --depends and parent ' +
    'flags, and keep a state file (PLAN_EXPORT_STATE) so running them again creates nothing twice. Every value ' +
    'is shell-quoted. A plan with errors is not exported (exit 1).\n\nDialects:\n' +
    DIALECTS.map((d) => `  ${d.name.padEnd(19)} ${d.summary}`).join('\n');
  static override examples = [
    '<%= config.bin %> export multi-tenant.plan.yaml --to taskwarrior --out tasks.sh && bash tasks.sh',
    '<%= config.bin %> export multi-tenant.plan.yaml --to markdown',
    '<%= config.bin %> export multi-tenant.plan.yaml --template my-tracker.hbs --out my.txt',
  ];
  static override args = {
    file: Args.string({ required: true, description: 'Plan file.' }),
  };
  static override flags = {
    to: Flags.string({ char: 't', options: DIALECT_NAMES, description: 'Tracker dialect.', exclusive: ['template'] }),
    template: Flags.string({ description: 'Your own dialect: a Handlebars file with the same helpers and data as the built-ins.' }),
    out: Flags.string({ char: 'o', description: 'Write here (scripts are made executable) instead of printing.' }),
    force: Flags.boolean({ char: 'f', description: 'Replace --out if it exists.' }),
    'dry-run': Flags.boolean({ description: 'Print what would be written; write nothing.' }),
    config: configFlag,
  };

  async run(): Promise<ExportResult> {
    const { args, flags } = await this.parse(Export);
    const result = await exportPlan({
      file: args.file, to: flags.to, template: flags.template, out: flags.out, force: flags.force,
      dryRun: flags['dry-run'], configFile: flags.config,
    });
    if (result.written) this.logToStderr(`Wrote ${result.out}${result.kind === 'script' ? ` (run it: bash ${result.out})` : ''}`);
    else if (!this.jsonEnabled()) process.stdout.write(result.text);
    if (result.limits) this.logToStderr(`Note (${result.dialect}): ${result.limits}.`);
    return result;
  }
}
