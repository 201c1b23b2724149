/** Flags more than one command takes, declared once so their names and help stay the same. */
import { Flags } from '@oclif/core';

export const configFlag = Flags.string({ char: 'c', description: 'Rule configuration [default: ./plan.config.yaml when present].' });
export const templatesDirFlag = Flags.string({ multiple: true, description: 'Extra folder of templates (repeatable).' });

/** Where the user's database schema comes from: `plan new` plans from it, `plan inspect` shows it (src/inspect/source.ts). */
export const schemaSourceFlags = {
  url: Flags.string({ description: 'A live database to read the schema from, read-only: postgres://, mysql://, mariadb://, sqlite:, file:.', exclusive: ['schema'] }),
  schema: Flags.string({ description: 'A schema file: pg_dump --schema-only, mysqldump/mariadb-dump --no-data, sqlite3 .schema, schema.prisma, Atlas JSON, or plan inspect --out.' }),
  stats: Flags.string({ description: 'Rows and bytes per table (YAML or JSON: tables: {name: {rows, bytes}}), over the schema\'s.' }),
  timeout: Flags.integer({ min: 1, default: 10, description: 'Seconds for the connection and each statement of --url.' }),
};
