import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trackerHelpers } from '../../src/export/helpers.js';
import { compileTemplate } from '../../src/handlebars/compile.js';
import { PlanInputError } from '../../src/errors.js';
import { loadEngines } from '../../src/templates/engines.js';
import { placeholderName, planHelpers } from '../../src/templates/helpers.js';
import { builtinTemplatesDir, listTemplates } from '../../src/templates/registry.js';
import { ROOT, runCli, tempDir } from '../helpers.js';

const ENGINES = join(ROOT, 'templates', '_engines');

/** A templates folder in a temporary directory with one engine: a copy of `from`, named `name`. */
function templatesWithEngine(from: string, name: string): string {
  const dir = join(tempDir(), 'templates');
  mkdirSync(join(dir, '_engines'), { recursive: true });
  cpSync(join(ENGINES, from), join(dir, '_engines', name), { recursive: true });
  return dir;
}

describe('engines as data', () => {
  it('the db parameter takes the engine folders found, and only they are engines', () => {
    const engines = [...loadEngines([builtinTemplatesDir()]).keys()];
    expect(engines).toEqual(readdirSync(ENGINES).sort());
    expect(engines).toEqual(['mongodb', 'mysql', 'postgres', 'sqlite']);
    const db = listTemplates()[0]!.manifest.parameters.find((p) => p.name === 'db')!;
    expect(db).toMatchObject({ type: 'enum', values: engines, default: 'postgres', examples: ['mongodb', 'mysql', 'sqlite'] });
    // _engines is not a template.
    expect(listTemplates().map((t) => t.name)).not.toContain('_engines');
  });

  it('adding an engine is adding a folder: a copy of postgres under a new name plans with --db', () => {
    const dir = templatesWithEngine('postgres', 'pgcopy');
    const out = join(tempDir(), 'plan.yaml');
    const r = runCli(['new', 'add-index', '--db', 'pgcopy', '--templates-dir', dir, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = readFileSync(out, 'utf8');
    expect(plan).toContain('db: pgcopy');
    // What the plan says in database: comes from engine.yaml, so the PostgreSQL rules apply.
    expect(plan).toContain('database: postgres');
    expect(plan).toContain('CREATE INDEX CONCURRENTLY');
    const listing = JSON.parse(runCli(['templates', '--json', '--templates-dir', dir]).stdout) as { parameters: { name: string; values?: string[] }[] }[];
    expect(listing[0]!.parameters.find((p) => p.name === 'db')!.values).toContain('pgcopy');
  });

  it('an engine without a statement a template needs fails plan templates check (2), naming the engine, the statement and the file', () => {
    const dir = templatesWithEngine('mysql', 'thin');
    rmSync(join(dir, '_engines', 'thin', 'create-index.hbs'));
    const r = runCli(['templates', 'check', join(ROOT, 'templates', 'add-index'), '--templates-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/_partials\/schema\/create-index\.hbs:\d+:\d+: template error: engine thin has no statement `create-index`/);
    // The same engine folder found as ./templates in the working directory.
    const cwd = join(dir, '..');
    expect(runCli(['templates', 'check', join(ROOT, 'templates', 'add-index')], { cwd }).stderr).toContain('engine thin has no statement `create-index`');
  });

  it('engine.yaml is validated: a mistake is located in it', () => {
    const dir = templatesWithEngine('sqlite', 'broken');
    writeFileSync(join(dir, '_engines', 'broken', 'engine.yaml'), 'title: Broken\ndatabase: oracle\nmigrations: { extension: sql, apply: x FILE }\n');
    const r = runCli(['templates', '--templates-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\/engine\.yaml:2:\d+: database/);
  });
});

describe('helper sets', () => {
  const plan = Object.keys(planHelpers(loadEngines([builtinTemplatesDir()])));
  const tracker = Object.keys(trackerHelpers);

  it('concat_lists joins lists (and single ids) into one', () => {
    const concat = planHelpers(loadEngines([builtinTemplatesDir()])).concat_lists as (...a: unknown[]) => unknown;
    expect(concat(['T5.a', 'T5.b'], ['T6'], {})).toEqual(['T5.a', 'T5.b', 'T6']);
  });

  it('sql_constant tells a constant fill (an instant default) from an expression', () => {
    const constant = planHelpers(loadEngines([builtinTemplatesDir()])).sql_constant as (v: unknown) => boolean;
    expect(['false', 'TRUE', '0', '-1.5', "'n/a'", "'it''s'"].map(constant)).toEqual([true, true, true, true, true, true]);
    expect(['created_at', 'now()', 'NULL', "'a' || b", ''].map(constant)).toEqual([false, false, false, false, false]);
  });

  it('plan templates and tracker dialects each see their own helpers, not the other set', () => {
    for (const name of ['sh', 'csv_row', 'json', 'pick', 'record', 'lines']) expect(plan).not.toContain(name);
    for (const name of ['yaml', 'ident', 'statement', 'phrase', 'volume', 'migration_file', 'each_target']) expect(tracker).not.toContain(name);
  });

  it('a tracker helper in a plan template, or a plan helper in a dialect, is an unknown helper', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plan.hbs'), 'x: {{sh table}}\n');
    const render = compileTemplate(join(dir, 'plan.hbs'), [], planHelpers(loadEngines([builtinTemplatesDir()])));
    expect(() => render({ table: 'users' })).toThrow(/plan\.hbs:1:\d+: template error: .*sh/);
    writeFileSync(join(dir, 'dialect.hbs'), '{{yaml epic.title}}\n');
    expect(() => compileTemplate(join(dir, 'dialect.hbs'), [], trackerHelpers)({ epic: { title: 't' } })).toThrow(/dialect\.hbs:1:\d+: template error: .*yaml/);
  });

  it('src/handlebars imports no helper set, only errors and io; src/templates does not import src/export', () => {
    const imports = (dir: string) => readdirSync(join(ROOT, 'src', dir)).flatMap((f) =>
      [...readFileSync(join(ROOT, 'src', dir, f), 'utf8').matchAll(/from '(\.[^']+)'/g)].map((m) => m[1]!));
    expect(imports('handlebars').filter((i) => i.startsWith('..')).every((i) => /^\.\.\/(errors|io\/[\w-]+)\.js$/.test(i))).toBe(true);
    expect(imports('templates').filter((i) => i.includes('export/'))).toEqual([]);
  });
});

describe('explicit partial context', () => {
  it('a partial that uses a value its caller did not pass is a template error located in the partial', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'partials'));
    writeFileSync(join(dir, 'partials', 'task.hbs'), 'id: {{id}}\ntitle: {{title}}\n');
    writeFileSync(join(dir, 'plan.hbs'), 'tasks:\n{{> task id="T1"}}\n');
    const render = compileTemplate(join(dir, 'plan.hbs'), [join(dir, 'partials')], planHelpers(loadEngines([builtinTemplatesDir()])));
    // The caller's context has a title, but the partial sees only what it is passed.
    let error: unknown;
    try {
      render({ title: 'from the caller' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlanInputError);
    expect((error as PlanInputError).details[0]).toMatchObject({ message: 'template error: "title" not defined',
      location: { file: join(dir, 'partials', 'task.hbs'), line: 2 } });
    writeFileSync(join(dir, 'plan.hbs'), 'tasks:\n{{> task id="T1" title=title}}\n');
    expect(compileTemplate(join(dir, 'plan.hbs'), [join(dir, 'partials')], {})({ title: 'passed' })).toBe('tasks:\nid: T1\ntitle: passed\n');
  });
});

describe('placeholder names from identifiers', () => {
  it('are lowercase, start with a letter and fit in 63 characters', () => {
    expect(placeholderName(['users', 'cutoff'])).toBe('users_cutoff');
    expect(placeholderName(['_Order', 'blue_rows'])).toBe('order_blue_rows');
    expect(placeholderName(['t'.repeat(63), 'cutoff'])).toHaveLength(63);
  });
});
