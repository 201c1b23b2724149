import { StateCommandBase } from '../src/cli/state-command.js';

export default class Skip extends StateCommandBase {
  static override summary = 'Mark tasks skipped: not needed; the tasks after them may start.';
  static override description = 'Records state: {status: skipped, at, by, note} in the plan file; say why with --note. A checkpoint needs --by.';
  static override examples = [
    '<%= config.bin %> skip multi-tenant.plan.yaml T1',
    '<%= config.bin %> skip multi-tenant.plan.yaml T2 T3 --note "…"',
  ];
  protected readonly command = 'skip';
}
