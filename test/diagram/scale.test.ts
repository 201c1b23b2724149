// Diagrams that read at any size: per-table fan-out as one node, no edge another path implies, labels
// as SVG text (resvg draws no foreignObject), a 30-table plan within a 1,600 px page, 1,000 tables
// still rendered by both renderers, a Gantt axis with each date once.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzePlan } from '../../src/analysis/analyze.js';
import { drawDiagram } from '../../src/app/diagram.js';
import { MermaidBrowser } from '../../src/diagram/browser.js';
import { dotFlow, drawableLevel, mermaidFlow } from '../../src/diagram/flow.js';
import { flowGraph, groupTitle, transitiveReduction, type FlowEdge } from '../../src/diagram/flow-graph.js';
import { mermaidGantt } from '../../src/diagram/gantt.js';
import { graphvizSvg, svgToPng } from '../../src/diagram/graphviz.js';
import { parsePlan } from '../../src/model/load.js';
import { buildOutline, type Outline } from '../../src/outline/outline.js';
import { expandTemplate } from '../../src/templates/expand.js';
import { findTemplate } from '../../src/templates/registry.js';
import { tempDir } from '../helpers.js';

/** A multi-tenant plan over `n` tables, as `plan new multi-tenant --tables …` writes it (no schema). */
const planText = (n: number) => expandTemplate(findTemplate('multi-tenant'), { given: { tables: Array.from({ length: n }, (_, i) => `account_${i}`).join(',') } }).text;
function multiTenant(n: number): Outline {
  const { plan } = parsePlan(planText(n), 'mt.plan.yaml');
  return buildOutline(plan, analyzePlan(plan));
}
const plans = { 30: multiTenant(30), 1000: multiTenant(1000) };

/** Edges as drawn: Mermaid `nA --> nB` (not the invisible `~~~`), DOT `"a" -> "b"` without style=invis. */
const mermaidEdges = (mmd: string) => [...mmd.matchAll(/^ {2}(n\d+) --> (n\d+)$/gm)].map((m) => [m[1]!, m[2]!] as const);
const dotEdges = (dot: string) => [...dot.matchAll(/^ {2}"([^"]+)" -> "([^"]+)"(?! \[style=invis)/gm)].map((m) => [m[1]!, m[2]!] as const);

/** Edges some other path also joins (what a transitive reduction leaves out): none expected. */
function impliedEdges(edges: (readonly [string, string])[]): string[] {
  const out = new Map<string, string[]>();
  for (const [a, b] of edges) out.set(a, [...(out.get(a) ?? []), b]);
  return edges.filter(([a, b]) => {
    const stack = (out.get(a) ?? []).filter((x) => x !== b);
    const seen = new Set(stack);
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (x === b) return true;
      for (const y of out.get(x) ?? []) if (!seen.has(y)) { seen.add(y); stack.push(y); }
    }
    return false;
  }).map(([a, b]) => `${a}->${b}`);
}

/** The lines of SVG text: each Mermaid row (tspan.row) or each Graphviz <text>, tags dropped, entities decoded. */
function svgTextLines(svg: string): string[] {
  const decode = (s: string) => s.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').trim();
  return [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].flatMap((m) => {
    const rows = m[1]!.split(/<tspan[^>]*class="text-outer-tspan[^"]*"[^>]*>/).slice(1);
    return (rows.length > 0 ? rows : [m[1]!]).map(decode);
  });
}

