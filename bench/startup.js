// Start-up time of the CLI against `node -e 0`, medians of many runs (the README's bench table).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const small = fileURLToPath(new URL('../test/fixtures/plans/valid.plan.yaml', import.meta.url));
const runs = Number(process.env.STARTUP_RUNS ?? 15);

export function medianMs(args) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

export function startupRows() {
  const floor = medianMs(['-e', '0']);
  const rows = [['node -e 0', floor]];
  for (const [name, args] of [['plan --version', ['--version']], ['plan --help', ['--help']], ['plan check (small plan)', ['check', small]]]) {
    rows.push([name, medianMs([bin, ...args])]);
  }
  return rows.map(([name, ms]) => [name, ms, ms - floor]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [name, ms, over] of startupRows()) console.log(`${name.padEnd(26)} ${ms.toFixed(0).padStart(5)} ms  (+${over.toFixed(0)} ms)`);
}
