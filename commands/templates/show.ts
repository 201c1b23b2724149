import { Args } from '@oclif/core';
import { showTemplate } from '../../src/app/templates.js';
import { BaseCommand } from '../../src/cli/base-command.js';
import { templatesDirFlag } from '../../src/cli/flags.js';

export default class TemplatesShow extends BaseCommand {
  static override summary = 'One template: its parameters, an example command line, and the plan it makes on defaults.';
  static override examples = ['<%= config.bin %> templates show multi-tenant'];
  static override args = { name: Args.string({ required: true, description: 'Template name.' }) };
  static override flags = { 'templates-dir': templatesDirFlag };

  async run() {
    const { args, flags } = await this.parse(TemplatesShow);
    const { text, ...shown } = await showTemplate(args.name, flags['templates-dir']);
    this.log(text);
    return shown;
  }
}
