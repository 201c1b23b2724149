import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenshotPage } from '../../src/diagram/browser.js';
import { withReference } from '../../scripts/command-reference.js';
import { withLayout } from '../../scripts/layout.js';
import { listTemplates } from '../../src/templates/registry.js';
import { ROOT, runCli, tempDir } from '../helpers.js';

const EXAMPLE = join(ROOT, 'examples', 'multi-tenant', 'multi-tenant.plan.yaml');
const planJson = () => JSON.parse(runCli(['check', EXAMPLE, '--json']).stdout);

function pngSize(png: Buffer) {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('plan report', () => {
  it('the HTML report, opened in Chromium, shows both diagrams and a phase table whose rows are the plan\'s waves', async () => {
    const dir = tempDir();
    const out = join(dir, 'kickoff.html');
    const r = runCli(['report', EXAMPLE, '--format', 'html', '--out', out]);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    // Self-contained: nothing fetched from anywhere.
    expect(html).not.toMatch(/<script|<link|src="http|href="http|url\(http/i);
    const { png, page } = await screenshotPage(out);
    expect(page.svgBoxes).toHaveLength(2);
    for (const box of page.svgBoxes) {
      expect(box.width).toBeGreaterThan(300);
      expect(box.height).toBeGreaterThan(200);
    }
    const phases = page.tables[0]!;
    expect(phases[0]).toEqual(['Wave', 'Phase', 'Tasks', 'Checkpoint', 'Risk', 'Rollback']);
    const plan = planJson();
    expect(phases.slice(1).map((row) => row.slice(0, 5))).toEqual(plan.waves.map((w: { wave: number; phaseNames: string[]; tasks: string[]; checkpoints: string[]; risk: string }) =>
      [String(w.wave), w.phaseNames.join(', '), w.tasks.join(', '), w.checkpoints.join(', ') || '-', w.risk]));
    const size = pngSize(png);
    expect(size.width).toBe(1200);
    expect(size.height).toBeGreaterThan(3000);
  }, 60_000);

  it('the Markdown report keeps Mermaid blocks and every section of the kickoff', () => {
    const md = runCli(['report', EXAMPLE]).stdout;
    expect(md.match(/```mermaid\n/g)).toHaveLength(2);
    for (const heading of ['## Goal and acceptance criteria', '## Dependency waves', '## Schedule', '## Phases', '## Tasks by wave',
      '## Rollback by phase', '## Checkpoints', '## Checklists', '### Before the migration', '### During', '### After',
      '## Success criteria', '## Safety findings']) expect(md).toContain(`${heading}\n`);
    expect(md).toMatch(/\| G2 Gate: ready to enforce NOT NULL \| 3 \| No application version .* \| T8 \|/);
    expect(md).toContain('- [ ] Technical quality: zero data loss');
    expect(md).toContain('None: every rule passes');
  });

  it('the committed screenshot of the report is a real image', () => {
    const size = pngSize(readFileSync(join(ROOT, 'examples', 'multi-tenant', 'report.png')));
    expect(size).toEqual({ width: 1200, height: 1500 });
  });
});

describe('plan show', () => {
  it('puts the waves table, critical path, widest wave, points of no return and the findings count on one screen', () => {
    const r = runCli(['show', EXAMPLE]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(40);
    expect(r.stdout).toMatch(/^Wave +Phase +Tasks +Checkpoint +Risk +Rollback$/m);
    // T7 (forced row-level security) waits for T6: enforced before the tenant-aware queries ship, it would hide every row.
    expect(r.stdout).toContain('Critical path: T1 → T2 → G1 → T4 → T5 → T6 → T7 → B1 → G2 → T8 → V1 → T9 (9.3d)');
    expect(r.stdout).toContain('Widest wave: 3 (4 tasks)');
    expect(r.stdout).toContain('Point of no return: T8 Enforce NOT NULL constraint on tenant_id');
    expect(lines.at(-1)).toBe('Findings: none (every rule passes)');
    // The command is whole on its own line, even under a path longer than the terminal (CI checks out under /check/…).
    const badFile = join(ROOT, 'test/fixtures/rules/single-terminal/bad.plan.yaml');
    const bad = runCli(['show', badFile], { env: { COLUMNS: '40' } });
    const badLines = bad.stdout.trimEnd().split('\n');
    expect(badLines.at(-1)).toBe(`  plan check ${badFile}`);
    expect(badLines.slice(-3, -1).join(' ')).toMatch(/^Findings: 0 errors, 1 warning;\s+for\s+details:$/);
  });
});

describe('first run', () => {
  it('without a terminal, plan new fails fast and says what to pass', () => {
    const r = runCli(['new'], { cwd: tempDir() });
    expect(r.code).toBe(2);
    const names = listTemplates().map((t) => t.name).join(', ');
    expect(r.stderr).toContain(`plan new needs a template (no terminal to ask on)\n  hint: templates: ${names}; e.g. plan new multi-tenant --tables`);
  });

  it('on a terminal (tmux), plan new offers the templates, asks each parameter, re-asks a wrong answer, and writes the plan', async () => {
    const dir = tempDir();
    const session = `plan-test-${process.pid}`;
    const tmux = (...args: string[]) => spawnSync('tmux', args, { encoding: 'utf8' });
    const screen = () => tmux('capture-pane', '-p', '-t', session, '-S', '-200').stdout;
    const waitFor = async (text: string) => {
      for (let i = 0; i < 100; i++) {
        if (screen().includes(text)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`tmux never showed "${text}":\n${screen()}`);
    };
    const cmd = `NO_COLOR=1 NODE_ENV=production node ${join(ROOT, 'bin', 'run.js')} new; echo "EXIT=$?"; sleep 60`;
    expect(tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '50', '-c', dir, cmd).status).toBe(0);
    try {
      await waitFor('Template [1-');
      expect(screen()).toContain(`${listTemplates().findIndex((t) => t.name === 'multi-tenant') + 1}. multi-tenant`);
      tmux('send-keys', '-t', session, 'multi-tenant', 'Enter');
      await waitFor('(users,projects,tasks):');
      tmux('send-keys', '-t', session, 'users,orders', 'Enter');
      await waitFor('(postgres):');
      tmux('send-keys', '-t', session, 'oracle', 'Enter');
      await waitFor('"oracle" is not one of');
      tmux('send-keys', '-t', session, 'mysql', 'Enter');
      for (const name of ['framework', 'migration_start', 'app_language', 'app_dir', 'tenant_column', 'fan_out_above', 'rows']) {
        await waitFor(`  ${name}`);
        tmux('send-keys', '-t', session, 'Enter');
      }
      await waitFor('EXIT=0');
      expect(screen()).toContain('Wrote multi-tenant.plan.yaml');
      expect(screen()).toContain('plan report multi-tenant.plan.yaml --format html');
    } finally {
      tmux('kill-session', '-t', session);
    }
    const text = readFileSync(join(dir, 'multi-tenant.plan.yaml'), 'utf8');
    expect(text).toMatch(/tables:\n {6}- users\n {6}- orders\n/);
    expect(text).toContain('database: mysql');
    expect(existsSync(join(dir, 'multi-tenant.plan.yaml'))).toBe(true);
  }, 60_000);
});

describe('README', () => {
  it('the command reference is what the commands say (npm run readme regenerates it)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toBe(withReference(readme));
  });

  it('the layout section is what scripts/layout.ts and the tree say (npm run readme regenerates it)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toBe(withLayout(readme));
  });
});
