/**
 * The document a DBA signs carries the statements: the HTML report opened in Chromium shows every
 * task's up, verify and down; the PDF printed from it has pages; the Markdown report fences them.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { writeKickoff } from '../../src/app/kickoff.js';
import { setTaskStates } from '../../src/app/state.js';
import { findChromium } from '../../src/diagram/browser.js';
import { PlanInputError } from '../../src/errors.js';
import { highlight } from '../../src/kickoff/highlight.js';
import { fenced } from '../../src/outline/statements.js';
import { ROOT, runCli, tempDir } from '../helpers.js';

const EXAMPLE = join(ROOT, 'examples', 'multi-tenant', 'multi-tenant.plan.yaml');

type RawStatement = string | { run: string; loop?: { bounds: string; remaining: string } };
interface RawTask { id: string; sql?: { up?: RawStatement[]; verify?: { query: string }[]; down?: RawStatement[] } }

/** Every statement text of the plan file, read from the YAML itself (not through the code under test). */
function statementTexts(): { task: string; where: string; text: string }[] {
  const plan = parseYaml(readFileSync(EXAMPLE, 'utf8')) as { database: string; tasks: RawTask[] };
  expect(plan.database).toBe('postgres');
  const run = (s: RawStatement) => (typeof s === 'string' ? [s] : [s.run, ...(s.loop ? [s.loop.bounds, s.loop.remaining] : [])]);
  return plan.tasks.flatMap((t) => [
    ...(t.sql?.up ?? []).flatMap(run).map((text) => ({ task: t.id, where: 'up', text })),
    ...(t.sql?.verify ?? []).map((v) => ({ task: t.id, where: 'verify', text: v.query })),
    ...(t.sql?.down ?? []).flatMap(run).map((text) => ({ task: t.id, where: 'down', text })),
  ]);
}

