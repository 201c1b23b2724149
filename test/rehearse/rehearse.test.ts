/**
 * plan rehearse on real databases: one embedded PostgreSQL for the whole file (each rehearsal makes its
 * own throwaway database on it, through --url), SQLite in-process.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rehearsePlan } from '../../src/app/rehearse.js';
import { startEmbedded } from '../../src/rehearse/postgres.js';
import { fixture, runCli, tempDir } from '../helpers.js';
import { serverForBlock } from './servers.js';

const plan = (name: string) => fixture('rehearse', `${name}.plan.yaml`);

/** A copy of a fixture with one piece of text replaced. */
function variant(name: string, from: string, to: string): string {
  const text = readFileSync(plan(name), 'utf8');
  expect(text).toContain(from);
  const file = join(tempDir(), `${name}.plan.yaml`);
  writeFileSync(file, text.replace(from, to));
  return file;
}

describe('on PostgreSQL (embedded, one server for the file)', () => {
  const url = serverForBlock(startEmbedded, (server) => server.stop(false));

  it('rehearses every phase: up, verify, down with an empty snapshot difference, up and verify again', async () => {
    const { result, text } = await rehearsePlan({ file: plan('postgres'), url: url() });
    expect(result.ok, text).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(result.schema).toEqual([{ name: 'users', columns: [{ name: 'email', numeric: false }] }]);
    const compared = result.rows.filter((r) => r.statement.startsWith('down: snapshot'));
    expect(compared.map((r) => r.task)).toEqual(['T2', 'T1', 'G1', 'T3', 'T4']);
    expect(compared.every((r) => r.differences?.length === 0)).toBe(true);
    expect(result.rows.filter((r) => r.statement.includes(' again ')).length).toBeGreaterThan(5);
    const loop = result.rows.find((r) => r.task === 'T3' && r.statement.startsWith('up[0] '))!;
    expect(loop).toMatchObject({ rows: 100, result: 'ok (4 batches)' });
    expect(result.rows.find((r) => r.statement.startsWith('up[1] CREATE INDEX CONCURRENTLY'))!.result).toBe('ok (no transaction)');
    expect(result.notes.join()).toContain('cut to 5 ms');
    expect(text).toMatch(/^Phase +Task +Statement +Time +Rows +Result$/m);
    expect(text).toMatch(/OK: 3 phases, 5 tasks rehearsed on PostgreSQL \(--url\)/);
  });

  it('fails a down that leaves an index behind, naming the task, the statement and the difference (CLI, exit 1, --json)', () => {
    const r = runCli(['rehearse', plan('broken-down'), '--url', url(), '--json']);
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.ok).toBe(false);
    expect(json.failure).toMatchObject({ task: 'T2', path: 'tasks[1].sql.down', line: 39 });
    expect(json.failure.differences).toEqual([expect.stringMatching(/^index users_email_lower_idx: was absent, now CREATE INDEX users_email_lower_idx/)]);
    expect(json.verdict).toMatch(/^FAILED at task T2, .*broken-down\.plan\.yaml:39:9: tasks\[1\]\.sql\.down/);
    // The first failure stops the rehearsal: nothing after T2's down ran.
    expect(json.rows.at(-1).task).toBe('T2');
  });

  it('locates a failing verification and a failing statement', async () => {
    const wrong = await rehearsePlan({ file: variant('postgres', 'expect: 13', 'expect: 14'), url: url() });
    expect(wrong.result.failure).toMatchObject({ task: 'T2', path: 'tasks[1].sql.verify[0]', result: 'failed: expected 14, got "13"' });
    const broken = await rehearsePlan({ file: variant('postgres', 'VALIDATE CONSTRAINT users_tenant_id_not_null', 'VALIDATE CONSTRAINT no_such'), url: url() });
    expect(broken.result.failure).toMatchObject({ task: 'T4', path: 'tasks[4].sql.up[1]' });
    expect(broken.result.failure!.result).toMatch(/constraint "no_such" of relation "users" does not exist/);
  });

  it('--phase rehearses one phase after rolling the earlier ones forward', async () => {
    const { result } = await rehearsePlan({ file: plan('postgres'), url: url(), phase: 'C' });
    expect(result.ok).toBe(true);
    expect(new Set(result.rows.filter((r) => r.statement.startsWith('down')).map((r) => r.phase))).toEqual(new Set(['C']));
    expect(result.rows.some((r) => r.phase === 'A' && r.statement.includes('(setup)'))).toBe(true);
  });

  it('fails a loop that leaves rows behind', async () => {
    const { result } = await rehearsePlan({ file: variant('postgres', 'AND tenant_id IS NULL\n', 'AND tenant_id IS NULL AND email IS NOT NULL\n'), url: url() });
    expect(result.failure).toMatchObject({ task: 'T3', path: 'tasks[2].sql.up[0]' });
    expect(result.failure!.result).toMatch(/^failed: 12 rows remaining after 4 batches/);
  });
});

