/**
 * Knex: `migrations/<YYYYMMDDHHMMSS>_name.js` (Knex's own stamp), after the latest file there and after
 * now, with `exports.up` / `exports.down` running each statement through `knex.raw(sql, values)`;
 * `exports.config = { transaction: false }` on a step that must not run in one (its transactional
 * statements then run in `knex.transaction` of their own). A loop is a JavaScript loop, one batch per
 * transaction. Placeholders are Knex named bindings whose values come from the environment
 * (`PLAN_<NAME>`), checked before anything runs. Knex has no verify step of its own, so `up` ends with
 * `exports.verify(knex)`, which throws when a check does not hold: a check holds right after its own step
 * (an early step's "nullable" check no longer holds after a later step's SET NOT NULL), so it cannot wait
 * until after `knex migrate:latest`.
 *
 * A step runs the session settings its task's earlier steps made (`SET lock_timeout`) first. Without a
 * transaction Knex takes each statement's connection from its pool, so a setting holds for the next
 * statement only on a pool of one connection: the file says so.
 */
import { PlanInputError } from '../errors.js';
import { renderPlaceholders } from '../sql/render.js';
import { nextStamps } from './prisma.js';
import { markerOf, type ExistingFile, type ExistingMigrations, type FrameworkWriter, type MigrationStep, type ScaffoldFile, type StepStatement, type WriteOptions } from './steps.js';

const FILE = /^migrations\/(\d{14})_([^/]+)\.(js|cjs|mjs|ts)$/;

const js = (text: string) => JSON.stringify(text);

/** Statements as the body of an async function of `knex`; runs of transactional ones share a transaction when the migration has none. */
function body(list: StepStatement[], engine: WriteOptions['engine'], ownTransactions: boolean): { lines: string[]; names: string[] } {
  const names: string[] = [];
  const raw = (sql: string) => {
    const r = renderPlaceholders(sql, engine, 'knex');
    names.push(...r.names.filter((n) => n !== 'from' && n !== 'to'));
    return js(r.text);
  };
  const lines: string[] = [];
  let group: string[] = [];
  const flush = () => {
    if (!group.length) return;
    lines.push(...(ownTransactions ? ['  await knex.transaction(async (trx) => {', ...group.map((g) => `  ${g.replace('knex.raw', 'trx.raw')}`), '  });'] : group));
    group = [];
  };
  for (const s of list) {
    if (s.loop) {
      flush();
      const run = s.transaction ? `knex.transaction((trx) => trx.raw(${raw(s.run)}, { ...values, from, to: from + ${s.loop.batch} }))` : `knex.raw(${raw(s.run)}, { ...values, from, to: from + ${s.loop.batch} })`;
      lines.push(
        `  {`,
        `    const [lo, hi] = firstRow(await knex.raw(${raw(s.loop.bounds)}, values)).map((v) => (v === null ? null : Number(v)));`,
        `    if (lo !== null && hi !== null) for (let from = lo; from <= hi; from += ${s.loop.batch}) {`,
        `      await ${run};`,
        ...(s.loop.pause_ms ? [`      await new Promise((resolve) => setTimeout(resolve, ${s.loop.pause_ms}));`] : []),
        `    }`,
        `    const left = Number(firstRow(await knex.raw(${raw(s.loop.remaining)}, values))[0]);`,
        `    if (left !== 0) throw new Error(\`loop failed: \${left} rows remain after the last batch\`);`,
        `  }`,
      );
    } else if (!s.transaction) {
      flush();
      lines.push(`  await knex.raw(${raw(s.run)}, values);`);
    } else {
      group.push(`  await knex.raw(${raw(s.run)}, values);`);
    }
  }
  flush();
  return { lines, names };
}

