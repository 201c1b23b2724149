/**
 * The three-way merge behind `plan update`. Three texts of one plan: `base`, what the template wrote at
 * generation; `theirs`, what the template writes now (new parameters, a newer template); `ours`, the file
 * as people edited it. Every change the template made from base to theirs is carried into ours, unless
 * ours changed the same field differently: then ours keeps its value and the template's is recorded in
 * the plan's `conflicts`, which `plan check` reports until someone settles it. Nothing is lost silently.
 *
 * - Tasks and phases are matched by `id`, placeholders by `name`: a task the template added is inserted
 *   after its predecessor in the template's order; a task the user added stays; a task the user deleted
 *   stays deleted; a task the template removed goes, unless the user changed it (then it is a conflict).
 * - Fields are merged one by one, nested mappings key by key. `state` (status and sign-off) is always the
 *   user's. Lists of names and sentences (depends, acceptance, files, labels, ops, epic lists) merge item
 *   by item; other lists (statements, checks) are one value each.
 * - A dependency on a task that no longer exists is re-pointed: to the tasks that split it (`T4` →
 *   `T4.users`, `T4.orders`), or those that took its place for the tasks after it, or else its own
 *   dependencies, so the order it stood for holds.
 *
 * The decisions are made on the data; the result is written by splicing the user's text, copying the
 * template's own text for what it changed, so comments, key order and folding stay as they were (the
 * reason ./edit.ts splices too). Only YAML block mappings are edited this way.
 */
import { isDeepStrictEqual } from 'node:util';
import jsYaml from 'js-yaml';
import type { Document, Node, Pair, YAMLMap, YAMLSeq } from 'yaml';
import { yaml } from './load.js';
import type { Conflict } from './schema.js';

export interface MergeInput {
  base: string;
  theirs: string;
  ours: string;
}

export interface MergeResult {
  /** The merged plan text: ours, with the template's changes spliced in and any new conflicts recorded. */
  text: string;
  /** Fields changed by the user and by the template differently (also written into the text). */
  conflicts: Conflict[];
  /** What the template's changes did to the file, one line each. */
  applied: string[];
  /** Worth reading, not conflicts: dependencies re-pointed, template changes to tasks the user deleted. */
  notices: string[];
  /** The edits of the user's text, in file order and apart: `text` is ours with each applied. */
  edits: TextEdit[];
}

/** The text from `from` to `to` (offsets in the old text) replaced with `text`. */
export interface TextEdit { from: number; to: number; text: string }

type Data = Record<string, unknown>;
type Path = string[];

/** Lists merged item by item: names and sentences, where two sides adding different items both mean it. */
const ITEM_LISTS = new Set(['depends', 'acceptance', 'files', 'labels', 'ops', 'notes', 'success', 'before', 'during', 'after']);
/** Top-level lists of mappings matched by a key rather than by position. */
const KEYED_LISTS: Record<string, string> = { tasks: 'id', phases: 'id', placeholders: 'name' };
/** Always the user's: where the plan stands and who signed it off. */
const USER_FIELDS = new Set(['state']);
/** Statuses of a task whose statements ran (or began to): the template's new statements for it did not. */
const RAN = new Set(['done', 'in-progress', 'failed']);
/** Always the template's: where the plan came from. */
const TEMPLATE_FIELDS = new Set(['generated_by']);

type Splice = TextEdit;

export function mergePlanTexts(input: MergeInput): MergeResult {
  const base = dataOf(input.base);
  const theirs = dataOf(input.theirs);
  const ours = dataOf(input.ours);
  // Nothing changed on the template's side: the user's file is the answer, byte for byte.
  if (isDeepStrictEqual(base, theirs)) return { text: input.ours, conflicts: [], applied: [], notices: [], edits: [] };
  const merger = new Merger(input, base, theirs, ours);
  return merger.run();
}

function dataOf(text: string): Data {
  const data = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
  if (!isObject(data)) throw new Error('a plan is a mapping');
  return data;
}

