import { Args } from '@oclif/core';
import { checkTemplateDir } from '../../src/app/templates.js';
import { BaseCommand } from '../../src/cli/base-command.js';
import { templatesDirFlag } from '../../src/cli/flags.js';
import { ExitCode } from '../../src/errors.js';
import { formatFindings, formatHeadline } from '../../src/text/check.js';

export default class TemplatesCheck extends BaseCommand {
  static override summary = 'Check a template folder: render it with its defaults and example values, and check each plan.';
  static override description = 'Exit codes: 0 every plan is clean, 1 a plan has errors, 2 a template mistake (unknown variable, bad YAML after rendering, bad template.yaml).';
  static override examples = ['<%= config.bin %> templates check ./templates/my-change'];
  static override args = { dir: Args.string({ required: true, description: 'The template folder (with template.yaml and plan.yaml.hbs).' }) };
  // Engines are found where templates are: an extra folder's _engines/ adds or replaces engines.
  static override flags = { 'templates-dir': templatesDirFlag };

  async run() {
    const { args, flags } = await this.parse(TemplatesCheck);
    const results = checkTemplateDir(args.dir, flags['templates-dir']);
    for (const { report } of results) {
      this.log(formatHeadline(report));
      if (report.findings.length) this.log(formatFindings(report));
    }
    process.exitCode = results.every((r) => r.report.ok) ? ExitCode.ok : ExitCode.planErrors;
    return results;
  }
}
