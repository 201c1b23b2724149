import { Args, Flags } from '@oclif/core';
import { FRAMEWORKS, scaffoldPlan, type ScaffoldResult } from '../src/app/scaffold.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag } from '../src/cli/flags.js';

export default class Scaffold extends BaseCommand {
  static override summary = 'Write the migration files for the plan\'s statements, in a framework\'s format, after what DIR already holds.';
  static override description =
    'One migration step per task with statements (sql.up), in run order; a statement that must not run in a transaction ' +
    '(or a batched loop) is a step of its own. Plain SQL: deploy/revert/verify files (Sqitch\'s triplet), numbered after DIR\'s; ' +
    'Knex: migrations/<timestamp>_name.js; Prisma: prisma/migrations/<timestamp>_name/migration.sql (with down.sql and verify.sql). Django: <app>/migrations/NNNN_name.py (RunSQL with its reverse, atomic = False where a statement must run alone, dependencies from the app\'s leaf); Alembic: versions/<rev>_name.py (down_revision from the head, autocommit_block() for what must run alone). Values of placeholders: psql -v, PLAN_<NAME> in the environment (Django, Knex), alembic -x name=value, or --set (Prisma). ' +
    'Existing files are never overwritten; each file carries a marker, so a second run writes nothing new and says so. ' +
    'The framework defaults to the plan\'s generated_by framework parameter, else sql. ' +
    'Exit codes: 0 written (or nothing new), 1 a plan with errors, 2 bad usage.';
  static override examples = [
    '<%= config.bin %> scaffold plan.yaml --dir db',
    '<%= config.bin %> scaffold plan.yaml --framework prisma --set owner_tenant=00000000-0000-4000-8000-000000000001',
    '<%= config.bin %> scaffold plan.yaml --framework knex --dry-run',
  ];
  static override args = { file: Args.string({ required: true, description: 'Plan file.' }) };
  static override flags = {
    dir: Flags.string({ description: 'The project folder the migrations go into.', default: '.' }),
    framework: Flags.string({ options: FRAMEWORKS, description: 'Migration framework [default: the plan\'s framework parameter, else sql].' }),
    'dry-run': Flags.boolean({ description: 'Say what would be written (with --json, the files\' text too); write nothing.' }),
    set: Flags.string({ char: 's', multiple: true, description: 'A placeholder\'s value as name=value (repeatable), written into frameworks that take no parameters (Prisma).' }),
    app: Flags.string({ description: 'The application the migrations belong to (Django\'s app label).' }),
    config: configFlag,
  };

  async run(): Promise<ScaffoldResult> {
    const { args, flags } = await this.parse(Scaffold);
    const { result, text } = await scaffoldPlan({
      file: args.file, dir: flags.dir, framework: flags.framework, dryRun: flags['dry-run'], set: flags.set, app: flags.app, configFile: flags.config,
    });
    this.log(text);
    return result;
  }
}