function isObject(v: unknown): v is Data {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const same = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);

/** Items of `ours`, less those the template dropped, plus those it added (after their predecessor in theirs). */
export function mergeItems(base: readonly string[], theirs: readonly string[], ours: readonly string[]): string[] {
  const inBase = new Set(base);
  const inTheirs = new Set(theirs);
  const kept = ours.filter((x) => !inBase.has(x) || inTheirs.has(x));
  const present = new Set(kept);
  // New items go after the nearest item before them in theirs that the result has (or first): collected
  // per anchor, then laid out in one pass, so a list of thousands (a step after every table) stays linear.
  const after = new Map<string, string[]>();
  let anchor = '';
  for (const x of theirs) {
    if (present.has(x)) { anchor = x; continue; }
    if (inBase.has(x)) continue;
    const list = after.get(anchor) ?? [];
    if (!after.has(anchor)) after.set(anchor, list);
    list.push(x);
    present.add(x);
  }
  if (after.size === 0) return kept;
  const out = [...(after.get('') ?? [])];
  for (const x of kept) out.push(x, ...(after.get(x) ?? []));
  return out;
}

class Merger {
  private readonly oursDoc: Document;
  private readonly theirsDoc: Document;
  private readonly splices: Splice[] = [];
  private readonly conflicts: Conflict[] = [];
  private readonly applied: string[] = [];
  private readonly notices: string[] = [];
  private readonly eol: string;

  constructor(private readonly input: MergeInput, private readonly base: Data, private readonly theirs: Data, private readonly ours: Data) {
    const { parseDocument, isMap } = yaml();
    this.oursDoc = parseDocument(input.ours);
    this.theirsDoc = parseDocument(input.theirs);
    if (!isMap(this.oursDoc.contents) || !isMap(this.theirsDoc.contents)) throw new Error('plan update edits YAML block mappings');
    this.eol = input.ours.includes('\r\n') ? '\r\n' : '\n';
  }

  run(): MergeResult {
    const oursTop = this.oursDoc.contents as YAMLMap;
    const theirsTop = this.theirsDoc.contents as YAMLMap;
    const deps = this.finalDepends();
    for (const key of this.keys(this.base, this.theirs, this.ours)) {
      if (key === 'conflicts') continue;
      if (key in KEYED_LISTS) this.mergeKeyed(key, KEYED_LISTS[key]!, oursTop, theirsTop, deps);
      else this.mergeField([key], this.base[key], this.theirs[key], this.ours[key], oursTop, theirsTop);
    }
    if (this.conflicts.length) this.recordConflicts(oursTop);
    const edits = this.ordered();
    return { text: applyEdits(this.input.ours, edits), conflicts: this.conflicts, applied: this.applied, notices: this.notices, edits };
  }

  /** Keys in the order the user's file has them, then the template's new ones. */
  private keys(...sides: Data[]): string[] {
    const out: string[] = [];
    for (const key of [...Object.keys(sides[2]!), ...Object.keys(sides[1]!), ...Object.keys(sides[0]!)]) if (!out.includes(key)) out.push(key);
    return out;
  }

  // ---- decisions -------------------------------------------------------------------------------------

