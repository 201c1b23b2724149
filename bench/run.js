// `npm run bench`: times `plan check` stages on generated plans (1k, 10k, 100k tasks, ~3 edges each)
// and the whole CLI on the largest, then every command on what the templates write (bench/real.js).
// Prints two tables; the README links here. No timed assertions.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildCheckResult } from '../dist/src/check/result.js';
import { analyzePlan } from '../dist/src/analysis/analyze.js';
import { readTextFile } from '../dist/src/io/files.js';
import { parsePlan } from '../dist/src/model/load.js';
import { runRules } from '../dist/src/rules/run.js';
import { loadParser } from '../dist/src/sql/engines.js';
import { generatePgDump, generatePlanYaml } from './generate.js';

const sizes = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'plan-bench-'));
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn) => { const t = performance.now(); const r = fn(); return [performance.now() - t, r]; };

const rows = [];
// The same plans with statements: the rules then parse every one (PostgreSQL's parser, loaded once).
const sqlSizes = (process.env.BENCH_SQL_SIZES ?? '1000,10000').split(',').map(Number);
await loadParser('postgres');
for (const [n, sql] of [...sizes.map((n) => [n, false]), ...sqlSizes.map((n) => [n, true])]) {
  const file = join(dir, `plan-${n}${sql ? '-sql' : ''}.plan.yaml`);
  writeFileSync(file, generatePlanYaml(n, 20, { sql }));
  const samples = { read: [], parse: [], analyze: [], rules: [], result: [], total: [] };
  let edges = 0;
  for (let r = 0; r < runs; r++) {
    const [read, text] = time(() => readTextFile(file));
    const [parse, loaded] = time(() => parsePlan(text, file));
    const [analyze, analysis] = time(() => analyzePlan(loaded.plan));
    const [rules, results] = time(() => runRules(loaded.plan, analysis));
    const [result] = time(() => buildCheckResult(file, loaded, analysis, { ...results, strict: false }));
    edges = analysis.edges.length;
    if (results.findings.length) throw new Error(`generated plan has findings: ${results.findings[0].message}`);
    Object.entries({ read, parse, analyze, rules, result, total: read + parse + analyze + rules + result })
      .forEach(([k, v]) => samples[k].push(v));
  }
  rows.push([`check ${n.toLocaleString('en')} tasks (${edges.toLocaleString('en')} edges)${sql ? ', with sql statements' : ''}`,
    ...['parse', 'analyze', 'rules', 'result', 'total'].map((k) => `${median(samples[k]).toFixed(0)} ms`)]);
}

// The whole command as a user runs it, process start included, on the largest plan.
const largest = join(dir, `plan-${sizes[sizes.length - 1]}.plan.yaml`);
for (const extra of [[], ['--json']]) {
  const samples = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const res = spawnSync(process.execPath, [new URL('../bin/run.js', import.meta.url).pathname, 'check', largest, ...extra],
      { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NODE_ENV: 'production' } });
    if (res.status !== 0) throw new Error(`plan check exited ${res.status}: ${res.stderr}`);
    samples.push(performance.now() - t);
  }
  rows.push([`plan check ${extra.join(' ')} ${sizes[sizes.length - 1].toLocaleString('en')} tasks (whole process)`.replace('  ', ' '),
    '', '', '', '', `${median(samples).toFixed(0)} ms`]);
}

// Diagrams: 100 and 1,000 tasks to SVG through each renderer (one browser for all), and to ASCII.
const { buildOutline } = await import('../dist/src/outline/outline.js');
const { mermaidFlow, dotFlow, MERMAID_MAX_TASKS } = await import('../dist/src/diagram/flow.js');
const { asciiPlan } = await import('../dist/src/diagram/ascii.js');
const { graphvizSvg } = await import('../dist/src/diagram/graphviz.js');
const { MermaidBrowser, findChromium } = await import('../dist/src/diagram/browser.js');
const diagramSizes = (process.env.BENCH_DIAGRAM_SIZES ?? '100,1000').split(',').map(Number);
const views = diagramSizes.map((n) => {
  const { plan } = parsePlan(generatePlanYaml(n), 'bench');
  return [n, buildOutline(plan, analyzePlan(plan))];
});
const asyncTime = async (fn) => { const t = performance.now(); await fn(); return performance.now() - t; };
for (const [n, view] of views) {
  rows.push([`graph ${n} tasks → ascii`, '', '', '', '', `${time(() => asciiPlan(view))[0].toFixed(0)} ms`]);
  rows.push([`graph ${n} tasks → svg, graphviz (WASM)`, '', '', '', '', `${(await asyncTime(() => graphvizSvg(dotFlow(view, false)))).toFixed(0)} ms`]);
}
if (findChromium()) {
  const start = performance.now();
  const browser = await MermaidBrowser.launch();
  const launch = performance.now() - start;
  try {
    for (const [n, view] of views) {
      const collapsed = view.tasks.length > MERMAID_MAX_TASKS;
      const render = await asyncTime(() => browser.svg(mermaidFlow(view, collapsed), `b${n}`));
      rows.push([`graph ${n} tasks → svg, mermaid${collapsed ? ' (collapsed)' : ''}`, '', '', '', '', `${render.toFixed(0)} ms`]);
      if (n === diagramSizes[0]) rows.push([`  … including browser start (${launch.toFixed(0)} ms)`, '', '', '', '', `${(render + launch).toFixed(0)} ms`]);
    }
  } finally {
    await browser.close();
  }
} else {
  rows.push(['graph → svg, mermaid: no Chromium found, skipped', '', '', '', '', '-']);
}

