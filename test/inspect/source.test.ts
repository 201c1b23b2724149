/** readSchemaSource: `--url` or `--schema`, `--stats` over either, `--db` agreeing; on a SQLite file built with the sqlite3 CLI. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSchemaSource } from '../../src/inspect/source.js';
import { tempDir } from '../helpers.js';

function database(): { dir: string; url: string } {
  const dir = tempDir();
  const file = join(dir, 'app.db');
  const r = spawnSync('sqlite3', [file], { encoding: 'utf8', input: 'CREATE TABLE accounts (id INTEGER PRIMARY KEY); CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);' });
  if (r.status !== 0) throw new Error(r.stderr);
  return { dir, url: `sqlite://${file}` };
}

describe('readSchemaSource', () => {
  it('reads --url, reports rows it cannot know, and drops that gap once --stats gives them', async () => {
    const { dir, url } = database();
    const live = await readSchemaSource({ url });
    expect(live.gaps).toEqual(['rows: unknown for 2 of 2 tables (ANALYZE never ran): accounts, notes; --stats can give them']);
    writeFileSync(join(dir, 'stats.yaml'), 'tables: {accounts: {rows: 7}, notes: {rows: 9, bytes: 4096}}\n');
    const withStats = await readSchemaSource({ url, stats: join(dir, 'stats.yaml') });
    expect(withStats.gaps).toEqual([]);
    expect(withStats.schema.tables.map((t) => [t.name, t.rows, t.bytes])).toEqual([['accounts', 7, undefined], ['notes', 9, 4096]]);
  });

  it('takes exactly one of --url and --schema, and a --db that agrees with the database', async () => {
    const { url } = database();
    await expect(readSchemaSource({})).rejects.toThrow('the schema is needed: --url or --schema');
    await expect(readSchemaSource({ url, schema: 'schema.sql' })).rejects.toThrow('give --url or --schema, not both');
    await expect(readSchemaSource({ url, db: 'postgres' })).rejects.toThrow(`the database at ${url} is sqlite, but --db says postgres`);
    expect((await readSchemaSource({ url, db: 'sqlite' })).schema.engine).toBe('sqlite');
  });
});
