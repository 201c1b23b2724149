/**
 * Every built-in template, rehearsed end to end: `plan new … --db ENGINE`, `plan check` (clean under
 * --strict), `plan rehearse` (every up, verify and down; the snapshot after each down equal to the one
 * before its up). On its defaults and on each parameter set its template.yaml lists under `rehearsals`,
 * on PostgreSQL, MariaDB and SQLite (on PostgreSQL the defaults with the concurrency probes); MongoDB is
 * checked and parsed. One embedded PostgreSQL and one MariaDB for the file, reached through --url; each
 * rehearsal makes its own database on them. The first case of each engine runs the three commands as a
 * user does (the CLI, JSON out); the others call the same application functions in-process, which is
 * what the commands do, without three Node start-ups a case.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkFile } from '../../src/check/pipeline.js';
import { newPlan } from '../../src/app/new.js';
import { rehearsePlan } from '../../src/app/rehearse.js';
import { startEmbedded } from '../../src/rehearse/postgres.js';
import { listTemplates } from '../../src/templates/registry.js';
import { runCli, tempDir } from '../helpers.js';
import { serverForBlock, startMariadb } from './servers.js';

interface Case { template: string; name: string; set: Record<string, string>; engines?: string[]; cli?: boolean }

const CASES: Case[] = listTemplates().filter((t) => t.builtin).flatMap((t) => [
  { template: t.name, name: 'defaults', set: {} },
  ...t.manifest.rehearsals.map((r) => ({ template: t.name, name: r.name, set: r.set, engines: r.engines })),
]);
/** The cases a set of parameters applies to on `db`; the first one through the CLI. */
const on = (db: string) => CASES.filter((c) => !c.engines || c.engines.includes(db)).map((c, i) => ({ ...c, cli: i === 0 }));

/** `plan new` then `plan check --strict`: the file, after asserting the check is clean (no errors, no warnings). */
async function planFor(c: Case, db: string): Promise<string> {
  const file = join(tempDir(), `${c.template}.plan.yaml`);
  if (c.cli) {
    const made = runCli(['new', c.template, '--db', db, '--out', file, ...Object.entries(c.set).flatMap(([k, v]) => ['--set', `${k}=${v}`])]);
    expect(made.code, made.stderr).toBe(0);
    const checked = runCli(['check', file, '--strict', '--json']);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    return file;
  }
  await newPlan({ template: c.template, set: Object.entries(c.set).map(([k, v]) => `${k}=${v}`), flags: { db }, out: file });
  const { result } = await checkFile(file, { strict: true });
  expect(result.findings.map((f) => `${f.taskId ?? ''} [${f.rule}] ${f.message}`)).toEqual([]);
  return file;
}

interface PlanTask { id: string; phase: string; sql?: { up?: unknown[]; down?: unknown[]; irreversible?: string } }

/** The tasks a rehearsal must roll back: those with statements, in phases with no point of no return. */
function reversibleTasks(file: string): string[] {
  const tasks: PlanTask[] = parse(readFileSync(file, 'utf8')).tasks;
  const final = new Set(tasks.filter((t) => t.sql?.irreversible).map((t) => t.phase));
  return tasks.filter((t) => t.sql && !final.has(t.phase)).map((t) => t.id).sort();
}

interface RehearsalJson { ok: boolean; verdict: string; rows: { statement: string; task: string; result: string; differences?: string[] }[]; probes?: { ok: boolean }[] }

/** `plan rehearse FILE [--url URL] [--probe] --json` (or the same in-process): passed, every reversible task rehearsed and rolled back. */
async function rehearse(c: Case, file: string, url?: string, probe = false): Promise<RehearsalJson> {
  let json: RehearsalJson;
  if (c.cli) {
    const r = runCli(['rehearse', file, ...(url ? ['--url', url] : []), ...(probe ? ['--probe'] : []), '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    json = JSON.parse(r.stdout);
  } else {
    const { result, text } = await rehearsePlan({ file, ...(url ? { url } : {}), probe });
    expect(result.exitCode, text).toBe(0);
    json = result;
  }
  expect(json.ok).toBe(true);
  const rolledBack = json.rows.filter((row) => row.statement.startsWith('down: snapshot'));
  expect(rolledBack.map((row) => row.task).sort()).toEqual(reversibleTasks(file));
  expect(rolledBack.every((row) => (row.differences ?? []).length === 0)).toBe(true);
  return json;
}

describe('on PostgreSQL (embedded, one server for the file)', () => {
  const url = serverForBlock(startEmbedded, (server) => server.stop(false));

  // Each template's defaults also under the concurrency probes: no DDL step blocks a writer beyond its lock timeout.
  it.each(on('postgres'))('$template, $name', async (c) => {
    const json = await rehearse(c, await planFor(c, 'postgres'), url(), c.name === 'defaults');
    if (c.name === 'defaults') expect(json.probes!.every((p) => p.ok)).toBe(true);
    if (c.template === 'add-index') {
      expect(json.rows.find((r) => /^up\[\d\] CREATE INDEX CONCURRENTLY/.test(r.statement))!.result).toBe('ok (no transaction)');
    }
  });
});

describe('on SQLite (in-process)', () => {
  it.each(on('sqlite'))('$template, $name', async (c) => {
    await rehearse(c, await planFor(c, 'sqlite'));
  });
});

describe('on MySQL: MariaDB via --url', () => {
  const url = serverForBlock(startMariadb, (server) => server.stop());

  it.each(on('mysql'))('$template, $name', async (c) => {
    const json = await rehearse(c, await planFor(c, 'mysql'), url());
    expect(json.verdict).toMatch(/on MySQL\/MariaDB \(--url\)/);
  });
});

describe('on MongoDB (parse-only)', () => {
  it.each(on('mongodb'))('$template, $name: checked, and the statements parse', async (c) => {
    const file = await planFor(c, 'mongodb');
    if (c.cli) {
      const r = runCli(['rehearse', file]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    } else {
      const { result, text } = await rehearsePlan({ file });
      expect(result.exitCode, text).toBe(0);
    }
  });
});
