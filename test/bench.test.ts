import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

// The benchmark is not a timed test; this only keeps it runnable (tiny plans, one run).
describe('npm run bench', () => {
  it('runs end to end and prints its table', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'run.js')], {
      encoding: 'utf8', env: { ...process.env, BENCH_SIZES: '50,200', BENCH_RUNS: '1', BENCH_DIAGRAM_SIZES: '50', BENCH_EXPORT: '200', BENCH_REHEARSE_ROWS: '50', BENCH_REHEARSE_TENANT_ROWS: '50', STARTUP_RUNS: '1', BENCH_REAL_SIZES: '3', BENCH_REAL_TEMPLATES: 'multi-tenant', BENCH_REAL_COMMANDS: 'check,export jira-csv', NODE_ENV: 'production' },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/check 200 tasks \(\d+ edges\)/);
    expect(r.stdout).toMatch(/plan check --json 200 tasks \(whole process\)\s+\d+ ms/);
    expect(r.stdout).toMatch(/graph 50 tasks → svg, graphviz \(WASM\)\s+\d+ ms/);
    expect(r.stdout).toMatch(/graph 50 tasks → svg, mermaid\s+\d+ ms/);
    expect(r.stdout).toMatch(/rehearse add-index \(postgres, server start \d+ ms\), 1 table × 50 rows\s+\d+ ms/);
    expect(r.stdout).toMatch(/rehearse add-index \(sqlite, in-process\), 1 table × 50 rows\s+\d+ ms/);
    // Commands as whole processes on what multi-tenant writes, with time and peak memory (one size, two commands: CI time).
    expect(r.stdout).toMatch(/Whole processes on template output \(machine load: [\d.]+, [\d.]+, [\d.]+\)/);
    for (const command of ['new', 'check', 'export jira-csv']) {
      expect(r.stdout).toMatch(new RegExp(`multi-tenant\\s+3\\s+\\d+\\s+[\\d.]+ MB\\s+${command}\\s+[\\d.]+ s\\s+([\\d.]+ s|-)\\s+(\\d+ MiB|-)`));
    }
    expect(r.stdout).not.toMatch(/failed|timeout|over target/);
    expect(r.stdout).toMatch(/rehearse multi-tenant \(postgres, server start \d+ ms\), 3 tables × 50 rows\s+\d+ ms/);
  });
});
