import { Args } from '@oclif/core';
import { checkTemplateDir } from '../../src/app/templates.js';
import { BaseCommand } from '../../src/cli/base-command.js';
import { templatesDirFlag } from '../../src/cli/flags.js';

export default class TemplatesCheck extends BaseCommand {
  static override summary = 'Check a template folder: render it with its defaults and example values, and check each plan.';
  static override description = 'Exit codes: 0 every plan is clean, 1 a plan has errors, 2 a template mistake (unknown variable, bad YAML after rendering, bad template.yaml).';
  static override examples = ['<%= config.bin %> templates check ./templates/my-change'];
  static override args = { dir: Args.string({ required: true, description: 'The template folder (with template.yaml and plan.yaml.hbs).' }) };
  // Engines are found where templates are: an extra folder's _engines/ adds or replaces engines.
  static override flags = { 'templates-dir': templatesDirFlag };

  async run() {
    const { args, flags } = await this.parse(TemplatesCheck);
    const { variants, exitCode, text } = await checkTemplateDir(args.dir, flags['templates-dir']);
    this.log(text);
    process.exitCode = exitCode;
    return variants;
  }
}