  private mergeField(path: Path, b: unknown, t: unknown, o: unknown, oursMap: YAMLMap, theirsMap: YAMLMap | undefined): void {
    const key = path[path.length - 1]!;
    if (USER_FIELDS.has(key) || same(t, b)) return;
    if (TEMPLATE_FIELDS.has(key)) {
      if (!same(o, t)) this.takeTheirs(path, oursMap, theirsMap);
      return;
    }
    if (isObject(b) && isObject(t) && isObject(o)) {
      const oursChild = pairOf(oursMap, key)?.value;
      const theirsChild = theirsMap ? pairOf(theirsMap, key)?.value : undefined;
      if (isBlockMap(oursChild) && isBlockMap(theirsChild)) {
        for (const k of this.keys(b, t, o)) this.mergeField([...path, k], b[k], t[k], o[k], oursChild, theirsChild);
        return;
      }
    }
    if (ITEM_LISTS.has(key) && [b, t, o].every((v) => v === undefined || isStringList(v))) {
      const merged = mergeItems((b ?? []) as string[], (t ?? []) as string[], (o ?? []) as string[]);
      if (same(merged, o ?? [])) return;
      this.setList(path, merged, oursMap, theirsMap);
      this.applied.push(`${label(path)}: ${listChange((o ?? []) as string[], merged)}`);
      return;
    }
    if (same(o, b)) this.takeTheirs(path, oursMap, theirsMap);
    else if (!same(o, t)) this.conflict(path, o, t, b);
  }

  private conflict(at: Path, yours: unknown, template: unknown, base: unknown): void {
    this.conflicts.push({ at, ...(yours !== undefined ? { yours } : {}), ...(template !== undefined ? { template } : {}),
      ...(base !== undefined ? { base } : {}) });
  }

  /** Tasks, phases, placeholders: matched by key, merged field by field. */
  private mergeKeyed(list: string, keyName: string, oursTop: YAMLMap, theirsTop: YAMLMap, deps: Map<string, string[]>): void {
    const index = (d: Data) => new Map((Array.isArray(d[list]) ? d[list] : []).filter(isObject).map((x) => [String(x[keyName]), x]));
    const [b, t, o] = [index(this.base), index(this.theirs), index(this.ours)];
    const oursSeq = pairOf(oursTop, list)?.value;
    const theirsSeq = pairOf(theirsTop, list)?.value;
    if (!isBlockSeq(oursSeq) || !isBlockSeq(theirsSeq)) {
      // A list written inline, or missing on one side: one value.
      this.mergeField([list], this.base[list], this.theirs[list], this.ours[list], oursTop, theirsTop);
      return;
    }
    const oursItems = itemsByKey(oursSeq, keyName);
    const theirsItems = itemsByKey(theirsSeq, keyName);
    const kept = new Set<string>();
    for (const [id, ours] of o) {
      const [base, theirs] = [b.get(id), t.get(id)];
      const node = oursItems.get(id);
      if (!node) continue;
      if (theirs === undefined && base !== undefined) {
        if (same(ours, base)) {
          this.splices.push(this.itemRegion(node));
          this.applied.push(`removed ${singular(list)} ${id}`);
          continue;
        }
        const changed = Object.fromEntries(Object.keys({ ...base, ...ours }).filter((k) => !same(base[k], ours[k])).map((k) => [k, ours[k]]));
        this.conflict([list, id], changed, undefined, undefined);
        this.notices.push(`${singular(list)} ${id}: the template no longer has it, but you changed it (${Object.keys(changed).join(', ')}); kept`);
        kept.add(id);
        continue;
      }
      kept.add(id);
      const ran = list === 'tasks' && isObject(ours.state) && RAN.has(String(ours.state.status));
      for (const k of this.keys(base ?? {}, theirs ?? {}, ours)) {
        if (list === 'tasks' && k === 'depends') continue;
        // What ran is history: new statements (or migration files) for a task already run are a decision (a
        // new task?), not an edit.
        if (ran && (k === 'sql' || k === 'files') && !same(base?.[k], theirs?.[k])) {
          if (!same(ours[k], theirs?.[k])) this.conflict([list, id, k], ours[k], theirs?.[k], base?.[k]);
          continue;
        }
        this.mergeField([list, id, k], base?.[k], theirs?.[k], ours[k], node, theirsItems.get(id));
      }
      if (list === 'tasks') this.settleDepends(id, ours, node, theirsItems.get(id), deps);
    }
    for (const [id, base] of b) {
      const theirs = t.get(id);
      if (!o.has(id) && theirs !== undefined && !same(theirs, base)) {
        this.notices.push(`${singular(list)} ${id}: you deleted it; the template changed it since, and it stays deleted`);
      }
    }
    // The template's new entries, in its order, after the nearest entry before them that stays (entries
    // inserted at one place keep the order they are decided in: see apply).
    const order = [...t.keys()];
    order.forEach((id, i) => {
      if (b.has(id) || o.has(id)) return;
      let anchor: string | undefined;
      for (let j = i - 1; j >= 0 && anchor === undefined; j--) if (kept.has(order[j]!)) anchor = order[j]!;
      this.insertItem(list, id, anchor, oursSeq, oursItems, theirsItems.get(id)!, deps);
    });
  }

