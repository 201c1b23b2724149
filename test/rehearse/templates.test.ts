/**
 * The built-in templates that state their statements as data (add-index, add-column), rehearsed end to
 * end as a user runs them: `plan new … --db ENGINE`, `plan check` (clean), `plan rehearse` (every up,
 * verify and down, the snapshot after each down equal to the one before its up). On their defaults and
 * on one set of other parameters. One embedded PostgreSQL and one MariaDB for the file, reached through
 * --url; SQLite in-process.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbedded } from '../../src/rehearse/postgres.js';
import { runCli, tempDir } from '../helpers.js';
import { serverForBlock, startMariadb } from './servers.js';

interface Case { template: string; name: string; set: string[]; tasks: string[] }

const CASES: Case[] = [
  { template: 'add-index', name: 'defaults (customer_id, created_at)', set: [], tasks: ['T1', 'V1'] },
  { template: 'add-index', name: 'three columns', set: ['columns=customer_id,status,created_at'], tasks: ['T1', 'V1'] },
  { template: 'add-column', name: 'defaults (notes text)', set: [], tasks: ['T1', 'V1'] },
  { template: 'add-column', name: 'an integer column with a default', set: ['column=discount', 'column_type=integer', 'default_value=0'], tasks: ['T1', 'V1'] },
];

/** `plan new` then `plan check`: the file, after asserting the check is clean (no errors, no warnings). */
function planFor(c: Case, db: string): string {
  const file = join(tempDir(), `${c.template}.plan.yaml`);
  const made = runCli(['new', c.template, '--db', db, '--out', file, ...c.set.flatMap((s) => ['--set', s])]);
  expect(made.code, made.stderr).toBe(0);
  const checked = runCli(['check', file, '--strict', '--json']);
  expect(checked.code, checked.stdout + checked.stderr).toBe(0);
  return file;
}

/** `plan rehearse FILE [--url URL] --json`: passed, every task with statements rehearsed and rolled back. */
function rehearse(file: string, c: Case, url?: string) {
  const r = runCli(['rehearse', file, ...(url ? ['--url', url] : []), '--json']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const json = JSON.parse(r.stdout);
  expect(json.ok).toBe(true);
  const rolledBack = json.rows.filter((row: { statement: string }) => row.statement.startsWith('down: snapshot'));
  expect(rolledBack.map((row: { task: string }) => row.task).sort()).toEqual([...c.tasks].sort());
  expect(rolledBack.every((row: { differences?: string[] }) => (row.differences ?? []).length === 0)).toBe(true);
  return json;
}

describe('on PostgreSQL (embedded, one server for the file)', () => {
  const url = serverForBlock(startEmbedded, (server) => server.stop(false));

  it.each(CASES)('$template, $name', (c) => {
    const json = rehearse(planFor(c, 'postgres'), c, url());
    if (c.template === 'add-index') {
      expect(json.rows.find((r: { statement: string }) => /^up\[\d\] CREATE INDEX CONCURRENTLY/.test(r.statement)).result).toBe('ok (no transaction)');
    }
  });
});

describe('on SQLite (in-process)', () => {
  it.each(CASES)('$template, $name', (c) => {
    rehearse(planFor(c, 'sqlite'), c);
  });
});

describe('on MySQL: MariaDB via --url', () => {
  const url = serverForBlock(startMariadb, (server) => server.stop());

  it.each(CASES)('$template, $name', (c) => {
    const json = rehearse(planFor(c, 'mysql'), c, url());
    expect(json.verdict).toMatch(/on MySQL\/MariaDB \(--url\)/);
  });
});

describe('on MongoDB (parse-only)', () => {
  it.each(CASES)('$template, $name: checked, and the statements parse', (c) => {
    const file = planFor(c, 'mongodb');
    const r = runCli(['rehearse', file]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});
