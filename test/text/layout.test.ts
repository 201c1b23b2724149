import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPlan, showPlan } from '../../src/app/check.js';
import { newPlan } from '../../src/app/new.js';
import { listRules } from '../../src/app/rules.js';
import { fitLines, layoutTable, terminalWidth, wrap } from '../../src/text/layout.js';

const longest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

describe('terminalWidth', () => {
  it('COLUMNS first, then the TTY, then 80 when not a terminal', () => {
    expect(terminalWidth({ isTTY: true, columns: 120 }, { COLUMNS: '60' })).toBe(60);
    expect(terminalWidth({ isTTY: true, columns: 120 }, {})).toBe(120);
    expect(terminalWidth({ isTTY: false }, {})).toBe(80);
    expect(terminalWidth({ isTTY: false }, { COLUMNS: 'wide' })).toBe(80);
  });
});

describe('layoutTable', () => {
  const rows = [['0', 'A: Schema', 'Drop the new tenant_id columns and their indexes; nothing reads them yet.'],
    ['1', 'B: Dual-Write and a phase name that is long', 'Turn the dual-write feature flag off.']];

  it('keeps columns at their content width when the table fits', () => {
    expect(layoutTable(rows, { header: ['Wave', 'Phase', 'Rollback'], width: 200 }).split('\n')[2])
      .toBe('0     A: Schema                                    Drop the new tenant_id columns and their indexes; nothing reads them yet.');
  });

  it('wraps the widest cells onto continuation lines in their own column to fit', () => {
    const text = layoutTable(rows, { header: ['Wave', 'Phase', 'Rollback'], width: 50 });
    expect(longest(text)).toBeLessThanOrEqual(50);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Wave {2}Phase +Rollback$/);
    const rollbackAt = lines[0]!.indexOf('Rollback');
    // Every word of every cell is still there, each continuation under its column.
    expect(text.replace(/\s+/g, ' ')).toContain('nothing');
    for (const line of lines.slice(2)) if (line.startsWith(' ')) expect(line.slice(0, 6).trim()).toBe('');
    expect(lines.filter((l) => l.length > rollbackAt).every((l) => l[rollbackAt - 1] === ' ')).toBe(true);
  });

  it('cuts a word longer than its column, right-aligns numbers, and writes lines of their own between rows', () => {
    expect(wrap('a_very_long_identifier_without_spaces', 10)).toEqual(['a_very_lon', 'g_identifi', 'er_without', '_spaces']);
    const text = layoutTable([['orders', '1,200'], '  a note under orders that is long enough to wrap', ['t', '7']], { width: 30, right: [1] });
    expect(text.split('\n')).toEqual(['orders  1,200', '  a note under orders that is', '    long enough to wrap', 't           7']);
  });

  it('fitLines wraps prose with a hanging indent and leaves short lines alone', () => {
    expect(fitLines('short\n  hint: one two three four five six', 20)).toBe('short\n  hint: one two\n    three four five\n    six');
  });
});

describe('plan show and plan check of a 5-table multi-tenant plan fit the width', () => {
  const home = process.cwd();
  const file = 'mt.plan.yaml';
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plan-width-'));
    // A short relative name, as a user types it: the headline names the file and is kept whole.
    process.chdir(dir);
    await newPlan({ template: 'multi-tenant', flags: { tables: 'users,orders,order_items,invoices,payments' }, out: file });
  });
  afterAll(() => {
    process.chdir(home);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const width of [80, 60]) {
    it(`at ${width} columns`, async () => {
      const shown = (await showPlan({ file, width })).text;
      const checked = (await checkPlan({ file, width, strict: true })).text;
      for (const text of [shown, checked]) {
        expect(text).toMatch(/^Wave +Phase +Tasks +Checkpoint +Risk +Rollback$/m);
        const [headline, ...rest] = text.split('\n');
        expect(headline).toMatch(/^mt\.plan\.yaml: 21 tasks in 5 waves/);
        if (width === 80) expect(headline!.length).toBeLessThanOrEqual(width);
        expect(longest(rest.join('\n'))).toBeLessThanOrEqual(width);
      }
      // At 80 nothing is cut to fit: every task id of the plan is whole in the waves table.
      const { result } = await checkPlan({ file, width });
      if (width === 80) for (const task of result.tasks) expect(checked).toMatch(new RegExp(`(^| )${task.id.replace('.', '\\.')}(,| |$)`, 'm'));
      expect(longest(listRules(width).text)).toBeLessThanOrEqual(width);
    });
  }

  it('the CLI takes COLUMNS (and 80 when stdout is not a terminal)', () => {
    const run = (env: Record<string, string>) => spawnSync(process.execPath, [join(import.meta.dirname, '../../bin/run.js'), 'show', file],
      { encoding: 'utf8', cwd: dir, env: { ...process.env, COLUMNS: '', ...env } });
    const narrow = run({ COLUMNS: '60' });
    expect(narrow.status).toBe(0);
    expect(longest(narrow.stdout.split('\n').slice(1).join('\n'))).toBeLessThanOrEqual(60);
    expect(longest(narrow.stdout)).toBeGreaterThan(50);
    const piped = run({});
    expect(longest(piped.stdout)).toBeLessThanOrEqual(80);
    expect(longest(piped.stdout)).toBeGreaterThan(60);
  });
});
