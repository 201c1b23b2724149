import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePlanYaml } from '../../bench/generate.js';
import { sourceHash } from '../../src/app/diagram.js';
import { asciiPlan } from '../../src/diagram/ascii.js';
import { findChromium, MermaidBrowser } from '../../src/diagram/browser.js';
import { dotFlow, mermaidFlow } from '../../src/diagram/flow.js';
import { mermaidText } from '../../src/diagram/text.js';
import { mermaidGantt } from '../../src/diagram/gantt.js';
import { graphvizSvg, svgToPng } from '../../src/diagram/graphviz.js';
import { analyzePlan } from '../../src/analysis/analyze.js';
import { parsePlan } from '../../src/model/load.js';
import { findTemplate } from '../../src/templates/registry.js';
import { expandTemplate } from '../../src/templates/expand.js';
import { buildOutline, type Outline } from '../../src/outline/outline.js';
import { computeExamples, IMAGE_EXAMPLES } from '../../scripts/examples.js';
import { hostileString } from '../export/hostile.js';
import { ROOT, runCli, tempDir } from '../helpers.js';

const EXAMPLE = join(ROOT, 'examples', 'multi-tenant', 'multi-tenant.plan.yaml');
const viewOf = (text: string, file = 'p.yaml'): Outline => {
  const { plan } = parsePlan(text, file);
  return buildOutline(plan, analyzePlan(plan));
};
const multiTenant = viewOf(readFileSync(EXAMPLE, 'utf8'), EXAMPLE);

