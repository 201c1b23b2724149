/**
 * The flow view: one cluster per wave in order, tasks coloured by risk, a shape per safety role, the
 * point of no return and the critical path emphasised, a legend. As Mermaid (canonical) and as DOT.
 * Above a size that Mermaid cannot lay out in reasonable time, the view collapses each wave's phase
 * into one node with counts, and says so.
 */
import type { Outline, OutlineTask } from '../outline/outline.js';
import { dotText, mermaidLabel, mermaidText, shorten, wrapWords } from './text.js';

/** Mermaid's defaults (500 edges, 50,000 characters) and dagre's pace decide these. */
export const MERMAID_MAX_TASKS = 150;
export const MERMAID_MAX_EDGES = 450;
/** Graphviz lays out 1,000 nodes in ~2 s with fast settings; beyond this, collapse. */
export const GRAPHVIZ_MAX_TASKS = 2000;

export interface Group {
  id: string;
  wave: number;
  phaseName: string;
  count: number;
  checkpoints: number;
  pointOfNoReturn: boolean;
  risk: string;
}

export interface FlowGraph {
  collapsed: boolean;
  /** Nodes per wave, in wave order. */
  waves: { wave: number; title: string; nodes: (OutlineTask | Group)[] }[];
  edges: { from: string; to: string; critical: boolean }[];
}

const RISK_RANK = ['low', 'medium', 'high', 'critical'];

/** The graph to draw: the tasks themselves, or per wave and phase when `collapse` is true. */
export function flowGraph(outline: Outline, collapse: boolean): FlowGraph {
  const waveTitle = (wave: number, tasks: OutlineTask[]) => `Wave ${wave} · ${[...new Set(tasks.map((t) => t.phaseName))].join(', ')}`;
  if (!collapse) {
    const onPath = new Set(outline.criticalPath.map((id, i) => `${outline.criticalPath[i - 1]}>${id}`));
    return {
      collapsed: false,
      waves: outline.waves.map((w) => ({ wave: w.wave, title: waveTitle(w.wave, w.tasks), nodes: w.tasks })),
      edges: outline.tasks.flatMap((t) => t.depends.map((d) => ({ from: d, to: t.id, critical: onPath.has(`${d}>${t.id}`) }))),
    };
  }
  const groupOf = new Map<string, string>();
  const waves = outline.waves.map((w) => {
    const byPhase = new Map<string, OutlineTask[]>();
    for (const t of w.tasks) byPhase.set(t.phase, [...(byPhase.get(t.phase) ?? []), t]);
    const nodes: Group[] = [...byPhase].map(([phase, tasks]) => {
      const id = `W${w.wave}.${phase}`;
      for (const t of tasks) groupOf.set(t.id, id);
      return {
        id, wave: w.wave, phaseName: tasks[0]!.phaseName, count: tasks.length,
        checkpoints: tasks.filter((t) => t.checkpoint).length, pointOfNoReturn: tasks.some((t) => t.pointOfNoReturn),
        risk: tasks.reduce((r, t) => (RISK_RANK.indexOf(t.risk) > RISK_RANK.indexOf(r) ? t.risk : r), 'low'),
      };
    });
    return { wave: w.wave, title: waveTitle(w.wave, w.tasks), nodes };
  });
  const edges = new Map<string, { from: string; to: string; critical: boolean }>();
  for (const t of outline.tasks) {
    for (const d of t.depends) {
      const from = groupOf.get(d)!;
      const to = groupOf.get(t.id)!;
      if (from !== to) edges.set(`${from}>${to}`, { from, to, critical: false });
    }
  }
  return { collapsed: true, waves, edges: [...edges.values()] };
}

const isGroup = (n: OutlineTask | Group): n is Group => 'count' in n;

/** Mermaid node shapes per safety role (flowchart syntax: opening and closing brackets). */
const SHAPES: Record<string, [string, string]> = {
  work: ['["', '"]'],
  checkpoint: ['{{"', '"}}'],
  rollback: ['[/"', '"/]'],
  audit: ['[["', '"]]'],
  backup: ['[("', '")]'],
};

