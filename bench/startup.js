// Start-up of the CLI as a ratio of the Node floor (`node -e 0`), measured side by side: the runs of every
// command are interleaved round by round, so a change in machine load hits all of them alike; medians.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const small = fileURLToPath(new URL('../test/fixtures/plans/valid.plan.yaml', import.meta.url));
const runs = Math.max(10, Number(process.env.STARTUP_RUNS ?? 15));

const COMMANDS = [
  ['node -e 0', ['-e', '0']],
  ['plan --version', [bin, '--version']],
  ['plan --help', [bin, '--help']],
  ['plan check (small plan)', [bin, 'check', small]],
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** [name, median ms, ms over the floor, ratio to the floor] per command; the floor first. */
export function startupRows() {
  const times = COMMANDS.map(() => []);
  for (let round = 0; round < runs; round++) {
    COMMANDS.forEach(([name, args], i) => {
      const t = performance.now();
      const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
      times[i].push(performance.now() - t);
      if (r.status !== 0) throw new Error(`${name} exited ${r.status}: ${r.stderr}`);
    });
  }
  const floor = median(times[0]);
  return COMMANDS.map(([name], i) => {
    const ms = median(times[i]);
    return [name, ms, ms - floor, ms / floor];
  });
}

export function formatStartup(rows) {
  return rows.map(([name, ms, over, ratio]) => `${name.padEnd(26)} ${ms.toFixed(0).padStart(5)} ms  (+${over.toFixed(0)} ms, ${ratio.toFixed(2)}×)`).join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`start-up, medians of ${runs} interleaved runs:`);
  console.log(formatStartup(startupRows()));
}