  // ---- dependencies ------------------------------------------------------------------------------------

  /**
   * Every task's depends after the merge, by id: item-wise merged, then re-pointed past tasks that no
   * longer exist. Computed first, because an inserted task's dependencies need it too.
   */
  private finalDepends(): Map<string, string[]> {
    const tasks = (d: Data) => new Map((Array.isArray(d.tasks) ? d.tasks : []).filter(isObject).map((x) => [String(x.id), x]));
    const [b, t, o] = [tasks(this.base), tasks(this.theirs), tasks(this.ours)];
    const depsOf = (x: Data | undefined) => (isStringList(x?.depends) ? x.depends : []);
    // The merged set of ids: the user's, less what the template removed untouched, plus what it added.
    const ids = new Set<string>();
    for (const [id, x] of o) if (!(b.has(id) && !t.has(id) && same(x, b.get(id)))) ids.add(id);
    for (const id of t.keys()) if (!b.has(id) && !o.has(id)) ids.add(id);
    const merged = new Map<string, string[]>();
    for (const id of ids) {
      const ours = o.get(id);
      merged.set(id, ours ? mergeItems(depsOf(b.get(id)), depsOf(t.get(id)), depsOf(ours)) : depsOf(t.get(id)));
    }
    // The template's new tasks by every id they extend (`T4.users` extends `T4`), and base's tasks by what they wait for.
    const splits = new Map<string, string[]>();
    for (const x of t.keys()) {
      if (b.has(x) || !ids.has(x)) continue;
      for (let dot = x.indexOf('.'); dot > 0; dot = x.indexOf('.', dot + 1)) {
        const prefix = x.slice(0, dot);
        const list = splits.get(prefix);
        if (list) list.push(x); else splits.set(prefix, [x]);
      }
    }
    const waiting = new Map<string, string[]>();
    for (const [x, task] of b) {
      for (const d of depsOf(task)) {
        const list = waiting.get(d);
        if (list) list.push(x); else waiting.set(d, [x]);
      }
    }
    const replacement = (gone: string, seen: Set<string>): string[] => {
      if (ids.has(gone)) return [gone];
      if (seen.has(gone)) return [];
      seen.add(gone);
      const split = splits.get(gone) ?? [];
      if (split.length) return split;
      // Those that took its place: what the tasks after it now wait for that they did not before.
      const successors = (waiting.get(gone) ?? []).filter((x) => t.has(x));
      const took = new Set(successors.flatMap((x) => depsOf(t.get(x)).filter((d) => !depsOf(b.get(x)).includes(d) && !b.has(d) && ids.has(d))));
      if (took.size) return [...took];
      const before = depsOf(b.get(gone) ?? t.get(gone) ?? o.get(gone));
      return before.flatMap((d) => replacement(d, seen));
    };
    for (const [id, list] of merged) {
      if (list.every((d) => ids.has(d))) continue;
      const out = [...new Set(list.flatMap((d) => replacement(d, new Set())))].filter((r) => r !== id);
      const gone = list.filter((d) => !ids.has(d));
      this.notices.push(`task ${id}: depended on ${gone.join(', ')}, which no longer exist${gone.length > 1 ? '' : 's'}; now depends on ${out.join(', ') || 'nothing'}`);
      merged.set(id, out);
    }
    return merged;
  }

