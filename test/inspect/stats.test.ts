/** `--stats FILE`: rows and bytes per table, YAML or JSON, laid over a schema; errors located in the stats file. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanInputError } from '../../src/errors.js';
import { applyStats } from '../../src/inspect/query.js';
import { readStatsFile } from '../../src/inspect/read.js';
import type { DatabaseSchema } from '../../src/model/database.js';
import { tempDir } from '../helpers.js';

const column = { name: 'id', type: 'bigint', nullable: false, identity: true };
const table = (name: string, more: object = {}) => ({ name, columns: [column], primary_key: ['id'], foreign_keys: [], uniques: [], indexes: [], checks: [], triggers: [], ...more });
const SCHEMA: DatabaseSchema = {
  engine: 'postgres',
  source: { kind: 'pg_dump', file: 'schema.sql' },
  tables: [table('accounts', { rows: 10, bytes: 8192 }), table('projects', { rows: 99 }), table('tasks')],
  views: [],
};

function statsFile(name: string, text: string): string {
  const file = join(tempDir(), name);
  writeFileSync(file, text);
  return file;
}

async function failure(run: () => unknown): Promise<PlanInputError> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(PlanInputError);
    return err as PlanInputError;
  }
  throw new Error('expected a PlanInputError');
}

describe('--stats', () => {
  it('reads the YAML form and overrides rows and bytes of the tables it names, leaving the others', () => {
    const file = statsFile('stats.yaml', 'tables:\n  accounts:\n    rows: 1200000\n    bytes: 450000000\n  tasks:\n    rows: 52000000\n');
    const stats = readStatsFile(file);
    expect(stats).toEqual({ tables: { accounts: { rows: 1_200_000, bytes: 450_000_000 }, tasks: { rows: 52_000_000 } } });
    const schema = applyStats(SCHEMA, stats, file);
    expect(schema.tables.map((t) => [t.name, t.rows, t.bytes])).toEqual([
      ['accounts', 1_200_000, 450_000_000], ['projects', 99, undefined], ['tasks', 52_000_000, undefined],
    ]);
    // The schema it was laid over is unchanged.
    expect(SCHEMA.tables.map((t) => t.rows)).toEqual([10, 99, undefined]);
  });

  it('reads the JSON form, and keeps the schema\'s bytes where the file gives only rows', () => {
    const file = statsFile('stats.json', JSON.stringify({ tables: { accounts: { rows: 5 } } }));
    const schema = applyStats(SCHEMA, readStatsFile(file), file);
    expect(schema.tables[0]).toMatchObject({ name: 'accounts', rows: 5, bytes: 8192 });
  });

  it('refuses a table the schema lacks, located at its entry, with the closest name', async () => {
    const file = statsFile('stats.yaml', 'tables:\n  acounts:\n    rows: 1\n');
    const err = await failure(() => applyStats(SCHEMA, readStatsFile(file), file));
    expect(err.exitCode).toBe(2);
    expect(err.details).toEqual([{ message: 'table "acounts" is not in the schema', location: { file, path: 'tables.acounts' }, hint: 'did you mean "accounts"?' }]);
    expect(err.message).toBe(`${file}: tables.acounts: table "acounts" is not in the schema\n  hint: did you mean "accounts"?`);
  });

  it('refuses rows that are not a whole number, and unknown fields, at their line', async () => {
    const file = statsFile('stats.yaml', 'tables:\n  accounts:\n    rows: -3\n  tasks:\n    rows: 2\n    size: 10\n');
    const err = await failure(() => readStatsFile(file));
    expect(err.exitCode).toBe(2);
    expect(err.details.map((d) => [d.location?.line, d.location?.path])).toEqual([[3, 'tables.accounts.rows'], [6, 'tables.tasks.size']]);
  });

  it('refuses a missing file with exit 2', async () => {
    const err = await failure(() => readStatsFile(join(tempDir(), 'none.yaml')));
    expect(err.message).toMatch(/none\.yaml: no such file/);
  });
});