/** The text an SVG shows (tags dropped, entities decoded): where task ids must be found. Mermaid's SVG text is a tspan a word, each word with its space. */
function svgText(svg: string): string {
  return svg.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** PNG signature and the size from its IHDR chunk. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const b = Buffer.from(png);
  expect(b.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(b.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('diagram text', () => {
  it('flow: one cluster per wave in order, a shape per safety role, critical path and point of no return emphasised', () => {
    const mmd = mermaidFlow(multiTenant, false);
    const clusters = [...mmd.matchAll(/subgraph (w\d+)\["([^"]*)"\]/g)].map((m) => [m[1], m[2]]);
    expect(clusters).toEqual([['w0', 'Wave 0 · A: Schema'], ['w1', 'Wave 1 · B: Dual-Write'], ['w2', 'Wave 2 · C: Backfill'],
      ['w3', 'Wave 3 · D: Queries'], ['w4', 'Wave 4 · E: Cleanup']].map(([w, title]) => [w, mermaidText(title!)]));
    expect(mmd).toMatch(/\{\{"G1<br>Gate/);
    expect(mmd).toMatch(/\[\/"T3<br>/);
    expect(mmd).toMatch(/\[\["T7<br>/);
    expect(mmd).toMatch(/\[\("B1<br>/);
    const key = (id: string) => new RegExp(`(n\\d+)\\S*"${id}<br>`).exec(mmd)![1];
    expect(mmd).toMatch(new RegExp(`class (\\S*,)?${key('T8')}(,\\S*)? ponr`));
    // linkStyle indexes count the invisible wave links first: each styled link is a critical-path edge.
    const links = [...mmd.matchAll(/^ {2}(\S+) (-->|~~~) (\S+)$/gm)].map((m) => [m[1], m[3]]);
    const styled = mmd.match(/linkStyle ([\d,]+) /)![1]!.split(',').map(Number);
    const path = multiTenant.criticalPath;
    expect(styled.map((i) => links[i])).toEqual(path.slice(1).map((id, i) => [key(path[i]!), key(id)]));
  });

  it('gantt: durations with units, sections per phase, checkpoints as milestones, dependencies as after', () => {
    const g = mermaidGantt(multiTenant);
    expect(g).toMatch(/section A∶ Schema\n {4}T1 Add nullable tenant_id columns to tables :crit, t0, 2026-01-05 00:00, 24h/);
    expect(g).toMatch(/G1 Gate∶ dual-write live, rollback rehearsed :crit, milestone, t3, after t1 t2, 0h/);
    expect([...g.matchAll(/, (\d+)h$/gm)].length).toBe(multiTenant.tasks.length);
    expect(g).not.toMatch(/, \d+$/m);
  });

  it('ascii: wave by wave with dependencies, within 100 columns at 20+ tasks', () => {
    const { text } = expandTemplate(findTemplate('multi-tenant'), { given: { tables: 'accounts,users,projects,tasks,comments,invoices,events,audit_log' } });
    const view = viewOf(text);
    expect(view.tasks.length).toBeGreaterThanOrEqual(25);
    const out = asciiPlan(view);
    for (const line of out.split('\n')) expect([...line].length).toBeLessThanOrEqual(100);
    for (const t of view.tasks) expect(out).toMatch(new RegExp(`^  [ *]. ${t.id.replace('.', '\\.')} `, 'm'));
    expect(out).toMatch(/T5\.audit_log .* ← T4\.audit_log/);
  });

  it('collapses a 1,000-task plan for Mermaid within its limits, and says how many tasks each node holds', () => {
    const view = viewOf(generatePlanYaml(1000));
    const mmd = mermaidFlow(view, true);
    expect(mmd).toContain('collapsed: 1000 tasks');
    expect(mmd.length).toBeLessThan(50_000);
    expect((mmd.match(/-->/g) ?? []).length).toBeLessThan(500);
    expect(mmd).toMatch(/50 tasks/);
  });
});

describe('rendered for real', () => {
  let browser: MermaidBrowser;
  beforeAll(async () => { browser = await MermaidBrowser.launch(); }, 60_000);
  afterAll(async () => { await browser?.close(); });

  it('Mermaid in Chromium: the multi-tenant flow and Gantt to SVG and PNG, every task id in the SVG', async () => {
    const svg = await browser.svg(mermaidFlow(multiTenant, false), 'flow');
    expect(svg).toMatch(/^<svg[^>]*>/);
    const text = svgText(svg);
    for (const t of multiTenant.tasks) expect(text).toContain(t.id);
    await svgToPng(svg); // resvg parses it: the SVG is well-formed
    const png = pngSize(await browser.raster(svg, 'png'));
    expect(png.width).toBeGreaterThan(300);
    expect(png.height).toBeGreaterThan(800);
    const gantt = await browser.svg(mermaidGantt(multiTenant), 'gantt');
    for (const t of multiTenant.tasks) expect(svgText(gantt)).toContain(t.id);
    const pdf = await browser.raster(gantt, 'pdf');
    expect(Buffer.from(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('Graphviz (WASM): the same flow to SVG and PNG, no browser', async () => {
    const svg = await graphvizSvg(dotFlow(multiTenant, false));
    for (const t of multiTenant.tasks) expect(svgText(svg)).toContain(t.id);
    const png = pngSize(await svgToPng(svg));
    expect(png.width).toBeGreaterThan(300);
    expect(png.height).toBeGreaterThan(800);
  });

  it('any title, however hostile, gives Mermaid text that Mermaid parses and DOT that Graphviz lays out', async () => {
    const title = hostileString.filter((s) => s.trim().length > 0 && s.length <= 300);
    await fc.assert(fc.asyncProperty(title, title, title, async (a, b, c) => {
      const view = viewOf(JSON.stringify({ version: 1, epic: { id: 'E', title: c }, phases: [{ id: 'p', name: c, rollback: 'r', risk: 'low' },
        { id: 'q', name: 'Q', rollback: 'r', risk: 'high' }], tasks: [
        { id: 'A', title: a, phase: 'p', kind: 'checkpoint' }, { id: 'end', title: b, phase: 'q', depends: ['A'], point_of_no_return: true }] }));
      expect(await browser.parseError(mermaidFlow(view, false))).toBeUndefined();
      expect(await browser.parseError(mermaidGantt(view))).toBeUndefined();
      const svg = await graphvizSvg(dotFlow(view, false));
      expect(svgText(svg)).toContain('end');
    }), { seed: 31, numRuns: 60 });
  }, 120_000);

  it('a 1,000-task plan renders through both renderers (collapsed for Mermaid)', async () => {
    const view = viewOf(generatePlanYaml(1000));
    const mermaid = await browser.svg(mermaidFlow(view, true), 'big');
    expect(svgText(mermaid)).toContain('50 tasks');
    const gv = await graphvizSvg(dotFlow(view, false));
    expect(svgText(gv)).toContain('T998');
    expect(svgText(gv)).toContain('DONE');
  }, 120_000);

  it('Mermaid\'s text limit is detected, not drawn as an error image', async () => {
    const huge = `flowchart TB\n${Array.from({ length: 3000 }, (_, i) => `  a${i}["${'x'.repeat(20)}"]`).join('\n')}\n`;
    await expect(browser.svg(huge)).rejects.toThrow(/maximum text size exceeded/);
  });
});

describe('plan graph', () => {
  it('mmd and md need no browser; ascii prints the waves; without Chromium auto falls back to Graphviz', () => {
    const md = runCli(['graph', EXAMPLE, '--format', 'md']);
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^## EPIC: Multi-Tenant Schema Migration: dependency waves\n\n```mermaid\nflowchart TB\n/);
    const dir = tempDir();
    // Chromium is installed here (npm test installs it): PLAN_CHROMIUM=none takes it away.
    expect(findChromium()).toBeDefined();
    expect(findChromium({ PLAN_CHROMIUM: 'none' })).toBeUndefined();
    const r = runCli(['graph', EXAMPLE, '--format', 'png', '--out', join(dir, 'g.png')], { env: { PLAN_CHROMIUM: 'none' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`\\nWrote ${join(dir, 'g.png')} \\(graphviz\\)\\n$`));
    expect(r.stderr).not.toContain('mermaid');
    pngSize(readFileSync(join(dir, 'g.png')));
    // Asked for by name, Mermaid without a browser is a clear error, not a silent switch.
    const mermaid = runCli(['graph', EXAMPLE, '--format', 'svg', '--renderer', 'mermaid', '--out', join(dir, 'm.svg')], { env: { PLAN_CHROMIUM: 'none' } });
    expect(mermaid.code).toBe(2);
    expect(mermaid.stderr).toContain('no Chromium for the Mermaid renderer: PLAN_CHROMIUM=none');
  });

  it('plan report --format html without Chromium: the flow by Graphviz, the schedule as text, and a note', () => {
    const dir = tempDir();
    const r = runCli(['report', EXAMPLE, '--format', 'html', '--out', join(dir, 'k.html')], { env: { PLAN_CHROMIUM: 'none' } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no Chromium found: the flow is drawn by Graphviz, and the schedule is given as text');
    const html = readFileSync(join(dir, 'k.html'), 'utf8');
    expect(html).toContain('class="graph"'); // Graphviz's SVG (Mermaid's has no such group)
    expect(html).toMatch(/<pre>[^<]*T4\s+day 3 \+2h/);
  });

  it('Gantt without a browser: the Mermaid text and a text schedule, with a note; plan check --graph', () => {
    const dir = tempDir();
    const r = runCli(['graph', EXAMPLE, '--view', 'gantt', '--format', 'svg', '--renderer', 'graphviz', '--out', join(dir, 'gantt.svg')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Gantt without a browser');
    expect(r.stderr).toMatch(/T4\s+day 3 \+2h\s+2.5d\s+Backfill tenant_id for existing records  \*/);
    expect(r.stderr).toContain(`Wrote ${join(dir, 'gantt.mmd')}`);
    expect(readFileSync(join(dir, 'gantt.mmd'), 'utf8')).toMatch(/^gantt\n/);
    expect(() => readFileSync(join(dir, 'gantt.svg'))).toThrow();
    const check = runCli(['check', EXAMPLE, '--graph']);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/Wave 4 · E: Cleanup\n {2}\*✖ T8 +Enforce NOT NULL constraint on tenant_id +← T6, T7, G2/);
  });

  it('a plan with errors is not drawn (exit 1); PDF without a browser is a clear error (exit 2)', () => {
    expect(runCli(['graph', join(ROOT, 'test/fixtures/rules/cycle/bad.plan.yaml')]).code).toBe(1);
    const r = runCli(['graph', EXAMPLE, '--format', 'pdf', '--renderer', 'graphviz', '--out', join(tempDir(), 'x.pdf')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PDF needs the Mermaid renderer');
  });
});

describe('examples/ diagrams', () => {
  it.each(IMAGE_EXAMPLES.map((e) => [e.path, e.source]))('%s was drawn from the current %s (npm run examples)', async (path, source) => {
    const text = (await computeExamples()).find((e) => e.path === source)!.text;
    expect(readFileSync(join(ROOT, path), 'utf8')).toContain(`sha256:${sourceHash(text)}`);
  });
});
