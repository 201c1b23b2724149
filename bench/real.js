// Every command, each as a whole process, on the plans the templates themselves write: multi-tenant and
// blue-green (both fan out one task per table) with 100 to 20,000 tables. Time and peak memory (the child's
// maxRSS, from /usr/bin/time) per command and size, and the growth from one size to the next. Targets
// (issue 17, read here, never asserted in tests): 10× the tables costs at most 12× the time; at 20,000
// tables `plan check` under 10 s and 2 GiB, `plan new` under 20 s.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const TIME = '/usr/bin/time';

/** Sizes from `--sizes 100,1000` or BENCH_REAL_SIZES. */
export function realSizes(argv = process.argv, env = process.env) {
  const flag = argv.indexOf('--sizes');
  const given = flag >= 0 ? argv[flag + 1] : argv.find((a) => a.startsWith('--sizes='))?.slice('--sizes='.length);
  return (given ?? env.BENCH_REAL_SIZES ?? '100,1000,10000,20000').split(',').map(Number).filter((n) => n > 0);
}

/** The commands run on each plan: [label, arguments after the plan file, output file name or undefined]. */
const COMMANDS = [
  ['check', (plan) => ['check', plan]],
  ['show', (plan) => ['show', plan]],
  ['graph ascii', (plan) => ['graph', plan, '--format', 'ascii']],
  ['graph mmd', (plan) => ['graph', plan, '--format', 'mmd']],
  ['graph svg (graphviz)', (plan, out) => ['graph', plan, '--format', 'svg', '--renderer', 'graphviz', '--out', out('svg'), '--force']],
  ['report md', (plan, out) => ['report', plan, '--format', 'md', '--out', out('md'), '--force']],
  ['report html', (plan, out) => ['report', plan, '--format', 'html', '--out', out('html'), '--force']],
  ['export taskwarrior', (plan, out) => ['export', plan, '--to', 'taskwarrior', '--out', out('sh'), '--force']],
  ['export github', (plan, out) => ['export', plan, '--to', 'github', '--out', out('gh.sh'), '--force']],
  ['export jira-csv', (plan, out) => ['export', plan, '--to', 'jira-csv', '--out', out('csv'), '--force']],
  // What one more table would change, then the change itself (last: it rewrites the plan).
  ['diff (one more table)', (plan, out, grown) => ['diff', plan, '--set', `tables=${grown}`, '--format', 'json']],
  ['rehearse', (plan) => ['rehearse', plan], { maxTables: Number(process.env.BENCH_REHEARSE_MAX ?? 1000) }],
  ['update (one more table)', (plan, out, grown) => ['update', plan, '--set', `tables=${grown}`]],
];

/** One whole process: wall time, CPU time (user + system: what a loaded machine changes least), peak RSS (when /usr/bin/time is there), exit status; killed at `timeoutMs`. */
function measure(args, timeoutMs, dir) {
  const stats = join(dir, 'time.txt');
  const withTime = existsSync(TIME);
  const command = withTime ? TIME : process.execPath;
  const argv = withTime ? ['-f', '%M %U %S', '-o', stats, process.execPath, bin, ...args] : [bin, ...args];
  const start = performance.now();
  const r = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 1 << 30, timeout: timeoutMs, killSignal: 'SIGKILL',
    env: { ...process.env, NODE_ENV: 'production', COLUMNS: '100' } });
  const ms = performance.now() - start;
  const timedOut = r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGKILL';
  let kib;
  let cpuMs;
  if (withTime && existsSync(stats)) {
    const [rss, user, sys] = readFileSync(stats, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    kib = rss;
    cpuMs = (user + sys) * 1000;
  }
  return { ms, cpuMs, mib: kib ? kib / 1024 : undefined, status: r.status, timedOut, stderr: r.stderr ?? '' };
}

