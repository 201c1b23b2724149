/** The words both renderings of a diff share: the summary line, a field change as -/+ lines, a point of no return's move. */
import type { FieldChange, JsonValue, PlanDiff, PointOfNoReturnMove } from './diff.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** One line saying what changed, the counts first; `separator` joins its parts. */
export function summaryLine(diff: PlanDiff, separator = '; '): string {
  if (diff.same) return 'No changes: the same tasks, fields, dependencies and states.';
  const s = diff.summary;
  const parts = [
    `${plural(s.tasksAdded, 'task')} added, ${s.tasksRemoved} removed, ${s.tasksChanged} changed`,
    `${plural(s.edgesAdded, 'dependency', 'dependencies')} added, ${s.edgesRemoved} removed`,
  ];
  if (s.statesChanged) parts.push(`${plural(s.statesChanged, 'state')} changed`);
  if (s.pointsOfNoReturnMoved) parts.push(`${plural(s.pointsOfNoReturnMoved, 'point')} of no return moved`);
  const { before, after } = diff.criticalPath;
  parts.push(!diff.criticalPath.changed ? `critical path unchanged (${after.estimate})`
    : before.estimate !== after.estimate ? `critical path ${before.estimate} → ${after.estimate}`
      : `critical path through other tasks (${after.estimate})`);
  if (diff.before.waves !== diff.after.waves) parts.push(`waves ${diff.before.waves} → ${diff.after.waves}`);
  return parts.join(separator);
}

/**
 * A value as a reader wants it: text as it is, an absent field as such, an object (a statement, a check)
 * as `key: value` pairs, anything else as compact JSON.
 */
export function show(value: JsonValue): string {
  if (value === null) return '(absent)';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' · ');
  }
  return JSON.stringify(value);
}

/**
 * A field change as lines under its field name: `- ` what was, `+ ` what is (one line per line of a
 * multi-line value), and a note when shared statements run in another order.
 */
export function changeLines(change: FieldChange): string[] {
  const lines = (sign: string, value: JsonValue) => show(value).split('\n').map((l) => `${sign} ${l}`);
  if (change.kind === 'value') {
    const { before, after } = change;
    if (typeof before === 'string' && typeof after === 'string' && (before.includes('\n') || after.includes('\n'))) {
      return changedLines(before.split('\n'), after.split('\n'));
    }
    return [...lines('-', before), ...lines('+', after)];
  }
  return [
    ...change.removed.flatMap((v) => lines('-', v)),
    ...change.added.flatMap((v) => lines('+', v)),
    ...(change.reordered ? ['  (the statements both sides have run in another order)'] : []),
  ];
}

/** Above this many line pairs, a text's lines are all shown as replaced rather than matched. */
const MAX_LINE_PAIRS = 250_000;

/**
 * The lines of a multi-line text that changed, in order (a longest common subsequence of lines; the
 * lines both have are left out, `…` marks where): a one-word edit of a long description is one line.
 */
function changedLines(before: string[], after: string[]): string[] {
  const [n, m] = [before.length, after.length];
  if (n * m > MAX_LINE_PAIRS) return [...before.map((l) => `- ${l}`), ...after.map((l) => `+ ${l}`)];
  // common[i][j]: the longest common subsequence of before[i..] and after[j..].
  const common = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      common[i]![j] = before[i] === after[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let skipped = false;
  const keep = (line: string) => {
    if (skipped && out.length) out.push('  …');
    skipped = false;
    out.push(line);
  };
  let [i, j] = [0, 0];
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      skipped = true;
      i++;
      j++;
    } else if (i < n && (j === m || common[i + 1]![j]! >= common[i]![j + 1]!)) {
      keep(`- ${before[i++]}`);
    } else {
      keep(`+ ${after[j++]}`);
    }
  }
  return out;
}

/** `title: "Old" → "New"`, when both values are one short line (the caller decides what short is). */
export function inlineChange(change: FieldChange): string | undefined {
  if (change.kind !== 'value') return undefined;
  const [b, a] = [show(change.before), show(change.after)];
  if (b.includes('\n') || a.includes('\n')) return undefined;
  return `${change.field}: ${b} → ${a}`;
}

/** `wave 3 → wave 4`, `now a point of no return (wave 5)`, `added (wave 2)`. */
export function describePointMove(move: PointOfNoReturnMove): string {
  const wave = (w: number | null) => (w === null ? 'no wave' : `wave ${w}`);
  const { before: b, after: a } = move;
  if (!b) return `added as a point of no return (${wave(a!.wave)})`;
  if (!a) return `removed (was a point of no return, ${wave(b.wave)})`;
  if (!b.pointOfNoReturn) return `now a point of no return (${wave(a.wave)})`;
  if (!a.pointOfNoReturn) return `no longer a point of no return (${wave(b.wave)})`;
  return `${wave(b.wave)} → ${wave(a.wave)}`;
}

/** The waves whose tasks differ, each with its tasks before and after (an absent wave has none). */
export function changedWaves(diff: PlanDiff): { wave: number; before: string[]; after: string[] }[] {
  const before = new Map(diff.waves.before.map((w) => [w.wave, w.tasks]));
  const after = new Map(diff.waves.after.map((w) => [w.wave, w.tasks]));
  const numbers = [...new Set([...before.keys(), ...after.keys()])].sort((x, y) => x - y);
  return numbers
    .map((wave) => ({ wave, before: before.get(wave) ?? [], after: after.get(wave) ?? [] }))
    .filter((w) => [...w.before].sort().join() !== [...w.after].sort().join());
}

export const waveText = (w: number | null) => (w === null ? '-' : String(w));

/** Dependencies added and removed, grouped by the task that depends (in the diff's order). */
export function edgesByTask(diff: PlanDiff): { task: string; added: string[]; removed: string[] }[] {
  const groups = new Map<string, { task: string; added: string[]; removed: string[] }>();
  const group = (task: string) => groups.get(task) ?? groups.set(task, { task, added: [], removed: [] }).get(task)!;
  for (const [dependency, task] of diff.edges.added) group(task).added.push(dependency);
  for (const [dependency, task] of diff.edges.removed) group(task).removed.push(dependency);
  return [...groups.values()];
}

/** Sides `plan check` finds errors in: compared all the same, but a reviewer must know (`plan check FILE` lists them). */
export function errorNotes(diff: PlanDiff): string[] {
  return [diff.before, diff.after].filter((side) => side.errors > 0)
    .map((side) => `${side.file} has ${plural(side.errors, 'error')} (plan check ${side.file})`);
}