describe('plan report with statements', () => {
  it('the HTML report, opened in Chromium, shows every statement of every task (up, verify, down), highlighted, with a print stylesheet', async () => {
    const out = join(tempDir(), 'report.html');
    await writeKickoff({ file: EXAMPLE, format: 'html', out });
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/<script|<link|src="http|href="http|url\(http/i);
    const statements = statementTexts();
    expect(new Set(statements.map((s) => s.where))).toEqual(new Set(['up', 'verify', 'down']));
    expect(statements.length).toBeGreaterThan(50);

    const { default: puppeteer } = await import('puppeteer');
    const browser = await puppeteer.launch({ executablePath: findChromium(), headless: 'shell', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage();
      await page.goto(`file://${out}`, { waitUntil: 'load' });
      const seen = await page.evaluate(() => ({
        // What the reader sees in each code block, by its title ("T1 up", "T1 verify", …).
        blocks: [...document.querySelectorAll('pre.code')].map((pre) => ({
          title: (pre.previousElementSibling as HTMLElement | null)?.innerText ?? '', text: (pre as HTMLElement).innerText })),
        keywords: document.querySelectorAll('pre.code .kw').length,
        placeholders: [...document.querySelectorAll('pre.code .ph')].map((e) => e.textContent),
        warnings: [...document.querySelectorAll('div.warning')].map((e) => (e as HTMLElement).innerText),
        text: document.body.innerText,
      }));
      for (const s of statements) {
        const own = seen.blocks.filter((b) => b.title === `${s.task} ${s.where}`);
        expect(own, `${s.task} ${s.where}`).toHaveLength(1);
        expect(own[0]!.text, `${s.task} ${s.where}`).toContain(s.text);
      }
      expect(seen.keywords).toBeGreaterThan(100);
      // Placeholders as written, and the plan's own listed.
      expect(seen.placeholders).toContain(':owner_tenant');
      expect(seen.text).toMatch(/:owner_tenant\tThe id of the tenant that owns every row/);
      expect(seen.warnings).toEqual([expect.stringMatching(/^⚠ POINT OF NO RETURN: T8 Enforce NOT NULL/)]);
      // Runbook: per phase, printed from a new page, with the rollback commands.
      await page.emulateMediaType('print');
      const print = await page.evaluate(() => ({
        phases: [...document.querySelectorAll('h3.page-break')].map((h) => [(h as HTMLElement).innerText, getComputedStyle(h).breakBefore]),
        codeBreak: getComputedStyle(document.querySelector('pre.code')!).breakInside,
      }));
      expect(print.phases.map(([name]) => name)).toEqual(['Phase A: Schema · risk low', 'Phase B: Dual-Write · risk low', 'Phase C: Backfill · risk medium',
        'Phase D: Queries · risk medium', 'Phase E: Cleanup · risk high']);
      expect(new Set(print.phases.map(([, b]) => b))).toEqual(new Set(['page']));
      expect(print.codeBreak).toBe('avoid');
      const rollbackA = seen.blocks.find((b) => b.title === 'Rollback of phase A: Schema: last task first')!;
      expect(rollbackA.text).toContain('-- undo T1');
      expect(rollbackA.text.indexOf('DROP INDEX CONCURRENTLY IF EXISTS idx_users_tenant_id;')).toBeLessThan(rollbackA.text.indexOf('DROP TABLE IF EXISTS tenants;'));
    } finally {
      await browser.close();
    }
  }, 180_000);

  it('the PDF is the report printed by Chromium, with its pages; never to stdout', async () => {
    const out = join(tempDir(), 'report.pdf');
    const r = await writeKickoff({ file: EXAMPLE, format: 'pdf', out });
    expect(r).toMatchObject({ format: 'pdf', written: true, text: '' });
    const pdf = readFileSync(out);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
    expect(pages.length).toBeGreaterThan(5);
    await expect(writeKickoff({ file: EXAMPLE, format: 'pdf' })).rejects.toThrow(PlanInputError);
    await expect(writeKickoff({ file: EXAMPLE, format: 'pdf' })).rejects.toThrow('a PDF is not printed to the terminal');
  }, 180_000);

  it('the Markdown report fences every statement in sql blocks and has a runbook per phase', async () => {
    const md = (await writeKickoff({ file: EXAMPLE, format: 'md' })).text;
    for (const s of statementTexts()) expect(md).toContain(s.text);
    expect(md).toContain('**T1 up**\n\n```sql\nSET lock_timeout = \'5s\';\n');
    expect(md).toContain('**T1 verify**\n\n```sql\n-- expect 3: The tenant column is on every table, nullable\n');
    expect(md).toContain('-- alone, outside a transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_tenant_id ON users (tenant_id);');
    expect(md).toContain('## Runbook\n');
    expect(md.match(/^### Phase .*$/gm)).toHaveLength(5);
    expect(md).toContain('> **⚠ POINT OF NO RETURN: T8 Enforce NOT NULL constraint on tenant_id.');
    expect(md).toContain('| `:owner_tenant` | The id of the tenant');
    expect(md).toMatch(/\| G1 Gate: dual-write live, rollback rehearsed \| .* \| ____________ \| ________ \|/);
    // Every fence opened is closed.
    expect((md.match(/^```sql$/gm) ?? []).length).toBeGreaterThan(20);
    expect((md.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  it('a checkpoint signed off shows who signed it, when and on what evidence', async () => {
    const file = join(tempDir(), 'plan.yaml');
    copyFileSync(EXAMPLE, file);
    await setTaskStates({ file, command: 'done', ids: ['T1', 'T2', 'T3'] });
    await setTaskStates({ file, command: 'done', ids: ['G1'], by: 'Dana (DBA)', evidence: 'dual-write dashboard, 24h clean' });
    const md = (await writeKickoff({ file, format: 'md' })).text;
    expect(md).toMatch(/\| G1 Gate: dual-write live, rollback rehearsed \| .* \| Dana \(DBA\) \| \d{4}-\d\d-\d\dT[^|]+ \| dual-write dashboard, 24h clean \|/);
    expect(md).toMatch(/\| T5 Validate backfill completeness \| .* \| ____________ \| ________ \| {2}\|/);
  });
});

describe('code in the document', () => {
  it('a MongoDB plan shows its mongosh statements as js blocks with // comments', async () => {
    const file = join(tempDir(), 'm.plan.yaml');
    expect(runCli(['new', 'add-column', '--db', 'mongodb', '--out', file]).code).toBe(0);
    const md = (await writeKickoff({ file, format: 'md' })).text;
    expect(md).toContain('```js\n// expect true\ndb.getCollectionNames().includes("orders")\n```');
    expect(md).not.toContain('```sql');
  });

  it('a fence is longer than any run of backticks inside', () => {
    expect(fenced('SELECT 1', 'sql')).toBe('```sql\nSELECT 1\n```');
    expect(fenced("SELECT '\n```\n'", 'sql')).toBe("````sql\nSELECT '\n```\n'\n````");
    expect(fenced('db.x.find(`a``````b`)', 'js').startsWith('```````js\n')).toBe(true);
  });

  it('the highlighter escapes every character and only colours', () => {
    const code = "-- <b>x</b>\nSELECT '<script>alert(1)</script>', \"a&b\", 42, $$<i>$$ FROM t WHERE id = :owner_tenant AND x::int > 0; /* </pre> */";
    const html = highlight(code, 'sql');
    expect(html).not.toMatch(/<(?!\/?span)/);
    expect(html.replace(/<\/?span[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')).toBe(code);
    expect(html).toContain('<span class="com">-- &lt;b&gt;x&lt;/b&gt;</span>');
    expect(html).toContain('<span class="kw">SELECT</span>');
    expect(html).toContain('<span class="str">&#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;</span>');
    expect(html).toContain('<span class="num">42</span>');
    expect(html).toContain('<span class="ph">:owner_tenant</span>');
    // A cast is not a placeholder.
    expect(html).toContain('x::int');
    expect(highlight('db.users.updateMany({}, { $set: { a: "x\\"y" } }) // done', 'js')).toContain('<span class="str">&quot;x\\&quot;y&quot;</span>');
  });
});
