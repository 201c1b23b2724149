import { Args, Flags } from '@oclif/core';
import { DEFAULT_ROWS, rehearsePlan, type RehearseResult } from '../src/app/rehearse.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { configFlag } from '../src/cli/flags.js';

export default class Rehearse extends BaseCommand {
  static override summary = 'Run the plan\'s statements on a throwaway database: up, verify, down, compare, up again.';
  static override description =
    'Builds the starting schema: the one the plan records (its schema: section, from plan new --schema) or --schema, ' +
    'otherwise the one the statements assume; seeds rows with edge values (NULLs, duplicates, orphans, empty ' +
    'and longest strings, non-ASCII), then for each phase: up (transactions and batched loops as written), verify, ' +
    'down (the database compared with a snapshot from before up), up and verify again. PostgreSQL: an embedded server ' +
    'started for the run, or --url; SQLite: in this process; MySQL/MariaDB: --url; MongoDB: parse-only. ' +
    'With --probe, each DDL step also runs while an old transaction holds its table and a writer writes: a step that ' +
    'blocks the writer beyond its lock timeout (none counts as zero) fails. ' +
    'Exit codes: 0 rehearsed without failure, 1 a failure (located to task and statement) or a plan with errors, 2 bad usage.';
  static override examples = [
    '<%= config.bin %> rehearse plan.yaml',
    '<%= config.bin %> rehearse plan.yaml --url postgres://postgres@127.0.0.1:5432/postgres --phase B',
    '<%= config.bin %> rehearse plan.yaml --probe',
    '<%= config.bin %> rehearse plan.yaml --url mysql://root:secret@127.0.0.1:3306/ --rows 1000 --json',
  ];
  static override args = { file: Args.string({ required: true, description: 'Plan file.' }) };
  static override flags = {
    url: Flags.string({ description: 'A PostgreSQL or MySQL server: a throwaway database is created there, and dropped after.' }),
    schema: Flags.string({ description: 'Start from this schema (pg_dump --schema-only, mysqldump --no-data, sqlite3 .schema, Prisma, Atlas JSON, plan inspect output) instead of the plan\'s schema: section.' }),
    rows: Flags.integer({ min: 0, max: 1_000_000, default: DEFAULT_ROWS, description: 'Rows seeded per table.' }),
    phase: Flags.string({ description: 'Rehearse this phase only (the phases before it are rolled forward first).' }),
    set: Flags.string({ char: 's', multiple: true, description: 'A placeholder\'s value as name=value (repeatable); otherwise each declared placeholder\'s example is used.' }),
    keep: Flags.boolean({ description: 'Keep the throwaway database and say how to connect to it.' }),
    probe: Flags.boolean({ description: 'Concurrency probes: while each DDL step runs, an old transaction holds the table and a writer writes; reports locks, writer blocking, fail-fast lock timeouts, cancelled builds (PostgreSQL, MySQL/MariaDB).' }),
    config: configFlag,
  };

  async run(): Promise<RehearseResult> {
    const { args, flags } = await this.parse(Rehearse);
    const { result, text } = await rehearsePlan({
      file: args.file, url: flags.url, schemaFile: flags.schema, rows: flags.rows, phase: flags.phase, keep: flags.keep, set: flags.set, probe: flags.probe, configFile: flags.config,
      progress: (line) => process.stderr.write(`${line}\n`),
    });
    process.exitCode = result.exitCode;
    this.log(text);
    return result;
  }
}
