import { StateCommandBase } from '../src/cli/state-command.js';

export default class Fail extends StateCommandBase {
  static override summary = 'Mark tasks failed: the tasks after them stay blocked.';
  static override description = 'Records state: {status: failed, at, by, note} in the plan file; say what happened with --note.';
  static override examples = [
    '<%= config.bin %> fail multi-tenant.plan.yaml T1',
    '<%= config.bin %> fail multi-tenant.plan.yaml T2 T3 --note "…"',
  ];
  protected readonly command = 'fail';
}
