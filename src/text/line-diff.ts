/**
 * A unified diff of a text and its edited version, from the edits themselves: what `plan update --dry-run`
 * prints instead of writing. Each edit is widened to whole lines; edits whose lines touch or come within
 * the context of each other make one hunk, and only inside a hunk are the lines compared (Myers' O(ND)),
 * so a plan of 100 MB with a thousand edits costs what its edits cost, not what the file does.
 */
import { applyEdits, type TextEdit } from '../model/merge.js';

type Op = { kind: ' ' | '-' | '+'; line: string };

export function unifiedDiff(before: string, edits: readonly TextEdit[], names: { from: string; to: string }, context = 3): string {
  if (edits.length === 0) return '';
  const starts = lineStarts(before);
  const lineAt = (offset: number) => upperBound(starts, offset) - 1;
  // Each edit widened to the whole lines of the old text it touches, [first, last); edits that share a
  // line make one change, whose new lines are those lines with every one of its edits applied.
  type Change = { first: number; last: number; lines: string[] };
  const changes: Change[] = [];
  const offsetOf = (line: number) => (line < starts.length ? starts[line]! : before.length);
  for (let i = 0; i < edits.length;) {
    const first = lineAt(edits[i]!.from);
    let last = first;
    let j = i;
    while (j < edits.length) {
      const e = edits[j]!;
      if (j > i && lineAt(e.from) >= last) break;
      // An insertion at a line's start touches no old line; anything else runs to the end of its last line.
      const end = e.to > e.from ? lineAt(e.to - 1) + 1 : (e.from === starts[lineAt(e.from)] ? lineAt(e.from) : lineAt(e.from) + 1);
      last = Math.max(last, end);
      j++;
    }
    const from = offsetOf(first);
    const segment = before.slice(from, offsetOf(last));
    const edited = applyEdits(segment, edits.slice(i, j).map((e) => ({ from: e.from - from, to: e.to - from, text: e.text })));
    changes.push({ first, last, lines: splitLines(edited) });
    i = j;
  }
  const oldLine = (i: number) => before.slice(starts[i]!, i + 1 < starts.length ? starts[i + 1]! - 1 : before.length);
  // Runs of removed and added lines, each at the old line it starts at: what each change really changes.
  type Run = { at: number; end: number; ops: Op[] };
  const runs: Run[] = [];
  for (const c of changes) {
    const old: string[] = [];
    for (let i = c.first; i < c.last; i++) old.push(oldLine(i));
    let at = c.first;
    let run: Run | undefined;
    for (const op of myers(old, c.lines)) {
      if (op.kind === ' ') { run = undefined; at++; continue; }
      if (!run) runs.push(run = { at, end: at, ops: [] });
      run.ops.push(op);
      if (op.kind === '-') { at++; run.end = at; }
    }
  }
  const total = before.endsWith('\n') ? starts.length - 1 : starts.length;
  const out = [`--- ${names.from}`, `+++ ${names.to}`];
  let shift = 0; // new line number minus old line number, before the current hunk
  for (let k = 0; k < runs.length;) {
    // A hunk: runs apart by at most twice the context, with the context around them.
    let j = k + 1;
    while (j < runs.length && runs[j]!.at - runs[j - 1]!.end <= 2 * context) j++;
    const from = Math.max(0, runs[k]!.at - context);
    const to = Math.min(total, runs[j - 1]!.end + context);
    const lines: string[] = [];
    let at = from;
    let added = 0;
    let removed = 0;
    for (const run of runs.slice(k, j)) {
      for (; at < run.at; at++) lines.push(` ${oldLine(at)}`);
      for (const op of run.ops) {
        lines.push(`${op.kind}${op.line}`);
        if (op.kind === '+') added++; else removed++;
      }
      at = run.end;
    }
    for (; at < to; at++) lines.push(` ${oldLine(at)}`);
    const countA = lines.length - added;
    const countB = lines.length - removed;
    out.push(`@@ -${from + (countA ? 1 : 0)},${countA} +${from + shift + (countB ? 1 : 0)},${countB} @@`, ...lines);
    shift += countB - countA;
    k = j;
  }
  return `${out.join('\n')}\n`;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The first index whose value is greater than `value`. */
function upperBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The shortest edit script from a to b (small inputs: one hunk). */
function myers(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = n === 0 && m === 0;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      next[offset + k] = x;
      if (x >= n && y >= m) { found = true; break; }
    }
    v = next;
  }
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d > 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) { ops.push({ kind: ' ', line: a[x - 1]! }); x--; y--; }
    if (down) ops.push({ kind: '+', line: b[y - 1]! });
    else ops.push({ kind: '-', line: a[x - 1]! });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) { ops.push({ kind: ' ', line: a[x - 1]! }); x--; y--; }
  return ops.reverse();
}
