/**
 * The flow view: one cluster per wave in order, tasks coloured by risk, a shape per safety role, the
 * point of no return and the critical path emphasised, a legend (with the members of each group). As
 * Mermaid (canonical) and as DOT, both from one FlowGraph (grouped and reduced, see flow-graph.ts).
 */
import type { Outline } from '../outline/outline.js';
import { flowGraph, type FlowGraph, type FlowLevel, type FlowNode } from './flow-graph.js';
import { dotText, mermaidText, shorten, wrapWords } from './text.js';

/** Mermaid's defaults (500 edges, 50,000 characters) and dagre's pace decide these. */
export const MERMAID_MAX_TASKS = 150;
export const MERMAID_MAX_EDGES = 450;
/** Graphviz lays out 1,000 nodes in ~2 s with fast settings; beyond this, collapse. */
export const GRAPHVIZ_MAX_TASKS = 2000;
/** Members a group's legend entry names; the rest are counted (all of them: --detail, or the Graphviz tooltip). */
export const LEGEND_MEMBERS = 60;

/**
 * The level a renderer can draw: the one asked for (`tasks` with --detail, `grouped` by default), or
 * one node per wave and phase when that graph is beyond the renderer's limits (with the reason).
 */
export function drawableLevel(outline: Outline, asked: FlowLevel, renderer: 'mermaid' | 'graphviz'): { level: FlowLevel; note?: string } {
  if (asked === 'phases') return { level: asked };
  const g = flowGraph(outline, asked);
  const nodes = g.waves.reduce((n, w) => n + w.nodes.length, 0);
  const [maxNodes, maxEdges] = renderer === 'mermaid' ? [MERMAID_MAX_TASKS, MERMAID_MAX_EDGES] : [GRAPHVIZ_MAX_TASKS, Infinity];
  if (nodes <= maxNodes && g.edges.length <= maxEdges) return { level: asked };
  const limits = renderer === 'mermaid' ? `${MERMAID_MAX_TASKS} nodes, ${MERMAID_MAX_EDGES} edges` : `${GRAPHVIZ_MAX_TASKS} nodes`;
  return { level: 'phases', note: `${nodes} nodes and ${g.edges.length} edges are beyond what ${renderer === 'mermaid' ? 'Mermaid' : 'Graphviz'} lays out well ` +
    `(${limits}): drawn as one node per wave and phase, with counts` };
}

/** `true`/`false`: what callers that only choose to collapse mean (one node per phase, or the default). */
const levelOf = (level: FlowLevel | boolean): FlowLevel => (level === true ? 'phases' : level === false ? 'grouped' : level);

/** A node's label lines: its id (or phase), then what it is, cut and wrapped. */
function labelLines(node: FlowNode): string[] {
  return [node.head, ...node.text.split('\n').flatMap((line) => wrapWords(shorten(line, 84), 28))];
}

/** Groups that vary over the same keys share one entry: "T4.*, T5.*: users, orders, …". */
function memberEntries(g: FlowGraph, max = LEGEND_MEMBERS): { heads: string[]; keys: string[]; text: string }[] {
  const entries = new Map<string, { heads: string[]; keys: string[]; text: string }>();
  for (const node of g.waves.flatMap((w) => w.nodes)) {
    if (!node.keys) continue;
    const list = node.keys.join(',');
    const entry = entries.get(list) ?? { heads: [], keys: node.keys, text: '' };
    entry.heads.push(node.head);
    entries.set(list, entry);
  }
  for (const e of entries.values()) {
    const shown = e.keys.slice(0, max).join(', ');
    e.text = `${e.heads.join(', ')}: ${shown}${e.keys.length > max ? `, … and ${e.keys.length - max} more` : ''}`;
  }
  return [...entries.values()];
}

/** What the diagram leaves out, said in it (a comment in Mermaid, the title in DOT). */
function summary(outline: Outline, g: FlowGraph): string[] {
  const nodes = g.waves.reduce((n, w) => n + w.nodes.length, 0);
  return [
    ...(g.level === 'phases' ? [`collapsed: ${outline.tasks.length} tasks drawn as one node per wave and phase`] : []),
    ...(g.level === 'grouped' && nodes < outline.tasks.length ? [`grouped: ${outline.tasks.length} tasks drawn as ${nodes} nodes, per-table work as one (--detail draws every task)`] : []),
    ...(g.edges.length < g.stated ? [`${g.stated - g.edges.length} of ${g.stated} dependencies implied by others are not drawn`] : []),
  ];
}