describe('on SQLite (in-process)', () => {
  it('rehearses the SQLite plan', async () => {
    const { result, text } = await rehearsePlan({ file: plan('sqlite') });
    expect(result.ok, text).toBe(true);
    expect(result.server).toBe('in-process');
    expect(result.rows.filter((r) => r.statement.startsWith('down: snapshot')).every((r) => r.ok)).toBe(true);
  });

  it('fails a down that leaves an index behind', async () => {
    const { result } = await rehearsePlan({ file: variant('sqlite', 'DROP INDEX IF EXISTS users_email_lower_idx', 'DROP INDEX IF EXISTS users_email_idx') });
    expect(result.failure).toMatchObject({ task: 'T2', path: 'tasks[1].sql.down' });
    expect(result.failure!.differences!.join()).toMatch(/index users_email_lower_idx: was absent, now CREATE INDEX users_email_lower_idx ON users \(lower\(email\)\)/);
  });

  it('fails a down that forgets a column, by the column and the rows', async () => {
    const { result } = await rehearsePlan({ file: variant('sqlite', '        - ALTER TABLE users DROP COLUMN tenant_id\n', '') });
    expect(result.failure).toMatchObject({ task: 'T1', path: 'tasks[0].sql.down' });
    expect(result.failure!.differences!.join('\n')).toMatch(/^column users\.tenant_id: was absent, now INTEGER null$/m);
  });

  it('stops before running anything when a placeholder is not declared (so it has no value), naming it', () => {
    const r = runCli(['rehearse', variant('sqlite', 'tenant_id = :owner_tenant WHERE', 'tenant_id = :tenant WHERE')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tasks\[2\]\.sql\.up\[0\].*T3: error \[placeholder-declared\].*:tenant/);
    expect(r.stdout).toBe('');
  });

  it('takes placeholder values with --set (the verify then sees them), and refuses a name the plan does not declare', () => {
    // The verify asks for tenant 7 by number: only the value given with --set makes it hold (the example is 42).
    const file = variant('sqlite', 'WHERE tenant_id = :owner_tenant, expect: 100', 'WHERE tenant_id = 7, expect: 100');
    expect(runCli(['rehearse', file]).code).toBe(1);
    const given = runCli(['rehearse', file, '--set', 'owner_tenant=7', '--json']);
    expect(given.code, given.stdout + given.stderr).toBe(0);
    expect(JSON.parse(given.stdout).ok).toBe(true);
    const unknown = runCli(['rehearse', plan('sqlite'), '--set', 'owner_tenat=7']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--set owner_tenat: the plan declares no placeholder "owner_tenat"[\s\S]*did you mean "owner_tenant"\?/);
  });

  it('says which phases exist when --phase names none', () => {
    const r = runCli(['rehearse', plan('sqlite'), '--phase', 'Z']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no phase "Z" with statements to rehearse[\s\S]*phases with statements: A, B, C/);
  });
});

describe('MongoDB', () => {
  it('is parse-only, and says so', async () => {
    const file = join(tempDir(), 'mongo.plan.yaml');
    writeFileSync(file, [
      'version: 1', 'database: mongodb', 'epic: { id: E, title: Epic }', 'phases: [{ id: p, name: P, rollback: r, risk: low }]',
      'tasks:', '  - id: T1', '    title: Index users by email', '    phase: p', '    sql:',
      '      up: ["db.users.createIndex({ email: 1 })"]', '      down: ["db.users.dropIndex({ email: 1 })"]', '',
    ].join('\n'));
    const { result, text } = await rehearsePlan({ file });
    expect(result.server).toBe('parse-only');
    expect(result.ok).toBe(true);
    expect(text).toContain('MongoDB: parse-only');
    expect(result.rows.map((r) => r.result)).toEqual(['parsed (not run)', 'parsed (not run)']);
  });

  it('a statement that is no JavaScript is refused before anything, located', async () => {
    const file = join(tempDir(), 'mongo.plan.yaml');
    writeFileSync(file, readFileSync(plan('sqlite'), 'utf8').replace('database: sqlite', 'database: mongodb'));
    await expect(rehearsePlan({ file })).rejects.toThrow(/tasks\[0\]\.sql\.up\[0\].*\[statement-syntax\]/);
  });
});
