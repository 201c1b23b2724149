/**
 * The steps every writer shares, and what the writers make of them without a database: run order,
 * statements outside a transaction alone, a split task's down in its first step and verify in its last,
 * names; plain SQL numbering after DIR's; Prisma and Knex timestamps after the latest existing one
 * (and never before now); Knex's files load in Node with `config.transaction` false exactly where a
 * statement must not run in a transaction. Knex itself is not installed here, so its files are not run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/model/load.js';
import { knexWriter } from '../../src/scaffold/knex.js';
import { nextStamps, prismaWriter } from '../../src/scaffold/prisma.js';
import { sqlWriter } from '../../src/scaffold/sql.js';
import { MAX_NAME, markerOf, migrationSteps, scaffoldedSteps, stemOf } from '../../src/scaffold/steps.js';
import { tempDir } from '../helpers.js';

const plan = parsePlan(JSON.stringify({
  version: 1,
  database: 'postgres',
  epic: { id: 'E', title: 'e' },
  phases: [{ id: 'p', name: 'p', rollback: 'r', risk: 'low' }],
  placeholders: [{ name: 'owner', description: 'the owner', example: '7' }],
  tasks: [
    // Written first, runs second: it depends on T1.
    { id: 'T2', title: 'Index the orders by customer, without blocking writers — a long title that must be cut somewhere sensible', phase: 'p', depends: ['T1'],
      sql: { up: ["SET lock_timeout = '5s'", { run: 'CREATE INDEX CONCURRENTLY orders_customer ON orders (customer_id)', transaction: false }, 'ANALYZE orders'],
        verify: [{ query: "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_customer'", expect: 1 }],
        down: [{ run: 'DROP INDEX CONCURRENTLY IF EXISTS orders_customer', transaction: false }] } },
    { id: 'T1', title: 'Add orders.owner', phase: 'p',
      sql: { up: ['ALTER TABLE orders ADD COLUMN owner int', 'UPDATE orders SET owner = :owner'], down: ['ALTER TABLE orders DROP COLUMN owner'] } },
    { id: 'C1', title: 'Sign off', phase: 'p', kind: 'checkpoint', depends: ['T2'] },
  ],
}), 'inline').plan;

describe('migration steps', () => {
  const steps = migrationSteps(plan);

  it('follow the run order; a statement outside a transaction is a step alone, the others grouped around it', () => {
    expect(steps.map((s) => [s.ordinal, s.key, s.up.length, s.atomic])).toEqual([
      [1, 'E/T1', 2, true],
      [2, 'E/T2#1', 1, false], // its down (the whole task's) drops the index concurrently
      [3, 'E/T2#2', 1, false],
      [4, 'E/T2#3', 1, true],
    ]);
  });

  it('put a split task\'s whole down in its first step and its verify in its last', () => {
    const t2 = steps.filter((s) => s.task.id === 'T2');
    expect(t2.map((s) => s.down.length)).toEqual([1, 0, 0]);
    expect(t2.map((s) => s.verify.length)).toEqual([0, 0, 1]);
  });

  it('repeat the session settings a task\'s earlier steps made at the start of its later steps', () => {
    const t2 = steps.filter((s) => s.task.id === 'T2');
    expect(t2.map((s) => s.settings.map((x) => x.run))).toEqual([[], ["SET lock_timeout = '5s'"], ["SET lock_timeout = '5s'"]]);
  });

  it('name steps from the task id and title, lowercase, at most 60 characters, the part last', () => {
    expect(steps[0]!.name).toBe('t1_add_orders_owner');
    for (const s of steps) expect(s.name).toMatch(/^[a-z0-9_]{1,60}$/);
    expect(steps[1]!.name).toMatch(/^t2_index_the_orders_by_customer_.*_1of3$/);
    expect(stemOf('Ünïcode — only!', MAX_NAME)).toBe('unicode_only');
  });

  it('find the markers written files carry, with the digest of the statements and the line', () => {
    const found = scaffoldedSteps([{ path: 'x.sql', text: `-- title\n-- ${markerOf(steps[1]!)}\nSELECT 1;` }, { path: 'old.sql', text: '-- plan-scaffold E/T9\n' }]);
    expect(found.get(steps[1]!.key)).toEqual({ key: steps[1]!.key, digest: steps[1]!.digest, file: 'x.sql', line: 2 });
    expect(found.get('E/T9')).toEqual({ key: 'E/T9', file: 'old.sql', line: 1 });
  });

  it('digest the statements: another step, or the same step with other statements, has another digest', () => {
    expect(new Set(steps.map((s) => s.digest)).size).toBe(steps.length);
    const edited = structuredClone(plan);
    const task = edited.tasks.find((t) => t.id === steps[0]!.task.id)!;
    task.sql!.up[0] = 'ALTER TABLE orders ADD COLUMN owner bigint';
    const again = migrationSteps(edited);
    expect(again[0]!.key).toBe(steps[0]!.key);
    expect(again[0]!.digest).not.toBe(steps[0]!.digest);
    expect(again.slice(1).map((s) => s.digest)).toEqual(steps.slice(1).map((s) => s.digest));
  });
});

describe('writers without a database', () => {
  const steps = migrationSteps(plan);
  const options = { engine: 'postgres' as const, now: new Date('2026-11-23T20:00:00Z'), placeholders: plan.placeholders, values: {} };

  it('plain SQL: numbered after the highest number DIR holds; a non-transactional statement without BEGIN', () => {
    const existing = sqlWriter.existing([{ path: 'deploy/007_init.sql', text: '' }, { path: 'revert/007_init.sql', text: '' }, { path: 'README.md', text: '' }]);
    expect(existing).toEqual({ files: ['deploy/007_init.sql', 'revert/007_init.sql'], head: '007_init', next: 8 });
    const files = sqlWriter.write(steps, existing, options);
    expect(files.map((f) => f.path).filter((p) => p.startsWith('deploy/'))).toEqual([
      'deploy/008_t1_add_orders_owner.sql', expect.stringMatching(/^deploy\/009_t2_.*_1of3\.sql$/), expect.stringMatching(/^deploy\/010_.*_2of3\.sql$/), expect.stringMatching(/^deploy\/011_.*_3of3\.sql$/)]);
    const concurrent = files.find((f) => f.path.startsWith('deploy/010'))!.text;
    expect(concurrent).toMatch(/CREATE INDEX CONCURRENTLY/);
    // Only where it is true: T2's first step deploys in a transaction; its revert drops the index concurrently.
    const outside = /-- Not in a transaction/;
    expect(concurrent).toMatch(outside);
    expect(files.find((f) => f.path.startsWith('deploy/009'))!.text).not.toMatch(outside);
    expect(files.find((f) => f.path.startsWith('revert/009'))!.text).toMatch(outside);
    expect(concurrent).toMatch(/^BEGIN;\nSET lock_timeout = '5s';\nCOMMIT;\nCREATE INDEX CONCURRENTLY/m);
    expect(files.find((f) => f.path.startsWith('deploy/008'))!.text).toMatch(/\\if :\{\?owner\}[\s\S]*BEGIN;\nALTER TABLE[\s\S]*owner = :'owner';\nCOMMIT;/);
  });

  it('Prisma and Knex: stamps one second apart, after the latest existing one even when the clock is behind it, and never before now', () => {
    expect(nextStamps('20300101235959', options.now, 2)).toEqual(['20300102000000', '20300102000001']);
    expect(nextStamps('20200101000000', options.now, 1)).toEqual(['20261123200000']);
    const existing = prismaWriter.existing([{ path: 'prisma/migrations/20300101000000_init/migration.sql', text: '' }]);
    expect(prismaWriter.write(steps, existing, { ...options, values: { owner: '7' } })[0]!.path).toBe('prisma/migrations/20300101000001_t1_add_orders_owner/migration.sql');
  });

  it('Knex: files Node loads, config.transaction false exactly on the steps that need it, values from PLAN_<NAME>', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'migrations'));
    const files = knexWriter.write(steps, knexWriter.existing([]), options);
    const require = createRequire(join(dir, 'x.js'));
    for (const [i, f] of files.entries()) {
      writeFileSync(join(dir, f.path), f.text);
      expect(spawnSync(process.execPath, ['--check', join(dir, f.path)]).status).toBe(0);
      const loaded = require(join(dir, f.path));
      expect(typeof loaded.up).toBe('function');
      expect(loaded.config?.transaction === false).toBe(!steps[i]!.atomic);
    }
    expect(readFileSync(join(dir, files[0]!.path), 'utf8')).toMatch(/knex\.raw\("UPDATE orders SET owner = :owner", values\)/);
  });
});
