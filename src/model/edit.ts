/**
 * Recording task states in the user's own plan file. The file is a document people edit: every byte
 * outside the states written stays as it was (comments, key order, quoting, folded text). The `yaml`
 * Document API finds where each task's mapping and its `state` stand; the new `state` block is then
 * spliced into the text there. Re-serialising the whole document (`doc.toString()`) was measured on
 * every built-in template: it re-folds `>-` descriptions and respaces flow lists, so it is not used.
 */
import { isDeepStrictEqual } from 'node:util';
import { PlanInputError } from '../errors.js';
import { parsePlan, yaml } from './load.js';
import type { Plan, TaskState } from './schema.js';

/** `text` with `states` (by index in `tasks`) recorded; throws, changing nothing, when a task cannot take one. */
export function withTaskStates(text: string, file: string, plan: Plan, states: ReadonlyMap<number, TaskState>): string {
  const edited = /^\s*[{[]/.test(text) ? editJson(text, states) : editYaml(text, file, states);
  // The edit must change the states and nothing else: read it back and compare.
  const expected = { ...plan, tasks: plan.tasks.map((t, i) => (states.has(i) ? { ...t, state: states.get(i) } : t)) };
  if (!isDeepStrictEqual(parsePlan(edited, file).plan, expected)) throw new Error(`recording states in ${file} would change more than the states`);
  return edited;
}

function editJson(text: string, states: ReadonlyMap<number, TaskState>): string {
  const data = JSON.parse(text) as { tasks: Record<string, unknown>[] };
  for (const [i, state] of states) data.tasks[i]!.state = state;
  const indent = /^[{[]\s*\n([ \t]+)/.exec(text.trimStart())?.[1] ?? '';
  return JSON.stringify(data, null, indent) + (text.endsWith('\n') ? '\n' : '');
}

function editYaml(text: string, file: string, states: ReadonlyMap<number, TaskState>): string {
  const { parseDocument, isMap, isSeq, isScalar, stringify, LineCounter } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const tasks = doc.get('tasks', true);
  if (!isSeq(tasks)) throw new Error('a checked plan has a tasks sequence');
  const splices: { from: number; to: number; text: string }[] = [];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  for (const [i, state] of states) {
    const task = tasks.items[i];
    if (!isMap(task) || task.flow || !task.range) {
      const at = isMap(task) && task.range ? lineCounter.linePos(task.range[0]) : undefined;
      throw PlanInputError.single('this task is written on one line ({…}): write it as a block mapping to record its state', {
        location: { file, line: at?.line, column: at?.col, path: `tasks[${i}]` } });
    }
    const pairs = task.items;
    const existing = pairs.find((p) => isScalar(p.key) && p.key.value === 'state');
    const keyStart = (existing ?? pairs[0]!).key as { range: [number, number, number] };
    const lineStart = text.lastIndexOf('\n', keyStart.range[0] - 1) + 1;
    const indent = ' '.repeat(keyStart.range[0] - lineStart);
    const body = stringify(state, { lineWidth: 0 }).trimEnd().split('\n').map((l) => `${indent}  ${l}`).join('\n');
    // The file's own line ends (a CRLF file stays CRLF).
    const block = `state:\n${body}\n`.replace(/\n/g, eol);
    if (existing) {
      splices.push({ from: keyStart.range[0], to: endOfLine(text, (existing.value as { range: number[] }).range[1]!), text: block });
    } else {
      const last = pairs[pairs.length - 1]!;
      const end = endOfLine(text, ((last.value ?? last.key) as { range: number[] }).range[1]!);
      splices.push({ from: end, to: end, text: `${end > 0 && text[end - 1] !== '\n' ? eol : ''}${indent}${block}` });
    }
  }
  let out = text;
  for (const s of splices.sort((a, b) => b.from - a.from)) out = out.slice(0, s.from) + s.text + out.slice(s.to);
  return out;
}

/** The offset just past the line `offset` is on (a block value's range already ends past its newline). */
function endOfLine(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}