/** Mermaid node shapes per safety role (flowchart syntax: opening and closing brackets). */
const SHAPES: Record<string, [string, string]> = {
  work: ['["', '"]'],
  checkpoint: ['{{"', '"}}'],
  rollback: ['[/"', '"/]'],
  audit: ['[["', '"]]'],
  backup: ['[("', '")]'],
};

export function mermaidFlow(outline: Outline, level: FlowLevel | boolean = 'grouped'): string {
  const g = flowGraph(outline, levelOf(level));
  const key = new Map<string, string>();
  const nodeKey = (id: string) => key.get(id)!;
  let n = 0;
  for (const w of g.waves) for (const node of w.nodes) key.set(node.id, `n${n++}`);

  const lines = ['flowchart TB', ...summary(outline, g).map((s) => `  %% ${s}`)];
  for (const w of g.waves) {
    lines.push(`  subgraph w${w.wave}["${mermaidText(w.title)}"]`, '    direction LR');
    for (const node of w.nodes) {
      const [open, close] = g.level === 'phases' ? SHAPES.work! : SHAPES[node.kind] ?? SHAPES.work!;
      lines.push(`    ${nodeKey(node.id)}${open}${labelLines(node).map(mermaidText).join('<br>')}${close}:::risk_${node.risk}`);
    }
    lines.push('  end');
  }
  // Invisible links keep the waves in order even where no edge joins them.
  for (let i = 1; i < g.waves.length; i++) lines.push(`  w${g.waves[i - 1]!.wave} ~~~ w${g.waves[i]!.wave}`);
  const offset = g.waves.length - 1;
  const critical: number[] = [];
  g.edges.forEach((e, i) => {
    lines.push(`  ${nodeKey(e.from)} --> ${nodeKey(e.to)}`);
    if (e.critical) critical.push(offset + i);
  });
  lines.push(
    '  classDef risk_low fill:#e8f5e9,stroke:#2e7d32,color:#1b1b1b',
    '  classDef risk_medium fill:#fff8e1,stroke:#f9a825,color:#1b1b1b',
    '  classDef risk_high fill:#ffebee,stroke:#c62828,color:#1b1b1b',
    '  classDef risk_critical fill:#fce4ec,stroke:#880e4f,color:#1b1b1b',
    '  classDef ponr stroke:#b71c1c,stroke-width:4px,stroke-dasharray:6 3',
    '  classDef members fill:#ffffff,stroke:#90a4ae,color:#1b1b1b',
  );
  if (critical.length > 0) lines.push(`  linkStyle ${critical.join(',')} stroke:#d32f2f,stroke-width:4px`);
  const ponr = g.waves.flatMap((w) => w.nodes).filter((node) => node.pointOfNoReturn).map((node) => nodeKey(node.id));
  if (g.level !== 'phases') {
    lines.push('  subgraph legend["Legend"]', '    direction LR');
    for (const [i, item] of LEGEND.entries()) {
      const [open, close] = SHAPES[item.kind]!;
      lines.push(`    l${i + 1}${open}${mermaidText(item.text)}${close}:::risk_${item.risk}`);
    }
    for (const [i, entry] of memberEntries(g).entries()) {
      lines.push(`    m${i + 1}["${wrapWords(entry.text, 90).map(mermaidText).join('<br>')}"]:::members`);
    }
    lines.push('  end');
    // Below the last wave, the entries in one row (invisible links, after the edges: linkStyle counts stay).
    const last = g.waves.at(-1)?.nodes.at(-1);
    if (last) lines.push(`  ${nodeKey(last.id)} ~~~ l1`);
    lines.push(`  ${LEGEND.map((_, i) => `l${i + 1}`).join(' ~~~ ')}`);
    ponr.push(`l${LEGEND.findIndex((item) => item.pointOfNoReturn) + 1}`);
  }
  if (ponr.length > 0) lines.push(`  class ${ponr.join(',')} ponr`);
  return `${lines.join('\n')}\n`;
}

