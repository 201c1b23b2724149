/**
 * Strongly connected components (Tarjan), iterative. graphlib's `alg.tarjan` recurses once per node,
 * which overflows the stack on a long dependency chain (a hand-edited plan of ~10k tasks in a line),
 * so the walk keeps its own stack. Components come out in reverse topological order.
 */
import type { Graph } from '@dagrejs/graphlib';

export function stronglyConnectedComponents(g: Graph): string[][] {
  const index = new Map<string, number>();
  const lowlink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  for (const root of g.nodes()) {
    if (index.has(root)) continue;
    // Each frame: a node and the successors still to visit.
    const frames: { node: string; next: string[]; i: number }[] = [];
    const open = (node: string) => {
      index.set(node, counter);
      lowlink.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      frames.push({ node, next: g.successors(node) ?? [], i: 0 });
    };
    open(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.i < frame.next.length) {
        const w = frame.next[frame.i++]!;
        if (!index.has(w)) {
          open(w);
        } else if (onStack.has(w)) {
          lowlink.set(frame.node, Math.min(lowlink.get(frame.node)!, index.get(w)!));
        }
        continue;
      }
      frames.pop();
      const v = frame.node;
      if (lowlink.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
      const parent = frames[frames.length - 1];
      if (parent) lowlink.set(parent.node, Math.min(lowlink.get(parent.node)!, lowlink.get(v)!));
    }
  }
  return components;
}

/**
 * One concrete cycle through `start` inside its component, as the shortest way round:
 * `[a, b, c]` means a → b → c → a (edges point from a dependency to its dependent).
 */
export function cycleThrough(g: Graph, start: string, members: ReadonlySet<string>): string[] {
  const previous = new Map<string, string>();
  const queue: string[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of g.successors(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return path;
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}
