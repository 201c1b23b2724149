import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parsePlan } from '../src/model/load.js';
import type { Plan } from '../src/model/schema.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const fixture = (...parts: string[]) => join(ROOT, 'test', 'fixtures', ...parts);

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'plan-test-'));
}

/** Runs the built CLI (`npm test` builds first) as a user would. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    // NODE_ENV=test (set by vitest) makes oclif look for TypeScript sources; run as users do.
    env: { ...process.env, NO_COLOR: '1', DEBUG: '', NODE_ENV: 'production', ...options.env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A plan from a compact description: `{T2: ['T1']}` with every task in phase `p`. */
export function planOf(depends: Record<string, string[]>, phaseOf: (id: string) => string = () => 'p'): Plan {
  const phases = [...new Set(Object.keys(depends).map(phaseOf))];
  const yaml = JSON.stringify({
    version: 1,
    epic: { id: 'E', title: 'e' },
    phases: (phases.length ? phases : ['p']).map((id) => ({ id, name: id, rollback: 'r', risk: 'low' })),
    tasks: Object.entries(depends).map(([id, deps]) => ({ id, title: id, phase: phaseOf(id), depends: deps })),
  });
  return parsePlan(yaml, 'inline').plan;
}
