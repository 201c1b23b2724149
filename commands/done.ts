import { StateCommandBase } from '../src/cli/state-command.js';

export default class Done extends StateCommandBase {
  static override summary = 'Mark tasks done: refused (exit 1) while a dependency is not done or skipped.';
  static override description = 'Records state: {status: done, at, by, note} in the plan file, keeping every other byte of it (comments, key order, formatting). A checkpoint needs --by (its sign-off, with --evidence); a point of no return needs --confirm. Several ids are recorded in the order given, all or none. Exit codes: 0 recorded, 1 a dependency is not done, 2 unknown id, missing --by or --confirm, unreadable plan.';
  static override examples = [
    '<%= config.bin %> done multi-tenant.plan.yaml T1',
    '<%= config.bin %> done multi-tenant.plan.yaml G1 --by alice --evidence "staging run 2026-11-20: counts match"',
  ];
  protected readonly command = 'done';
}