const fmtTime = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`);
const fmtGrowth = (a, b) => (a && b ? `${(b / a).toFixed(1)}×` : '');

/**
 * Runs the matrix; returns the rows of the table ([template, tables, tasks, plan MB, command, time, memory,
 * growth]) and the problems met (a command that failed or ran out of time).
 */
export function runReal({ sizes = realSizes(), templates = ['multi-tenant', 'blue-green'], commands = process.env.BENCH_REAL_COMMANDS?.split(','), timeoutMs = Number(process.env.BENCH_REAL_TIMEOUT ?? 180_000), log = () => {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'plan-bench-real-'));
  const rows = [];
  const problems = [];
  try {
    for (const template of templates) {
      /** Time per command and size, for the growth column. */
      const seen = new Map();
      for (const n of sizes) {
        // Short names (base 36) keep 20,000 of them under Linux's 128 KiB limit for one argument.
        const names = Array.from({ length: n + 1 }, (_, i) => `t${i.toString(36)}`);
        const tables = names.slice(0, n).join(',');
        const grown = names.join(',');
        const plan = join(dir, `${template}-${n}.plan.yaml`);
        const out = (ext) => join(dir, `${template}-${n}.${ext}`);
        const made = measure(['new', template, '--tables', tables, '--db', 'postgres', '--out', plan, '--force'], timeoutMs, dir);
        const result = (label, m) => {
          const before = seen.get(label);
          const previous = sizes[sizes.indexOf(n) - 1];
          // Growth in CPU time when measured: on a shared machine wall time mostly measures the neighbours.
          const cost = m.cpuMs ?? m.ms;
          seen.set(label, m.ok ? cost : undefined);
          return { label, ms: m.ms, cpuMs: m.cpuMs, mib: m.mib, growth: previous && before ? fmtGrowth(before, cost) : '', from: previous, ok: m.ok, note: m.note };
        };
        const results = [];
        const outcome = (label, m) => {
          const ok = m.status === 0 && !m.timedOut;
          const note = m.timedOut ? `stopped after ${fmtTime(timeoutMs)}` : ok ? '' : `exit ${m.status}: ${m.stderr.trim().split('\n')[0]}`;
          if (!ok) problems.push(`${template} ${n} tables, ${label}: ${note}`);
          results.push(result(label, { ...m, ok, note }));
          log(`${template} ${n} ${label} ${ok ? fmtTime(m.ms) : note}`);
        };
        outcome('new', made);
        let tasks = 0;
        let bytes = 0;
        if (existsSync(plan)) {
          bytes = statSync(plan).size;
          tasks = (readFileSync(plan, 'utf8').match(/^ {2}- id: /gm) ?? []).length;
          // BENCH_REAL_COMMANDS (labels, comma-separated) runs fewer: the test of the bench itself.
          // Rehearsal runs every statement on a real database: the smaller sizes only (BENCH_REHEARSE_MAX tables).
          const runs = COMMANDS.filter(([label, , limits]) => (!commands || commands.includes(label)) && n <= (limits?.maxTables ?? Infinity));
          for (const [label, args] of runs) outcome(label, measure(args(plan, out, grown), timeoutMs, dir));
        }
        for (const r of results) rows.push({ template, tables: n, tasks, mb: bytes / 1e6, ...r });
        for (const f of [plan, plan.replace(/\.yaml$/, '.base.yaml'), ...['svg', 'md', 'html', 'sh', 'gh.sh', 'csv'].map(out)]) rmSync(f, { force: true });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows, problems };
}

/** The table as printed (and pasted into the README). */
export function formatReal(rows) {
  const header = ['template', 'tables', 'tasks', 'plan', 'command', 'wall', 'CPU', 'peak RSS', 'growth (CPU)'];
  const cells = rows.map((r) => [r.template, r.tables.toLocaleString('en'), r.tasks.toLocaleString('en'), `${r.mb.toFixed(1)} MB`, r.label,
    r.ok ? fmtTime(r.ms) : r.note.startsWith('stopped') ? 'timeout' : 'failed', r.ok && r.cpuMs !== undefined ? fmtTime(r.cpuMs) : '-', r.mib ? `${r.mib.toFixed(0)} MiB` : '-', r.growth ? `${r.growth} (from ${r.from.toLocaleString('en')})` : '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((x, i) => (i === 0 || i === 4 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Lines about the targets: growth per 10× over 12×, and check/new at 20,000 tables. */
export function targets(rows) {
  const out = [];
  for (const r of rows) {
    if (!r.growth || !r.from) continue;
    const factor = r.tables / r.from;
    const growth = parseFloat(r.growth);
    // 10× the tables at most 12× the time (1.2 per unit of growth, the same allowance for 10k → 20k).
    if (growth > 1.2 * factor) out.push(`over target: ${r.template} ${r.label} ${r.from.toLocaleString('en')} → ${r.tables.toLocaleString('en')} tables grew ${r.growth} (target ≤ ${(1.2 * factor).toFixed(0)}×)`);
  }
  for (const r of rows.filter((x) => x.tables === 20_000 && x.template === 'multi-tenant')) {
    if (r.label === 'check' && (!r.ok || Math.min(r.ms, r.cpuMs ?? r.ms) > 10_000 || (r.mib ?? 0) > 2048)) out.push(`over target: plan check of 20,000 tables ${r.ok ? fmtTime(r.ms) : r.note}, ${r.mib?.toFixed(0)} MiB (target < 10 s, < 2 GiB, exit 0)`);
    if (r.label === 'new' && (!r.ok || Math.min(r.ms, r.cpuMs ?? r.ms) > 20_000)) out.push(`over target: plan new of 20,000 tables ${r.ok ? fmtTime(r.ms) : r.note} (target < 20 s)`);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rows, problems } = runReal({ log: (l) => process.stderr.write(`${l}\n`) });
  console.log(formatReal(rows));
  for (const l of [...targets(rows), ...problems]) console.log(l);
}
