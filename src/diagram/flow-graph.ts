/**
 * What the flow view draws, before any diagram language: nodes per wave and the edges between them.
 * Three levels: every task (`tasks`), per-table fan-out drawn as one node (`grouped`, the default: a
 * 30-table plan is 60 boxes in one row otherwise), or one node per wave and phase (`phases`). At every
 * level an edge implied by other edges is left out (transitive reduction): it adds lines, not order.
 */
import type { Outline, OutlineTask } from '../outline/outline.js';

export type FlowLevel = 'tasks' | 'grouped' | 'phases';

export interface FlowNode {
  id: string;
  /** Label lines before wrapping: the first is the id (or what stands for it), the rest say what it is. */
  head: string;
  text: string;
  kind: string;
  risk: string;
  pointOfNoReturn: boolean;
  /** Ids of the tasks the node stands for (more than one for a group). */
  members: string[];
  /** For a fan-out group: what varies between its members (the part of the id after the first dot). */
  keys?: string[];
}

export interface FlowEdge {
  from: string;
  to: string;
  critical: boolean;
}

export interface FlowGraph {
  level: FlowLevel;
  /** Nodes per wave, in wave order. */
  waves: { wave: number; title: string; nodes: FlowNode[] }[];
  edges: FlowEdge[];
  /** Dependencies between the drawn nodes before the reduction (what the plan states). */
  stated: number;
}

const RISK_RANK = ['low', 'medium', 'high', 'critical'];
const riskiest = (tasks: OutlineTask[]) => tasks.reduce((r, t) => (RISK_RANK.indexOf(t.risk) > RISK_RANK.indexOf(r) ? t.risk : r), 'low');
/** Adds to a map of lists in place (a copy per addition is quadratic on a 20,000-table step). */
function append<T>(lists: Map<string, T[]>, key: string, item: T): void {
  const list = lists.get(key);
  if (list) list.push(item);
  else lists.set(key, [item]);
}
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function flowGraph(outline: Outline, level: FlowLevel): FlowGraph {
  const nodeOf = new Map<string, FlowNode>();
  const grouped = level === 'grouped' ? fanOutGroups(outline) : undefined;
  const waves = outline.waves.map((w) => {
    const title = `Wave ${w.wave} · ${[...new Set(w.tasks.map((t) => t.phaseName))].join(', ')}`;
    const parts = level === 'phases' ? byPhase(w.wave, w.tasks) : grouped ? grouped(w.tasks) : w.tasks.map(taskNode);
    for (const node of parts) for (const id of node.members) nodeOf.set(id, node);
    return { wave: w.wave, title, nodes: parts };
  });
  const onPath = new Set(outline.criticalPath.map((id, i) => `${outline.criticalPath[i - 1]}>${id}`));
  const edges = new Map<string, FlowEdge>();
  for (const t of outline.tasks) {
    for (const d of t.depends) {
      const from = nodeOf.get(d)!.id;
      const to = nodeOf.get(t.id)!.id;
      if (from === to) continue;
      const key = `${from}>${to}`;
      const critical = level !== 'phases' && onPath.has(`${d}>${t.id}`);
      const edge = edges.get(key);
      if (edge) edge.critical ||= critical;
      else edges.set(key, { from, to, critical });
    }
  }
  const order = waves.flatMap((w) => w.nodes.map((n) => n.id));
  return { level, waves, edges: transitiveReduction(order, [...edges.values()]), stated: edges.size };
}

function taskNode(t: OutlineTask): FlowNode {
  return { id: t.id, head: t.id, text: t.title, kind: t.kind, risk: t.risk, pointOfNoReturn: t.pointOfNoReturn, members: [t.id] };
}

function byPhase(wave: number, tasks: OutlineTask[]): FlowNode[] {
  const phases = new Map<string, OutlineTask[]>();
  for (const t of tasks) append(phases, t.phase, t);
  return [...phases].map(([phase, members]) => {
    const checkpoints = members.filter((t) => t.checkpoint).length;
    const pointOfNoReturn = members.some((t) => t.pointOfNoReturn);
    const counts = [plural(members.length, 'task'), ...(checkpoints ? [plural(checkpoints, 'checkpoint')] : []), ...(pointOfNoReturn ? ['point of no return'] : [])];
    return { id: `W${wave}.${phase}`, head: members[0]!.phaseName, text: counts.join('\n'), kind: 'work', risk: riskiest(members), pointOfNoReturn, members: members.map((t) => t.id) };
  });
}

/**
 * Per-table fan-out (`T4.users`, `T4.orders`: one prefix before the first dot, one phase, one kind,
 * and dependencies on the same nodes) becomes one node. "The same nodes" depends on the grouping
 * itself (T5.x waits for T4.x, which is grouped): refined until nothing splits, a few passes.
 */