  private settleDepends(id: string, ours: Data, node: YAMLMap, theirsNode: YAMLMap | undefined, deps: Map<string, string[]>): void {
    const now = isStringList(ours.depends) ? ours.depends : [];
    const next = deps.get(id) ?? now;
    if (same(now, next)) return;
    this.setList(['tasks', id, 'depends'], next, node, theirsNode);
    this.applied.push(`tasks.${id}.depends: ${listChange(now, next)}`);
  }

  // ---- edits of the user's text ---------------------------------------------------------------------

  /** The field as the template writes it now (or gone, if it no longer writes it). */
  private takeTheirs(path: Path, oursMap: YAMLMap, theirsMap: YAMLMap | undefined): void {
    const key = path[path.length - 1]!;
    const oursPair = pairOf(oursMap, key);
    const theirsPair = theirsMap ? pairOf(theirsMap, key) : undefined;
    if (!theirsPair) {
      if (oursPair) this.replacePair(oursPair, '');
    } else {
      const text = this.pairText(theirsPair, this.input.theirs, oursPair ? this.column(oursPair) : this.mapColumn(oursMap));
      if (oursPair) this.replacePair(oursPair, text);
      else this.insertPair(path, oursMap, theirsMap!, text);
    }
    this.applied.push(`${label(path)}: ${theirsPair ? (oursPair ? "the template's" : 'added') : 'removed'}`);
  }

  /** A list field set to `items`, written in the style the user's file already has for it. */
  private setList(path: Path, items: string[], oursMap: YAMLMap, theirsMap: YAMLMap | undefined): void {
    const { isSeq } = yaml();
    const key = path[path.length - 1]!;
    const oursPair = pairOf(oursMap, key);
    const col = oursPair ? this.column(oursPair) : this.mapColumn(oursMap);
    const block = oursPair && isSeq(oursPair.value) && !oursPair.value.flow && items.length > 0;
    // Quoted like the file quotes this list already (templates write ids as JSON strings).
    const source = (oursPair ?? (theirsMap ? pairOf(theirsMap, key) : undefined));
    const region = source && this.pairRegion(source, oursPair ? this.input.ours : this.input.theirs);
    const quoted = region !== undefined && (oursPair ? this.input.ours : this.input.theirs).slice(region.from, region.to).includes('"');
    const item = (x: string) => (quoted ? JSON.stringify(x) : scalar(x));
    const text = block
      ? `${' '.repeat(col)}${key}:${this.eol}${items.map((x) => `${' '.repeat(col + 2)}- ${item(x)}${this.eol}`).join('')}`
      : `${' '.repeat(col)}${key}: [${items.map(item).join(', ')}]${this.eol}`;
    if (oursPair) this.replacePair(oursPair, text);
    else if (items.length) this.insertPair(path, oursMap, theirsMap, text);
  }

  /** A new key, after the key the template writes before it (or after the mapping's first key). */
  private insertPair(path: Path, oursMap: YAMLMap, theirsMap: YAMLMap | undefined, text: string): void {
    const key = path[path.length - 1]!;
    const order = theirsMap ? theirsMap.items.map((p) => keyOf(p)) : [];
    let anchor = oursMap.items[0]!;
    for (let i = order.indexOf(key) - 1; i >= 0; i--) {
      const found = pairOf(oursMap, order[i]!);
      if (found) { anchor = found; break; }
    }
    const at = this.pairRegion(anchor, this.input.ours).to;
    this.splices.push({ from: at, to: at, text });
  }