export function mermaidFlow(outline: Outline, collapse: boolean): string {
  const g = flowGraph(outline, collapse);
  const key = new Map<string, string>();
  const nodeKey = (id: string) => key.get(id)!;
  let n = 0;
  for (const w of g.waves) for (const node of w.nodes) key.set(node.id, `n${n++}`);

  const lines = ['flowchart TB'];
  if (g.collapsed) lines.push(`  %% collapsed: ${outline.tasks.length} tasks drawn as one node per wave and phase`);
  for (const w of g.waves) {
    lines.push(`  subgraph w${w.wave}["${mermaidText(w.title)}"]`, '    direction LR');
    for (const node of w.nodes) {
      if (isGroup(node)) {
        const label = [`${node.phaseName}`, `${node.count} task${node.count === 1 ? '' : 's'}`,
          ...(node.checkpoints ? [`${node.checkpoints} checkpoint${node.checkpoints === 1 ? '' : 's'}`] : []),
          ...(node.pointOfNoReturn ? ['point of no return'] : [])].map(mermaidText).join('<br>');
        lines.push(`    ${nodeKey(node.id)}["${label}"]:::risk_${node.risk}`);
      } else {
        const [open, close] = SHAPES[node.kind] ?? SHAPES.work!;
        lines.push(`    ${nodeKey(node.id)}${open}${mermaidLabel(node.id, node.title)}${close}:::risk_${node.risk}`);
      }
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
  );
  if (critical.length > 0) lines.push(`  linkStyle ${critical.join(',')} stroke:#d32f2f,stroke-width:4px`);
  const ponr = g.waves.flatMap((w) => w.nodes).filter((node) => node.pointOfNoReturn).map((node) => nodeKey(node.id));
  if (!g.collapsed) {
    lines.push(
      '  subgraph legend["Legend"]',
      '    direction LR',
      '    l1["task"]:::risk_low',
      '    l2{{"checkpoint"}}:::risk_low',
      '    l3[/"rollback procedure"/]:::risk_low',
      '    l4[["audit"]]:::risk_low',
      '    l5[("backup")]:::risk_low',
      '    l6["point of no return"]:::risk_high',
      '    l7["risk: low · medium · high"]:::risk_medium',
      '    l8["thick red arrows: critical path"]:::risk_low',
      '  end',
    );
    ponr.push('l6');
  }
  if (ponr.length > 0) lines.push(`  class ${ponr.join(',')} ponr`);
  return `${lines.join('\n')}\n`;
}

const DOT_FILL: Record<string, string> = { low: '#e8f5e9', medium: '#fff8e1', high: '#ffebee', critical: '#fce4ec' };
const DOT_SHAPE: Record<string, string> = { work: 'box', checkpoint: 'hexagon', rollback: 'parallelogram', audit: 'box3d', backup: 'cylinder' };

/** The same view as DOT, for Graphviz. Large graphs get Graphviz's faster layout settings. */
export function dotFlow(outline: Outline, collapse: boolean): string {
  const g = flowGraph(outline, collapse);
  const q = (s: string) => `"${dotText(s)}"`;
  const fast = outline.tasks.length > 300 ? ' mclimit=0.1; nslimit=1; nslimit1=1; searchsize=30;' : '';
  const lines = [
    'digraph plan {',
    `  graph [rankdir=TB, fontname="DejaVu Sans,Arial,sans-serif", fontsize=12, newrank=true, compound=true]; ${fast}`.trimEnd(),
    '  node [fontname="DejaVu Sans,Arial,sans-serif", fontsize=10, style="filled", penwidth=1.2];',
    '  edge [color="#607d8b", arrowsize=0.7];',
  ];
  if (g.collapsed) lines.push(`  label=${q(`${outline.tasks.length} tasks, collapsed to one node per wave and phase`)}; labelloc=t;`);
  for (const w of g.waves) {
    lines.push(`  subgraph cluster_w${w.wave} {`, `    label=${q(w.title)}; style="rounded,dashed"; color="#90a4ae";`);
    for (const node of w.nodes) {
      if (isGroup(node)) {
        const label = `${node.phaseName}\n${node.count} tasks${node.checkpoints ? `\n${node.checkpoints} checkpoints` : ''}${node.pointOfNoReturn ? '\npoint of no return' : ''}`;
        lines.push(`    ${q(node.id)} [label=${q(label)}, shape=box, fillcolor=${q(DOT_FILL[node.risk]!)}${node.pointOfNoReturn ? ', penwidth=3, color="#b71c1c"' : ''}];`);
      } else {
        const label = [node.id, ...wrapWords(shorten(node.title, 84), 28)].join('\n');
        lines.push(`    ${q(node.id)} [label=${q(label)}, shape=${DOT_SHAPE[node.kind] ?? 'box'}, fillcolor=${q(DOT_FILL[node.risk]!)}` +
          `${node.pointOfNoReturn ? ', penwidth=3, color="#b71c1c", style="filled,dashed"' : ''}];`);
      }
    }
    lines.push('  }');
  }
  for (const e of g.edges) lines.push(`  ${q(e.from)} -> ${q(e.to)}${e.critical ? ' [color="#d32f2f", penwidth=3]' : ''};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