/** The legend both renderers draw: a shape per safety role, the point of no return, risk, the critical path. */
const LEGEND = [
  { kind: 'work', text: 'task', risk: 'low' },
  { kind: 'checkpoint', text: 'checkpoint', risk: 'low' },
  { kind: 'rollback', text: 'rollback procedure', risk: 'low' },
  { kind: 'audit', text: 'audit', risk: 'low' },
  { kind: 'backup', text: 'backup', risk: 'low' },
  { kind: 'work', text: 'point of no return', risk: 'high', pointOfNoReturn: true },
  { kind: 'work', text: 'risk: low · medium · high', risk: 'medium' },
  { kind: 'work', text: 'thick red arrows: critical path', risk: 'low' },
];

const DOT_FILL: Record<string, string> = { low: '#e8f5e9', medium: '#fff8e1', high: '#ffebee', critical: '#fce4ec' };
const DOT_SHAPE: Record<string, string> = { work: 'box', checkpoint: 'hexagon', rollback: 'parallelogram', audit: 'box3d', backup: 'cylinder' };

/** The same view as DOT, for Graphviz, with the same legend. Large graphs get Graphviz's faster layout settings. */
export function dotFlow(outline: Outline, level: FlowLevel | boolean = 'grouped'): string {
  const g = flowGraph(outline, levelOf(level));
  const q = (s: string) => `"${dotText(s)}"`;
  const nodes = g.waves.reduce((n, w) => n + w.nodes.length, 0);
  const fast = nodes > 300 ? ' mclimit=0.1; nslimit=1; nslimit1=1; searchsize=30;' : '';
  const lines = [
    'digraph plan {',
    `  graph [rankdir=TB, fontname="DejaVu Sans", fontsize=12, newrank=true, compound=true]; ${fast}`.trimEnd(),
    '  node [fontname="DejaVu Sans", fontsize=10, style="filled", penwidth=1.2];',
    '  edge [color="#607d8b", arrowsize=0.7];',
  ];
  const notes = summary(outline, g);
  if (notes.length > 0) lines.push(`  label=${q(notes.join('\n'))}; labelloc=t;`);
  const ponr = ', penwidth=3, color="#b71c1c", style="filled,dashed"';
  for (const w of g.waves) {
    lines.push(`  subgraph cluster_w${w.wave} {`, `    label=${q(w.title)}; style="rounded,dashed"; color="#90a4ae";`);
    for (const node of w.nodes) {
      const shape = g.level === 'phases' ? 'box' : DOT_SHAPE[node.kind] ?? 'box';
      // A group's tooltip names every member (the legend names the first few).
      const tooltip = node.keys ? `, tooltip=${q(`${node.head}: ${node.members.join(', ')}`)}` : '';
      lines.push(`    ${q(node.id)} [label=${q(labelLines(node).join('\n'))}, shape=${shape}, fillcolor=${q(DOT_FILL[node.risk]!)}${node.pointOfNoReturn ? ponr : ''}${tooltip}];`);
    }
    lines.push('  }');
  }
  for (const e of g.edges) lines.push(`  ${q(e.from)} -> ${q(e.to)}${e.critical ? ' [color="#d32f2f", penwidth=3]' : ''};`);
  if (g.level !== 'phases') {
    lines.push('  subgraph cluster_legend {', '    label="Legend"; style="rounded"; color="#90a4ae";');
    const ids: string[] = [];
    for (const [i, item] of LEGEND.entries()) {
      ids.push(`legend_${i + 1}`);
      lines.push(`    legend_${i + 1} [label=${q(item.text)}, shape=${DOT_SHAPE[item.kind]}, fillcolor=${q(DOT_FILL[item.risk]!)}${item.pointOfNoReturn ? ponr : ''}];`);
    }
    lines.push(`    { rank=same; ${ids.join('; ')}; }`);
    for (const [i, entry] of memberEntries(g).entries()) {
      lines.push(`    legend_members_${i + 1} [label=${q(wrapWords(entry.text, 90).join('\n'))}, shape=note, fillcolor="#ffffff", color="#90a4ae"];`);
      lines.push(`    ${ids[0]} -> legend_members_${i + 1} [style=invis];`);
    }
    lines.push('  }');
    // Below the last wave (an invisible edge from its last node), the entries in one row.
    const last = g.waves[g.waves.length - 1]?.nodes.at(-1);
    if (last) lines.push(`  ${q(last.id)} -> ${ids[0]} [style=invis];`);
    for (let i = 1; i < ids.length; i++) lines.push(`  ${ids[i - 1]} -> ${ids[i]} [style=invis];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