// Start-up against `node -e 0` (target: within 250 ms), plan new with many tables, export of a 10k-task plan.
const { startupRows } = await import('./startup.js');
for (const [name, ms, over, ratio] of startupRows()) rows.push([`startup: ${name}`, '', '', '', '', `${ms.toFixed(0)} ms (+${over.toFixed(0)}, ${ratio.toFixed(2)}×)`]);
const { newPlan } = await import('../dist/src/app/new.js');
const { exportPlan } = await import('../dist/src/app/export.js');
// Plans from a real-sized schema: a pg_dump of 1,000 tables with ~3,000 foreign keys, read with the PostgreSQL
// parser, then multi-tenant planned over the whole ownership closure of its root (goal: under 5 s together).
const { readSchemaFile } = await import('../dist/src/inspect/read.js');
for (const n of (process.env.BENCH_SCHEMA_TABLES ?? '1000').split(',').map(Number)) {
  const dump = join(dir, `schema-${n}.sql`);
  writeFileSync(dump, generatePgDump(n));
  const reads = [];
  const plans = [];
  let keys = 0;
  let tasks = 0;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const schema = await readSchemaFile(dump);
    reads.push(performance.now() - t);
    keys = schema.tables.reduce((sum, table) => sum + table.foreign_keys.length, 0);
    const made = await asyncTime(async () => {
      const result = await newPlan({ template: 'multi-tenant', flags: { tables: 't0' }, schema: { schema: dump }, dryRun: true });
      tasks = result.check.counts.tasks;
    });
    plans.push(made);
  }
  const label = `${n.toLocaleString('en')} tables, ${keys.toLocaleString('en')} foreign keys`;
  rows.push([`read pg_dump schema, ${label}`, '', '', '', '', `${median(reads).toFixed(0)} ms`]);
  rows.push([`new multi-tenant --schema (reads it too), ${label}${tasks ? `, ${tasks.toLocaleString('en')} tasks` : ''}`, '', '', '', '', `${median(plans).toFixed(0)} ms`]);
}
const exportSize = Number(process.env.BENCH_EXPORT ?? 10000);
const exportFile = join(dir, `export-${exportSize}.plan.yaml`);
writeFileSync(exportFile, generatePlanYaml(exportSize));
for (const to of ['taskwarrior', 'cleo', 'jira-csv']) {
  const samples = [];
  for (let r = 0; r < runs; r++) samples.push(await asyncTime(() => exportPlan({ file: exportFile, to })));
  rows.push([`export ${exportSize.toLocaleString('en')} tasks --to ${to}`, '', '', '', '', `${median(samples).toFixed(0)} ms`]);
}
// Rehearsal of what the templates write, on the embedded PostgreSQL started for each run (its start reported
// apart) and in-process SQLite: add-index (build, verify, down, compare, up again) at two sizes, to show how
// it grows; multi-tenant (3 tables: every phase with statements, the backfill loops included) at 10,000 rows.
const { rehearsePlan } = await import('../dist/src/app/rehearse.js');
const rehearsals = [
  ['add-index', (process.env.BENCH_REHEARSE_ROWS ?? '1000,10000').split(',').map(Number)],
  ['multi-tenant', (process.env.BENCH_REHEARSE_TENANT_ROWS ?? '10000').split(',').map(Number)],
];
for (const [template, sizes] of rehearsals) {
  for (const db of ['postgres', 'sqlite']) {
    const file = join(dir, `rehearse-${template}-${db}.plan.yaml`);
    await newPlan({ template, flags: { db }, out: file, force: true });
    for (const n of sizes) {
      const { result } = await rehearsePlan({ file, rows: n });
      if (!result.ok) throw new Error(`rehearsal of ${template} on ${db} failed: ${result.verdict}`);
      const server = result.timings.serverMs === undefined ? 'in-process' : `server start ${result.timings.serverMs.toFixed(0)} ms`;
      const tables = result.schema.length;
      rows.push([`rehearse ${template} (${db}, ${server}), ${tables} table${tables === 1 ? '' : 's'} × ${n.toLocaleString('en')} rows`, '', '', '', '', `${result.timings.rehearsalMs.toFixed(0)} ms`]);
    }
  }
}
for (const [n, view] of views) rows.push([`graph ${n} tasks → mmd`, '', '', '', '', `${time(() => mermaidFlow(view, view.tasks.length > MERMAID_MAX_TASKS))[0].toFixed(0)} ms`]);

const header = ['benchmark (median of ' + runs + ')', 'parse+validate', 'analyze', 'rules', 'result', 'total'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));

// Every command as a whole process on what the templates write (bench/real.js): `--sizes 100,1000` or
// BENCH_REAL_SIZES for a quick run; BENCH_REAL_TEMPLATES to pick templates.
const { formatReal, realSizes, runReal, targets } = await import('./real.js');
const real = runReal({ sizes: realSizes(), templates: (process.env.BENCH_REAL_TEMPLATES ?? 'multi-tenant,blue-green').split(',') });
console.log(`\nWhole processes on template output (machine load: ${loadavg().map((l) => l.toFixed(2)).join(', ')})\n${formatReal(real.rows)}`);
for (const l of [...targets(real.rows), ...real.problems]) console.log(l);
