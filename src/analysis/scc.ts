/**
 * Strongly connected components (Tarjan), iterative over integer adjacency lists. Recursion would
 * overflow the stack on a long dependency chain (a plan of ~10k tasks in a line), so the walk keeps
 * its own stack. Components come out in reverse topological order.
 */
export function stronglyConnectedComponents(successors: readonly (readonly number[])[]): number[][] {
  const n = successors.length;
  const index = new Int32Array(n).fill(-1);
  const lowlink = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  // The DFS path: node and position in its successor list.
  const pathNode: number[] = [];
  const pathNext: number[] = [];
  let counter = 0;

  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const open = (v: number) => {
      index[v] = lowlink[v] = counter++;
      stack.push(v);
      onStack[v] = 1;
      pathNode.push(v);
      pathNext.push(0);
    };
    open(root);
    while (pathNode.length > 0) {
      const top = pathNode.length - 1;
      const v = pathNode[top]!;
      const next = successors[v]!;
      if (pathNext[top]! < next.length) {
        const w = next[pathNext[top]!++]!;
        if (index[w] === -1) open(w);
        else if (onStack[w]) lowlink[v] = Math.min(lowlink[v]!, index[w]!);
        continue;
      }
      pathNode.pop();
      pathNext.pop();
      if (lowlink[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
      if (pathNode.length > 0) {
        const parent = pathNode[pathNode.length - 1]!;
        lowlink[parent] = Math.min(lowlink[parent]!, lowlink[v]!);
      }
    }
  }
  return components;
}

/**
 * One concrete cycle through `start` inside its component, the shortest way round: `[a, b, c]`
 * means a → b → c → a (edges point from a dependency to its dependent).
 */
export function cycleThrough(successors: readonly (readonly number[])[], start: number, members: ReadonlySet<number>): number[] {
  const previous = new Map<number, number>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of successors[v]!) {
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
