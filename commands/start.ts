import { StateCommandBase } from '../src/cli/state-command.js';

export default class Start extends StateCommandBase {
  static override summary = 'Mark tasks in progress (a point of no return needs --confirm).';
  static override description = 'Records state: {status: in-progress, at, by, note} in the plan file, keeping every other byte of it. Starting a task whose dependencies are not done is allowed, with a note.';
  static override examples = [
    '<%= config.bin %> start multi-tenant.plan.yaml T1',
    '<%= config.bin %> start multi-tenant.plan.yaml T2 T3 --note "…"',
  ];
  protected readonly command = 'start';
}