  private insertItem(list: string, id: string, anchor: string | undefined, oursSeq: YAMLSeq, oursItems: Map<string, YAMLMap>,
    theirsItem: YAMLMap, deps: Map<string, string[]>): void {
    const col = this.column(oursSeq.items[0] as YAMLMap, this.input.ours);
    const theirsCol = this.column(theirsItem, this.input.theirs);
    const region = this.itemRegion(theirsItem, this.input.theirs);
    let text = this.input.theirs.slice(region.from, region.to);
    // Its dependencies may name tasks the user deleted: written as re-pointed.
    if (list === 'tasks') {
      const t = isObject(this.theirs) ? (this.theirs.tasks as Data[]).find((x) => x.id === id) : undefined;
      const next = deps.get(id);
      const pair = pairOf(theirsItem, 'depends');
      if (pair && next && !same(t?.depends, next)) {
        const r = this.pairRegion(pair, this.input.theirs);
        const line = `${' '.repeat(theirsCol)}depends: [${next.map(scalar).join(', ')}]\n`;
        text = text.slice(0, r.from - region.from) + line + text.slice(r.to - region.from);
      }
    }
    text = reindent(text, col - theirsCol, true).replace(/\r?\n/g, this.eol);
    if (!text.endsWith(this.eol)) text += this.eol;
    const after = anchor === undefined ? undefined : oursItems.get(anchor);
    const at = after ? this.itemRegion(after).to : this.lineStart(this.input.ours, (oursSeq.items[0] as YAMLMap).range![0]);
    this.splices.push({ from: at, to: at, text });
    this.applied.push(`added ${singular(list)} ${id}${anchor ? ` after ${anchor}` : ''}`);
  }

  private recordConflicts(oursTop: YAMLMap): void {
    const { stringify } = yaml();
    const existing = Array.isArray(this.ours.conflicts) ? this.ours.conflicts : [];
    const all = [...existing, ...this.conflicts];
    const text = stringify({ conflicts: all }, { lineWidth: 0, flowCollectionPadding: false }).replace(/\n/g, this.eol);
    const pair = pairOf(oursTop, 'conflicts');
    if (pair) {
      this.replacePair(pair, text);
      return;
    }
    const before = pairOf(oursTop, 'epic') ?? oursTop.items[0]!;
    const at = this.lineStart(this.input.ours, (before.key as Node).range![0]);
    this.splices.push({ from: at, to: at, text });
  }

  /**
   * The edits in file order; at one offset, the insertions there (in the order they were decided) before
   * a region that starts there is replaced.
   */
  private ordered(): TextEdit[] {
    const ordered = this.splices.map((s, i) => ({ s, i }))
      .sort((a, b) => a.s.from - b.s.from || (a.s.to - a.s.from) - (b.s.to - b.s.from) || a.i - b.i).map(({ s }) => s);
    ordered.forEach((s, k) => {
      if (k > 0 && s.from < ordered[k - 1]!.to) throw new Error(`plan update: overlapping edits at offset ${s.from}`);
    });
    return ordered;
  }

  // ---- positions -------------------------------------------------------------------------------------

  private lineStart(text: string, offset: number): number {
    return text.lastIndexOf('\n', offset - 1) + 1;
  }

  /** The column a pair's key (or a mapping's first key) stands at in `text`. */
  private column(node: Pair | YAMLMap, text = this.input.ours): number {
    const start = yaml().isMap(node) ? firstKeyStart(node) : ((node as Pair).key as Node).range![0];
    return start - this.lineStart(text, start);
  }

  private mapColumn(map: YAMLMap): number {
    return this.column(map.items[0]!);
  }

  /**
   * A key and its value, whole lines: from the line's start, or from the key when it follows a `- `
   * (`atKey`: a replacement then starts without indentation).
   */
  private pairRegion(pair: Pair, text = this.input.ours): { from: number; to: number; atKey: boolean } {
    const keyStart = (pair.key as Node).range![0];
    const lineStart = this.lineStart(text, keyStart);
    const atKey = !/^\s*$/.test(text.slice(lineStart, keyStart));
    const end = ((pair.value ?? pair.key) as Node).range![1];
    return { from: atKey ? keyStart : lineStart, to: endOfLine(text, end), atKey };
  }

