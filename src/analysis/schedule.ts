/**
 * Longest paths over a dependency order with given durations: earliest start and finish, slack, and
 * the critical chain. The analysis runs it over estimates; progress runs it over the work left.
 */

export interface PathTimes {
  /** Earliest start and finish of each task (hours from now); NaN for tasks not in `order`. */
  start: Float64Array;
  finish: Float64Array;
  /** How long a task may slip without moving the end: 0 on the critical chain. */
  slack: Float64Array;
  /** The chain that decides the end (task numbers, dependencies first) and its length in hours. */
  path: number[];
  hours: number;
}

/** `order` is topological (dependencies first); `hours[v]` is task v's duration. */
export function longestPaths(order: readonly number[], predecessors: readonly number[][], successors: readonly number[][],
  hours: (v: number) => number): PathTimes {
  const n = predecessors.length;
  const start = new Float64Array(n).fill(NaN);
  const finish = new Float64Array(n).fill(NaN);
  const inOrder = new Uint8Array(n);
  for (const v of order) inOrder[v] = 1;
  for (const v of order) {
    let s = 0;
    for (const d of predecessors[v]!) if (inOrder[d]) s = Math.max(s, finish[d]!);
    start[v] = s;
    finish[v] = s + hours(v);
  }
  // The end: the first task (by number, i.e. plan order) with the latest finish.
  let end = -1;
  for (let v = 0; v < n; v++) if (inOrder[v] && (end === -1 || finish[v]! > finish[end]!)) end = v;
  const total = end === -1 ? 0 : finish[end]!;
  const latest = new Float64Array(n).fill(NaN);
  const slack = new Float64Array(n).fill(NaN);
  for (let i = order.length - 1; i >= 0; i--) {
    const v = order[i]!;
    let lf = total;
    for (const w of successors[v]!) if (inOrder[w]) lf = Math.min(lf, latest[w]! - hours(w));
    latest[v] = lf;
    slack[v] = lf - finish[v]!;
  }
  const path: number[] = [];
  if (end !== -1) {
    path.push(end);
    for (let v = end; start[v]! > 0; ) {
      // The first (in plan order) dependency that finishes exactly when this task can start.
      const prev = predecessors[v]!.filter((d) => inOrder[d] && finish[d] === start[v]).sort((a, b) => a - b)[0];
      if (prev === undefined) break;
      path.unshift(prev);
      v = prev;
    }
  }
  return { start, finish, slack, path, hours: total };
}
