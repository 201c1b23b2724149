/**
 * Every built-in template, rehearsed end to end as a user runs it: `plan new … --db ENGINE`, `plan check`
 * (clean), `plan rehearse` (every up, verify and down; the snapshot after each down equal to the one
 * before its up). On its defaults and on each parameter set its template.yaml lists under `rehearsals`,
 * on PostgreSQL, MariaDB and SQLite (on PostgreSQL the defaults with the concurrency probes); MongoDB is
 * checked and parsed. One embedded PostgreSQL and one MariaDB for the file, reached through --url; each
 * rehearsal makes its own database on them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startEmbedded } from '../../src/rehearse/postgres.js';
import { listTemplates } from '../../src/templates/registry.js';
import { runCli, tempDir } from '../helpers.js';
import { serverForBlock, startMariadb } from './servers.js';

interface Case { template: string; name: string; set: Record<string, string>; engines?: string[] }

const CASES: Case[] = listTemplates().filter((t) => t.builtin).flatMap((t) => [
  { template: t.name, name: 'defaults', set: {} },
  ...t.manifest.rehearsals.map((r) => ({ template: t.name, name: r.name, set: r.set, engines: r.engines })),
]);
/** The cases a set of parameters applies to on `db`. */
const on = (db: string) => CASES.filter((c) => !c.engines || c.engines.includes(db));

/** `plan new` then `plan check`: the file, after asserting the check is clean (no errors, no warnings). */
function planFor(c: Case, db: string): string {
  const file = join(tempDir(), `${c.template}.plan.yaml`);
  const made = runCli(['new', c.template, '--db', db, '--out', file, ...Object.entries(c.set).flatMap(([k, v]) => ['--set', `${k}=${v}`])]);
  expect(made.code, made.stderr).toBe(0);
  const checked = runCli(['check', file, '--strict', '--json']);
  expect(checked.code, checked.stdout + checked.stderr).toBe(0);
  return file;
}

interface PlanTask { id: string; phase: string; sql?: { up?: unknown[]; down?: unknown[]; irreversible?: string } }

/** The tasks a rehearsal must roll back: those with statements, in phases with no point of no return. */
function reversibleTasks(file: string): string[] {
  const tasks: PlanTask[] = parse(readFileSync(file, 'utf8')).tasks;
  const final = new Set(tasks.filter((t) => t.sql?.irreversible).map((t) => t.phase));
  return tasks.filter((t) => t.sql && !final.has(t.phase)).map((t) => t.id).sort();
}

/** `plan rehearse FILE [--url URL] [--probe] --json`: passed, every reversible task rehearsed and rolled back. */
function rehearse(file: string, url?: string, probe = false) {
  const r = runCli(['rehearse', file, ...(url ? ['--url', url] : []), ...(probe ? ['--probe'] : []), '--json']);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const json = JSON.parse(r.stdout);
  expect(json.ok).toBe(true);
  const rolledBack = json.rows.filter((row: { statement: string }) => row.statement.startsWith('down: snapshot'));
  expect(rolledBack.map((row: { task: string }) => row.task).sort()).toEqual(reversibleTasks(file));
  expect(rolledBack.every((row: { differences?: string[] }) => (row.differences ?? []).length === 0)).toBe(true);
  return json;
}

describe('on PostgreSQL (embedded, one server for the file)', () => {
  const url = serverForBlock(startEmbedded, (server) => server.stop(false));

  // Each template's defaults also under the concurrency probes: no DDL step blocks a writer beyond its lock timeout.
  it.each(on('postgres'))('$template, $name', (c) => {
    const json = rehearse(planFor(c, 'postgres'), url(), c.name === 'defaults');
    if (c.name === 'defaults') expect(json.probes.every((p: { ok: boolean }) => p.ok)).toBe(true);
    if (c.template === 'add-index') {
      expect(json.rows.find((r: { statement: string }) => /^up\[\d\] CREATE INDEX CONCURRENTLY/.test(r.statement)).result).toBe('ok (no transaction)');
    }
  });
});

describe('on SQLite (in-process)', () => {
  it.each(on('sqlite'))('$template, $name', (c) => {
    rehearse(planFor(c, 'sqlite'));
  });
});

describe('on MySQL: MariaDB via --url', () => {
  const url = serverForBlock(startMariadb, (server) => server.stop());

  it.each(on('mysql'))('$template, $name', (c) => {
    const json = rehearse(planFor(c, 'mysql'), url());
    expect(json.verdict).toMatch(/on MySQL\/MariaDB \(--url\)/);
  });
});

describe('on MongoDB (parse-only)', () => {
  it.each(on('mongodb'))('$template, $name: checked, and the statements parse', (c) => {
    const file = planFor(c, 'mongodb');
    const r = runCli(['rehearse', file]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});