  /** Replaces the user's pair with `text` (written indented, as for a line of its own). */
  private replacePair(pair: Pair, text: string): void {
    const region = this.pairRegion(pair);
    this.splices.push({ from: region.from, to: region.to, text: region.atKey ? text.replace(/^ +/, '') : text });
  }

  /** The text of a pair of the template's, re-indented to `col` (first line from its key). */
  private pairText(pair: Pair, text: string, col: number): string {
    const keyStart = (pair.key as Node).range![0];
    const theirsCol = keyStart - this.lineStart(text, keyStart);
    const end = endOfLine(text, ((pair.value ?? pair.key) as Node).range![1]);
    const body = reindent(text.slice(keyStart, end), col - theirsCol, false);
    return (' '.repeat(col) + body).replace(/\r?\n/g, this.eol);
  }

  /** A list entry: from the line its `- ` is on to the end of its last line. */
  private itemRegion(item: YAMLMap, text = this.input.ours): Splice {
    return { from: this.lineStart(text, item.range![0]), to: endOfLine(text, item.range![1]), text: '' };
  }
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => keyOf(p) === key) as Pair | undefined;
}

function keyOf(pair: Pair): string {
  const k = pair.key as { value?: unknown } | null;
  return String(k && typeof k === 'object' && 'value' in k ? k.value : k);
}

function isBlockMap(node: unknown): node is YAMLMap {
  const { isMap } = yaml();
  return isMap(node) && !node.flow && node.items.length > 0 && node.range !== undefined;
}

function isBlockSeq(node: unknown): node is YAMLSeq {
  const { isSeq } = yaml();
  return isSeq(node) && !node.flow && node.items.length > 0 && node.items.every((i) => isBlockMap(i));
}

function itemsByKey(seq: YAMLSeq, keyName: string): Map<string, YAMLMap> {
  const out = new Map<string, YAMLMap>();
  for (const item of seq.items as YAMLMap[]) {
    const pair = pairOf(item, keyName);
    const value = pair?.value as { value?: unknown } | undefined;
    const id = value && typeof value === 'object' && 'value' in value ? String(value.value) : undefined;
    if (id !== undefined && !out.has(id)) out.set(id, item);
  }
  return out;
}

function firstKeyStart(map: YAMLMap): number {
  return (map.items[0]!.key as Node).range![0];
}

/** The offset just past the line `offset` is on (a block value's range already ends past its newline). */
function endOfLine(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

/** Shifts every line (but the first, unless `first`) by `delta` columns. */
function reindent(text: string, delta: number, first: boolean): string {
  if (delta === 0) return text;
  return text.split('\n').map((line, i) => {
    if ((i === 0 && !first) || line.length === 0) return line;
    return delta > 0 ? ' '.repeat(delta) + line : line.replace(new RegExp(`^ {0,${-delta}}`), '');
  }).join('\n');
}

/** A list item as YAML: plain when it reads back as the same string, JSON-quoted otherwise. */
function scalar(value: string): string {
  const plain = /^[A-Za-z0-9_./][A-Za-z0-9_./ -]*$/.test(value) && !/\s$/.test(value) &&
    jsYaml.load(value, { schema: jsYaml.CORE_SCHEMA }) === value;
  return plain ? value : JSON.stringify(value);
}

/** `+ a, - b`: what a list gained and lost. */
function listChange(before: readonly string[], after: readonly string[]): string {
  const had = new Set(before);
  const has = new Set(after);
  return [...after.filter((x) => !had.has(x)).map((x) => `+ ${x}`), ...before.filter((x) => !has.has(x)).map((x) => `- ${x}`)].join(', ');
}

function label(path: Path): string {
  return path.join('.');
}

function singular(list: string): string {
  return list.replace(/s$/, '');
}

/** `text` with the edits (in file order, apart) applied, in one pass. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const e of edits) {
    parts.push(text.slice(at, e.from), e.text);
    at = e.to;
  }
  parts.push(text.slice(at));
  return parts.join('');
}