/** The drawn width in CSS pixels: Mermaid's viewBox, Graphviz's width in points. */
function svgWidth(svg: string): number {
  const points = /<svg[^>]*\swidth="([\d.]+)pt"/.exec(svg);
  if (points) return (Number(points[1]) * 96) / 72;
  return Number(/viewBox="[-\d.]+ [-\d.]+ ([\d.]+) /.exec(svg)![1]);
}

describe('grouped and reduced flow text', () => {
  it.each([30, 1000] as const)('%i tables: per-table steps are one node each, the tables listed in the legend, no implied edge', (n) => {
    const outline = plans[n];
    const mmd = mermaidFlow(outline);
    expect(mmd).toContain(`["T4.*<br>Backfill tenant_id for<br>existing records<br>× ${n} tables"]`);
    expect(mmd).toContain(`{{"T5.*<br>Validate backfill<br>completeness<br>× ${n} tables"}}`);
    expect(mmd).not.toMatch(/T4\.account_/);
    const nodes = [...mmd.matchAll(/^ {4}n\d+/gm)].length;
    expect(nodes).toBe(outline.tasks.length - 2 * n + 2);
    expect(mmd).toMatch(n === 30 ? /T4\.\*, T5\.\*: account_0, [^"]*account_29"/ : /T4\.\*, T5\.\*: account_0, [^"]*account_59, … and 940 more"/);
    expect(mmd).toMatch(/%% \d+ of \d+ dependencies implied by others are not drawn/);
    expect(mermaidEdges(mmd).length).toBeGreaterThan(10);
    expect(impliedEdges(mermaidEdges(mmd))).toEqual([]);

    const dot = dotFlow(outline);
    expect(impliedEdges(dotEdges(dot))).toEqual([]);
    expect(dotEdges(dot)).toContainEqual(['T4.*', 'T5.*']);
    // The Graphviz tooltip names every member; its legend the same entries as Mermaid's.
    expect(dot).toContain(`tooltip="T4.*: ${Array.from({ length: n }, (_, i) => `T4.account_${i}`).join(', ')}"`);
    for (const entry of ['rollback procedure', 'point of no return', 'thick red arrows: critical path']) expect(dot).toContain(`[label="${entry}"`);
    // Both stay within what the renderers take.
    expect(drawableLevel(outline, 'grouped', 'mermaid').level).toBe('grouped');
    expect(mmd.length).toBeLessThan(50_000);
  });

  it('--detail draws every task, reduced too; a step whose members depend differently stays apart', () => {
    const outline = plans[30];
    const mmd = mermaidFlow(outline, 'tasks');
    for (const t of outline.tasks) expect(mmd).toContain(`"${t.id}<br>`);
    expect(impliedEdges(mermaidEdges(mmd))).toEqual([]);
    // T6 waits for every T5.x and T7 for T6: T7's 30 edges to the T5s are implied, not drawn.
    expect(mermaidEdges(mmd).length).toBeLessThan(outline.tasks.reduce((n, t) => n + t.depends.length, 0) - 30);
    // 1,000 tables in detail are beyond Mermaid: one node per wave and phase, and the reason.
    expect(drawableLevel(plans[1000], 'tasks', 'mermaid')).toMatchObject({ level: 'phases', note: expect.stringMatching(/^2\d{3} nodes and \d+ edges are beyond what Mermaid/) });

    // x.b waits for something x.a does not: two nodes, not one.
    const view = buildOutline(...((p) => [p, analyzePlan(p)] as const)(parsePlan(JSON.stringify({ version: 1, epic: { id: 'E', title: 'E' },
      phases: [{ id: 'p', name: 'P', rollback: 'r', risk: 'low' }], tasks: [
        { id: 'A', title: 'Start', phase: 'p' }, { id: 'B', title: 'Other', phase: 'p' },
        { id: 'x.a', title: 'Copy a', phase: 'p', depends: ['A'] }, { id: 'x.b', title: 'Copy b', phase: 'p', depends: ['B'] },
        { id: 'x.c', title: 'Copy c', phase: 'p', depends: ['A'] }] }), 'p.json').plan));
    const nodes = flowGraph(view, 'grouped').waves.flatMap((w) => w.nodes.map((node) => [node.id, node.members]));
    expect(nodes).toContainEqual(['x.*', ['x.a', 'x.c']]);
    expect(nodes).toContainEqual(['x.b', ['x.b']]);
  });

  it('plan graph: grouped by default, --detail every task, --collapse one node per phase', async () => {
    const file = join(tempDir(), 'mt.plan.yaml');
    writeFileSync(file, planText(30));
    const grouped = await drawDiagram({ file, format: 'mmd' });
    expect(grouped.text).toContain('T4.*<br>');
    expect(grouped.collapsed).toBe(false);
    const detail = await drawDiagram({ file, format: 'mmd', detail: true });
    for (const t of plans[30].tasks) expect(detail.text).toContain(`"${t.id}<br>`);
    const phases = await drawDiagram({ file, format: 'mmd', collapse: true });
    expect(phases.collapsed).toBe(true);
    expect(phases.text).toContain('collapsed: 71 tasks');
  });

  it('a group title is what the members\' titles share, the varying name and its joining word left out', () => {
    expect(groupTitle(['Backfill tenant_id in users', 'Backfill tenant_id in orders'], ['users', 'orders'])).toBe('Backfill tenant_id\n× 2 tables');
    expect(groupTitle(['Copy users to the new cluster', 'Copy orders to the new cluster'], ['users', 'orders'])).toBe('Copy … to the new cluster\n× 2 tables');
    expect(groupTitle(['Shard one', 'Shard two'], ['a', 'b'])).toBe('Shard\n× 2 tasks');
  });

  it('transitive reduction keeps exactly the edges no other path implies, and what every node reaches', () => {
    // Random DAGs over nodes in order (every edge forward), dense enough to have implied edges.
    const dag = fc.integer({ min: 2, max: 14 }).chain((n) => fc.uniqueArray(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)).filter(([a, b]) => a < b),
      { maxLength: 40, selector: ([a, b]) => `${a}>${b}` }).map((pairs) => ({ n, pairs })));
    fc.assert(fc.property(dag, ({ n, pairs }) => {
      const order = Array.from({ length: n }, (_, i) => `v${i}`);
      const edges: FlowEdge[] = pairs.map(([a, b]) => ({ from: `v${a}`, to: `v${b}`, critical: false }));
      const kept = transitiveReduction(order, edges).map((e) => [e.from, e.to] as const);
      expect(impliedEdges(kept)).toEqual([]);
      expect(closure(kept, order)).toEqual(closure(edges.map((e) => [e.from, e.to] as const), order));
    }), { seed: 17, numRuns: 300 });
  });

  it('the Gantt of a large plan draws a bar per group of the flow, from its members\' first start to their last end', () => {
    const outline = plans[1000];
    const text = mermaidGantt(outline);
    const bars = [...text.matchAll(/^ {4}(\S+) .* :(?:crit, )?(?:milestone, )?(\d{4}-\d\d-\d\d \d\d:\d\d), (\d+)h$/gm)];
    const nodes = flowGraph(outline, 'grouped').waves.flatMap((w) => w.nodes);
    expect(bars.map((b) => b[1])).toEqual(expect.arrayContaining(nodes.map((n) => n.head)));
    expect(bars.length).toBe(nodes.length);
    expect(text.length).toBeLessThan(50_000);
    // T4.*: 1,000 backfills that start together; its bar starts with them and lasts until the last one ends.
    const backfills = outline.tasks.filter((t) => t.id.startsWith('T4.'));
    const bar = bars.find((b) => b[1] === 'T4.*')!;
    const hoursFromStart = (Date.parse(`${bar[2]!.replace(' ', 'T')}:00Z`) - Date.parse('2026-01-05T00:00:00Z')) / 3_600_000 / 3;
    expect(hoursFromStart).toBeCloseTo(Math.min(...backfills.map((t) => t.start)), 1);
    expect(Number(bar[3]) / 3).toBeCloseTo(Math.max(...backfills.map((t) => t.start + t.hours)) - hoursFromStart, 0);
    // A small plan keeps a bar per task.
    expect(mermaidGantt(plans[30]).match(/^ {4}\S/gm)!.length).toBe(plans[30].tasks.length);
  });

  it('the Gantt axis has a tick a day on a short plan, a week on a long one', () => {
    expect(mermaidGantt(plans[30])).toMatch(/\n {2}axisFormat %d %b\n {2}tickInterval 1day\n/);
    // Ten times the hours: about five weeks.
    const long = { ...plans[30], tasks: plans[30].tasks.map((t) => ({ ...t, start: t.start * 10, hours: t.hours * 10 })) };
    expect(mermaidGantt(long)).toMatch(/\n {2}tickInterval 1week\n/);
  });
});

/** Every node's set of reachable nodes. */
function closure(edges: (readonly [string, string])[], order: string[]): string[] {
  const out = new Map<string, string[]>();
  for (const [a, b] of edges) out.set(a, [...(out.get(a) ?? []), b]);
  return order.map((v) => {
    const seen = new Set<string>();
    const stack = [v];
    while (stack.length > 0) for (const y of out.get(stack.pop()!) ?? []) if (!seen.has(y)) { seen.add(y); stack.push(y); }
    return [...seen].sort().join();
  });
}

describe('rendered: Mermaid in Chromium and Graphviz (WASM), PNG through resvg', () => {
  let browser: MermaidBrowser;
  beforeAll(async () => { browser = await MermaidBrowser.launch(); }, 60_000);
  afterAll(async () => { await browser?.close(); });

  it.each([30, 1000] as const)('%i tables: SVG text for every node (no foreignObject), a PNG, and 30 tables within 1,600 px', async (n) => {
    const outline = plans[n];
    const heads = flowGraph(outline, 'grouped').waves.flatMap((w) => w.nodes.map((node) => node.head));
    expect(heads).toContain('T4.*');
    const mermaid = await browser.svg(mermaidFlow(outline), `mt${n}`);
    const graphviz = await graphvizSvg(dotFlow(outline));
    for (const svg of [mermaid, graphviz]) {
      expect(svg).not.toContain('foreignObject');
      const lines = svgTextLines(svg);
      for (const head of heads) expect(lines).toContain(head);
      expect(lines).toContain(`× ${n} tables`);
      expect(lines.some((l) => l.startsWith('T4.*, T5.*: account_0, account_1'))).toBe(true);
      const png = await svgToPng(svg);
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      if (n === 30) expect(svgWidth(svg)).toBeLessThanOrEqual(1600);
    }
  }, 120_000);

  it('the 1,000-table Gantt renders (a bar per group), which a bar per task could not: beyond Mermaid\'s text limit', async () => {
    const svg = await browser.svg(mermaidGantt(plans[1000]), 'gantt1000');
    expect(svgTextLines(svg).some((l) => l.startsWith('T4.* Backfill'))).toBe(true);
  });

  it('the Gantt axis names each date once', async () => {
    const svg = await browser.svg(mermaidGantt(plans[30]), 'gantt30');
    const ticks = [...svg.matchAll(/<g class="tick"[^>]*>[\s\S]*?<text[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]!);
    expect(ticks.length).toBeGreaterThan(3);
    expect(new Set(ticks).size).toBe(ticks.length);
  });
});
