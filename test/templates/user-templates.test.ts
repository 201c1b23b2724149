import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listTemplates } from '../../src/templates/registry.js';
import { fixture, ROOT, runCli, tempDir } from '../helpers.js';

describe('user templates', () => {
  it('plan templates also lists ./templates in the working directory, marked as user templates', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'templates'));
    cpSync(fixture('templates', 'cyclic'), join(dir, 'templates', 'cyclic'), { recursive: true });
    const listing = JSON.parse(runCli(['templates', '--json'], { cwd: dir }).stdout) as { name: string; builtin: boolean }[];
    const expected = [...listTemplates().map((t) => [t.name, true]), ['cyclic', false]].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(listing.map((t) => [t.name, t.builtin])).toEqual(expected);
  });

  it('in this repository, ./templates is the built-in folder and is not listed twice', () => {
    const listing = JSON.parse(runCli(['templates', '--json'], { cwd: ROOT }).stdout) as { name: string; builtin: boolean }[];
    expect(listing.filter((t) => t.name === 'multi-tenant')).toEqual([expect.objectContaining({ builtin: true })]);
  });

  it('plan templates show prints the parameters, an example command line, and the plan on defaults', () => {
    const r = runCli(['templates', 'show', 'multi-tenant']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tables \(identifier-list, default \["users","projects","tasks"\]; --tables\)/);
    expect(r.stdout).toContain('plan new multi-tenant --tables users,projects,tasks --db postgres --set framework=sql --set app_language=auto --set tenant_column=tenant_id');
    expect(r.stdout).toContain('13 tasks in 5 waves, 4 checkpoints; 0 errors, 0 warnings');
  });

  it('plan templates check renders defaults and every example value; template mistakes are located (2), broken plans are 1', () => {
    const ok = runCli(['templates', 'check', join(ROOT, 'templates', 'multi-tenant')]);
    expect(ok.code).toBe(0);
    // Defaults and each example value (11 renderings), then each of its two rehearsal sets on the four engines.
    expect(ok.stdout.trim().split('\n')).toHaveLength(11 + 2 * 4);
    expect(ok.stdout).toContain('(rendered with rows=50000000): 13 tasks in 5 waves');
    expect(ok.stdout).toContain('(rendered with db=mongodb): 13 tasks in 5 waves');
    const mistake = runCli(['templates', 'check', fixture('templates', 'unknown-variable')]);
    expect(mistake.code).toBe(2);
    expect(mistake.stderr).toMatch(/unknown-variable\/plan\.yaml\.hbs:11:34: template error: "colunm" not defined\n/);
    const broken = runCli(['templates', 'check', fixture('templates', 'bad-yaml')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/bad-yaml\/plan\.yaml\.hbs \(rendered\):\d+:\d+: YAML syntax error/);
    const cyclic = runCli(['templates', 'check', fixture('templates', 'cyclic')]);
    expect(cyclic.code).toBe(1);
    expect(cyclic.stdout).toContain('error [cycle] dependency cycle: A → B → A');
    expect(runCli(['templates', 'check', tempDir()]).stderr).toMatch(/no template\.yaml here/);
  });
});
