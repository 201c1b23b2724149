import { Flags } from '@oclif/core';
import { inspect, type InspectResult } from '../src/app/inspect.js';
import { BaseCommand } from '../src/cli/base-command.js';
import { schemaSourceFlags } from '../src/cli/flags.js';

export default class Inspect extends BaseCommand {
  static override summary = 'Read a database schema (live and read-only, or from a file) and summarise what plans would be made from.';
  static override description = 'With --url, reads the catalog of a live database in one read-only transaction with a time limit: ' +
    'PostgreSQL (pg_catalog, reltuples, pg_total_relation_size), MySQL and MariaDB (information_schema, VERSION()), SQLite ' +
    '(pragmas, on a copy of the file in memory). It runs no statement that writes and never counts rows. The password is ' +
    'kept out of everything it prints or writes. --out writes the model as JSON, to pass later as --schema. ' +
    'docs/schema-inputs.md describes every input. Exit codes: 0, 2 bad input or a database it cannot reach.';
  static override examples = [
    '<%= config.bin %> inspect --url postgres://readonly@db.internal:5432/app --out app.schema.json',
    '<%= config.bin %> inspect --url sqlite:///var/lib/app/app.db',
    '<%= config.bin %> inspect --schema app.schema.json --stats stats.yaml --json',
  ];
  static override flags = {
    ...schemaSourceFlags,
    db: Flags.option({ options: ['postgres', 'mysql', 'sqlite'] as const, description: 'The engine of a --schema file whose kind does not say.' })(),
    out: Flags.string({ char: 'o', description: 'Write the schema model as JSON here.' }),
    force: Flags.boolean({ char: 'f', description: 'Replace --out if it exists.' }),
  };

  async run(): Promise<Omit<InspectResult, 'text'>> {
    const { flags } = await this.parse(Inspect);
    const { text, ...result } = await inspect(flags);
    if (!this.jsonEnabled()) this.log(text);
    return result;
  }
}