export const knexWriter: FrameworkWriter = {
  framework: 'knex',
  existing(files: ExistingFile[]): ExistingMigrations {
    const ours = files.map((f) => f.path).filter((p) => FILE.test(p)).sort();
    const last = ours.at(-1);
    return { files: ours, ...(last ? { head: FILE.exec(last)![1]! } : {}), next: ours.length + 1 };
  },
  write(steps: MigrationStep[], existing: ExistingMigrations, options: WriteOptions): ScaffoldFile[] {
    if (options.engine === 'mongodb') throw PlanInputError.single('Knex migrations need an SQL database; this plan is on MongoDB');
    const stamps = nextStamps(existing.head, options.now, steps.length);
    return steps.map((step, i) => {
      const own = !step.atomic;
      const up = body([...step.settings, ...step.up], options.engine, own);
      const down = step.irreversible
        ? { lines: [`  throw new Error(${js(`${step.task.id} cannot be undone: ${step.irreversible}`)});`], names: [] }
        : body(step.down, options.engine, own);
      const checks = step.verify.map((v) => {
        const r = renderPlaceholders(v.query, options.engine, 'knex');
        return { names: r.names, line: `  check(firstRow(await knex.raw(${js(r.text)}, values))[0], ${JSON.stringify(v.expect)}, ${js(v.note ?? v.query)});` };
      });
      const names = [...new Set([...up.names, ...down.names, ...checks.flatMap((c) => c.names)])];
      const lines = [
        `// ${markerOf(step)}`,
        `// ${step.task.id}: ${step.task.title.replaceAll('\n', ' ')}${step.parts > 1 ? ` (step ${step.part} of ${step.parts})` : ''}`,
        ...(step.part > 1 ? [`// down: nothing here; ${step.task.id}'s whole rollback is in its step 1, rolled back after this one.`] : []),
        `'use strict';`,
        '',
        `/** Placeholder values from the environment (PLAN_<NAME>), read when the migration runs. */`,
        `const placeholders = () => Object.fromEntries(${JSON.stringify(names)}.map((name) => {`,
        '  const value = process.env[`PLAN_${name.toUpperCase()}`];',
        '  if (value === undefined) throw new Error(`placeholder ${name} is not set: set PLAN_${name.toUpperCase()}`);',
        '  return [name, value];',
        '}));',
        '',
        `/** The first row of a knex.raw result, as an array (pg answers { rows }, SQLite an array of objects). */`,
        `const firstRow = (result) => Object.values((Array.isArray(result) ? result : result.rows)[0] ?? {});`,
        `/** A check: numbers as numbers, booleans in each engine's form. */`,
        `const check = (value, expect, what) => {`,
        `  const ok = expect === null ? value === null || value === undefined`,
        `    : typeof expect === 'number' ? value !== null && value !== undefined && Number(value) === expect`,
        `    : typeof expect === 'boolean' ? [expect, expect ? 1 : 0, expect ? '1' : '0', expect ? 't' : 'f', String(expect)].includes(value)`,
        `    : String(value) === expect;`,
        '  if (!ok) throw new Error(`verify failed: ${what} (expected ${JSON.stringify(expect)}, got ${JSON.stringify(value)})`);',
        `};`,
        '',
        ...(own ? [
          ...(step.settings.length || step.up.some((s) => /^\s*SET\s/i.test(s.run))
            ? ['// Session settings (SET) hold for the statements after them only on one connection: run these migrations with pool: { min: 1, max: 1 }.'] : []),
          'exports.config = { transaction: false };', ''] : []),
        'exports.up = async function up(knex) {', '  const values = placeholders();', ...up.lines, ...(checks.length ? ['  await exports.verify(knex);'] : []), '};', '',
        'exports.down = async function down(knex) {', '  const values = placeholders();', ...down.lines, '};', '',
        'exports.verify = async function verify(knex) {', '  const values = placeholders();', ...checks.map((c) => c.line), '};',
      ];
      return { path: `migrations/${stamps[i]}_${step.name}.js`, text: `${lines.join('\n')}\n` };
    });
  },
};
