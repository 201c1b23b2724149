import { Args, Flags } from '@oclif/core';
import { CHECK_FORMATS, checkPlan, type CheckResult } from '../src/app/check.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag } from '../src/cli/flags.js';

export default class Check extends BaseCommand {
  static override summary = 'Check a plan: integrity, safety rules, dependency waves, critical path.';
  static override description =
    'Runs every rule (plan rules lists them). Severities come from plan.config.yaml (or --config); a task may ' +
    'suppress a rule with a written reason. Exit codes: 0 no errors, 1 the plan has errors (or warnings ' +
    'with --strict), 2 the file or config cannot be read (missing, YAML syntax, schema).';
  static override examples = [
    '<%= config.bin %> check multi-tenant.plan.yaml',
    '<%= config.bin %> check plan.yaml --strict --format github',
    '<%= config.bin %> check plan.yaml --format sarif > plan.sarif',
    '<%= config.bin %> check plan.yaml --json',
  ];
  static override args = {
    file: Args.string({ required: true, description: 'Plan file (YAML or JSON).' }),
  };
  static override flags = {
    config: configFlag,
    strict: Flags.boolean({ description: 'Warnings fail the check too (exit 1).' }),
    graph: Flags.boolean({ description: 'Also print the plan wave by wave with dependencies (plan graph --format ascii).' }),
    format: Flags.option({ options: CHECK_FORMATS, default: 'text' as const,
      description: 'text for people, sarif for code scanning, github for workflow annotations.' })(),
  };

  async run(): Promise<CheckResult> {
    const { args, flags } = await this.parse(Check);
    const { result, text } = await checkPlan({ file: args.file, configFile: flags.config, strict: flags.strict, format: flags.format,
      graph: flags.graph, version: this.config.version });
    process.exitCode = result.exitCode;
    this.log(text);
    return result;
  }
}
