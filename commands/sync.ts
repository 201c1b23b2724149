import { Args, Flags } from '@oclif/core';
import { formatSync, SYNC_DIALECTS, syncFromTracker, type SyncReport } from '../src/app/sync.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag } from '../src/cli/flags.js';

export default class Sync extends BaseCommand {
  static override summary = "Read a tracker's state back: each task's status there, and the drift from the plan.";
  static override description =
    "Runs the tracker's own CLI (Taskwarrior `task export`, Backlog.md `backlog task list --json`) and maps its items to the " +
    "plan's tasks through the export's state file (or the marks the export left: Taskwarrior uuids, Backlog.md labels). " +
    'Drift is reported: a task done while a dependency is not, a task without an item, an item of this plan the plan does ' +
    'not know. Each status that differs from the plan\'s is then recorded in the plan file, every other byte kept (as `plan done` ' +
    'does), so `plan status` and `plan next` follow the tracker; drift is recorded as it is, for `plan check` to report. ' +
    'The tracker is only read. --dry-run records nothing.';
  static override examples = [
    '<%= config.bin %> sync multi-tenant.plan.yaml --from taskwarrior',
    '<%= config.bin %> sync multi-tenant.plan.yaml --from backlog --json',
  ];
  static override args = {
    file: Args.string({ required: true, description: 'Plan file.' }),
  };
  static override flags = {
    from: Flags.string({ required: true, options: [...SYNC_DIALECTS], description: 'Tracker to read.' }),
    state: Flags.string({ description: "The export's state file (default: $PLAN_EXPORT_STATE, else the export's default name here)." }),
    config: configFlag,
    'dry-run': Flags.boolean({ description: 'Report only: record nothing in the plan file.' }),
  };

  async run(): Promise<SyncReport> {
    const { args, flags } = await this.parse(Sync);
    const report = await syncFromTracker({ file: args.file, from: flags.from as (typeof SYNC_DIALECTS)[number], state: flags.state, configFile: flags.config, dryRun: flags['dry-run'] });
    if (!this.jsonEnabled()) process.stdout.write(formatSync(report));
    return report;
  }
}
