/** `plan rules`: the catalog and each rule's page, as a user installing the package gets them. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES, rulePage } from '../../src/rules/catalog.js';
import { ROOT, runCli } from '../helpers.js';

describe('plan rules', () => {
  it('--json lists every rule, integrity and safety, with id, severity, summary and sources', () => {
    const r = runCli(['rules', '--json']);
    expect(r.code).toBe(0);
    const { rules } = JSON.parse(r.stdout) as { rules: { id: string; category: string; severity: string; summary: string; sources: string[]; configurable: boolean; page: string }[] };
    expect(rules.map((x) => x.id)).toEqual(RULES.map((x) => x.id));
    expect(new Set(rules.map((x) => x.category))).toEqual(new Set(['integrity', 'safety']));
    for (const rule of rules) {
      expect(rule.severity).toMatch(/^(error|warning|info)$/);
      expect(rule.summary.length).toBeGreaterThan(10);
      expect(rule.sources.length).toBeGreaterThan(0);
      expect(existsSync(rule.page)).toBe(true);
    }
    expect(rules.find((x) => x.id === 'cycle')!.configurable).toBe(false);
    expect(rules.find((x) => x.id === 'ddl-lock-timeout')!.configurable).toBe(true);
  });

  it('without --json prints one line per rule', () => {
    const r = runCli(['rules']);
    expect(r.code).toBe(0);
    for (const rule of RULES) expect(r.stdout).toMatch(new RegExp(`^${rule.id} +${rule.severity}`, 'm'));
  });

  it('with an id prints that rule\'s page', () => {
    const r = runCli(['rules', 'cycle']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(rulePage('cycle'), 'utf8'));
    expect(r.stdout).toMatch(/^# cycle\n/);
    expect(r.stdout).toMatch(/## Why/);
  });

  it('an unknown id is exit 2 with the closest one', () => {
    const r = runCli(['rules', 'cycel']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown rule "cycel"[\s\S]*did you mean "cycle"/);
  });
});

describe('the catalog cites what a user can look up', () => {
  it('every source names a public tool, never an internal label', () => {
    for (const rule of RULES) {
      for (const source of rule.sources) expect(source, rule.id).not.toMatch(/\bMP\d{2}\b|seed \d{3}|field-notes/);
    }
  });

  it('the rule pages ship in the package, and SARIF points at them', () => {
    const files = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).files as string[];
    expect(files).toContain('docs');
    for (const rule of RULES) expect(existsSync(rulePage(rule.id)), rule.id).toBe(true);
  });

  it('every hint that names a plan command names one that exists', () => {
    const commands = readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8');
    for (const rule of RULES) {
      for (const [, name] of rule.hint.matchAll(/\bplan ([a-z]+)\b/g)) expect(commands, `${rule.id}: plan ${name}`).toContain(`"${name}"`);
    }
  });
});
