import { Args } from '@oclif/core';
import { listRules, showRule, type RuleInfo } from '../src/app/rules.js';
import { BaseCommand } from '../src/cli/base-command.js';

export default class Rules extends BaseCommand {
  static override summary = 'The rules plan check runs: the catalog, or one rule\'s page.';
  static override description = 'Each rule has an id (what plan.config.yaml, suppressions and SARIF name), a default severity, ' +
    'and the public tools it comes from. With an id: the rule\'s page (why, a failing and a passing example, how to fix). ' +
    'Exit codes: 0, 2 unknown rule.';
  static override examples = ['<%= config.bin %> rules', '<%= config.bin %> rules cycle', '<%= config.bin %> rules --json'];
  static override args = { id: Args.string({ description: 'A rule id.' }) };

  async run(): Promise<{ rules: RuleInfo[] } | { rule: RuleInfo }> {
    const { args } = await this.parse(Rules);
    const { text, ...result } = args.id ? showRule(args.id) : listRules();
    if (!this.jsonEnabled()) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return result;
  }
}
