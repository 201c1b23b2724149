/**
 * `plan scaffold` as a user runs it (one plan, a few runs): --dry-run --json lists the files and their
 * text and writes nothing; then the files are written; another framework's steps are its own; an
 * unknown framework is bad usage (exit 2).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newPlan } from '../../src/app/new.js';
import { scaffoldPlan } from '../../src/app/scaffold.js';
import type { PlanInputError } from '../../src/errors.js';
import { runCli, tempDir } from '../helpers.js';

describe('plan scaffold', () => {
  it('dry run, then write, then another framework into the same folder, then an unknown framework', async () => {
    const dir = tempDir();
    const file = join(dir, 'plan.yaml');
    expect(runCli(['new', 'add-index', '--db', 'postgres', '--out', file]).code).toBe(0);

    const dry = runCli(['scaffold', file, '--dir', join(dir, 'db'), '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const json = JSON.parse(dry.stdout);
    expect(json.dryRun).toBe(true);
    expect(json.written.length).toBeGreaterThan(0);
    expect(json.files[0].text).toMatch(/^-- plan-scaffold /);
    expect(existsSync(join(dir, 'db'))).toBe(false);

    const real = runCli(['scaffold', file, '--dir', join(dir, 'db')]);
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toMatch(/^Wrote \d+ files for sql in /);
    expect(readdirSync(join(dir, 'db', 'deploy')).length).toBe(json.written.length / 3);

    // The plain SQL files' markers do not make the steps Knex migrations already.
    const knex = await scaffoldPlan({ file, dir: join(dir, 'db'), framework: 'knex' });
    expect(knex.result.written.every((p) => p.startsWith('migrations/'))).toBe(true);
    expect(knex.result.written.length).toBe(json.written.length / 3);

    const bad = runCli(['scaffold', file, '--framework', 'rails']);
    expect(bad.code).toBe(2);
  });

  it('two plans of other templates (both epic EPIC) go into one folder; a step whose statements changed is refused, located', async () => {
    const dir = tempDir();
    const index = join(dir, 'index.plan.yaml');
    const rename = join(dir, 'rename.plan.yaml');
    await newPlan({ template: 'add-index', flags: { db: 'postgres' }, out: index });
    await newPlan({ template: 'rename-column', flags: { db: 'postgres' }, out: rename });
    const db = join(dir, 'db');
    const first = await scaffoldPlan({ file: index, dir: db });
    const second = await scaffoldPlan({ file: rename, dir: db });
    expect(second.result.present).toEqual([]);
    expect(second.result.written.length).toBeGreaterThan(0);
    expect((await scaffoldPlan({ file: index, dir: db })).result.written).toEqual([]);

    // The plan's first statement edited after its files were written: not "already there", not overwritten.
    const text = readFileSync(index, 'utf8');
    writeFileSync(index, text.replace(/CREATE INDEX CONCURRENTLY/, 'CREATE UNIQUE INDEX CONCURRENTLY'));
    const e = await scaffoldPlan({ file: index, dir: db }).then(() => undefined, (err: PlanInputError) => err);
    expect(e?.exitCode).toBe(2);
    const changed = first.result.written.find((p) => readFileSync(join(db, p), 'utf8').includes('CREATE INDEX CONCURRENTLY'))!;
    expect(e?.message).toContain(`${join(db, changed)}:`);
    expect(e?.message).toMatch(/written from other statements than the plan's/);
  });
});