function fanOutGroups(outline: Outline): (tasks: OutlineTask[]) => FlowNode[] {
  const prefix = (id: string) => (id.includes('.') ? id.slice(0, id.indexOf('.')) : undefined);
  let keyOf = new Map<string, string>();
  for (const t of outline.tasks) keyOf.set(t.id, prefix(t.id) === undefined ? `=${t.id}` : `${prefix(t.id)}|${t.wave}|${t.phase}|${t.kind}|${t.pointOfNoReturn}`);
  let count = new Set(keyOf.values()).size;
  for (let pass = 0; pass < 10; pass++) {
    // Each distinct key becomes a short name, so keys stay short however deep the refinement goes.
    const names = new Map<string, string>();
    const next = new Map<string, string>();
    for (const t of outline.tasks) {
      const key = keyOf.get(t.id)!;
      const refined = key.startsWith('=') ? key : `${key}[${[...new Set(t.depends.map((d) => keyOf.get(d)))].sort().join(',')}]`;
      if (!names.has(refined)) names.set(refined, refined.startsWith('=') ? refined : `#${names.size}`);
      next.set(t.id, names.get(refined)!);
    }
    keyOf = next;
    const nextCount = new Set(keyOf.values()).size;
    if (nextCount === count) break;
    count = nextCount;
  }
  const taken = new Set(outline.tasks.map((t) => t.id));
  return (tasks) => {
    const groups = new Map<string, OutlineTask[]>();
    for (const t of tasks) append(groups, keyOf.get(t.id)!, t);
    return [...groups.values()].map((members) => {
      if (members.length === 1) return taskNode(members[0]!);
      const first = members[0]!;
      const stem = `${prefix(first.id)}.*`;
      let id = stem;
      for (let n = 2; taken.has(id); n++) id = `${stem}${n}`;
      taken.add(id);
      const keys = members.map((t) => t.id.slice(t.id.indexOf('.') + 1));
      return { id, head: id, text: groupTitle(members.map((t) => t.title), keys), kind: first.kind, risk: riskiest(members),
        pointOfNoReturn: first.pointOfNoReturn, members: members.map((t) => t.id), keys };
    });
  };
}

/** Words that join a title to the table name it ends with ("… records in users"): dropped with the name. */
const JOINING = new Set(['in', 'on', 'of', 'for', 'to', 'from', 'at', 'into', 'the', 'table', 'tables', '-', '–', ':']);

/**
 * The members' titles without what varies: the words they all begin and end with, then on a line of
 * its own "× 30 tables" ("Backfill tenant_id for existing records\n× 30 tables"). "tables" when every title names its
 * member's key (what per-table fan-out writes), "tasks" otherwise.
 */
export function groupTitle(titles: string[], keys: string[]): string {
  const words = titles.map((t) => t.split(/\s+/).filter(Boolean));
  const shortest = Math.min(...words.map((w) => w.length));
  let head = 0;
  while (head < shortest && words.every((w) => w[head] === words[0]![head])) head++;
  let tail = 0;
  while (tail < shortest - head && words.every((w) => w[w.length - 1 - tail] === words[0]![words[0]!.length - 1 - tail])) tail++;
  const start = words[0]!.slice(0, head);
  while (start.length > 0 && JOINING.has(start[start.length - 1]!.toLowerCase())) start.pop();
  const end = words[0]!.slice(words[0]!.length - tail);
  const common = [...start, ...(end.length ? ['…', ...end] : [])].join(' ');
  const noun = titles.every((t, i) => t.includes(keys[i]!)) ? 'tables' : 'tasks';
  return `${common ? `${common}\n` : ''}× ${titles.length} ${noun}`;
}

/**
 * The edges no other path implies, on a DAG whose nodes are listed in an order where every edge goes
 * forward (`order`: the waves). For each node with two or more predecessors, walk back from the latest
 * predecessor: one found on the way is implied. The walk never goes before the earliest predecessor,
 * and a node with one predecessor needs none, so fan-out plans cost about their edges. An edge the
 * order does not put forward is kept (nothing is dropped that cannot be proved implied).
 */
export function transitiveReduction(order: string[], edges: FlowEdge[]): FlowEdge[] {
  const position = new Map(order.map((id, i) => [id, i]));
  const into = new Map<string, FlowEdge[]>();
  for (const e of edges) append(into, e.to, e);
  const implied = new Set<FlowEdge>();
  for (const [, incoming] of into) {
    if (incoming.length < 2) continue;
    const preds = [...incoming].sort((a, b) => position.get(b.from)! - position.get(a.from)!);
    const floor = position.get(preds[preds.length - 1]!.from)!;
    const seen = new Set<string>();
    for (const edge of preds) {
      if (seen.has(edge.from)) {
        implied.add(edge);
        continue;
      }
      // Everything this predecessor reaches back to (within the window) is implied through it.
      const stack = [edge.from];
      while (stack.length > 0) {
        const id = stack.pop()!;
        for (const back of into.get(id) ?? []) {
          const p = position.get(back.from)!;
          if (p < floor || p >= position.get(back.to)! || seen.has(back.from)) continue;
          seen.add(back.from);
          stack.push(back.from);
        }
      }
    }
  }
  return edges.filter((e) => !implied.has(e));
}
