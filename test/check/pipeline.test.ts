/**
 * One pipeline: every command reads a plan file once and analyses it once, and every command that acts
 * on a plan refuses one with errors, naming them (exit 1).
 */
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fixture, runCli, tempDir } from '../helpers.js';

const counts = vi.hoisted(() => ({ reads: new Map<string, number>(), analyses: 0 }));

vi.mock('../../src/io/files.js', async (original) => {
  const actual = await original<typeof import('../../src/io/files.js')>();
  return { ...actual, readTextFile: (file: string) => {
    counts.reads.set(file, (counts.reads.get(file) ?? 0) + 1);
    return actual.readTextFile(file);
  } };
});
vi.mock('../../src/analysis/analyze.js', async (original) => {
  const actual = await original<typeof import('../../src/analysis/analyze.js')>();
  return { ...actual, analyzePlan: (plan: Parameters<typeof actual.analyzePlan>[0]) => {
    counts.analyses++;
    return actual.analyzePlan(plan);
  } };
});

const { checkPlan, showPlan } = await import('../../src/app/check.js');
const { drawDiagram } = await import('../../src/app/diagram.js');
const { writeKickoff } = await import('../../src/app/kickoff.js');
const { exportPlan } = await import('../../src/app/export.js');

const CYCLE = fixture('rules', 'cycle', 'bad.plan.yaml');

describe('each command loads and analyses a plan once', () => {
  const file = join(tempDir(), 'valid.plan.yaml');
  copyFileSync(fixture('plans', 'valid.plan.yaml'), file);
  beforeEach(() => {
    counts.reads.clear();
    counts.analyses = 0;
  });

  const commands: [string, () => unknown][] = [
    ['check', () => checkPlan({ file })],
    ['check --graph', () => checkPlan({ file, graph: true })],
    ['check --format sarif', () => checkPlan({ file, format: 'sarif' })],
    ['show', () => showPlan({ file })],
    ['graph (mmd)', () => drawDiagram({ file })],
    ['graph --format ascii', () => drawDiagram({ file, format: 'ascii' })],
    ['graph --view gantt', () => drawDiagram({ file, view: 'gantt' })],
    ['report (md)', () => writeKickoff({ file })],
    ['export --to markdown', () => exportPlan({ file, to: 'markdown' })],
    ['export --to taskwarrior', () => exportPlan({ file, to: 'taskwarrior' })],
  ];
  for (const [name, run] of commands) {
    it(name, async () => {
      await run();
      expect(counts.reads.get(file)).toBe(1);
      expect(counts.analyses).toBe(1);
    });
  }
});

describe('every command that acts on a plan refuses one with errors', () => {
  const cycle = /dependency cycle: .* → /;
  for (const args of [['report'], ['report', '--format', 'html'], ['graph'], ['graph', '--format', 'ascii'], ['export', '--to', 'markdown']]) {
    it(`plan ${args.join(' ')} exits 1 and names the cycle`, () => {
      const r = runCli([args[0]!, CYCLE, ...args.slice(1)]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(cycle);
      expect(r.stderr).toMatch(/bad\.plan\.yaml:\d+:\d+: tasks\[\d+\]\.depends\[\d+\]: .*error \[cycle\]/);
      expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    });
  }

  it('under --json the refusal is one JSON error document with every finding located', () => {
    const r = runCli(['graph', CYCLE, '--json']);
    expect(r.code).toBe(1);
    const { error } = JSON.parse(r.stdout);
    expect(error.exitCode).toBe(1);
    expect(error.details[0]).toMatchObject({ path: expect.stringMatching(/^tasks\[\d+\]\.depends\[\d+\]$/), line: expect.any(Number) });
    expect(error.details[0].message).toMatch(cycle);
  });

  it('check and show report the same plan instead of refusing it', () => {
    expect(runCli(['check', CYCLE]).stdout).toMatch(cycle);
    const show = runCli(['show', CYCLE]);
    expect(show.code).toBe(1);
    expect(show.stdout).toMatch(/1 error/);
  });
});

describe('--config reaches every command that reads a plan', () => {
  // duplicate-dependency is a warning by default; the config raises it to an error.
  const dir = tempDir();
  const plan = join(dir, 'twice.plan.yaml');
  writeFileSync(plan, [
    'version: 1', 'epic: { id: E, title: Epic }', 'phases: [{ id: p, name: P, rollback: r, risk: low }]',
    'tasks:', '  - { id: A, title: First, phase: p }', '  - { id: B, title: Second, phase: p, depends: [A, A] }', '',
  ].join('\n'));
  const config = join(dir, 'strict.config.yaml');
  writeFileSync(config, 'rules:\n  duplicate-dependency: error\n');

  for (const args of [['check'], ['show'], ['graph'], ['report'], ['export', '--to', 'markdown']]) {
    it(`plan ${args[0]} --config`, () => {
      expect(runCli([args[0]!, plan, ...args.slice(1)]).code).toBe(0);
      const r = runCli([args[0]!, plan, ...args.slice(1), '--config', config]);
      expect(r.code).toBe(1);
      expect(`${r.stdout}${r.stderr}`).toMatch(args[0] === 'show' ? /1 error\b/ : /duplicate-dependency/);
    });
  }
});

describe('flags reach the application layer', () => {
  it('plan export --dry-run --out prints and writes nothing', () => {
    const out = join(tempDir(), 'tasks.sh');
    const r = runCli(['export', fixture('plans', 'valid.plan.yaml'), '--to', 'taskwarrior', '--out', out, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^#!\/usr\/bin\/env bash/);
    expect(existsSync(out)).toBe(false);
  });
});
