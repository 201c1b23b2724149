import { BaseCommand } from '../../src/cli/base-command.js';
import { templatesDirFlag } from '../../src/cli/flags.js';
import { describeTemplates, formatTemplates, type TemplateListing } from '../../src/app/templates.js';

export default class Templates extends BaseCommand {
  static override summary = 'List migration templates and their parameters.';
  static override examples = ['<%= config.bin %> templates', '<%= config.bin %> templates --json'];
  static override flags = {
    'templates-dir': templatesDirFlag,
  };

  async run(): Promise<TemplateListing[]> {
    const { flags } = await this.parse(Templates);
    const listing = describeTemplates(flags['templates-dir']);
    this.log(formatTemplates(listing));
    return listing;
  }
}
