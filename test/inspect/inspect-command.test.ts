/** `plan inspect` as a user runs it (the built CLI): a SQLite database read live, written as JSON, read back with --stats. */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.js';

function database(dir: string): string {
  const file = join(dir, 'app.db');
  const r = spawnSync('sqlite3', [file], {
    encoding: 'utf8',
    input: `CREATE TABLE accounts (id INTEGER PRIMARY KEY, name varchar(120) NOT NULL DEFAULT 'x');
      CREATE TABLE projects (id INTEGER PRIMARY KEY, account_id INTEGER NOT NULL REFERENCES accounts (id));
      CREATE INDEX projects_account_idx ON projects (account_id);
      INSERT INTO accounts (name) VALUES ('a'), ('b'), ('c'); INSERT INTO projects (account_id) VALUES (1); ANALYZE;`,
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return file;
}

describe('plan inspect', () => {
  it('summarises a live database, writes its model, and reads it back as --schema with --stats over it', () => {
    const dir = tempDir();
    const db = database(dir);
    const out = join(dir, 'app.schema.json');
    const live = runCli(['inspect', '--url', `sqlite://${db}`, '--out', out]);
    expect(live.code).toBe(0);
    expect(live.stdout).toContain(` · sqlite://${db} (live)\n2 tables, 4 columns, 1 foreign key, 1 index, 0 views\nrows: 4 in the 2 tables whose rows are known, of 2`);
    expect(live.stdout).toMatch(/accounts\s+3 rows\s+\?\s+2 columns/);
    expect(live.stdout).toContain(`Wrote ${out}`);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ engine: 'sqlite', source: { kind: 'live' }, tables: [{ name: 'accounts', rows: 3 }, { name: 'projects', rows: 1 }] });

    writeFileSync(join(dir, 'stats.yaml'), 'tables:\n  projects:\n    rows: 2500000\n    bytes: 1073741824\n');
    const file = runCli(['inspect', '--schema', out, '--stats', join(dir, 'stats.yaml'), '--json']);
    expect(file.code).toBe(0);
    const result = JSON.parse(file.stdout);
    expect(result.summary).toEqual({ engine: 'sqlite', version: expect.stringMatching(/^3\.\d+\.\d+$/), tables: 2, columns: 4, foreign_keys: 1, indexes: 1, views: 0, rows: 2_500_003, tables_with_rows: 2 });
    expect(result.schema.tables[1]).toMatchObject({ name: 'projects', rows: 2_500_000, bytes: 1_073_741_824 });
    expect(result.fingerprint).toMatch(/^[0-9a-f]{16}$/);

    const again = runCli(['inspect', '--url', `sqlite:${db}`, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`${out}: already exists; not overwritten`);
  });

  it('needs exactly one source, and reports an unreachable database with exit 2 and no password', () => {
    const none = runCli(['inspect']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('the schema is needed: --url or --schema');
    const refused = runCli(['inspect', '--url', 'postgres://app:pa55word@127.0.0.1:1/prod', '--timeout', '2']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^cannot read the database at postgres:\/\/app@127\.0\.0\.1:1\/prod: connect ECONNREFUSED/);
    expect(refused.stderr).not.toContain('pa55word');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });
});
